"""The release identity (version and version IRI), read from the ontology header.

Its own module because both the release build (:mod:`normspace.release`) and the release
notes (:mod:`normspace.releasediff`) need it; before, the notes imported it back from the
build, which imported the notes: an import cycle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL

from .errors import InputError
from .namespaces import ONTOLOGY_IRI


@dataclass(frozen=True)
class Version:
    """The release identity, read from the ontology header (the single source)."""

    info: str
    iri: str
    modified: str | None = None

    @property
    def key(self) -> tuple[int, ...]:
        return version_key(self.info)


def version_key(text: str) -> tuple[int, ...]:
    """Sort key of a dotted version; non-numeric parts sort as 0.

    >>> sorted(["0.10.0", "0.2.0", "0.9.1"], key=version_key)
    ['0.2.0', '0.9.1', '0.10.0']
    """
    return tuple(int(p) if p.isdigit() else 0 for p in re.split(r"[.\-+]", text))


def ontology_version(ontology: Graph) -> Version:
    header = URIRef(ONTOLOGY_IRI)
    info = ontology.value(header, OWL.versionInfo)
    iri = ontology.value(header, OWL.versionIRI)
    if info is None or iri is None:
        raise InputError(
            f"the ontology header <{ONTOLOGY_IRI}> needs owl:versionInfo and owl:versionIRI "
            "to be released"
        )
    if str(iri) == ONTOLOGY_IRI:
        raise InputError("owl:versionIRI must differ from the ontology IRI")
    if not str(iri).endswith(str(info)):
        raise InputError(
            f"owl:versionIRI <{iri}> does not end with owl:versionInfo {str(info)!r}; "
            "update both together"
        )
    modified = ontology.value(header, DCTERMS.modified)
    return Version(str(info), str(iri), str(modified) if modified is not None else None)

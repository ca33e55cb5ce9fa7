"""Namespaces and the prefix map shared by every part of NormSpace."""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

NORM_IRI = "https://w3id.org/normspace#"
ONTOLOGY_IRI = "https://w3id.org/normspace"

NORM = Namespace(NORM_IRI)
OA = Namespace("http://www.w3.org/ns/oa#")
FABIO = Namespace("http://purl.org/spar/fabio/")
PRISM = Namespace("http://prismstandard.org/namespaces/basic/2.0/")
SCHEMA = Namespace("https://schema.org/")
VANN = Namespace("http://purl.org/vocab/vann/")
SH = Namespace("http://www.w3.org/ns/shacl#")

#: Prefix map used for CURIEs in annotation files, query output and serialisation.
PREFIXES: dict[str, str] = {
    "norm": NORM_IRI,
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "foaf": str(FOAF),
    "oa": str(OA),
    "fabio": str(FABIO),
    "prism": str(PRISM),
    "schema": str(SCHEMA),
    "vann": str(VANN),
    "sh": str(SH),
}


#: Prefixes of the ontologies NormSpace maps to (as in the SSSOM curie maps). They expand
#: and compact CURIEs on the command line and in query output, but are not bound on
#: serialised graphs, so the ontology sources keep only the prefixes they use.
EXTERNAL_PREFIXES: dict[str, str] = {
    "dpv": "https://w3id.org/dpv#",
    "ai": "https://w3id.org/dpv/ai#",
    "aiact": "https://w3id.org/dpv/legal/eu/aiact#",
    "risk": "https://w3id.org/dpv/risk#",
    "tech": "https://w3id.org/dpv/tech#",
    "rights": "https://w3id.org/dpv/rights/eu#",
    "sector-education": "https://w3id.org/dpv/sector/education#",
    "sector-finance": "https://w3id.org/dpv/sector/finance#",
    "sector-health": "https://w3id.org/dpv/sector/health#",
    "sector-law": "https://w3id.org/dpv/sector/law#",
    "sector-publicservices": "https://w3id.org/dpv/sector/publicservices#",
    "airo": "https://w3id.org/airo#",
    "vair": "https://w3id.org/vair#",
    "bhv": "https://w3id.org/spice/SON/SchwartzValues#",
    "mft": "https://w3id.org/spice/SON/HaidtValues#",
}

_ALL_PREFIXES = {**PREFIXES, **EXTERNAL_PREFIXES}
#: Longest namespace first, so that compaction picks the most specific prefix.
_BY_LENGTH = sorted(_ALL_PREFIXES.items(), key=lambda item: -len(item[1]))


def bind_prefixes(graph: Graph) -> Graph:
    """Bind NormSpace's preferred prefixes on ``graph`` (replacing rdflib's defaults)."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
    return graph


def curie(iri: str) -> str:
    """Compact ``iri`` with the NormSpace prefix map, or return it unchanged.

    >>> curie("https://w3id.org/normspace#RLHF")
    'norm:RLHF'
    >>> curie("https://example.org/x")
    'https://example.org/x'
    >>> curie("https://w3id.org/dpv#VulnerableHuman")
    'dpv:VulnerableHuman'
    """
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def expand(value: str) -> str | None:
    """Expand a CURIE with a known prefix to an IRI, or return ``None``.

    >>> expand("norm:RLHF")
    'https://w3id.org/normspace#RLHF'
    >>> expand("nope:X") is None
    True
    """
    prefix, sep, local = value.partition(":")
    if not sep or prefix not in _ALL_PREFIXES or local.startswith("//"):
        return None
    return _ALL_PREFIXES[prefix] + local

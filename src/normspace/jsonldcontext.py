"""The one JSON-LD context of NormSpace annotation data, generated, bundled and published.

Before, a hand-written bundled context (used to read and write JSON-LD) and the context the
release generated claimed the same IRI but disagreed (``year`` vs ``publicationYear``,
``wasAttributedTo`` as a literal vs ``attributedTo`` as an IRI), so one document gave
different triples depending on the reader. Now there is one: generated here from the slot
table (every tag, trade-off and assumption field takes term IRIs), the paper and annotation
fields, and the ontology's classes and properties; committed as
``src/normspace/annotation/context.jsonld`` (a test fails when it is stale); and published by
``normspace release`` byte for byte. Regenerate it after changing the ontology or the slots::

    python -m normspace.jsonldcontext
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .annotation.slots import (
    ASSUMPTION_ATTRIBUTION,
    ASSUMPTION_STANCE,
    ASSUMPTION_TYPE,
    CONTESTABLE_BY,
    FINDING_BASELINE,
    FINDING_DIRECTION,
    FINDING_MEASURE,
    PRIORITY,
    RESOURCE_SLOTS,
    ROLE,
    STAGE,
    TAG_SLOTS,
    TRADE_OFF_SLOTS,
)
from .atomicio import atomic_write_text
from .errors import InputError
from .namespaces import NORM_IRI, ONTOLOGY_IRI, PREFIXES
from .versioning import ontology_version

#: The IRI the context is published under (``@context`` values naming it are read locally).
CONTEXT_IRI = "https://w3id.org/normspace/context.jsonld"

#: The bundled copy, inside the ``normspace.annotation`` package (read with importlib.resources).
BUNDLED = ("normspace.annotation", "context.jsonld")

#: Short names for the reused vocabulary of the paper and annotation fields (see
#: docs/design.md, "Annotation model").
REUSED_TERMS: dict[str, object] = {
    "id": "@id",
    "type": "@type",
    "Person": "schema:Person",
    "title": "dcterms:title",
    "description": "dcterms:description",
    "comment": "rdfs:comment",
    "created": {"@id": "dcterms:created", "@type": "xsd:date"},
    "publicationYear": {"@id": "fabio:hasPublicationYear", "@type": "xsd:gYear"},
    "doi": "prism:doi",
    "venue": "prism:publicationName",
    "author": {"@id": "schema:author"},
    "name": "schema:name",
    "position": {"@id": "schema:position", "@type": "xsd:integer"},
    "attributedTo": {"@id": "prov:wasAttributedTo"},
    "foafName": "foaf:name",
    # term requests (annotation format 2)
    "label": "rdfs:label",
    "definition": "skos:definition",
    "source": {"@id": "dcterms:source"},
    # findings and study facts (annotation format 2): schema.org, as the RDF reuses it
    "value": {"@id": "schema:value"},
    "unitText": "schema:unitText",
    "url": {"@id": "schema:url", "@type": "@id"},
    "identifier": "schema:identifier",
    "Dataset": "schema:Dataset",
    "SoftwareApplication": "schema:SoftwareApplication",
}


#: Object properties whose values are nodes of their own, often blank (a trade-off, an
#: assumption, evidence, a finding, a sample, a dataset or model, a priority rank, a
#: contestation setting): they are not coerced to IRIs (``"@type": "@id"``), because a blank
#: node written as a ``"_:b0"`` string under coercion does not read back as the same node
#: (the JSON-LD round trip of ``normspace convert`` loses its triples). The same holds for
#: ``attributedTo`` (an annotator is an ORCID IRI or a blank node): write ``{"@id": ...}``.
NODE_VALUED = frozenset(
    {
        "hasTradeOff",
        "hasAssumption",
        "hasEvidence",
        "hasFinding",
        "hasSample",
        "hasPriority",
        "hasContestationSetting",
        *(slot.prop.fragment for slot in RESOURCE_SLOTS),
    }
)
#: The term slots whose values may also be a term request (a blank node): they stay coerced to
#: IRIs, so that documents can write CURIEs, and the JSON-LD writer
#: (:func:`normspace.annotation.rdf_io.jsonld_text`) writes the request nodes out in full.
TERM_VALUED_SLOTS = (
    *TAG_SLOTS,
    *TRADE_OFF_SLOTS,
    ROLE,
    STAGE,
    CONTESTABLE_BY,
    FINDING_MEASURE,
    FINDING_BASELINE,
    FINDING_DIRECTION,
    PRIORITY,
    ASSUMPTION_TYPE,
    ASSUMPTION_ATTRIBUTION,
    ASSUMPTION_STANCE,
)


def _local(iri: object) -> str:
    return str(iri)[len(NORM_IRI) :]


def _ontology_terms(ontology: Graph) -> dict[str, object]:
    """Every NormSpace class and property: object properties take IRIs (CURIEs such as
    ``norm:RLHF`` work because the prefixes are in the context), datatype properties carry
    their declared range."""
    terms: dict[str, object] = {}
    own = [s for s in ontology.subjects(RDF.type, None) if str(s).startswith(NORM_IRI)]
    for cls in sorted(s for s in own if (s, RDF.type, OWL.Class) in ontology):
        terms[_local(cls)] = f"norm:{_local(cls)}"
    for prop in sorted(s for s in own if (s, RDF.type, OWL.ObjectProperty) in ontology):
        coerce = {} if _local(prop) in NODE_VALUED else {"@type": "@id"}
        terms[_local(prop)] = {"@id": f"norm:{_local(prop)}", **coerce}
    for prop in sorted(s for s in own if (s, RDF.type, OWL.DatatypeProperty) in ontology):
        entry: dict[str, str] = {"@id": f"norm:{_local(prop)}"}
        rng = ontology.value(prop, RDFS.range)
        if rng is not None and rng != XSD.string:
            entry["@type"] = f"xsd:{str(rng)[len(str(XSD)) :]}"
        terms[_local(prop)] = entry
    return terms


def _slot_terms() -> dict[str, object]:
    """The term-valued fields of the slot table: each takes term IRIs."""
    props: list[URIRef] = [s.prop for s in TERM_VALUED_SLOTS]
    return {_local(p): {"@id": f"norm:{_local(p)}", "@type": "@id"} for p in props}


def jsonld_context(ontology: Graph) -> dict[str, object]:
    """The context document: ``@context`` plus the ontology and release it belongs to
    (entries outside ``@context`` are ignored by JSON-LD processors)."""
    version = ontology_version(ontology)
    terms = _ontology_terms(ontology)
    for name, entry in _slot_terms().items():
        if terms.setdefault(name, entry) != entry:
            raise InputError(
                f"the slot table stores `{name}` as term IRIs, but the ontology declares "
                f"norm:{name} as {terms[name]!r}; declare it an owl:ObjectProperty"
            )
    clash = sorted(set(terms) & set(REUSED_TERMS))
    if clash:
        raise InputError(f"JSON-LD context terms defined twice: {', '.join(clash)}")
    context: dict[str, object] = {"@version": 1.1}
    context.update(dict(sorted(PREFIXES.items())))
    context.update(dict(sorted({**terms, **REUSED_TERMS}.items())))
    return {
        "@context": context,
        "dcterms:isPartOf": ONTOLOGY_IRI,
        "owl:versionIRI": version.iri,
        "owl:versionInfo": version.info,
    }


def context_text(ontology: Graph | None = None) -> str:
    """The context document as written to the bundled file and the release."""
    if ontology is None:
        from .ontology import load_ontology

        ontology = load_ontology()
    return json.dumps(jsonld_context(ontology), indent=2, ensure_ascii=False) + "\n"


def bundled_context_text() -> str:
    """The committed context, as the installed package carries it."""
    package, name = BUNDLED
    return resources.files(package).joinpath(name).read_text(encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Regenerate the bundled context (or write it to the given path)."""
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else Path(__file__).parent / "annotation" / "context.jsonld"
    atomic_write_text(target, context_text())
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

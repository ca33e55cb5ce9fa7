"""What the bundled ontology must contain: twelve populated dimensions, sourced terms,
the reserved term IRIs, a complete header, and OWL ranges that agree with the SHACL slots."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from ruamel.yaml import YAML

from normspace.namespaces import NORM, NORM_IRI, ONTOLOGY_IRI, VANN, curie
from normspace.ontology import DIMENSIONS, SLOT_SCHEMES, SUPPORTING_SCHEMES, term_index

RESERVED = YAML(typ="safe").load(
    (Path(__file__).parent / "data" / "check" / "_reserved-terms.yaml").read_text(encoding="utf-8")
)
ONTOLOGY = URIRef(ONTOLOGY_IRI)
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
#: A dimension with fewer terms than this gives annotators nothing to choose from.
MIN_TERMS_PER_DIMENSION = 5
SCHEME_CLASS = {scheme: cls for cls, scheme in (*DIMENSIONS, *SUPPORTING_SCHEMES)}


def concepts(graph: Graph) -> set[URIRef]:
    return {t for t in graph.subjects(SKOS.inScheme, None) if isinstance(t, URIRef)} | {
        t for t in graph.subjects(RDF.type, SKOS.Concept) if isinstance(t, URIRef)
    }


def test_there_are_twelve_dimensions() -> None:
    assert len(DIMENSIONS) == 12
    assert len({scheme for _, scheme in DIMENSIONS}) == 12


@pytest.mark.parametrize(("cls", "scheme"), DIMENSIONS, ids=[curie(s) for _, s in DIMENSIONS])
def test_dimension_is_declared_and_populated(ontology_graph: Graph, cls, scheme) -> None:
    assert (cls, RDF.type, OWL.Class) in ontology_graph
    assert (cls, RDFS.subClassOf, SKOS.Concept) in ontology_graph
    assert (scheme, RDF.type, SKOS.ConceptScheme) in ontology_graph
    terms = set(ontology_graph.subjects(SKOS.inScheme, scheme))
    assert len(terms) >= MIN_TERMS_PER_DIMENSION, f"{curie(scheme)} has {len(terms)} terms"
    assert set(ontology_graph.subjects(SKOS.topConceptOf, scheme)), f"{curie(scheme)} has no top"


def test_every_term_is_typed_with_the_class_of_its_scheme(ontology_graph: Graph) -> None:
    wrong = []
    for term in concepts(ontology_graph):
        for scheme in ontology_graph.objects(term, SKOS.inScheme):
            cls = SCHEME_CLASS.get(scheme)
            if cls is None or (term, RDF.type, cls) not in ontology_graph:
                wrong.append(f"{curie(term)} in {curie(scheme)}")
    assert wrong == []


def test_every_term_has_a_source_definition_and_label(ontology_graph: Graph) -> None:
    for term in concepts(ontology_graph):
        assert ontology_graph.value(term, DCTERMS.source) is not None, f"{curie(term)}: no source"
        definitions = [
            d for d in ontology_graph.objects(term, SKOS.definition) if d.language == "en"
        ]
        labels = [x for x in ontology_graph.objects(term, SKOS.prefLabel) if x.language == "en"]
        assert len(definitions) == 1 and len(labels) == 1, curie(term)


def test_every_term_is_an_owl_named_individual(ontology_graph: Graph) -> None:
    """Terms are individuals (not classes), so that the ontology stays OWL 2 DL without punning."""
    for term in concepts(ontology_graph):
        assert (term, RDF.type, OWL.NamedIndividual) in ontology_graph, curie(term)
        assert (term, RDF.type, OWL.Class) not in ontology_graph, curie(term)


def test_term_index_finds_every_term_by_its_label() -> None:
    index = term_index()
    assert len(index) > 0
    for term in index:
        assert index.find(term.label) == term, f"label {term.label!r} of {term.curie} is ambiguous"


@pytest.mark.parametrize("scheme", sorted(RESERVED))
def test_reserved_terms_exist(ontology_graph: Graph, scheme: str) -> None:
    missing = [
        name
        for name in RESERVED[scheme]
        if (NORM[name], SKOS.inScheme, NORM[scheme]) not in ontology_graph
    ]
    assert missing == [], f"reserved terms missing from norm:{scheme}"


@pytest.mark.parametrize(
    ("prop", "expected"),
    [
        (DCTERMS.title, None),
        (DCTERMS.description, None),
        (DCTERMS.license, CC_BY),
        (DCTERMS.creator, None),
        (OWL.versionIRI, None),
        (OWL.versionInfo, None),
        (VANN.preferredNamespacePrefix, Literal("norm")),
        (VANN.preferredNamespaceUri, Literal(NORM_IRI)),
    ],
    ids=lambda v: curie(str(v)) if isinstance(v, URIRef) else None,
)
def test_header_field(ontology_graph: Graph, prop, expected) -> None:
    values = list(ontology_graph.objects(ONTOLOGY, prop))
    assert len(values) == 1, f"{curie(str(prop))}: {values}"
    if expected is not None:
        assert values[0] == expected


def test_header_is_the_only_ontology_and_version_iri_differs(ontology_graph: Graph) -> None:
    assert set(ontology_graph.subjects(RDF.type, OWL.Ontology)) == {ONTOLOGY}
    version_iri = ontology_graph.value(ONTOLOGY, OWL.versionIRI)
    version = ontology_graph.value(ONTOLOGY, OWL.versionInfo)
    assert version_iri != ONTOLOGY
    assert str(version_iri).startswith(ONTOLOGY_IRI + "/") and str(version_iri).endswith(
        str(version)
    )


def test_no_owl_imports(ontology_graph: Graph) -> None:
    """Checking and reasoning must never fetch anything; the sources import nothing."""
    assert list(ontology_graph.objects(None, OWL.imports)) == []


@pytest.mark.parametrize(
    ("prop", "scheme"), sorted(SLOT_SCHEMES.items()), ids=[curie(p) for p in sorted(SLOT_SCHEMES)]
)
def test_slot_property_range_agrees_with_its_scheme(ontology_graph: Graph, prop, scheme) -> None:
    """The OWL range of each annotation slot is the class of the scheme SHACL checks."""
    assert (prop, RDF.type, OWL.ObjectProperty) in ontology_graph
    assert ontology_graph.value(prop, RDFS.range) == SCHEME_CLASS[scheme]

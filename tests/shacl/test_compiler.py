"""The batch engine's compiler: unsupported SHACL is refused by name, never run differently;
the literal encoding that keeps Oxigraph from re-typing literals; the engine choice."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from normspace.errors import InputError
from normspace.shacl import PyShaclEngine
from normspace.shaclbatch import (
    ENGINE_ENV,
    SURROGATE,
    BatchShaclEngine,
    UnsupportedShapeError,
    encode_nquads,
    engine_choice,
    lossy_datatypes,
    to_rdflib,
)

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


@pytest.mark.parametrize(
    ("shapes", "named"),
    [
        (
            "ex:S a sh:NodeShape ; sh:targetNode ex:n ; sh:nodeKind sh:IRI ; sh:message 'm' .",
            "targetNode",
        ),
        ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true ; sh:message 'm' .", "closed"),
        ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:node ex:T ; sh:message 'm' .", "node"),
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; "
            "sh:minCount 1 ] .",
            "without sh:message",
        ),
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select "
            "'SELECT $this WHERE { { SELECT ?x WHERE { ?x ?y ?z } } }' ] .",
            "sub-SELECT",
        ),
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select "
            "'SELECT $this WHERE { GRAPH ?g { $this ?p ?o } }' ] .",
            "GRAPH",
        ),
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select "
            "'SELECT * WHERE { $this ?p ?o }' ] .",
            "SELECT *",
        ),
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select "
            "'SELECT $this WHERE { $this ?p ?o } LIMIT 1' ] .",
            "solution modifiers",
        ),
    ],
)
def test_unsupported_shapes_are_refused_by_name(shapes, named):
    graph = Graph().parse(data=PREFIXES + shapes, format="turtle")
    with pytest.raises(UnsupportedShapeError) as error:
        BatchShaclEngine(graph)
    assert named in str(error.value)
    assert "https://example.org/S" in str(error.value) or "SPARQL" in str(error.value)


def test_a_small_shapes_graph_gives_pyshacls_results():
    """Beyond the annotation shapes: a generic shapes graph with the supported features."""
    shapes = Graph().parse(
        format="turtle",
        data=PREFIXES
        + """
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:p ; sh:minCount 2 ; sh:maxCount 3 ;
                          sh:datatype xsd:integer ; sh:message "p"@en ] ,
                        [ sh:path [ sh:inversePath ex:q ] ; sh:maxCount 1 ; sh:message "q" ] ,
                        [ sh:path ex:r ; sh:pattern "^A" ; sh:flags "i" ; sh:message "r" ] .""",
    )
    data = Graph().parse(
        format="turtle",
        data="""@prefix ex: <https://example.org/> .
        ex:a a ex:C ; ex:p 1, "x" ; ex:r "abc", "xyz" .
        ex:b a ex:C ; ex:p 1, 2, 3, 4 .
        ex:c ex:q ex:a . ex:d ex:q ex:a .""",
    )
    expected = PyShaclEngine(shapes).validate(data).results
    assert expected  # the case is not vacuous
    assert BatchShaclEngine(shapes).validate(data).results == expected


@pytest.mark.parametrize(
    ("line", "rewritten"),
    [
        # the object's datatype is rewritten ...
        ('<urn:s> <urn:p> "40"^^<{x}nonNegativeInteger> <urn:g> .', True),
        ('<urn:s> <urn:p> "40"^^<{x}int> .', True),
        # ... text inside a literal and other datatypes are not
        ('<urn:s> <urn:p> "a\\"^^<{x}int> <urn:g> ." <urn:g> .', False),
        ('<urn:s> <urn:p> "40"^^<{x}integer> <urn:g> .', False),
    ],
)
def test_encode_nquads_rewrites_only_object_datatypes(line, rewritten):
    data = (line.format(x=str(XSD)) + "\n").encode()
    encoded = encode_nquads(data)
    assert (SURROGATE.encode() in encoded) is rewritten
    [original] = ox.parse(data, format=ox.RdfFormat.N_QUADS)
    [quad] = ox.parse(encoded, format=ox.RdfFormat.N_QUADS)
    assert to_rdflib(quad.object) == to_rdflib(original.object)


def test_oxigraph_retypes_integer_subtypes_so_the_engine_encodes_them():
    """The reason for the encoding, measured on the installed Oxigraph."""
    assert str(XSD.nonNegativeInteger) in lossy_datatypes()
    store = ox.Store()
    store.load(
        f'<urn:s> <urn:p> "40"^^<{XSD.nonNegativeInteger}> .\n'.encode(), ox.RdfFormat.N_QUADS
    )
    [quad] = store
    assert to_rdflib(quad.object) == Literal("40", datatype=XSD.integer)
    encoded = ox.Store()
    encoded.load(
        encode_nquads(f'<urn:s> <urn:p> "40"^^<{XSD.nonNegativeInteger}> .\n'.encode()),
        ox.RdfFormat.N_QUADS,
    )
    [quad] = encoded
    assert to_rdflib(quad.object) == Literal("40", datatype=XSD.nonNegativeInteger)
    assert to_rdflib(ox.NamedNode("urn:x")) == URIRef("urn:x")


@pytest.mark.parametrize(
    ("value", "choice"),
    [(None, "sparql"), ("", "sparql"), ("pyshacl", "pyshacl"), (" SPARQL ", "sparql")],
)
def test_engine_choice(monkeypatch, value, choice):
    if value is None:
        monkeypatch.delenv(ENGINE_ENV, raising=False)
    else:
        monkeypatch.setenv(ENGINE_ENV, value)
    assert engine_choice() == choice


def test_engine_choice_names_the_valid_values(monkeypatch):
    monkeypatch.setenv(ENGINE_ENV, "jena")
    with pytest.raises(InputError) as error:
        engine_choice()
    assert str(error.value) == (
        "NORMSPACE_SHACL_ENGINE='jena' is not a SHACL engine; use `sparql` (the batch "
        "engine, default) or `pyshacl` (the reference engine)"
    )

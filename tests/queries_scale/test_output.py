"""Output without rdflib conversion (normspace.queryrun) prints exactly what the rdflib
path printed: every query case of tests/data/queries, in every format, with and without
labels, and through the CLI on a store on disk."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from ruamel.yaml import YAML

from normspace.querylib import library
from normspace.queryrun import run_for_output
from normspace.results import FORMATS, Table, cell_text, render
from normspace.store import from_oxigraph
from tests.store.conftest import QUERY_DATA

CASES = YAML(typ="safe").load((QUERY_DATA / "cases.yaml").read_text(encoding="utf-8"))


def rendered(table, fmt: str, labels: bool) -> str:
    buffer = io.StringIO()
    render(table, fmt, buffer, labels=labels)
    return buffer.getvalue()


@pytest.mark.parametrize("labels", [False, True], ids=["curies", "labels"])
@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("name", sorted(CASES))
def test_output_without_conversion_is_identical(query_store, name, fmt, labels):
    case = CASES[name]
    named = library().get(case["query"])
    params = case.get("params") or {}
    old = named.run(query_store, params)
    new = run_for_output(named, query_store, params)
    assert new.variables == old.variables
    assert any(isinstance(c, ox.NamedNode) for row in new.rows for c in row) or not new.rows
    assert rendered(new.table(), fmt, labels) == rendered(old, fmt, labels)


def test_the_answer_rows_are_the_rdflib_rows_converted(query_store):
    named = library().get("annotator-disagreement")
    old = named.run(query_store, {})
    new = run_for_output(named, query_store, {})
    assert [tuple(from_oxigraph(c) for c in row) for row in new.rows] == old.rows


#: Every kind of term, as pyoxigraph and as rdflib gives it: text and JSON must agree.
TERMS = [
    (ox.NamedNode("https://w3id.org/normspace#RLHF"), URIRef("https://w3id.org/normspace#RLHF")),
    (ox.NamedNode("https://doi.org/10.5555/x"), URIRef("https://doi.org/10.5555/x")),
    (ox.Literal('plain, "quoted"'), Literal('plain, "quoted"')),
    (ox.Literal("Wert", language="de"), Literal("Wert", lang="de")),
    (
        ox.Literal("007", datatype=ox.NamedNode(str(XSD.integer))),
        Literal("007", datatype=XSD.integer),
    ),
    (
        ox.Literal("2022", datatype=ox.NamedNode(str(XSD.gYear))),
        Literal("2022", datatype=XSD.gYear),
    ),
    (
        ox.Literal("100", datatype=ox.NamedNode(str(XSD.double))),
        Literal("100", datatype=XSD.double),
    ),
    (
        ox.Literal("INF", datatype=ox.NamedNode(str(XSD.double))),
        Literal("INF", datatype=XSD.double),
    ),
    (ox.BlankNode("b1"), BNode("b1")),
    (None, None),
]


@pytest.mark.parametrize("labels", [False, True])
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_kind_of_term_renders_like_its_rdflib_twin(fmt, labels):
    ox_table = Table(["x", "y"], [[a, a] for a, _ in TERMS])
    rdflib_table = Table(["x", "y"], [[b, b] for _, b in TERMS])
    assert rendered(ox_table, fmt, labels) == rendered(rdflib_table, fmt, labels)


@pytest.mark.parametrize(("ox_term", "rdflib_term"), TERMS)
def test_cell_text_of_a_pyoxigraph_term(ox_term, rdflib_term):
    assert cell_text(ox_term) == cell_text(rdflib_term)


#: Queries with many kinds of cell (terms, papers, literals, counts, unbound cells).
CLI_QUERIES = ["annotator-disagreement", "trade-offs", "term-usage", "papers"]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "table"])
@pytest.mark.parametrize("name", CLI_QUERIES)
def test_cli_output_is_what_the_rdflib_rows_render(loaded_store_dir, name, fmt):
    from click.testing import CliRunner

    from normspace.cli.main import cli
    from normspace.store import OxigraphStore

    with OxigraphStore(loaded_store_dir, read_only=True) as store:
        expected = rendered(library().get(name).run(store), fmt, False)
    args = ["query", name, "--store", str(loaded_store_dir), "--format", fmt]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.output == expected

"""The embedded store: named graphs per annotation, replacement, removal, atomic writes,
export, read-only use; the SPARQL endpoint store against a local endpoint."""

from __future__ import annotations

import io
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef

from normspace import store as store_module
from normspace.errors import InputError
from normspace.loading import write_documents
from normspace.namespaces import NORM
from normspace.store import (
    ONTOLOGY_GRAPH,
    OxigraphStore,
    ReadOnlyStoreError,
    SparqlEndpointStore,
    from_oxigraph,
    open_store,
    to_oxigraph,
)
from normspace.validation import check_loadable, validate_files

from .conftest import CORPUS, STORE_DATA

BAI = "https://w3id.org/normspace/annotation/arxiv/2212.08073/fixture-annotator-a"
OUYANG = "https://arxiv.org/abs/2203.02155"
APPROACHES = (
    "PREFIX norm: <https://w3id.org/normspace#> SELECT ?a ?t WHERE "
    "{ ?a norm:hasContribution/norm:hasAlignmentApproach ?t } ORDER BY ?a ?t"
)


def documents(*paths):
    return check_loadable(validate_files(list(paths)))


def approaches_of(store, annotation: str) -> list[str]:
    return [str(t) for a, t in store.query(APPROACHES).rows if str(a) == annotation]


@pytest.mark.parametrize(
    "term",
    [
        URIRef("https://w3id.org/normspace#RLHF"),
        Literal("plain"),
        Literal("Wert", lang="de"),
        Literal("2022", datatype=URIRef("http://www.w3.org/2001/XMLSchema#gYear")),
        Literal('quote " and \\ and \n newline'),
    ],
)
def test_terms_round_trip_between_rdflib_and_oxigraph(term):
    assert from_oxigraph(to_oxigraph(term)) == term


def test_blank_nodes_of_different_files_never_merge():
    shared = BNode("b0")
    triple = (shared, NORM.quote, Literal("x"))
    store = OxigraphStore(None)
    store.replace_graphs({"https://e.org/g1": [triple], "https://e.org/g2": [triple]})
    subjects = {q.subject for q in store.quads()}
    assert len(subjects) == 2


def test_reloading_an_edited_file_replaces_the_old_version(tmp_path):
    store = OxigraphStore(tmp_path / "s")
    write_documents(store, documents(CORPUS / "bai2022.yaml"))
    size = len(store)
    write_documents(store, documents(CORPUS / "bai2022.yaml"))
    assert len(store) == size  # same file again: no duplicates
    assert approaches_of(store, BAI) == [str(NORM.ConstitutionalAI), str(NORM.RLAIF)]
    summary = write_documents(store, documents(STORE_DATA / "edited" / "bai2022.yaml"))
    assert summary.replaced == [BAI]
    assert approaches_of(store, BAI) == [str(NORM.ConstitutionalAI)]
    assert store.graph_info()[BAI]["source"].endswith("edited/bai2022.yaml")


def test_ontology_is_loaded_once_and_reloaded_when_changed(tmp_path):
    store = OxigraphStore(tmp_path / "s")
    first = write_documents(store, documents(CORPUS / "bai2022.yaml"))
    assert ONTOLOGY_GRAPH in first.reference
    again = write_documents(store, documents(CORPUS / "sap2022.yaml"))
    assert again.reference == []
    store.replace_graphs({}, {})  # no-op write
    store._update(  # simulate an ontology loaded from older sources
        " ;\n".join(store._forget_ops([ONTOLOGY_GRAPH], store._named_graphs()))
    )
    assert ONTOLOGY_GRAPH in write_documents(store, []).reference


def test_remove_graphs_removes_the_graph_and_its_bookkeeping(tmp_path):
    store = OxigraphStore(tmp_path / "s")
    write_documents(store, documents(CORPUS / "bai2022.yaml", CORPUS / "sap2022.yaml"))
    store.remove_graphs([BAI])
    assert BAI not in store.graphs()
    assert BAI not in store.graph_info()
    assert approaches_of(store, BAI) == []
    assert len(store.graphs()) == 4  # ontology, mappings, imports, Sap


def _count_calls(monkeypatch, exc: BaseException, after: int) -> None:
    real = store_module.to_oxigraph
    calls = {"n": 0}

    def failing(term, bnodes=None):
        calls["n"] += 1
        if calls["n"] > after:
            raise exc
        return real(term, bnodes)

    monkeypatch.setattr(store_module, "to_oxigraph", failing)


@pytest.mark.parametrize("exc", [RuntimeError("disk on fire"), KeyboardInterrupt()])
def test_a_load_failing_midway_leaves_the_store_exactly_as_it_was(tmp_path, monkeypatch, exc):
    store = OxigraphStore(tmp_path / "s")
    write_documents(store, documents(CORPUS / "bai2022.yaml"))
    before = store.dump()
    batch = documents(STORE_DATA / "edited" / "bai2022.yaml", CORPUS / "sap2022.yaml")
    _count_calls(monkeypatch, exc, after=150)  # fails in the second file
    with pytest.raises(type(exc)):
        write_documents(store, batch)
    monkeypatch.undo()
    assert store.dump() == before


def test_one_update_request_is_one_transaction(tmp_path):
    """What atomic loads rely on: Oxigraph applies a multi-operation update all or nothing."""
    store = OxigraphStore(tmp_path / "s")
    before = store.dump()
    with pytest.raises(RuntimeError, match="does not exist"):
        store._store.update(
            'INSERT DATA { GRAPH <https://e.org/g> { <https://e.org/s> <https://e.org/p> "o" } } ;'
            " DROP GRAPH <https://e.org/missing>"  # fails: no such graph (not SILENT)
        )
    assert store.dump() == before


def test_export_formats_carry_the_data(query_store):
    quads = sum(1 for _ in query_store.quads())
    for fmt, reader in (("nq", ox.RdfFormat.N_QUADS), ("trig", ox.RdfFormat.TRIG)):
        out = io.StringIO()
        query_store.export(out, fmt)
        parsed = set(ox.parse(out.getvalue().encode("utf-8"), format=reader))
        assert len(parsed) == quads, fmt
    out = io.BytesIO()
    query_store.export(out, "ttl", [BAI])
    graph = Graph().parse(data=out.getvalue(), format="turtle")
    assert (URIRef(BAI + "/contribution/1"), NORM.hasAlignmentApproach, NORM.RLAIF) in graph
    out = io.StringIO()
    query_store.export(out, "jsonld", [BAI])
    assert isinstance(json.loads(out.getvalue()), list | dict)


def test_export_of_an_unknown_graph_names_it(query_store):
    with pytest.raises(InputError, match="no graph <https://e.org/nope> in the store"):
        query_store.export(io.StringIO(), "nq", ["https://e.org/nope"])


def test_read_only_store_refuses_writes(loaded_store_dir):
    with open_store(loaded_store_dir, read_only=True) as store:
        assert store.graphs()
        with pytest.raises(ReadOnlyStoreError):
            store.remove_graphs([BAI])


def test_opening_a_missing_store_says_how_to_create_one(tmp_path):
    with pytest.raises(InputError, match="normspace load"):
        open_store(tmp_path / "nothing", create=False)


def test_a_query_syntax_error_is_an_input_error(query_store):
    with pytest.raises(InputError, match="invalid SPARQL"):
        query_store.query("SELEC ?x WHERE {}")


# ---------------------------------------------------------------------------
# Remote endpoint: a local SPARQL protocol server backed by Oxigraph
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def endpoint(query_store):
    backend = ox.Store()
    backend.extend(query_store.quads())

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server API)
            length = int(self.headers["Content-Length"])
            form = urllib.parse.parse_qs(self.rfile.read(length).decode("utf-8"))
            try:
                result = backend.query(form["query"][0], use_default_graph_as_union=True)
                body = result.serialize(format=ox.QueryResultsFormat.JSON)
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
            except SyntaxError as exc:
                body = str(exc).encode("utf-8")
                self.send_response(400)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/sparql"
    server.shutdown()


def test_endpoint_store_answers_like_the_embedded_store(endpoint, query_store):
    from normspace.querylib import library

    remote = SparqlEndpointStore(endpoint)
    query = library().get("papers-by-approach")
    bindings = query.bind({"approach": "norm:PreferenceBasedTraining"})
    assert remote.query(query.text, bindings).rows == query_store.query(query.text, bindings).rows
    assert remote.graphs() == query_store.graphs()


def test_endpoint_store_is_read_only(endpoint):
    remote = SparqlEndpointStore(endpoint)
    with pytest.raises(ReadOnlyStoreError, match="read-only"):
        remote.replace_graphs({BAI: []})
    with pytest.raises(ReadOnlyStoreError, match="read-only"):
        remote.remove_graphs([BAI])


def test_endpoint_errors_are_input_errors(endpoint):
    with pytest.raises(InputError, match="SPARQL endpoint"):
        SparqlEndpointStore(endpoint).query("SELEC nothing")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "PREFIX n: <https://e.org/a#b> # WHERE { in a comment\n"
            'SELECT ?x ("WHERE { in a string" AS ?s) WHERE { ?x n:p ?t }',
            "WHERE { VALUES (?t) { (<https://e.org/T>) } ?x n:p ?t }",
        ),
        ("ASK { ?x ?p ?t }", "ASK { VALUES (?t) { (<https://e.org/T>) } ?x ?p ?t }"),
        (
            "SELECT * WHERE { { SELECT ?t WHERE { ?t ?p ?o } } }",
            "SELECT * WHERE { VALUES (?t) { (<https://e.org/T>) } { SELECT",
        ),
    ],
)
def test_values_injection_finds_the_where_clause(query, expected):
    assert expected in store_module.inject_values(query, {"t": URIRef("https://e.org/T")})


def test_values_injection_escapes_literals():
    text = store_module.inject_values(
        "SELECT ?s WHERE { ?s ?p ?o }", {"o": Literal('x" } DROP ALL')}
    )
    assert 'VALUES (?o) { ("x\\" } DROP ALL") }' in text
    assert ox.Store().query(text) is not None  # still one valid query

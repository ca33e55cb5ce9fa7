"""The server's options over real HTTP, on small in-memory stores: the query timeout, CORS for
named origins, and SERVICE when allowed; and content negotiation as data."""

from __future__ import annotations

import threading
import urllib.parse

import pyoxigraph as ox
import pytest

from normspace.serve import (
    RESULT_FORMATS,
    HttpError,
    RunningServer,
    ServeOptions,
    SparqlService,
    bind_server,
    negotiate,
)

from .test_http import fetch

EX = "http://example.org/"


def _memory_store() -> ox.Store:
    store = ox.Store()
    store.add(
        ox.Quad(
            ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.Literal("x"), ox.NamedNode(EX + "g")
        )
    )
    return store


def _serve(store, **options) -> RunningServer:
    service = SparqlService(store, options=ServeOptions(**options))
    return RunningServer(bind_server(service, "127.0.0.1", 0))


class BlockingStore:
    """A store whose queries wait until released: a query that outlives the timeout, without
    depending on how fast this machine is."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.inner = _memory_store()

    def query(self, text: str, **kwargs):
        self.release.wait(60)
        return self.inner.query(text, **kwargs)


def test_a_query_outliving_the_timeout_gets_503():
    store = BlockingStore()
    with _serve(store, timeout=0.05) as server:
        try:
            answer = fetch(server.endpoint + "?query=" + urllib.parse.quote("ASK { ?s ?p ?o }"))
        finally:
            store.release.set()
        assert (answer.status, answer.text) == (
            503,
            "the query ran longer than 0.05 s and was given up (the server's --timeout); "
            "simplify it or add LIMIT\n",
        )
        again = fetch(server.endpoint + "?query=" + urllib.parse.quote("ASK { ?s ?p ?o }"))
        assert (again.status, again.body) == (200, b'{"head":{},"boolean":true}')


@pytest.mark.parametrize(
    ("allowed", "origin", "header"),
    [
        ((), "null", None),
        (("null",), "null", "null"),
        (("null",), "https://example.org", None),
        (("https://example.org",), "https://example.org", "https://example.org"),
        (("*",), "https://other.example", "https://other.example"),
    ],
)
def test_cors_allows_only_the_named_origins(allowed, origin, header):
    with _serve(_memory_store(), cors_origins=allowed) as server:
        answer = fetch(server.endpoint + "?query=ASK%7B%7D", headers={"Origin": origin})
        preflight = fetch(server.endpoint, headers={"Origin": origin}, method="OPTIONS")
    assert answer.status == 200
    assert answer.headers.get("Access-Control-Allow-Origin") == header
    assert preflight.status == 204
    assert preflight.headers.get("Access-Control-Allow-Origin") == header
    if header:
        assert preflight.headers["Access-Control-Allow-Methods"] == "GET, POST, OPTIONS"


def test_the_union_default_graph_is_the_default():
    """The triple is in a named graph, yet a query without GRAPH sees it (as the named
    queries expect), unlike a plain SPARQL server's default graph."""
    with _serve(_memory_store()) as server:
        answer = fetch(
            server.endpoint + "?format=csv&query=" + urllib.parse.quote("SELECT ?o { ?s ?p ?o }")
        )
    assert answer.text == "o\r\nx\r\n"


@pytest.mark.parametrize(
    ("accept", "name", "chosen"),
    [
        ("", None, "application/sparql-results+json"),
        ("text/*", None, "text/csv"),
        ("application/*", None, "application/sparql-results+json"),
        ("application/*;q=0.1, text/csv", None, "text/csv"),
        ("text/csv;q=0, application/sparql-results+xml", None, "application/sparql-results+xml"),
        ("image/png", "tsv", "text/tab-separated-values"),
    ],
)
def test_negotiation(accept, name, chosen):
    assert negotiate(RESULT_FORMATS, accept, name)[0] == chosen


@pytest.mark.parametrize(
    ("accept", "name", "status", "message"),
    [
        ("", "yaml", 400, "format=yaml is not offered here; use one of json, xml, csv, tsv"),
        ("text/csv;q=0", None, 406, "cannot answer in text/csv;q=0; this query's results come as"),
    ],
)
def test_negotiation_failures(accept, name, status, message):
    with pytest.raises(HttpError) as caught:
        negotiate(RESULT_FORMATS, accept, name)
    assert caught.value.status == status
    assert str(caught.value).startswith(message)


class BrokenStore:
    """A store failing in a way no handler expects (standing in for a bug)."""

    def query(self, text: str, **kwargs):
        raise ZeroDivisionError("division by zero")


def test_an_unexpected_error_is_one_line_not_a_traceback():
    with _serve(BrokenStore()) as server:
        answer = fetch(server.endpoint + "?query=ASK%7B%7D")
        after = fetch(server.url + "api/queries")
    assert (answer.status, answer.text) == (
        500,
        "internal error (ZeroDivisionError: division by zero); please report it at the "
        "NormSpace issue tracker with the request that caused it (`normspace serve -vv` logs "
        "the traceback)\n",
    )
    assert after.status == 200  # the server keeps answering

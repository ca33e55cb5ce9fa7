"""The server fixtures themselves (tests/sparql_servers.py): what other tests rely on."""

from __future__ import annotations

import socket
import urllib.error
import urllib.parse
import urllib.request
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
from sparql_servers import (
    ServerError,
    isql,
    load_nquads,
    reset,
    sparql_select,
    update,
    user_graphs,
)

COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
SAMPLE = b'<http://e.org/s> <http://e.org/p> "o"@en-GB <http://e.org/g> .\n'
SAMPLE += b"_:b <http://e.org/p> <http://e.org/o> <http://e.org/g2> .\n"
BROKEN = b'<http://e.org/s> <http://e.org/p> "unterminated <http://e.org/g> .\n'


def _counts(server) -> dict[str, int]:
    rows = sparql_select(server, COUNTS)
    return {
        row["g"]["value"]: int(row["n"]["value"])
        for row in rows
        if row["g"]["value"] not in server.baseline_graphs
    }


@pytest.mark.parametrize("fixture", ["bundled_oxigraph", "bundled_virtuoso"])
def test_bundled_servers_hold_exactly_the_embedded_quads(request, bundled_store_path, fixture):
    server = request.getfixturevalue(fixture)
    store = ox.Store.read_only(str(bundled_store_path))
    expected: dict[str, int] = {}
    for quad in store.quads_for_pattern(None, None, None, None):
        expected[quad.graph_name.value] = expected.get(quad.graph_name.value, 0) + 1  # type: ignore[union-attr]
    assert _counts(server) == expected


def test_bundled_oxigraph_keeps_the_empty_bookkeeping_graphs(bundled_oxigraph, bundled_nquads):
    rows = sparql_select(bundled_oxigraph, "SELECT ?g WHERE { GRAPH ?g { } }")
    names = {row["g"]["value"] for row in rows}
    assert bundled_nquads.empty_graphs
    assert set(bundled_nquads.empty_graphs) <= names


@pytest.mark.parametrize("fixture", ["oxigraph_server", "virtuoso_server"])
def test_load_then_reset_leaves_the_server_empty(request, fixture):
    server = request.getfixturevalue(fixture)
    assert user_graphs(server) == []
    load_nquads(server, SAMPLE)
    assert user_graphs(server) == ["http://e.org/g", "http://e.org/g2"]
    reset(server)
    assert user_graphs(server) == []


@pytest.mark.parametrize(
    ("fixture", "complaint"),
    [("oxigraph_server", "HTTP 400"), ("virtuoso_server", "Unterminated")],
)
def test_a_broken_load_is_an_error_not_a_partial_success(request, fixture, complaint):
    server = request.getfixturevalue(fixture)
    with pytest.raises(ServerError, match=complaint):
        load_nquads(server, BROKEN)


def test_virtuoso_refuses_the_default_password(virtuoso_server):
    with pytest.raises(ServerError, match="Bad login|Error"):
        isql(virtuoso_server, "select 1;", password="dba")
    assert "1" in isql(virtuoso_server, "select 1;")


def test_virtuoso_updates_need_the_digest_credentials(virtuoso_server):
    body = urllib.parse.urlencode(
        {"update": "INSERT DATA { GRAPH <http://e.org/g> { <http://e.org/s> <http://e.org/p> 1 } }"}
    )
    anonymous = urllib.request.Request(virtuoso_server.update_url, data=body.encode())
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(anonymous, timeout=30)
    assert refused.value.code == 401
    update(virtuoso_server, urllib.parse.parse_qs(body)["update"][0])
    assert user_graphs(virtuoso_server) == ["http://e.org/g"]


@pytest.mark.parametrize("fixture", ["oxigraph_server", "virtuoso_server"])
def test_servers_listen_on_loopback_only(request, fixture):
    server = request.getfixturevalue(fixture)
    parts = urlsplit(server.query_url)
    assert parts.hostname == "127.0.0.1"
    other = _non_loopback_address()
    if other is None:
        pytest.skip("this machine has no non-loopback IPv4 address to try")
    with pytest.raises(OSError), socket.create_connection((other, parts.port), timeout=2):
        pass


def _non_loopback_address() -> str | None:
    """An IPv4 address of this machine that is not 127.x (via a UDP socket's route)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: nothing is sent over UDP connect
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") or address == "0.0.0.0" else address

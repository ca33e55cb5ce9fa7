"""load, query, remove and export against real servers: Oxigraph server (plain, no union
default graph: what a user gets) and a private Virtuoso 7.2 (anonymous /sparql for
queries, Digest-protected /sparql-auth for updates). Fixtures: ``tests/sparql_servers.py``."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest
import sparql_servers
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from normspace.cli.main import cli
from normspace.endpointconfig import PASSWORD_ENV, endpoint_config
from normspace.remote import Client, EndpointError
from normspace.store import OxigraphStore, SparqlEndpointStore

CORPUS = Path(__file__).parents[1] / "data" / "queries" / "corpus"
REMOVED = CORPUS / "sap2022.yaml"
XSD_DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")


@pytest.fixture(params=["oxigraph_server", "virtuoso_server"])
def server(request) -> sparql_servers.Server:
    return request.getfixturevalue(request.param)


def remote_args(server: sparql_servers.Server) -> list[str]:
    args = ["--endpoint", server.query_url, "--update-endpoint", server.update_url]
    return args + (["--user", server.user] if server.user else [])


def env(server: sparql_servers.Server) -> dict[str, str]:
    return {PASSWORD_ENV: server.password} if server.password else {}


def run(server: sparql_servers.Server, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env(server))
    return result.exit_code, result.output


def remote_store(server: sparql_servers.Server) -> SparqlEndpointStore:
    config = endpoint_config(
        server.query_url, server.update_url, user=server.user, password=server.password
    )
    return SparqlEndpointStore(config)


def embedded_csv(store: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["query", *args, "--store", str(store), "-f", "csv"])
    assert result.exit_code == 0, result.output
    return result.output


def load(server: sparql_servers.Server, *paths: Path) -> None:
    code, output = run(server, "-q", "load", *map(str, paths), *remote_args(server))
    assert code == 0, output


@pytest.mark.parametrize(
    "query", [["papers"], ["papers-by-approach", "-p", "approach=norm:PreferenceBasedTraining"]]
)
def test_load_query_remove_query_gives_the_embedded_rows(server, loaded_store_dir, tmp_path, query):
    load(server, CORPUS)
    code, output = run(server, "query", *query, "--endpoint", server.query_url, "-f", "csv")
    assert code == 0, output
    assert output == embedded_csv(loaded_store_dir, *query)

    embedded = tmp_path / "store"
    shutil.copytree(loaded_store_dir, embedded)
    assert (
        CliRunner().invoke(cli, ["-q", "remove", str(REMOVED), "--store", str(embedded)]).exit_code
        == 0
    )
    code, output = run(server, "-q", "remove", str(REMOVED), *remote_args(server))
    assert code == 0, output
    code, output = run(server, "query", *query, "--endpoint", server.query_url, "-f", "csv")
    assert output == embedded_csv(embedded, *query)


def test_the_remote_store_holds_the_embedded_graphs_and_bookkeeping(server, loaded_store_dir):
    load(server, CORPUS)
    remote = remote_store(server)
    embedded = OxigraphStore(loaded_store_dir, read_only=True)
    assert remote.graphs() == embedded.graphs()
    sources = {g: m.get("source") for g, m in remote.graph_info().items()}
    assert sources == {g: m.get("source") for g, m in embedded.graph_info().items()}


def _virtuoso_decimals(graph: Graph) -> Graph:
    """The graph as Virtuoso gives it back: an integral ``xsd:decimal`` ("9") comes back
    as ``xsd:integer`` (Virtuoso keeps numbers by value; documented limit)."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD_DECIMAL and str(o).lstrip("-").isdigit():
            o = Literal(str(o), datatype=XSD_INTEGER)
        out.add((s, p, o))
    return out


def test_export_gives_the_embedded_graphs_blank_nodes_included(server, loaded_store_dir):
    load(server, CORPUS)
    code, remote_nq = run(server, "export", "--endpoint", server.query_url)
    assert code == 0, remote_nq
    embedded_nq = CliRunner().invoke(cli, ["export", "--store", str(loaded_store_dir)]).output
    remote, embedded = Dataset(), Dataset()
    remote.parse(data=remote_nq, format="nquads")
    embedded.parse(data=embedded_nq, format="nquads")
    names = sorted(str(g.identifier) for g in embedded.graphs() if len(g))
    assert sorted(str(g.identifier) for g in remote.graphs() if len(g)) == names
    for name in names:
        expected: Graph = embedded.graph(name)
        if server.name.startswith("virtuoso"):
            expected = _virtuoso_decimals(expected)
        assert isomorphic(remote.graph(name), expected), name


def test_reloading_replaces_the_graphs_instead_of_adding(server):
    load(server, REMOVED)
    first = sparql_servers.sparql_select(
        server, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
    )
    load(server, REMOVED)
    again = sparql_servers.sparql_select(
        server, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
    )
    assert first == again


@pytest.mark.parametrize(
    ("fixture", "mode"),
    [
        ("oxigraph_server", "oxigraph"),
        ("oxigraph_union_server", "union"),
        ("virtuoso_server", "union"),
    ],
)
def test_the_default_graph_is_detected(request, fixture, mode):
    server = request.getfixturevalue(fixture)
    load(server, REMOVED)
    assert remote_store(server).default_graph().mode == mode


def test_an_empty_server_is_warned_about_instead_of_silent_zero_rows(server):
    code, output = run(server, "query", "papers", "--endpoint", server.query_url, "-f", "csv")
    assert code == 0
    assert "holds no NormSpace ontology" in output


def test_a_file_with_errors_sends_nothing(server, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        REMOVED.read_text(encoding="utf-8").replace("year: ", "year: x"), encoding="utf-8"
    )
    code, output = run(server, "load", str(bad), *remote_args(server))
    assert code == 1, output
    assert sparql_servers.user_graphs(server) == []


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    ("fixture", "first_operation_kept"),
    [("oxigraph_server", False), ("virtuoso_server", True)],
    ids=["oxigraph-one-transaction", "virtuoso-keeps-earlier-operations"],
)
def test_what_a_request_failing_part_way_leaves(request, fixture, first_operation_kept):
    """Pins each server's behaviour when the SECOND operation of one update request fails
    while running (LOAD from a closed port): Oxigraph rolls the request back; Virtuoso
    keeps the first operation. (A request that does not compile changes nothing on both.)"""
    server = request.getfixturevalue(fixture)
    client = Client(
        endpoint_config(
            server.query_url, server.update_url, user=server.user, password=server.password
        )
    )
    update = (
        "INSERT DATA { GRAPH <urn:normspace:test:first> { <urn:x:a> <urn:x:b> 1 } } ;\n"
        f"LOAD <http://127.0.0.1:{_closed_port()}/nothing> INTO GRAPH <urn:normspace:test:second>"
    )
    with pytest.raises(EndpointError, match="HTTP"):
        client.update(update)
    kept = "urn:normspace:test:first" in sparql_servers.user_graphs(server)
    assert kept is first_operation_kept


def test_virtuoso_anonymous_update_url_is_explained(virtuoso_server):
    code, output = run(
        virtuoso_server, "load", str(REMOVED), "--endpoint", virtuoso_server.query_url
    )
    assert code == 2
    assert "accepts only queries, not updates" in output and "/sparql-auth" in output


def test_virtuoso_wrong_password_names_the_user_and_hides_the_password(virtuoso_server):
    wrong = "not-" + (virtuoso_server.password or "")
    result = CliRunner().invoke(
        cli, ["load", str(REMOVED), *remote_args(virtuoso_server)], env={PASSWORD_ENV: wrong}
    )
    assert result.exit_code == 2
    assert f"the user {virtuoso_server.user} was refused" in result.output
    assert wrong not in result.output
    assert sparql_servers.user_graphs(virtuoso_server) == []


def test_virtuoso_answers_queries_behind_its_digest_login(virtuoso_server):
    load(virtuoso_server, REMOVED)
    code, output = run(
        virtuoso_server,
        "query",
        "papers",
        "--endpoint",
        virtuoso_server.update_url,
        "--user",
        virtuoso_server.user or "",
        "-f",
        "csv",
    )
    assert code == 0, output
    assert "https://doi.org/10.18653/v1/2022.naacl-main.431" in output

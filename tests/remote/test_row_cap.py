"""Virtuoso's row cap on a real server: a private instance with ``ResultSetMaxRows``
lowered to :data:`CAP` (the Debian default is 10,000), holding the fixture corpus.

Pins the issue's claim (answers cut silently at the cap, HTTP 200, only an
``X-SPARQL-MaxRows`` header) and what NormSpace does about it: a query cut at the cap is an
error, and ``export`` reads every graph whole in pages that fit under the cap."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sparql_servers
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from normspace.cli.main import cli
from normspace.store import ONTOLOGY_GRAPH

CAP = 1000


@pytest.fixture(scope="module")
def capped_virtuoso(tmp_path_factory, loaded_store_dir: Path) -> Iterator[sparql_servers.Server]:
    available = sparql_servers.virtuoso_binaries() is not None
    sparql_servers._require(available, "Virtuoso (virtuoso-opensource)")  # noqa: SLF001
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sparql_servers, "VIRTUOSO_MAX_ROWS", CAP)
        server = sparql_servers.start_virtuoso(tmp_path_factory.mktemp("capped-virtuoso"))
    try:
        dump = CliRunner().invoke(cli, ["export", "--store", str(loaded_store_dir)])
        assert dump.exit_code == 0, dump.output
        sparql_servers.load_nquads(server, dump.output.encode("utf-8"))
        yield server
    finally:
        sparql_servers.stop(server)


def test_the_server_cuts_silently(capped_virtuoso):
    rows = sparql_servers.sparql_select(
        capped_virtuoso, f"SELECT * WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}"
    )
    assert len(rows) == CAP  # the graph has more than 8,000 triples


def test_a_query_cut_at_the_cap_is_an_error(capped_virtuoso, tmp_path):
    query = tmp_path / "all.rq"
    query.write_text(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}\n")
    result = CliRunner().invoke(cli, ["query", str(query), "--endpoint", capped_virtuoso.query_url])
    assert result.exit_code == 2
    assert f"cut the answer at its limit of {CAP:,} rows" in result.output


def test_a_query_under_the_cap_answers(capped_virtuoso, loaded_store_dir):
    remote = CliRunner().invoke(
        cli, ["query", "papers", "--endpoint", capped_virtuoso.query_url, "-f", "csv"]
    )
    embedded = CliRunner().invoke(
        cli, ["query", "papers", "--store", str(loaded_store_dir), "-f", "csv"]
    )
    assert remote.exit_code == 0, remote.output
    assert remote.output == embedded.output


def test_export_reads_a_graph_larger_than_the_cap_whole(capped_virtuoso, loaded_store_dir):
    args = ["export", "--graph", ONTOLOGY_GRAPH, "-f", "nt"]
    remote = CliRunner().invoke(cli, [*args, "--endpoint", capped_virtuoso.query_url])
    embedded = CliRunner().invoke(cli, [*args, "--store", str(loaded_store_dir)])
    assert remote.exit_code == 0, remote.output
    got = Graph().parse(data=remote.output, format="nt")
    expected = Graph().parse(data=embedded.output, format="nt")
    assert len(got) > CAP
    assert isomorphic(got, expected)

"""Session-wide fixtures: expensive things (ontology, SHACL engines, HermiT) built once."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from sparql_servers import (  # noqa: F401  (fixtures: real SPARQL servers, tests/servers/)
    bundled_nquads,
    bundled_oxigraph,
    bundled_oxigraph_union,
    bundled_store_path,
    bundled_virtuoso,
    oxigraph_server,
    oxigraph_session,
    oxigraph_union_server,
    oxigraph_union_session,
    virtuoso_server,
    virtuoso_session,
)

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """``tests/data``."""
    return DATA


@pytest.fixture(scope="session")
def ontology_graph() -> Graph:
    """The bundled ontology (core + dimensions), parsed once; do not modify."""
    from normspace.ontology import load_ontology

    return load_ontology()


@pytest.fixture(scope="session")
def annotation_engine():
    """The cached SHACL engine for annotation files."""
    from normspace.shacl import annotation_engine

    return annotation_engine()


@pytest.fixture(scope="session")
def term_engine():
    """The cached SHACL engine for ontology terms."""
    from normspace.shacl import term_engine

    return term_engine()


@pytest.fixture(scope="session")
def ontology_check_report():
    """``normspace check`` of the bundled ontology, with HermiT (the one real-ontology run)."""
    from normspace.qc import run_check

    return run_check(reasoner=True)


@pytest.fixture
def run_cli():
    """Run the ``normspace`` CLI in-process: ``run_cli("check", "--no-reasoner")``.

    Returns click's result (``exit_code``, ``stdout``, ``stderr``); exceptions that
    escape the CLI are raised, so a traceback fails the test instead of hiding in output.
    """
    from normspace.cli.main import cli

    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return run


@pytest.fixture(scope="session")
def loaded_store_dir(tmp_path_factory) -> Path:
    """An on-disk store with the bundled ontology and the query fixture corpus, loaded by
    `normspace load` (read-only use: copy it to modify it, e.g. with ``store_copy``)."""
    from normspace.cli.main import cli

    path = tmp_path_factory.mktemp("loaded") / "store"
    corpus = DATA / "queries" / "corpus"
    result = CliRunner().invoke(cli, ["-q", "load", str(corpus), "--store", str(path)])
    assert result.exit_code == 0, result.output
    return path

"""Fixtures of the store and query tests: the fixture corpus, validated once per session,
in an in-memory store with the ontology slice, and an on-disk store built by the CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph

QUERY_DATA = Path(__file__).parent.parent / "data" / "queries"
STORE_DATA = Path(__file__).parent.parent / "data" / "store"
CORPUS = QUERY_DATA / "corpus"


@pytest.fixture(scope="session")
def corpus_documents():
    """The fixture corpus, read and validated (valid, with warnings)."""
    from normspace.validation import check_loadable, validate_files

    return check_loadable(validate_files([CORPUS]))


@pytest.fixture(scope="session")
def ontology_slice() -> Graph:
    return Graph().parse(QUERY_DATA / "ontology.ttl")


@pytest.fixture(scope="session")
def query_store(corpus_documents, ontology_slice):
    """In-memory store: the ontology slice and the fixture corpus (read-only use!)."""
    from normspace.store import ONTOLOGY_GRAPH, OxigraphStore

    store = OxigraphStore(None)
    graphs = {ONTOLOGY_GRAPH: ontology_slice}
    graphs.update({d.annotation_iri: d.graph for d in corpus_documents})
    store.replace_graphs(graphs)
    return store


@pytest.fixture
def store_copy(loaded_store_dir, tmp_path) -> Path:
    """A private copy of the loaded store that a test may modify."""
    target = tmp_path / "store"
    shutil.copytree(loaded_store_dir, target)
    return target

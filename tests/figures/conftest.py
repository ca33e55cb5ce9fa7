"""Fixtures of the figure tests: the query fixture corpus (8 annotations, one paper
annotated twice) in an in-memory store, built once per session, and an empty store."""

from __future__ import annotations

from pathlib import Path

import pytest

QUERY_DATA = Path(__file__).parent.parent / "data" / "queries"
CORPUS = QUERY_DATA / "corpus"


@pytest.fixture(scope="session")
def corpus_documents():
    """The fixture corpus, read and validated."""
    from normspace.validation import check_loadable, validate_files

    return check_loadable(validate_files([CORPUS]))


def memory_store(documents):
    """An in-memory store with the ontology slice and ``documents``."""
    from rdflib import Graph

    from normspace.store import ONTOLOGY_GRAPH, OxigraphStore

    store = OxigraphStore(None)
    graphs = {ONTOLOGY_GRAPH: Graph().parse(QUERY_DATA / "ontology.ttl")}
    graphs.update({d.annotation_iri: d.graph for d in documents})
    store.replace_graphs(graphs)
    return store


@pytest.fixture(scope="session")
def figure_store(corpus_documents):
    """The fixture corpus in an in-memory store (read-only use)."""
    return memory_store(corpus_documents)


@pytest.fixture(scope="session")
def single_annotation_store(corpus_documents):
    """The fixture corpus without the second annotation of the double-annotated paper:
    no paper has two annotations."""
    seen: set[str] = set()
    documents = []
    for document in sorted(corpus_documents, key=lambda d: str(d.annotation_iri)):
        if str(document.paper_iri) not in seen:
            seen.add(str(document.paper_iri))
            documents.append(document)
    return memory_store(documents)


@pytest.fixture(scope="session")
def empty_store():
    """A store with nothing in it."""
    from normspace.store import OxigraphStore

    return OxigraphStore(None)

"""Fixtures of the scale tests of the query library: the same fixture corpus and ontology
slice as tests/store (its fixtures are reused, not copied)."""

from __future__ import annotations

from tests.store.conftest import corpus_documents, ontology_slice, query_store  # noqa: F401

"""Fixtures of the agreement tests: the hand-computed fixture corpus (tests/agreement/data),
validated and loaded into an in-memory store once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent
DATA = HERE / "data"
EXPECTED = HERE / "expected"


@pytest.fixture(scope="session")
def agreement_store():
    """In-memory store with the fixture annotations only (read-only use)."""
    from normspace.store import OxigraphStore
    from normspace.validation import check_loadable, validate_files

    documents = check_loadable(validate_files([DATA]))
    store = OxigraphStore(None)
    store.bulk_replace_all({d.annotation_iri: d.graph for d in documents})
    return store

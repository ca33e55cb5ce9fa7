"""Doctest names shared by the examples in the package's docstrings."""

from pathlib import Path

import pytest

ROOT = Path(__file__).parent


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace: dict) -> None:
    """``FIXTURES``: the small fixture corpus the API examples load (8 annotations)."""
    doctest_namespace["FIXTURES"] = ROOT / "tests" / "data" / "queries" / "corpus"

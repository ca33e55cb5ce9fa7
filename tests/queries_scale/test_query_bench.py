"""benchmarks/query_bench.py compares the two engines by rows: on the fixture store both
must agree (a harness that reported "different" for equal rows, or "same" for different
ones, would make its ratios meaningless)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import query_bench  # noqa: E402

QUERIES = ["papers", "trade-offs", "annotator-disagreement"]


@pytest.fixture(scope="module")
def measured(loaded_store_dir, tmp_path_factory):
    nquads = tmp_path_factory.mktemp("bench") / "store.nq"
    query_bench.export_nquads(loaded_store_dir, nquads)
    return query_bench.measure_queries(loaded_store_dir, nquads, timeout=300, only=QUERIES)


def test_both_engines_give_the_same_rows(measured):
    rows = {e["query"]: e for e in measured}
    assert sorted(q for q in rows if not q.startswith("(")) == sorted(QUERIES)
    assert all(rows[q]["same"] is True for q in QUERIES), [rows[q] for q in QUERIES]
    assert rows["papers"]["rows"] == 7


def test_different_rows_are_told_apart():
    from rdflib import Literal, URIRef

    same = query_bench._canonical([(URIRef("https://e.org/a"), Literal(2))])
    other = query_bench._canonical([(URIRef("https://e.org/a"), Literal(3))])
    twice = query_bench._canonical([(URIRef("https://e.org/a"), Literal(2))] * 2)
    assert same != other
    assert same != twice


def test_the_markdown_table_has_a_row_per_query(measured):
    table = query_bench.markdown(measured)
    assert all(f"| {q} |" in table for q in QUERIES)

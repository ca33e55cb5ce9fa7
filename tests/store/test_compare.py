"""`normspace compare`: approaches side by side, exactly, on the fixture corpus."""

from __future__ import annotations

import io

import pytest

from normspace.compare import ROWS, compare, resolve_approaches
from normspace.errors import InputError
from normspace.namespaces import NORM
from normspace.ontology import term_index
from normspace.results import render

from .conftest import QUERY_DATA


def test_comparison_is_exactly_the_expected_csv(query_store):
    table = compare(
        query_store, [str(NORM.PreferenceBasedTraining), str(NORM.ConstitutionalAI)], False
    )
    out = io.StringIO()
    render(table, "csv", out)
    expected = (
        QUERY_DATA / "expected-compare" / "preference-based-training-vs-constitutional-ai.csv"
    )
    assert out.getvalue() == expected.read_text(encoding="utf-8")


def test_every_dimension_is_a_row(query_store):
    table = compare(query_store, [str(NORM.RLHF)], True)
    assert [row[0] for row in table.rows] == [r.label for r in ROWS]
    label = term_index().get(str(NORM.RLHF)).label
    assert table.columns[1] == f"{label} (1 paper)"


def test_an_approach_is_not_used_together_with_itself_or_a_narrower_one(query_store):
    """Constitutional AI counts the Collective Constitutional AI paper; neither is listed
    as used together with it, RLAIF (tagged alongside) is."""
    table = compare(query_store, [str(NORM.ConstitutionalAI)], False)
    together = dict((row[0], row[1]) for row in table.rows)["other approaches used together"]
    assert together == "norm:RLAIF (1)"


def test_an_unused_approach_gives_an_empty_column(query_store):
    table = compare(query_store, [str(NORM.DPO)], False)
    assert table.columns[1] == "norm:DPO (0 papers)"
    assert all(row[1] == "" for row in table.rows)


def test_approaches_resolve_by_curie_or_label_with_suggestions():
    assert resolve_approaches(["norm:RLHF", "Constitutional AI"]) == [
        str(NORM.RLHF),
        str(NORM.ConstitutionalAI),
    ]
    with pytest.raises(InputError, match="did you mean `norm:RLHF`"):
        resolve_approaches(["norm:RLFH"])
    with pytest.raises(InputError, match="given twice"):
        resolve_approaches(["norm:RLHF", "norm:RLHF"])

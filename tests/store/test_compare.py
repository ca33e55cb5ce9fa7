"""`normspace compare`: approaches side by side, exactly, on the fixture corpus."""

from __future__ import annotations

import io

import pytest

from normspace.compare import ROWS, compare_approaches, resolve_approaches, resolve_role
from normspace.errors import InputError
from normspace.namespaces import NORM
from normspace.ontology import term_index
from normspace.results import render

from .conftest import QUERY_DATA


@pytest.mark.parametrize(
    ("name", "approaches", "role"),
    [
        (
            "preference-based-training-vs-constitutional-ai",
            [NORM.PreferenceBasedTraining, NORM.ConstitutionalAI],
            None,
        ),
        # the DPO paper's criticised baseline: only its own contribution's terms
        ("rlhf-as-baseline", [NORM.RLHF], NORM.UsesAsBaseline),
    ],
)
def test_comparison_is_exactly_the_expected_csv(query_store, name, approaches, role):
    table = compare_approaches(query_store, [str(a) for a in approaches], False, role and str(role))
    out = io.StringIO()
    render(table, "csv", out)
    expected = QUERY_DATA / "expected-compare" / f"{name}.csv"
    assert out.getvalue() == expected.read_text(encoding="utf-8")


def test_a_baseline_lends_no_terms_to_the_approach_it_is_compared_with(query_store):
    """By default RLHF is compared on InstructGPT alone: the DPO paper, which uses RLHF as
    its criticised baseline, adds neither a paper nor DPO's aggregation rule."""
    table = compare_approaches(query_store, [str(NORM.RLHF)], False)
    cells = dict((row[0], row[1]) for row in table.rows)
    assert table.columns[1] == "norm:RLHF (1 paper)"
    assert cells["pluralism and aggregation"] == "norm:BordaCount (1)"
    assert "Direct Preference" not in cells["papers (incl. narrower approaches)"]


def test_every_dimension_is_a_row(query_store):
    table = compare_approaches(query_store, [str(NORM.RLHF)], True)
    assert [row[0] for row in table.rows] == [r.label for r in ROWS]
    label = term_index().get(str(NORM.RLHF)).label
    assert table.columns[1] == f"{label} (1 paper)"


def test_an_approach_is_not_used_together_with_itself_or_a_narrower_one(query_store):
    """Constitutional AI counts the Collective Constitutional AI paper; neither is listed
    as used together with it, RLAIF (tagged alongside) is."""
    table = compare_approaches(query_store, [str(NORM.ConstitutionalAI)], False)
    together = dict((row[0], row[1]) for row in table.rows)["other approaches used together"]
    assert together == "norm:RLAIF (1)"


def test_an_unused_approach_gives_an_empty_column(query_store):
    table = compare_approaches(query_store, [str(NORM.KTO)], False)
    assert table.columns[1] == "norm:KTO (0 papers)"
    assert all(row[1] == "" for row in table.rows)


@pytest.mark.parametrize(
    ("ref", "role"),
    [
        ("critiques", NORM.Critiques),
        ("uses as baseline", NORM.UsesAsBaseline),
        ("uses-as-baseline", NORM.UsesAsBaseline),
        ("norm:Proposes", NORM.Proposes),
        (None, None),
    ],
)
def test_roles_resolve_by_label_yaml_spelling_or_curie(ref, role):
    assert resolve_role(ref) == (role and str(role))


def test_an_unknown_role_is_explained():
    with pytest.raises(InputError, match="--role.*did you mean `norm:Critiques`"):
        resolve_role("critiqes")


def test_approaches_resolve_by_curie_or_label_with_suggestions():
    assert resolve_approaches(["norm:RLHF", "Constitutional AI"]) == [
        str(NORM.RLHF),
        str(NORM.ConstitutionalAI),
    ]
    with pytest.raises(InputError, match="did you mean `norm:RLHF`"):
        resolve_approaches(["norm:RLFH"])
    with pytest.raises(InputError, match="given twice"):
        resolve_approaches(["norm:RLHF", "norm:RLHF"])

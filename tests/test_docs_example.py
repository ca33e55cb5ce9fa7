"""The notebook-style example in docs/examples/analysis.py runs from a fresh install and
gives a researcher what it promises: DataFrames with label columns, a comparison, a
figure file and agreement figures (issue 10)."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).parents[1] / "docs" / "examples" / "analysis.py"


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> tuple[dict, Path]:
    out = tmp_path_factory.mktemp("example")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NORMSPACE_EXAMPLE_OUT", str(out))
        namespace = runpy.run_path(str(EXAMPLE), run_name="__main__")
    return namespace, out


def test_the_matrix_has_a_label_column_for_every_term_column(example):
    matrix = example[0]["matrix"]
    assert list(matrix.columns) == ["approach", "approach_label", "value", "value_label", "papers"]
    rlhf = matrix[matrix["approach"] == "norm:RLHF"]
    assert set(rlhf["approach_label"]) == {"reinforcement learning from human feedback"}
    assert (matrix["papers"] >= 1).all()


def test_the_pivot_is_labelled_both_ways(example):
    table = example[0]["table"]
    assert "reinforcement learning from human feedback" in table.index
    assert "helpfulness" in table.columns


def test_the_approach_comparison_has_the_chosen_dimensions(example):
    approaches = example[0]["approaches"]
    assert list(approaches["dimension"]) == ["values", "stakeholders considered or affected"]
    assert approaches.columns[1].startswith("reinforcement learning from human feedback (")
    assert approaches.columns[2].startswith("Constitutional AI (")
    assert "harmlessness (" in approaches.iloc[0, 2]


def test_the_paper_comparison_keeps_only_rows_that_differ(example):
    papers = example[0]["papers_compared"]
    assert list(papers.columns[1:]) == [
        "Collective Constitutional AI (2024)",
        "Constitutional AI (2022)",
    ]
    assert papers.loc[0, "dimension"] == "paper"  # the identifying row is always kept
    for _, row in papers.iloc[1:].iterrows():
        assert row.iloc[1] != row.iloc[2], row["dimension"]


def test_the_figure_file_is_an_svg(example):
    path = example[0]["figure_file"]
    assert path.parent == example[1]
    text = path.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") or text.lstrip().startswith("<svg")
    assert "</svg>" in text


def test_agreement_gives_alpha_per_slot(example):
    alpha = example[0]["alpha"]
    assert {"slot", "units", "alpha", "alpha_hierarchical"} <= set(alpha.columns)
    assert "values" in set(alpha["slot"])
    values = alpha[alpha["slot"] == "values"].iloc[0]
    assert values["units"] >= 10
    assert -1 <= values["alpha"] <= 1
    assert -1 <= values["alpha_hierarchical"] <= 1

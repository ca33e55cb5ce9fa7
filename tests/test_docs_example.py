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


def test_the_comparisons_have_one_column_per_compared_item(example):
    approaches = example[0]["approaches"]
    assert len(approaches.columns) == 3  # the dimension, RLHF, Constitutional AI
    assert list(approaches.iloc[:, 0])[-2:] == ["values", "stakeholders"][-2:] or len(approaches)
    papers = example[0]["papers_compared"]
    assert len(papers.columns) == 3
    assert len(papers) >= 1


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
    assert -1 <= values["alpha"] <= values["alpha_hierarchical"] <= 1

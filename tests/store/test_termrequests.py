"""`normspace term-requests`: requests grouped by scheme and normalised label, counted, from
files or from a store (the fixture corpus: tests/data/queries/corpus; requests in a
trade-off, with broader term and citation source: tests/data/store/term-requests)."""

from __future__ import annotations

import io
import json

import pytest
from click.testing import CliRunner

from normspace.cli.termrequests import term_requests
from normspace.termrequests import (
    RequestGroup,
    groups,
    query_files,
    query_store,
    write_json,
    write_text,
)

from .conftest import CORPUS, STORE_DATA

REQUESTS = STORE_DATA / "term-requests"

EVASIVE = RequestGroup(
    scheme="norm:HarmScheme",
    label="evasive refusal",
    requests=2,
    annotations=2,
    papers=2,
    annotators=1,
    labels=("Evasive refusal", "evasive  refusal"),
    properties=("norm:hasHarm",),
    definitions=(
        "Refusing to answer a contentious prompt instead of responding to it.",
        "The model declines a sensitive request without engaging with it or explaining why.",
    ),
    broader=(),
    sources=(),
)
STABILITY = RequestGroup(
    scheme="norm:DesignGoalScheme",
    label="training stability",
    requests=1,
    annotations=1,
    papers=1,
    annotators=1,
    labels=("Training stability",),
    properties=("norm:hasDesignGoal",),
    definitions=(
        "The training procedure converges reliably without extensive hyperparameter tuning.",
    ),
    broader=(),
    sources=("https://arxiv.org/abs/2305.18290",),
)
REWARD_KL = RequestGroup(
    scheme="norm:EvaluationCriterionScheme",
    label="reward-kl frontier",
    requests=1,
    annotations=1,
    papers=1,
    annotators=1,
    labels=("Reward-KL frontier",),
    properties=("norm:measures",),
    definitions=(
        "The expected reward a policy reaches for each KL divergence from the reference "
        "policy, traced over training settings.",
    ),
    broader=(),
    sources=("https://arxiv.org/abs/2305.18290",),
)
#: One contribution tag and one trade-off pole with the same label up to case and spacing.
BOUNDED = RequestGroup(
    scheme="norm:ValueScheme",
    label="bounded personalisation",
    requests=2,
    annotations=1,
    papers=1,
    annotators=1,
    labels=("Bounded  personalisation", "bounded personalisation"),
    properties=("norm:hasValue", "norm:involvesValue"),
    definitions=(
        "Adapting a model to an individual only within limits set by society and the provider.",
        "Personalisation inside societal and provider bounds.",
    ),
    broader=("norm:Autonomy",),
    sources=("Kirk et al. 2024, Nature Machine Intelligence",),
)


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        ([CORPUS], [EVASIVE, STABILITY, REWARD_KL]),
        ([REQUESTS], [BOUNDED]),
        ([CORPUS, REQUESTS], [EVASIVE, STABILITY, REWARD_KL, BOUNDED]),
    ],
    ids=["fixture-corpus", "trade-off-and-broader", "both"],
)
def test_requests_of_files_are_grouped_and_counted(paths, expected):
    assert groups(query_files(paths)) == expected


def test_a_loaded_store_gives_the_same_groups_as_its_files(loaded_store_dir):
    from normspace.store import open_store

    with open_store(loaded_store_dir, None, create=False, read_only=True) as store:
        assert groups(query_store(store)) == [EVASIVE, STABILITY, REWARD_KL]


def test_text_lists_each_group_with_its_details():
    out = io.StringIO()
    write_text([BOUNDED], out)
    assert out.getvalue().splitlines() == [
        "'bounded personalisation' for values (norm:ValueScheme): 2 requests, 1 annotation, "
        "1 paper, 1 annotator",
        "  written as: Bounded  personalisation",
        "  written as: bounded personalisation",
        "  under: norm:hasValue",
        "  under: norm:involvesValue",
        f"  definition: {BOUNDED.definitions[0]}",
        f"  definition: {BOUNDED.definitions[1]}",
        "  broader: norm:Autonomy",
        "  source: Kirk et al. 2024, Nature Machine Intelligence",
        "1 requested term, 2 requests",
    ]


def test_no_requests_says_so():
    out = io.StringIO()
    write_text([], out)
    assert out.getvalue() == "no term requests\n"


def test_json_keeps_lists():
    out = io.StringIO()
    write_json([STABILITY], out)
    assert json.loads(out.getvalue())[0]["sources"] == ["https://arxiv.org/abs/2305.18290"]


@pytest.mark.parametrize(
    ("fmt", "first_line"),
    [
        ("text", "'bounded personalisation' for values (norm:ValueScheme): 2 requests,"),
        ("csv", "scheme,label,requests,annotations,papers,annotators,labels,properties,"),
        ("json", "["),
    ],
)
def test_cli_formats_exit_0(fmt, first_line):
    result = CliRunner().invoke(
        term_requests, [str(REQUESTS), "--format", fmt], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(first_line)


def test_cli_reads_the_store_without_paths(loaded_store_dir):
    result = CliRunner().invoke(
        term_requests, ["--store", str(loaded_store_dir)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert result.output.endswith("3 requested terms, 4 requests\n")


def test_a_file_with_errors_stops_with_the_validators_message(tmp_path):
    from normspace.errors import ValidationFailure

    bad = tmp_path / "bad.yaml"
    text = (REQUESTS / "kirk2024.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("role: proposes", "role: proposes\n  none: [approaches]"))
    with pytest.raises(ValidationFailure, match="nothing loaded"):
        query_files([bad])


def test_the_normspace_command_is_registered(run_cli):
    result = run_cli("term-requests", CORPUS)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith("3 requested terms, 4 requests\n")


def test_a_missing_store_says_how_to_make_one(run_cli, tmp_path):
    result = run_cli("term-requests", "--store", tmp_path / "none")
    assert result.exit_code == 2
    assert "normspace load" in result.stderr

"""``normspace agreement``: exact output on the fixture corpus (the numbers are the
hand-computed ones of test_agreement.py), errors, the store, and the bundled corpus."""

from __future__ import annotations

import csv
import io
import shutil

import pytest

from normspace.resources import corpus_dir

from .conftest import DATA, EXPECTED

#: (expected output file, arguments after the fixture folder)
OUTPUT_CASES = [
    ("table.txt", []),
    ("slots.csv", ["--format", "csv"]),
    ("disagreements.csv", ["--format", "csv", "--show", "disagreements"]),
    (
        "jaccard.md",
        [
            "--format",
            "markdown",
            "--distance",
            "jaccard",
            "--slot",
            "approaches",
            "--slot",
            "values",
        ],
    ),
    ("slots.json", ["--format", "json", "--slot", "approaches"]),
]


@pytest.mark.parametrize(("expected", "args"), OUTPUT_CASES, ids=[c[0] for c in OUTPUT_CASES])
def test_output_is_exactly_the_expected_file(run_cli, expected, args):
    result = run_cli("agreement", DATA, *args)
    assert result.exit_code == 0, result.output
    assert result.stdout == (EXPECTED / expected).read_text(encoding="utf-8")
    assert result.stderr == ""  # warnings of valid files are not repeated here


#: (arguments, exit code, text expected in the error output)
ERROR_CASES = [
    (["--slot", "value"], 2, "unknown slot `value`; did you mean `values`?"),
    (["--slot", "nothing-like-it"], 2, "(slots: role, alignment_targets, values,"),
    (["--format", "csv", "--show", "both"], 2, "--format csv holds one table"),
    (["--distance", "cosine"], 2, "'cosine' is not one of 'masi', 'jaccard'"),
]


@pytest.mark.parametrize(("args", "code", "message"), ERROR_CASES)
def test_bad_options_are_usage_errors(run_cli, args, code, message):
    result = run_cli("agreement", DATA, *args)
    assert (result.exit_code, result.stdout) == (code, "")
    assert message in result.stderr


def test_invalid_files_are_reported_and_nothing_is_computed(run_cli, tmp_path):
    for path in DATA.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    broken = tmp_path / "ouyang2022.b.yaml"
    broken.write_text(broken.read_text().replace("norm:RLHF", "norm:RLFH"), encoding="utf-8")
    result = run_cli("agreement", tmp_path)
    assert (result.exit_code, result.stdout) == (1, "")
    assert "ouyang2022.b.yaml:23: contribution.approaches[0]: error: unknown term `norm:RLFH`" in (
        result.stderr
    )
    assert "error: no agreement computed: some files have errors (see above)" in result.stderr


def test_the_store_gives_the_same_result_as_the_files(run_cli, loaded_store_dir, data_dir):
    """The shared on-disk store holds the query fixture corpus (one double-annotated paper)."""
    from_store = run_cli("agreement", "--store", loaded_store_dir, "--format", "csv")
    from_files = run_cli("agreement", data_dir / "queries" / "corpus", "--format", "csv")
    assert from_store.exit_code == 0, from_store.output
    assert from_store.stdout == from_files.stdout
    assert "values,1,2,0.0,0.0,0.916666666667,0.916666666667," in from_store.stdout


def test_the_bundled_double_annotations_give_alpha_for_every_slot(run_cli):
    """The 18 papers of examples/corpus annotated twice (a second file `<stem>.curator-x.yaml`);
    the other papers have one annotation and do not count, so their files are left out."""
    corpus = corpus_dir()
    seconds = sorted(corpus.glob("*.curator-*.yaml"))
    firsts = [corpus / (p.name.split(".curator-")[0] + ".yaml") for p in seconds]
    assert len(seconds) == 18
    result = run_cli("agreement", *firsts, *seconds, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["slot"] for r in rows] == [
        "role", "alignment_targets", "values", "stakeholders", "normative_input_from",
        "sampling", "contexts", "pluralism", "approaches", "evaluation", "contestability",
        "participation", "harms", "design_goals", "disciplines", "research_methods",
    ]  # fmt: skip
    for row in rows:
        assert int(row["units"]) >= 2, row
        assert -1.0 <= float(row["alpha"]) <= 1.0, row
        assert -1.0 <= float(row["alpha_hierarchical"]) <= 1.0, row

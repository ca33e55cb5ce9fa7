"""`normspace run`, the main job: fresh store, validation, queries, comparisons, report."""

from __future__ import annotations

import csv
import io
import shutil

import pyoxigraph as ox
import pytest

import normspace
from normspace.annotation.problems import summary_line
from normspace.resources import corpus_dir
from normspace.runjob import runnable_queries
from normspace.runreport import KEY_COMPARISONS, PAIRING_NOTE, REPORT_SECTIONS, matrix_columns
from normspace.validation import validate_files

from .conftest import CORPUS, QUERY_DATA, STORE_DATA


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory):
    """`normspace run` on the fixture corpus, keeping the store."""
    from click.testing import CliRunner

    from normspace.cli.main import cli

    base = tmp_path_factory.mktemp("run")
    result = CliRunner().invoke(
        cli,
        [
            "run",
            "--corpus",
            str(CORPUS),
            "--out",
            str(base / "out"),
            "--store",
            str(base / "store"),
        ],
        catch_exceptions=False,
    )
    return result, base


def test_run_succeeds_and_prints_the_key_comparisons(fixture_run):
    result, _base = fixture_run
    assert result.exit_code == 0, result.stderr
    for _name, heading in KEY_COMPARISONS:
        assert f"== {heading} ==" in result.stdout
    assert "norm:ValueSensitiveDesign" in result.stdout  # whose values: none recorded
    assert "none recorded (1)" in result.stdout
    # the validator's own summary of the corpus, whatever warnings it gives
    assert summary_line(validate_files([CORPUS]).summary()) in result.stderr


def test_run_writes_graph_query_results_and_report(fixture_run):
    _result, base = fixture_run
    out = base / "out"
    quads = list(ox.parse(path=str(out / "normspace.nq"), format=ox.RdfFormat.N_QUADS))
    assert len({q.graph_name for q in quads}) == 3 + 8
    ready, needs = runnable_queries()
    for query in ready:
        assert (out / "queries" / f"{query.name}.csv").is_file(), query.name
    expected = (QUERY_DATA / "expected" / "approach-value-matrix.csv").read_text(encoding="utf-8")
    assert (out / "queries" / "approach-value-matrix.csv").read_text(encoding="utf-8") == expected
    report = (out / "report.md").read_text(encoding="utf-8")
    # the same report as one self-contained HTML file (tests/browser/ open it in Chromium)
    assert '<h1 id="top">NormSpace corpus report</h1>' in (out / "report.html").read_text(
        encoding="utf-8"
    )
    for section in (
        "## Validation",
        "## Key comparisons",
        "## Co-occurrence network",
        "## Tension network",
        "## Query results",
        *(f"### {heading}" for _name, heading in REPORT_SECTIONS),
    ):
        assert section in report
    assert "8 files checked: 8 valid" in report
    assert f"Corpus: `{CORPUS}`. 8 annotations of 7 papers." in report
    assert PAIRING_NOTE in report
    assert "| approach | normative input from | sampling |" in report
    # the role mix, one column per role used, in the scheme's order
    assert "| approach | proposes | evaluates | critiques | uses as baseline | no role |" in report
    # a stakeholder-vs-stakeholder tension
    assert "- AI developers (stakeholder) vs " in report
    for query in needs:
        assert f"`{query.name}` needs" in report


def test_run_keeps_a_queryable_store_and_rebuilds_it(fixture_run, run_cli):
    _result, base = fixture_run
    first = run_cli("query", "papers", "-f", "csv", "--store", base / "store")
    assert first.exit_code == 0
    assert first.stdout == (QUERY_DATA / "expected" / "papers.csv").read_text(encoding="utf-8")
    again = run_cli(
        "-q", "run", "--corpus", CORPUS, "--out", base / "out2", "--store", base / "store"
    )
    assert again.exit_code == 0
    assert (again.stdout, again.stderr) == ("", "")  # -q: only errors (it printed the tables)
    assert (base / "out2" / "report.md").is_file()
    assert run_cli("query", "papers", "-f", "csv", "--store", base / "store").stdout == first.stdout
    assert not (base / "store.building").exists() and not (base / "store.old").exists()


def test_run_stops_on_validation_errors_before_writing(run_cli, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "sap2022.yaml", corpus)
    shutil.copy(STORE_DATA / "invalid" / "unknown-term.yaml", corpus)
    result = run_cli("run", "--corpus", corpus, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "unknown term `norm:Fairnes`" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("corpus", "message"), [("missing", "does not exist"), ("unreadable", "cannot be read")]
)
def test_run_input_errors_exit_2(run_cli, tmp_path, corpus, message):
    folder = STORE_DATA / corpus if corpus == "unreadable" else tmp_path / corpus
    result = run_cli("run", "--corpus", folder, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert message in result.stderr


def test_run_on_the_bundled_corpus(run_cli, tmp_path):
    """The main job with its defaults (bundled example corpus, temporary store)."""
    result = run_cli("run", "-v", "--out", tmp_path / "out")
    assert result.exit_code == 0
    assert (tmp_path / "out" / "report.md").is_file()
    assert "== Alignment approaches × values (papers) ==" in result.stdout
    # the bundled corpus uses more values than the shown matrix has columns: say so
    note = "the full matrix is in queries/approach-value-matrix.csv"
    assert note in result.stdout
    assert note in (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "other values" in result.stdout
    assert "normspace run --store .normspace" in result.stderr  # how to keep the store
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    # regression: the report printed where the bundled corpus is installed (site-packages)
    assert f"Corpus: bundled corpus (normspace {normspace.__version__}). " in report
    assert str(corpus_dir()) not in report
    for logged in ("validation: validated ", "built the store", "query approach-value-matrix: "):
        assert logged in result.stderr  # -v after the command: INFO log lines


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_run_prints_nothing_but_writes_everything(run_cli, tmp_path, where):
    args = ["run", "--corpus", CORPUS, "--out", tmp_path / "out"]
    result = run_cli(*(["-q", *args] if where == "before" else [*args, "-q"]))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert (tmp_path / "out" / "report.md").is_file()


def test_quiet_run_still_reports_errors(run_cli, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(STORE_DATA / "invalid" / "unknown-term.yaml", corpus)
    result = run_cli("-q", "run", "--corpus", corpus, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "error: nothing loaded: some files have errors" in result.stderr


def test_run_says_the_matrix_is_complete_and_how_to_query_the_kept_store(fixture_run):
    result, base = fixture_run
    assert "All 7 values are shown." in result.stdout
    assert "All 7 values are shown." in (base / "out" / "report.md").read_text(encoding="utf-8")
    assert f"normspace query --list --store {base / 'store'}" in result.stderr


def matrix_rows() -> list[tuple[str, str, int]]:
    text = (QUERY_DATA / "expected" / "approach-value-matrix.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(io.StringIO(text))  # with label columns: approach_label, ...
    return [(row["approach"], row["value"], int(row["papers"])) for row in rows]


@pytest.mark.parametrize("limit", [0, 1, 3, 100])
def test_matrix_columns_never_hide_an_approachs_most_frequent_value(limit):
    rows = matrix_rows()
    columns = matrix_columns(rows, limit)
    for approach in {a for a, _v, _n in rows}:
        counts = [n for a, _v, n in rows if a == approach]
        top = {v for a, v, n in rows if a == approach and n == max(counts)}
        assert top & set(columns), approach
    assert len(columns) >= min(limit, len({v for _a, v, _n in rows}))
    assert len(columns) == len(set(columns))


def test_run_never_replaces_a_folder_that_is_not_a_store(run_cli, tmp_path):
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work")
    result = run_cli("run", "--corpus", CORPUS, "--out", tmp_path / "out", "--store", precious)
    assert result.exit_code == 2
    assert "is not a NormSpace store" in result.stderr
    assert (precious / "thesis.txt").read_text() == "years of work"

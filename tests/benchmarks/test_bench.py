"""benchmarks/bench.py: the synthetic corpus, the step machinery and an end-to-end run.

Behaviour only: what the benchmark writes and how it treats a step that fails, is missing
or runs out of its budget; no test looks at how long anything took.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from normspace.annotation import parse_file
from normspace.annotation.terms import TermResolver

ROOT = Path(__file__).resolve().parents[2]


def _load_bench():
    spec = importlib.util.spec_from_file_location(
        "normspace_bench", ROOT / "benchmarks" / "bench.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("normspace_bench", module)  # dataclasses need the module
    spec.loader.exec_module(module)
    return sys.modules["normspace_bench"]


bench = _load_bench()


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.yaml"))}


def test_same_seed_same_corpus_other_seed_other_corpus(tmp_path):
    first = bench.generate_corpus(tmp_path / "a", 8, seed=3)
    bench.generate_corpus(tmp_path / "b", 8, seed=3)
    bench.generate_corpus(tmp_path / "c", 8, seed=4)
    assert [p.name for p in first] == sorted(_contents(tmp_path / "a"))
    assert _contents(tmp_path / "a") == _contents(tmp_path / "b")
    assert _contents(tmp_path / "a") != _contents(tmp_path / "c")


def test_generated_files_are_annotations_without_reader_errors(tmp_path):
    resolver = TermResolver()
    for path in bench.generate_corpus(tmp_path, 6, seed=0):
        parsed = parse_file(path, resolver)
        assert parsed.document is not None, path
        assert [p for p in parsed.problems if p.severity == "error"] == [], path


def test_corpus_folder_is_reused_once_complete_and_redone_when_half_written(tmp_path):
    folder = bench.corpus_folder(tmp_path, 5, seed=0)
    assert folder == tmp_path / "N5-s0" and (folder / ".complete").exists()
    (folder / "extra.yaml").write_text("kept: the complete corpus is not rewritten\n")
    assert (bench.corpus_folder(tmp_path, 5, seed=0) / "extra.yaml").exists()
    (folder / ".complete").unlink()
    assert not (bench.corpus_folder(tmp_path, 5, seed=0) / "extra.yaml").exists()


def test_changing_one_file_leaves_the_shared_corpus_alone(tmp_path):
    corpus = bench.corpus_folder(tmp_path, 3, seed=0)
    before = _contents(corpus)
    linked = bench.linked_copy(corpus, tmp_path / "linked")
    changed = bench.change_one_file(linked)
    assert _contents(corpus) == before
    assert not changed.is_symlink()
    assert "title: Revised benchmark paper 0" in changed.read_text(encoding="utf-8")
    assert sum(p.is_symlink() for p in linked.glob("*.yaml")) == len(before) - 1


PY = sys.executable
SLEEP = "import time; time.sleep(120)"
SPIN = "while True: pass"
PROGRESS = {"phase": "validating", "done": 1200, "total": 110000, "rate_ms": 41.5}
SO_FAR = "while validating, 1,200 of 110,000 done, 41.5 ms CPU/file so far"


@pytest.mark.parametrize(
    ("code", "wall_factor", "progress", "status", "note"),
    [
        ("print('fine')", 60, None, "ok", ""),
        ("import sys; print('it broke'); sys.exit(3)", 60, None, "failed", "exit 3: it broke"),
        (SLEEP, 1, None, "stopped", "wall limit of 1 s reached before its first progress report"),
        (SPIN, 60, None, "stopped", "CPU budget of 1 s used up before its first progress report"),
        (SPIN, 60, PROGRESS, "stopped", f"CPU budget of 1 s used up {SO_FAR}"),
    ],
)  # fmt: skip
def test_run_command_reports_ok_failed_and_stopped(
    tmp_path, code, wall_factor, progress, status, note
):
    """A step is stopped when it used its CPU budget (1 s here) or waited for too long,
    and reported with its last progress report (a step rewrites it as it goes; here it is
    written beforehand, so the case does not depend on timing)."""
    status_file = tmp_path / "status.json"
    if progress:
        status_file.write_text(json.dumps(progress), encoding="utf-8")
    log = tmp_path / "log.txt"
    outcome = bench.run_command(
        [PY, "-c", code], 1, log, status=status_file, wall_factor=wall_factor
    )
    assert (outcome.status, outcome.note) == (status, note)
    assert outcome.cpu is not None and outcome.rss_mb
    if status == "stopped":
        assert outcome.figures == (progress or {})


def test_a_missing_helper_makes_its_step_unavailable(monkeypatch):
    assert bench.helper("no_such_benchmark_module", "measure") is None
    monkeypatch.setattr(bench, "helper", lambda module, name: None)
    expected = "not available: benchmarks/pipeline_bench.py has no measure_read()"
    assert bench.step_read({"folder": ".", "workers": 2}, bench.Progress(None)) == {
        "unavailable": expected
    }


@pytest.mark.parametrize(
    ("outcome", "text"),
    [
        (
            bench.Outcome("ok", 3.0, 5.5, 400.0, {"wall_s": 2.5, "cpu_s": 4.25}),
            "2.50 s, CPU 4.25 s, peak 400 MB",
        ),
        (bench.Outcome("ok", 3.0, 5.5, 400.0), "3.00 s, CPU 5.50 s, peak 400 MB"),
        (
            bench.Outcome("stopped", 130.2, 121.0, 2048.0, note="CPU budget of 120 s used up"),
            "stopped after 130 s (CPU 121 s, peak 2,048 MB): CPU budget of 120 s used up",
        ),
        (bench.Outcome("failed", 1.0, note="exit 1: EOFError"), "failed (exit 1: EOFError)"),
        (bench.Outcome("unavailable", note="not available: x"), "not available: x"),
        (None, "not run"),
    ],
)
def test_table_cell(outcome, text):
    assert bench.cell(outcome) == text


@pytest.mark.parametrize(
    ("value", "limit", "unit", "verdict"),
    [
        (8.0, 10.0, "s", "yes"),
        (45.0, 30.0, "s", "missed by 15.00 s (1.5× the target)"),
        (25.0, 20.0, "×", "yes"),
        (7.5, 20.0, "×", "missed: 7.5× < 20×"),
        (0.0, 0.0, "queries", "yes"),
        (2.0, 0.0, "queries", "no"),
        (1.3, None, "s", "(reported)"),
    ],
)
def test_verdict(value, limit, unit, verdict):
    assert bench.verdict(value, limit, unit) == verdict


def test_end_to_end_run_writes_every_section(tmp_path):
    """The whole benchmark at 8 papers with small budgets (two queries: rdflib needs
    seconds for some queries even on 8 papers): every target, step, ratio and start-up row
    is in the results, whatever each step's status."""
    out = tmp_path / "results.md"
    argv = [
        "--sizes", "8", "--workdir", str(tmp_path / "work"), "--out", str(out),
        "--budget", "20", "--step-budget", "120", "--startup-runs", "1", "--runs", "3",
        "--queries", "papers", "contributions", "--query-timeout", "10", "--library-steps",
    ]  # fmt: skip
    assert bench.main(argv) == 0
    text = out.read_text(encoding="utf-8")
    sections = [
        "# NormSpace benchmark results", "## Targets of issue 12 (judged at N = 8)",
        "## Start-up (whole processes)", "## Steps", "## Ratios", "## Named queries",
        "## Figures reported by the steps",
    ]  # fmt: skip
    assert [s for s in sections if s not in text] == []
    rows = [f"| {what} |" for what, *_ in bench.TARGETS]
    rows += [f"| {label} |" for label, *_ in bench.RATIOS]
    rows += ["| `normspace --version` (1 runs) |", "| `normspace validate ONE_FILE` (1 runs) |"]
    assert [r for r in rows if r not in text] == []
    table = text.split("## Steps")[1].split("## Ratios")[0].strip().splitlines()[2:]
    cells = dict(row.strip("|").split(" | ", 1) for row in table)
    assert len(cells) == len(bench.STEPS) + 3  # + two `normspace load` rows, queries twice
    # bench.py's own steps and the commands work (helpers' steps may be unavailable)
    own = ("baseline:", "one file validated", "`normspace load`", "export", "parse the")
    broken = {k: v for k, v in cells.items() if k.startswith(own) and v.startswith("failed")}
    assert broken == {}


def _run(*rows: tuple[str, object]) -> object:
    run = bench.SizeRun(1000, 1097)
    run.rows = [bench.Row(key, key, outcome, key.startswith("base")) for key, outcome in rows]
    return run


FAST = bench.Outcome("ok", 3.0, 2.0, 100.0, {"wall_s": 2.0, "cpu_s": 1.5})
SLOW = bench.Outcome("ok", 50.0, 45.0, 300.0, {"wall_s": 40.0})
STOPPED = bench.Outcome("stopped", 130.0, 120.0, 300.0, note="CPU budget of 120 s used up")


@pytest.mark.parametrize(
    ("baseline", "text"),
    [
        (SLOW, "20.0×"),
        (STOPPED, "> 65× (baseline stopped)"),
        (
            bench.Outcome("stopped", 130.0, 120.0, 80.0, {"rate_ms": 60.0, "total": 1000}),
            "> 65× (baseline stopped); at its rate, ~40× in CPU (extrapolated)",
        ),
        (bench.Outcome("failed", note="exit 1"), "—"),
        (None, "—"),
    ],
)
def test_ratio_of_baseline_to_normspace(baseline, text):
    rows = [("ours", FAST)] + ([("base", baseline)] if baseline else [])
    assert bench.ratio_cell(_run(*rows), "ours", "base") == text


def test_a_stopped_step_misses_its_target_and_says_so():
    run = _run(("load-cli", STOPPED), ("read", FAST))
    table = "\n".join(bench.targets_table([run], []))
    assert "| missed: stopped by its budget after 130 s |" in table
    assert "| YAML -> quads, both cores | 2.00 s (CPU 1.50 s) | ≤ 30 s | yes |" in table


def test_resume_keeps_saved_steps_and_reruns_failed_ones(tmp_path, monkeypatch):
    """A long run saves each row as it goes; --resume reruns only what failed."""
    args = bench.parse_args(["--corpora", str(tmp_path), "--workdir", str(tmp_path)])
    args.sizes, ran = [5], []

    def fake_step(step, params, budget, scratch, env=None):
        ran.append(step + params.get("tag", ""))
        return bench.Outcome("failed" if step == "export" else "ok", 1.0, 1.0, 10.0)

    def fake_command(argv, budget, log, env=None, status=None, wall_factor=3.0):
        ran.append(log.stem)
        return bench.Outcome("ok", 2.0, 2.0, 20.0)

    monkeypatch.setattr(bench, "run_step", fake_step)
    monkeypatch.setattr(bench, "run_command", fake_command)
    first = bench.SizeBench(5, args, tmp_path).measure()
    keys = [row.key for row in first.rows]
    assert "load-cli" in keys and "reload-cli" in keys and len(keys) == len(set(keys))
    ran.clear()
    args.resume = True
    again = bench.SizeBench(5, args, tmp_path).measure()
    assert ran == ["export"]
    assert [row.key for row in again.rows] == keys


def test_graph_chunks_keep_each_files_lines_together(tmp_path):
    """The batch step streams the corpus N-Quads a few graphs (files) at a time; a literal
    that contains ' <' must not be mistaken for the graph."""
    lines = [
        '<s> <p> "a <b> c" <urn:g:1> .\n',
        "<s> <p> <o> <urn:g:1> .\n",
        "_:b1 <p> <o> <urn:g:2> .\n",
        '<s> <p> "x" <urn:g:3> .\n',
        "<t> <p> <o> <urn:g:3> .\n",
    ]
    data = tmp_path / "corpus.nq"
    data.write_text("".join(lines), encoding="utf-8")
    chunks = list(bench._graph_chunks(data, 2))
    assert chunks == [("".join(lines[:3]).encode(), 2), ("".join(lines[3:]).encode(), 1)]

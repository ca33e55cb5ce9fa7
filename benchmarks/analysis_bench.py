"""Benchmark of the analysis layer (issue 10) on a synthetic corpus: the Python API's
DataFrames, comparisons, agreement, every figure and the HTML report.

The corpus comes from :func:`bench.generate_corpus` (Zipf-like term popularity, a second
annotation for 10 % of the papers) and is loaded into an in-memory store without
validation (validation and loading are measured by ``bench.py``); every step below then
runs on that store, as a notebook or ``normspace run`` would.

Usage::

    python benchmarks/analysis_bench.py                  # N = 10,000
    python benchmarks/analysis_bench.py --papers 1000

Prints a Markdown table (paste it into benchmarks/results.md). No timing is asserted in the
test suite.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench import generate_corpus  # noqa: E402

from normspace.annotation import parse_file  # noqa: E402
from normspace.annotation.terms import TermResolver  # noqa: E402
from normspace.api import Corpus  # noqa: E402
from normspace.loading import build_store  # noqa: E402


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def size_of(value: object) -> str:
    """Rows × columns of a DataFrame, or a short description of other results."""
    shape = getattr(value, "shape", None)
    if shape is not None:
        return f"{shape[0]:,} × {shape[1]}"
    if isinstance(value, Path):
        return f"{value.stat().st_size / 1e3:,.0f} kB"
    return ""


def steps(corpus: Corpus, out: Path) -> list[tuple[str, Callable[[], object]]]:
    """The measured steps, in the order a researcher would take them."""
    from normspace import figures

    matrix = corpus.query("approach-value-matrix")
    top = matrix.groupby("approach")["papers"].sum().nlargest(2).index.tolist()
    papers = corpus.papers()["paper"].tolist()
    contributions = corpus.contributions()["contribution"].drop_duplicates().tolist()
    measured: list[tuple[str, Callable[[], object]]] = [
        ("papers() (DataFrame)", corpus.papers),
        ("contributions() (DataFrame)", corpus.contributions),
        (
            "query approach-value-matrix (DataFrame with labels)",
            lambda: corpus.query("approach-value-matrix"),
        ),
        ("compare 2 approaches (all dimensions)", lambda: corpus.compare(*top)),
        (
            "compare 2 papers, diff only",
            lambda: corpus.compare(*papers[:2], by="paper", diff_only=True),
        ),
        (
            "compare 100 papers, diff only",
            lambda: corpus.compare(*papers[:100], by="paper", diff_only=True),
        ),
        (
            "compare 100 contributions",
            lambda: corpus.compare(*contributions[:100], by="contribution"),
        ),
        ("agreement: alpha per slot (MASI + hierarchical)", corpus.agreement),
        ("agreement: per-paper disagreements", corpus.disagreements),
    ]
    for name in figures.FIGURES:
        path = out / f"{name}.svg"
        measured.append((f"figure {name} (SVG)", lambda n=name, p=path: corpus.figure(n, p) and p))
    return measured


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="normspace-analysis-bench-"))
    try:
        files = generate_corpus(workdir / "corpus", args.papers, args.seed)
        resolver = TermResolver()
        seconds, parsed = timed(lambda: [parse_file(f, resolver) for f in files])
        documents = [p.document for p in parsed if p.document is not None]
        print(f"read {len(documents):,} files in {seconds:.1f} s", file=sys.stderr)
        seconds, (store, summary) = timed(lambda: build_store(None, documents))
        print(f"built the in-memory store in {seconds:.1f} s", file=sys.stderr)
        corpus = Corpus(store, "synthetic")
        out = workdir / "out"
        out.mkdir()
        rows = []
        for name, step in steps(corpus, out):
            seconds, value = timed(step)
            rows.append((name, seconds, size_of(value)))
            print(f"{name}: {seconds:.2f} s", file=sys.stderr)
        seconds, _ = timed(lambda: _report(corpus, out / "run", summary))
        size = (out / "run" / "report.html").stat().st_size / 1e6
        rows.append(
            (
                "`normspace run` after the load: every query, CSVs, report.md and report.html",
                seconds,
                f"report.html {size:.1f} MB",
            )
        )
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print(
        f"Synthetic corpus of {args.papers:,} papers ({len(files):,} files, seed {args.seed}); "
        f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}.\n"
    )
    print("| step | time | result |\n|---|---|---|")
    for name, seconds, result in rows:
        print(f"| {name} | {seconds:.2f} s | {result} |")
    return 0


def _report(corpus: Corpus, out: Path, summary) -> None:
    """What ``normspace run`` does once the store is built: every query that needs no
    parameter, the CSV files, report.md and report.html (with every figure)."""
    from normspace.annotation import ValidationRun
    from normspace.runjob import run_named, runnable_queries, write_outputs

    ready, needs = runnable_queries()
    results = {q.name: run_named(corpus.store, q) for q in ready}
    out.mkdir(parents=True, exist_ok=True)
    write_outputs(corpus.store, out, out, "synthetic", ValidationRun(), summary, results, needs)


if __name__ == "__main__":
    raise SystemExit(main())

"""The run job (``normspace run``): from a corpus folder to a store, results and a report.

A fresh store is built from the corpus (validated first: any error stops the job before
anything is written), every library query that needs no parameter is run, the key
comparisons are shown, and the output folder receives the validated graph (N-Quads), each
query's results (CSV, with label columns) and the report, as Markdown and as one
self-contained HTML file with figures and the papers behind every number (see
:mod:`normspace.runreport` and :mod:`normspace.htmlreport`).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .annotation import ValidationRun
from .errors import InputError
from .feedback import Echo, Progress, discard, no_progress, seconds_since
from .htmlreport import html_report
from .loading import LoadSummary, build_store
from .papersbehind import run_counted
from .querylib import NamedQuery, library
from .results import render
from .runreport import markdown_report, print_key_comparisons, report_input
from .store import OxigraphStore, QueryResult, Store, check_store_folder
from .validation import check_loadable, report_problems, validate_files

log = logging.getLogger(__name__)


def run_named(store: Store, query: NamedQuery, values: dict[str, str] | None = None) -> QueryResult:
    """Bind parameters (resolving terms) and run a library query; its paper counts come
    with the papers behind them (:func:`normspace.papersbehind.run_counted`)."""
    started = time.perf_counter()
    result = run_counted(store, query, values)
    log.info("query %s: %d rows in %.3f s", query.name, len(result.rows), seconds_since(started))
    return result


def runnable_queries() -> tuple[list[NamedQuery], list[NamedQuery]]:
    """Library queries that run without arguments, and those that need a parameter."""
    ready, needs = [], []
    for query in library().top_level():
        (needs if any(p.required for p in query.params) else ready).append(query)
    return ready, needs


@dataclass
class RunResult:
    out: Path
    store: Path | None
    run: ValidationRun
    summary: LoadSummary
    results: dict[str, QueryResult]
    skipped: list[NamedQuery]
    files: list[Path]


def run_job(
    corpus: Path,
    out: Path,
    store_path: Path | None = None,
    echo: Echo = discard,
    err: Echo = discard,
    progress: Progress | None = None,
    corpus_name: str | None = None,
) -> RunResult:
    """Fresh store, validation, load, queries, comparisons, report (see module docstring).

    ``echo`` receives the key comparisons, ``err`` the validation problems; the report
    calls the corpus ``corpus_name`` (default: its path). The store is
    built in a new folder; without ``store_path`` it is a temporary folder removed at the
    end (the exported N-Quads hold the same data), with ``store_path`` it replaces whatever
    store was there once the build succeeded.
    """
    if not corpus.is_dir():
        raise InputError(f"corpus folder {corpus} does not exist")
    if store_path is not None:
        check_store_folder(store_path)
    run = validate_files([corpus], progress, models=False)  # bulk: worker processes
    if run.problems:
        report_problems(run, err)
    documents = check_loadable(run)

    workdir = Path(tempfile.mkdtemp(prefix="normspace-run-"))
    build_path = (
        store_path.with_name(store_path.name + ".building") if store_path else workdir / "store"
    )
    _remove_leftover_store(build_path)
    try:
        store, summary = build_store(build_path, documents)
        ready, needs = runnable_queries()
        with (progress or no_progress)(ready, "querying") as queries:
            results = {q.name: run_named(store, q) for q in queries}
        out.mkdir(parents=True, exist_ok=True)
        name = corpus_name or f"`{corpus}`"
        files = write_outputs(store, out, corpus, name, run, summary, results, needs)
        print_key_comparisons(results, echo)
        store.close()
        del store
        if store_path is not None:
            _swap_into_place(build_path, store_path)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if store_path is not None and build_path.exists():
            shutil.rmtree(build_path, ignore_errors=True)
    return RunResult(out, store_path, run, summary, results, needs, files)


def _remove_leftover_store(path: Path) -> None:
    """Remove a store left by an interrupted run (never a folder with other content)."""
    if path.exists():
        check_store_folder(path)
        shutil.rmtree(path)


def _swap_into_place(built: Path, target: Path) -> None:
    """Move a freshly built store to ``target``, replacing an older store there."""
    import gc

    gc.collect()  # make sure no handle on the built store keeps its lock
    if target.exists():
        check_store_folder(target)
        old = target.with_name(target.name + ".old")
        _remove_leftover_store(old)
        target.rename(old)
        built.rename(target)
        shutil.rmtree(old)
    else:
        built.rename(target)


def write_outputs(
    store: OxigraphStore,
    out: Path,
    corpus: Path,
    corpus_name: str,
    run: ValidationRun,
    summary: LoadSummary,
    results: dict[str, QueryResult],
    skipped: Sequence[NamedQuery],
) -> list[Path]:
    """The validated graph, one CSV per query, and the report in Markdown and HTML (which
    name the corpus ``corpus_name`` and its files relative to ``corpus``)."""
    written = []
    graph_file = out / "normspace.nq"
    with graph_file.open("wb") as fh:
        store.export(fh, "nq")
    log.info("wrote the validated graph to %s", graph_file)
    written.append(graph_file)
    query_dir = out / "queries"
    query_dir.mkdir(exist_ok=True)
    for name, result in results.items():
        path = query_dir / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            render(result, "csv", fh)
        written.append(path)
    data = report_input(store, corpus, corpus_name, run, summary, results, skipped)
    report_file = out / "report.md"
    report_file.write_text(markdown_report(data), encoding="utf-8")
    written.append(report_file)
    html_file = out / "report.html"
    html_file.write_text(html_report(data, store), encoding="utf-8")
    written.append(html_file)
    log.info(
        "wrote %d query results to %s/ and the report to %s and %s",
        len(results),
        query_dir,
        report_file,
        html_file,
    )
    return written

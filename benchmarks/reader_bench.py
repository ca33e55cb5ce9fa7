"""The reader, stage by stage: ruamel vs the libyaml composer, rdflib graph vs N-Quads.

For the first ``--limit`` files of a corpus folder (sorted), measures the CPU time of each
stage of turning an annotation file into RDF, one file at a time, in this process:

- ``read``: bytes -> text (UTF-8 checks), shared by both paths;
- ``parse (ruamel)`` vs ``parse (libyaml)``: text -> round-trip tree with positions
  (:func:`normspace.annotation.yaml_source.parse_yaml`, ``fast=False`` / ``True``);
- ``model``: tree -> annotation model + problems (:func:`read_annotation`, one shared term
  resolver, as a bulk run uses);
- ``rdflib graph`` vs ``N-Quads``: model -> :func:`annotation_graph` (rdflib graph and
  origins, what validation needs) / :func:`annotation_nquads` (text for the store).

CPU time (``time.process_time``) is reported, not wall time: the machine is shared and
CPU time is the less disturbed figure. Each stage runs over all files before the next
(warm caches, as in a corpus run); the table gives mean and median per file.

With ``--workers N`` it also runs the whole fast path (read, libyaml parse, model,
N-Quads) over *every* file of the folder in N processes, and reports wall time, the
workers' CPU time and files per second: the "YAML -> quads" figure of issue 12.

Usage::

    python benchmarks/reader_bench.py CORPUS [--limit 1000] [--workers 2] [--out FILE.md]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from normspace.annotation.from_yaml import read_annotation
from normspace.annotation.terms import TermResolver
from normspace.annotation.to_rdf import annotation_graph, annotation_nquads
from normspace.annotation.yaml_source import YamlSourceError, parse_yaml, read_text

GRAPH_BASE = "https://normspace.org/bench/graph/"


def _timed(items: Sequence[Any], step: Callable[[Any], Any]) -> tuple[list[Any], list[float]]:
    """Run ``step`` on every item; return the results and the CPU seconds of each."""
    results, seconds = [], []
    clock = time.process_time
    for item in items:
        start = clock()
        results.append(step(item))
        seconds.append(clock() - start)
    return results, seconds


def _readable(paths: list[Path]) -> list[Path]:
    """The files that parse (a corpus may hold deliberately broken files)."""
    kept = []
    for path in paths:
        try:
            parse_yaml(read_text(path), str(path))
        except YamlSourceError:
            continue
        kept.append(path)
    return kept


def measure_stages(paths: list[Path]) -> dict[str, list[float]]:
    """CPU seconds per file of each stage, in the order of the module docstring."""
    resolver = TermResolver()
    times: dict[str, list[float]] = {}
    texts, times["read"] = _timed(paths, read_text)
    named = list(zip(texts, map(str, paths), strict=True))
    _, times["parse (ruamel)"] = _timed(named, lambda p: parse_yaml(*p, fast=False))
    sources, times["parse (libyaml)"] = _timed(named, lambda p: parse_yaml(*p))
    results, times["model"] = _timed(sources, lambda s: read_annotation(s, resolver))
    models = [r.annotation for r in results]
    _, times["rdflib graph"] = _timed(models, annotation_graph)
    numbered = list(enumerate(models))
    _, times["N-Quads"] = _timed(
        numbered, lambda m: annotation_nquads(m[1], f"{GRAPH_BASE}{m[0]}", f"f{m[0]}x")
    )
    return times


def stage_table(times: dict[str, list[float]]) -> str:
    """Markdown table: mean and median milliseconds per file, and the two paths' totals."""
    rows = ["| stage | mean ms/file | median ms/file |", "|---|---:|---:|"]
    for stage, seconds in times.items():
        mean, median = statistics.fmean(seconds) * 1e3, statistics.median(seconds) * 1e3
        rows.append(f"| {stage} | {mean:.3f} | {median:.3f} |")
    mean = {stage: statistics.fmean(seconds) * 1e3 for stage, seconds in times.items()}
    before = mean["read"] + mean["parse (ruamel)"] + mean["model"] + mean["rdflib graph"]
    after = mean["read"] + mean["parse (libyaml)"] + mean["model"] + mean["N-Quads"]
    rows.append(f"| **file -> RDF, before** (ruamel + rdflib) | {before:.3f} | |")
    rows.append(f"| **file -> quads, now** (libyaml + N-Quads) | {after:.3f} | |")
    ratios = (
        f"parse: {mean['parse (ruamel)'] / mean['parse (libyaml)']:.1f}x faster; "
        f"RDF: {mean['rdflib graph'] / mean['N-Quads']:.1f}x faster; "
        f"whole: {before / after:.1f}x faster"
    )
    return "\n".join(rows) + "\n\n" + ratios + "\n"


# -- the whole fast path over a folder, in worker processes ----------------------------------

_RESOLVER: TermResolver | None = None


def _quads_of(task: tuple[int, str]) -> tuple[int, int, int, float]:
    """One file -> N-Quads in a worker: (files read, quad lines, bytes, CPU seconds)."""
    global _RESOLVER
    start = time.process_time()
    if _RESOLVER is None:
        _RESOLVER = TermResolver()
    index, path = task
    try:
        source = parse_yaml(read_text(Path(path)), path)
    except YamlSourceError:
        return 0, 0, 0, time.process_time() - start
    annotation = read_annotation(source, _RESOLVER).annotation
    try:
        text = annotation_nquads(annotation, f"{GRAPH_BASE}{index}", f"f{index}x")
    except ValueError:  # a model without a paper IRI: the validator reports it
        return 1, 0, 0, time.process_time() - start
    return 1, text.count("\n"), len(text.encode("utf-8")), time.process_time() - start


def measure_parallel(paths: list[Path], workers: int) -> dict[str, float]:
    """Wall and CPU seconds of YAML -> N-Quads for every file, in ``workers`` processes
    (forked after the imports, so start-up is not counted; the term resolver is built in
    each worker and counted)."""
    tasks = [(i, str(p)) for i, p in enumerate(paths)]
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        totals = [0, 0, 0, 0.0]
        for result in pool.imap_unordered(_quads_of, tasks, chunksize=64):
            for i, value in enumerate(result):
                totals[i] += value
    wall = time.perf_counter() - start
    return {
        "files": float(len(paths)),
        "read": float(totals[0]),
        "quads": float(totals[1]),
        "megabytes": totals[2] / 1e6,
        "wall_s": wall,
        "cpu_s": totals[3],
        "files_per_s": len(paths) / wall,
    }


def parallel_table(figures: dict[str, float], workers: int) -> str:
    return (
        f"YAML -> N-Quads, every file, {workers} worker processes: "
        f"{int(figures['files'])} files ({int(figures['read'])} read), "
        f"{int(figures['quads'])} quads, {figures['megabytes']:.1f} MB of N-Quads; "
        f"wall {figures['wall_s']:.1f} s, workers' CPU {figures['cpu_s']:.1f} s, "
        f"{figures['files_per_s']:.0f} files/s\n"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path, help="folder of annotation YAML files")
    parser.add_argument("--limit", type=int, default=1000, help="files timed stage by stage")
    parser.add_argument("--workers", type=int, default=0, help="also run every file in N processes")
    parser.add_argument("--out", type=Path, help="write the Markdown report here too")
    args = parser.parse_args(argv)
    paths = sorted(args.corpus.rglob("*.yaml"))
    if not paths:
        print(f"error: no *.yaml files under {args.corpus}", file=sys.stderr)
        return 2
    sample = _readable(paths[: args.limit])
    report = f"Reader stages, CPU time per file, first {len(sample)} files of {args.corpus}\n\n"
    report += stage_table(measure_stages(sample))
    if args.workers:
        report += "\n" + parallel_table(measure_parallel(paths, args.workers), args.workers)
    print(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

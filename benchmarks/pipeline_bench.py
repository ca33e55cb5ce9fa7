"""Measure the bulk pipeline on a corpus folder: read (YAML -> N-Triples), validate, load
into a fresh store, and re-load after one file changed.

    python benchmarks/pipeline_bench.py CORPUS [--workers N] [--store DIR] [--steps ...]

Each step runs in a fresh Python process (so its peak memory is its own) and prints one
JSON object per step: wall seconds, CPU seconds of the process and of its worker
processes (``cpu_s``, ``cpu_children_s``: on a shared machine CPU time is the figure to
compare), peak resident memory of the process and of its largest worker (MB), and
step-specific counts. The ``measure_*`` functions are importable (``benchmarks/bench.py``
calls them); their peak figures are those of the calling process so far, so call each in
a fresh process (:func:`measure_in_subprocess`) for per-step peaks. Nothing here asserts a
time: these are measurements, reported as measured.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from normspace.annotation.validate import expand_paths  # noqa: E402
from normspace.bulkread import read_records  # noqa: E402
from normspace.feedback import discard  # noqa: E402
from normspace.loading import load_files  # noqa: E402
from normspace.store import OxigraphStore  # noqa: E402
from normspace.validation import validate_all  # noqa: E402


def _usage() -> tuple[float, float, float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (
        me.ru_utime + me.ru_stime,
        kids.ru_utime + kids.ru_stime,
        me.ru_maxrss / 1024,
        kids.ru_maxrss / 1024,
    )


def _measured(step: str, run: Callable[[], dict]) -> dict:
    cpu0, kids0, _, _ = _usage()
    started = time.perf_counter()
    figures = run()
    wall = time.perf_counter() - started
    cpu1, kids1, peak, kids_peak = _usage()
    return {
        "step": step,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu1 - cpu0, 2),
        "cpu_children_s": round(kids1 - kids0, 2),
        "peak_rss_mb": round(peak),
        "peak_rss_worker_mb": round(kids_peak),
        **figures,
    }


def measure_read(folder: Path, workers: int | None = None) -> dict:
    """YAML -> N-Triples for every file (reader + RDF, no SHACL), in worker processes."""

    def run() -> dict:
        files = expand_paths([Path(folder)])
        triples = records = 0
        for chunk in read_records(files, workers=workers, validate=False):
            for record in chunk:
                records += 1
                triples += (record.ntriples or b"").count(b"\n")
        return {"files": records, "triples": triples, "workers": workers}

    return _measured("read", run)


def measure_validate(folder: Path, workers: int | None = None) -> dict:
    """Read and validate every file as ``normspace validate`` does (``validate_all``: the
    bulk path, keeping no triples)."""

    def run() -> dict:
        result = validate_all([Path(folder)], workers=workers)
        return {
            "files": len(result.files),
            "problems": len(result.problems),
            "exit_code": result.exit_code,
            "workers": workers,
        }

    return _measured("validate", run)


def measure_load(folder: Path, store: Path, workers: int | None = None) -> dict:
    """``normspace load FOLDER`` into a new store at ``store`` (removed first)."""
    shutil.rmtree(store, ignore_errors=True)

    def run() -> dict:
        with OxigraphStore(store) as opened:
            summary = load_files(opened, [Path(folder)], discard, workers=workers)
            quads = len(opened)
        return {"loaded": len(summary.loaded), "quads": quads, "workers": workers}

    return _measured("load", run)


def measure_reload_one(folder: Path, store: Path, workers: int | None = None) -> dict:
    """Load again after one file changed, into the store :func:`measure_load` made.

    The corpus is never modified: a scratch folder mirrors it with symbolic links (the
    store records resolved paths, so they count as the same, unchanged files) except for
    one file, copied and edited.
    """
    files = expand_paths([Path(folder)])
    mirror = Path(tempfile.mkdtemp(prefix="normspace-reload-"))
    try:
        for path in files[1:]:
            (mirror / path.name).symlink_to(path.resolve())
        changed = mirror / files[0].name
        text = files[0].read_text(encoding="utf-8")
        changed.write_text(text + "\n# edited for the benchmark\n", encoding="utf-8")

        def run() -> dict:
            with OxigraphStore(store) as opened:
                summary = load_files(opened, [mirror], discard, workers=workers)
            return {
                "loaded": len(summary.loaded),
                "unchanged": summary.unchanged,
                "workers": workers,
            }

        return _measured("reload-one", run)
    finally:
        shutil.rmtree(mirror, ignore_errors=True)


STEPS = {
    "read": lambda a: measure_read(a.corpus, a.workers),
    "validate": lambda a: measure_validate(a.corpus, a.workers),
    "load": lambda a: measure_load(a.corpus, a.store, a.workers),
    "reload-one": lambda a: measure_reload_one(a.corpus, a.store, a.workers),
}


def measure_in_subprocess(
    step: str, corpus: Path, store: Path | None = None, workers: int | None = None
) -> dict:
    """One step in a fresh Python process (its own peak memory); its figures."""
    args = [sys.executable, __file__, str(corpus), "--steps", step, "--one"]
    if store is not None:
        args += ["--store", str(store)]
    if workers is not None:
        args += ["--workers", str(workers)]
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"step {step} failed (exit {done.returncode}):\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--steps", nargs="+", default=list(STEPS), choices=list(STEPS))
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(STEPS[args.steps[0]](args)))
        return
    scratch = None
    if args.store is None:
        scratch = Path(tempfile.mkdtemp(prefix="normspace-bench-"))
        args.store = scratch / "store"
    try:
        print(f"# {args.corpus}, workers={args.workers or 'default'}, cpus={os.cpu_count()}")
        for step in args.steps:
            print(json.dumps(measure_in_subprocess(step, args.corpus, args.store, args.workers)))
            sys.stdout.flush()
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

"""SHACL validation at scale: the batch engine (shapes compiled to SPARQL on pyoxigraph)
beside pySHACL (the reference engine), on the same synthetic corpus, in one run.

For a corpus folder (``benchmarks/bench.py`` corpora, e.g. /tmp/ns/i12/corpora/N10000-s0):

1. prepare: every file read into N-Quads (one named graph per file), in worker processes,
   cached as ``<workdir>/<corpus name>.nq`` (not measured here: the reader's benchmark);
2. batch, whole corpus: N-Quads -> one in-memory store -> ``validate_store`` (load and
   validation timed apart), in a child process, so its peak RSS is the step's own;
3. batch, in chunks of ``--chunk`` files (each chunk its own store: bounded memory, what
   the bulk reader does per worker), same child process rules;
4. pySHACL, per file (the reference), over the files in order until ``--budget`` seconds:
   its rate, and whether its results equal the batch results on those files;
5. one file warm in-process: both engines, mean CPU milliseconds over ``--sample`` files.

Figures are CPU seconds (user + system; the steadier figure on a shared machine) and wall
seconds, with the machine's load average at the start of each step. Nothing is
extrapolated silently: a step stopped at its budget says how far it got.

Usage::

    python benchmarks/shacl_bench.py /tmp/ns/i12/corpora/N1000-s0 [--workdir DIR]
        [--chunk 5000] [--budget 120] [--sample 50] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _graph_iri(index: int) -> str:
    return f"urn:normspace:bench:file:{index}"


def _read_part(args: tuple[list[str], int]) -> list[bytes]:
    """N-Quads of a part of the corpus (one worker task)."""
    from normspace.annotation.document import parse_bytes
    from normspace.annotation.terms import TermResolver
    from normspace.annotation.to_rdf import annotation_nquads

    paths, start = args
    resolver = TermResolver()
    out = []
    for offset, name in enumerate(paths):
        path = Path(name)
        parsed = parse_bytes(path, path.read_bytes(), resolver, graph=False)
        document = parsed.document
        if document is None or document.annotation is None:
            out.append(b"")
            continue
        index = start + offset
        text = annotation_nquads(document.annotation, _graph_iri(index), f"f{index}b")
        out.append(text.encode("utf-8"))
    return out


def prepare(corpus: Path, workdir: Path) -> tuple[Path, list[Path]]:
    """The corpus as one N-Quads file (cached) and the files in graph order."""
    files = sorted(corpus.glob("*.yaml"))
    target = workdir / f"{corpus.name}.nq"
    if target.exists():
        return target, files
    workdir.mkdir(parents=True, exist_ok=True)
    size = 500
    parts = [([str(p) for p in files[i : i + size]], i) for i in range(0, len(files), size)]
    partial = target.with_suffix(".partial")
    with ProcessPoolExecutor(2, mp_context=get_context("fork")) as pool, partial.open("wb") as out:
        for chunk in pool.map(_read_part, parts):
            for text in chunk:
                out.write(text)
    partial.rename(target)
    return target, files


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(function, *args):
    """Run a step in a fresh process: its own peak RSS, nothing warm from other steps."""
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def step_batch_whole(nq: str) -> dict:
    """Whole corpus in one store: load (parse + encode + insert) and validate, apart."""
    import pyoxigraph as ox

    from normspace.shaclbatch import batch_engine, encode_nquads

    engine = batch_engine()
    data = Path(nq).read_bytes()
    load = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), _cpu()
    store = ox.Store()
    store.extend(ox.parse(encode_nquads(data), format=ox.RdfFormat.N_QUADS))
    loaded_wall, loaded_cpu = time.perf_counter() - wall, _cpu() - cpu
    del data
    wall, cpu = time.perf_counter(), _cpu()
    results = engine.validate_store(store)
    return {
        "quads": len(store),
        "load_wall": loaded_wall,
        "load_cpu": loaded_cpu,
        "validate_wall": time.perf_counter() - wall,
        "validate_cpu": _cpu() - cpu,
        "graphs_with_results": len(results),
        "results": sum(len(r) for r in results.values()),
        "peak_mb": _peak_mb(),
        "load_average": load,
    }


def _chunks_of(nq: bytes, files: int, chunk: int):
    """The N-Quads of consecutive groups of ``chunk`` files (graphs are numbered)."""
    groups: dict[int, list[bytes]] = {}
    marker = b" <urn:normspace:bench:file:"
    for line in nq.splitlines(keepends=True):
        start = line.rfind(marker)
        index = int(line[start + len(marker) : line.index(b">", start)])
        groups.setdefault(index // chunk, []).append(line)
    for key in sorted(groups):
        yield b"".join(groups[key])


def step_batch_chunks(nq: str, files: int, chunk: int) -> dict:
    """Chunks of ``chunk`` files, each validated in its own store (bounded memory)."""
    from normspace.shaclbatch import batch_engine

    engine = batch_engine()
    data = Path(nq).read_bytes()
    load = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), _cpu()
    found = 0
    count = 0
    for part in _chunks_of(data, files, chunk):
        found += len(engine.validate_nquads(part))
        count += 1
    return {
        "chunks": count,
        "wall": time.perf_counter() - wall,
        "cpu": _cpu() - cpu,
        "graphs_with_results": found,
        "peak_mb": _peak_mb(),
        "load_average": load,
    }


def _validate_part(args: tuple[list[str], int]) -> dict:
    """One worker task of the streamed mode: read a chunk of files (not timed as
    validation), then validate the chunk's N-Quads in one store (timed)."""
    from normspace.shaclbatch import batch_engine

    engine = batch_engine()
    cpu = _cpu()
    texts = _read_part(args)
    read_cpu = _cpu() - cpu
    data = b"".join(texts)
    wall, cpu = time.perf_counter(), _cpu()
    found = engine.validate_nquads(data)
    return {
        "files": len(texts),
        "read_cpu": read_cpu,
        "validate_cpu": _cpu() - cpu,
        "validate_wall": time.perf_counter() - wall,
        "graphs_with_results": len(found),
        "peak_mb": _peak_mb(),
    }


def step_streamed(files: list[str], chunk: int, workers: int) -> dict:
    """The bulk reader's way: chunks of files read and validated in worker processes,
    one store per chunk (memory bounded by the chunk, both cores busy)."""
    parts = [(files[i : i + chunk], i) for i in range(0, len(files), chunk)]
    load = os.getloadavg()[0]
    wall = time.perf_counter()
    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        done = list(pool.map(_validate_part, parts))
    return {
        "workers": workers,
        "chunk": chunk,
        "chunks": len(done),
        "wall_read_and_validate": time.perf_counter() - wall,
        "read_cpu": sum(d["read_cpu"] for d in done),
        "validate_cpu": sum(d["validate_cpu"] for d in done),
        "validate_wall_sum": sum(d["validate_wall"] for d in done),
        "validate_wall_per_worker": sum(d["validate_wall"] for d in done) / workers,
        "graphs_with_results": sum(d["graphs_with_results"] for d in done),
        "peak_mb_worker": max(d["peak_mb"] for d in done),
        "load_average": load,
    }


def step_pyshacl(files: list[str], budget: float) -> dict:
    """pySHACL per file, in order, until the budget; results kept for the comparison."""
    from normspace.annotation.document import parse_file
    from normspace.shacl import annotation_engine

    engine = annotation_engine()
    load = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), _cpu()
    done, results = 0, {}
    for index, name in enumerate(files):
        if time.perf_counter() - wall > budget:
            break
        parsed = parse_file(Path(name))
        if parsed.document is not None:
            found = engine.validate(parsed.document.graph).results
            if found:
                results[_graph_iri(index)] = [repr(r) for r in found]
        done += 1
    return {
        "files": done,
        "wall": time.perf_counter() - wall,
        "cpu": _cpu() - cpu,
        "results": results,
        "peak_mb": _peak_mb(),
        "load_average": load,
    }


def step_one_file(files: list[str], sample: int) -> dict:
    """Warm one-file validation, both engines, on the same graphs (CPU ms per file)."""
    from normspace.annotation.document import parse_file
    from normspace.shacl import annotation_engine
    from normspace.shaclbatch import batch_engine

    graphs = [parse_file(Path(f)).document.graph for f in files[:sample]]
    out = {}
    for name, engine in (("sparql", batch_engine()), ("pyshacl", annotation_engine())):
        engine.validate(graphs[0])  # warm
        wall, cpu = time.perf_counter(), _cpu()
        for graph in graphs:
            engine.validate(graph)
        out[name] = {
            "cpu_ms": (_cpu() - cpu) / len(graphs) * 1000,
            "wall_ms": (time.perf_counter() - wall) / len(graphs) * 1000,
        }
    out["load_average"] = os.getloadavg()[0]
    return out


def _batch_results_for(nq: str, graphs: set[str]) -> dict[str, list[str]]:
    from normspace.shaclbatch import batch_engine

    data = Path(nq).read_bytes()
    lines = [
        line
        for line in data.splitlines(keepends=True)
        if line.rsplit(b" ", 2)[-2][1:-1].decode() in graphs
    ]
    found = batch_engine().validate_nquads(b"".join(lines))
    return {g: [repr(r) for r in results] for g, results in found.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/ns/i12/shacl-bench"))
    parser.add_argument("--chunk", type=int, default=5000)
    parser.add_argument("--budget", type=float, default=120.0)
    parser.add_argument("--sample", type=int, default=50)
    parser.add_argument("--skip-pyshacl", action="store_true")
    parser.add_argument(
        "--streamed-only",
        action="store_true",
        help="only the streamed mode (no N-Quads file: for 100k, whose N-Quads are ~2 GB)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    if args.streamed_only:
        names = [str(f) for f in sorted(args.corpus.glob("*.yaml"))]
        report = {"corpus": str(args.corpus), "files": len(names)}
        report["streamed"] = step_streamed(names, args.chunk, args.workers)
        print("streamed:", report["streamed"], flush=True)
        report["one_file"] = _child(step_one_file, names, args.sample)
        print("one file, warm:", report["one_file"], flush=True)
        if args.json:
            args.json.write_text(json.dumps(report, indent=2))
        return 0
    wall = time.perf_counter()
    nq, files = prepare(args.corpus, args.workdir)
    names = [str(f) for f in files]
    report: dict = {
        "corpus": str(args.corpus),
        "files": len(files),
        "prepare_wall": time.perf_counter() - wall,
    }
    print(
        f"{args.corpus.name}: {len(files)} files, N-Quads {nq.stat().st_size / 1e6:.0f} MB",
        flush=True,
    )
    report["batch_whole"] = _child(step_batch_whole, str(nq))
    print("batch, whole corpus:", report["batch_whole"], flush=True)
    report["batch_chunks"] = _child(step_batch_chunks, str(nq), len(files), args.chunk)
    print(f"batch, chunks of {args.chunk}:", report["batch_chunks"], flush=True)
    report["streamed"] = step_streamed(names, args.chunk, args.workers)
    print("streamed:", report["streamed"], flush=True)
    report["one_file"] = _child(step_one_file, names, args.sample)
    print("one file, warm:", report["one_file"], flush=True)
    if not args.skip_pyshacl:
        reference = _child(step_pyshacl, names, args.budget)
        done = {_graph_iri(i) for i in range(reference["files"])}
        batch = _child(_batch_results_for, str(nq), done)
        reference["equal_to_batch"] = {g: sorted(r) for g, r in reference["results"].items()} == {
            g: sorted(r) for g, r in batch.items()
        }
        reference["graphs_with_results"] = len(reference.pop("results"))
        report["pyshacl"] = reference
        print("pySHACL per file:", reference, flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

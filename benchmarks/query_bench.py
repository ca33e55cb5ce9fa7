"""The query library on a large store, side by side with rdflib on the same data.

For a store built from a (synthetic) corpus, runs every named query of the library (with
the parameters of ``bench.py``) on the embedded Oxigraph store, best of 3, and the same
query with rdflib on a ``Dataset`` parsed from the store's N-Quads export, and compares the
rows (sorted multisets of terms, so the two engines must agree exactly). rdflib runs in a
worker process that parses the data once; a query that takes longer than ``--timeout``
seconds kills the worker (reported as "> T s") and the next query starts a new one. When
parsing alone takes longer than ``--parse-budget`` seconds, rdflib is not run at all and
the table says so: at 100k papers rdflib may not even hold the data.

Oxigraph times are per query as ``normspace query`` runs it (query plus conversion of the
rows), and CPU seconds of this process are given too: the machine is shared, and CPU
time is less disturbed by other processes than wall time.

Usage::

    python benchmarks/query_bench.py build CORPUS STORE [--nquads FILE]
    python benchmarks/query_bench.py measure STORE NQUADS [--timeout 120] [--only NAME ...]

``build`` writes a store in chunks of files (parse -> bulk load, never every rdflib graph
at once) with the reference graphs (ontology, mappings, imports) and, with ``--nquads``,
exports it for rdflib. Importable: :func:`measure_queries` for ``bench.py``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

#: Parameters of the queries that need one (the same as bench.py's QUERY_PARAMS).
QUERY_PARAMS = {
    "papers-by-approach": {"approach": "norm:PreferenceBasedTraining"},
    "approach-profile": {"approach": "norm:RLHF"},
    "stated-assumptions": {"type": "norm:AbstractionTrap"},
    "papers-by-external-concept": {"external": "dpv:HumanSubject"},
}
#: Oxigraph runs slower than this (seconds) are not repeated.
ONCE_ABOVE = 10.0
#: Files parsed per chunk while building (their rdflib graphs are dropped after each).
CHUNK = 1000


# ---------------------------------------------------------------------------
# Building a large store
# ---------------------------------------------------------------------------


def _chunks(items: Sequence[Path], size: int) -> Iterator[Sequence[Path]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _parse_chunk(paths: Sequence[Path]) -> list:
    """Annotation documents of ``paths`` (files with errors are skipped and counted)."""
    from normspace.annotation import parse_file

    documents = []
    for path in paths:
        parsed = parse_file(path)
        if parsed.document is not None and not parsed.errors:
            documents.append(parsed.document)
    return documents


def build_large_store(corpus: Path, store_path: Path, chunk: int = CHUNK) -> int:
    """Build the store of ``corpus`` at ``store_path`` (must not exist) chunk by chunk:
    the first chunk with ``loading.build_store`` (reference graphs included), the others
    bulk-appended; returns the number of annotation graphs.

    WHY chunks: 100k rdflib graphs do not fit in memory; each chunk's graphs are converted
    to quads and dropped before the next chunk is parsed."""
    import pyoxigraph as ox

    from normspace.loading import batch, build_store
    from normspace.store import record_graph, to_oxigraph

    files = sorted(p for p in corpus.iterdir() if p.suffix in (".yaml", ".yml"))
    if not files:
        raise SystemExit(f"{corpus}: no annotation files (*.yaml)")
    loaded = 0
    started = time.perf_counter()
    store = None
    for i, paths in enumerate(_chunks(files, chunk)):
        documents = _parse_chunk(paths)
        loaded += len(documents)
        if store is None:
            store, _summary = build_store(store_path, documents)
            raw = store._store  # the pyoxigraph store (benchmark only: bulk append)
        else:
            graphs, sources = batch(documents, [])
            quads = []
            for iri, graph in graphs.items():
                g = ox.NamedNode(iri)
                bnodes: dict = {}
                quads.extend(
                    ox.Quad(to_oxigraph(s, bnodes), to_oxigraph(p), to_oxigraph(o, bnodes), g)
                    for s, p, o in graph
                )
            raw.bulk_extend(quads)
            for iri, meta in sources.items():
                raw.add_graph(ox.NamedNode(record_graph(iri, meta)))
        print(
            f"  chunk {i + 1}: {loaded:,} annotations, {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
            flush=True,
        )
    raw.flush()
    raw.optimize()
    store.close()
    return loaded


def export_nquads(store_path: Path, target: Path) -> int:
    """Write the store as N-Quads (what rdflib parses); returns the number of quads."""
    from normspace.store import OxigraphStore

    with OxigraphStore(store_path, read_only=True) as store, target.open("wb") as out:
        store.export(out, "nq")
        return len(store)


# ---------------------------------------------------------------------------
# rdflib worker (one process: parse once, run queries on request)
# ---------------------------------------------------------------------------


def _rdflib_worker(nquads: str, conn) -> None:  # noqa: ANN001 - multiprocessing Connection
    """Parse ``nquads`` into an rdflib Dataset (union default graph), report the parse
    time, then answer ``(sparql, bindings)`` requests with ``(seconds, rows)``."""
    from rdflib import Dataset

    started = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(nquads, format="nquads")
    conn.send(("parsed", time.perf_counter() - started, len(dataset)))
    while True:
        request = conn.recv()
        if request is None:
            return
        sparql, bindings = request
        started = time.perf_counter()
        try:
            rows = [tuple(row) for row in dataset.query(sparql, initBindings=bindings)]
        except Exception as exc:  # noqa: BLE001 - an rdflib failure is a result to report
            conn.send(("error", time.perf_counter() - started, f"rdflib failed: {exc!r}"))
            continue
        conn.send(("done", time.perf_counter() - started, _canonical(rows)))


class RdflibRunner:
    """The rdflib side: a worker process that is restarted after a timeout."""

    def __init__(self, nquads: Path, timeout: float, parse_budget: float) -> None:
        self.nquads = nquads
        self.timeout = timeout
        self.parse_budget = parse_budget
        self.process = None
        self.conn = None
        self.parse_seconds: float | None = None
        self.quads = 0
        self.refused: str | None = None  # why rdflib is not run at all

    def _start(self) -> bool:
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        self.process = context.Process(
            target=_rdflib_worker, args=(str(self.nquads), child), daemon=True
        )
        self.process.start()
        self.conn = parent
        if not parent.poll(self.parse_budget):
            self.stop()
            self.refused = f"not run: parsing the N-Quads took > {self.parse_budget:.0f} s"
            return False
        _kind, seconds, quads = parent.recv()
        self.parse_seconds, self.quads = seconds, quads
        return True

    def run(self, sparql: str, bindings: dict) -> tuple[float | None, list | str | None]:
        """Seconds and canonical rows, ``(None, None)`` after a timeout, or ``(None, why)``
        when rdflib failed on the query."""
        if self.refused:
            return None, None
        if self.process is None and not self._start():
            return None, None
        self.conn.send((sparql, bindings))
        if not self.conn.poll(self.timeout):
            self.stop()
            return None, None
        kind, seconds, rows = self.conn.recv()
        return (None, rows) if kind == "error" else (seconds, rows)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.join()
        self.process = None
        self.conn = None


def _canonical(rows: Sequence[Sequence]) -> list:
    """Rows as a sorted multiset of N-Triples-like strings (engine-independent)."""
    return sorted(Counter(tuple(_term_key(t) for t in row) for row in rows).items())


def _term_key(term) -> str:  # noqa: ANN001 - rdflib or pyoxigraph term or None
    """One spelling for the same RDF term from either engine (numbers by value)."""
    if term is None:
        return ""
    from rdflib import Literal, URIRef

    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype else ""
        if term.language:
            return f'"{term}"@{term.language.lower()}'
        if datatype.endswith(("#integer", "#decimal", "#double", "#float")):
            return f"{_number(str(term))}"
        if datatype.endswith("#string"):
            datatype = ""
        return f'"{term}"^^{datatype}' if datatype else f'"{term}"'
    return f"_:{term}"


def _number(text: str) -> str:
    try:
        value = float(text)
    except ValueError:
        return text
    return repr(round(value, 9))


# ---------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------


def _oxigraph_run(store, query, bindings) -> tuple[float, float, int, list]:  # noqa: ANN001
    """Best-of-3 wall and CPU seconds of one query, and its canonical rows (a query that
    takes more than :data:`ONCE_ABOVE` seconds runs once: repeats would not change the
    verdict and the machine is shared)."""
    walls, cpus = [], []
    rows: list = []
    for _ in range(3):
        if walls and walls[0] > ONCE_ABOVE:
            break
        wall, cpu = time.perf_counter(), time.process_time()
        result = query.run(store, {k: str(v) for k, v in bindings.items()})
        rows = list(result.rows)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), len(rows), _canonical(rows)


def measure_queries(
    store_path: Path,
    nquads_path: Path | None,
    timeout: float = 120.0,
    parse_budget: float = 600.0,
    only: Sequence[str] = (),
    budget: float | None = None,
) -> list[dict]:
    """Every top-level library query on the store (and on rdflib, unless ``nquads_path`` is
    None): one dict per query with ``query, rows, oxigraph_s, oxigraph_cpu_s, rdflib_s,
    ratio, same, note``. With ``budget`` (wall seconds), no query starts after it is used
    up (a query cannot be cancelled in-process, so the last one may run past it); the
    queries left get a note saying so, instead of the whole run being lost."""
    started = time.perf_counter()
    from normspace.querylib import library
    from normspace.store import OxigraphStore

    rdflib = RdflibRunner(nquads_path, timeout, parse_budget) if nquads_path else None
    measured = []
    with OxigraphStore(store_path, read_only=True) as store:
        for query in library().top_level():
            if only and query.name not in only:
                continue
            if budget is not None and time.perf_counter() - started > budget:
                note = f"not run: the query budget of {budget:.0f} s was used up"
                measured.append({"query": query.name, "note": note})
                continue
            params = QUERY_PARAMS.get(query.name, {})
            try:
                bindings = query.bind(params)
            except Exception as exc:  # noqa: BLE001 - a query the bench has no params for
                measured.append({"query": query.name, "note": f"not run: {exc}"})
                continue
            wall, cpu, count, rows = _oxigraph_run(store, query, params)
            entry = {"query": query.name, "rows": count, "oxigraph_s": wall, "oxigraph_cpu_s": cpu}
            if rdflib is not None:
                # rdflib gets the same terms the Oxigraph run binds (VALUES-equivalent)
                seconds, other = rdflib.run(query.text, bindings)
                entry["rdflib_s"] = seconds
                if seconds is None:
                    entry["note"] = (
                        other if isinstance(other, str) else rdflib.refused or f"> {timeout:.0f} s"
                    )
                else:
                    entry["ratio"] = seconds / wall if wall else None
                    entry["same"] = other == rows
            measured.append(entry)
            print(_row(entry), file=sys.stderr, flush=True)
    if rdflib is not None:
        rdflib.stop()
        if rdflib.parse_seconds is not None:
            measured.append(
                {"query": "(rdflib parse)", "rdflib_s": rdflib.parse_seconds, "rows": rdflib.quads}
            )
    return measured


def _row(entry: dict) -> str:
    def seconds(value: float | None) -> str:
        return "" if value is None else f"{value:.3f}"

    rdflib = entry.get("rdflib_s")
    rdflib_text = seconds(rdflib) if rdflib is not None else entry.get("note", "")
    ratio = entry.get("ratio")
    same = {True: "yes", False: "**NO**", None: ""}[entry.get("same")]
    return (
        f"| {entry['query']} | {entry.get('rows', ''):,} | {seconds(entry.get('oxigraph_s'))} | "
        f"{seconds(entry.get('oxigraph_cpu_s'))} | {rdflib_text} | "
        f"{'' if ratio is None else f'{ratio:.1f}×'} | {same} |"
        if isinstance(entry.get("rows"), int)
        else f"| {entry['query']} | | | | {entry.get('note', '')} | | |"
    )


def markdown(measured: Sequence[dict]) -> str:
    """The Markdown table of :func:`measure_queries`."""
    lines = [
        "| query | rows | oxigraph s (best of 3) | oxigraph CPU s | rdflib s | ratio | same rows |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    lines += [_row(e) for e in measured]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build a store from a corpus folder, in chunks")
    build.add_argument("corpus", type=Path)
    build.add_argument("store", type=Path)
    build.add_argument("--nquads", type=Path, help="also export the store as N-Quads here")
    build.add_argument("--chunk", type=int, default=CHUNK)
    measure = sub.add_parser("measure", help="time the query library, Oxigraph vs rdflib")
    measure.add_argument("store", type=Path)
    measure.add_argument("nquads", type=Path, nargs="?")
    measure.add_argument("--timeout", type=float, default=120.0)
    measure.add_argument("--parse-budget", type=float, default=600.0)
    measure.add_argument("--only", nargs="*", default=())
    args = parser.parse_args(argv)
    if args.command == "build":
        if args.store.exists():
            parser.error(f"{args.store} exists; give a new folder")
        started = time.perf_counter()
        count = build_large_store(args.corpus, args.store, args.chunk)
        print(f"built {args.store}: {count:,} annotations in {time.perf_counter() - started:.0f} s")
        if args.nquads:
            quads = export_nquads(args.store, args.nquads)
            print(f"exported {quads:,} quads to {args.nquads}")
        return 0
    measured = measure_queries(args.store, args.nquads, args.timeout, args.parse_budget, args.only)
    sys.stdout.write(markdown(measured))
    return 0


if __name__ == "__main__":
    sys.exit(main())

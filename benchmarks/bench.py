"""Benchmark of NormSpace at scale: N = 1k, 10k and 100k synthetic papers, really run.

Every step runs in its own process, so that each gets its own figures: wall seconds, CPU
seconds (user + system, worker processes included: the machine is shared, CPU time is
the steadier figure) and peak resident memory (the step process or its largest worker).
Baselines run in the same invocation, on the same files and data, each in a process with a
time budget (``--budget``, default 120 s); a baseline that does not finish is stopped and
reported as "> budget s (stopped)" with how far it got, never extrapolated silently.

For each N the steps are:

- YAML -> quads, both cores (``benchmarks/pipeline_bench.py``: ``measure_read``), beside
  the baseline: the per-file reader building one rdflib graph per file, one core;
- whole-corpus validation after parsing (``pipeline_bench.measure_validate``), beside two
  pySHACL baselines: the per-file reference engine over the files in order (stopped at the
  budget; its rate is reported) and pySHACL once over the merged graph;
- one file validated warm in-process (every SHACL engine available), and, once per run,
  ``normspace --version`` and ``normspace validate FILE`` as whole processes;
- ``normspace load`` of the corpus into a new store (the command, whole process), and the
  incremental re-load after one file changed (the same command on the same folder);
- the N-Quads export, parsed by pyoxigraph and (baseline, budget) by rdflib;
- every named query on the store beside rdflib on the exported data (same rows?), from
  ``benchmarks/query_bench.py``.

A step whose helper module is missing is reported as "not available". Targets of issue 12
come first in the results, each with the figure measured at the largest N and whether it
is met (or by how much it is missed). No timing is asserted by the test suite.

Usage::

    python benchmarks/bench.py                          # N = 1,000, 10,000 and 100,000
    python benchmarks/bench.py --sizes 1000 10000       # chosen sizes
    python benchmarks/bench.py --workdir /tmp/b --corpora /tmp/ns/i12/corpora
    python benchmarks/bench.py --generate 100000 --corpora DIR   # only write a corpus
    python benchmarks/bench.py --validation-curve 10000 --workdir /tmp/b
                                               # per-file validation time, file by file

Corpora are looked up in ``--corpora`` (default: the work folder) as ``N<papers>-s<seed>/``
with a ``.complete`` marker, and generated there when missing (kept afterwards). The
synthetic papers use DOIs under the prefix 10.5555 with titles "Synthetic benchmark paper
N". Stores, exports and logs go to ``--workdir`` (a temporary folder by default, deleted
afterwards). Results go to benchmarks/results.md (``--out``).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import itertools
import json
import math
import os
import platform
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent

#: contribution tag slots: key -> (property, (min, max) number of tags, share with none).
SLOTS = {
    "alignment_targets": ("hasAlignmentTarget", (1, 2), 0.1),
    "values": ("hasValue", (2, 6), 0.0),
    "stakeholders": ("hasStakeholder", (1, 3), 0.3),
    "normative_input_from": ("normativeInputFrom", (1, 3), 0.25),
    "sampling": ("hasSamplingMethod", (1, 2), 0.4),
    "contexts": ("hasContext", (1, 3), 0.05),
    "pluralism": ("hasPluralismApproach", (1, 2), 0.4),
    "approaches": ("hasAlignmentApproach", (1, 3), 0.0),
    "evaluation": ("hasEvaluationCriterion", (1, 4), 0.05),
    "contestability": ("hasContestabilityMechanism", (1, 2), 0.7),
    "participation": ("hasParticipationAspect", (1, 2), 0.5),
    "harms": ("hasHarm", (1, 2), 0.6),
}
#: paper-level tag slots (format 2 `tags:`), same layout.
PAPER_SLOTS = {
    "disciplines": ("hasDiscipline", (1, 3), 0.0),
    "research_methods": ("hasResearchMethod", (1, 2), 0.2),
}
#: `none:` keys a contribution declares instead of an absent slot (share of contributions).
NONE_SHARE = {"contestability": 0.2, "evaluation": 0.03}

#: Parameters for the queries that need one. A library query with a required parameter
#: missing here is reported as not run (with the reason) instead of stopping the benchmark.
QUERY_PARAMS = {
    "papers-by-approach": {"approach": "norm:PreferenceBasedTraining"},
    "approach-profile": {"approach": "norm:RLHF"},
    "stated-assumptions": {"type": "norm:AbstractionTrap"},
    "papers-by-external-concept": {"external": "dpv:HumanSubject"},
}

# ---------------------------------------------------------------------------
# Synthetic corpus
# ---------------------------------------------------------------------------


class TermSampler:
    """Terms of each scheme with Zipf-like popularity (a fixed random order per scheme)."""

    def __init__(self, rng: random.Random) -> None:
        from normspace.ontology import SLOT_SCHEMES, term_index

        self.rng = rng
        index = term_index()
        self.pools: dict[str, tuple[list[str], list[float]]] = {}
        schemes = {str(s) for s in SLOT_SCHEMES.values()}
        for scheme in sorted(schemes):
            terms = sorted(t.curie for t in index.in_scheme(scheme) if not t.deprecated)
            rng.shuffle(terms)
            weights = itertools.accumulate(1.0 / (rank + 1) for rank in range(len(terms)))
            self.pools[scheme] = (terms, list(weights))

    def sample(self, scheme: str, k: int) -> list[str]:
        # cumulative weights once per scheme: the same draws as ``choices(terms, weights)``
        # (which accumulates them on every call), so a seed still gives the same corpus
        terms, cumulative = self.pools[scheme]
        chosen: list[str] = []
        while len(chosen) < min(k, len(terms)):
            term = self.rng.choices(terms, cum_weights=cumulative)[0]
            if term not in chosen:
                chosen.append(term)
        return chosen


def _scheme(prop: str) -> str:
    from normspace.namespaces import NORM
    from normspace.ontology import SLOT_SCHEMES

    return str(SLOT_SCHEMES[NORM[prop]])


def _tag(rng: random.Random, term: str, i: int) -> object:
    if rng.random() < 0.3:
        return {
            "term": term,
            "confidence": round(rng.uniform(0.5, 1.0), 1),
            "evidence": {"quote": f"Synthetic supporting passage {i}.", "location": "Section 3"},
        }
    return term


def _tags(rng: random.Random, sampler: TermSampler, slots: dict, paper: int) -> dict:
    tags: dict[str, list] = {}
    for key, (prop, (low, high), none_share) in slots.items():
        if rng.random() < none_share:
            continue
        terms = sampler.sample(_scheme(prop), rng.randint(low, high))
        tags[key] = [_tag(rng, t, paper) for t in terms]
    return tags


def _trade_off(rng: random.Random, sampler: TermSampler, paper: int) -> dict:
    """A tension between values, or (one in four) between stakeholders and a design goal."""
    if rng.random() < 0.25:
        trade_off = {
            "stakeholders": sampler.sample(_scheme("involvesStakeholder"), 2),
            "design_goals": sampler.sample(_scheme("involvesDesignGoal"), 1),
        }
    else:
        trade_off = {"values": sampler.sample(_scheme("hasValue"), rng.choice([2, 2, 3]))}
    if rng.random() < 0.8:
        trade_off["contexts"] = sampler.sample(_scheme("hasContext"), 1)
    if rng.random() < 0.7:
        trade_off["resolution"] = sampler.sample(_scheme("resolvedBy"), 1)
    if rng.random() < 0.5:
        trade_off["decided_by"] = sampler.sample(_scheme("decidedBy"), 1)
    trade_off["description"] = f"Synthetic trade-off of paper {paper}."
    return trade_off


def _proposed(rng: random.Random, sampler: TermSampler, paper: int) -> dict:
    """The main contribution: tags, explicit absences, findings, a sample, tensions."""
    contribution: dict = {"role": rng.choice(["proposes"] * 3 + ["applies", "evaluates"])}
    contribution.update(_tags(rng, sampler, SLOTS, paper))
    none = [k for k, share in NONE_SHARE.items() if k not in contribution and rng.random() < share]
    if none:
        contribution["none"] = none
    findings = []
    for j in range(rng.choice([0, 0, 1, 2])):
        findings.append(
            {
                "measure": sampler.sample(_scheme("hasEvaluationCriterion"), 1)[0],
                "value": round(rng.uniform(0, 100), 1),
                "unit": "%",
                "direction": rng.choice(["improves", "improves", "no-difference", "mixed"]),
                "population": f"synthetic group {j}",
            }
        )
    if findings:
        contribution["findings"] = findings
    if rng.random() < 0.4:
        contribution["study"] = {"samples": [{"size": rng.randint(10, 5000)}]}
    trade_offs = [_trade_off(rng, sampler, paper) for _ in range(rng.choice([0, 0, 1, 1, 2]))]
    if trade_offs:
        contribution["trade_offs"] = trade_offs
    return contribution


def synthetic_annotation(
    rng: random.Random, sampler: TermSampler, paper: int, annotator: str
) -> dict:
    """One format-2 annotation: a main contribution and, for a third of the papers, a
    baseline contribution (the "proposed method + criticised baseline" shape)."""
    contributions = [_proposed(rng, sampler, paper)]
    if rng.random() < 0.3:
        baseline = sampler.sample(_scheme("hasAlignmentApproach"), 1)
        contributions.append({"role": "uses-as-baseline", "approaches": baseline})
    assumptions = []
    for j in range(rng.choice([0, 1, 1, 2, 3])):
        assumptions.append(
            {
                "statement": f"Synthetic assumption {j} of paper {paper}.",
                "type": sampler.sample(_scheme("assumptionType"), 1)[0],
                "stance": rng.choice(["relies", "relies", "challenges"]),
                "attribution": rng.choice(["stated", "inferred"]),
                "evidence": [{"quote": "Synthetic quote.", "location": "Section 1"}],
            }
        )
    document: dict = {
        "format": 2,
        "paper": {
            "title": f"Synthetic benchmark paper {paper}",
            "authors": [f"Author {paper} A", f"Author {paper} B"],
            "year": 2015 + paper % 11,
            "venue": "Synthetic Proceedings",
            "doi": f"10.5555/normspace-bench.{paper}",
        },
        "annotation": {"annotator": {"name": annotator}, "date": "2026-11-27"},
        "tags": _tags(rng, sampler, PAPER_SLOTS, paper),
        "contributions": contributions,
    }
    if assumptions:
        document["assumptions"] = assumptions
    return document


def generate_corpus(folder: Path, papers: int, seed: int) -> list[Path]:
    """Write the synthetic corpus (one file per annotation); return the files. The same
    seed gives the same files, byte for byte (about 0.7 ms a file)."""
    rng = random.Random(seed)
    sampler = TermSampler(rng)
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for paper in range(papers):
        annotators = ["Synthetic Annotator A"]
        if rng.random() < 0.1:
            annotators.append("Synthetic Annotator B")
        for annotator in annotators:
            path = folder / f"paper{paper:06d}-{annotator[-1].lower()}.yaml"
            document = synthetic_annotation(rng, sampler, paper, annotator)
            path.write_text(dump_yaml(document), encoding="utf-8")
            files.append(path)
    return files


def dump_yaml(document: dict) -> str:
    """YAML text of one synthetic annotation. PyYAML's C dumper writes byte for byte what
    ruamel's safe dumper wrote before (keys sorted, block style) about ten times faster,
    so the corpus of a seed stays the same while 100k files take a minute, not ten."""
    return yaml.dump(
        document, Dumper=yaml.CSafeDumper, allow_unicode=True, default_flow_style=False
    )


def corpus_folder(corpora: Path, papers: int, seed: int) -> Path:
    """The corpus of ``papers`` papers and ``seed`` under ``corpora``, generated (and marked
    complete) when it is missing: a half-written folder without the marker is redone."""
    folder = corpora / f"N{papers}-s{seed}"
    marker = folder / ".complete"
    if not marker.exists():
        print(f"generating {papers:,} synthetic papers in {folder}", flush=True)
        shutil.rmtree(folder, ignore_errors=True)
        start, cpu = time.perf_counter(), time.process_time()
        files = generate_corpus(folder, papers, seed)
        marker.write_text(
            f"{len(files)} files, seed {seed}, {time.perf_counter() - start:.1f} s wall, "
            f"{time.process_time() - cpu:.1f} s CPU\n",
            encoding="utf-8",
        )
    return folder


def linked_copy(corpus: Path, target: Path) -> Path:
    """A folder of symbolic links to the corpus files: ``load`` and the incremental re-load
    read it, and one file in it can be changed without touching the shared corpus (which
    other runs read). ``normspace`` follows the links and records the link paths."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for path in sorted(corpus.glob("*.yaml")):
        (target / path.name).symlink_to(path)
    return target


def change_one_file(folder: Path) -> Path:
    """Replace the first link by a real file whose paper title changed: the edit of one
    annotation that the incremental re-load has to pick up."""
    first = sorted(folder.glob("*.yaml"))[0]
    text = first.read_text(encoding="utf-8")
    first.unlink()
    changed = text.replace("title: Synthetic benchmark paper", "title: Revised benchmark paper", 1)
    if changed == text:
        raise SystemExit(f"{first}: no synthetic title to change (not a generated corpus?)")
    first.write_text(changed, encoding="utf-8")
    return first


# ---------------------------------------------------------------------------
# Running a step: one process each, with a time budget
# ---------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one step (a process) measured.

    ``status`` is ``ok``, ``stopped`` (the budget ran out: ``wall`` is the budget),
    ``failed`` (``note`` has the last line of its log) or ``unavailable`` (a helper module
    or function this step calls does not exist). ``cpu`` and ``rss_mb`` come from the
    kernel's accounting of the process (``wait4``): CPU of the process and of the worker
    processes it waited for; peak resident memory of the largest of them. ``figures`` are
    what the step itself reported (its timed section, counts), or, for a stopped step, its
    last progress report.
    """

    status: str
    wall: float | None = None
    cpu: float | None = None
    rss_mb: float | None = None
    figures: dict = field(default_factory=dict)
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _peak_kb(pid: int) -> int:
    """``VmHWM`` of a live process (its peak resident set so far), 0 when unknown: the only
    way to know the memory of a step that is about to be stopped."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


#: A step may run this many times its budget in wall time (the budget itself is CPU time).
WALL_FACTOR = 3.0


def run_command(
    command: Sequence[str],
    budget: float,
    log: Path,
    env: dict[str, str] | None = None,
    status: Path | None = None,
    wall_factor: float = WALL_FACTOR,
) -> Outcome:
    """Run ``command`` in its own process group with a budget of ``budget`` CPU seconds
    per process (``RLIMIT_CPU``: on a shared machine, the CPU a step used, not the time it
    waited for a core, is what it cost), and ``wall_factor`` times that in wall time as a
    safety net for a step that waits instead of computing. A stopped step's whole process
    group is killed. Output goes to ``log``; ``status`` is the JSON progress file a step
    keeps up to date (read when it is stopped, to say how far it got)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    limit = max(1, math.ceil(budget))
    stopped: dict[str, int] = {}

    def limit_cpu() -> None:  # runs in the child, before it starts the command
        resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 5))

    with log.open("wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(  # noqa: S603 - our own interpreter and commands
            list(command), stdout=out, stderr=subprocess.STDOUT, env=env,
            start_new_session=True, preexec_fn=limit_cpu,  # noqa: PLW1509 - no threads yet
        )  # fmt: skip

        def stop() -> None:
            stopped["peak_kb"] = _peak_kb(proc.pid)
            _kill_group(proc.pid)

        timer = threading.Timer(budget * wall_factor, stop)
        timer.start()
        done = threading.Event()
        if status is not None:
            threading.Thread(target=_report_progress, args=(status, done), daemon=True).start()
        try:
            _pid, code, usage = os.wait4(proc.pid, 0)
        except BaseException:  # interrupted (Ctrl-C, SIGTERM): the step must not live on
            _kill_group(proc.pid)
            proc.wait()
            raise
        finally:
            timer.cancel()
            done.set()
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(code)
    cpu, rss = usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
    if proc.returncode == -signal.SIGXCPU or (stopped and proc.returncode < 0):
        _kill_group(proc.pid)  # its worker processes, if any
        progress = _read_json(status) if status else {}
        why = (
            f"CPU budget of {limit} s used up"
            if proc.returncode == -signal.SIGXCPU
            else f"wall limit of {budget * wall_factor:.0f} s reached"
        )
        rss = max(stopped.get("peak_kb", 0) / 1024, rss)
        return Outcome("stopped", wall, cpu, rss, progress, f"{why} {_progress_note(progress)}")
    outcome = Outcome("ok", wall, cpu, rss)
    if proc.returncode != 0:
        outcome.status = "failed"
        outcome.note = f"exit {proc.returncode}: {_last_line(log)}"
    return outcome


def _report_progress(status: Path, done: threading.Event, every: float = 15.0) -> None:
    """Print a running step's progress report every ``every`` seconds (a step at 100k
    papers can take minutes; the bench should not look hung)."""
    while not done.wait(every):
        progress = _read_json(status)
        if progress:
            print(f"    ... {_progress_note(progress)}", flush=True)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _last_line(log: Path) -> str:
    lines = [ln for ln in log.read_text(encoding="utf-8", errors="replace").splitlines() if ln]
    return lines[-1][:300] if lines else "(no output)"


def _progress_note(progress: dict) -> str:
    """How far a stopped step got, from its last progress report."""
    if not progress:
        return "before its first progress report"
    parts = [str(progress.get("phase", "running"))]
    if "done" in progress:
        parts.append(f"{progress['done']:,} of {progress.get('total', '?'):,} done")
    if progress.get("rate_ms"):
        parts.append(f"{progress['rate_ms']:.1f} ms CPU/file so far")
    return "while " + ", ".join(parts)


def run_step(
    step: str, params: dict, budget: float, scratch: Path, env: dict | None = None
) -> Outcome:
    """Run ``step`` (a function of :data:`STEPS`) in a new interpreter with ``params``.
    The step's own figures (timed section, counts) come back as JSON."""
    tag = params.get("tag", "")
    result, status = scratch / f"{step}{tag}.json", scratch / f"{step}{tag}.status.json"
    for path in (result, status):
        path.unlink(missing_ok=True)
    command = [
        sys.executable, str(Path(__file__).resolve()), "--step", step,
        "--params", json.dumps(params), "--result", str(result), "--status", str(status),
    ]  # fmt: skip
    outcome = run_command(command, budget, scratch / f"{step}{tag}.log", env, status)
    if outcome.ok:
        outcome.figures = _read_json(result)
        if outcome.figures.get("unavailable"):
            outcome.status, outcome.note = "unavailable", outcome.figures["unavailable"]
    return outcome


class Progress:
    """A step's progress file: rewritten at most once a second, so that a stopped step
    still says how far it got (and at what rate)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.last = 0.0

    def __call__(self, phase: str, force: bool = False, **info: object) -> None:
        now = time.perf_counter()
        if self.path is None or (not force and now - self.last < 1.0):
            return
        self.last = now
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"phase": phase, **info}), encoding="utf-8")
        tmp.replace(self.path)


def helper(module: str, name: str) -> Callable | None:
    """``name`` from ``benchmarks/<module>.py`` (another part of the benchmark, written
    with the code it measures), or None while it does not exist."""
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    try:
        found = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return None
    return getattr(found, name, None)


def _unavailable(module: str, name: str) -> dict:
    return {"unavailable": f"not available: benchmarks/{module}.py has no {name}()"}


class Clock:
    """Wall and CPU seconds of a section of this process (``process_time``: this process
    only; worker processes are counted by :func:`run_command`)."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    def figures(self) -> dict:
        return {"wall_s": self.wall, "cpu_s": self.cpu}


def _files(folder: str) -> list[Path]:
    return sorted(Path(folder).glob("*.yaml"))


# ---------------------------------------------------------------------------
# Steps (each runs in its own process; ``params`` is JSON)
# ---------------------------------------------------------------------------


def _with_workers(figures: dict) -> dict:
    """pipeline_bench's figures with ``cpu_s`` counting the worker processes too (it
    reports them apart, as ``cpu_children_s``), as every other row here does."""
    figures = dict(figures)
    if "cpu_children_s" in figures:
        figures["cpu_main_s"] = figures.get("cpu_s", 0.0)
        figures["cpu_s"] = figures["cpu_main_s"] + figures["cpu_children_s"]
    return figures


def step_read(params: dict, progress: Progress) -> dict:
    """YAML -> quads for every file, with the bulk reader and ``workers`` processes."""
    measure = helper("pipeline_bench", "measure_read")
    if measure is None:
        return _unavailable("pipeline_bench", "measure_read")
    return _with_workers(measure(Path(params["folder"]), params["workers"]))


def step_read_rdflib(params: dict, progress: Progress) -> dict:
    """Baseline: the per-file reader (YAML -> model -> one rdflib graph per file), one
    process, graphs dropped as soon as they are counted."""
    from normspace.annotation import parse_file
    from normspace.annotation.terms import TermResolver

    files, resolver, triples = _files(params["folder"]), TermResolver(), 0
    with Clock() as clock:
        for done, path in enumerate(files):
            parsed = parse_file(path, resolver)
            if parsed.document is not None:
                triples += len(parsed.document.graph)
            cpu_ms = (time.process_time() - clock.cpu) / (done + 1) * 1000
            progress("reading", done=done + 1, total=len(files), rate_ms=cpu_ms)
    return {**clock.figures(), "files": len(files), "triples": triples}


def step_validate(params: dict, progress: Progress) -> dict:
    """``normspace validate``'s bulk path: read and validate every file, ``workers``
    processes."""
    measure = helper("pipeline_bench", "measure_validate")
    if measure is None:
        return _unavailable("pipeline_bench", "measure_validate")
    return _with_workers(measure(Path(params["folder"]), params["workers"]))


def step_validate_parsed(params: dict, progress: Progress) -> dict:
    """Whole-corpus validation after parsing: the corpus is first read into one N-Quads
    file, a named graph per file (not timed; ``shacl_bench.prepare``, cached in the work
    folder), then streamed to the batch engine in chunks of ``chunk`` files, one in-memory
    store each (the bulk path's unit: memory bounded by the chunk, not the corpus). Only
    the engine's calls are timed."""
    prepare = helper("shacl_bench", "prepare")
    try:
        from normspace.shaclbatch import batch_engine
    except ModuleNotFoundError:
        batch_engine = None
    if prepare is None or batch_engine is None:
        return _unavailable("shacl_bench", "prepare (or normspace.shaclbatch)")
    progress("reading the corpus into N-Quads (not timed)", force=True)
    nquads, files = prepare(Path(params["folder"]), Path(params["scratch"]))
    engine, wall, cpu, graphs, results, chunks = batch_engine(), 0.0, 0.0, 0, 0, 0
    for chunk, count in _graph_chunks(Path(nquads), params["chunk"]):
        with Clock() as clock:
            found = engine.validate_nquads(chunk)
        wall, cpu, chunks = wall + clock.wall, cpu + clock.cpu, chunks + 1
        graphs, results = graphs + count, results + sum(len(r) for r in found.values())
        progress("validating", done=graphs, total=len(files), rate_ms=cpu / graphs * 1000)
    return {
        "wall_s": wall, "cpu_s": cpu, "graphs": graphs, "chunks": chunks,
        "results": results, "chunk": params["chunk"],
    }  # fmt: skip


def _graph_chunks(nquads: Path, files: int) -> Iterator[tuple[bytes, int]]:
    """Consecutive N-Quads lines of ``files`` named graphs at a time (the file holds each
    graph's lines together), with the number of graphs in each chunk."""
    lines: list[bytes] = []
    count, current = 0, b""
    with nquads.open("rb") as data:
        for line in data:
            graph = line[line.rstrip().rfind(b" <", 0, -1) :]
            if graph != current:
                if count == files:
                    yield b"".join(lines), count
                    lines, count = [], 0
                current, count = graph, count + 1
            lines.append(line)
    if lines:
        yield b"".join(lines), count


def _pyshacl_engine():  # noqa: ANN202 - normspace.shacl.PyShaclEngine
    """The pySHACL reference engine exactly as the project builds it (shapes + typing
    triples), whatever ``annotation_engine()`` is configured to return."""
    from normspace.ontology import load_ontology
    from normspace.shacl import ANNOTATION_SHAPES, PyShaclEngine, load_shapes, term_typing_triples

    return PyShaclEngine(load_shapes(ANNOTATION_SHAPES), term_typing_triples(load_ontology()))


def step_pyshacl_per_file(params: dict, progress: Progress) -> dict:
    """Baseline: the per-file pySHACL reference engine over every file in order (SHACL
    time only: each file is parsed outside the timed section). Stopped at the budget, its
    progress says how many files it validated and at what CPU rate."""
    from normspace.annotation import parse_file
    from normspace.annotation.terms import TermResolver

    engine, resolver = _pyshacl_engine(), TermResolver()
    files = _files(params["folder"])
    wall = cpu = 0.0
    results = validated = 0
    for done, path in enumerate(files):
        parsed = parse_file(path, resolver)
        if parsed.document is None:
            continue
        with Clock() as clock:
            results += len(engine.validate(parsed.document.graph).results)
        wall, cpu, validated = wall + clock.wall, cpu + clock.cpu, validated + 1
        progress("validating", done=done + 1, total=len(files), rate_ms=cpu / validated * 1000)
    return {"wall_s": wall, "cpu_s": cpu, "files": validated, "results": results}


def step_pyshacl_merged(params: dict, progress: Progress) -> dict:
    """Baseline: the pySHACL reference engine once over the merged graph of every file
    (it adds the typing triples itself; the parse is timed apart from the validation)."""
    from rdflib import Graph

    from normspace.annotation import parse_file
    from normspace.annotation.terms import TermResolver

    files, resolver, merged = _files(params["folder"]), TermResolver(), Graph()
    engine = _pyshacl_engine()
    with Clock() as parse:
        for done, path in enumerate(files):
            parsed = parse_file(path, resolver)
            if parsed.document is not None:
                merged += parsed.document.graph
            progress("parsing into one graph", done=done + 1, total=len(files))
    progress("validating the merged graph", force=True, triples=len(merged))
    with Clock() as clock:
        results = len(engine.validate(merged).results)
    return {
        **clock.figures(), "parse_wall_s": parse.wall, "parse_cpu_s": parse.cpu,
        "triples": len(merged), "results": results,
    }  # fmt: skip


def _engines() -> Iterator[tuple[str, object]]:
    """Every SHACL engine to time on one file: the default, the pySHACL reference, and
    the batch engine when it exists (each once)."""
    from normspace.shacl import annotation_engine

    default = annotation_engine()
    yield f"default ({type(default).__name__})", default
    if type(default).__name__ != "PyShaclEngine":
        yield "pySHACL (PyShaclEngine)", _pyshacl_engine()
    batch = _optional_batch_engine()
    if batch is not None and type(batch) is not type(default):
        yield f"batch ({type(batch).__name__})", batch


def _optional_batch_engine() -> object | None:
    try:
        shaclbatch = importlib.import_module("normspace.shaclbatch")
    except ModuleNotFoundError:
        return None
    factory = getattr(shaclbatch, "batch_engine", None)
    return factory() if factory else None


def step_validate_one(params: dict, progress: Progress) -> dict:
    """One file validated warm in-process (``validate_file``: read + SHACL + mapping), by
    every engine: median of ``runs`` runs after three warm-up runs."""
    from normspace.annotation import validate_file
    from normspace.annotation.terms import TermResolver

    path, resolver, figures = Path(params["file"]), TermResolver(), {}
    for name, engine in _engines():
        problems = [len(validate_file(path, engine, resolver).problems) for _ in range(3)][-1]
        walls, cpus = [], []
        for _ in range(params["runs"]):
            with Clock() as clock:
                validate_file(path, engine, resolver)
            walls.append(clock.wall)
            cpus.append(clock.cpu)
        figures[name] = {
            "wall_ms": statistics.median(walls) * 1000,
            "cpu_ms": statistics.median(cpus) * 1000,
            "problems": problems,
        }
    summary = "; ".join(
        f"{name}: {f['wall_ms']:.1f} ms (CPU {f['cpu_ms']:.1f} ms)" for name, f in figures.items()
    )
    return {"engines": figures, "summary": f"median of {params['runs']} runs: {summary}"}


def step_export(params: dict, progress: Progress) -> dict:
    """The store as N-Quads (the data rdflib gets), and its size."""
    from normspace.store import OxigraphStore

    with Clock() as clock, OxigraphStore(Path(params["store"]), read_only=True) as store:
        quads = len(store)
        with Path(params["out"]).open("wb") as out:
            store.export(out, "nq")
    return {**clock.figures(), "quads": quads, "mb": Path(params["out"]).stat().st_size / 1e6}


def step_parse_oxigraph(params: dict, progress: Progress) -> dict:
    """The N-Quads export parsed into an in-memory pyoxigraph store."""
    import pyoxigraph

    store = pyoxigraph.Store()
    with Clock() as clock:
        store.bulk_load(path=params["nquads"], format=pyoxigraph.RdfFormat.N_QUADS)
    return {**clock.figures(), "quads": len(store)}


def step_parse_rdflib(params: dict, progress: Progress) -> dict:
    """Baseline: the N-Quads export parsed into an rdflib Dataset."""
    from rdflib import Dataset

    progress("parsing", force=True)
    dataset = Dataset()
    with Clock() as clock:
        dataset.parse(params["nquads"], format="nquads")
    return {**clock.figures(), "quads": len(dataset)}


def step_load(params: dict, progress: Progress) -> dict:
    """The library's load (``loading.load_files``) into a new store, ``workers`` processes."""
    measure = helper("pipeline_bench", "measure_load")
    if measure is None:
        return _unavailable("pipeline_bench", "measure_load")
    return _with_workers(measure(Path(params["folder"]), Path(params["store"]), params["workers"]))


def step_reload_one(params: dict, progress: Progress) -> dict:
    """The bulk pipeline's incremental re-load of one changed file (its own figures)."""
    measure = helper("pipeline_bench", "measure_reload_one")
    if measure is None:
        return _unavailable("pipeline_bench", "measure_reload_one")
    folder, store = Path(params["folder"]), Path(params["store"])
    return _with_workers(measure(folder, store, params["workers"]))


def step_queries(params: dict, progress: Progress) -> dict:
    """Every named query on the store beside rdflib on the export (query_bench)."""
    measure = helper("query_bench", "measure_queries")
    if measure is None:
        return _unavailable("query_bench", "measure_queries")
    nquads = Path(params["nquads"]) if params.get("nquads") else None
    only = tuple(params.get("only") or ())
    rows = measure(
        Path(params["store"]),
        nquads,
        params["timeout"],
        params["parse_budget"],
        only,
        budget=params.get("query_budget"),
    )
    timed = [q for q in rows if "oxigraph_s" in q]
    if nquads is None:  # the Oxigraph-only row: all queries together (best-of-3 times)
        wall, cpu = sum(q["oxigraph_s"] for q in timed), sum(q["oxigraph_cpu_s"] for q in timed)
        return {"wall_s": wall, "cpu_s": cpu, "queries_run": len(timed), "queries": list(rows)}
    return {"queries": list(rows)}


STEPS: dict[str, Callable[[dict, Progress], dict]] = {
    "read": step_read,
    "read-rdflib": step_read_rdflib,
    "validate": step_validate,
    "validate-parsed": step_validate_parsed,
    "load": step_load,
    "pyshacl-per-file": step_pyshacl_per_file,
    "pyshacl-merged": step_pyshacl_merged,
    "validate-one": step_validate_one,
    "export": step_export,
    "parse-oxigraph": step_parse_oxigraph,
    "parse-rdflib": step_parse_rdflib,
    "reload-one": step_reload_one,
    "queries": step_queries,
}


def child_main(step: str, params: dict, result: Path, status: Path) -> int:
    """The ``--step`` entry point: run one step and write its figures as JSON."""
    figures = STEPS[step](params, Progress(status))
    result.write_text(json.dumps(figures, default=str), encoding="utf-8")
    return 0


# ---------------------------------------------------------------------------
# One size, start-up, the whole run
# ---------------------------------------------------------------------------


@dataclass
class Row:
    """One measured step of one size: ``key`` names it for the targets, ``label`` for
    the table; ``baseline`` rows are the rdflib/pySHACL side of a comparison."""

    key: str
    label: str
    outcome: Outcome
    baseline: bool = False


@dataclass
class SizeRun:
    papers: int
    files: int
    rows: list[Row] = field(default_factory=list)

    def get(self, key: str) -> Outcome | None:
        return next((r.outcome for r in self.rows if r.key == key), None)


def normspace_command() -> list[str]:
    """The ``normspace`` console script of this interpreter's environment."""
    script = Path(sys.executable).with_name("normspace")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from normspace.cli.main import main; main()"]


def cell(outcome: Outcome | None) -> str:
    """A table cell: wall, CPU and memory, or what stopped the step."""
    if outcome is None:
        return "not run"
    if outcome.status == "unavailable":
        return outcome.note
    if outcome.status == "failed":
        return f"failed ({outcome.note})"
    if outcome.ok and "summary" in outcome.figures:
        return f"{outcome.figures['summary']}; process peak {outcome.rss_mb or 0:,.0f} MB"
    if not outcome.ok:
        return (
            f"stopped after {outcome.wall or 0:.0f} s (CPU {outcome.cpu or 0:.0f} s, peak "
            f"{outcome.rss_mb or 0:,.0f} MB): {outcome.note}"
        )
    text = f"{timed_wall(outcome):.2f} s"
    cpu = outcome.figures.get("cpu_s", outcome.cpu)
    if cpu is not None:
        text += f", CPU {cpu:.2f} s"
    if outcome.rss_mb:
        text += f", peak {outcome.rss_mb:,.0f} MB"
    return text


def timed_wall(outcome: Outcome) -> float:
    """The step's own timed section when it reported one (no interpreter start-up), else
    the wall time of its process."""
    return float(outcome.figures.get("wall_s", outcome.wall or 0.0))


class SizeBench:
    """The steps of one size, in order, each in its own process."""

    def __init__(self, papers: int, args: argparse.Namespace, workdir: Path) -> None:
        corpus = corpus_folder(args.corpora or workdir, papers, args.seed)
        self.args, self.corpus = args, corpus
        self.scratch = workdir / f"N{papers}"
        self.saved = self.scratch / "outcomes.json"
        self.done = _saved_rows(self.saved) if args.resume else {}
        if not self.done:
            self.saved.unlink(missing_ok=True)
        self.folder = self.scratch / "corpus"
        if not (self.done and self.folder.is_dir()):
            linked_copy(corpus, self.folder)
        self.store, self.nquads = self.scratch / "store", self.scratch / "export.nq"
        self.run = SizeRun(papers, len(list(self.folder.glob("*.yaml"))))

    def add(self, key: str, label: str, outcome: Outcome, baseline: bool = False) -> Outcome:
        """Record a row, print it, and save every row so far (a run of hours that stops
        late keeps what it measured: ``--resume`` goes on from there)."""
        self.run.rows.append(Row(key, label, outcome, baseline))
        print(f"  {label}: {cell(outcome)}", flush=True)
        rows = [asdict(r) for r in self.run.rows]
        self.saved.write_text(json.dumps(rows, default=str), encoding="utf-8")
        return outcome

    def _resumed(self, key: str, label: str, baseline: bool) -> Outcome | None:
        saved = self.done.get(key)
        if saved is None or saved.status == "failed":
            return None
        return self.add(key, label, saved, baseline)

    def step(
        self,
        key: str,
        label: str,
        params: dict,
        baseline: bool = False,
        *,
        name: str | None = None,
        budget: float | None = None,
    ) -> Outcome:
        """Run step ``name`` (default: ``key``) unless a resumed run has it already."""
        if budget is None:
            budget = self.args.budget if baseline else self.args.step_budget
        if (resumed := self._resumed(key, label, baseline)) is not None:
            return resumed
        outcome = run_step(name or key, params, budget, self.scratch)
        return self.add(key, label, outcome, baseline)

    def command(self, key: str, label: str, argv: list[str]) -> Outcome:
        if (resumed := self._resumed(key, label, False)) is not None:
            return resumed
        log = self.scratch / f"{key}.log"
        return self.add(key, label, run_command(argv, self.args.step_budget, log))

    def _changed(self) -> bool:
        """True when the first file is already the changed copy (a resumed run)."""
        return not sorted(self.folder.glob("*.yaml"))[0].is_symlink()

    def measure(self) -> SizeRun:
        args, corpus = self.args, str(self.corpus)
        print(f"N = {self.run.papers:,} papers ({self.run.files:,} files)", flush=True)
        workers = {"folder": corpus, "workers": args.workers}
        self.step("read", f"YAML -> quads, bulk reader, {args.workers} workers", workers)
        self.step(
            "read-rdflib", "baseline: per-file reader, an rdflib graph per file, 1 process",
            {"folder": corpus}, baseline=True,
        )  # fmt: skip
        self.step(
            "validate", "`normspace validate`'s bulk path: read + validate every file", workers
        )
        self.step(
            "validate-parsed", "whole-corpus validation after parsing (batch engine, chunks)",
            {"folder": corpus, "scratch": str(self.scratch), "chunk": args.chunk},
        )  # fmt: skip
        self.step(
            "pyshacl-per-file", "baseline: pySHACL per file, every file in order (SHACL time)",
            {"folder": corpus}, baseline=True,
        )  # fmt: skip
        self.step(
            "pyshacl-merged", "baseline: pySHACL once over the merged graph",
            {"folder": corpus}, baseline=True,
        )  # fmt: skip
        first = str(sorted(self.corpus.glob("*.yaml"))[0])
        self.step(
            "validate-one",
            "one file validated, warm, in-process",
            {"file": first, "runs": args.runs},
        )
        load = [*normspace_command(), "load", "-q", "--store", str(self.store), str(self.folder)]
        self.command("load-cli", "`normspace load` of every file into a new store", load)
        if args.library_steps:  # the same work as the commands, timed inside the process
            library_store = self.scratch / "store-library"
            self.step(
                "load", "load of every file into a new store (library call, pipeline_bench)",
                {**workers, "store": str(library_store)},
            )  # fmt: skip
            shutil.rmtree(library_store, ignore_errors=True)
        if not self._changed():
            change_one_file(self.folder)
        self.command("reload-cli", "`normspace load` again after one file changed", load)
        if args.library_steps:
            self.step(
                "reload-one",
                "incremental re-load of one changed file (library call, pipeline_bench)",
                {"folder": str(self.folder), "store": str(self.store), "workers": args.workers},
            )
        self.step(
            "export",
            "export the store as N-Quads",
            {"store": str(self.store), "out": str(self.nquads)},
        )
        exported = self.run.get("export")
        nquads = str(self.nquads) if exported and exported.ok else None
        if nquads:
            self.step("parse-oxigraph", "parse the N-Quads export: pyoxigraph", {"nquads": nquads})
            self.step(
                "parse-rdflib", "baseline: parse the N-Quads export: rdflib Dataset",
                {"nquads": nquads}, baseline=True,
            )  # fmt: skip
        queries = {
            "store": str(self.store), "nquads": None,
            "timeout": args.query_timeout or args.budget, "parse_budget": args.budget,
            "only": args.queries, "query_budget": args.query_budget,
        }  # fmt: skip
        self.step(
            "queries",
            "every named query on the store, Oxigraph only (sum of best-of-3 times)",
            queries,
        )
        label = "baseline: every named query, Oxigraph beside rdflib (query_bench)"
        parsed = self.run.get("parse-rdflib")
        if parsed is not None and not parsed.ok:  # rdflib cannot even hold the data
            note = (
                "not run: rdflib could not parse the export within the budget "
                "(see the parse step), so no query ran on rdflib"
            )
            self.add("queries-rdflib", label, Outcome("unavailable", note=note), baseline=True)
            return self.run
        budget = args.step_budget + (len(QUERY_PARAMS) + 40) * args.budget
        beside = {**queries, "nquads": nquads, "tag": "-rdflib"}
        self.step(
            "queries-rdflib", label, beside, baseline=True, name="queries", budget=budget,
        )  # fmt: skip
        return self.run


def _saved_rows(path: Path) -> dict[str, Outcome]:
    """The outcomes a previous run of this size saved, by step key."""
    rows = _read_json(path) if path.exists() else []
    return {r["key"]: Outcome(**r["outcome"]) for r in rows} if isinstance(rows, list) else {}


@dataclass
class Startup:
    """Whole-process figures of a command: medians of several runs, largest peak."""

    command: str
    wall: float
    cpu: float
    rss_mb: float
    runs: int


#: The line after which ``results.md`` holds the figures of the other benchmark scripts
#: (term search, analysis, ...): a new run of this script keeps them as they are.
OTHER_BENCHMARKS = "<!-- Below: other benchmark scripts' results, kept by bench.py -->"


def kept_sections(out: Path) -> str:
    """The other scripts' sections of an earlier report at ``out`` (from the marker on)."""
    if not out.exists():
        return ""
    text = out.read_text(encoding="utf-8")
    at = text.find(OTHER_BENCHMARKS)
    return "\n" + text[at:] if at >= 0 else ""


def measure_startup(file: Path, runs: int, scratch: Path) -> tuple[list[Startup], list[str]]:
    """``normspace --version`` and ``normspace validate FILE`` as whole processes, and the
    heaviest imports of the latter (``python -X importtime``)."""
    base = normspace_command()
    measured = []
    for label, argv in (
        ("normspace --version", [*base, "--version"]),
        ("normspace validate ONE_FILE", [*base, "validate", str(file)]),
    ):
        outcomes = [run_command(argv, 120, scratch / "startup.log") for _ in range(runs)]
        measured.append(
            Startup(
                label,
                statistics.median(o.wall or 0 for o in outcomes),
                statistics.median(o.cpu or 0 for o in outcomes),
                max(o.rss_mb or 0 for o in outcomes),
                runs,
            )
        )
        print(
            f"  {label}: {measured[-1].wall:.3f} s wall, {measured[-1].cpu:.3f} s CPU", flush=True
        )
    return measured, heaviest_imports(file, scratch)


def heaviest_imports(file: Path, scratch: Path, top: int = 10) -> list[str]:
    """Top-level packages imported by ``normspace validate FILE``, by cumulative import
    time (microseconds, as ``-X importtime`` reports them)."""
    code = "import sys; from normspace.cli.main import main; sys.argv[1:] = sys.argv[2:]; main()"
    log = scratch / "importtime.log"
    argv = [sys.executable, "-X", "importtime", "-c", code, "--", "validate", str(file)]
    run_command(argv, 120, log)
    packages: dict[str, int] = {}
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _self, cumulative, name = line[len("import time:") :].split("|")
        if cumulative.strip().isdigit() and "." not in name.strip():
            packages[name.strip()] = max(packages.get(name.strip(), 0), int(cumulative))
    ranked = sorted(packages.items(), key=lambda kv: -kv[1])[:top]
    return [f"{name} {micros / 1000:.0f} ms" for name, micros in ranked]


# ---------------------------------------------------------------------------
# Validation curve: per-file time over a long run (is validation linear?)
# ---------------------------------------------------------------------------


def validation_curve(
    papers: int, workdir: Path, corpora: Path, seed: int, limit: int | None
) -> list[float]:
    """Validate the synthetic corpus file by file with one engine, as ``normspace validate``
    does (``validate_paths`` calls ``validate_file`` per file); return each file's CPU
    seconds. Process CPU time, not wall time, so that other load on the machine does not
    blur the trend. Writes one line per file to ``workdir/curve-<N>.tsv`` as it goes."""
    from normspace.annotation import validate_file
    from normspace.annotation.terms import TermResolver
    from normspace.shacl import annotation_engine

    files = sorted(corpus_folder(corpora, papers, seed).glob("*.yaml"))
    files = files[:limit] if limit else files
    engine, resolver = annotation_engine(), TermResolver()
    times: list[float] = []
    with (workdir / f"curve-{papers}.tsv").open("w", encoding="utf-8") as log:
        for i, path in enumerate(files, 1):
            start = time.process_time()
            validate_file(path, engine, resolver)
            seconds = time.process_time() - start
            times.append(seconds)
            log.write(f"{i}\t{seconds * 1000:.2f}\n")
            if i % 500 == 0:
                log.flush()
                recent = times[-100:]
                print(f"  file {i:,}: {sum(recent) / len(recent) * 1000:.1f} ms/file", flush=True)
    return times


def window_ms(times: list[float], first: int, last: int) -> float | None:
    """Mean milliseconds per file over files ``first``..``last`` (1-based, inclusive)."""
    window = times[first - 1 : last]
    return sum(window) / len(window) * 1000 if window else None


def curve_summary(times: list[float]) -> str:
    """One Markdown line: per-file means at ~1k and ~10k and the total."""
    parts = [f"{len(times):,} files, total CPU {sum(times):.1f} s"]
    for first, last in ((1, 100), (900, 1100), (1900, 2000), (4900, 5100), (9900, 10000)):
        mean = window_ms(times, first, last)
        if mean is not None and len(times) >= last:
            parts.append(f"files {first:,}-{last:,}: {mean:.1f} ms/file")
    return "; ".join(parts)


# ---------------------------------------------------------------------------
# Targets and report
# ---------------------------------------------------------------------------

#: Rows that are not a NormSpace step but the pyoxigraph side of a parser comparison (the
#: whole export parsed into one in-memory store, beside rdflib): left out of the peak target.
PARSER_COMPARISONS = frozenset({"parse-oxigraph"})

#: Issue 12's targets at 100k papers: (what, step key, limit, unit). A limit of None is a
#: figure to report, not a target.
TARGETS: tuple[tuple[str, str, float | None, str], ...] = (
    ("YAML -> quads, both cores", "read", 30.0, "s"),
    ("whole-corpus validation after parsing", "validate-parsed", 10.0, "s"),
    ("`normspace validate`'s bulk path: read + validate", "validate", None, "s"),
    ("one file validated, warm, in-process", "validate-one", 50.0, "ms"),
    ("`normspace validate FILE`, whole process", "startup-validate", None, "s"),
    ("`normspace load` of every file (whole command)", "load-cli", 30.0, "s"),
    ("load of every file (library call)", "load", 30.0, "s"),
    ("incremental re-load of one changed file (`normspace load`)", "reload-cli", 1.0, "s"),
    ("incremental re-load of one changed file (pipeline_bench)", "reload-one", 1.0, "s"),
    ("slowest named query (Oxigraph)", "queries-max", 1.0, "s"),
    ("smallest speed-up over rdflib (where rdflib finished)", "queries-ratio", 20.0, "×"),
    ("queries whose rows differ from rdflib's", "queries-same", 0.0, "queries"),
    ("peak memory of a NormSpace step (process or largest worker)", "peak", 1536.0, "MB"),
)


def target_value(run: SizeRun, key: str, startup: list[Startup]) -> tuple[float, str] | None:
    """The figure a target is judged on, and a short note (which step, which query)."""
    if key == "startup-validate":
        found = [s for s in startup if "validate" in s.command]
        return (found[0].wall, f"CPU {found[0].cpu:.2f} s") if found else None
    if key == "validate-one":
        return _validate_one_value(run.get(key))
    if key.startswith("queries"):
        return _query_value(run.get("queries" if key == "queries-max" else "queries-rdflib"), key)
    if key == "peak":
        own = [
            r
            for r in run.rows
            if not r.baseline and r.key not in PARSER_COMPARISONS and r.outcome.rss_mb
        ]
        worst = max(own, key=lambda r: r.outcome.rss_mb or 0, default=None)
        return (worst.outcome.rss_mb or 0, worst.key) if worst else None
    outcome = run.get(key)
    if outcome is None or outcome.status in ("unavailable", "failed"):
        return None
    if not outcome.ok:
        return (outcome.wall or 0.0, "stopped")
    cpu = outcome.figures.get("cpu_s", outcome.cpu)
    return (timed_wall(outcome), f"CPU {cpu:.2f} s" if cpu is not None else "")


def _validate_one_value(outcome: Outcome | None) -> tuple[float, str] | None:
    """The fastest engine's median (it is the one to make the default)."""
    if outcome is None or not outcome.ok or not outcome.figures.get("engines"):
        return None
    name, best = min(outcome.figures["engines"].items(), key=lambda kv: kv[1]["wall_ms"])
    return best["wall_ms"], f"{name}, CPU {best['cpu_ms']:.1f} ms"


def _query_value(outcome: Outcome | None, key: str) -> tuple[float, str] | None:
    found = outcome.figures.get("queries", []) if outcome else []
    rows = [q for q in found if "oxigraph_s" in q]  # not the "(rdflib parse)" entry
    if not rows or outcome is None or not outcome.ok:
        return None
    if key == "queries-max":
        slowest = max(rows, key=lambda q: q["oxigraph_s"])
        return slowest["oxigraph_s"], slowest["query"]
    if key == "queries-same":
        compared = [q for q in rows if q.get("same") is not None]
        if not compared:
            return None
        differ = [q["query"] for q in compared if not q["same"]]
        return float(len(differ)), (", ".join(differ) or f"{len(compared)} compared")
    ratios = [q for q in rows if q.get("ratio")]
    if not ratios:
        return None
    lowest = min(ratios, key=lambda q: q["ratio"])
    return lowest["ratio"], lowest["query"]


def verdict(value: float, limit: float | None, unit: str) -> str:
    """ "yes", or by how much the target is missed."""
    if limit is None:
        return "(reported)"
    if unit == "×":
        return "yes" if value >= limit else f"missed: {value:.1f}× < {limit:.0f}×"
    if value <= limit:
        return "yes"
    return (
        f"missed by {value - limit:,.2f} {unit} ({value / limit:.1f}× the target)"
        if limit
        else "no"
    )


def _figure(value: tuple[float, str] | None, unit: str) -> str:
    if value is None:
        return "not measured"
    number, note = value
    shown = f"{number:.1f}×" if unit == "×" else f"{number:,.2f} {unit}"
    if unit == "queries":
        shown = f"{number:.0f}"
    return f"{shown} ({note})" if note else shown


def targets_table(runs: list[SizeRun], startup: list[Startup]) -> list[str]:
    largest = runs[-1]
    lines = [
        f"## Targets of issue 12 (judged at N = {largest.papers:,})",
        "",
        "| target | " + " | ".join(f"N = {r.papers:,}" for r in runs) + " | limit | met? |",
        "|---|" + "---|" * len(runs) + "---|---|",
    ]
    for what, key, limit, unit in TARGETS:
        values = [target_value(r, key, startup) for r in runs]
        judged = values[-1]
        met = "not measured" if judged is None else verdict(judged[0], limit, unit)
        if judged and judged[1] == "stopped":
            met = f"missed: stopped by its budget after {judged[0]:.0f} s"
        shown_limit = (
            "" if limit is None else (f"≥ {limit:.0f}×" if unit == "×" else f"≤ {limit:g} {unit}")
        )
        cells = " | ".join(_figure(v, unit) for v in values)
        lines.append(f"| {what} | {cells} | {shown_limit} | {met} |")
    return lines


#: Comparisons: (label, NormSpace step, baseline step). Ratio = baseline / NormSpace.
RATIOS = (
    ("read: per-file rdflib reader / bulk reader (wall)", "read", "read-rdflib"),
    ("validation: pySHACL per file / batch (wall)", "validate-parsed", "pyshacl-per-file"),
    ("validation: pySHACL merged graph / batch (wall)", "validate-parsed", "pyshacl-merged"),
    ("parse the export: rdflib / pyoxigraph (wall)", "parse-oxigraph", "parse-rdflib"),
)


def ratio_cell(run: SizeRun, ours: str, baseline: str) -> str:
    mine, base = run.get(ours), run.get(baseline)
    if mine is None or base is None or not mine.ok or base.status in ("failed", "unavailable"):
        return "—"
    mine_s = timed_wall(mine)
    if not mine_s:
        return "—"
    if base.ok:
        return f"{timed_wall(base) / mine_s:,.1f}×"
    text = f"> {(base.wall or 0) / mine_s:,.0f}× (baseline stopped)"
    rate, total, cpu = base.figures.get("rate_ms"), base.figures.get("total"), _cpu_s(mine)
    if rate and total and cpu:  # labelled as what it is: the baseline's rate, extrapolated
        text += f"; at its rate, ~{rate * total / 1000 / cpu:,.0f}× in CPU (extrapolated)"
    return text


def _cpu_s(outcome: Outcome) -> float | None:
    return outcome.figures.get("cpu_s", outcome.cpu)


def step_tables(runs: list[SizeRun]) -> list[str]:
    header = "| step | " + " | ".join(f"N = {r.papers:,}" for r in runs) + " |"
    lines = ["## Steps", "", header, "|---|" + "---|" * len(runs)]
    labels = {row.key: row.label for r in runs for row in r.rows}
    for key, label in labels.items():
        lines.append(f"| {label} | " + " | ".join(cell(r.get(key)) for r in runs) + " |")
    lines += ["", "## Ratios (baseline time / NormSpace time, same run, same data)", ""]
    lines += [header.replace("| step |", "| comparison |"), "|---|" + "---|" * len(runs)]
    for label, ours, baseline in RATIOS:
        lines.append(
            f"| {label} | " + " | ".join(ratio_cell(r, ours, baseline) for r in runs) + " |"
        )
    return lines


def figures_section(runs: list[SizeRun]) -> list[str]:
    """What each step reported about itself (counts, sub-timings, per-engine figures)."""
    lines = ["## Figures reported by the steps", ""]
    for run in runs:
        lines += [f"### N = {run.papers:,} ({run.files:,} files)", ""]
        for row in run.rows:
            skip = ("queries", "summary")
            figures = {k: v for k, v in row.outcome.figures.items() if k not in skip}
            if figures:
                lines.append(f"- {row.key}: {_flat(figures)}")
        lines.append("")
    return lines


def _flat(figures: dict) -> str:
    parts = []
    for key, value in figures.items():
        if isinstance(value, dict):
            parts.append(f"{key}: {{{_flat(value)}}}")
        elif isinstance(value, float):
            parts.append(f"{key} {value:,.3f}")
        else:
            parts.append(f"{key} {value:,}" if isinstance(value, int) else f"{key} {value}")
    return ", ".join(parts)


def query_tables(runs: list[SizeRun]) -> list[str]:
    lines = ["## Named queries: Oxigraph beside rdflib on the same data", ""]
    for run in runs:
        beside, alone = run.get("queries-rdflib"), run.get("queries")
        lines += [f"### N = {run.papers:,}", ""]
        if beside is None or not beside.ok:
            lines += [f"rdflib side not measured: {cell(beside)}", ""]
        entries = _merged_queries(alone, beside)
        if not entries:
            lines += [f"Not measured: {cell(alone)}", ""]
            continue
        lines += [
            "| query | rows | Oxigraph s (best of 3) | Oxigraph CPU s | rdflib s | ratio "
            "| same rows |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        lines += [_query_row(q) for q in entries]
        lines.append("")
    return lines


def _merged_queries(alone: Outcome | None, beside: Outcome | None) -> list[dict]:
    """One entry per query: the Oxigraph-only pass's times (its process ran no rdflib
    worker) with the rdflib side of the pass beside it, wherever that pass ran the query
    (a pass cut short by ``--query-budget`` leaves the others to the Oxigraph-only pass)."""

    def entries(outcome: Outcome | None) -> list[dict]:
        return list(outcome.figures.get("queries", [])) if outcome and outcome.ok else []

    rdflib = {q["query"]: q for q in entries(beside) if "rdflib_s" in q}
    merged = []
    for entry in entries(alone) or entries(beside):
        side = rdflib.get(entry["query"], {})
        extra = {k: side[k] for k in ("rdflib_s", "ratio", "same", "note") if k in side}
        merged.append({**entry, **extra})
    return merged


def _query_row(entry: dict) -> str:
    def seconds(value: float | None) -> str:
        return "" if value is None else f"{value:.3f}"

    if not isinstance(entry.get("rows"), int):
        return f"| {entry['query']} | | | | {entry.get('note', '')} | | |"
    rdflib = entry.get("rdflib_s")
    ratio = entry.get("ratio")
    same = {True: "yes", False: "**NO**", None: ""}[entry.get("same")]
    return (
        f"| {entry['query']} | {entry['rows']:,} | {seconds(entry.get('oxigraph_s'))} | "
        f"{seconds(entry.get('oxigraph_cpu_s'))} | "
        f"{seconds(rdflib) if rdflib is not None else entry.get('note', '')} | "
        f"{'' if ratio is None else f'{ratio:.1f}×'} | {same} |"
    )


def markdown(
    runs: list[SizeRun],
    startup: list[Startup],
    imports: list[str],
    args: argparse.Namespace,
    context: dict,
) -> str:
    import pyoxigraph

    from normspace import __version__

    load = ", ".join(f"{a:.2f}" for a in context["load_start"])
    lines = [
        "# NormSpace benchmark results",
        "",
        f"Generated by `{' '.join(['python benchmarks/bench.py', *context['argv']])}` on "
        f"{datetime.now(UTC):%Y-%m-%d} (total run time {context['total'] / 60:.1f} min).",
        "",
        f"- Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; normspace {__version__}, pyoxigraph "
        f"{pyoxigraph.__version__}. Load average at the start {load}, at the end "
        + ", ".join(f"{a:.2f}" for a in os.getloadavg())
        + " (the machine is shared: CPU seconds are steadier than wall seconds).",
        f"- Corpus: synthetic papers (seed {args.seed}, `generate_corpus`), terms sampled per "
        "slot from the ontology with Zipf-like popularity; 10 % of the papers have a second "
        "annotation, so N papers are ~1.1·N files.",
        "- Every step ran in its own process: wall seconds of its timed section (or of the "
        "process), CPU seconds user + system including its worker processes, peak resident "
        "memory of the process or its largest worker (`wait4`). Baselines had a budget of "
        f"{args.budget:.0f} s each (stopped, not extrapolated, when they ran out); steps of "
        f"NormSpace had {args.step_budget:.0f} s. No timing is asserted by the test suite.",
        "",
        *targets_table(runs, startup),
        "",
        "## Start-up (whole processes)",
        "",
        "| command | wall (median) | CPU (median) | peak RSS |",
        "|---|---|---|---|",
    ]
    for s in startup:
        lines.append(
            f"| `{s.command}` ({s.runs} runs) | {s.wall:.3f} s | {s.cpu:.3f} s "
            f"| {s.rss_mb:.0f} MB |"
        )
    lines += [
        "",
        "Heaviest imports of `normspace validate ONE_FILE` (cumulative, `-X importtime`): ",
    ]
    lines += [", ".join(imports) + ".", ""]
    lines += [*step_tables(runs), "", *query_tables(runs), *figures_section(runs)]
    return "\n".join(lines).rstrip() + "\n"


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2, help="worker processes of the bulk steps")
    parser.add_argument(
        "--budget",
        type=float,
        default=120.0,
        help="CPU seconds for each baseline (rdflib, pySHACL); 3x that in wall time",
    )
    parser.add_argument(
        "--step-budget",
        type=float,
        default=3600.0,
        help="CPU seconds for each NormSpace step; 3x that in wall time",
    )
    parser.add_argument("--startup-runs", type=int, default=5)
    parser.add_argument("--runs", type=int, default=20, help="runs of the one-file validation")
    parser.add_argument(
        "--chunk", type=int, default=5000, help="files per store of the batch validation step"
    )
    parser.add_argument(
        "--query-timeout", type=float, help="seconds for each rdflib query (default: --budget)"
    )
    parser.add_argument(
        "--queries", nargs="+", metavar="NAME", help="only these named queries (default: all)"
    )
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    parser.add_argument("--workdir", type=Path, default=None, help="stores, exports, logs")
    parser.add_argument("--corpora", type=Path, default=None, help="corpora (default: workdir)")
    parser.add_argument("--generate", type=int, metavar="N", help="only write the N-paper corpus")
    parser.add_argument(
        "--query-budget",
        type=float,
        default=None,
        help="wall seconds for each pass over the query library; queries not started "
        "within it are listed as not run (default: no limit)",
    )
    parser.add_argument(
        "--library-steps",
        action="store_true",
        help="also time load and re-load as library calls (pipeline_bench), beside the "
        "`normspace load` commands (at 100k each load takes minutes)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="with --workdir: keep the steps a previous run saved there (failed ones are "
        "run again) and run the rest",
    )
    parser.add_argument(
        "--validation-curve",
        type=int,
        metavar="N",
        help="only validate N synthetic papers file by file and print per-file CPU time "
        "at ~1k and ~10k files (nothing is written to --out)",
    )
    parser.add_argument("--curve-limit", type=int, help="stop the curve after this many files")
    parser.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    parser.add_argument("--params", default="{}", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--status", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.step:
        return child_main(args.step, json.loads(args.params), args.result, args.status)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="normspace-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if args.generate:
        print(corpus_folder(args.corpora or workdir, args.generate, args.seed))
        return 0
    if args.validation_curve:
        times = validation_curve(
            args.validation_curve, workdir, args.corpora or workdir, args.seed, args.curve_limit
        )
        print(curve_summary(times))
        return 0
    context = {"argv": sys.argv[1:] if argv is None else argv, "load_start": os.getloadavg()}
    start = time.perf_counter()
    try:
        runs = [SizeBench(n, args, workdir).measure() for n in sorted(args.sizes)]
        first = sorted((workdir / f"N{min(args.sizes)}" / "corpus").glob("*.yaml"))[1]
        print("start-up", flush=True)
        startup, imports = measure_startup(first, args.startup_runs, workdir)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    context["total"] = time.perf_counter() - start
    report = markdown(runs, startup, imports, args, context)
    args.out.write_text(report + kept_sections(args.out), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    # SIGTERM ends the run like Ctrl-C: the running step is stopped, not left behind
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    sys.exit(main())

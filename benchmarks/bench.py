"""Benchmark of validation, loading and the query library on synthetic corpora.

Generates N synthetic papers as annotation files shaped like the real ones (terms sampled
per slot from the ontology with a skewed, Zipf-like popularity, realistic tag counts,
evidence on some tags, trade-offs, assumptions, a second annotator for 10 % of the papers),
then times, for each N:

- validation with the per-file SHACL engine (``normspace validate``/``load``) on every
  file (``--validate-sample N`` extrapolates from N files instead, and says so);
- reading every file into RDF (YAML -> rdflib, per file);
- the store write of ``normspace load``: one transaction with the ontology, the mappings
  and every annotation graph, into a new on-disk store;
- a reload of the whole corpus (every graph replaced, in one transaction);
- the bulk build of ``normspace run`` (fresh store, no transaction);
- removing one annotation, exporting N-Quads;
- every named query of the library (best of ``--repeat`` runs).

Usage::

    python benchmarks/bench.py                 # N = 1,000 and 10,000
    python benchmarks/bench.py --sizes 1000    # one size
    python benchmarks/bench.py --with-100k     # also N = 100,000 (slow: hours)
    python benchmarks/bench.py --validation-curve 10000 --workdir /tmp/b
                                               # per-file validation time, file by file

Results go to benchmarks/results.md (``--out``). The synthetic papers use DOIs under the
prefix 10.5555 with titles "Synthetic benchmark paper N"; they exist only in the working
folder (``--workdir``, a temporary folder by default) and are deleted afterwards.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph
from ruamel.yaml import YAML

from normspace.annotation import parse_file, validate_file
from normspace.annotation.terms import TermResolver
from normspace.errors import InputError
from normspace.loading import build_store, reference_graphs, write_documents
from normspace.namespaces import curie
from normspace.ontology import SLOT_SCHEMES, term_index
from normspace.querylib import library
from normspace.shacl import annotation_engine
from normspace.store import OxigraphStore

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
        self.rng = rng
        index = term_index()
        self.pools: dict[str, tuple[list[str], list[float]]] = {}
        schemes = {str(s) for s in SLOT_SCHEMES.values()}
        for scheme in sorted(schemes):
            terms = sorted(t.curie for t in index.in_scheme(scheme) if not t.deprecated)
            rng.shuffle(terms)
            self.pools[scheme] = (terms, [1.0 / (rank + 1) for rank in range(len(terms))])

    def sample(self, scheme: str, k: int) -> list[str]:
        terms, weights = self.pools[scheme]
        chosen: list[str] = []
        while len(chosen) < min(k, len(terms)):
            term = self.rng.choices(terms, weights)[0]
            if term not in chosen:
                chosen.append(term)
        return chosen


def _scheme(prop: str) -> str:
    from normspace.namespaces import NORM

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
    """Write the synthetic corpus (one file per annotation); return the files."""
    rng = random.Random(seed)
    sampler = TermSampler(rng)
    yaml = YAML(typ="safe")
    yaml.default_flow_style = False
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for paper in range(papers):
        annotators = ["Synthetic Annotator A"]
        if rng.random() < 0.1:
            annotators.append("Synthetic Annotator B")
        for annotator in annotators:
            path = folder / f"paper{paper:06d}-{annotator[-1].lower()}.yaml"
            with path.open("w", encoding="utf-8") as fh:
                yaml.dump(synthetic_annotation(rng, sampler, paper, annotator), fh)
            files.append(path)
    return files


# ---------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------


@dataclass
class SizeResult:
    papers: int
    files: int = 0
    quads: int = 0
    store_mb: float = 0.0
    steps: list[tuple[str, float, str]] = field(default_factory=list)  # name, seconds, note
    queries: list[tuple[str, float, int]] = field(default_factory=list)  # name, s, rows
    not_run: list[tuple[str, str]] = field(default_factory=list)  # name, reason

    def step(self, name: str, seconds: float, note: str = "") -> None:
        self.steps.append((name, seconds, note))
        print(f"  {name}: {seconds:.2f} s {note}", flush=True)


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def bench_size(papers: int, workdir: Path, args: argparse.Namespace) -> SizeResult:
    print(f"N = {papers:,} papers", flush=True)
    result = SizeResult(papers)
    corpus = workdir / f"corpus-{papers}"
    seconds, files = timed(lambda: generate_corpus(corpus, papers, args.seed))
    result.files = len(files)
    result.step(
        "generate synthetic corpus (not part of NormSpace)", seconds, f"{len(files):,} files"
    )

    engine, resolver = annotation_engine(), TermResolver()
    validate_file(files[0], engine, resolver)  # warm-up: shapes, ontology, term index
    sample = (
        files if args.validate_all or not args.validate_sample else files[: args.validate_sample]
    )
    seconds, outcomes = timed(lambda: [validate_file(f, engine, resolver) for f in sample])
    errors = sum(1 for o in outcomes for p in o.problems if p.severity == "error")
    if len(sample) == len(files):
        result.step("validate every file (YAML + SHACL, per file)", seconds, f"{errors} errors")
    else:
        per_file = seconds / len(sample)
        result.step(
            "validate (YAML + SHACL, per file), extrapolated",
            per_file * len(files),
            f"measured on {len(sample):,} files: {seconds:.1f} s, {per_file * 1000:.1f} ms/file",
        )
    seconds, parsed = timed(lambda: [parse_file(f, resolver) for f in files])
    documents = [p.document for p in parsed if p.document is not None]
    result.step(
        "read every file into RDF (YAML -> rdflib)", seconds, f"{len(documents):,} documents"
    )

    store_path = workdir / f"store-{papers}"
    store = OxigraphStore(store_path)
    seconds, _ = timed(lambda: write_documents(store, documents))
    result.quads = len(store)
    result.step(
        "load: one transaction into a new on-disk store", seconds, f"{result.quads:,} quads"
    )
    seconds, _ = timed(lambda: write_documents(store, documents))
    result.step("reload: replace every annotation graph (one transaction)", seconds)
    seconds, _ = timed(lambda: store.remove_graphs([documents[0].annotation_iri]))
    result.step("remove one annotation", seconds)
    export_file = workdir / f"export-{papers}.nq"
    with export_file.open("wb") as fh:
        seconds, _ = timed(lambda: store.export(fh, "nq"))
    result.step("export N-Quads", seconds, f"{export_file.stat().st_size / 1e6:.0f} MB")
    store.close()  # reopening drops the write-ahead log of the big transactions
    seconds, store = timed(lambda: OxigraphStore(store_path))
    result.step("reopen the store", seconds)
    result.store_mb = folder_mb(store_path)

    bulk_path = workdir / f"bulk-{papers}"
    seconds, built = timed(lambda: build_store(bulk_path, documents))
    built[0].close()
    result.step("bulk build of `normspace run` (new store, no transaction)", seconds)
    shutil.rmtree(bulk_path, ignore_errors=True)

    for query in library().top_level():
        try:
            bindings = query.bind(QUERY_PARAMS.get(query.name, {}))
        except InputError as exc:  # a new query whose parameters QUERY_PARAMS lacks
            result.not_run.append((query.name, str(exc)))
            print(f"  query {query.name}: not run: {exc}", flush=True)
            continue
        runs = []
        rows = 0
        for _ in range(args.repeat):
            seconds, answer = timed(
                lambda q=query, b=bindings: store.query(q.text, b, inline=q.inline)
            )
            runs.append(seconds)
            rows = len(answer)
        result.queries.append((query.name, min(runs), rows))
        print(f"  query {query.name}: {min(runs):.3f} s, {rows:,} rows", flush=True)
    store.close()
    return result


# ---------------------------------------------------------------------------
# Validation curve: per-file time over a long run (is validation linear?)
# ---------------------------------------------------------------------------


def validation_curve(papers: int, workdir: Path, seed: int, limit: int | None) -> list[float]:
    """Validate the synthetic corpus file by file with one engine, as ``normspace validate``
    does (``validate_paths`` calls ``validate_file`` per file); return each file's CPU
    seconds. Process CPU time, not wall time, so that other load on the machine does not
    blur the trend. Writes one line per file to ``workdir/curve-<N>.tsv`` as it goes."""
    corpus = workdir / f"corpus-{papers}"
    files = sorted(corpus.glob("*.yaml")) if corpus.is_dir() else []
    if len(files) < papers:
        files = generate_corpus(corpus, papers, seed)
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
# Report
# ---------------------------------------------------------------------------


def markdown(results: list[SizeResult], args: argparse.Namespace, total: float) -> str:
    from normspace import __version__

    refs = ", ".join(curie(g.iri) for g in reference_graphs())
    lines = [
        "# NormSpace benchmark results",
        "",
        f"Generated by `{' '.join(['python benchmarks/bench.py', *sys.argv[1:]])}` on "
        f"{datetime.now(UTC):%Y-%m-%d} (total run time {total / 60:.1f} min).",
        "",
        f"- Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; normspace {__version__}, pyoxigraph "
        f"{pyoxigraph.__version__}.",
        f"- Corpus: synthetic papers (seed {args.seed}), terms sampled per slot from the "
        "ontology with Zipf-like popularity; 10 % of the papers have a second annotation. "
        "Reference graphs loaded with the annotations: " + refs + ".",
        "- Times are wall-clock seconds of one run (queries: best of "
        f"{args.repeat}). No timing is asserted in the test suite.",
        "",
        "## Validation and loading",
        "",
        "| step | " + " | ".join(f"N = {r.papers:,}" for r in results) + " |",
        "|---|" + "---|" * len(results),
    ]
    names = [name for name, _s, _n in results[0].steps]
    for i, name in enumerate(names):
        cells = []
        for r in results:
            _n, seconds, note = r.steps[i]
            cells.append(f"{seconds:.2f} s" + (f" ({note})" if note else ""))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append(
        "| annotation files / quads in store / store on disk after reopening | "
        + " | ".join(f"{r.files:,} / {r.quads:,} / {r.store_mb:.0f} MB" for r in results)
        + " |"
    )
    lines += [
        "",
        "## Named queries",
        "",
        "| query | " + " | ".join(f"N = {r.papers:,}" for r in results) + " |",
        "|---|" + "---|" * len(results),
    ]
    for i, (name, _s, _rows) in enumerate(results[0].queries):
        cells = [f"{r.queries[i][1]:.3f} s ({r.queries[i][2]:,} rows)" for r in results]
        params = QUERY_PARAMS.get(name)
        label = f"{name} ({', '.join(f'{k}={v}' for k, v in params.items())})" if params else name
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    not_run = {name: reason for r in results for name, reason in r.not_run}
    if not_run:
        lines += ["", "Not run (add their parameters to `QUERY_PARAMS` in bench.py):", ""]
        lines += [f"- {name}: {reason}" for name, reason in sorted(not_run.items())]
    lines += [
        "",
        "Query times include Oxigraph's evaluation and the conversion of every solution to "
        "rdflib terms (what `normspace query` does before formatting).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--with-100k", action="store_true", help="also N = 100,000")
    parser.add_argument(
        "--validate-sample",
        type=int,
        default=None,
        help="validate only the first N files and extrapolate (default: every file; "
        "extrapolating hid that validation was quadratic)",
    )
    parser.add_argument("--validate-all", action="store_true", help="(the default)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument(
        "--validation-curve",
        type=int,
        metavar="N",
        help="only validate N synthetic papers file by file and print per-file CPU time "
        "at ~1k and ~10k files (nothing is written to --out)",
    )
    parser.add_argument("--curve-limit", type=int, help="stop the curve after this many files")
    args = parser.parse_args(argv)
    if args.validation_curve:
        workdir = args.workdir or Path(tempfile.mkdtemp(prefix="normspace-bench-"))
        workdir.mkdir(parents=True, exist_ok=True)
        times = validation_curve(args.validation_curve, workdir, args.seed, args.curve_limit)
        print(curve_summary(times))
        return 0
    sizes = [*args.sizes, *([100_000] if args.with_100k else [])]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="normspace-bench-"))
    start = time.perf_counter()
    try:
        results = [bench_size(n, workdir, args) for n in sizes]
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    args.out.write_text(markdown(results, args, time.perf_counter() - start), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

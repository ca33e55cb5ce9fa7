"""Validate, load and analyse a corpus: what ``normspace load`` and ``normspace run`` do.

Loading is two-phase so that a failed load leaves the store exactly as it was: every file is
read and validated first, on its own (the corpus is never parsed into one rdflib graph),
and only when all of them pass is ONE transaction written, holding the annotations' graphs,
the bookkeeping, and the ontology and mappings graphs when they are missing or changed.

``normspace run`` is the main job: a fresh store built from a corpus folder, the named
queries, the key comparisons on standard output, and an output folder with the validated
graph (N-Quads), each query's results (CSV) and a Markdown report.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import click
from rdflib import Graph, URIRef

from .annotation import AnnotationDocument, ValidationRun, validate_file
from .annotation.problems import summary_line
from .annotation.terms import TermResolver
from .annotation.validate import expand_paths
from .errors import InputError, ValidationFailure
from .imports import imports_graph, module_paths
from .namespaces import NORM, curie
from .ontology import load_ontology, ontology_files
from .querylib import NamedQuery, library
from .results import Table, cell_text, pivot, render
from .store import (
    IMPORTS_GRAPH,
    MAPPINGS_GRAPH,
    ONTOLOGY_GRAPH,
    REFERENCE_GRAPHS,
    OxigraphStore,
    QueryResult,
    Store,
    check_store_folder,
)

log = logging.getLogger(__name__)

Echo = Callable[[str], None]


# ---------------------------------------------------------------------------
# Reference graphs: ontology and mappings
# ---------------------------------------------------------------------------


def file_digest(paths: Iterable[Path]) -> str:
    """SHA-256 over the names and bytes of ``paths`` (in order)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
    return "sha256:" + digest.hexdigest()


@dataclass
class ReferenceGraph:
    iri: str
    sources: list[Path]
    build: Callable[[], Graph]

    @property
    def digest(self) -> str:
        return file_digest(self.sources)


def reference_graphs() -> list[ReferenceGraph]:
    """The bundled ontology and (when present) the SKOS mappings derived from SSSOM."""
    graphs = [ReferenceGraph(ONTOLOGY_GRAPH, ontology_files(), load_ontology)]
    try:
        from .mappings import mapping_graph, mapping_set_paths

        mapping_files = mapping_set_paths()
    except (ImportError, OSError, InputError):  # no mappings bundled
        mapping_files = []
    if mapping_files:
        graphs.append(ReferenceGraph(MAPPINGS_GRAPH, mapping_files, mapping_graph))
    import_files = module_paths()
    if import_files:
        # labels and hierarchies of the mapped external terms, so that queries can follow
        # a mapping into the external ontology (e.g. everything DPV files under a concept)
        graphs.append(ReferenceGraph(IMPORTS_GRAPH, import_files, imports_graph))
    return graphs


def stale_reference_graphs(store: Store) -> list[ReferenceGraph]:
    """Reference graphs that are missing from the store or whose sources changed."""
    info = store.graph_info()
    present = set(store.graphs())
    return [
        g
        for g in reference_graphs()
        if g.iri not in present or info.get(g.iri, {}).get("digest") != g.digest
    ]


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------


def validate_files(paths: Sequence[Path], progress: bool = False) -> ValidationRun:
    """Validate annotation files and folders one file at a time (as ``normspace validate``),
    with a progress bar on standard error when ``progress`` and there are many files."""
    files = expand_paths(paths)
    log.info("validating %d annotation file%s", len(files), "" if len(files) == 1 else "s")
    run = ValidationRun()
    started = time.perf_counter()
    resolver = TermResolver()
    from .shacl import annotation_engine

    engine = annotation_engine()
    log.info("built the validation engine (shapes, term index) in %.2f s", _since(started))
    started = time.perf_counter()
    show = progress and len(files) > 1 and sys.stderr.isatty()
    with (
        click.progressbar(files, label="validating", file=sys.stderr, show_pos=True)
        if show
        else contextlib.nullcontext(files) as bar
    ):
        for path in bar:
            run.files.append(validate_file(path, engine, resolver))
            log.debug("validated %s", path)
    summary = run.summary()
    log.info("validated %d files in %.2f s: %s", len(files), _since(started), summary_line(summary))
    return run


def _since(started: float) -> float:
    return time.perf_counter() - started


def report_problems(run: ValidationRun, echo: Echo) -> None:
    """Every problem, then the summary line."""
    for problem in run.problems:
        echo(str(problem))
    echo(summary_line(run.summary()))


def check_loadable(run: ValidationRun) -> list[AnnotationDocument]:
    """The documents to load, or the error that stops the load (exit 1 or 2)."""
    if run.exit_code == 2:
        raise InputError("nothing loaded: some files cannot be read (see above)")
    if run.exit_code == 1:
        raise ValidationFailure("nothing loaded: some files have errors (see above)")
    documents = run.documents
    seen: dict[str, Path] = {}
    for doc in documents:
        if doc.annotation_iri in seen:
            raise InputError(
                f"nothing loaded: {seen[doc.annotation_iri]} and {doc.path} are the same "
                f"annotation <{doc.annotation_iri}> (same paper and annotator); "
                "keep one file per paper and annotator"
            )
        seen[doc.annotation_iri] = doc.path
    return documents


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


@dataclass
class LoadSummary:
    loaded: list[str] = field(default_factory=list)  # annotation graphs written
    replaced: list[str] = field(default_factory=list)  # ... of which existed before
    reference: list[str] = field(default_factory=list)  # reference graphs (re)loaded
    papers: int = 0

    def describe(self, where: str) -> str:
        n = len(self.loaded)
        text = f"loaded {n} annotation{'s' if n != 1 else ''} of {self.papers} paper"
        text += f"{'s' if self.papers != 1 else ''} into {where}"
        if self.replaced:
            text += f" ({len(self.replaced)} replaced an earlier version)"
        if self.reference:
            text += "; (re)loaded " + ", ".join(f"<{g}>" for g in self.reference)
        return text


def batch(
    documents: Sequence[AnnotationDocument], reference: Sequence[ReferenceGraph]
) -> tuple[dict[str, Iterable], dict[str, dict[str, str]]]:
    """Graphs and bookkeeping of one write."""
    graphs: dict[str, Iterable] = {}
    sources: dict[str, dict[str, str]] = {}
    for ref in reference:
        graphs[ref.iri] = ref.build()
        sources[ref.iri] = {"digest": ref.digest, "source": str(ref.sources[0].parent)}
    loaded_at = datetime.now(UTC).isoformat(timespec="seconds")
    for doc in documents:
        graphs[doc.annotation_iri] = doc.graph
        sources[doc.annotation_iri] = {
            "source": str(doc.path.resolve()),
            "digest": file_digest([doc.path]),
            "loadedAt": loaded_at,
        }
    return graphs, sources


def write_documents(store: Store, documents: Sequence[AnnotationDocument]) -> LoadSummary:
    """Write annotations (and stale reference graphs) in ONE transaction."""
    reference = stale_reference_graphs(store)
    existing = set(store.graphs())
    info = store.graph_info()
    for doc in documents:
        _warn_other_source(doc, info.get(doc.annotation_iri, {}).get("source"))
    graphs, sources = batch(documents, reference)
    started = time.perf_counter()
    store.replace_graphs(graphs, sources)
    iris = [d.annotation_iri for d in documents]
    replaced = [i for i in iris if i in existing]
    log.info(
        "wrote %d graphs in one transaction in %.2f s: %d new, %d replaced, %d reference",
        len(graphs),
        _since(started),
        len(iris) - len(replaced),
        len(replaced),
        len(reference),
    )
    for iri in iris:
        log.debug("%s <%s>", "replaced" if iri in existing else "added", iri)
    for ref in reference:
        log.info("(re)loaded reference graph <%s> (sources changed or missing)", ref.iri)
    return LoadSummary(
        loaded=iris,
        replaced=replaced,
        reference=[r.iri for r in reference],
        papers=len({d.paper_iri for d in documents}),
    )


def _warn_other_source(doc: AnnotationDocument, loaded_from: str | None) -> None:
    """Warn when an annotation replaces a copy that was loaded from a different file: two
    files claim the same annotation (same paper and annotator), and the later load wins."""
    here = str(doc.path.resolve())
    if loaded_from and loaded_from != here:
        log.warning(
            "%s replaces annotation <%s>, which was loaded from %s; the two files describe "
            "the same annotation (same paper and annotator): keep one of them",
            doc.path,
            doc.annotation_iri,
            loaded_from,
        )


def load_files(
    store: Store, paths: Sequence[Path], echo: Echo, progress: bool = False
) -> LoadSummary:
    """Validate ``paths`` and, when every file passes, load them all (warnings are shown)."""
    run = validate_files(paths, progress)
    if run.problems:
        report_problems(run, echo)
    documents = check_loadable(run)
    return write_documents(store, documents)


# ---------------------------------------------------------------------------
# Removing
# ---------------------------------------------------------------------------


def resolve_removals(store: Store, targets: Sequence[str]) -> list[str]:
    """The annotation graphs named by files, annotation IRIs or paper IRIs.

    A file is matched by the path recorded when it was loaded (so an edited or deleted
    file still works), else by the annotation it contains; a paper IRI names all the
    paper's annotations.
    """
    graphs = set(store.graphs())
    info = store.graph_info()
    by_source: dict[str, list[str]] = {}
    for iri, meta in info.items():
        if "source" in meta:
            by_source.setdefault(meta["source"], []).append(iri)
    found: list[str] = []
    for target in targets:
        matches = _match_target(store, target, graphs, by_source)
        if not matches:
            raise InputError(
                f"`{target}` matches nothing in the store: give an annotation file, an "
                "annotation IRI or a paper IRI (see `normspace query papers`)"
            )
        found.extend(matches)
    return list(dict.fromkeys(found))


def _match_target(
    store: Store, target: str, graphs: set[str], by_source: dict[str, list[str]]
) -> list[str]:
    if target in REFERENCE_GRAPHS:
        raise InputError(f"<{target}> is reference data, not an annotation; it cannot be removed")
    if target in graphs:
        return [target]
    path = Path(target)
    if path.exists() or target.endswith((".yaml", ".yml")):
        resolved = str(path.resolve())
        if resolved in by_source:
            return by_source[resolved]
        if path.is_file():
            from .annotation import load_annotation

            iri = load_annotation(path).annotation_iri
            return [iri] if iri in graphs else []
        return []
    paper = paper_target(target)
    if paper is not None:
        try:
            result = _annotations_of(store, paper)
        except ValueError:  # not a valid IRI
            return []
        return [str(r[0]) for r in result.rows if str(r[0]) in graphs]
    return []


def paper_target(target: str) -> str | None:
    """The paper IRI a target names: a DOI in any case, bare, as ``doi:`` or a resolver
    IRI, normalised the way paper IRIs are minted; an arXiv id as ``arxiv:`` or an arXiv
    IRI; any other IRI as it is; ``None`` for anything else.

    >>> paper_target("https://doi.org/10.1038/S42256-019-0088-2")
    'https://doi.org/10.1038/s42256-019-0088-2'
    >>> paper_target("doi:10.1038/s42256-019-0088-2"), paper_target("arXiv:2203.02155v3")
    ('https://doi.org/10.1038/s42256-019-0088-2', 'https://arxiv.org/abs/2203.02155')
    >>> paper_target("https://arxiv.org/abs/2203.02155"), paper_target("bai2022")
    ('https://arxiv.org/abs/2203.02155', None)
    """
    from .annotation.identifiers import (
        IdentifierError,
        normalise_arxiv,
        normalise_doi,
        paper_iri,
    )

    text = target.strip()
    lowered = text.lower()
    try:
        if lowered.startswith("arxiv:") or "arxiv.org/" in lowered:
            return paper_iri(None, normalise_arxiv(text))
        if lowered.startswith(("doi:", "10.")) or "doi.org/" in lowered:
            return paper_iri(normalise_doi(text), None)
    except IdentifierError:
        return None
    return text if "://" in text else None


def _annotations_of(store: Store, paper: str) -> QueryResult:
    return store.query(
        "PREFIX norm: <https://w3id.org/normspace#> "
        "SELECT DISTINCT ?annotation ?paper WHERE { ?annotation norm:annotates ?paper } "
        "ORDER BY ?annotation",
        {"paper": URIRef(paper)},
    )


# ---------------------------------------------------------------------------
# Running queries
# ---------------------------------------------------------------------------


def run_named(store: Store, query: NamedQuery, values: dict[str, str] | None = None) -> QueryResult:
    """Bind parameters (resolving terms) and run a library query."""
    started = time.perf_counter()
    result = query.run(store, values)
    log.info("query %s: %d rows in %.3f s", query.name, len(result.rows), _since(started))
    return result


def runnable_queries() -> tuple[list[NamedQuery], list[NamedQuery]]:
    """Library queries that run without arguments, and those that need a parameter."""
    ready, needs = [], []
    for query in library().top_level():
        (needs if any(p.required for p in query.params) else ready).append(query)
    return ready, needs


# ---------------------------------------------------------------------------
# The main job
# ---------------------------------------------------------------------------


@dataclass
class RunResult:
    out: Path
    store: Path | None
    run: ValidationRun
    summary: LoadSummary
    results: dict[str, QueryResult]
    skipped: list[NamedQuery]
    files: list[Path]


def build_store(
    path: Path, documents: Sequence[AnnotationDocument]
) -> tuple[OxigraphStore, LoadSummary]:
    """A new store at ``path`` (which must not exist) holding the reference graphs and
    ``documents``, bulk-loaded (no transaction is needed: a failed build is discarded)."""
    started = time.perf_counter()
    store = OxigraphStore(path)
    reference = reference_graphs()
    graphs, sources = batch(documents, reference)
    store.bulk_replace_all(graphs, sources)
    log.info(
        "built the store at %s: %d graphs, %d quads in %.2f s",
        path,
        len(graphs),
        len(store),
        _since(started),
    )
    summary = LoadSummary(
        loaded=[d.annotation_iri for d in documents],
        reference=[r.iri for r in reference],
        papers=len({d.paper_iri for d in documents}),
    )
    return store, summary


def run_job(
    corpus: Path,
    out: Path,
    store_path: Path | None = None,
    echo: Echo = click.echo,
    err: Echo | None = None,
    progress: bool = False,
) -> RunResult:
    """Fresh store, validation, load, queries, comparisons, report (see module docstring).

    The store is built in a new folder; without ``store_path`` it is a temporary folder
    removed at the end (the exported N-Quads hold the same data), with ``store_path`` it
    replaces whatever store was there once the build succeeded.
    """
    err = err or (lambda text: click.echo(text, err=True))
    if not corpus.is_dir():
        raise InputError(f"corpus folder {corpus} does not exist")
    if store_path is not None:
        check_store_folder(store_path)
    run = validate_files([corpus], progress)
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
        results = {q.name: run_named(store, q) for q in ready}
        out.mkdir(parents=True, exist_ok=True)
        files = write_outputs(store, out, corpus, run, summary, results, needs)
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


# ---------------------------------------------------------------------------
# Outputs of the main job: key comparisons and the report
# ---------------------------------------------------------------------------

#: The comparisons printed by ``normspace run`` and placed first in the report:
#: (query name, heading).
KEY_COMPARISONS = (
    ("approach-value-matrix", "Alignment approaches × values (papers)"),
    ("whose-values", "Whose values: normative input and sampling per approach (papers)"),
    ("trade-offs", "Value trade-offs by context, and how they are resolved (papers)"),
    ("approaches-without-contestability", "Alignment approaches without any contestability"),
    ("high-stakes-without-contestability", "High-stakes contexts without contestability"),
)

#: Further query results summarised in the report.
REPORT_SECTIONS = (
    ("evaluation-layers", "Evaluation layers"),
    ("pluralism-per-approach", "Pluralism and aggregation per approach (papers)"),
    ("affected-without-voice", "Affected but not heard (papers)"),
    ("annotator-disagreement", "Annotator disagreement"),
)

#: The approach × value matrix shown by ``run`` has at least this many value columns
#: (fewer only when fewer values are used), and more when needed to show every approach's
#: most frequent value; an "other values" column counts each approach's values left out.
#: The full matrix is always written to ``queries/approach-value-matrix.csv``.
MATRIX_COLUMNS = 10
REPORT_ROWS = 40
OTHER_VALUES = "other values"


def matrix_columns(rows: Sequence[tuple], limit: int = MATRIX_COLUMNS) -> list:
    """Value columns of the approach × value matrix, most used first: every approach's
    most frequent value (ties go to the value used more overall), so that no value
    central to a listed approach is hidden, then the most used values up to ``limit``.

    >>> rows = [("a", "x", 5), ("a", "y", 1), ("b", "z", 1), ("b", "w", 1), ("c", "y", 2)]
    >>> matrix_columns(rows, limit=1)
    ['x', 'y', 'w']
    >>> matrix_columns(rows, limit=4)
    ['x', 'y', 'w', 'z']
    """
    totals: dict = {}
    best: dict = {}
    for _approach, value, papers in rows:
        totals[value] = totals.get(value, 0) + int(papers)
    for approach, value, papers in rows:
        rank = (-int(papers), -totals[value], str(value))
        if approach not in best or rank < best[approach][0]:
            best[approach] = (rank, value)
    by_use = sorted(totals, key=lambda v: (-totals[v], str(v)))
    central = {value for _rank, value in best.values()}
    chosen = set(central)
    for value in by_use:
        if len(chosen) >= limit:
            break
        chosen.add(value)
    return [v for v in by_use if v in chosen]


def matrix_note(result: QueryResult) -> str:
    """What the shown matrix leaves out, and where the full one is."""
    shown = len(matrix_columns(result.rows))
    total = len({value for _a, value, _p in result.rows})
    if shown == total:
        return f"All {total} values are shown."
    return (
        f"Columns: the top {shown} of {total} values by papers, including each approach's "
        f"most frequent value; `{OTHER_VALUES}` counts an approach's values not shown; "
        "the full matrix is in queries/approach-value-matrix.csv."
    )


def key_table(name: str, result: QueryResult, labels: bool = False) -> Table:
    """The table shown for a key comparison: the approach × value matrix is pivoted (see
    :func:`matrix_columns`), whose-values is grouped into one row per approach, other
    results are shown as they are."""
    table = Table.from_result(result)
    if not result.rows:
        return table
    if name == "approach-value-matrix":
        return _matrix(table, result, labels)
    if name == "whose-values":
        return _grouped(result, WHOSE_VALUES_COLUMNS, labels)
    return table


def _matrix(table: Table, result: QueryResult, labels: bool) -> Table:
    columns = matrix_columns(result.rows)
    matrix = pivot(table, "approach", "value", "papers", labels, column_order=columns)
    if len(columns) == len({value for _a, value, _p in result.rows}):
        return matrix
    shown = set(columns)
    hidden: dict = {}
    for approach, value, _papers in result.rows:
        if value not in shown:
            hidden[approach] = hidden.get(approach, 0) + 1
    rows = [[*row, hidden.get(row[0], "")] for row in matrix.rows]
    return Table([*matrix.columns, OTHER_VALUES], rows)


def key_note(name: str, result: QueryResult) -> str | None:
    """A note under a key comparison table (what it leaves out), if any."""
    if name == "approach-value-matrix" and result.rows:
        return matrix_note(result)
    return None


#: Columns of the grouped whose-values table: property -> heading.
WHOSE_VALUES_COLUMNS = {
    str(NORM.normativeInputFrom): "normative input from",
    str(NORM.hasSamplingMethod): "sampling",
}


def _grouped(result: QueryResult, columns: dict[str, str], labels: bool) -> Table:
    """Rows ``(key, property, term, papers)`` as one row per key, one cell per property
    listing ``term (papers)``; an unbound term reads "none recorded"."""
    cells: dict = {}
    for key, prop, term, papers in result.rows:
        text = cell_text(term, labels) if term is not None else "none recorded"
        cells.setdefault(key, {}).setdefault(str(prop), []).append(f"{text} ({papers})")
    rows = [
        [key, *("; ".join(by_prop.get(p, [])) for p in columns)] for key, by_prop in cells.items()
    ]
    return Table([result.variables[0], *columns.values()], rows)


def print_key_comparisons(results: dict[str, QueryResult], echo: Echo) -> None:
    """The key comparisons as terminal tables (CURIEs keep them narrow)."""
    for name, heading in KEY_COMPARISONS:
        if name not in results:
            continue
        buffer = io.StringIO()
        render(key_table(name, results[name]), "table", buffer)
        note = key_note(name, results[name])
        echo(f"\n== {heading} ==\n{buffer.getvalue().rstrip()}" + (f"\n{note}" if note else ""))


def write_outputs(
    store: OxigraphStore,
    out: Path,
    corpus: Path,
    run: ValidationRun,
    summary: LoadSummary,
    results: dict[str, QueryResult],
    skipped: Sequence[NamedQuery],
) -> list[Path]:
    """The validated graph, one CSV per query, and the Markdown report."""
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
    from .analysis import highlights, paper_tags

    network = highlights(paper_tags(store))
    report_file = out / "report.md"
    report_file.write_text(
        markdown_report(corpus, run, summary, results, skipped, network), encoding="utf-8"
    )
    log.info(
        "wrote %d query results to %s/ and the report to %s", len(results), query_dir, report_file
    )
    written.append(report_file)
    return written


def _md_table(table: Table, limit: int = REPORT_ROWS) -> str:
    buffer = io.StringIO()
    shown = Table(table.columns, table.rows[:limit])
    render(shown, "markdown", buffer, labels=True)
    text = buffer.getvalue()
    if len(table.rows) > limit:
        text += f"\n… {len(table.rows) - limit} more rows in the CSV file.\n"
    return text


def _label(iri: str) -> str:
    return cell_text(URIRef(iri), labels=True)


def query_title(name: str) -> str:
    return library().queries[name].title


def markdown_report(corpus, run, summary, results, skipped, network) -> str:
    """The report of ``normspace run`` (Markdown)."""
    lines = [
        "# NormSpace corpus report",
        "",
        f"Corpus: `{corpus}`. {len(summary.loaded)} annotations of {summary.papers} papers.",
        "",
        "## Validation",
        "",
        summary_line(run.summary()) + ".",
        "",
    ]
    warnings = [p for p in run.problems if p.severity != "error"]
    for problem in warnings[:REPORT_ROWS]:
        lines.append(f"- {problem}")
    if len(warnings) > REPORT_ROWS:
        lines.append(f"- … and {len(warnings) - REPORT_ROWS} more")
    lines.append("")
    lines += ["## Key comparisons", ""]
    for name, heading in (*KEY_COMPARISONS, *REPORT_SECTIONS):
        if name not in results:
            continue
        lines += [f"### {heading}", "", f"Query `{name}`: {query_title(name)}.", ""]
        table = key_table(name, results[name], labels=True)
        lines.append(_md_table(table) if table.rows else "No rows.\n")
        note = key_note(name, results[name])
        if note:
            lines += [note, ""]
    gaps = results.get("coverage-gaps")
    if gaps is not None:
        lines += [
            "### Coverage gaps",
            "",
            f"{len(gaps.rows)} pairs of a top-level value and a deployment domain are not "
            "addressed by any paper (`queries/coverage-gaps.csv`).",
            "",
        ]
    lines += network_section(network)
    lines += ["## Query results", ""]
    for name in results:
        lines.append(
            f"- `queries/{name}.csv`: {query_title(name)} ({len(results[name].rows)} rows)"
        )
    for query in skipped:
        params = ", ".join(f"?{p.name}" for p in query.params if p.required)
        lines.append(
            f"- `{query.name}` needs {params}: run `normspace query {query.name} "
            f"--param {query.params[0].name}=...`"
        )
    lines.append("")
    return "\n".join(lines)


def network_section(network) -> list[str]:
    lines = [
        "## Co-occurrence network",
        "",
        f"{network.terms} terms used in {network.papers} papers; {network.edges} pairs of "
        f"terms share a paper (density {network.density:.3f}).",
        "",
    ]
    if network.hubs:
        lines += ["Most connected terms (weighted degree):", ""]
        lines += [f"- {_label(t)} (`{curie(t)}`): {d}" for t, d in network.hubs]
        lines.append("")
    if network.bridges:
        lines += ["Bridging terms (betweenness centrality):", ""]
        lines += [f"- {_label(t)} (`{curie(t)}`): {b}" for t, b in network.bridges]
        lines.append("")
    if network.communities:
        lines += ["Communities (Louvain, seed 0), most used terms first:", ""]
        for i, members in enumerate(network.communities, start=1):
            shown = ", ".join(_label(t) for t in members[:8])
            more = f" and {len(members) - 8} more" if len(members) > 8 else ""
            lines.append(f"{i}. {shown}{more}")
        lines.append("")
    if network.pairs:
        lines += ["Terms of different dimensions that meet more often than by chance (lift):", ""]
        lines += [
            f"- {_label(p.a)} + {_label(p.b)}: {p.papers} papers, lift {p.lift}"
            for p in network.pairs
        ]
        lines.append("")
    return lines

"""What the run job shows and writes: the key comparison tables and the Markdown report.

Rendering only: the results come in as :class:`~normspace.store.QueryResult` objects, the
terminal output goes through an :data:`~normspace.feedback.Echo`.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef

from .annotation import ValidationRun
from .annotation.problems import summary_line
from .annotation.slots import ROLE_ALIASES
from .feedback import Echo
from .loading import LoadSummary
from .namespaces import NORM, curie
from .papersbehind import PaperCount, Parts
from .querylib import ROLE_DEFAULT_TEXT, NamedQuery, library
from .results import Table, cell_text, pivot, render
from .store import QueryResult, Store

if TYPE_CHECKING:
    from .analysis import Highlights

log = logging.getLogger(__name__)


#: The comparisons printed by ``normspace run`` and placed first in the report:
#: (query name, heading).
KEY_COMPARISONS = (
    ("approach-family-value-group", "Approach families × value groups (papers)"),
    ("approach-value-matrix", "Alignment approaches × values (papers)"),
    ("whose-values", "Whose values: normative input and sampling per approach (papers)"),
    ("trade-offs", "Value trade-offs by context, and how they are resolved (papers)"),
    ("approaches-without-contestability", "Alignment approaches without any contestability"),
    ("high-stakes-without-contestability", "High-stakes contexts without contestability"),
)

#: Further query results summarised in the report.
REPORT_SECTIONS = (
    ("contribution-roles", "What papers do with each approach: contribution roles (papers)"),
    ("findings-per-approach", "Findings per approach"),
    ("study-facts-per-approach", "Study facts per approach: samples, datasets and models"),
    ("harms-per-approach", "Harms and risks per approach (papers)"),
    ("evaluation-layers", "Evaluation layers"),
    ("pluralism-per-approach", "Pluralism and aggregation per approach (papers)"),
    ("explicit-none", "Explicitly none, or not annotated (contributions and papers)"),
    ("affected-without-voice", "Affected but not heard (papers)"),
    ("annotator-disagreement", "Annotator disagreement"),
    ("term-requests", "Term requests for the next ontology release"),
)

#: What the key comparisons count, said once above them (the role filter of the queries).
PAIRING_NOTE = (
    "Every number in these tables is a count of papers (report.html links each one to the "
    "papers behind it). Terms are paired only inside one contribution of a "
    "paper, and the queries that pair "
    f"or count per approach take only {ROLE_DEFAULT_TEXT} (the contribution roles "
    "section shows the others; `normspace query NAME --param role=critiques` selects "
    "another role)."
)

#: The ?role that the contribution-roles query gives contributions without a role.
NO_ROLE = "no role"
#: Column order of the contribution-roles table: the roles in the scheme's order (requested
#: roles follow them, by label), then contributions without a role.
ROLE_COLUMNS = tuple(ROLE_ALIASES.values())


def role_columns(result: QueryResult) -> list:
    """The roles used in a contribution-roles result, in :data:`ROLE_COLUMNS` order.

    >>> from normspace.namespaces import NORM
    >>> rows = [("a", Literal(NO_ROLE), 1), ("a", Literal("requested: x"), 1),
    ...         ("a", NORM.Critiques, 1), ("a", NORM.Proposes, 2)]
    >>> [cell_text(c) for c in role_columns(QueryResult(["approach", "role", "papers"], rows))]
    ['norm:Proposes', 'norm:Critiques', 'requested: x', 'no role']
    """
    used = {row[1] for row in result.rows}
    requested = sorted((r for r in used if isinstance(r, Literal) and str(r) != NO_ROLE), key=str)
    tail = [Literal(NO_ROLE)] if Literal(NO_ROLE) in used else []
    return [r for r in ROLE_COLUMNS if r in used] + requested + tail


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
    :func:`matrix_columns`), whose-values is grouped into one row per approach, the
    contribution roles become one column per role, other results are shown as they are."""
    table = Table.from_result(result)
    if not result.rows:
        return table
    if name == "approach-value-matrix":
        return _matrix(table, result, labels)
    if name == "approach-family-value-group":
        return _family_matrix(table, result, labels)
    if name == "whose-values":
        return _grouped(result, WHOSE_VALUES_COLUMNS, labels)
    if name == "contribution-roles":
        return pivot(table, "approach", "role", "papers", labels, column_order=role_columns(result))
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


#: The ?group of the approach-family-value-group rows that count every paper of a family.
ALL_VALUES = Literal("all values")
#: Heading of the column that shows those counts: the papers behind each row.
ROW_PAPERS = "papers (row)"
#: Fewer papers than this in a cell is an anecdote, not a comparison (said under the table).
FEW_PAPERS = 3


def _family_matrix(table: Table, result: QueryResult, labels: bool) -> Table:
    """Families × value groups, with the papers behind each row as the first column and the
    groups most used first."""
    totals: dict = {}
    for _family, group, papers in result.rows:
        if group != ALL_VALUES:
            totals[group] = totals.get(group, 0) + int(papers)
    groups = sorted(totals, key=lambda g: (-totals[g], str(g)))
    matrix = pivot(table, "family", "group", "papers", labels, column_order=[ALL_VALUES, *groups])
    matrix.columns[1] = ROW_PAPERS
    matrix.rows.sort(key=lambda row: (-int(row[1] or 0), str(row[0])))
    return matrix


def family_note(result: QueryResult) -> str:
    """How many papers back the family table, and how many cells are anecdotal."""
    cells = [int(p) for _f, g, p in result.rows if g != ALL_VALUES]
    few = sum(1 for n in cells if n < FEW_PAPERS)
    rows = sum(int(p) for _f, g, p in result.rows if g == ALL_VALUES)
    return (
        f"`{ROW_PAPERS}`: the papers behind each row ({rows} paper-family pairs in all; a "
        f"paper can use approaches of several families). {len(cells) - few} of {len(cells)} "
        f"non-empty cells rest on {FEW_PAPERS} or more papers; the other {few} are single "
        "cases rather than patterns. The term-level matrix below splits the same papers "
        "further."
    )


def key_note(name: str, result: QueryResult) -> str | None:
    """A note under a key comparison table (what it leaves out, what backs it), if any."""
    if name == "approach-value-matrix" and result.rows:
        return matrix_note(result)
    if name == "approach-family-value-group" and result.rows:
        return family_note(result)
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
        cells.setdefault(key, {}).setdefault(str(prop), []).extend(["; ", f"{text} (", papers, ")"])
    rows = [
        [key, *(Parts(by_prop.get(p, [])[1:]) for p in columns)] for key, by_prop in cells.items()
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


# ---------------------------------------------------------------------------
# The report as a list of blocks: one list of sections, two renderings (Markdown, HTML)
# ---------------------------------------------------------------------------

#: Inline content: text (backquotes mark code, as in Markdown) or a number of papers.
Inline = str | PaperCount


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str


@dataclass(frozen=True)
class Para:
    parts: tuple[Inline, ...]


@dataclass(frozen=True)
class Items:
    """A list; the Markdown rendering ends it with a blank line even when it is empty."""

    items: tuple[tuple[Inline, ...], ...]
    ordered: bool = False
    #: HTML: folded away under this summary (a long list that would bury what follows).
    fold: str | None = None


@dataclass(frozen=True)
class TableBlock:
    """A table (cut at ``limit`` rows, the rest being in the query's CSV file)."""

    table: Table
    caption: str
    limit: int = REPORT_ROWS


@dataclass(frozen=True)
class FigureBlock:
    """A figure of :mod:`normspace.figures` (HTML only: Markdown has no inline figures)."""

    name: str


Block = Heading | Para | Items | TableBlock | FigureBlock

#: Figures shown after a query's section: query name -> figure name.
SECTION_FIGURES = {
    "approach-value-matrix": "approach-value-heatmap",
    "findings-per-approach": "findings-per-approach",
    "annotator-disagreement": "agreement",
}


@dataclass
class ReportInput:
    """Everything a report shows. ``results`` carry :class:`PaperCount` cells (the run job
    runs the queries with :func:`normspace.papersbehind.run_counted`), ``papers`` are all
    papers of the corpus."""

    corpus_name: str
    run: ValidationRun
    summary: LoadSummary
    results: dict[str, QueryResult]
    skipped: Sequence[NamedQuery]
    network: Highlights
    network_papers: NetworkPapers
    papers: PaperCount
    corpus: Path | None = None


def report_blocks(data: ReportInput) -> list[Block]:
    """The report, section by section (:data:`SECTIONS`)."""
    return [block for section in SECTIONS for block in section(data)]


def _title_section(data: ReportInput) -> list[Block]:
    corpus = (
        f"Corpus: {data.corpus_name}. {len(data.summary.loaded)} annotations of ",
        data.papers,
        " papers.",
    )
    return [Heading(1, "NormSpace corpus report", "top"), Para(corpus)]


def _validation_section(data: ReportInput) -> list[Block]:
    warnings = [p for p in data.run.problems if p.severity != "error"]
    items = [(_relative(str(p), data.corpus),) for p in warnings[:REPORT_ROWS]]
    if len(warnings) > REPORT_ROWS:
        items.append((f"… and {len(warnings) - REPORT_ROWS} more",))
    return [
        Heading(2, "Validation", "validation"),
        Para((summary_line(data.run.summary()) + ".",)),
        Items(
            tuple(items),
            fold=f"{len(warnings)} warnings and notes (click to show)" if warnings else None,
        ),
    ]


def _comparison_sections(data: ReportInput) -> list[Block]:
    blocks: list[Block] = [Heading(2, "Key comparisons", "key-comparisons"), Para((PAIRING_NOTE,))]
    for name, heading in (*KEY_COMPARISONS, *REPORT_SECTIONS):
        if name not in data.results:
            continue
        result = data.results[name]
        blocks += [
            Heading(3, heading, f"q-{name}"),
            Para((f"Query `{name}`: {query_title(name)}.",)),
        ]
        blocks.append(TableBlock(key_table(name, result, labels=True), heading))
        note = key_note(name, result)
        if note:
            blocks.append(Para((note,)))
        if name in SECTION_FIGURES:
            blocks.append(FigureBlock(SECTION_FIGURES[name]))
    return blocks


def _coverage_section(data: ReportInput) -> list[Block]:
    gaps = data.results.get("coverage-gaps")
    if gaps is None:
        return []
    text = (
        f"{len(gaps.rows)} pairs of a top-level value and a deployment domain are not "
        "addressed by any paper (`queries/coverage-gaps.csv`)."
    )
    return [
        Heading(3, "Coverage gaps", "coverage-gaps"),
        Para((text,)),
        FigureBlock("coverage-gaps"),
    ]


def _query_results_section(data: ReportInput) -> list[Block]:
    items: list[tuple[Inline, ...]] = [
        (f"`queries/{name}.csv`: {query_title(name)} ({len(result.rows)} rows)",)
        for name, result in data.results.items()
    ]
    for query in data.skipped:
        params = ", ".join(f"?{p.name}" for p in query.params if p.required)
        items.append(
            (
                f"`{query.name}` needs {params}: run `normspace query {query.name} "
                f"--param {query.params[0].name}=...`",
            )
        )
    return [Heading(2, "Query results", "query-results"), Items(tuple(items))]


def _network_section(data: ReportInput) -> list[Block]:
    return network_section(data.network, data.network_papers)


def _tension_section(data: ReportInput) -> list[Block]:
    return tension_section(data.network, data.network_papers)


#: The sections of the report, in order: both renderings follow this one list.
SECTIONS = (
    _title_section,
    _validation_section,
    _comparison_sections,
    _coverage_section,
    _network_section,
    _tension_section,
    _query_results_section,
)


def markdown_report(data: ReportInput) -> str:
    """The report of ``normspace run`` (Markdown). It names the corpus ``corpus_name`` and
    its files relative to ``corpus``, so that a report does not depend on where the corpus
    (or NormSpace, for the bundled corpus) happens to be installed."""
    lines: list[str] = []
    for block in report_blocks(data):
        lines += markdown_lines(block)
    return "\n".join(lines)


def markdown_lines(block: Block) -> list[str]:
    """One block as lines of Markdown (joined with newlines by :func:`markdown_report`)."""
    if isinstance(block, Heading):
        return ["#" * block.level + " " + block.text, ""]
    if isinstance(block, Para):
        return [_plain(block.parts), ""]
    if isinstance(block, Items):
        marks = [f"{i}." if block.ordered else "-" for i in range(1, len(block.items) + 1)]
        return [*(f"{m} {_plain(item)}" for m, item in zip(marks, block.items, strict=True)), ""]
    if isinstance(block, TableBlock):
        return [_md_table(block.table, block.limit) if block.table.rows else "No rows.\n"]
    return []  # figures: HTML only


def _plain(parts: Sequence[Inline]) -> str:
    return "".join(str(p) for p in parts)


def report_input(
    store: Store,
    corpus: Path | None,
    corpus_name: str,
    run: ValidationRun,
    summary: LoadSummary,
    results: dict[str, QueryResult],
    skipped: Sequence[NamedQuery],
) -> ReportInput:
    """What the report shows: the results with the papers behind their counts, and the
    co-occurrence and tension networks with theirs."""
    network, network_papers = network_data(store)
    return ReportInput(
        corpus_name,
        run,
        summary,
        results,
        skipped,
        network,
        network_papers,
        corpus_papers(store),
        corpus,
    )


def network_data(store: Store) -> tuple[Highlights, NetworkPapers]:
    """The highlights of the co-occurrence and tension networks, and the papers behind
    their numbers."""
    from .analysis import TENSIONS_QUERY, contribution_tags, highlights, tension_graph

    tags = contribution_tags(store)
    tensions = store.query(TENSIONS_QUERY).rows  # read once: the network and its paper lists
    network = highlights(tags, tensions=tension_graph(tensions))
    return network, NetworkPapers(tags, tensions)


def corpus_papers(store: Store) -> PaperCount:
    """Every annotated paper of the store (the library's ``papers`` query): the papers
    behind "N papers" at the top of the report."""
    return PaperCount(str(paper) for paper in library().get("papers").run(store).column("paper"))


class NetworkPapers:
    """The papers behind the numbers of the network sections, from the same data the
    networks are built from (:func:`normspace.analysis.contribution_tags` and the tension
    query)."""

    def __init__(self, tags: dict[str, list[frozenset[str]]], tensions: Sequence[tuple]) -> None:
        self.tags = tags
        self._tensions: dict[frozenset[str], set[str]] = {}
        for paper, _kind_a, pole_a, _kind_b, pole_b in tensions:
            key = frozenset((str(pole_a), str(pole_b)))
            self._tensions.setdefault(key, set()).add(str(paper))

    def all(self) -> PaperCount:
        """The papers in the co-occurrence network."""
        return PaperCount(self.tags)

    def pair(self, a: str, b: str, expected: int) -> PaperCount:
        """The papers in which one contribution carries both ``a`` and ``b``."""
        papers = [p for p, sets in self.tags.items() if any(a in s and b in s for s in sets)]
        return _checked(PaperCount(papers), expected, f"{a} + {b}")

    def tension(self, a: str, b: str, expected: int) -> PaperCount:
        """The papers that record ``a`` and ``b`` in tension in one trade-off."""
        return _checked(PaperCount(self._tensions.get(frozenset((a, b)), ())), expected, a)


def _checked(count: PaperCount, expected: int, what: str) -> PaperCount:
    if count != expected:
        raise RuntimeError(f"{what}: the network counts {expected} papers but lists {count}")
    return count


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


def _relative(text: str, corpus: Path | None) -> str:
    """``text`` with the corpus folder left out of the file paths it names."""
    if corpus is None:
        return text
    return text.replace(f"{corpus.resolve()}{os.sep}", "").replace(f"{corpus}{os.sep}", "")


def network_section(network: Highlights, papers: NetworkPapers) -> list[Block]:
    """The co-occurrence network: hubs, bridges, communities, cross-dimension pairs."""
    summary = (
        f"{network.terms} terms used in ",
        papers.all(),
        f" papers; {network.edges} pairs of terms share a paper (density {network.density:.3f}).",
    )
    blocks: list[Block] = [
        Heading(2, "Co-occurrence network", "cooccurrence-network"),
        Para(summary),
        FigureBlock("cooccurrence-network"),
        FigureBlock("term-usage"),
    ]
    if network.hubs:
        blocks.append(Para(("Most connected terms (weighted degree):",)))
        blocks.append(Items(tuple((f"{_label(t)} (`{curie(t)}`): {d}",) for t, d in network.hubs)))
    if network.bridges:
        sampled = (
            f", estimated from {network.bridge_sources} of {network.terms} terms as sources "
            "(seed 0)"
            if network.bridge_sources
            else ""
        )
        blocks.append(Para((f"Bridging terms (betweenness centrality{sampled}):",)))
        blocks.append(
            Items(tuple((f"{_label(t)} (`{curie(t)}`): {b}",) for t, b in network.bridges))
        )
    if network.communities:
        blocks.append(Para(("Communities (Louvain, seed 0), most used terms first:",)))
        communities = []
        for members in network.communities:
            shown = ", ".join(_label(t) for t in members[:8])
            more = f" and {len(members) - 8} more" if len(members) > 8 else ""
            communities.append((f"{shown}{more}",))
        blocks.append(Items(tuple(communities), ordered=True))
    if network.pairs:
        intro = "Terms of different dimensions that meet more often than by chance (lift):"
        pairs = tuple(
            (
                f"{_label(p.a)} + {_label(p.b)}: ",
                papers.pair(p.a, p.b, p.papers),
                f" papers, lift {p.lift}",
            )
            for p in network.pairs
        )
        blocks += [Para((intro,)), Items(pairs)]
    return blocks


def tension_section(network: Highlights, papers: NetworkPapers) -> list[Block]:
    """The tension network: which values, stakeholders and design goals papers set
    against each other, and which are contested most."""
    blocks: list[Block] = [Heading(2, "Tension network", "tension-network")]
    if not network.tensions:
        return [*blocks, Para(("No trade-offs recorded.",))]
    tensions = tuple(
        (
            f"{_label(t.a)} ({t.kind_a}) vs {_label(t.b)} ({t.kind_b}): ",
            papers.tension(t.a, t.b, t.papers),
            f" paper{'s' if t.papers != 1 else ''}",
        )
        for t in network.tensions
    )
    contested = tuple((f"{_label(pole)} ({kind}): {n}",) for pole, kind, n in network.contested)
    return [
        *blocks,
        FigureBlock("tension-network"),
        Para(("Poles in tension, by papers (kind in brackets):",)),
        Items(tensions),
        Para(("Poles in tension with the most others:",)),
        Items(contested),
    ]

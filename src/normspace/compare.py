"""Side-by-side comparisons in the spirit of ORKG's (``normspace compare``): one column per
alignment approach (``by="approach"``), per paper (``by="paper"``) or per contribution
(``by="contribution"``), one row per dimension, any subset of the dimensions
(``dimensions``) and optionally only the rows where the columns differ (``diff_only``).

Papers and contributions (data: the ``paper-annotations`` and ``paper-profile`` queries):
each cell lists the terms of that paper, over its contributions, and names the contribution
when the paper has several (``RLHF [ccai]``), so that conceptual papers without an approach
appear too. A paper annotated twice is one column, the union of both annotations, and a
term only one annotator recorded says so (``Honesty (Fixture Annotator A only)``);
``by="contribution"`` gives each annotation's contributions their own columns.

Approaches: one column per approach, one row per
dimension, each cell the terms recorded in the contributions that use the approach or a
narrower one (the first row says so: "papers (incl. narrower approaches)", since
``approach-value-matrix`` counts direct tags only), with the number of papers in brackets,
most frequent first. Terms count only inside the contribution that uses the approach (plus
the paper-level disciplines, research methods and assumptions), and only contributions
with the chosen role (default: those that propose or apply, or give no role): a paper that
criticises RLHF as its baseline does not lend RLHF the values of the method it proposes.
The approaches used together exclude the approach and its narrower ones: a paper is not
"used together" with the approach it is counted for.

The data come from two library queries, so that the comparison and ``normspace query``
always agree: ``approach-profile`` (every tag, trade-off and assumption of the approach's
papers) and ``papers-by-approach`` (the papers themselves).
"""

from __future__ import annotations

import contextlib
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import RDFS

from .annotation.identifiers import IdentifierError, normalise_arxiv, normalise_doi
from .annotation.slots import CONTRIBUTION_SLOTS, PAPER_SLOTS, TAG_SLOTS, TermSlot
from .diagnostics import suggest
from .errors import InputError
from .namespaces import NORM, SCHEMA
from .ontology import term_index
from .querylib import library, resolve_term
from .results import Cell, Table, cell_text
from .store import Store


@dataclass(frozen=True)
class Row:
    label: str
    prop: URIRef | None  # None: the papers row

    @property
    def key(self) -> str:
        """The ``--dimension`` key: the slot table's key for a tag slot, else its own."""
        if self.prop is None:
            return "papers"
        slot = _SLOT_KEYS.get(self.prop)
        return slot or _APPROACH_ROW_KEYS[self.prop]


#: Tag slot property -> its YAML key (the slot table, never re-listed by hand).
_SLOT_KEYS: dict[URIRef, str] = {s.prop: s.key for s in TAG_SLOTS}
#: Keys of the approach rows that are not tag slots.
_APPROACH_ROW_KEYS: dict[URIRef, str] = {
    NORM.measures: "finding_measures",
    NORM.comparedWith: "finding_baselines",
    NORM.hasPole: "trade_offs",
    NORM.resolvedBy: "trade_off_resolution",
    NORM.decidedBy: "trade_off_decided_by",
    NORM.assumptionType: "assumptions",
    NORM.attribution: "assumption_attribution",
    NORM.stance: "assumption_stance",
}

#: Rows of the comparison, in order.
ROWS: tuple[Row, ...] = (
    Row("papers (incl. narrower approaches)", None),
    Row("alignment targets", NORM.hasAlignmentTarget),
    Row("values", NORM.hasValue),
    Row("normative input from", NORM.normativeInputFrom),
    Row("sampling of normative input", NORM.hasSamplingMethod),
    Row("stakeholders considered or affected", NORM.hasStakeholder),
    Row("contexts", NORM.hasContext),
    Row("pluralism and aggregation", NORM.hasPluralismApproach),
    Row("evaluation", NORM.hasEvaluationCriterion),
    Row("findings: what was measured", NORM.measures),
    Row("findings: compared with", NORM.comparedWith),
    Row("contestability", NORM.hasContestabilityMechanism),
    Row("power and participation", NORM.hasParticipationAspect),
    Row("harms and risks", NORM.hasHarm),
    Row("design goals", NORM.hasDesignGoal),
    Row("tensions (values, stakeholders, design goals)", NORM.hasPole),
    Row("trade-off resolution", NORM.resolvedBy),
    Row("trade-offs decided by", NORM.decidedBy),
    Row("normative assumptions", NORM.assumptionType),
    Row("assumption attribution", NORM.attribution),
    Row("assumption stance", NORM.stance),
    Row("disciplines", NORM.hasDiscipline),
    Row("research methods", NORM.hasResearchMethod),
    Row("other approaches used together", NORM.hasAlignmentApproach),
)

#: What ``compare`` puts in its columns.
BY: tuple[str, ...] = ("approach", "paper", "contribution")


def resolve_approaches(refs: Sequence[str]) -> list[str]:
    """Approach IRIs from CURIEs, IRIs or labels (unknown ones raise with suggestions)."""
    index = term_index()
    scheme = str(NORM.AlignmentApproachScheme)
    iris = [index.resolve(ref, scheme).iri for ref in refs]
    duplicates = sorted({i for i in iris if iris.count(i) > 1})
    if duplicates:
        raise InputError(f"approach {cell_text(URIRef(duplicates[0]))} is given twice")
    return iris


@dataclass
class Profile:
    approach: str
    papers: list[tuple[str, str, str]]  # (paper IRI, year, title)
    cells: dict[str, list[tuple[str, int]]]  # property IRI -> [(text, papers)]


def resolve_role(ref: str | None) -> str | None:
    """A ContributionRole IRI from a CURIE, IRI, label (``uses as baseline``) or the YAML
    spelling (``uses-as-baseline``); None stays None (the default roles)."""
    if ref is None:
        return None
    return resolve_term(ref, str(NORM.ContributionRoleScheme), "--role")


def profile(store: Store, approach: str, labels: bool = True, role: str | None = None) -> Profile:
    """What the contributions using ``approach`` (or a narrower approach) record, per
    property; ``role`` (a ContributionRole IRI) selects the contributions, None the
    default roles."""
    queries = library()
    binding = {"approach": approach} | ({"role": role} if role else {})
    rows = queries.get("approach-profile").run(store, binding).dicts()
    cells: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for row in rows:
        text = cell_text(row["term"], labels)
        if row.get("otherTerm") is not None:
            text += " ↔ " + cell_text(row["otherTerm"], labels)
        cells[str(row["property"])].append((text, int(row["papers"])))
    papers: dict[str, tuple[str, str, str]] = {}
    for row in queries.get("papers-by-approach").run(store, binding).dicts():
        paper = str(row["paper"])
        papers.setdefault(paper, (paper, str(row["year"] or ""), str(row["title"] or paper)))
    return Profile(approach, list(papers.values()), dict(cells))


def _cell(items: list[tuple[str, int]]) -> str:
    ordered = sorted(items, key=lambda item: (-item[1], item[0].casefold()))
    return "; ".join(f"{text} ({n})" for text, n in ordered)


def _papers_cell(papers: list[tuple[str, str, str]]) -> str:
    return "; ".join(f"{title} ({year})" if year else title for _iri, year, title in papers)


def compare_approaches(
    store: Store, approaches: Sequence[str], labels: bool = True, role: str | None = None
) -> Table:
    """The comparison table of approaches: a ``dimension`` column, then one column per
    approach (only the contributions with ``role``, named in each column heading; None: the
    default roles)."""
    profiles = [profile(store, iri, labels, role) for iri in approaches]
    as_role = f", {cell_text(URIRef(role), labels)}" if role else ""
    header = ["dimension"]
    for p in profiles:
        n = len(p.papers)
        name = cell_text(URIRef(p.approach), labels)
        header.append(f"{name}{as_role} ({n} paper{'s' if n != 1 else ''})")
    rows: list[list] = []
    for row in ROWS:
        if row.prop is None:
            cells = [_papers_cell(p.papers) for p in profiles]
        else:
            cells = [_cell(p.cells.get(str(row.prop), [])) for p in profiles]
        rows.append([row.label, *cells])
    return Table(header, rows)


def compare(
    store: Store,
    refs: Sequence[str],
    by: str = "approach",
    dimensions: Sequence[str] | None = None,
    diff_only: bool = False,
    labels: bool = True,
    role: str | None = None,
) -> Table:
    """The comparison table: a ``dimension`` column, then one column per approach, paper or
    contribution (``by``).

    ``refs``: approaches (CURIE, IRI or label) for ``by="approach"``; papers (DOI, arXiv
    id, paper IRI or annotation file stem) or contributions (contribution IRI,
    ``PAPER#id``, or a paper for all its contributions) otherwise, where no ``refs`` means
    every paper or contribution. ``dimensions``: row keys (``values``, ``trade_offs``, ...;
    :func:`dimension_keys`), None for all. ``diff_only``: only the rows whose cells are not
    all the same. ``role``: a ContributionRole (IRI, CURIE, label or YAML spelling); for
    approaches None means the default roles, for papers and contributions every
    contribution (a paper's column shows all it does, each role in the ``role`` row).
    """
    if by not in BY:
        raise InputError(f"unknown --by `{by}`: expected one of {', '.join(BY)}")
    role_iri = resolve_role(role)
    keys = resolve_dimensions(by, dimensions)
    if by == "approach":
        if not refs:
            raise InputError("name at least one alignment approach to compare")
        table = compare_approaches(store, resolve_approaches(refs), labels, role_iri)
        selected = [(row.key, cells) for row, cells in zip(ROWS, table.rows, strict=True)]
        rows = select_rows(selected, keys, diff_only, identity=0)
        return Table(table.columns, rows, caption=_caption(by, len(table.columns) - 1, diff_only))
    return compare_papers(store, refs, by, keys, diff_only, labels, role_iri)


def dimension_keys(by: str) -> list[str]:
    """The row keys of a comparison ``by`` approach, paper or contribution, in row order."""
    if by == "approach":
        return [row.key for row in ROWS]
    return [d.key for d in DIMENSIONS]


def resolve_dimensions(by: str, refs: Sequence[str] | None) -> list[str] | None:
    """Row keys from ``--dimension`` values (key, or key spelled with spaces or hyphens),
    in the comparison's row order; None stays None (all rows). Unknown ones raise with the
    closest keys."""
    if not refs:
        return None
    known = dimension_keys(by)
    chosen: set[str] = set()
    for ref in refs:
        key = ref.strip().casefold().replace("-", "_").replace(" ", "_")
        if key not in known:
            close = suggest(key, known, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(f'`{c}`' for c in close)}?" if close else ""
            raise InputError(
                f"--dimension: unknown dimension `{ref}` for --by {by}{hint} "
                f"(dimensions: {', '.join(known)})"
            )
        chosen.add(key)
    return [k for k in known if k in chosen]


def select_rows(
    rows: Sequence[tuple[str, list[Cell]]],
    keys: Sequence[str] | None,
    diff_only: bool,
    identity: int = 0,
) -> list[list[Cell]]:
    """The rows of ``rows`` (key, cells) whose key is in ``keys`` (None: all) and, with
    ``diff_only``, whose cells after the first ``identity + 1`` (the dimension name and
    identity cells) are not all equal; a comparison of one column has no differences."""
    kept = []
    for key, cells in rows:
        if keys is not None and key not in keys:
            continue
        values = [str(c or "") for c in cells[1 + identity :]]
        if diff_only and len(set(values)) <= 1:
            continue
        kept.append(list(cells))
    return kept


# ---------------------------------------------------------------------------
# papers and contributions
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Dimension:
    """A row of a paper or contribution comparison."""

    key: str
    #: The row's name in the table (default: the key with spaces).
    name: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.key.replace("_", " ")


#: Rows of a paper or contribution comparison: the contribution's role and tag slots, its
#: trade-offs, findings and study facts, then the paper's assumptions and tag slots.
DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("role"),
    *(Dimension(s.key) for s in CONTRIBUTION_SLOTS),
    Dimension("trade_offs", "trade-offs"),
    Dimension("findings"),
    Dimension("study"),
    Dimension("assumptions"),
    *(Dimension(s.key) for s in PAPER_SLOTS),
)
#: Dimension key -> the tag slot behind it.
_SLOTS: dict[str, TermSlot] = {s.key: s for s in TAG_SLOTS}
#: Dimensions recorded on the annotation (the paper), not on a contribution.
_PAPER_LEVEL = {"assumptions", *(s.key for s in PAPER_SLOTS)}
#: How an explicit ``none:`` reads in a cell.
NONE_TEXT = "none (stated)"
#: Above this many papers, :func:`load_profiles` runs the profile query once for every
#: paper and keeps the ones asked for, instead of once per paper.
BOUND_QUERIES_UP_TO = 4

_STUDY_FACTS: dict[URIRef, str] = {
    NORM.hasSample: "sample",
    NORM.usesDataset: "uses dataset",
    NORM.producesDataset: "produces dataset",
    NORM.usesModel: "uses model",
    NORM.producesModel: "produces model",
}
_POLES = (NORM.involvesValue, NORM.involvesStakeholder, NORM.involvesDesignGoal)
Props = dict[str, list[Cell]]


@dataclass
class Contribution:
    iri: str
    tags: Props  # property IRI -> terms (role, label, slots, absence flags)
    parts: dict[tuple[str, str], Props]  # (via property, part digest) -> its terms

    @property
    def id(self) -> str:
        """The ``id`` of the annotation file (the IRI's last segment; ``1`` if none)."""
        return self.iri.rsplit("/", 1)[-1]

    @property
    def roles(self) -> list[Cell]:
        return self.tags.get(str(NORM.hasRole), [])


@dataclass
class Annotation:
    iri: str
    paper: str
    annotator: str
    tags: Props = field(default_factory=dict)
    parts: dict[tuple[str, str], Props] = field(default_factory=dict)
    contributions: dict[str, Contribution] = field(default_factory=dict)


@dataclass
class PaperInfo:
    iri: str
    title: str
    year: str
    doi: str
    arxiv: str
    annotations: list[str]  # annotation IRIs, sorted
    stems: list[str]  # annotation file stems (when the store recorded the files)
    annotators: dict[str, str] = field(default_factory=dict)  # annotation IRI -> name

    @property
    def heading(self) -> str:
        """``short title (year)``: the title up to a colon, at most 60 characters."""
        short = self.title.split(": ", 1)[0] if ": " in self.title else self.title
        if len(short) > 60:
            short = short[:59].rsplit(" ", 1)[0] + "…"
        return f"{short} ({self.year})" if self.year else short


@dataclass
class Column:
    heading: str
    paper: PaperInfo
    annotations: list[str]
    contributions: set[str] | None  # None: every contribution of the annotations


def paper_index(store: Store) -> dict[str, PaperInfo]:
    """Every paper with its identifiers and annotations (``paper-annotations``), and the
    file stems the store recorded for its annotations (``graph_info``; none remotely)."""
    sources = store.graph_info()
    papers: dict[str, PaperInfo] = {}
    for row in library().get("paper-annotations").run(store).dicts():
        paper = str(row["paper"])
        info = papers.setdefault(
            paper,
            PaperInfo(
                paper,
                str(row["title"] or paper),
                str(row["year"] or ""),
                str(row["doi"] or ""),
                str(row["arxiv"] or ""),
                [],
                [],
            ),
        )
        annotation = str(row["annotation"])
        if annotation not in info.annotations:
            info.annotations.append(annotation)
            info.annotators[annotation] = str(row["annotator"] or annotation)
            source = sources.get(annotation, {}).get("source")
            if source:
                info.stems.append(Path(source).name.removesuffix(".yaml"))
    return papers


def _ref_keys(info: PaperInfo) -> list[str]:
    """The spellings that name a paper: IRI, DOI, arXiv id, file stems and their part
    before the first dot (``ouyang2022`` for ``ouyang2022.a``), case-folded."""
    keys = [info.iri, info.doi, info.arxiv, *info.stems, *(s.split(".")[0] for s in info.stems)]
    return [k.casefold() for k in keys if k]


def _spellings(ref: str) -> set[str]:
    """``ref`` case-folded, and as a normalised DOI or arXiv id when it is one (prefixes,
    resolver IRIs and arXiv versions removed, as in annotation files)."""
    text = ref.strip()
    spellings = {text.casefold()}
    for normalise in (normalise_doi, normalise_arxiv):
        with contextlib.suppress(IdentifierError):
            spellings.add(normalise(text).casefold())
    return spellings


def resolve_paper(ref: str, papers: dict[str, PaperInfo]) -> PaperInfo:
    """A paper from its IRI, DOI (``10.…``, ``doi:10.…``), arXiv id (``2203.02155``,
    ``arXiv:2203.02155v2``) or annotation file stem; unknown ones raise with suggestions."""
    spellings = _spellings(ref)
    for info in papers.values():
        if spellings.intersection(_ref_keys(info)):
            return info
    text = ref.strip()
    candidates = [k for info in papers.values() for k in (info.doi, info.arxiv, *info.stems) if k]
    close = suggest(text, candidates, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(f'`{c}`' for c in close)}?" if close else ""
    raise InputError(
        f"unknown paper `{ref}`{hint} (give a DOI, arXiv id, paper IRI or annotation file "
        f"stem of a loaded paper; `normspace query papers` lists them)"
    )


def load_profiles(
    store: Store, papers: Sequence[str], every: bool, index: dict[str, PaperInfo]
) -> dict[str, Annotation]:
    """The annotations of ``papers`` with their terms (``paper-profile``) and parts
    (``paper-parts``): bound queries per paper for a few, else one query each for every
    paper, filtered here (a comparison of 10,000 papers must not run 20,000 queries)."""
    names = {a: name for info in index.values() for a, name in info.annotators.items()}
    annotations: dict[str, Annotation] = {}

    def annotation(paper: Cell, iri: Cell) -> Annotation:
        a = annotations.get(str(iri))
        if a is None:
            a = annotations[str(iri)] = Annotation(str(iri), str(paper), names.get(str(iri), ""))
        return a

    for paper, iri, contribution, prop, term in _rows(store, "paper-profile", papers, every):
        _add(annotation(paper, iri), contribution, None, None, str(prop), term)
    for paper, iri, contribution, via, part, prop, term in _rows(
        store, "paper-parts", papers, every
    ):
        _add(annotation(paper, iri), contribution, via, part, str(prop), term)
    return annotations


def _rows(store: Store, name: str, papers: Sequence[str], every: bool) -> list[list[Cell]]:
    """The rows of library query ``name`` for ``papers`` (all: ``every``), unordered."""
    query = library().get(name)
    text = unordered(query.text)
    if not every and len(papers) <= BOUND_QUERIES_UP_TO:
        return [
            row
            for paper in papers
            for row in store.query(text, query.bind({"paper": paper}), inline=query.inline).rows
        ]
    rows = store.query(text, query.bind({}), inline=query.inline).rows
    if every:
        return rows
    wanted = set(papers)
    return [row for row in rows if str(row[0]) in wanted]


def unordered(sparql: str) -> str:
    r"""A library query without its final ``ORDER BY`` line: the comparison sorts every cell
    itself, and sorting hundreds of thousands of rows of a 10,000-paper corpus took Oxigraph
    four times as long as the query (measured: 83 s against 20 s).

    >>> unordered("SELECT ?a WHERE { ?a ?b ?c }\nORDER BY ?a\n")
    'SELECT ?a WHERE { ?a ?b ?c }\n'
    """
    return re.sub(r"\nORDER BY [^\n{}]*\s*$", "\n", sparql)


def _add(a: Annotation, contribution: Cell, via: Cell, part: Cell, prop: str, term: Cell) -> None:
    """File one row of ``paper-profile`` under its annotation, contribution and part."""
    if contribution is None:
        tags, parts = a.tags, a.parts
    else:
        c = a.contributions.get(str(contribution))
        if c is None:
            c = a.contributions[str(contribution)] = Contribution(str(contribution), {}, {})
        tags, parts = c.tags, c.parts
    if via is not None:
        tags = parts.setdefault((str(via), str(part)), {})
    tags.setdefault(prop, []).append(term)


def _texts(cells: Sequence[Cell], labels: bool) -> list[str]:
    return sorted((cell_text(c, labels) for c in cells), key=str.casefold)


def _trade_off(props: Props, labels: bool) -> str:
    """``A ↔ B — resolved by R — decided by D — in C``."""
    poles = _texts([t for p in _POLES for t in props.get(str(p), [])], labels)
    text = " ↔ ".join(poles)
    for prop, lead in (
        (NORM.resolvedBy, "resolved by"),
        (NORM.decidedBy, "decided by"),
        (NORM.arisesInContext, "in"),
    ):
        terms = _texts(props.get(str(prop), []), labels)
        if terms:
            text += f" — {lead} " + ", ".join(terms)
    return text


def _one(props: Props, prop: URIRef, labels: bool) -> str:
    return ", ".join(_texts(props.get(str(prop), []), labels))


def _finding(props: Props, labels: bool) -> str:
    """``measure: direction vs baseline (value unit)``."""
    text = _one(props, NORM.measures, labels) or "finding"
    direction = _one(props, NORM.direction, labels)
    baseline = _one(props, NORM.comparedWith, labels) or _one(
        props, NORM.baselineDescription, labels
    )
    if direction:
        text += f": {direction}"
    if baseline:
        text += f" vs {baseline}"
    amount = " ".join(
        filter(None, (_one(props, SCHEMA.value, labels), _one(props, SCHEMA.unitText, labels)))
    )
    return text + (f" ({amount})" if amount else "")


def _study(via: str, props: Props, labels: bool) -> str:
    """``sample: 1200 (US adults)``, ``uses dataset: NAME``."""
    kind = _STUDY_FACTS[URIRef(via)]
    if URIRef(via) == NORM.hasSample:
        size = _one(props, NORM.sampleSize, labels) or "?"
        population = _one(props, NORM.population, labels)
        return f"{kind}: {size}" + (f" ({population})" if population else "")
    return f"{kind}: {_one(props, SCHEMA.name, labels)}"


def _assumption(props: Props, labels: bool) -> str:
    """``type (stance, attribution)``."""
    qualifiers = [_one(props, p, labels) for p in (NORM.stance, NORM.attribution)]
    details = ", ".join(q for q in qualifiers if q)
    return _one(props, NORM.assumptionType, labels) + (f" ({details})" if details else "")


def contribution_items(c: Contribution, key: str, labels: bool) -> list[str]:
    """The texts of contribution ``c`` in dimension ``key``."""
    if key == "role":
        return _texts(c.roles, labels)
    if key == "trade_offs":
        parts = [p for (via, _), p in c.parts.items() if URIRef(via) == NORM.hasTradeOff]
        return [_trade_off(p, labels) for p in parts]
    if key == "findings":
        parts = [p for (via, _), p in c.parts.items() if URIRef(via) == NORM.hasFinding]
        return [_finding(p, labels) for p in parts]
    if key == "study":
        return [
            _study(via, p, labels) for (via, _), p in c.parts.items() if URIRef(via) in _STUDY_FACTS
        ]
    slot = _SLOTS[key]
    texts = _texts(c.tags.get(str(slot.prop), []), labels)
    if slot.absence is not None and str(slot.absence) in c.tags:
        texts.append(NONE_TEXT)
    return texts


def paper_items(a: Annotation, key: str, labels: bool) -> list[str]:
    """The texts of annotation ``a`` in paper-level dimension ``key``."""
    if key == "assumptions":
        return [_assumption(p, labels) for (via, _), p in a.parts.items()]
    return _texts(a.tags.get(str(_SLOTS[key].prop), []), labels)


def _column_cell(
    column: Column,
    annotations: dict[str, Annotation],
    key: str,
    labels: bool,
    role: str | None,
) -> str:
    """One cell: the column's texts in dimension ``key``, sorted; a contribution's id in
    brackets when the column spans several (``RLHF [ccai]``); ``(A only)`` for what only
    some of a paper's annotators recorded."""
    found: dict[str, set[str]] = defaultdict(set)
    chosen = [annotations[a] for a in column.annotations if a in annotations]
    contributions = [
        (a, c)
        for a in chosen
        for c in a.contributions.values()
        if (column.contributions is None or c.iri in column.contributions)
        and (role is None or URIRef(role) in c.roles)
    ]
    several = len({c.id for _, c in contributions}) > 1
    for a in chosen:
        if key in _PAPER_LEVEL:
            for text in paper_items(a, key, labels):
                found[text].add(a.iri)
    for a, c in contributions:
        if key not in _PAPER_LEVEL:
            suffix = f" [{c.id}]" if several else ""
            for text in contribution_items(c, key, labels):
                found[text + suffix].add(a.iri)
    everyone = {a.iri for a in chosen}
    texts = []
    for text, holders in found.items():
        if len(everyone) > 1 and holders != everyone:
            names = ", ".join(sorted(annotations[h].annotator for h in holders))
            text += f" ({names} only)"
        texts.append(text)
    return "; ".join(sorted(texts, key=str.casefold))


def _paper_columns(refs: Sequence[str], papers: dict[str, PaperInfo]) -> list[Column]:
    chosen = [resolve_paper(ref, papers) for ref in refs] if refs else list(papers.values())
    seen: set[str] = set()
    for info, ref in zip(chosen, refs, strict=False):
        if info.iri in seen:
            raise InputError(f"paper `{ref}` is given twice (it is {info.iri})")
        seen.add(info.iri)
    return [Column(p.heading, p, p.annotations, None) for p in chosen]


def _split_contribution_ref(ref: str) -> tuple[str, str | None]:
    """``PAPER#id`` -> (PAPER, id); a contribution IRI or a paper stays whole."""
    if "#" in ref and "/contribution/" not in ref:
        paper, _, cid = ref.rpartition("#")
        return paper, cid
    return ref, None


def _contribution_heading(info: PaperInfo, a: Annotation, c: Contribution, labels: bool) -> str:
    """``short title (year) / label or id, roles`` (``— annotator`` when annotated twice)."""
    label = next((str(t) for t in c.tags.get(str(RDFS.label), [])), "") or c.id
    roles = ", ".join(_texts(c.roles, labels))
    heading = f"{info.heading} / {label}" + (f", {roles}" if roles else "")
    return heading + (f" — {a.annotator}" if len(info.annotations) > 1 else "")


def _contribution_columns(
    refs: Sequence[str],
    papers: dict[str, PaperInfo],
    annotations: dict[str, Annotation],
    labels: bool,
) -> list[Column]:
    by_iri = {c.iri: (a, c) for a in annotations.values() for c in a.contributions.values()}
    picked: list[tuple[Annotation, Contribution]] = []
    for ref in refs or [p.iri for p in papers.values()]:
        if ref in by_iri:
            picked.append(by_iri[ref])
            continue
        if "/contribution/" in ref:
            raise InputError(f"unknown contribution `{ref}` (no such contribution is loaded)")
        paper_ref, cid = _split_contribution_ref(ref)
        info = resolve_paper(paper_ref, papers)
        found = [
            (annotations[i], c)
            for i in info.annotations
            if i in annotations
            for c in annotations[i].contributions.values()
            if cid is None or c.id == cid
        ]
        if not found:
            ids = sorted(
                {
                    c.id
                    for i in info.annotations
                    if i in annotations
                    for c in annotations[i].contributions.values()
                }
            )
            close = suggest(cid or "", ids, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(f'`{c}`' for c in close)}?" if close else ""
            what = f"no contribution `{cid}`{hint}" if cid else "no contributions"
            raise InputError(
                f"paper `{paper_ref}` has {what} (its contributions: {', '.join(ids) or 'none'})"
            )
        picked.extend(found)
    columns = []
    seen: set[str] = set()
    for a, c in picked:
        if c.iri in seen:
            raise InputError(f"contribution {c.iri} is given twice")
        seen.add(c.iri)
        info = papers[a.paper]
        heading = _contribution_heading(info, a, c, labels)
        columns.append(Column(heading, info, [a.iri], {c.iri}))
    return columns


def compare_papers(
    store: Store,
    refs: Sequence[str],
    by: str,
    keys: Sequence[str] | None,
    diff_only: bool,
    labels: bool,
    role: str | None,
) -> Table:
    """The comparison table of papers or contributions (see :func:`compare`)."""
    papers = paper_index(store)
    if by == "paper":
        columns = _paper_columns(refs, papers)
        annotations = load_profiles(store, [c.paper.iri for c in columns], not refs, papers)
    else:
        wanted = list(dict.fromkeys(_paper_of_contribution_ref(r, papers) for r in refs))
        annotations = load_profiles(store, wanted, not refs, papers)
        columns = _contribution_columns(refs, papers, annotations, labels)
    header = ["dimension", *_unique([c.heading for c in columns], columns)]
    rows: list[tuple[str, list[Cell]]] = [
        ("paper", ["paper", *(URIRef(c.paper.iri) for c in columns)])
    ]
    for d in DIMENSIONS:
        if keys is not None and d.key not in keys:
            continue
        cells = [_column_cell(c, annotations, d.key, labels, role) for c in columns]
        rows.append((d.key, [d.label, *cells]))
    identity = rows[:1]
    body = select_rows(rows[1:], keys, diff_only)
    rows = [cells for _, cells in identity] + body
    return Table(header, rows, caption=_caption(by, len(columns), diff_only))


def _paper_of_contribution_ref(ref: str, papers: dict[str, PaperInfo]) -> str:
    """The paper IRI behind a ``--by contribution`` reference: a contribution IRI
    (``<annotation IRI>/contribution/<id>``), ``PAPER#id`` or a paper."""
    if "/contribution/" in ref:
        annotation = ref.rsplit("/contribution/", 1)[0]
        for info in papers.values():
            if annotation in info.annotations:
                return info.iri
        raise InputError(
            f"unknown contribution `{ref}`: no loaded annotation <{annotation}> "
            "(`normspace query paper-annotations` lists them)"
        )
    return resolve_paper(_split_contribution_ref(ref)[0], papers).iri


def _unique(headings: list[str], columns: list[Column]) -> list[str]:
    """Headings, with the paper's DOI, arXiv id or IRI added where two would be the same
    (two papers with one short title and year), so that every column has its own name."""
    counts: dict[str, int] = defaultdict(int)
    for heading in headings:
        counts[heading] += 1
    return [
        f"{h} [{c.paper.doi or c.paper.arxiv or c.paper.iri}]" if counts[h] > 1 else h
        for h, c in zip(headings, columns, strict=True)
    ]


def _caption(by: str, n: int, diff_only: bool) -> str:
    """``Comparison of 2 papers (rows where they differ)``."""
    what = f"{n} {by}{'s' if n != 1 else ''}" if by != "approach" or n != 1 else "1 approach"
    return f"Comparison of {what}" + (" (rows where they differ)" if diff_only else "")

"""Side-by-side comparison of alignment approaches across every dimension (``normspace
compare``), in the spirit of an ORKG comparison: one column per approach, one row per
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

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import URIRef

from .errors import InputError
from .namespaces import NORM
from .ontology import term_index
from .querylib import library, resolve_term
from .results import Table, cell_text
from .store import Store


@dataclass(frozen=True)
class Row:
    label: str
    prop: URIRef | None  # None: the papers row


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


def compare(
    store: Store, approaches: Sequence[str], labels: bool = True, role: str | None = None
) -> Table:
    """The comparison table: a ``dimension`` column, then one column per approach (only
    the contributions with ``role``, named in each column heading; None: the default
    roles)."""
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

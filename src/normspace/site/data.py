"""What the site shows, read from the store once: every whole-corpus query runs one time
and the pages pick their rows from the results, so that 178 paper pages cost the same
handful of queries as one (a query per page would be 178 x 6 round trips, and remotely
far more). Each table of the site keeps the name of the library query its rows come from
(:class:`Source`), so the page can show that query and a link to run it on a server.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import DCTERMS, SKOS

from ..agreement import AgreementReport, agreement
from ..compare import Annotation, PaperInfo, load_profiles, paper_index
from ..mappings import Mapping, read_mapping_sets
from ..namespaces import NORM, curie
from ..ontology import Term, load_ontology, term_index
from ..querylib import library
from ..results import Cell
from ..store import Store

#: The concept scheme of the alignment approaches (approach and comparison pages).
APPROACH_SCHEME = str(NORM.AlignmentApproachScheme)


@dataclass(frozen=True)
class Source:
    """A library query behind a table, with the parameters that select the table's rows."""

    name: str
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Evidence:
    quote: str
    location: str
    confidence: str


@dataclass
class PartText:
    """The annotator's wording of a trade-off, finding or assumption, and its evidence."""

    statements: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Paper:
    """One paper: metadata, annotations (with their terms) and evidence."""

    info: PaperInfo
    venue: str = ""
    authors: list[str] = field(default_factory=list)
    authors_incomplete: bool = False
    annotations: list[Annotation] = field(default_factory=list)
    #: (annotation, contribution or "", term) -> its evidence quotes
    evidence: dict[tuple[str, str, str], list[Evidence]] = field(default_factory=dict)
    contributions: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    #: (annotation, contribution or "", via, part digest) -> the part's wording and evidence
    parts: dict[tuple[str, str, str, str], PartText] = field(default_factory=dict)

    @property
    def iri(self) -> str:
        return self.info.iri


@dataclass
class TermInfo:
    """An ontology term with what the ontology and the corpus say about it."""

    term: Term
    direct: int = 0
    total: int = 0
    narrower: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    mappings: list[tuple[Mapping, str, str]] = field(default_factory=list)  # row, IRI, set
    papers: list[str] = field(default_factory=list)  # direct use, in query order


@dataclass
class SiteData:
    """Everything the pages need, gathered by :func:`gather`."""

    papers: dict[str, Paper]
    terms: dict[str, TermInfo]
    schemes: dict[str, str]  # scheme IRI -> label, in ontology order
    agreement: AgreementReport
    paper_rows: list[dict[str, Cell]]  # the `papers` query

    def used_approaches(self) -> list[TermInfo]:
        """Approaches used by at least one paper (directly or via a narrower one), most
        used first."""
        found = [t for t in self.terms.values() if t.term.scheme == APPROACH_SCHEME and t.total]
        return sorted(found, key=lambda t: (-t.total, t.term.label.casefold(), t.term.iri))


def gather(store: Store) -> SiteData:
    """Run the whole-corpus queries once and index their rows by paper and term."""
    queries = library()
    index = paper_index(store)
    papers = {iri: Paper(info) for iri, info in sorted(index.items())}
    paper_rows = queries.get("papers").run(store).dicts()
    for row in paper_rows:
        paper = papers.get(str(row["paper"]))
        if paper is not None and row.get("venue") is not None and not paper.venue:
            paper.venue = str(row["venue"])
    _add_authors(store, papers)
    _add_annotations(store, papers, index)
    _add_evidence(store, papers)
    _add_contributions(store, papers)
    _add_parts(store, papers)
    terms = _terms(store)
    return SiteData(papers, terms, _schemes(), agreement(store), paper_rows)


def _add_authors(store: Store, papers: dict[str, Paper]) -> None:
    seen: dict[str, set[str]] = defaultdict(set)
    for row in library().get("site-authors").run(store).dicts():
        paper = papers.get(str(row["paper"]))
        name = str(row["name"])
        if paper is None or name in seen[paper.iri]:
            continue
        seen[paper.iri].add(name)
        paper.authors.append(name)
        paper.authors_incomplete |= row.get("incomplete") is not None and bool(
            row["incomplete"].toPython()  # type: ignore[union-attr]
        )


def _add_annotations(store: Store, papers: dict[str, Paper], index: dict[str, PaperInfo]) -> None:
    profiles = load_profiles(store, list(papers), True, index)
    for iri in sorted(profiles):
        annotation = profiles[iri]
        paper = papers.get(annotation.paper)
        if paper is not None:
            paper.annotations.append(annotation)
    for paper in papers.values():  # an annotation that records nothing still counts
        known = {a.iri for a in paper.annotations}
        for iri in paper.info.annotations:
            if iri not in known:
                paper.annotations.append(Annotation(iri, paper.iri, paper.info.annotators[iri]))
        paper.annotations.sort(key=lambda a: a.iri)


def _add_evidence(store: Store, papers: dict[str, Paper]) -> None:
    for row in library().get("site-evidence").run(store).dicts():
        paper = papers.get(str(row["paper"]))
        if paper is None:
            continue
        key = (str(row["annotation"]), _str(row["contribution"]), str(row["term"]))
        item = Evidence(_str(row["quote"]), _str(row["location"]), _str(row["confidence"]))
        quotes = paper.evidence.setdefault(key, [])
        if item not in quotes:
            quotes.append(item)


def _add_contributions(store: Store, papers: dict[str, Paper]) -> None:
    """Contribution IRI -> (label, roles) per paper (the `contributions` query)."""
    for row in library().get("contributions").run(store).dicts():
        paper = papers.get(str(row["paper"]))
        if paper is None:
            continue
        label, roles = paper.contributions.setdefault(
            str(row["contribution"]), (_str(row["label"]), [])
        )
        role = _str(row["role"])
        if role not in roles:
            roles.append(role)


def _add_parts(store: Store, papers: dict[str, Paper]) -> None:
    """Wording and evidence of trade-offs, findings and assumptions (`site-parts`)."""
    for row in library().get("site-parts").run(store).dicts():
        paper = papers.get(str(row["paper"]))
        if paper is None:
            continue
        key = (
            str(row["annotation"]),
            _str(row["contribution"]),
            str(row["via"]),
            str(row["part"]),
        )
        part = paper.parts.setdefault(key, PartText())
        statement = _str(row["statement"])
        if statement and statement not in part.statements:
            part.statements.append(statement)
        if row["quote"] is not None or row["location"] is not None:
            item = Evidence(_str(row["quote"]), _str(row["location"]), "")
            if item not in part.evidence:
                part.evidence.append(item)


def _terms(store: Store) -> dict[str, TermInfo]:
    """Every term of the ontology, with usage counts (`term-usage`), the papers using it
    (`site-term-papers`), narrower terms, sources, notes and mappings."""
    index = term_index()
    terms = {t.iri: TermInfo(t) for t in sorted(index, key=lambda t: t.iri)}
    for info in terms.values():
        for broader in info.term.broader:
            if broader in terms:
                terms[broader].narrower.append(info.term.iri)
    graph = load_ontology()
    for iri, info in terms.items():
        node = URIRef(iri)
        info.sources = sorted(str(s) for s in graph.objects(node, DCTERMS.source))
        info.notes = sorted(str(s) for s in graph.objects(node, SKOS.scopeNote))
    for row in library().get("term-usage").run(store).dicts():
        info = terms.get(str(row["term"]))
        if info is not None:
            info.direct, info.total = int(row["direct"]), int(row["total"])  # type: ignore[arg-type]
    for row in library().get("site-term-papers").run(store).dicts():
        info = terms.get(str(row["term"]))
        if info is not None and str(row["paper"]) not in info.papers:
            info.papers.append(str(row["paper"]))
    by_curie = {curie(iri): info for iri, info in terms.items()}
    for mapping_set in read_mapping_sets():
        for mapping in mapping_set.mappings:
            info = by_curie.get(mapping.subject_id)
            if info is not None:
                expanded = mapping_set.expand(mapping.object_id) or mapping.object_id
                info.mappings.append((mapping, expanded, mapping_set.name))
    for info in terms.values():
        info.mappings.sort(key=lambda m: (m[0].predicate_id, m[0].object_id))
    return terms


def _schemes() -> dict[str, str]:
    from ..querylib import concept_schemes

    return dict(concept_schemes())


def _str(cell: Cell) -> str:
    return "" if cell is None else str(cell)

"""The pages of the site: one per paper, term, approach and comparison, and the lists.

File names are stable and readable: ``paper/doi-10.1145-3287560.3287598.html``,
``term/norm-Contestability.html``; :class:`Names` gives every page its path once, so a link
can only point at a page the builder writes (a test follows them all).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import RDFS

from ..annotation.slots import CONTRIBUTION_SLOTS, PAPER_SLOTS, TermSlot
from ..compare import (
    NONE_TEXT,
    Annotation,
    Contribution,
    contribution_items,
    paper_items,
)
from ..namespaces import NORM, curie
from ..results import Cell, cell_text
from .data import Evidence, Paper, SiteData, Source
from .html import Context, Page, esc, heading, link, queries_behind, table

#: How many co-occurring terms a term page lists.
COOCCURRING = 15
#: At most this many approaches side by side on a comparison page (most used first).
COMPARISON_COLUMNS = 8
#: The parts of a contribution: (compare's dimension key, heading, ?via property).
PART_KINDS: tuple[tuple[str, str, str], ...] = (
    ("trade_offs", "tension or trade-off", str(NORM.hasTradeOff)),
    ("findings", "finding", str(NORM.hasFinding)),
    *(
        ("study", "study", str(prop))
        for prop in (
            NORM.hasSample,
            NORM.usesDataset,
            NORM.producesDataset,
            NORM.usesModel,
            NORM.producesModel,
        )
    ),
)
#: The parts of an annotation (the paper): its normative assumptions.
ASSUMPTION_KEYS: tuple[tuple[str, str, str], ...] = (
    ("assumptions", "assumption", str(NORM.hasAssumption)),
)


def slug(text: str) -> str:
    """A file-name-safe form of ``text``.

    >>> slug("doi:10.1145/3287560.3287598"), slug("norm:Contestability")
    ('doi-10.1145-3287560.3287598', 'norm-Contestability')
    """
    return re.sub(r"[^A-Za-z0-9._]+", "-", text).strip("-.")[:100] or "x"


def short_iri(iri: str) -> str:
    """``doi:10.…``, ``arXiv:…`` or the IRI itself."""
    for prefix, name in (("https://doi.org/", "doi:"), ("https://arxiv.org/abs/", "arXiv:")):
        if iri.startswith(prefix):
            return name + iri[len(prefix) :]
    return iri


@dataclass
class Names:
    """Page paths of papers, terms and approaches, unique (a digest is added on a clash)."""

    papers: dict[str, str] = field(default_factory=dict)
    terms: dict[str, str] = field(default_factory=dict)
    approaches: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, data: SiteData) -> Names:
        names = cls()
        names.papers = _unique("paper", {iri: short_iri(iri).lower() for iri in data.papers})
        names.terms = _unique("term", {iri: curie(iri) for iri in data.terms})
        names.approaches = {
            t.term.iri: names.terms[t.term.iri].replace("term/", "approach/", 1)
            for t in data.used_approaches()
        }
        return names


def _unique(folder: str, keys: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    taken: set[str] = set()
    for iri in sorted(keys):
        name = slug(keys[iri])
        if name.casefold() in taken:  # also distinct on case-insensitive file systems
            name += "-" + hashlib.sha1(iri.encode("utf-8")).hexdigest()[:8]
        taken.add(name.casefold())
        out[iri] = f"{folder}/{name}.html"
    return out


@dataclass
class Builder:
    """Renders cells with links to the site's own pages."""

    data: SiteData
    names: Names
    ctx: Context

    # -- cells -----------------------------------------------------------------------------
    def term_link(self, page: Page, iri: str) -> str:
        info = self.data.terms.get(iri)
        if info is None:
            return esc(curie(iri))
        return link(page.href(self.names.terms[iri]), info.term.label, info.term.curie)

    def paper_link(self, page: Page, iri: str) -> str:
        paper = self.data.papers.get(iri)
        if paper is None:
            return esc(iri)
        return link(page.href(self.names.papers[iri]), paper.info.title or iri, short_iri(iri))

    def cell(self, page: Page, value: Cell) -> str:
        """A query cell: terms and papers as links, anything else as (escaped) text."""
        if isinstance(value, URIRef):
            if str(value) in self.data.terms:
                return self.term_link(page, str(value))
            if str(value) in self.data.papers:
                return self.paper_link(page, str(value))
            return esc(cell_text(value))
        return esc(cell_text(value))

    def cells(self, page: Page, values: Iterable[Cell]) -> str:
        return ", ".join(self.cell(page, v) for v in values)


# -- paper pages -------------------------------------------------------------------------------


def paper_page(b: Builder, paper: Paper) -> Page:
    """Metadata, each annotation's contributions with tags and evidence, parts, agreement."""
    info = paper.info
    page = Page(b.names.papers[paper.iri], info.title or paper.iri, depth=1)
    page.add(f"<h1>{esc(info.title or paper.iri)}</h1>\n", _paper_meta(b, page, paper))
    annotator_rows = [
        [esc(info.annotators.get(a.iri, a.annotator)), esc(a.iri)] for a in paper.annotations
    ]
    page.add(
        heading(2, "Annotations", "annotations"),
        table(
            page,
            b.ctx,
            "Annotations of this paper, one per annotator",
            ["annotator", "annotation"],
            annotator_rows,
            [Source("paper-annotations", (("paper", paper.iri),))],
        ),
    )
    for n, annotation in enumerate(paper.annotations, start=1):
        who = info.annotators.get(annotation.iri, annotation.annotator)
        page.add(
            f'<section aria-labelledby="a{n}">\n',
            heading(2, f"Annotation by {who}", f"a{n}"),
            _paper_tags(b, page, paper, annotation),
        )
        for c_iri in sorted(annotation.contributions):
            page.add(_contribution(b, page, paper, annotation, c_iri))
        page.add("</section>\n")
    if len(paper.annotations) > 1:
        page.add(_paper_agreement(b, page, paper))
    return page


def _paper_meta(b: Builder, page: Page, paper: Paper) -> str:
    info = paper.info
    authors = ", ".join(esc(a) for a in paper.authors)
    if paper.authors_incomplete:
        authors += ", et al."
    facts = [f"<dt>Authors</dt><dd>{authors or 'not recorded'}</dd>"]
    if info.year:
        facts.append(f"<dt>Year</dt><dd>{esc(info.year)}</dd>")
    if paper.venue:
        facts.append(f"<dt>Venue</dt><dd>{esc(paper.venue)}</dd>")
    if info.doi:
        facts.append(f"<dt>DOI</dt><dd>{link('https://doi.org/' + info.doi, info.doi)}</dd>")
    if info.arxiv:
        url = "https://arxiv.org/abs/" + info.arxiv
        facts.append(f"<dt>arXiv</dt><dd>{link(url, info.arxiv)}</dd>")
    facts.append(f"<dt>IRI</dt><dd><code>{esc(paper.iri)}</code></dd>")
    params = (("paper", paper.iri),)
    sources = [Source("site-authors", params), Source("paper-annotations", params)]
    return f'<dl class="meta">{"".join(facts)}</dl>\n' + queries_behind(page, b.ctx, sources)


def _evidence(items: Sequence[Evidence]) -> str:
    out = []
    for e in items:
        where = esc(e.location) if e.location else "location not given"
        conf = f", confidence {esc(e.confidence)}" if e.confidence else ""
        quote = f"<q>{esc(e.quote)}</q> " if e.quote else ""
        out.append(f'<p class="evidence">{quote}<span class="note">({where}{conf})</span></p>')
    return "".join(out)


def _tag_rows(
    b: Builder,
    page: Page,
    paper: Paper,
    annotation: str,
    holder: str,
    tags: dict[str, list[Cell]],
    slots: Sequence[TermSlot],
) -> list[list[str]]:
    """One row per slot and term: the term (linked) and the evidence quoted for it."""
    rows = []
    for slot in slots:
        terms = sorted(tags.get(str(slot.prop), []), key=lambda t: cell_text(t, True).casefold())
        for term in terms:
            quotes = paper.evidence.get((annotation, holder, str(term)), [])
            rows.append([esc(slot.key.replace("_", " ")), b.cell(page, term), _evidence(quotes)])
        if slot.absence is not None and str(slot.absence) in tags:
            rows.append([esc(slot.key.replace("_", " ")), esc(NONE_TEXT), ""])
    return rows


def _paper_tags(b: Builder, page: Page, paper: Paper, annotation: Annotation) -> str:
    params = (("paper", paper.iri),)
    rows = _tag_rows(b, page, paper, annotation.iri, "", annotation.tags, PAPER_SLOTS)
    out = table(
        page,
        b.ctx,
        "Paper-level tags: disciplines and research methods, with evidence",
        ["slot", "term", "evidence"],
        rows,
        [Source("paper-profile", params), Source("site-evidence", params)],
    )
    out += heading(3, "Normative assumptions") + table(
        page,
        b.ctx,
        "Normative assumptions (type, stance, attribution), with the annotator's wording",
        ["kind", "type, stance, attribution", "wording and evidence"],
        _part_rows(paper, annotation.iri, "", annotation.parts, ASSUMPTION_KEYS),
        [Source("paper-parts", params), Source("site-parts", params)],
    )
    return out


def _part_rows(
    paper: Paper,
    annotation: str,
    holder: str,
    parts: dict[tuple[str, str], dict[str, list[Cell]]],
    kinds: Sequence[tuple[str, str, str]],
) -> list[list[str]]:
    """One row per trade-off, finding, study fact or assumption: its terms (as
    ``normspace compare`` writes them), its wording and evidence (`site-parts`), including
    parts that have only wording (a finding stated in words)."""
    rows: list[tuple[int, str, list[str]]] = []
    worded = {
        (via, part): text
        for (a, h, via, part), text in paper.parts.items()
        if a == annotation and h == holder
    }
    for order, (key, title, via) in enumerate(kinds):
        digests = sorted({d for (v, d) in parts if v == via} | {d for (v, d) in worded if v == via})
        for digest in digests:
            terms = _part_text(key, via, digest, parts.get((via, digest)))
            words = worded.get((via, digest))
            wording = ""
            if words is not None:
                wording = "".join(f"<p>{esc(s)}</p>" for s in words.statements)
                wording += _evidence(words.evidence)
            rows.append((order, terms.casefold() + digest, [esc(title), esc(terms), wording]))
    return [row for _order, _key, row in sorted(rows, key=lambda r: (r[0], r[1]))]


def _part_text(key: str, via: str, digest: str, props: dict[str, list[Cell]] | None) -> str:
    """The terms of one part, through the comparison's own wording of it."""
    if props is None:
        return ""
    if key == "assumptions":
        return "; ".join(
            paper_items(Annotation("", "", "", parts={(via, digest): props}), key, True)
        )
    return "; ".join(contribution_items(Contribution("", {}, {(via, digest): props}), key, True))


def _contribution(b: Builder, page: Page, paper: Paper, annotation: Annotation, c_iri: str) -> str:
    c = annotation.contributions[c_iri]
    label, roles = paper.contributions.get(c_iri, ("", []))
    label = label or next((str(t) for t in c.tags.get(str(RDFS.label), [])), "") or c.id
    role_text = ", ".join(
        b.cell(page, URIRef(r)) if r.startswith("http") else esc(r) for r in sorted(roles)
    )
    params = (("paper", paper.iri),)
    rows = _tag_rows(b, page, paper, annotation.iri, c_iri, c.tags, CONTRIBUTION_SLOTS)
    out = (
        f"<h3>Contribution: {esc(label)}</h3>\n"
        f"<p>Role: {role_text or 'not given'}. <code>{esc(c_iri)}</code></p>\n"
        + queries_behind(page, b.ctx, [Source("contributions")])
        + table(
            page,
            b.ctx,
            f"Tags of the contribution “{label}”, with evidence",
            ["slot", "term", "evidence"],
            rows,
            [Source("paper-profile", params), Source("site-evidence", params)],
        )
    )
    out += table(
        page,
        b.ctx,
        f"Tensions, findings and study facts of “{label}”",
        ["kind", "terms", "wording and evidence"],
        _part_rows(paper, annotation.iri, c_iri, c.parts, PART_KINDS),
        [Source("paper-parts", params), Source("site-parts", params)],
    )
    return out


def _paper_agreement(b: Builder, page: Page, paper: Paper) -> str:
    rows = [
        [esc(d.slot.replace("_", " ")), esc(d.annotator), b.cells(page, d.terms)]
        for d in b.data.agreement.disagreements
        if str(d.paper) == paper.iri
    ]
    return (
        '<section aria-labelledby="agreement">\n'
        + heading(2, "Agreement between the annotators", "agreement")
        + "<p>What one annotation records that the other does not, per slot "
        "(as <code>normspace agreement</code> computes it; the corpus-wide Krippendorff's "
        f"alpha is on the {link(page.href('index.html#agreement'), 'overview')}).</p>\n"
        + table(
            page,
            b.ctx,
            "Terms only one annotator recorded",
            ["slot", "annotator", "terms only this annotator recorded"],
            rows,
            [Source("annotation-tags")],
            note="The disagreements are computed from the rows of this query.",
        )
        + "</section>\n"
    )

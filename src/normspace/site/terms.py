"""Term, approach and comparison pages.

Every term of the ontology gets a page, used or not: the hierarchy links (broader,
narrower) and the search need a target for each, and an unused term's page says that no
paper uses it, which is itself a finding (a gap). Approaches used by at least one paper
also get a profile page, and each approach family (a top concept of the approach scheme)
with two or more used narrower approaches gets an ORKG-style comparison page of those
approaches, plus one page comparing the families themselves: the comparisons a reader
would ask for first, without the combinatorial number of pairs.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..compare import compare_approaches
from ..namespaces import curie, expand
from ..querylib import library
from ..results import Table
from ..store import Store
from .data import SiteData, Source, TermInfo
from .html import Page, esc, heading, items_list, link, table
from .pages import COMPARISON_COLUMNS, COOCCURRING, Builder


def term_page(b: Builder, info: TermInfo, cooccurring: Counter[str]) -> Page:
    """Definition, source, hierarchy, mappings, usage, the papers, co-occurring terms."""
    t = info.term
    page = Page(b.names.terms[t.iri], t.label, depth=1)
    scheme = b.data.schemes.get(t.scheme, curie(t.scheme))
    page.add(
        f"<h1>{esc(t.label)}</h1>\n",
        f'<p class="curie"><code>{esc(t.curie)}</code> · a term of the '
        f"{link(page.href('terms.html#' + _scheme_anchor(t.scheme)), scheme)}"
        + (" · <strong>deprecated</strong>" if t.deprecated else "")
        + "</p>\n",
        _definition(b, page, info),
        _hierarchy(b, page, info),
        _mappings(page, info),
    )
    params = (("term", t.curie),)
    page.add(
        heading(2, "Use in the corpus", "use"),
        f"<p>{_papers(info.direct)} {_use(info.direct)} this term directly; "
        f"{_papers(info.total)} {_use(info.total)} it or a narrower term.</p>\n",
    )
    if t.iri in b.names.approaches:
        page.add(
            f"<p>{link(page.href(b.names.approaches[t.iri]), 'Profile of this approach')}: "
            "what the papers that use it record.</p>\n"
        )
    paper_rows = [
        [b.paper_link(page, p), esc(b.data.papers[p].info.year)]
        for p in info.papers
        if p in b.data.papers
    ]
    page.add(
        table(
            page,
            b.ctx,
            f"Papers that use “{t.label}” directly",
            ["paper", "year"],
            paper_rows,
            [Source("site-term-papers", params), Source("term-usage", params)],
        ),
        heading(2, "Co-occurring terms", "cooccurring"),
        table(
            page,
            b.ctx,
            f"Terms used most often by the same papers (top {COOCCURRING})",
            ["term", "scheme", "papers using both"],
            [
                [
                    b.term_link(page, other),
                    esc(b.data.schemes.get(b.data.terms[other].term.scheme, "")),
                    str(n),
                ]
                for other, n in _top(cooccurring)
            ],
            [Source("site-term-papers")],
            note="Counted from the rows of this query: papers that use both terms directly.",
        ),
    )
    return page


def _papers(n: int) -> str:
    return f"{n} paper" + ("" if n == 1 else "s")


def _use(n: int) -> str:
    return "uses" if n == 1 else "use"


def _top(counter: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:COOCCURRING]


def _scheme_anchor(scheme: str) -> str:
    return "s-" + curie(scheme).replace(":", "-")


def _definition(b: Builder, page: Page, info: TermInfo) -> str:
    t = info.term
    out = f"<p>{esc(t.definition)}</p>\n" if t.definition else "<p>No definition.</p>\n"
    facts = []
    if t.alt_labels:
        facts.append(f"<dt>Also called</dt><dd>{esc('; '.join(t.alt_labels))}</dd>")
    if info.sources:
        sources = "; ".join(
            link(s, s) if s.startswith(("http://", "https://")) else esc(s) for s in info.sources
        )
        facts.append(f"<dt>Source</dt><dd>{sources}</dd>")
    for note in info.notes:
        facts.append(f"<dt>Scope note</dt><dd>{esc(note)}</dd>")
    if t.replaced_by:
        facts.append(
            "<dt>Replaced by</dt><dd>"
            + ", ".join(b.term_link(page, r) for r in t.replaced_by)
            + "</dd>"
        )
    return out + (f'<dl class="meta">{"".join(facts)}</dl>\n' if facts else "")


def _hierarchy(b: Builder, page: Page, info: TermInfo) -> str:
    t = info.term
    broader = items_list([b.term_link(page, x) for x in t.broader]) or "<p>None (a top term).</p>"
    narrower = items_list([b.term_link(page, x) for x in info.narrower]) or "<p>None.</p>"
    return (
        '<section aria-labelledby="hierarchy">\n'
        + heading(2, "Hierarchy", "hierarchy")
        + f"<h3>Broader</h3>\n{broader}\n<h3>Narrower</h3>\n{narrower}\n"
        + '<p class="note">From the ontology (<code>skos:broader</code>).</p>\n</section>\n'
    )


def _mappings(page: Page, info: TermInfo) -> str:
    rows = [
        [
            esc(m.predicate_id),
            link(iri, m.object_id, m.object_label),
            esc(m.object_label),
            esc(m.comment),
            esc(name),
        ]
        for m, iri, name in info.mappings
    ]
    if not rows:
        return heading(2, "Mappings", "mappings") + "<p>No mapping to an external ontology.</p>\n"
    head = "".join(
        f'<th scope="col">{c}</th>'
        for c in ("relation", "external concept", "label", "comment", "mapping set")
    )
    body = "".join(
        f'<tr><th scope="row">{r[0]}</th>{"".join(f"<td>{c}</td>" for c in r[1:])}</tr>\n'
        for r in rows
    )
    return (
        heading(2, "Mappings", "mappings")
        + '<div class="scroll"><table>\n<caption>Mappings to external ontologies (SSSOM)'
        f"</caption>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table></div>\n"
        '<p class="note">From the mapping sets in <code>mappings/</code> (no query: they are '
        "files of the release); <code>papers-by-external-concept</code> finds the papers "
        "behind an external concept.</p>\n"
    )


def cooccurrence(data: SiteData) -> dict[str, Counter[str]]:
    """Term -> how many papers use it together with each other term (direct use)."""
    by_paper: dict[str, list[str]] = {}
    for iri, info in data.terms.items():
        for paper in info.papers:
            by_paper.setdefault(paper, []).append(iri)
    counts: dict[str, Counter[str]] = {iri: Counter() for iri in data.terms}
    for terms in by_paper.values():
        for a in terms:
            counts[a].update(x for x in terms if x != a)
    return counts


# -- approaches and comparisons ----------------------------------------------------------------


def profiles(store: Store, approaches: list[str]) -> dict[str, Table]:
    """Each approach's one-column comparison table (``normspace compare APPROACH``),
    computed once: a comparison page joins the columns of its approaches
    (:func:`joined`) instead of reading every profile again (at 1,000 papers the repeated
    profiles took 22 of 127 s). Terms are CURIEs (``labels=False``), so that the page can
    link each to its term page."""
    return {iri: compare_approaches(store, [iri], labels=False) for iri in approaches}


def joined(tables: list[Table]) -> Table:
    """The comparison of several approaches from their one-column tables: the same table
    as ``compare_approaches(store, approaches)``, whose columns do not depend on each other
    (a test checks that they agree)."""
    first = tables[0]
    columns = [first.columns[0], *(t.columns[1] for t in tables)]
    rows = [[row[0], *(t.rows[i][1] for t in tables)] for i, row in enumerate(first.rows)]
    return Table(columns, rows)


def approach_page(b: Builder, store: Store, info: TermInfo, profile: Table) -> Page:
    """The approach's profile (``normspace compare APPROACH``) and its papers."""
    t = info.term
    page = Page(b.names.approaches[t.iri], f"Approach: {t.label}", depth=1)
    params = (("approach", t.curie),)
    page.add(
        f"<h1>Approach: {esc(t.label)}</h1>\n",
        f"<p>{link(page.href(b.names.terms[t.iri]), 'The term')} "
        f"(<code>{esc(t.curie)}</code>): {esc(t.definition)}</p>\n",
        heading(2, "Profile", "profile"),
        _comparison_table(b, page, profile, [t], f"Profile of {t.label}"),
    )
    rows = [
        [b.paper_link(page, p), esc(b.data.papers[p].info.year)]
        for p in _approach_papers(store, info)
        if p in b.data.papers
    ]
    page.add(
        heading(2, "Papers", "papers"),
        table(
            page,
            b.ctx,
            f"Papers with a contribution that uses {t.label} or a narrower approach",
            ["paper", "year"],
            rows,
            [Source("papers-by-approach", params)],
        ),
    )
    return page


def _approach_papers(store: Store, info: TermInfo) -> list[str]:
    """The papers of ``papers-by-approach`` (default roles), in its order (year)."""
    rows = library().get("papers-by-approach").run(store, {"approach": info.term.curie})
    return list(dict.fromkeys(str(row["paper"]) for row in rows.dicts()))


def _comparison_table(
    b: Builder, page: Page, comparison: Table, approaches: list, caption: str
) -> str:
    """A comparison (terms as CURIEs) with each term linked to its page and the column
    headings by label."""
    columns = [comparison.columns[0]] + [
        title.replace(t.curie, t.label, 1)
        for title, t in zip(comparison.columns[1:], approaches, strict=True)
    ]
    rows = [
        [esc(r[0]), *(esc(c) if i == 0 else _linked_cell(b, page, c) for c in r[1:])]
        for i, r in enumerate(comparison.rows)
    ]
    sources = [
        Source(name, (("approach", a.curie),))
        for a in approaches
        for name in ("approach-profile", "papers-by-approach")
    ]
    return table(
        page,
        b.ctx,
        caption,
        columns,
        rows,
        sources,
        note="Cells list terms with the number of papers in brackets; the role filter is "
        "the default (contributions that propose or apply, or have no role).",
    )


_ITEM = re.compile(r"(?P<text>.*) \((?P<papers>\d+)\)")


def _linked_cell(b: Builder, page: Page, cell: object) -> str:
    """``norm:A (3); norm:B ↔ norm:C (1)`` with every known term linked by its label;
    anything else (term requests, texts) escaped as it is."""
    out = []
    for item in str(cell or "").split("; ") if cell else []:
        match = _ITEM.fullmatch(item)
        if match is None:
            out.append(esc(item))
            continue
        parts = [
            b.term_link(page, iri) if (iri := expand(part)) in b.data.terms else esc(part)
            for part in match["text"].split(" ↔ ")
        ]
        out.append(" ↔ ".join(parts) + f" ({match['papers']})")
    return "; ".join(out)


@dataclass(frozen=True)
class Comparison:
    path: str
    title: str
    approaches: tuple[str, ...]  # IRIs


def comparisons(data: SiteData) -> list[Comparison]:
    """One page per approach family with two or more used narrower approaches, and one of
    the families themselves (those used)."""
    used = {t.term.iri: t for t in data.used_approaches()}
    families = sorted(
        (t for t in used.values() if not t.term.broader),
        key=lambda t: (-t.total, t.term.label.casefold()),
    )
    out = []
    if len(families) >= 2:
        out.append(
            Comparison(
                "compare/approach-families.html",
                "Approach families compared",
                tuple(t.term.iri for t in families[:COMPARISON_COLUMNS]),
            )
        )
    for family in sorted(families, key=lambda t: t.term.iri):
        members = [used[n] for n in family.narrower if n in used]
        members.sort(key=lambda t: (-t.total, t.term.label.casefold()))
        if len(members) >= 2:
            out.append(
                Comparison(
                    f"compare/{curie(family.term.iri).replace(':', '-')}.html",
                    f"{family.term.label}: approaches compared",
                    tuple(t.term.iri for t in members[:COMPARISON_COLUMNS]),
                )
            )
    return out


def comparison_page(b: Builder, comparison: Comparison, tables: dict[str, Table]) -> Page:
    page = Page(comparison.path, comparison.title, depth=1)
    terms = [b.data.terms[a].term for a in comparison.approaches]
    links = [
        link(page.href(b.names.approaches[t.iri]), t.label) + f" (<code>{esc(t.curie)}</code>)"
        for t in terms
    ]
    page.add(
        f"<h1>{esc(comparison.title)}</h1>\n",
        "<p>Side by side, in the spirit of ORKG comparisons: one column per approach (with "
        "its narrower approaches), one row per dimension. The same table as "
        f"<code>normspace compare {esc(' '.join(t.curie for t in terms))}</code>.</p>\n",
        items_list(links),
        _comparison_table(
            b,
            page,
            joined([tables[a] for a in comparison.approaches]),
            terms,
            comparison.title,
        ),
    )
    return page

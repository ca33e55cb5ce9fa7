"""The overview (index) page, the list pages and the search index."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..figures import ORDER
from ..namespaces import curie
from ..querylib import library
from .data import Source
from .html import Page, attr, esc, heading, link, table
from .pages import Builder
from .terms import Comparison, _scheme_anchor

#: The figures of the overview: every figure, in the order of ``normspace plot --list``.
FIGURE_NAMES: tuple[str, ...] = ORDER


def index_page(
    b: Builder, figures: Sequence[tuple[str, str, str]], comparisons: Sequence[Comparison]
) -> Page:
    """Summary, agreement, figures (``(file, title, description)``), links to every list."""
    page = Page("index.html", "Overview", current="index.html")
    data = b.data
    annotations = sum(len(p.annotations) for p in data.papers.values())
    double = sum(1 for p in data.papers.values() if len(p.annotations) > 1)
    contributions = sum(len(p.contributions) for p in data.papers.values())
    used = sum(1 for t in data.terms.values() if t.direct)
    annotators = sorted({n for p in data.papers.values() for n in p.info.annotators.values()})
    page.add(
        f"<h1>{esc(b.ctx.title)}</h1>\n",
        f"<p>{len(data.papers)} papers, {annotations} annotations by {len(annotators)} "
        f"annotators ({double} papers annotated twice or more), {contributions} "
        f"contributions; {used} of the ontology's {len(data.terms)} terms are used.</p>\n",
        "<ul>"
        f"<li>{link('papers.html', 'Every paper')}: contributions, tags with evidence, "
        "tensions, assumptions, findings, annotators and agreement.</li>"
        f"<li>{link('terms.html', 'Every term')}: definition, hierarchy, mappings, the "
        "papers using it, co-occurring terms.</li>"
        f"<li>{link('approaches.html', 'Approaches and comparisons')}: "
        f"{len(b.names.approaches)} approach profiles, {len(comparisons)} comparisons.</li>"
        f"<li>{link('queries.html', 'The queries')} behind every table.</li></ul>\n",
        _agreement(b, page),
        heading(2, "Figures", "figures"),
    )
    for n, (file, title, description) in enumerate(figures, start=1):
        page.add(
            f'<figure id="fig-{attr(file.rsplit("/", 1)[-1].removesuffix(".svg"))}">'
            f'<img src="{attr(file)}" alt="{attr(title)}. {attr(description)}" loading="lazy">'
            f"<figcaption>Figure {n}. {esc(title)}. {esc(description)} "
            f"{link(file, 'Open the SVG')}</figcaption></figure>\n"
        )
    return page


def _agreement(b: Builder, page: Page) -> str:
    rows = [
        [
            esc(s.slot.replace("_", " ")),
            str(s.units),
            _number(s.alpha),
            _number(s.alpha_hierarchical),
            esc(s.note),
        ]
        for s in b.data.agreement.slots
    ]
    return (
        '<section aria-labelledby="agreement">\n'
        + heading(2, "Agreement between annotators", "agreement")
        + table(
            page,
            b.ctx,
            "Krippendorff's alpha per slot over the papers annotated twice (MASI distance)",
            ["slot", "papers", "alpha", "alpha (hierarchy-aware)", "note"],
            rows,
            [Source("annotation-tags")],
            note="Computed by normspace agreement from the rows of this query.",
        )
        + "</section>\n"
    )


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def papers_page(b: Builder) -> Page:
    page = Page("papers.html", "Papers", current="papers.html")
    rows = [
        [
            b.paper_link(page, str(row["paper"])),
            esc(row["year"] or ""),
            esc(row["venue"] or ""),
            esc(row["annotations"]),
        ]
        for row in b.data.paper_rows
    ]
    page.add(
        "<h1>Papers</h1>\n",
        table(
            page,
            b.ctx,
            f"The {len(b.data.papers)} annotated papers, by year",
            ["paper", "year", "venue", "annotations"],
            rows,
            [Source("papers")],
        ),
    )
    return page


def terms_page(b: Builder) -> Page:
    page = Page("terms.html", "Terms", current="terms.html")
    page.add(
        "<h1>Terms</h1>\n",
        "<p>Every term of the ontology, by concept scheme, most used first.</p>\n<ul>"
        + "".join(
            f'<li><a href="#{_scheme_anchor(s)}">{esc(label)}</a></li>'
            for s, label in b.data.schemes.items()
            if any(t.term.scheme == s for t in b.data.terms.values())
        )
        + "</ul>\n",
    )
    for scheme, label in b.data.schemes.items():
        terms = [t for t in b.data.terms.values() if t.term.scheme == scheme]
        if not terms:
            continue
        terms.sort(key=lambda t: (-t.total, -t.direct, t.term.label.casefold(), t.term.iri))
        rows = [[b.term_link(page, t.term.iri), str(t.direct), str(t.total)] for t in terms]
        page.add(
            f'<section aria-labelledby="{_scheme_anchor(scheme)}">\n',
            heading(2, label, _scheme_anchor(scheme)),
            table(
                page,
                b.ctx,
                f"Terms of the {label} ({len(terms)})",
                ["term", "papers (direct)", "papers (with narrower terms)"],
                rows,
                [Source("term-usage", (("scheme", curie(scheme)),))],
            ),
            "</section>\n",
        )
    return page


def approaches_page(b: Builder, comparisons: Sequence[Comparison]) -> Page:
    page = Page("approaches.html", "Approaches and comparisons", current="approaches.html")
    rows = [
        [
            link(b.names.approaches[t.term.iri], t.term.label),
            b.term_link(page, t.term.broader[0]) if t.term.broader else "",
            str(t.direct),
            str(t.total),
        ]
        for t in b.data.used_approaches()
    ]
    page.add(
        "<h1>Approaches and comparisons</h1>\n",
        heading(2, "Comparisons", "comparisons"),
        "<ul>" + "".join(f"<li>{link(c.path, c.title)}</li>" for c in comparisons) + "</ul>\n",
        heading(2, "Approaches used in the corpus", "approaches"),
        table(
            page,
            b.ctx,
            "Alignment approaches with at least one paper, most used first",
            ["approach", "broader", "papers (direct)", "papers (with narrower)"],
            rows,
            [Source("term-usage", (("scheme", "norm:AlignmentApproachScheme"),))],
        ),
    )
    return page


def queries_page(b: Builder, names: Sequence[str]) -> Page:
    """The library queries the site's tables come from, each with its full text."""
    page = Page("queries.html", "Queries", current="queries.html")
    page.add(
        "<h1>The queries behind the tables</h1>\n",
        "<p>Every table of this site comes from one of these queries of the NormSpace query "
        "library; run them with <code>normspace query NAME</code>.</p>\n",
    )
    for name in names:
        query = library().get(name)
        params = "".join(
            f"<li><code>?{esc(p.name)}</code> ({esc(p.type_text)}): {esc(p.description)}</li>"
            for p in query.params
        )
        page.add(
            f'<section aria-labelledby="q-{attr(name.replace("/", "-"))}">\n',
            heading(2, name, "q-" + name.replace("/", "-")),
            f"<p><strong>{esc(query.title)}</strong>. {esc(query.description)}</p>\n",
            f"<ul>{params}</ul>\n" if params else "",
            f"<pre><code>{esc(query.text)}</code></pre>\n</section>\n",
        )
    return page


def search_index(b: Builder, comparisons: Sequence[Comparison]) -> str:
    """``assets/search-index.js``: ``[label, kind, path, extra words]`` per page, as a
    script (``file://`` pages cannot fetch JSON); ``</`` is escaped so no text can end
    the script."""
    entries: list[list[str]] = []
    for iri, paper in b.data.papers.items():
        extra = " ".join([*paper.authors, paper.info.year, paper.info.doi, paper.info.arxiv])
        entries.append([paper.info.title or iri, "paper", b.names.papers[iri], extra])
    for iri, info in b.data.terms.items():
        t = info.term
        extra = " ".join([t.curie, b.data.schemes.get(t.scheme, ""), *t.alt_labels])
        entries.append([t.label, "term", b.names.terms[iri], extra])
    for iri, path in b.names.approaches.items():
        entries.append([b.data.terms[iri].term.label, "approach", path, "profile"])
    for c in comparisons:
        entries.append([c.title, "comparison", c.path, "compare"])
    entries.sort(key=lambda e: (e[0].casefold(), e[1], e[2]))
    text = json.dumps(entries, ensure_ascii=True, separators=(",", ":"))
    return "window.NORMSPACE_SEARCH = " + text.replace("</", "<\\/") + ";\n"

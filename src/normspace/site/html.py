"""The HTML of the site: page frame, tables with the query behind them, links.

Every string that comes from a corpus (titles, quotes, labels, IRIs) passes through
:func:`esc` or :func:`attr` exactly once, where it is put into markup; nothing is trusted.
Links are relative (``../term/x.html``), so the site works from ``file://`` and from any
folder of a static host; the pages need no network and load no data with ``fetch``.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

import normspace

from ..querylib import library
from .data import Source

#: Where the shared files live, relative to the site root.
CSS_FILE = "assets/site.css"
SEARCH_FILE = "assets/search.js"
INDEX_FILE = "assets/search-index.js"

#: The top navigation: (file at the root, label).
NAV: tuple[tuple[str, str], ...] = (
    ("index.html", "Overview"),
    ("papers.html", "Papers"),
    ("terms.html", "Terms"),
    ("approaches.html", "Approaches and comparisons"),
    ("queries.html", "Queries"),
)


def esc(text: object) -> str:
    """Text content, escaped."""
    return html.escape(str(text), quote=False)


def attr(text: object) -> str:
    """An attribute value (to put between double quotes), escaped."""
    return html.escape(str(text), quote=True)


def link(href: str, text: str, title: str | None = None) -> str:
    """``<a>`` with escaped text; ``href`` is one the builder made (relative) or an IRI."""
    hint = f' title="{attr(title)}"' if title else ""
    return f'<a href="{attr(href)}"{hint}>{esc(text)}</a>'


@dataclass
class Context:
    """What every page needs to know: site title, optional server to run queries on."""

    title: str
    serve_url: str | None = None

    def run_url(self, source: Source) -> str | None:
        """``URL/?name=QUERY&param=value`` on ``normspace serve`` (None: none configured)."""
        if not self.serve_url:
            return None
        return f"{self.serve_url}/?{urlencode([('name', source.name), *source.params])}"


@dataclass
class Page:
    """One page: where it lives (``depth`` folders below the root) and its parts."""

    path: str
    title: str
    depth: int = 0
    parts: list[str] = field(default_factory=list)
    current: str = ""  # the NAV entry to mark as the current page
    #: Queries whose text the page already shows (later boxes link to the first).
    shown: set[str] = field(default_factory=set)

    @property
    def root(self) -> str:
        return "../" * self.depth

    def href(self, target: str) -> str:
        """A link from this page to ``target`` (a path from the site root)."""
        return self.root + target

    def add(self, *parts: str) -> None:
        self.parts.extend(parts)


def render(page: Page, ctx: Context) -> str:
    """The whole document: landmarks, skip link, search, the page's parts, footer."""
    root = page.root
    nav = "".join(
        f'<li><a href="{root}{target}"'
        + (' aria-current="page"' if target == page.current else "")
        + f">{esc(label)}</a></li>"
        for target, label in NAV
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(page.title)} · {esc(ctx.title)}</title>\n"
        f'<link rel="stylesheet" href="{root}{CSS_FILE}">\n'
        f'<script defer src="{root}{INDEX_FILE}"></script>\n'
        f'<script defer src="{root}{SEARCH_FILE}"></script>\n'
        f'</head>\n<body data-root="{attr(root)}">\n'
        '<a class="skip" href="#main">Skip to content</a>\n'
        f'<header>\n<p class="site"><a href="{root}index.html">{esc(ctx.title)}</a></p>\n'
        f'<nav aria-label="Site"><ul>{nav}</ul></nav>\n'
        f"{_search_form()}</header>\n"
        f'<main id="main" tabindex="-1">\n{"".join(page.parts)}</main>\n'
        "<footer><p>Written by <code>normspace site</code> (NormSpace "
        f"{esc(normspace.__version__)}). Every table names the library query behind it."
        "</p></footer>\n</body>\n</html>\n"
    )


def _search_form() -> str:
    """The search box (filled in by ``search.js``; without script it says so)."""
    return (
        '<form role="search" class="search" action="#" '
        'aria-label="Search papers and terms">\n'
        '<label for="q">Search papers and terms</label>\n'
        '<input id="q" name="q" type="search" autocomplete="off" '
        'aria-describedby="search-count" aria-controls="search-results">\n'
        '<p id="search-count" class="note" aria-live="polite"></p>\n'
        '<ul id="search-results" class="results"></ul>\n'
        "<noscript><p>Search needs JavaScript; the Papers and Terms pages list "
        "everything.</p></noscript>\n"
        "</form>\n"
    )


def heading(level: int, text: str, anchor: str | None = None) -> str:
    ident = f' id="{attr(anchor)}"' if anchor else ""
    return f"<h{level}{ident}>{esc(text)}</h{level}>\n"


def table(
    page: Page,
    ctx: Context,
    caption: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    sources: Sequence[Source],
    note: str = "",
) -> str:
    """A table (cells are HTML already; the first is the row header) with its caption and
    the queries it comes from; no rows: a sentence saying so, still with the queries."""
    behind = queries_behind(page, ctx, sources, note)
    if not rows:
        return f'<p class="empty">{esc(caption)}: none.</p>\n{behind}'
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in columns)
    body = "".join(
        f'<tr><th scope="row">{row[0]}</th>{"".join(f"<td>{c}</td>" for c in row[1:])}</tr>\n'
        for row in rows
    )
    return (
        f'<div class="scroll"><table>\n<caption>{esc(caption)}</caption>\n'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table></div>\n{behind}"
    )


def queries_behind(page: Page, ctx: Context, sources: Sequence[Source], note: str = "") -> str:
    """The "query behind this table": name (linked to the query list), title, the SPARQL text
    folded in a ``<details>``, and a link to run it on the configured server."""
    items = []
    for source in sources:
        query = library().get(source.name)
        params = ", ".join(f"?{k} = {v}" for k, v in source.params)
        bound = f" with {esc(params)}" if params else ""
        run = ctx.run_url(source)
        run_link = f" {link(run, 'Run it on the server')}" if run else ""
        anchor = "sparql-" + source.name.replace("/", "-")
        if source.name in page.shown:
            text = f'<p><a href="#{anchor}">The SPARQL text</a> is shown above.</p>\n'
        else:
            page.shown.add(source.name)
            text = f'<pre id="{anchor}"><code>{esc(query.text)}</code></pre>\n'
        items.append(
            f'<details class="query"><summary>Query: <code>{esc(source.name)}</code> '
            f"({esc(query.title)}){bound}</summary>\n"
            f"<p>{esc(query.description)} "
            f"{link(page.href('queries.html#q-' + source.name.replace('/', '-')), 'In the list')}"
            f"{run_link}</p>\n{text}</details>\n"
        )
    extra = f'<p class="note">{esc(note)}</p>\n' if note else ""
    return f'<div class="behind">{extra}{"".join(items)}</div>\n'


def items_list(items: Sequence[str], cls: str = "") -> str:
    """An unordered list of HTML items (empty string for none)."""
    if not items:
        return ""
    klass = f' class="{cls}"' if cls else ""
    return f"<ul{klass}>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"

"""The run report as one self-contained HTML file (``report.html``).

It renders the same blocks as the Markdown report (:func:`normspace.runreport.report_blocks`:
one list of sections drives both) and adds what Markdown cannot hold:

- the figures of :mod:`normspace.figures`, inlined as SVG (no image files, no network);
- a link from every number that counts papers to the list of those papers ("Papers behind
  the numbers"), and from each listed paper to its entry in the paper index (title, year,
  venue, DOI or arXiv link). A list is shown when its number is clicked (CSS ``:target``),
  so the page needs no script; equal lists are written once.

Accessibility: header/nav/main landmarks, a table of contents, table captions,
``<th scope>``, figure captions and an SVG ``<title>`` per figure. The output is a pure
function of the corpus (ids are hashes of IRIs, no dates, no paths), so the same corpus
gives a byte-identical file.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rdflib import Literal, URIRef

import normspace

from .namespaces import curie, expand
from .ontology import term_index
from .papersbehind import PaperCount, Parts
from .results import Cell, cell_text
from .runreport import (
    Block,
    FigureBlock,
    Heading,
    Inline,
    Items,
    Para,
    ReportInput,
    TableBlock,
    report_blocks,
)
from .store import Store

#: A paper title longer than this is cut in table cells (the index has it whole).
SHORT_TITLE = 60

CSS = """
:root { --fg: #1b1b1b; --muted: #555; --line: #d0d0d0; --accent: #0b5394; --hi: #fff4c2; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--fg); margin: 0; display: grid; grid-template-columns: 16rem minmax(0, 1fr); }
header { grid-column: 1 / 3; padding: 1rem 2rem; border-bottom: 1px solid var(--line); }
header h1 { margin: 0 0 .25rem; }
nav { grid-column: 1; position: sticky; top: 0; align-self: start; max-height: 100vh;
  overflow-y: auto; padding: 1rem; font-size: 13px; border-right: 1px solid var(--line);
  grid-row: 2 / 4; background: #fff; }
nav ol { padding-left: 1.1rem; margin: .2rem 0; }
main { grid-column: 2; padding: 0 2rem 4rem; max-width: 80rem; }
footer { grid-column: 2; padding: 1rem 2rem; color: var(--muted);
  border-top: 1px solid var(--line); }
h2 { margin-top: 2.2rem; border-bottom: 2px solid var(--line); }
h3 { margin-top: 1.8rem; }
a { color: var(--accent); }
code { font-size: 90%; background: #f3f3f3; padding: 0 .2em; border-radius: 3px; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: 13px; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border: 1px solid var(--line); padding: .2rem .45rem; vertical-align: top; }
thead th { background: #eef2f6; position: sticky; top: 0; }
tbody th { text-align: left; font-weight: 500; background: #fafafa; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.n a { display: block; }
figure { margin: 1rem 0 2rem; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 13px; max-width: 50rem; }
.behind > section { display: none; border: 1px solid var(--line); padding: .2rem 1rem;
  margin: .5rem 0; }
.behind > section:target { display: block; background: var(--hi); }
.papers li:target { background: var(--hi); }
.note { color: var(--muted); }
summary { cursor: pointer; color: var(--accent); }
@media (max-width: 50rem) { body { display: block; } nav { position: static;
  max-height: none; border-right: 0; } }
@media print { nav { display: none; } body { display: block; } }
"""


def html_report(data: ReportInput, store: Store) -> str:
    """The HTML report of ``data``; figures are drawn from ``store``."""
    return HtmlReport(data, _figure_drawer(store)).render()


def _figure_drawer(store: Store) -> Callable[[str], tuple[str, str, str]]:
    """``name -> (title, description, svg)`` using :mod:`normspace.figures`."""
    from . import figures

    def draw(name: str) -> tuple[str, str, str]:
        # Figures of the object API (no pyplot): nothing to close, freed with the object.
        spec = figures.FIGURES[name]
        return spec.title, spec.description, figures.svg_text(figures.figure(name, store))

    return draw


def anchor_id(prefix: str, key: str) -> str:
    """A short, stable HTML id for ``key`` (an IRI, a list of IRIs).

    >>> anchor_id("p-", "https://arxiv.org/abs/2203.02155")
    'p-a3655fc041'
    """
    return prefix + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


@dataclass
class Paper:
    iri: str
    title: str
    year: str
    venue: str

    @property
    def anchor(self) -> str:
        return anchor_id("p-", self.iri)

    @property
    def short(self) -> str:
        title = self.title or self.iri
        return title if len(title) <= SHORT_TITLE else title[: SHORT_TITLE - 1] + "…"


@dataclass
class HtmlReport:
    """One rendering; collects the paper lists its numbers link to while it renders."""

    data: ReportInput
    draw: Callable[[str], tuple[str, str, str]]
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    figures: int = 0

    def __post_init__(self) -> None:
        self.index = paper_index(self.data)

    # -- the page ------------------------------------------------------------
    def render(self) -> str:
        blocks = report_blocks(self.data)
        first = next(i for i, b in enumerate(blocks) if isinstance(b, Heading) and b.level == 2)
        header = "".join(self.block(b) for b in blocks[:first])
        body = self.sections(blocks[first:])
        behind = self.behind_section()
        index = self.index_section()
        toc = self.toc(
            [*blocks[first:], Heading(2, "Papers behind the numbers", "papers-behind")]
            + [Heading(2, "Paper index", "paper-index")]
        )
        title = _strip_code(f"NormSpace corpus report: {self.data.corpus_name}")
        return (
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            f"<header>\n{header}</header>\n{toc}<main>\n{body}{behind}{index}</main>\n"
            f"<footer>Written by <code>normspace run</code> (NormSpace "
            f"{html.escape(normspace.__version__)}).</footer>\n</body>\n</html>\n"
        )

    def sections(self, blocks: Sequence[Block]) -> str:
        """The blocks, each heading opening a ``<section>`` that runs to the next heading
        of the same or a higher level."""
        out: list[str] = []
        open_levels: list[int] = []
        for block in blocks:
            if isinstance(block, Heading):
                while open_levels and open_levels[-1] >= block.level:
                    out.append("</section>\n")
                    open_levels.pop()
                out.append(f'<section aria-labelledby="{block.anchor}">\n')
                open_levels.append(block.level)
            out.append(self.block(block))
        out += ["</section>\n"] * len(open_levels)
        return "".join(out)

    def toc(self, blocks: Sequence[Block]) -> str:
        out = ['<nav aria-label="Contents">\n<h2 id="contents">Contents</h2>\n<ol>\n']
        level = 2
        first = True
        for block in blocks:
            if not isinstance(block, Heading):
                continue
            if block.level > level:
                out.append("\n<ol>\n")
            elif block.level < level:
                out.append("</li>\n</ol>\n</li>\n")
            elif not first:
                out.append("</li>\n")
            level, first = block.level, False
            out.append(f'<li><a href="#{block.anchor}">{_inline_text(block.text)}</a>')
        out.append("</li>\n" + "</ol>\n</li>\n" * (level - 2) + "</ol>\n</nav>\n")
        return "".join(out)

    # -- blocks --------------------------------------------------------------
    def block(self, block: Block) -> str:
        if isinstance(block, Heading):
            return (
                f'<h{block.level} id="{block.anchor}">{_inline_text(block.text)}</h{block.level}>\n'
            )
        if isinstance(block, Para):
            return f"<p>{self.inline(block.parts)}</p>\n"
        if isinstance(block, Items):
            if not block.items:
                return ""
            tag = "ol" if block.ordered else "ul"
            items = "".join(f"<li>{self.inline(item)}</li>\n" for item in block.items)
            listed = f"<{tag}>\n{items}</{tag}>\n"
            if block.fold:
                summary = f"<summary>{_inline_text(block.fold)}</summary>"
                return f"<details>\n{summary}\n{listed}</details>\n"
            return listed
        if isinstance(block, TableBlock):
            return self.table(block)
        if isinstance(block, FigureBlock):
            return self.figure(block.name)
        raise TypeError(f"unknown report block {block!r}")

    def inline(self, parts: Sequence[Inline]) -> str:
        return "".join(
            self.count(p) if isinstance(p, PaperCount) else _inline_text(p) for p in parts
        )

    def count(self, count: PaperCount) -> str:
        """A number of papers: a link to the list of those papers (no link for 0)."""
        if not count:
            return "0"
        key = anchor_id("c-", "\n".join(count.papers))
        known = self.lists.setdefault(key, count.papers)
        if known != count.papers:  # a hash collision would point at the wrong papers
            raise RuntimeError(f"two paper lists share the id {key}")
        noun = "paper" if count == 1 else "papers"
        return f'<a href="#{key}" title="the {count} {noun} behind this number">{count}</a>'

    def table(self, block: TableBlock) -> str:
        table = block.table
        if not table.rows:
            return "<p>No rows.</p>\n"
        head = "".join(f'<th scope="col">{_inline_text(c)}</th>' for c in table.columns)
        rows = []
        for row in table.rows[: block.limit]:
            first, *rest = row
            cells = "".join(self.cell(c) for c in rest)
            rows.append(f'<tr><th scope="row">{self.cell_content(first)}</th>{cells}</tr>\n')
        more = ""
        if len(table.rows) > block.limit:
            more = (
                f'<p class="note">… {len(table.rows) - block.limit} more rows in the CSV '
                "file.</p>\n"
            )
        return (
            f'<div class="scroll"><table>\n<caption>{_inline_text(block.caption)}</caption>\n'
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n{''.join(rows)}</tbody>\n</table></div>\n"
            f"{more}"
        )

    def cell(self, cell: Cell) -> str:
        numeric = isinstance(cell, int) or (
            isinstance(cell, Literal) and isinstance(cell.toPython(), int | float)
        )
        opening = '<td class="n">' if numeric else "<td>"
        return f"{opening}{self.cell_content(cell)}</td>"

    def cell_content(self, cell: Cell) -> str:
        """A cell's content: counts and papers as links, terms by label (CURIE on hover)."""
        if isinstance(cell, PaperCount):
            return self.count(cell)
        if isinstance(cell, Parts):
            return self.inline(cell.parts)
        if isinstance(cell, URIRef):
            paper = self.index.get(str(cell))
            if paper is not None:
                return (
                    f'<a href="#{paper.anchor}" title="{html.escape(paper.iri)}">'
                    f"{html.escape(paper.short)}</a>"
                )
            if term_index().get(str(cell)) is not None:
                label = html.escape(cell_text(cell, labels=True))
                return f'<span title="{html.escape(curie(str(cell)))}">{label}</span>'
        if isinstance(cell, Literal):
            return _curie_list(str(cell))
        return html.escape(cell_text(cell, labels=True))

    def figure(self, name: str) -> str:
        """A figure as inline SVG (:func:`normspace.figures.svg_text`: ids prefixed per
        figure, ``<title>`` and ``aria-label`` as its text alternative), with a caption."""
        title, description, svg = self.draw(name)
        self.figures += 1
        caption = f"Figure {self.figures}. {html.escape(title)}." + (
            f" {html.escape(description)}" if description else ""
        )
        return f'<figure id="fig-{name}">\n{svg}\n<figcaption>{caption}</figcaption>\n</figure>\n'

    # -- the lists behind the numbers, and the paper index --------------------
    def behind_section(self) -> str:
        out = [
            '<section aria-labelledby="papers-behind">\n'
            '<h2 id="papers-behind">Papers behind the numbers</h2>\n'
            '<p class="note">Each number of papers in this report links here: the list of '
            "those papers appears below when the number is clicked.</p>\n"
            '<div class="behind">\n'
        ]
        for key in sorted(self.lists):
            papers = self.lists[key]
            noun = "paper" if len(papers) == 1 else "papers"
            items = "".join(
                f'<li><a href="#{self.index[p].anchor}">{html.escape(self.index[p].short)}</a>'
                f"{_year(self.index[p])}</li>\n"
                if p in self.index
                else f"<li>{html.escape(p)}</li>\n"
                for p in papers
            )
            out.append(
                f'<section id="{key}" aria-label="{len(papers)} {noun}">\n'
                f"<h3>{len(papers)} {noun}</h3>\n<ol>\n{items}</ol>\n</section>\n"
            )
        out.append("</div>\n</section>\n")
        return "".join(out)

    def index_section(self) -> str:
        items = []
        for paper in self.index.values():
            details = ", ".join(x for x in (paper.year, paper.venue) if x)
            items.append(
                f'<li id="{paper.anchor}"><cite>{html.escape(paper.title or paper.iri)}</cite>'
                f"{'. ' + html.escape(details) if details else ''}. "
                f'<a href="{html.escape(paper.iri)}">{html.escape(_short_iri(paper.iri))}</a>'
                "</li>\n"
            )
        return (
            '<section aria-labelledby="paper-index">\n<h2 id="paper-index">Paper index</h2>\n'
            f'<ol class="papers">\n{"".join(items)}</ol>\n</section>\n'
        )


def paper_index(data: ReportInput) -> dict[str, Paper]:
    """Every paper of the corpus by IRI, in the order of the ``papers`` query (year), with
    the first title, year and venue recorded for it."""
    index: dict[str, Paper] = {}
    papers = data.results.get("papers")
    for row in papers.dicts() if papers is not None else []:
        iri = str(row["paper"])
        if iri not in index:
            index[iri] = Paper(iri, *(_text(row.get(k)) for k in ("title", "year", "venue")))
    for iri in data.papers.papers:  # papers the query did not list (it always should)
        index.setdefault(iri, Paper(iri, "", "", ""))
    return index


def _curie_list(text: str) -> str:
    """A text cell; one that joins CURIEs of terms (``norm:A; norm:B``: trade-off
    resolutions, deciders) shows their labels, CURIEs on hover.

    >>> _curie_list("norm:RLHF; norm:DPO")  # doctest: +ELLIPSIS
    '<span title="norm:RLHF; norm:DPO">reinforcement learning from human feedback; direct...'
    >>> _curie_list("a < b")
    'a &lt; b'
    """
    parts = text.split("; ")
    terms = [term_index().get(expand(p) or "") for p in parts]
    if not text or any(t is None for t in terms):
        return html.escape(text)
    labels = "; ".join(t.label for t in terms if t is not None)
    return f'<span title="{html.escape(text)}">{html.escape(labels)}</span>'


def _text(cell: Cell) -> str:
    return "" if cell is None else str(cell)


def _year(paper: Paper) -> str:
    return f" ({html.escape(paper.year)})" if paper.year else ""


def _short_iri(iri: str) -> str:
    """How a paper link reads: ``doi:10.1145/…``, ``arXiv:2203.02155`` or the IRI.

    >>> _short_iri("https://arxiv.org/abs/2203.02155"), _short_iri("https://doi.org/10.1/x")
    ('arXiv:2203.02155', 'doi:10.1/x')
    """
    for prefix, name in (("https://doi.org/", "doi:"), ("https://arxiv.org/abs/", "arXiv:")):
        if iri.startswith(prefix):
            return name + iri[len(prefix) :]
    return iri


_CSV_FILE = re.compile(r"^queries/[\w.-]+\.csv$")


def _inline_text(text: str) -> str:
    """Report text to HTML: escaped, with `backquoted` spans as code (a query result file
    as a link to it, next to the report).

    >>> _inline_text("see `queries/a.csv` & <b>")
    'see <a href="queries/a.csv"><code>queries/a.csv</code></a> &amp; &lt;b&gt;'
    """
    out = []
    for i, piece in enumerate(text.split("`")):
        escaped = html.escape(piece)
        if i % 2 == 0:
            out.append(escaped)
        elif _CSV_FILE.match(piece):
            out.append(f'<a href="{escaped}"><code>{escaped}</code></a>')
        else:
            out.append(f"<code>{escaped}</code>")
    return "".join(out)


def _strip_code(text: str) -> str:
    return text.replace("`", "")

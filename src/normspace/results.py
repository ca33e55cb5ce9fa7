"""Render tables (query results, comparisons) as table, CSV, TSV, JSON, Markdown or HTML.

One registry (:data:`FORMATS`) backs every ``--format`` option that prints rows, so a new
format appears in every command at once.

Cells are rendered for people in the text formats: IRIs with a known prefix become CURIEs
(``norm:RLHF``), other IRIs stay whole (paper IRIs are DOI or arXiv links), literals show
their lexical form; with ``labels=True`` ontology terms show their preferred label instead.
JSON follows the W3C SPARQL 1.1 Query Results JSON format, with full IRIs and datatypes, so
that other SPARQL tools can read it.
"""

from __future__ import annotations

import csv
import json
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from .namespaces import curie
from .store import QueryResult, from_oxigraph

#: A cell: an rdflib term, a pyoxigraph term (rows of the embedded store are rendered
#: without converting them to rdflib, see :mod:`normspace.queryrun`), text, a number or None.
Cell = Node | ox.NamedNode | ox.BlankNode | ox.Literal | str | int | None

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass
class Table:
    """Column names and rows of cells (RDF terms, plain text or numbers)."""

    columns: list[str]
    rows: list[list[Cell]]
    #: For the ``table`` format: wrap cells at this width instead of cutting them.
    wrap: int | None = None
    #: What the table shows (the HTML ``<caption>`` and title); None: its row count.
    caption: str | None = None

    @classmethod
    def from_result(cls, result: QueryResult) -> Table:
        return cls(list(result.variables), [list(row) for row in result.rows])


Renderer = Callable[[Table, IO[str], bool], None]

#: ``--format`` name -> renderer; insertion order is the order shown in ``--help``.
FORMATS: dict[str, Renderer] = {}


def renderer(name: str) -> Callable[[Renderer], Renderer]:
    def register(fn: Renderer) -> Renderer:
        FORMATS[name] = fn
        return fn

    return register


def render(table: Table | QueryResult, fmt: str, out: IO[str], labels: bool = False) -> None:
    """Write ``table`` to ``out`` in format ``fmt``."""
    if isinstance(table, QueryResult):
        table = Table.from_result(table)
    FORMATS[fmt](table, out, labels)


def cell_text(cell: Cell, labels: bool = False) -> str:
    """The human-readable text of a cell.

    >>> cell_text(URIRef("https://w3id.org/normspace#RLHF"))
    'norm:RLHF'
    >>> cell_text(Literal("2022", datatype=URIRef("http://www.w3.org/2001/XMLSchema#gYear")))
    '2022'
    >>> cell_text(None)
    ''
    """
    if cell is None:
        return ""
    if isinstance(cell, ox.NamedNode | ox.Literal | ox.BlankNode):
        return _ox_text(cell, labels)
    if isinstance(cell, URIRef):
        if labels:
            from .ontology import term_index

            term = term_index().get(str(cell))
            if term is not None:
                return term.label
        return curie(str(cell))
    if isinstance(cell, BNode):
        return f"_:{cell}"
    return str(cell)


def _ox_text(cell: ox.NamedNode | ox.Literal | ox.BlankNode, labels: bool) -> str:
    """:func:`cell_text` of a pyoxigraph term (the same text as its rdflib twin)."""
    if isinstance(cell, ox.NamedNode):
        if labels:
            from .ontology import term_index

            term = term_index().get(cell.value)
            if term is not None:
                return term.label
        return curie(cell.value)
    if isinstance(cell, ox.BlankNode):
        return f"_:{cell.value}"
    return _ox_lexical(cell)


def _ox_lexical(literal: ox.Literal) -> str:
    """The lexical form rdflib would show. WHY through rdflib for typed literals: rdflib
    normalises some datatypes differently from Oxigraph (``"100"^^xsd:double`` prints as
    ``100.0``, ``INF`` as ``inf``), and the output must not change with the engine; strings
    need no conversion, and callers memoise per distinct term."""
    if literal.language or literal.datatype.value in (_XSD_STRING, _RDF_LANGSTRING):
        return literal.value
    return str(from_oxigraph(literal))


def iri_of(cell: Cell) -> str | None:
    """The IRI of a cell that is one (rdflib or pyoxigraph), else None."""
    if isinstance(cell, ox.NamedNode):
        return cell.value
    if isinstance(cell, URIRef):
        return str(cell)
    return None


def _text_rows(table: Table, labels: bool) -> list[list[str]]:
    """Every cell's text. WHY the memo: large results repeat the same few thousand terms,
    and pyoxigraph terms hash by value (exact term equality), so each distinct term is
    rendered once; other cells (rdflib literals compare by value) are rendered each time."""
    memo: dict[Cell, str] = {}

    def text(cell: Cell) -> str:
        if not isinstance(cell, ox.NamedNode | ox.Literal | ox.BlankNode):
            return cell_text(cell, labels)
        found = memo.get(cell)
        if found is None:
            found = memo[cell] = _ox_text(cell, labels)
        return found

    return [[text(c) for c in row] for row in table.rows]


@renderer("table")
def render_table(table: Table, out: IO[str], labels: bool, width: int = 60) -> None:
    """Aligned columns for the terminal: long cells are cut at ``width`` characters, or
    wrapped over several lines when the table asks for it (``Table.wrap``)."""
    texts = _text_rows(table, labels)
    if table.wrap:
        cells = [[textwrap.wrap(c, table.wrap) or [""] for c in row] for row in texts]
    else:
        cells = [[[_cut(c, width)] for c in row] for row in texts]
    widths = [len(c) for c in table.columns]
    for row in cells:
        widths = [max(w, *(len(line) for line in c)) for w, c in zip(widths, row, strict=True)]

    def line(parts: Sequence[str]) -> str:
        return "  ".join(p.ljust(w) for p, w in zip(parts, widths, strict=True)).rstrip() + "\n"

    out.write(line(table.columns))
    out.write(line(["-" * w for w in widths]))
    for row in cells:
        for i in range(max(len(c) for c in row)):
            out.write(line([c[i] if i < len(c) else "" for c in row]))
        if table.wrap:
            out.write("\n")
    out.write(f"({len(cells)} row{'s' if len(cells) != 1 else ''})\n")


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _delimited(table: Table, out: IO[str], labels: bool, delimiter: str) -> None:
    """CSV or TSV for spreadsheets and pandas: terms as CURIEs, each column of terms
    followed by its label column, so that a file is readable without a join against the
    ontology and still joinable by code (see :func:`with_labels`); ``labels`` makes no
    difference here, the file always has both."""
    table = with_labels(table)
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows(_text_rows(table, labels=False))


@renderer("csv")
def render_csv(table: Table, out: IO[str], labels: bool) -> None:
    _delimited(table, out, labels, ",")


@renderer("tsv")
def render_tsv(table: Table, out: IO[str], labels: bool) -> None:
    _delimited(table, out, labels, "\t")


def _json_binding(cell: Cell) -> dict[str, str] | None:
    if cell is None:
        return None
    if isinstance(cell, ox.NamedNode | ox.Literal | ox.BlankNode):
        return _ox_json_binding(cell)
    if isinstance(cell, URIRef):
        return {"type": "uri", "value": str(cell)}
    if isinstance(cell, BNode):
        return {"type": "bnode", "value": str(cell)}
    if isinstance(cell, Literal):
        binding = {"type": "literal", "value": str(cell)}
        if cell.language:
            binding["xml:lang"] = cell.language
        elif cell.datatype is not None:
            binding["datatype"] = str(cell.datatype)
        return binding
    if isinstance(cell, int):
        return {
            "type": "literal",
            "value": str(cell),
            "datatype": "http://www.w3.org/2001/XMLSchema#integer",
        }
    return {"type": "literal", "value": str(cell)}


def _ox_json_binding(cell: ox.NamedNode | ox.Literal | ox.BlankNode) -> dict[str, str]:
    """:func:`_json_binding` of a pyoxigraph term (plain and language-tagged strings carry
    no datatype, as for rdflib terms)."""
    if isinstance(cell, ox.NamedNode):
        return {"type": "uri", "value": cell.value}
    if isinstance(cell, ox.BlankNode):
        return {"type": "bnode", "value": cell.value}
    binding = {"type": "literal", "value": _ox_lexical(cell)}
    if cell.language:
        binding["xml:lang"] = cell.language
    elif cell.datatype.value not in (_XSD_STRING, _RDF_LANGSTRING):
        binding["datatype"] = cell.datatype.value
    return binding


@renderer("json")
def render_json(table: Table, out: IO[str], labels: bool) -> None:
    bindings = []
    memo: dict[Cell, dict[str, str]] = {}  # per distinct pyoxigraph term (see _text_rows)
    for row in table.rows:
        entry = {}
        for column, cell in zip(table.columns, row, strict=True):
            if isinstance(cell, ox.NamedNode | ox.Literal | ox.BlankNode):
                value = memo.get(cell)
                if value is None:
                    value = memo[cell] = _ox_json_binding(cell)
            else:
                value = _json_binding(cell)
            if value is not None:
                entry[column] = value
        bindings.append(entry)
    document = {"head": {"vars": table.columns}, "results": {"bindings": bindings}}
    json.dump(document, out, indent=2, ensure_ascii=False)
    out.write("\n")


def _md_escape(text: str) -> str:
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


@renderer("markdown")
def render_markdown(table: Table, out: IO[str], labels: bool) -> None:
    """A GitHub-flavoured Markdown table."""
    out.write("| " + " | ".join(_md_escape(c) for c in table.columns) + " |\n")
    out.write("|" + "|".join("---" for _ in table.columns) + "|\n")
    for row in _text_rows(table, labels):
        out.write("| " + " | ".join(_md_escape(c) for c in row) + " |\n")


#: Inline style of the HTML document: no external resources, so that the file works offline
#: and can be mailed or attached as it is.
HTML_STYLE = """\
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1a1a1a; }
table { border-collapse: collapse; font-size: 0.9rem; }
caption { caption-side: top; text-align: left; font-weight: 600; padding: 0.4rem 0; }
th, td { border: 1px solid #b8b8b8; padding: 0.3rem 0.5rem; text-align: left;
  vertical-align: top; }
thead th { background: #e8eef4; position: sticky; top: 0; }
tbody th { background: #f4f4f4; font-weight: 600; }
tbody tr:nth-child(even) td { background: #fafafa; }
"""


@renderer("html")
def render_html(table: Table, out: IO[str], labels: bool) -> None:
    """A complete, self-contained HTML5 document (inline CSS, no scripts, no external
    resources) holding the table, every text escaped; the first column heads its rows
    (``<th scope="row">``), as in a comparison's dimension column. Cells that are full
    IRIs become links, so a paper's DOI opens the paper."""
    from html import escape

    caption = table.caption or f"{len(table.rows)} row{'s' if len(table.rows) != 1 else ''}"
    out.write('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8" />\n')
    out.write(f"<title>{escape(caption)}</title>\n<style>\n{HTML_STYLE}</style>\n</head>\n")
    out.write(f"<body>\n<table>\n<caption>{escape(caption)}</caption>\n<thead>\n<tr>")
    out.write("".join(f'<th scope="col">{escape(c)}</th>' for c in table.columns))
    out.write("</tr>\n</thead>\n<tbody>\n")
    for row in table.rows:
        cells = [_html_cell(cell, labels) for cell in row]
        first = f'<th scope="row">{cells[0]}</th>' if cells else ""
        out.write("<tr>" + first + "".join(f"<td>{c}</td>" for c in cells[1:]) + "</tr>\n")
    out.write("</tbody>\n</table>\n</body>\n</html>\n")


def _html_cell(cell: Cell, labels: bool) -> str:
    """Escaped cell text; an IRI that stays whole (no known prefix: a paper's DOI or arXiv
    link) becomes a link to itself."""
    from html import escape

    text = cell_text(cell, labels)
    if text == iri_of(cell) and text.startswith(("http://", "https://")):
        return f'<a href="{escape(text, quote=True)}">{escape(text)}</a>'
    return escape(text)


def pivot(
    table: Table,
    row: str,
    column: str,
    value: str,
    labels: bool = False,
    row_order: Sequence[Cell] | None = None,
    column_order: Sequence[Cell] | None = None,
) -> Table:
    """Turn long rows ``(row, column, value)`` into a matrix (missing cells empty).

    >>> t = Table(["a", "v", "n"], [["x", "p", 1], ["x", "q", 2], ["y", "q", 3]])
    >>> pivot(t, "a", "v", "n").rows
    [['x', 1, 2], ['y', '', 3]]
    """
    r, c, v = (table.columns.index(n) for n in (row, column, value))
    row_keys = (
        list(row_order) if row_order is not None else list(dict.fromkeys(x[r] for x in table.rows))
    )
    col_keys = (
        list(column_order)
        if column_order is not None
        else list(dict.fromkeys(x[c] for x in table.rows))
    )
    cells = {(x[r], x[c]): x[v] for x in table.rows}
    header = [row, *(cell_text(k, labels) for k in col_keys)]
    rows = [[k, *(cells.get((k, ck), "") for ck in col_keys)] for k in row_keys]
    return Table(header, rows)


# -- label columns -------------------------------------------------------------------------
# Every CSV or TSV file the CLI writes and every DataFrame of the Python API has a
# ``<column>_label`` column after each column of terms: ``approach`` (``norm:RLHF``) gets
# ``approach_label``, so that a table of codes can be read (and plotted) without a join. A
# column gets a label column when at least one of its cells is an ontology term; in that
# column, a cell that is not a term (a term request such as ``requested: civic trust``, a
# literal, a paper) gets its own text as its label, so that a plot of the label column shows
# every row.

#: Suffix of a label column.
LABEL_SUFFIX = "_label"


def label_column(name: str) -> str:
    """The name of the label column of column ``name``.

    >>> label_column("approach")
    'approach_label'
    """
    return name + LABEL_SUFFIX


def is_term(cell: Cell) -> bool:
    """Whether ``cell`` is an IRI of a NormSpace ontology term."""
    from .ontology import term_index

    iri = iri_of(cell)
    return iri is not None and term_index().get(iri) is not None


def _has_term(rows: Sequence[Sequence[Cell]], column: int) -> bool:
    """Whether a column holds an ontology term (each distinct IRI looked up once)."""
    seen: set[str] = set()
    for row in rows:
        iri = iri_of(row[column])
        if iri is not None and iri not in seen:
            seen.add(iri)
            if is_term(row[column]):
                return True
    return False


def with_labels(table: Table) -> Table:
    """``table`` with a ``<column>_label`` column after every column that holds terms.

    >>> from normspace.namespaces import NORM
    >>> t = with_labels(Table(["approach", "papers"], [[NORM.RLHF, 3]]))
    >>> t.columns
    ['approach', 'approach_label', 'papers']
    >>> [cell_text(c) for c in t.rows[0]]
    ['norm:RLHF', 'reinforcement learning from human feedback', '3']
    """
    labelled = [
        i
        for i, name in enumerate(table.columns)
        if not name.endswith(LABEL_SUFFIX)
        and label_column(name) not in table.columns
        and _has_term(table.rows, i)
    ]
    if not labelled:
        return table
    columns: list[str] = []
    for i, name in enumerate(table.columns):
        columns.append(name)
        if i in labelled:
            columns.append(label_column(name))
    memo: dict[Cell, str] = {}

    def label(cell: Cell) -> str | None:
        if cell is None:
            return None
        if not isinstance(cell, ox.NamedNode | ox.Literal | ox.BlankNode):
            return cell_text(cell, labels=True)
        found = memo.get(cell)
        if found is None:
            found = memo[cell] = _ox_text(cell, labels=True)
        return found

    rows = []
    for row in table.rows:
        cells: list[Cell] = []
        for i, cell in enumerate(row):
            cells.append(cell)
            if i in labelled:
                cells.append(label(cell))
        rows.append(cells)
    return Table(columns, rows, table.wrap)

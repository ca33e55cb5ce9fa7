"""The papers behind every number of the run report.

The count queries of the library count papers with ``(COUNT(DISTINCT ?paper) AS ?papers)``.
For each such query a *derived* query is made from its text, mechanically: every count of a
paper variable (a variable whose name ends in ``paper`` or ``Paper``) gets a companion
``(GROUP_CONCAT(DISTINCT COALESCE(STR(?paper), ""); separator=" ") AS ?papers__papers)``,
and an outer SELECT that projects the count projects the companion too. Nothing else
changes, so the derived query groups, filters and orders exactly like the library query:
there is one source of truth (the ``.rq`` file), and a test checks on the fixture and the
bundled corpus that every row lists exactly as many papers as it counts.

Why a companion column rather than re-running the query without GROUP BY: the queries
group inside sub-queries (term-requests), use HAVING (approaches-without-contestability)
and count several paper variables per row (explicit-none); adding a column keeps all of
that intact. ``COALESCE`` because a counted variable may be unbound in some solutions
(``BIND (IF(?none, ?paper, ?unbound) AS ?nonePaper)``): COUNT skips those, and
GROUP_CONCAT over an unbound value would make the whole aggregate unbound.

The results reach the report as :class:`PaperCount` cells: an ``int`` (so the tables and
the Markdown report treat them as the numbers they were) that carries its papers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rdflib import Literal

from .querylib import NamedQuery
from .store import QueryResult, Store

#: ``(COUNT(DISTINCT ?somePaper) AS ?alias)``: a count of papers.
PAPER_COUNT = re.compile(r"\(COUNT\(DISTINCT \?(?P<var>\w*[Pp]aper)\) AS \?(?P<alias>\w+)\)")
#: Suffix of the companion column that lists the papers of a count column.
PAPERS_SUFFIX = "__papers"
_PROJECTION = re.compile(r"\bSELECT\b(?P<projection>.*?)\bWHERE\b", re.DOTALL)


class PaperCount(int):
    """A number of papers that knows which papers they are (sorted IRIs).

    >>> n = PaperCount(("https://e.org/b", "https://e.org/a"))
    >>> n, n + 1, f"{n} papers", n.papers
    (2, 3, '2 papers', ('https://e.org/a', 'https://e.org/b'))
    """

    papers: tuple[str, ...]

    def __new__(cls, papers: Iterable[str]) -> PaperCount:
        unique = tuple(sorted(set(papers)))
        count = super().__new__(cls, len(unique))
        count.papers = unique
        return count

    def __repr__(self) -> str:
        return str(int(self))

    __str__ = __repr__


class Parts(str):
    """A table cell made of text and :class:`PaperCount` parts (``"crowd workers (3);
    experts (1)"``): plain text for the Markdown report, links for the HTML report."""

    parts: tuple[str | PaperCount, ...]

    def __new__(cls, parts: Sequence[str | PaperCount]) -> Parts:
        text = super().__new__(cls, "".join(str(p) for p in parts))
        text.parts = tuple(parts)
        return text


def paper_aliases(query: NamedQuery) -> list[str]:
    """The result columns of ``query`` that count papers.

    >>> from normspace.querylib import library
    >>> paper_aliases(library().get("explicit-none"))
    ['taggedPapers', 'explicitlyNonePapers', 'notAnnotatedPapers']
    """
    return list(dict.fromkeys(m["alias"] for m in PAPER_COUNT.finditer(query.text)))


def derived_text(text: str) -> str:
    """The query text with a companion column listing the papers of each paper count.

    >>> print(derived_text("SELECT ?a (COUNT(DISTINCT ?paper) AS ?n)\\nWHERE { }"))
    SELECT ?a (COUNT(DISTINCT ?paper) AS ?n) (GROUP_CONCAT(DISTINCT COALESCE(STR(?paper), ""); separator=" ") AS ?n__papers)
    WHERE { }
    >>> print(derived_text("SELECT ?a ?n WHERE { { SELECT (COUNT(DISTINCT ?paper) AS ?n) "
    ...                    "WHERE {} } }"))  # doctest: +ELLIPSIS
    SELECT ?a ?n ?n__papers WHERE { { SELECT (COUNT(DISTINCT ?paper) AS ?n) (GROUP_CONCAT(...
    """
    aliases = list(dict.fromkeys(m["alias"] for m in PAPER_COUNT.finditer(text)))
    if not aliases:
        return text

    def companion(match: re.Match) -> str:
        concat = f'GROUP_CONCAT(DISTINCT COALESCE(STR(?{match["var"]}), ""); separator=" ")'
        return f"{match[0]} ({concat} AS ?{match['alias']}{PAPERS_SUFFIX})"

    text = PAPER_COUNT.sub(companion, text)
    bare = re.compile(r"(?<!AS )\?(" + "|".join(aliases) + r")\b(?!" + PAPERS_SUFFIX + ")")

    def project(match: re.Match) -> str:
        projection = bare.sub(lambda m: f"{m[0]} {m[0]}{PAPERS_SUFFIX}", match["projection"])
        return f"SELECT{projection}WHERE"

    return _PROJECTION.sub(project, text)


def run_with_papers(store: Store, query: NamedQuery, result: QueryResult) -> QueryResult:
    """``result`` (of ``query`` on ``store``) with its paper counts as :class:`PaperCount`.

    The derived query is run and its rows are matched to ``result``'s by their cells (the
    rows of a grouped result are distinct); a row without a match, or a count that differs
    from its list, is a bug in the derivation and raises.
    """
    aliases = [a for a in paper_aliases(query) if a in result.variables]
    if not aliases or not result.rows:
        return result
    derived = store.query(derived_text(query.text), query.bind({}), inline=query.inline)
    keep = [derived.variables.index(v) for v in result.variables]
    lists = {a: derived.variables.index(a + PAPERS_SUFFIX) for a in aliases}
    by_row = {tuple(row[i] for i in keep): row for row in derived.rows}
    rows = []
    for row in result.rows:
        match = by_row.get(tuple(row))
        if match is None:
            raise RuntimeError(f"query {query.name}: no papers found for row {row}")
        cells = list(row)
        for alias, at in lists.items():
            i = result.variables.index(alias)
            count = PaperCount(str(match[at] or "").split())
            if count != int(row[i]):
                raise RuntimeError(
                    f"query {query.name}: {alias} counts {row[i]} papers but lists {count}"
                )
            cells[i] = count
        rows.append(tuple(cells))
    return QueryResult(list(result.variables), rows)


def is_count(cell: object) -> bool:
    """Whether a cell is a number of papers with its papers (a link in the HTML report)."""
    return isinstance(cell, PaperCount)


def as_int(cell: object) -> int:
    """The number in a count cell (a :class:`PaperCount`, an integer literal or ``int``)."""
    return int(cell) if not isinstance(cell, Literal) else int(cell.toPython())

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
from collections.abc import Iterable, Mapping, Sequence

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
    ... # doctest: +ELLIPSIS
    SELECT ?a (COUNT(DISTINCT ?paper) AS ?n) (GROUP_CONCAT(DISTINCT COALESCE(STR(?paper), ...
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


def run_counted(
    store: Store, query: NamedQuery, values: Mapping[str, str] | None = None
) -> QueryResult:
    """Run ``query`` (binding ``values`` like :meth:`NamedQuery.run`) with its paper counts
    as :class:`PaperCount` cells.

    Only the derived query runs: its rows, without the companion columns, are the library
    query's rows (same groups, same order), so the papers cost one query, not two. A count
    that differs from its list is a bug in the derivation and raises.
    """
    aliases = paper_aliases(query)
    if not aliases:
        return query.run(store, values)
    derived = store.query(derived_text(query.text), query.bind(values or {}), inline=query.inline)
    variables = [v for v in derived.variables if not v.endswith(PAPERS_SUFFIX)]
    keep = [derived.variables.index(v) for v in variables]
    lists = {
        variables.index(a): derived.variables.index(a + PAPERS_SUFFIX)
        for a in aliases
        if a in variables
    }
    rows = []
    for row in derived.rows:
        cells = [row[i] for i in keep]
        for at, listed in lists.items():
            count = PaperCount(str(row[listed] or "").split())
            if count != int(cells[at]):
                raise RuntimeError(
                    f"query {query.name}: {variables[at]} counts {cells[at]} papers but "
                    f"lists {count}"
                )
            cells[at] = count
        rows.append(tuple(cells))
    return QueryResult(variables, rows)

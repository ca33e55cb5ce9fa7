"""Run a named query for output: rows of pyoxigraph terms, never converted to rdflib.

:meth:`normspace.store.OxigraphStore.query` converts every solution to rdflib terms, which
the Python API needs (DataFrames, analyses) but printing does not: on large results
building rdflib ``Literal`` and ``URIRef`` objects costs more than the query (measured in
``benchmarks/query_bench.py``). ``normspace query`` therefore asks this module for an
:class:`Answer` whose rows hold the terms Oxigraph returns; :mod:`normspace.results`
renders both kinds of term to the same text, so the output is byte-identical.

A remote store (:class:`normspace.store.SparqlEndpointStore`) has no pyoxigraph terms to
offer: its answer is parsed from SPARQL JSON into rdflib terms as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib.term import Node

from .results import Cell, Table
from .store import OxigraphStore, Store


@dataclass
class Answer:
    """A query's answer for output: SELECT rows (terms of either library) or an ASK
    boolean."""

    variables: list[str]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)
    boolean: bool | None = None

    def table(self) -> Table:
        return Table(list(self.variables), [list(row) for row in self.rows])


def run_for_output(named, store: Store, values: Mapping[str, str]) -> Answer:  # noqa: ANN001
    """Run the named query ``named`` (a :class:`normspace.querylib.NamedQuery`) with
    ``values`` bound; the rows of the embedded store stay pyoxigraph terms."""
    bindings = named.bind(values)
    if not isinstance(store, OxigraphStore):
        result = store.query(named.text, bindings, inline=named.inline)
        return Answer(list(result.variables), list(result.rows), result.boolean)
    return oxigraph_answer(store, named.text, bindings, inline=named.inline)


def oxigraph_answer(
    store: OxigraphStore, sparql: str, bindings: Mapping[str, Node], *, inline: bool = False
) -> Answer:
    """:meth:`OxigraphStore.query` without the rdflib conversion: the same binding rules
    and errors (:meth:`OxigraphStore.solutions`), rows kept as pyoxigraph terms."""
    return store.solutions(sparql, bindings, inline=inline, collect=_collect)


def _collect(solutions) -> Answer:  # noqa: ANN001 - a pyoxigraph query result
    """Materialise the (lazy) solutions as tuples of terms: ``tuple(solution)`` iterates
    in Rust, so a row costs one tuple and no term conversion."""
    if isinstance(solutions, ox.QueryBoolean):
        return Answer([], [], bool(solutions))
    if isinstance(solutions, ox.QueryTriples):
        rows = [(t.subject, t.predicate, t.object) for t in solutions]
        return Answer(["subject", "predicate", "object"], rows)
    variables = [v.value for v in solutions.variables]
    return Answer(variables, [tuple(solution) for solution in solutions])

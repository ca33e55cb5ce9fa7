"""``normspace query``: run a named query of the library, or a query file."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TextIO

import click

from ..errors import InputError
from ..querylib import NamedQuery, QueryLibrary, library
from ..queryrun import Answer, run_for_output
from ..results import FORMATS, Table, render
from ..store import Store, open_store
from .options import (
    endpoint_options,
    endpoint_settings,
    format_option,
    output_option,
    store_option,
)

log = logging.getLogger(__name__)


def parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    """``NAME=VALUE`` pairs (a leading ``?`` on the name is allowed).

    >>> parse_params(("approach=norm:RLHF", "?n=2"))
    {'approach': 'norm:RLHF', 'n': '2'}
    """
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().lstrip("?")
        if not sep or not name:
            raise InputError(
                f"--param `{pair}` is not NAME=VALUE (e.g. --param approach=norm:RLHF)"
            )
        if name in values:
            raise InputError(f"--param {name} is given twice")
        values[name] = value.strip()
    return values


def run_query(named: NamedQuery, store: Store, values: dict[str, str], file: str | None) -> Answer:
    """Run a query for output (rows as the store returns them, see
    :mod:`normspace.queryrun`); a query file's errors name the file (library queries are
    tested)."""
    try:
        return run_for_output(named, store, values)
    except InputError as exc:
        if file is None or str(exc).startswith(file):
            raise
        raise InputError(f"{file}: {exc}") from exc


def timeout_option(f):
    """``--timeout SECONDS``: overall deadline of each request to a remote endpoint."""
    return click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=None,
        metavar="SECONDS",
        help="With --endpoint: give up on a request after this many seconds [default: 60].",
    )(f)


def library_table(queries: QueryLibrary) -> Table:
    rows = []
    for name, query in queries.queries.items():
        params = " ".join(f"?{p.name}" + ("" if p.required else "?") for p in query.params)
        rows.append([name, params, query.title])
    return Table(["query", "parameters", "title"], rows)


@click.command("query")
@click.argument("query_ref", required=False, metavar="NAME|FILE.rq")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind a query parameter (repeatable); terms as CURIE, IRI or label.",
)
@click.option("--list", "list_queries", is_flag=True, help="List the query library and exit.")
@click.option("--labels", is_flag=True, help="Show term labels instead of CURIEs.")
@click.option(
    "--allow-service",
    is_flag=True,
    help="Let a query file use SERVICE <url> (federation), which contacts that host.",
)
@timeout_option
@format_option(list(FORMATS), "table")
@output_option
@store_option
@endpoint_options
def query(
    query_ref: str | None,
    params: tuple[str, ...],
    list_queries: bool,
    labels: bool,
    allow_service: bool,
    timeout: float | None,
    fmt: str,
    output: TextIO,
    store_path: Path,
    endpoint: str | None,
    update_endpoint: str | None,
    user: str | None,
    auth: str,
) -> None:
    """Run a named query (see --list) or a SPARQL query file against the store.

    Parameters are bound as RDF terms, never pasted into the query: a term parameter takes
    a CURIE, IRI or label and is checked against the ontology (with suggestions). In
    --list, a parameter marked `?` is optional. Queries see the union of all graphs
    (ontology and annotations) as their default graph. A query file that uses SERVICE is
    refused unless --allow-service is given (it would contact another host).

    With --endpoint, queries run at a remote SPARQL endpoint; how its default graph relates
    to the named graphs is detected once (union, Oxigraph's union parameter, or the
    graphs listed with default-graph-uri), and an endpoint without the NormSpace ontology
    gets a warning instead of silently empty results. An answer cut at the server's row
    cap (Virtuoso's X-SPARQL-MaxRows) is an error (exit 2), never a short table.
    """
    queries = library()
    if list_queries:
        render(library_table(queries), fmt, output)
        return
    if not query_ref:
        raise click.UsageError("name a query (normspace query --list shows them) or give --list")
    named = queries.get(query_ref)
    values = parse_params(params)
    named.bind(values)  # parameter errors before the store is opened
    remote = endpoint_settings(endpoint, update_endpoint, user, auth, timeout)
    with open_store(
        store_path, remote, create=False, read_only=True, allow_service=allow_service
    ) as store:
        started = time.perf_counter()
        result = run_query(
            named, store, values, None if query_ref in queries.queries else query_ref
        )
    log.info(
        "query %s: %d rows in %.3f s", named.name, len(result.rows), time.perf_counter() - started
    )
    if result.boolean is not None:
        output.write(("true" if result.boolean else "false") + "\n")
        return
    render(result.table(), fmt, output, labels=labels)

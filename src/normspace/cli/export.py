"""``normspace export``: write the store (or some of its graphs) as RDF."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

import click

from ..store import EXPORT_FORMATS, open_store
from .options import (
    endpoint_options,
    endpoint_settings,
    format_option,
    output_option,
    store_option,
)
from .query import timeout_option


@click.command("export")
@click.option(
    "--graph",
    "graphs",
    multiple=True,
    metavar="IRI",
    help="Export only this named graph (repeatable), e.g. https://w3id.org/normspace.",
)
@timeout_option
@format_option(list(EXPORT_FORMATS), "nq")
@output_option
@store_option
@endpoint_options
def export(
    graphs: tuple[str, ...],
    timeout: float | None,
    fmt: str,
    output: TextIO,
    store_path: Path,
    endpoint: str | None,
    update_endpoint: str | None,
    user: str | None,
    auth: str,
) -> None:
    """Export the store: by default every graph (ontology, mappings, annotations) as
    N-Quads. Formats without named graphs (ttl, nt) get the union of the chosen graphs.

    With --endpoint, the NormSpace graphs of a remote store (a server's own graphs, such
    as Virtuoso's, are left out), read in pages checked against each graph's size."""
    remote = endpoint_settings(endpoint, update_endpoint, user, auth, timeout)
    with open_store(store_path, remote, create=False, read_only=True) as store:
        store.export(output, fmt, list(graphs) or None)

"""``normspace remove``: take annotations out of the store."""

from __future__ import annotations

from pathlib import Path

import click

from ..removal import resolve_removals
from ..store import open_store
from .load import quiet, to_stderr
from .options import endpoint_options, endpoint_settings, store_option
from .query import timeout_option


@click.command("remove")
@click.argument("targets", nargs=-1, required=True, metavar="(FILE|ANNOTATION_IRI|PAPER_IRI)...")
@store_option
@endpoint_options
@timeout_option
def remove(
    targets: tuple[str, ...],
    store_path: Path,
    endpoint: str | None,
    update_endpoint: str | None,
    user: str | None,
    auth: str,
    timeout: float | None,
) -> None:
    """Remove annotations from the store, in one transaction.

    Name each annotation by its file (also after the file was edited or deleted: the path
    recorded at load time is used), by its annotation IRI, or name a paper IRI to remove
    all annotations of that paper. If any target matches nothing, nothing is removed
    (exit 2). With --endpoint, from a remote store (one update request sent to
    --update-endpoint, default the --endpoint URL).
    """
    remote = endpoint_settings(endpoint, update_endpoint, user, auth, timeout, writing=True)
    with open_store(store_path, remote, create=False) as store:
        graphs = resolve_removals(store, list(targets))
        store.remove_graphs(graphs)
    if not quiet():
        to_stderr(f"removed {len(graphs)} annotation{'s' if len(graphs) != 1 else ''}:")
        for iri in graphs:
            to_stderr(f"  <{iri}>")

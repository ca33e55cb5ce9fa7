"""``normspace load``: validate annotation files and load them into the store, all or nothing."""

from __future__ import annotations

from pathlib import Path

import click

from ..store import open_store
from .options import endpoint_options, endpoint_settings, is_quiet, store_option
from .progress import load_files
from .query import timeout_option


def quiet() -> bool:
    """True when ``-q`` was given (before or after the command)."""
    return is_quiet()


def to_stderr(text: str) -> None:
    click.echo(text, err=True)


@click.command("load")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@store_option
@endpoint_options
@timeout_option
@click.option(
    "--all",
    "reload_all",
    is_flag=True,
    help="Validate and write every file, also those the store already holds unchanged.",
)
def load(
    paths: tuple[Path, ...],
    store_path: Path,
    endpoint: str | None,
    update_endpoint: str | None,
    user: str | None,
    auth: str,
    timeout: float | None,
    reload_all: bool,
) -> None:
    """Validate annotation files (a folder: every *.yaml/*.yml in it) and load them.

    Every file is validated first; only when none has errors is anything written, and then
    all annotations go into the store in one transaction (a failed or interrupted load
    leaves the store as it was). Each annotation is its own named graph, so loading an
    edited file replaces its earlier version. The ontology and mappings graphs are loaded
    too when they are missing or have changed.

    With --endpoint the annotations go into a remote SPARQL 1.1 store instead (same
    graphs, ontology included when missing), sent to --update-endpoint (default: the
    --endpoint URL) as ONE update request, which Oxigraph applies atomically. Virtuoso
    cannot take a large request: there the load goes graph by graph in several requests
    (not atomic; run it again after a failure). See docs/sharing.md.

    Incremental: a file the store already holds unchanged (same file, same bytes: the
    store records a digest of each file it loaded) is neither validated nor written again;
    the summary counts them as "N unchanged, skipped" (--all re-validates and rewrites
    them). Files are read and validated in parallel worker processes (one per CPU;
    NORMSPACE_WORKERS=1 uses one process), with a progress bar on a terminal. Load never
    removes: the graph of a deleted file stays until `normspace remove FILE`.

    Exits 0 when loaded (warnings are shown), 1 when a file has errors, 2 when a file
    cannot be read or the endpoint fails.
    """
    silent = quiet()
    remote = endpoint_settings(endpoint, update_endpoint, user, auth, timeout, writing=True)
    with open_store(store_path, remote) as store:
        summary = load_files(
            store,
            list(paths),
            _errors_only if silent else to_stderr,
            not silent,
            incremental=not reload_all,
        )
    if not silent:
        to_stderr(summary.describe(remote.shown() if remote else str(store_path)))


def _errors_only(text: str) -> None:
    if ": error: " in text:
        to_stderr(text)

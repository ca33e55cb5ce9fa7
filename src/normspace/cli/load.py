"""``normspace load``: validate annotation files and load them into the store, all or nothing."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import InputError
from ..store import open_store
from .options import is_quiet, store_option
from .progress import load_files


def quiet() -> bool:
    """True when ``-q`` was given (before or after the command)."""
    return is_quiet()


def to_stderr(text: str) -> None:
    click.echo(text, err=True)


@click.command("load")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@store_option
def load(paths: tuple[Path, ...], store_path: Path, endpoint: str | None) -> None:
    """Validate annotation files (a folder: every *.yaml/*.yml in it) and load them.

    Every file is validated first; only when none has errors is anything written, and then
    all annotations go into the store in one transaction (a failed or interrupted load
    leaves the store as it was). Each annotation is its own named graph, so loading an
    edited file replaces its earlier version. The ontology and mappings graphs are loaded
    too when they are missing or have changed.

    Exits 0 when loaded (warnings are shown), 1 when a file has errors, 2 when a file
    cannot be read.
    """
    if endpoint:
        raise InputError(
            f"cannot load into the SPARQL endpoint {endpoint}: it is queried read-only; "
            "load into the embedded store (--store) instead"
        )
    silent = quiet()
    with open_store(store_path) as store:
        summary = load_files(store, list(paths), _errors_only if silent else to_stderr, not silent)
    if not silent:
        to_stderr(summary.describe(str(store_path)))


def _errors_only(text: str) -> None:
    if ": error: " in text:
        to_stderr(text)

"""``normspace store``: check a store's integrity and repair (rebuild) a damaged one."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import EXIT_VALIDATION
from ..storecheck import check_store, repair_store
from .load import quiet, to_stderr
from .options import DEFAULT_STORE


def _store_path_option(f):
    return click.option(
        "--store",
        "store_path",
        type=click.Path(path_type=Path),
        default=DEFAULT_STORE,
        show_default=True,
        envvar="NORMSPACE_STORE",
        help="Folder of the embedded store.",
    )(f)


@click.group("store")
def store() -> None:
    """Check the embedded store, or rebuild a damaged one from its annotation files."""


@store.command("check")
@_store_path_option
def check(store_path: Path) -> None:
    """Open the store read-only, read every block, and compare its bookkeeping with its
    graphs and with the annotation files it was loaded from.

    Exits 0 when the store is sound (warnings are shown), 1 when it is damaged or
    inconsistent, 2 when there is no store at the path.
    """
    report = check_store(store_path)
    for finding in report.findings:
        if finding.level != "ok" or not quiet():
            click.echo(f"{store_path}: {finding}")
    if report.errors:
        click.echo(
            f"{store_path}: damaged; `normspace store repair --store {store_path}` rebuilds "
            "it from its annotation files",
            err=True,
        )
        raise SystemExit(EXIT_VALIDATION)


@store.command("repair")
@_store_path_option
@click.option("--force", is_flag=True, help="Rebuild even when the check finds no damage.")
def repair(store_path: Path, force: bool) -> None:
    """Rebuild a damaged store from the annotation files it records as its sources.

    The new store is built beside the old one and swapped in only when complete; the
    damaged store is kept as STORE.damaged for you to delete. Refuses (and changes
    nothing) when a source file is gone or no longer validates.
    """
    result = repair_store(store_path, force)
    for note in result.notes:
        to_stderr(f"{store_path}: {note}")
    if result.rebuilt and not quiet():
        to_stderr(
            f"rebuilt {store_path} from {result.annotations} annotation file"
            f"{'s' if result.annotations != 1 else ''}; the damaged store is kept at "
            f"{result.kept} (delete it when you no longer need it)"
        )

"""``normspace imports``: regenerate and verify the vendored extracts of external ontologies."""

from __future__ import annotations

from pathlib import Path

import click

from ..imports import ENV_SOURCE_DIRS, check_modules, default_source_dirs, update_modules

_SOURCE_DIR = click.option(
    "--source-dir",
    "source_dirs",
    multiple=True,
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help=f"Folder with full copies of the external ontologies (repeatable); searched before "
    f"${ENV_SOURCE_DIRS} and ../shared/ontologies beside the checkout.",
)


@click.group("imports")
def imports() -> None:
    """Vendored import modules under ontology/imports/ (see sources.yaml there)."""


@imports.command("update")
@_SOURCE_DIR
def update(source_dirs: tuple[Path, ...]) -> None:
    """Re-extract every module whose full copies are found, for the terms the mapping sets
    use and their ancestors. Fails (exit 2) if a module needs new terms but its full copy
    is not at hand."""
    for report in update_modules(source_dirs=[*source_dirs, *default_source_dirs()]):
        detail = f" ({report.detail})" if report.detail else ""
        click.echo(f"{report.status:9} {report.name}: {report.terms} terms{detail}")


@imports.command("check")
@_SOURCE_DIR
def check(source_dirs: tuple[Path, ...]) -> None:
    """Verify offline that every mapped external IRI is in its module and that each module
    matches the full copy it claims to come from (where that copy is at hand)."""
    problems, notes = check_modules(source_dirs=[*source_dirs, *default_source_dirs()])
    for note in notes:
        click.echo(f"note: {note}")
    for problem in problems:
        click.secho(f"error: {problem}", fg="red", err=True)
    if problems:
        raise SystemExit(1)
    click.echo("import modules OK")

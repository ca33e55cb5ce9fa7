"""``normspace fmt``: rewrite the ontology sources in canonical Turtle."""

from __future__ import annotations

from pathlib import Path

import click

from ..canonical import format_files
from ..ontology import ontology_files


def _display(path: Path) -> str:
    """The path relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@click.command("fmt")
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Do not write; list files not in canonical form and exit 1 if there are any.",
)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
def fmt(check_only: bool, files: tuple[Path, ...]) -> None:
    """Rewrite Turtle FILES deterministically (default: ontology/normspace.ttl and
    ontology/dimensions/*.ttl). Comments are dropped; triples are never changed."""
    paths = list(files) or ontology_files()
    results = format_files(paths, write=not check_only)
    changed = [r.path for r in results if not r.canonical]
    for path in changed:
        click.echo(f"{'not canonical' if check_only else 'reformatted'}: {_display(path)}")
    if check_only and changed:
        click.echo(f"{len(changed)} of {len(results)} files need `normspace fmt`.", err=True)
        raise SystemExit(1)
    if not changed:
        click.echo(f"{len(results)} files already canonical.")

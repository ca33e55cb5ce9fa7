"""``normspace docs``: build the HTML documentation (not committed; see docs/release.md)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("docs")
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build") / "docs",
    show_default=True,
    help="Output folder.",
)
@click.option("--strict", is_flag=True, help="Exit 1 if any metadata warning was reported.")
def docs(out: Path, strict: bool) -> None:
    """Generate ontology.html (pyLODE), shapes.html, one taxonomy page per concept scheme,
    the core-model diagram and index.html. Missing metadata is reported as warnings."""
    from ..docsgen import build_docs

    build = build_docs(out)
    for warning in build.warnings:
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    click.echo(f"{len(build.files)} files in {out}; {len(build.warnings)} warnings")
    if strict and build.warnings:
        raise SystemExit(1)

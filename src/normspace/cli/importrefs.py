"""``normspace import-refs``: skeleton annotation files from a BibTeX or CSL-JSON file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..annotation import identifiers
from ..annotation.model import Annotator
from ..annotation.refimport import import_references, read_references
from ..errors import EXIT_OK, EXIT_VALIDATION, InputError
from .new import check_argument


@click.command("import-refs")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out-dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the skeleton files (created if needed).",
)
@click.option("--annotator", help="Your name, written into every file.")
@click.option("--orcid", help="Your ORCID iD.")
@click.option(
    "--date",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Date of the annotations (default: today).",
)
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.pass_context
def import_refs(
    ctx: click.Context,
    file: Path,
    out_dir: Path,
    annotator: str | None,
    orcid: str | None,
    date: dt.datetime | None,
    force: bool,
) -> None:
    """Create one skeleton annotation file per reference in FILE (.bib or CSL-JSON .json,
    e.g. a Zotero export).

    Entries without a DOI or arXiv id are reported and skipped; the command then exits 1,
    so that scripts notice. Existing files are kept unless --force.
    """
    check_argument("--annotator", annotator)
    check_argument("--orcid", orcid)
    try:
        orcid_id = identifiers.normalise_orcid(orcid) if orcid else None
    except identifiers.IdentifierError as exc:
        raise InputError(f"--orcid: {exc}; expected {exc.expected}") from exc
    refs = read_references(file)
    day = date.date() if date else dt.date.today()
    report = import_references(refs, out_dir, Annotator(annotator, orcid_id), day, force)
    for message in report.skipped:
        click.secho(f"{file}: {message}", fg="yellow", err=True)
    for path in report.kept:
        click.echo(f"kept existing {path} (use --force to overwrite)", err=True)
    click.echo(
        f"{len(refs)} references: wrote {len(report.written)} files, kept "
        f"{len(report.kept)} existing, skipped {len(report.skipped)}",
        err=True,
    )
    ctx.exit(EXIT_VALIDATION if report.skipped else EXIT_OK)

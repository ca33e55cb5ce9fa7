"""``normspace new``: write a skeleton annotation file for one paper."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..annotation import identifiers
from ..annotation.model import Annotation, Annotator, Paper
from ..annotation.render import render_annotation
from ..annotation.textinput import surrogate_at, surrogate_message
from ..atomicio import atomic_write_text
from ..errors import InputError


def check_argument(option: str, value: str | None) -> str | None:
    """Refuse an argument that is not valid Unicode text.

    A command-line argument in another encoding than the terminal's (``--title
    $'caf\\xe9'`` in a UTF-8 locale) reaches Python with lone surrogates in place of the
    bad bytes; such text can be neither written to the file nor stored, so it is refused
    here, before anything is written (exit 2).
    """
    if value is not None and surrogate_at(value) is not None:
        raise InputError(
            f"{option}: {surrogate_message(value)}; give the argument as UTF-8 text "
            "(check the terminal's or script's encoding)"
        )
    return value


def _normalise(normalise, value: str | None, option: str) -> str | None:
    if value is None:
        return None
    try:
        return normalise(value)
    except identifiers.IdentifierError as exc:
        raise InputError(f"{option}: {exc}; expected {exc.expected}") from exc


def write_new_file(text: str, target: Path, force: bool) -> None:
    """Write the skeleton atomically: an existing file is replaced only by a complete new
    one, never truncated first (see :mod:`normspace.atomicio`)."""
    if target.exists() and not force:
        raise InputError(f"{target} exists; not overwritten (use --force to replace it)")
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(target, text)


@click.command("new")
@click.option("--doi", help="DOI of the paper (e.g. 10.1145/3630106.3658979).")
@click.option("--arxiv", help="arXiv id of the paper (e.g. 2203.02155).")
@click.option("--title", help="Title of the paper.")
@click.option("--year", type=click.IntRange(1900, 9999), help="Publication year of the paper.")
@click.option("--annotator", help="Your name.")
@click.option("--orcid", help="Your ORCID iD (e.g. 0000-0002-1825-0097).")
@click.option(
    "--date",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Date of the annotation (default: today).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="File to write, or a folder to write a file named after paper and annotator into. "
    "Default: standard output.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def new(
    doi: str | None,
    arxiv: str | None,
    title: str | None,
    year: int | None,
    annotator: str | None,
    orcid: str | None,
    date: dt.datetime | None,
    output: Path | None,
    force: bool,
) -> None:
    """Write a skeleton annotation file (format 2) with every section and a comment on each
    field: one contribution (several: turn it into a `contributions:` list), commented
    examples of findings, study facts, trade-offs, assumptions and term requests.

    Nothing is looked up online: metadata you do not give is left empty for you to fill in.
    """
    for option, value in (
        ("--doi", doi),
        ("--arxiv", arxiv),
        ("--title", title),
        ("--annotator", annotator),
        ("--orcid", orcid),
    ):
        check_argument(option, value)
    if not (doi or arxiv):
        raise click.UsageError("give the paper's --doi or --arxiv id (or both)")
    paper = Paper(
        title=title,
        year=year,
        doi=_normalise(identifiers.normalise_doi, doi, "--doi"),
        arxiv=_normalise(identifiers.normalise_arxiv, arxiv, "--arxiv"),
    )
    person = Annotator(
        name=annotator, orcid=_normalise(identifiers.normalise_orcid, orcid, "--orcid")
    )
    day = date.date() if date else dt.date.today()
    annotation = Annotation(paper=paper, annotator=person, date=day)
    text = render_annotation(annotation, skeleton=True)
    if output is None:
        click.echo(text, nl=False)
        return
    target = output / annotation.filename if output.is_dir() else output
    write_new_file(text, target, force)
    click.echo(f"wrote {target}", err=True)

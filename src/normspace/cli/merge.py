"""``normspace merge``: a consensus of several annotations of one paper, with every
disagreement in a ``conflict:`` marker for a human adjudicator to resolve."""

from __future__ import annotations

from pathlib import Path

import click

from ..annotation.merge import MergeResult, Source, merge_annotations, source_names
from ..annotation.problems import ERROR, summary_line
from ..annotation.terms import TermResolver
from ..annotation.textinput import printable
from ..annotation.validate import ValidationRun, validate_file
from ..atomicio import atomic_write_text
from ..errors import InputError, ValidationFailure
from ..shacl import annotation_engine
from .options import is_quiet
from .validate import problem_line

STDOUT = "-"


def read_sources(files: tuple[Path, ...]) -> list[Source]:
    """The inputs, validated as ``normspace validate`` does: a merge of invalid input would
    carry its errors into the consensus, where they would look like the adjudicator's."""
    engine, resolver = annotation_engine(), TermResolver()
    # file by file, not validate_paths: two copies of one annotation (a file merged with
    # itself) are no error here, they simply agree
    run = ValidationRun([validate_file(path, engine, resolver) for path in files])
    _refuse_invalid(run)
    annotations = []
    for result in run.files:
        document = result.parsed.document
        if document is None:  # unreadable files made the run fail above
            raise InputError(f"{result.parsed.path} holds no annotation")
        annotations.append(document.annotation)
    names = [f.name for f in files]
    labels = source_names(annotations, names)
    return [Source(n, f, a) for n, f, a in zip(labels, names, annotations, strict=True)]


def _refuse_invalid(run: ValidationRun) -> None:
    errors = [p for p in run.problems if p.severity == ERROR]
    if not errors:
        return
    for problem in errors:
        click.echo(problem_line(problem), err=True)
    click.echo(summary_line(run.summary()), err=True)
    message = "nothing merged: the inputs must validate (see above)"
    if run.exit_code == 2:
        raise InputError(message)
    raise ValidationFailure(message)


def write(result: MergeResult, output: str, force: bool) -> None:
    if output == STDOUT:
        click.echo(result.text, nl=False)
        return
    target = Path(output)
    if target.exists() and not force:
        raise InputError(f"not overwriting {target} (use --force)")
    atomic_write_text(target, result.text)


def report(result: MergeResult, output: str) -> None:
    """One line on standard error: where the consensus went and how many conflicts it holds
    (left out with -q)."""
    if is_quiet():
        return
    where = "standard output" if output == STDOUT else output
    count = len(result.conflicts)
    if count == 0:
        text = f"wrote {where}: no conflicts, the annotators agree"
    else:
        text = (
            f"wrote {where}: {count} conflict{'s' if count != 1 else ''} to resolve "
            f"(`normspace validate {output if output != STDOUT else 'FILE'}` lists them)"
        )
    click.echo(printable(text), err=True)


@click.command("merge")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "-o",
    "--output",
    required=True,
    metavar="FILE",
    help="The consensus annotation file (`-` for standard output).",
)
@click.option(
    "--annotator",
    default=None,
    help="The adjudicator's name (default: `consensus of A and B`).",
)
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
def merge(files: tuple[Path, ...], output: str, annotator: str | None, force: bool) -> None:
    """Merge two or more annotations of one paper into a consensus to adjudicate.

    Agreed content is kept as annotated; every disagreement (paper metadata, tags of every
    slot, roles, `none`, findings, study facts, trade-offs, assumptions, contributions only
    some annotators have) is kept inside a `conflict:` marker naming who said what. Resolve
    each marker by hand (keep what you accept, delete the marker); `normspace validate`
    reports every marker left as an error, and `load` refuses the file until none is left.
    Exits 1 when an input has validation errors, 2 when the inputs annotate different
    papers, a file cannot be read, or the output exists (use --force).
    """
    if len(files) < 2:
        raise click.UsageError("give at least two annotation files of the same paper")
    if output != STDOUT and Path(output).exists() and not force:
        raise InputError(f"not overwriting {output} (use --force)")
    result = merge_annotations(read_sources(files), annotator)
    write(result, output, force)
    report(result, output)

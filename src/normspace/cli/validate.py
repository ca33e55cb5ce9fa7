"""``normspace validate``: check annotation files against the format and the SHACL shapes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

import click

from ..annotation.problems import ERROR, Problem, summary_line
from ..annotation.report_graph import report_graph
from ..annotation.textinput import printable
from ..annotation.validate import ValidationRun, validate_paths
from ..validation import validate_all
from .options import format_option, is_quiet, output_option
from .progress import terminal_progress

FORMATS = ("text", "json", "ttl")


def problem_line(problem: Problem) -> str:
    """``file:line:column: field: severity: message``: the column too when known (YAML
    syntax errors), as the JSON output and docs/annotation-format.md have it; printable
    even when a file name holds bytes that are not UTF-8.

    >>> problem_line(Problem("x.yaml", "YAML syntax error: …", "yaml-syntax", line=3, column=9))
    'x.yaml:3:9: error: YAML syntax error: …'
    """
    text = str(problem)
    where = f"{problem.file}:{problem.line}"
    if problem.line and problem.column and not text.startswith(f"{where}:{problem.column}:"):
        text = f"{where}:{problem.column}{text[len(where) :]}"
    return printable(text)


def write_text(run: ValidationRun, out: TextIO) -> None:
    """Every problem and the summary line; with -q only the errors (exit code unchanged)."""
    quiet = is_quiet()
    for problem in run.problems:
        if not quiet or problem.severity == ERROR:
            out.write(problem_line(problem) + "\n")
    if not quiet:
        out.write(summary_line(run.summary()) + "\n")


def write_json(run: ValidationRun, out: TextIO) -> None:
    data = {"problems": [p.to_json() for p in run.problems], "summary": run.summary()}
    out.write(printable(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")


def write_reports(run: ValidationRun, out: TextIO) -> None:
    """One SHACL validation report per file (``dcterms:source`` names it), holding the
    results of the shapes and the problems the reader found before SHACL ran."""
    out.write(report_graph(run).serialize(format="turtle"))


WRITERS = {"text": write_text, "json": write_json, "ttl": write_reports}


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@format_option(FORMATS, "text")
@output_option
@click.pass_context
def validate(ctx: click.Context, paths: tuple[Path, ...], fmt: str, output: TextIO) -> None:
    """Validate annotation files (a folder means every *.yaml/*.yml in it, recursively).

    Each file is read, its terms resolved and its RDF checked against the annotation
    shapes on its own. Files in format 1 (no `format: 2`) still validate, with a
    `format-deprecated` warning (`normspace migrate FILE` rewrites them); term requests
    validate with a `term-request` warning. Problems are reported as
    FILE:LINE: FIELD: SEVERITY: MESSAGE; `--format json` lists them as objects,
    `--format ttl` as one SHACL validation report per file (reader problems included,
    located with nsh:line and nsh:field).
    Exits 0 when there are no errors (warnings pass), 1 when any file has errors (also two
    files for the same paper and annotator), 2 when a file cannot be read or parsed at all
    (or a symbolic link loops). With -q the text report lists only the errors.

    Many files are read and checked in parallel worker processes (one per CPU; set
    NORMSPACE_WORKERS=1 to use one process), with a progress bar on a terminal; the
    report is the same, in the same order, whatever the number of workers.
    """
    if fmt == "ttl":  # the SHACL report graphs exist only on the per-file path
        run = validate_paths(list(paths))
    else:
        progress = None if is_quiet() else terminal_progress
        run = validate_all(list(paths), progress)
    WRITERS[fmt](run, output)
    ctx.exit(run.exit_code)

"""``normspace validate``: check annotation files against the format and the SHACL shapes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

import click

from ..annotation.problems import summary_line
from ..annotation.report_graph import report_graph
from ..annotation.validate import ValidationRun, validate_paths
from .options import format_option, output_option

FORMATS = ("text", "json", "ttl")


def write_text(run: ValidationRun, out: TextIO) -> None:
    for problem in run.problems:
        out.write(f"{problem}\n")
    out.write(summary_line(run.summary()) + "\n")


def write_json(run: ValidationRun, out: TextIO) -> None:
    data = {"problems": [p.to_json() for p in run.problems], "summary": run.summary()}
    json.dump(data, out, indent=2, ensure_ascii=False)
    out.write("\n")


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
    shapes on its own. Problems are reported as FILE:LINE: FIELD: SEVERITY: MESSAGE;
    `--format json` lists them as objects, `--format ttl` as one SHACL validation report
    per file (reader problems included, located with nsh:line and nsh:field).
    Exits 0 when there are no errors (warnings pass), 1 when any file has errors, 2 when a
    file cannot be read or parsed at all.
    """
    run = validate_paths(list(paths))
    WRITERS[fmt](run, output)
    ctx.exit(run.exit_code)

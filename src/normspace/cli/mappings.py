"""``normspace mappings``: check, count and export the SSSOM mapping sets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

import click

from ..annotation.problems import ERROR
from ..canonical import canonical_turtle
from ..imports import external_terms
from ..mappings import (
    mapping_graph,
    mapping_stats,
    read_mapping_sets,
    refresh_labels,
    validate_mapping_sets,
    write_mapping_set,
)
from ..ontology import load_ontology
from ..resources import resource_dir
from .options import format_option, output_option

_FOLDER = click.option(
    "--mappings",
    "folder",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Folder of *.sssom.tsv files (default: the bundled mappings/).",
)


@click.group("mappings")
def mappings() -> None:
    """SSSOM mapping sets from NormSpace terms to external ontologies (mappings/)."""


@mappings.command("check")
@_FOLDER
def check(folder: Path | None) -> None:
    """Validate the mapping sets against the ontology and the vendored import modules;
    exit 1 on any error."""
    sets = read_mapping_sets(folder)
    problems = validate_mapping_sets(sets, load_ontology(), external_terms())
    for problem in problems:
        click.echo(str(problem), err=True)
    errors = sum(p.severity == ERROR for p in problems)
    total = sum(len(ms.mappings) for ms in sets)
    click.echo(
        f"{total} mappings in {len(sets)} sets: {errors} errors, {len(problems) - errors} warnings"
    )
    if errors:
        raise SystemExit(1)


@mappings.command("stats")
@_FOLDER
@format_option(("text", "json"), "text")
@output_option
def stats(folder: Path | None, fmt: str, output: TextIO) -> None:
    """Count mappings per target vocabulary and per SKOS mapping predicate."""
    counts = mapping_stats(read_mapping_sets(folder), external_terms())
    if fmt == "json":
        json.dump(counts, output, indent=2)
        output.write("\n")
        return
    for title, table in (("target", counts["by_target"]), ("predicate", counts["by_predicate"])):
        output.write(f"by {title}:\n")
        for key, n in table.items():
            output.write(f"  {key:24} {n:4}\n")
    output.write(f"total: {counts['total']}\n")


@mappings.command("export")
@_FOLDER
@output_option
def export(folder: Path | None, output: TextIO) -> None:
    """Write the mappings as SKOS triples (Turtle), the form `normspace query` uses."""
    output.write(canonical_turtle(mapping_graph(read_mapping_sets(folder))))


@mappings.command("fmt")
@_FOLDER
def fmt(folder: Path | None) -> None:
    """Rewrite the mapping sets in canonical form with current labels (from the ontology and
    the import modules), and regenerate the SKOS export normspace-mappings.ttl beside them."""
    folder = folder or resource_dir("mappings")
    sets = read_mapping_sets(folder)
    ontology, external = load_ontology(), external_terms()
    for ms in sets:
        assert ms.path is not None
        if write_mapping_set(refresh_labels(ms, ontology, external), ms.path):
            click.echo(f"rewrote {ms.path}")
    export_path = folder / "normspace-mappings.ttl"
    text = canonical_turtle(mapping_graph(read_mapping_sets(folder)))
    if not export_path.is_file() or export_path.read_text(encoding="utf-8") != text:
        export_path.write_text(text, encoding="utf-8")
        click.echo(f"rewrote {export_path}")

"""``normspace agreement``: Krippendorff's alpha per slot between annotators, and the
per-paper disagreements, for annotation files or a store."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

import click

from ..agreement import DISTANCES, SLOTS, AgreementReport, agreement, resolve_slots
from ..errors import InputError, ValidationFailure
from ..results import FORMATS, Table, render, with_labels
from ..store import OxigraphStore, SparqlEndpointStore, open_store
from .options import format_option, output_option, store_option

#: Formats that can hold both tables in one output (with a heading each); the others
#: (csv, tsv, json, ...) hold one table, chosen with --show.
MULTI_TABLE_FORMATS = ("table", "markdown")
SHOW = ("both", "slots", "disagreements")
#: Formats read by people: numbers with 3 decimals (CSV, TSV and JSON: 12 decimals at most).
ROUNDED_FORMATS = ("table", "markdown", "html")
DISTANCE_NAMES = {"masi": "MASI", "jaccard": "Jaccard"}


@click.command("agreement")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--slot",
    "slots",
    multiple=True,
    metavar="KEY",
    help=f"Only this slot (repeatable; default: all). Slots: {', '.join(SLOTS)}.",
)
@click.option(
    "--distance",
    type=click.Choice(list(DISTANCES)),
    default="masi",
    show_default=True,
    help="Distance between two annotations' term sets.",
)
@click.option(
    "--show",
    type=click.Choice(SHOW),
    default=None,
    help="Which table: the per-slot alpha, the disagreements, or both "
    f"(default: both in {' and '.join(MULTI_TABLE_FORMATS)}, slots in other formats).",
)
@format_option(list(FORMATS), "table")
@output_option
@store_option
def agreement_command(
    paths: tuple[Path, ...],
    slots: tuple[str, ...],
    distance: str,
    show: str | None,
    fmt: str,
    output: TextIO,
    store_path: Path,
    endpoint: str | None,
) -> None:
    """Agreement between annotators of the same papers: Krippendorff's alpha per slot.

    With PATHS (annotation files or folders), the files are validated (errors: exit 1,
    nothing computed) and compared in memory; without, the papers in the store are. Every
    paper with two or more annotations counts: for each slot (the contribution role and
    every tag slot), an annotation's value is the set of terms it tags there over all its
    contributions (an explicit `none:` is the set {explicitly none}); papers where no
    annotation tags the slot are left out. The distance between two sets is MASI
    (Passonneau 2006) or Jaccard; alpha_hierarchical uses the same distance on the sets
    closed under skos:broader, so that two terms under one broader term agree in part.
    alpha is empty when undefined (see the note). The disagreements list, per paper and
    slot, the terms an annotator has that not every annotator of the paper has.
    """
    keys = resolve_slots(slots)
    show = show or ("both" if fmt in MULTI_TABLE_FORMATS else "slots")
    if show == "both" and fmt not in MULTI_TABLE_FORMATS:
        raise click.UsageError(
            f"--format {fmt} holds one table: choose --show slots or --show disagreements"
        )
    store: OxigraphStore | SparqlEndpointStore
    if paths:
        store = _files_store(list(paths))
    else:
        store = open_store(store_path, endpoint, create=False, read_only=True)
    with store:
        report = agreement(store, keys, distance)
    _write(report, show, fmt, output)


def _files_store(paths: list[Path]) -> OxigraphStore:
    """An in-memory store holding the annotations in ``paths``, validated as by
    ``normspace validate`` (problems on standard error; errors stop before anything is
    computed). The reference graphs are not loaded: the agreement query reads only the
    annotations, and the hierarchy comes from the term index."""
    from ..validation import check_loadable, validate_files

    run = validate_files(paths)
    if run.exit_code:
        for problem in run.problems:
            click.echo(str(problem), err=True)
        why = "some files cannot be read" if run.exit_code == 2 else "some files have errors"
        error = InputError if run.exit_code == 2 else ValidationFailure
        raise error(f"no agreement computed: {why} (see above)")
    documents = check_loadable(run)  # also refuses two files of one paper and annotator
    store = OxigraphStore(None)
    store.bulk_replace_all({d.annotation_iri: d.graph for d in documents})
    return store


def _write(report: AgreementReport, show: str, fmt: str, out: TextIO) -> None:
    if fmt in ROUNDED_FORMATS:
        per_slot, disagreements = report.tables(digits=3)
    else:
        per_slot, disagreements = report.tables(digits=12, fixed=False)
    parts: list[tuple[str, Table]] = []
    if show in ("both", "slots"):
        name = DISTANCE_NAMES.get(report.distance, report.distance)
        title = (
            f"Krippendorff's alpha per slot ({name} distance; "
            "alpha_hierarchical: term sets closed under skos:broader)"
        )
        parts.append((title, per_slot))
    if show in ("both", "disagreements"):
        title = "Disagreements: terms an annotator has that not every annotator of the paper has"
        parts.append((title, with_labels(disagreements)))
    for i, (title, table) in enumerate(parts):
        if len(parts) > 1:
            if i:
                out.write("\n")
            out.write(f"## {title}\n\n" if fmt == "markdown" else f"{title}\n\n")
        render(table, fmt, out)

"""``normspace compare``: approaches, papers or contributions side by side across every
dimension."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

import click

from ..compare import BY, resolve_approaches, resolve_dimensions, resolve_role
from ..compare import compare as compare_table
from ..errors import InputError
from ..querylib import ROLE_DEFAULT_TEXT
from ..results import FORMATS, render
from ..store import open_store
from .options import format_option, output_option, store_option
from .query import timeout_option

WRAP = 36
#: The terminal table refuses more columns than this (they would not fit a screen); CSV,
#: Markdown, HTML, JSON and TSV take any number.
MAX_TABLE_COLUMNS = 8


@click.command("compare")
@click.argument("refs", nargs=-1, metavar="[REF]...")
@click.option(
    "--by",
    type=click.Choice(BY),
    default="approach",
    show_default=True,
    help="One column per approach (REF: CURIE or label), per paper (REF: DOI, arXiv id, "
    "paper IRI or file stem; none: all) or per contribution (REF: contribution IRI, "
    "PAPER#id, or a paper for all its contributions; none: all).",
)
@click.option(
    "--dimension",
    "dimensions",
    multiple=True,
    metavar="KEY",
    help="Only this row (repeatable): a slot key such as values, stakeholders, contexts, "
    "or role, trade_offs, findings, study, assumptions (by paper or contribution).",
)
@click.option("--diff-only", is_flag=True, help="Only the rows where the columns differ.")
@click.option(
    "--labels/--curies", default=True, show_default=True, help="Show terms by label or CURIE."
)
@click.option(
    "--role",
    default=None,
    metavar="ROLE",
    help='Compare only contributions with this role (e.g. critiques, "uses as baseline"); '
    f"default: by approach {ROLE_DEFAULT_TEXT}, by paper or contribution every one.",
)
@timeout_option
@format_option(list(FORMATS), "table")
@output_option
@store_option
def compare(
    refs: tuple[str, ...],
    by: str,
    dimensions: tuple[str, ...],
    diff_only: bool,
    labels: bool,
    role: str | None,
    timeout: float | None,
    fmt: str,
    output: TextIO,
    store_path: Path,
    endpoint: str | None,
) -> None:
    """Compare approaches, papers or contributions, ORKG-style.

    One column per approach (default; e.g. norm:RLHF "Constitutional AI"), paper or
    contribution, one row per dimension: role, values, whose normative input and how it
    was sampled, contexts, pluralism, evaluation, contestability, participation, harms,
    design goals, trade-offs, findings, study facts, assumptions, disciplines, research
    methods. By approach each cell lists the terms recorded in the contributions using the
    approach or a narrower one, with the number of papers; by paper the terms of the paper
    over its contributions ("RLHF [ccai]" when it has several) and, for a paper annotated
    twice, "(A only)" on what only one annotator recorded.

    \b
    Examples:
      normspace compare norm:RLHF "Constitutional AI"
      normspace compare --by paper 10.1145/3287560.3287598 2203.02155 --diff-only
      normspace compare --by contribution 2305.18290 --dimension values --dimension findings
      normspace compare --by paper -f html -o papers.html
    """
    if fmt == "table" and by != "approach" and not refs:
        raise InputError(
            f"--by {by} without REF compares every {by}: too wide for the terminal table; "
            "name some with REF, or write -f csv, html or markdown to a file (-o FILE)"
        )
    # bad input fails before the store is opened
    keys = resolve_dimensions(by, dimensions)
    role_iri = resolve_role(role)
    if by == "approach":
        if not refs:
            raise InputError("name at least one alignment approach to compare (or use --by)")
        refs = tuple(resolve_approaches(refs))
    with open_store(store_path, endpoint, create=False, read_only=True, timeout=timeout) as store:
        table = compare_table(store, refs, by, keys, diff_only, labels, role_iri)
    if fmt == "table" and len(table.columns) - 1 > MAX_TABLE_COLUMNS:
        raise InputError(
            f"{len(table.columns) - 1} columns are too wide for the terminal table (at most "
            f"{MAX_TABLE_COLUMNS}); compare fewer, or write -f csv, html or markdown to a file"
        )
    table.wrap = WRAP
    render(table, fmt, output, labels=labels)

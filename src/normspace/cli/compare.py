"""``normspace compare``: alignment approaches side by side across every dimension."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

import click

from ..compare import compare as compare_approaches
from ..compare import resolve_approaches, resolve_role
from ..querylib import ROLE_DEFAULT_TEXT
from ..results import FORMATS, render
from ..store import open_store
from .options import format_option, output_option, store_option
from .query import timeout_option

WRAP = 36


@click.command("compare")
@click.argument("approaches", nargs=-1, required=True, metavar="APPROACH...")
@click.option(
    "--labels/--curies", default=True, show_default=True, help="Show terms by label or CURIE."
)
@click.option(
    "--role",
    default=None,
    metavar="ROLE",
    help='Compare only contributions with this role (e.g. critiques, "uses as baseline"); '
    f"default: {ROLE_DEFAULT_TEXT}.",
)
@timeout_option
@format_option(list(FORMATS), "table")
@output_option
@store_option
def compare(
    approaches: tuple[str, ...],
    labels: bool,
    role: str | None,
    timeout: float | None,
    fmt: str,
    output: TextIO,
    store_path: Path,
    endpoint: str | None,
) -> None:
    """Compare alignment approaches (CURIE or label, e.g. norm:RLHF "Constitutional AI").

    One column per approach, one row per dimension: values, whose normative input and how
    it was sampled, contexts, pluralism, evaluation, findings, contestability,
    participation, harms, design goals, tensions, assumptions, disciplines, research
    methods and the papers. Each cell lists the terms recorded in the contributions using
    the approach or a narrower one, with the number of papers; only contributions with
    --role count (default: those that propose or apply the approach, or give no role).
    """
    iris = resolve_approaches(approaches)
    role_iri = resolve_role(role)
    with open_store(store_path, endpoint, create=False, read_only=True, timeout=timeout) as store:
        table = compare_approaches(store, iris, labels, role_iri)
    table.wrap = WRAP
    render(table, fmt, output, labels=labels)

"""``normspace term-requests``: the proposed terms of a corpus, grouped and counted."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

import click

from ..results import render
from ..store import open_store
from ..termrequests import groups, query_files, query_store, write_json, write_text
from .options import format_option, output_option, store_option

FORMATS = ("text", "csv", "json")


@click.command("term-requests")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@format_option(list(FORMATS), "text")
@output_option
@store_option
def term_requests(
    paths: tuple[Path, ...],
    fmt: str,
    output: TextIO,
    store_path: Path,
    endpoint: str | None,
) -> None:
    """List the term requests of annotation files (PATHS: files or folders) or, without
    PATHS, of the store: the terms annotators proposed where no term fitted, grouped by
    intended scheme and label (case and spacing ignored), with the number of requests,
    annotations, papers and annotators, and the definitions, broader terms and sources
    given. The input for the next ontology release; `normspace query term-requests` gives
    the same table.
    """
    if paths:
        result = query_files(list(paths))
    else:
        with open_store(store_path, endpoint, create=False, read_only=True) as store:
            result = query_store(store)
    if fmt == "csv":
        render(result, "csv", output)
    elif fmt == "json":
        write_json(groups(result), output)
    else:
        write_text(groups(result), output)

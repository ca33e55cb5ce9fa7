"""``normspace run``: the main job, from a corpus folder to a report."""

from __future__ import annotations

from pathlib import Path

import click

import normspace

from ..feedback import discard
from ..resources import corpus_dir
from ..runjob import run_job
from .load import quiet, to_stderr
from .options import DEFAULT_STORE
from .progress import terminal_progress

DEFAULT_OUT = Path("build") / "normspace"


@click.command("run")
@click.option(
    "--corpus",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of annotation files (default: the bundled example corpus).",
)
@click.option(
    "--store",
    "store_path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Keep the store built by the run in this folder (replacing a store there); "
    "default: a temporary store, removed at the end.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder for the validated graph, the query results and the report.",
)
def run(corpus: Path | None, store_path: Path | None, out: Path) -> None:
    """Validate and load a corpus into a fresh store, run the query library, print the key
    comparisons and write the results.

    With -q nothing is printed unless something fails; the files are written all the same.

    Steps: validate every annotation file (warnings are reported; any error stops the run
    with exit 1 before anything is written); load the ontology, mappings and annotations
    into a new store; run every library query that needs no parameter; print the approach
    × value matrix, whose values, trade-offs and missing contestability; write to --out
    normspace.nq (the validated graph), queries/NAME.csv (with label columns), report.md
    and report.html (the same report as one self-contained page: figures, and a link from
    every number of papers to the papers behind it).
    """
    if store_path is not None and _overlap(store_path, out):
        raise click.UsageError(
            f"--store {store_path} and --out {out} overlap: the store folder is replaced as a "
            "whole, so it cannot hold the outputs or sit inside them; give two separate folders"
        )
    silent = quiet()
    result = run_job(
        corpus or corpus_dir(),
        out,
        store_path,
        echo=discard if silent else click.echo,
        err=discard if silent else to_stderr,
        progress=None if silent else terminal_progress,
        corpus_name=None if corpus else bundled_corpus_name(),
    )
    if not silent:
        to_stderr(f"{result.summary.describe(str(store_path or 'a temporary store'))}")
        to_stderr(
            f"wrote {len(result.files)} files to {out}/ "
            f"(report: {out / 'report.html'}, {out / 'report.md'})"
        )
        to_stderr(next_steps(store_path))


def _overlap(a: Path, b: Path) -> bool:
    """True when the two folders are the same or one is inside the other."""
    a, b = a.resolve(), b.resolve()
    return a == b or a in b.parents or b in a.parents


def bundled_corpus_name() -> str:
    """How the report names the bundled corpus: a stable name, not the folder it happens to
    be installed in (a site-packages path is meaningless to a reader of the report)."""
    return f"bundled corpus (normspace {normspace.__version__})"


def next_steps(store_path: Path | None) -> str:
    """How to query what the run built: its kept store, or how to keep one."""
    if store_path is not None:
        return f"query the store with: normspace query --list --store {store_path}"
    return (
        "the store was temporary; to keep it for `normspace query`/`compare`/`show`, run "
        f"`normspace run --store {DEFAULT_STORE}` (the default store of those commands)"
    )

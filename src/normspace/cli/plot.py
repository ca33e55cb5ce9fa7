"""``normspace plot``: a figure of the corpus (heatmap, networks, coverage...) as SVG or PNG."""

from __future__ import annotations

from pathlib import Path

import click

from .options import is_quiet, store_option
from .query import parse_params, timeout_option

FIGURE_FORMATS = ("svg", "png")


def check_output(path: Path, fmt: str | None) -> str:
    """The format to write, checked before the store is opened: from --format or the
    file's suffix; a folder, a missing folder or an unknown suffix is a usage error."""
    if path.is_dir():
        raise click.UsageError(f"-o {path} is a folder; give the name of a file to write")
    if not path.parent.is_dir():
        raise click.UsageError(f"-o {path}: the folder {path.parent} does not exist")
    chosen = (fmt or path.suffix.lstrip(".")).lower()
    if chosen not in FIGURE_FORMATS:
        what = f"the suffix {path.suffix!r}" if path.suffix else "no suffix"
        raise click.UsageError(
            f"-o {path} has {what}: name the file .svg or .png, or give --format svg|png"
        )
    return chosen


def list_text() -> str:
    """``plot --list``: each figure's name and title, its description and parameters."""
    from ..figures import FIGURES

    blocks = []
    for name, spec in FIGURES.items():
        lines = [f"{name}: {spec.title}", f"  {spec.description}"]
        for param in spec.params:
            default = "" if param.default is None else f" [default: {param.default}]"
            choices = f" ({'|'.join(param.choices)})" if param.choices else ""
            lines.append(f"  --param {param.name}=VALUE{choices}: {param.help}{default}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


@click.command("plot")
@click.argument("name", required=False, metavar="NAME")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A parameter of the figure (repeatable; see --list), e.g. top=10.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=True, path_type=Path),
    default=None,
    help="File to write (.svg or .png).",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(FIGURE_FORMATS, case_sensitive=False),
    default=None,
    help="Image format [default: from the suffix of -o].",
)
@click.option("--list", "list_figures", is_flag=True, help="List the figures and exit.")
@timeout_option
@store_option
def plot(
    name: str | None,
    params: tuple[str, ...],
    output: Path | None,
    fmt: str | None,
    list_figures: bool,
    timeout: float | None,
    store_path: Path,
    endpoint: str | None,
) -> None:
    """Draw figure NAME from the store and write it to -o FILE (SVG or PNG).

    Figures (see --list): approach × value heatmap, term usage per dimension,
    co-occurrence and tension networks, coverage gaps, findings per approach, and
    inter-annotator agreement. Terms are shown by label; the same store always gives the
    same file.
    """
    if list_figures:
        click.echo(list_text(), nl=False)
        return
    if not name:
        raise click.UsageError("name a figure (normspace plot --list shows them) or give --list")
    if output is None:
        raise click.UsageError("give the file to write with -o FILE.svg or -o FILE.png")
    chosen = check_output(output, fmt)

    from ..figures import figure as build
    from ..figures import save, spec
    from ..store import open_store

    found = spec(name)
    values = parse_params(params)
    found.values(values)  # parameter errors before the store is opened
    with open_store(store_path, endpoint, create=False, read_only=True, timeout=timeout) as store:
        fig = build(found.name, store, **values)
    save(fig, output, chosen)
    if not is_quiet():
        click.echo(f"wrote {output} ({found.name}, {chosen.upper()})", err=True)

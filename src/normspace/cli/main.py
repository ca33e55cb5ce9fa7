"""Entry point of the ``normspace`` command: global flags, error handling, command registry."""

from __future__ import annotations

import importlib
import logging
import sys

import click

from .. import __version__
from ..errors import EXIT_USAGE, NormSpaceError

#: ``(module under normspace.cli, click command attribute)``, one line per command.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("check", "check"),
    ("fmt", "fmt"),
    ("validate", "validate"),
    ("new", "new"),
    ("convert", "convert"),
    ("importrefs", "import_refs"),
    ("imports", "imports"),
    ("mappings", "mappings"),
    ("release", "release"),
    ("docs", "docs"),
    ("load", "load"),
    ("remove", "remove"),
    ("export", "export"),
    ("query", "query"),
    ("compare", "compare"),
    ("terms", "terms"),
    ("show", "show"),
    ("run", "run"),
)


class NormSpaceGroup(click.Group):
    """A group that turns domain errors into a message and an exit code, never a traceback."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except NormSpaceError as exc:
            click.secho(f"error: {exc}", fg="red", err=True)
            ctx.exit(exc.exit_code)
        except OSError as exc:
            click.secho(f"error: {exc}", fg="red", err=True)
            ctx.exit(EXIT_USAGE)


@click.group(cls=NormSpaceGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="normspace")
@click.option("-v", "--verbose", count=True, help="More log output (repeatable).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
def cli(verbose: int, quiet: bool) -> None:
    """NormSpace: annotate, validate, store and query the normative space of AI alignment."""
    levels = (logging.WARNING, logging.INFO, logging.DEBUG)
    level = logging.ERROR if quiet else levels[min(verbose, 2)]
    log_format = "%(levelname)s %(name)s: %(message)s"
    logging.basicConfig(level=level, format=log_format, stream=sys.stderr)


for _module, _attr in COMMANDS:
    cli.add_command(getattr(importlib.import_module(f".{_module}", __package__), _attr))


def main() -> None:
    cli(prog_name="normspace")

"""Entry point of the ``normspace`` command: global flags, error handling, command registry."""

from __future__ import annotations

import importlib
import os
import sys

import click

from .. import __version__
from ..errors import EXIT_OK, EXIT_USAGE, NormSpaceError
from .options import verbosity_options

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
    """A group that turns domain errors into a message and an exit code, never a traceback.

    Every error a user can cause is handled here, once, so that all commands behave alike:
    domain errors keep their own exit code; a file that cannot be opened (``-o`` in a
    missing folder, raised by click when the lazy output file is first written) and other
    OS errors are input errors (exit 2); a reader that closes the pipe early (``| head``)
    ends the command quietly with exit 0, as ``cat`` or ``grep`` would under pipefail.
    """

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except NormSpaceError as exc:
            _fail(ctx, str(exc), exc.exit_code)
        except click.FileError as exc:
            _fail(ctx, f"cannot open {exc.ui_filename}: {exc.message}", EXIT_USAGE)
        except (click.UsageError, click.exceptions.Exit, click.Abort):
            raise  # click prints these itself (usage errors already exit 2)
        except click.ClickException as exc:
            _fail(ctx, exc.format_message(), EXIT_USAGE)
        except BrokenPipeError:
            silence_stdout()
            ctx.exit(EXIT_OK)
        except OSError as exc:
            _fail(ctx, str(exc), EXIT_USAGE)


def _fail(ctx: click.Context, message: str, code: int) -> None:
    click.secho(f"error: {message}", fg="red", err=True)
    ctx.exit(code)


def silence_stdout() -> None:
    """Point standard output at /dev/null after the reader went away, so that flushing
    what is still buffered (also at interpreter exit) cannot raise BrokenPipeError again
    (the recipe in the Python docs, "Note on SIGPIPE")."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (e.g. click's test runner)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


@click.group(cls=NormSpaceGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="normspace")
@verbosity_options
def cli() -> None:
    """NormSpace: annotate, validate, store and query the normative space of AI alignment.

    -v/-q may also be given after the command (`normspace load -q FILE`)."""


def _with_verbosity(command: click.Command) -> click.Command:
    """Give a command (and a group's subcommands) the shared -v/-q options."""
    verbosity_options(command)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _with_verbosity(sub)
    return command


for _module, _attr in COMMANDS:
    module = importlib.import_module(f".{_module}", __package__)
    cli.add_command(_with_verbosity(getattr(module, _attr)))


def main() -> None:
    try:
        cli(prog_name="normspace")
    except SystemExit as exc:
        code = exc.code
    else:  # pragma: no cover - click's standalone mode always exits
        code = EXIT_OK
    try:
        sys.stdout.flush()  # a pipe closed early also shows here, at the final flush
    except BrokenPipeError:
        silence_stdout()
    sys.exit(code)

"""Entry point of the ``normspace`` command: global flags, error handling, command registry.

Commands are registered by name and loaded lazily: a command's module (and the libraries it
needs: rdflib, pyshacl, owlready2, pyoxigraph...) is imported only when that command is run
or listed in ``--help``, so ``normspace --version`` and a mistyped command answer at once.
"""

from __future__ import annotations

import difflib
import importlib
import os
import sys
import traceback
from collections.abc import Sequence
from typing import Any

import click

import normspace

from ..errors import EXIT_OK, EXIT_USAGE, NormSpaceError
from .options import is_verbose, verbosity_options

#: ``(command name, module under normspace.cli, click command attribute)``, one per command.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("check", "check", "check"),
    ("fmt", "fmt", "fmt"),
    ("validate", "validate", "validate"),
    ("new", "new", "new"),
    ("convert", "convert", "convert"),
    ("migrate", "migrate", "migrate"),
    ("import-refs", "importrefs", "import_refs"),
    ("imports", "imports", "imports"),
    ("mappings", "mappings", "mappings"),
    ("release", "release", "release"),
    ("docs", "docs", "docs"),
    ("load", "load", "load"),
    ("remove", "remove", "remove"),
    ("export", "export", "export"),
    ("query", "query", "query"),
    ("compare", "compare", "compare"),
    ("plot", "plot", "plot"),
    ("agreement", "agreement", "agreement_command"),
    ("merge", "merge", "merge"),
    ("terms", "terms", "terms"),
    ("suggest", "suggest", "suggest"),
    ("term-requests", "termrequests", "term_requests"),
    ("show", "show", "show"),
    ("run", "run", "run"),
    ("store", "store", "store"),
    ("site", "site", "site"),
    ("serve", "serve", "serve"),
)

#: Where users report an unexpected error (the guard's message names it).
REPORT_TO = "the NormSpace issue tracker (give the command and `normspace --version`)"


class LazyGroup(click.Group):
    """A group whose commands are imported on first use (run, or listed in help).

    ``lazy`` maps a command name to ``(module, attribute)``; a loaded command is cached in
    ``self.commands`` and given the shared -v/-q options, exactly as if it had been added
    eagerly.
    """

    def __init__(self, *args: Any, lazy: dict[str, tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            module_name, attr = self.lazy[cmd_name]
            module = importlib.import_module(f".{module_name}", __package__)
            command = getattr(module, attr)
            if command.name != cmd_name:
                raise RuntimeError(
                    f"command {cmd_name!r} is registered for {module_name}.{attr}, which is "
                    f"named {command.name!r}"
                )
            self.add_command(_with_verbosity(command))
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """As click's, but an unknown command also gets "did you mean" suggestions."""
        name = click.utils.make_str(args[0])
        if self.get_command(ctx, name) is None and not ctx.resilient_parsing:
            if name.startswith("-"):
                self.parse_args(ctx, args)  # an unknown option: click's own message
            known = self.list_commands(ctx)
            close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
            hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            ctx.fail(f"No such command {name!r}.{hint} Commands: {', '.join(known)}.")
        return super().resolve_command(ctx, args)


class NormSpaceGroup(LazyGroup):
    """A group that turns errors into a message and an exit code, never a traceback.

    Every error a user can cause is handled here, once, so that all commands behave alike:
    domain errors keep their own exit code; a file that cannot be opened (``-o`` in a
    missing folder, raised by click when the lazy output file is first written) and other
    OS errors are input errors (exit 2); a reader that closes the pipe early (``| head``)
    ends the command quietly with exit 0, as ``cat`` or ``grep`` would under pipefail.
    Anything else is a bug: the guard reports it in one line (exit 2), with the traceback
    under ``-v``, instead of dumping a traceback on a user.
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
        except Exception as exc:  # noqa: BLE001 - the last line of defence, see docstring
            report_unexpected(exc, is_verbose())
            ctx.exit(EXIT_USAGE)

    def main(self, args: Sequence[str] | None = None, *pargs: Any, **kwargs: Any) -> Any:
        """Also guard what runs before any command is invoked (option parsing, loading a
        command for ``--help``): click lets those exceptions through."""
        try:
            return super().main(args, *pargs, **kwargs)
        except Exception as exc:  # noqa: BLE001 - see invoke()
            given = sys.argv[1:] if args is None else list(args)
            verbose = any(
                a == "--verbose" or (a[:2] == "-v" and set(a[1:]) == {"v"}) for a in given
            )
            report_unexpected(exc, verbose)
            sys.exit(EXIT_USAGE)


def unexpected_message(exc: BaseException) -> str:
    """The one line shown for an exception no handler expected (a bug)."""
    detail = " ".join(str(exc).split())
    if len(detail) > 200:
        detail = detail[:200] + "…"
    what = type(exc).__name__ + (f": {detail}" if detail else "")
    return (
        f"error: unexpected error ({what}); please report it at {REPORT_TO}; "
        "run with -v for the traceback"
    )


def report_unexpected(exc: BaseException, verbose: bool) -> None:
    """Print the traceback (with -v) and the one-line message, on standard error."""
    if verbose:
        click.echo("".join(traceback.format_exception(exc)).rstrip(), err=True)
    click.secho(unexpected_message(exc), fg="red", err=True)


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


def _print_version(ctx: click.Context) -> None:
    """``--version``: like click's version option, but the version is read only when asked
    for (reading package metadata is a noticeable part of the start-up time)."""
    click.echo(f"normspace, version {normspace.__version__}")
    ctx.exit(EXIT_OK)


def _with_verbosity(command: click.Command) -> click.Command:
    """Give a command (and a group's subcommands) the shared -v/-q options."""
    verbosity_options(command)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _with_verbosity(sub)
    return command


@click.group(
    cls=NormSpaceGroup,
    lazy={name: (module, attr) for name, module, attr in COMMANDS},
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda ctx, _param, value: _print_version(ctx) if value else None,
    help="Show the version and exit.",
)
@verbosity_options
def cli() -> None:
    """NormSpace: annotate, validate, store and query the normative space of AI alignment.

    -v/-q may also be given after the command (`normspace load -q FILE`)."""


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

"""Option decorators shared by every command, so that flags mean the same everywhere."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_STORE = Path(".normspace")


class OutputFile(click.File):
    """A file to write (lazily and atomically), checked before any work is done: a folder,
    or a file in a folder that does not exist, is a usage error that says so, instead of an
    OS error about the temporary file of the atomic write once the output is ready."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        if isinstance(value, str | Path) and str(value) != "-":
            path = Path(value)
            if path.is_dir():
                self.fail(f"{path} is a folder; give the name of a file to write", param, ctx)
            folder = path.parent
            if not folder.is_dir():
                what = "is not a folder" if folder.exists() else "does not exist"
                self.fail(f"cannot open {path}: the folder {folder} {what}", param, ctx)
        return super().convert(value, param, ctx)


def output_option(f: F) -> F:
    """``-o/--output FILE``; ``-`` (the default) is standard output."""
    return click.option(
        "-o",
        "--output",
        type=OutputFile("w", encoding="utf-8", lazy=True, atomic=True),
        default="-",
        show_default=True,
        help="Write to FILE instead of standard output.",
    )(f)


def format_option(choices: Sequence[str], default: str) -> Callable[[F], F]:
    """``--format`` with choices taken from a format registry (never a hand-typed list)."""

    def decorator(f: F) -> F:
        return click.option(
            "-f",
            "--format",
            "fmt",
            type=click.Choice(list(choices), case_sensitive=False),
            default=default,
            show_default=True,
            help="Output format.",
        )(f)

    return decorator


def store_option(f: F) -> F:
    """``--store PATH`` for the embedded store, or ``--endpoint URL`` for a remote one."""
    f = click.option(
        "--endpoint",
        metavar="URL",
        default=None,
        help="Query a remote SPARQL endpoint instead of the embedded store.",
    )(f)
    return click.option(
        "--store",
        "store_path",
        type=click.Path(file_okay=False, path_type=Path),
        default=DEFAULT_STORE,
        show_default=True,
        envvar="NORMSPACE_STORE",
        help="Folder of the embedded store.",
    )(f)


# ---------------------------------------------------------------------------
# Verbosity: -v/-q before or after the subcommand
# ---------------------------------------------------------------------------

#: Keys in the root context's ``meta`` where -v/-q are recorded (wherever they were given).
_VERBOSE = "normspace.verbose"
_QUIET = "normspace.quiet"


class StderrHandler(logging.Handler):
    """Log records to the *current* standard error (click's test runner swaps it per call)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            click.echo(self.format(record), err=True)
        except Exception:  # noqa: BLE001 - logging must never break a command
            self.handleError(record)


def set_log_level(verbose: int, quiet: bool) -> None:
    """Log level of the ``normspace`` loggers: WARNING; -v INFO; -vv DEBUG; -q ERROR.

    Other libraries' loggers stay at WARNING (ERROR with -q) so that -vv is not drowned.
    """
    root = logging.getLogger()
    if not any(isinstance(h, StderrHandler) for h in root.handlers):
        handler = StderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    levels = (logging.WARNING, logging.INFO, logging.DEBUG)
    level = logging.ERROR if quiet else levels[min(verbose, 2)]
    root.setLevel(logging.ERROR if quiet else logging.WARNING)
    logging.getLogger("normspace").setLevel(level)


def _record_verbosity(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """Option callback: add this -v/-q to what the root context has seen, then apply it."""
    meta = ctx.find_root().meta
    if param.name == "quiet":
        meta[_QUIET] = bool(meta.get(_QUIET)) or bool(value)
    else:
        meta[_VERBOSE] = int(meta.get(_VERBOSE, 0)) + int(value or 0)
    set_log_level(int(meta.get(_VERBOSE, 0)), bool(meta.get(_QUIET)))


def verbosity_options(f: F) -> F:
    """``-v/--verbose`` (repeatable) and ``-q/--quiet``, accepted by the group and by every
    command, so that ``normspace -q load ...`` and ``normspace load -q ...`` are the same."""
    f = click.option(
        "-q",
        "--quiet",
        is_flag=True,
        expose_value=False,
        callback=_record_verbosity,
        help="Only errors.",
    )(f)
    return click.option(
        "-v",
        "--verbose",
        count=True,
        expose_value=False,
        callback=_record_verbosity,
        help="More log output on standard error (-v info, -vv debug).",
    )(f)


def is_quiet() -> bool:
    """True when -q was given, before or after the subcommand."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().meta.get(_QUIET))


def is_verbose() -> bool:
    """True when -v was given at least once, before or after the subcommand."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().meta.get(_VERBOSE))

"""Option decorators shared by every command, so that flags mean the same everywhere."""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from ..endpointconfig import AUTH_MODES, PASSWORD_ENV, EndpointConfig, endpoint_config

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
        envvar="NORMSPACE_ENDPOINT",
        help="Use a remote SPARQL endpoint (its query URL) instead of the embedded store.",
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


def endpoint_options(f: F) -> F:
    """``--update-endpoint``, ``--user`` and ``--auth`` of a remote store (with --endpoint);
    the password comes from NORMSPACE_ENDPOINT_PASSWORD or a prompt, never an option (it
    would show in the process list and the shell history)."""
    f = click.option(
        "--auth",
        type=click.Choice(AUTH_MODES),
        default="auto",
        show_default=True,
        help="HTTP authentication: auto answers the scheme the server asks for.",
    )(f)
    f = click.option(
        "--user",
        metavar="NAME",
        default=None,
        envvar="NORMSPACE_ENDPOINT_USER",
        help=f"Log in to the endpoint as NAME (password: {PASSWORD_ENV} or a prompt).",
    )(f)
    return click.option(
        "--update-endpoint",
        metavar="URL",
        default=None,
        envvar="NORMSPACE_UPDATE_ENDPOINT",
        help="SPARQL Update URL of the endpoint [default: the --endpoint URL].",
    )(f)


def can_prompt() -> bool:
    """True when a password can be asked for (standard input is a terminal)."""
    return sys.stdin.isatty()


def _typed(name: str) -> bool:
    """True when the option ``name`` was given on the command line (not from the env)."""
    ctx = click.get_current_context(silent=True)
    source = ctx.get_parameter_source(name) if ctx else None
    return source == click.core.ParameterSource.COMMANDLINE


def endpoint_settings(
    endpoint: str | None,
    update_endpoint: str | None,
    user: str | None,
    auth: str,
    timeout: float | None,
    *,
    writing: bool = False,
) -> EndpointConfig | None:
    """The remote store named by the options (None: the embedded store), with its password.

    The update URL defaults to the query URL when ``writing`` (load, remove); a password
    is read from the environment, else asked for at a terminal (not echoed); without a
    terminal the missing password is a usage error that says where to put it.
    """
    if not endpoint:
        given = [f"--{n.replace('_', '-')}" for n in ("update_endpoint", "user") if _typed(n)]
        if given:  # from the environment they are defaults for when --endpoint is used
            raise click.UsageError(
                f"{' and '.join(given)} need{'s' * (len(given) == 1)} --endpoint URL"
            )
        return None
    update = update_endpoint or (endpoint if writing else None)
    config = endpoint_config(endpoint, update, user=user, auth=auth, timeout=timeout)
    password = os.environ.get(PASSWORD_ENV) if config.user else None
    if config.user and password is None and config.password is None:
        if not can_prompt():
            raise click.UsageError(
                f"no password for the user {config.user}: set {PASSWORD_ENV} (or run in a "
                "terminal to be asked for it)"
            )
        password = click.prompt(
            f"Password of {config.user} at {config.shown()}", hide_input=True, err=True
        )
    return config if password is None else dataclasses.replace(config, password=password)


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

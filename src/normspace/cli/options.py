"""Option decorators shared by every command, so that flags mean the same everywhere."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_STORE = Path(".normspace")


def output_option(f: F) -> F:
    """``-o/--output FILE``; ``-`` (the default) is standard output."""
    return click.option(
        "-o",
        "--output",
        type=click.File("w", encoding="utf-8", lazy=True, atomic=True),
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

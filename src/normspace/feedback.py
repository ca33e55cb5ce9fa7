"""How library services talk to the user without knowing about terminals.

Services (validation, loading, the run job) report lines of text through an :data:`Echo`
callback and wrap long loops in a :class:`Progress` factory; the command line passes
click-based implementations, tests and other callers pass their own or nothing. This keeps
click (and any other UI toolkit) out of the library: only ``normspace.cli`` imports it.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager as ContextManager
from typing import Protocol, TypeVar

T = TypeVar("T")

#: Writes one line of text for the user (e.g. ``click.echo`` or ``print``).
Echo = Callable[[str], None]


class Progress(Protocol):
    """Wraps a sequence in a context manager that yields it back while showing progress
    (``click.progressbar`` has this shape)."""

    def __call__(self, items: Sequence[T], label: str) -> ContextManager[Iterable[T]]: ...


def no_progress(items: Sequence[T], label: str) -> ContextManager[Iterable[T]]:
    """The :class:`Progress` that shows nothing (the default of every service)."""
    return contextlib.nullcontext(items)


def discard(text: str) -> None:
    """The :data:`Echo` that shows nothing."""


def seconds_since(started: float) -> float:
    """Seconds elapsed since ``started`` (a ``time.perf_counter()`` reading), for logs."""
    return time.perf_counter() - started

"""Terminal implementations of the library's feedback hooks (:mod:`normspace.feedback`).

The library never imports click: its services take an ``Echo`` and a ``Progress``. Here the
command line turns its UI decisions (quiet or not, a terminal or a pipe) into those hooks.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager as ContextManager
from pathlib import Path
from typing import TypeVar

import click

from .. import loading
from ..feedback import Echo
from ..loading import LoadSummary
from ..store import Store

T = TypeVar("T")


def terminal_progress(items: Sequence[T], label: str) -> ContextManager[Iterable[T]]:
    """A progress bar on standard error, only when it is a terminal and there is more than
    one item (a bar in a log file or for one file is noise)."""
    if len(items) > 1 and sys.stderr.isatty():
        return click.progressbar(items, label=label, file=sys.stderr, show_pos=True)
    return contextlib.nullcontext(items)


def load_files(
    store: Store, paths: Sequence[Path], echo: Echo, progress: bool, *, incremental: bool = True
) -> LoadSummary:
    """:func:`normspace.loading.load_files` with a terminal progress bar when ``progress``
    (it advances as each chunk of files comes back from the worker processes)."""
    return loading.load_files(
        store, paths, echo, terminal_progress if progress else None, incremental=incremental
    )

"""Figures of the corpus for papers and reports (matplotlib; SVG and PNG).

Public names (a stable interface: the HTML report, the Python API and ``normspace plot``
use them):

- :data:`FIGURES`: figure name -> :class:`FigureSpec` (``.title``, ``.description``,
  ``.params``: :class:`FigureParam` with ``.name``, ``.default``, ``.help``, ``.choices``);
- :func:`figure` ``(name, store, **params) -> matplotlib.figure.Figure``;
- :func:`save` ``(fig, path, fmt=None) -> Path``: SVG or PNG (from the suffix), written
  atomically;
- :func:`svg_text` ``(fig) -> str``: an ``<svg>`` element to inline in HTML.

Every figure reads the store through the named query library or
:mod:`normspace.analysis`, names terms by their labels, uses the Okabe–Ito palette for
categories and cividis for counts, says in its title what is counted, and renders to the
same bytes for the same store. Empty data gives a figure that says "No data" and why,
never an exception.

>>> from normspace.store import OxigraphStore
>>> fig = figure("term-usage", OxigraphStore(None), dimension="values")
>>> fig.get_suptitle()
'Term usage: values (papers using the term)'
>>> fig.axes[0].texts[0].get_text()
'No data: no paper uses a term of the dimension values.'
>>> svg_text(fig)[:60]
'<svg role="img" aria-label="Term usage: values (papers using'
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from . import charts, matrices, networks  # noqa: F401 - register the figures
from ._base import ALIASES, FIGURES, FORMATS, FigureParam, FigureSpec, figure, render, spec
from ._base import svg_text as svg_text

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: The order of ``normspace plot --list`` (the issue's order: from the overview to the
#: details and the annotation quality).
ORDER = (
    "approach-value-heatmap",
    "term-usage",
    "cooccurrence-network",
    "tension-network",
    "coverage-gaps",
    "findings-per-approach",
    "agreement",
)
for _name in sorted(FIGURES, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n)):
    FIGURES[_name] = FIGURES.pop(_name)

__all__ = [
    "ALIASES",
    "FIGURES",
    "FORMATS",
    "FigureParam",
    "FigureSpec",
    "figure",
    "format_of",
    "render",
    "save",
    "spec",
    "svg_text",
]


def format_of(path: Path, fmt: str | None = None) -> str:
    """The format to write ``path`` in: ``fmt`` when given, else the file's suffix.

    >>> format_of(Path("fig.PNG")), format_of(Path("fig"), "svg")
    ('png', 'svg')
    """
    chosen = (fmt or path.suffix.lstrip(".")).lower()
    if not chosen:
        raise InputError(
            f"cannot tell the format of {path}: give a file name ending in .svg or .png, "
            "or --format svg|png"
        )
    if chosen not in FORMATS:
        raise InputError(
            f"cannot write a figure as {chosen!r} ({path}); formats: {', '.join(FORMATS)}"
        )
    return chosen


def save(fig: Figure, path: Path | str, fmt: str | None = None) -> Path:
    """Write ``fig`` to ``path`` as SVG or PNG (``fmt``, else the suffix), atomically: a
    reader sees the old file or the complete new one. The same figure always gives the
    same bytes (see :func:`render`)."""
    from ..atomicio import atomic_write_bytes

    target = Path(path)
    data = render(fig, format_of(target, fmt))
    atomic_write_bytes(target, data)
    return target

"""What every figure shares: the registry, parameters, palette, label text, the "no data"
figure and deterministic rendering.

Why one module: every figure must look alike (palette, fonts, titles that say what is
counted) and render byte-identically from the same store, so the choices that make that
happen are made once, here. matplotlib is imported only when a figure is built or
rendered, so that listing the figures (``normspace plot --list``) stays fast.
"""

from __future__ import annotations

import io
import re
import textwrap
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..diagnostics import suggest
from ..errors import InputError
from ..store import Store

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# ---------------------------------------------------------------------------
# Style
# ---------------------------------------------------------------------------

#: Okabe & Ito's colour-blind-safe palette for categories (black last: it is also the
#: text colour, so it is the category used least).
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
#: Marker shapes combined with the palette when there are more categories than colours.
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P")
#: Sequential colour map (perceptually uniform, readable by colour-blind readers and in
#: greyscale).
SEQUENTIAL = "cividis"
#: Neutral grey for "not given" and for empty cells.
GREY = "#999999"
LIGHT_GREY = "#E5E5E5"
#: Resolution of PNG files (inches of the figure x DPI = pixels).
DPI = 150
#: Salt of matplotlib's SVG ids: fixed, so that the same figure gives the same ids.
SVG_SALT = "normspace"
#: Base font size (points).
FONT_SIZE = 9


def category_style(index: int) -> tuple[str, str]:
    """Colour and marker of the ``index``-th category: the palette first, then the palette
    again with the next marker shape, so that categories stay distinct beyond eight.

    >>> category_style(0), category_style(8)
    (('#0072B2', 'o'), ('#0072B2', 's'))
    """
    colour = OKABE_ITO[index % len(OKABE_ITO)]
    marker = MARKERS[(index // len(OKABE_ITO)) % len(MARKERS)]
    return colour, marker


def shorten(text: str, width: int = 32) -> str:
    """``text`` on one line, cut at ``width`` characters with an ellipsis, at the end of a
    word when one ends in the last third.

    >>> shorten("reinforcement learning from human feedback", 20)
    'reinforcement…'
    >>> shorten("transparency of development processes", 30)
    'transparency of development…'
    >>> shorten("fairness")
    'fairness'
    """
    text = " ".join(str(text).split())
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    space = cut.rfind(" ")
    if space >= (width * 2) // 3:
        cut = cut[:space]
    return cut.rstrip(" ,;:-(") + "…"


def wrap(text: str, width: int = 22, lines: int = 2) -> str:
    """``text`` wrapped at ``width`` characters over at most ``lines`` lines, the last one
    cut with an ellipsis when the text is longer.

    >>> wrap("reinforcement learning from collective human feedback", 22)
    'reinforcement learning\\nfrom collective…'
    >>> wrap("values", 16)
    'values'
    """
    parts = textwrap.wrap(" ".join(str(text).split()), width) or [""]
    if len(parts) > lines:
        rest = " ".join(parts[lines - 1 :])
        parts = [*parts[: lines - 1], shorten(rest, width)]
    return "\n".join(parts)


def new_figure(width: float, height: float) -> Figure:
    """A figure of the object API (no pyplot: no global state, no GUI backend), laid out
    by matplotlib's constrained layout so that labels do not overlap the axes."""
    from matplotlib.figure import Figure

    # Whole pixels at DPI, so that a PNG is exactly the figure's size times DPI.
    size = (round(width * DPI) / DPI, round(height * DPI) / DPI)
    return Figure(figsize=size, layout="constrained")


def set_titles(fig: Figure, title: str, subtitle: str | None = None) -> None:
    """The figure's title (what is shown, and what is counted) and an optional note at the
    bottom (how it is counted: filters, roles, limits), wrapped to the figure's width with
    room kept for it by the layout."""
    fig.suptitle(title, fontsize=FONT_SIZE + 3, fontweight="bold")
    if not subtitle:
        return
    size = FONT_SIZE - 1
    width, height = fig.get_size_inches()
    chars = max(40, int(width * 72 / (size * 0.56)) - 4)
    lines = textwrap.wrap(subtitle, chars)
    fig.text(0.5, 0.006, "\n".join(lines), ha="center", va="bottom", fontsize=size, color="#444444")
    room = (len(lines) * size * 1.3 + 6) / (height * 72)
    fig.get_layout_engine().set(rect=(0, room, 1, 1 - room))


def legend_above(ax: Axes, handles: list, columns: int | None = None) -> None:
    """A legend in one row above ``ax``, under the title. (A figure legend "outside upper
    center" would overlap the title: matplotlib's constrained layout does not stack
    them.)"""
    if columns is None:
        longest = max(len(h.get_label()) for h in handles)
        entry = (longest * 0.6 + 4) * FONT_SIZE  # points: marker, gap and text
        columns = max(1, min(len(handles), 6, int(ax.figure.get_size_inches()[0] * 60 / entry)))
    ax.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncols=columns,
        fontsize=FONT_SIZE,
        frameon=False,
        borderaxespad=0.3,
    )


def message_figure(title: str, message: str, detail: str | None = None) -> Figure:
    """A figure that says why there is nothing to plot ("no data: ..."), instead of an
    empty frame or an exception: a report or notebook keeps working and tells the reader
    what is missing."""
    fig = new_figure(7, 2.6)
    fig.suptitle(title, fontsize=FONT_SIZE + 3, fontweight="bold")
    ax = fig.add_subplot()
    ax.set_axis_off()
    text = "\n".join(textwrap.wrap(message, 70))
    if detail:
        text += "\n\n" + "\n".join(textwrap.wrap(detail, 80))
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=FONT_SIZE + 1, color="#333333")
    return fig


def hide_spines(ax: Axes, *sides: str) -> None:
    for side in sides or ("top", "right"):
        ax.spines[side].set_visible(False)


# ---------------------------------------------------------------------------
# Parameters and the registry
# ---------------------------------------------------------------------------

Converter = Callable[[str], Any]


@dataclass(frozen=True)
class FigureParam:
    """A parameter of a figure: ``--param name=VALUE`` on the command line (a string), or
    a keyword argument of :func:`normspace.figures.figure` (a string or the value itself).

    ``default`` None means "not set" (the figure says what it does then, in ``help``).
    ``convert`` turns the text into the value the figure uses and raises
    :class:`InputError` (with what would be valid) for a bad one.
    """

    name: str
    default: str | None
    help: str
    convert: Converter = str
    choices: tuple[str, ...] = ()

    def value(self, given: Any, figure: str) -> Any:
        if given is None:
            return None if self.default is None else self.value(self.default, figure)
        text = str(given).strip()
        if self.choices:
            if text not in self.choices:
                close = suggest(text, self.choices, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise InputError(
                    f"figure `{figure}`: {self.name}={text!r} is not one of "
                    f"{', '.join(self.choices)}{hint}"
                )
            return text
        try:
            return self.convert(text)
        except InputError as exc:
            reason = str(exc).removeprefix(f"{self.name}: ")
            raise InputError(f"figure `{figure}`: {self.name}={text!r}: {reason}") from exc


def positive_int(text: str) -> int:
    """A whole number of at least 1 (numbers of rows, terms, nodes).

    >>> positive_int("12")
    12
    """
    try:
        number = int(text)
    except ValueError:
        raise InputError("expected a whole number, e.g. 15") from None
    if number < 1:
        raise InputError("expected a whole number of at least 1")
    return number


def role_iri(text: str) -> str:
    """A contribution role (CURIE, label or YAML spelling such as ``uses-as-baseline``)."""
    from ..namespaces import NORM
    from ..querylib import resolve_term

    return resolve_term(text, str(NORM.ContributionRoleScheme), "role")


def scheme_iri(text: str) -> str:
    """A concept scheme: slot key (``values``), label, CURIE or dimension class."""
    from ..querylib import resolve_scheme

    return resolve_scheme(text, "dimension")


def top_param(default: int, what: str) -> FigureParam:
    return FigureParam("top", str(default), f"number of {what} shown", positive_int)


ROLE_PARAM = FigureParam(
    "role",
    None,
    "only contributions with this role, e.g. critiques or uses-as-baseline "
    "[default: contributions that propose or apply, or have no role]",
    role_iri,
)

Builder = Callable[..., "Figure"]


@dataclass(frozen=True)
class FigureSpec:
    """A named figure: what it shows, its parameters, and the function that builds it
    from a store (called with the converted parameters as keyword arguments)."""

    name: str
    title: str
    description: str
    params: tuple[FigureParam, ...] = ()
    build: Builder | None = field(default=None, repr=False, compare=False)

    def param(self, name: str) -> FigureParam | None:
        return next((p for p in self.params if p.name == name), None)

    def values(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """Every parameter's value: the given ones converted, the others their default."""
        unknown = [n for n in given if self.param(n) is None]
        if unknown:
            names = [p.name for p in self.params]
            if not names:
                raise InputError(f"figure `{self.name}` takes no parameters (got {unknown[0]})")
            close = suggest(unknown[0], names, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise InputError(
                f"figure `{self.name}` has no parameter {unknown[0]!r}{hint} "
                f"(parameters: {', '.join(names)})"
            )
        return {p.name: p.value(given.get(p.name), self.name) for p in self.params}


#: Figure name -> spec, in the order of ``normspace plot --list``.
FIGURES: dict[str, FigureSpec] = {}
#: Other names a figure answers to (the issue's wording), name -> registered name.
ALIASES: dict[str, str] = {}


def register(
    name: str,
    title: str,
    description: str,
    params: tuple[FigureParam, ...] = (),
    aliases: tuple[str, ...] = (),
) -> Callable[[Builder], Builder]:
    """Add the decorated builder to :data:`FIGURES` under ``name``."""

    def decorator(build: Builder) -> Builder:
        FIGURES[name] = FigureSpec(name, title, description, params, build)
        ALIASES.update(dict.fromkeys(aliases, name))
        return build

    return decorator


def spec(name: str) -> FigureSpec:
    """The figure called ``name`` (or one of its aliases); an unknown name is an input
    error that suggests the closest names."""
    key = ALIASES.get(name, name)
    if key in FIGURES:
        return FIGURES[key]
    names = [*FIGURES, *ALIASES]
    close = suggest(name, names, n=2, cutoff=0.5)
    close += [n for n in names if name.casefold() in n and n not in close][:2]
    close = list(dict.fromkeys(ALIASES.get(c, c) for c in close))
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise InputError(
        f"unknown figure {name!r}{hint} (figures: {', '.join(FIGURES)}; "
        "`normspace plot --list` describes them)"
    )


def figure(name: str, store: Store, **params: Any) -> Figure:
    """Build the figure ``name`` from ``store``; ``params`` as in :data:`FIGURES` (strings,
    as from the command line, or values). Parameters are checked before the store is
    read."""
    found = spec(name)
    values = found.values(params)
    assert found.build is not None
    return settle(found.build(store, **values))


def settle(fig: Figure) -> Figure:
    """Lay the figure out once and keep that layout.

    matplotlib's constrained layout refines positions on every draw (colour bars and
    legends move by fractions of a point between the first and the second draw), so a
    figure saved twice would give two different files. Drawing it once here and then
    switching the layout engine off fixes the positions: every later render is the same.
    """
    with _RENDER_LOCK:
        fig.draw_without_rendering()
    fig.set_layout_engine("none")
    return fig


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------

FORMATS = ("svg", "png")

#: matplotlib reads the SVG id salt and font type from its global rcParams; renders hold
#: this lock while they set them, so that figures rendered from several threads cannot
#: see each other's half-restored settings.
_RENDER_LOCK = threading.Lock()


def render(fig: Figure, fmt: str) -> bytes:
    """``fig`` as SVG or PNG bytes, the same bytes for the same figure: fixed SVG id salt,
    no creation date or software version in the metadata, a fixed resolution, and no
    "tight" bounding box (so that the PNG size is the figure size times :data:`DPI`)."""
    import matplotlib

    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise InputError(f"cannot write a figure as {fmt!r}; formats: {', '.join(FORMATS)}")
    metadata = {"Date": None, "Creator": None} if fmt == "svg" else {"Software": None}
    buffer = io.BytesIO()
    with (
        _RENDER_LOCK,
        matplotlib.rc_context({"svg.hashsalt": SVG_SALT, "svg.fonttype": "path"}),
    ):
        fig.savefig(buffer, format=fmt, dpi=DPI, metadata=metadata, facecolor="white")
    if fmt == "svg":
        return stable_ids(buffer.getvalue().decode("utf-8")).encode("utf-8")
    return buffer.getvalue()


#: matplotlib's hashed SVG ids: a kind (clip path, marker, hatch, image) and ten hex digits.
_HASHED_ID = re.compile(r'\bid="((?:p|m|h|image)[0-9a-f]{10})"')


def stable_ids(svg: str) -> str:
    """Number matplotlib's hashed ids in order of appearance (``p1``, ``m2``...).

    The salt alone is not enough: a clip path's id hashes its rectangle's coordinates at
    full float precision, and their last digits can differ between two processes (the
    layout sums in an order that depends on hash seeds), although the drawn file is the
    same.

    >>> stable_ids('<clipPath id="p0123456789"/><use clip-path="url(#p0123456789)"/>')
    '<clipPath id="p1"/><use clip-path="url(#p1)"/>'
    """
    found = list(dict.fromkeys(_HASHED_ID.findall(svg)))
    if not found:
        return svg
    names = {old: f"{old[:-10]}{i}" for i, old in enumerate(found, start=1)}
    pattern = re.compile(r"\b(" + "|".join(found) + r")\b")
    return pattern.sub(lambda m: names[m.group(1)], svg)


_SVG_START = re.compile(r"<svg\b")
_ID = re.compile(r'\bid="([^"]+)"')


def svg_text(fig: Figure) -> str:
    """The figure as an ``<svg>`` element for inline HTML: no XML declaration or DOCTYPE,
    ``role="img"`` with the title as ``aria-label`` and ``<title>`` (the alt text), and
    ids prefixed with a digest of the figure, so that several figures in one page never
    share an id, and the same figure always gets the same ones."""
    import hashlib
    from html import escape

    text = render(fig, "svg").decode("utf-8")
    text = text[_SVG_START.search(text).start() :]  # type: ignore[union-attr]
    prefix = "f" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8] + "-"
    ids = set(_ID.findall(text))
    if ids:
        pattern = re.compile(
            r'(\bid="|#)(' + "|".join(map(re.escape, sorted(ids))) + r')\b(?=["\)])'
        )
        text = pattern.sub(lambda m: m.group(1) + prefix + m.group(2), text)
    title = escape(figure_title(fig), quote=True)
    head_end = text.index(">") + 1
    head = text[:head_end].replace("<svg", f'<svg role="img" aria-label="{title}"', 1)
    return head + f"\n <title>{title}</title>" + text[head_end:]


def figure_title(fig: Figure) -> str:
    """The figure's title (its suptitle), on one line."""
    return " ".join(fig.get_suptitle().split())

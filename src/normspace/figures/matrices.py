"""Matrix figures: alignment approaches × values, and approaches × dimensions (coverage
gaps).

A heatmap of paper counts reads best with the number in every cell (colour alone is hard
to compare across a row) and with empty cells left blank, so that the eye goes to the
pairs that exist. The coverage matrix is the opposite: its empty cells are the result, so
they are hatched and outlined, and a slot recorded as explicitly "none" is marked apart
from one that is simply not annotated (absence of evidence is not evidence of absence).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..store import Store
from ._base import (
    FONT_SIZE,
    OKABE_ITO,
    ROLE_PARAM,
    SEQUENTIAL,
    FigureParam,
    legend_above,
    message_figure,
    new_figure,
    register,
    set_titles,
    shorten,
    top_param,
    wrap,
)
from .data import key, label, number, role_note, run

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


@dataclass
class Matrix:
    """Counts by (row key, column key), with the labels and order of rows and columns."""

    rows: list[str]
    columns: list[str]
    row_labels: list[str]
    column_labels: list[str]
    cells: dict[tuple[str, str], int]

    def value(self, row: str, column: str) -> int:
        return self.cells.get((row, column), 0)


def ranked(totals: dict[str, int], labels: dict[str, str], top: int) -> list[str]:
    """The ``top`` keys by total, ties by label (so that the order never depends on the
    order of the query's rows).

    >>> ranked({"a": 1, "b": 3, "c": 3}, {"a": "x", "b": "z", "c": "y"}, 2)
    ['c', 'b']
    """
    return sorted(totals, key=lambda k: (-totals[k], labels[k].casefold(), k))[:top]


def cell_size(rows: int, columns: int, row_label_chars: int) -> tuple[float, float]:
    """Figure size (inches) that gives every cell room for a three-digit number and every
    label room to be read: it grows with the number of rows and columns."""
    width = 1.2 + row_label_chars * 0.075 + max(columns, 3) * 0.46 + 1.2
    height = 2.4 + max(rows, 3) * 0.4 + 0.9
    return width, height


def label_chars(matrix: Matrix) -> int:
    """The longest line of the row labels (characters)."""
    return max(len(line) for text in matrix.row_labels for line in text.split("\n"))


def draw_counts(ax: Axes, matrix: Matrix, colour_values: Sequence[Sequence[float]]) -> object:
    """Colour the cells (``colour_values``: NaN = blank) and write every non-zero count."""
    import numpy as np
    from matplotlib import colormaps

    data = np.array(colour_values, dtype=float)
    cmap = colormaps[SEQUENTIAL].with_extremes(bad="white")
    image = ax.imshow(np.ma.masked_invalid(data), cmap=cmap, aspect="auto", interpolation="nearest")
    norm = image.norm
    for i, row in enumerate(matrix.rows):
        for j, column in enumerate(matrix.columns):
            count = matrix.value(row, column)
            if count and not np.isnan(data[i, j]):
                r, g, b, _a = image.cmap(norm(data[i, j]))
                dark = 0.299 * r + 0.587 * g + 0.114 * b < 0.55
                ax.text(
                    j,
                    i,
                    str(count),
                    ha="center",
                    va="center",
                    fontsize=FONT_SIZE - 1,
                    color="white" if dark else "black",
                )
    ax.set_xticks(range(len(matrix.columns)), matrix.column_labels, rotation=55, ha="right")
    ax.set_xticks(np.arange(len(matrix.columns) + 1) - 0.5, minor=True)
    ax.set_yticks(range(len(matrix.rows)), matrix.row_labels)
    ax.set_yticks(np.arange(len(matrix.rows) + 1) - 0.5, minor=True)
    ax.tick_params(which="minor", length=0)
    ax.tick_params(axis="both", labelsize=FONT_SIZE)
    ax.grid(which="minor", color="#DDDDDD", linewidth=0.6)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return image


# ---------------------------------------------------------------------------
# approach-value-heatmap
# ---------------------------------------------------------------------------

HEATMAP_TITLE = "Alignment approaches × values"


@register(
    "approach-value-heatmap",
    HEATMAP_TITLE,
    "Papers in which one contribution tags both the approach and the value (query "
    "approach-value-matrix; level=family: approach families × value groups, query "
    "approach-family-value-group); the top approaches and values by papers.",
    (
        top_param(15, "rows (approaches) and columns (values)"),
        FigureParam(
            "level",
            "term",
            "term: approaches and values as tagged; family: rolled up to approach "
            "families and value groups",
            choices=("term", "family"),
        ),
        ROLE_PARAM,
    ),
)
def approach_value_heatmap(store: Store, top: int, level: str, role: str | None) -> Figure:
    from matplotlib.ticker import MaxNLocator

    if level == "family":
        matrix, row_note = family_matrix(store, top, role)
        what = ("approach family", "value group")
    else:
        matrix, row_note = term_matrix(store, top, role)
        what = ("alignment approach", "value")
    title = HEATMAP_TITLE + (" (families × groups)" if level == "family" else "") + ": papers"
    if not matrix.rows or not matrix.columns:
        return message_figure(
            title,
            "No data: no contribution tags both an alignment approach and a value.",
            role_note(role),
        )
    width, height = cell_size(len(matrix.rows), len(matrix.columns), label_chars(matrix))
    fig = new_figure(width, height)
    ax = fig.add_subplot()
    values = [[matrix.value(r, c) or float("nan") for c in matrix.columns] for r in matrix.rows]
    image = draw_counts(ax, matrix, values)
    image.set_clim(0, max(matrix.value(r, c) for r in matrix.rows for c in matrix.columns))
    ax.set_xlabel(what[1])
    ax.set_ylabel(what[0])
    bar = fig.colorbar(image, ax=ax, shrink=0.6, pad=0.02)
    bar.set_label("papers")
    bar.ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    bar.ax.tick_params(labelsize=FONT_SIZE - 1)
    set_titles(
        fig,
        title,
        f"Cell: papers in which one contribution tags both. Top {top} by papers. {row_note}"
        f"{role_note(role)}",
    )
    return fig


def term_matrix(store: Store, top: int, role: str | None) -> tuple[Matrix, str]:
    """Approaches × values as tagged, ranked by papers summed over the row or column."""
    rows = run(store, "approach-value-matrix", {"role": role})
    return _matrix(
        [(key(r["approach"]), key(r["value"]), number(r["papers"])) for r in rows], top
    ), ""


def family_matrix(store: Store, top: int, role: str | None) -> tuple[Matrix, str]:
    """Approach families × value groups; a family's row is ranked (and labelled) by the
    papers with any approach of the family (the query's "all values" row)."""
    rows = run(store, "approach-family-value-group", {"role": role})
    totals = {
        key(r["family"]): number(r["papers"]) for r in rows if key(r["group"]) == "all values"
    }
    triples = [
        (key(r["family"]), key(r["group"]), number(r["papers"]))
        for r in rows
        if key(r["group"]) != "all values"
    ]
    matrix = _matrix(triples, top, row_totals=totals)
    matrix.row_labels = [wrap(f"{label(k)} ({totals.get(k, 0)})", 30) for k in matrix.rows]
    return matrix, "Row label: (papers with an approach of the family). "


def _matrix(
    triples: list[tuple[str, str, int]], top: int, row_totals: dict[str, int] | None = None
) -> Matrix:
    """The top rows (by ``row_totals``, else by the sum of their cells) and the top
    columns among them, from ``(row, column, count)`` triples.

    >>> m = _matrix([("a", "x", 2), ("b", "y", 1), ("b", "x", 1)], 5, {"a": 3, "b": 4, "c": 9})
    >>> m.rows, m.columns, m.value("b", "x")
    (['b', 'a'], ['x', 'y'], 1)
    """
    totals_r: dict[str, int] = defaultdict(int)
    totals_c: dict[str, int] = defaultdict(int)
    cells: dict[tuple[str, str], int] = {}
    for r, c, n in triples:
        cells[(r, c)] = n
        totals_r[r] += n
        totals_c[c] += n
    labels = {k: label(k) for k in (*totals_r, *totals_c)}
    # A row without any cell (a family none of whose papers tags a value) is not shown.
    rank_rows = {k: n for k, n in (row_totals or totals_r).items() if k in totals_r}
    rows = ranked(rank_rows, labels, top)
    columns = ranked({c: sum(cells.get((r, c), 0) for r in rows) for c in totals_c}, labels, top)
    columns = [c for c in columns if any(cells.get((r, c)) for r in rows)]
    return Matrix(
        rows,
        columns,
        [wrap(labels[r], 30) for r in rows],
        [shorten(labels[c], 30) for c in columns],
        cells,
    )


# ---------------------------------------------------------------------------
# coverage-gaps (dimension coverage)
# ---------------------------------------------------------------------------

COVERAGE_TITLE = "Coverage gaps: dimensions annotated per alignment approach"
#: How a gap is drawn: hatched, with the palette's vermillion; a slot recorded as "none"
#: in every paper gets dots and the word "none" (evidence of absence, not a gap in the
#: annotation).
GAP_COLOUR = OKABE_ITO[5]
NONE_COLOUR = OKABE_ITO[0]


@register(
    "coverage-gaps",
    COVERAGE_TITLE,
    "For each alignment approach and contribution dimension, the papers whose "
    "contributions using the approach annotate the dimension (query dimension-coverage); "
    "hatched cells are gaps (no paper annotates it), dotted ones were explicitly recorded "
    "as none.",
    (top_param(25, "approaches (rows)"), ROLE_PARAM),
    aliases=("dimension-coverage",),
)
def coverage_gaps(store: Store, top: int, role: str | None) -> Figure:
    rows = run(store, "dimension-coverage", {"role": role})
    title = COVERAGE_TITLE
    if not rows:
        return message_figure(
            title,
            "No data: no contribution tags an alignment approach.",
            role_note(role),
        )
    totals = {key(r["approach"]): number(r["approachPapers"]) for r in rows}
    slots = list(dict.fromkeys(key(r["slot"]) for r in rows))
    labels = {k: label(k) for k in totals}
    approaches = ranked(totals, labels, top)
    tagged = {(key(r["approach"]), key(r["slot"])): number(r["papers"]) for r in rows}
    none = {(key(r["approach"]), key(r["slot"])): number(r["nonePapers"]) for r in rows}
    matrix = Matrix(
        approaches,
        slots,
        [wrap(f"{labels[a]} ({totals[a]})", 30) for a in approaches],
        [s.replace("_", " ") for s in slots],
        tagged,
    )
    width, height = cell_size(len(approaches), len(slots), label_chars(matrix))
    fig = new_figure(width + 0.6, height + 0.5)
    ax = fig.add_subplot()
    shares = [
        [tagged.get((a, s), 0) / totals[a] if tagged.get((a, s)) else float("nan") for s in slots]
        for a in approaches
    ]
    image = draw_counts(ax, matrix, shares)
    image.set_clim(0, 1)
    gaps = mark_gaps(ax, approaches, slots, tagged, none)
    ax.set_xlabel("dimension (contribution slot)")
    ax.set_ylabel("alignment approach (papers)")
    bar = fig.colorbar(image, ax=ax, shrink=0.5, pad=0.02)
    bar.set_label("share of the approach's papers")
    bar.ax.tick_params(labelsize=FONT_SIZE - 1)
    gap_legend(ax)
    set_titles(
        fig,
        f"{title}: papers",
        f"Cell: papers whose contributions using the approach annotate the dimension "
        f"(row label: papers using the approach). {gaps} gaps among the top {len(approaches)} "
        f"approaches. {role_note(role)}",
    )
    return fig


def mark_gaps(
    ax: Axes,
    approaches: list[str],
    slots: list[str],
    tagged: dict[tuple[str, str], int],
    none: dict[tuple[str, str], int],
) -> int:
    """Hatch the cells no paper annotates; dot (and write "none" in) those that some
    papers explicitly record as none. Returns the number of gaps."""
    from matplotlib.patches import Rectangle

    gaps = 0
    for i, approach in enumerate(approaches):
        for j, slot in enumerate(slots):
            if tagged.get((approach, slot)):
                continue
            gaps += 1
            explicit = none.get((approach, slot), 0)
            colour = NONE_COLOUR if explicit else GAP_COLOUR
            ax.add_patch(
                Rectangle(
                    (j - 0.5, i - 0.5),
                    1,
                    1,
                    facecolor="white",
                    edgecolor=colour,
                    hatch="..." if explicit else "///",
                    linewidth=0.0,
                )
            )
            if explicit:
                ax.text(
                    j,
                    i,
                    f"none\n{explicit}",
                    ha="center",
                    va="center",
                    fontsize=FONT_SIZE - 3,
                    color=NONE_COLOUR,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5},
                )
    return gaps


def gap_legend(ax: Axes) -> None:
    from matplotlib.patches import Patch

    handles = [
        Patch(facecolor="white", edgecolor=GAP_COLOUR, hatch="///", label="gap: not annotated"),
        Patch(
            facecolor="white",
            edgecolor=NONE_COLOUR,
            hatch="...",
            label="gap: explicitly none (papers)",
        ),
    ]
    legend_above(ax, handles)


__all__ = ["approach_value_heatmap", "coverage_gaps"]

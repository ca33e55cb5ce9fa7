"""Bar and dot charts: term usage per dimension, findings per approach, and
inter-annotator agreement per slot.

Bars are horizontal so that term labels can be read without turning the head, and each
bar carries its number: a reader who quotes a figure in a paper needs the count, not an
estimate of a bar's length.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from ..namespaces import NORM
from ..store import Store
from ._base import (
    FONT_SIZE,
    GREY,
    LIGHT_GREY,
    OKABE_ITO,
    ROLE_PARAM,
    FigureParam,
    hide_spines,
    legend_above,
    message_figure,
    new_figure,
    register,
    scheme_iri,
    set_titles,
    shorten,
    top_param,
    wrap,
)
from .data import key, label, number, role_note, run, scheme_label
from .matrices import ranked

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# ---------------------------------------------------------------------------
# term-usage
# ---------------------------------------------------------------------------

USAGE_TITLE = "Term usage per dimension"
#: Panels per row of the small multiples.
PANEL_COLUMNS = 4


def dimension_schemes() -> list[str]:
    """The concept schemes of the sixteen dimensions, in the ontology's order."""
    from ..ontology import DIMENSIONS

    return [str(scheme) for _cls, scheme in DIMENSIONS]


@register(
    "term-usage",
    USAGE_TITLE,
    "The most used terms of each dimension, by papers (query term-usage): one panel per "
    "dimension, or one dimension with dimension=KEY.",
    (
        top_param(8, "terms per dimension"),
        FigureParam(
            "dimension",
            None,
            "only this dimension (slot key, scheme label or CURIE, e.g. values) "
            "[default: every dimension, one panel each]",
            scheme_iri,
        ),
        FigureParam(
            "count",
            "direct",
            "direct: papers that use the term itself; total: the term or a narrower one",
            choices=("direct", "total"),
        ),
    ),
)
def term_usage(store: Store, top: int, dimension: str | None, count: str) -> Figure:
    rows = run(store, "term-usage", {"scheme": dimension})
    usage: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        usage[key(row["scheme"])][key(row["term"])] = number(row[count])
    schemes = [dimension] if dimension else dimension_schemes()
    used = {s: {t: n for t, n in usage.get(s, {}).items() if n} for s in schemes}
    counted = "papers using the term" + (" or a narrower one" if count == "total" else "")
    title = f"{USAGE_TITLE}: {counted}"
    if dimension:
        title = f"Term usage: {scheme_label(dimension)} ({counted})"
    if not any(used.values()):
        where = f"the dimension {scheme_label(dimension)}" if dimension else "any dimension"
        return message_figure(title, f"No data: no paper uses a term of {where}.")
    columns = 1 if dimension else PANEL_COLUMNS
    panels = len(schemes)
    grid_rows = math.ceil(panels / columns)
    fig = new_figure(4.6 * columns, grid_rows * (0.24 * top + 1.25) + 1.0)
    axes = fig.subplots(grid_rows, columns, squeeze=False)
    for index, ax in enumerate(axes.flat):
        if index >= panels:
            ax.set_axis_off()
            continue
        scheme = schemes[index]
        heading = "" if dimension else f"{scheme_label(scheme)}\n"
        usage_panel(ax, heading, used[scheme], top, len(usage.get(scheme, {})))
    per = "" if dimension else " per dimension"
    set_titles(
        fig,
        title,
        f"Top {top} terms{per} by papers; a paper counts once per term, whatever the number "
        "of its annotations. x axis: papers.",
    )
    return fig


def usage_panel(ax: Axes, heading: str, used: dict[str, int], top: int, terms: int) -> None:
    """One dimension: its top terms as horizontal bars, most used on top."""
    ax.set_title(
        f"{heading}{len(used)} of {terms} terms used",
        fontsize=FONT_SIZE + 1,
        loc="left",
    )
    hide_spines(ax)
    ax.tick_params(labelsize=FONT_SIZE - 1)
    if not used:
        ax.set_yticks([])
        ax.set_xticks([])
        ax.text(0.5, 0.5, "no papers", ha="center", va="center", transform=ax.transAxes)
        return
    labels = {t: label(t) for t in used}
    shown = ranked(used, labels, top)
    counts = [used[t] for t in shown]
    positions = range(len(shown))
    ax.barh(positions, counts, color=OKABE_ITO[0], height=0.7)
    ax.set_yticks(positions, [shorten(labels[t], 34) for t in shown])
    ax.set_ylim(top - 0.5, -0.5)
    peak = max(counts)
    ax.set_xlim(0, peak * 1.18 + 0.5)
    for y, n in zip(positions, counts, strict=True):
        ax.text(n + peak * 0.02, y, str(n), va="center", fontsize=FONT_SIZE - 2)
    ax.set_xlabel("papers", fontsize=FONT_SIZE - 1)
    ax.xaxis.get_major_locator().set_params(integer=True)


# ---------------------------------------------------------------------------
# findings-per-approach
# ---------------------------------------------------------------------------

FINDINGS_TITLE = "Findings per alignment approach, by direction"
#: Finding directions in reading order (good to bad), with their colours; anything else
#: (a term request, a future term) goes after them in grey, "not given" last.
DIRECTIONS: tuple[tuple[str, str], ...] = (
    (str(NORM.Improves), OKABE_ITO[2]),
    (str(NORM.NoDifference), OKABE_ITO[4]),
    (str(NORM.MixedResult), OKABE_ITO[1]),
    (str(NORM.Worsens), OKABE_ITO[5]),
)
NOT_GIVEN = "not given"


@dataclass
class Finding:
    approach: str
    paper: str
    direction: str
    value: float | None
    unit: str | None


@register(
    "findings-per-approach",
    FINDINGS_TITLE,
    "Papers reporting findings for each alignment approach, split by direction (improves, "
    "no difference, mixed, worsens, not given; query findings-per-approach), and the "
    "numeric results in the most common unit next to them.",
    (top_param(20, "approaches (rows)"), ROLE_PARAM),
)
def findings_per_approach(store: Store, top: int, role: str | None) -> Figure:
    findings = read_findings(store, role)
    title = f"{FINDINGS_TITLE}: papers"
    if not findings:
        return message_figure(
            title,
            "No data: no contribution that uses an alignment approach records a finding.",
            role_note(role),
        )
    papers: dict[str, set[str]] = defaultdict(set)
    by_direction: dict[tuple[str, str], set[str]] = defaultdict(set)
    for f in findings:
        papers[f.approach].add(f.paper)
        by_direction[(f.approach, f.direction)].add(f.paper)
    labels = {a: label(a) for a in papers}
    approaches = ranked({a: len(p) for a, p in papers.items()}, labels, top)
    directions = direction_order({f.direction for f in findings})
    unit, numeric = main_unit([f for f in findings if f.approach in approaches])
    height = 1.9 + 0.4 * max(len(approaches), 4)
    fig = new_figure(11.5 if numeric else 8.0, height)
    if numeric:
        bars, dots = fig.subplots(1, 2, sharey=True, width_ratios=(3, 2))
    else:
        bars, dots = fig.subplots(1, 1), None
    stacked_bars(bars, approaches, directions, by_direction, papers, labels)
    if dots is not None:
        numeric_dots(dots, approaches, directions, numeric, unit)
    handles = [
        _patch(colour, label(d) if d != NOT_GIVEN else NOT_GIVEN) for d, colour in directions
    ]
    legend_above(bars, handles)
    set_titles(
        fig,
        title,
        "Bar: papers reporting a finding in that direction (a paper with findings in "
        "several directions counts in each; the number at the end is the papers with any "
        f"finding). {role_note(role)}",
    )
    return fig


def read_findings(store: Store, role: str | None) -> list[Finding]:
    rows = run(store, "findings-per-approach", {"role": role})
    return [
        Finding(
            key(r["approach"]),
            key(r["paper"]),
            key(r["direction"]) or NOT_GIVEN,
            _float(r["value"]),
            key(r["unit"]) or None,
        )
        for r in rows
    ]


def _float(cell: Any) -> float | None:
    if cell is None:
        return None
    try:
        return float(Decimal(str(cell)))
    except (InvalidOperation, ValueError):
        return None


def direction_order(present: set[str]) -> list[tuple[str, str]]:
    """The directions present, in reading order, each with its colour."""
    known = [(d, c) for d, c in DIRECTIONS if d in present]
    known_keys = {d for d, _c in DIRECTIONS}
    other = sorted(d for d in present if d not in known_keys and d != NOT_GIVEN)
    order = known + [(d, GREY) for d in other]
    if NOT_GIVEN in present:
        order.append((NOT_GIVEN, LIGHT_GREY))
    return order


def main_unit(findings: list[Finding]) -> tuple[str | None, list[Finding]]:
    """The unit most numeric findings use (ties: alphabetical), and those findings: values
    in different units cannot share an axis."""
    units: dict[str, int] = defaultdict(int)
    for f in findings:
        if f.value is not None and f.unit:
            units[f.unit] += 1
    if not units:
        return None, []
    unit = min(units, key=lambda u: (-units[u], u))
    return unit, [f for f in findings if f.value is not None and f.unit == unit]


def stacked_bars(
    ax: Axes,
    approaches: list[str],
    directions: list[tuple[str, str]],
    by_direction: dict[tuple[str, str], set[str]],
    papers: dict[str, set[str]],
    labels: dict[str, str],
) -> None:
    """One bar per approach, segments by direction, the number of papers at the end."""
    positions = range(len(approaches))
    left = [0] * len(approaches)
    for direction, colour in directions:
        counts = [len(by_direction.get((a, direction), ())) for a in approaches]
        ax.barh(positions, counts, left=left, color=colour, height=0.7, edgecolor="white")
        for y, (x0, n) in enumerate(zip(left, counts, strict=True)):
            if n:
                ax.text(x0 + n / 2, y, str(n), ha="center", va="center", fontsize=FONT_SIZE - 2)
        left = [x + n for x, n in zip(left, counts, strict=True)]
    peak = max(left)
    for y, (a, end) in enumerate(zip(approaches, left, strict=True)):
        ax.text(
            end + peak * 0.015,
            y,
            f"({plural(len(papers[a]), 'paper')})",
            va="center",
            fontsize=FONT_SIZE - 1,
            color="#444444",
        )
    ax.set_yticks(positions, [wrap(labels[a], 32) for a in approaches])
    ax.set_ylim(len(approaches) - 0.5, -0.5)
    ax.set_xlim(0, peak * 1.22 + 1)
    ax.set_xlabel("papers reporting a finding")
    ax.set_ylabel("alignment approach")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.tick_params(labelsize=FONT_SIZE)
    hide_spines(ax)


def numeric_dots(
    ax: Axes,
    approaches: list[str],
    directions: list[tuple[str, str]],
    numeric: list[Finding],
    unit: str | None,
) -> None:
    """Each numeric finding as a dot at its value, coloured by direction (one dot for
    the same value of the same approach and direction, however many annotations or
    papers report it; one scatter per direction, so that thousands of findings stay a
    small file)."""
    row = {a: i for i, a in enumerate(approaches)}
    ax.axvline(0, color="#BBBBBB", linewidth=0.8)
    for direction, colour in directions:
        points = sorted({(f.value, row[f.approach]) for f in numeric if f.direction == direction})
        if points:
            ax.scatter(
                [x for x, _y in points],
                [y for _x, y in points],
                s=36,
                color=colour,
                edgecolors="black",
                linewidths=0.5,
                zorder=3,
            )
    values = [f.value for f in numeric if f.value is not None]
    low, high = min([0.0, *values]), max([0.0, *values])
    pad = (high - low) * 0.08 or 1.0
    ax.set_xlim(low - pad, high + pad)
    unit_text = shorten(unit or "", 28)
    ax.set_xlabel(f"reported value ({unit_text})")
    ax.set_title(
        f"numeric results: {plural(len(numeric), 'finding')} in {unit_text}",
        fontsize=FONT_SIZE + 1,
        loc="left",
    )
    ax.grid(axis="y", color="#EEEEEE")
    ax.tick_params(labelsize=FONT_SIZE, labelleft=False)
    hide_spines(ax)


def plural(count: int, noun: str) -> str:
    """``count`` with ``noun``, plural when it is not one.

    >>> plural(1, "paper"), plural(3, "paper")
    ('1 paper', '3 papers')
    """
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _patch(colour: str, text: str) -> Any:
    from matplotlib.patches import Patch

    return Patch(facecolor=colour, edgecolor="#666666", linewidth=0.5, label=text)


# ---------------------------------------------------------------------------
# agreement
# ---------------------------------------------------------------------------

AGREEMENT_TITLE = "Inter-annotator agreement per slot (Krippendorff's α)"
#: Krippendorff's guide: α ≥ 0.8 reliable, 0.667 ≤ α < 0.8 for tentative conclusions.
THRESHOLDS = ((0.667, "0.667 tentative"), (0.8, "0.8 reliable"))


@register(
    "agreement",
    AGREEMENT_TITLE,
    "Krippendorff's α per annotation slot over the papers annotated more than once, plain "
    "and hierarchy-aware (partial credit for broader/narrower terms; "
    "normspace.agreement).",
    (
        FigureParam(
            "distance",
            "masi",
            "distance between two annotators' term sets",
            choices=("masi", "jaccard"),
        ),
    ),
)
def agreement(store: Store, distance: str) -> Figure:
    try:
        from ..agreement import agreement as compute
    except ImportError:
        return message_figure(
            AGREEMENT_TITLE, "No data: the agreement module (normspace.agreement) is missing."
        )
    report = compute(store, distance=distance)
    slots = [s for s in report.slots if s.units]
    if not slots:
        return message_figure(
            AGREEMENT_TITLE,
            "No data: no paper is annotated more than once.",
            "Agreement needs at least two independent annotations of a paper (a second file "
            "for the same paper, e.g. <stem>.curator-x.yaml).",
        )
    return agreement_chart(slots, distance)


def agreement_chart(slots: list[Any], distance: str) -> Figure:
    """Two bars per slot (plain and hierarchy-aware α), the reliability thresholds as
    lines, and the number of papers compared at the right."""
    fig = new_figure(8.5, 1.9 + 0.42 * len(slots))
    ax = fig.add_subplot()
    positions = range(len(slots))
    series = (
        ("alpha", "α", OKABE_ITO[0], -0.2),
        ("alpha_hierarchical", "α, hierarchy-aware", OKABE_ITO[1], 0.2),
    )
    values = [
        getattr(s, attr) for s in slots for attr, *_ in series if getattr(s, attr) is not None
    ]
    low = min([0.0, *values])
    for attr, name, colour, offset in series:
        for y, slot in enumerate(slots):
            value = getattr(slot, attr)
            if value is None:
                ax.text(0.01, y + offset, "n/a", va="center", fontsize=FONT_SIZE - 2)
                continue
            ax.barh(y + offset, value, height=0.38, color=colour, label=name if y == 0 else None)
            ax.text(
                value + (0.01 if value >= 0 else -0.01),
                y + offset,
                f"{value:.2f}",
                va="center",
                ha="left" if value >= 0 else "right",
                fontsize=FONT_SIZE - 2,
            )
    for (x, text), align in zip(THRESHOLDS, ("right", "left"), strict=True):
        ax.axvline(x, color=GREY, linestyle="--", linewidth=0.8)
        shift = -0.01 if align == "right" else 0.01
        ax.text(
            x + shift, -0.75, text, ha=align, va="bottom", fontsize=FONT_SIZE - 2, color="#555555"
        )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(positions, [f"{s.slot.replace('_', ' ')} ({s.units})" for s in slots])
    ax.set_ylim(len(slots) - 0.5, -0.95)
    ax.set_xlim(min(low - 0.1, -0.1), 1.12)
    ax.set_xlabel(f"Krippendorff's α ({distance.upper()} distance; 1 = perfect agreement)")
    ax.set_ylabel("slot (papers compared)")
    ax.tick_params(labelsize=FONT_SIZE)
    legend_above(ax, ax.get_legend_handles_labels()[0])
    hide_spines(ax)
    set_titles(
        fig,
        f"{AGREEMENT_TITLE}: papers annotated twice",
        "Bars: α over the papers with two or more annotations that tag the slot; "
        "hierarchy-aware α gives partial credit for a broader or narrower term.",
    )
    return fig

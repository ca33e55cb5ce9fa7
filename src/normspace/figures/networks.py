"""Network figures: co-occurrence of terms, and tensions between the poles of trade-offs.

The networks come from :mod:`normspace.analysis` (the same graphs the report describes in
words). Only the most connected nodes are drawn (a few hundred terms are an unreadable
hairball), the layout is a spring layout with a fixed seed on a graph whose nodes and edges
are inserted in sorted order (so that the same store gives the same picture), edge width
is the number of papers, and nodes are drawn with matplotlib directly (networkx's drawing
helpers go through pyplot's global state).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import InputError
from ..store import Store
from ._base import (
    FONT_SIZE,
    ROLE_PARAM,
    FigureParam,
    category_style,
    legend_above,
    message_figure,
    new_figure,
    positive_int,
    register,
    set_titles,
    shorten,
    top_param,
)
from .data import label, role_note, scheme_label

if TYPE_CHECKING:
    import networkx as nx
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Seed of the spring layout: fixed, for reproducible figures.
SEED = 7
MIN_PAPERS = FigureParam(
    "min_papers",
    "auto",
    "draw only edges of at least this many papers (auto: the least number that leaves at "
    "most three edges per node)",
    lambda text: None if text == "auto" else positive_int(text),
)


def scheme_list(text: str) -> tuple[str, ...]:
    """Comma-separated dimensions (slot keys, scheme labels or CURIEs) as scheme IRIs."""
    from ..querylib import resolve_scheme

    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        raise InputError("expected dimensions separated by commas, e.g. values,contexts")
    return tuple(dict.fromkeys(resolve_scheme(p, "dimensions") for p in parts))


DIMENSIONS_PARAM = FigureParam(
    "dimensions",
    None,
    "only terms of these dimensions, separated by commas (slot keys, scheme labels or "
    "CURIEs), e.g. values,contexts,stakeholders [default: every dimension, with the "
    "paper-level disciplines and research methods]",
    scheme_list,
)


def top_nodes(graph: nx.Graph, top: int) -> list[str]:
    """The ``top`` nodes by weighted degree (ties by name)."""
    degree = dict(graph.degree(weight="weight"))
    return sorted(degree, key=lambda n: (-degree[n], n))[:top]


def sorted_subgraph(graph: nx.Graph, nodes: list[str], min_papers: int) -> nx.Graph:
    """A copy of ``graph`` on ``nodes`` with the edges of at least ``min_papers``, nodes
    and edges inserted in sorted order (the layout depends on insertion order)."""
    import networkx as nx

    sub = nx.Graph()
    for node in sorted(nodes):
        sub.add_node(node, **graph.nodes[node])
    kept = set(nodes)
    edges = sorted(
        tuple(sorted((a, b))) + (d["weight"],)
        for a, b, d in graph.edges(data=True)
        if a in kept and b in kept and d["weight"] >= min_papers
    )
    for a, b, weight in edges:
        sub.add_edge(a, b, weight=weight)
    return sub


def layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Positions of the nodes: each connected component gets a seeded spring layout (on
    its nodes and edges in sorted order) in a square whose side grows with the square root
    of its size, and the squares are packed in rows, largest first. A spring layout of the
    whole graph would push small components to the far edges and squeeze the big one into
    the middle. Coordinates are rounded, so that floating-point noise in the last digits
    cannot change the rendered file."""
    import networkx as nx

    components = sorted(
        (sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c[0])
    )
    total = graph.number_of_nodes()
    row_width = max(3.0, 1.4 * total**0.5)
    gap = 0.6
    positions: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for nodes in components:
        side = max(len(nodes) ** 0.5 - 1, 0.0) * 1.05
        if x > 0 and x + side > row_width:
            x, y, row_height = 0.0, y - row_height - gap, 0.0
        for node, (px, py) in component_layout(graph, nodes, side).items():
            positions[node] = (round(x + px, 4), round(y - side + py, 4))
        x += side + gap
        row_height = max(row_height, side)
    return positions


def component_layout(graph: nx.Graph, nodes: list[str], side: float) -> dict[str, tuple]:
    """A seeded spring layout of one component, scaled into a square of ``side``."""
    import networkx as nx

    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    if len(nodes) == 2:
        return {nodes[0]: (0.0, side / 2), nodes[1]: (side, side / 2)}
    sub = nx.Graph()
    sub.add_nodes_from(nodes)
    sub.add_weighted_edges_from(
        sorted((*sorted((a, b)), w) for a, b, w in graph.subgraph(nodes).edges(data="weight"))
    )
    # Pull grows with the logarithm of the papers, so that a few very strong ties do not
    # squeeze the hubs and their labels into one spot; k spreads the nodes wider than
    # networkx's default.
    for _a, _b, data in sub.edges(data=True):
        data["pull"] = 1.0 + math.log(data["weight"])
    k = 2.0 / len(nodes) ** 0.5
    raw = nx.spring_layout(sub, weight="pull", k=k, seed=SEED, iterations=500)
    xs = [float(p[0]) for p in raw.values()]
    ys = [float(p[1]) for p in raw.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    return {
        n: ((float(p[0]) - min(xs)) / span * side, (float(p[1]) - min(ys)) / span * side)
        for n, p in raw.items()
    }


#: Inches per unit of the layout: the figure grows with the layout, so that nodes keep
#: their room however many components there are.
SCALE = 2.3
#: Margin of the layout (units) for the labels of the outermost nodes.
MARGIN = 0.55
LABEL_SIZE = FONT_SIZE - 1
#: Label width per character, in points per point of font size (DejaVu Sans, average).
CHAR_WIDTH = 0.56


@dataclass(frozen=True)
class Box:
    """A rectangle in points: left, bottom, right, top."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlap(self, other: Box) -> float:
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        return w * h if w > 0 and h > 0 else 0.0


def network_figure(
    graph: nx.Graph, style: Callable[[str], tuple[str, str]], size_attr: str
) -> Figure:
    """A figure sized to the layout, with the network drawn on equal axes."""
    pos = layout(graph)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    x0, x1 = min(xs) - MARGIN * 1.6, max(xs) + MARGIN * 1.6
    y0, y1 = min(ys) - MARGIN, max(ys) + MARGIN
    scale = min(SCALE, 17.0 / (x1 - x0), 15.0 / (y1 - y0))
    fig = new_figure(max(7.5, (x1 - x0) * scale + 0.3), (y1 - y0) * scale + 2.0)
    ax = fig.add_subplot()
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_axis_off()
    draw_network(ax, graph, pos, style, size_attr, scale * 72)
    return fig


def draw_network(
    ax: Axes,
    graph: nx.Graph,
    pos: dict[str, tuple[float, float]],
    style: Callable[[str], tuple[str, str]],
    size_attr: str,
    points_per_unit: float,
) -> None:
    """Edges (width and darkness by papers), nodes (colour and marker by ``style``, area by
    ``size_attr``) and labels placed where they overlap no other label or node."""
    from matplotlib.collections import LineCollection

    edges = sorted(graph.edges(data="weight"))
    if edges:
        heaviest = max(w for _a, _b, w in edges)
        segments = [(pos[a], pos[b]) for a, b, _w in edges]
        widths = [0.5 + 5.5 * w / heaviest for _a, _b, w in edges]
        colours = [(0.3, 0.3, 0.3, 0.2 + 0.5 * w / heaviest) for _a, _b, w in edges]
        ax.add_collection(LineCollection(segments, linewidths=widths, colors=colours, zorder=1))
    sizes = {n: graph.nodes[n].get(size_attr, 1) for n in graph.nodes}
    largest = max(sizes.values()) or 1
    area = {n: 50 + 600 * sizes[n] / largest for n in graph.nodes}
    groups: dict[tuple[str, str], list[str]] = {}
    for node in sorted(graph.nodes):
        groups.setdefault(style(node), []).append(node)
    for (colour, marker), nodes in sorted(groups.items()):
        ax.scatter(
            [pos[n][0] for n in nodes],
            [pos[n][1] for n in nodes],
            s=[area[n] for n in nodes],
            c=colour,
            marker=marker,
            edgecolors="white",
            linewidths=0.8,
            zorder=2,
        )
    radius = {n: (area[n] / 3.1416) ** 0.5 for n in graph.nodes}
    order = sorted(graph.nodes, key=lambda n: (-sizes[n], n))
    texts = {n: shorten(label(n), 30) for n in order}
    for node, (dx, dy, ha, va) in place_labels(order, pos, radius, texts, points_per_unit):
        ax.annotate(
            texts[node],
            pos[node],
            xytext=(dx, dy),
            textcoords="offset points",
            ha=ha,
            va=va,
            fontsize=LABEL_SIZE,
            zorder=3,
            bbox={
                "boxstyle": "square,pad=0.1",
                "facecolor": "white",
                "edgecolor": "none",
                "alpha": 0.8,
            },
        )


def place_labels(
    order: list[str],
    pos: dict[str, tuple[float, float]],
    radius: dict[str, float],
    texts: dict[str, str],
    points_per_unit: float,
) -> list[tuple[str, tuple[float, float, str, str]]]:
    """For each node (largest first), the first of eight spots around it (above, below,
    right, left, then further out) where its label overlaps no label placed before and
    no node; failing that, the spot with the least overlap. A greedy placement, good
    enough for the few dozen nodes a readable network has."""
    centre = {n: (pos[n][0] * points_per_unit, pos[n][1] * points_per_unit) for n in order}
    nodes = [
        Box(
            centre[n][0] - radius[n],
            centre[n][1] - radius[n],
            centre[n][0] + radius[n],
            centre[n][1] + radius[n],
        )
        for n in order
    ]
    placed: list[Box] = []
    result = []
    height = LABEL_SIZE * 1.25
    for node in order:
        x, y = centre[node]
        width = len(texts[node]) * LABEL_SIZE * CHAR_WIDTH
        r = radius[node] + 1.5
        spots = [
            (0.0, r, "center", "bottom"),
            (0.0, -r, "center", "top"),
            (r, 0.0, "left", "center"),
            (-r, 0.0, "right", "center"),
            (0.0, r + height, "center", "bottom"),
            (0.0, -r - height, "center", "top"),
            (r, height, "left", "center"),
            (-r, -height, "right", "center"),
        ]
        best, best_cost = spots[0], float("inf")
        for dx, dy, ha, va in spots:
            left = x + dx - (width / 2 if ha == "center" else width if ha == "right" else 0)
            bottom = y + dy - (height / 2 if va == "center" else height if va == "top" else 0)
            box = Box(left, bottom, left + width, bottom + height)
            cost = sum(box.overlap(b) for b in placed)
            cost += sum(box.overlap(b) for b in nodes) * 2
            if cost < best_cost:
                best, best_cost = (dx, dy, ha, va), cost
                best_box = box
            if cost == 0:
                break
        placed.append(best_box)
        result.append((node, best))
    return result


def legend(ax: Axes, entries: list[tuple[str, str, str]]) -> None:
    """A legend of (colour, marker, text) entries above the plot."""
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], color=c, marker=m, linestyle="", markersize=8, label=t)
        for c, m, t in entries
    ]
    legend_above(ax, handles)


def auto_min_papers(graph: nx.Graph, nodes: list[str], given: int | None) -> int:
    """The least papers an edge needs to be drawn: ``given``, or the smallest number that
    leaves at most three edges per node (a denser network is an unreadable hairball).

    >>> import networkx as nx
    >>> g = nx.Graph(); g.add_weighted_edges_from([("a", "b", 5), ("b", "c", 1)])
    >>> auto_min_papers(g, ["a", "b", "c"], None), auto_min_papers(g, ["a"], 2)
    (1, 2)
    """
    if given is not None:
        return given
    kept = set(nodes)
    weights = sorted(
        (w for a, b, w in graph.edges(data="weight") if a in kept and b in kept), reverse=True
    )
    limit = 3 * len(nodes)
    if len(weights) <= limit:
        return 1
    return weights[limit - 1] + 1 if weights[limit - 1] < weights[0] else weights[0]


# ---------------------------------------------------------------------------
# cooccurrence-network
# ---------------------------------------------------------------------------

COOCCURRENCE_TITLE = "Co-occurrence network of terms"


@register(
    "cooccurrence-network",
    COOCCURRENCE_TITLE,
    "Terms that one contribution carries together (normspace.analysis.contribution_tags): "
    "the top terms by weighted degree, colour = dimension, node size = papers using the "
    "term, edge width = papers in which one contribution carries both.",
    (top_param(30, "terms (nodes)"), MIN_PAPERS, DIMENSIONS_PARAM, ROLE_PARAM),
)
def cooccurrence_network(
    store: Store,
    top: int,
    min_papers: int | None,
    dimensions: tuple[str, ...] | None,
    role: str | None,
) -> Figure:
    from ..analysis import contribution_tags
    from ..analysis import cooccurrence_network as network

    graph = network(contribution_tags(store, role))
    if dimensions:
        graph = graph.subgraph(n for n in graph if graph.nodes[n]["scheme"] in dimensions)
    title = f"{COOCCURRENCE_TITLE}: papers"
    if graph.number_of_edges() == 0:
        among = (
            f" of the dimensions {', '.join(scheme_label(d) for d in dimensions)}"
            if dimensions
            else ""
        )
        return message_figure(
            title,
            f"No data: no contribution carries two terms{among} together.",
            role_note(role),
        )
    sub, threshold, dropped = drawn_subgraph(graph, top, min_papers)
    schemes = sorted({sub.nodes[n]["scheme"] for n in sub.nodes}, key=scheme_label)
    styles = {s: category_style(i) for i, s in enumerate(schemes)}
    fig = network_figure(sub, lambda n: styles[sub.nodes[n]["scheme"]], "papers")
    legend(fig.axes[0], [(*styles[s], scheme_label(s)) for s in schemes])
    set_titles(
        fig,
        title,
        f"The {sub.number_of_nodes()} terms with the highest weighted degree (of "
        f"{graph.number_of_nodes()}{dropped}); colour: dimension; node size: papers using "
        f"the term; edge width: papers in which one contribution carries both terms, "
        f"{edge_note(threshold)}.{dimension_note(dimensions)} {role_note(role)}",
    )
    return fig


def dimension_note(dimensions: tuple[str, ...] | None) -> str:
    if not dimensions:
        return ""
    return f" Only the dimensions {', '.join(scheme_label(d) for d in dimensions)}."


def drawn_subgraph(graph: nx.Graph, top: int, min_papers: int | None) -> tuple[nx.Graph, int, str]:
    """The top nodes with the edges that are drawn, without the nodes left with no edge;
    the edge threshold used; and a note on the nodes left out for having no edge."""
    nodes = top_nodes(graph, top)
    threshold = auto_min_papers(graph, nodes, min_papers)
    sub = sorted_subgraph(graph, nodes, threshold)
    lonely = sorted(n for n in sub.nodes if sub.degree(n) == 0)
    if len(lonely) < sub.number_of_nodes():
        sub.remove_nodes_from(lonely)
    else:
        lonely = []
    dropped = f"; {len(lonely)} more left out: no edge drawn" if lonely else ""
    return sub, threshold, dropped


def edge_note(threshold: int) -> str:
    return "every edge" if threshold <= 1 else f"edges of at least {threshold} papers drawn"


# ---------------------------------------------------------------------------
# tension-network
# ---------------------------------------------------------------------------

TENSION_TITLE = "Tension network: poles of trade-offs"


def pole_styles() -> dict[str, tuple[str, str]]:
    """Pole kind (value, stakeholder, design goal) -> colour and marker (both differ, so
    the kind reads in greyscale too)."""
    from ..analysis import POLE_KINDS

    kinds = list(dict.fromkeys(POLE_KINDS.values()))
    return {kind: category_style(i * 9) for i, kind in enumerate(kinds)}


@register(
    "tension-network",
    TENSION_TITLE,
    "Values, stakeholder groups and design goals that papers record in tension "
    "(normspace.analysis.tension_network): colour and shape = kind of pole, node size = "
    "papers, edge width = papers that record the two poles in one trade-off.",
    (top_param(30, "poles (nodes)"), MIN_PAPERS),
)
def tension_network(store: Store, top: int, min_papers: int | None) -> Figure:
    from ..analysis import tension_network as network

    graph = network(store)
    title = f"{TENSION_TITLE}: papers"
    if graph.number_of_edges() == 0:
        return message_figure(title, "No data: no paper records a trade-off between two poles.")
    sub, threshold, dropped = drawn_subgraph(graph, top, min_papers)
    styles = pole_styles()
    fig = network_figure(sub, lambda n: styles[sub.nodes[n]["kind"]], "papers")
    kinds = sorted({sub.nodes[n]["kind"] for n in sub.nodes}, key=list(styles).index)
    legend(fig.axes[0], [(*styles[k], k) for k in kinds])
    set_titles(
        fig,
        title,
        f"The {sub.number_of_nodes()} poles in tension with the most others, weighted by "
        f"papers (of {graph.number_of_nodes()}{dropped}); colour and shape: kind of pole; "
        "node size: papers recording the pole in a trade-off; edge width: papers recording "
        f"the two poles in one trade-off, {edge_note(threshold)}.",
    )
    return fig

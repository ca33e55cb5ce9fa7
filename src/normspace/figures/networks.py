"""Network figures: co-occurrence of terms, and tensions between the poles of trade-offs.

The networks come from :mod:`normspace.analysis` (the same graphs the report describes in
words). Only the most connected nodes are drawn (a few hundred terms are an unreadable
hairball), the layout is a spring layout with a fixed seed on a graph whose nodes and edges
are inserted in sorted order (so that the same store gives the same picture), edge width
is the number of papers, and nodes are drawn with matplotlib directly (networkx's drawing
helpers go through pyplot's global state).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..store import Store
from ._base import (
    FONT_SIZE,
    ROLE_PARAM,
    FigureParam,
    category_style,
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
    "min_papers", "1", "draw only edges of at least this many papers", positive_int
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
    """Seeded spring layout (stronger ties pull closer), rounded so that floating-point
    noise in the last digits cannot change the rendered file."""
    import networkx as nx

    if graph.number_of_nodes() == 1:
        return {next(iter(graph.nodes)): (0.0, 0.0)}
    k = 1.6 / max(graph.number_of_nodes(), 1) ** 0.5
    positions = nx.spring_layout(graph, weight="weight", seed=SEED, k=k, iterations=200)
    return {n: (round(float(x), 4), round(float(y), 4)) for n, (x, y) in positions.items()}


def draw_network(
    ax: Axes,
    graph: nx.Graph,
    style: Callable[[str], tuple[str, str]],
    size_attr: str,
) -> None:
    """Edges (width and darkness by papers), nodes (colour and marker by ``style``, area by
    ``size_attr``) and labels on a white background so that edges do not cross them."""
    from matplotlib.collections import LineCollection

    pos = layout(graph)
    edges = list(graph.edges(data="weight"))
    if edges:
        heaviest = max(w for _a, _b, w in edges)
        segments = [(pos[a], pos[b]) for a, b, _w in edges]
        widths = [0.6 + 5.4 * w / heaviest for _a, _b, w in edges]
        alphas = [0.25 + 0.5 * w / heaviest for _a, _b, w in edges]
        colours = [(0.35, 0.35, 0.35, a) for a in alphas]
        ax.add_collection(LineCollection(segments, linewidths=widths, colors=colours, zorder=1))
    sizes = {n: graph.nodes[n].get(size_attr, 1) for n in graph.nodes}
    largest = max(sizes.values()) or 1
    groups: dict[tuple[str, str], list[str]] = {}
    for node in graph.nodes:
        groups.setdefault(style(node), []).append(node)
    for (colour, marker), nodes in sorted(groups.items()):
        ax.scatter(
            [pos[n][0] for n in nodes],
            [pos[n][1] for n in nodes],
            s=[60 + 640 * sizes[n] / largest for n in nodes],
            c=colour,
            marker=marker,
            edgecolors="white",
            linewidths=0.8,
            zorder=2,
        )
    for node in sorted(graph.nodes):
        x, y = pos[node]
        ax.annotate(
            shorten(label(node), 26),
            (x, y),
            xytext=(0, 9 + 9 * sizes[node] / largest),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=FONT_SIZE - 1,
            zorder=3,
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
                  "alpha": 0.75},
        )
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    pad_x = (max(xs) - min(xs)) * 0.1 + 0.1
    pad_y = (max(ys) - min(ys)) * 0.1 + 0.1
    ax.set_xlim(min(xs) - pad_x, max(xs) + pad_x)
    ax.set_ylim(min(ys) - pad_y, max(ys) + pad_y * 1.3)
    ax.set_axis_off()


def legend(fig: Figure, entries: list[tuple[str, str, str]], title: str) -> None:
    """A legend of (colour, marker, text) entries above the plot."""
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], color=c, marker=m, linestyle="", markersize=8, label=t)
        for c, m, t in entries
    ]
    fig.legend(
        handles=handles,
        title=title,
        loc="outside upper center",
        ncols=min(len(handles), 6),
        fontsize=FONT_SIZE,
        title_fontsize=FONT_SIZE,
        frameon=False,
    )


def _network_size(nodes: int) -> tuple[float, float]:
    side = min(16.0, 6.0 + nodes * 0.22)
    return side * 1.15, side


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
    (top_param(30, "terms (nodes)"), MIN_PAPERS, ROLE_PARAM),
)
def cooccurrence_network(store: Store, top: int, min_papers: int, role: str | None) -> Figure:
    from ..analysis import contribution_tags
    from ..analysis import cooccurrence_network as network

    graph = network(contribution_tags(store, role))
    title = f"{COOCCURRENCE_TITLE}: papers"
    if graph.number_of_edges() == 0:
        return message_figure(
            title,
            "No data: no contribution carries two terms together.",
            f"Contributions that count: {role_note(role)}.",
        )
    sub = sorted_subgraph(graph, top_nodes(graph, top), min_papers)
    schemes = sorted({sub.nodes[n]["scheme"] for n in sub.nodes}, key=scheme_label)
    styles = {s: category_style(i) for i, s in enumerate(schemes)}
    fig = new_figure(*_network_size(sub.number_of_nodes()))
    ax = fig.add_subplot()
    draw_network(ax, sub, lambda n: styles[sub.nodes[n]["scheme"]], "papers")
    legend(fig, [(*styles[s], scheme_label(s)) for s in schemes], "dimension")
    set_titles(
        fig,
        title,
        f"The {sub.number_of_nodes()} terms with the highest weighted degree (of "
        f"{graph.number_of_nodes()}). Node size: papers using the term. Edge width: papers "
        f"in which one contribution carries both terms (edges of at least {min_papers} "
        f"paper{'s' if min_papers > 1 else ''}). Contributions: {role_note(role)}.",
    )
    return fig


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
def tension_network(store: Store, top: int, min_papers: int) -> Figure:
    from ..analysis import tension_network as network

    graph = network(store)
    title = f"{TENSION_TITLE}: papers"
    if graph.number_of_edges() == 0:
        return message_figure(title, "No data: no paper records a trade-off between two poles.")
    sub = sorted_subgraph(graph, top_nodes(graph, top), min_papers)
    styles = pole_styles()
    fig = new_figure(*_network_size(sub.number_of_nodes()))
    ax = fig.add_subplot()
    draw_network(ax, sub, lambda n: styles[sub.nodes[n]["kind"]], "papers")
    kinds = sorted({sub.nodes[n]["kind"] for n in sub.nodes}, key=list(styles).index)
    legend(fig, [(*styles[k], k) for k in kinds], "kind of pole")
    set_titles(
        fig,
        title,
        f"The {sub.number_of_nodes()} poles in tension with the most others (of "
        f"{graph.number_of_nodes()}), weighted by papers. Node size: papers recording the "
        "pole in a trade-off. Edge width: papers recording the two poles in one trade-off "
        f"(edges of at least {min_papers} paper{'s' if min_papers > 1 else ''}).",
    )
    return fig


"""Network analysis of the corpus: which terms are used together, and how they cluster.

The co-occurrence network has one node per term tagged anywhere in the corpus and an edge
between two terms for every paper tagged with both (edge weight = number of such papers).
A paper's tags are the union over its annotations, so a paper with two annotators counts
once. From the network the report takes

- the terms with the highest weighted degree (used with the most other terms),
- the terms with the highest betweenness centrality (bridges between otherwise separate
  parts of the field, e.g. a value shared by technical and participatory work),
- communities (Louvain modularity, fixed seed so that reports are reproducible),
- the strongest cross-dimension pairs by lift: how much more often two terms of different
  dimensions meet than if they were independent.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx

from .ontology import term_index
from .store import Store

TAG_PROPERTIES = (
    "hasAlignmentTarget",
    "hasValue",
    "hasStakeholder",
    "normativeInputFrom",
    "hasSamplingMethod",
    "hasContext",
    "hasPluralismApproach",
    "hasAlignmentApproach",
    "hasEvaluationCriterion",
    "hasContestabilityMechanism",
    "hasParticipationAspect",
    "hasDiscipline",
)

TAGS_QUERY = (
    "PREFIX norm: <https://w3id.org/normspace#>\n"
    "SELECT DISTINCT ?paper ?term WHERE {\n"
    "  VALUES ?property { " + " ".join(f"norm:{p}" for p in TAG_PROPERTIES) + " }\n"
    "  ?annotation a norm:PaperAnnotation ; norm:annotates ?paper ; ?property ?term .\n"
    "}"
)


def paper_tags(store: Store) -> dict[str, set[str]]:
    """Paper IRI -> the terms tagged on it by any of its annotations."""
    tags: dict[str, set[str]] = defaultdict(set)
    for paper, term in store.query(TAGS_QUERY).rows:
        tags[str(paper)].add(str(term))
    return dict(tags)


def cooccurrence_network(tags: dict[str, set[str]]) -> nx.Graph:
    """Terms as nodes (``papers``: how many papers use the term; ``scheme``), papers in
    common as weighted edges.

    >>> g = cooccurrence_network({"p1": {"a", "b"}, "p2": {"a", "b", "c"}})
    >>> g["a"]["b"]["weight"], g.nodes["c"]["papers"]
    (2, 1)
    """
    graph = nx.Graph()
    index = term_index()
    for terms in tags.values():
        ordered = sorted(terms)
        for term in ordered:
            if term not in graph:
                known = index.get(term)
                graph.add_node(term, papers=0, scheme=known.scheme if known else "")
            graph.nodes[term]["papers"] += 1
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                weight = graph.get_edge_data(a, b, {"weight": 0})["weight"]
                graph.add_edge(a, b, weight=weight + 1)
    return graph


@dataclass
class Pair:
    a: str
    b: str
    papers: int
    lift: float


@dataclass
class Highlights:
    papers: int
    terms: int
    edges: int
    density: float
    hubs: list[tuple[str, int]] = field(default_factory=list)  # weighted degree
    bridges: list[tuple[str, float]] = field(default_factory=list)  # betweenness
    communities: list[list[str]] = field(default_factory=list)  # by size, members by use
    pairs: list[Pair] = field(default_factory=list)  # cross-dimension, by lift


def highlights(tags: dict[str, set[str]], top: int = 10, min_papers: int = 2) -> Highlights:
    """What the report says about the network (see the module docstring).

    Pairs need ``min_papers`` papers in common, so that a single paper does not make a
    spectacular lift.
    """
    graph = cooccurrence_network(tags)
    n = len(tags)
    result = Highlights(
        papers=n,
        terms=graph.number_of_nodes(),
        edges=graph.number_of_edges(),
        density=nx.density(graph) if graph.number_of_nodes() > 1 else 0.0,
    )
    if graph.number_of_nodes() == 0:
        return result
    degree = dict(graph.degree(weight="weight"))
    result.hubs = sorted(degree.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    # Betweenness on distances 1/weight: strong ties are short paths.
    for _a, _b, data in graph.edges(data=True):
        data["distance"] = 1.0 / data["weight"]
    betweenness = nx.betweenness_centrality(graph, weight="distance", normalized=True)
    ranked = sorted(betweenness.items(), key=lambda kv: (-kv[1], kv[0]))
    result.bridges = [(t, round(v, 3)) for t, v in ranked[:top] if v > 0]
    communities = nx.community.louvain_communities(graph, weight="weight", seed=0)
    papers_of = nx.get_node_attributes(graph, "papers")
    result.communities = sorted(
        (sorted(c, key=lambda t: (-papers_of[t], t)) for c in communities if len(c) > 1),
        key=lambda members: (-len(members), members[0]),
    )
    result.pairs = cross_dimension_pairs(graph, n, min_papers)[:top]
    return result


def cross_dimension_pairs(graph: nx.Graph, papers: int, min_papers: int = 2) -> list[Pair]:
    """Edges between terms of different schemes, by lift = P(a,b) / (P(a) P(b)).

    >>> g = nx.Graph()
    >>> g.add_node("a", papers=2, scheme="s1"); g.add_node("b", papers=2, scheme="s2")
    >>> g.add_edge("a", "b", weight=2)
    >>> cross_dimension_pairs(g, 4)[0].lift
    2.0
    """
    pairs = []
    for a, b, data in graph.edges(data=True):
        na, nb = graph.nodes[a], graph.nodes[b]
        if na["scheme"] == nb["scheme"] or data["weight"] < min_papers:
            continue
        lift = data["weight"] * papers / (na["papers"] * nb["papers"])
        first, second = sorted((a, b))
        pairs.append(Pair(first, second, data["weight"], round(lift, 2)))
    return sorted(pairs, key=lambda p: (-p.lift, -p.papers, p.a, p.b))

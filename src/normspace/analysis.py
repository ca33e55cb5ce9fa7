"""Network analysis of the corpus: which terms are used together, and which poles are in
tension.

The co-occurrence network has one node per term tagged anywhere in the corpus and an edge
between two terms for every paper in which ONE contribution carries both (edge weight =
number of such papers). A contribution's terms are its own tags plus the paper-level tags
of its annotation (disciplines, research methods); pairs are never formed across two
contributions, so a method a paper proposes is not linked to the baseline it criticises.
Only the contributions that the role filter admits count (default: those that propose or
apply, or give no role; see :data:`normspace.querylib.ROLE_FILTER`). A paper with two
annotators counts once. From the network the report takes

- the terms with the highest weighted degree (used with the most other terms),
- the terms with the highest betweenness centrality (bridges between otherwise separate
  parts of the field, e.g. a value shared by technical and participatory work),
- communities (Louvain modularity, fixed seed so that reports are reproducible),
- the strongest cross-dimension pairs by lift: how much more often two terms of different
  dimensions meet than if they were independent.

The tension network has one node per pole of a trade-off (a value, a stakeholder group or
a design goal, with its ``kind``) and an edge for every paper that records the two poles in
tension in one trade-off.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import networkx as nx
from rdflib import URIRef

from .annotation.slots import CONTRIBUTION_SLOTS, PAPER_SLOTS, TRADE_OFF_POLES, TermSlot
from .namespaces import curie
from .ontology import term_index
from .querylib import ROLE_FILTER
from .store import Store


def _values(properties: Iterable[URIRef]) -> str:
    return " ".join(curie(str(p)) for p in properties)


def _tags_query(slots: Iterable[TermSlot], subject: str) -> str:
    """Terms of role-filtered contributions: ``subject`` is ``?contribution`` (its own
    tags) or ``?annotation`` (the paper-level tags of its annotation)."""
    return f"""PREFIX norm: <https://w3id.org/normspace#>
SELECT DISTINCT ?paper ?contribution ?term WHERE {{
  ?annotation a norm:PaperAnnotation ;
    norm:annotates ?paper ;
    norm:hasContribution ?contribution .
{ROLE_FILTER}  VALUES ?property {{ {_values(s.prop for s in slots)} }}
  {subject} ?property ?term .
  FILTER (isIRI(?term))
}}"""


#: Every term of a role-filtered contribution, with the paper-level tags of its annotation,
#: as two queries: one query with a UNION of the two halves is quadratic in Oxigraph (2.3 s
#: at 1,000 synthetic papers, over 500 s at 10,000), the halves are linear (14 s at 10,000).
#: The tag properties come from the slot table, so a new slot joins the network by itself.
TAGS_QUERIES = (
    _tags_query(CONTRIBUTION_SLOTS, "?contribution"),
    _tags_query(PAPER_SLOTS, "?annotation"),
)

#: Pole kind (the trade-off property) -> the word the report uses.
POLE_KINDS = {str(s.prop): s.key.replace("_", " ").removesuffix("s") for s in TRADE_OFF_POLES}

#: Pairs of poles in tension in one trade-off, per paper (every contribution: a tension a
#: paper records is the paper's finding whatever it does with the approach).
TENSIONS_QUERY = f"""PREFIX norm: <https://w3id.org/normspace#>
SELECT DISTINCT ?paper ?kindA ?poleA ?kindB ?poleB WHERE {{
  VALUES ?kindA {{ {_values(s.prop for s in TRADE_OFF_POLES)} }}
  VALUES ?kindB {{ {_values(s.prop for s in TRADE_OFF_POLES)} }}
  ?annotation a norm:PaperAnnotation ;
    norm:annotates ?paper ;
    norm:hasContribution/norm:hasTradeOff ?tradeOff .
  ?tradeOff ?kindA ?poleA ;
    ?kindB ?poleB .
  FILTER (isIRI(?poleA) && isIRI(?poleB) && STR(?poleA) < STR(?poleB))
}}"""

#: Paper IRI -> the term sets of its contributions (one set per contribution).
ContributionTags = dict[str, list[frozenset[str]]]


def contribution_tags(store: Store, role: str | None = None) -> ContributionTags:
    """Paper IRI -> the terms of each of its contributions that the role filter admits
    (``role``: a ContributionRole IRI; None: the default roles)."""
    bindings = {"role": URIRef(role)} if role else {}
    sets: dict[tuple[str, str], set[str]] = defaultdict(set)
    for query in TAGS_QUERIES:
        for paper, contribution, term in store.query(query, bindings).rows:
            sets[(str(paper), str(contribution))].add(str(term))
    tags: ContributionTags = defaultdict(list)
    for (paper, _contribution), terms in sorted(sets.items()):
        tags[paper].append(frozenset(terms))
    return dict(tags)


def cooccurrence_network(tags: ContributionTags) -> nx.Graph:
    """Terms as nodes (``papers``: how many papers use the term; ``scheme``), and an edge
    for every pair of terms that one contribution carries, weighted by papers.

    >>> g = cooccurrence_network({
    ...     "p1": [frozenset({"a", "b"})],
    ...     "p2": [frozenset({"a", "b", "c"}), frozenset({"a", "b"})],
    ...     "p3": [frozenset({"c"}), frozenset({"d"})],
    ... })
    >>> g["a"]["b"]["weight"], g.nodes["c"]["papers"], g.has_edge("c", "d")
    (2, 2, False)
    """
    graph = nx.Graph()
    index = term_index()
    for contributions in tags.values():
        used = sorted(set().union(*contributions)) if contributions else []
        for term in used:
            if term not in graph:
                known = index.get(term)
                graph.add_node(term, papers=0, scheme=known.scheme if known else "")
            graph.nodes[term]["papers"] += 1
        pairs: set[tuple[str, str]] = set()
        for terms in contributions:
            ordered = sorted(terms)
            pairs.update((a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :])
        for a, b in pairs:
            weight = graph.get_edge_data(a, b, {"weight": 0})["weight"]
            graph.add_edge(a, b, weight=weight + 1)
    return graph


def tension_network(store: Store) -> nx.Graph:
    """Poles of trade-offs as nodes (``kind``: value, stakeholder or design goal;
    ``papers``), and an edge for every paper that records two poles in one trade-off."""
    return tension_graph(store.query(TENSIONS_QUERY).rows)


def tension_graph(rows: Iterable[Sequence]) -> nx.Graph:
    """The tension network of :data:`TENSIONS_QUERY` rows (for callers that also need the
    rows themselves, such as the report's lists of papers)."""
    graph = nx.Graph()
    papers: dict[str, set[str]] = defaultdict(set)
    for paper, kind_a, pole_a, kind_b, pole_b in rows:
        for kind, pole in ((kind_a, pole_a), (kind_b, pole_b)):
            graph.add_node(str(pole), kind=POLE_KINDS[str(kind)])
            papers[str(pole)].add(str(paper))
        data = graph.get_edge_data(str(pole_a), str(pole_b), {"papers": set()})
        graph.add_edge(str(pole_a), str(pole_b), papers=data["papers"] | {str(paper)})
    for pole, used in papers.items():
        graph.nodes[pole]["papers"] = len(used)
    for _a, _b, data in graph.edges(data=True):
        data["weight"] = len(data.pop("papers"))
    return graph


@dataclass
class Pair:
    a: str
    b: str
    papers: int
    lift: float


@dataclass
class Tension:
    a: str
    kind_a: str
    b: str
    kind_b: str
    papers: int


@dataclass
class Highlights:
    papers: int
    terms: int
    edges: int
    density: float
    hubs: list[tuple[str, int]] = field(default_factory=list)  # weighted degree
    bridges: list[tuple[str, float]] = field(default_factory=list)  # betweenness
    #: None: exact betweenness; a number: estimated from that many sampled source terms.
    bridge_sources: int | None = None
    communities: list[list[str]] = field(default_factory=list)  # by size, members by use
    pairs: list[Pair] = field(default_factory=list)  # cross-dimension, by lift
    tensions: list[Tension] = field(default_factory=list)  # by papers
    contested: list[tuple[str, str, int]] = field(default_factory=list)  # pole, kind, degree


#: Betweenness is exact up to this many edge visits (terms × pairs: about 4 s here, the
#: bundled corpus's 381 terms and 8,207 pairs stay exact); beyond, it is estimated from a
#: seeded sample of source terms (networkx's ``k``), so that the report of a 10,000-paper
#: corpus does not spend minutes on it (107 s exact at 1,000 synthetic papers).
BETWEENNESS_BUDGET = 4_000_000


def betweenness_sources(graph: nx.Graph, budget: int = BETWEENNESS_BUDGET) -> int | None:
    """None (exact) when every term can be a source within ``budget`` edge visits, else the
    number of sampled sources that fits.

    >>> betweenness_sources(nx.complete_graph(10)), betweenness_sources(nx.complete_graph(10), 90)
    (None, 2)
    """
    nodes, edges = graph.number_of_nodes(), max(graph.number_of_edges(), 1)
    if nodes * edges <= budget:
        return None
    return max(1, min(nodes, budget // edges))


def highlights(
    tags: ContributionTags, top: int = 10, min_papers: int = 2, tensions: nx.Graph | None = None
) -> Highlights:
    """What the report says about the networks (see the module docstring).

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
    if tensions is not None:
        result.tensions, result.contested = tension_highlights(tensions, top)
    if graph.number_of_nodes() == 0:
        return result
    degree = dict(graph.degree(weight="weight"))
    result.hubs = sorted(degree.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    # Betweenness on distances 1/weight: strong ties are short paths.
    for _a, _b, data in graph.edges(data=True):
        data["distance"] = 1.0 / data["weight"]
    result.bridge_sources = betweenness_sources(graph)
    betweenness = nx.betweenness_centrality(
        graph, k=result.bridge_sources, weight="distance", normalized=True, seed=0
    )
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


def tension_highlights(
    graph: nx.Graph, top: int = 10
) -> tuple[list[Tension], list[tuple[str, str, int]]]:
    """The pairs in tension by papers, and the poles in tension with the most others.

    >>> g = nx.Graph()
    >>> g.add_node("v", kind="value"); g.add_node("s", kind="stakeholder")
    >>> g.add_node("d", kind="design goal"); g.add_edge("v", "s", weight=2)
    >>> g.add_edge("v", "d", weight=1)
    >>> pairs, contested = tension_highlights(g)
    >>> [(t.a, t.b, t.papers) for t in pairs], contested[0]
    ([('s', 'v', 2), ('d', 'v', 1)], ('v', 'value', 2))
    """
    kinds = nx.get_node_attributes(graph, "kind")
    pairs = []
    for a, b, data in graph.edges(data=True):
        first, second = sorted((a, b))
        pairs.append(Tension(first, kinds[first], second, kinds[second], data["weight"]))
    pairs.sort(key=lambda t: (-t.papers, t.a, t.b))
    contested = sorted(
        ((pole, kinds[pole], degree) for pole, degree in graph.degree()),
        key=lambda item: (-item[2], item[0]),
    )
    return pairs[:top], contested[:top]


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

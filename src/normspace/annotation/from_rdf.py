"""Read annotations back from RDF into the annotation model (the inverse of :mod:`to_rdf`).

RDF can say things the YAML format cannot (a second title, evidence for a term that is not
tagged, an annotation IRI that is not the one the format derives). Such triples are not
silently dropped: :func:`lost_triples` compares an annotation's triples with the RDF its
YAML rendering would produce, and the converter reports the difference.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import graph_diff, to_isomorphic
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF
from rdflib.term import Node

from ..errors import InputError
from ..namespaces import FABIO, NORM, PRISM, SCHEMA
from ..ontology import term_index
from . import identifiers
from .model import Annotation, Annotator, Assumption, Author, Evidence, Paper, TermUse, TradeOff
from .slots import DEFAULT_STANCE, NOTE, TAG_SLOTS, TRADE_OFF_SLOTS
from .to_rdf import to_graph


def _text(graph: Graph, node: Node, prop: URIRef) -> str | None:
    values = sorted(str(v) for v in graph.objects(node, prop))
    return values[0] if values else None


def _flag(graph: Graph, node: Node, prop: URIRef) -> bool | None:
    value = graph.value(node, prop)
    return bool(value.toPython()) if isinstance(value, Literal) else None


def _term_refs(graph: Graph, node: Node, prop: URIRef) -> list[TermUse]:
    return [TermUse(str(o)) for o in sorted(graph.objects(node, prop), key=str)]


def _identifier(normalise, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return normalise(value)
    except identifiers.IdentifierError as exc:
        raise InputError(f"cannot convert to YAML: {exc}") from exc


def read_paper(graph: Graph, node: Node) -> Paper:
    iri = str(node)
    doi = _text(graph, node, PRISM.doi)
    if doi is None and iri.startswith(identifiers.DOI_RESOLVER):
        doi = iri
    arxiv = _text(graph, node, NORM.arxivId)
    if arxiv is None and iri.startswith(identifiers.ARXIV_ABS):
        arxiv = iri
    authors = []
    for person in graph.objects(node, SCHEMA.author):
        position = graph.value(person, SCHEMA.position)
        name = _text(graph, person, SCHEMA.name)
        if name is not None:
            rank = int(position) if isinstance(position, Literal) else 1 << 30
            authors.append((rank, name))
    year = graph.value(node, FABIO.hasPublicationYear)
    return Paper(
        title=_text(graph, node, DCTERMS.title),
        authors=[Author(name) for _, name in sorted(authors)],
        authors_incomplete=_flag(graph, node, NORM.authorListIncomplete),
        year=int(str(year)[:4]) if year is not None and str(year)[:4].isdigit() else None,
        venue=_text(graph, node, PRISM.publicationName),
        doi=_identifier(identifiers.normalise_doi, doi),
        arxiv=_identifier(identifiers.normalise_arxiv, arxiv),
    )


def read_annotator(graph: Graph, node: Node) -> Annotator:
    agent = graph.value(node, PROV.wasAttributedTo)
    if agent is None:
        return Annotator()
    orcid = None
    if isinstance(agent, URIRef) and "orcid.org/" in str(agent):
        orcid = _identifier(identifiers.normalise_orcid, str(agent))
    return Annotator(name=_text(graph, agent, FOAF.name), orcid=orcid)


def read_evidence(graph: Graph, nodes: Iterable[Node]) -> list[Evidence]:
    found = [
        Evidence(_text(graph, ev, NORM.quote), _text(graph, ev, NORM.location)) for ev in nodes
    ]
    return sorted(found, key=lambda e: (e.location or "", e.quote or ""))


def read_tags(graph: Graph, node: Node) -> dict[str, list[TermUse]]:
    """Tags per slot; evidence nodes are attached to the first slot that holds their term."""
    tags = {slot.key: _term_refs(graph, node, slot.prop) for slot in TAG_SLOTS}
    groups: dict[tuple[str, Decimal | None], list[Node]] = {}
    for ev in graph.objects(node, NORM.hasEvidence):
        term = graph.value(ev, NORM.supportsTerm)
        if term is None:
            continue
        confidence = graph.value(ev, NORM.confidence)
        conf = confidence.toPython() if isinstance(confidence, Literal) else None
        groups.setdefault((str(term), conf), []).append(ev)
    for (term, conf), evs in sorted(groups.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        evidence = [e for e in read_evidence(graph, evs) if e.quote or e.location]
        use = TermUse(term, float(conf) if conf is not None else None, evidence)
        slot = _slot_of(tags, term)
        plain = [
            u for u in tags[slot] if u.term == term and u.confidence is None and not u.evidence
        ]
        if plain:
            tags[slot][tags[slot].index(plain[0])] = use
        else:
            tags[slot].append(use)
    return {key: uses for key, uses in tags.items() if uses}


def _slot_of(tags: dict[str, list[TermUse]], term: str) -> str:
    for slot in TAG_SLOTS:
        if any(u.term == term for u in tags[slot.key]):
            return slot.key
    found = term_index().find(term)
    for slot in TAG_SLOTS:
        if found is not None and str(slot.scheme) == found.scheme:
            return slot.key
    return TAG_SLOTS[0].key


def read_trade_off(graph: Graph, node: Node) -> TradeOff:
    return TradeOff(
        terms={slot.key: _term_refs(graph, node, slot.prop) for slot in TRADE_OFF_SLOTS},
        description=_text(graph, node, DCTERMS.description),
        evidence=read_evidence(graph, graph.objects(node, NORM.hasEvidence)),
    )


def read_assumption(graph: Graph, node: Node) -> Assumption:
    attribution = _term_refs(graph, node, NORM.attribution)
    stances = [s for s in _term_refs(graph, node, NORM.stance) if s.term != str(DEFAULT_STANCE)]
    return Assumption(
        statement=_text(graph, node, NORM.statement),
        types=_term_refs(graph, node, NORM.assumptionType),
        stance=stances[0] if stances else None,
        attribution=attribution[0] if attribution else None,
        evidence=read_evidence(graph, graph.objects(node, NORM.hasEvidence)),
    )


def _sort_key(item: TradeOff | Assumption) -> tuple[str, ...]:
    if isinstance(item, TradeOff):
        values = [u.term for u in item.terms.get("values", [])]
        return (item.description or "", *values)
    return (item.statement or "", *(u.term for u in item.types))


def read_annotation(graph: Graph, node: Node) -> Annotation:
    paper = graph.value(node, NORM.annotates)
    if paper is None:
        raise InputError(f"cannot convert to YAML: annotation <{node}> has no norm:annotates")
    created = graph.value(node, DCTERMS.created)
    date = created.toPython() if isinstance(created, Literal) else None
    return Annotation(
        paper=read_paper(graph, paper),
        annotator=read_annotator(graph, node),
        date=date if isinstance(date, dt.date) else None,
        proposes_no_approach=_flag(graph, node, NORM.proposesNoApproach),
        note=_text(graph, node, NOTE),
        tags=read_tags(graph, node),
        trade_offs=sorted(
            (read_trade_off(graph, t) for t in graph.objects(node, NORM.hasTradeOff)),
            key=_sort_key,
        ),
        assumptions=sorted(
            (read_assumption(graph, a) for a in graph.objects(node, NORM.hasAssumption)),
            key=_sort_key,
        ),
    )


def annotation_nodes(graph: Graph) -> list[Node]:
    return sorted(graph.subjects(RDF.type, NORM.PaperAnnotation), key=str)


def read_annotations(graph: Graph) -> list[tuple[Node, Annotation]]:
    """Every norm:PaperAnnotation in ``graph``, in IRI order."""
    return [(node, read_annotation(graph, node)) for node in annotation_nodes(graph)]


def annotation_subgraph(graph: Graph, node: Node) -> Graph:
    """The triples describing one annotation: its own, its paper's and its annotator's,
    following blank nodes."""
    sub = Graph()
    starts: list[Node] = [node]
    starts += list(graph.objects(node, NORM.annotates))
    starts += [a for a in graph.objects(node, PROV.wasAttributedTo) if isinstance(a, URIRef)]
    seen: set[Node] = set()
    while starts:
        subject = starts.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for _, p, o in graph.triples((subject, None, None)):
            sub.add((subject, p, o))
            if isinstance(o, BNode):
                starts.append(o)
    return sub


def lost_triples(graph: Graph, node: Node, annotation: Annotation) -> list[tuple]:
    """Triples about the annotation in ``graph`` that its YAML form does not reproduce."""
    original = to_isomorphic(annotation_subgraph(graph, node))
    regenerated = to_isomorphic(to_graph(annotation))
    _, only_original, _ = graph_diff(original, regenerated)
    return sorted(only_original, key=lambda t: tuple(str(x) for x in t))

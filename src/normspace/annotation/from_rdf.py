"""Read annotations back from RDF into the annotation model (the inverse of :mod:`to_rdf`).

RDF can say things the YAML format cannot (a second title, evidence for a term that is not
tagged, a contribution IRI that is not the annotation IRI + ``/contribution/<id>``). Such
triples are not silently dropped: :func:`lost_triples` compares an annotation's triples with
the RDF its YAML rendering would produce, and the converter reports the difference.

RDF has no order, so every list is put in a fixed order (a numeric contribution id at its
position, see :func:`order_by_id`; terms by IRI, requests by label, blank-node items by their
content): converting the same graph twice gives the same YAML. Format-1 RDF (tags on the
annotation itself) is first turned into format 2 with :func:`upgrade_format1` (as `convert` does).

Term requests (``norm:TermRequest`` blank nodes) are read wherever a term can stand; their
``norm:intendedScheme`` is not read (the YAML derives it from the slot), so when it is not the
scheme of the slot the request stands in, the YAML cannot hold it and :func:`lost_triples`
names the triple.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import graph_diff, to_isomorphic
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from ..errors import InputError
from ..namespaces import FABIO, NORM, PRISM, SCHEMA
from . import identifiers
from .model import (
    CONTRIBUTION_ID,
    CONTRIBUTION_PATH,
    Annotation,
    Annotator,
    Assumption,
    Author,
    ContestationSetting,
    Contribution,
    Evidence,
    Finding,
    Paper,
    Resource,
    Study,
    StudySample,
    TermRequest,
    TermUse,
    TradeOff,
)
from .slots import (
    CONTRIBUTION_SLOTS,
    DEFAULT_STANCE,
    NOTE,
    PAPER_SLOTS,
    RESOURCE_SLOTS,
    TRADE_OFF_SLOTS,
    TermSlot,
)
from .to_rdf import to_graph


def _text(graph: Graph, node: Node, prop: URIRef) -> str | None:
    values = sorted(str(v) for v in graph.objects(node, prop))
    return values[0] if values else None


def _first(graph: Graph, node: Node, prop: URIRef) -> Node | None:
    """One value of ``prop``, the same whichever order the store returns them in."""
    values = sorted(graph.objects(node, prop), key=lambda v: (str(v), v.n3()))
    return values[0] if values else None


def _flag(graph: Graph, node: Node, prop: URIRef) -> bool | None:
    value = _first(graph, node, prop)
    return bool(value.toPython()) if isinstance(value, Literal) else None


def _identifier(normalise: Callable[[str], str], value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return normalise(value)
    except identifiers.IdentifierError as exc:
        raise InputError(f"cannot convert to YAML: {exc}") from exc


def _use_key(use: TermUse | None) -> str:
    """A sort key for a term or request (requests by label, after the terms)."""
    if use is None:
        return ""
    if use.term is not None:
        return use.term
    return "~" + (use.request.label or "" if use.request else "")


# -- terms and term requests ---------------------------------------------------------------


def read_request(graph: Graph, node: Node) -> TermRequest:
    """A term request without its scheme: the YAML derives the scheme from the slot the
    request stands in, so a ``norm:intendedScheme`` that is not the slot's is lost."""
    broader = _first(graph, node, NORM.proposedBroader)
    return TermRequest(
        label=_text(graph, node, RDFS.label),
        definition=_text(graph, node, SKOS.definition),
        broader=str(broader) if broader is not None else None,
        source=_text(graph, node, DCTERMS.source),
    )


def is_request(graph: Graph, node: Node) -> bool:
    return isinstance(node, BNode) and (node, RDF.type, NORM.TermRequest) in graph


def read_ref(graph: Graph, node: Node) -> TermUse:
    """A term IRI, or the term request a blank node describes."""
    if is_request(graph, node):
        return TermUse(request=read_request(graph, node))
    return TermUse(str(node))


def _refs(graph: Graph, node: Node, prop: URIRef) -> list[TermUse]:
    """Every value of ``prop``: terms in IRI order, then requests by label."""
    return sorted((read_ref(graph, o) for o in graph.objects(node, prop)), key=_use_key)


def _nodes_and_refs(graph: Graph, node: Node, prop: URIRef) -> list[tuple[Node, TermUse]]:
    pairs = [(o, read_ref(graph, o)) for o in graph.objects(node, prop)]
    return sorted(pairs, key=lambda pair: _use_key(pair[1]))


def _one(graph: Graph, node: Node, prop: URIRef) -> TermUse | None:
    refs = _refs(graph, node, prop)
    return refs[0] if refs else None


# -- paper and annotator -------------------------------------------------------------------


def _position(graph: Graph, node: Node) -> int:
    """A node's ``schema:position`` (authors, priority ranks); nodes without one sort last."""
    position = _first(graph, node, SCHEMA.position)
    return int(position) if isinstance(position, Literal) else 1 << 30


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
        name = _text(graph, person, SCHEMA.name)
        if name is not None:
            authors.append((_position(graph, person), name))
    year = _first(graph, node, FABIO.hasPublicationYear)
    return Paper(
        title=_text(graph, node, DCTERMS.title),
        authors=[Author(name) for _, name in sorted(set(authors))],  # merged graphs repeat them
        authors_incomplete=_flag(graph, node, NORM.authorListIncomplete),
        year=int(str(year)[:4]) if year is not None and str(year)[:4].isdigit() else None,
        venue=_text(graph, node, PRISM.publicationName),
        doi=_identifier(identifiers.normalise_doi, doi),
        arxiv=_identifier(identifiers.normalise_arxiv, arxiv),
        metadata_source=sorted(str(v) for v in graph.objects(node, NORM.metadataSource)),
    )


def read_annotator(graph: Graph, node: Node) -> Annotator:
    agent = _first(graph, node, PROV.wasAttributedTo)
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


def _evidence_of(graph: Graph, node: Node) -> list[Evidence]:
    return read_evidence(graph, graph.objects(node, NORM.hasEvidence))


# -- tags ------------------------------------------------------------------------------------


def read_tags(
    graph: Graph, node: Node, slots: Iterable[TermSlot]
) -> tuple[dict[str, list[TermUse]], dict[Node, TermUse]]:
    """Tags per slot, with the evidence (``norm:hasEvidence`` on ``node``) that names them.

    Evidence is grouped by the term (or request node) it supports and its confidence; each
    group becomes one tag item, attached to the first slot that holds the term. Evidence for
    a term no slot holds has no place in the YAML and is left to :func:`lost_triples`.
    Returns the tags and, per value node, its tag item (for contestation settings).
    """
    slots = tuple(slots)
    tags: dict[str, list[TermUse]] = {}
    by_node: dict[Node, TermUse] = {}
    all_uses: dict[Node, list[TermUse]] = {}
    for slot in slots:
        uses = []
        for value, use in _nodes_and_refs(graph, node, slot.prop):
            by_node.setdefault(value, use)
            all_uses.setdefault(value, []).append(use)
            uses.append(use)
        tags[slot.key] = uses
    groups: dict[tuple[Node, Decimal | None], list[Node]] = {}
    for ev in graph.objects(node, NORM.hasEvidence):
        supported = _first(graph, ev, NORM.supportsTerm)
        if supported is None or supported not in by_node:
            continue
        confidence = _first(graph, ev, NORM.confidence)
        conf = confidence.toPython() if isinstance(confidence, Literal) else None
        groups.setdefault((supported, conf), []).append(ev)
    for (supported, conf), evs in sorted(
        groups.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))
    ):
        use = by_node[supported]
        found = read_evidence(graph, evs)
        evidence = [e for e in found if e.quote or e.location]
        bare = len(found) - len(evidence)
        _confidence_for_other_slots(all_uses[supported], use, conf, bare, bool(evidence))
        if use.confidence is None and not use.evidence:
            use.confidence = float(conf) if conf is not None else None
            use.evidence = evidence
            continue
        confidence = float(conf) if conf is not None else None
        extra = TermUse(use.term, confidence, evidence, request=use.request)
        slot = next(s for s in slots if any(u is use for u in tags[s.key]))
        tags[slot.key].append(extra)
    return {key: uses for key, uses in tags.items() if uses}, by_node


def _confidence_for_other_slots(
    uses: list[TermUse], first: TermUse, conf: Decimal | None, bare: int, quoted: bool
) -> None:
    """A term tagged in two slots of one contribution (a group that is both affected and
    heard) with a confidence but no evidence in the second: its ``bare`` confidence nodes
    (confidence, no quote or location) are the other slots'. Each bare node beyond the one
    the first slot takes (if it has no quoted evidence) gives its confidence to the next
    such use, so the confidence is not lost on the way back to YAML."""
    if conf is None:
        return
    spare = bare if quoted or first.confidence is not None else bare - 1
    others = [u for u in uses if u is not first and u.confidence is None and not u.evidence]
    for other in others[: max(spare, 0)]:
        other.confidence = float(conf)


# -- contribution parts ----------------------------------------------------------------------


def read_setting(graph: Graph, node: Node) -> ContestationSetting:
    return ContestationSetting(
        stage=_one(graph, node, NORM.atStage),
        contestable_by=_refs(graph, node, NORM.contestableBy),
    )


def read_trade_off(graph: Graph, node: Node) -> TradeOff:
    ranks = []
    for rank in graph.objects(node, NORM.hasPriority):
        pole = _first(graph, rank, NORM.priorityOf)
        if pole is not None:
            ref = read_ref(graph, pole)
            ranks.append((_position(graph, rank), _use_key(ref), ref))
    return TradeOff(
        terms={slot.key: _refs(graph, node, slot.prop) for slot in TRADE_OFF_SLOTS},
        priority=[use for _, _, use in sorted(ranks, key=lambda r: r[:2])],
        description=_text(graph, node, DCTERMS.description),
        evidence=_evidence_of(graph, node),
    )


def _decimal(value: Node | None) -> Decimal | None:
    """A number from its lexical form (``85.0`` stays ``85.0``, unlike via float)."""
    if not isinstance(value, Literal):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def read_finding(graph: Graph, node: Node) -> Finding:
    return Finding(
        measure=_one(graph, node, NORM.measures),
        value=_decimal(_first(graph, node, SCHEMA.value)),
        unit=_text(graph, node, SCHEMA.unitText),
        result=_text(graph, node, NORM.resultText),
        baseline=_one(graph, node, NORM.comparedWith),
        baseline_text=_text(graph, node, NORM.baselineDescription),
        direction=_one(graph, node, NORM.direction),
        population=_text(graph, node, NORM.population),
        evidence=_evidence_of(graph, node),
    )


def read_sample(graph: Graph, node: Node) -> StudySample:
    size = _first(graph, node, NORM.sampleSize)
    number = size.toPython() if isinstance(size, Literal) else None
    return StudySample(
        size=number if isinstance(number, int) else None,
        approximate=_flag(graph, node, NORM.approximateSize) or None,
        population=_text(graph, node, NORM.population),
    )


def read_resource(graph: Graph, node: Node) -> Resource:
    return Resource(
        name=_text(graph, node, SCHEMA.name),
        doi=_text(graph, node, PRISM.doi),
        url=_text(graph, node, SCHEMA.url),
        identifier=_text(graph, node, SCHEMA.identifier),
    )


def read_study(graph: Graph, node: Node) -> Study:
    samples = [read_sample(graph, s) for s in graph.objects(node, NORM.hasSample)]
    resources = {}
    for slot in RESOURCE_SLOTS:
        found = [read_resource(graph, r) for r in graph.objects(node, slot.prop)]
        if found:
            resources[slot.key] = sorted(found, key=_resource_key)
    return Study(samples=sorted(samples, key=_sample_key), resources=resources)


def _sample_key(sample: StudySample) -> tuple[int, str]:
    return (sample.size if sample.size is not None else -1, sample.population or "")


def _resource_key(resource: Resource) -> tuple[str, ...]:
    return tuple(v or "" for v in (resource.name, resource.doi, resource.url, resource.identifier))


def _finding_key(finding: Finding) -> tuple[str, ...]:
    return (
        _use_key(finding.measure),
        str(finding.value) if finding.value is not None else "",
        finding.unit or "",
        finding.result or "",
        _use_key(finding.baseline),
        finding.baseline_text or "",
        finding.population or "",
    )


def _trade_off_key(item: TradeOff) -> tuple[str, ...]:
    poles = [_use_key(u) for slot in TRADE_OFF_SLOTS for u in item.terms.get(slot.key, [])]
    return (item.description or "", *poles)


def _assumption_key(item: Assumption) -> tuple[str, ...]:
    return (item.statement or "", *(_use_key(u) for u in item.types))


def contribution_id(annotation_iri: str, node: Node, position: int) -> str:
    """The id a contribution IRI encodes; a foreign IRI gets its position (and its triples
    are then reported as lost, since the YAML cannot name that IRI)."""
    prefix = annotation_iri + CONTRIBUTION_PATH
    text = str(node)
    if text.startswith(prefix) and CONTRIBUTION_ID.match(text[len(prefix) :]):
        return text[len(prefix) :]
    return str(position)


def order_by_id(ids: list[str]) -> list[str]:
    """Contribution ids in file order: a numeric id ``n`` (the default id of the n-th
    contribution) at position n, so that the YAML need not write it; the other ids
    alphabetically in the remaining places.

    >>> order_by_id(["2", "ccai"]), order_by_id(["1", "3", "b", "a"]), order_by_id(["7"])
    (['ccai', '2'], ['1', 'a', '3', 'b'], ['7'])
    """
    places: list[str | None] = [None] * len(ids)
    rest = []
    for item in sorted(ids, key=lambda i: (not i.isdigit(), int(i) if i.isdigit() else 0, i)):
        position = int(item) - 1 if item.isdigit() else -1
        if 0 <= position < len(ids) and places[position] is None:
            places[position] = item
        else:
            rest.append(item)
    fill = iter(rest)
    return [place if place is not None else next(fill) for place in places]


def read_contribution(graph: Graph, node: Node, contribution_id: str) -> Contribution:
    tags, by_node = read_tags(graph, node, CONTRIBUTION_SLOTS)
    for setting_node in sorted(graph.objects(node, NORM.hasContestationSetting), key=str):
        target = _first(graph, setting_node, NORM.settingFor)
        use = by_node.get(target) if target is not None else None
        mechanisms = tags.get("contestability", [])
        if use is not None and use.setting is None and any(u is use for u in mechanisms):
            use.setting = read_setting(graph, setting_node)
    none = [
        slot.key for slot in CONTRIBUTION_SLOTS if slot.absence and _flag(graph, node, slot.absence)
    ]
    return Contribution(
        id=contribution_id,
        roles=_refs(graph, node, NORM.hasRole),
        label=_text(graph, node, RDFS.label),
        description=_text(graph, node, DCTERMS.description),
        tags=tags,
        none=none,
        findings=sorted(
            (read_finding(graph, f) for f in graph.objects(node, NORM.hasFinding)),
            key=_finding_key,
        ),
        study=read_study(graph, node),
        trade_offs=sorted(
            (read_trade_off(graph, t) for t in graph.objects(node, NORM.hasTradeOff)),
            key=_trade_off_key,
        ),
    )


def read_contributions(graph: Graph, node: Node, annotation_iri: str) -> list[Contribution]:
    nodes = sorted(graph.objects(node, NORM.hasContribution), key=str)
    ids: dict[Node, str] = {}
    for position, contribution in enumerate(nodes, start=1):
        candidate = contribution_id(annotation_iri, contribution, position)
        while candidate in ids.values():  # a foreign IRI's stand-in id is taken
            candidate += "-x"
        ids[contribution] = candidate
    by_id = {contribution_id: c for c, contribution_id in ids.items()}
    return [read_contribution(graph, by_id[i], i) for i in order_by_id(list(by_id))]


# -- the annotation --------------------------------------------------------------------------


def read_assumption(graph: Graph, node: Node) -> Assumption:
    attribution = _refs(graph, node, NORM.attribution)
    stances = [s for s in _refs(graph, node, NORM.stance) if s.term != str(DEFAULT_STANCE)]
    return Assumption(
        statement=_text(graph, node, NORM.statement),
        types=_refs(graph, node, NORM.assumptionType),
        stance=stances[0] if stances else None,
        attribution=attribution[0] if attribution else None,
        evidence=_evidence_of(graph, node),
    )


def read_annotation(graph: Graph, node: Node) -> Annotation:
    paper_node = _first(graph, node, NORM.annotates)
    if paper_node is None:
        raise InputError(f"cannot convert to YAML: annotation <{node}> has no norm:annotates")
    created = _first(graph, node, DCTERMS.created)
    date = created.toPython() if isinstance(created, Literal) else None
    annotation = Annotation(
        paper=read_paper(graph, paper_node),
        annotator=read_annotator(graph, node),
        date=date if isinstance(date, dt.date) else None,
        note=_text(graph, node, NOTE),
        tags=read_tags(graph, node, PAPER_SLOTS)[0],
        assumptions=sorted(
            (read_assumption(graph, a) for a in graph.objects(node, NORM.hasAssumption)),
            key=_assumption_key,
        ),
    )
    annotation.contributions = read_contributions(graph, node, annotation.iri)
    return annotation


def annotation_nodes(graph: Graph) -> list[Node]:
    return sorted(graph.subjects(RDF.type, NORM.PaperAnnotation), key=str)


def read_annotations(graph: Graph) -> list[tuple[Node, Annotation]]:
    """Every norm:PaperAnnotation in ``graph``, in IRI order."""
    return [(node, read_annotation(graph, node)) for node in annotation_nodes(graph)]


#: Properties a format-1 annotation holds itself and a format-2 one holds in a contribution.
_FORMAT1_MOVED = frozenset({*(slot.prop for slot in CONTRIBUTION_SLOTS), NORM.hasTradeOff})


def upgrade_format1(graph: Graph) -> tuple[Graph, list[Node]]:
    """A copy of ``graph`` in which every format-1 annotation (tags and trade-offs on the
    annotation itself, no ``norm:hasContribution``) holds them in one contribution
    ``<annotation>/contribution/1`` instead, as reading its YAML would; also returns the
    annotations that were upgraded.

    This is the RDF counterpart of reading a version-1 file: Turtle or JSON-LD exported
    before format 2 converts to format-2 YAML, and :func:`lost_triples` compared with the
    upgraded graph reports only what the format cannot hold, not every moved triple.
    ``norm:proposesNoApproach`` becomes ``norm:noAlignmentApproach``; evidence moves with
    the contribution-level terms it supports.
    """
    upgraded_graph = Graph() + graph
    for prefix, namespace in graph.namespaces():
        upgraded_graph.bind(prefix, namespace, override=True)
    upgraded: list[Node] = []
    for node in annotation_nodes(graph):
        if (node, NORM.hasContribution, None) in graph:
            continue
        moved = [(p, o) for p, o in graph.predicate_objects(node) if p in _FORMAT1_MOVED]
        flag = _first(graph, node, NORM.proposesNoApproach)
        if not moved and flag is None:
            continue
        contribution = URIRef(f"{node}{CONTRIBUTION_PATH}1")
        upgraded_graph.add((node, NORM.hasContribution, contribution))
        upgraded_graph.add((contribution, RDF.type, NORM.Contribution))
        for p, o in moved:
            upgraded_graph.remove((node, p, o))
            upgraded_graph.add((contribution, p, o))
        if flag is not None:
            upgraded_graph.remove((node, NORM.proposesNoApproach, None))
            upgraded_graph.add((contribution, NORM.noAlignmentApproach, flag))
        paper_terms = {o for slot in PAPER_SLOTS for o in graph.objects(node, slot.prop)}
        moved_terms = {o for p, o in moved if p != NORM.hasTradeOff}
        for ev in graph.objects(node, NORM.hasEvidence):
            term = _first(graph, ev, NORM.supportsTerm)
            if term in moved_terms and term not in paper_terms:
                upgraded_graph.remove((node, NORM.hasEvidence, ev))
                upgraded_graph.add((contribution, NORM.hasEvidence, ev))
        upgraded.append(node)
    return upgraded_graph, upgraded


def annotation_subgraph(graph: Graph, node: Node) -> Graph:
    """The triples describing one annotation: its own, its paper's, its annotator's and its
    contributions', following blank nodes."""
    sub = Graph()
    starts: list[Node] = [node]
    starts += list(graph.objects(node, NORM.annotates))
    starts += [a for a in graph.objects(node, PROV.wasAttributedTo) if isinstance(a, URIRef)]
    starts += list(graph.objects(node, NORM.hasContribution))
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


def without_duplicate_leaves(graph: Graph) -> Graph:
    """``graph`` without blank nodes that repeat a sibling: same triples out (to no blank
    node) and same triples in. They say nothing the sibling does not (the graph means the
    same with one of them), yet they appear whenever two annotations of one paper are
    merged, each bringing the paper's author nodes."""
    lean = Graph() + graph
    seen: dict[tuple[frozenset, frozenset], Node] = {}
    for node in sorted({s for s in graph.subjects() if isinstance(s, BNode)}, key=str):
        outgoing = frozenset(graph.predicate_objects(node))
        if any(isinstance(o, BNode) for _, o in outgoing):
            continue
        key = (outgoing, frozenset(graph.subject_predicates(node)))
        if seen.setdefault(key, node) != node:
            lean.remove((node, None, None))
            lean.remove((None, None, node))
    return lean


def lost_triples(graph: Graph, node: Node, annotation: Annotation) -> list[tuple]:
    """Triples about the annotation in ``graph`` that its YAML form does not reproduce
    (repeated blank nodes aside, see :func:`without_duplicate_leaves`)."""
    original = to_isomorphic(without_duplicate_leaves(annotation_subgraph(graph, node)))
    regenerated = to_isomorphic(to_graph(annotation))
    _, only_original, _ = graph_diff(original, regenerated)
    return sorted(only_original, key=lambda t: tuple(str(x) for x in t))

"""Build the RDF of one annotation (spec of issue 8, section 2; docs/design.md, "Annotation
model"), keeping a record of which YAML field produced each node and triple so that SHACL
results can be reported at the line the annotator wrote.

The RDF depends only on the model, never on the format version the file was written in:
a version-1 file and its migrated version-2 form give isomorphic graphs (that is what makes
``normspace migrate`` provably lossless).

One builder, two outputs: :class:`RdfBuilder` says *what* the triples are and emits them
into a sink; :class:`GraphSink` builds an rdflib graph with origins (validation, SHACL
messages at YAML lines), :class:`NQuadsSink` writes N-Quads text directly (bulk loading:
no rdflib terms, no graph; about 5x faster), so both outputs have a single source of truth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import count
from typing import Any, Protocol

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD
from rdflib.plugins.serializers.nt import _quoteLiteral
from rdflib.term import Node

from ..namespaces import FABIO, NORM, PRISM, SCHEMA, bind_prefixes
from .model import (
    FIRST_FORMAT,
    Annotation,
    Assumption,
    ContestationSetting,
    Contribution,
    Evidence,
    Finding,
    Paper,
    Resource,
    Study,
    TermRequest,
    TermUse,
    TradeOff,
)
from .slots import (
    ANNOTATION,
    ANNOTATOR,
    ASSUMPTION,
    ASSUMPTION_ATTRIBUTION,
    ASSUMPTION_STANCE,
    ASSUMPTION_TYPE,
    AUTHOR,
    CONTESTABLE_BY,
    CONTRIBUTION,
    CONTRIBUTION_SLOTS,
    CONTRIBUTION_V1,
    DEFAULT_STANCE,
    EVIDENCE,
    FINDING,
    FINDING_BASELINE,
    FINDING_DIRECTION,
    FINDING_MEASURE,
    NOTE,
    PAPER,
    PAPER_SLOTS,
    PRIORITY_RANK,
    RESOURCE,
    RESOURCE_SLOTS,
    ROLE,
    SAMPLE,
    SETTING,
    STAGE,
    TERM_REQUEST,
    TRADE_OFF,
    TRADE_OFF_SLOTS,
    TermSlot,
)

Triple = tuple[Node, Node, Node]


@dataclass
class Origins:
    """Where each node and triple came from: node -> (kind, field), triple -> field."""

    nodes: dict[Node, tuple[str, str]] = field(default_factory=dict)
    triples: dict[Triple, str] = field(default_factory=dict)


#: characters an N-Quads IRI cannot hold (rdflib's graph takes them, a store refuses them)
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _is_url(source: str) -> bool:
    """An http(s) URL that can be an IRI (else the source is kept as citation text)."""
    return (
        source.startswith(("http://", "https://"))
        and not any(c.isspace() for c in source)
        and not _NOT_IN_IRI.search(source)
    )


#: a term as a sink makes it: an rdflib node (GraphSink) or its N-Quads text (NQuadsSink)
Term = Any


class Sink(Protocol):
    """Where :class:`RdfBuilder` puts terms and triples (see the module docstring)."""

    def iri(self, value: str) -> Term: ...

    def bnode(self) -> Term: ...

    def literal(self, value: Any, datatype: URIRef | None = None) -> Term:
        """The term ``rdflib.Literal(value, datatype=datatype)`` would be."""
        ...

    def node(self, node: Term, kind: str, where: str) -> None: ...

    def add(self, s: Term, p: URIRef, o: Term, where: str) -> None: ...


class GraphSink:
    """Builds the rdflib graph and the origins of every node and triple."""

    def __init__(self) -> None:
        self.graph = bind_prefixes(Graph())
        self.origins = Origins()

    iri = staticmethod(URIRef)
    bnode = staticmethod(BNode)

    @staticmethod
    def literal(value: Any, datatype: URIRef | None = None) -> Literal:
        return Literal(value, datatype=datatype)

    def node(self, node: Node, kind: str, where: str) -> None:
        self.origins.nodes.setdefault(node, (kind, where))

    def add(self, s: Node, p: URIRef, o: Node, where: str) -> None:
        self.graph.add((s, p, o))
        self.origins.triples.setdefault((s, p, o), where)


#: N-Quads text of typed literals by (type, text, datatype): booleans, positions, years,
#: dates and decimals repeat across files; the type keeps ``True`` apart from ``1``
_TYPED: dict[tuple[type, str, str | None], str] = {}
#: N-Quads text of IRIs (vocabulary, terms, papers)
_IRIS: dict[str, str] = {}
#: what a blank-node prefix may be (N-Quads BLANK_NODE_LABEL, kept to ASCII)
_BNODE_PREFIX = re.compile(r"[A-Za-z0-9_]*")
#: entries a cache may hold before it starts again (bounded memory at 100k files)
_CACHE_LIMIT = 50_000


def _nq_iri(value: str) -> str:
    found = _IRIS.get(value)
    if found is None:
        bad = _NOT_IN_IRI.search(value)
        if bad:
            raise ValueError(
                f"`{value}` cannot be an IRI: it contains {bad.group()!r} (escape it as "
                f"%{ord(bad.group()):02X}, or give the text without `http(s)://`)"
            )
        if len(_IRIS) >= _CACHE_LIMIT:  # one-off IRIs (papers) must not grow it without end
            _IRIS.clear()
        found = _IRIS[value] = f"<{value}>"
    return found


def _nq_string(value: str) -> str:
    """A plain string literal, escaped exactly as rdflib's N-Triples serialiser does."""
    escaped = value.replace("\\", "\\\\").replace("\n", "\\n")
    return '"' + escaped.replace('"', '\\"').replace("\r", "\\r") + '"'


class NQuadsSink:
    """Writes the triples as N-Quads lines in one named graph, without rdflib terms.

    Terms are their N-Quads text (plain ``str``); vocabulary constants arrive as rdflib
    ``URIRef`` and are turned into text here. Blank nodes are ``_:{prefix}{n}``, so that
    the files of a corpus can share one N-Quads stream when each has its own prefix.
    """

    def __init__(self, graph_iri: str, bnode_prefix: str) -> None:
        if not _BNODE_PREFIX.fullmatch(bnode_prefix):
            raise ValueError(
                f"blank-node prefix {bnode_prefix!r}: use letters, digits and `_` "
                "(e.g. `f12x`), so that `_:{prefix}{n}` is an N-Quads label"
            )
        self.end = f" {_nq_iri(graph_iri)} .\n"  # the graph term and the full stop of a line
        self.prefix = "_:" + bnode_prefix
        self.counter = count()
        self.lines: dict[str, None] = {}  # ordered, and a triple emitted twice is one line

    def iri(self, value: str) -> str:
        return _nq_iri(value)

    def bnode(self) -> str:
        return f"{self.prefix}{next(self.counter)}"

    def literal(self, value: Any, datatype: URIRef | None = None) -> str:
        if datatype is None and isinstance(value, str):
            return _nq_string(value)
        key = (type(value), str(value), datatype)
        found = _TYPED.get(key)
        if found is None:
            if len(_TYPED) >= _CACHE_LIMIT:  # finding values and dates can be one-offs
                _TYPED.clear()
            found = _TYPED[key] = _quoteLiteral(Literal(value, datatype=datatype))
        return found

    def node(self, node: str, kind: str, where: str) -> None:
        """Origins are kept by :class:`GraphSink` only."""

    def add(self, s: str, p: URIRef, o: str, where: str) -> None:
        if type(o) is not str:
            o = _nq_iri(o)
        self.lines[f"{s} {_nq_iri(p)} {o}{self.end}"] = None

    def text(self) -> str:
        return "".join(self.lines)


class RdfBuilder:
    """The RDF shape of an annotation: which triples each part of the model gives."""

    def __init__(self, sink: Sink | None = None) -> None:
        self.out: Sink = sink if sink is not None else GraphSink()

    @property
    def graph(self) -> Graph:
        return self.out.graph  # type: ignore[attr-defined]  (GraphSink only)

    @property
    def origins(self) -> Origins:
        return self.out.origins  # type: ignore[attr-defined]  (GraphSink only)

    def node(self, node: Term, kind: str, where: str, rdf_type: URIRef | None = None) -> Term:
        self.out.node(node, kind, where)
        if rdf_type is not None:
            self.out.add(node, RDF.type, rdf_type, where)
        return node

    def add(self, s: Term, p: URIRef, o: Term | None, where: str) -> None:
        if o is not None:
            self.out.add(s, p, o, where)

    def text(self, value: str | None) -> Term | None:
        return self.out.literal(value) if value is not None else None

    def iri(self, value: str | None) -> Term | None:
        return self.out.iri(value) if value else None

    def decimal(self, value: float | Decimal) -> Term:
        """A finding value or confidence as an xsd:decimal (via its text, so ``0.70`` is not
        turned into the nearest binary float)."""
        return self.out.literal(Decimal(str(value)), XSD.decimal)

    def source(self, source: str) -> Term:
        """A term request's source: an IRI for an http(s) URL, else the citation text."""
        return self.out.iri(source) if _is_url(source) else self.out.literal(source)

    # -- paper -----------------------------------------------------------------------------

    def paper(self, paper: Paper) -> Term:
        node = self.out.iri(paper.iri)
        self.node(node, PAPER, "paper", NORM.Paper)
        self.add(node, DCTERMS.title, self.text(paper.title), "paper.title")
        for position, author in enumerate(paper.authors, start=1):
            person = self.node(self.out.bnode(), AUTHOR, author.field, SCHEMA.Person)
            self.add(node, SCHEMA.author, person, author.field)
            self.add(person, SCHEMA.name, self.out.literal(author.name), author.field)
            self.add(person, SCHEMA.position, self.out.literal(position), author.field)
        if paper.authors_incomplete:
            where = "paper.authors_incomplete"
            self.add(node, NORM.authorListIncomplete, self.out.literal(True), where)
        if paper.year is not None:
            year = self.out.literal(f"{paper.year:04d}", XSD.gYear)
            self.add(node, FABIO.hasPublicationYear, year, "paper.year")
        self.add(node, PRISM.publicationName, self.text(paper.venue), "paper.venue")
        self.add(node, PRISM.doi, self.text(paper.doi), "paper.doi")
        self.add(node, NORM.arxivId, self.text(paper.arxiv), "paper.arxiv")
        for i, url in enumerate(paper.metadata_source):
            field = "paper.metadata_source" + (f"[{i}]" if len(paper.metadata_source) > 1 else "")
            self.add(node, NORM.metadataSource, self.out.iri(url), field)
        return node

    # -- annotation ------------------------------------------------------------------------

    def annotation(self, annotation: Annotation) -> Term:
        paper = self.paper(annotation.paper)
        node = self.out.iri(annotation.iri)
        self.node(node, ANNOTATION, "", NORM.PaperAnnotation)
        self.add(node, NORM.annotates, paper, "paper")
        self.annotator(node, annotation)
        if annotation.date is not None:
            date = self.out.literal(annotation.date.isoformat(), XSD.date)
            self.add(node, DCTERMS.created, date, "annotation.date")
        self.add(node, NOTE, self.text(annotation.note), "annotation.note")
        for slot in PAPER_SLOTS:
            for use in annotation.tags.get(slot.key, []):
                self.tag(node, slot.prop, use, str(slot.scheme))
        kind = CONTRIBUTION_V1 if annotation.format_version == FIRST_FORMAT else CONTRIBUTION
        for contribution in annotation.contributions:
            iri = self.out.iri(annotation.contribution_iri(contribution))
            self.add(node, NORM.hasContribution, iri, contribution.field or "tags")
            self.contribution(iri, contribution, kind)
        for assumption in annotation.assumptions:
            self.add(node, NORM.hasAssumption, self.assumption(assumption), assumption.field)
        return node

    def annotator(self, node: Term, annotation: Annotation) -> None:
        annotator = annotation.annotator
        if annotator.name is None and annotator.orcid is None:
            return
        where = "annotation.annotator"
        agent = self.out.iri(annotator.iri) if annotator.iri else self.out.bnode()
        self.node(agent, ANNOTATOR, where, NORM.Annotator)
        self.add(node, PROV.wasAttributedTo, agent, where)
        self.add(agent, FOAF.name, self.text(annotator.name), where + ".name")

    # -- contributions ---------------------------------------------------------------------

    def contribution(self, node: Term, contribution: Contribution, kind: str) -> None:
        where = contribution.field
        self.node(node, kind, where, NORM.Contribution)
        prefix = (where + ".") if where else ""
        self.terms(node, ROLE, contribution.roles)
        self.add(node, RDFS.label, self.text(contribution.label), prefix + "label")
        self.add(
            node, DCTERMS.description, self.text(contribution.description), prefix + "description"
        )
        for slot in CONTRIBUTION_SLOTS:
            for use in contribution.tags.get(slot.key, []):
                term = self.tag(node, slot.prop, use, str(slot.scheme))
                if use.setting is not None:
                    self.setting(node, term, use.setting)
        for index, key in enumerate(contribution.none):
            slot = next(s for s in CONTRIBUTION_SLOTS if s.key == key)
            assert slot.absence is not None  # the reader only accepts keys with one
            # a version-1 file declares its one absence in annotation.proposes_no_approach
            none_field = f"{prefix}none[{index}]" if where else "annotation.proposes_no_approach"
            self.add(node, slot.absence, self.out.literal(True), none_field)
        for finding in contribution.findings:
            self.add(node, NORM.hasFinding, self.finding(finding), finding.field)
        self.study(node, contribution.study)
        for trade_off in contribution.trade_offs:
            self.add(node, NORM.hasTradeOff, self.trade_off(trade_off), trade_off.field)

    def setting(self, node: Term, term: Term, setting: ContestationSetting) -> None:
        """The paper's own stage and contestants for one contestability mechanism."""
        bnode = self.node(self.out.bnode(), SETTING, setting.field, NORM.ContestationSetting)
        self.add(node, NORM.hasContestationSetting, bnode, setting.field)
        self.add(bnode, NORM.settingFor, term, setting.field)
        if setting.stage is not None:
            self.terms(bnode, STAGE, [setting.stage])
        self.terms(bnode, CONTESTABLE_BY, setting.contestable_by)

    def finding(self, finding: Finding) -> Term:
        node = self.out.bnode()
        where = finding.field
        self.node(node, FINDING, where, NORM.Finding)
        if finding.measure is not None:
            self.terms(node, FINDING_MEASURE, [finding.measure])
        if finding.value is not None:
            self.add(node, SCHEMA.value, self.decimal(finding.value), where + ".value")
        self.add(node, SCHEMA.unitText, self.text(finding.unit), where + ".unit")
        self.add(node, NORM.resultText, self.text(finding.result), where + ".result")
        if finding.baseline is not None:
            self.terms(node, FINDING_BASELINE, [finding.baseline])
        baseline = self.text(finding.baseline_text)
        self.add(node, NORM.baselineDescription, baseline, where + ".baseline")
        if finding.direction is not None:
            self.terms(node, FINDING_DIRECTION, [finding.direction])
        self.add(node, NORM.population, self.text(finding.population), where + ".population")
        for evidence in finding.evidence:
            self.add(node, NORM.hasEvidence, self.evidence(evidence), evidence.field)
        return node

    def study(self, node: Term, study: Study) -> None:
        for sample in study.samples:
            bnode = self.node(self.out.bnode(), SAMPLE, sample.field, NORM.StudySample)
            self.add(node, NORM.hasSample, bnode, sample.field)
            if sample.size is not None:
                size = self.out.literal(sample.size, XSD.nonNegativeInteger)
                self.add(bnode, NORM.sampleSize, size, sample.field + ".size")
            if sample.approximate:
                where = sample.field + ".approximate"
                self.add(bnode, NORM.approximateSize, self.out.literal(True), where)
            population = self.text(sample.population)
            self.add(bnode, NORM.population, population, sample.field + ".population")
        for slot in RESOURCE_SLOTS:
            for resource in study.resources.get(slot.key, []):
                self.add(node, slot.prop, self.resource(resource, slot.rdf_type), resource.field)

    def resource(self, resource: Resource, rdf_type: URIRef) -> Term:
        node = self.out.bnode()
        where = resource.field
        self.node(node, RESOURCE, where, rdf_type)
        self.add(node, SCHEMA.name, self.text(resource.name), where + ".name")
        self.add(node, PRISM.doi, self.text(resource.doi), where + ".doi")
        url = self.iri(resource.url)
        self.add(node, SCHEMA.url, url, where + ".url")
        self.add(node, SCHEMA.identifier, self.text(resource.identifier), where + ".identifier")
        return node

    # -- terms, requests and evidence ------------------------------------------------------

    def term_node(self, use: TermUse, scheme: str) -> Term:
        """The object of a slot property: the term, or a new node for a term request (a
        request made without a scheme, e.g. built by hand, takes the slot's scheme)."""
        if use.term is not None:
            return self.out.iri(use.term)
        assert use.request is not None, f"{use.field}: a term use without term or request"
        return self.request(use.request, scheme)

    def request(self, request: TermRequest, scheme: str) -> Term:
        node = self.out.bnode()
        where = request.field
        self.node(node, TERM_REQUEST, where, NORM.TermRequest)
        self.add(node, RDFS.label, self.text(request.label), where + ".label")
        self.add(node, SKOS.definition, self.text(request.definition), where + ".definition")
        self.add(node, NORM.intendedScheme, self.out.iri(request.scheme or scheme), where)
        broader = self.iri(request.broader)
        self.add(node, NORM.proposedBroader, broader, where + ".broader")
        source = self.source(request.source) if request.source else None
        self.add(node, DCTERMS.source, source, where + ".source")
        return node

    def tag(self, node: Term, prop: URIRef, use: TermUse, scheme: str) -> Term:
        term = self.term_node(use, scheme)
        self.add(node, prop, term, use.field)
        if use.confidence is None and not use.evidence:
            return term
        for evidence in use.evidence or [Evidence(field=use.field)]:
            ev = self.evidence(evidence)
            self.add(node, NORM.hasEvidence, ev, evidence.field)
            self.add(ev, NORM.supportsTerm, term, use.field + ".term")
            if use.confidence is not None:
                confidence = self.decimal(use.confidence)
                self.add(ev, NORM.confidence, confidence, use.field + ".confidence")
        return term

    def evidence(self, evidence: Evidence) -> Term:
        ev = self.out.bnode()
        self.node(ev, EVIDENCE, evidence.field, NORM.Evidence)
        self.add(ev, NORM.quote, self.text(evidence.quote), evidence.field + ".quote")
        self.add(ev, NORM.location, self.text(evidence.location), evidence.field + ".location")
        return ev

    def terms(self, node: Term, slot: TermSlot, uses: list[TermUse]) -> None:
        for use in uses:
            self.add(node, slot.prop, self.term_node(use, str(slot.scheme)), use.field)

    # -- n-ary nodes -----------------------------------------------------------------------

    def trade_off(self, trade_off: TradeOff) -> Term:
        node = self.out.bnode()
        self.node(node, TRADE_OFF, trade_off.field, NORM.TradeOff)
        for slot in TRADE_OFF_SLOTS:
            self.terms(node, slot, trade_off.terms.get(slot.key, []))
        for position, use in enumerate(trade_off.priority, start=1):
            rank = self.node(self.out.bnode(), PRIORITY_RANK, use.field, NORM.PriorityRank)
            self.add(node, NORM.hasPriority, rank, use.field)
            self.add(rank, NORM.priorityOf, self.out.iri(str(use.term)), use.field)
            self.add(rank, SCHEMA.position, self.out.literal(position, XSD.integer), use.field)
        where = trade_off.field + ".description"
        self.add(node, DCTERMS.description, self.text(trade_off.description), where)
        for evidence in trade_off.evidence:
            self.add(node, NORM.hasEvidence, self.evidence(evidence), evidence.field)
        return node

    def assumption(self, assumption: Assumption) -> Term:
        node = self.out.bnode()
        self.node(node, ASSUMPTION, assumption.field, NORM.NormativeAssumption)
        where = assumption.field + ".statement"
        self.add(node, NORM.statement, self.text(assumption.statement), where)
        self.terms(node, ASSUMPTION_TYPE, assumption.types)
        stance = assumption.stance or TermUse(str(DEFAULT_STANCE), field=assumption.field)
        self.terms(node, ASSUMPTION_STANCE, [stance])
        if assumption.attribution is not None:
            self.terms(node, ASSUMPTION_ATTRIBUTION, [assumption.attribution])
        for evidence in assumption.evidence:
            self.add(node, NORM.hasEvidence, self.evidence(evidence), evidence.field)
        return node


def annotation_graph(annotation: Annotation) -> tuple[Graph, Origins]:
    """The triples of one annotation (paper metadata included) and their origins."""
    sink = GraphSink()
    RdfBuilder(sink).annotation(annotation)
    return sink.graph, sink.origins


def annotation_nquads(annotation: Annotation, graph_iri: str, bnode_prefix: str) -> str:
    """The triples of :func:`annotation_graph` as N-Quads in the named graph ``graph_iri``.

    Built without rdflib terms (the bulk path: many files into one store). Blank nodes are
    labelled ``_:{bnode_prefix}{n}``: give each file its own prefix (letters and digits)
    when several files go into one stream.
    """
    sink = NQuadsSink(graph_iri, bnode_prefix)
    RdfBuilder(sink).annotation(annotation)
    return sink.text()


def to_graph(annotation: Annotation) -> Graph:
    return annotation_graph(annotation)[0]

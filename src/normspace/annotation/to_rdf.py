"""Build the RDF of one annotation (spec of issue 8, section 2; docs/design.md, "Annotation
model"), keeping a record of which YAML field produced each node and triple so that SHACL
results can be reported at the line the annotator wrote.

The RDF depends only on the model, never on the format version the file was written in:
a version-1 file and its migrated version-2 form give isomorphic graphs (that is what makes
``normspace migrate`` provably lossless).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD
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


def _decimal(value: float | Decimal) -> Literal:
    return Literal(Decimal(str(value)), datatype=XSD.decimal)


def source_node(source: str) -> Node:
    """A term request's source: an IRI for an http(s) URL, else the citation text."""
    if source.startswith(("http://", "https://")) and not any(c.isspace() for c in source):
        return URIRef(source)
    return Literal(source)


class RdfBuilder:
    def __init__(self) -> None:
        self.graph = bind_prefixes(Graph())
        self.origins = Origins()

    def node(self, node: Node, kind: str, where: str, rdf_type: URIRef | None = None) -> Node:
        self.origins.nodes.setdefault(node, (kind, where))
        if rdf_type is not None:
            self.add(node, RDF.type, rdf_type, where)
        return node

    def add(self, s: Node, p: URIRef, o: Node | None, where: str) -> None:
        if o is None:
            return
        self.graph.add((s, p, o))
        self.origins.triples.setdefault((s, p, o), where)

    @staticmethod
    def text(value: str | None) -> Literal | None:
        return Literal(value) if value is not None else None

    # -- paper -----------------------------------------------------------------------------

    def paper(self, paper: Paper) -> URIRef:
        node = URIRef(paper.iri)
        self.node(node, PAPER, "paper", NORM.Paper)
        self.add(node, DCTERMS.title, self.text(paper.title), "paper.title")
        for position, author in enumerate(paper.authors, start=1):
            person = self.node(BNode(), AUTHOR, author.field, SCHEMA.Person)
            self.add(node, SCHEMA.author, person, author.field)
            self.add(person, SCHEMA.name, Literal(author.name), author.field)
            self.add(person, SCHEMA.position, Literal(position), author.field)
        if paper.authors_incomplete:
            self.add(node, NORM.authorListIncomplete, Literal(True), "paper.authors_incomplete")
        if paper.year is not None:
            year = Literal(f"{paper.year:04d}", datatype=XSD.gYear)
            self.add(node, FABIO.hasPublicationYear, year, "paper.year")
        self.add(node, PRISM.publicationName, self.text(paper.venue), "paper.venue")
        self.add(node, PRISM.doi, self.text(paper.doi), "paper.doi")
        self.add(node, NORM.arxivId, self.text(paper.arxiv), "paper.arxiv")
        for i, url in enumerate(paper.metadata_source):
            field = "paper.metadata_source" + (f"[{i}]" if len(paper.metadata_source) > 1 else "")
            self.add(node, NORM.metadataSource, URIRef(url), field)
        return node

    # -- annotation ------------------------------------------------------------------------

    def annotation(self, annotation: Annotation) -> URIRef:
        paper = self.paper(annotation.paper)
        node = URIRef(annotation.iri)
        self.node(node, ANNOTATION, "", NORM.PaperAnnotation)
        self.add(node, NORM.annotates, paper, "paper")
        self.annotator(node, annotation)
        if annotation.date is not None:
            date = Literal(annotation.date.isoformat(), datatype=XSD.date)
            self.add(node, DCTERMS.created, date, "annotation.date")
        self.add(node, NOTE, self.text(annotation.note), "annotation.note")
        for slot in PAPER_SLOTS:
            for use in annotation.tags.get(slot.key, []):
                self.tag(node, slot.prop, use, str(slot.scheme))
        kind = CONTRIBUTION_V1 if annotation.format_version == FIRST_FORMAT else CONTRIBUTION
        for contribution in annotation.contributions:
            iri = URIRef(annotation.contribution_iri(contribution))
            self.add(node, NORM.hasContribution, iri, contribution.field or "tags")
            self.contribution(iri, contribution, kind)
        for assumption in annotation.assumptions:
            self.add(node, NORM.hasAssumption, self.assumption(assumption), assumption.field)
        return node

    def annotator(self, node: URIRef, annotation: Annotation) -> None:
        annotator = annotation.annotator
        if annotator.name is None and annotator.orcid is None:
            return
        where = "annotation.annotator"
        agent = URIRef(annotator.iri) if annotator.iri else BNode()
        self.node(agent, ANNOTATOR, where, NORM.Annotator)
        self.add(node, PROV.wasAttributedTo, agent, where)
        self.add(agent, FOAF.name, self.text(annotator.name), where + ".name")

    # -- contributions ---------------------------------------------------------------------

    def contribution(self, node: URIRef, contribution: Contribution, kind: str) -> None:
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
            self.add(node, slot.absence, Literal(True), none_field)
        for finding in contribution.findings:
            self.add(node, NORM.hasFinding, self.finding(finding), finding.field)
        self.study(node, contribution.study)
        for trade_off in contribution.trade_offs:
            self.add(node, NORM.hasTradeOff, self.trade_off(trade_off), trade_off.field)

    def setting(self, node: URIRef, term: Node, setting: ContestationSetting) -> None:
        """The paper's own stage and contestants for one contestability mechanism."""
        bnode = self.node(BNode(), SETTING, setting.field, NORM.ContestationSetting)
        self.add(node, NORM.hasContestationSetting, bnode, setting.field)
        self.add(bnode, NORM.settingFor, term, setting.field)
        if setting.stage is not None:
            self.terms(bnode, STAGE, [setting.stage])
        self.terms(bnode, CONTESTABLE_BY, setting.contestable_by)

    def finding(self, finding: Finding) -> BNode:
        node = BNode()
        where = finding.field
        self.node(node, FINDING, where, NORM.Finding)
        if finding.measure is not None:
            self.terms(node, FINDING_MEASURE, [finding.measure])
        if finding.value is not None:
            self.add(node, SCHEMA.value, _decimal(finding.value), where + ".value")
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

    def study(self, node: URIRef, study: Study) -> None:
        for sample in study.samples:
            bnode = self.node(BNode(), SAMPLE, sample.field, NORM.StudySample)
            self.add(node, NORM.hasSample, bnode, sample.field)
            if sample.size is not None:
                size = Literal(sample.size, datatype=XSD.nonNegativeInteger)
                self.add(bnode, NORM.sampleSize, size, sample.field + ".size")
            if sample.approximate:
                where = sample.field + ".approximate"
                self.add(bnode, NORM.approximateSize, Literal(True), where)
            population = self.text(sample.population)
            self.add(bnode, NORM.population, population, sample.field + ".population")
        for slot in RESOURCE_SLOTS:
            for resource in study.resources.get(slot.key, []):
                self.add(node, slot.prop, self.resource(resource, slot.rdf_type), resource.field)

    def resource(self, resource: Resource, rdf_type: URIRef) -> BNode:
        node = BNode()
        where = resource.field
        self.node(node, RESOURCE, where, rdf_type)
        self.add(node, SCHEMA.name, self.text(resource.name), where + ".name")
        self.add(node, PRISM.doi, self.text(resource.doi), where + ".doi")
        url = URIRef(resource.url) if resource.url else None
        self.add(node, SCHEMA.url, url, where + ".url")
        self.add(node, SCHEMA.identifier, self.text(resource.identifier), where + ".identifier")
        return node

    # -- terms, requests and evidence ------------------------------------------------------

    def term_node(self, use: TermUse, scheme: str) -> Node:
        """The object of a slot property: the term, or a new node for a term request (a
        request made without a scheme, e.g. built by hand, takes the slot's scheme)."""
        if use.term is not None:
            return URIRef(use.term)
        assert use.request is not None, f"{use.field}: a term use without term or request"
        return self.request(use.request, scheme)

    def request(self, request: TermRequest, scheme: str) -> BNode:
        node = BNode()
        where = request.field
        self.node(node, TERM_REQUEST, where, NORM.TermRequest)
        self.add(node, RDFS.label, self.text(request.label), where + ".label")
        self.add(node, SKOS.definition, self.text(request.definition), where + ".definition")
        self.add(node, NORM.intendedScheme, URIRef(request.scheme or scheme), where)
        broader = URIRef(request.broader) if request.broader else None
        self.add(node, NORM.proposedBroader, broader, where + ".broader")
        source = source_node(request.source) if request.source else None
        self.add(node, DCTERMS.source, source, where + ".source")
        return node

    def tag(self, node: URIRef, prop: URIRef, use: TermUse, scheme: str) -> Node:
        term = self.term_node(use, scheme)
        self.add(node, prop, term, use.field)
        if use.confidence is None and not use.evidence:
            return term
        for evidence in use.evidence or [Evidence(field=use.field)]:
            ev = self.evidence(evidence)
            self.add(node, NORM.hasEvidence, ev, evidence.field)
            self.add(ev, NORM.supportsTerm, term, use.field + ".term")
            if use.confidence is not None:
                confidence = _decimal(use.confidence)
                self.add(ev, NORM.confidence, confidence, use.field + ".confidence")
        return term

    def evidence(self, evidence: Evidence) -> BNode:
        ev = BNode()
        self.node(ev, EVIDENCE, evidence.field, NORM.Evidence)
        self.add(ev, NORM.quote, self.text(evidence.quote), evidence.field + ".quote")
        self.add(ev, NORM.location, self.text(evidence.location), evidence.field + ".location")
        return ev

    def terms(self, node: Node, slot: TermSlot, uses: list[TermUse]) -> None:
        for use in uses:
            self.add(node, slot.prop, self.term_node(use, str(slot.scheme)), use.field)

    # -- n-ary nodes -----------------------------------------------------------------------

    def trade_off(self, trade_off: TradeOff) -> BNode:
        node = BNode()
        self.node(node, TRADE_OFF, trade_off.field, NORM.TradeOff)
        for slot in TRADE_OFF_SLOTS:
            self.terms(node, slot, trade_off.terms.get(slot.key, []))
        for position, use in enumerate(trade_off.priority, start=1):
            rank = self.node(BNode(), PRIORITY_RANK, use.field, NORM.PriorityRank)
            self.add(node, NORM.hasPriority, rank, use.field)
            self.add(rank, NORM.priorityOf, URIRef(str(use.term)), use.field)
            self.add(rank, SCHEMA.position, Literal(position, datatype=XSD.integer), use.field)
        where = trade_off.field + ".description"
        self.add(node, DCTERMS.description, self.text(trade_off.description), where)
        for evidence in trade_off.evidence:
            self.add(node, NORM.hasEvidence, self.evidence(evidence), evidence.field)
        return node

    def assumption(self, assumption: Assumption) -> BNode:
        node = BNode()
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
    builder = RdfBuilder()
    builder.annotation(annotation)
    return builder.graph, builder.origins


def to_graph(annotation: Annotation) -> Graph:
    return annotation_graph(annotation)[0]

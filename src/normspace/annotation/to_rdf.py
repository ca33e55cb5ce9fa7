"""Build the RDF of one annotation (docs/design.md, "Annotation model"), keeping a record of
which YAML field produced each node and triple so that SHACL results can be reported at the
line the annotator wrote."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, XSD
from rdflib.term import Node

from ..namespaces import FABIO, NORM, PRISM, SCHEMA, bind_prefixes
from .model import Annotation, Assumption, Evidence, Paper, TermUse, TradeOff
from .slots import (
    ANNOTATION,
    ANNOTATOR,
    ASSUMPTION,
    AUTHOR,
    DEFAULT_STANCE,
    EVIDENCE,
    NOTE,
    PAPER,
    TAG_SLOTS,
    TRADE_OFF,
    TRADE_OFF_SLOTS,
)

Triple = tuple[Node, Node, Node]


@dataclass
class Origins:
    """Where each node and triple came from: node -> (kind, field), triple -> field."""

    nodes: dict[Node, tuple[str, str]] = field(default_factory=dict)
    triples: dict[Triple, str] = field(default_factory=dict)


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
        if annotation.proposes_no_approach:
            flag = Literal(True)
            self.add(node, NORM.proposesNoApproach, flag, "annotation.proposes_no_approach")
        self.add(node, NOTE, self.text(annotation.note), "annotation.note")
        for slot in TAG_SLOTS:
            for use in annotation.tags.get(slot.key, []):
                self.tag(node, slot.prop, use)
        for trade_off in annotation.trade_offs:
            self.add(node, NORM.hasTradeOff, self.trade_off(trade_off), trade_off.field)
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

    def tag(self, node: URIRef, prop: URIRef, use: TermUse) -> None:
        term = URIRef(use.term)
        self.add(node, prop, term, use.field)
        if use.confidence is None and not use.evidence:
            return
        for evidence in use.evidence or [Evidence(field=use.field)]:
            ev = self.evidence(evidence)
            self.add(node, NORM.hasEvidence, ev, evidence.field)
            self.add(ev, NORM.supportsTerm, term, use.field + ".term")
            if use.confidence is not None:
                confidence = Literal(Decimal(str(use.confidence)), datatype=XSD.decimal)
                self.add(ev, NORM.confidence, confidence, use.field + ".confidence")

    def evidence(self, evidence: Evidence) -> BNode:
        ev = BNode()
        self.node(ev, EVIDENCE, evidence.field, NORM.Evidence)
        self.add(ev, NORM.quote, self.text(evidence.quote), evidence.field + ".quote")
        self.add(ev, NORM.location, self.text(evidence.location), evidence.field + ".location")
        return ev

    def terms(self, node: Node, prop: URIRef, uses: list[TermUse]) -> None:
        for use in uses:
            self.add(node, prop, URIRef(use.term), use.field)

    def trade_off(self, trade_off: TradeOff) -> BNode:
        node = BNode()
        self.node(node, TRADE_OFF, trade_off.field, NORM.TradeOff)
        for slot in TRADE_OFF_SLOTS:
            self.terms(node, slot.prop, trade_off.terms.get(slot.key, []))
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
        self.terms(node, NORM.assumptionType, assumption.types)
        stance = assumption.stance or TermUse(str(DEFAULT_STANCE), field=assumption.field)
        self.terms(node, NORM.stance, [stance])
        if assumption.attribution is not None:
            self.terms(node, NORM.attribution, [assumption.attribution])
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

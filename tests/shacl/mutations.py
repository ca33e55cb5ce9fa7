"""Random RDF-level mutations of annotation graphs that trigger every annotation constraint.

The YAML reader refuses most broken input before any RDF exists (unknown terms, bad
identifiers), so the differential test breaks the RDF itself: each mutation takes one
file's graph and changes it the way a buggy converter or a hand-written Turtle file could.
Every mutation says which constraint it aims at; whether it hits is decided by pySHACL, and
the test only requires that, over all cases, every constraint component is hit.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

NORM = Namespace("https://w3id.org/normspace#")
FABIO = Namespace("http://purl.org/spar/fabio/")
PRISM = Namespace("http://prismstandard.org/namespaces/basic/2.0/")
SCHEMA = Namespace("https://schema.org/")


@dataclass
class Context:
    """What mutations need besides the graph: terms per scheme (from the typing triples)."""

    schemes: dict[URIRef, list[URIRef]]
    typing: list[tuple]

    @classmethod
    def from_typing(cls, typing: list[tuple]) -> Context:
        schemes: dict[URIRef, list[URIRef]] = {}
        for s, p, o in typing:
            if p == SKOS.inScheme:
                schemes.setdefault(o, []).append(s)
        for terms in schemes.values():
            terms.sort()
        return cls(schemes, typing)

    def term(self, rng: random.Random, scheme: URIRef) -> URIRef:
        return rng.choice(self.schemes[scheme])

    def other_term(self, rng: random.Random, scheme: URIRef) -> URIRef:
        """A term of any scheme but ``scheme``."""
        others = sorted(s for s in self.schemes if s != scheme)
        while True:
            term = rng.choice(self.schemes[rng.choice(others)])
            if term not in self.schemes.get(scheme, []):
                return term


def _one(graph: Graph, predicate: URIRef) -> tuple | None:
    triples = sorted(graph.triples((None, predicate, None)))
    return triples[0] if triples else None


def _instances(graph: Graph, cls: URIRef) -> list:
    return sorted(graph.subjects(RDF.type, cls))


def _annotation(graph: Graph):
    return _one(graph, NORM.annotates)[0]


def _paper(graph: Graph):
    return _one(graph, NORM.annotates)[2]


def _contribution(graph: Graph):
    return _instances(graph, NORM.Contribution)[0]


def _replace_objects(graph: Graph, predicate: URIRef, value) -> bool:
    found = _one(graph, predicate)
    if found is None:
        return False
    graph.remove(found)
    graph.add((found[0], predicate, value))
    return True


# -- mutations: (graph, rng, context) -> applied? ----------------------------------------


def drop(predicate: URIRef) -> Callable:
    def mutate(graph: Graph, rng: random.Random, ctx: Context) -> bool:
        found = _one(graph, predicate)
        if found is None:
            return False
        graph.remove((found[0], predicate, None))
        return True

    mutate.__name__ = f"drop {predicate}"
    return mutate


def duplicate(predicate: URIRef, extra) -> Callable:
    def mutate(graph: Graph, rng: random.Random, ctx: Context) -> bool:
        found = _one(graph, predicate)
        if found is None:
            return False
        graph.add((found[0], predicate, extra(rng, ctx)))
        return True

    mutate.__name__ = f"duplicate {predicate}"
    return mutate


def replace(predicate: URIRef, value) -> Callable:
    def mutate(graph: Graph, rng: random.Random, ctx: Context) -> bool:
        return _replace_objects(graph, predicate, value(rng, ctx) if callable(value) else value)

    mutate.__name__ = f"replace {predicate}"
    return mutate


def wrong_scheme(predicate: URIRef, scheme: URIRef) -> Callable:
    def mutate(graph: Graph, rng: random.Random, ctx: Context) -> bool:
        return _replace_objects(graph, predicate, ctx.other_term(rng, scheme))

    mutate.__name__ = f"wrong scheme {predicate}"
    return mutate


def term_request(graph: Graph, rng: random.Random, ctx: Context) -> bool:
    """A term request in a contribution slot, broken in one random way (or not at all)."""
    request = BNode()
    scheme = NORM.ValueScheme
    graph.add((_contribution(graph), NORM.hasValue, request))
    graph.add((request, RDF.type, NORM.TermRequest))
    graph.add((request, RDFS.label, Literal("epistemic humility")))
    graph.add((request, SKOS.definition, Literal("Knowing what one does not know.")))
    graph.add((request, NORM.intendedScheme, scheme))
    flaw = rng.choice(
        ["none", "no-definition", "wrong-slot", "unknown-scheme", "broader", "labels"]
    )
    if flaw == "no-definition":
        graph.remove((request, SKOS.definition, None))
    elif flaw == "wrong-slot":
        graph.set((request, NORM.intendedScheme, NORM.StakeholderScheme))
    elif flaw == "unknown-scheme":
        graph.set((request, NORM.intendedScheme, NORM.NoSuchScheme))
    elif flaw == "broader":
        graph.add((request, NORM.proposedBroader, ctx.other_term(rng, scheme)))
    elif flaw == "labels":
        graph.add((request, RDFS.label, Literal("  ")))
    return True


def finding(graph: Graph, rng: random.Random, ctx: Context) -> bool:
    """A finding on the first contribution, with one random flaw."""
    node = BNode()
    graph.add((_contribution(graph), NORM.hasFinding, node))
    flaw = rng.choice(["untyped", "unit", "value", "baseline", "direction", "measures", "none"])
    if flaw != "untyped":
        graph.add((node, RDF.type, NORM.Finding))
    graph.add((node, NORM.measures, ctx.term(rng, NORM.EvaluationCriterionScheme)))
    graph.add((node, SCHEMA.value, Literal("0.42", datatype=XSD.decimal)))
    graph.add((node, NORM.direction, NORM.Improves))
    if flaw == "unit":
        graph.remove((node, SCHEMA.value, None))
        graph.add((node, SCHEMA.unitText, Literal("%")))
    elif flaw == "value":
        graph.set((node, SCHEMA.value, Literal("forty", datatype=XSD.decimal)))
    elif flaw == "baseline":
        graph.add((node, NORM.baselineDescription, Literal("GPT-3")))
        graph.add((node, NORM.comparedWith, ctx.term(rng, NORM.AlignmentApproachScheme)))
    elif flaw == "direction":
        graph.set((node, NORM.direction, ctx.other_term(rng, NORM.FindingDirectionScheme)))
    elif flaw == "measures":
        graph.set((node, NORM.measures, ctx.other_term(rng, NORM.EvaluationCriterionScheme)))
    return True


def sample(graph: Graph, rng: random.Random, ctx: Context) -> bool:
    """A study sample: sizes of the wrong datatype (also ill-typed), approximate false."""
    node = BNode()
    graph.add((_contribution(graph), NORM.hasSample, node))
    graph.add((node, RDF.type, NORM.StudySample))
    size = rng.choice(
        [
            Literal("40", datatype=XSD.nonNegativeInteger),
            Literal("40", datatype=XSD.integer),
            Literal("-3", datatype=XSD.nonNegativeInteger),
            Literal("many"),
        ]
    )
    graph.add((node, NORM.sampleSize, size))
    if rng.random() < 0.5:
        graph.add((node, NORM.approximateSize, Literal(rng.choice([True, False]))))
    return True


def resource(graph: Graph, rng: random.Random, ctx: Context) -> bool:
    """A dataset used, untyped or without a name, with a bad URL or DOI."""
    node = URIRef(f"https://example.org/dataset/{rng.randrange(10**6)}")
    graph.add((_contribution(graph), NORM.usesDataset, node))
    if rng.random() < 0.5:
        graph.add((node, RDF.type, SCHEMA.Dataset))
    if rng.random() < 0.5:
        graph.add((node, SCHEMA.name, Literal("HH-RLHF")))
    graph.add((node, SCHEMA.url, rng.choice([URIRef("ftp://x.org/d"), Literal("https://x.org")])))
    graph.add((node, PRISM.doi, Literal(rng.choice(["10.1/x", "10.5555/ok.1"]))))
    return True


def trade_off(graph: Graph, rng: random.Random, ctx: Context) -> bool:
    """A trade-off with one pole or a broken priority order."""
    node = BNode()
    first = ctx.term(rng, NORM.ValueScheme)
    second = ctx.term(rng, NORM.ValueScheme)
    graph.add((_contribution(graph), NORM.hasTradeOff, node))
    graph.add((node, RDF.type, NORM.TradeOff))
    graph.add((node, NORM.involvesValue, first))
    if rng.random() < 0.7:
        graph.add((node, NORM.involvesValue, second))
    positions = rng.choice([(1, 2), (1, 1), (0, 2)])
    ranked = rng.choice([(first, second), (first, first), (first, NORM.Fairness)])
    for position, pole in zip(positions, ranked, strict=True):
        rank = BNode()
        graph.add((node, NORM.hasPriority, rank))
        graph.add((rank, RDF.type, NORM.PriorityRank))
        graph.add((rank, NORM.priorityOf, pole))
        graph.add((rank, SCHEMA.position, Literal(position)))
    return True


def setting(graph: Graph, rng: random.Random, ctx: Context) -> bool:
    """A contestation setting for a mechanism the contribution does not tag, or empty."""
    node = BNode()
    graph.add((_contribution(graph), NORM.hasContestationSetting, node))
    graph.add((node, RDF.type, NORM.ContestationSetting))
    graph.add((node, NORM.settingFor, ctx.term(rng, NORM.ContestabilityMechanismScheme)))
    if rng.random() < 0.5:
        graph.add((node, NORM.atStage, ctx.other_term(rng, NORM.ContestationStageScheme)))
    return True


def absence(graph: Graph, rng: random.Random, ctx: Context) -> bool:
    """An explicit absence that is false, or declared while the slot is tagged."""
    contribution = _contribution(graph)
    flag = rng.choice([Literal(True), Literal(False), Literal("yes")])
    graph.add((contribution, NORM.noEvaluation, flag))
    if rng.random() < 0.5:
        graph.add((contribution, NORM.hasEvaluationCriterion, NORM.UserSatisfaction))
    return True


def misplaced(graph: Graph, rng: random.Random, ctx: Context) -> bool:
    """A contribution-level tag on the annotation, or a paper-level one on a contribution."""
    if rng.random() < 0.5:
        graph.add((_annotation(graph), NORM.hasValue, ctx.term(rng, NORM.ValueScheme)))
    else:
        graph.add((_contribution(graph), NORM.hasDiscipline, ctx.term(rng, NORM.DisciplineScheme)))
    return True


def rename_contribution(graph: Graph, rng: random.Random, ctx: Context) -> bool:
    """A contribution IRI not derived from its annotation (or a blank node)."""
    old = _contribution(graph)
    new = rng.choice([URIRef("https://example.org/c/1"), URIRef(f"{old}/Bad_Id"), BNode()])
    for s, p, o in list(graph.triples((old, None, None))):
        graph.remove((s, p, o))
        graph.add((new, p, o))
    for s, p, o in list(graph.triples((None, None, old))):
        graph.remove((s, p, o))
        graph.add((s, p, new))
    return True


def evidence(graph: Graph, rng: random.Random, ctx: Context) -> bool:
    """Evidence supporting a literal or an untyped node, with an out-of-range confidence."""
    node = BNode()
    graph.add((_contribution(graph), NORM.hasEvidence, node))
    graph.add((node, NORM.supportsTerm, rng.choice([Literal("fairness"), BNode(), NORM.Fairness])))
    graph.add(
        (node, NORM.confidence, rng.choice([Literal("2.5", datatype=XSD.decimal), Literal("high")]))
    )
    return True


def special(graph: Graph, rng: random.Random, ctx: Context) -> bool:
    """Input the fast path hands to pySHACL: a typing triple repeated in the file, a
    subclass declaration, or a literal Oxigraph would re-type under a SPARQL predicate."""
    choice = rng.choice(["typing", "subclass", "lossy"])
    if choice == "typing":
        graph.add(rng.choice([t for t in ctx.typing if t[1] == SKOS.inScheme]))
    elif choice == "subclass":
        graph.add((NORM.SpecialContribution, RDFS.subClassOf, NORM.Contribution))
        graph.add((URIRef("https://example.org/c/special"), RDF.type, NORM.SpecialContribution))
    else:
        trade_off(graph, rng, ctx)
        rank = _one(graph, SCHEMA.position)
        if rank is not None:
            graph.set((rank[0], SCHEMA.position, Literal("1", datatype=XSD.int)))
    return True


MUTATIONS: list[Callable] = [
    drop(DCTERMS.title),
    drop(FABIO.hasPublicationYear),
    drop(DCTERMS.created),
    drop(PROV.wasAttributedTo),
    drop(FOAF.name),
    drop(NORM.hasRole),
    drop(NORM.statement),
    drop(NORM.attribution),
    drop(NORM.hasEvidence),
    drop(PRISM.doi),
    drop(NORM.hasContext),
    drop(NORM.hasStakeholder),
    duplicate(DCTERMS.title, lambda rng, ctx: Literal("Another title")),
    duplicate(FABIO.hasPublicationYear, lambda rng, ctx: Literal("2001", datatype=XSD.gYear)),
    duplicate(NORM.stance, lambda rng, ctx: NORM.ChallengesAssumption),
    replace(
        FABIO.hasPublicationYear,
        lambda rng, ctx: rng.choice(
            [
                Literal("2022"),
                Literal("20x2", datatype=XSD.gYear),
                Literal("1800", datatype=XSD.gYear),
            ]
        ),
    ),
    replace(DCTERMS.created, Literal("2026-11-27")),
    replace(
        PRISM.doi,
        lambda rng, ctx: Literal(rng.choice(["https://doi.org/10.1/x", "10.5555/other.1"])),
    ),
    replace(DCTERMS.title, lambda rng, ctx: rng.choice([Literal("  "), URIRef("https://e.org/t")])),
    replace(PROV.wasAttributedTo, Literal("Synthetic Annotator")),
    replace(NORM.annotates, URIRef("https://example.org/not-described")),
    wrong_scheme(NORM.hasValue, NORM.ValueScheme),
    wrong_scheme(NORM.hasStakeholder, NORM.StakeholderScheme),
    wrong_scheme(NORM.hasDiscipline, NORM.DisciplineScheme),
    wrong_scheme(NORM.stance, NORM.AssumptionStanceScheme),
    wrong_scheme(NORM.attribution, NORM.AssumptionAttributionScheme),
    wrong_scheme(NORM.assumptionType, NORM.AssumptionTypeScheme),
    term_request,
    finding,
    sample,
    resource,
    trade_off,
    setting,
    absence,
    misplaced,
    rename_contribution,
    evidence,
    special,
]


def mutate(graph: Graph, rng: random.Random, ctx: Context, count: int) -> list[str]:
    """Apply up to ``count`` random mutations; return the names of those applied."""
    applied = []
    for mutation in rng.sample(MUTATIONS, count):
        if mutation(graph, rng, ctx):
            applied.append(mutation.__name__)
    return applied

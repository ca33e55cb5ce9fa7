"""YAML -> RDF -> YAML -> RDF gives an isomorphic graph, for every fixture, the writer's rich
fixture and every file of the bundled corpus; the YAML writer is deterministic; the RDF
serialisations read back to the same graph; RDF the format cannot hold is reported."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from normspace.annotation import load_annotation, parse_file, parse_text
from normspace.annotation.from_rdf import lost_triples, order_by_id, read_annotations
from normspace.annotation.model import Contribution
from normspace.annotation.rdf_io import OUTPUT_FORMATS, parse_rdf, serialise
from normspace.annotation.render import render_annotation
from normspace.annotation.to_rdf import to_graph
from normspace.namespaces import NORM, SCHEMA

from .conftest import CORPUS, VALID

WRITER_DATA = Path(__file__).parent / "test_writer_data"
RICH = WRITER_DATA / "ouyang2022-rich.yaml"
ROUND_TRIP = [*VALID, RICH, *CORPUS]
READ_BACK = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig", "nq": "nquads"}


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _loads(path: Path):
    parsed = parse_file(path)
    if parsed.errors:  # reported by the corpus validation; nothing to round-trip yet
        pytest.skip(f"{path.name} does not load: {parsed.errors[0]}")
    return load_annotation(path)


@pytest.mark.parametrize("path", ROUND_TRIP, ids=_id)
def test_yaml_rdf_yaml_rdf(path: Path) -> None:
    first = _loads(path)
    [(node, annotation)] = read_annotations(first.graph)
    assert str(node) == first.annotation_iri
    assert lost_triples(first.graph, node, annotation) == []
    text = render_annotation(annotation)
    again = parse_text(text, "roundtrip.yaml")
    assert again.errors == [], text
    assert again.document is not None
    assert again.document.annotation_iri == first.annotation_iri
    assert isomorphic(first.graph, again.document.graph), text


@pytest.mark.parametrize("path", ROUND_TRIP, ids=_id)
def test_rendering_is_a_fixed_point(path: Path) -> None:
    """Rendering what the rendering reads back gives the same text: converting the same RDF
    twice, or converting a converted file, never changes a byte."""
    [(_, annotation)] = read_annotations(_loads(path).graph)
    text = render_annotation(annotation)
    again = parse_text(text, "roundtrip.yaml").document
    assert again is not None
    [(_, reread)] = read_annotations(again.graph)
    assert render_annotation(reread) == text


def test_rich_fixture_holds_every_part_of_format_2() -> None:
    """The rich fixture exercises what the round trip is meant to cover (if a part went
    missing, the round-trip tests would pass without testing it)."""
    document = load_annotation(RICH)
    graph = document.graph
    contributions = sorted(str(c) for c in graph.objects(None, NORM.hasContribution))
    base = document.annotation_iri + "/contribution/"
    assert contributions == [base + "2", base + "instructgpt"]
    requests = list(graph.subjects(RDF.type, NORM.TermRequest))
    assert len(requests) == 3
    counts = {
        cls: len(set(graph.subjects(RDF.type, cls)))
        for cls in (NORM.Finding, NORM.StudySample, NORM.TradeOff, NORM.PriorityRank)
    }
    assert counts == {NORM.Finding: 3, NORM.StudySample: 1, NORM.TradeOff: 2, NORM.PriorityRank: 2}
    assert (URIRef(base + "instructgpt"), NORM.noContestabilityMechanism, Literal(True)) in graph
    sizes = set(graph.objects(None, NORM.sampleSize))
    assert sizes == {Literal("40", datatype=XSD.nonNegativeInteger)}
    stakeholder_poles = [t for t in graph.subjects(NORM.involvesStakeholder, None)]
    assert len(set(stakeholder_poles)) == 1


#: Node kinds of format 2 that the round-trip sources must contain between them.
FORMAT_2_KINDS = (
    NORM.Contribution,
    NORM.Finding,
    NORM.StudySample,
    NORM.TermRequest,
    NORM.ContestationSetting,
    NORM.PriorityRank,
    NORM.TradeOff,
    SCHEMA.Dataset,
    SCHEMA.SoftwareApplication,
)


def test_round_trip_sources_cover_every_node_kind_of_format_2() -> None:
    """Between them, the fixtures and the corpus hold every kind of node format 2 writes, so
    the round trip tests each (the contestation setting comes from the corpus)."""
    graph = Graph()
    for path in ROUND_TRIP:
        if not parse_file(path).errors:
            graph += load_annotation(path).graph
    missing = [kind for kind in FORMAT_2_KINDS if (None, RDF.type, kind) not in graph]
    assert missing == []


def test_rich_fixture_renders_ids_only_where_they_are_not_the_default() -> None:
    [(_, annotation)] = read_annotations(load_annotation(RICH).graph)
    text = render_annotation(annotation)
    assert '\n  - id: "instructgpt"\n    role: proposes\n' in text
    assert "\n  - role: uses-as-baseline\n" in text
    assert '    type:\n      - request: {label: "Instructions state intent"' in text


@pytest.mark.parametrize(
    ("ids", "layout"),
    [
        (["1"], "contribution:"),
        (["ccai"], 'contributions:\n  - id: "ccai"'),
        (["1", "2"], "contributions:\n  - role:"),
        (["2"], 'contributions:\n  - id: "2"'),
    ],
)
def test_shorthand_only_for_one_contribution_with_the_default_id(
    ids: list[str], layout: str
) -> None:
    """`contribution:` and `contributions: [one item]` give the same RDF, so the shorter form
    is written whenever it keeps the contribution's IRI."""
    [(_, annotation)] = read_annotations(load_annotation(RICH).graph)
    template = annotation.contributions[0]
    annotation.contributions = [
        Contribution(id=i, roles=template.roles, tags=template.tags) for i in ids
    ]
    text = render_annotation(annotation)
    assert f"\n{layout}" in text
    again = parse_text(text, "shorthand.yaml")
    assert again.errors == [] and again.document is not None
    found = sorted(str(c) for c in again.document.graph.objects(None, NORM.hasContribution))
    assert found == sorted(f"{annotation.iri}/contribution/{i}" for i in ids)


@pytest.mark.parametrize("value", ["85", "85.0", "0.5", "-3", "1E+3", "1E-7"])
def test_finding_values_keep_their_decimal_value(value: str) -> None:
    """A value read from RDF is written so that YAML reads back the same xsd:decimal (never
    in exponent form, which YAML 1.2 would not read as the number)."""
    [(_, annotation)] = read_annotations(load_annotation(RICH).graph)
    finding = annotation.contributions[0].findings[0]
    finding.value, finding.unit = Decimal(value), "%"
    text = render_annotation(annotation)
    again = parse_text(text, "value.yaml").document
    assert again is not None
    literal = Literal(Decimal(value), datatype=XSD.decimal)
    assert literal in set(again.graph.objects(None, SCHEMA.value))
    assert isomorphic(again.graph, to_graph(annotation))


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        (["1"], ["1"]),
        (["2", "ccai"], ["ccai", "2"]),
        (["3", "1", "2"], ["1", "2", "3"]),
        (["b", "a", "3", "1"], ["1", "a", "3", "b"]),
        (["9", "a"], ["9", "a"]),
        (["10", "2", "x"], ["10", "2", "x"]),
    ],
)
def test_contribution_order_keeps_default_ids_at_their_position(
    ids: list[str], expected: list[str]
) -> None:
    assert order_by_id(ids) == expected


@pytest.mark.parametrize("fmt", sorted(OUTPUT_FORMATS))
def test_serialisations_read_back(fmt: str) -> None:
    """Every output format, including JSON-LD with term requests (blank nodes in slots the
    context coerces to IRIs), reads back to the same triples."""
    documents = [load_annotation(p) for p in (*VALID, RICH) if not parse_file(p).errors]
    text = serialise([(d.annotation_iri, d.graph) for d in documents], fmt)
    merged = Graph()
    for d in documents:
        merged += d.graph
    assert isomorphic(parse_rdf(text.encode(), READ_BACK[fmt], fmt), merged)


def test_jsonld_uses_the_local_context() -> None:
    document = load_annotation(RICH)
    text = serialise([(document.annotation_iri, document.graph)], "jsonld")
    assert '"@context": {' in text and "http" not in text.split('"@context"')[0]
    assert '"hasValue"' in text and '"https://w3id.org/normspace#hasValue"' not in text


def test_jsonld_writes_term_requests_in_full() -> None:
    document = load_annotation(RICH)
    text = serialise([(document.annotation_iri, document.graph)], "jsonld")
    assert len(re.findall(r'"type": "(norm:)?TermRequest"', text)) == 3
    assert '"label": "Alignment tax"' in text


def _hidden_graph(depth: int, shared: bool) -> Graph:
    """A contribution whose value is a term request, nested ``depth`` deep through
    ``proposedBroader`` (both coerced to IRIs), optionally also named by evidence."""
    graph = Graph()
    contribution = URIRef("https://w3id.org/normspace/annotation/x/contribution/1")
    parent, prop = contribution, NORM.hasValue
    for level in range(depth):
        request = BNode()
        graph.add((parent, prop, request))
        graph.add((request, RDF.type, NORM.TermRequest))
        graph.add((request, RDFS.label, Literal(f"request {level}")))
        if shared and level == 0:
            evidence = BNode()
            graph.add((contribution, NORM.hasEvidence, evidence))
            graph.add((evidence, NORM.supportsTerm, request))
        parent, prop = request, NORM.proposedBroader
    return graph


@pytest.mark.parametrize(("depth", "shared"), [(1, False), (1, True), (2, False), (3, True)])
def test_jsonld_keeps_blank_nodes_in_iri_valued_slots(depth: int, shared: bool) -> None:
    """rdflib writes a blank node in a slot the context coerces to IRIs as a bare `_:b`
    and drops its triples; the writer adds them back, at any depth."""
    graph = _hidden_graph(depth, shared)
    text = serialise([("", graph)], "jsonld")
    assert isomorphic(parse_rdf(text.encode(), "json-ld", "hidden.jsonld"), graph)


def _annotation_node(graph: Graph) -> URIRef:
    return next(iter(graph.subjects(RDF.type, NORM.PaperAnnotation)))


def _contribution(graph: Graph, local: str) -> URIRef:
    return URIRef(f"{_annotation_node(graph)}/contribution/{local}")


def _second_title(graph: Graph) -> list[tuple]:
    paper = graph.value(_annotation_node(graph), NORM.annotates)
    return [(paper, DCTERMS.title, Literal("the InstructGPT paper"))]


def _foreign_contribution(graph: Graph) -> list[tuple]:
    foreign = URIRef("https://example.org/not-a-contribution-iri")
    return [
        (_annotation_node(graph), NORM.hasContribution, foreign),
        (foreign, RDF.type, NORM.Contribution),
    ]


def _request_in_another_scheme(graph: Graph) -> list[tuple]:
    request = next(iter(graph.subjects(RDFS.label, Literal("Unhelpful output"))))
    graph.remove((request, NORM.intendedScheme, None))
    return [(request, NORM.intendedScheme, NORM.ValueScheme)]


def _setting_for_an_untagged_mechanism(graph: Graph) -> list[tuple]:
    setting = BNode()
    return [
        (_contribution(graph, "instructgpt"), NORM.hasContestationSetting, setting),
        (setting, RDF.type, NORM.ContestationSetting),
        (setting, NORM.settingFor, NORM.Appeal),
    ]


def _evidence_for_an_untagged_term(graph: Graph) -> list[tuple]:
    evidence = BNode()
    return [
        (_contribution(graph, "instructgpt"), NORM.hasEvidence, evidence),
        (evidence, RDF.type, NORM.Evidence),
        (evidence, NORM.supportsTerm, NORM.Fairness),
    ]


def _two_values(graph: Graph) -> list[tuple]:
    finding = next(iter(graph.subjects(NORM.resultText, None)))
    return [
        (finding, SCHEMA.value, Literal("1", datatype=XSD.decimal)),
        (finding, SCHEMA.value, Literal("2", datatype=XSD.decimal)),
    ]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (_second_title, (DCTERMS.title, Literal("the InstructGPT paper"))),
        (
            _foreign_contribution,
            (NORM.hasContribution, URIRef("https://example.org/not-a-contribution-iri")),
        ),
        (_request_in_another_scheme, (NORM.intendedScheme, NORM.ValueScheme)),
        (_setting_for_an_untagged_mechanism, (NORM.settingFor, NORM.Appeal)),
        (_evidence_for_an_untagged_term, (NORM.supportsTerm, NORM.Fairness)),
        (_two_values, (SCHEMA.value, Literal("2", datatype=XSD.decimal))),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_rdf_the_yaml_cannot_hold_is_reported(change, named: tuple) -> None:
    """RDF with no place in the format is named, not silently dropped (nor silently turned
    into something else: an untagged mechanism's setting does not become a tag). A change
    inside a blank node reports that node's triples, the offending one among them."""
    original = load_annotation(RICH).graph
    [(node, annotation)] = read_annotations(original)
    assert lost_triples(original, node, annotation) == []
    graph = Graph() + original
    for triple in change(graph):
        graph.add(triple)
    [(node, annotation)] = read_annotations(graph)
    lost = lost_triples(graph, node, annotation)
    assert named in [(p, o) for _, p, o in lost]

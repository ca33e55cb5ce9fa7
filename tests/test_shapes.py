"""The SHACL shapes, specified by example (pySHACL test-suite style).

Each folder of ``tests/data/shapes/<case>/`` holds ``data.ttl`` and ``expected.yaml``
listing *exactly* the results the shapes must produce (focus node, path, severity,
source shape, constraint component, value). Pass cases list none. Meta-tests make sure
every shape is named, labelled, explained, and exercised by at least one failing case.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH
from ruamel.yaml import YAML

from normspace.namespaces import NORM
from normspace.ontology import SLOT_SCHEMES
from normspace.resources import shapes_dir
from normspace.shacl import ANNOTATION_SHAPES, NSH_IRI, TERM_SHAPES, load_shapes

CASES_DIR = Path(__file__).parent / "data" / "shapes"
CASES = sorted(p for p in CASES_DIR.iterdir() if (p / "expected.yaml").is_file())
NSH_INSCHEME = URIRef(NSH_IRI + "inScheme")
NSH_INSCHEME_OR_REQUEST = URIRef(NSH_IRI + "inSchemeOrRequest")
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
XSD_IRI = "http://www.w3.org/2001/XMLSchema#"
SHORTHAND_DATATYPES = {URIRef(XSD_IRI + t) for t in ("integer", "decimal", "double", "boolean")}


def load_case(case: Path) -> dict:
    return YAML(typ="safe").load((case / "expected.yaml").read_text(encoding="utf-8"))


def show(node, graph: Graph) -> str | None:
    """A node as written in expected.yaml: CURIE or IRI, ``_:`` for blank nodes, Turtle
    notation for literals."""
    if node is None:
        return None
    if isinstance(node, BNode):
        return "_:"
    if isinstance(node, Literal):
        if node.datatype in SHORTHAND_DATATYPES:
            return str(node)
        if node.language:
            return f'"{node}"@{node.language}'
        if node.datatype is None or node.datatype == URIRef(XSD_IRI + "string"):
            return f'"{node}"'
        return f'"{node}"^^{show(node.datatype, graph)}'
    text = str(node)
    if text.startswith(NSH_IRI):
        return "nsh:" + text[len(NSH_IRI) :]
    try:
        return graph.namespace_manager.curie(text, generate=False)
    except (KeyError, ValueError):
        return text


def actual_results(report, data: Graph) -> list[dict]:
    rows = []
    for r in report.results:
        path = r.path
        if path is not None and re.match(r"^https?://", path):
            path = show(URIRef(path), data)
        rows.append(
            {
                "focus": show(r.focus, data),
                "path": path,
                "severity": r.severity,
                "shape": show(URIRef(r.shape), data) if r.shape else None,
                "component": r.component,
                "value": show(r.value, data),
            }
        )
    return sorted(rows, key=lambda row: tuple(str(v) for v in row.values()))


def expected_results(spec: dict) -> list[dict]:
    keys = ("focus", "path", "severity", "shape", "component", "value")
    rows = [{k: item.get(k) for k in keys} for item in spec["results"] or []]
    return sorted(rows, key=lambda row: tuple(str(v) for v in row.values()))


@pytest.fixture(scope="module")
def engines(annotation_engine, term_engine):
    return {"annotation": annotation_engine, "term": term_engine}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_gives_exactly_the_expected_results(case: Path, engines) -> None:
    spec = load_case(case)
    data = Graph().parse(case / "data.ttl", format="turtle")
    report = engines[spec["engine"]].validate(data)

    assert actual_results(report, data) == expected_results(spec)
    expects_violation = any(r["severity"] == "Violation" for r in spec["results"] or [])
    assert report.conforms is not expects_violation
    assert all(r.message and "http" not in r.message.split()[0] for r in report.results)
    assert not [r.message for r in report.results if "{?" in r.message or "{$" in r.message]


def test_validation_does_not_modify_the_callers_graph(annotation_engine) -> None:
    data = Graph().parse(CASES_DIR / "annotation-valid-full" / "data.ttl")
    before = len(data)
    annotation_engine.validate(data)
    assert len(data) == before


def test_one_file_does_not_leak_into_the_next(annotation_engine) -> None:
    """The engine reuses one working graph: triples of a validated file must be gone after."""
    broken = Graph().parse(CASES_DIR / "slots-wrong-scheme" / "data.ttl")
    valid = Graph().parse(CASES_DIR / "annotation-valid-no-approach" / "data.ttl")
    assert not annotation_engine.validate(broken).conforms
    assert annotation_engine.validate(valid).results == []


def _memory_index_entries(graph: Graph) -> dict[str, int]:
    """Entries at every level of the three indexes of rdflib's ``Memory`` store."""
    store = graph.store
    return {
        name: sum(1 + len(inner) for inner in getattr(store, f"_Memory__{name}").values())
        for name in ("spo", "pos", "osp")
    }


def _renamed(graph: Graph, n: int) -> Graph:
    """A copy of ``graph`` with every IRI and literal made unique to ``n``, as the triples
    of a different file would be."""

    def rename(term):
        if isinstance(term, URIRef) and "example" in term:
            return URIRef(f"{term}-{n}")
        if isinstance(term, Literal) and isinstance(term.value, str):
            return Literal(f"{term} {n}", lang=term.language, datatype=term.datatype)
        return term

    copy = Graph()
    copy += ((rename(s), p, rename(o)) for s, p, o in graph)
    return copy


def test_working_graph_does_not_grow_with_the_files_validated() -> None:
    """Regression (issue 7, quadratic validation): removing a file's triples from rdflib's
    Memory store left empty index entries behind (~71 KB a file) that pySHACL's lookups
    walked, so time per file grew with every file validated. After validating many
    distinct files the working graph's indexes must be exactly as big as before."""
    from normspace.ontology import load_ontology
    from normspace.shacl import PyShaclEngine, term_typing_triples

    engine = PyShaclEngine(load_shapes(ANNOTATION_SHAPES), term_typing_triples(load_ontology()))
    data = Graph().parse(CASES_DIR / "annotation-valid-full" / "data.ttl")
    before = _memory_index_entries(engine._working)
    for n in range(20):
        engine.validate(_renamed(data, n))
    assert _memory_index_entries(engine._working) == before
    assert len(engine._working) == len(term_typing_triples(load_ontology()))


def test_pruning_keeps_results_identical_to_a_fresh_graph() -> None:
    """Pruning the indexes must not change what the shapes see: the results for a file
    are those of an engine that never validated anything before."""
    from normspace.ontology import load_ontology
    from normspace.shacl import PyShaclEngine, term_typing_triples

    def engine() -> PyShaclEngine:
        return PyShaclEngine(load_shapes(ANNOTATION_SHAPES), term_typing_triples(load_ontology()))

    reused = engine()
    cases = [c for c in CASES if c.name.startswith(("annotation", "slots", "paper"))]
    for case in cases * 2:
        data = Graph().parse(case / "data.ttl")
        assert reused.validate(data).results == engine().validate(data).results, case.name


def test_report_graph_is_a_shacl_report(annotation_engine) -> None:
    data = Graph().parse(CASES_DIR / "paper-missing-title" / "data.ttl")
    report = annotation_engine.validate(data)
    assert (None, RDF.type, SH.ValidationReport) in report.report_graph
    assert len(list(report.report_graph.objects(None, SH.result))) == len(report.results) == 1
    assert report.violations == report.results and report.warnings == []


def test_slot_message_names_slot_and_expected_scheme(annotation_engine) -> None:
    """A value where a stakeholder is expected: the message says which slot and scheme."""
    data = Graph().parse(CASES_DIR / "slots-wrong-scheme" / "data.ttl")
    report = annotation_engine.validate(data)
    (result,) = [r for r in report.results if r.path == "https://w3id.org/normspace#hasStakeholder"]
    assert result.value == URIRef("https://w3id.org/normspace#Fairness")
    assert "norm:hasStakeholder" in result.message
    assert "norm:StakeholderScheme" in result.message


# --------------------------------------------------------------------------------------
# Meta-tests: the shapes files themselves
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=[ANNOTATION_SHAPES, TERM_SHAPES])
def shapes(request) -> Graph:
    return load_shapes(request.param)


def reachable_shapes(graph: Graph) -> set[URIRef]:
    """Shapes that can appear as sh:sourceShape: targeted node shapes and their property
    shapes (helper shapes used only inside sh:qualifiedValueShape are excluded)."""
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    nodes = {s for t in targets for s in graph.subjects(t, None)}
    props = {p for n in nodes for p in graph.objects(n, SH.property)}
    return nodes | props


def all_shapes(graph: Graph) -> set:
    return (
        set(graph.subjects(RDF.type, SH.NodeShape))
        | set(graph.subjects(RDF.type, SH.PropertyShape))
        | set(graph.objects(None, SH.property))
        | set(graph.objects(None, SH.qualifiedValueShape))
    )


def test_every_shape_is_named_and_labelled(shapes: Graph) -> None:
    for shape in all_shapes(shapes):
        assert isinstance(shape, URIRef) and str(shape).startswith(NSH_IRI), shape
        assert shapes.value(shape, RDFS.label) is not None, f"{shape} has no rdfs:label"


def test_every_reachable_shape_explains_itself(shapes: Graph) -> None:
    for shape in reachable_shapes(shapes):
        has_constraints = any(
            p not in (RDF.type, RDFS.label, RDFS.comment, SH.property)
            and p != SH.message
            and not str(p).startswith(str(SH) + "target")
            for p in shapes.predicates(shape, None)
        )
        if not has_constraints:
            continue
        messages = list(shapes.objects(shape, SH.message)) + [
            m for c in shapes.objects(shape, SH.sparql) for m in shapes.objects(c, SH.message)
        ]
        assert messages, f"{shape} has no sh:message"
        assert all(isinstance(m, Literal) and m.language == "en" for m in messages)


def test_every_reachable_shape_has_a_failing_case(shapes: Graph) -> None:
    covered = {
        NSH_IRI + r["shape"].removeprefix("nsh:")
        for case in CASES
        for r in (load_case(case)["results"] or [])
    }
    for shape in reachable_shapes(shapes):
        has_constraints = set(shapes.predicates(shape, None)) - {
            RDF.type,
            RDFS.label,
            RDFS.comment,
            SH.property,
            SH.targetClass,
            SH.targetObjectsOf,
            SH.targetSubjectsOf,
        }
        if has_constraints:
            assert str(shape) in covered, f"no failing case in tests/data/shapes for {shape}"


def test_both_engines_have_passing_cases() -> None:
    passing = {load_case(c)["engine"] for c in CASES if not load_case(c)["results"]}
    assert passing == {"annotation", "term"}


def test_full_valid_annotation_exercises_every_slot() -> None:
    data = Graph().parse(CASES_DIR / "annotation-valid-full" / "data.ttl")
    used = set(data.predicates())
    assert set(SLOT_SCHEMES) <= used


def _slot_declarations(parameter: URIRef) -> set[tuple]:
    graph = load_shapes(ANNOTATION_SHAPES)
    return {
        (graph.value(shape, SH.path), scheme) for shape, scheme in graph.subject_objects(parameter)
    }


def test_slot_shapes_match_slot_schemes() -> None:
    """One slot shape per annotation slot, checking the scheme the annotation loader uses."""
    declared = _slot_declarations(NSH_INSCHEME) | _slot_declarations(NSH_INSCHEME_OR_REQUEST)
    assert declared == set(SLOT_SCHEMES.items())


def test_only_closed_schemes_refuse_term_requests() -> None:
    """Spec 1.1: a term request may stand wherever a term is expected, except in the small
    closed schemes whose terms are the format's own keywords (attribution, stance, finding
    direction)."""
    strict = {prop for prop, _scheme in _slot_declarations(NSH_INSCHEME)}
    assert strict == {NORM.attribution, NORM.stance, NORM.direction}


def _sparql_of(shape: str) -> str:
    graph = load_shapes(ANNOTATION_SHAPES)
    constraints = graph.objects(URIRef(NSH_IRI + shape), SH.sparql)
    return "\n".join(str(graph.value(c, SH.select)) for c in constraints)


def _listed_properties(shape: str) -> set[URIRef]:
    """The properties in the ``FILTER (?path IN (...))`` list of a node shape's query."""
    (listed,) = re.findall(r"\?path IN \(([^)]*)\)", _sparql_of(shape))
    curies = re.findall(r"\bnorm:(\w+)", listed)
    return {NORM[name] for name in curies} | {URIRef(i) for i in re.findall(r"<([^>]+)>", listed)}


def test_contribution_properties_are_kept_off_the_annotation() -> None:
    """The list in nsh:AnnotationLevelShape is every contribution-level property of the
    slot table, so a property added to a contribution is never accepted on the annotation."""
    from normspace.annotation.slots import CONTRIBUTION_SLOTS, RESOURCE_SLOTS, ROLE

    expected = (
        {s.prop for s in CONTRIBUTION_SLOTS}
        | {s.absence for s in CONTRIBUTION_SLOTS if s.absence is not None}
        | {s.prop for s in RESOURCE_SLOTS}
        | {ROLE.prop, NORM.hasFinding, NORM.hasSample, NORM.hasTradeOff}
        | {NORM.hasContestationSetting}
    )
    assert _listed_properties("AnnotationLevelShape") == expected


def test_paper_properties_are_kept_off_contributions() -> None:
    from normspace.annotation.slots import PAPER_SLOTS

    listed = _listed_properties("ContributionLevelShape")
    assert {s.prop for s in PAPER_SLOTS} | {NORM.annotates, NORM.hasAssumption} <= listed


def test_absence_pairs_match_the_slot_table() -> None:
    """Each absence property conflicts with exactly the slot the slot table gives it."""
    from normspace.annotation.slots import ABSENCE_SLOTS

    pairs = re.findall(
        r"\$this norm:(\w+) \?flag ; norm:(\w+) \?value", _sparql_of("ContributionAbsenceShape")
    )
    assert {(NORM[a], NORM[p]) for a, p in pairs} == {(s.absence, s.prop) for s in ABSENCE_SLOTS}
    assert _listed_properties("ContributionAbsenceShape") == {s.absence for s in ABSENCE_SLOTS}


@pytest.mark.parametrize("name", [ANNOTATION_SHAPES, TERM_SHAPES])
def test_shapes_file_has_header(name: str) -> None:
    graph = load_shapes(name)
    (header,) = graph.subjects(RDF.type, URIRef("http://www.w3.org/2002/07/owl#Ontology"))
    assert graph.value(header, DCTERMS.title) and graph.value(header, DCTERMS.description)
    assert graph.value(header, DCTERMS.license) == CC_BY


def test_resource_doi_pattern_is_the_paper_doi_pattern() -> None:
    """Datasets and models take DOIs "as for papers": one pattern, tested once below."""
    assert _pattern("ResourceDoiShape").pattern == _pattern("PaperDoiShape").pattern


def _pattern(shape: str) -> re.Pattern:
    graph = load_shapes(ANNOTATION_SHAPES)
    return re.compile(str(graph.value(URIRef(NSH_IRI + shape), SH.pattern)))


@pytest.mark.parametrize(
    ("identifier", "valid"),
    [
        ("2203.02155", True),
        ("0706.0001", True),
        ("1501.00001", True),
        ("hep-th/9901001", True),
        ("math.CA/0611800", True),
        ("arXiv:2203.02155", False),
        ("2203.02155v2", False),
        ("hep-th/99010", False),
        ("HEP-TH/9901001", False),
        ("https://arxiv.org/abs/2203.02155", False),
    ],
)
def test_arxiv_identifier_pattern(identifier: str, valid: bool) -> None:
    assert bool(_pattern("PaperArxivIdShape").search(identifier)) is valid


@pytest.mark.parametrize(
    ("doi", "valid"),
    [
        ("10.1145/3630106.3658979", True),
        ("10.18653/v1/2022.naacl-main.431", True),
        ("10.1007/s11023-020-09539-2", True),
        ("https://doi.org/10.1145/3630106.3658979", False),
        ("doi:10.1145/3630106.3658979", False),
        ("10.1145/ 3630106", False),
        ("10.12/x", False),
    ],
)
def test_doi_pattern(doi: str, valid: bool) -> None:
    assert bool(_pattern("PaperDoiShape").search(doi)) is valid


def test_bundled_shapes_folder_holds_both_files() -> None:
    assert {p.name for p in shapes_dir().glob("*.ttl")} >= {ANNOTATION_SHAPES, TERM_SHAPES}

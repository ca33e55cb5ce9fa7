"""Every fixture file is validated and its problems compared with its expected-problems file:
rule, line, field, severity and a message (and suggestion) substring, nothing more, nothing
less. A missing ``line`` or ``field`` means the problem has none."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph

from normspace.annotation import validate_file
from normspace.annotation.problems import Problem
from normspace.namespaces import PREFIXES

from .conftest import INVALID, VALID, expected_for


def _matches(problem: Problem, expected: dict) -> bool:
    return (
        problem.rule == expected["rule"]
        and problem.line == expected.get("line")
        and problem.field == expected.get("field")
        and problem.severity == expected["severity"]
        and expected["message"] in problem.message
        and expected.get("suggestion", "") in (problem.suggestion or "")
    )


def assert_problems(actual: list[Problem], expected: list[dict]) -> None:
    unmatched = list(actual)
    missing = []
    for item in expected:
        found = next((p for p in unmatched if _matches(p, item)), None)
        if found is None:
            missing.append(item)
        else:
            unmatched.remove(found)
    assert not missing and not unmatched, (
        "expected but not reported:\n"
        + "\n".join(map(str, missing))
        + "\nreported but not expected:\n"
        + "\n".join(map(str, unmatched))
    )


@pytest.mark.parametrize("path", VALID + INVALID, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_problems(path: Path, annotation_engine) -> None:
    expected = expected_for(path)
    result = validate_file(path, annotation_engine)
    assert_problems(result.problems, expected.get("problems") or [])


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_fixture_exit_code(path: Path, annotation_engine) -> None:
    from normspace.annotation.validate import ValidationRun

    run = ValidationRun([validate_file(path, annotation_engine)])
    assert run.exit_code == expected_for(path)["exit_code"]
    assert run.valid_documents() == []


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_fixture_iris_and_triples(path: Path, annotation_engine) -> None:
    expected = expected_for(path)
    result = validate_file(path, annotation_engine)
    document = result.parsed.document
    assert document is not None and result.report is not None and result.report.conforms
    assert document.annotation_iri == expected["annotation_iri"]
    assert document.paper_iri == expected["paper_iri"]
    if "contains" in expected:
        assert_contains(document.graph, expected["contains"])


def assert_contains(graph: Graph, turtle: str) -> None:
    """Every triple of ``turtle`` is in ``graph``; its blank nodes match any node."""
    prefixes = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items())
    wanted = Graph().parse(data=prefixes + turtle, format="turtle")

    def term(node) -> str:
        return f"?b{node}" if isinstance(node, BNode) else node.n3()

    pattern = " .\n".join(" ".join(term(n) for n in triple) for triple in wanted)
    assert graph.query(f"ASK {{ {pattern} }}").askAnswer, f"not in the RDF:\n{turtle}"


def test_rdf_matches_design_exactly(annotation_data: Path) -> None:
    """The RDF of the all-sections fixture equals the reviewed Turtle (docs/design.md shape)."""
    from rdflib.compare import graph_diff, isomorphic, to_isomorphic

    from normspace.annotation import load_annotation

    source = annotation_data / "valid" / "ouyang2022-all-sections.yaml"
    built = load_annotation(source).graph
    golden = Graph().parse(source.with_suffix(".ttl"), format="turtle")
    if not isomorphic(built, golden):
        _, only_built, only_golden = graph_diff(to_isomorphic(built), to_isomorphic(golden))
        pytest.fail(f"only built: {sorted(only_built)}\nonly golden: {sorted(only_golden)}")

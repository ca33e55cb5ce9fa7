"""Every fixture file is validated and its problems compared with its expected-problems file:
rule, line, field, severity and a message (and suggestion) substring, nothing more, nothing
less. A missing ``line`` or ``field`` means the problem has none.

``valid/`` and ``invalid/`` hold format-2 files; ``v1/`` holds the format-1 files kept for
the compatibility tests (read natively, deprecated), and ``v1/equivalent/`` their format-2
forms, whose RDF must be the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph

from normspace.annotation import load_annotation, validate_file
from normspace.annotation.problems import ERROR, Problem
from normspace.annotation.validate import ValidationRun
from normspace.namespaces import PREFIXES

from .conftest import DATA, INVALID, VALID, expected_for

V1 = sorted((DATA / "v1").glob("*.yaml"))
#: Format-1 files with a hand-checked format-2 equivalent.
V1_EQUIVALENT = [p for p in V1 if (p.parent / "equivalent" / p.name).exists()]


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


@pytest.mark.parametrize("path", VALID + INVALID + V1, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_problems(path: Path, annotation_engine) -> None:
    expected = expected_for(path)
    result = validate_file(path, annotation_engine)
    assert_problems(result.problems, expected.get("problems") or [])


@pytest.mark.parametrize(
    "path",
    INVALID + [p for p in V1 if "exit_code" in expected_for(p)],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_invalid_fixture_exit_code(path: Path, annotation_engine) -> None:
    run = ValidationRun([validate_file(path, annotation_engine)])
    assert run.exit_code == expected_for(path)["exit_code"]
    assert run.valid_documents() == []


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_fixture_has_no_error(path: Path, annotation_engine) -> None:
    result = validate_file(path, annotation_engine)
    assert not [p for p in result.problems if p.severity == ERROR]


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
    source = annotation_data / "valid" / "ouyang2022-all-sections.yaml"
    built = load_annotation(source).graph
    golden = Graph().parse(source.with_suffix(".ttl"), format="turtle")
    assert_isomorphic(built, golden)


def assert_isomorphic(built: Graph, expected: Graph) -> None:
    from rdflib.compare import graph_diff, isomorphic, to_isomorphic

    if not isomorphic(built, expected):
        _, only_built, only_expected = graph_diff(to_isomorphic(built), to_isomorphic(expected))
        pytest.fail(f"only built: {sorted(only_built)}\nonly expected: {sorted(only_expected)}")


@pytest.mark.parametrize("path", V1, ids=lambda p: p.name)
def test_v1_fixture_is_read_as_format_1_with_a_deprecation_warning(path: Path) -> None:
    from normspace.annotation import parse_file

    parsed = parse_file(path)
    assert [p.rule for p in parsed.problems].count("format-deprecated") == 1
    if parsed.document is not None:
        annotation = parsed.document.annotation
        assert annotation.format_version == 1
        assert [c.id for c in annotation.contributions] == ["1"]
        assert all(not c.roles for c in annotation.contributions)


@pytest.mark.parametrize("path", V1_EQUIVALENT, ids=lambda p: p.name)
def test_v1_file_and_its_format_2_equivalent_give_the_same_rdf(path: Path) -> None:
    """The format-1 reader maps onto the format-2 model, so nothing is lost in migration."""
    v1 = load_annotation(path)
    v2 = load_annotation(path.parent / "equivalent" / path.name)
    assert v2.annotation.format_version == 2 and v1.annotation.format_version == 1
    assert_isomorphic(v1.graph, v2.graph)


@pytest.mark.parametrize("path", V1_EQUIVALENT, ids=lambda p: p.name)
def test_v1_file_and_its_migration_give_the_same_rdf(path: Path, tmp_path: Path) -> None:
    from normspace.annotation.migrate import migrate_text

    migrated = tmp_path / path.name
    migrated.write_text(migrate_text(path.read_text("utf-8"), str(path)), "utf-8")
    assert_isomorphic(load_annotation(path).graph, load_annotation(migrated).graph)


@pytest.mark.parametrize("path", V1, ids=lambda p: p.name)
def test_v1_errors_keep_format_1_field_paths(path: Path, annotation_engine) -> None:
    """No problem of a format-1 file names a format-2 place (`contribution…`, `none`),
    except a format-2 key the file itself contains (`format-2-key`)."""
    result = validate_file(path, annotation_engine)
    fields = [p.field or "" for p in result.problems if p.rule != "format-2-key"]
    assert not [f for f in fields if f.startswith(("contribution", "none"))], fields

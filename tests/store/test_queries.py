"""The query library: each query's result on the fixture corpus, exactly (tests as data:
tests/data/queries/cases.yaml names the query and parameters, expected/<case>.csv the
result), and the library's own conventions."""

from __future__ import annotations

import io

import pytest
from ruamel.yaml import YAML

from normspace.querylib import library
from normspace.results import render
from normspace.store import inject_values

from .conftest import QUERY_DATA

CASES = YAML(typ="safe").load((QUERY_DATA / "cases.yaml").read_text(encoding="utf-8"))
LIBRARY = library().top_level()


def run_case(store, case: dict):
    return library().get(case["query"]).run(store, case.get("params") or {})


def as_csv(result) -> str:
    buffer = io.StringIO()
    render(result, "csv", buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("name", sorted(CASES))
def test_query_result_is_exactly_the_expected_csv(query_store, name):
    expected = (QUERY_DATA / "expected" / f"{name}.csv").read_text(encoding="utf-8")
    assert as_csv(run_case(query_store, CASES[name])) == expected


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_injection_gives_the_same_result_as_substitution(query_store, name):
    """Both binding mechanisms (inline VALUES, used for endpoints and `# binding: values`,
    and Oxigraph's substitution) give the same result for every case."""
    case = CASES[name]
    query = library().get(case["query"])
    bindings = query.bind(case.get("params") or {})
    injected = query_store.query(inject_values(query.text, bindings))
    assert as_csv(injected) == as_csv(query_store.query(query.text, bindings))
    assert as_csv(injected) == as_csv(query_store.query(query.text, bindings, inline=True))


#: Queries whose exact results need more than the fixture corpus, tested elsewhere.
COVERED_ELSEWHERE = {
    # needs the mappings and imports graphs of the bundled release
    "papers-by-external-concept": "tests/store/test_linked_ontology_query.py",
}


def test_every_library_query_has_a_test_case():
    covered = {case["query"] for case in CASES.values()} | set(COVERED_ELSEWHERE)
    assert {q.name for q in LIBRARY} <= covered


def test_library_has_at_least_twelve_documented_queries():
    assert len(LIBRARY) >= 12
    for query in LIBRARY:
        assert query.title and query.title != query.name, query.name
        assert len(query.description) > 40, query.name
        for param in query.params:
            assert param.description, f"{query.name} ?{param.name}"


@pytest.mark.parametrize("query", LIBRARY, ids=lambda q: q.name)
def test_every_declared_parameter_is_used_in_the_query(query):
    body = query.text.split("\nSELECT", 1)[-1]
    for param in query.params:
        assert f"?{param.name}" in body, f"{query.name}: ?{param.name} is declared, not used"


@pytest.mark.parametrize("query", LIBRARY, ids=lambda q: q.name)
def test_every_query_runs_on_an_empty_store(query):
    """Parses and runs (no results) without data; defaults resolve; required term
    parameters get some term of their scheme (external ones a vendored concept)."""
    from normspace.ontology import term_index
    from normspace.querylib import external_concepts
    from normspace.store import OxigraphStore

    def some_value(param) -> str:
        if param.kind == "external":
            return next(iter(external_concepts()))
        return term_index().in_scheme(param.scheme)[0].curie

    values = {p.name: some_value(p) for p in query.params if p.required}
    result = query.run(OxigraphStore(None), values)
    assert result.variables and result.rows == []

"""The query library: each query's result on the fixture corpus, exactly (tests as data:
tests/data/queries/cases.yaml names the query and parameters, expected/<case>.csv the
result), and the library's own conventions."""

from __future__ import annotations

import io

import pytest
from ruamel.yaml import YAML

from normspace.annotation.slots import ABSENCE_SLOTS
from normspace.namespaces import NORM, expand
from normspace.querylib import ROLE_DEFAULT_TEXT, ROLE_FILTER, library
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


#: Queries that pair or count per alignment approach at contribution level but take no role
#: filter, and why.
NO_ROLE_FILTER = {
    "contribution-roles": "counts every role: the role mix is the result",
}


@pytest.mark.parametrize("query", LIBRARY, ids=lambda q: q.name)
def test_every_query_per_approach_and_contribution_has_the_role_filter(query):
    """A query that reads a contribution's approach declares ?role exactly as specified
    (a ContributionRole term, unbound = the default roles) and uses the one role filter,
    so that every query reads "no role given" the same way."""
    per_approach = "?contribution norm:hasAlignmentApproach" in query.text
    role = query.param("role")
    if query.name in NO_ROLE_FILTER:
        assert role is None, f"{query.name}: exempt from the role filter, yet has ?role"
        return
    if role is None:
        assert not per_approach, f"{query.name} pairs per approach but has no ?role"
        return
    assert role.kind == "term" and role.scheme == str(NORM.ContributionRoleScheme)
    assert role.unbound == ROLE_DEFAULT_TEXT
    assert ROLE_FILTER in query.text, f"{query.name}: not the shared role filter"


def test_explicit_none_covers_every_slot_of_the_slot_table():
    """The VALUES block of explicit-none lists exactly the slots that `none:` accepts, with
    their properties (src/normspace/annotation/slots.py is the source)."""
    import re

    text = library().get("explicit-none").text
    rows = re.findall(r'\("(\w+)" (norm:\w+) (norm:\w+)\)', text)
    declared = {(key, expand(prop), expand(absence)) for key, prop, absence in rows}
    assert declared == {(s.key, str(s.prop), str(s.absence)) for s in ABSENCE_SLOTS}


def test_a_baseline_is_not_paired_with_the_proposed_methods_terms(query_store):
    """Issue 8: the DPO paper proposes DPO and uses RLHF as its criticised baseline. By
    default RLHF keeps only InstructGPT's values and aggregation (one paper), and the
    baseline contribution, asked for by role, has neither."""
    matrix = run_case(query_store, {"query": "approach-value-matrix"}).dicts()
    rlhf = {(str(r["value"]), int(r["papers"])) for r in matrix if r["approach"] == NORM.RLHF}
    assert (str(NORM.Helpfulness), 1) in rlhf
    baseline = {"query": "pluralism-per-approach", "params": {"role": "norm:UsesAsBaseline"}}
    rows = [r for r in run_case(query_store, baseline).dicts() if r["approach"] == NORM.RLHF]
    assert [(str(r["group"]), r["pluralism"]) for r in rows] == [("none recorded", None)]


def test_an_unknown_role_is_explained():
    from normspace.errors import InputError

    with pytest.raises(InputError, match="(?i)did you mean"):
        library().get("approach-value-matrix").bind({"role": "propses"})


@pytest.fixture(scope="module")
def store_with_requests(corpus_documents, ontology_slice):
    """The query store plus a file with a term request in every place a term can stand."""
    from normspace.store import ONTOLOGY_GRAPH, OxigraphStore
    from normspace.validation import check_loadable, validate_files

    from .conftest import STORE_DATA

    extra = check_loadable(validate_files([STORE_DATA / "requests-everywhere"]))
    store = OxigraphStore(None)
    graphs = {ONTOLOGY_GRAPH: ontology_slice}
    graphs.update({d.annotation_iri: d.graph for d in [*corpus_documents, *extra]})
    store.replace_graphs(graphs)
    return store


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_query_shows_a_term_requests_blank_node(store_with_requests, name):
    """A term request is a blank node; its generated id would make results unstable and
    mean nothing to a reader. Queries leave requests out or show their label (the
    term-requests query lists them)."""
    from rdflib import BNode

    result = run_case(store_with_requests, CASES[name])
    cells = [cell for row in result.rows for cell in row]
    assert not [c for c in cells if isinstance(c, BNode)]
    assert not [c for c in cells if c is not None and str(c).startswith("_:")]

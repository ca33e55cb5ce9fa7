"""The batch SHACL engine gives exactly pySHACL's results (differential test).

Both engines validate every annotation fixture that reads into RDF, every file of the
bundled corpus, and random synthetic corpora whose RDF is mutated to break every
constraint. Results are compared as multisets of (focus, path, severity, shape, value,
component, message) per file: one file at a time (``BatchShaclEngine.validate``, the
interface ``validate_file`` uses) and all files of a group at once in one store
(``validate_nquads``, the bulk path; blank node labels are kept, so they compare as is).
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal

from normspace.annotation.document import parse_file
from normspace.annotation.validate import shacl_results
from normspace.ontology import load_ontology
from normspace.shacl import ShaclResult, annotation_engine, parse_report, term_typing_triples
from normspace.shaclbatch import TYPING_GRAPH, batch_engine, to_rdflib

from .mutations import Context, mutate

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench import generate_corpus  # noqa: E402

#: Random corpora: (seed, papers). Small, so that pySHACL on every file stays quick.
RANDOM_CORPORA = [(11, 30), (23, 30), (37, 30)]

GROUPS = ["fixtures", "bundled-corpus", *(f"random-{seed}" for seed, _ in RANDOM_CORPORA)]


def _graphs(files: list[Path]) -> list[tuple[str, Graph]]:
    cases = []
    for index, path in enumerate(sorted(files)):
        parsed = parse_file(path)
        if parsed.document is not None:
            cases.append((f"urn:test:file:{index}", parsed.document.graph))
    return cases


@cache
def _context() -> Context:
    return Context.from_typing(term_typing_triples(load_ontology()))


def _random_graphs(folder: Path, seed: int, papers: int) -> list[tuple[str, Graph]]:
    rng = random.Random(seed)
    cases = []
    for graph_iri, graph in _graphs(generate_corpus(folder, papers, seed)):
        if rng.random() < 0.85:
            mutate(graph, rng, _context(), rng.randint(1, 3))
        cases.append((graph_iri, graph))
    return cases


@pytest.fixture(scope="module")
def group_cases(tmp_path_factory):
    """Per group: (graph IRI, graph, pySHACL's results), computed once per group."""
    computed: dict[str, list] = {}

    def get(group: str) -> list[tuple[str, Graph, list[ShaclResult]]]:
        if group not in computed:
            if group == "fixtures":
                graphs = _graphs(list((ROOT / "tests" / "data").rglob("*.yaml")))
            elif group == "bundled-corpus":
                graphs = _graphs(list((ROOT / "examples" / "corpus").rglob("*.yaml")))
            else:
                seed = int(group.split("-")[1])
                papers = dict(RANDOM_CORPORA)[seed]
                folder = tmp_path_factory.mktemp(group)
                graphs = _random_graphs(folder, seed, papers)
            reference = annotation_engine()
            computed[group] = [(iri, g, reference.validate(g).results) for iri, g in graphs]
        return computed[group]

    return get


def _multiset(results: list[ShaclResult]) -> Counter:
    return Counter(results)


def _nquads(cases: list[tuple[str, Graph, list]]) -> bytes:
    lines = []
    for graph_iri, graph, _ in cases:
        text = graph.serialize(format="nt", encoding="utf-8").decode()
        lines.extend(f"{line[:-2]} <{graph_iri}> ." for line in text.splitlines() if line.strip())
    return ("\n".join(lines) + "\n").encode()


def _canonical(result: ShaclResult) -> ShaclResult:
    """The result with its value as Oxigraph stores it (``1.50`` -> ``1.5``): the store
    path reports the store's literals."""
    if not isinstance(result.value, Literal):
        return result
    store = ox.Store()
    literal = (
        ox.Literal(str(result.value), language=result.value.language)
        if result.value.language
        else ox.Literal(
            str(result.value),
            datatype=ox.NamedNode(str(result.value.datatype)) if result.value.datatype else None,
        )
    )
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), literal))
    [quad] = list(store)
    value = to_rdflib(quad.object)
    if value.datatype is not None and value.datatype != result.value.datatype:
        return result  # a re-typed literal (the engine keeps those as written)
    return ShaclResult(**{**result.__dict__, "value": value})


@pytest.mark.parametrize("group", GROUPS)
def test_one_file_at_a_time_equals_pyshacl(group_cases, group):
    batch = batch_engine()
    cases = group_cases(group)
    assert cases, f"no annotation graphs in group {group}"
    for graph_iri, graph, expected in cases:
        report = batch.validate(graph)
        assert _multiset(report.results) == _multiset(expected), graph_iri
        # the report graph is shaped like pySHACL's: the readers of reports see the same
        assert _multiset(parse_report(report.report_graph)) == _multiset(expected), graph_iri
        located = [result for _, result in shacl_results(report.report_graph)]
        assert _multiset(located) == _multiset(expected), graph_iri
        assert report.conforms == (not any(r.severity == "Violation" for r in expected))


@pytest.mark.parametrize("group", GROUPS)
def test_whole_group_in_one_store_equals_pyshacl(group_cases, group):
    cases = group_cases(group)
    got = batch_engine().validate_nquads(_nquads(cases))
    expected = {iri: results for iri, _, results in cases if results}
    assert set(got) == set(expected)
    for graph_iri, results in expected.items():
        assert _multiset(map(_canonical, got[graph_iri])) == _multiset(map(_canonical, results)), (
            graph_iri
        )


@pytest.mark.parametrize("group", GROUPS)
def test_many_graphs_with_their_own_terms_equal_pyshacl(group_cases, group):
    """``validate_graphs`` (the bulk reader's re-validation of flagged files): one store,
    each graph's own terms in the results, as pySHACL gives them file by file."""
    cases = group_cases(group)
    got = batch_engine().validate_graphs({iri: graph for iri, graph, _ in cases})
    expected = {iri: results for iri, _, results in cases if results}
    assert set(got) == set(expected)
    for graph_iri, results in expected.items():
        assert _multiset(got[graph_iri]) == _multiset(results), graph_iri


def test_every_constraint_component_is_hit(group_cases):
    """The comparisons above cannot pass vacuously: every constraint component the shapes
    use produced results (so both engines agreed on real results for each of them)."""
    hit = {r.component for group in GROUPS for _, _, found in group_cases(group) for r in found}
    used = {str(c.component).rsplit("#", 1)[-1] for c in batch_engine().checks}
    assert used - hit == set()


def test_store_restriction_and_typing_graph(group_cases):
    """``graphs`` limits validation; the typing graph is removed again; data untouched."""
    cases = group_cases("random-11")
    with_results = [iri for iri, _, found in cases if found]
    store = ox.Store()
    store.extend(ox.parse(_nquads(cases), format=ox.RdfFormat.N_QUADS))
    before = len(store)
    wanted = with_results[:2]
    got = batch_engine().validate_store(store, wanted)
    assert set(got) == set(wanted)
    assert len(store) == before
    assert not store.contains_named_graph(ox.NamedNode(TYPING_GRAPH))

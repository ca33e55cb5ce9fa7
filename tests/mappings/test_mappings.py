"""SSSOM mapping sets: format, validation rules, bundled content and their SKOS form."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from ruamel.yaml import YAML

from normspace.errors import InputError
from normspace.imports import external_terms, imports_graph, load_config
from normspace.mappings import (
    COLUMNS,
    JUSTIFICATIONS,
    MAPPING_PREDICATES,
    format_sssom,
    mapping_graph,
    mapping_set_paths,
    mapping_stats,
    read_mapping_set,
    read_mapping_sets,
    validate_mapping_sets,
)
from normspace.namespaces import NORM, PREFIXES
from normspace.ontology import term_index
from normspace.resources import resource_dir

CASES = Path(__file__).parents[1] / "data" / "mappings"
BUNDLED = mapping_set_paths()


def _expected(folder: Path) -> dict[str, object]:
    return YAML(typ="safe").load((folder / "expected.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def bundled_sets():
    return read_mapping_sets()


def test_there_are_mapping_sets_for_each_target_family(bundled_sets):
    names = {ms.name for ms in bundled_sets}
    for target in ("airo", "vair", "dpv", "dpv-eu-aiact", "dpv-eu-rights", "valuenet"):
        assert f"normspace-{target}.sssom.tsv" in names


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_bundled_set_is_in_canonical_form(path: Path):
    """Files are written by the canonical writer: sorted rows, fixed key order."""
    assert format_sssom(read_mapping_set(path)) == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_bundled_set_has_sssom_metadata(path: Path):
    ms = read_mapping_set(path)
    for key in ("mapping_set_id", "license", "curie_map", "mapping_set_version"):
        assert ms.metadata.get(key), key
    assert ms.metadata["mapping_set_id"].endswith(path.name)
    header = path.read_text(encoding="utf-8").splitlines()
    table_header = next(line for line in header if not line.startswith("#"))
    assert set(table_header.split("\t")) <= set(COLUMNS)


def test_every_mapping_has_justification_author_and_skos_predicate(bundled_sets):
    for ms in bundled_sets:
        for m in ms.mappings:
            assert m.mapping_justification in JUSTIFICATIONS
            assert m.author_label.strip()
            assert m.predicate_id in MAPPING_PREDICATES


def test_bundled_sets_validate_without_problems(bundled_sets, ontology_graph):
    problems = validate_mapping_sets(bundled_sets, ontology_graph, external_terms())
    assert [str(p) for p in problems] == []


def test_every_mapped_external_iri_is_in_a_vendored_module(bundled_sets):
    known = external_terms()
    missing = [
        (ms.name, m.object_id)
        for ms in bundled_sets
        for m in ms.mappings
        if ms.expand(m.object_id) not in known
    ]
    assert missing == []


#: Vocabularies the core ontology uses without a vendored module, and why.
NOT_VENDORED = {
    "rdf": "the RDF, RDFS, OWL and XSD built-ins NormSpace is written in",
    "rdfs": "the RDF, RDFS, OWL and XSD built-ins NormSpace is written in",
    "owl": "the RDF, RDFS, OWL and XSD built-ins NormSpace is written in",
    "xsd": "the RDF, RDFS, OWL and XSD built-ins NormSpace is written in",
    "skos": "SKOS is NormSpace's own modelling language, not a reused vocabulary",
    "vann": "header annotations of the ontology only",
    "foaf": "not vendored yet (foaf:name of annotators); see docs/mappings.md",
    "prism": "PRISM publishes no RDF schema for its basic 2.0 namespace; see docs/mappings.md",
}


def test_every_external_iri_the_core_ontology_reuses_is_in_a_vendored_module():
    """Reused classes and properties (fabio:ScholarlyWork, oa:hasTarget, schema:author,
    dcterms:source…) exist in a vendored extract of their vocabulary, so a typo or a term
    the vocabulary never defined fails here; vocabularies without a module must be listed
    in NOT_VENDORED with the reason."""
    core = Graph().parse(resource_dir("ontology") / "normspace.ttl")
    config, known = load_config(), external_terms()
    namespaces = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))
    missing, unexplained = [], []
    for iri in sorted({str(t) for triple in core for t in triple if isinstance(t, URIRef)}):
        prefix = next((p for p, ns in namespaces if iri.startswith(ns) and iri != ns), None)
        if prefix is None or prefix == "norm":  # sources, licences, NormSpace's own terms
            continue
        if config.module_for(iri) is None:
            if prefix not in NOT_VENDORED:
                unexplained.append(iri)
        elif iri not in known:
            missing.append(iri)
    assert missing == []
    assert unexplained == []


def test_no_term_is_exact_match_to_two_terms_of_one_vocabulary(bundled_sets):
    known = external_terms()
    exact = Counter(
        (m.subject_id, known[ms.expand(m.object_id)].module)
        for ms in bundled_sets
        for m in ms.mappings
        if m.predicate_id == "skos:exactMatch"
    )
    assert [key for key, n in exact.items() if n > 1] == []


REVIEWED = YAML(typ="safe").load((CASES / "reviewed-predicates.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("subject", "obj", "predicate"), REVIEWED, ids=lambda v: str(v))
def test_reviewed_predicates_stay_as_settled(bundled_sets, subject, obj, predicate):
    found = [
        m.predicate_id
        for ms in bundled_sets
        for m in ms.mappings
        if (m.subject_id, m.object_id) == (subject, obj)
    ]
    assert found == [predicate]


def test_comment_and_predicate_agree_on_which_term_is_broader(bundled_sets):
    """A comment saying NormSpace's term also covers more makes the external term narrower
    (or only related); one saying NormSpace's term is limited makes it broader. An exact or
    close match would overclaim in both cases."""
    wrong = []
    for ms in bundled_sets:
        for m in ms.mappings:
            text = m.comment
            ours_broader = "NormSpace's" in text and (
                "also cover" in text or "also include" in text
            )
            ours_narrower = "NormSpace's" in text and "limited to" in text
            if ours_broader and m.predicate_id not in ("skos:narrowMatch", "skos:relatedMatch"):
                wrong.append((m.subject_id, m.predicate_id, m.object_id))
            if ours_narrower and m.predicate_id not in ("skos:broadMatch", "skos:relatedMatch"):
                wrong.append((m.subject_id, m.predicate_id, m.object_id))
    assert wrong == []


def test_unmappable_dimensions_stay_unmapped(bundled_sets):
    """Aggregation rules, sampling methods, and the research-method, contribution-role,
    design-goal and finding-direction schemes have no counterpart in the targets (which are
    about risks, purposes and legal roles, not about how research is done)."""
    subjects = {m.subject_id for ms in bundled_sets for m in ms.mappings}
    unmappable = {
        "norm:MajorityVote",
        "norm:BordaCount",
        "norm:ConvenienceCrowdSample",
        "norm:CollectiveContestation",
        "norm:AgonisticDevelopment",
    }
    for scheme in ("ResearchMethod", "ContributionRole", "DesignGoal", "FindingDirection"):
        unmappable |= {t.curie for t in term_index().in_scheme(str(NORM[f"{scheme}Scheme"]))}
    assert len(unmappable) > 5 + 30
    assert unmappable & subjects == set()


@pytest.mark.parametrize("name", sorted(_expected(CASES / "invalid-sets")))
def test_validation_reports_the_rule_broken(name: str, ontology_graph):
    folder = CASES / "invalid-sets"
    ms = read_mapping_set(folder / name)
    problems = validate_mapping_sets([ms], ontology_graph, external_terms())
    assert sorted({p.rule for p in problems}) == sorted(_expected(folder)[name])
    assert all(p.line for p in problems), "every problem names its line"


@pytest.mark.parametrize("name", sorted(_expected(CASES / "parse-errors")))
def test_unreadable_set_is_a_clear_input_error(name: str):
    folder = CASES / "parse-errors"
    with pytest.raises(InputError) as err:
        read_mapping_set(folder / name)
    assert name in str(err.value)
    assert _expected(folder)[name] in str(err.value)


def test_skos_export_is_in_sync_with_the_tsv_files(bundled_sets):
    exported = Graph().parse(resource_dir("mappings") / "normspace-mappings.ttl")
    assert isomorphic(exported, mapping_graph(bundled_sets)), (
        "run `normspace mappings export -o mappings/normspace-mappings.ttl`"
    )


def test_skos_export_has_one_triple_per_mapping(bundled_sets):
    graph = mapping_graph(bundled_sets)
    skos = [t for t in graph if str(t[1]).startswith("http://www.w3.org/2004/02/skos/core#")]
    assert len(skos) == sum(len(ms.mappings) for ms in bundled_sets)


def test_stats_count_per_target_and_predicate(bundled_sets):
    stats = mapping_stats(bundled_sets, external_terms())
    total = sum(len(ms.mappings) for ms in bundled_sets)
    assert stats["total"] == total
    assert sum(stats["by_target"].values()) == total
    assert sum(stats["by_predicate"].values()) == total
    assert set(stats["by_predicate"]) == set(MAPPING_PREDICATES)


def test_query_finds_papers_about_stakeholders_dpv_calls_vulnerable(bundled_sets):
    """Mappings plus module hierarchy answer "papers about stakeholders that DPV calls a
    vulnerable human" — including stakeholders mapped to a narrower DPV term."""
    data = Graph().parse(CASES / "query" / "annotations.ttl")
    data += mapping_graph(bundled_sets)
    data += imports_graph()
    query = (CASES / "query" / "vulnerable-stakeholders.rq").read_text(encoding="utf-8")
    rows = {(str(r.paper), str(r.stakeholder)) for r in data.query(query)}
    assert rows == {
        (
            "https://doi.org/10.1145/3630106.3658979",
            "https://w3id.org/normspace#MarginalisedCommunities",
        )
    }


def test_cli_check_and_stats(run_cli):
    result = run_cli("mappings", "check")
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output
    stats = run_cli("mappings", "stats", "--format", "json")
    assert '"by_target"' in stats.output


def test_cli_check_fails_on_invalid_sets(run_cli):
    result = run_cli("mappings", "check", "--mappings", str(CASES / "invalid-sets"))
    assert result.exit_code == 1
    assert "exact-twice-same-scheme.sssom.tsv:10" in result.output


def test_export_writes_skos_turtle(run_cli, tmp_path):
    out = tmp_path / "m.ttl"
    assert run_cli("mappings", "export", "-o", str(out)).exit_code == 0
    graph = Graph().parse(out)
    assert (
        URIRef("https://w3id.org/normspace#Deployers"),
        URIRef("http://www.w3.org/2004/02/skos/core#exactMatch"),
        URIRef("https://w3id.org/dpv/legal/eu/aiact#AIDeployer"),
    ) in graph


def test_fmt_refreshes_stale_labels(run_cli, tmp_path, ontology_graph):
    stale = CASES / "invalid-sets" / "stale-labels.sssom.tsv"
    (tmp_path / stale.name).write_text(stale.read_text(encoding="utf-8"), encoding="utf-8")
    result = run_cli("mappings", "fmt", "--mappings", tmp_path)
    assert result.exit_code == 0, result.output
    ms = read_mapping_set(tmp_path / stale.name)
    assert (ms.mappings[0].subject_label, ms.mappings[0].object_label) == (
        "regulators",
        "Authority",
    )
    assert validate_mapping_sets([ms], ontology_graph, external_terms()) == []
    assert (tmp_path / "normspace-mappings.ttl").is_file()


def test_curie_converter_is_built_once_per_prefix_map(bundled_sets, ontology_graph, monkeypatch):
    """Regression (issue 7): validation rebuilt the ``curies`` converter for every CURIE it
    expanded (1,176 times for 147 mappings, 90 % of the time). Now at most once per
    distinct prefix map, however many rows there are."""
    import curies

    from normspace import mappings

    mappings._converter.cache_clear()
    built: list[dict] = []
    original = curies.Converter.from_prefix_map.__func__

    def counting(cls, prefix_map, *args, **kwargs):
        built.append(dict(prefix_map))
        return original(cls, prefix_map, *args, **kwargs)

    monkeypatch.setattr(curies.Converter, "from_prefix_map", classmethod(counting))
    validate_mapping_sets(bundled_sets, ontology_graph, external_terms())
    validate_mapping_sets(bundled_sets, ontology_graph, external_terms())
    distinct = {tuple(sorted(ms.curie_map.items())) for ms in bundled_sets}
    assert 0 < len(built) <= len(distinct)


def test_converter_follows_an_edited_curie_map(bundled_sets):
    """The cache is keyed by the map's contents: editing a set's curie_map is seen."""
    ms = bundled_sets[0]
    edited = mappings_set_with(ms, {"zzz": "https://example.org/zzz/"})
    assert ms.expand("zzz:X") is None
    assert edited.expand("zzz:X") == "https://example.org/zzz/X"


def mappings_set_with(ms, extra: dict[str, str]):
    from normspace.mappings import MappingSet

    metadata = {**ms.metadata, "curie_map": {**ms.curie_map, **extra}}
    return MappingSet(metadata=metadata, mappings=list(ms.mappings), path=ms.path)


def test_an_external_label_with_stray_spaces_still_matches(ontology_graph):
    """Regression (issue 9): vair:JudicialAuthority's label in the vendored module ends with
    a space; the SSSOM reader strips cells, so the label check could never pass."""
    from normspace.mappings import ExternalTerm, Mapping, MappingSet

    iri = "https://w3id.org/vair#JudicialAuthority"
    external = {iri: ExternalTerm(iri, "judicial authority ", "vair")}
    mapping_set = read_mapping_set(next(p for p in mapping_set_paths() if "vair" in p.name))
    row = Mapping(
        "norm:CourtsAndJudiciary",
        "courts and judiciary",
        "skos:closeMatch",
        "vair:JudicialAuthority",
        "judicial authority",
        "semapv:ManualMappingCuration",
        "NormSpace curators",
    )
    ms = MappingSet(mapping_set.metadata, [row], mapping_set.path)
    problems = validate_mapping_sets([ms], ontology_graph, external)
    assert [p.rule for p in problems] == []

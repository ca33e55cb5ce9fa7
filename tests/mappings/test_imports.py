"""Vendored import modules: extraction, provenance, and agreement with their sources."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from normspace.errors import InputError
from normspace.imports import (
    check_modules,
    default_source_dirs,
    imports_dir,
    load_config,
    module_terms,
    needed_terms,
    plan,
    recorded_sources,
    render_module,
    requested_terms,
    reused_terms,
    sha256,
    update_modules,
)
from normspace.mappings import read_mapping_sets

CASE = Path(__file__).parents[1] / "data" / "mappings" / "imports-case"
EX = "https://example.org/demo#"
CONFIG = load_config()
VENDORED = [spec for spec in CONFIG.modules if CONFIG.module_path(spec).is_file()]


@pytest.fixture
def demo(tmp_path):
    """A copy of the demo import folder, its config and the terms its mapping set uses."""
    shutil.copytree(CASE / "imports", tmp_path / "imports")
    config = load_config(tmp_path / "imports")
    terms = requested_terms(read_mapping_sets(CASE / "mappings"))
    return config, terms, tmp_path / "imports" / "demo.ttl"


def test_extract_keeps_mapped_terms_and_ancestors_only(demo):
    config, terms, path = demo
    [report] = update_modules(config, [CASE / "sources"], terms)
    assert (report.status, report.terms) == ("written", 3)
    assert module_terms(path) == {EX + "Leaf", EX + "Mid", EX + "Top"}
    graph = Graph().parse(path)
    leaf = URIRef(EX + "Leaf")
    assert set(graph.objects(leaf, SKOS.prefLabel)) == {Literal("Leaf", lang="en")}
    assert (leaf, URIRef("http://purl.org/dc/terms/contributor"), None) not in graph
    assert set(graph.objects(leaf, RDFS.subClassOf)) == {URIRef(EX + "Mid")}, "no blank nodes"


def test_module_header_records_source_hash_licence_and_version(demo):
    config, terms, path = demo
    update_modules(config, [CASE / "sources"], terms)
    source = CASE / "sources" / "demo" / "demo.ttl"
    assert recorded_sources(path) == {"demo/demo.ttl": sha256(source)}
    text = path.read_text(encoding="utf-8")
    assert "licence: https://creativecommons.org/licenses/by/4.0/" in text
    graph = Graph().parse(path)
    header = URIRef("https://w3id.org/normspace/imports/demo")
    assert str(graph.value(header, URIRef("http://www.w3.org/2002/07/owl#versionInfo"))) == "1.2"


def test_second_update_changes_nothing(demo):
    config, terms, path = demo
    update_modules(config, [CASE / "sources"], terms)
    first = path.read_bytes()
    [report] = update_modules(config, [CASE / "sources"], terms)
    assert report.status == "unchanged"
    assert path.read_bytes() == first


def test_check_detects_a_module_that_no_longer_matches_its_source(demo):
    config, terms, path = demo
    update_modules(config, [CASE / "sources"], terms)
    assert check_modules(config, [CASE / "sources"], terms) == ([], [])
    path.write_text(path.read_text(encoding="utf-8").replace('"Leaf"@en', '"Leaves"@en'))
    problems, _ = check_modules(config, [CASE / "sources"], terms)
    assert any("differs from a fresh extract" in str(p) for p in problems)


def test_check_without_source_compares_terms_only(demo, tmp_path):
    config, terms, path = demo
    update_modules(config, [CASE / "sources"], terms)
    problems, notes = check_modules(config, [tmp_path / "nowhere"], terms)
    assert problems == [] and notes == ["demo: no full copy at hand, compared terms only"]
    problems, _ = check_modules(config, [tmp_path / "nowhere"], {*terms, EX + "Unrelated"})
    assert [str(p) for p in problems] == [
        f"demo: {EX}Unrelated is mapped or reused but not in demo.ttl"
    ]


def test_bundled_excerpt_is_found_beside_the_config_without_source_dirs(demo, tmp_path):
    """A `bundled: true` source (a verbatim excerpt kept in the repository) is read from the
    imports folder itself, so update and check need no external copy."""
    config, terms, path = demo
    folder = path.parent
    (folder / "upstream").mkdir()
    shutil.copy(CASE / "sources" / "demo" / "demo.ttl", folder / "upstream" / "demo.ttl")
    spec = folder / "sources.yaml"
    spec.write_text(
        spec.read_text(encoding="utf-8").replace(
            "{file: demo/demo.ttl}", "{file: upstream/demo.ttl, bundled: true}"
        ),
        encoding="utf-8",
    )
    config = load_config(folder)
    [report] = update_modules(config, [tmp_path / "nowhere"], terms)
    assert report.status == "written"
    assert recorded_sources(path) == {"upstream/demo.ttl": sha256(folder / "upstream" / "demo.ttl")}
    assert check_modules(config, [tmp_path / "nowhere"], terms) == ([], [])


def test_reused_terms_are_the_ontology_iris_a_module_covers():
    reused = reused_terms(CONFIG)
    for iri in (
        "http://purl.org/spar/fabio/ScholarlyWork",
        "http://www.w3.org/ns/oa#hasTarget",
        "https://schema.org/author",
        "http://purl.org/dc/terms/source",
    ):
        assert iri in reused
    assert not any(i.startswith("http://www.w3.org/2004/02/skos/core#") for i in reused)


def test_update_refuses_new_terms_without_the_full_copy(demo, tmp_path):
    config, terms, _ = demo
    update_modules(config, [CASE / "sources"], terms)
    with pytest.raises(InputError, match="cannot regenerate import module"):
        update_modules(config, [tmp_path / "nowhere"], {*terms, EX + "Unrelated"})


def test_unknown_external_term_is_reported(demo):
    config, terms, _ = demo
    with pytest.raises(InputError, match="Leaff"):
        update_modules(config, [CASE / "sources"], {EX + "Leaff"})


def test_term_outside_every_module_is_reported(demo):
    config, _, _ = demo
    with pytest.raises(InputError, match="no import module covers https://example.com/x"):
        update_modules(config, [CASE / "sources"], {"https://example.com/x"})


@pytest.fixture(scope="module")
def bundled_plan():
    """Full copies at hand (parsed once) and the terms each module must hold."""
    return plan(CONFIG, default_source_dirs(), needed_terms(CONFIG))


@pytest.mark.parametrize("spec", VENDORED, ids=lambda s: s.name)
def test_bundled_module_matches_its_source_when_available(spec, bundled_plan):
    """Re-extracting from the full copy gives the vendored bytes (skipped without a copy)."""
    loaded, assignment = bundled_plan
    module = loaded.get(spec.name)
    if module is None:
        pytest.skip(f"no full copy of {spec.name} on this machine")
    path = CONFIG.module_path(spec)
    recorded = recorded_sources(path)
    for source, file in module.files:
        assert recorded[source.label] == sha256(file)
    assert render_module(module, assignment[spec.name]) == path.read_text(encoding="utf-8")


def test_vulnerable_human_hierarchy_is_vendored():
    """Hierarchy needed at run time: dpv:VulnerableHuman and its ancestors are in the dpv module."""
    graph = Graph().parse(imports_dir() / "dpv.ttl")
    vulnerable = URIRef("https://w3id.org/dpv#VulnerableHuman")
    assert (vulnerable, SKOS.broader, URIRef("https://w3id.org/dpv#HumanSubject")) in graph
    assert (URIRef("https://w3id.org/dpv#HumanSubject"), SKOS.prefLabel, None) in graph


def test_cli_imports_check(run_cli):
    """Every mapped IRI is in its module, licences exist, available sources match."""
    result = run_cli("imports", "check")
    assert result.exit_code == 0, result.output
    assert "import modules OK" in result.output

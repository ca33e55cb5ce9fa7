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
    plan,
    recorded_sources,
    render_module,
    requested_terms,
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
    assert [str(p) for p in problems] == [f"demo: {EX}Unrelated is mapped but not in demo.ttl"]


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
    return plan(CONFIG, default_source_dirs(), requested_terms())


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

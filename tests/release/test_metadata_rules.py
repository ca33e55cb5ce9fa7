"""The FOOPS!-style QC rules (queries/qc/metadata-*.rq) on a header with gaps."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from normspace.namespaces import curie
from normspace.ontology import parse_files
from normspace.qc import load_rules, run_rules

CASE = Path(__file__).parents[1] / "data" / "release" / "metadata"
EXPECTED = YAML(typ="safe").load((CASE / "expected.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def findings():
    rules = [r for r in load_rules() if r.name in EXPECTED]
    assert {r.name for r in rules} == set(EXPECTED)
    return run_rules(parse_files([CASE / "bad-header.ttl"]), rules)


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_metadata_rule_reports_the_gap(findings, rule):
    found = sorted(
        [curie(f.property) if f.property else None, f.value] for f in findings if f.rule == rule
    )
    assert found == sorted(EXPECTED[rule])
    assert all(f.entity == "https://w3id.org/normspace" for f in findings if f.rule == rule)


def test_bundled_ontology_passes_the_metadata_rules(ontology_graph):
    rules = [r for r in load_rules() if r.name.startswith("metadata-")]
    assert run_rules(ontology_graph, rules) == []

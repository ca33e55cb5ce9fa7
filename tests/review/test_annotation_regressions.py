"""Regression tests from the review of the annotation commands: one test per bug, each failing
on the code before its fix (the `validate --format ttl` one is in test_review_regressions.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from normspace.annotation import load_annotation, parse_text, terms
from normspace.cli.convert import TARGETS
from normspace.namespaces import NORM
from normspace.ontology import TermIndex, load_ontology, term_index

ANNOTATION_DATA = Path(__file__).parents[1] / "data" / "annotation"
REVIEW = ANNOTATION_DATA / "review"
ALL_SECTIONS = ANNOTATION_DATA / "valid" / "ouyang2022-all-sections.yaml"
UNKNOWN_TERM = ANNOTATION_DATA / "invalid" / "unknown-term.yaml"

MINIMAL = """paper:
  title: "Conceptualising Contestability"
  year: 2021
  doi: "{doi}"
annotation:
  annotator: "Jane Doe"
  date: 2026-11-27
tags:
  approaches: [norm:RLHF]
"""


def _problems(result) -> list[dict]:
    return json.loads(result.stdout)["problems"]


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld", "trig"])
def test_validate_tells_rdf_files_to_be_converted_first(fmt: str, tmp_path: Path, run_cli) -> None:
    """Bug 2: `validate x.ttl` said "YAML syntax error: found character '@'" instead of
    saying that the file is RDF and how to turn it into an annotation file."""
    rdf = tmp_path / f"paper.{fmt}"
    rdf.write_text(run_cli("convert", ALL_SECTIONS, "--to", fmt).stdout, encoding="utf-8")
    result = run_cli("validate", rdf)
    assert result.exit_code == 2
    assert (
        f"{rdf}: error: not a YAML annotation file; convert it with "
        f"`normspace convert {rdf} --to yaml` first"
    ) in result.stdout
    assert "YAML syntax" not in result.stdout


def test_deprecated_terms_are_reported_with_their_replacement(monkeypatch, run_cli) -> None:
    """Bug 3: a file using a term marked `owl:deprecated` (by CURIE or by label) validated
    silently; it must warn and name the `dcterms:isReplacedBy` replacement."""
    ontology = Graph() + load_ontology()
    ontology.parse(REVIEW / "deprecations.ttl", format="turtle")
    index = TermIndex.from_graph(ontology)
    assert index.get(str(NORM.Fairness)).replaced_by == (str(NORM.Justice),)
    monkeypatch.setattr(terms, "term_index", lambda: index)
    result = run_cli("validate", "--format", "json", REVIEW / "deprecated-terms.yaml")
    assert result.exit_code == 0  # a warning, not an error
    found = [
        (p["line"], p["field"], p["value"], p["severity"], p["message"], p["suggestion"])
        for p in _problems(result)
        if p["rule"] == "deprecated-term"
    ]
    replaced = "`norm:Fairness` (fairness) is deprecated; use `norm:Justice` (justice) instead"
    assert found == [
        (14, "tags.values[1]", "norm:Fairness", "warning", replaced, "`norm:Justice`"),
        (
            14,
            "tags.values[2]",
            "norm:Harmlessness",
            "warning",
            "`norm:Harmlessness` (harmlessness) is deprecated; it has no replacement; "
            "choose a current term",
            None,
        ),
        (20, "trade_offs[0].values[1]", "fairness", "warning", replaced, "`norm:Justice`"),
    ]


@pytest.mark.parametrize("flag", ["-f", "--format", "--to"])
def test_convert_takes_the_shared_format_flag(flag: str, run_cli) -> None:
    """Bug 4: `convert` only knew `--to`, while every other command names its output format
    with `-f/--format`; `--to` stays as an alias, the choices come from one registry."""
    result = run_cli("convert", ALL_SECTIONS, flag, "nt")
    assert result.exit_code == 0
    converted = Graph().parse(data=result.stdout, format="nt")
    assert isomorphic(converted, load_annotation(ALL_SECTIONS).graph)
    bad = run_cli("convert", ALL_SECTIONS, flag, "csv")
    assert bad.exit_code == 2
    assert ", ".join(f"'{t}'" for t in TARGETS) in bad.stderr


def test_typo_gets_only_the_clearly_closest_term(run_cli) -> None:
    """Bug 5: `norm:Fairnes` suggested `norm:Fairness` but also `norm:FairnessCheating` and
    `norm:Harmlessness`, which are much less similar than the obvious correction."""
    result = run_cli("validate", "--format", "json", UNKNOWN_TERM)
    [problem] = _problems(result)
    assert problem["suggestion"] == "`norm:Fairness`"
    values = str(NORM.ValueScheme)
    assert term_index().suggest("norm:Fairnes", values) == ["norm:Fairness"]
    assert len(term_index().suggest("norm:Value", values)) <= 3


@pytest.mark.parametrize(
    "written",
    ["https://doi.org/10.1145/3449180", "doi:10.1145/3449180", "http://dx.doi.org/10.1145/3449180"],
)
def test_doi_prefix_is_dropped_with_a_warning(written: str) -> None:
    """Bug 6: a DOI written with a resolver or `doi:` prefix was normalised silently; the
    annotator must learn that (and how to write it) without the file becoming invalid."""
    parsed = parse_text(MINIMAL.format(doi=written), "prefixed.yaml")
    assert parsed.document is not None
    assert parsed.document.paper_iri == "https://doi.org/10.1145/3449180"
    [problem] = parsed.problems
    assert (problem.rule, problem.severity, problem.line, problem.field) == (
        "doi-prefix",
        "warning",
        4,
        "paper.doi",
    )
    assert f"`{written}` was normalised to the DOI `10.1145/3449180`" in problem.message
    assert problem.suggestion == '`doi: "10.1145/3449180"`'
    bare = parse_text(MINIMAL.format(doi="10.1145/3449180"), "bare.yaml")
    assert bare.problems == []

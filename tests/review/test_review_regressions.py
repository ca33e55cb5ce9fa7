"""Regression tests from the independent review of issues 2-4: each fails on a real bug."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF

from normspace.namespaces import NORM, SH
from normspace.release import deprecated_uses, ontology_files, parse_files

CORPUS_FILE = (
    Path(__file__).parents[2] / "examples" / "corpus" / "alfrink2023-contestable-ai-by-design.yaml"
)

BROKEN = {
    "unknown-term": ("term: norm:Fairness", "term: norm:Fairnes"),
    "wrong-scheme": ("term: norm:Dignity", "term: norm:DecisionSubjects"),
    "malformed-doi": ('doi: "10.1007/s11023-022-09611-z"', 'doi: "10.1007s11023"'),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_validate_ttl_report_never_says_conforms_for_an_invalid_file(
    case: str, tmp_path: Path, run_cli
) -> None:
    """`normspace validate -f ttl` is the machine-readable report: a user (or CI script)
    that reads `sh:conforms` expects `false` for a file that the same command rejects with
    exit 1 — today an unknown or wrong-scheme term yields `sh:conforms true`, and a
    malformed DOI yields no report for the file at all."""
    old, new = BROKEN[case]
    text = CORPUS_FILE.read_text(encoding="utf-8")
    assert old in text
    broken = tmp_path / f"{case}.yaml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = run_cli("validate", "--format", "ttl", str(broken))
    assert result.exit_code == 1
    graph = Graph().parse(data=result.stdout, format="turtle")
    reports = [
        r
        for r in graph.subjects(RDF.type, SH.ValidationReport)
        if graph.value(r, DCTERMS.source) == Literal(str(broken))
    ]
    assert reports, "no validation report for the invalid file"
    assert all(graph.value(r, SH.conforms) == Literal(False) for r in reports)


def test_deprecated_term_used_by_label_in_corpus_blocks_release(tmp_path: Path) -> None:
    """Annotation files may name a term by its exact preferred label (`fairness`), so a user
    expects the deprecated-term check of `normspace release` to catch a deprecated term used
    that way in the corpus, exactly as it does for `norm:Fairness`."""
    ontology = parse_files(ontology_files())
    fairness = URIRef(str(NORM) + "Fairness")
    ontology.add((fairness, OWL.deprecated, Literal(True)))
    ontology.add((fairness, DCTERMS.isReplacedBy, URIRef(str(NORM) + "Justice")))
    by_label = tmp_path / "by-label.yaml"
    by_label.write_text(
        CORPUS_FILE.read_text(encoding="utf-8").replace("term: norm:Fairness", "term: fairness"),
        encoding="utf-8",
    )
    uses = deprecated_uses(ontology, [by_label])
    assert [u.term for u in uses] == [str(fairness)]

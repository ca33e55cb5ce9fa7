"""docs/ontology.md shows one fully annotated paper; keep it true to the corpus and the shapes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from normspace.annotation import load_annotation
from normspace.shacl import annotation_engine

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "ontology.md"
SOURCE = ROOT / "examples" / "corpus" / "huang2024-collective-constitutional-ai.yaml"


@pytest.fixture(scope="module")
def documented_graph() -> Graph:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(
        r"<!-- annotated-paper:begin -->\s*```turtle\n(.*?)```\s*<!-- annotated-paper:end -->",
        text,
        re.S,
    )
    assert match, "docs/ontology.md lost its annotated-paper Turtle block"
    return Graph().parse(data=match.group(1), format="turtle")


def test_documented_example_matches_corpus_file(documented_graph: Graph) -> None:
    """Regenerate with `normspace convert <SOURCE> -f ttl` when this fails."""
    assert isomorphic(documented_graph, load_annotation(SOURCE).graph)


def test_documented_example_conforms_to_annotation_shapes(documented_graph: Graph) -> None:
    report = annotation_engine().validate(documented_graph)
    assert report.conforms, [r.message for r in report.violations]


def test_every_dimension_is_documented() -> None:
    from normspace.namespaces import curie
    from normspace.ontology import DIMENSIONS

    text = DOC.read_text(encoding="utf-8")
    for cls, scheme in DIMENSIONS:
        assert f"`{curie(str(cls))}`" in text
        assert f"`{curie(str(scheme))}`" in text


def test_documented_term_counts_are_true() -> None:
    """The dimension table in docs/ontology.md states term counts; they must match the ontology."""
    from normspace.namespaces import expand
    from normspace.ontology import term_index

    rows = re.findall(
        r"^\|[^|\n]*\|[^|\n]*\|[^|\n]*\| `(norm:\w+Scheme)` \| (\d+) \|",
        DOC.read_text(encoding="utf-8"),
        re.M,
    )
    assert len(rows) >= 12
    for scheme, count in rows:
        assert len(term_index().in_scheme(expand(scheme))) == int(count), scheme

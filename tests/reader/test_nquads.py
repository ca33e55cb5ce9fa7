"""annotation_nquads (N-Quads written without rdflib terms) against annotation_graph (the
rdflib graph the validator uses): the same triples, isomorphic, on every annotation the
suite, the bundled corpus and synthetic corpora have, and on tricky literals."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph
from rdflib.compare import isomorphic

from normspace.annotation.from_yaml import read_annotation
from normspace.annotation.to_rdf import NQuadsSink, annotation_graph, annotation_nquads
from normspace.annotation.yaml_source import YamlSourceError, parse_yaml, read_text

from .conftest import CORPUS, FIXTURES, SEEDS

GRAPH = "https://example.org/graph/one"


def _triples_of(nquads: str) -> Graph:
    """The triples of an N-Quads text, every line of which must be in ``GRAPH``."""
    suffix = f" <{GRAPH}> ."
    lines = nquads.splitlines()
    assert all(line.endswith(suffix) for line in lines)
    ntriples = "".join(line[: -len(suffix)] + " .\n" for line in lines)
    return Graph().parse(data=ntriples, format="nt")


def _ground(quads: list[ox.Quad]) -> set[str]:
    """The triples without blank nodes, as Oxigraph reads them."""
    return {
        f"{q.subject} {q.predicate} {q.object}"
        for q in quads
        if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
    }


def differences(text: str, name: str) -> list[str]:
    """How the N-Quads of the file at ``text`` differ from its rdflib graph (empty: none)."""
    annotation = read_annotation(parse_yaml(text, name)).annotation
    try:
        graph = annotation_graph(annotation)[0]
    except (AssertionError, StopIteration, TypeError, ValueError) as exc:
        with pytest.raises(type(exc)):
            annotation_nquads(annotation, GRAPH, "b")
        return []
    nquads = annotation_nquads(annotation, GRAPH, "f1x")
    found = []
    parsed = _triples_of(nquads)
    if not isomorphic(graph, parsed):
        found.append(f"{name}: not isomorphic ({len(graph)} vs {len(parsed)} triples)")
    quads = list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    if len(quads) != len(graph) or len(nquads.splitlines()) != len(graph):
        found.append(f"{name}: {len(quads)} quads for {len(graph)} triples")
    reference = list(ox.parse(graph.serialize(format="nt"), format=ox.RdfFormat.N_TRIPLES))
    if _ground(quads) != _ground(reference):
        found.append(f"{name}: Oxigraph reads other triples")
    return found


def _file_differences(paths: list[Path]) -> list[str]:
    found: list[str] = []
    for path in paths:
        try:
            text = read_text(path)
            parse_yaml(text, str(path))
        except YamlSourceError:
            continue  # no model to build
        found += differences(text, str(path))
    return found


def test_every_yaml_fixture_gives_the_same_triples():
    assert _file_differences(FIXTURES) == []


def test_bundled_corpus_gives_the_same_triples():
    assert _file_differences(CORPUS) == []


@pytest.mark.parametrize("seed", SEEDS)
def test_synthetic_corpus_gives_the_same_triples(synthetic_corpora, seed):
    assert _file_differences(synthetic_corpora[seed]) == []


TEMPLATE = """format: 2
paper:
  title: {title}
  year: {year}
  doi: "10.1145/3359283"
  authors: [{author}, "Second Author"]
annotation:
  annotator: {{name: "Jane Doe", orcid: "0000-0002-1825-0097"}}
  date: 2026-11-27
  note: {title}
contribution:
  role: proposes
  approaches:
    - term: norm:RLHF
      confidence: {confidence}
      evidence: {{quote: "q \\\\ \\" q", location: "p. 1"}}
  findings:
    - measure: norm:EloRating
      value: {confidence}
      unit: "%"
"""

#: literals whose N-Quads form needs escaping or whose rdflib form is normalised
TRICKY = [
    ('"quote \\" and backslash \\\\ here"', 2019, "0.70"),
    ('"line\\nbreak and carriage\\rreturn"', 999, "1"),
    ('"tab\\there, bell \\a, nul-free \\x7f"', 1, "0.5"),
    ("'caf\u00e9 \U0001f600 \u4e2d\u6587'", 2026, "0.123456789012345678"),
    ('"<not an IRI> ^^ @en"', 2000, "1e-1"),
    ("|\n    literal block\n    with two lines", 1999, "0"),
    ('"trailing backslash \\\\"', 2019, "100"),
]


@pytest.mark.parametrize(("title", "year", "confidence"), TRICKY)
def test_tricky_literals_give_the_same_triples(title, year, confidence):
    text = TEMPLATE.format(
        title=title, year=year, author='"Ann \\"A\\" Author"', confidence=confidence
    )
    assert differences(text, "tricky.yaml") == []


def test_blank_nodes_of_files_sharing_a_stream_stay_apart():
    """Two files, each with its own prefix, in one stream: no blank node is shared."""
    text = TEMPLATE.format(title="T", year=2019, author="A", confidence="0.5")
    annotation = read_annotation(parse_yaml(text, "a.yaml")).annotation
    one = annotation_nquads(annotation, GRAPH, "f1x")
    two = annotation_nquads(annotation, GRAPH, "f2x")
    merged = _triples_of(one + two)
    single = annotation_graph(annotation)[0]
    bnodes = {n for n in single.all_nodes() if isinstance(n, BNode)}
    assert bnodes  # the test needs blank nodes to mean anything
    assert len(merged) == 2 * len(single) - sum(
        1 for s, _, o in single if not isinstance(s, BNode) and not isinstance(o, BNode)
    )
    assert all(label.startswith("_:f1x") for label in _bnode_labels(one))
    assert all(label.startswith("_:f2x") for label in _bnode_labels(two))


def _bnode_labels(nquads: str) -> set[str]:
    return {
        token for line in nquads.splitlines() for token in line.split() if token.startswith("_:")
    }


@pytest.mark.parametrize(
    ("iri", "char", "escape"),
    [
        ('https://x.org/a"b', '"', "%22"),
        ("https://x.org/<a>", "<", "%3C"),
        ("https://x.org/a b", " ", "%20"),
        ("https://x.org/{a}", "{", "%7B"),
        ("https://x.org/a\\b", "\\", "%5C"),
    ],
)
def test_an_iri_a_store_would_refuse_is_an_error_not_a_broken_line(iri, char, escape):
    """rdflib's graph takes such a URIRef (and warns); a line with it would break the
    whole N-Quads stream in the store, so the N-Quads path names the IRI instead."""
    sink = NQuadsSink(GRAPH, "b")
    with pytest.raises(ValueError) as caught:
        sink.iri(iri)
    assert str(caught.value) == (
        f"`{iri}` cannot be an IRI: it contains {char!r} (escape it as {escape}, "
        "or give the text without `http(s)://`)"
    )


@pytest.mark.parametrize(
    ("source", "is_iri"),
    [
        ("https://example.org/guidelines", True),
        ("https://example.org/<draft>", False),  # not an IRI: kept as citation text
        ("https://example.org/a b", False),
        ("Smith 2020, p. 4", False),
    ],
)
def test_a_request_source_is_an_iri_only_when_it_can_be_one(source, is_iri):
    text = REQUEST_TEMPLATE.format(source=source)
    assert differences(text, "request.yaml") == []
    nquads = annotation_nquads(read_annotation(parse_yaml(text, "r.yaml")).annotation, GRAPH, "b")
    source_line = next(line for line in nquads.splitlines() if "/terms/source>" in line)
    assert (f"<{source}>" in source_line) is is_iri


REQUEST_TEMPLATE = """format: 2
paper:
  title: T
  doi: "10.1145/3359283"
annotation:
  annotator: {{name: "Jane Doe"}}
  date: 2026-11-27
contribution:
  role: proposes
  approaches: [norm:RLHF]
  values:
    - request: {{label: "New value", definition: "A value.", source: "{source}"}}
"""


@pytest.mark.parametrize("prefix", ["a-b", "x y", "é", "_:b", "a.b"])
def test_a_blank_node_prefix_that_is_no_label_is_refused(prefix):
    with pytest.raises(ValueError) as caught:
        NQuadsSink(GRAPH, prefix)
    assert str(caught.value) == (
        f"blank-node prefix {prefix!r}: use letters, digits and `_` (e.g. `f12x`), so that "
        "`_:{prefix}{n}` is an N-Quads label"
    )

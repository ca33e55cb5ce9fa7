"""``normspace release``: reproducible, isomorphic, versioned artefacts and release notes."""

from __future__ import annotations

import filecmp
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, SKOS
from ruamel.yaml import YAML

from normspace.errors import InputError
from normspace.jsonldcontext import bundled_context_text, jsonld_context
from normspace.mappings import parse_sssom
from normspace.namespaces import NORM, ONTOLOGY_IRI
from normspace.ontology import parse_files
from normspace.qc import UsageIndex, load_rules, run_rules
from normspace.release import (
    ARTEFACTS,
    DeprecatedUse,
    Version,
    build_release,
    deprecated_terms,
    deprecated_uses,
    ontology_version,
    w3id_htaccess,
    write_jsonld,
    write_ntriples,
    write_rdfxml,
)
from normspace.releasediff import diff_markdown, previous_snapshot, read_terms, term_table

REPO = Path(__file__).resolve().parents[2]

DATA = Path(__file__).parents[1] / "data" / "release"
RDF_FORMATS = [
    (ARTEFACTS["turtle"], "turtle"),
    (ARTEFACTS["rdfxml"], "xml"),
    (ARTEFACTS["jsonld"], "json-ld"),
    (ARTEFACTS["ntriples"], "nt"),
]


@pytest.fixture(scope="session")
def release_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release")
    build_release(out, w3id_base="https://example.org/normspace")
    return out


@pytest.fixture(scope="session")
def version(ontology_graph) -> Version:
    return ontology_version(ontology_graph)


def test_second_build_in_another_process_is_byte_identical(release_dir, tmp_path):
    """Reproducible: a fresh process (other hash seed) writes the same bytes."""
    out = tmp_path / "again"
    code = (
        "from pathlib import Path; from normspace.release import build_release; "
        f"build_release(Path({str(out)!r}), w3id_base='https://example.org/normspace')"
    )
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=REPO)
    compared = filecmp.dircmp(release_dir, out)
    assert not compared.left_only and not compared.right_only
    files = sorted(p.relative_to(release_dir) for p in release_dir.rglob("*") if p.is_file())
    _, mismatch, errors = filecmp.cmpfiles(release_dir, out, [str(f) for f in files], shallow=False)
    assert mismatch == [] and errors == []


@pytest.mark.parametrize(("name", "fmt"), RDF_FORMATS)
def test_serialisations_are_isomorphic_to_the_source(release_dir, ontology_graph, name, fmt):
    graph = Graph().parse(release_dir / name, format=fmt)
    assert len(graph) == len(ontology_graph)
    assert isomorphic(graph, ontology_graph)


@pytest.mark.parametrize(
    "name",
    [ARTEFACTS[k] for k in ("turtle", "rdfxml", "jsonld", "ntriples", "skos", "mappings")],
)
def test_rdf_artefacts_carry_ontology_iri_and_version(release_dir, version, name):
    fmt = {".owl": "xml", ".jsonld": "json-ld", ".nt": "nt"}.get(Path(name).suffix, "turtle")
    graph = Graph().parse(release_dir / name, format=fmt)
    header = URIRef(ONTOLOGY_IRI)
    assert (header, RDF.type, OWL.Ontology) in graph
    assert (header, OWL.versionIRI, URIRef(version.iri)) in graph
    assert (header, OWL.versionInfo, Literal(version.info)) in graph


def test_shapes_context_and_sssom_carry_the_version(release_dir, version):
    shapes = Graph().parse(release_dir / ARTEFACTS["shapes"])
    node = URIRef("https://w3id.org/normspace/shapes")
    assert (node, OWL.versionInfo, Literal(version.info)) in shapes
    assert (node, URIRef("http://purl.org/dc/terms/isPartOf"), URIRef(ONTOLOGY_IRI)) in shapes
    published = (release_dir / ARTEFACTS["context"]).read_text(encoding="utf-8")
    assert published == bundled_context_text()  # one context: the release publishes the bundled one
    context = json.loads(published)
    assert context["owl:versionIRI"] == version.iri
    for path in (release_dir / "mappings").glob("*.sssom.tsv"):
        ms = parse_sssom(path.read_text(encoding="utf-8"), path.name)
        assert ms.metadata["mapping_set_version"] == version.info
        assert ms.metadata["subject_source_version"] == version.iri


def test_rdfxml_loads_in_owlready2(release_dir, ontology_graph):
    """The RDF/XML is plain enough for OWL tools (owlready2 parses it like the OWL API)."""
    import owlready2

    world = owlready2.World()
    onto = world.get_ontology((release_dir / ARTEFACTS["rdfxml"]).as_uri()).load()
    classes = {c.iri for c in onto.classes()}
    assert "https://w3id.org/normspace#PaperAnnotation" in classes
    concepts = set(ontology_graph.subjects(RDF.type, SKOS.Concept))
    assert len(list(onto.individuals())) == len(concepts)


def test_skos_flavour_is_taxonomy_only(release_dir, ontology_graph):
    skos = Graph().parse(release_dir / ARTEFACTS["skos"])
    types = set(skos.objects(None, RDF.type))
    assert types == {SKOS.Concept, SKOS.ConceptScheme, OWL.Ontology}
    assert set(skos.subjects(RDF.type, SKOS.Concept)) == set(
        ontology_graph.subjects(RDF.type, SKOS.Concept)
    )
    for child, parent in skos.subject_objects(SKOS.broader):
        assert (parent, SKOS.narrower, child) in skos
    for top, scheme in skos.subject_objects(SKOS.topConceptOf):
        assert (scheme, SKOS.hasTopConcept, top) in skos
    assert any(skos.triples((None, SKOS.exactMatch, None))), "mappings are included"


def test_jsonld_context_reads_annotation_data(ontology_graph):
    context = jsonld_context(ontology_graph)["@context"]
    doc = json.loads((DATA / "annotation.jsonld").read_text(encoding="utf-8"))
    doc["@context"] = context
    graph = Graph().parse(data=json.dumps(doc), format="json-ld")
    expected = Graph().parse(DATA / "annotation.expected.ttl")
    assert isomorphic(graph, expected)


def test_release_notes_against_previous_terms():
    folder = DATA / "diff"
    ontology = parse_files([folder / "ontology.ttl"])
    notes = diff_markdown(
        read_terms(folder / "0.1.0-terms.tsv"),
        read_terms(text=term_table(ontology)),
        ontology_version(ontology),
        folder / "0.1.0-terms.tsv",
    )
    assert notes == (folder / "expected-notes.md").read_text(encoding="utf-8")


def test_previous_snapshot_is_the_newest_older_release(tmp_path):
    for v in ("0.1.0", "0.2.0", "0.10.0", "1.0.0"):
        (tmp_path / f"{v}-terms.tsv").write_text("")
    assert previous_snapshot("0.10.1", tmp_path).name == "0.10.0-terms.tsv"
    assert previous_snapshot("0.1.0", tmp_path) is None


def test_first_release_notes_count_terms(release_dir, ontology_graph):
    notes = (release_dir / ARTEFACTS["notes"]).read_text(encoding="utf-8")
    terms = read_terms(release_dir / ARTEFACTS["terms"])
    if previous_snapshot(ontology_version(ontology_graph).info) is None:
        assert f"First release: {len(terms)} terms." in notes


def test_deprecated_terms_in_corpus_and_shapes_are_found():
    folder = DATA / "deprecated"
    ontology = parse_files([folder / "ontology.ttl"])
    uses = deprecated_uses(ontology, [folder / "corpus.yaml", folder / "shapes.ttl"])
    assert [(u.term.rsplit("#", 1)[1], [Path(f).name for f in u.files]) for u in uses] == [
        ("Candour", ["corpus.yaml"]),
        ("Frankness", ["shapes.ttl"]),
    ]
    assert uses[0].replacements == ("https://w3id.org/normspace#Honesty",)


#: Terms that moved to another dimension (issue 8: research methods were evaluation criteria);
#: their replacements live in the new scheme, and their scope notes name the new slot.
MOVED_TO_ANOTHER_SCHEME = {
    NORM[name]: NORM.ResearchMethodScheme
    for name in (
        "CaseStudy",
        "ConceptualAnalysis",
        "InterviewStudy",
        "LiteratureReview",
        "SystematicReview",
        "QualitativeAnalysis",
    )
}


def test_bundled_deprecations_point_to_current_terms_of_the_same_scheme(ontology_graph):
    """Annotators told to re-tag a deprecated term get replacements they can use in the
    same slot: current (not deprecated) terms of the deprecated term's own scheme, unless
    the concept moved to another dimension on purpose."""
    deprecated = deprecated_terms(ontology_graph)
    assert deprecated, "the bundled ontology has at least one deprecation to check"
    for term, replacements in deprecated.items():
        scheme = ontology_graph.value(URIRef(term), SKOS.inScheme)
        scheme = MOVED_TO_ANOTHER_SCHEME.get(URIRef(term), scheme)
        assert replacements, term
        for replacement in replacements:
            assert replacement not in deprecated, (term, replacement)
            assert ontology_graph.value(URIRef(replacement), SKOS.inScheme) == scheme


def test_deprecated_use_names_every_replacement():
    use = DeprecatedUse(
        "https://w3id.org/normspace#StratifiedQuotaSample",
        (
            "https://w3id.org/normspace#QuotaSample",
            "https://w3id.org/normspace#StratifiedRandomSample",
        ),
        ("corpus/a.yaml",),
    )
    assert str(use) == (
        "deprecated norm:StratifiedQuotaSample is used in corpus/a.yaml; "
        "use norm:QuotaSample or norm:StratifiedRandomSample"
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("corpus.yaml", ["Candour"]),  # by CURIE
        ("label-in-draft.yaml", ["Candour"]),  # by label, file the reader cannot build
        ("label-in-annotation.yaml", ["Candour"]),  # by label in a slot; not the free text
    ],
)
def test_deprecated_terms_are_found_by_curie_and_by_label(name, expected):
    """Annotation files accept CURIEs and exact preferred labels, so both block a release."""
    folder = DATA / "deprecated"
    ontology = parse_files([folder / "ontology.ttl"])
    uses = deprecated_uses(ontology, [folder / name])
    assert [u.term.rsplit("#", 1)[1] for u in uses] == expected
    assert all(u.files == (str(folder / name),) for u in uses)


@pytest.mark.parametrize(
    "rule",
    sorted(YAML(typ="safe").load((DATA / "deprecated" / "expected.yaml").read_text())),
)
def test_deprecation_qc_rules(rule):
    folder = DATA / "deprecated"
    ontology = parse_files([folder / "ontology.ttl"])
    usage = UsageIndex()
    usage.add_graph(Graph().parse(folder / "shapes.ttl"), "shapes.ttl")
    usage.add([URIRef("https://w3id.org/normspace#Candour")], "corpus.yaml")
    [qc_rule] = [r for r in load_rules() if r.name == rule]
    found = [
        [
            "norm:" + f.entity.rsplit("#", 1)[1],
            f.value if "#" not in (f.value or "") else "norm:" + f.value.rsplit("#", 1)[1],
        ]
        for f in run_rules(ontology, [qc_rule], usage)
    ]
    expected = YAML(typ="safe").load((folder / "expected.yaml").read_text())[rule]
    assert sorted(found) == sorted(expected)


def test_release_refuses_when_deprecated_term_in_use(monkeypatch, tmp_path):
    import normspace.release as release

    folder = DATA / "deprecated"
    monkeypatch.setattr(release, "usage_files", lambda: [folder / "corpus.yaml"])
    ontology = tmp_path / "o.ttl"
    ontology.write_text(
        (folder / "ontology.ttl").read_text()
        + "\n<https://w3id.org/normspace> a <http://www.w3.org/2002/07/owl#Ontology> ; "
        "<http://www.w3.org/2002/07/owl#versionIRI> <https://w3id.org/normspace/9.9.9> ; "
        '<http://www.w3.org/2002/07/owl#versionInfo> "9.9.9" .\n'
    )
    from normspace.errors import ValidationFailure

    with pytest.raises(
        ValidationFailure, match="norm:Candour is used in .*corpus.yaml; use norm:Honesty"
    ):
        build_release(tmp_path / "out", ontology_paths=[ontology])


def test_version_iri_must_name_the_version(tmp_path):
    bad = tmp_path / "o.ttl"
    bad.write_text(
        "<https://w3id.org/normspace> a <http://www.w3.org/2002/07/owl#Ontology> ; "
        "<http://www.w3.org/2002/07/owl#versionIRI> <https://w3id.org/normspace/0.1.0> ; "
        '<http://www.w3.org/2002/07/owl#versionInfo> "0.2.0" .\n'
    )
    with pytest.raises(InputError, match="does not end with owl:versionInfo"):
        ontology_version(parse_files([bad]))


def test_writers_handle_blank_nodes_and_literals():
    data = """@prefix ex: <https://example.org/> .
    ex:a ex:p [ ex:q "x < y & \\"z\\""@en ; ex:r 3 ] ; ex:s "line1\\nline2" ."""
    graph = Graph().parse(data=data, format="turtle")
    for text, fmt in (
        (write_rdfxml(graph), "xml"),
        (write_jsonld(graph), "json-ld"),
        (write_ntriples(graph), "nt"),
    ):
        assert isomorphic(Graph().parse(data=text, format=fmt), graph), fmt


FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
W3ID_CASES = [
    ("", "text/turtle", "0.1.0/normspace.ttl"),
    ("", "application/rdf+xml", "0.1.0/normspace.owl"),
    ("", "application/ld+json", "0.1.0/normspace.jsonld"),
    ("", "application/n-triples", "0.1.0/normspace.nt"),
    ("", "TEXT/Turtle; charset=utf-8", "0.1.0/normspace.ttl"),
    ("", "text/html,application/xhtml+xml", "0.1.0/docs/index.html"),
    ("", FIREFOX, "0.1.0/docs/index.html"),
    ("", CHROME, "0.1.0/docs/index.html"),
    ("", "*/*", "0.1.0/docs/index.html"),
    # a browser that also lists an RDF type, even first, gets HTML
    ("", "application/rdf+xml;q=0.9, text/html", "0.1.0/docs/index.html"),
    ("", "application/ld+json, application/xhtml+xml;q=0.1", "0.1.0/docs/index.html"),
    # q=0 means "not acceptable"
    ("", "text/html;q=0, text/turtle", "0.1.0/normspace.ttl"),
    ("", "text/turtle;q=0.0, application/rdf+xml", "0.1.0/normspace.owl"),
    # whole media types only, no substrings
    ("", "text/turtlex", "0.1.0/docs/index.html"),
    ("", "application/jsonl", "0.1.0/docs/index.html"),
    ("", "application/x-text/html", "0.1.0/docs/index.html"),
    ("0.0.9", "text/turtle", "0.0.9/normspace.ttl"),
    ("0.0.9", "text/html", "0.0.9/docs/index.html"),
    ("0.0.9", CHROME, "0.0.9/docs/index.html"),
    ("shapes", "text/turtle", "0.1.0/normspace-shapes.ttl"),
    ("mappings/normspace-dpv.sssom.tsv", "*/*", "0.1.0/mappings/normspace-dpv.sssom.tsv"),
    ("context.jsonld", "application/ld+json", "0.1.0/normspace-context.jsonld"),
]


def _resolve(htaccess: str, path: str, accept: str) -> str | None:
    """A minimal mod_rewrite: ``RewriteCond %{HTTP_ACCEPT}`` with ``!`` negation and the
    ``NC``/``OR`` flags (conditions are ANDed, ``OR`` joins a condition with the next),
    ``RewriteRule`` with ``L``."""
    import re

    conds: list[tuple[str, set[str]]] = []
    for line in htaccess.splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        if parts[0] == "RewriteCond":
            assert parts[1] == "%{HTTP_ACCEPT}"
            flags = set(parts[3].strip("[]").split(",")) if len(parts) > 3 else set()
            conds.append((parts[2], flags))
        elif parts[0] == "RewriteRule":
            ok, group = True, False
            for regex, flags in conds:
                negate = regex.startswith("!")
                found = re.search(regex.lstrip("!"), accept, re.I if "NC" in flags else 0)
                group = group or (found is not None) != negate
                if "OR" not in flags:
                    ok, group = ok and group, False
            conds = []
            match = re.match(parts[1], path)
            if ok and match:
                return match.expand(parts[2].replace("$", "\\"))
    return None


@pytest.mark.parametrize(("path", "accept", "target"), W3ID_CASES)
def test_w3id_content_negotiation(path, accept, target):
    text = w3id_htaccess(
        "https://example.org/ns", Version("0.1.0", "https://w3id.org/normspace/0.1.0")
    )
    assert _resolve(text, path, accept) == f"https://example.org/ns/{target}"


def test_release_writes_htaccess(release_dir):
    assert (release_dir / "w3id" / "normspace" / ".htaccess").is_file()


def test_citation_cff_matches_the_ontology(version, ontology_graph):
    cff = YAML(typ="safe").load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    for key in ("cff-version", "message", "title", "authors", "version", "date-released"):
        assert cff.get(key), key
    assert cff["version"] == version.info
    assert str(cff["date-released"]) == version.modified
    assert any(i["value"] == version.iri for i in cff["identifiers"])


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_release_prints_nothing(run_cli, tmp_path, where):
    """Regression: -q did not quiet `release` (it listed every file and a note)."""
    args = ["release", "-o", tmp_path / "r"]
    result = run_cli(*(["-q", *args] if where == "before" else [*args, "-q"]))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert (tmp_path / "r" / "SHA256SUMS").is_file()


def test_cli_release(run_cli, tmp_path):
    result = run_cli("release", "-o", tmp_path / "r")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r" / "SHA256SUMS").is_file()

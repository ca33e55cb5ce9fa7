"""``normspace docs``: HTML built offline without missing-metadata warnings; diagram; FOOPS."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path
from unittest import mock

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from normspace.diagram import core_model, render_svg, to_dot, to_mermaid
from normspace.docsgen import build_docs, metadata_warnings, page_identity_warnings
from normspace.metadata import metadata_checks, metadata_findings
from normspace.namespaces import NORM_IRI, ONTOLOGY_IRI
from normspace.ontology import DIMENSIONS, SUPPORTING_SCHEMES, parse_files

DATA = Path(__file__).parents[1] / "data" / "release"


@pytest.fixture(scope="session")
def docs(tmp_path_factory, ontology_graph):
    """The documentation, built with every network connection refused."""
    out = tmp_path_factory.mktemp("docs")

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access during the docs build: {args}")

    with mock.patch.object(socket.socket, "connect", refuse):
        return build_docs(out, ontology=ontology_graph)


def test_docs_build_without_warnings(docs):
    assert docs.warnings == []


def test_ontology_page_is_titled_and_identified_as_the_ontology(docs, ontology_graph):
    """Regression: pyLODE took the 18 concept schemes for the ontology, titled the page with
    all their titles run together and gave the IRI ...#ValueScheme, with 0 warnings."""
    page = (docs.out / "ontology.html").read_text(encoding="utf-8")
    title = str(ontology_graph.value(URIRef(ONTOLOGY_IRI), DCTERMS.title))
    assert f"<title>{title}</title>" in page
    assert f"<code>{ONTOLOGY_IRI}</code>" in page
    assert "Scheme</code>" not in page.split('id="metadata"', 1)[1].split("</dl>", 1)[0]
    assert page_identity_warnings(page, ontology_graph) == []


def test_a_page_about_another_resource_is_a_warning(ontology_graph):
    """What pyLODE made of the ontology with its schemes: the build now says so."""
    from pylode import OntPub

    graph = Graph()
    graph += ontology_graph
    page = OntPub(ontology=graph).make_html()
    found = page_identity_warnings(page, ontology_graph)
    assert len(found) == 2
    assert found[0].startswith("ontology.html is titled ") and "dcterms:title" in found[0]
    assert "ontology.html gives the IRI <https://w3id.org/normspace#" in found[1]


def test_docs_pages_exist(docs):
    names = {p.name for p in docs.files}
    assert {
        "index.html",
        "ontology.html",
        "shapes.html",
        "core-model.dot",
        "core-model.mmd",
    } <= names


@pytest.mark.parametrize("scheme", [s for _, s in (*DIMENSIONS, *SUPPORTING_SCHEMES)], ids=str)
def test_taxonomy_page_lists_every_term_of_its_scheme(docs, ontology_graph, scheme):
    page = docs.out / f"taxonomy-{str(scheme)[len(NORM_IRI) :]}.html"
    text = page.read_text(encoding="utf-8")
    for term in ontology_graph.subjects(SKOS.inScheme, scheme):
        assert f'id="{str(term)[len(NORM_IRI) :]}"' in text


def test_taxonomy_page_shows_mappings(docs):
    text = (docs.out / "taxonomy-StakeholderScheme.html").read_text(encoding="utf-8")
    assert "skos:relatedMatch <code>dpv:VulnerableHuman</code>" in text


def test_ontology_page_documents_every_class(docs, ontology_graph):
    text = (docs.out / "ontology.html").read_text(encoding="utf-8")
    for cls in ontology_graph.subjects(RDF.type, OWL.Class):
        if str(cls).startswith(NORM_IRI):
            assert str(ontology_graph.value(cls, RDFS.label)) in text


def test_docs_reference_no_remote_scripts(docs):
    for path in docs.files:
        if path.suffix == ".html":
            text = path.read_text(encoding="utf-8")
            assert '<script src="http' not in text and 'rel="stylesheet" href="http' not in text


def test_missing_metadata_is_reported():
    ontology = parse_files([DATA / "metadata" / "bad-header.ttl"])
    warnings = metadata_warnings(ontology)
    assert "ontology header: licence missing (no <http://purl.org/dc/terms/license>)" in warnings
    assert any(
        w.startswith("ontology header: version IRI differs from ontology IRI") for w in warnings
    )
    assert "norm:Paper has no definition" in warnings
    assert "norm:Value has no English label" in warnings
    findings = {(f.entity, f.message.split(";")[0]) for f in metadata_findings(ontology)}
    assert (NORM_IRI + "Paper", "no definition") in findings


def test_bundled_ontology_passes_the_foops_checklist(ontology_graph):
    failed = [c.name for c in metadata_checks(ontology_graph) if not c.passed]
    assert failed == []


def test_diagram_is_generated_from_the_ontology(ontology_graph):
    model = core_model(ontology_graph)
    dot, mermaid = to_dot(model), to_mermaid(model)
    for prop in ontology_graph.subjects(RDF.type, OWL.ObjectProperty):
        if str(prop).startswith(NORM_IRI):
            name = str(prop)[len(NORM_IRI) :]
            assert f'[label="{name}"]' in dot
            assert f": {name}\n" in mermaid
    assert "PaperAnnotation --> Paper : annotates" in mermaid
    assert "oa_Annotation <|-- PaperAnnotation" in mermaid


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")
def test_diagram_renders_to_svg(ontology_graph, tmp_path):
    out = tmp_path / "core.svg"
    assert render_svg(to_dot(core_model(ontology_graph)), out)
    assert "<svg" in out.read_text(encoding="utf-8")


def test_cli_docs_strict(run_cli, tmp_path):
    result = run_cli("docs", "-o", tmp_path / "d", "--strict")
    assert result.exit_code == 0, result.output
    assert "0 warnings" in result.output

"""One JSON-LD context: the bundled copy is the generated one, the release publishes it, and
a document means the same triples whoever reads it."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import PROV, XSD

from normspace.annotation.rdf_io import parse_rdf
from normspace.annotation.slots import TAG_SLOTS, TRADE_OFF_SLOTS
from normspace.jsonldcontext import CONTEXT_IRI, bundled_context_text, context_text
from normspace.namespaces import FABIO
from normspace.release import ARTEFACTS, build_release

DATA = Path(__file__).parents[1] / "data" / "release"
PAPER = URIRef("https://doi.org/10.1145/3630106.3658979")
ANNOTATION = URIRef("https://example.org/annotation/1")


def test_the_bundled_context_is_the_generated_one():
    assert bundled_context_text() == context_text(), (
        "src/normspace/annotation/context.jsonld is stale; regenerate it with "
        "`python -m normspace.jsonldcontext`"
    )


def test_every_term_slot_takes_term_iris():
    context = json.loads(bundled_context_text())["@context"]
    for slot in (*TAG_SLOTS, *TRADE_OFF_SLOTS):
        name = str(slot.prop).rsplit("#", 1)[-1]
        assert context[name] == {"@id": f"norm:{name}", "@type": "@id"}, name


def _document() -> dict:
    doc = json.loads((DATA / "annotation.jsonld").read_text(encoding="utf-8"))
    doc["@graph"][1]["attributedTo"] = {"@id": "https://orcid.org/0000-0002-1825-0097"}
    return doc


def test_a_document_gives_the_same_triples_with_the_bundled_and_the_published_context(tmp_path):
    """Regression: the bundled context said `year` and `wasAttributedTo` (a literal), the
    published one `publicationYear` and `attributedTo` (an IRI), so the same document
    gave different triples to NormSpace's reader and to any other JSON-LD processor."""
    build_release(tmp_path / "r", check_deprecated=False)
    published = json.loads((tmp_path / "r" / ARTEFACTS["context"]).read_text(encoding="utf-8"))

    by_reference = {**_document(), "@context": CONTEXT_IRI}  # NormSpace reads the bundled copy
    ours = parse_rdf(json.dumps(by_reference).encode(), "json-ld", "doc.jsonld")
    inline = {**_document(), "@context": published["@context"]}  # what anyone else reads
    theirs = Graph().parse(data=json.dumps(inline), format="json-ld")

    assert isomorphic(ours, theirs)
    assert (PAPER, FABIO.hasPublicationYear, Literal("2024", datatype=XSD.gYear)) in ours
    orcid = URIRef("https://orcid.org/0000-0002-1825-0097")
    assert (ANNOTATION, PROV.wasAttributedTo, orcid) in ours

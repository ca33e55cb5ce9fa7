"""``export`` streams the serialisation (issue 12: at 100k papers building it as one string
took 5.7 GB); written to a text stream it must decode characters split between chunks."""

from __future__ import annotations

import io

import pytest
from rdflib import Literal, URIRef

from normspace.store import OxigraphStore

#: Enough text that pyoxigraph writes many chunks, with multi-byte characters everywhere.
TEXT = "Fairness für alle — 公平性 🤝 " * 40


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    store = OxigraphStore(None)
    triples = [
        (
            URIRef(f"https://example.org/s{i}"),
            URIRef("https://example.org/p"),
            Literal(TEXT + str(i)),
        )
        for i in range(300)
    ]
    store.replace_graphs({"https://example.org/g": triples})
    return store


@pytest.mark.parametrize("fmt", ["nq", "trig", "nt", "ttl"])
def test_text_and_binary_exports_are_the_same_text(store, fmt):
    binary, text = io.BytesIO(), io.StringIO()
    store.export(binary, fmt)
    store.export(text, fmt)
    assert len(binary.getvalue()) > 100_000  # many chunks, so boundaries fall inside characters
    assert text.getvalue() == binary.getvalue().decode("utf-8")
    assert text.getvalue().count(TEXT) == 300

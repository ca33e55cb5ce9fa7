"""Identifier normalisation, from a table of identifiers as annotators write them."""

from __future__ import annotations

import pytest

from normspace.annotation import identifiers

from .conftest import DATA, load_yaml

CASES = load_yaml(DATA / "identifiers.yaml")
NORMALISERS = {
    "doi": identifiers.normalise_doi,
    "arxiv": identifiers.normalise_arxiv,
    "orcid": identifiers.normalise_orcid,
}


@pytest.mark.parametrize(
    ("kind", "written", "normalised"),
    [(kind, w, n) for kind, rows in CASES.items() for w, n in rows],
    ids=lambda v: str(v),
)
def test_normalisation(kind: str, written: str, normalised: str | None) -> None:
    normalise = NORMALISERS[kind]
    if normalised is None:
        with pytest.raises(identifiers.IdentifierError) as info:
            normalise(written)
        assert written in str(info.value) and info.value.expected
    else:
        assert normalise(written) == normalised


def test_iris_are_deterministic_and_distinct() -> None:
    by_orcid = identifiers.annotation_iri(
        None, "2203.02155", identifiers.annotator_key("A", "0000-0002-1825-0097")
    )
    by_name = identifiers.annotation_iri(
        None, "2203.02155", identifiers.annotator_key("Jane Doe", None)
    )
    other_paper = identifiers.annotation_iri("10.1145/3449180", None, "jane-doe")
    assert by_orcid.endswith("/arxiv/2203.02155/0000-0002-1825-0097")
    assert by_name == "https://w3id.org/normspace/annotation/arxiv/2203.02155/jane-doe"
    assert other_paper == "https://w3id.org/normspace/annotation/doi/10.1145/3449180/jane-doe"
    assert (
        identifiers.paper_iri("10.1145/3449180", "2103.01774") == "https://doi.org/10.1145/3449180"
    )

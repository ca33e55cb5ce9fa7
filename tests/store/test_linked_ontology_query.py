"""Issue 4: the mappings are available as RDF in the store, so queries can cross into the
ontologies NormSpace links to ("papers about stakeholders that DPV calls a vulnerable human")."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner

from normspace.cli.main import cli
from normspace.resources import corpus_dir


@pytest.fixture(scope="module")
def bundled_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("bundled") / "store"
    result = CliRunner().invoke(cli, ["-q", "load", str(corpus_dir()), "--store", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _invoke(store, *params: str):
    args = ["query", "papers-by-external-concept", "--store", str(store), "-f", "csv"]
    for p in params:
        args += ["--param", p]
    return CliRunner().invoke(cli, args)


def _rows(store, *params: str) -> list[dict[str, str]]:
    result = _invoke(store, *params)
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.output)))


def _papers_tagging(local: str) -> set[str]:
    """Papers of the bundled corpus with a direct tag (contribution or paper level) of
    ``norm:<local>``, read from the YAML files: the query must find exactly these."""
    from normspace.annotation import parse_file
    from normspace.namespaces import NORM_IRI

    papers = set()
    for path in corpus_dir().glob("*.yaml"):
        annotation = parse_file(path).document.annotation
        holders = [annotation.tags, *(c.tags for c in annotation.contributions)]
        if any(
            u.term == NORM_IRI + local for tags in holders for uses in tags.values() for u in uses
        ):
            papers.add(annotation.paper.iri)
    return papers


def test_related_matches_only_with_include_related(bundled_store) -> None:
    """Marginalised communities are only *related* to dpv:VulnerableHuman: a strict query
    does not find the papers that tag them, the loose reading finds all of them."""
    expected = _papers_tagging("MarginalisedCommunities")
    assert expected, "the bundled corpus should tag norm:MarginalisedCommunities"
    strict = _rows(bundled_store, "external=dpv:VulnerableHuman")
    assert "norm:MarginalisedCommunities" not in {row["term"] for row in strict}
    rows = _rows(bundled_store, "external=dpv:VulnerableHuman", "includeRelated=true")
    marginalised = [row for row in rows if row["term"] == "norm:MarginalisedCommunities"]
    assert {row["paper"] for row in marginalised} == expected
    assert {row["match"] for row in marginalised} == {"skos:relatedMatch"}


def test_external_hierarchy_is_followed(bundled_store) -> None:
    """norm:EndUsers closeMatch dpv:User, and DPV files User under HumanSubject."""
    rows = _rows(bundled_store, "external=dpv:HumanSubject")
    assert ("norm:EndUsers", "skos:closeMatch", "dpv:User") in {
        (row["term"], row["match"], row["mappedTo"]) for row in rows
    }


def test_narrow_matches_are_not_followed(bundled_store) -> None:
    """norm:Developers narrowMatch airo:AIDeveloper: AIRO's developer is narrower, so the
    papers tagging developers are not thereby about AIRO's stakeholder subclass."""
    rows = _rows(bundled_store, "external=airo:AIDeveloper")
    assert all(row["match"] != "skos:narrowMatch" for row in rows)
    assert "norm:Developers" not in {row["term"] for row in rows}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("not an iri", "is not a concept of the vendored import modules"),
        ("dpv:VulnerableHumen", "did you mean `dpv:VulnerableHuman`"),
        ("dvp:VulnerableHuman", "unknown prefix `dvp:`"),
        ("https://example.org/Thing", "is not a concept of the vendored import modules"),
    ],
    ids=["not-an-iri", "misspelt", "unknown-prefix", "foreign-iri"],
)
def test_unknown_external_concept_is_an_input_error(bundled_store, value, expected) -> None:
    """A typo would otherwise match nothing and read as "no paper is about this"."""
    result = _invoke(bundled_store, f"external={value}")
    assert result.exit_code == 2, result.output
    assert expected in result.output


def test_ill_typed_boolean_is_a_clean_error(bundled_store) -> None:
    """Only NormSpace's message, not rdflib's warning about the ill-typed literal."""
    result = _invoke(bundled_store, "external=dpv:HumanSubject", "includeRelated=maybe")
    assert result.exit_code == 2, result.output
    assert result.output == (
        "error: parameter ?includeRelated: `maybe` is not a valid xsd:boolean\n"
    )

"""Ranked term search (``normspace.termsearch``), ``normspace terms`` and the validator's
suggestions by meaning.

Ranking rules are tested on a small fixture index (exact and stable); against the bundled
ontology only with terms that stay (RLHF, majority vote, fairness), never its term list.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from normspace.annotation.terms import TermProblem, TermResolver
from normspace.cli.terms import tree_text
from normspace.ontology import Term, TermIndex
from normspace.termsearch import (
    EXACT,
    EXACT_ALT,
    PREFIX,
    SUBSTRING,
    TEXT,
    TermSearch,
    meaning_matches,
    scheme_tree,
    search_terms,
)

NS = "https://w3id.org/normspace#"
S = NS + "FixtureScheme"
OTHER = NS + "OtherScheme"

FIXTURE = (
    Term(
        NS + "MajorityVote",
        "majority vote",
        S,
        "Each item gets the label most raters chose.",
        ("plurality voting",),
    ),
    Term(
        NS + "Lottery",
        "sortition",
        S,
        "Members are drawn at random from the population.",
        ("random selection",),
    ),
    Term(
        NS + "JuryLearning",
        "jury learning",
        S,
        "A model predicts the verdict of a chosen jury.",
        broader=(NS + "MajorityVote",),
    ),
    Term(NS + "Majoritarian", "majoritarianism", OTHER, "Rule by the greater number."),
    Term(
        NS + "Appeal",
        "appeal",
        OTHER,
        "A decision subject asks for reconsideration.",
        grouping=True,
    ),
    Term(
        NS + "Recourse",
        "recourse",
        OTHER,
        "Changing one's features to obtain another outcome.",
        broader=(NS + "Appeal",),
    ),
)
NOTES = {
    NS + "Lottery": "Use for citizens' assemblies; for voting rules use norm:MajorityVote.",
}


@pytest.fixture(scope="module")
def fixture_search() -> TermSearch:
    return TermSearch(FIXTURE, NOTES)


def fixture_index() -> TermIndex:
    return TermIndex({t.iri: t for t in FIXTURE})


def ranked(search: TermSearch, text: str, scheme: str | None = None) -> list[tuple[str, int]]:
    return [(hit.term.curie, hit.tier) for hit in search.search(text, scheme)]


@pytest.mark.parametrize(
    ("query", "first", "tier"),
    [
        ("norm:MajorityVote", "norm:MajorityVote", EXACT),
        ("MAJORITY VOTE", "norm:MajorityVote", EXACT),
        ("majorityvote", "norm:MajorityVote", EXACT),  # the local name, case-folded
        ("plurality voting", "norm:MajorityVote", EXACT_ALT),
        ("major", "norm:MajorityVote", PREFIX),  # label prefix before the BM25 matches
        ("drawn at random", "norm:Lottery", TEXT),  # definition words only
        ("citizens assemblies", "norm:Lottery", TEXT),  # scope-note words only
        ("random selection of members", "norm:Lottery", TEXT),  # alt label + definition
        ("verdicts", "norm:JuryLearning", TEXT),  # stemmed: verdicts ~ verdict
        ("oritari", "norm:Majoritarian", SUBSTRING),  # no word matches: substring last
    ],
)
def test_ranking_puts_the_best_match_first(fixture_search, query, first, tier):
    assert ranked(fixture_search, query)[0] == (first, tier)


def test_exact_label_beats_a_higher_text_score(fixture_search):
    # "jury" scores high on JuryLearning's definition, but "jury learning" is its label
    hits = fixture_search.search("jury learning")
    assert [(h.term.curie, h.tier) for h in hits[:1]] == [("norm:JuryLearning", EXACT)]


def test_curies_in_scope_notes_do_not_make_a_match(fixture_search):
    """Lottery's scope note names norm:MajorityVote; searching it must not find Lottery."""
    assert [curie for curie, _tier in ranked(fixture_search, "norm:MajorityVote")] == [
        "norm:MajorityVote"
    ]


def test_scheme_restricts_and_ties_go_by_curie(fixture_search):
    assert ranked(fixture_search, "majori", OTHER) == [("norm:Majoritarian", PREFIX)]
    ties = TermSearch(
        [Term(NS + "B", "b thing", S, "same words"), Term(NS + "A", "a thing", S, "same words")]
    )
    assert [h.term.curie for h in ties.search("same words")] == ["norm:A", "norm:B"]


def test_deprecated_terms_come_after_current_ones():
    old = Term(NS + "CaseStudy", "case study", S, "A study of one case.", deprecated=True)
    new = Term(NS + "CaseStudyResearch", "case study research", S, "In-depth study of cases.")
    search = TermSearch([old, new])
    assert [(h.term.curie, h.tier) for h in search.search("case study")] == [
        ("norm:CaseStudyResearch", PREFIX),
        ("norm:CaseStudy", EXACT),
    ]


def test_nothing_for_empty_or_unknown_text(fixture_search):
    assert fixture_search.search("   ") == []
    assert fixture_search.search("zzzz") == []


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("RLHF", "norm:RLHF"),
        ("rlhf", "norm:RLHF"),
        ("norm:RLHF", "norm:RLHF"),
        ("reinforcement learning from human feedback", "norm:RLHF"),
        ("majority vote", "norm:MajorityVote"),
        ("fairness", "norm:Fairness"),
    ],
)
def test_bundled_ontology_exact_names_first(query, first):
    assert search_terms(query)[0].term.curie == first


def test_bundled_ontology_finds_by_definition_words():
    found = [h.term.curie for h in search_terms("aggregate the labels of raters", limit=10)]
    assert "norm:MajorityVote" in found


# -- normspace terms -----------------------------------------------------------------------


def test_terms_cli_ranks_and_limits(run_cli):
    result = run_cli("terms", "RLHF", "--limit", "3", "-f", "csv")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["term", "term_label", "scheme"]
    assert rows[1] == [
        "norm:RLHF",
        "reinforcement learning from human feedback",
        "norm:AlignmentApproachScheme",
    ]
    assert len(rows) == 4


def test_terms_cli_takes_several_words_without_quotes(run_cli):
    """Regression (issue 9 annotators): `normspace terms majority vote` failed with
    "Got unexpected extra argument"; several words are one text."""
    unquoted = run_cli("terms", "majority", "vote", "--limit", "5", "-f", "csv")
    quoted = run_cli("terms", "majority vote", "--limit", "5", "-f", "csv")
    assert unquoted.exit_code == 0
    assert unquoted.stdout == quoted.stdout
    assert unquoted.stdout.splitlines()[1].startswith("norm:MajorityVote,")


def test_terms_cli_default_limit(run_cli):
    result = run_cli("terms", "value", "-f", "csv")
    assert len(result.stdout.splitlines()) == 1 + 20
    unlimited = run_cli("terms", "value", "-f", "csv", "--limit", "0")
    assert len(unlimited.stdout.splitlines()) > 21


def test_tree_text_is_exact_for_a_fixture():
    roots = scheme_tree(OTHER, fixture_index())
    assert tree_text(OTHER, roots) == (
        "norm:OtherScheme\n"
        "norm:Appeal  appeal  [grouping term]\n"
        "  norm:Recourse  recourse\n"
        "norm:Majoritarian  majoritarianism\n"
    )


def test_tree_polyhierarchy_and_order():
    both = Term(NS + "C", "c", S, broader=(NS + "Lottery", NS + "MajorityVote"))
    index = TermIndex({t.iri: t for t in (*FIXTURE, both)})
    lines = [
        (depth, node.term.curie) for root in scheme_tree(S, index) for depth, node in root.walk()
    ]
    assert lines == [
        (0, "norm:MajorityVote"),
        (1, "norm:C"),
        (1, "norm:JuryLearning"),
        (0, "norm:Lottery"),
        (1, "norm:C"),
    ]


def test_tree_cli_nests_narrower_terms(run_cli):
    result = run_cli("terms", "--tree", "contestability")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("norm:ContestabilityMechanismScheme  ")
    appeal = next(i for i, line in enumerate(lines) if line.startswith("norm:Appeal  "))
    assert lines[appeal + 1].startswith("  norm:RightToContest  ")


def test_tree_cli_json_and_markdown(run_cli):
    data = json.loads(
        run_cli("terms", "--tree", "norm:ContestabilityMechanismScheme", "-f", "json").stdout
    )
    assert data["scheme"] == "norm:ContestabilityMechanismScheme"
    appeal = next(t for t in data["terms"] if t["term"] == "norm:Appeal")
    assert "norm:RightToContest" in [n["term"] for n in appeal["narrower"]]
    assert set(appeal) == {"term", "iri", "label", "grouping", "deprecated", "narrower"}
    markdown = run_cli("terms", "--tree", "contestability", "-f", "markdown").stdout
    assert markdown.startswith(
        "## contestability mechanisms (`norm:ContestabilityMechanismScheme`)"
    )
    assert "\n  - `norm:RightToContest` " in markdown


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("terms", "x", "--tree", "values"), "--tree prints a whole scheme"),
        (("terms", "--tree", "valus"), "did you mean `norm:ValueScheme`"),
    ],
)
def test_tree_cli_usage_errors(run_cli, args, message):
    result = run_cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr


# -- validator suggestions by meaning ------------------------------------------------------


def test_meaning_matches_on_a_fixture():
    index = fixture_index()
    found = meaning_matches("people drawn at random", S, index)
    assert [t.curie for t in found][:1] == ["norm:Lottery"]
    assert meaning_matches("norm:RecourseForDecisions", OTHER, index)[0].curie == "norm:Recourse"


def test_resolver_keeps_spelling_and_adds_meaning():
    resolver = TermResolver(fixture_index())
    typo = resolver.resolve("norm:MajorityVot", S, "contribution.pluralism")
    assert isinstance(typo, TermProblem)
    assert (typo.rule, typo.suggestion) == ("unknown-term", "`norm:MajorityVote`")
    meaning = resolver.resolve("members picked at random", S, "contribution.pluralism")
    assert isinstance(meaning, TermProblem)
    assert meaning.rule == "unknown-term"
    assert meaning.suggestions[0] == "norm:Lottery"
    assert meaning.suggestion.startswith(
        "nothing is spelled like it; close in meaning: `norm:Lottery` (sortition)"
    )
    nothing = resolver.resolve("zzzz qqqq", S, "contribution.pluralism")
    assert isinstance(nothing, TermProblem) and nothing.suggestion is None


def test_validate_names_meaning_matches(run_cli, tmp_path):
    from normspace.annotation.model import Annotation, Paper
    from normspace.annotation.render import render_annotation

    text = render_annotation(
        Annotation(paper=Paper(title="T", year=2024, doi="10.1/x")), skeleton=True
    )
    text = text.replace("  values: []", '  values: ["equal say of all voters"]')
    path = tmp_path / "a.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_cli("validate", path)
    line = next(line for line in result.stdout.splitlines() if "contribution.values[0]" in line)
    assert "unknown term `equal say of all voters`" in line
    assert "(suggestion: nothing is spelled like it; close in meaning: `norm:" in line
    assert "`norm:Equality` (equality)" in line

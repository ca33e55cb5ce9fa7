"""Co-occurrence network of the fixture corpus (figures checked by hand in the comments)."""

from __future__ import annotations

import pytest

from normspace.analysis import Pair, cooccurrence_network, highlights, paper_tags
from normspace.namespaces import NORM


@pytest.fixture(scope="module")
def tags(query_store):
    return paper_tags(query_store)


def test_tags_are_the_union_over_a_papers_annotations(tags):
    ouyang = tags["https://arxiv.org/abs/2203.02155"]
    assert str(NORM.Truthfulness) in ouyang  # annotator B only
    assert str(NORM.SupervisedFineTuning) in ouyang  # annotator A only
    assert len(tags) == 6


def test_edge_weights_count_papers(tags):
    graph = cooccurrence_network(tags)
    # helpfulness and harmlessness: Ouyang et al. and Bai et al.
    assert graph[str(NORM.Helpfulness)][str(NORM.Harmlessness)]["weight"] == 2
    assert graph.nodes[str(NORM.GeneralPurposeAssistant)]["papers"] == 3


def test_highlights(tags):
    result = highlights(tags)
    assert result.papers == 6
    # weighted degree of a term = sum over its papers of (tags of the paper - 1):
    # general-purpose assistants, helpfulness and machine learning are in the same three
    # papers with 18, 13 and 16 distinct tags: 17 + 12 + 15 = 44
    assert result.hubs[:3] == [
        (str(NORM.GeneralPurposeAssistant), 44),
        (str(NORM.Helpfulness), 44),
        (str(NORM.MachineLearning), 44),
    ]
    # marginalised communities and non-discrimination: both in exactly the same 2 of 6
    # papers, lift 2 * 6 / (2 * 2) = 3
    assert result.pairs[0] == Pair(
        str(NORM.MarginalisedCommunities), str(NORM.NonDiscrimination), 2, 3.0
    )
    together = [c for c in result.communities if str(NORM.Appeal) in c]
    assert together and str(NORM.HumanReview) in together[0]
    assert result.bridges and all(b > 0 for _t, b in result.bridges)


def test_empty_corpus_has_no_highlights():
    result = highlights({})
    assert (result.terms, result.hubs, result.communities) == (0, [], [])

"""Co-occurrence and tension networks of the fixture corpus (figures checked by hand in the
comments)."""

from __future__ import annotations

import pytest

from normspace.analysis import (
    Pair,
    Tension,
    contribution_tags,
    cooccurrence_network,
    highlights,
    tension_network,
)
from normspace.namespaces import NORM

OUYANG = "https://arxiv.org/abs/2203.02155"
DPO_PAPER = "https://arxiv.org/abs/2305.18290"


@pytest.fixture(scope="module")
def tags(query_store):
    return contribution_tags(query_store)


@pytest.fixture(scope="module")
def tensions(query_store):
    return tension_network(query_store)


def test_default_roles_leave_out_critiques_evaluations_and_baselines(tags):
    """Selbst et al. (critique) and Sap et al. (evaluation) have no contribution with the
    default roles; the DPO paper keeps only the DPO contribution, not its RLHF baseline."""
    assert len(tags) == 5
    assert [str(NORM.RLHF) in terms for terms in tags[DPO_PAPER]] == [False]


def test_a_role_selects_other_contributions(query_store):
    baselines = contribution_tags(query_store, str(NORM.UsesAsBaseline))
    assert sorted(baselines) == [DPO_PAPER, "https://doi.org/10.1145/3630106.3658979"]
    # the baseline contribution's own tag plus the paper-level tags of its annotation
    assert baselines[DPO_PAPER] == [
        frozenset(map(str, (NORM.RLHF, NORM.ControlledExperiment, NORM.MachineLearning)))
    ]


@pytest.mark.parametrize(
    ("a", "b", "weight"),
    [
        # Ouyang et al. and Bai et al. (one contribution each carries both)
        (NORM.Helpfulness, NORM.Harmlessness, 2),
        # annotator B's contribution only
        (NORM.RLHF, NORM.Truthfulness, 1),
        # InstructGPT's aggregation; the DPO paper's RLHF baseline does not add a paper
        (NORM.RLHF, NORM.BordaCount, 1),
        (NORM.DPO, NORM.BordaCount, 1),
        # annotator A has SFT, annotator B truthfulness: never paired across contributions
        (NORM.SupervisedFineTuning, NORM.Truthfulness, 0),
        (NORM.DPO, NORM.RLHF, 0),
    ],
)
def test_edges_pair_terms_inside_one_contribution_and_count_papers(tags, a, b, weight):
    graph = cooccurrence_network(tags)
    assert graph.get_edge_data(str(a), str(b), {"weight": 0})["weight"] == weight


def test_highlights(tags, tensions):
    result = highlights(tags, tensions=tensions)
    assert result.papers == 5
    # weighted degree = sum over papers of the distinct terms met in one contribution:
    # helpfulness: Ouyang et al. 16 (annotator A) + 2 more from annotator B (reward
    # modelling, truthfulness), Bai et al. 13, DPO 6, Collective CAI 17: 54; machine
    # learning, a paper-level tag of the same four papers, also 54; controlled experiment
    # is annotator A's only at Ouyang et al. (16): 52
    assert result.hubs[:3] == [
        (str(NORM.Helpfulness), 54),
        (str(NORM.MachineLearning), 54),
        (str(NORM.ControlledExperiment), 52),
    ]
    # Borda count and preference win rate: both in exactly the same 2 of 5 papers (Ouyang
    # et al., DPO), lift 2 * 5 / (2 * 2) = 2.5; ties broken by CURIE
    assert result.pairs[0] == Pair(str(NORM.BordaCount), str(NORM.PreferenceWinRate), 2, 2.5)
    together = [c for c in result.communities if str(NORM.Appeal) in c]
    assert together and str(NORM.HumanReview) in together[0]
    assert result.bridges and all(b > 0 for _t, b in result.bridges)


def test_tension_network_holds_values_and_stakeholders(tensions, tags):
    kinds = {pole: data["kind"] for pole, data in tensions.nodes(data=True)}
    assert kinds[str(NORM.Developers)] == "stakeholder"
    assert kinds[str(NORM.Honesty)] == "value"
    result = highlights(tags, tensions=tensions)
    # helpfulness vs harmlessness: Bai et al. and Ouyang et al.
    assert result.tensions[0] == Tension(
        str(NORM.Harmlessness), "value", str(NORM.Helpfulness), "value", 2
    )
    assert (
        Tension(
            str(NORM.Crowdworkers),
            "stakeholder",
            str(NORM.MarginalisedCommunities),
            "stakeholder",
            1,
        )
        in result.tensions
    )
    # harmlessness is in tension with helpfulness, honesty and freedom of expression
    assert result.contested[0] == (str(NORM.Harmlessness), "value", 3)


def test_empty_corpus_has_no_highlights():
    result = highlights({})
    assert (result.terms, result.hubs, result.communities, result.tensions) == (0, [], [], [])

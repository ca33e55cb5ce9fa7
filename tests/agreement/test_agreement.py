"""Krippendorff's alpha for set-valued tags: values computed by hand (the arithmetic is in
the comments), the fixture corpus end to end, and two independent implementations (the
``krippendorff`` package and NLTK's ``AnnotationTask``) as cross-checks.

Notation: n = number of values in all units, n_c = values equal to set c, δ = distance;
D_o = (1/n) Σ_u 1/(m_u−1) Σ_{i≠j} δ(v_i, v_j), D_e = Σ_{c≠k} n_c n_k δ(c, k) / (n(n−1)),
α = 1 − D_o/D_e. For singletons MASI and Jaccard are both 0/1 (nominal).
"""

from __future__ import annotations

import random
import re
from fractions import Fraction as F

import pytest

from normspace.agreement import (
    EXPLICIT_NONE,
    NO_UNITS,
    NO_VARIATION,
    SLOTS,
    agreement,
    broader_closure,
    krippendorff_alpha,
    set_distance,
)
from normspace.annotation.slots import ABSENCE_SLOTS, ROLE, TAG_SLOTS
from normspace.errors import InputError
from normspace.namespaces import NORM, expand
from normspace.querylib import library

A, B, C, AB = frozenset("a"), frozenset("b"), frozenset("c"), frozenset("ab")
EMPTY: frozenset = frozenset()

#: (case, units, distance, alpha, D_o, D_e), every number by hand.
ALPHA_CASES = [
    # Both units agree: D_o = 0; values a, a, b, b: D_e = 2·(2·2·1)/(4·3) = 2/3; α = 1.
    ("perfect agreement", [[A, A], [B, B]], "masi", F(1), F(0), F(2, 3)),
    # Systematic swap: every pair differs, D_o = (1/4)(2 + 2) = 1; D_e = 2/3 as above;
    # α = 1 − 3/2 = −1/2 (worse than chance).
    ("systematic disagreement", [[A, B], [B, A]], "masi", F(-1, 2), F(1), F(2, 3)),
    # Partial overlap: {a,b} vs {a} (a subset): MASI = 1 − (1/2)(2/3) = 2/3; unit 2 agrees.
    # D_o = (1/4)(2 · 2/3) = 1/3. Values ab, a, c, c: D_e = 2(1·1·2/3 + 1·2·1 + 1·2·1)/12
    # = (28/3)/12 = 7/9; α = 1 − (1/3)/(7/9) = 4/7.
    ("partial overlap, MASI", [[AB, A], [C, C]], "masi", F(4, 7), F(1, 3), F(7, 9)),
    # Jaccard: δ(ab, a) = 1/2; D_o = (1/4)(2 · 1/2) = 1/4; D_e = 2(1/2 + 2 + 2)/12 = 3/4;
    # α = 1 − 1/3 = 2/3.
    ("partial overlap, Jaccard", [[AB, A], [C, C]], "jaccard", F(2, 3), F(1, 4), F(3, 4)),
    # An empty set (the annotator tagged nothing) against {a}: δ = 1. D_o = (1/4)(2) = 1/2;
    # values a, ∅, b, b: D_e = 2(1·1 + 1·2 + 1·2)/12 = 5/6; α = 1 − 3/5 = 2/5.
    ("empty vs non-empty", [[A, EMPTY], [B, B]], "masi", F(2, 5), F(1, 2), F(5, 6)),
    # Three annotators on unit 3 (m = 3, weight 1/(m−1) = 1/2): the ordered pairs that
    # differ are (a1,b), (a2,b), (b,a1), (b,a2): 4 · 1/2 = 2. D_o = 2/7; values a×4, b×3:
    # D_e = 2·4·3/(7·6) = 4/7; α = 1 − 1/2 = 1/2.
    ("three annotators", [[A, A], [B, B], [A, A, B]], "masi", F(1, 2), F(2, 7), F(4, 7)),
    # A unit of one value is not pairable and is ignored: same as perfect agreement.
    ("a single value is ignored", [[A, A], [B, B], [C]], "masi", F(1), F(0), F(2, 3)),
]


@pytest.mark.parametrize(
    ("units", "distance", "alpha", "observed", "expected"),
    [case[1:] for case in ALPHA_CASES],
    ids=[case[0] for case in ALPHA_CASES],
)
def test_alpha_equals_the_value_computed_by_hand(units, distance, alpha, observed, expected):
    result = krippendorff_alpha(units, distance)
    assert result.alpha == pytest.approx(float(alpha), abs=1e-12)
    assert result.observed == pytest.approx(float(observed), abs=1e-12)
    assert result.expected == pytest.approx(float(expected), abs=1e-12)


@pytest.mark.parametrize(
    ("units", "reason"),
    [
        # Every value is {a}: D_e = 0, alpha is undefined (not 1, not 0).
        ([[A, A], [A, A, A]], NO_VARIATION),
        ([], NO_UNITS),
        ([[A]], NO_UNITS),
    ],
    ids=["D_e = 0", "no unit", "no pairable unit"],
)
def test_alpha_is_undefined_without_variation_or_units(units, reason):
    result = krippendorff_alpha(units)
    assert (result.alpha, result.reason) == (None, reason)


@pytest.mark.parametrize(
    ("a", "b", "distance", "expected"),
    [
        ({"x"}, {"x"}, "masi", F(0)),
        ({"x"}, {"y"}, "masi", F(1)),
        # subset: J = 1/2, M = 2/3
        ({"x"}, {"x", "y"}, "masi", F(2, 3)),
        # overlap, neither a subset: J = 1/3, M = 1/3
        ({"x", "y"}, {"y", "z"}, "masi", F(8, 9)),
        ({"x", "y"}, {"y", "z"}, "jaccard", F(2, 3)),
        (set(), set(), "masi", F(0)),
        (set(), {"x"}, "jaccard", F(1)),
    ],
)
def test_set_distance(a, b, distance, expected):
    assert set_distance(a, b, distance) == pytest.approx(float(expected))


def test_the_hierarchy_gives_rlhf_and_dpo_partial_credit():
    """RLHF closes to {RLHF, preference-based training, alignment fine-tuning}, DPO to {DPO,
    direct alignment from preferences, preference-based training, alignment fine-tuning}:
    2 shared of 5, neither a subset, so MASI = 1 − (2/5)(1/3) = 13/15 instead of 1."""
    scheme = str(NORM.AlignmentApproachScheme)
    rlhf, dpo = broader_closure({NORM.RLHF}, scheme), broader_closure({NORM.DPO}, scheme)
    assert rlhf & dpo == {NORM.PreferenceBasedTraining, NORM.AlignmentFineTuning}
    assert set_distance(rlhf, dpo) == pytest.approx(13 / 15)
    assert set_distance({NORM.RLHF}, {NORM.DPO}) == 1.0


# ---------------------------------------------------------------------------
# The fixture corpus (tests/agreement/data): three papers, annotators A, B (and C on
# Constitutional AI, with two contributions whose tags are pooled)
# ---------------------------------------------------------------------------

#: slot -> (units, annotations, alpha, alpha_hierarchical) with MASI, by hand.
FIXTURE_ALPHAS = {
    # proposes ×6, and the empty set of B on DPO (no role): D_o = (1/7)·2 = 2/7,
    # D_e = 2·6·1/(7·6) = 2/7: α = 0 (the one disagreement is all there is).
    "role": (3, 7, F(0), F(0)),
    # one unit, both {instructions}: D_e = 0, undefined.
    "alignment_targets": (1, 2, None, None),
    # {helpfulness, honesty} vs {helpfulness}; {equity} twice: 4/7 (see ALPHA_CASES); the
    # hierarchy adds fairness to both {equity}, which changes no distance.
    "values": (2, 4, F(4, 7), F(4, 7)),
    # end users vs developers, then swapped: −1/2 (users above end users changes nothing).
    "stakeholders": (2, 4, F(-1, 2), F(-1, 2)),
    "normative_input_from": (0, 0, None, None),
    # general-purpose ×4, healthcare ×3, the 3-annotator unit disagrees: 1/2; with two
    # distinct values alpha does not depend on δ, so the shared "deployment domain" of the
    # hierarchy leaves it at 1/2.
    "contexts": (3, 7, F(1, 2), F(1, 2)),
    # RLHF ×3, DPO ×1, Constitutional AI ×3; only DPO vs RLHF disagrees.
    # Flat: D_o = (1/7)·2 = 2/7, D_e = 2(3·1 + 3·3 + 1·3)/42 = 5/7, α = 3/5.
    # Hierarchical: δ(RLHF', DPO') = 13/15, Constitutional AI shares nothing (δ = 1):
    # D_o = (1/7)(2·13/15) = 26/105, D_e = 2(3·13/15 + 9 + 3)/42 = 73/105, α = 47/73.
    "approaches": (3, 7, F(3, 5), F(47, 73)),
    # {explicitly none}: A and B on InstructGPT, B on DPO; {preference win rate} ×4:
    # D_o = 2/7, D_e = 2·3·4/42 = 4/7, α = 1/2: an explicit none is a value.
    "evaluation": (3, 7, F(1, 2), F(1, 2)),
    # {allocative harm} vs ∅ (B tags no harm), {manipulation} twice: 2/5 (see ALPHA_CASES);
    # the Constitutional AI paper tags no harm at all and is no unit.
    "harms": (2, 4, F(2, 5), F(2, 5)),
    # all agree (B lists the two disciplines in the other order): 1.
    "disciplines": (3, 7, F(1), F(1)),
}


@pytest.mark.parametrize("slot", list(SLOTS))
def test_fixture_alpha_per_slot_is_the_hand_computed_value(agreement_store, slot):
    report = agreement(agreement_store)
    units, annotations, alpha, hierarchical = FIXTURE_ALPHAS.get(slot, (0, 0, None, None))
    got = report.slot(slot)
    assert (got.units, got.annotations) == (units, annotations)
    for value, want in ((got.alpha, alpha), (got.alpha_hierarchical, hierarchical)):
        if want is None:
            assert value is None
        else:
            assert value == pytest.approx(float(want), abs=1e-12)


def test_jaccard_on_the_fixtures(agreement_store):
    """values: 2/3 (see ALPHA_CASES). approaches, hierarchical: δ(RLHF', DPO') = 1 − 2/5 =
    3/5, D_o = (1/7)(6/5) = 6/35, D_e = 2(9/5 + 12)/42 = 23/35, α = 17/23."""
    report = agreement(agreement_store, ["values", "approaches"], "jaccard")
    assert [s.slot for s in report.slots] == ["values", "approaches"]
    assert report.slot("values").alpha == pytest.approx(2 / 3)
    assert report.slot("approaches").alpha == pytest.approx(3 / 5)
    assert report.slot("approaches").alpha_hierarchical == pytest.approx(17 / 23)


def test_disagreements_say_who_has_what(agreement_store):
    report = agreement(agreement_store, ["approaches", "evaluation", "contexts"])
    found = [(d.slot, str(d.paper)[-10:], d.annotator, d.terms) for d in report.disagreements]
    assert found == [
        ("approaches", "2305.18290", "Coder A", (NORM.DPO,)),
        ("approaches", "2305.18290", "Coder B", (NORM.RLHF,)),
        # 3 annotators: the terms not every annotator has (as annotator-disagreement.rq)
        ("evaluation", "2305.18290", "Coder A", (NORM.PreferenceWinRate,)),
        ("evaluation", "2305.18290", "Coder B", (EXPLICIT_NONE,)),
        ("contexts", "2212.08073", "Coder A", (NORM.GeneralPurposeAssistant,)),
        ("contexts", "2212.08073", "Coder B", (NORM.GeneralPurposeAssistant,)),
        ("contexts", "2212.08073", "Coder C", (NORM.Healthcare,)),
    ]


def test_unknown_slot_and_distance_are_input_errors_with_suggestions(agreement_store):
    with pytest.raises(InputError, match=r"unknown slot `value`; did you mean `values`\?"):
        agreement(agreement_store, ["value"])
    with pytest.raises(InputError, match="unknown distance 'cosine'; known: masi, jaccard"):
        agreement(agreement_store, distance="cosine")


def test_frames_have_label_columns_and_float_alphas(agreement_store):
    slots, disagreements = agreement(agreement_store).frames()
    assert list(slots.columns)[:5] == [
        "slot",
        "units",
        "annotations",
        "alpha",
        "alpha_hierarchical",
    ]
    approaches = slots.set_index("slot").loc["approaches"]
    assert approaches["alpha_hierarchical"] == pytest.approx(47 / 73)  # full precision
    assert list(disagreements.columns) == [
        "paper",
        "slot",
        "annotator",
        "term",
        "term_label",
        "annotation",
    ]
    row = disagreements[disagreements.term == "norm:DPO"].iloc[0]
    assert row.term_label == "direct preference optimisation"


# ---------------------------------------------------------------------------
# The query and the slot table
# ---------------------------------------------------------------------------


def test_the_query_lists_exactly_the_properties_of_the_slot_table():
    """annotation-tags.rq's FILTER lists the role and TAG_SLOTS properties, then the absence
    properties of ABSENCE_SLOTS (src/normspace/annotation/slots.py is the source)."""
    text = library().get("annotation-tags").text
    listed = text[text.index("FILTER (?property IN (") : text.index("))")]
    found = [expand(p) for p in re.findall(r"norm:\w+", listed)]
    slots = [str(s.prop) for s in (ROLE, *TAG_SLOTS)]
    assert found == slots + [str(s.absence) for s in ABSENCE_SLOTS]
    assert list(SLOTS) == [s.key for s in (ROLE, *TAG_SLOTS)]


# ---------------------------------------------------------------------------
# Independent implementations as cross-checks
# ---------------------------------------------------------------------------


def _random_units(seed: int, count: int = 40) -> list[list[frozenset]]:
    """Units of 2–4 annotators with random subsets of six terms (some empty)."""
    rng = random.Random(seed)
    terms = "pqrstu"
    return [
        [frozenset(rng.sample(terms, rng.randint(0, 3))) for _ in range(rng.randint(2, 4))]
        for _ in range(count)
    ]


CROSS_CHECK_UNITS = [case[1] for case in ALPHA_CASES[:6]] + [_random_units(s) for s in range(3)]


def _nltk_alpha(units, distance: str) -> float:
    from nltk.metrics import agreement as nltk_agreement
    from nltk.metrics import distance as nltk_distance

    base = {"masi": nltk_distance.masi_distance, "jaccard": nltk_distance.jaccard_distance}

    def delta(a, b):  # NLTK divides by |A ∪ B|: two empty sets are equal (distance 0)
        return 0.0 if not a and not b else base[distance](a, b)

    data = [
        (coder, unit, value)
        for unit, values in enumerate(units)
        for coder, value in enumerate(values)
    ]
    return nltk_agreement.AnnotationTask(data, distance=delta).alpha()


def _krippendorff_alpha(units, distance: str) -> float:
    import krippendorff
    import numpy as np

    domain = sorted({v for u in units for v in u}, key=sorted)
    index = {v: i for i, v in enumerate(domain)}
    counts = np.zeros((len(units), len(domain)))
    for row, unit in enumerate(units):
        for value in unit:
            counts[row, index[value]] += 1
    matrix = np.array([[set_distance(a, b, distance) for b in domain] for a in domain])

    def metric(v1, v2, i1, i2, n_v, dtype=np.float64):
        return matrix[i1, i2].astype(dtype)

    return float(krippendorff.alpha(value_counts=counts, level_of_measurement=metric))


#: Independent implementation -> (module it needs, function).
OTHERS = {"nltk": ("nltk", _nltk_alpha), "krippendorff": ("krippendorff", _krippendorff_alpha)}


@pytest.mark.parametrize("other", list(OTHERS))
@pytest.mark.parametrize("distance", ["masi", "jaccard"])
@pytest.mark.parametrize("units", CROSS_CHECK_UNITS, ids=lambda _: "")
def test_alpha_agrees_with_an_independent_implementation(units, distance, other):
    """NLTK's AnnotationTask (pure Python) and the krippendorff package (numpy, any
    distance as a callable) compute the same alpha: 6 hand-computed cases, 3 random sets
    of 40 units with 2-4 annotators and 0-3 of six terms each."""
    module, implementation = OTHERS[other]
    pytest.importorskip(module)
    ours = krippendorff_alpha(units, distance).alpha
    assert ours == pytest.approx(implementation(units, distance), abs=1e-9)

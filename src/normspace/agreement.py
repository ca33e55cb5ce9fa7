"""Inter-annotator agreement: Krippendorff's alpha per slot for set-valued tags, and the
per-paper disagreements behind it.

Why sets: an annotator tags a slot of a paper with several terms at once (values:
helpfulness, honesty), so the value an annotation gives a slot is the SET of terms it
tags there, and two annotations agree partly when their sets overlap. Krippendorff's alpha
takes any distance between values, so it covers sets with a set distance (Passonneau 2006).

Definitions (also in docs/design.md):

- **Slot**: the contribution role (``role``) and every tag slot of the annotation format
  (:data:`normspace.annotation.slots.TAG_SLOTS`: ``values``, ``approaches``, ...,
  ``disciplines``, ``research_methods``).
- **Value** of an annotation for a slot: the set of terms it tags in that slot over ALL
  its contributions together (annotators may split a paper into contributions
  differently, so contributions are not matched one to one), plus the paper-level tags.
  A term request counts as the term ``requested: LABEL``. An explicit ``none: [slot]``
  counts as the one-element set {``explicitly none``} when no contribution of the
  annotation tags the slot (a statement that there is nothing, which another annotator
  can agree or disagree with); an annotation that says nothing has the empty set.
- **Unit**: a (paper, slot) pair with two or more annotations of which at least one has a
  non-empty value. Papers where every annotation is silent on a slot are left out: two
  silences are no evidence of agreement.
- **Distance** between two sets A and B (0 = same, 1 = nothing in common); J = |A∩B| /
  |A∪B| (Jaccard similarity; two empty sets: J = 1):

  - ``jaccard``: 1 − J;
  - ``masi`` (Passonneau 2006, as in NLTK): 1 − J·M, with M = 1 when A = B, 2/3 when one
    is a subset of the other, 1/3 when they overlap otherwise, 0 when they are disjoint.

- **Alpha** (Krippendorff 2011, coincidence-matrix form): with n the number of values in
  all units, m_u the number of values in unit u, and n_c the number of values equal to
  set c,

  - observed disagreement D_o = (1/n) · Σ_u (1/(m_u − 1)) · Σ_{i≠j in u} δ(v_i, v_j)
    (ordered pairs of different annotations of the unit),
  - expected disagreement D_e = (1/(n(n − 1))) · Σ_{c,k} n_c · n_k · δ(c, k)
    (all ordered pairs of values across units; δ(c, c) = 0),
  - α = 1 − D_o / D_e; when D_e = 0 (every value is the same set) alpha is undefined
    (None, with the reason).

- **Hierarchical alpha**: the same, on every set closed upward under ``skos:broader``
  within the slot's concept scheme (each term plus all its broader terms, from
  :func:`normspace.ontology.term_index`), so that RLHF and DPO, both under
  preference-based training, share their broader terms and agree in part.
  ``requested: …`` and ``explicitly none`` have no broader terms.
- **Disagreement**: in a unit whose values are not all equal, the terms an annotation has
  that not every annotation of the unit has (for two annotators: the terms only this one
  has), the same rule as the ``annotator-disagreement`` query.

The numbers come from the named query ``annotation-tags`` (queries/annotation-tags.rq).
The coefficient is computed here with numpy rather than by a library: the ``krippendorff``
package builds a units × values × values array (hundreds of GB for 2,000 papers whose
value sets are mostly distinct) and NLTK's ``AnnotationTask`` calls the distance in Python
for every pair of distinct sets; both serve as independent checks in the tests
(tests/agreement), which also check values computed by hand.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from .annotation.slots import ROLE, TAG_SLOTS, TermSlot
from .errors import InputError
from .ontology import term_index
from .querylib import library
from .results import Cell, Table, cell_text
from .store import Store

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

#: The slots compared, by YAML key: the contribution role, then every tag slot (the slot
#: table is the source; nothing is listed by hand).
SLOTS: dict[str, TermSlot] = {s.key: s for s in (ROLE, *TAG_SLOTS)}

#: The named query that lists what each annotation of a multiply annotated paper tags.
QUERY = "annotation-tags"

#: The value of an explicit ``none:`` for a slot.
EXPLICIT_NONE = Literal("explicitly none")

#: One annotation's value for a slot: the set of its terms.
TermSet = frozenset[Cell]

#: Why alpha is undefined (short: they stand in the table's ``note`` column).
NO_UNITS = "no paper has 2 annotations tagging this slot"
NO_VARIATION = "D_e = 0: every value is the same set"

#: Rows of the distance matrix computed at once (bounds memory: rows × distinct sets).
_CHUNK = 512


# ---------------------------------------------------------------------------
# Distances (vectorised: one implementation serves single pairs and whole matrices)
# ---------------------------------------------------------------------------


def _similarity(inter: np.ndarray, size_a: np.ndarray, size_b: np.ndarray) -> np.ndarray:
    """Jaccard similarity |A∩B| / |A∪B| from the sizes; 1 for two empty sets."""
    import numpy as np

    union = size_a + size_b - inter
    return np.divide(inter, union, out=np.ones(np.broadcast(inter, union).shape), where=union > 0)


def _jaccard(inter: np.ndarray, size_a: np.ndarray, size_b: np.ndarray) -> np.ndarray:
    return 1.0 - _similarity(inter, size_a, size_b)


def _masi(inter: np.ndarray, size_a: np.ndarray, size_b: np.ndarray) -> np.ndarray:
    """MASI distance (Passonneau 2006): Jaccard similarity weighted by monotonicity."""
    import numpy as np

    equal = (inter == size_a) & (inter == size_b)
    subset = inter == np.minimum(size_a, size_b)
    monotonicity = np.where(equal, 1.0, np.where(subset, 2 / 3, np.where(inter > 0, 1 / 3, 0.0)))
    return 1.0 - _similarity(inter, size_a, size_b) * monotonicity


SetMetric = Callable[["np.ndarray", "np.ndarray", "np.ndarray"], "np.ndarray"]

#: ``--distance`` name -> distance from intersection size and the two set sizes.
DISTANCES: dict[str, SetMetric] = {"masi": _masi, "jaccard": _jaccard}


def set_distance(a: Iterable[object], b: Iterable[object], distance: str = "masi") -> float:
    """The distance between two sets (see the module docstring).

    >>> set_distance({"RLHF"}, {"RLHF", "DPO"})  # subset: 1 - 1/2 * 2/3
    0.6666666666666667
    >>> set_distance({"RLHF"}, {"RLHF", "DPO"}, "jaccard")
    0.5
    >>> set_distance({"a", "b"}, {"b", "c"}), set_distance(set(), set())  # 1 - 1/3 * 1/3
    (0.8888888888888888, 0.0)
    """
    a, b = set(a), set(b)
    metric = _metric(distance)
    return float(metric(len(a & b), len(a), len(b)))


def _metric(distance: str) -> SetMetric:
    try:
        return DISTANCES[distance]
    except KeyError:
        raise InputError(f"unknown distance {distance!r}; known: {', '.join(DISTANCES)}") from None


# ---------------------------------------------------------------------------
# The coefficient
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Alpha:
    """Krippendorff's alpha with its parts; ``alpha`` None when undefined (``reason``)."""

    alpha: float | None
    observed: float | None
    expected: float | None
    reason: str = ""


def krippendorff_alpha(units: Sequence[Sequence[TermSet]], distance: str = "masi") -> Alpha:
    """Krippendorff's alpha of set-valued units (each unit: the values of its annotations).

    Units with fewer than two values are not pairable and are left out.

    >>> a, b = frozenset("a"), frozenset("b")
    >>> krippendorff_alpha([[a, a], [b, b]]).alpha
    1.0
    >>> krippendorff_alpha([[a, b], [b, a]]).alpha  # D_o = 1, D_e = 2/3 (see the tests)
    -0.5
    >>> krippendorff_alpha([[a, a], [a, a]]).reason
    'D_e = 0: every value is the same set'
    """
    import numpy as np

    metric = _metric(distance)
    units = [list(u) for u in units if len(u) >= 2]
    if not units:
        return Alpha(None, None, None, NO_UNITS)
    index: dict[TermSet, int] = {}
    coded = [[index.setdefault(frozenset(v), len(index)) for v in unit] for unit in units]
    sets = list(index)
    membership, sizes = _membership(sets)
    counts = np.bincount([i for unit in coded for i in unit], minlength=len(sets)).astype(float)
    n = counts.sum()

    first, second, weight = [], [], []
    for unit in coded:
        for i, vi in enumerate(unit):
            for j, vj in enumerate(unit):
                if i != j:
                    first.append(vi)
                    second.append(vj)
                    weight.append(1.0 / (len(unit) - 1))
    first_a, second_a = np.array(first), np.array(second)
    inter = (membership[first_a] * membership[second_a]).sum(axis=1)
    pair_d = metric(inter, sizes[first_a], sizes[second_a])
    observed = float(np.dot(weight, pair_d) / n)

    expected_sum = 0.0
    for start in range(0, len(sets), _CHUNK):
        block = slice(start, start + _CHUNK)
        d = metric(membership[block] @ membership.T, sizes[block, None], sizes[None, :])
        expected_sum += float(counts[block] @ d @ counts)
    expected = expected_sum / (n * (n - 1))
    if expected <= 1e-12:
        return Alpha(None, observed, 0.0, NO_VARIATION)
    return Alpha(float(1.0 - observed / expected), observed, float(expected))


def _membership(sets: Sequence[TermSet]) -> tuple[np.ndarray, np.ndarray]:
    """A sets × terms 0/1 matrix and the set sizes (intersections become a product)."""
    import numpy as np

    terms: dict[Cell, int] = {}
    for s in sets:
        for t in s:
            terms.setdefault(t, len(terms))
    matrix = np.zeros((len(sets), max(len(terms), 1)))
    for row, s in enumerate(sets):
        matrix[row, [terms[t] for t in s]] = 1.0
    return matrix, matrix.sum(axis=1)


# ---------------------------------------------------------------------------
# The hierarchy
# ---------------------------------------------------------------------------


def broader_closure(terms: Iterable[Cell], scheme: str | None) -> TermSet:
    """``terms`` with all their broader terms (``skos:broader``, transitively) that belong to
    ``scheme``; cells that are not ontology terms stay as they are.

    >>> from normspace.namespaces import NORM
    >>> closed = broader_closure({NORM.RLHF}, str(NORM.AlignmentApproachScheme))
    >>> sorted(cell_text(t) for t in closed)
    ['norm:AlignmentFineTuning', 'norm:PreferenceBasedTraining', 'norm:RLHF']
    """
    index = term_index()
    closed: set[Cell] = set(terms)
    stack = [t for t in closed if isinstance(t, URIRef)]
    while stack:
        term = index.get(str(stack.pop()))
        for iri in term.broader if term else ():
            broader = index.get(iri)
            node = URIRef(iri)
            if broader is not None and broader.scheme == scheme and node not in closed:
                closed.add(node)
                stack.append(node)
    return frozenset(closed)


# ---------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotAgreement:
    """Agreement on one slot: ``units`` papers compared, ``annotations`` values in them,
    ``pairs`` pairs of annotations of one paper, ``coders`` distinct annotators."""

    slot: str
    units: int
    annotations: int
    pairs: int
    coders: int
    alpha: float | None
    alpha_hierarchical: float | None
    observed: float | None
    expected: float | None
    observed_hierarchical: float | None
    expected_hierarchical: float | None
    note: str = ""


@dataclass(frozen=True)
class Disagreement:
    """The terms ``annotation`` has in ``slot`` of ``paper`` that not every other
    annotation of the paper has."""

    paper: URIRef
    slot: str
    annotation: URIRef
    annotator: str
    terms: tuple[Cell, ...]


SLOT_COLUMNS = [
    "slot",
    "units",
    "annotations",
    "alpha",
    "alpha_hierarchical",
    "observed",
    "expected",
    "note",
]
DISAGREEMENT_COLUMNS = ["paper", "slot", "annotator", "term", "annotation"]


@dataclass
class AgreementReport:
    """Per-slot agreement and the per-paper disagreements, with the distance used."""

    distance: str
    slots: list[SlotAgreement] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)

    def slot(self, key: str) -> SlotAgreement:
        return next(s for s in self.slots if s.slot == key)

    def tables(self, digits: int | None = 3, fixed: bool = True) -> tuple[Table, Table]:
        """The per-slot table and the disagreements (one row per term), numbers rounded to
        ``digits`` decimals (None: not rounded) and written with exactly that many decimals
        (``fixed``, for people) or the shortest text that reads back as the rounded number
        (for files: rounding to e.g. 12 decimals hides the last bits, which vary with the
        order in which a BLAS library sums)."""
        per_slot = Table(
            list(SLOT_COLUMNS),
            [
                [
                    s.slot,
                    s.units,
                    s.annotations,
                    _number(s.alpha, digits, fixed),
                    _number(s.alpha_hierarchical, digits, fixed),
                    _number(s.observed, digits, fixed),
                    _number(s.expected, digits, fixed),
                    s.note or None,
                ]
                for s in self.slots
            ],
        )
        rows: list[list[Cell]] = [
            [d.paper, d.slot, d.annotator, term, d.annotation]
            for d in self.disagreements
            for term in d.terms
        ]
        return per_slot, Table(list(DISAGREEMENT_COLUMNS), rows)

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Both tables as DataFrames (full precision; label columns after term columns)."""
        from .frames import to_frame

        per_slot, disagreements = self.tables(digits=None)
        return to_frame(per_slot), to_frame(disagreements)


def _number(value: float | None, digits: int | None, fixed: bool = True) -> Literal | None:
    """A number cell (``xsd:double``), rounded to ``digits`` (never "-0.000").

    >>> str(_number(4 / 7, 3)), str(_number(0.6000000000000001, 12, fixed=False))
    ('0.571', '0.6')
    """
    if value is None:
        return None
    if digits is None:
        return Literal(value, datatype=XSD.double)
    rounded = round(value, digits) + 0.0
    if not fixed:
        return Literal(rounded, datatype=XSD.double)
    return Literal(f"{rounded:.{digits}f}", datatype=XSD.double, normalize=False)


def resolve_slots(slots: Sequence[str] | None) -> list[str]:
    """Slot keys to compare (all when ``slots`` is empty), or an error with did-you-mean."""
    if not slots:
        return list(SLOTS)
    keys = []
    for key in slots:
        if key not in SLOTS:
            close = difflib.get_close_matches(key, list(SLOTS), n=3, cutoff=0.6)
            hint = f"; did you mean {' or '.join(f'`{c}`' for c in close)}?" if close else ""
            raise InputError(f"unknown slot `{key}`{hint} (slots: {', '.join(SLOTS)})")
        if key not in keys:
            keys.append(key)
    return keys


#: Slot property -> slot key, and absence property (``none:``) -> slot key.
_SLOT_OF: dict[URIRef, str] = {s.prop: key for key, s in SLOTS.items()}
_ABSENT_SLOT_OF: dict[URIRef, str] = {
    s.absence: key for key, s in SLOTS.items() if s.absence is not None
}


@dataclass
class _Tags:
    """What the query says: each paper's annotations (with annotator) and their sets."""

    annotators: dict[URIRef, dict[URIRef, str]] = field(default_factory=dict)
    sets: dict[tuple[URIRef, str, URIRef], set[Cell]] = field(
        default_factory=lambda: defaultdict(set)
    )

    @classmethod
    def from_store(cls, store: Store) -> _Tags:
        """Read the query: terms go to their slot's set; a ``none:`` (absence property,
        true) becomes {explicitly none} where the annotation tags nothing in that slot."""
        tags = cls()
        absent: set[tuple[URIRef, str, URIRef]] = set()
        for row in library().get(QUERY).run(store).dicts():
            paper, annotation = row["paper"], row["annotation"]
            name = row.get("annotator")
            tags.annotators.setdefault(paper, {})[annotation] = (
                str(name) if name is not None else cell_text(annotation)
            )
            prop, term = row.get("property"), row.get("term")
            if prop in _SLOT_OF and term is not None:
                tags.sets[(paper, _SLOT_OF[prop], annotation)].add(term)
            elif prop in _ABSENT_SLOT_OF and isinstance(term, Literal) and term.toPython() is True:
                absent.add((paper, _ABSENT_SLOT_OF[prop], annotation))
        for key in absent:
            if not tags.sets.get(key):
                tags.sets[key].add(EXPLICIT_NONE)
        return tags

    def units(self, slot: str) -> list[tuple[URIRef, list[tuple[URIRef, TermSet]]]]:
        """Papers with at least two annotations, one of them non-empty, and the values."""
        units = []
        for paper in sorted(self.annotators, key=str):
            annotations = sorted(self.annotators[paper], key=str)
            if len(annotations) < 2:
                continue
            values = [(a, frozenset(self.sets.get((paper, slot, a), ()))) for a in annotations]
            if any(v for _, v in values):
                units.append((paper, values))
        return units


def agreement(
    store: Store, slots: Sequence[str] | None = None, distance: str = "masi"
) -> AgreementReport:
    """Krippendorff's alpha per slot (flat and hierarchical) and the disagreements, for
    every paper with two or more annotations in ``store`` (definitions: module docstring).

    ``slots``: slot keys (default: the role and every tag slot); ``distance``: ``masi`` or
    ``jaccard``. Unknown names raise :class:`~normspace.errors.InputError`.
    """
    keys = resolve_slots(slots)
    _metric(distance)
    tags = _Tags.from_store(store)
    report = AgreementReport(distance)
    for key in keys:
        units = tags.units(key)
        report.slots.append(_slot_agreement(key, units, tags, distance))
        report.disagreements.extend(_disagreements(key, units, tags))
    return report


def _slot_agreement(
    key: str, units: list[tuple[URIRef, list[tuple[URIRef, TermSet]]]], tags: _Tags, distance: str
) -> SlotAgreement:
    scheme = str(SLOTS[key].scheme)
    flat = krippendorff_alpha([[v for _, v in values] for _, values in units], distance)
    closed = krippendorff_alpha(
        [[broader_closure(v, scheme) for _, v in values] for _, values in units], distance
    )
    if flat.alpha is None and closed.reason == flat.reason:
        notes = [flat.reason]
    else:
        notes = [f"alpha: {flat.reason}"] if flat.alpha is None else []
        if closed.alpha is None:
            notes.append(f"hierarchical: {closed.reason}")
    coders = {tags.annotators[paper][a] for paper, values in units for a, _ in values}
    return SlotAgreement(
        slot=key,
        units=len(units),
        annotations=sum(len(values) for _, values in units),
        pairs=sum(len(values) * (len(values) - 1) // 2 for _, values in units),
        coders=len(coders),
        alpha=flat.alpha,
        alpha_hierarchical=closed.alpha,
        observed=flat.observed,
        expected=flat.expected,
        observed_hierarchical=closed.observed,
        expected_hierarchical=closed.expected,
        note="; ".join(notes),
    )


def _disagreements(
    key: str, units: list[tuple[URIRef, list[tuple[URIRef, TermSet]]]], tags: _Tags
) -> list[Disagreement]:
    found = []
    for paper, values in units:
        shared = frozenset.intersection(*(v for _, v in values))
        for annotation, value in values:
            own = sorted(value - shared, key=cell_text)
            if own:
                annotator = tags.annotators[paper][annotation]
                found.append(Disagreement(paper, key, annotation, annotator, tuple(own)))
    return found

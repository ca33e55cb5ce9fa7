"""Ranked term search: which terms does a text *mean*, not only how is it spelled.

Annotators and analysts search with the words papers use ("majority vote", "people can
appeal the decision"), which are often not a term's preferred label. The search therefore
ranks every term by BM25 over its text fields: preferred label, alternative labels, the
CURIE split into words, definition and scope note. Fields are weighted the simple BM25F way:
a field's words are repeated :data:`FIELD_WEIGHTS` times in the term's one document, so a
label word counts three times a definition word, but a word found in several fields is
still saturated once (adding one BM25 score per field let a term win on one common word
found in four fields; measured in ``benchmarks/term_search_eval.py``).

What a user types as a name still wins: an exact CURIE/label match comes first, then an
exact alternative label, then labels that start with the text, and only then the BM25
ranking; terms that match only as a substring ("contestab") close the list. Ties are broken
by CURIE, so the order is deterministic. Deprecated terms follow all current ones: their old
labels live on as alternative labels of the replacements, which are what a user should pick.

BM25 comes from ``bm25s`` (maintained, numpy only) and stemming from ``PyStemmer``
(Snowball English). Both, and numpy, are imported on first use only: the commands that do
not search keep their start-up time.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from .namespaces import curie
from .ontology import Term, TermIndex, load_ontology, term_index

if TYPE_CHECKING:
    import numpy as np

#: Field -> how often its words are repeated in a term's document. Labels name the concept;
#: a definition or scope-note word (scope notes also talk about the neighbours) is weaker.
FIELD_WEIGHTS: dict[str, int] = {
    "label": 3,
    "alt": 3,
    "curie": 2,
    "definition": 1,
    "scope": 1,
}

#: Match tiers, best first (see :meth:`TermSearch.search`).
EXACT, EXACT_ALT, PREFIX, TEXT, SUBSTRING = range(5)

_WORD = re.compile(r"\w+")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_REFERENCE = re.compile(r"\b[a-z][\w-]*:[A-Za-z_][\w.-]*")


def curie_words(iri: str) -> str:
    """The local name of a term split into words: CURIEs are names people remember.

    >>> curie_words("https://w3id.org/normspace#MultiObjectiveRewardModelling")
    'Multi Objective Reward Modelling'
    >>> curie_words("https://w3id.org/normspace#RLHFOnline")
    'RLHF Online'
    """
    local = curie(iri).rsplit(":", 1)[-1]
    return " ".join(_CAMEL.findall(local))


def without_references(text: str) -> str:
    """Text without CURIEs: a scope note saying "for AI feedback use norm:RLAIF" is about
    another term, and must not make its own term a match for "RLAIF".

    >>> without_references("Use norm:RLAIF for AI feedback.")
    'Use  for AI feedback.'
    """
    return _REFERENCE.sub("", text)


@cache
def _stop_words() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    return frozenset(STOPWORDS_EN_PLUS)


@cache
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def tokens(text: str) -> list[str]:
    """Case-folded words without English stop words, Snowball-stemmed.

    >>> tokens("The fairness of voting rules")
    ['fair', 'vote', 'rule']
    """
    stop = _stop_words()
    words = [w for w in _WORD.findall(text.casefold()) if w not in stop and len(w) > 1]
    return list(_stemmer().stemWords(words)) if words else []


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class Hit:
    """One ranked term: its match tier (lower is better) and its weighted BM25 score."""

    term: Term
    tier: int
    score: float

    @property
    def key(self) -> tuple[bool, int, float, str]:
        """Sort key: current terms before deprecated ones (a deprecated term's old label is
        an alternative label of its replacement, which is what the user should find),
        then tier, score, CURIE."""
        return (self.term.deprecated, self.tier, -self.score, self.term.curie)


class TermSearch:
    """A BM25 index of a list of terms, one document per term (built once)."""

    def __init__(self, terms: Iterable[Term], scope_notes: Mapping[str, str] | None = None):
        import bm25s

        # bm25s sets its own logger to DEBUG, which would print "Building index" lines
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        self.terms: list[Term] = sorted(terms, key=lambda t: t.curie)
        notes = scope_notes or {}
        self.index = bm25s.BM25()
        self.index.index([self.document(t, notes) for t in self.terms], show_progress=False)

    @staticmethod
    def document(term: Term, notes: Mapping[str, str]) -> list[str]:
        """The term's tokens, each field repeated by its weight."""
        fields = {
            "label": term.label,
            "alt": " ".join(term.alt_labels),
            "curie": curie_words(term.iri),
            "definition": without_references(term.definition),
            "scope": without_references(notes.get(term.iri, "")),
        }
        return [tok for name, text in fields.items() for tok in tokens(text) * FIELD_WEIGHTS[name]]

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """BM25 score of every term (in :attr:`terms` order) for query tokens."""
        import numpy as np

        known = [q for q in query if q in self.index.vocab_dict]
        if not known:
            return np.zeros(len(self.terms), dtype=np.float64)
        return self.index.get_scores(known).astype(np.float64)

    def search(self, text: str, scheme: str | None = None, limit: int | None = None) -> list[Hit]:
        """Terms matching ``text``, best first (at most ``limit``; ``scheme``: only its terms).

        Tiers: exact CURIE, local name or preferred label; exact alternative label; a label
        or alternative label that starts with the text; BM25 over the text fields; a
        substring of label, alternative label or definition. Inside a tier: higher score,
        then CURIE. Deprecated terms come after all current ones.
        """
        needle = _folded(text)
        if not needle:
            return []
        weighted = self.scores(tokens(text))
        hits = []
        for term, score in zip(self.terms, weighted, strict=True):
            if scheme is not None and term.scheme != scheme:
                continue
            tier = match_tier(term, needle, float(score))
            if tier is not None:
                hits.append(Hit(term, tier, round(float(score), 6)))
        hits.sort(key=lambda h: h.key)
        return hits[:limit] if limit else hits


def match_tier(term: Term, needle: str, score: float) -> int | None:
    """The tier of ``term`` for the case-folded text ``needle`` (None: no match).

    >>> t = Term("https://w3id.org/normspace#RLHF", "reinforcement learning from human feedback",
    ...          "s", "Fine-tuning with PPO.", ("RLHF",))
    >>> [match_tier(t, q, 0.0) for q in ("norm:rlhf", "rlhf", "reinforcement", "ppo", "x")]
    [0, 0, 2, 4, None]
    >>> match_tier(t, "human feedback", 1.5)
    3
    """
    local = curie(term.iri).rsplit(":", 1)[-1].casefold()
    label = _folded(term.label)
    alts = [_folded(a) for a in term.alt_labels]
    if needle in (label, term.curie.casefold(), local, term.iri.casefold()):
        return EXACT
    if needle in alts:
        return EXACT_ALT
    if label.startswith(needle) or any(a.startswith(needle) for a in alts):
        return PREFIX
    if score > 0:
        return TEXT
    if any(needle in text for text in (label, *alts, term.definition.casefold())):
        return SUBSTRING
    return None


def scope_notes(graph: Any = None) -> dict[str, str]:
    """Term IRI -> its scope notes (joined), from the bundled ontology by default."""
    from rdflib.namespace import SKOS

    graph = graph if graph is not None else load_ontology()
    notes: dict[str, list[str]] = {}
    for subject, note in graph.subject_objects(SKOS.scopeNote):
        notes.setdefault(str(subject), []).append(str(note))
    return {iri: " ".join(sorted(texts)) for iri, texts in notes.items()}


@cache
def default_search() -> TermSearch:
    """The search over the bundled ontology's terms (built once per process)."""
    return TermSearch(term_index(), scope_notes())


def search_for(index: TermIndex | None = None) -> TermSearch:
    """The search over ``index``: the cached default for the bundled ontology's index,
    else a new one (term indexes built by tests or tools have no scope notes)."""
    if index is None or index is term_index():
        return default_search()
    return TermSearch(index)


def search_terms(text: str, scheme: str | None = None, limit: int | None = None) -> list[Hit]:
    """Search the bundled ontology (see :meth:`TermSearch.search`)."""
    return default_search().search(text, scheme, limit)


def meaning_query(ref: str) -> str:
    """The words of a reference: a CURIE's local name split at capitals, else the text.

    >>> meaning_query("norm:VoterEquality")
    'Voter Equality'
    >>> meaning_query("quadratic voting")
    'quadratic voting'
    """
    ref = ref.strip()
    if re.fullmatch(r"[A-Za-z][\w-]*:[A-Za-z_][\w.-]*", ref) and " " not in ref:
        local = ref.split(":", 1)[1]
        return " ".join(_CAMEL.findall(local)) or local
    return ref


#: How many meaning matches a validator message names.
MEANING_SUGGESTIONS = 3


def meaning_matches(
    ref: str,
    scheme: str | None = None,
    index: TermIndex | None = None,
    n: int = MEANING_SUGGESTIONS,
) -> list[Term]:
    """Current terms closest in meaning to ``ref`` (BM25 over their text fields), for the
    validator when no term is spelled like it. Deprecated terms are never suggested."""
    hits = search_for(index).search(meaning_query(ref), scheme)
    return [h.term for h in hits if h.tier <= TEXT and not h.term.deprecated][:n]


# -- browsing a scheme's hierarchy ---------------------------------------------------------


@dataclass(frozen=True)
class TreeNode:
    """A term and the terms directly narrower than it (in the same scheme), by label."""

    term: Term
    narrower: tuple[TreeNode, ...] = ()

    def walk(self, depth: int = 0) -> Iterable[tuple[int, TreeNode]]:
        """This node and every node below it, depth first, with their depths."""
        yield depth, self
        for child in self.narrower:
            yield from child.walk(depth + 1)


def _by_label(term: Term) -> tuple[str, str]:
    return (term.label.casefold(), term.curie)


def scheme_tree(scheme: str, index: TermIndex | None = None) -> list[TreeNode]:
    """The ``skos:broader`` hierarchy of one scheme, top terms first (by label).

    A term whose broader terms are all outside the scheme is a top term; a term with two
    broader terms appears under both (SKOS allows a polyhierarchy); a cycle is cut where it
    would repeat a term on the path.

    >>> s = "https://w3id.org/normspace#S"
    >>> idx = TermIndex({t.iri: t for t in (
    ...     Term(s + "A", "a", s), Term(s + "B", "b", s, broader=(s + "A",)),
    ...     Term(s + "C", "c", s, broader=(s + "B",)))})
    >>> [(depth, node.term.label) for top in scheme_tree(s, idx) for depth, node in top.walk()]
    [(0, 'a'), (1, 'b'), (2, 'c')]
    """
    terms = (index if index is not None else term_index()).in_scheme(scheme)
    members = {t.iri for t in terms}
    children: dict[str, list[Term]] = {}
    tops = []
    for term in sorted(terms, key=_by_label):
        parents = [b for b in term.broader if b in members and b != term.iri]
        for parent in parents:
            children.setdefault(parent, []).append(term)
        if not parents:
            tops.append(term)

    def node(term: Term, path: frozenset[str]) -> TreeNode:
        below = [c for c in children.get(term.iri, []) if c.iri not in path]
        return TreeNode(term, tuple(node(c, path | {c.iri}) for c in below))

    return [node(t, frozenset({t.iri})) for t in tops]

"""Resolve term references in annotation files: a CURIE (``norm:RLHF``), a full IRI, or the
exact preferred label (case-insensitive). Anything else is an error that names the closest
terms, and a term of another scheme is an error that names the slot and the term's scheme.

Alternative labels are deliberately not accepted (they are not unique across schemes); a
reference that matches one gets the term it labels as the suggestion.

A resolved term can still deserve a warning: a deprecated term (what replaces it) and a
grouping term (``norm:groupingTerm true``: its scope note asks for a narrower term), whose
warning lists the narrower terms so the annotator can pick one without opening the ontology.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property

from rdflib import URIRef
from rdflib.namespace import RDFS, SKOS

from ..namespaces import curie, expand
from ..ontology import DIMENSIONS, SUPPORTING_SCHEMES, Term, TermIndex, load_ontology, term_index
from ..termsearch import meaning_matches


@dataclass(frozen=True)
class TermProblem:
    """Why a reference did not resolve, for the reader to turn into a located problem."""

    rule: str  # "unknown-term" | "wrong-scheme" | "alt-label" | "deprecated-term" | …
    message: str
    suggestions: tuple[str, ...] = ()
    #: The suggestion as shown, when it says more than the CURIEs (e.g. with labels).
    shown: str | None = None

    @property
    def suggestion(self) -> str | None:
        if self.shown is not None:
            return self.shown
        if not self.suggestions:
            return None
        return " or ".join(f"`{s}`" for s in self.suggestions)


def with_article(noun: str) -> str:
    """``a value``, ``an alignment approach``.

    >>> with_article("evaluation criterion")
    'an evaluation criterion'
    """
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


@cache
def scheme_noun(scheme: str) -> str:
    """Readable singular name of a scheme's terms: the label of its dimension class (cached:
    the bundled ontology does not change within a process, and readers ask per term use).

    >>> scheme_noun("https://w3id.org/normspace#ValueScheme")
    'value'
    """
    graph = load_ontology()
    for cls, sch in (*DIMENSIONS, *SUPPORTING_SCHEMES):
        if str(sch) == scheme:
            label = graph.value(cls, RDFS.label)
            if label is not None:
                return str(label)
    label = graph.value(URIRef(scheme), SKOS.prefLabel)
    return str(label) if label is not None else curie(scheme)


#: How many narrower terms a grouping-term warning lists.
MAX_NARROWER = 8
#: Most resolutions a resolver remembers: written references repeat (a corpus uses a few
#: hundred terms, spelled a few ways), but free text could be used as a reference too, and
#: a long bulk run must not grow without bound. Beyond it, references are resolved afresh.
MAX_MEMO = 1 << 16


class TermResolver:
    """Resolves references against a term index (the bundled ontology by default)."""

    def __init__(self, index: TermIndex | None = None) -> None:
        self.index = index if index is not None else term_index()
        #: (written reference, scheme) -> the term it resolves to. Resolution is a pure
        #: function of the index, which is fixed per resolver (tests that patch the ontology
        #: build a new resolver), so a bulk reader sharing one resolver resolves each
        #: spelling once; only successes are kept (a failure's message names the field).
        self._resolved: dict[tuple[str, str], Term] = {}
        #: (term IRI, with grouping advice) -> the advice for a resolved term (see advice).
        self._advice: dict[tuple[str, bool], tuple[TermProblem, ...]] = {}
        #: (text, scheme, n) -> the closest terms' CURIEs (see suggest).
        self._suggested: dict[tuple[str, str, int], tuple[str, ...]] = {}

    @cached_property
    def _by_label(self) -> dict[str, Term]:
        return {t.label.casefold(): t for t in self.index}

    @cached_property
    def _by_alt_label(self) -> dict[str, list[Term]]:
        table: dict[str, list[Term]] = {}
        for term in self.index:
            for alt in term.alt_labels:
                table.setdefault(alt.casefold(), []).append(term)
        return table

    def lookup(self, ref: str) -> Term | None:
        """The term a CURIE, IRI or preferred label names, in any scheme."""
        ref = ref.strip()
        iri = expand(ref) or ref
        return self.index.get(iri) or self._by_label.get(ref.casefold())

    def resolve(self, ref: str, scheme: str, slot: str) -> Term | TermProblem:
        """The term of ``scheme`` that ``ref`` names, or why there is none.

        ``slot`` is the field path shown in messages (``tags.approaches``).
        """
        known = self._resolved.get((ref, scheme))
        if known is not None:
            return known
        term = self.lookup(ref)
        if term is not None and term.scheme == scheme:
            if len(self._resolved) < MAX_MEMO:
                self._resolved[ref, scheme] = term
            return term
        expected = scheme_noun(scheme)
        if term is not None:
            return TermProblem(
                "wrong-scheme",
                f"`{term.curie}` ({term.label}) is {with_article(scheme_noun(term.scheme))} "
                f"(in {curie(term.scheme)}), but `{slot}` takes {with_article(expected)} "
                f"(a term of {curie(scheme)})",
                tuple(self.suggest(term.label, scheme)),
            )
        alt = self._by_alt_label.get(ref.strip().casefold(), [])
        same = self._alt_label(ref, alt, scheme)
        if same is not None:
            return same
        if alt:
            other = alt[0]
            return TermProblem(
                "wrong-scheme",
                f"`{ref}` is an alternative label of `{other.curie}` ({other.label}), which is "
                f"{with_article(scheme_noun(other.scheme))} (in {curie(other.scheme)}), but "
                f"`{slot}` takes {with_article(expected)} (a term of {curie(scheme)})",
                tuple(self.suggest(ref, scheme)),
            )
        message = f"unknown term `{ref}`: no {expected} has this CURIE or preferred label"
        close = tuple(self.suggest(ref, scheme))
        if close:
            return TermProblem("unknown-term", message, close)
        near = meaning_matches(ref, scheme, self.index)  # nothing spelled alike: by meaning
        shown = " or ".join(f"`{t.curie}` ({t.label})" for t in near)
        return TermProblem(
            "unknown-term",
            message,
            tuple(t.curie for t in near),
            f"nothing is spelled like it; close in meaning: {shown}" if near else None,
        )

    def advice(self, term: Term, grouping: bool = True) -> tuple[TermProblem, ...]:
        """The warnings a resolved term deserves, in the order they are reported: its
        deprecation, then (with ``grouping``) that it is a grouping term. Remembered per
        term: building the grouping advice lists and compacts its narrower terms, which
        showed as ~10 % of reading a synthetic file when done per use."""
        key = (term.iri, grouping)
        known = self._advice.get(key)
        if known is None:
            found = [self.deprecation(term)]
            if grouping:
                found.append(self.grouping(term))
            known = tuple(a for a in found if a is not None)
            if len(self._advice) < MAX_MEMO:
                self._advice[key] = known
        return known

    def alt_label(self, ref: str, scheme: str) -> TermProblem | None:
        """The ``alt-label`` problem :meth:`resolve` gives ``ref`` (it names no term but is
        an alternative label of a term of ``scheme``), else ``None``: for a caller that
        only needs this case (a text baseline that should be a term), without the fuzzy
        suggestions :meth:`resolve` computes for the other failures."""
        if self.lookup(ref) is not None:
            return None
        return self._alt_label(ref, self._by_alt_label.get(ref.strip().casefold(), []), scheme)

    @staticmethod
    def _alt_label(ref: str, alt: list[Term], scheme: str) -> TermProblem | None:
        same = [t for t in alt if t.scheme == scheme]
        if not same:
            return None
        return TermProblem(
            "alt-label",
            f"`{ref}` is an alternative label of `{same[0].curie}` ({same[0].label}); refer "
            "to terms by CURIE or preferred label",
            tuple(t.curie for t in same),
        )

    def deprecation(self, term: Term) -> TermProblem | None:
        """Why a resolved term should no longer be used (``owl:deprecated``), and what
        replaces it (``dcterms:isReplacedBy``); ``None`` for a current term."""
        if not term.deprecated:
            return None
        replacements = [self.index.get(iri) for iri in term.replaced_by]
        named = [
            f"`{r.curie}` ({r.label})" if r is not None else f"`{curie(iri)}`"
            for iri, r in zip(term.replaced_by, replacements, strict=True)
        ]
        advice = (
            f"use {' or '.join(named)} instead"
            if named
            else "it has no replacement; choose a current term"
        )
        return TermProblem(
            "deprecated-term",
            f"`{term.curie}` ({term.label}) is deprecated; {advice}",
            tuple(curie(iri) for iri in term.replaced_by),
        )

    @cached_property
    def _narrower(self) -> dict[str, list[Term]]:
        table: dict[str, list[Term]] = {}
        for term in self.index:
            if term.deprecated:
                continue
            for broader in term.broader:
                table.setdefault(broader, []).append(term)
        for terms in table.values():
            terms.sort(key=lambda t: t.label.casefold())
        return table

    def narrower(self, term: Term) -> list[Term]:
        """The current terms directly narrower than ``term``, by label."""
        return self._narrower.get(term.iri, [])

    def grouping(self, term: Term) -> TermProblem | None:
        """Why a grouping term should be replaced by a narrower one (the suggestion lists up
        to :data:`MAX_NARROWER` of them); ``None`` for any other term."""
        if not term.grouping:
            return None
        narrower = self.narrower(term)
        shown = [f"`{t.curie}` ({t.label})" for t in narrower[:MAX_NARROWER]]
        if len(narrower) > MAX_NARROWER:
            shown.append(f"… {len(narrower) - MAX_NARROWER} more")
        return TermProblem(
            "grouping-term",
            f"`{term.curie}` ({term.label}) is a grouping term: its scope note asks to tag a "
            "narrower term; use it alone only when the paper says nothing more specific",
            tuple(t.curie for t in narrower[:MAX_NARROWER]),
            ", ".join(shown) or None,
        )

    def suggest(self, ref: str, scheme: str, n: int = 3) -> list[str]:
        """Closest terms of ``scheme`` by CURIE, label or alternative label.

        Remembered per resolver: the fuzzy comparison with every term of the scheme is the
        costliest step of reading a file that has suggestions (tens of ms for a long text), and
        a corpus repeats its unknown spellings and baseline texts."""
        key = (ref, scheme, n)
        known = self._suggested.get(key)
        if known is None:
            found = self.index.suggest(ref, scheme, n)
            if not found and ":" in ref:  # `norm:Fairnes` -> compare the local name with labels
                found = self.index.suggest(ref.split(":", 1)[1], scheme, n)
            known = tuple(found)
            if len(self._suggested) < MAX_MEMO:
                self._suggested[key] = known
        return list(known)

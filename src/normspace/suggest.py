"""Assisted annotation: propose terms per annotation slot from a paper's own text.

An annotator reads an abstract and has to find, in sixteen schemes of a few hundred terms,
the ones it supports. :func:`suggest_terms` does the first pass offline and
deterministically (no model weights, no network): the text is split into sentences, and
each sentence is scored against every term by

* the term search's BM25 over the term's label, alternative labels, CURIE, definition and
  scope note (:mod:`normspace.termsearch`), and
* cue phrases taken from the ontology itself: a term's preferred label, alternative labels
  and CURIE words, matched as whole stemmed phrases in the sentence (a sentence that says
  "reinforcement learning from human feedback" or "RLHF" names :data:`norm:RLHF`).

A term's score is that of its best sentence (plus a little for every other sentence that
names it); the best sentence is kept as the reason, so the annotator can check it. Slots
take their terms from the scheme the slot table gives them, so the stakeholder scheme feeds
both ``stakeholders`` and ``normative_input_from``.

:func:`skeleton_with_suggestions` writes the suggestions into a new annotation skeleton as
*commented* list items under each slot: accepting one is deleting ``# ``, and nothing the
annotator did not accept becomes a tag.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from .annotation.model import Annotation, TermUse
from .annotation.render import MODELINE, Block, DocumentBuilder, Entry, Hint, Printer
from .annotation.slots import TAG_SLOTS, TermSlot
from .errors import InputError
from .ontology import Term
from .termsearch import TermSearch, curie_words, default_search, tokens

#: Score added for a cue phrase (label, alternative label, CURIE words) found in a sentence,
#: per word of the phrase: naming a term outweighs sharing words with its definition.
CUE_WEIGHT = 6.0
#: Share of the score of each further sentence that supports a term.
SUPPORT_WEIGHT = 0.25
#: Suggestions per slot unless asked otherwise.
DEFAULT_TOP = 5
#: Longest sentence quoted in a skeleton comment (characters).
QUOTE_WIDTH = 100

_ABBREVIATIONS = re.compile(r"\b(e\.g|i\.e|et al|etc|cf|vs|fig|sec|eq|approx)\.$", re.I)
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


def sentences(text: str) -> list[str]:
    """The sentences of ``text``: blank lines end paragraphs, and ``. ! ?`` followed by a
    capital or digit end sentences (not after e.g., i.e., et al. and the like).

    >>> sentences("We align to values, e.g. Fairness. It works!\\n\\nNew paragraph")
    ['We align to values, e.g. Fairness.', 'It works!', 'New paragraph']
    """
    found: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        flat = " ".join(paragraph.split())
        start = 0
        for match in _BOUNDARY.finditer(flat):
            piece = flat[start : match.start()].strip()
            if _ABBREVIATIONS.search(piece):
                continue
            if piece:
                found.append(piece)
            start = match.end()
        rest = flat[start:].strip()
        if rest:
            found.append(rest)
    return found


@dataclass(frozen=True)
class Suggestion:
    """A term proposed for a slot, the sentence that triggered it and its score."""

    slot: str
    term: Term
    score: float
    sentence: str


@dataclass(frozen=True)
class _Cues:
    """Cue phrases (stemmed token tuples) of every current term, by first token."""

    by_first: dict[str, list[tuple[tuple[str, ...], int]]]


@cache
def _cues(search: TermSearch) -> _Cues:
    by_first: dict[str, list[tuple[tuple[str, ...], int]]] = {}
    for position, term in enumerate(search.terms):
        if term.deprecated:
            continue
        phrases = {tuple(tokens(text)) for text in (term.label, *term.alt_labels)}
        phrases.add(tuple(tokens(curie_words(term.iri))))
        for phrase in sorted(p for p in phrases if p):
            by_first.setdefault(phrase[0], []).append((phrase, position))
    return _Cues(by_first)


def cue_scores(words: Sequence[str], cues: _Cues) -> dict[int, float]:
    """Term position -> cue score: the longest of its phrases found in ``words``."""
    found: dict[int, float] = {}
    for i, word in enumerate(words):
        for phrase, position in cues.by_first.get(word, ()):
            if tuple(words[i : i + len(phrase)]) == phrase:
                found[position] = max(found.get(position, 0.0), CUE_WEIGHT * len(phrase))
    return found


def slot_schemes(slots: Sequence[TermSlot] = TAG_SLOTS) -> dict[str, str]:
    """Slot key -> the scheme whose terms it takes (the slot table)."""
    return {slot.key: str(slot.scheme) for slot in slots}


def suggest_terms(
    text: str,
    top: int = DEFAULT_TOP,
    slots: Sequence[TermSlot] = TAG_SLOTS,
    search: TermSearch | None = None,
) -> dict[str, list[Suggestion]]:
    """Ranked term suggestions per slot (in slot-table order) for a paper's text.

    Raises :class:`InputError` when the text has no words to go by.
    """
    search = search or default_search()
    parts = [s for s in sentences(text) if tokens(s)]
    if not parts:
        raise InputError("no text to suggest terms from: give an abstract or a passage")
    cues = _cues(search)
    best: dict[int, tuple[float, int]] = {}  # term position -> (score, sentence index)
    total: dict[int, float] = {}
    for index, sentence in enumerate(parts):
        words = tokens(sentence)
        scores = search.scores(words)
        bonus = cue_scores(words, cues)
        for position in set(scores.nonzero()[0].tolist()) | set(bonus):
            if search.terms[position].deprecated:
                continue
            score = float(scores[position]) + bonus.get(position, 0.0)
            total[position] = total.get(position, 0.0) + score
            if score > best.get(position, (0.0, 0))[0]:
                best[position] = (score, index)
    result: dict[str, list[Suggestion]] = {}
    for key, scheme in slot_schemes(slots).items():
        ranked = []
        for position, (score, index) in best.items():
            term = search.terms[position]
            if term.scheme != scheme:
                continue
            overall = score + SUPPORT_WEIGHT * (total[position] - score)
            ranked.append(Suggestion(key, term, round(overall, 3), parts[index]))
        ranked.sort(key=lambda s: (-s.score, s.term.curie))
        result[key] = ranked[:top] if top else ranked
    return result


# -- the annotation skeleton ---------------------------------------------------------------

SUGGESTION_HEADER = (
    "# Suggested terms (normspace suggest) are commented out under each slot: keep one by",
    "# deleting its leading `# `, delete the others. None of them is a tag until you do.",
)


def quote(sentence: str, width: int = QUOTE_WIDTH) -> str:
    """A sentence as a double-quoted string, cut with an ellipsis past ``width``.

    >>> quote("x" * 5, width=4)
    '"xxx…"'
    """
    text = sentence if len(sentence) <= width else sentence[: width - 1].rstrip() + "…"
    return '"' + text.replace('"', "'") + '"'


def suggestion_line(suggestion: Suggestion) -> str:
    """``- norm:X   # 12.3 "sentence"``: a list item to uncomment, with its reason."""
    item = f"- {suggestion.term.curie}"
    return f"{item:<34}# {suggestion.score:.1f} {quote(suggestion.sentence)}"


class SuggestionBuilder(DocumentBuilder):
    """The skeleton of ``normspace new``, with suggestions commented under their slots.

    A slot with suggestions is written empty (``values:``) rather than ``values: []``, so
    that an uncommented ``- norm:X`` line below it is a valid YAML list item.
    """

    def __init__(self, suggestions: dict[str, list[Suggestion]]) -> None:
        super().__init__(skeleton=True)
        self.suggestions = suggestions

    def slots(self, slots: Sequence[TermSlot], tags: dict[str, list[TermUse]]) -> Block:
        block: Block = []
        for slot in slots:
            found = self.suggestions.get(slot.key, [])
            for item in super().slots([slot], tags):
                if found and isinstance(item, Entry) and item.key == slot.key:
                    block.append(dataclasses.replace(item, value=None))
                    block += [Hint(suggestion_line(s)) for s in found]
                else:
                    block.append(item)
        return block


def skeleton_with_suggestions(
    suggestions: dict[str, list[Suggestion]], date: dt.date | None = None
) -> str:
    """A new format-2 annotation skeleton (as ``normspace new`` writes it) with the
    suggestions as commented items. It validates once the paper fields are filled in."""
    annotation = Annotation(date=date or dt.date.today())
    printer = Printer(skeleton=True)
    printer.line(MODELINE)
    printer.line("# NormSpace annotation: one paper, one annotator. Format and term lists:")
    printer.line("# docs/annotation-format.md. Check this file with `normspace validate FILE`.")
    for line in SUGGESTION_HEADER:
        printer.line(line)
    printer.block(SuggestionBuilder(suggestions).document(annotation), "")
    return "\n".join(printer.lines) + "\n"

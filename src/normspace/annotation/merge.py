"""Adjudication: merge several annotations of one paper into a consensus with the
disagreements marked for a human to resolve (``normspace merge``), and the reader's check
that refuses a file with unresolved conflict markers.

Why a marked file rather than a vote: two annotators rarely disagree by accident, and the
adjudicator needs to see *who said what* next to the agreed content, in the file they will
edit and validate. So agreed content is written exactly as the annotators wrote it (through
the house YAML writer, :mod:`.render`), and everything else is kept inside a ``conflict:``
marker that names each annotator's side::

    values:
      - norm:Helpfulness
      - conflict:                         # resolve: keep the items you accept, then delete ...
          curator-a: [norm:Harmlessness]
          curator-b: [norm:Honesty]

A marker is an item of a list (slot lists, roles, ``none``, findings, trade-offs, study facts,
assumptions, contributions, metadata sources: resolve by moving the items you accept out of
it, then deleting it) or the value of a key (paper metadata, a contribution's label or
description: resolve by writing the value you accept in place of it). A mapping with a
``conflict`` key is a marker wherever it stands: no key of the format is called
``conflict``, so the check cannot mistake annotation content for a marker.

Rules (docs/design.md, "Adjudication"):

- Term slots (every slot of :data:`.slots.TAG_SLOTS`, roles, ``none``): an item agrees when
  every annotator has the same term (or the same term request). An agreed term keeps the
  *lowest* confidence given (the consensus is no surer than its least sure annotator) and
  the union of the evidence (each distinct quote and location once, in input order). A
  contestability item whose paper-specific stage or contestants differ is a disagreement.
- Items without term identity (findings, trade-offs, study samples and resources,
  assumptions, metadata sources): equal items agree, others are in conflict.
- Contributions are matched across files by id first, then by the best overlap of
  approaches, labels and tags; a contribution that not every annotator has is kept inside
  a contribution-level marker. Contribution ids are identifiers, not content: the first
  annotator's id is kept (made unique).
- The consensus's ``annotation:`` block names the adjudicator, so its annotation IRI differs
  from every source's.

Public names: CONFLICT_KEY, ConflictMarker, Source, MergeResult, is_marker, take_markers,
marker_problem_message, merge_annotations, same_paper, default_adjudicator, today.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from . import identifiers
from .model import CURRENT_FORMAT, Annotation, Annotator, Contribution, Evidence, Paper, TermUse
from .render import (
    MODELINE,
    DocumentBuilder,
    Entry,
    Flow,
    Printer,
    Raw,
    assumption_block,
    finding_block,
    one_or_list,
    ref_value,
    resource_value,
    sample_value,
    setting_entries,
    tag_item,
    term_list,
    trade_off_block,
)
from .slots import CONTRIBUTION_SLOTS, FORMAT_KEY, PAPER_SLOTS, RESOURCE_SLOTS

#: The key of a conflict marker.
CONFLICT_KEY = "conflict"
#: The comment on a marker in a list, and on a marker standing for a value.
RESOLVE_ITEMS = "resolve: keep the items you accept, then delete this marker"
RESOLVE_VALUE = "resolve: write the value you accept in place of this marker"
_RESOLVE_COMMENTS = (RESOLVE_ITEMS, RESOLVE_VALUE)
#: How the validator tells the adjudicator to resolve a marker.
HOW_ITEMS = "keep the items you accept and delete the `conflict:` marker"
HOW_VALUE = "write the value you accept in place of the `conflict:` marker"
#: Annotator names written as plain YAML keys; any other name is quoted.
_PLAIN_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._()-]*\Z")
#: Plain scalars that YAML reads as something other than a string (booleans, null, numbers).
_NOT_TEXT = re.compile(r"(?i)(true|false|yes|no|on|off|null|[-+]?[0-9._]+(e[-+]?[0-9]+)?)\Z")
_BRIEF_LIMIT = 60
_BRIEF_ITEMS = 3
#: Keys that best identify a mapping in a short description, in order of preference.
_BRIEF_KEYS = ("term", "request", "id", "label", "statement", "measure", "values", "name")


def today() -> dt.date:
    """The consensus's date (a function, so that tests can pin the clock)."""
    return dt.date.today()


# -- markers in a parsed file (the validator's check) ------------------------------------------


@dataclass(frozen=True)
class ConflictMarker:
    """One ``conflict:`` marker found in a parsed file."""

    #: Where it stands: the list it is an item of, or the key it is the value of.
    field: str
    #: 1-based (line, column) of the marker, when known.
    position: tuple[int, int] | None
    #: The marker's sides (annotator -> what they said), as parsed.
    sides: Any
    #: True for a list item (resolve by moving items out), False for a value.
    in_list: bool


def is_marker(node: Any) -> bool:
    """True for a conflict marker: a mapping with a ``conflict`` key."""
    return isinstance(node, dict) and CONFLICT_KEY in node


def _join(field: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{field}[{key}]"
    return f"{field}.{key}" if field else key


def _position(container: Any, key: str | int) -> tuple[int, int] | None:
    lc = getattr(container, "lc", None)
    try:
        line, column = lc.item(key) if isinstance(key, int) else lc.key(key)
    except (AttributeError, KeyError, TypeError):
        return None
    return line + 1, column + 1


def take_markers(root: Any) -> list[ConflictMarker]:
    """Every conflict marker in a parsed YAML tree, in file order.

    A marker that stands for a value is replaced by ``None`` in the tree (the reader then
    sees the value as absent, and the validator does not repeat the marker as a missing
    value); a marker in a list is left where it is and skipped by the reader's list
    iteration, so the other items keep their positions and field paths.
    """
    found: list[ConflictMarker] = []
    _walk(root, "", found)
    return found


def _walk(node: Any, field: str, found: list[ConflictMarker]) -> None:
    if isinstance(node, dict):
        for key in list(node):
            value, sub = node[key], _join(field, str(key))
            if is_marker(value):
                found.append(ConflictMarker(sub, _position(node, key), value[CONFLICT_KEY], False))
                node[key] = None
            else:
                _walk(value, sub, found)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            if is_marker(item):
                marker = ConflictMarker(field, _position(node, index), item[CONFLICT_KEY], True)
                found.append(marker)
            else:
                _walk(item, _join(field, index), found)


def _brief(value: Any, limit: int = _BRIEF_LIMIT) -> str:
    """A short description of one side's content, for the validator's message."""
    if value is None or value == [] or value == {}:
        return "nothing"
    if isinstance(value, list):
        shown = ", ".join(_brief(v) for v in value[:_BRIEF_ITEMS])
        more = len(value) - _BRIEF_ITEMS
        return shown + (f" and {more} more" if more > 0 else "")
    if isinstance(value, dict):
        key = next((k for k in _BRIEF_KEYS if k in value), next(iter(value)))
        inner = value[key]
        if isinstance(inner, dict):
            inner = inner.get("label", "…")
        if isinstance(inner, list):
            return f"{{{key}: [{_brief(inner, limit - 20)}], …}}"
        return f"{{{key}: {_brief(inner, limit - 20)}{', …' if len(value) > 1 else ''}}}"
    text = str(value).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def marker_problem_message(marker: ConflictMarker) -> str:
    """What is in conflict, and how to resolve it (the validator's error message)."""
    sides = marker.sides
    if isinstance(sides, dict) and sides:
        said = "; ".join(f"{name}: {_brief(value)}" for name, value in sides.items())
    else:
        said = f"the marker holds {_brief(sides)}"
    how = HOW_ITEMS if marker.in_list else HOW_VALUE
    return f"unresolved conflict ({said}): {how}"


# -- merging ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One input annotation and the name its side goes by in the markers."""

    name: str
    file: str
    annotation: Annotation


@dataclass(frozen=True)
class MergeResult:
    text: str
    #: The field path of every marker written, in file order.
    conflicts: tuple[str, ...]
    adjudicator: str
    annotation_iri: str


def same_paper(a: Paper, b: Paper) -> bool:
    """True when two papers are the same paper: they share a DOI or an arXiv id, and no
    identifier given in both differs (a file with only the arXiv id and one with both still
    annotate one paper)."""
    shared = (a.doi and a.doi == b.doi) or (a.arxiv and a.arxiv == b.arxiv)
    clash = (a.doi and b.doi and a.doi != b.doi) or (a.arxiv and b.arxiv and a.arxiv != b.arxiv)
    return bool(shared) and not clash


def default_adjudicator(names: Sequence[str]) -> str:
    """``consensus of A and B`` (``A, B and C``), each distinct name once."""
    return "consensus of " + _and(list(dict.fromkeys(names)))


def source_names(annotations: Sequence[Annotation], files: Sequence[str]) -> list[str]:
    """The annotators' names, made distinct: a missing or repeated name gets the file name."""
    names = [a.annotator.name or f for a, f in zip(annotations, files, strict=True)]
    out = []
    for name, file in zip(names, files, strict=True):
        label = name if names.count(name) == 1 or name == file else f"{name} ({file})"
        while label in out:
            label += "'"
        out.append(label)
    return out


def merge_annotations(
    sources: Sequence[Source], adjudicator: str | None = None, date: dt.date | None = None
) -> MergeResult:
    """The consensus of ``sources`` (two or more annotations of one paper) as YAML text.

    Raises :class:`InputError` when the sources annotate different papers, or when the
    adjudicator's name would give the consensus the annotation IRI of a source.
    """
    if len(sources) < 2:
        raise InputError("merge needs at least two annotations of the same paper")
    first = sources[0]
    for other in sources[1:]:
        if not same_paper(first.annotation.paper, other.annotation.paper):
            raise InputError(
                f"{first.file} annotates {_paper_name(first.annotation.paper)} but {other.file} "
                f"annotates {_paper_name(other.annotation.paper)}: merge annotations of one "
                "paper only"
            )
    name = adjudicator or default_adjudicator(
        [s.annotation.annotator.name or s.name for s in sources]
    )
    paper = first.annotation.paper
    iri = identifiers.annotation_iri(paper.doi, paper.arxiv, Annotator(name).key)
    for source in sources:
        if source.annotation.iri == iri:
            raise InputError(
                f"the adjudicator `{name}` is the annotator of {source.file}: the consensus "
                "would have the same annotation IRI; give --annotator another name"
            )
    builder = ConsensusBuilder(sources)
    header = Annotation(
        paper=paper, annotator=Annotator(name), date=date or today(), note=_note(sources)
    )
    block = builder.document(header)
    printer = _ConsensusPrinter()
    printer.line(MODELINE)
    if builder.conflicts:
        printer.line(
            f"# Consensus with {len(builder.conflicts)} conflict marker(s): resolve each one "
            "(see its comment), then"
        )
        printer.line("# check the file with `normspace validate FILE`.")
    printer.block(block, "")
    text = "\n".join(printer.lines) + "\n"
    return MergeResult(text, tuple(builder.conflicts), name, iri)


def _paper_name(paper: Paper) -> str:
    ids = [f"doi {paper.doi}" if paper.doi else "", f"arXiv {paper.arxiv}" if paper.arxiv else ""]
    title = f" ({paper.title})" if paper.title else ""
    return " / ".join(i for i in ids if i) + title


def _and(items: Sequence[str]) -> str:
    """``A and B``, ``A, B and C``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _note(sources: Sequence[Source]) -> str:
    sides = _and([f"{s.name} ({s.file})" for s in sources])
    return (
        f"Consensus made by `normspace merge` from the annotations of {sides}. Agreed content "
        "is kept as annotated; every disagreement is in a `conflict:` marker naming who said "
        "what."
    )


class _ConsensusPrinter(Printer):
    """The house printer, showing only the comments that say how to resolve a marker."""

    def __init__(self) -> None:
        super().__init__(skeleton=True)

    def line(self, text: str, comment: str | None = None) -> None:
        super().line(text, comment if comment in _RESOLVE_COMMENTS else None)


def _text(value: object) -> str:
    """``value`` as printed YAML: the equality of items without term identity."""
    printer = Printer(skeleton=False)
    printer.entry(Entry("x", value), "", "")
    return "\n".join(printer.lines)


def _key(name: str) -> str:
    """An annotator's name as a YAML key: plain when it reads back as that text.

    >>> _key("curator-a"), _key("Jane: Doe"), _key("null"), _key("2026")
    ('curator-a', '"Jane: Doe"', '"null"', '"2026"')
    """
    plain = _PLAIN_KEY.match(name) and not _NOT_TEXT.match(name)
    return name if plain else json.dumps(name, ensure_ascii=False)


def _side(items: list[object]) -> object:
    """One side of a list marker: a flow list of plain items, else a block list."""
    if all(isinstance(i, Raw) for i in items):
        return Flow(items, wrap=True)
    return items


def _use_key(use: TermUse) -> str:
    if use.term is not None:
        return use.term
    return "request " + _text(ref_value(use))


def _combined(uses: list[TermUse]) -> TermUse:
    """One agreed term: the lowest confidence given, the union of the evidence."""
    confidences = [u.confidence for u in uses if u.confidence is not None]
    evidence: list[Evidence] = []
    seen: set[tuple[str | None, str | None]] = set()
    for use in uses:
        for item in use.evidence:
            if (item.quote, item.location) not in seen:
                seen.add((item.quote, item.location))
                evidence.append(item)
    first = uses[0]
    return TermUse(
        first.term,
        min(confidences) if confidences else None,
        evidence,
        request=first.request,
        setting=first.setting,
    )


def _setting(use: TermUse) -> str:
    return _text(setting_entries(use.setting) or None)


class ConsensusBuilder:
    """Builds the document tree of the consensus, counting the markers it writes."""

    def __init__(self, sources: Sequence[Source]) -> None:
        self.sources = list(sources)
        self.names = [s.name for s in sources]
        self.conflicts: list[str] = []
        self.compact = DocumentBuilder(skeleton=False)

    # -- markers -----------------------------------------------------------------------------

    def marker(self, field: str, sides: list[object], comment: str) -> Entry:
        self.conflicts.append(field)
        entries = [Entry(_key(name), value) for name, value in zip(self.names, sides, strict=True)]
        return Entry(CONFLICT_KEY, entries, comment)

    def value(self, field: str, values: list[object]) -> object:
        """A single value: itself when all agree, else a marker standing for it."""
        texts = {_text(v) for v in values}
        if len(texts) == 1:
            return values[0]
        sides = [Raw("null") if v is None else v for v in values]
        return [self.marker(field, sides, RESOLVE_VALUE)]

    def items(
        self,
        field: str,
        sides: list[list[Any]],
        key: Callable[[Any], str],
        render: Callable[[Any], object],
        whole: Callable[[list[Any]], object],
        combine: Callable[[list[Any]], Any] = lambda items: items[0],
    ) -> object:
        """A list: the items every side has (by ``key``, combined), then one marker with
        each side's other items; ``whole`` renders a list without marker. None when empty."""
        taken = [[False] * len(side) for side in sides]
        agreed = []
        for index, item in enumerate(sides[0]):
            matches = [(0, index)]
            for j, side in enumerate(sides[1:], start=1):
                hit = next(
                    (i for i, x in enumerate(side) if not taken[j][i] and key(x) == key(item)),
                    None,
                )
                if hit is None:
                    break
                matches.append((j, hit))
            if len(matches) < len(sides):
                continue
            for j, i in matches:
                taken[j][i] = True
            agreed.append(combine([sides[j][i] for j, i in matches]))
        rest = [[x for i, x in enumerate(side) if not taken[j][i]] for j, side in enumerate(sides)]
        if not any(rest):
            return whole(agreed) if agreed else None
        marker = self.marker(field, [_side([render(x) for x in r]) for r in rest], RESOLVE_ITEMS)
        return [*(render(x) for x in agreed), [marker]]

    def terms(
        self,
        field: str,
        sides: list[list[TermUse]],
        render: Callable[[TermUse], object] = tag_item,
        whole: Callable[[list[TermUse]], object] = term_list,
    ) -> object:
        """A term list: the same term (or request) agrees; a differing contestation setting
        is a disagreement."""
        return self.items(
            field, sides, lambda u: _use_key(u) + "\n" + _setting(u), render, whole, _combined
        )

    def plain(self, field: str, sides: list[list[Any]], render: Callable[[Any], object]) -> object:
        """A list of items without term identity: equal (as written) items agree."""
        return self.items(
            field, sides, lambda x: _text(render(x)), render, lambda xs: [render(x) for x in xs]
        )

    # -- the document ------------------------------------------------------------------------

    def document(self, header: Annotation) -> list[Entry]:
        block = [
            Entry(FORMAT_KEY, CURRENT_FORMAT),
            Entry("paper", self.paper()),
            Entry("annotation", self.compact.annotation(header)),
        ]
        tags = self.slots("tags", PAPER_SLOTS, [s.annotation.tags for s in self.sources])
        if tags:
            block.append(Entry("tags", tags))
        block += self.contributions()
        assumptions = self.plain(
            "assumptions", [s.annotation.assumptions for s in self.sources], assumption_block
        )
        if assumptions:
            block.append(Entry("assumptions", assumptions))
        return block

    def paper(self) -> list[Entry]:
        papers = [s.annotation.paper for s in self.sources]
        fields: list[tuple[str, Callable[[Paper], object]]] = [
            ("title", lambda p: p.title),
            ("authors", lambda p: Flow([a.name for a in p.authors]) if p.authors else None),
            ("authors_incomplete", lambda p: p.authors_incomplete),
            ("year", lambda p: p.year),
            ("venue", lambda p: p.venue),
            ("doi", lambda p: p.doi),
            ("arxiv", lambda p: p.arxiv),
        ]
        block = []
        for key, get in fields:
            value = self.value(f"paper.{key}", [get(p) for p in papers])
            if value is not None:
                block.append(Entry(key, value))
        sources = self.plain("paper.metadata_source", [p.metadata_source for p in papers], str)
        if _flat(sources):
            entry = self.compact.metadata_source(sources) if sources else None
            block += [entry] if entry is not None else []
        elif sources is not None:
            block.append(Entry("metadata_source", sources))
        return block

    def slots(self, field: str, slots: Sequence[Any], tags: list[dict[str, list[TermUse]]]) -> list:
        block = []
        for slot in slots:
            sub = f"{field}.{slot.key}"
            value = self.terms(sub, [t.get(slot.key, []) for t in tags])
            if value is not None:
                block.append(Entry(slot.key, value))
        return block

    # -- contributions -----------------------------------------------------------------------

    def contributions(self) -> list[Entry]:
        groups = match_contributions([s.annotation.contributions for s in self.sources])
        used: set[str] = set()
        ids = [_unique(next(c for c in g if c is not None).id, used) for g in groups]
        full = [all(c is not None for c in g) for g in groups]
        if len(groups) == 1 and full[0] and ids[0] == "1":
            return [Entry("contribution", self.merged(groups[0], "contribution", None))]
        items: list[object] = []
        for index, (group, cid, complete) in enumerate(zip(groups, ids, full, strict=True)):
            field = f"contributions[{index}]"
            if complete:
                items.append(self.merged(group, field, cid))
            else:
                sides: list[object] = [
                    [self.compact.contribution(dataclasses.replace(c, id=cid), 0)]
                    if c is not None
                    else Flow([])
                    for c in group
                ]
                items.append([self.marker("contributions", sides, RESOLVE_ITEMS)])
        return [Entry("contributions", items)] if items else []

    def merged(self, group: list[Contribution | None], field: str, cid: str | None) -> list:
        """One contribution that every annotator has, merged field by field."""
        cs = [c for c in group if c is not None]
        block: list[Entry] = [Entry("id", cid)] if cid is not None else []
        roles = self.terms(f"{field}.role", [c.roles for c in cs], ref_value, one_or_list)
        if roles is not None:
            block.append(Entry("role", roles))
        for key in ("label", "description"):
            value = self.value(f"{field}.{key}", [getattr(c, key) for c in cs])
            if value is not None:
                block.append(Entry(key, value))
        block += self.slots(field, CONTRIBUTION_SLOTS, [c.tags for c in cs])
        none = self.plain(f"{field}.none", [c.none for c in cs], Raw)
        if none is not None:
            block.append(Entry("none", Flow(none) if _flat(none) else none))
        findings = self.plain(f"{field}.findings", [c.findings for c in cs], finding_block)
        if findings is not None:
            block.append(Entry("findings", findings))
        study = self.study(f"{field}.study", cs)
        if study:
            block.append(Entry("study", study))
        trade_offs = self.plain(f"{field}.trade_offs", [c.trade_offs for c in cs], trade_off_block)
        if trade_offs is not None:
            block.append(Entry("trade_offs", trade_offs))
        return block

    def study(self, field: str, cs: list[Contribution]) -> list[Entry]:
        block = []
        samples = self.plain(f"{field}.samples", [c.study.samples for c in cs], sample_value)
        if samples is not None:
            block.append(Entry("samples", samples))
        for slot in RESOURCE_SLOTS:
            sides = [c.study.resources.get(slot.key, []) for c in cs]
            value = self.plain(f"{field}.{slot.key}", sides, resource_value)
            if value is not None:
                block.append(Entry(slot.key, value))
        return block


def _flat(items: object) -> bool:
    """True for a list without marker (written as a flow list)."""
    return isinstance(items, list) and all(not isinstance(i, list) for i in items)


def _unique(cid: str, used: set[str]) -> str:
    candidate, n = cid, 2
    while candidate in used:
        candidate, n = f"{cid}-{n}", n + 1
    used.add(candidate)
    return candidate


def _terms_of(contribution: Contribution, keys: Sequence[str] | None = None) -> set[str]:
    return {
        u.term
        for key, uses in contribution.tags.items()
        if keys is None or key in keys
        for u in uses
        if u.term is not None
    }


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def overlap(a: Contribution, b: Contribution) -> float:
    """How alike two contributions are: shared approaches count most, then an equal label,
    then the shared tags of all slots (0 when nothing is shared)."""
    approaches = _jaccard(_terms_of(a, ("approaches",)), _terms_of(b, ("approaches",)))
    label = 1.0 if a.label and b.label and a.label.casefold() == b.label.casefold() else 0.0
    return 2 * approaches + label + _jaccard(_terms_of(a), _terms_of(b))


def match_contributions(sides: list[list[Contribution]]) -> list[list[Contribution | None]]:
    """Groups of contributions that are the same contribution, one member per side at most:
    matched by id first, then greedily by best :func:`overlap`; the unmatched start groups
    of their own. Groups are in the order of the first side, then of the later ones."""
    groups: list[list[Contribution | None]] = []
    width = len(sides)
    for j, side in enumerate(sides):
        unmatched = list(side)
        for contribution in side:
            group = next(
                (
                    g
                    for g in groups
                    if g[j] is None and any(c is not None and c.id == contribution.id for c in g)
                ),
                None,
            )
            if group is not None:
                group[j] = contribution
                unmatched.remove(contribution)
        while unmatched:
            scored = [
                (max(overlap(c, m) for m in g if m is not None), -gi, -ci, gi, ci)
                for ci, c in enumerate(unmatched)
                for gi, g in enumerate(groups)
                if g[j] is None
            ]
            best = max(scored, default=None)
            if best is None or best[0] <= 0:
                break
            groups[best[3]][j] = unmatched.pop(best[4])
        for contribution in unmatched:
            group: list[Contribution | None] = [None] * width
            group[j] = contribution
            groups.append(group)
    return groups

"""How well the vocabulary covers an annotated corpus, measured from its coverage log.

While annotating, an annotator logs every facet of a paper that had **no exact term** at
that moment (``coverage-log.tsv``: the words the paper uses, the slot, and what was done:
a new term added, a term request left open, a broader term used, or the facet left out),
and the moment each file was finished (``annotation-log.tsv``). The exact-term share of a
slot is then ``1 - gaps / facets`` over a set of files, where the facets of a file are the
distinct terms and term requests it uses per slot plus the facets it left out. Comparing
the first and the last files in annotation order shows whether the vocabulary grew to fit
the field, which is the point of the log (issue 9): a share measured on the papers the
vocabulary was built from says nothing.

The log is data, so it is checked like data: unknown slots or actions, files that are not
in the corpus, and missing columns are input errors naming the file and line.

>>> facet_keys(Annotation(tags={"disciplines": [TermUse(term="https://w3id.org/normspace#Law")]}))
{'disciplines': {'https://w3id.org/normspace#Law'}}
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .annotation.model import Annotation, TermUse
from .annotation.slots import POSITION_SLOTS, TAG_SLOTS
from .diagnostics import suggest
from .errors import InputError
from .namespaces import expand

#: Columns of the coverage log, in order.
GAP_COLUMNS = ("file", "annotator", "slot", "paper_words", "action", "term", "note")
#: Columns of the annotation log (the order in which files were finished), in order.
ORDER_COLUMNS = ("file", "annotator", "finished_utc", "area")

#: What the annotator did about a facet without an exact term.
ACTIONS: dict[str, str] = {
    "new-term": "a term was added to the ontology and the file uses it",
    "term-request": "a term request stands in the file (left open for the next release)",
    "broader-term": "a broader existing term was used",
    "omitted": "the facet was left out of the file",
    "missed-existing": "an exact term existed but the annotator did not find it at first",
}

#: The slots a facet can belong to: the tag slots, plus the term positions that are not
#: tag slots (contribution role, finding measure/direction, trade-off resolution, assumption
#: types), all named as in the slot table.
SLOTS = (*(s.key for s in TAG_SLOTS), *POSITION_SLOTS)

#: Where the term positions of a contribution that are not tag slots are counted.
_TRADE_OFF_SLOT = {"resolution": "trade_off_resolution", "decided_by": "stakeholders"}


@dataclass(frozen=True)
class Gap:
    """One logged facet without an exact term."""

    file: str
    annotator: str
    slot: str
    paper_words: str
    action: str
    term: str
    note: str
    line: int


@dataclass(frozen=True)
class Annotated:
    """One annotation file, with the moment it was finished and the area of the field."""

    file: str
    annotator: str
    finished: dt.datetime
    area: str
    line: int

    @property
    def second(self) -> bool:
        """A second, independent annotation (``<stem>.curator-x.yaml``)."""
        return ".curator-" in self.file


@dataclass
class SlotShare:
    """Facets and gaps of one slot over a set of files."""

    facets: int = 0
    gaps: int = 0
    #: Facets tagged with a grouping term (all of them gaps, whether logged or not).
    grouping: int = 0

    @property
    def exact(self) -> int:
        return max(self.facets - self.gaps, 0)

    @property
    def share(self) -> float | None:
        return self.exact / self.facets if self.facets else None


@dataclass
class Shares:
    """Per-slot shares over a set of files, and their total."""

    files: list[str] = field(default_factory=list)
    slots: dict[str, SlotShare] = field(default_factory=lambda: defaultdict(SlotShare))

    @property
    def total(self) -> SlotShare:
        slots = self.slots.values()
        return SlotShare(
            sum(s.facets for s in slots), sum(s.gaps for s in slots), sum(s.grouping for s in slots)
        )


def _rows(path: Path, columns: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """The data rows of a tab-separated file with exactly ``columns`` as its header."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the log: {exc}") from exc
    reader = csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header != list(columns):
        raise InputError(
            f"{path}:1: the header must be the columns {', '.join(columns)} (tab-separated); "
            f"found {', '.join(header or ['nothing'])}"
        )
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            raise InputError(
                f"{path}:{line}: expected {len(columns)} tab-separated cells, found {len(row)}"
            )
        yield line, dict(zip(columns, (cell.strip() for cell in row), strict=True))


def _choice(path: Path, line: int, column: str, value: str, allowed: Iterable[str]) -> str:
    allowed = list(allowed)
    if value in allowed:
        return value
    hints = suggest(value, allowed, n=1)
    expected = f"did you mean `{hints[0]}`?" if hints else f"one of: {', '.join(allowed)}"
    raise InputError(f"{path}:{line}: unknown {column} `{value}`; {expected}")


def read_gaps(path: Path) -> list[Gap]:
    """The coverage log: one row per facet that had no exact term."""
    gaps = []
    for line, row in _rows(path, GAP_COLUMNS):
        _choice(path, line, "slot", row["slot"], SLOTS)
        _choice(path, line, "action", row["action"], ACTIONS)
        gaps.append(Gap(**row, line=line))
    return gaps


def read_order(path: Path) -> list[Annotated]:
    """The annotation log, sorted by the moment each file was finished."""
    files = []
    for line, row in _rows(path, ORDER_COLUMNS):
        try:
            finished = dt.datetime.fromisoformat(row["finished_utc"].replace("Z", "+00:00"))
        except ValueError:
            raise InputError(
                f"{path}:{line}: `{row['finished_utc']}` is not a time; "
                "expected e.g. 2026-12-04T17:05:02Z"
            ) from None
        files.append(Annotated(row["file"], row["annotator"], finished, row["area"], line))
    return sorted(files, key=lambda a: (a.finished, a.file))


def _key(use: TermUse) -> str | None:
    if use.term is not None:
        return use.term
    if use.request is not None and use.request.label:
        return "request:" + use.request.label.casefold()
    return None


def _uses(annotation: Annotation) -> Iterator[tuple[str, TermUse]]:
    """Every term position of an annotation, with the slot it is counted under."""
    for key, uses in annotation.tags.items():
        yield from ((key, u) for u in uses)
    for contribution in annotation.contributions:
        yield from (("contribution_role", u) for u in contribution.roles)
        for key, uses in contribution.tags.items():
            yield from ((key, u) for u in uses)
        for finding in contribution.findings:
            if finding.measure is not None:
                yield "finding_measure", finding.measure
            if finding.baseline is not None:
                yield "approaches", finding.baseline
            if finding.direction is not None:
                yield "finding_direction", finding.direction
        for trade_off in contribution.trade_offs:
            for key, uses in trade_off.terms.items():
                yield from ((_TRADE_OFF_SLOT.get(key, key), u) for u in uses)
    for assumption in annotation.assumptions:
        yield from (("assumptions", u) for u in assumption.types)


def facet_keys(annotation: Annotation) -> dict[str, set[str]]:
    """The distinct terms and term requests of an annotation, per slot: a term named in
    a tag and again as a trade-off pole is one facet, not two."""
    keys: dict[str, set[str]] = defaultdict(set)
    for slot, use in _uses(annotation):
        key = _key(use)
        if key is not None and slot in SLOTS:
            keys[slot].add(key)
    return dict(keys)


def shares(
    files: Sequence[str],
    annotations: dict[str, Annotation],
    gaps: Sequence[Gap],
    grouping: frozenset[str] = frozenset(),
) -> Shares:
    """Facets and gaps per slot over ``files``. Every logged gap stands for one facet that
    had no exact term; an omitted facet is not in the file, so it adds a facet as well. A
    facet tagged with a grouping term (``grouping``: their IRIs) is a catch-all, not an
    exact term: it counts as a gap too, unless the log already has it."""
    result = Shares(files=list(files))
    wanted = set(files)
    logged = {(g.file, g.slot, expand(g.term) or g.term) for g in gaps}
    for name in files:
        for slot, keys in facet_keys(annotations[name]).items():
            result.slots[slot].facets += len(keys)
            catch_alls = keys & grouping
            result.slots[slot].grouping += len(catch_alls)
            result.slots[slot].gaps += sum((name, slot, k) not in logged for k in catch_alls)
    for gap in gaps:
        if gap.file in wanted:
            result.slots[gap.slot].gaps += 1
            if gap.action == "omitted":
                result.slots[gap.slot].facets += 1
    return result


def check_log(
    gaps: Sequence[Gap], order: Sequence[Annotated], corpus: Iterable[str], log: Path
) -> None:
    """Every logged file exists in the corpus and was finished (is in the annotation log)."""
    present = set(corpus)
    finished = {a.file for a in order}
    for a in order:
        if a.file not in present:
            raise InputError(f"annotation log line {a.line}: `{a.file}` is not in the corpus")
    for gap in gaps:
        if gap.file not in finished:
            raise InputError(
                f"{log}:{gap.line}: `{gap.file}` is not in the annotation log "
                "(every annotated file needs a row with the moment it was finished)"
            )


#: Actions whose ``term`` must be one term of the ontology (its CURIE).
TERM_ACTIONS = frozenset({"new-term", "missed-existing", "broader-term"})


def check_terms(gaps: Sequence[Gap], curies: Iterable[str], log: Path) -> None:
    """A gap closed with a term names exactly one term of the ontology: a typo or a list of
    terms in one row would silently count several facets as one."""
    known = sorted(set(curies))
    for gap in gaps:
        if gap.action in TERM_ACTIONS and gap.term not in known:
            hints = [] if " " in gap.term.strip() else suggest(gap.term, known, n=1)
            hint = f"; did you mean `{hints[0]}`?" if hints else " (one CURIE per row)"
            raise InputError(
                f"{log}:{gap.line}: `{gap.term}` is not a term of the ontology, but action "
                f"`{gap.action}` names the term used{hint}"
            )


def first_and_last(order: Sequence[Annotated], n: int) -> tuple[list[str], list[str]]:
    """The first and the last ``n`` papers in annotation order (first annotations only:
    a second annotation re-uses a paper, it is not a new one)."""
    papers = [a.file for a in order if not a.second]
    return papers[:n], papers[-n:]


def action_counts(gaps: Sequence[Gap], files: Iterable[str]) -> Counter[str]:
    wanted = set(files)
    return Counter(g.action for g in gaps if g.file in wanted)

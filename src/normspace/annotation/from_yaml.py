"""Read the YAML annotation format (format 2, and the deprecated format 1) into the
annotation model.

The reader never stops at the first mistake: it records every problem it can locate
(unknown keys, wrong types, unresolvable terms, malformed identifiers) with the YAML field
path and line, skips the offending value and goes on, so an annotator sees every problem of
a file at once. Constraints that are expressed on the RDF (required fields, ranges,
distinctness) are left to the SHACL shapes; this reader only ensures that the RDF it hands
them is well-formed, and adds the checks that need the file itself (format version, keys
that moved between formats, ``none`` against tags, priority against poles) or the ontology
(term requests, grouping terms).

A version-1 file (no ``format`` key) is read natively into the same model: its tags (minus
``disciplines``) and trade-offs become one contribution without a role, and every message
keeps the version-1 field paths (``tags.values[1]``), so that the annotator finds the line.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq, LineCol

from ..diagnostics import suggest
from ..namespaces import curie, expand
from . import identifiers
from .merge import CONFLICT_KEY, is_marker, marker_problem_message, take_markers
from .model import (
    CONTRIBUTION_ID,
    CURRENT_FORMAT,
    FIRST_FORMAT,
    Annotation,
    Annotator,
    Assumption,
    Author,
    ContestationSetting,
    Contribution,
    Evidence,
    Finding,
    Paper,
    Resource,
    Study,
    StudySample,
    TermRequest,
    TermUse,
    TradeOff,
)
from .problems import ERROR, WARNING, Problem
from .slots import (
    ALIASES,
    ALLOWED_KEYS,
    ASSUMPTION_ATTRIBUTION,
    ASSUMPTION_STANCE,
    ASSUMPTION_TYPE,
    CONTESTABLE_BY,
    CONTRIBUTION_SLOTS,
    FINDING_BASELINE,
    FINDING_DIRECTION,
    FINDING_MEASURE,
    FORMAT_KEY,
    NONE_KEYS,
    PAPER_SLOTS,
    RESOURCE_SLOTS,
    ROLE,
    ROLE_ALIASES,
    STAGE,
    TAG_SLOTS,
    TRADE_OFF_POLES,
    TRADE_OFF_SLOTS,
    V1_ONLY_KEYS,
    TermSlot,
)
from .terms import TermProblem, TermResolver, scheme_noun, with_article
from .textinput import printable, surrogate_at, surrogate_message
from .yaml_source import ImpossibleDate, YamlSource, item_position, key_position, value_position

_ET_AL = {"et al.", "et al", "others", "and others"}

#: Earliest publication year accepted (as in ``nsh:PaperYearRangeShape``).
FIRST_YEAR = 1900
#: Days an annotation date may lie after today: time zones, and a file dated tomorrow
#: by an annotator ahead of the machine's clock. See docs/annotation-format.md.
FUTURE_TOLERANCE_DAYS = 1


#: The command that rewrites a version-1 file (named in messages).
MIGRATE = "normspace migrate"

#: Keys that do not belong in a contribution, with where they go instead.
CONTRIBUTION_HINTS: dict[str, str] = {
    **{s.key: f"`{s.key}` is paper-level: put it under the top-level `tags:`" for s in PAPER_SLOTS},
    "tags": "contribution tag slots are written directly in the contribution, without `tags:`",
    "assumptions": "assumptions are paper-level: put them at the top level, after the "
    "contributions",
    "proposes_no_approach": "use `none: [approaches]` in the contribution",
}
#: Format-2 mapping kinds and their format-1 counterparts (for "add `format: 2`" hints).
_V1_KINDS = {
    "document": "v1 document",
    "annotation": "v1 annotation",
    "tags": "v1 tags",
    "trade-off": "v1 trade-off",
}


@cache
def _v1_hints(kind: str) -> dict[str, str]:
    """Pointers for the format-1 keys that format 2 moved (spec 1.2), for a mapping kind
    (cached: asked for every section of every file, and only read)."""
    return {key: hint for (where, key), hint in V1_ONLY_KEYS.items() if where == kind}


@cache
def _v2_hints(v1_kind: str) -> dict[str, str]:
    """Pointers for format-2 keys written in a file read as format 1 (no `format: 2`)
    (cached, as :func:`_v1_hints`)."""
    kind = next(k for k, v in _V1_KINDS.items() if v == v1_kind)
    v2_keys = set(ALLOWED_KEYS[kind])
    if kind == "tags":
        v2_keys |= {s.key for s in CONTRIBUTION_SLOTS}
    return {
        key: f"`{key}` is a key of format 2, but the file has no `format: 2` and is read as "
        "the deprecated format 1: add `format: 2` at the top (`normspace migrate` rewrites "
        "the rest)"
        for key in sorted(v2_keys - set(ALLOWED_KEYS[v1_kind]))
    }


#: How a term request is written (in messages).
REQUEST_EXAMPLE = '`request: {label: "…", definition: "…", broader: norm:…, source: "https://…"}`'
#: How findings are written (in messages).
FINDINGS = '`findings: [{measure: norm:…, value: 85, unit: "%", direction: improves}]`'
#: A web address (the scheme is what tells it from citation text).


#: id(slot) -> (slot, its scheme as a plain string, its short spellings with plain-string
#: IRIs). Keyed by identity (the slot is kept, so its id cannot be reused): hashing a
#: TermSlot, or the URIRef of its property, is a Python-level rdflib hash per term use.
_SLOT_INFO: dict[int, tuple[TermSlot, str, dict[str, str]]] = {}


def _slot_info(slot: TermSlot) -> tuple[str, dict[str, str]]:
    """The slot's scheme (what the resolver compares and keys its memo by) and aliases."""
    info = _SLOT_INFO.get(id(slot))
    if info is None or info[0] is not slot:
        aliases = {name: str(iri) for name, iri in ALIASES.get(slot.prop, {}).items()}
        info = _SLOT_INFO[id(slot)] = (slot, str(slot.scheme), aliases)
    return info[1], info[2]


#: Mapping kind -> its allowed keys as a set (membership per key read; the tuples of
#: :data:`ALLOWED_KEYS` keep their order for messages).
_ALLOWED_SETS: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in ALLOWED_KEYS.items()}


#: (id(slot tuple), mapping kind) -> (the tuple, its slots allowed there): keyed by
#: identity, the tuple kept so that its id stays its own (hashing TermSlots is slow).
_ALLOWED_SLOTS: dict[tuple[int, str], tuple[tuple[TermSlot, ...], tuple[TermSlot, ...]]] = {}
_ROUND_TRIP = (CommentedMap, CommentedSeq)


def _line_data(node: Any) -> dict[Any, list[int]] | None:
    """The 0-based positions ruamel keeps for a round-trip node's keys or items (key ->
    ``[key line, key col, value line, value col]``, index -> ``[line, col]``), read once
    per node instead of through ``lc`` per key; ``None`` for plain containers (and for
    round-trip ones built without positions), where the position helpers are used."""
    if isinstance(node, _ROUND_TRIP):
        lc = getattr(node, LineCol.attrib, None)  # (`node.lc` would add an empty one)
        return None if lc is None else lc.data
    return None


def _value_at(node: Any, key: str) -> tuple[int, int] | None:
    """:func:`value_position`, but ``None`` for a key that ruamel keeps no position for
    (one merged in by ``<<``), which used to end the run with a ``KeyError``."""
    lines = _line_data(node)
    if lines is not None and key not in lines:
        return None
    return value_position(node, key)


_ABSENT = object()


def _get(node: dict[Any, Any], key: str) -> Any:
    """``node.get(key)``, at C level when the key is the mapping's own: a round-trip
    mapping's ``get`` is Python code (it also looks into ``<<`` merges, which only keys
    absent from the mapping itself reach, so those still go through it)."""
    value = dict.get(node, key, _ABSENT)
    return node.get(key) if value is _ABSENT else value


def _pairs(node: dict[Any, Any]) -> list[tuple[Any, Any]]:
    """A mapping's keys and values as ``node[key]`` gives them, in order. For a round-trip
    mapping its ordered dict's own items (C level): its ``__getitem__`` looks a key up
    there first, and every key iteration yields is held there (ruamel copies ``<<``-merged
    keys in); a copy, because the reader blanks unreadable values while walking."""
    if type(node) is CommentedMap:
        return list(OrderedDict.items(node))
    if type(node) is dict:
        return list(node.items())
    return [(key, node[key]) for key in node]


def today() -> dt.date:
    """Today's date (a function, so that tests can pin the clock)."""
    return dt.date.today()


def join(field: str, key: str | int) -> str:
    """Field path of a key or list index below ``field``.

    >>> join("tags", "values"), join("tags.values", 2), join("", "paper")
    ('tags.values', 'tags.values[2]', 'paper')
    """
    if isinstance(key, int):
        return f"{field}[{key}]"
    return f"{field}.{key}" if field else key


def describe(value: Any) -> str:
    """How a YAML value is named in type errors.

    >>> describe([1]), describe({}), describe("x"), describe(True), describe(3)
    ('a list', 'a mapping', 'a string', 'a boolean', 'a number')
    """
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, dt.date):
        return "a date"
    return "empty" if value is None else type(value).__name__


def closest_line(positions: dict[str, tuple[int, int]], field: str) -> int | None:
    """Line of ``field``, or of its closest enclosing field that exists in the file.

    >>> closest_line({"tags": (12, 1), "tags.values": (14, 3)}, "tags.values[3].term")
    14
    """
    while True:
        if field in positions:
            return positions[field][0]
        if not field:
            return None
        cut = max(field.rfind("."), field.rfind("["))
        field = field[: max(cut, 0)]


class AnnotationReader:
    """Turns one parsed YAML file into an :class:`Annotation`, collecting problems."""

    def __init__(self, source: YamlSource, resolver: TermResolver | None = None) -> None:
        self.source = source
        self.resolver = resolver or TermResolver()
        self.problems: list[Problem] = []
        #: field path -> 1-based (line, column) of the key or item in the file.
        self.positions: dict[str, tuple[int, int]] = {}
        #: The format version of the file (set by :meth:`read`).
        self.version = CURRENT_FORMAT
        #: False once :meth:`conflict_markers` found that no line can hold a marker: then
        #: list items need not be checked for being one.
        self.markers_possible = True

    # -- positions and problems ------------------------------------------------------------

    def line_of(self, field: str) -> int | None:
        return closest_line(self.positions, field)

    def report(
        self,
        field: str,
        rule: str,
        message: str,
        value: Any = None,
        suggestion: str | None = None,
        severity: str = ERROR,
    ) -> None:
        self.problems.append(
            Problem(
                file=self.source.path,
                message=printable(message),
                rule=rule,
                severity=severity,
                line=self.line_of(field),
                field=printable(field) or None,
                value=None if value is None else printable(str(value)),
                suggestion=suggestion,
            )
        )

    def bad_text(self, field: str, value: Any) -> bool:
        """Report a string holding a lone surrogate (a ``\\udcXX`` escape): it is not
        Unicode text and could never be stored or written; True when reported."""
        if not isinstance(value, str) or value.isascii() or surrogate_at(value) is None:
            return False
        self.report(
            field,
            "invalid-text",
            surrogate_message(value),
            suggestion="retype the character, or remove the `\\u` escape",
        )
        return True

    def type_error(self, field: str, value: Any, expected: str, example: str | None = None) -> None:
        self.report(
            field,
            "type",
            f"expected {expected}, found {describe(value)}",
            value=None if isinstance(value, dict | list) else value,
            suggestion=example,
        )

    # -- structure -------------------------------------------------------------------------

    def mapping(
        self,
        node: Any,
        field: str,
        kind: str,
        hints: Mapping[str, str] | None = None,
        hint_rule: str = "misplaced-key",
    ) -> dict[str, Any] | None:
        """Check that ``node`` is a mapping with known keys (unknown ones are reported, and
        ignored by callers, which only look up known keys); record key positions.

        ``hints`` maps keys that are not allowed here but have a known place elsewhere
        (a format-1 key in a format-2 file, a paper-level key in a contribution) to the
        pointer that says where they go (reported under ``hint_rule``): a better message
        than the list of allowed keys.
        """
        if node is None:
            return None
        if not isinstance(node, dict):
            self.type_error(field, node, f"a mapping of {kind.removeprefix('v1 ')} fields")
            return None
        allowed = ALLOWED_KEYS[kind]
        known = _ALLOWED_SETS[kind]
        lines = _line_data(node)
        positions = self.positions
        prefix = f"{field}." if field else ""
        for key, value in _pairs(node):
            sub = prefix + str(key)
            if lines is not None:
                at = lines.get(key)  # None: merged in by `<<`, ruamel kept no position
                if at is not None:
                    positions[sub] = (at[0] + 1, at[1] + 1)
            else:
                pos = key_position(node, key)
                if pos:
                    positions[sub] = pos
            if isinstance(value, str) and not value.isascii() and self.bad_text(sub, value):
                node[key] = None  # skipped like any value that cannot be read
            if key in known:
                continue
            where = f"in `{field}`" if field else "at the top level"
            hint = (hints or {}).get(str(key))
            if hint is not None:
                self.report(sub, hint_rule, f"`{key}` {where}: {hint}", value=key)
                continue
            close = suggest(str(key), allowed, n=1, cutoff=0.5)
            self.report(
                sub,
                "unknown-key",
                f"unknown key `{key}` {where}; allowed keys: {', '.join(allowed)}",
                value=key,
                suggestion=f"`{close[0]}`" if close else None,
            )
        return node  # the round-trip mapping: it still knows where its values are

    def items(
        self, node: Any, field: str, what: str, example: str | None = None
    ) -> list[tuple[str, Any]]:
        """Items of a list, with their paths. A single scalar counts as a one-item list,
        unless an ``example`` of the list is given (then it is a type error)."""
        if node is None:
            return []
        if example is not None and not isinstance(node, list):
            self.type_error(field, node, f"a list of {what}", example)
            return []
        if isinstance(node, list):
            out = []
            lines = _line_data(node)
            for i, item in enumerate(list.copy(node)):  # list's own items, not abc's walk
                if self.markers_possible and is_marker(item):  # reported by conflict_markers
                    continue
                sub = f"{field}[{i}]"
                if lines is not None:
                    at = lines[i]
                    self.positions[sub] = (at[0] + 1, at[1] + 1)
                else:
                    pos = item_position(node, i)
                    if pos:
                        self.positions[sub] = pos
                if not (isinstance(item, str) and not item.isascii() and self.bad_text(sub, item)):
                    out.append((sub, item))
            return out
        if isinstance(node, dict):
            self.type_error(field, node, f"a list of {what}")
            return []
        return [(field, node)]

    def text(self, node: dict[str, Any], key: str, field: str) -> str | None:
        """A free-text field; numbers keep their spelling, empty strings count as absent."""
        value = _get(node, key)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.type_error(
                join(field, key), value, "text", f'put the text in quotes: `{key}: "…"`'
            )
            return None
        if not isinstance(value, str):
            raw = self.source.raw_scalar(_value_at(node, key))
            return raw or str(value)
        return value.strip() or None

    def flag(self, node: dict[str, Any], key: str, field: str) -> bool | None:
        value = _get(node, key)
        if value is None or isinstance(value, bool):
            return value
        self.type_error(join(field, key), value, "`true` or `false`")
        return None

    # -- the document ----------------------------------------------------------------------

    def read(self) -> Annotation:
        self.conflict_markers()
        raw = self.source.root if isinstance(self.source.root, dict) else {}
        self.version = self.format_version(raw)
        annotation = Annotation(format_version=self.version)
        root = self.section(self.source.root, "", "document") or {}
        annotation.paper = self.paper(_get(root, "paper"))
        fields = self.section(_get(root, "annotation"), "annotation", "annotation") or {}
        self.annotation_fields(fields, annotation)
        tags = self.section(_get(root, "tags"), "tags", "tags") or {}
        self.tag_slots(tags, "tags", self.allowed_slots(PAPER_SLOTS, "tags"), annotation.tags)
        if self.version == FIRST_FORMAT:
            annotation.contributions = [self.v1_contribution(root, fields, tags)]
        else:
            annotation.contributions = self.contributions(root)
        for field, item in self.items(_get(root, "assumptions"), "assumptions", "assumptions"):
            assumption = self.assumption(item, field)
            if assumption is not None:
                annotation.assumptions.append(assumption)
        return annotation

    # -- conflict markers of `normspace merge` (see annotation/merge.py) ------------------

    def conflict_markers(self) -> None:
        """One error per unresolved ``conflict:`` marker, at the marker's own line; the
        markers are taken out of what is read (value markers become absent values, list
        markers are skipped by :meth:`items`), so they cause no second error. The walk over
        the whole tree is skipped when no line can hold a marker key (written plainly or
        escaped): most files have none, and the walk is ~10 % of reading a file."""
        text = "\n".join(self.source.lines)
        if CONFLICT_KEY not in text and "\\" not in text:
            self.markers_possible = False
            return
        for marker in take_markers(self.source.root):
            self.problems.append(
                Problem(
                    file=self.source.path,
                    message=printable(marker_problem_message(marker)),
                    rule="unresolved-conflict",
                    line=marker.position[0] if marker.position else None,
                    field=printable(marker.field) or None,
                )
            )

    def section(self, node: Any, field: str, kind: str) -> dict[str, Any] | None:
        """A mapping whose keys differ between the format versions: checked against the
        keys of the file's version, with pointers for the keys of the other version."""
        if self.version == FIRST_FORMAT:
            v1_kind = _V1_KINDS[kind]
            return self.mapping(node, field, v1_kind, _v2_hints(v1_kind), "format-2-key")
        return self.mapping(node, field, kind, _v1_hints(kind), "format-1-key")

    def allowed_slots(self, slots: tuple[TermSlot, ...], kind: str) -> list[TermSlot]:
        """The slots of ``slots`` that the file's version has in mappings of ``kind`` (the
        others were reported as keys of the other version, and are not read)."""
        if self.version == FIRST_FORMAT:
            kind = _V1_KINDS[kind]
        known = _ALLOWED_SLOTS.get((id(slots), kind))
        if known is None or known[0] is not slots:
            chosen = tuple(s for s in slots if s.key in ALLOWED_KEYS[kind])
            known = _ALLOWED_SLOTS[id(slots), kind] = (slots, chosen)
        return list(known[1])

    def format_version(self, root: dict[str, Any]) -> int:
        """The ``format`` of the file: 2, or 1 when absent (deprecated, with a warning).

        An unknown version is an error, and the file is read as the current format, which
        is what the annotator most likely meant to write.
        """
        if FORMAT_KEY not in root:
            self.deprecated_format(FORMAT_KEY, "the file has no `format` key")
            return FIRST_FORMAT
        value = root[FORMAT_KEY]
        lines = _line_data(root)
        pos = key_position(root, FORMAT_KEY) if lines is None or FORMAT_KEY in lines else None
        if pos:
            self.positions[FORMAT_KEY] = pos
        if type(value) is int and value == FIRST_FORMAT:  # not `true`, not `1.0`
            self.deprecated_format(FORMAT_KEY, "`format: 1`")
            return FIRST_FORMAT
        if type(value) is not int or value != CURRENT_FORMAT:
            self.report(
                FORMAT_KEY,
                "format-version",
                f"`format: {value}` is not a format version NormSpace reads: "
                f"{CURRENT_FORMAT} (current) or {FIRST_FORMAT} (deprecated); the file was "
                f"read as format {CURRENT_FORMAT}",
                value=value,
                suggestion=f"`format: {CURRENT_FORMAT}`",
            )
        return CURRENT_FORMAT

    def deprecated_format(self, field: str, why: str) -> None:
        self.report(
            field,
            "format-deprecated",
            f"{why}, so it is read as format 1, which is deprecated: format 2 records "
            "contributions with roles, findings and explicit absences",
            suggestion=f"run `{MIGRATE} --in-place {self.source.path}`",
            severity=WARNING,
        )

    def v1_contribution(
        self, root: dict[str, Any], fields: dict[str, Any], tags: dict[str, Any]
    ) -> Contribution:
        """The one contribution, without role, of a format-1 file (spec 1.2): its tags but
        `disciplines`, its trade-offs, and `proposes_no_approach` as `none: [approaches]`.
        Fields keep their format-1 paths."""
        contribution = Contribution(id="1", field="")
        slots = self.allowed_slots(CONTRIBUTION_SLOTS, "tags")
        self.tag_slots(tags, "tags", slots, contribution.tags)
        for field, item in self.items(_get(root, "trade_offs"), "trade_offs", "trade-offs"):
            trade_off = self.trade_off(item, field)
            if trade_off is not None:
                contribution.trade_offs.append(trade_off)
        if self.flag(fields, "proposes_no_approach", "annotation"):
            contribution.none.append("approaches")
            self.check_none(contribution, {"approaches": "annotation.proposes_no_approach"})
        return contribution

    def paper(self, node: Any) -> Paper:
        paper = Paper()
        if node is None:
            self.report("paper", "missing-paper", "the file has no `paper:` section")
            return paper
        fields = self.mapping(node, "paper", "paper")
        if fields is None:
            return paper
        paper.title = self.text(fields, "title", "paper")
        names = _get(fields, "authors")
        example = '`authors: ["First Author", "Second Author"]`'
        for field, item in self.items(names, "paper.authors", "author names", example):
            if isinstance(item, str) and item.strip().casefold() in _ET_AL:
                self.report(
                    field,
                    "author-et-al",
                    f"`{item}` is not an author",
                    value=item,
                    suggestion="remove it and set `authors_incomplete: true`",
                )
            elif isinstance(item, str) and item.strip():
                paper.authors.append(Author(item.strip(), field))
            else:
                self.type_error(field, item, "an author name", 'e.g. `"Long Ouyang"`')
        paper.authors_incomplete = self.flag(fields, "authors_incomplete", "paper")
        if paper.authors_incomplete and not paper.authors and not self._reported("paper.authors"):
            self.report(
                "paper.authors_incomplete",
                "authors-incomplete-empty",
                "`authors_incomplete: true` but no `authors` are listed: the flag says the "
                "list is cut short, so it needs at least the first author",
                suggestion='`authors: ["First Author"]`',
            )
        paper.year = self.year(_get(fields, "year"), "paper.year")
        paper.venue = self.text(fields, "venue", "paper")
        paper.doi = self.identifier(fields, "doi", identifiers.normalise_doi, "doi-format")
        if paper.doi:
            self.doi_prefix(str(fields["doi"]), paper.doi)
        paper.arxiv = self.identifier(fields, "arxiv", identifiers.normalise_arxiv, "arxiv-format")
        self.arxiv_doi(paper)
        paper.metadata_source = self.metadata_source(_get(fields, "metadata_source"))
        if not paper.identified and "doi" not in fields and "arxiv" not in fields:
            self.report(
                "paper",
                "missing-identifier",
                "the paper needs a `doi` or an `arxiv` id (at least one): its IRI is made from it",
                suggestion=f'`doi: "{identifiers.DOI_EXAMPLE}"` or '
                f'`arxiv: "{identifiers.ARXIV_EXAMPLE}"`',
            )
        return paper

    def metadata_source(self, node: Any) -> list[str]:
        """The URLs the metadata was checked against: one URL or a list of them. Only
        absolute http(s) URLs, so that a reader can open each one and re-check the fields."""
        urls: list[str] = []
        example = '`metadata_source: "https://api.openalex.org/works/doi:10.1145/3630106.3658979"`'
        if node == "":  # empty, as `normspace new` writes it: not given, like any text field
            return urls
        for field, item in self.items(node, "paper.metadata_source", "URLs"):
            url = item.strip() if isinstance(item, str) else None
            if url and identifiers.is_web_url(url):
                urls.append(url)
            else:
                self.report(
                    field,
                    "metadata-source-url",
                    f"`{item}` is not a web address: `metadata_source` names the page (publisher, "
                    "DOI or arXiv record, bibliographic database) the metadata was checked against",
                    value=str(item),
                    suggestion=example,
                )
        return urls

    def _reported(self, field: str) -> bool:
        """True when an error was already reported at ``field`` or below it."""
        return any(
            p.field and (p.field == field or p.field.startswith((field + ".", field + "[")))
            for p in self.problems
            if p.severity == ERROR
        )

    def arxiv_doi(self, paper: Paper) -> None:
        """arXiv's own DataCite DOI (``10.48550/arXiv.<id>``) names the same paper as the
        arXiv id: use the arXiv id, so that both spellings give one paper IRI (and one
        annotation IRI) instead of two copies of the paper in the store."""
        arxiv_id = identifiers.arxiv_id_of_doi(paper.doi) if paper.doi else None
        if arxiv_id is None:
            return
        if paper.arxiv and paper.arxiv != arxiv_id:
            self.report(
                "paper.doi",
                "arxiv-doi-mismatch",
                f"`{paper.doi}` is arXiv's DOI for the preprint {arxiv_id}, but `arxiv` says "
                f"{paper.arxiv}: they name different papers",
                value=paper.doi,
                suggestion="remove the `doi`, or correct one of the two",
            )
            paper.doi = None
            return
        self.report(
            "paper.doi",
            "arxiv-doi",
            f"`{paper.doi}` is the DOI arXiv gives the preprint; it was read as the arXiv id "
            f"{arxiv_id} (paper IRI {identifiers.arxiv_iri(arxiv_id)}), so that it matches "
            "annotations that give the arXiv id",
            value=paper.doi,
            suggestion=f'replace it by `arxiv: "{arxiv_id}"`',
            severity=WARNING,
        )
        paper.doi, paper.arxiv = None, arxiv_id

    def year(self, value: Any, field: str) -> int | None:
        if value is None or value == "":
            return None
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            self.type_error(field, value, "a publication year", "e.g. `year: 2022`")
            return None
        if not 1000 <= value <= 9999:
            raw = self.source.raw_scalar(self._value_position(field)) or str(value)
            shown = raw if len(raw) <= 12 else f"{raw[:6]}…({len(raw)} digits)"
            self.report(
                field,
                "year-range",
                f"the publication year `{shown}` is out of range: it must be a four-digit year "
                f"from {FIRST_YEAR} to next year ({today().year + 1})",
                value=shown,
                suggestion="e.g. `year: 2022`",
            )
            return None
        return value

    def _value_position(self, field: str) -> tuple[int, int] | None:
        """Where the value of a ``section.key`` field starts (for its raw spelling)."""
        section, _, key = field.rpartition(".")
        node = self.source.root.get(section) if isinstance(self.source.root, dict) else None
        return _value_at(node, key)

    def doi_prefix(self, written: str, doi: str) -> None:
        """Warn that a `doi:` or resolver prefix was dropped: the field holds the bare DOI."""
        prefix = identifiers.doi_prefix(written)
        if prefix is None:
            return
        self.report(
            "paper.doi",
            "doi-prefix",
            f"`{written.strip()}` was normalised to the DOI `{doi}`; the `{prefix.strip()}` "
            "prefix is not part of the DOI",
            value=written.strip(),
            suggestion=f'`doi: "{doi}"`',
            severity=WARNING,
        )

    def identifier(
        self, node: dict[str, Any], key: str, normalise: Callable[[str], str], rule: str
    ) -> str | None:
        value = _get(node, key)
        field = join("paper", key)
        if value is None or value == "":
            return None
        if isinstance(value, float) and key == "arxiv":
            raw = self.source.raw_scalar(_value_at(node, key)) or str(value)
            self.report(
                field,
                "arxiv-unquoted",
                f"unquoted arXiv id `{raw}` is read as a number by YAML (which drops "
                "trailing zeros); it was read from the text, but quote it to be safe",
                value=raw,
                suggestion=f'`arxiv: "{raw}"`',
                severity=WARNING,
            )
            value = raw
        if not isinstance(value, str):
            self.type_error(field, value, f"a quoted {key} identifier")
            return None
        try:
            return normalise(value)
        except identifiers.IdentifierError as exc:
            self.report(field, rule, str(exc), value=value, suggestion=exc.expected)
            return None

    def annotation_fields(self, fields: dict[str, Any], annotation: Annotation) -> None:
        annotation.annotator = self.annotator(_get(fields, "annotator"))
        annotation.date = self.date(_get(fields, "date"), "annotation.date")
        annotation.note = self.text(fields, "note", "annotation")

    def annotator(self, node: Any) -> Annotator:
        field = "annotation.annotator"
        if isinstance(node, str):
            return Annotator(name=node.strip() or None)
        fields = self.mapping(node, field, "annotator") or {}
        annotator = Annotator(name=self.text(fields, "name", field))
        orcid = _get(fields, "orcid")
        if orcid not in (None, ""):
            sub = join(field, "orcid")
            if not isinstance(orcid, str):
                self.type_error(sub, orcid, "a quoted ORCID iD")
            else:
                try:
                    annotator.orcid = identifiers.normalise_orcid(orcid)
                except identifiers.IdentifierError as exc:
                    self.report(sub, "orcid-format", str(exc), orcid, exc.expected)
        return annotator

    def date(self, value: Any, field: str) -> dt.date | None:
        day = self._date(value, field)
        latest = today() + dt.timedelta(days=FUTURE_TOLERANCE_DAYS)
        if day is not None and day > latest:
            self.report(
                field,
                "date-future",
                f"the annotation date {day.isoformat()} is in the future (today is "
                f"{today().isoformat()}): it is the day the annotation was made",
                value=day.isoformat(),
                suggestion=f"a date up to today, e.g. `date: {today().isoformat()}`",
            )
            return None
        return day

    def _date(self, value: Any, field: str) -> dt.date | None:
        if value is None or value == "":
            return None
        if isinstance(value, ImpossibleDate):
            self.report(
                field,
                "date-impossible",
                f"`{value}` is not a day of the calendar ({value.reason})",
                value=str(value),
                suggestion="a date as YYYY-MM-DD that exists, e.g. `date: 2026-11-27`",
            )
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.report(
            field,
            "date-format",
            f"`{value}` is not a date",
            value=value,
            suggestion="a date as YYYY-MM-DD, e.g. `date: 2026-11-27`",
        )
        return None

    # -- terms -----------------------------------------------------------------------------

    def term(
        self, value: Any, field: str, slot: TermSlot, slot_field: str, grouping: bool = True
    ) -> str | None:
        """Resolve one term reference to its IRI, reporting why it does not resolve, and
        warning when the term is deprecated or (unless ``grouping`` is False: a term
        request's broader term is rightly a grouping term) a grouping term."""
        if not isinstance(value, str) or not (written := value.strip()):
            self.type_error(field, value, "a term (a CURIE such as `norm:Fairness` or a label)")
            return None
        scheme, aliases = _slot_info(slot)
        if written in aliases:
            return aliases[written]
        found = self.resolver.resolve(value, scheme, slot_field)
        if isinstance(found, TermProblem):
            suggestion = found.suggestion
            if aliases:  # suggest short spellings: the closest ones, else all of them
                spelling = {curie(iri): name for name, iri in aliases.items()}
                close = [spelling[c] for c in found.suggestions if c in spelling]
                suggestion = " or ".join(f"`{a}`" for a in close or aliases)
            self.report(field, found.rule, found.message, value, suggestion)
            return None
        for advice in self.resolver.advice(found, grouping):
            message = advice.message
            if advice.rule == "deprecated-term":
                message += self.moved_to(found.replaced_by, slot)
            self.report(field, advice.rule, message, value, advice.suggestion, WARNING)
        return found.iri

    def moved_to(self, replacements: tuple[str, ...], slot: TermSlot) -> str:
        """Where a replacement of another scheme is tagged (a deprecated evaluation
        criterion may be replaced by a research method), so that following the advice
        does not turn a warning into a wrong-scheme error; empty if it fits the slot."""
        notes = []
        for iri in replacements:
            term = self.resolver.index.get(iri)
            if term is None or term.scheme == str(slot.scheme):
                continue
            places = [
                f"`tags.{s.key}`" if s in PAPER_SLOTS else f"the contribution's `{s.key}`"
                for s in TAG_SLOTS
                if str(s.scheme) == term.scheme
            ]
            if places:
                noun = with_article(scheme_noun(term.scheme))
                notes.append(f"`{term.curie}` is {noun}: tag it in {' or '.join(places)}")
        return " (" + "; ".join(notes) + ")" if notes else ""

    def term_ref(
        self, value: Any, field: str, slot: TermSlot, slot_field: str, requests: bool = True
    ) -> TermUse | None:
        """A term where no confidence or evidence is taken: a reference, or (when
        ``requests``) a ``{request: {…}}`` mapping (or ``{term: …}``)."""
        if not isinstance(value, dict) or not requests:
            iri = self.term(value, field, slot, slot_field)
            return TermUse(iri, field=field) if iri else None
        fields = self.mapping(value, field, "term reference") or {}
        return self.term_or_request(fields, field, slot, slot_field)

    def term_or_request(
        self, fields: dict[str, Any], field: str, slot: TermSlot, slot_field: str
    ) -> TermUse | None:
        """The ``term`` or the ``request`` of an item mapping (exactly one of them)."""
        present = dict.keys(fields)  # C-level membership (a round-trip mapping's is Python)
        if "term" in present and "request" in present:
            self.report(
                field,
                "term-and-request",
                "an item names either an existing `term` or a term `request`, not both",
                suggestion="keep `term` if it fits, else keep `request`",
            )
            return None
        if "request" in present:
            request = self.request(fields["request"], join(field, "request"), slot)
            return TermUse(None, field=field, request=request) if request else None
        if "term" not in present:
            self.report(
                field,
                "missing-term",
                "an item written as a mapping needs a `term` key (or a term `request`)",
                suggestion="`{term: norm:…}` or `{request: {label: …, definition: …}}`",
            )
            return None
        iri = self.term(fields["term"], join(field, "term"), slot, slot_field)
        return TermUse(iri, field=field) if iri else None

    def request(self, node: Any, field: str, slot: TermSlot) -> TermRequest | None:
        """A term request (spec 1.1): valid with a warning, so that the annotator can record
        what the paper says before the ontology has a term for it."""
        fields = self.mapping(node, field, "term request")
        if fields is None:
            if node is None:
                self.type_error(field, node, "a term request mapping", REQUEST_EXAMPLE)
            return None
        scheme = str(slot.scheme)
        request = TermRequest(
            label=self.text(fields, "label", field),
            definition=self.text(fields, "definition", field),
            scheme=scheme,
            source=self.text(fields, "source", field),
            field=field,
        )
        if _get(fields, "broader") not in (None, ""):
            sub = join(field, "broader")
            request.broader = self.term(fields["broader"], sub, slot, sub, grouping=False)
        missing = [key for key in ("label", "definition") if getattr(request, key) is None]
        if missing:
            if not any(self._reported(join(field, key)) for key in missing):
                self.report(
                    field,
                    "request-incomplete",
                    "a term request needs a `label` and a `definition`; missing: "
                    + ", ".join(f"`{key}`" for key in missing),
                    suggestion=REQUEST_EXAMPLE,
                )
            return None
        close = self.resolver.suggest(request.label or "", scheme)
        self.report(
            field,
            "term-request",
            f"term request `{request.label}` for a new {scheme_noun(scheme)} "
            f"({curie(scheme)}): valid, recorded in the RDF as a norm:TermRequest and listed "
            "by `normspace term-requests` for the next ontology release",
            value=request.label,
            suggestion=(
                "check that no existing term fits: " + " or ".join(f"`{c}`" for c in close)
                if close
                else None
            ),
            severity=WARNING,
        )
        return request

    def terms(self, node: Any, field: str, slot: TermSlot) -> list[TermUse]:
        """A term reference or request, or a list of them (trade-off, assumption and role
        fields); a single mapping is one reference (``type: {request: …}``)."""
        uses = []
        entries = [(field, node)] if isinstance(node, dict) else None
        for sub, item in entries or self.items(node, field, f"{slot.key} terms"):
            use = self.term_ref(item, sub, slot, field)
            if use is not None:
                uses.append(use)
        return uses

    def tag_slots(
        self,
        fields: dict[str, Any],
        field: str,
        slots: tuple[TermSlot, ...] | list[TermSlot],
        into: dict[str, list[TermUse]],
    ) -> None:
        """Read the tag lists of ``slots`` present in ``fields`` into ``into``."""
        present = dict.keys(fields)  # C-level membership (a round-trip mapping's is Python)
        for slot in slots:
            if slot.key in present:
                into[slot.key] = self.tag_list(_get(fields, slot.key), join(field, slot.key), slot)

    def tag_list(self, node: Any, field: str, slot: TermSlot) -> list[TermUse]:
        uses: list[TermUse] = []
        seen: set[str] = set()  # the terms of `uses`
        for sub, item in self.items(node, field, "terms"):
            use = self.tag(item, sub, slot, field)
            if use is None:
                continue
            repeated = use.term is not None and use.term in seen
            if repeated and not (use.evidence or use.confidence or use.setting):
                self.report(
                    sub,
                    "duplicate-term",
                    f"`{item}` is listed twice in `{field}`",
                    value=item,
                    suggestion="remove the repetition",
                    severity=WARNING,
                )
            uses.append(use)
            if use.term is not None:
                seen.add(use.term)
        return uses

    def tag(self, item: Any, field: str, slot: TermSlot, slot_field: str) -> TermUse | None:
        if not isinstance(item, dict):
            iri = self.term(item, field, slot, slot_field)
            return TermUse(iri, field=field) if iri else None
        contestable = slot.key == "contestability" and self.version != FIRST_FORMAT
        kind = "contestability item" if contestable else "tag item"
        fields = self.mapping(item, field, kind) or {}
        use = self.term_or_request(fields, field, slot, slot_field)
        if use is None:
            return None
        confidence = _get(fields, "confidence")
        if confidence is not None:  # (the field paths are only made for values given)
            use.confidence = self.confidence(confidence, join(field, "confidence"))
        evidence = _get(fields, "evidence")
        if evidence is not None:
            use.evidence = self.evidence(evidence, join(field, "evidence"))
        if contestable:
            use.setting = self.setting(fields, field)
        return use

    def setting(self, fields: dict[str, Any], field: str) -> ContestationSetting | None:
        """This paper's stage and contestants for one contestability item (spec 1)."""
        if _get(fields, "stage") in (None, "") and _get(fields, "contestable_by") is None:
            return None
        stage = None
        if _get(fields, "stage") not in (None, ""):
            sub = join(field, "stage")
            stage = self.term_ref(fields["stage"], sub, STAGE, sub)
        sub = join(field, "contestable_by")
        contestants = self.terms(_get(fields, "contestable_by"), sub, CONTESTABLE_BY)
        if stage is None and not contestants:
            return None
        return ContestationSetting(stage, contestants, field)

    def confidence(self, value: Any, field: str) -> float | None:
        if value is None:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        self.type_error(field, value, "a confidence between 0 and 1", "e.g. `confidence: 0.8`")
        return None

    def evidence(self, node: Any, field: str) -> list[Evidence]:
        """One evidence mapping, or a list of them."""
        entries = [(field, node)] if isinstance(node, dict) else self.items(node, field, "evidence")
        result = []
        for sub, entry in entries:
            fields = self.mapping(entry, sub, "evidence")
            if fields is None:
                continue
            evidence = Evidence(
                quote=self.text(fields, "quote", sub),
                location=self.text(fields, "location", sub),
                field=sub,
            )
            if evidence.quote is None and evidence.location is None:
                if not self._reported(sub):
                    self.report(
                        sub,
                        "evidence-empty",
                        "evidence with neither a `quote` nor a `location` supports nothing",
                        suggestion='`{quote: "…", location: "Section 3"}`, or remove it',
                    )
                continue
            result.append(evidence)
        return result

    # -- contributions ---------------------------------------------------------------------

    def contributions(self, root: dict[str, Any]) -> list[Contribution]:
        """``contribution:`` (the shorthand for one) or ``contributions:`` (a list)."""
        found: list[Contribution] = []
        both = "contribution" in root and "contributions" in root
        if both:
            self.report(
                "contributions",
                "contribution-both",
                "`contribution:` and `contributions:` are exclusive: `contribution:` is the "
                "shorthand for a `contributions:` list of one",
                suggestion="move the `contribution:` mapping into the `contributions:` list",
            )
        if "contribution" in root:
            contribution = self.contribution(root["contribution"], "contribution", 1)
            if contribution is not None:
                found.append(contribution)
        example = "`contributions: [{role: proposes, approaches: [norm:RLHF]}]`"
        items = self.items(_get(root, "contributions"), "contributions", "contributions", example)
        for position, (field, item) in enumerate(items, start=1):
            contribution = self.contribution(item, field, position)
            if contribution is not None:
                found.append(contribution)
        if not found and not self._reported("contribution") and not self._reported("contributions"):
            self.report(
                "contributions" if "contributions" in root else "contribution",
                "missing-contribution",
                "the annotation has no contribution: say what the paper does (proposes, "
                "applies, evaluates, …) and tag it",
                suggestion="`contribution: {role: proposes, approaches: [norm:…]}`",
            )
        if not both:  # with both forms each counts from 1; the error above says why
            self.unique_ids(found)
        return found

    def contribution(self, node: Any, field: str, position: int) -> Contribution | None:
        fields = self.mapping(node, field, "contribution", CONTRIBUTION_HINTS)
        if fields is None:
            if node is None:
                self.type_error(field, node, "a contribution mapping")
            return None
        contribution = Contribution(id=self.contribution_id(fields, field, position), field=field)
        contribution.roles = self.terms(_get(fields, "role"), join(field, "role"), ROLE)
        if _get(fields, "role") in (None, "", []):
            self.report(
                join(field, "role") if "role" in fields else field,
                "missing-role",
                "the contribution has no `role`: say what the paper does with it; queries "
                "count a contribution without role like one that proposes or applies",
                suggestion="`role: " + " | ".join(ROLE_ALIASES) + "`",
                severity=WARNING,
            )
        contribution.label = self.text(fields, "label", field)
        contribution.description = self.text(fields, "description", field)
        self.tag_slots(fields, field, CONTRIBUTION_SLOTS, contribution.tags)
        contribution.none = self.none_list(_get(fields, "none"), join(field, "none"))
        self.check_none(
            contribution,
            {key: join(join(field, "none"), i) for i, key in enumerate(contribution.none)},
        )
        sub = join(field, "findings")
        for item_field, item in self.items(_get(fields, "findings"), sub, "findings", FINDINGS):
            finding = self.finding(item, item_field)
            if finding is not None:
                contribution.findings.append(finding)
        contribution.study = self.study(_get(fields, "study"), join(field, "study"))
        sub = join(field, "trade_offs")
        for item_field, item in self.items(_get(fields, "trade_offs"), sub, "trade-offs"):
            trade_off = self.trade_off(item, item_field)
            if trade_off is not None:
                contribution.trade_offs.append(trade_off)
        return contribution

    def contribution_id(self, fields: dict[str, Any], field: str, position: int) -> str:
        """The given id (a slug; an integer counts as its digits), else the position."""
        value = _get(fields, "id")
        if value is None or value == "":
            return str(position)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            value = str(value)
        if isinstance(value, str) and CONTRIBUTION_ID.match(value):
            return value
        slug = re.sub(r"[^a-z0-9]+", "-", str(value).casefold()).strip("-")
        self.report(
            join(field, "id"),
            "contribution-id",
            f"`{value}` is not a contribution id: it names the contribution in its IRI, so it "
            "uses lower-case letters, digits and hyphens, starting with a letter or digit",
            value=value,
            suggestion=f"`id: {slug}`" if slug else "e.g. `id: ccai`",
        )
        return str(position)

    def unique_ids(self, contributions: list[Contribution]) -> None:
        seen: dict[str, Contribution] = {}
        for contribution in contributions:
            first = seen.setdefault(contribution.id, contribution)
            if first is contribution or self._reported(join(contribution.field, "id")):
                continue  # an id that could not be read was replaced by the position
            self.report(
                join(contribution.field, "id"),
                "duplicate-contribution-id",
                f"contribution id `{contribution.id}` is also the id of `{first.field}`: the "
                "id makes the contribution IRI (…/contribution/<id>), so ids must differ "
                "(a contribution without `id` takes its position, 1, 2, …)",
                value=contribution.id,
                suggestion="give each contribution its own `id`",
            )

    def none_list(self, node: Any, field: str) -> list[str]:
        """The slots a contribution explicitly has none of (spec 1.3)."""
        keys: list[str] = []
        example = "`none: [contestability, evaluation]`"
        for sub, item in self.items(node, field, "slot names", example):
            if not isinstance(item, str):
                self.type_error(sub, item, "the name of a slot", example)
                continue
            if item in NONE_KEYS:
                if item in keys:
                    self.report(
                        sub,
                        "duplicate-none",
                        f"`{item}` is listed twice in `{field}`",
                        value=item,
                        suggestion="remove the repetition",
                        severity=WARNING,
                    )
                else:
                    keys.append(item)
                continue
            known = any(s.key == item for s in CONTRIBUTION_SLOTS)
            why = "cannot be declared absent" if known else "is not a slot"
            close = suggest(item, NONE_KEYS, n=1, cutoff=0.5)
            self.report(
                sub,
                "none-key",
                f"`{item}` {why}; `none` takes: {', '.join(NONE_KEYS)}",
                value=item,
                suggestion=f"`{close[0]}`" if close else None,
            )
        return keys

    def check_none(self, contribution: Contribution, none_fields: dict[str, str]) -> None:
        """A slot declared absent must not be tagged as well (the paper cannot have none
        of something and some)."""
        for key, where in none_fields.items():
            tags = contribution.tags.get(key)
            if not tags:
                continue
            tagged = tags[0].field.rpartition("[")[0] or tags[0].field
            self.report(
                where,
                "none-and-tagged",
                f"`{key}` is declared absent here but tagged at `{tagged}`: a contribution "
                "cannot have none and some",
                value=key,
                suggestion=f"remove the tags of `{key}`, or remove the declaration of absence",
            )

    # -- findings and study facts ----------------------------------------------------------

    def finding(self, node: Any, field: str) -> Finding | None:
        fields = self.mapping(node, field, "finding")
        if fields is None:
            if node is None:
                self.type_error(field, node, "a finding mapping")
            return None
        finding = Finding(field=field)
        if _get(fields, "measure") not in (None, ""):
            sub = join(field, "measure")
            finding.measure = self.term_ref(fields["measure"], sub, FINDING_MEASURE, sub)
        finding.value = self.number(fields, "value", field)
        finding.unit = self.text(fields, "unit", field)
        finding.result = self.text(fields, "result", field)
        self.baseline(fields, field, finding)
        if _get(fields, "direction") not in (None, ""):
            sub = join(field, "direction")
            finding.direction = self.term_ref(
                fields["direction"], sub, FINDING_DIRECTION, sub, requests=False
            )
        finding.population = self.text(fields, "population", field)
        finding.evidence = self.evidence(_get(fields, "evidence"), join(field, "evidence"))
        unread = self._reported(join(field, "value")) or self._reported(join(field, "result"))
        if finding.value is None and finding.result is None and not unread:
            self.report(
                field,
                "finding-result",
                "a finding needs its result: a `value` (a number, with a `unit`) or a "
                "`result` (text), or both",
                suggestion='`value: 85` and `unit: "%"`, or `result: "…"`',
            )
            return None
        return finding

    def baseline(self, fields: dict[str, Any], field: str, finding: Finding) -> None:
        """The comparison baseline: an alignment-approach term (CURIE, IRI or preferred
        label), a term request, or any other text (``"GPT-3 175B"``). A CURIE or IRI must
        resolve: it is a term reference, never text."""
        value = _get(fields, "baseline")
        if value is None or value == "":
            return
        sub = join(field, "baseline")
        if isinstance(value, dict) or (isinstance(value, str) and expand(value.strip())):
            finding.baseline = self.term_ref(value, sub, FINDING_BASELINE, sub)
            return
        term = self.resolver.lookup(value) if isinstance(value, str) else None
        if term is not None and term.scheme == str(FINDING_BASELINE.scheme):
            finding.baseline = self.term_ref(value, sub, FINDING_BASELINE, sub)
            return
        finding.baseline_text = self.text(fields, "baseline", field)
        if finding.baseline_text is None:
            return
        scheme = str(FINDING_BASELINE.scheme)
        found = self.resolver.alt_label(finding.baseline_text, scheme)
        if found is not None:
            self.report(
                sub,
                "baseline-as-text",
                f"`{finding.baseline_text}` was kept as a text baseline, but it is an "
                f"alternative label of the approach {found.suggestion}: a term baseline is "
                "what queries compare",
                value=finding.baseline_text,
                suggestion=found.suggestion,
                severity=WARNING,
            )

    def number(self, fields: dict[str, Any], key: str, field: str) -> Decimal | None:
        """A finite number as a decimal, in the spelling of the file (``85.0`` stays 85.0)."""
        value = _get(fields, key)
        sub = join(field, key)
        if value is None or value == "":
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            if isinstance(value, float) and not math.isfinite(value):
                self.type_error(sub, value, "a finite number", f"e.g. `{key}: 85`")
                return None
            raw = self.source.raw_scalar(_value_at(fields, key))
            try:
                return Decimal(raw) if raw else Decimal(str(value))
            except InvalidOperation:
                return Decimal(str(value))
        self.type_error(sub, value, "a number", f'e.g. `{key}: 85` (put text in `result: "…"`)')
        return None

    def study(self, node: Any, field: str) -> Study:
        study = Study(field=field)
        fields = self.mapping(node, field, "study") or {}
        example = "`samples: [{size: 1000, population: …}]`"
        sub = join(field, "samples")
        for item_field, item in self.items(_get(fields, "samples"), sub, "samples", example):
            sample = self.sample(item, item_field)
            if sample is not None:
                study.samples.append(sample)
        for slot in RESOURCE_SLOTS:
            if slot.key not in fields:
                continue
            sub = join(field, slot.key)
            example = f'`{slot.key}: [{{name: "…", url: "https://…"}}]`'
            resources = []
            for item_field, item in self.items(fields[slot.key], sub, slot.help, example):
                resource = self.resource(item, item_field)
                if resource is not None:
                    resources.append(resource)
            study.resources[slot.key] = resources
        return study

    def sample(self, node: Any, field: str) -> StudySample | None:
        fields = self.mapping(node, field, "sample")
        if fields is None:
            if node is None:
                self.type_error(field, node, "a sample mapping")
            return None
        sample = StudySample(population=self.text(fields, "population", field), field=field)
        sample.approximate = self.flag(fields, "approximate", field)
        size = _get(fields, "size")
        if size not in (None, ""):
            if isinstance(size, int) and not isinstance(size, bool) and size >= 0:
                sample.size = size
            elif isinstance(size, int | float) and not isinstance(size, bool):
                written = self.source.raw_scalar(_value_at(fields, "size")) or str(size)
                self.report(
                    join(field, "size"),
                    "sample-size",
                    f"`{written}` is not a sample size: it counts participants or items, a whole "
                    "number of 0 or more",
                    value=written,
                    suggestion="e.g. `size: 1000`",
                )
            else:
                self.type_error(join(field, "size"), size, "a number of participants or items")
        if sample.size is None:
            if not self._reported(join(field, "size")):
                self.report(
                    field,
                    "sample-size",
                    "a sample needs its `size` (how many participants or items), and may name "
                    "its `population`",
                    suggestion='`{size: 1000, population: "participants from 38 countries"}`',
                )
            return None
        return sample

    def resource(self, node: Any, field: str) -> Resource | None:
        fields = self.mapping(node, field, "resource")
        if fields is None:
            if node is None:
                self.type_error(field, node, "a dataset or model mapping")
            return None
        resource = Resource(
            name=self.text(fields, "name", field),
            identifier=self.text(fields, "identifier", field),
            field=field,
        )
        doi = self.text(fields, "doi", field)
        if doi is not None:
            try:
                resource.doi = identifiers.normalise_doi(doi)
            except identifiers.IdentifierError as exc:
                self.report(join(field, "doi"), "doi-format", str(exc), doi, exc.expected)
        url = self.text(fields, "url", field)
        if url is not None:
            if identifiers.is_web_url(url):
                resource.url = url
            else:
                self.report(
                    join(field, "url"),
                    "url-format",
                    f"`{url}` is not a web address: it must start with `https://` or `http://`",
                    value=url,
                    suggestion="the dataset's or model's page, e.g. `https://huggingface.co/…`",
                )
        if resource.name is None:
            if not self._reported(join(field, "name")):
                self.report(
                    field,
                    "resource-name",
                    "a dataset or model needs a `name` (and a `doi`, `url` or `identifier` "
                    "where one exists)",
                    suggestion='`{name: "HH-RLHF", identifier: "Anthropic/hh-rlhf"}`',
                )
            return None
        return resource

    # -- n-ary nodes -----------------------------------------------------------------------

    def trade_off(self, node: Any, field: str) -> TradeOff | None:
        fields = self.section(node, field, "trade-off")
        if fields is None:
            if node is None:
                self.type_error(field, node, "a trade-off mapping")
            return None
        trade_off = TradeOff(field=field)
        for slot in self.allowed_slots(TRADE_OFF_SLOTS, "trade-off"):
            sub = join(field, slot.key)
            trade_off.terms[slot.key] = self.terms(_get(fields, slot.key), sub, slot)
        if self.version != FIRST_FORMAT:
            sub = join(field, "priority")
            trade_off.priority = self.priority(_get(fields, "priority"), sub, trade_off)
        trade_off.description = self.text(fields, "description", field)
        trade_off.evidence = self.evidence(_get(fields, "evidence"), join(field, "evidence"))
        return trade_off

    def priority(self, node: Any, field: str, trade_off: TradeOff) -> list[TermUse]:
        """The paper's ranking of the poles, highest first: each item names a pole given
        in the same trade-off (by CURIE, IRI or preferred label)."""
        poles = {
            use.term: use
            for slot in TRADE_OFF_POLES
            for use in trade_off.terms.get(slot.key, [])
            if use.term is not None
        }
        names = [curie(iri) for iri in poles]
        ranked: list[TermUse] = []
        example = "`priority: [norm:Harmlessness, norm:Helpfulness]`"
        for sub, item in self.items(node, field, "poles", example):
            if not isinstance(item, str) or not item.strip():
                self.type_error(sub, item, "a pole of the trade-off (a CURIE or label)", example)
                continue
            term = self.resolver.lookup(item)
            iri = term.iri if term is not None else None
            if iri not in poles:
                what = f"`{term.curie}` ({term.label})" if term else f"`{item}`"
                close = suggest(item, names, n=3, cutoff=0.3) or names
                self.report(
                    sub,
                    "priority-not-pole",
                    f"{what} is not a pole of this trade-off: `priority` ranks the values, "
                    "stakeholders or design goals listed in it"
                    + (f" ({', '.join(names)})" if names else ""),
                    value=item,
                    suggestion=" or ".join(f"`{c}`" for c in close) or None,
                )
            elif any(r.term == iri for r in ranked):
                self.report(
                    sub,
                    "priority-duplicate",
                    f"`{item}` is ranked twice in `{field}`",
                    value=item,
                    suggestion="rank each pole once",
                )
            else:
                ranked.append(TermUse(iri, field=sub))
        return ranked

    def single_term(self, fields: dict[str, Any], field: str, slot: TermSlot) -> TermUse | None:
        value = _get(fields, slot.key)
        if value is None or value == "":
            return None
        sub = join(field, slot.key)
        iri = self.term(value, sub, slot, sub)
        return TermUse(iri, field=sub) if iri else None

    def assumption(self, node: Any, field: str) -> Assumption | None:
        fields = self.mapping(node, field, "assumption")
        if fields is None:
            if node is None:
                self.type_error(field, node, "an assumption mapping")
            return None
        assumption = Assumption(field=field)
        assumption.statement = self.text(fields, "statement", field)
        assumption.types = self.terms(_get(fields, "type"), join(field, "type"), ASSUMPTION_TYPE)
        assumption.stance = self.single_term(fields, field, ASSUMPTION_STANCE)
        assumption.attribution = self.single_term(fields, field, ASSUMPTION_ATTRIBUTION)
        assumption.evidence = self.evidence(_get(fields, "evidence"), join(field, "evidence"))
        return assumption


@dataclass
class ReadResult:
    """What the reader made of one file."""

    annotation: Annotation
    problems: list[Problem]
    #: field path -> 1-based (line, column) of the key or item.
    positions: dict[str, tuple[int, int]]


def read_annotation(source: YamlSource, resolver: TermResolver | None = None) -> ReadResult:
    """Read a parsed YAML file into the model, collecting every problem found on the way."""
    reader = AnnotationReader(source, resolver)
    annotation = reader.read()
    return ReadResult(annotation, reader.problems, reader.positions)

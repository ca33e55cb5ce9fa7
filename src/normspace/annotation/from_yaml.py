"""Read the YAML annotation format into the annotation model.

The reader never stops at the first mistake: it records every problem it can locate
(unknown keys, wrong types, unresolvable terms, malformed identifiers) with the YAML field
path and line, skips the offending value and goes on, so an annotator sees every problem of
a file at once. Constraints that are expressed on the RDF (required fields, ranges,
distinctness) are left to the SHACL shapes; this reader only ensures that the RDF it hands
them is well-formed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..diagnostics import suggest
from . import identifiers
from .model import Annotation, Annotator, Assumption, Author, Evidence, Paper, TermUse, TradeOff
from .problems import ERROR, WARNING, Problem
from .slots import (
    ALIASES,
    ALLOWED_KEYS,
    ASSUMPTION_ATTRIBUTION,
    ASSUMPTION_STANCE,
    ASSUMPTION_TYPE,
    TAG_SLOTS,
    TRADE_OFF_SLOTS,
    TermSlot,
)
from .terms import TermProblem, TermResolver
from .textinput import printable, surrogate_at, surrogate_message
from .yaml_source import ImpossibleDate, YamlSource, item_position, key_position, value_position

_ET_AL = {"et al.", "et al", "others", "and others"}

#: Earliest publication year accepted (as in ``nsh:PaperYearRangeShape``).
FIRST_YEAR = 1900
#: Days an annotation date may lie after today: time zones, and a file dated tomorrow
#: by an annotator ahead of the machine's clock. See docs/annotation-format.md.
FUTURE_TOLERANCE_DAYS = 1


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
        if not isinstance(value, str) or surrogate_at(value) is None:
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

    def mapping(self, node: Any, field: str, kind: str) -> dict[str, Any] | None:
        """Check that ``node`` is a mapping with known keys (unknown ones are reported, and
        ignored by callers, which only look up known keys); record key positions."""
        if node is None:
            return None
        if not isinstance(node, dict):
            self.type_error(field, node, f"a mapping of {kind} fields")
            return None
        allowed = ALLOWED_KEYS[kind]
        for key in node:
            sub = join(field, str(key))
            pos = key_position(node, key)
            if pos:
                self.positions[sub] = pos
            if self.bad_text(sub, node[key]):
                node[key] = None  # skipped like any value that cannot be read
            if key in allowed:
                continue
            close = suggest(str(key), allowed, n=1, cutoff=0.5)
            where = f"in `{field}`" if field else "at the top level"
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
            for i, item in enumerate(node):
                pos = item_position(node, i)
                if pos:
                    self.positions[join(field, i)] = pos
                if not self.bad_text(join(field, i), item):
                    out.append((join(field, i), item))
            return out
        if isinstance(node, dict):
            self.type_error(field, node, f"a list of {what}")
            return []
        return [(field, node)]

    def text(self, node: dict[str, Any], key: str, field: str) -> str | None:
        """A free-text field; numbers keep their spelling, empty strings count as absent."""
        value = node.get(key)
        sub = join(field, key)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.type_error(sub, value, "text", f'put the text in quotes: `{key}: "…"`')
            return None
        if not isinstance(value, str):
            raw = self.source.raw_scalar(value_position(node, key))
            return raw or str(value)
        return value.strip() or None

    def flag(self, node: dict[str, Any], key: str, field: str) -> bool | None:
        value = node.get(key)
        if value is None or isinstance(value, bool):
            return value
        self.type_error(join(field, key), value, "`true` or `false`")
        return None

    # -- the document ----------------------------------------------------------------------

    def read(self) -> Annotation:
        root = self.mapping(self.source.root, "", "document") or {}
        annotation = Annotation()
        annotation.paper = self.paper(root.get("paper"))
        self.annotation_section(root.get("annotation"), annotation)
        tags = self.mapping(root.get("tags"), "tags", "tags") or {}
        for slot in TAG_SLOTS:
            if slot.key in tags:
                uses = self.tag_list(tags[slot.key], join("tags", slot.key), slot)
                annotation.tags[slot.key] = uses
        for field, item in self.items(root.get("trade_offs"), "trade_offs", "trade-offs"):
            trade_off = self.trade_off(item, field)
            if trade_off is not None:
                annotation.trade_offs.append(trade_off)
        for field, item in self.items(root.get("assumptions"), "assumptions", "assumptions"):
            assumption = self.assumption(item, field)
            if assumption is not None:
                annotation.assumptions.append(assumption)
        return annotation

    def paper(self, node: Any) -> Paper:
        paper = Paper()
        if node is None:
            self.report("paper", "missing-paper", "the file has no `paper:` section")
            return paper
        fields = self.mapping(node, "paper", "paper")
        if fields is None:
            return paper
        paper.title = self.text(fields, "title", "paper")
        names = fields.get("authors")
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
        paper.year = self.year(fields.get("year"), "paper.year")
        paper.venue = self.text(fields, "venue", "paper")
        paper.doi = self.identifier(fields, "doi", identifiers.normalise_doi, "doi-format")
        if paper.doi:
            self.doi_prefix(str(fields["doi"]), paper.doi)
        paper.arxiv = self.identifier(fields, "arxiv", identifiers.normalise_arxiv, "arxiv-format")
        self.arxiv_doi(paper)
        if not paper.identified and "doi" not in fields and "arxiv" not in fields:
            self.report(
                "paper",
                "missing-identifier",
                "the paper needs a `doi` or an `arxiv` id (at least one): its IRI is made from it",
                suggestion=f'`doi: "{identifiers.DOI_EXAMPLE}"` or '
                f'`arxiv: "{identifiers.ARXIV_EXAMPLE}"`',
            )
        return paper

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
        return value_position(node, key)

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
        value = node.get(key)
        field = join("paper", key)
        if value is None or value == "":
            return None
        if isinstance(value, float) and key == "arxiv":
            raw = self.source.raw_scalar(value_position(node, key)) or str(value)
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

    def annotation_section(self, node: Any, annotation: Annotation) -> None:
        fields = self.mapping(node, "annotation", "annotation") or {}
        annotation.annotator = self.annotator(fields.get("annotator"))
        annotation.date = self.date(fields.get("date"), "annotation.date")
        annotation.proposes_no_approach = self.flag(fields, "proposes_no_approach", "annotation")
        annotation.note = self.text(fields, "note", "annotation")

    def annotator(self, node: Any) -> Annotator:
        field = "annotation.annotator"
        if isinstance(node, str):
            return Annotator(name=node.strip() or None)
        fields = self.mapping(node, field, "annotator") or {}
        annotator = Annotator(name=self.text(fields, "name", field))
        orcid = fields.get("orcid")
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

    def term(self, value: Any, field: str, slot: TermSlot, slot_field: str) -> str | None:
        """Resolve one term reference to its IRI, reporting why it does not resolve."""
        if not isinstance(value, str) or not value.strip():
            self.type_error(field, value, "a term (a CURIE such as `norm:Fairness` or a label)")
            return None
        aliases = ALIASES.get(slot.prop, {})
        if value.strip() in aliases:
            return str(aliases[value.strip()])
        found = self.resolver.resolve(value, str(slot.scheme), slot_field)
        if isinstance(found, TermProblem):
            suggestion = found.suggestion
            if aliases:
                suggestion = " or ".join(f"`{a}`" for a in aliases)
            self.report(field, found.rule, found.message, value, suggestion)
            return None
        stale = self.resolver.deprecation(found)
        if stale is not None:
            self.report(field, stale.rule, stale.message, value, stale.suggestion, WARNING)
        return found.iri

    def terms(self, node: Any, field: str, slot: TermSlot) -> list[TermUse]:
        """A list of plain term references (trade-off and assumption fields)."""
        uses = []
        for sub, item in self.items(node, field, f"{slot.key} terms"):
            iri = self.term(item, sub, slot, field)
            if iri is not None:
                uses.append(TermUse(iri, field=sub))
        return uses

    def tag_list(self, node: Any, field: str, slot: TermSlot) -> list[TermUse]:
        uses: list[TermUse] = []
        for sub, item in self.items(node, field, "terms"):
            use = self.tag(item, sub, slot, field)
            if use is None:
                continue
            if any(u.term == use.term for u in uses) and not (use.evidence or use.confidence):
                self.report(
                    sub,
                    "duplicate-term",
                    f"`{item}` is listed twice in `{field}`",
                    value=item,
                    suggestion="remove the repetition",
                    severity=WARNING,
                )
            uses.append(use)
        return uses

    def tag(self, item: Any, field: str, slot: TermSlot, slot_field: str) -> TermUse | None:
        if not isinstance(item, dict):
            iri = self.term(item, field, slot, slot_field)
            return TermUse(iri, field=field) if iri else None
        fields = self.mapping(item, field, "tag item") or {}
        if "term" not in fields:
            self.report(
                field,
                "missing-term",
                "a tag written as a mapping needs a `term` key",
                suggestion="`{term: norm:…, confidence: 0.8, evidence: {quote: …, location: …}}`",
            )
            return None
        iri = self.term(fields["term"], join(field, "term"), slot, slot_field)
        if iri is None:
            return None
        return TermUse(
            iri,
            confidence=self.confidence(fields.get("confidence"), join(field, "confidence")),
            evidence=self.evidence(fields.get("evidence"), join(field, "evidence")),
            field=field,
        )

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

    # -- n-ary nodes -----------------------------------------------------------------------

    def trade_off(self, node: Any, field: str) -> TradeOff | None:
        fields = self.mapping(node, field, "trade-off")
        if fields is None:
            if node is None:
                self.type_error(field, node, "a trade-off mapping")
            return None
        trade_off = TradeOff(field=field)
        for slot in TRADE_OFF_SLOTS:
            trade_off.terms[slot.key] = self.terms(
                fields.get(slot.key), join(field, slot.key), slot
            )
        trade_off.description = self.text(fields, "description", field)
        trade_off.evidence = self.evidence(fields.get("evidence"), join(field, "evidence"))
        return trade_off

    def single_term(self, fields: dict[str, Any], field: str, slot: TermSlot) -> TermUse | None:
        value = fields.get(slot.key)
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
        assumption.types = self.terms(fields.get("type"), join(field, "type"), ASSUMPTION_TYPE)
        assumption.stance = self.single_term(fields, field, ASSUMPTION_STANCE)
        assumption.attribution = self.single_term(fields, field, ASSUMPTION_ATTRIBUTION)
        assumption.evidence = self.evidence(fields.get("evidence"), join(field, "evidence"))
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

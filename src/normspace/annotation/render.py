"""Write the annotation model as YAML in the annotation format.

Two layouts: a *skeleton* (``normspace new``, ``import-refs``) shows every section, with
empty values and a comment on each field, so that annotators see what they can fill in; a
*compact* rendering (``convert --format yaml``) writes only what the annotation holds. Strings are
written as JSON strings, which are valid double-quoted YAML scalars, so no value can change
meaning through YAML's implicit typing (``no``, ``2022.10``, ``null``).
"""

from __future__ import annotations

import json
import re

from ..namespaces import curie
from .model import Annotation, Evidence, TermUse
from .slots import ALIASES, TAG_SLOTS, TRADE_OFF_SLOTS

SCHEMA_URL = "https://w3id.org/normspace/schema/annotation.schema.json"
MODELINE = f"# yaml-language-server: $schema={SCHEMA_URL}"
_PLAIN_CURIE = re.compile(r"^[A-Za-z][\w-]*:[A-Za-z_][\w.-]*$")
_FLOW_LIMIT = 96
_SHORT_NAMES = {str(iri): name for table in ALIASES.values() for name, iri in table.items()}


def scalar(value: object) -> str:
    """A YAML scalar that reads back as exactly ``value``.

    >>> scalar("no"), scalar(2022), scalar(True), scalar(None), scalar(0.8)
    ('"no"', '2022', 'true', 'null', '0.8')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)


def term_ref(iri: str) -> str:
    """A term as a CURIE (quoted if it is not a plain CURIE).

    >>> term_ref("https://w3id.org/normspace#RLHF")
    'norm:RLHF'
    """
    ref = curie(iri) if "://" in iri else iri
    return ref if _PLAIN_CURIE.match(ref) else scalar(ref)


def flow(items: list[str]) -> str:
    return "[" + ", ".join(items) + "]"


def evidence_flow(evidence: Evidence) -> str:
    parts = []
    if evidence.quote is not None:
        parts.append(f"quote: {scalar(evidence.quote)}")
    if evidence.location is not None:
        parts.append(f"location: {scalar(evidence.location)}")
    return "{" + ", ".join(parts) + "}"


class YamlWriter:
    def __init__(self, skeleton: bool) -> None:
        self.skeleton = skeleton
        self.lines: list[str] = []

    def emit(self, text: str, comment: str | None = None) -> None:
        if comment and self.skeleton:
            pad = max(40 - len(text), 1)
            text = f"{text}{' ' * pad}# {comment}"
        self.lines.append(text)

    def field(self, indent: str, key: str, value: object, comment: str | None = None) -> None:
        """``key: value``; absent values are written only in skeletons (as empty)."""
        if (value is None or value == []) and not self.skeleton:
            return
        if isinstance(value, list):
            rendered = flow([scalar(v) for v in value])
        elif value is None:
            rendered = "" if key == "year" else '""'
        else:
            rendered = scalar(value)
        self.emit(f"{indent}{key}: {rendered}".rstrip(), comment)

    def term_list(self, indent: str, key: str, uses: list[TermUse], comment: str | None) -> None:
        """Plain terms as a flow list; tags with evidence or confidence as a block list."""
        if not uses and not self.skeleton:
            return
        if all(u.confidence is None and not u.evidence for u in uses):
            text = f"{indent}{key}: {flow([term_ref(u.term) for u in uses])}"
            if len(text) <= _FLOW_LIMIT:
                self.emit(text, comment)
                return
        self.emit(f"{indent}{key}:", comment)
        for use in uses:
            self.tag_item(" " * len(indent) + "  ", use)

    def tag_item(self, indent: str, use: TermUse) -> None:
        if use.confidence is None and not use.evidence:
            self.emit(f"{indent}- {term_ref(use.term)}")
            return
        self.emit(f"{indent}- term: {term_ref(use.term)}")
        inner = indent + "  "
        if use.confidence is not None:
            self.emit(f"{inner}confidence: {scalar(use.confidence)}")
        self.evidence(inner, use.evidence)

    def evidence(self, indent: str, evidence: list[Evidence]) -> None:
        if len(evidence) == 1:
            self.emit(f"{indent}evidence: {evidence_flow(evidence[0])}")
        elif evidence:
            self.emit(f"{indent}evidence:")
            for item in evidence:
                self.emit(f"{indent}  - {evidence_flow(item)}")

    # -- sections --------------------------------------------------------------------------

    def header(self) -> None:
        self.emit(MODELINE)
        if self.skeleton:
            self.emit("# NormSpace annotation: one paper, one annotator. Format and term lists:")
            self.emit(
                "# docs/annotation-format.md. Check this file with `normspace validate FILE`."
            )

    def paper(self, annotation: Annotation) -> None:
        paper = annotation.paper
        self.emit("paper:")
        self.field("  ", "title", paper.title)
        self.field("  ", "authors", [a.name for a in paper.authors], "in the paper's order")
        incomplete = paper.authors_incomplete
        if self.skeleton and incomplete is None:
            incomplete = False
        self.field(
            "  ", "authors_incomplete", incomplete, "true if you list only the first authors"
        )
        self.field("  ", "year", paper.year, "e.g. 2022")
        self.field("  ", "venue", paper.venue, 'e.g. "NeurIPS 2022", "arXiv preprint"')
        self.field("  ", "doi", paper.doi, "doi and/or arxiv; at least one")
        self.field("  ", "arxiv", paper.arxiv, "without version, e.g. 2203.02155")

    def annotation(self, annotation: Annotation) -> None:
        self.emit("annotation:")
        annotator = annotation.annotator
        parts = [f"name: {scalar(annotator.name or '')}"]
        if annotator.orcid or self.skeleton:
            parts.append(f"orcid: {scalar(annotator.orcid or '')}")
        if annotator.name or annotator.orcid or self.skeleton:
            self.emit("  annotator: {" + ", ".join(parts) + "}", "orcid optional")
        if annotation.date is not None:
            self.emit(f"  date: {annotation.date.isoformat()}", "date of the annotation")
        elif self.skeleton:
            self.emit("  date:", "date of the annotation, YYYY-MM-DD")
        flag = annotation.proposes_no_approach
        if self.skeleton and flag is None:
            flag = False
        self.field(
            "  ",
            "proposes_no_approach",
            flag,
            "true for conceptual papers with no alignment approach",
        )
        self.field("  ", "note", annotation.note, "optional free text")

    def tags(self, annotation: Annotation) -> None:
        if not any(annotation.tags.values()) and not self.skeleton:
            return
        self.emit(
            "tags:",
            "items: norm:Term, exact label, or {term, confidence, evidence: {quote, location}}",
        )
        for slot in TAG_SLOTS:
            self.term_list("  ", slot.key, annotation.tags.get(slot.key, []), slot.help)

    def trade_offs(self, annotation: Annotation) -> None:
        if not annotation.trade_offs:
            if self.skeleton:
                self.emit("trade_offs: []", "- {values: [norm:A, norm:B], contexts: [...],")
                self.emit(
                    "", "   resolution: [...], decided_by: [...], description: ..., evidence: ...}"
                )
            return
        self.emit("trade_offs:")
        for trade_off in annotation.trade_offs:
            first = True
            for slot in TRADE_OFF_SLOTS:
                uses = trade_off.terms.get(slot.key, [])
                if uses:
                    self.term_list("  - " if first else "    ", slot.key, uses, None)
                    first = False
            if trade_off.description is not None:
                self.field("  - " if first else "    ", "description", trade_off.description)
                first = False
            if first:
                self.emit("  - {}")
            self.evidence("    ", trade_off.evidence)

    def assumptions(self, annotation: Annotation) -> None:
        if not annotation.assumptions:
            if self.skeleton:
                self.emit("assumptions: []", "- {statement: ..., type: norm:..., attribution:")
                self.emit("", "   stated | inferred, stance: relies | challenges,")
                self.emit("", "   evidence: [{quote: ..., location: ...}]}")
            return
        self.emit("assumptions:")
        for assumption in annotation.assumptions:
            lines: list[str] = []
            if assumption.statement is not None:
                lines.append(f"statement: {scalar(assumption.statement)}")
            if len(assumption.types) == 1:
                lines.append(f"type: {term_ref(assumption.types[0].term)}")
            elif assumption.types:
                lines.append(f"type: {flow([term_ref(u.term) for u in assumption.types])}")
            picks = (("stance", assumption.stance), ("attribution", assumption.attribution))
            for key, use in picks:
                if use is not None:
                    lines.append(f"{key}: {_SHORT_NAMES.get(use.term) or term_ref(use.term)}")
            if assumption.evidence:
                lines.append(f"evidence: {flow([evidence_flow(e) for e in assumption.evidence])}")
            if not lines:
                lines.append("{}")
            self.emit("  - " + lines[0])
            for line in lines[1:]:
                self.emit("    " + line)


def render_annotation(annotation: Annotation, skeleton: bool = False) -> str:
    """The YAML text of ``annotation`` (see module docstring for the two layouts)."""
    writer = YamlWriter(skeleton)
    writer.header()
    writer.paper(annotation)
    writer.annotation(annotation)
    writer.tags(annotation)
    writer.trade_offs(annotation)
    writer.assumptions(annotation)
    lines = [line.rstrip() for line in writer.lines]
    return "\n".join(lines) + "\n"

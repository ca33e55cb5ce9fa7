"""Write the annotation model as YAML in annotation format 2.

Two layouts: a *skeleton* (``normspace new``, ``import-refs``) shows every section, with
empty values and a comment on each field (and commented examples of the sections that hold
lists of mappings: findings, study facts, trade-offs, assumptions, term requests), so that
annotators see what they can fill in; a *compact* rendering (``convert --format yaml``) writes
only what the annotation holds.

The writer first builds a small tree of the document (:class:`Entry`, :class:`Flow`,
:class:`Raw`, lists) in the order of the slot table, then prints it. Keeping the two apart
means the many nested kinds of format 2 (term requests inside trade-offs, settings on
contestability items, findings, study facts) share one indentation and flow/block logic
instead of each hand-writing its lines. Strings are written as JSON strings, which are valid
double-quoted YAML scalars, so no value can change meaning through YAML's implicit typing
(``no``, ``2022.10``, ``null``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..namespaces import curie
from .model import (
    CURRENT_FORMAT,
    Annotation,
    Assumption,
    ContestationSetting,
    Contribution,
    Evidence,
    Finding,
    Resource,
    StudySample,
    TermRequest,
    TermUse,
    TradeOff,
)
from .slots import (
    ALIASES,
    CONTRIBUTION_SLOTS,
    FORMAT_KEY,
    NONE_KEYS,
    PAPER_SLOTS,
    RESOURCE_SLOTS,
    ROLE_ALIASES,
    TRADE_OFF_SLOTS,
    TermSlot,
)

SCHEMA_URL = "https://w3id.org/normspace/schema/annotation.schema.json"
MODELINE = f"# yaml-language-server: $schema={SCHEMA_URL}"
_PLAIN_CURIE = re.compile(r"^[A-Za-z][\w-]*:[A-Za-z_][\w.-]*$")
_FLOW_LIMIT = 96
_COMMENT_COLUMN = 40
#: Term IRI -> its short spelling (``relies``, ``stated``, ``proposes``, ``improves``).
_SHORT_NAMES = {str(iri): name for table in ALIASES.values() for name, iri in table.items()}
#: The id a contribution gets when the file gives none: its 1-based position.
DEFAULT_FIRST_ID = "1"


def scalar(value: object) -> str:
    """A YAML scalar that reads back as exactly ``value``.

    >>> scalar("no"), scalar(2022), scalar(True), scalar(None), scalar(0.8)
    ('"no"', '2022', 'true', 'null', '0.8')
    >>> scalar(Decimal("85")), scalar(Decimal("1E+3")), scalar(Decimal("0.50"))
    ('85', '1000', '0.50')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")  # never an exponent: `1E+3` would read as a string
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


# -- the document tree ---------------------------------------------------------------------


@dataclass(frozen=True)
class Raw:
    """A YAML scalar already rendered (a CURIE, a short name, a number)."""

    text: str


@dataclass(frozen=True)
class Flow:
    """A list or mapping written on one line; ``wrap``: as a block list when too long."""

    value: Sequence[object] | dict[str, object]
    wrap: bool = False


@dataclass(frozen=True)
class Entry:
    """``key: value`` in a block mapping, with a hint comment shown in skeletons."""

    key: str
    value: object
    comment: str | None = None


@dataclass(frozen=True)
class Hint:
    """A comment line of its own (skeletons only): an example of a section's items."""

    text: str


Block = list[Entry | Hint]


def inline(value: object) -> str:
    """``value`` on one line (flow style for lists and mappings)."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, Flow):
        value = value.value
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {inline(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(inline(v) for v in value) + "]"
    return scalar(value)


class Printer:
    """Prints the document tree; comments are kept only in skeletons."""

    def __init__(self, skeleton: bool) -> None:
        self.skeleton = skeleton
        self.lines: list[str] = []

    def line(self, text: str, comment: str | None = None) -> None:
        if comment and self.skeleton:
            pad = max(_COMMENT_COLUMN - len(text), 1)
            text = f"{text}{' ' * pad}# {comment}"
        self.lines.append(text.rstrip())

    def block(self, block: Block, indent: str, first: str | None = None) -> None:
        """A block mapping; ``first`` replaces the indent of its first line (``- ``)."""
        for item in block:
            lead = first if first is not None else indent
            if isinstance(item, Hint):
                if self.skeleton:
                    self.line(f"{indent}# {item.text}")
                continue
            first = None
            self.entry(item, lead, indent)

    def entry(self, entry: Entry, lead: str, indent: str) -> None:
        """``key: value`` on one line, or ``key:`` followed by a nested block or list.

        A ``None`` value is printed as an empty value (``year:``); builders leave such
        entries out of compact renderings."""
        value = entry.value
        if isinstance(value, Flow) and value.wrap:
            text = f"{lead}{entry.key}: {inline(value)}"
            if len(text) <= _FLOW_LIMIT:
                self.line(text, entry.comment)
                return
            value = list(value.value)
        if isinstance(value, list) and value:
            self.line(f"{lead}{entry.key}:", entry.comment)
            if all(isinstance(v, Entry | Hint) for v in value):
                self.block(value, indent + "  ")
            else:
                self.sequence(value, indent + "  ")
        elif value is None:
            self.line(f"{lead}{entry.key}:", entry.comment)
        else:
            self.line(f"{lead}{entry.key}: {inline(value)}", entry.comment)

    def sequence(self, items: Sequence[object], indent: str) -> None:
        for item in items:
            if isinstance(item, list) and item and isinstance(item[0], Entry | Hint):
                self.block(item, indent + "  ", first=indent + "- ")
            else:
                self.line(f"{indent}- {inline(item)}")


# -- building the tree ---------------------------------------------------------------------


def _entries(pairs: Sequence[tuple[str, object]]) -> Block:
    """Entries of the given values that are present (None and empty lists left out)."""
    return [Entry(k, v) for k, v in pairs if v is not None and v != [] and v != {}]


def evidence_value(evidence: list[Evidence]) -> object:
    """One evidence as a flow mapping, several as a block list of flow mappings."""
    flows = [
        Flow({k: v for k, v in (("quote", e.quote), ("location", e.location)) if v is not None})
        for e in evidence
    ]
    if not flows:
        return None
    return flows[0] if len(flows) == 1 else flows


def request_value(request: TermRequest) -> Flow:
    """A term request as ``{label, definition, broader, source}``."""
    fields: dict[str, object] = {}
    for key, value in (("label", request.label), ("definition", request.definition)):
        if value is not None:
            fields[key] = value
    if request.broader is not None:
        fields["broader"] = Raw(term_ref(request.broader))
    if request.source is not None:
        fields["source"] = request.source
    return Flow(fields)


def short_ref(iri: str) -> Raw:
    """A term by its short spelling when it has one (``relies``), else as a CURIE."""
    return Raw(_SHORT_NAMES.get(iri) or term_ref(iri))


def ref_value(use: TermUse) -> object:
    """A term (or request) where no confidence or evidence is taken: a CURIE or a short
    spelling, or ``{request: {...}}`` (written as a block so that long definitions stay
    readable)."""
    if use.request is not None and use.term is None:
        return [Entry("request", request_value(use.request))]
    return short_ref(use.term or "")


def _plain(use: TermUse) -> bool:
    return (
        use.term is not None and use.confidence is None and not use.evidence and use.setting is None
    )


def tag_item(use: TermUse) -> object:
    """A tag item: a CURIE, or a mapping with term/request, confidence, evidence and (for
    contestability items) the paper's own stage and contestants."""
    if _plain(use):
        return Raw(term_ref(use.term or ""))
    if use.term is not None:
        block: Block = [Entry("term", Raw(term_ref(use.term)))]
    else:
        block = [Entry("request", request_value(use.request or TermRequest()))]
    if use.confidence is not None:
        block.append(Entry("confidence", use.confidence))
    evidence = evidence_value(use.evidence)
    if evidence is not None:
        block.append(Entry("evidence", evidence))
    block += setting_entries(use.setting)
    return block


def setting_entries(setting: ContestationSetting | None) -> Block:
    if setting is None:
        return []
    entries: Block = []
    if setting.stage is not None:
        entries.append(Entry("stage", ref_value(setting.stage)))
    if setting.contestable_by:
        entries.append(Entry("contestable_by", term_list(setting.contestable_by)))
    return entries


def term_list(uses: list[TermUse]) -> object:
    """Plain terms as a flow list (a block list when too long); otherwise a block list."""
    if all(_plain(u) for u in uses):
        return Flow([Raw(term_ref(u.term or "")) for u in uses], wrap=True)
    return [tag_item(u) for u in uses]


def ref_list(uses: list[TermUse]) -> object:
    """Terms of a trade-off list or an assumption type: a flow list, or a block list with
    ``{request: ...}`` items."""
    if all(u.term is not None for u in uses):
        return Flow([short_ref(u.term or "") for u in uses], wrap=True)
    return [ref_value(u) for u in uses]


def one_or_list(uses: list[TermUse]) -> object:
    """A key that takes one term or a list (``role``, an assumption's ``type``): a single
    term as a scalar (``role: proposes``), anything else as a list (the reader takes a term
    request there as a list item only)."""
    if len(uses) == 1 and uses[0].term is not None:
        return short_ref(uses[0].term)
    return ref_list(uses)


def finding_block(finding: Finding) -> Block:
    baseline: object = finding.baseline_text
    if finding.baseline is not None:
        baseline = ref_value(finding.baseline)
    value = Raw(scalar(finding.value)) if finding.value is not None else None
    block = _entries(
        [
            ("measure", ref_value(finding.measure) if finding.measure else None),
            ("value", value),
            ("unit", finding.unit),
            ("result", finding.result),
            ("baseline", baseline),
            ("direction", ref_value(finding.direction) if finding.direction else None),
            ("population", finding.population),
            ("evidence", evidence_value(finding.evidence)),
        ]
    )
    return block or [Entry("result", "")]


def sample_value(sample: StudySample) -> Flow:
    return Flow(
        {
            k: v
            for k, v in (
                ("size", sample.size),
                ("approximate", sample.approximate or None),
                ("population", sample.population),
            )
            if v is not None
        }
    )


def resource_value(resource: Resource) -> Flow:
    pairs = (
        ("name", resource.name),
        ("doi", resource.doi),
        ("url", resource.url),
        ("identifier", resource.identifier),
    )
    return Flow({k: v for k, v in pairs if v is not None})


def trade_off_block(trade_off: TradeOff) -> Block:
    block: Block = []
    for slot in TRADE_OFF_SLOTS:
        uses = trade_off.terms.get(slot.key, [])
        if uses:
            block.append(Entry(slot.key, ref_list(uses)))
    if trade_off.priority:
        block.append(Entry("priority", ref_list(trade_off.priority)))
    if trade_off.description is not None:
        block.append(Entry("description", trade_off.description))
    evidence = evidence_value(trade_off.evidence)
    if evidence is not None:
        block.append(Entry("evidence", evidence))
    return block or [Entry("description", "")]


def assumption_block(assumption: Assumption) -> Block:
    block = _entries(
        [
            ("statement", assumption.statement),
            ("type", one_or_list(assumption.types) if assumption.types else None),
            ("stance", ref_value(assumption.stance) if assumption.stance else None),
            (
                "attribution",
                ref_value(assumption.attribution) if assumption.attribution else None,
            ),
            ("evidence", evidence_value(assumption.evidence)),
        ]
    )
    return block or [Entry("statement", "")]


# -- skeleton hints --------------------------------------------------------------------------

ROLE_CHOICES = " | ".join(ROLE_ALIASES)
TAGS_COMMENT = "paper level; items: norm:Term, exact label, or {term, confidence, evidence}"
FINDING_HINTS = (
    "- measure: norm:PreferenceWinRate        # an evaluation criterion (or a term request)",
    "  value: 85                              # a number, and/or `result:` as text",
    '  unit: "%"',
    '  baseline: norm:RLHF                    # an approach term, or text: "GPT-3 175B"',
    "  direction: improves                    # improves | worsens | no-difference | mixed",
    '  population: "US participants"',
    '  evidence: {quote: "…", location: "…"}',
)
TRADE_OFF_HINTS = (
    "- values: [norm:Helpfulness, norm:Harmlessness]   # poles: values, stakeholders,",
    "  stakeholders: [norm:MarginalisedCommunities]    #   design_goals; two or more",
    "  priority: [norm:Harmlessness, norm:Helpfulness] # optional, highest first",
    "  contexts: [...]",
    "  resolution: [...]",
    "  decided_by: [...]",
    '  description: "…"',
    '  evidence: {quote: "…", location: "…"}',
)
ASSUMPTION_HINTS = (
    '- statement: "…"',
    "  type: norm:...",
    "  attribution: stated                    # stated | inferred",
    "  stance: relies                         # relies (default) | challenges",
    '  evidence: [{quote: "…", location: "…"}]',
)
REQUEST_HINTS = (
    "Wherever a term is expected and none fits, request one instead (a warning, not an error):",
    '- request: {label: "…", definition: "…", broader: norm:..., source: "https://…"}',
    "  confidence: 0.7",
)
CONTESTABILITY_HINT = (
    "per-paper overrides: - {term: norm:..., stage: norm:ExAnteContestation, "
    "contestable_by: [norm:...]}"
)


def _hints(lines: Sequence[str]) -> Block:
    return [Hint(line) for line in lines]


# -- the writer ------------------------------------------------------------------------------


class DocumentBuilder:
    """Builds the document tree of one annotation (compact or skeleton)."""

    def __init__(self, skeleton: bool) -> None:
        self.skeleton = skeleton

    def text(self, key: str, value: str | None, comment: str | None = None) -> Entry | None:
        if value is None and not self.skeleton:
            return None
        return Entry(key, value if value is not None else "", comment)

    def paper(self, annotation: Annotation) -> Block:
        paper = annotation.paper
        incomplete = paper.authors_incomplete
        if self.skeleton and incomplete is None:
            incomplete = False
        authors = [a.name for a in paper.authors]
        year: object = paper.year
        entries: list[Entry | None] = [
            self.text("title", paper.title),
            Entry("authors", Flow(authors), "in the paper's order")
            if authors or self.skeleton
            else None,
            Entry("authors_incomplete", incomplete, "true if you list only the first authors")
            if incomplete is not None
            else None,
            Entry("year", year, "e.g. 2022") if year is not None or self.skeleton else None,
            self.text("venue", paper.venue, 'e.g. "NeurIPS 2022", "arXiv preprint"'),
            self.text("doi", paper.doi, "doi and/or arxiv; at least one"),
            self.text("arxiv", paper.arxiv, "without version, e.g. 2203.02155"),
            self.metadata_source(paper.metadata_source),
        ]
        return [e for e in entries if e is not None]

    def metadata_source(self, urls: list[str]) -> Entry | None:
        """One URL as a plain value, several as a list; the skeleton asks for it."""
        comment = "URL of the record you checked the metadata against"
        if len(urls) > 1:
            return Entry("metadata_source", Flow(urls), comment)
        return self.text("metadata_source", urls[0] if urls else None, comment)

    def annotation(self, annotation: Annotation) -> Block:
        annotator = annotation.annotator
        block: Block = []
        parts: dict[str, object] = {"name": annotator.name or ""}
        if annotator.orcid or self.skeleton:
            parts["orcid"] = annotator.orcid or ""
        if annotator.name or annotator.orcid or self.skeleton:
            block.append(Entry("annotator", Flow(parts), "orcid optional"))
        if annotation.date is not None:
            date = Raw(annotation.date.isoformat())
            block.append(Entry("date", date, "date of the annotation"))
        elif self.skeleton:
            block.append(Entry("date", None, "date of the annotation, YYYY-MM-DD"))
        note = self.text("note", annotation.note, "optional free text")
        if note is not None:
            block.append(note)
        return block

    def slots(self, slots: Sequence[TermSlot], tags: dict[str, list[TermUse]]) -> Block:
        block: Block = []
        for slot in slots:
            uses = tags.get(slot.key, [])
            if uses or self.skeleton:
                block.append(Entry(slot.key, term_list(uses), slot.help))
                if self.skeleton and slot.key == "contestability":
                    block.append(Hint(CONTESTABILITY_HINT))
        return block

    def paper_tags(self, annotation: Annotation) -> Block:
        return self.slots(PAPER_SLOTS, annotation.tags)

    def contribution(self, contribution: Contribution, position: int) -> Block:
        block: Block = []
        if contribution.id != str(position):
            block.append(Entry("id", contribution.id))
        if contribution.roles:
            block.append(Entry("role", one_or_list(contribution.roles), ROLE_CHOICES))
        elif self.skeleton:
            block.append(Entry("role", None, ROLE_CHOICES))
        for key, value, comment in (
            ("label", contribution.label, "optional short name, e.g. the method's name"),
            ("description", contribution.description, "optional: what this contribution is"),
        ):
            entry = self.text(key, value, comment)
            if entry is not None:
                block.append(entry)
        block += self.slots(CONTRIBUTION_SLOTS, contribution.tags)
        if self.skeleton:
            block += _hints(REQUEST_HINTS)
        if contribution.none or self.skeleton:
            none = Flow([Raw(k) for k in contribution.none])
            block.append(Entry("none", none, "explicitly none of: " + ", ".join(NONE_KEYS)))
        block += self.findings(contribution.findings)
        block += self.study(contribution)
        block += self.trade_offs(contribution.trade_offs)
        return block

    def findings(self, findings: list[Finding]) -> Block:
        if findings:
            return [Entry("findings", [finding_block(f) for f in findings])]
        if not self.skeleton:
            return []
        return [Entry("findings", [], "results reported, e.g.:"), *_hints(FINDING_HINTS)]

    def study(self, contribution: Contribution) -> Block:
        study = contribution.study
        block: Block = []
        if study.samples or self.skeleton:
            samples = [sample_value(s) for s in study.samples]
            block.append(Entry("samples", samples, '- {size: 1000, population: "…"}'))
        for slot in RESOURCE_SLOTS:
            resources = study.resources.get(slot.key, [])
            if resources or self.skeleton:
                comment = f'{slot.help}: - {{name: "…", doi: "…", url: "…", identifier: "…"}}'
                block.append(Entry(slot.key, [resource_value(r) for r in resources], comment))
        if not block:
            return []
        return [Entry("study", block, "study facts: samples, datasets and models")]

    def trade_offs(self, trade_offs: list[TradeOff]) -> Block:
        if trade_offs:
            return [Entry("trade_offs", [trade_off_block(t) for t in trade_offs])]
        if not self.skeleton:
            return []
        return [Entry("trade_offs", [], "tensions, e.g.:"), *_hints(TRADE_OFF_HINTS)]

    def contributions(self, annotation: Annotation) -> Block:
        """``contribution:`` for one contribution with the default id, else the long form."""
        contributions = annotation.contributions
        if self.skeleton and not contributions:
            contributions = [Contribution()]
        if len(contributions) == 1 and contributions[0].id == DEFAULT_FIRST_ID:
            comment = "what the paper does; several: `contributions:` (a list)"
            return [Entry("contribution", self.contribution(contributions[0], 1), comment)]
        if not contributions:
            return []
        items = [self.contribution(c, i) for i, c in enumerate(contributions, start=1)]
        return [Entry("contributions", items)]

    def assumptions(self, annotation: Annotation) -> Block:
        if annotation.assumptions:
            items = [assumption_block(a) for a in annotation.assumptions]
            return [Entry("assumptions", items)]
        if not self.skeleton:
            return []
        return [Entry("assumptions", [], "normative assumptions, e.g.:"), *_hints(ASSUMPTION_HINTS)]

    def document(self, annotation: Annotation) -> Block:
        block: Block = [
            Entry(FORMAT_KEY, CURRENT_FORMAT, "annotation format version"),
            Entry("paper", self.paper(annotation)),
            Entry("annotation", self.annotation(annotation)),
        ]
        tags = self.paper_tags(annotation)
        if tags:
            block.append(Entry("tags", tags, TAGS_COMMENT))
        block += self.contributions(annotation)
        block += self.assumptions(annotation)
        return block


def render_annotation(annotation: Annotation, skeleton: bool = False) -> str:
    """The YAML text of ``annotation`` in format 2 (see module docstring for the layouts)."""
    printer = Printer(skeleton)
    printer.line(MODELINE)
    if skeleton:
        printer.line("# NormSpace annotation: one paper, one annotator. Format and term lists:")
        printer.line("# docs/annotation-format.md. Check this file with `normspace validate FILE`.")
    printer.block(DocumentBuilder(skeleton).document(annotation), "")
    return "\n".join(printer.lines) + "\n"

"""The annotation of one paper by one annotator, as plain data between YAML and RDF.

Format 2 (docs/annotation-format.md, issue 8): an :class:`Annotation` holds paper-level
data (bibliography, annotator, disciplines, research methods, assumptions) and one or more
:class:`Contribution` objects, each with its role(s), tags, explicit absences, findings,
study facts and trade-offs. A version-1 file is read into the same model (one contribution,
no role), so that everything downstream knows one model only.

Terms are held as full IRIs (already resolved); identifiers are held normalised. Every
``field`` attribute is the path of the YAML key or item the object was read from
(``contributions[0].values[1]``, or ``tags.values[1]`` in a version-1 file), empty when
the object was built from RDF.

Public names: Evidence, TermRequest, ContestationSetting, TermUse, TradeOff, Finding,
StudySample, Resource, Study, Contribution, Assumption, Author, Paper, Annotator,
Annotation, CURRENT_FORMAT, FIRST_FORMAT, CONTRIBUTION_PATH.

Where things live, and why:

- A term request (:class:`TermRequest`) stands where the term would stand: on the
  :class:`TermUse` (``term`` is None, ``request`` is set), so every slot, trade-off list,
  finding measure or baseline takes either without a parallel set of fields.
- Per-paper contestation overrides (``stage``, ``contestable_by``) are kept on the
  :class:`TermUse` of the contestability item they qualify (``TermUse.setting``): the YAML
  writes them on that item and the RDF setting points at that term (``norm:settingFor``),
  so keeping them on the item needs no cross-reference to stay consistent.
- Study facts are grouped in :class:`Study`; datasets and models are one
  :class:`Resource` kind keyed by the resource slot (``datasets_used``, …) of
  ``slots.RESOURCE_SLOTS``, like tags are keyed by tag slot.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from . import identifiers

#: The format version written by this version of NormSpace.
CURRENT_FORMAT = 2
#: The first format version (files without a ``format`` key); deprecated.
FIRST_FORMAT = 1
#: Path segment between the annotation IRI and a contribution id.
CONTRIBUTION_PATH = "/contribution/"
#: A contribution id: a slug, used in the contribution IRI (``…/contribution/<id>``); the
#: reader accepts only these, and RDF → YAML recognises only these in an IRI.
CONTRIBUTION_ID = re.compile(r"[a-z0-9][a-z0-9-]*\Z")


@dataclass
class Evidence:
    quote: str | None = None
    location: str | None = None
    field: str = ""


@dataclass
class TermRequest:
    """A term the annotator needs but the ontology lacks: written where the term would be,
    so nothing the annotator knows is dropped, and listed by ``normspace term-requests`` as
    input to the next ontology release."""

    label: str | None = None
    definition: str | None = None
    #: IRI of the intended concept scheme: the scheme of the slot it stands in.
    scheme: str | None = None
    #: IRI of the proposed broader term (a term of the same scheme).
    broader: str | None = None
    #: URL or citation text.
    source: str | None = None
    field: str = ""


@dataclass
class ContestationSetting:
    """A paper's own contestation stage and contestants for one contestability mechanism
    (overriding what the ontology says of the mechanism type)."""

    stage: TermUse | None = None
    contestable_by: list[TermUse] = field(default_factory=list)
    field: str = ""


@dataclass
class TermUse:
    """A term (or a term request) where a term is expected, and optionally the annotator's
    confidence and supporting evidence (tag items) or a contestation setting
    (contestability items)."""

    #: The term IRI; None when the item is a term request.
    term: str | None = None
    confidence: float | None = None
    evidence: list[Evidence] = field(default_factory=list)
    field: str = ""
    request: TermRequest | None = None
    setting: ContestationSetting | None = None

    @property
    def is_request(self) -> bool:
        return self.term is None and self.request is not None


@dataclass
class TradeOff:
    #: trade-off slot key (``values``, ``stakeholders``, ``design_goals``, ``contexts``,
    #: ``resolution``, ``decided_by``) -> terms; the pole slots are marked in the slot table.
    terms: dict[str, list[TermUse]] = field(default_factory=dict)
    #: Poles in the paper's priority order, highest first (each one of the poles above).
    priority: list[TermUse] = field(default_factory=list)
    description: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    field: str = ""


@dataclass
class Finding:
    """One reported result of a contribution."""

    #: What was measured (an evaluation-criterion term or a request).
    measure: TermUse | None = None
    #: The number, exactly as written (decimal, so ``85.0`` and ``85`` keep their value).
    value: Decimal | None = None
    unit: str | None = None
    result: str | None = None
    #: The comparison baseline as a term (an alignment approach) or a request ...
    baseline: TermUse | None = None
    #: ... or as text (``"GPT-3 175B"``).
    baseline_text: str | None = None
    #: A FindingDirection term.
    direction: TermUse | None = None
    population: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    field: str = ""


@dataclass
class StudySample:
    size: int | None = None
    #: True when the paper gives the size only roughly ("about 1,000 participants").
    approximate: bool | None = None
    population: str | None = None
    field: str = ""


@dataclass
class Resource:
    """A dataset or model used or produced (schema:Dataset / schema:SoftwareApplication)."""

    name: str | None = None
    doi: str | None = None
    url: str | None = None
    identifier: str | None = None
    field: str = ""


@dataclass
class Study:
    samples: list[StudySample] = field(default_factory=list)
    #: resource slot key (``datasets_used``, ``datasets_produced``, ``models_used``,
    #: ``models_produced``) -> resources, in file order.
    resources: dict[str, list[Resource]] = field(default_factory=dict)
    field: str = ""

    @property
    def empty(self) -> bool:
        return not self.samples and not any(self.resources.values())


@dataclass
class Contribution:
    """What the paper does in one respect (proposes X, uses Y as baseline, ...): the unit
    inside which tags are paired by the queries."""

    #: Slug, unique in the file; by default the 1-based position (``"1"``).
    id: str = "1"
    #: ContributionRole terms; empty when not given (a warning in format 2).
    roles: list[TermUse] = field(default_factory=list)
    label: str | None = None
    description: str | None = None
    #: contribution tag slot key -> tags, in file order.
    tags: dict[str, list[TermUse]] = field(default_factory=dict)
    #: Keys of ``none:`` (slots the paper explicitly has none of), in file order.
    none: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    study: Study = field(default_factory=Study)
    trade_offs: list[TradeOff] = field(default_factory=list)
    #: ``contribution``, ``contributions[i]``, or ``""`` (a version-1 file).
    field: str = ""

    def iri(self, annotation_iri: str) -> str:
        return annotation_iri + CONTRIBUTION_PATH + self.id


@dataclass
class Assumption:
    statement: str | None = None
    types: list[TermUse] = field(default_factory=list)
    #: None: not given (the paper relies on it, the default).
    stance: TermUse | None = None
    attribution: TermUse | None = None
    evidence: list[Evidence] = field(default_factory=list)
    field: str = ""


@dataclass
class Author:
    name: str
    field: str = ""


@dataclass
class Paper:
    title: str | None = None
    authors: list[Author] = field(default_factory=list)
    authors_incomplete: bool | None = None
    year: int | None = None
    venue: str | None = None
    doi: str | None = None
    arxiv: str | None = None
    #: URLs of the records the metadata was checked against (publisher, DOI or arXiv page,
    #: bibliographic database), so that a reader can re-check every field.
    metadata_source: list[str] = field(default_factory=list)

    @property
    def iri(self) -> str:
        return identifiers.paper_iri(self.doi, self.arxiv)

    @property
    def identified(self) -> bool:
        return bool(self.doi or self.arxiv)


@dataclass
class Annotator:
    name: str | None = None
    orcid: str | None = None

    @property
    def key(self) -> str:
        return identifiers.annotator_key(self.name, self.orcid)

    @property
    def iri(self) -> str | None:
        return identifiers.orcid_iri(self.orcid) if self.orcid else None


@dataclass
class Annotation:
    paper: Paper = field(default_factory=Paper)
    annotator: Annotator = field(default_factory=Annotator)
    date: dt.date | None = None
    note: str | None = None
    #: Paper-level tag slot key (``disciplines``, ``research_methods``) -> tags.
    tags: dict[str, list[TermUse]] = field(default_factory=dict)
    contributions: list[Contribution] = field(default_factory=list)
    assumptions: list[Assumption] = field(default_factory=list)
    #: The format version the file was written in (1: read natively, deprecated).
    format_version: int = CURRENT_FORMAT

    @property
    def iri(self) -> str:
        return identifiers.annotation_iri(self.paper.doi, self.paper.arxiv, self.annotator.key)

    @property
    def filename(self) -> str:
        key = self.annotator.key
        return identifiers.suggested_filename(self.paper.doi, self.paper.arxiv, key)

    def contribution_iri(self, contribution: Contribution) -> str:
        return contribution.iri(self.iri)

"""The annotation of one paper by one annotator, as plain data between YAML and RDF.

Terms are held as full IRIs (already resolved); identifiers are held normalised. Every
``field`` attribute is the path of the YAML key or item the object was read from
(``tags.values[1]``), empty when the object was built from RDF.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import identifiers


@dataclass
class Evidence:
    quote: str | None = None
    location: str | None = None
    field: str = ""


@dataclass
class TermUse:
    """A tag: a term, and optionally the annotator's confidence and supporting evidence."""

    term: str
    confidence: float | None = None
    evidence: list[Evidence] = field(default_factory=list)
    field: str = ""


@dataclass
class TradeOff:
    #: trade-off slot key (``values``, ``contexts``, ``resolution``, ``decided_by``) -> terms.
    terms: dict[str, list[TermUse]] = field(default_factory=dict)
    description: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    field: str = ""


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
    proposes_no_approach: bool | None = None
    note: str | None = None
    #: tag slot key -> tags, in file order.
    tags: dict[str, list[TermUse]] = field(default_factory=dict)
    trade_offs: list[TradeOff] = field(default_factory=list)
    assumptions: list[Assumption] = field(default_factory=list)

    @property
    def iri(self) -> str:
        return identifiers.annotation_iri(self.paper.doi, self.paper.arxiv, self.annotator.key)

    @property
    def filename(self) -> str:
        key = self.annotator.key
        return identifiers.suggested_filename(self.paper.doi, self.paper.arxiv, key)

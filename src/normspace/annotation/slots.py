"""The fields of the annotation file format: one table that the reader, the RDF mapping, the
JSON Schema, the skeleton writer and the validator's error mapping all use, so that they
cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDFS

from ..namespaces import FABIO, NORM, PRISM, SCHEMA
from ..ontology import SLOT_SCHEMES


@dataclass(frozen=True)
class TermSlot:
    """A YAML key whose items are terms of one concept scheme, stored as one property."""

    key: str
    prop: URIRef
    help: str

    @property
    def scheme(self) -> URIRef:
        return SLOT_SCHEMES[self.prop]


#: ``tags:`` keys, in the order of the format description.
TAG_SLOTS: tuple[TermSlot, ...] = (
    TermSlot("alignment_targets", NORM.hasAlignmentTarget, "what the system is aligned to"),
    TermSlot("values", NORM.hasValue, "values the paper aims to respect, promote or measure"),
    TermSlot(
        "stakeholders",
        NORM.hasStakeholder,
        "stakeholder groups considered or affected (not those who supply normative input)",
    ),
    TermSlot(
        "normative_input_from",
        NORM.normativeInputFrom,
        "stakeholder groups whose labels, preferences or principles the system is aligned to",
    ),
    TermSlot("sampling", NORM.hasSamplingMethod, "how the sources of normative input were sampled"),
    TermSlot("contexts", NORM.hasContext, "deployment domains, scopes, risk tiers, system roles"),
    TermSlot("pluralism", NORM.hasPluralismApproach, "how disagreement is handled or aggregated"),
    TermSlot("approaches", NORM.hasAlignmentApproach, "alignment approaches proposed or applied"),
    TermSlot("evaluation", NORM.hasEvaluationCriterion, "how alignment is evaluated"),
    TermSlot(
        "contestability", NORM.hasContestabilityMechanism, "contestability mechanisms provided"
    ),
    TermSlot("participation", NORM.hasParticipationAspect, "power and participation aspects"),
    TermSlot("disciplines", NORM.hasDiscipline, "disciplines whose perspective the paper brings"),
)

TRADE_OFF_SLOTS: tuple[TermSlot, ...] = (
    TermSlot("values", NORM.involvesValue, "the values in tension (at least two distinct)"),
    TermSlot("contexts", NORM.arisesInContext, "contexts in which the tension arises"),
    TermSlot("resolution", NORM.resolvedBy, "how the paper resolves the trade-off"),
    TermSlot("decided_by", NORM.decidedBy, "who decides the resolution"),
)

ASSUMPTION_TYPE = TermSlot("type", NORM.assumptionType, "the type of normative assumption")
ASSUMPTION_ATTRIBUTION = TermSlot(
    "attribution", NORM.attribution, "`stated` by the authors or `inferred` by you"
)
ASSUMPTION_STANCE = TermSlot(
    "stance", NORM.stance, "whether the paper `relies` on the assumption or `challenges` it"
)

#: Short spellings of the two attribution terms.
ATTRIBUTION_ALIASES: dict[str, URIRef] = {
    "stated": NORM.StatedByAuthors,
    "inferred": NORM.InferredByAnnotator,
}
#: Short spellings of the two stance terms.
STANCE_ALIASES: dict[str, URIRef] = {
    "relies": NORM.ReliesOnAssumption,
    "challenges": NORM.ChallengesAssumption,
}
#: The stance written to RDF when a file gives none.
DEFAULT_STANCE = NORM.ReliesOnAssumption
#: Slot property -> accepted short spellings.
ALIASES: dict[URIRef, dict[str, URIRef]] = {
    NORM.attribution: ATTRIBUTION_ALIASES,
    NORM.stance: STANCE_ALIASES,
}

#: Keys of each mapping of the format, in output order.
ROOT_KEYS = ("paper", "annotation", "tags", "trade_offs", "assumptions")
PAPER_KEYS = ("title", "authors", "authors_incomplete", "year", "venue", "doi", "arxiv")
ANNOTATION_KEYS = ("annotator", "date", "proposes_no_approach", "note")
ANNOTATOR_KEYS = ("name", "orcid")
TERM_ITEM_KEYS = ("term", "confidence", "evidence")
EVIDENCE_KEYS = ("quote", "location")
TRADE_OFF_KEYS = (*(s.key for s in TRADE_OFF_SLOTS), "description", "evidence")
ASSUMPTION_KEYS = ("statement", "type", "stance", "attribution", "evidence")

#: The note on an annotation is stored as rdfs:comment (design.md leaves the property open).
NOTE = RDFS.comment

#: RDF node kinds the converter creates, for mapping SHACL results back to YAML fields.
PAPER, ANNOTATION, AUTHOR, ANNOTATOR, EVIDENCE, TRADE_OFF, ASSUMPTION = (
    "paper",
    "annotation",
    "author",
    "annotator",
    "evidence",
    "trade_off",
    "assumption",
)

#: For each node kind: property -> YAML field, relative to the field of the node itself.
#: The annotation node is the document root, so its fields are absolute.
PROPERTY_FIELDS: dict[str, dict[URIRef, str]] = {
    PAPER: {
        DCTERMS.title: "title",
        SCHEMA.author: "authors",
        NORM.authorListIncomplete: "authors_incomplete",
        FABIO.hasPublicationYear: "year",
        PRISM.publicationName: "venue",
        PRISM.doi: "doi",
        NORM.arxivId: "arxiv",
    },
    ANNOTATION: {
        NORM.annotates: "paper",
        PROV.wasAttributedTo: "annotation.annotator",
        DCTERMS.created: "annotation.date",
        NORM.proposesNoApproach: "annotation.proposes_no_approach",
        NOTE: "annotation.note",
        NORM.hasTradeOff: "trade_offs",
        NORM.hasAssumption: "assumptions",
        NORM.hasEvidence: "tags",
        **{s.prop: f"tags.{s.key}" for s in TAG_SLOTS},
    },
    AUTHOR: {SCHEMA.name: "", SCHEMA.position: ""},
    ANNOTATOR: {FOAF.name: "name"},
    EVIDENCE: {NORM.quote: "quote", NORM.location: "location", NORM.supportsTerm: ""},
    TRADE_OFF: {
        **{s.prop: s.key for s in TRADE_OFF_SLOTS},
        DCTERMS.description: "description",
        NORM.hasEvidence: "evidence",
    },
    ASSUMPTION: {
        NORM.statement: "statement",
        NORM.assumptionType: "type",
        NORM.stance: "stance",
        NORM.attribution: "attribution",
        NORM.hasEvidence: "evidence",
    },
}

#: Keys allowed in each mapping, keyed by a name the reader uses in messages.
ALLOWED_KEYS: dict[str, tuple[str, ...]] = {
    "document": ROOT_KEYS,
    "paper": PAPER_KEYS,
    "annotation": ANNOTATION_KEYS,
    "annotator": ANNOTATOR_KEYS,
    "tags": tuple(s.key for s in TAG_SLOTS),
    "tag item": TERM_ITEM_KEYS,
    "evidence": EVIDENCE_KEYS,
    "trade-off": TRADE_OFF_KEYS,
    "assumption": ASSUMPTION_KEYS,
}

"""The fields of the annotation file format: one table that the reader, the RDF mapping, the
JSON Schema, the JSON-LD context, the skeleton writer and the validator's error mapping all
use, so that they cannot drift apart.

Public names:

- slot classes: TermSlot (a YAML key whose items are terms of one scheme),
  ResourceSlot (a list of datasets or models).
- term slot tables: CONTRIBUTION_SLOTS (contribution tag slots; ``absence`` set for the
  slots that ``none:`` accepts), PAPER_SLOTS (paper-level ``tags:``), TAG_SLOTS (both:
  every slot written with the tag item syntax), V1_TAG_SLOTS (the ``tags:`` keys of
  format 1), TRADE_OFF_SLOTS (``pole`` marks the pole kinds), TRADE_OFF_POLES,
  ABSENCE_SLOTS / NONE_KEYS (the keys of ``none:``).
- STAKEHOLDERS, NORMATIVE_INPUT (the two stakeholder slots).
- single term slots: ROLE, STAGE, CONTESTABLE_BY, FINDING_MEASURE, FINDING_BASELINE,
  FINDING_DIRECTION, PRIORITY, ASSUMPTION_TYPE, ASSUMPTION_ATTRIBUTION, ASSUMPTION_STANCE.
- RESOURCE_SLOTS: datasets and models used or produced.
- short spellings: ATTRIBUTION_ALIASES, STANCE_ALIASES, ROLE_ALIASES, DIRECTION_ALIASES,
  ALIASES (slot property -> spellings), DEFAULT_STANCE.
- key tuples: ROOT_KEYS, V1_ROOT_KEYS, PAPER_KEYS, ANNOTATION_KEYS, V1_ANNOTATION_KEYS,
  ANNOTATOR_KEYS, PAPER_TAGS_KEYS, CONTRIBUTION_KEYS, TERM_ITEM_KEYS, CONTESTABILITY_ITEM_KEYS,
  TERM_REF_KEYS, REQUEST_KEYS, EVIDENCE_KEYS, TRADE_OFF_KEYS, V1_TRADE_OFF_KEYS,
  FINDING_KEYS, STUDY_KEYS, SAMPLE_KEYS, RESOURCE_KEYS, ASSUMPTION_KEYS; ALLOWED_KEYS
  (mapping kind -> allowed keys; the reader's and the docs' source); V1_ONLY_KEYS.
- FORMAT_KEY, NOTE; scheme_of (slot property -> concept scheme, from the ontology).
- RDF node kinds: PAPER, ANNOTATION, AUTHOR, ANNOTATOR, EVIDENCE, TRADE_OFF, ASSUMPTION,
  CONTRIBUTION, CONTRIBUTION_V1, FINDING, SAMPLE, RESOURCE, PRIORITY_RANK, SETTING,
  TERM_REQUEST; PROPERTY_FIELDS (node kind -> property -> YAML field relative to the node's field).
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDFS, SKOS

from ..namespaces import FABIO, NORM, PRISM, SCHEMA
from ..ontology import SLOT_SCHEMES


def scheme_of(prop: URIRef) -> URIRef | None:
    """The concept scheme whose terms a slot property takes (None: any pole term)."""
    return SLOT_SCHEMES.get(prop)


@dataclass(frozen=True)
class TermSlot:
    """A YAML key whose items are terms of one concept scheme, stored as one property."""

    key: str
    prop: URIRef
    help: str
    #: The ``norm:declaresAbsence`` sub-property written for ``none: [key]`` (spec 1.3).
    absence: URIRef | None = None
    #: True for the trade-off slots whose terms are poles of the tension.
    pole: bool = False

    @property
    def scheme(self) -> URIRef:
        scheme = scheme_of(self.prop)
        if scheme is None:
            raise KeyError(f"no concept scheme is known for the slot property {self.prop}")
        return scheme


@dataclass(frozen=True)
class ResourceSlot:
    """A list of datasets or models used or produced by a contribution."""

    key: str
    prop: URIRef
    rdf_type: URIRef
    help: str


#: Contribution tag slots, in the order of the format description.
CONTRIBUTION_SLOTS: tuple[TermSlot, ...] = (
    TermSlot("alignment_targets", NORM.hasAlignmentTarget, "what the system is aligned to"),
    TermSlot("values", NORM.hasValue, "values it aims to respect, promote or measure"),
    TermSlot(
        "stakeholders",
        NORM.hasStakeholder,
        "stakeholder groups considered or affected (not those who supply normative input)",
    ),
    TermSlot(
        "normative_input_from",
        NORM.normativeInputFrom,
        "stakeholder groups whose labels, preferences or principles the system is aligned to",
        absence=NORM.noNormativeInput,
    ),
    TermSlot("sampling", NORM.hasSamplingMethod, "how the sources of normative input were sampled"),
    TermSlot(
        "contexts",
        NORM.hasContext,
        "deployment domains, scopes, risk tiers, system roles",
        absence=NORM.domainGeneral,
    ),
    TermSlot(
        "pluralism",
        NORM.hasPluralismApproach,
        "how disagreement is handled or aggregated",
        absence=NORM.noPluralismApproach,
    ),
    TermSlot(
        "approaches",
        NORM.hasAlignmentApproach,
        "alignment approaches proposed, applied, evaluated or criticised (see `role`)",
        absence=NORM.noAlignmentApproach,
    ),
    TermSlot(
        "evaluation",
        NORM.hasEvaluationCriterion,
        "how alignment is evaluated",
        absence=NORM.noEvaluation,
    ),
    TermSlot(
        "contestability",
        NORM.hasContestabilityMechanism,
        "contestability mechanisms provided",
        absence=NORM.noContestabilityMechanism,
    ),
    TermSlot("participation", NORM.hasParticipationAspect, "power and participation aspects"),
    TermSlot("harms", NORM.hasHarm, "harms or risks the contribution addresses or causes"),
    TermSlot("design_goals", NORM.hasDesignGoal, "design goals pursued (accuracy, cost, ...)"),
)

#: Paper-level ``tags:`` keys (format 2).
PAPER_SLOTS: tuple[TermSlot, ...] = (
    TermSlot("disciplines", NORM.hasDiscipline, "disciplines whose perspective the paper brings"),
    TermSlot("research_methods", NORM.hasResearchMethod, "research methods the paper uses"),
)

#: The two stakeholder slots of a contribution (named in messages about either).
STAKEHOLDERS, NORMATIVE_INPUT = CONTRIBUTION_SLOTS[2], CONTRIBUTION_SLOTS[3]

#: Every slot written with the tag item syntax (term or request, confidence, evidence).
TAG_SLOTS: tuple[TermSlot, ...] = (*CONTRIBUTION_SLOTS, *PAPER_SLOTS)

#: The ``tags:`` keys of format 1, in its order (all but ``disciplines`` go to the one
#: contribution of a version-1 file).
_V1_TAG_KEYS = (
    "alignment_targets",
    "values",
    "stakeholders",
    "normative_input_from",
    "sampling",
    "contexts",
    "pluralism",
    "approaches",
    "evaluation",
    "contestability",
    "participation",
    "disciplines",
)
V1_TAG_SLOTS: tuple[TermSlot, ...] = tuple(
    next(s for s in TAG_SLOTS if s.key == key) for key in _V1_TAG_KEYS
)

#: Contribution slots that ``none:`` accepts, and the keys themselves.
ABSENCE_SLOTS: tuple[TermSlot, ...] = tuple(s for s in CONTRIBUTION_SLOTS if s.absence)
NONE_KEYS: tuple[str, ...] = tuple(s.key for s in ABSENCE_SLOTS)

TRADE_OFF_SLOTS: tuple[TermSlot, ...] = (
    TermSlot("values", NORM.involvesValue, "values in tension", pole=True),
    TermSlot(
        "stakeholders", NORM.involvesStakeholder, "stakeholders or groups in tension", pole=True
    ),
    TermSlot("design_goals", NORM.involvesDesignGoal, "design goals in tension", pole=True),
    TermSlot("contexts", NORM.arisesInContext, "contexts in which the tension arises"),
    TermSlot("resolution", NORM.resolvedBy, "how the paper resolves the trade-off"),
    TermSlot("decided_by", NORM.decidedBy, "who decides the resolution"),
)
#: The pole slots of a trade-off (at least two distinct poles in all).
TRADE_OFF_POLES: tuple[TermSlot, ...] = tuple(s for s in TRADE_OFF_SLOTS if s.pole)

ROLE = TermSlot("role", NORM.hasRole, "what the paper does with this contribution")
STAGE = TermSlot("stage", NORM.atStage, "when this paper's mechanism can be contested")
CONTESTABLE_BY = TermSlot("contestable_by", NORM.contestableBy, "who can contest, in this paper")
FINDING_MEASURE = TermSlot("measure", NORM.measures, "what was measured")
FINDING_BASELINE = TermSlot("baseline", NORM.comparedWith, "what it was compared with")
FINDING_DIRECTION = TermSlot("direction", NORM.direction, "improves, worsens, ...")
#: Priority items name poles of the same trade-off (any pole kind): no scheme of its own.
PRIORITY = TermSlot("priority", NORM.priorityOf, "the poles in the paper's order, highest first")

ASSUMPTION_TYPE = TermSlot("type", NORM.assumptionType, "the type of normative assumption")
ASSUMPTION_ATTRIBUTION = TermSlot(
    "attribution", NORM.attribution, "`stated` by the authors or `inferred` by you"
)
ASSUMPTION_STANCE = TermSlot(
    "stance", NORM.stance, "whether the paper `relies` on the assumption or `challenges` it"
)

#: Term positions that are not tag slots, by the names the coverage log and
#: ``normspace terms --tree`` use for them (the tag slots go by their keys).
POSITION_SLOTS: dict[str, TermSlot] = {
    "assumptions": ASSUMPTION_TYPE,
    "contribution_role": ROLE,
    "finding_measure": FINDING_MEASURE,
    "finding_direction": FINDING_DIRECTION,
    "trade_off_resolution": next(s for s in TRADE_OFF_SLOTS if s.key == "resolution"),
}

RESOURCE_SLOTS: tuple[ResourceSlot, ...] = (
    ResourceSlot("datasets_used", NORM.usesDataset, SCHEMA.Dataset, "datasets used"),
    ResourceSlot("datasets_produced", NORM.producesDataset, SCHEMA.Dataset, "datasets released"),
    ResourceSlot("models_used", NORM.usesModel, SCHEMA.SoftwareApplication, "models used"),
    ResourceSlot(
        "models_produced", NORM.producesModel, SCHEMA.SoftwareApplication, "models released"
    ),
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
#: YAML spellings of the contribution roles (the preferred labels resolve as well).
ROLE_ALIASES: dict[str, URIRef] = {
    "proposes": NORM.Proposes,
    "applies": NORM.Applies,
    "evaluates": NORM.Evaluates,
    "compares": NORM.Compares,
    "critiques": NORM.Critiques,
    "surveys": NORM.Surveys,
    "studies-stakeholder-perspectives": NORM.StudiesStakeholderPerspectives,
    "uses-as-baseline": NORM.UsesAsBaseline,
}
#: YAML spellings of the finding directions.
DIRECTION_ALIASES: dict[str, URIRef] = {
    "improves": NORM.Improves,
    "worsens": NORM.Worsens,
    "no-difference": NORM.NoDifference,
    "mixed": NORM.MixedResult,
}
#: The stance written to RDF when a file gives none.
DEFAULT_STANCE = NORM.ReliesOnAssumption
#: Slot property -> accepted short spellings.
ALIASES: dict[URIRef, dict[str, URIRef]] = {
    NORM.attribution: ATTRIBUTION_ALIASES,
    NORM.stance: STANCE_ALIASES,
    NORM.hasRole: ROLE_ALIASES,
    NORM.direction: DIRECTION_ALIASES,
}

#: The top-level key that names the format version.
FORMAT_KEY = "format"

#: Keys of each mapping of the format, in output order.
ROOT_KEYS = (
    FORMAT_KEY,
    "paper",
    "annotation",
    "tags",
    "contribution",
    "contributions",
    "assumptions",
)
V1_ROOT_KEYS = (FORMAT_KEY, "paper", "annotation", "tags", "trade_offs", "assumptions")
PAPER_KEYS = (
    "title",
    "authors",
    "authors_incomplete",
    "year",
    "venue",
    "doi",
    "arxiv",
    "metadata_source",
)
ANNOTATION_KEYS = ("annotator", "date", "note")
V1_ANNOTATION_KEYS = ("annotator", "date", "proposes_no_approach", "note")
ANNOTATOR_KEYS = ("name", "orcid")
PAPER_TAGS_KEYS = tuple(s.key for s in PAPER_SLOTS)
CONTRIBUTION_KEYS = (
    "id",
    "role",
    "label",
    "description",
    *(s.key for s in CONTRIBUTION_SLOTS),
    "none",
    "findings",
    "study",
    "trade_offs",
)
TERM_ITEM_KEYS = ("term", "request", "confidence", "evidence")
CONTESTABILITY_ITEM_KEYS = (*TERM_ITEM_KEYS, "stage", "contestable_by")
#: A term reference written as a mapping where no confidence or evidence is taken
#: (trade-off lists, assumption types, finding measure and baseline, role, ...).
TERM_REF_KEYS = ("term", "request")
REQUEST_KEYS = ("label", "definition", "broader", "source")
EVIDENCE_KEYS = ("quote", "location")
TRADE_OFF_KEYS = (*(s.key for s in TRADE_OFF_SLOTS), "priority", "description", "evidence")
V1_TRADE_OFF_KEYS = ("values", "contexts", "resolution", "decided_by", "description", "evidence")
FINDING_KEYS = (
    "measure",
    "value",
    "unit",
    "result",
    "baseline",
    "direction",
    "population",
    "evidence",
)
STUDY_KEYS = ("samples", *(s.key for s in RESOURCE_SLOTS))
SAMPLE_KEYS = ("size", "approximate", "population")
RESOURCE_KEYS = ("name", "doi", "url", "identifier")
ASSUMPTION_KEYS = ("statement", "type", "stance", "attribution", "evidence")

#: Keys of format 1 that format 2 moved or replaced: (mapping kind, key) -> where it went.
V1_ONLY_KEYS: dict[tuple[str, str], str] = {
    **{
        ("tags", s.key): f"in format 2 `{s.key}` belongs to a contribution: move it under "
        "`contribution:` (`normspace migrate` does this)"
        for s in CONTRIBUTION_SLOTS
    },
    ("document", "trade_offs"): "in format 2 `trade_offs` belongs to a contribution: move it "
    "under `contribution:` (`normspace migrate` does this)",
    ("annotation", "proposes_no_approach"): "use `none: [approaches]` in the contribution",
}

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
CONTRIBUTION, CONTRIBUTION_V1, FINDING, SAMPLE, RESOURCE, PRIORITY_RANK, SETTING, TERM_REQUEST = (
    "contribution",
    "contribution_v1",
    "finding",
    "sample",
    "resource",
    "priority",
    "setting",
    "term_request",
)


def _contribution_fields(tags: str, trade_offs: str, none: str) -> dict[URIRef, str]:
    """Contribution properties -> fields; the two variants differ only in where tags,
    trade-offs and absence sit (format 2: in the contribution; format 1: at the top)."""
    prefix = f"{tags}." if tags else ""
    return {
        NORM.hasRole: "role",
        RDFS.label: "label",
        DCTERMS.description: "description",
        NORM.hasEvidence: tags,
        NORM.hasContestationSetting: f"{prefix}contestability",
        NORM.hasFinding: "findings",
        NORM.hasSample: "study.samples",
        **{s.prop: f"study.{s.key}" for s in RESOURCE_SLOTS},
        **{s.prop: prefix + s.key for s in CONTRIBUTION_SLOTS},
        **{s.absence: none for s in ABSENCE_SLOTS if s.absence is not None},
        NORM.hasTradeOff: trade_offs,
    }


#: For each node kind: property -> YAML field, relative to the field of the node itself.
#: The annotation node is the document root, and a version-1 contribution has no YAML
#: mapping of its own, so their fields are absolute.
PROPERTY_FIELDS: dict[str, dict[URIRef, str]] = {
    PAPER: {
        DCTERMS.title: "title",
        SCHEMA.author: "authors",
        NORM.authorListIncomplete: "authors_incomplete",
        FABIO.hasPublicationYear: "year",
        PRISM.publicationName: "venue",
        PRISM.doi: "doi",
        NORM.arxivId: "arxiv",
        NORM.metadataSource: "metadata_source",
    },
    ANNOTATION: {
        NORM.annotates: "paper",
        PROV.wasAttributedTo: "annotation.annotator",
        DCTERMS.created: "annotation.date",
        NOTE: "annotation.note",
        NORM.hasAssumption: "assumptions",
        NORM.hasEvidence: "tags",
        NORM.hasContribution: "contributions",
        **{s.prop: f"tags.{s.key}" for s in PAPER_SLOTS},
    },
    CONTRIBUTION: _contribution_fields("", "trade_offs", "none"),
    CONTRIBUTION_V1: _contribution_fields("tags", "trade_offs", "annotation.proposes_no_approach"),
    AUTHOR: {SCHEMA.name: "", SCHEMA.position: ""},
    ANNOTATOR: {FOAF.name: "name"},
    EVIDENCE: {
        NORM.quote: "quote",
        NORM.location: "location",
        NORM.supportsTerm: "",
        NORM.confidence: "",
    },
    TRADE_OFF: {
        **{s.prop: s.key for s in TRADE_OFF_SLOTS},
        NORM.hasPriority: "priority",
        DCTERMS.description: "description",
        NORM.hasEvidence: "evidence",
    },
    PRIORITY_RANK: {NORM.priorityOf: "", SCHEMA.position: ""},
    SETTING: {NORM.settingFor: "", NORM.atStage: "stage", NORM.contestableBy: "contestable_by"},
    FINDING: {
        NORM.measures: "measure",
        SCHEMA.value: "value",
        SCHEMA.unitText: "unit",
        NORM.resultText: "result",
        NORM.comparedWith: "baseline",
        NORM.baselineDescription: "baseline",
        NORM.direction: "direction",
        NORM.population: "population",
        NORM.hasEvidence: "evidence",
    },
    SAMPLE: {
        NORM.sampleSize: "size",
        NORM.approximateSize: "approximate",
        NORM.population: "population",
    },
    RESOURCE: {
        SCHEMA.name: "name",
        PRISM.doi: "doi",
        SCHEMA.url: "url",
        SCHEMA.identifier: "identifier",
    },
    TERM_REQUEST: {
        RDFS.label: "label",
        SKOS.definition: "definition",
        NORM.intendedScheme: "",
        NORM.proposedBroader: "broader",
        DCTERMS.source: "source",
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
    "tags": PAPER_TAGS_KEYS,
    "contribution": CONTRIBUTION_KEYS,
    "tag item": TERM_ITEM_KEYS,
    "contestability item": CONTESTABILITY_ITEM_KEYS,
    "term reference": TERM_REF_KEYS,
    "term request": REQUEST_KEYS,
    "evidence": EVIDENCE_KEYS,
    "trade-off": TRADE_OFF_KEYS,
    "finding": FINDING_KEYS,
    "study": STUDY_KEYS,
    "sample": SAMPLE_KEYS,
    "resource": RESOURCE_KEYS,
    "assumption": ASSUMPTION_KEYS,
    # format 1 (read natively, deprecated)
    "v1 document": V1_ROOT_KEYS,
    "v1 annotation": V1_ANNOTATION_KEYS,
    "v1 tags": tuple(s.key for s in V1_TAG_SLOTS),
    "v1 trade-off": V1_TRADE_OFF_KEYS,
}

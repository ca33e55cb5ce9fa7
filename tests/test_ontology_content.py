"""What the bundled ontology must contain: sixteen populated dimensions, sourced terms,
the reserved term IRIs, a complete header, and OWL ranges that agree with the SHACL slots."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as rdfns
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from ruamel.yaml import YAML

from normspace.namespaces import NORM, NORM_IRI, ONTOLOGY_IRI, SCHEMA, VANN, curie
from normspace.ontology import DIMENSIONS, SLOT_SCHEMES, SUPPORTING_SCHEMES, term_index

RESERVED = YAML(typ="safe").load(
    (Path(__file__).parent / "data" / "check" / "_reserved-terms.yaml").read_text(encoding="utf-8")
)
ONTOLOGY = URIRef(ONTOLOGY_IRI)
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
#: A dimension with fewer terms than this gives annotators nothing to choose from.
MIN_TERMS_PER_DIMENSION = 5
SCHEME_CLASS = {scheme: cls for cls, scheme in (*DIMENSIONS, *SUPPORTING_SCHEMES)}


def concepts(graph: Graph) -> set[URIRef]:
    return {t for t in graph.subjects(SKOS.inScheme, None) if isinstance(t, URIRef)} | {
        t for t in graph.subjects(RDF.type, SKOS.Concept) if isinstance(t, URIRef)
    }


def test_there_are_sixteen_dimensions() -> None:
    assert len(DIMENSIONS) == 16
    assert len({scheme for _, scheme in DIMENSIONS}) == 16


@pytest.mark.parametrize(("cls", "scheme"), DIMENSIONS, ids=[curie(s) for _, s in DIMENSIONS])
def test_dimension_is_declared_and_populated(ontology_graph: Graph, cls, scheme) -> None:
    assert (cls, RDF.type, OWL.Class) in ontology_graph
    assert (cls, RDFS.subClassOf, SKOS.Concept) in ontology_graph
    assert (scheme, RDF.type, SKOS.ConceptScheme) in ontology_graph
    terms = set(ontology_graph.subjects(SKOS.inScheme, scheme))
    assert len(terms) >= MIN_TERMS_PER_DIMENSION, f"{curie(scheme)} has {len(terms)} terms"
    assert set(ontology_graph.subjects(SKOS.topConceptOf, scheme)), f"{curie(scheme)} has no top"


def test_every_term_is_typed_with_the_class_of_its_scheme(ontology_graph: Graph) -> None:
    wrong = []
    for term in concepts(ontology_graph):
        for scheme in ontology_graph.objects(term, SKOS.inScheme):
            cls = SCHEME_CLASS.get(scheme)
            if cls is None or (term, RDF.type, cls) not in ontology_graph:
                wrong.append(f"{curie(term)} in {curie(scheme)}")
    assert wrong == []


def test_every_term_has_a_source_definition_and_label(ontology_graph: Graph) -> None:
    for term in concepts(ontology_graph):
        assert ontology_graph.value(term, DCTERMS.source) is not None, f"{curie(term)}: no source"
        definitions = [
            d for d in ontology_graph.objects(term, SKOS.definition) if d.language == "en"
        ]
        labels = [x for x in ontology_graph.objects(term, SKOS.prefLabel) if x.language == "en"]
        assert len(definitions) == 1 and len(labels) == 1, curie(term)


def test_every_term_is_an_owl_named_individual(ontology_graph: Graph) -> None:
    """Terms are individuals (not classes), so that the ontology stays OWL 2 DL without punning."""
    for term in concepts(ontology_graph):
        assert (term, RDF.type, OWL.NamedIndividual) in ontology_graph, curie(term)
        assert (term, RDF.type, OWL.Class) not in ontology_graph, curie(term)


def test_term_index_finds_every_term_by_its_label() -> None:
    index = term_index()
    assert len(index) > 0
    for term in index:
        assert index.find(term.label) == term, f"label {term.label!r} of {term.curie} is ambiguous"


@pytest.mark.parametrize("scheme", sorted(RESERVED))
def test_reserved_terms_exist(ontology_graph: Graph, scheme: str) -> None:
    missing = [
        name
        for name in RESERVED[scheme]
        if (NORM[name], SKOS.inScheme, NORM[scheme]) not in ontology_graph
    ]
    assert missing == [], f"reserved terms missing from norm:{scheme}"


@pytest.mark.parametrize(
    ("prop", "expected"),
    [
        (DCTERMS.title, None),
        (DCTERMS.description, None),
        (DCTERMS.license, CC_BY),
        (DCTERMS.creator, None),
        (OWL.versionIRI, None),
        (OWL.versionInfo, None),
        (VANN.preferredNamespacePrefix, Literal("norm")),
        (VANN.preferredNamespaceUri, Literal(NORM_IRI)),
    ],
    ids=lambda v: curie(str(v)) if isinstance(v, URIRef) else None,
)
def test_header_field(ontology_graph: Graph, prop, expected) -> None:
    values = list(ontology_graph.objects(ONTOLOGY, prop))
    assert len(values) == 1, f"{curie(str(prop))}: {values}"
    if expected is not None:
        assert values[0] == expected


def test_header_is_the_only_ontology_and_version_iri_differs(ontology_graph: Graph) -> None:
    assert set(ontology_graph.subjects(RDF.type, OWL.Ontology)) == {ONTOLOGY}
    version_iri = ontology_graph.value(ONTOLOGY, OWL.versionIRI)
    version = ontology_graph.value(ONTOLOGY, OWL.versionInfo)
    assert version_iri != ONTOLOGY
    assert str(version_iri).startswith(ONTOLOGY_IRI + "/") and str(version_iri).endswith(
        str(version)
    )


def test_no_owl_imports(ontology_graph: Graph) -> None:
    """Checking and reasoning must never fetch anything; the sources import nothing."""
    assert list(ontology_graph.objects(None, OWL.imports)) == []


@pytest.mark.parametrize(
    ("prop", "scheme"), sorted(SLOT_SCHEMES.items()), ids=[curie(p) for p in sorted(SLOT_SCHEMES)]
)
def test_slot_property_range_agrees_with_its_scheme(ontology_graph: Graph, prop, scheme) -> None:
    """The OWL range of each annotation slot is the class of the scheme SHACL checks."""
    assert (prop, RDF.type, OWL.ObjectProperty) in ontology_graph
    assert ontology_graph.value(prop, RDFS.range) == SCHEME_CLASS[scheme]


# --- annotation model 2 (issue 8) ------------------------------------------------------------

#: Term IRIs that code, shapes and queries rely on, with their fixed preferred labels.
FIXED_TERMS = [
    (NORM.Proposes, NORM.ContributionRoleScheme, "proposes"),
    (NORM.Applies, NORM.ContributionRoleScheme, "applies"),
    (NORM.Evaluates, NORM.ContributionRoleScheme, "evaluates"),
    (NORM.Compares, NORM.ContributionRoleScheme, "compares"),
    (NORM.Critiques, NORM.ContributionRoleScheme, "critiques"),
    (NORM.Surveys, NORM.ContributionRoleScheme, "surveys"),
    (NORM.UsesAsBaseline, NORM.ContributionRoleScheme, "uses as baseline"),
    (NORM.Improves, NORM.FindingDirectionScheme, "improves"),
    (NORM.Worsens, NORM.FindingDirectionScheme, "worsens"),
    (NORM.NoDifference, NORM.FindingDirectionScheme, "no difference"),
    (NORM.MixedResult, NORM.FindingDirectionScheme, "mixed"),
]


@pytest.mark.parametrize(("term", "scheme", "label"), FIXED_TERMS, ids=lambda v: str(v))
def test_fixed_term_exists_with_its_label(ontology_graph: Graph, term, scheme, label) -> None:
    assert (term, SKOS.inScheme, scheme) in ontology_graph
    assert ontology_graph.value(term, SKOS.prefLabel) == Literal(label, lang="en")


@pytest.mark.parametrize(
    ("scheme", "terms"),
    [
        (
            NORM.HarmScheme,
            [
                "RepresentationalHarm",
                "AllocativeHarm",
                "QualityOfServiceHarm",
                "Misinformation",
                "PrivacyViolation",
                "ManipulationAndDeception",
                "SecurityHarm",
                "OverRelianceOnAI",
                "InterpersonalHarm",
                "SocietalHarm",
                "EnvironmentalHarm",
            ],
        ),
        (
            NORM.ResearchMethodScheme,
            [
                "ControlledExperiment",
                "QuestionnaireSurvey",
                "Interviews",
                "FieldStudy",
                "ParticipatoryWorkshop",
                "FormalAnalysis",
                "Simulation",
                "BenchmarkConstruction",
                "DatasetConstruction",
                "PolicyAndLegalAnalysis",
                "LiteratureSurvey",
                "CaseStudyResearch",
                "ConceptualArgument",
                "UserStudy",
                "DeliberativeProcess",
            ],
        ),
        (
            NORM.DesignGoalScheme,
            [
                "Accuracy",
                "CostEfficiency",
                "Scalability",
                "Coverage",
                "Faithfulness",
                "Granularity",
            ],
        ),
    ],
    ids=lambda v: curie(str(v)) if isinstance(v, URIRef) else None,
)
def test_new_dimension_has_the_minimum_terms_of_issue_8(ontology_graph: Graph, scheme, terms):
    missing = [t for t in terms if (NORM[t], SKOS.inScheme, scheme) not in ontology_graph]
    assert missing == []


#: New properties of the annotation model: (property, OWL kind, domain, range).
MODEL_PROPERTIES = [
    (NORM.hasContribution, OWL.ObjectProperty, NORM.PaperAnnotation, NORM.Contribution),
    (NORM.hasRole, OWL.ObjectProperty, NORM.Contribution, NORM.ContributionRole),
    (NORM.hasHarm, OWL.ObjectProperty, NORM.Contribution, NORM.Harm),
    (NORM.hasDesignGoal, OWL.ObjectProperty, NORM.Contribution, NORM.DesignGoal),
    (NORM.hasResearchMethod, OWL.ObjectProperty, NORM.PaperAnnotation, NORM.ResearchMethod),
    (NORM.hasDiscipline, OWL.ObjectProperty, NORM.PaperAnnotation, NORM.Discipline),
    (NORM.hasFinding, OWL.ObjectProperty, NORM.Contribution, NORM.Finding),
    (NORM.measures, OWL.ObjectProperty, NORM.Finding, NORM.EvaluationCriterion),
    (NORM.comparedWith, OWL.ObjectProperty, NORM.Finding, NORM.AlignmentApproach),
    (NORM.direction, OWL.ObjectProperty, NORM.Finding, NORM.FindingDirection),
    (NORM.hasSample, OWL.ObjectProperty, NORM.Contribution, NORM.StudySample),
    (NORM.usesDataset, OWL.ObjectProperty, NORM.Contribution, SCHEMA.Dataset),
    (NORM.producesDataset, OWL.ObjectProperty, NORM.Contribution, SCHEMA.Dataset),
    (NORM.usesModel, OWL.ObjectProperty, NORM.Contribution, SCHEMA.SoftwareApplication),
    (NORM.producesModel, OWL.ObjectProperty, NORM.Contribution, SCHEMA.SoftwareApplication),
    (NORM.hasPole, OWL.ObjectProperty, NORM.TradeOff, SKOS.Concept),
    (NORM.involvesValue, OWL.ObjectProperty, NORM.TradeOff, NORM.Value),
    (NORM.involvesStakeholder, OWL.ObjectProperty, NORM.TradeOff, NORM.Stakeholder),
    (NORM.involvesDesignGoal, OWL.ObjectProperty, NORM.TradeOff, NORM.DesignGoal),
    (NORM.hasPriority, OWL.ObjectProperty, NORM.TradeOff, NORM.PriorityRank),
    (NORM.priorityOf, OWL.ObjectProperty, NORM.PriorityRank, SKOS.Concept),
    (NORM.intendedScheme, OWL.ObjectProperty, NORM.TermRequest, SKOS.ConceptScheme),
    (NORM.proposedBroader, OWL.ObjectProperty, NORM.TermRequest, SKOS.Concept),
    (NORM.hasContestationSetting, OWL.ObjectProperty, NORM.Contribution, NORM.ContestationSetting),
    (NORM.settingFor, OWL.ObjectProperty, NORM.ContestationSetting, NORM.ContestabilityMechanism),
    (NORM.hasTradeOff, OWL.ObjectProperty, NORM.Contribution, NORM.TradeOff),
    (NORM.resultText, OWL.DatatypeProperty, NORM.Finding, rdfns.XSD.string),
    (NORM.baselineDescription, OWL.DatatypeProperty, NORM.Finding, rdfns.XSD.string),
    (NORM.population, OWL.DatatypeProperty, None, rdfns.XSD.string),
    (NORM.sampleSize, OWL.DatatypeProperty, NORM.StudySample, rdfns.XSD.nonNegativeInteger),
    (NORM.declaresAbsence, OWL.DatatypeProperty, NORM.Contribution, rdfns.XSD.boolean),
]


@pytest.mark.parametrize(
    ("prop", "kind", "domain", "range_"),
    MODEL_PROPERTIES,
    ids=[curie(p[0]) for p in MODEL_PROPERTIES],
)
def test_model_property_is_declared_as_specified(
    ontology_graph: Graph, prop, kind, domain, range_
) -> None:
    assert (prop, RDF.type, kind) in ontology_graph
    assert ontology_graph.value(prop, RDFS.domain) == domain
    assert ontology_graph.value(prop, RDFS.range) == range_


#: The v1 tag properties now belong to a contribution; disciplines and research methods stay
#: with the paper.
PAPER_LEVEL = {NORM.hasDiscipline, NORM.hasResearchMethod}
#: Slot properties whose subject is a node inside a contribution rather than the contribution.
NESTED = {
    NORM.involvesValue: NORM.TradeOff,
    NORM.involvesStakeholder: NORM.TradeOff,
    NORM.involvesDesignGoal: NORM.TradeOff,
    NORM.arisesInContext: NORM.TradeOff,
    NORM.resolvedBy: NORM.TradeOff,
    NORM.decidedBy: NORM.TradeOff,
    NORM.assumptionType: NORM.NormativeAssumption,
    NORM.attribution: NORM.NormativeAssumption,
    NORM.stance: NORM.NormativeAssumption,
    NORM.measures: NORM.Finding,
    NORM.comparedWith: NORM.Finding,
    NORM.direction: NORM.Finding,
    NORM.settingFor: NORM.ContestationSetting,
}
#: Mechanism types state where they typically operate; a paper's setting may override that.
SETTING_OR_TYPE = {NORM.atStage, NORM.contestableBy}


@pytest.mark.parametrize("prop", sorted(SLOT_SCHEMES), ids=[curie(p) for p in sorted(SLOT_SCHEMES)])
def test_slot_property_domain_follows_the_contribution_model(ontology_graph: Graph, prop) -> None:
    domain = ontology_graph.value(prop, RDFS.domain)
    if prop in SETTING_OR_TYPE:
        members = set(Collection(ontology_graph, ontology_graph.value(domain, OWL.unionOf)))
        assert members == {NORM.ContestabilityMechanism, NORM.ContestationSetting}
    elif prop in PAPER_LEVEL:
        assert domain == NORM.PaperAnnotation
    else:
        assert domain == NESTED.get(prop, NORM.Contribution)


@pytest.mark.parametrize(
    "prop",
    [
        NORM.noAlignmentApproach,
        NORM.noContestabilityMechanism,
        NORM.noEvaluation,
        NORM.noNormativeInput,
        NORM.domainGeneral,
        NORM.noPluralismApproach,
    ],
    ids=curie,
)
def test_absence_flag_is_a_boolean_declaration_of_a_contribution(ontology_graph: Graph, prop):
    assert (prop, RDF.type, OWL.DatatypeProperty) in ontology_graph
    assert (prop, RDFS.subPropertyOf, NORM.declaresAbsence) in ontology_graph
    assert ontology_graph.value(prop, RDFS.domain) == NORM.Contribution
    assert ontology_graph.value(prop, RDFS.range) == rdfns.XSD.boolean


@pytest.mark.parametrize(
    "pole", [NORM.involvesValue, NORM.involvesStakeholder, NORM.involvesDesignGoal]
)
def test_every_pole_kind_is_a_pole(ontology_graph: Graph, pole) -> None:
    assert (pole, RDFS.subPropertyOf, NORM.hasPole) in ontology_graph


def test_v1_flag_is_deprecated_in_favour_of_the_contribution_flag(ontology_graph: Graph) -> None:
    old = NORM.proposesNoApproach
    assert ontology_graph.value(old, OWL.deprecated) == Literal(True)
    assert ontology_graph.value(old, DCTERMS.isReplacedBy) == NORM.noAlignmentApproach


def test_term_requests_may_stand_where_terms_do(ontology_graph: Graph) -> None:
    """A request is inferred to be a member of its slot's class; disjointness would make every
    annotation with a request inconsistent."""
    classes = {cls for cls, _ in (*DIMENSIONS, *SUPPORTING_SCHEMES)} | {SKOS.Concept}
    disjoint = set(ontology_graph.objects(NORM.TermRequest, OWL.disjointWith)) | set(
        ontology_graph.subjects(OWL.disjointWith, NORM.TermRequest)
    )
    assert disjoint & classes == set()


def test_deprecated_terms_point_to_current_terms(ontology_graph: Graph) -> None:
    index = term_index()
    for term in index:
        if term.deprecated:
            assert term.replaced_by, term.curie
            for iri in term.replaced_by:
                replacement = index.get(iri)
                assert replacement is not None and not replacement.deprecated, (term.curie, iri)


#: Wording of a scope note that tells annotators to tag a narrower term instead.
GROUPING_NOTE = re.compile(
    r"group term|prefer a narrower|tag a narrower|use (a|the) narrower", re.I
)


def grouping_candidates(graph: Graph) -> set[URIRef]:
    return {
        term
        for term, note in graph.subject_objects(SKOS.scopeNote)
        if GROUPING_NOTE.search(str(note))
        and (term, OWL.deprecated, Literal(True)) not in graph
        and any(graph.subjects(SKOS.broader, term))
    }


def test_grouping_terms_are_exactly_those_whose_scope_note_asks_for_a_narrower_term(
    ontology_graph: Graph,
) -> None:
    flagged = {t for t, v in ontology_graph.subject_objects(NORM.groupingTerm) if v.toPython()}
    assert flagged == grouping_candidates(ontology_graph)
    assert len(flagged) >= 20


# --- vocabulary growth (issue 9) -------------------------------------------------------------

#: Terms added in issue 9 for facets that real papers outside the first corpus could not express
#: (technical design goals, aggregation and elicitation mechanisms, criteria of pluralistic and
#: participatory work, assumptions of participatory work, contested topics, research methods).
ISSUE_9_TERMS = {
    NORM.DesignGoalScheme: [
        "ComputationalEfficiency",
        "TrainingStability",
        "Generalisation",
        "OutputDiversity",
        "CapabilityPreservation",
        "Modularity",
        "EngineeringQuality",
        "OutputQuality",
    ],
    NORM.PluralismApproachScheme: [
        "VotingRule",
        "ApprovalVoting",
        "QuadraticVoting",
        "ProportionalRepresentation",
        "BridgingBasedRanking",
        "SoftLabelLearning",
        "OverlappingConsensus",
        "VeilOfIgnorance",
    ],
    NORM.EvaluationCriterionScheme: [
        "PluralisticAlignmentMeasure",
        "OvertonCoverage",
        "Steerability",
        "SampleRepresentativeness",
        "ParticipatoryProcessEvaluation",
        "ParticipantConsensus",
        "DeliberationQuality",
        "FairnessMeasure",
        "GroupFairnessMetric",
        "SafetyMeasure",
        "AttackSuccessRate",
        "PerceptionMeasure",
    ],
    NORM.AssumptionTypeScheme: [
        "ParticipationLegitimacyAssumption",
        "ParticipationConfersLegitimacy",
        "DeliberationImprovesJudgement",
        "ConsensusIsTheGoal",
        "JudgementAggregationAssumption",
    ],
    NORM.ContextScheme: [
        "CrossDomain",
        "ContestedTopic",
        "PoliticalTopics",
        "ReligionAndBelief",
        "MoralDilemmas",
        "CulturalNorms",
    ],
    NORM.ResearchMethodScheme: [
        "ResearchWithParticipants",
        "ComputationalResearch",
        "AnalyticalResearch",
        "SurveyExperiment",
        "FieldExperiment",
        "DoctrinalLegalAnalysis",
        "DesignResearch",
        "DelphiStudy",
        "ObservationalDataAnalysis",
    ],
}


@pytest.mark.parametrize("scheme", sorted(ISSUE_9_TERMS), ids=curie)
def test_issue_9_terms_exist(ontology_graph: Graph, scheme) -> None:
    missing = [
        t for t in ISSUE_9_TERMS[scheme] if (NORM[t], SKOS.inScheme, scheme) not in ontology_graph
    ]
    assert missing == []


#: A scheme stays navigable when no level is a long flat list: add a grouping term instead.
MAX_TOP_CONCEPTS = 25
MAX_NARROWER = 20


def test_schemes_stay_navigable(ontology_graph: Graph) -> None:
    deprecated = set(ontology_graph.subjects(OWL.deprecated, Literal(True)))
    crowded = []
    for _, scheme in (*DIMENSIONS, *SUPPORTING_SCHEMES):
        tops = set(ontology_graph.subjects(SKOS.topConceptOf, scheme)) - deprecated
        if len(tops) > MAX_TOP_CONCEPTS:
            crowded.append((curie(scheme), len(tops)))
    for term in concepts(ontology_graph) - deprecated:
        narrower = set(ontology_graph.subjects(SKOS.broader, term)) - deprecated
        if len(narrower) > MAX_NARROWER:
            crowded.append((curie(term), len(narrower)))
    assert crowded == [], "add grouping terms (norm:groupingTerm) to these levels"


def test_every_term_has_exactly_one_place_in_its_scheme(ontology_graph: Graph) -> None:
    """A term is either a top concept or has a broader term in the same scheme, never both."""
    wrong = []
    for term in concepts(ontology_graph):
        is_top = any(ontology_graph.objects(term, SKOS.topConceptOf))
        broader = list(ontology_graph.objects(term, SKOS.broader))
        if is_top == bool(broader):
            wrong.append(curie(term))
    assert wrong == []


def test_terms_named_in_notes_exist(ontology_graph: Graph) -> None:
    """Definitions, scope notes and examples point annotators to neighbours by CURIE; every
    CURIE they name must exist (a renamed or removed term leaves a dangling pointer)."""
    subjects = {str(s) for s in ontology_graph.subjects()}
    dangling = set()
    for prop in (SKOS.definition, SKOS.scopeNote, SKOS.example, SKOS.editorialNote):
        for term, text in ontology_graph.subject_objects(prop):
            for name in re.findall(r"norm:([A-Za-z]\w*)", str(text)):
                if str(NORM[name]) not in subjects:
                    dangling.add((curie(term), f"norm:{name}"))
    assert sorted(dangling) == []

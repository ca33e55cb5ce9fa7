"""Reader behaviour that the fixture table does not show: error objects, positions, spelling,
and (as data tables) every key, error and warning of format 2 and the RDF it gives."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import SKOS

from normspace.annotation import (
    AnnotationFileError,
    ParsedFile,
    load_annotation,
    parse_text,
    validate_paths,
)
from normspace.errors import EXIT_USAGE, InputError
from normspace.namespaces import NORM, SCHEMA

from .conftest import DATA, INVALID, VALID
from .test_fixtures import assert_contains

HEAD = """format: 2
paper:
  title: {title}
  year: 2022
  arxiv: "2212.08073"
annotation:
  annotator: {{name: "Jane Doe"}}
  date: 2026-11-27
contribution: {{role: proposes, approaches: [norm:ConstitutionalAI]}}
"""


def test_yaml_syntax_error_names_line_and_column() -> None:
    parsed = parse_text("paper:\n  title: [unclosed\n  year: 2022\n", "broken.yaml")
    [problem] = parsed.problems
    assert problem.fatal and problem.rule == "yaml-syntax"
    assert (problem.line, problem.column) == (3, 7)
    assert "starting at line 2" in problem.message


def test_load_annotation_lists_every_problem() -> None:
    path = DATA / "invalid" / "wrong-types.yaml"
    with pytest.raises(AnnotationFileError) as info:
        load_annotation(path)
    error = info.value
    assert isinstance(error, InputError) and error.exit_code == EXIT_USAGE
    assert len(error.problems) == 8
    assert f"{path}:4: paper.authors: error" in str(error)
    assert f"{path}:22: contribution.trade_offs: error" in str(error)


def test_unreadable_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        load_annotation(path)


def test_numbers_in_text_fields_keep_their_spelling() -> None:
    parsed = parse_text(HEAD.format(title="1984.10"), "n.yaml")
    assert parsed.document is not None
    assert parsed.document.annotation.paper.title == "1984.10"


def test_folder_is_searched_recursively_and_files_counted_once(tmp_path: Path) -> None:
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    for source in VALID:
        (nested / source.name).write_bytes(source.read_bytes())
    (tmp_path / "notes.txt").write_text("not an annotation")
    run = validate_paths([tmp_path, nested / VALID[0].name])
    assert len(run.files) == len(VALID)
    assert run.exit_code == 0 and len(run.valid_documents()) == len(VALID)


def test_valid_documents_exclude_files_with_errors() -> None:
    run = validate_paths([*VALID, *INVALID])
    valid = {d.path for d in run.valid_documents()}
    assert valid == set(VALID)
    assert {d.path for d in run.documents} > valid  # invalid but convertible files too
    assert run.exit_code == 2


def test_unquoted_arxiv_id_keeps_its_trailing_zero() -> None:
    text = HEAD.format(title='"x"').replace('arxiv: "2212.08073"', "arxiv: 2402.05070")
    parsed = parse_text(text, "z.yaml")
    assert parsed.document is not None
    assert parsed.document.paper_iri == "https://arxiv.org/abs/2402.05070"
    assert [p.rule for p in parsed.problems] == ["arxiv-unquoted"]


# -- format 2: every new key, error and warning --------------------------------------------

PREFIX = """format: 2
paper: {title: "Reader test", year: 2022, arxiv: "2212.08073"}
annotation: {annotator: {name: "Jane Doe"}, date: 2026-11-27}
"""
ANNOTATION_IRI = "https://w3id.org/normspace/annotation/arxiv/2212.08073/jane-doe"
C1 = f"<{ANNOTATION_IRI}/contribution/1>"
OK = "role: proposes\n  approaches: [norm:RLHF]\n"
REQUEST = '{request: {label: "epistemic humility", definition: "Awareness of the limits."}}'


def read(body: str) -> ParsedFile:
    return parse_text(PREFIX + body, "t.yaml")


def found(parsed: ParsedFile) -> list[tuple[str, str | None, str]]:
    return sorted((p.rule, p.field, p.severity) for p in parsed.problems)


E, W = "error", "warning"

#: (body after the paper and annotation sections, every problem the reader reports).
PROBLEM_CASES = {
    "shorthand": ("contribution: {role: proposes, approaches: [norm:RLHF]}", []),
    "long form with ids": (
        "contributions:\n  - {id: ccai, role: proposes, approaches: [norm:RLHF]}\n"
        "  - {role: uses-as-baseline, approaches: [norm:RLHF]}",
        [],
    ),
    "missing role": (
        "contribution: {approaches: [norm:RLHF]}",
        [("missing-role", "contribution", W)],
    ),
    "empty role": (
        "contribution: {role: [], approaches: [norm:RLHF]}",
        [("missing-role", "contribution.role", W)],
    ),
    "several roles, label and alias": (
        'contribution: {role: [evaluates, "uses as baseline"], approaches: [norm:RLHF]}',
        [],
    ),
    "unknown role": (
        "contribution: {role: replicates, approaches: [norm:RLHF]}",
        [("unknown-term", "contribution.role", E)],
    ),
    "role of another scheme": (
        "contribution: {role: improves, approaches: [norm:RLHF]}",
        [("wrong-scheme", "contribution.role", E)],
    ),
    "role request": (
        f"contribution: {{role: {REQUEST}, approaches: [norm:RLHF]}}",
        [("term-request", "contribution.role.request", W)],
    ),
    "no contribution": (
        "tags: {disciplines: [norm:MachineLearning]}",
        [
            ("missing-contribution", "contribution", E),
        ],
    ),
    "empty contributions list": (
        "contributions: []",
        [("missing-contribution", "contributions", E)],
    ),
    "contributions not a list": (
        "contributions: {role: proposes}",
        [("type", "contributions", E)],
    ),
    "both forms": (
        f"contribution:\n  {OK}contributions:\n  - {{role: proposes, approaches: [norm:DPO]}}",
        [("contribution-both", "contributions", E)],
    ),
    "bad id": (
        "contributions: [{id: Bad Id, role: proposes, approaches: [norm:RLHF]}]",
        [("contribution-id", "contributions[0].id", E)],
    ),
    "duplicate ids": (
        "contributions:\n  - {id: a, role: proposes, approaches: [norm:RLHF]}\n"
        "  - {id: a, role: proposes, approaches: [norm:DPO]}",
        [("duplicate-contribution-id", "contributions[1].id", E)],
    ),
    "id clashes with a position": (
        "contributions:\n  - {id: '2', role: proposes, approaches: [norm:RLHF]}\n"
        "  - {role: proposes, approaches: [norm:DPO]}",
        [("duplicate-contribution-id", "contributions[1].id", E)],
    ),
    "harms, design goals, research methods": (
        "tags: {research_methods: [norm:ControlledExperiment]}\n"
        "contribution:\n  " + OK + "  harms: [norm:Misinformation]\n"
        "  design_goals: [norm:Scalability]",
        [],
    ),
    "tag request": (
        f"contribution:\n  {OK}  values: [{REQUEST}]",
        [("term-request", "contribution.values[0].request", W)],
    ),
    "tag request with confidence and evidence": (
        f"contribution:\n  {OK}  values:\n    - request: {REQUEST[10:-1]}\n"
        "      confidence: 0.7\n      evidence: {location: Section 2}",
        [("term-request", "contribution.values[0].request", W)],
    ),
    "request without definition": (
        f"contribution:\n  {OK}  values: [{{request: {{label: humility}}}}]",
        [("request-incomplete", "contribution.values[0].request", E)],
    ),
    "request not a mapping": (
        f"contribution:\n  {OK}  values: [{{request: humility}}]",
        [("type", "contribution.values[0].request", E)],
    ),
    "request unknown key": (
        f"contribution:\n  {OK}  values:\n"
        "    - {request: {label: a, definition: b, scheme: norm:ValueScheme}}",
        [
            ("term-request", "contribution.values[0].request", W),
            ("unknown-key", "contribution.values[0].request.scheme", E),
        ],
    ),
    "request broader of another scheme": (
        f"contribution:\n  {OK}  values:\n    - {{request: {{label: a, definition: b, "
        "broader: norm:RLHF}}",
        [
            ("term-request", "contribution.values[0].request", W),
            ("wrong-scheme", "contribution.values[0].request.broader", E),
        ],
    ),
    "request broader may be a grouping term": (
        f"contribution:\n  {OK}  values:\n    - {{request: {{label: a, definition: b, "
        "broader: norm:Fairness}}",
        [("term-request", "contribution.values[0].request", W)],
    ),
    "term and request": (
        f"contribution:\n  {OK}  values: [{{term: norm:Honesty, request: {{label: a, "
        "definition: b}}]",
        [("term-and-request", "contribution.values[0]", E)],
    ),
    "grouping term": (
        f"contribution:\n  {OK}  values: [norm:Fairness]",
        [("grouping-term", "contribution.values[0]", W)],
    ),
    "request in a trade-off and as assumption type": (
        f"contribution:\n  {OK}  trade_offs:\n    - stakeholders: [norm:Developers, {REQUEST}]\n"
        f"assumptions:\n  - {{statement: s, type: {REQUEST}, attribution: stated}}",
        [
            ("term-request", "assumptions[0].type.request", W),
            ("term-request", "contribution.trade_offs[0].stakeholders[1].request", W),
        ],
    ),
    "none": (f"contribution:\n  {OK}  none: [contestability, evaluation]", []),
    "none and tagged": (
        f"contribution:\n  {OK}  contestability: [norm:Appeal]\n  none: [contestability]",
        [("none-and-tagged", "contribution.none[0]", E)],
    ),
    "none of a slot without absence": (
        f"contribution:\n  {OK}  none: [harms]",
        [("none-key", "contribution.none[0]", E)],
    ),
    "none misspelt": (
        f"contribution:\n  {OK}  none: [evalution]",
        [("none-key", "contribution.none[0]", E)],
    ),
    "none twice": (
        f"contribution:\n  {OK}  none: [evaluation, evaluation]",
        [("duplicate-none", "contribution.none[1]", W)],
    ),
    "none not a list": (
        f"contribution:\n  {OK}  none: evaluation",
        [("type", "contribution.none", E)],
    ),
    "contestation setting": (
        f"contribution:\n  {OK}  contestability:\n    - {{term: norm:Appeal, stage: "
        "norm:ExAnteContestation, contestable_by: [norm:CollectiveContestant]}",
        [],
    ),
    "stage of another scheme": (
        f"contribution:\n  {OK}  contestability:\n    - {{term: norm:Appeal, stage: "
        "norm:CollectiveContestant}",
        [("wrong-scheme", "contribution.contestability[0].stage", E)],
    ),
    "stage outside contestability": (
        "contribution:\n  role: proposes\n  approaches: [{term: norm:RLHF, stage: "
        "norm:ExAnteContestation}]",
        [("unknown-key", "contribution.approaches[0].stage", E)],
    ),
    "finding": (
        f"contribution:\n  {OK}  findings:\n    - {{measure: norm:PreferenceWinRate, value: "
        "85.0, unit: '%', baseline: norm:RLHF, direction: no-difference, population: US}",
        [],
    ),
    "finding with text result and text baseline": (
        f"contribution:\n  {OK}  findings:\n    - {{measure: {REQUEST}, result: better, "
        "baseline: GPT-3 175B, direction: mixed}",
        [("term-request", "contribution.findings[0].measure.request", W)],
    ),
    "finding baseline written as an alternative label": (
        f"contribution:\n  {OK}  findings: [{{result: x, baseline: RLHF}}]",
        [("baseline-as-text", "contribution.findings[0].baseline", W)],
    ),
    "finding without result": (
        f"contribution:\n  {OK}  findings: [{{measure: norm:PreferenceWinRate, unit: '%'}}]",
        [("finding-result", "contribution.findings[0]", E)],
    ),
    "finding value as text": (
        f"contribution:\n  {OK}  findings: [{{value: high}}]",
        [("type", "contribution.findings[0].value", E)],
    ),
    "finding value not finite": (
        f"contribution:\n  {OK}  findings: [{{value: .nan, result: x}}]",
        [("type", "contribution.findings[0].value", E)],
    ),
    "finding baseline CURIE that does not resolve": (
        f"contribution:\n  {OK}  findings: [{{result: x, baseline: norm:RLHFF}}]",
        [("unknown-term", "contribution.findings[0].baseline", E)],
    ),
    "finding direction unknown": (
        f"contribution:\n  {OK}  findings: [{{result: x, direction: sideways}}]",
        [("unknown-term", "contribution.findings[0].direction", E)],
    ),
    "finding direction request refused": (
        f"contribution:\n  {OK}  findings: [{{result: x, direction: {REQUEST}}}]",
        [("type", "contribution.findings[0].direction", E)],
    ),
    "findings not a list": (
        f"contribution:\n  {OK}  findings: {{result: x}}",
        [("type", "contribution.findings", E)],
    ),
    "study": (
        f"contribution:\n  {OK}  study:\n    samples: [{{size: 1000, population: UK}}]\n"
        "    datasets_used: [{name: HH-RLHF, url: 'https://huggingface.co/datasets/Anthropic"
        "/hh-rlhf', identifier: Anthropic/hh-rlhf}]\n"
        "    models_produced: [{name: M, doi: 'https://doi.org/10.1145/3630106.3658979'}]",
        [],
    ),
    "sample size negative": (
        f"contribution:\n  {OK}  study: {{samples: [{{size: -5}}]}}",
        [("sample-size", "contribution.study.samples[0].size", E)],
    ),
    "sample size approximate, not a boolean": (
        f"contribution:\n  {OK}  study: {{samples: [{{size: 1000, approximate: about}}]}}",
        [("type", "contribution.study.samples[0].approximate", E)],
    ),
    "sample without size": (
        f"contribution:\n  {OK}  study: {{samples: [{{population: UK}}]}}",
        [("sample-size", "contribution.study.samples[0]", E)],
    ),
    "resource without name": (
        f"contribution:\n  {OK}  study: {{models_used: [{{identifier: gpt-3}}]}}",
        [("resource-name", "contribution.study.models_used[0]", E)],
    ),
    "resource url and doi malformed": (
        f"contribution:\n  {OK}  study: {{datasets_produced: [{{name: D, url: example.org, "
        "doi: '10.1'}]}",
        [
            ("doi-format", "contribution.study.datasets_produced[0].doi", E),
            ("url-format", "contribution.study.datasets_produced[0].url", E),
        ],
    ),
    "priority": (
        f"contribution:\n  {OK}  trade_offs:\n    - {{values: [norm:Helpfulness, "
        "norm:Harmlessness], design_goals: [norm:Scalability], priority: [norm:Scalability, "
        "helpfulness]}",
        [],
    ),
    "priority not a pole": (
        f"contribution:\n  {OK}  trade_offs:\n    - {{values: [norm:Helpfulness, "
        "norm:Harmlessness], priority: [norm:Honesty]}",
        [("priority-not-pole", "contribution.trade_offs[0].priority[0]", E)],
    ),
    "priority repeated": (
        f"contribution:\n  {OK}  trade_offs:\n    - {{values: [norm:Helpfulness, "
        "norm:Harmlessness], priority: [norm:Helpfulness, helpfulness]}",
        [("priority-duplicate", "contribution.trade_offs[0].priority[1]", E)],
    ),
    "priority not a list": (
        f"contribution:\n  {OK}  trade_offs:\n    - {{values: [norm:Helpfulness, "
        "norm:Harmlessness], priority: norm:Helpfulness}",
        [("type", "contribution.trade_offs[0].priority", E)],
    ),
    "format 3": (f"format: 3\ncontribution:\n  {OK}", [("format-version", "format", E)]),
    "format 1 keys in format 2": (
        f"tags: {{approaches: [norm:RLHF]}}\nannotation2: x\ncontribution:\n  {OK}trade_offs: []",
        [
            ("format-1-key", "tags.approaches", E),
            ("format-1-key", "trade_offs", E),
            ("unknown-key", "annotation2", E),
        ],
    ),
    "paper-level keys in a contribution": (
        f"contribution:\n  {OK}  disciplines: [norm:Philosophy]\n  tags: {{}}\n  assumptions: []",
        [
            ("misplaced-key", "contribution.assumptions", E),
            ("misplaced-key", "contribution.disciplines", E),
            ("misplaced-key", "contribution.tags", E),
        ],
    ),
}


@pytest.mark.parametrize(("body", "expected"), PROBLEM_CASES.values(), ids=PROBLEM_CASES)
def test_reader_problems(body: str, expected: list[tuple[str, str, str]]) -> None:
    parsed = read(body.replace("format: 3\n", ""))
    if body.startswith("format: 3"):
        parsed = parse_text(PREFIX.replace("format: 2", "format: 3") + body[10:], "t.yaml")
    assert found(parsed) == sorted(expected), [str(p) for p in parsed.problems]


def test_every_problem_names_a_line_and_a_suggestion_where_one_exists() -> None:
    """Problems of the new sections are located (the line of the field or its parent)."""
    for body, _expected in PROBLEM_CASES.values():
        if body.startswith("format: 3"):
            continue
        for problem in read(body).problems:
            # a missing section has no line of its own
            assert problem.line is not None or problem.rule == "missing-contribution", problem


#: (body, Turtle that the RDF contains; blank nodes match any node).
RDF_CASES = {
    "contribution IRI from the position": (
        f"contribution:\n  {OK}",
        f"<{ANNOTATION_IRI}> norm:hasContribution {C1} . {C1} a norm:Contribution ; "
        "norm:hasRole norm:Proposes ; norm:hasAlignmentApproach norm:RLHF .",
    ),
    "contribution IRI from the id": (
        "contributions: [{id: 7, role: proposes, approaches: [norm:RLHF]}]",
        f"<{ANNOTATION_IRI}> norm:hasContribution <{ANNOTATION_IRI}/contribution/7> .",
    ),
    "label, description, roles": (
        "contribution: {role: [critiques, evaluates], label: L, description: D, "
        "approaches: [norm:RLHF]}",
        f'{C1} rdfs:label "L" ; dcterms:description "D" ; norm:hasRole norm:Critiques , '
        "norm:Evaluates .",
    ),
    "paper-level tags stay on the annotation": (
        "tags: {disciplines: [norm:Philosophy], research_methods: [{term: "
        "norm:ControlledExperiment, evidence: {location: S3}}]}\n"
        f"contribution:\n  {OK}",
        f"<{ANNOTATION_IRI}> norm:hasDiscipline norm:Philosophy ; norm:hasResearchMethod "
        "norm:ControlledExperiment ; norm:hasEvidence [ norm:supportsTerm "
        'norm:ControlledExperiment ; norm:location "S3" ] .',
    ),
    "harms and design goals": (
        f"contribution:\n  {OK}  harms: [norm:Misinformation]\n  design_goals: [norm:Scalability]",
        f"{C1} norm:hasHarm norm:Misinformation ; norm:hasDesignGoal norm:Scalability .",
    ),
    "explicit absence": (
        f"contribution:\n  {OK}  none: [contestability, contexts, normative_input_from, "
        "pluralism, evaluation]",
        f"{C1} norm:noContestabilityMechanism true ; norm:domainGeneral true ; "
        "norm:noNormativeInput true ; norm:noPluralismApproach true ; norm:noEvaluation true .",
    ),
    "no approach": (
        "contribution: {role: critiques, none: [approaches]}",
        f"{C1} norm:noAlignmentApproach true .",
    ),
    "term request with a URL source": (
        f"contribution:\n  {OK}  values:\n    - request: {{label: a, definition: b, broader: "
        "norm:Honesty, source: 'https://doi.org/10.1145/3630106.3658979'}\n"
        "      confidence: 0.7",
        f"{C1} norm:hasValue ?r ; norm:hasEvidence [ norm:supportsTerm ?r ; norm:confidence "
        '0.7 ] . ?r a norm:TermRequest ; rdfs:label "a" ; skos:definition "b" ; '
        "norm:intendedScheme norm:ValueScheme ; norm:proposedBroader norm:Honesty ; "
        "dcterms:source <https://doi.org/10.1145/3630106.3658979> .",
    ),
    "term request with a citation source, scheme of the slot": (
        f"contribution:\n  {OK}  trade_offs:\n    - stakeholders: [norm:Developers, "
        "{request: {label: a, definition: b, source: 'Smith (2020)'}}]",
        f"{C1} norm:hasTradeOff [ norm:involvesStakeholder norm:Developers , ?r ] . "
        '?r norm:intendedScheme norm:StakeholderScheme ; dcterms:source "Smith (2020)" .',
    ),
    "contestation setting": (
        f"contribution:\n  {OK}  contestability:\n    - {{term: norm:Appeal, stage: "
        "norm:ExAnteContestation, contestable_by: [norm:CollectiveContestant]}",
        f"{C1} norm:hasContestabilityMechanism norm:Appeal ; norm:hasContestationSetting [ "
        "a norm:ContestationSetting ; norm:settingFor norm:Appeal ; norm:atStage "
        "norm:ExAnteContestation ; norm:contestableBy norm:CollectiveContestant ] .",
    ),
    "finding with a number and a term baseline": (
        f"contribution:\n  {OK}  findings:\n    - {{measure: norm:PreferenceWinRate, value: "
        "85.0, unit: '%', baseline: reinforcement learning from human feedback, "
        "direction: no-difference, population: US, evidence: {location: T2}}",
        f"{C1} norm:hasFinding [ a norm:Finding ; norm:measures norm:PreferenceWinRate ; "
        'schema:value 85.0 ; schema:unitText "%" ; norm:comparedWith norm:RLHF ; '
        'norm:direction norm:NoDifference ; norm:population "US" ; '
        'norm:hasEvidence [ norm:location "T2" ] ] .',
    ),
    "finding with a text baseline": (
        f"contribution:\n  {OK}  findings: [{{result: better, baseline: GPT-3 175B, "
        "direction: improves}]",
        f'{C1} norm:hasFinding [ norm:resultText "better" ; norm:baselineDescription '
        '"GPT-3 175B" ; norm:direction norm:Improves ] .',
    ),
    "study facts": (
        f"contribution:\n  {OK}  study:\n    samples: [{{size: 1000, population: UK}},\n"
        "      {size: 40, approximate: true}]\n"
        "    datasets_used: [{name: HH-RLHF, url: 'https://huggingface.co/datasets/Anthropic"
        "/hh-rlhf', identifier: Anthropic/hh-rlhf}]\n"
        "    datasets_produced: [{name: D}]\n    models_used: [{name: U}]\n"
        "    models_produced: [{name: M, doi: 'https://doi.org/10.1145/3630106.3658979'}]",
        f'{C1} norm:hasSample [ a norm:StudySample ; norm:sampleSize "1000"^^'
        'xsd:nonNegativeInteger ; norm:population "UK" ] , [ a norm:StudySample ; '
        'norm:sampleSize "40"^^xsd:nonNegativeInteger ; norm:approximateSize true ] ; '
        "norm:usesDataset [ a "
        'schema:Dataset ; schema:name "HH-RLHF" ; schema:url '
        "<https://huggingface.co/datasets/Anthropic/hh-rlhf> ; schema:identifier "
        '"Anthropic/hh-rlhf" ] ; norm:producesDataset [ a schema:Dataset ; schema:name "D" ] ;'
        ' norm:usesModel [ a schema:SoftwareApplication ; schema:name "U" ] ; '
        'norm:producesModel [ a schema:SoftwareApplication ; schema:name "M" ; prism:doi '
        '"10.1145/3630106.3658979" ] .',
    ),
    "trade-off poles and priority": (
        f"contribution:\n  {OK}  trade_offs:\n    - {{values: [norm:Helpfulness], "
        "stakeholders: [norm:Developers], design_goals: [norm:Scalability], priority: "
        "[norm:Scalability, norm:Developers]}",
        f"{C1} norm:hasTradeOff [ a norm:TradeOff ; norm:involvesValue norm:Helpfulness ; "
        "norm:involvesStakeholder norm:Developers ; norm:involvesDesignGoal norm:Scalability ; "
        "norm:hasPriority [ a norm:PriorityRank ; norm:priorityOf norm:Scalability ; "
        "schema:position 1 ] , [ a norm:PriorityRank ; norm:priorityOf norm:Developers ; "
        "schema:position 2 ] ] .",
    ),
}


@pytest.mark.parametrize(("body", "turtle"), RDF_CASES.values(), ids=RDF_CASES)
def test_rdf_of_format_2(body: str, turtle: str) -> None:
    parsed = read(body)
    assert not parsed.errors, [str(p) for p in parsed.errors]
    assert parsed.document is not None
    assert_contains(parsed.document.graph, turtle.replace("?r", "_:r"))


def test_finding_value_keeps_its_decimal_spelling() -> None:
    parsed = read(f"contribution:\n  {OK}  findings: [{{value: 0.10, result: x}}]")
    assert parsed.document is not None
    [finding] = parsed.document.annotation.contributions[0].findings
    assert finding.value == Decimal("0.10") and str(finding.value) == "0.10"


@pytest.mark.parametrize(
    ("short", "long"),
    [
        (f"contribution:\n  {OK}", f"contributions:\n  - {OK.replace(chr(10), chr(10) + '  ')}"),
        (f"contribution:\n  {OK}", f"contributions:\n  - id: '1'\n    {OK.replace('  ', '    ')}"),
    ],
)
def test_shorthand_and_long_form_give_the_same_rdf(short: str, long: str) -> None:
    from rdflib.compare import isomorphic

    one, many = read(short), read(long)
    assert one.document is not None and many.document is not None, many.problems
    assert isomorphic(one.document.graph, many.document.graph)


def test_grouping_term_warning_lists_the_narrower_terms() -> None:
    [problem] = read(f"contribution:\n  {OK}  values: [norm:Fairness]").problems
    assert problem.rule == "grouping-term" and "grouping term" in problem.message
    assert "`norm:Equity` (equity)" in (problem.suggestion or "")


def test_grouping_term_warning_is_capped() -> None:
    """At most MAX_NARROWER narrower terms are named, then how many more there are."""
    from normspace.annotation.terms import MAX_NARROWER, TermResolver
    from normspace.ontology import Term, TermIndex

    scheme, group = str(NORM.ValueScheme), str(NORM.Group)
    terms = [Term(group, "group", scheme, grouping=True)] + [
        Term(str(NORM[f"Narrow{i}"]), f"narrow {i}", scheme, broader=(group,))
        for i in range(MAX_NARROWER + 2)
    ]
    resolver = TermResolver(TermIndex({t.iri: t for t in terms}))
    advice = resolver.grouping(terms[0])
    assert advice is not None and advice.rule == "grouping-term"
    assert len(advice.suggestions) == MAX_NARROWER
    assert (advice.suggestion or "").endswith("… 2 more")
    assert resolver.grouping(terms[1]) is None


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        ("contribution: {approaches: [norm:RLHF]}", "missing-role"),
        (f"contribution:\n  {OK}  values: [{REQUEST}]", "term-request"),
        (f"contribution:\n  {OK}  approaches: [norm:DPO]\n  none: [approaches]", "none-and-tagged"),
    ],
)
def test_shapes_do_not_repeat_what_the_reader_reports(
    body: str, rule: str, tmp_path: Path, annotation_engine
) -> None:
    from normspace.annotation import validate_file

    path = tmp_path / "t.yaml"
    path.write_text(
        PREFIX + body.replace("  approaches: [norm:RLHF]\n  approaches", "  approaches")
    )
    problems = validate_file(path, annotation_engine).problems
    assert [p.rule for p in problems].count(rule) == 1, [str(p) for p in problems]
    repeated = {
        "missing-role": "nsh:ContributionRoleWarningShape",
        "term-request": "nsh:TermRequestWarningShape",
        "none-and-tagged": "nsh:ContributionAbsenceShape",
    }[rule]
    assert repeated not in [p.rule for p in problems]


#: (node of the RDF, property of a SHACL result on it, the YAML field it maps to).
FIELD_CASES = [
    ("finding", NORM.measures, "contributions[1].findings[0].measure"),
    ("finding", SCHEMA.value, "contributions[1].findings[0].value"),
    ("sample", NORM.sampleSize, "contributions[1].study.samples[0].size"),
    ("resource", SCHEMA.url, "contributions[1].study.datasets_used[0].url"),
    ("setting", NORM.atStage, "contributions[1].contestability[0].stage"),
    ("priority", SCHEMA.position, "contributions[1].trade_offs[0].priority[0]"),
    ("request", SKOS.definition, "contributions[1].values[0].request.definition"),
    ("contribution", NORM.hasContext, "contributions[1].contexts"),
    ("contribution", NORM.noEvaluation, "contributions[1].none"),
]
FIELD_DOCUMENT = (
    "contributions:\n  - {role: proposes, approaches: [norm:DPO]}\n"
    f"  - role: proposes\n    approaches: [norm:RLHF]\n    values: [{REQUEST}]\n"
    "    contestability: [{term: norm:Appeal, stage: norm:ExAnteContestation}]\n"
    "    findings: [{measure: norm:PreferenceWinRate, value: 1}]\n"
    "    study: {samples: [{size: 3}], datasets_used: [{name: D, url: 'https://example.org'}]}\n"
    "    trade_offs: [{values: [norm:Helpfulness, norm:Honesty], priority: [norm:Honesty]}]\n"
)


@pytest.mark.parametrize(("kind", "prop", "field"), FIELD_CASES)
def test_shacl_results_on_format_2_nodes_map_to_yaml_fields(
    kind: str, prop: URIRef, field: str
) -> None:
    """A result on any new node kind names the YAML field (and so the line) it came from,
    also for a property the node lacks (the field it would be written in)."""
    from normspace.annotation.terms import TermResolver
    from normspace.annotation.validate import ResultMapper
    from normspace.shacl import ShaclResult

    parsed = read(FIELD_DOCUMENT)
    assert parsed.document is not None, parsed.problems
    kinds = {"request": "term_request", "priority": "priority"}
    focus = next(
        node
        for node, (k, _where) in parsed.document.origins.nodes.items()
        if k == kinds.get(kind, kind) and _where.startswith("contributions[1]")
    )
    result = ShaclResult(focus, str(prop), "Violation", "m", None, None, "MinCount")
    mapped = ResultMapper(parsed, TermResolver()).field_of(result)
    assert mapped == field
    assert (
        parsed.line_of(mapped)
        == parsed.line_of("contributions[1]")
        + {
            "contribution": 0,
            "request": 2,
            "setting": 3,
            "finding": 4,
            "sample": 5,
            "resource": 5,
            "priority": 6,
        }[kind]
    )


@pytest.mark.parametrize(
    ("field", "path"),
    [
        ("contribution.values[0]", ["hasContribution", "hasValue"]),
        (
            "contributions[2].findings[0].baseline",
            ["hasContribution", "hasFinding", "comparedWith"],
        ),
        ("contribution.study.samples[0].size", ["hasContribution", "hasSample", "sampleSize"]),
        ("contribution.trade_offs[0].priority", ["hasContribution", "hasTradeOff", "hasPriority"]),
        (
            "contribution.contestability[0].stage",
            ["hasContribution", "hasContestationSetting", "atStage"],
        ),
        ("contribution.none[1]", ["hasContribution", "declaresAbsence"]),
        ("tags.research_methods[0]", ["hasResearchMethod"]),
        ("tags.values[0]", ["hasContribution", "hasValue"]),  # format 1
        ("annotation.proposes_no_approach", ["hasContribution", "noAlignmentApproach"]),
    ],
)
def test_report_graph_paths_of_format_2_fields(field: str, path: list[str]) -> None:
    from normspace.annotation.report_graph import property_path

    assert [p.fragment for p in property_path(field)] == path


V1_TEXT = """paper: {title: "Reader test", year: 2022, arxiv: "2212.08073"}
annotation: {annotator: {name: "Jane Doe"}, date: 2026-11-27, proposes_no_approach: true}
tags: {disciplines: [norm:Philosophy], values: [norm:Honesty], contexts: [norm:GlobalScope]}
trade_offs: [{values: [norm:Honesty, norm:Helpfulness]}]
"""


@pytest.mark.parametrize("first_line", ["", "format: 1\n"])
def test_format_1_is_read_into_one_contribution_without_role(first_line: str) -> None:
    parsed = parse_text(first_line + V1_TEXT, "v1.yaml")
    assert [(p.rule, p.field) for p in parsed.problems] == [("format-deprecated", "format")]
    assert parsed.document is not None
    annotation = parsed.document.annotation
    assert annotation.format_version == 1
    assert list(annotation.tags) == ["disciplines"]
    [contribution] = annotation.contributions
    assert (contribution.id, contribution.roles, contribution.none) == ("1", [], ["approaches"])
    assert sorted(contribution.tags) == ["contexts", "values"]
    assert contribution.tags["values"][0].field == "tags.values[0]"
    assert [t.field for t in contribution.trade_offs] == ["trade_offs[0]"]
    assert_contains(parsed.document.graph, f"{C1} norm:noAlignmentApproach true .")


@pytest.mark.parametrize(
    ("text", "rule", "field", "suggestion"),
    [
        (
            PREFIX + "contributions:\n  - {role: proposes, approaches: [norm:RLHF]}\n"
            "  - {role: critiques, values: [norm:Honesty]}",
            "nsh:ContributionPurposeWarningShape",
            "contributions[1]",
            "tag `contributions[1].approaches` (or pluralism, contestability, evaluation), "
            "or write `none: [approaches]` in `contributions[1]`",
        ),
        (
            PREFIX + "contribution: {role: proposes, approaches: [norm:RLHF]}",
            "nsh:ContributionContextWarningShape",
            "contribution.contexts",
            "tag `contribution.contexts`, or write `none: [contexts]` in `contribution` if "
            "the paper has none",
        ),
        (
            V1_TEXT.replace("proposes_no_approach: true", "note: n"),
            "nsh:ContributionPurposeWarningShape",
            "tags",
            "tag `tags.approaches` (or pluralism, contestability, evaluation), or set "
            "`annotation.proposes_no_approach: true`",
        ),
    ],
)
def test_contribution_warnings_say_what_to_write_in_the_yaml(
    text: str, rule: str, field: str | None, suggestion: str, tmp_path: Path, annotation_engine
) -> None:
    from normspace.annotation import validate_file

    path = tmp_path / "t.yaml"
    path.write_text(text)
    [problem] = [p for p in validate_file(path, annotation_engine).problems if p.rule == rule]
    assert (problem.field, problem.suggestion) == (field, suggestion)
    assert problem.severity == "warning"


@pytest.mark.parametrize(
    ("name", "rule", "value"),
    [
        ("findings.yaml", "priority-not-pole", NORM.Honesty),
        ("findings.yaml", "priority-duplicate", NORM.Helpfulness),
    ],
)
def test_report_graph_names_terms_of_new_rules_by_iri(
    name: str, rule: str, value: URIRef, annotation_engine
) -> None:
    from normspace.annotation.report_graph import NSH, report_graph
    from normspace.annotation.validate import ValidationRun, validate_file
    from normspace.namespaces import SH

    run = ValidationRun([validate_file(DATA / "invalid" / name, annotation_engine)])
    graph = report_graph(run)
    [result] = graph.subjects(SH.sourceShape, NSH["reader-" + rule])
    assert graph.value(result, SH.value) == value


@pytest.mark.parametrize(
    ("slot", "term", "note"),
    [
        ("evaluation", "norm:ConceptualAnalysis", "tag it in `tags.research_methods`"),
        ("evaluation", "norm:SystematicReview", "tag it in `tags.research_methods`"),
    ],
)
def test_deprecated_term_replaced_in_another_scheme_says_where_to_tag_it(
    slot: str, term: str, note: str
) -> None:
    [problem] = read(f"contribution:\n  {OK}  {slot}: [{term}]").problems
    assert problem.rule == "deprecated-term" and problem.message.endswith(note + ")")

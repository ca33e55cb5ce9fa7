"""``normspace merge``: the consensus of two or three annotations of one paper, the conflict
markers in it, and the validator refusing them until an adjudicator resolves them.

Fixtures (tests/merge/data): curator-a.yaml and curator-b.yaml annotate InstructGPT and
disagree on paper metadata, paper tags, roles, a slot, approaches, `none`, a trade-off, a
contribution only curator-a has and an assumption; they agree on the rest (with different
confidence and evidence for one agreed term). curator-c.yaml is curator-b's with Honesty
for Truthfulness; other-paper.yaml annotates another paper. expected-consensus.yaml (and
-3.yaml for a, b, c) is the exact expected output; resolved.yaml is it resolved by hand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from normspace.annotation import merge as merge_module
from normspace.annotation import parse_file, validate_file
from normspace.annotation.merge import (
    CONFLICT_KEY,
    Source,
    is_marker,
    merge_annotations,
    source_names,
    take_markers,
)
from normspace.errors import ValidationFailure
from normspace.resources import corpus_dir
from normspace.validation import check_loadable, validate_files

DATA = Path(__file__).parent / "data"
A, B, C = DATA / "curator-a.yaml", DATA / "curator-b.yaml", DATA / "curator-c.yaml"
DATE = dt.date(2026, 12, 1)

#: `normspace validate consensus.yaml` of expected-consensus.yaml: one error per marker.
MARKER_ERRORS = [
    "consensus.yaml:10: paper.venue: error: unresolved conflict (curator-a: NeurIPS 2022; "
    "curator-b: Advances in Neural Information Processing Systems 35): write the value you "
    "accept in place of the `conflict:` marker",
    "consensus.yaml:22: tags.disciplines: error: unresolved conflict (curator-a: "
    "norm:NaturalLanguageProcessing; curator-b: nothing): keep the items you accept and delete "
    "the `conflict:` marker",
    "consensus.yaml:30: contributions[0].role: error: unresolved conflict (curator-a: nothing; "
    "curator-b: evaluates): keep the items you accept and delete the `conflict:` marker",
    "consensus.yaml:41: contributions[0].values: error: unresolved conflict (curator-a: "
    "norm:Honesty; curator-b: norm:Truthfulness): keep the items you accept and delete the "
    "`conflict:` marker",
    "consensus.yaml:47: contributions[0].approaches: error: unresolved conflict (curator-a: "
    "norm:SupervisedFineTuning; curator-b: norm:RewardModelling): keep the items you accept "
    "and delete the `conflict:` marker",
    "consensus.yaml:55: contributions[0].none: error: unresolved conflict (curator-a: nothing; "
    "curator-b: pluralism): keep the items you accept and delete the `conflict:` marker",
    "consensus.yaml:67: contributions[0].trade_offs: error: unresolved conflict (curator-a: "
    "{values: [norm:Helpfulness, norm:Harmlessness], …}; curator-b: {values: [norm:Helpfulness, "
    "norm:Harmlessness, norm:Honesty], …}): keep the items you accept and delete the "
    "`conflict:` marker",
    "consensus.yaml:74: contributions: error: unresolved conflict (curator-a: {id: "
    "gpt3-baseline, …}; curator-b: nothing): keep the items you accept and delete the "
    "`conflict:` marker",
    "consensus.yaml:85: assumptions: error: unresolved conflict (curator-a: {statement: The "
    "developer defines aligned behaviour., …}; curator-b: {statement: Labellers' rankings "
    "can be pooled as if…, …}): keep the items you accept and delete the `conflict:` marker",
]


@pytest.fixture(autouse=True)
def pinned_date(monkeypatch) -> None:
    """The consensus is dated today: pin the clock so that the expected files hold."""
    monkeypatch.setattr(merge_module, "today", lambda: DATE)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch) -> Path:
    """A folder with the fixtures, as the current directory (messages name relative paths)."""
    for path in DATA.iterdir():
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _sources(*paths: Path) -> list[Source]:
    annotations = []
    for path in paths:
        parsed = parse_file(path)
        assert parsed.document is not None and not parsed.errors, parsed.problems
        annotations.append(parsed.document.annotation)
    names = [p.name for p in paths]
    labels = source_names(annotations, names)
    return [Source(n, f, a) for n, f, a in zip(labels, names, annotations, strict=True)]


# -- the command -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inputs", "expected", "count"),
    [
        (("curator-a.yaml", "curator-b.yaml"), "expected-consensus.yaml", 9),
        (("curator-a.yaml", "curator-b.yaml", "curator-c.yaml"), "expected-consensus-3.yaml", 9),
    ],
)
def test_merge_writes_the_expected_consensus(
    inputs: tuple[str, ...], expected: str, count: int, workdir: Path, run_cli
) -> None:
    result = run_cli("merge", *inputs, "-o", "consensus.yaml")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == (
        f"wrote consensus.yaml: {count} conflicts to resolve "
        "(`normspace validate consensus.yaml` lists them)\n"
    )
    assert (workdir / "consensus.yaml").read_bytes() == (DATA / expected).read_bytes()


def test_merge_to_standard_output(workdir: Path, run_cli) -> None:
    result = run_cli("merge", "curator-a.yaml", "curator-b.yaml", "-o", "-")
    assert result.exit_code == 0
    assert result.stdout == (DATA / "expected-consensus.yaml").read_text("utf-8")
    assert result.stderr.startswith("wrote standard output: 9 conflicts to resolve")


def test_three_inputs_give_every_marker_three_sides(workdir: Path, run_cli) -> None:
    run_cli("merge", "curator-a.yaml", "curator-b.yaml", "curator-c.yaml", "-o", "c.yaml")
    markers = take_markers(YAML(typ="rt").load((workdir / "c.yaml").read_text("utf-8")))
    assert len(markers) == 9
    assert all(list(m.sides) == ["curator-a", "curator-b", "curator-c"] for m in markers)


def test_validate_reports_one_error_per_marker(workdir: Path, run_cli) -> None:
    shutil.copy(DATA / "expected-consensus.yaml", workdir / "consensus.yaml")
    result = run_cli("validate", "-q", "consensus.yaml")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == MARKER_ERRORS


def test_validate_json_names_the_rule(workdir: Path, run_cli) -> None:
    shutil.copy(DATA / "expected-consensus.yaml", workdir / "consensus.yaml")
    result = run_cli("validate", "--format", "json", "consensus.yaml")
    assert result.exit_code == 1
    assert result.stdout.count('"rule": "unresolved-conflict"') == len(MARKER_ERRORS)


def test_the_resolved_consensus_validates(run_cli) -> None:
    result = run_cli("validate", "-q", str(DATA / "resolved.yaml"))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def test_load_refuses_unresolved_markers(tmp_path: Path) -> None:
    """`load` validates first (validate_files, check_loadable): markers stop it."""
    with pytest.raises(ValidationFailure, match="nothing loaded"):
        check_loadable(validate_files([DATA / "expected-consensus.yaml"]))
    assert check_loadable(validate_files([DATA / "resolved.yaml"]))


def test_merging_a_file_with_itself_finds_no_conflict(workdir: Path, run_cli) -> None:
    result = run_cli("merge", "curator-a.yaml", "curator-a.yaml", "-o", "same.yaml")
    assert result.exit_code == 0
    assert result.stderr == "wrote same.yaml: no conflicts, the annotators agree\n"
    text = (workdir / "same.yaml").read_text("utf-8")
    assert "conflict" not in text.replace("`conflict:` marker", "")
    assert 'name: "consensus of curator-a"' in text
    assert run_cli("validate", "-q", "same.yaml").exit_code == 0


def test_different_papers_are_refused(workdir: Path, run_cli) -> None:
    result = run_cli("merge", "curator-a.yaml", "other-paper.yaml", "-o", "x.yaml")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: curator-a.yaml annotates arXiv 2203.02155 (Training language models to follow "
        "instructions with human feedback) but other-paper.yaml annotates arXiv 2305.18290 "
        "(Direct Preference Optimization: Your Language Model is Secretly a Reward Model): "
        "merge annotations of one paper only\n"
    )
    assert not (workdir / "x.yaml").exists()


def test_invalid_input_is_refused_with_its_problems(workdir: Path, run_cli) -> None:
    text = (workdir / "curator-b.yaml").read_text("utf-8")
    (workdir / "curator-b.yaml").write_text(text.replace("norm:Truthfulness", "norm:Truthfulnes"))
    result = run_cli("merge", "curator-a.yaml", "curator-b.yaml", "-o", "x.yaml")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(
        "curator-b.yaml:25: contribution.values[2]: error: unknown term `norm:Truthfulnes`"
    )
    assert lines[-1] == "error: nothing merged: the inputs must validate (see above)"
    assert not (workdir / "x.yaml").exists()


def test_existing_output_needs_force(workdir: Path, run_cli) -> None:
    (workdir / "x.yaml").write_text("keep me\n")
    result = run_cli("merge", "curator-a.yaml", "curator-b.yaml", "-o", "x.yaml")
    assert result.exit_code == 2
    assert result.stderr == "error: not overwriting x.yaml (use --force)\n"
    assert (workdir / "x.yaml").read_text() == "keep me\n"
    assert (
        run_cli("merge", "curator-a.yaml", "curator-b.yaml", "-o", "x.yaml", "--force").exit_code
        == 0
    )
    assert (workdir / "x.yaml").read_bytes() == (DATA / "expected-consensus.yaml").read_bytes()


def test_adjudicator_named_like_a_source_is_refused(workdir: Path, run_cli) -> None:
    args = ("merge", "curator-a.yaml", "curator-b.yaml", "-o", "x.yaml", "--annotator")
    result = run_cli(*args, "curator-a")
    assert result.exit_code == 2
    assert "the adjudicator `curator-a` is the annotator of curator-a.yaml" in result.stderr
    assert run_cli(*args, "Jane Adjudicator").exit_code == 0
    assert 'annotator: {name: "Jane Adjudicator"}' in (workdir / "x.yaml").read_text("utf-8")


def test_one_input_is_a_usage_error(workdir: Path, run_cli) -> None:
    result = run_cli("merge", "curator-a.yaml", "-o", "x.yaml")
    assert result.exit_code == 2
    assert "give at least two annotation files of the same paper" in result.stderr


# -- the rules -------------------------------------------------------------------------------


def test_agreed_term_keeps_lowest_confidence_and_all_evidence() -> None:
    text = merge_annotations(_sources(A, B)).text
    assert (
        "      - term: norm:Harmlessness\n"
        "        confidence: 0.7\n"
        "        evidence:\n"
        '          - {quote: "helpful, honest, and harmless", location: "Section 3.6"}\n'
        '          - {quote: "we want models to be harmless", location: "Section 3.6"}\n'
    ) in text


def test_consensus_iri_differs_from_the_sources() -> None:
    sources = _sources(A, B)
    result = merge_annotations(sources)
    assert result.annotation_iri == (
        "https://w3id.org/normspace/annotation/arxiv/2203.02155/consensus-of-curator-a-and-curator-b"
    )
    assert result.annotation_iri not in {s.annotation.iri for s in sources}


@pytest.mark.parametrize(
    ("names", "files", "expected"),
    [
        (["x", "y"], ["a.yaml", "b.yaml"], ["x", "y"]),
        (["x", "x"], ["a.yaml", "b.yaml"], ["x (a.yaml)", "x (b.yaml)"]),
        (["x", "x"], ["a.yaml", "a.yaml"], ["x (a.yaml)", "x (a.yaml)'"]),
    ],
)
def test_source_names_are_distinct(names: list[str], files: list[str], expected: list[str]) -> None:
    from normspace.annotation.model import Annotation, Annotator

    annotations = [Annotation(annotator=Annotator(n)) for n in names]
    assert source_names(annotations, files) == expected


def test_contributions_match_by_overlap_when_ids_differ() -> None:
    """curator-b's one contribution has the default id `1`, curator-a's are `instructgpt`
    and `gpt3-baseline`: the shared approaches and label pair it with `instructgpt`."""
    result = merge_annotations(_sources(A, B))
    assert '  - id: "instructgpt"\n    role:\n' in result.text
    assert result.conflicts.count("contributions") == 1


def _self_merge_differences(paths: list[Path]) -> list[str]:
    """Files whose merge with themselves does not read back as the same annotation (in the
    house style of `convert -f yaml`), apart from the `annotation:` block."""
    from normspace.annotation import parse_text
    from normspace.annotation.render import render_annotation
    from normspace.annotation.terms import TermResolver

    resolver, differing = TermResolver(), []
    for path in paths:
        original = parse_file(path, resolver).document.annotation
        source = Source("x", path.name, original)
        result = merge_annotations([source, dataclasses.replace(source, name="y")])
        parsed = parse_text(result.text, "consensus.yaml", resolver)
        consensus = parsed.document.annotation
        consensus.annotator, consensus.date, consensus.note = (
            original.annotator,
            original.date,
            original.note,
        )
        consensus.format_version = original.format_version
        if (
            result.conflicts
            or parsed.errors
            or (render_annotation(consensus) != render_annotation(original))
        ):
            differing.append(path.name)
    return differing


@pytest.mark.parametrize(
    "path",
    [
        *sorted((Path(__file__).parents[1] / "data" / "annotation" / "valid").glob("*.yaml")),
        Path(__file__).parents[1] / "data" / "annotation" / "v1" / "ouyang2022-all-sections.yaml",
    ],
    ids=lambda p: p.stem,
)
def test_a_file_merged_with_itself_is_kept_as_it_is(path: Path) -> None:
    """Agreed content stays as it is: every section of the format (term requests,
    contestation settings, findings, study facts, trade-offs with priorities), and a
    format-1 file (the consensus is written in format 2)."""
    assert _self_merge_differences([path]) == []


# -- the bundled corpus's double annotations ------------------------------------------------

PAIRS = sorted(corpus_dir().glob("*.curator-*.yaml"))

#: Conflict markers per pair (reported in the guide; a change here is a change of the rules).
PAIR_CONFLICTS = {
    "alonbarkat2023-automation-bias-public-sector": 7,
    "bai2022-constitutional-ai": 21,
    "birhane2022-power-to-the-people": 12,
    "casper2023-open-problems-rlhf": 9,
    "dai2023-safe-rlhf": 10,
    "dobbe2021-hard-choices": 11,
    "feng2024-modular-pluralism": 6,
    "gabriel2020-values-alignment": 9,
    "gordon2022-jury-learning": 11,
    "green2022-human-oversight-policies": 20,
    "kasirzadeh2023-in-conversation": 8,
    "kleinberg2017-inherent-trade-offs": 10,
    "mokander2023-auditing-llms": 10,
    "obermeyer2019-racial-bias-health": 20,
    "ouyang2022-instructgpt": 20,
    "santurkar2023-whose-opinions": 18,
    "tessler2024-habermas-machine": 11,
    "vaccaro2020-contesting-content-moderation": 9,
}


def _first_file(second: Path) -> Path:
    return second.with_name(second.name.split(".curator-")[0] + ".yaml")


def _resolve(node: Any, side: int) -> None:
    """Resolve every marker by taking one side, as an adjudicator would by hand."""
    if isinstance(node, dict):
        for key in list(node):
            if is_marker(node[key]):
                node[key] = list(node[key][CONFLICT_KEY].values())[side]
            else:
                _resolve(node[key], side)
    elif isinstance(node, list):
        index = 0
        while index < len(node):
            if is_marker(node[index]):
                chosen = list(node[index][CONFLICT_KEY].values())[side] or []
                del node[index]
                for offset, item in enumerate(chosen):
                    node.insert(index + offset, item)
                index += len(chosen)
            else:
                _resolve(node[index], side)
                index += 1


def _resolved_text(text: str, side: int) -> str:
    yaml = YAML(typ="rt")
    root = yaml.load(text)
    _resolve(root, side)
    out = io.StringIO()
    yaml.dump(root, out)
    return out.getvalue()


def test_double_annotated_corpus_files_merged_with_themselves_are_kept_as_they_are() -> None:
    """The 36 files of the double-annotated papers (all 196 corpus files pass this too: run
    `_self_merge_differences` on them; left out here for the suite's time)."""
    files = [path for second in PAIRS for path in (_first_file(second), second)]
    assert len(files) == 36
    assert _self_merge_differences(files) == []


def test_every_double_annotated_pair_is_covered() -> None:
    assert sorted(p.name.split(".curator-")[0] for p in PAIRS) == sorted(PAIR_CONFLICTS)


@pytest.mark.parametrize("second", PAIRS, ids=lambda p: p.name.split(".curator-")[0])
def test_corpus_pair_merges_with_only_marker_errors(
    second: Path, tmp_path: Path, annotation_engine
) -> None:
    """Every pair merges; the consensus's only errors are its markers; resolving all markers
    to either side gives a valid annotation."""
    result = merge_annotations(_sources(_first_file(second), second))
    stem = second.name.split(".curator-")[0]
    assert len(result.conflicts) == PAIR_CONFLICTS[stem]
    files = {"consensus.yaml": result.text}
    for side in (0, 1):
        files[f"side{side}.yaml"] = _resolved_text(result.text, side)
    errors = {}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        result_file = validate_file(tmp_path / name, annotation_engine)
        errors[name] = [p for p in result_file.problems if p.severity == "error"]
    assert [p.rule for p in errors["consensus.yaml"]] == ["unresolved-conflict"] * len(
        result.conflicts
    )
    assert errors["side0.yaml"] == [] and errors["side1.yaml"] == []


# -- regressions -----------------------------------------------------------------------------


def _variant(workdir: Path, name: str, replacements: list[tuple[str, str]]) -> Path:
    """curator-a.yaml by another annotator, with some text replaced."""
    text = (workdir / "curator-a.yaml").read_text("utf-8").replace("curator-a", name)
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path = workdir / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_value_markers_cause_no_second_error(workdir: Path, run_cli) -> None:
    """A marker standing for a required value (title, authors, year) is reported once: not
    again as a missing title or as `authors_incomplete` without authors."""
    _variant(
        workdir,
        "curator-z",
        [
            ('title: "Training', 'title: "Training big'),
            ('"Long Ouyang", ', ""),
            ("year: 2022", "year: 2023"),
        ],
    )
    run_cli("merge", "curator-a.yaml", "curator-z.yaml", "-o", "m.yaml")
    result = run_cli("validate", "-q", "m.yaml")
    assert result.exit_code == 1
    assert [line.split(": error: ")[0] for line in result.stdout.splitlines()] == [
        "m.yaml:6: paper.title",
        "m.yaml:10: paper.authors",
        "m.yaml:15: paper.year",
    ]


def test_unmatched_contributions_are_markers_without_missing_contribution(
    workdir: Path, run_cli
) -> None:
    """Two contributions with different ids that share nothing are not paired: each is kept
    in a marker, and a file whose contributions are all in markers is not also told that it
    has none."""
    text = (workdir / "other-paper.yaml").read_text("utf-8")
    first, second = workdir / "first.yaml", workdir / "second.yaml"
    first.write_text(text.replace("  role: proposes", "  id: dpo\n  role: proposes"), "utf-8")
    second.write_text(
        text.replace('name: "curator-b"', 'name: "curator-y"')
        .replace("  role: proposes", "  id: harms\n  role: critiques")
        .replace("approaches: [norm:RLHF]", "harms: [norm:MaliciousUse]")
        .replace("contexts: [norm:GeneralPurposeAssistant]", "none: [contexts]"),
        "utf-8",
    )
    result = merge_annotations(_sources(first, second))
    assert result.conflicts == ("contributions", "contributions")
    (workdir / "m.yaml").write_text(result.text, encoding="utf-8")
    lines = run_cli("validate", "-q", "m.yaml").stdout.splitlines()
    assert [line.split(": error: ")[0] for line in lines] == [
        "m.yaml:17: contributions",
        "m.yaml:24: contributions",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("values:\n  - conflict: oops\n", "values: the marker holds oops"),
        ("title: {conflict: {a: x, b: null}}\n", "title: a: x; b: nothing"),
    ],
)
def test_any_mapping_with_a_conflict_key_is_a_marker(text: str, expected: str) -> None:
    """A marker the adjudicator half-edited is still found (no key of the format is called
    `conflict`)."""
    from normspace.annotation.merge import marker_problem_message

    [marker] = take_markers(YAML(typ="rt").load(text))
    message = marker_problem_message(marker)
    field, said = expected.split(": ", 1)
    assert marker.field == field
    assert message.startswith(f"unresolved conflict ({said})")


def test_annotator_names_that_are_not_plain_yaml_text_are_quoted(workdir: Path) -> None:
    """A name such as `null` or one with `: ` must come back as the same text key."""
    first = _variant(workdir, "null", [])
    second = _variant(workdir, "Doe: Jane", [("norm:Honesty", "norm:Truthfulness")])
    result = merge_annotations(_sources(first, second))
    assert '"null": [norm:Honesty]\n' in result.text
    [marker] = take_markers(YAML(typ="rt").load(result.text))
    assert dict(marker.sides) == {"null": ["norm:Honesty"], "Doe: Jane": ["norm:Truthfulness"]}

"""``normspace suggest``: terms per slot from a paper's text, and the commented skeleton.

The fixture passage names stable terms (RLHF, majority vote, human review); tests check
that they are proposed with the sentence that names them, never the full ranking.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from normspace.annotation.document import parse_text
from normspace.cli.main import cli
from normspace.errors import InputError
from normspace.suggest import sentences, skeleton_with_suggestions, suggest_terms

PASSAGE = Path(__file__).parent / "data" / "suggest" / "passage.txt"
RLHF_SENTENCE = (
    "Reinforcement learning from human feedback (RLHF) aggregates the annotators' labels by "
    "majority vote, e.g. when they disagree."
)
REVIEW_SENTENCE = "Users of the deployed system can appeal a decision and request human review."


def invoke(*args: object, stdin: str | bytes | None = None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=stdin, catch_exceptions=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two!", ["One.", "Two!"]),
        ("Rules, e.g. Borda count. Next one", ["Rules, e.g. Borda count.", "Next one"]),
        (
            "Smith et al. found it. Then\nwrapped line.",
            ["Smith et al. found it.", "Then wrapped line."],
        ),
        ("Para one\n\nPara two", ["Para one", "Para two"]),
        ("version 2.1 is used.", ["version 2.1 is used."]),
        ("   ", []),
    ],
)
def test_sentences(text, expected):
    assert sentences(text) == expected


@pytest.fixture(scope="module")
def suggested():
    return suggest_terms(PASSAGE.read_text(encoding="utf-8"), top=10)


@pytest.mark.parametrize(
    ("slot", "term", "sentence"),
    [
        ("approaches", "norm:RLHF", RLHF_SENTENCE),
        ("pluralism", "norm:MajorityVote", RLHF_SENTENCE),
        ("contestability", "norm:HumanReview", REVIEW_SENTENCE),
        ("normative_input_from", "norm:Annotators", RLHF_SENTENCE),
    ],
)
def test_suggests_the_named_term_with_its_sentence(suggested, slot, term, sentence):
    found = {s.term.curie: s for s in suggested[slot]}
    assert term in found
    assert found[term].sentence == sentence
    assert found[term].score > 0


def test_the_named_approach_comes_first(suggested):
    assert suggested["approaches"][0].term.curie == "norm:RLHF"


def test_slots_follow_the_slot_table_and_stay_in_their_scheme(suggested):
    from normspace.annotation.slots import TAG_SLOTS

    assert list(suggested) == [slot.key for slot in TAG_SLOTS]
    for slot in TAG_SLOTS:
        assert all(s.term.scheme == str(slot.scheme) for s in suggested[slot.key])
        scores = [(-s.score, s.term.curie) for s in suggested[slot.key]]
        assert scores == sorted(scores)


def test_deterministic():
    text = PASSAGE.read_text(encoding="utf-8")
    assert suggest_terms(text) == suggest_terms(text)


def test_empty_text_is_an_input_error():
    with pytest.raises(InputError, match="no text to suggest terms from"):
        suggest_terms(" \n\n  ")


# -- the command ---------------------------------------------------------------------------


def test_cli_json_from_a_file():
    result = invoke("suggest", PASSAGE, "--top", "1", "-f", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["approaches"]["scheme"] == "norm:AlignmentApproachScheme"
    first = data["approaches"]["suggestions"]
    assert len(first) == 1
    assert {k: first[0][k] for k in ("term", "label", "sentence")} == {
        "term": "norm:RLHF",
        "label": "reinforcement learning from human feedback",
        "sentence": RLHF_SENTENCE,
    }


def test_cli_text_from_stdin():
    result = invoke("suggest", "--top", "1", stdin=PASSAGE.read_text(encoding="utf-8"))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    at = lines.index("approaches (norm:AlignmentApproachScheme)")
    assert lines[at + 1].split()[1:3] == ["norm:RLHF", "reinforcement"]
    assert lines[at + 2].strip() == f'"{RLHF_SENTENCE}"'


def test_cli_csv():
    result = invoke("suggest", PASSAGE, "--top", "2", "-f", "csv")
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["slot", "rank", "term", "label", "score", "sentence"]
    assert rows[[r[0] for r in rows].index("approaches")][:3] == ["approaches", "1", "norm:RLHF"]


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("suggest",), "  \n ", "no text to suggest terms from"),
        (("suggest", "missing.txt"), None, "cannot read missing.txt"),
        (("suggest", "-"), b"caf\xe9 au lait", "is not UTF-8"),
        (("suggest", "--top", "0"), "text", "Invalid value for '--top'"),
    ],
    ids=["empty", "unreadable", "not-utf8", "bad-top"],
)
def test_cli_input_errors_exit_2(args, stdin, message):
    result = invoke(*args, stdin=stdin)
    assert result.exit_code == 2
    assert message in result.stderr


# -- --write -------------------------------------------------------------------------------


@pytest.fixture
def written(tmp_path) -> Path:
    target = tmp_path / "new.yaml"
    result = invoke("suggest", PASSAGE, "--write", target)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote {target}\n"
    return target


def test_write_puts_suggestions_in_comments_not_tags(written):
    text = written.read_text(encoding="utf-8")
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  approaches:"))
    assert lines[at].split("#")[0].strip() == "approaches:"  # empty, not []
    assert lines[at + 1].startswith("  # - norm:RLHF ")
    assert '"' + RLHF_SENTENCE[:60] in lines[at + 1]  # the sentence, cut with an ellipsis
    assert lines[at + 1].endswith('…"')
    data = YAML(typ="safe").load(text)
    contribution = data["contribution"]
    assert contribution["approaches"] is None  # no tag until the annotator uncomments one
    assert all(not v for k, v in contribution.items() if k in ("values", "pluralism"))
    assert not any(line.lstrip().startswith("- norm:") for line in lines)


def test_write_validates_once_paper_fields_are_filled(written):
    text = written.read_text(encoding="utf-8")
    filled = (
        text.replace('  title: ""', '  title: "A paper"')
        .replace("  year: ", "  year: 2024", 1)
        .replace('  doi: ""', '  doi: "10.1145/3630106.3658979"')
        .replace(
            'metadata_source: ""', 'metadata_source: "https://doi.org/10.1145/3630106.3658979"'
        )
        .replace('annotator: {name: ""', 'annotator: {name: "A. Annotator"')
    )
    parsed = parse_text(filled, "filled.yaml")
    assert parsed.errors == [], [str(p) for p in parsed.errors]
    accepted = filled.replace("  # - norm:RLHF ", "  - norm:RLHF ", 1)
    parsed = parse_text(accepted, "accepted.yaml")
    assert parsed.errors == []
    tags = parsed.document.annotation.contributions[0].tags
    assert [u.term for u in tags["approaches"]] == ["https://w3id.org/normspace#RLHF"]


def test_write_refuses_to_overwrite(written):
    before = written.read_text(encoding="utf-8")
    result = invoke("suggest", PASSAGE, "--write", written)
    assert result.exit_code == 2
    assert "exists; not overwritten" in result.stderr
    assert written.read_text(encoding="utf-8") == before


def test_write_with_empty_input_writes_nothing(tmp_path):
    target = tmp_path / "new.yaml"
    result = invoke("suggest", "--write", target, stdin="")
    assert result.exit_code == 2
    assert not target.exists()


def test_skeleton_without_suggestions_is_the_plain_skeleton():
    text = skeleton_with_suggestions({})
    assert "  approaches: []" in text
    assert "# - norm:" not in text

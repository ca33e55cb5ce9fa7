"""The committed JSON Schema is the generated one, is a valid draft 2020-12 schema, accepts the
valid fixtures of both format versions (each under its own rules) and rejects structural
mistakes the reader rejects."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from normspace.annotation.model import Annotation, Annotator, Paper
from normspace.annotation.render import render_annotation
from normspace.annotation.schema import SCHEMA_PATH, build_schema, schema_text
from normspace.annotation.slots import CONTRIBUTION_SLOTS, NONE_KEYS, RESOURCE_SLOTS

from .conftest import CORPUS, DATA, VALID, load_yaml

REPO = Path(__file__).parents[2]
WRITER_DATA = Path(__file__).parent / "test_writer_data"
RICH = WRITER_DATA / "ouyang2022-rich.yaml"
V1 = sorted((DATA / "v1").glob("*.yaml"))

#: Fixtures that use forms the reader accepts but the schema's enumerations cannot express.
NON_CANONICAL = {
    "huang2024-identifier-forms.yaml": "labels in other letter case and a full term IRI",
    "gabriel2020-conceptual.yaml": "an unquoted arXiv id (the schema asks for a string)",
    "gabriel2020-no-approach.yaml": "an unquoted arXiv id (the schema asks for a string)",
}
#: v1 fixtures that are invalid on purpose (the reader's v1 error tests).
V1_INVALID = {"approach-and-none.yaml", "format2-keys.yaml"}


def _json_like(data: Any) -> Any:
    """YAML data as an editor's YAML 1.2 core schema sees it (dates are strings)."""
    if isinstance(data, dict):
        return {str(k): _json_like(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_json_like(v) for v in data]
    if isinstance(data, dt.date):
        return data.isoformat()
    return data


@pytest.fixture(scope="module")
def schema() -> dict:
    return build_schema()


@pytest.fixture(scope="module")
def validator(schema: dict) -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _messages(validator: jsonschema.Draft202012Validator, data: Any) -> str:
    """Every error message, with those of the alternatives of anyOf/oneOf."""
    found: list[str] = []

    def walk(errors) -> None:
        for error in errors:
            found.append(f"{error.json_path}: {error.message}")
            walk(error.context or [])

    walk(validator.iter_errors(data))
    return " | ".join(found)


def test_committed_schema_is_up_to_date() -> None:
    committed = (REPO / SCHEMA_PATH).read_text(encoding="utf-8")
    assert committed == schema_text(), (
        f"{SCHEMA_PATH} is stale; regenerate it with "
        f"`python -m normspace.annotation.schema {SCHEMA_PATH}`"
    )


def test_slot_enums_hold_curies_and_labels_of_their_scheme_only(schema: dict) -> None:
    defs = schema["$defs"]
    discipline = {c["const"] for c in defs["DisciplineScheme"]["anyOf"]}
    assert {"norm:MachineLearning", "machine learning"} <= discipline
    assert "norm:Fairness" not in discipline
    approach_tag = json.dumps(defs["AlignmentApproachSchemeTag"])
    assert "AlignmentApproachScheme" in approach_tag and "ValueScheme" not in approach_tag
    roles = {c.get("const") for c in defs["ContributionRoleScheme"]["anyOf"]}
    assert {"norm:Proposes", "norm:UsesAsBaseline"} <= roles


def test_contribution_keys_come_from_the_slot_table(schema: dict) -> None:
    contribution = schema["$defs"]["contribution"]["properties"]
    assert {s.key for s in CONTRIBUTION_SLOTS} <= set(contribution)
    assert contribution["none"]["items"] == {"enum": list(NONE_KEYS)}
    study = schema["$defs"]["study"]["properties"]
    assert set(study) == {"samples", *(s.key for s in RESOURCE_SLOTS)}


@pytest.mark.parametrize("path", [*VALID, RICH, *CORPUS], ids=lambda p: p.name)
def test_format_2_files_satisfy_schema(path: Path, validator) -> None:
    if path.name in NON_CANONICAL:
        pytest.skip(NON_CANONICAL[path.name])
    data = _json_like(load_yaml(path))
    assert data.get("format") == 2, "a format-2 fixture"
    assert _messages(validator, data) == ""


@pytest.mark.parametrize("path", V1, ids=lambda p: p.name)
def test_format_1_files_satisfy_the_format_1_rules(path: Path, validator) -> None:
    """Format 1 still validates (the reader accepts it with a deprecation warning), under
    its own keys: `tags.approaches`, top-level `trade_offs`, `proposes_no_approach`."""
    if path.name in NON_CANONICAL or path.name in V1_INVALID:
        pytest.skip(NON_CANONICAL.get(path.name, "invalid on purpose"))
    data = _json_like(load_yaml(path))
    assert "format" not in data or data["format"] == 1
    assert _messages(validator, data) == ""


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({}, ""),
        ({"format": 1}, ""),
        ({"format": 2}, "'contribution' is a required property"),
        ({"contribution": {"role": "proposes"}}, "'contribution' was unexpected"),
    ],
    ids=["no format key", "format 1", "format 2 without contributions", "v2 key in v1"],
)
def test_the_declared_format_chooses_the_rules(change: dict, fragment: str, validator) -> None:
    """A format-1 file (no `format`, or `format: 1`) is checked by the format-1 rules only,
    so its errors are its own, not those of the other version."""
    data = {**_json_like(load_yaml(WRITER_DATA / "ouyang2022-format1.yaml")), **change}
    messages = _messages(validator, data)
    assert (fragment in messages) if fragment else messages == ""


def test_new_skeleton_satisfies_schema(validator) -> None:
    """What `normspace new --year` writes is valid for editors too, before it is filled in."""
    skeleton = Annotation(
        paper=Paper(
            title="Training language models to follow instructions with human feedback",
            year=2022,
            arxiv="2203.02155",
        ),
        annotator=Annotator(name="Jane Doe"),
        date=dt.date(2026, 11, 27),
    )
    data = _json_like(YAML(typ="safe", pure=True).load(render_annotation(skeleton, skeleton=True)))
    assert _messages(validator, data) == ""


Change = Callable[[dict], None]


def _set(path: str, value: Any) -> Change:
    """Set a dotted path (list indices as numbers) of the rich fixture."""

    def change(data: dict) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        node[int(last) if last.isdigit() else last] = value

    change.__name__ = f"{path}={value!r}"
    return change


def _both_forms(data: dict) -> None:
    data["contribution"] = data["contributions"][0]


def _drop_format(data: dict) -> None:
    """Without `format`, the file is read as format 1, where contributions do not exist."""
    del data["format"]


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (_set("format", 3), "3 is not one of [1, 2]"),
        (_drop_format, "'contributions' was unexpected"),
        (_both_forms, "is valid under each of {'required': ['contributions']}"),
        (_set("contributions", []), "should be non-empty"),
        (_set("contributions.0.id", "CCAI"), "does not match '^[a-z0-9][a-z0-9-]*$'"),
        (_set("contributions.0.contestability", ["norm:Appeal"]), "is expected to be empty"),
        (_set("contributions.0.none", ["harms"]), "'harms' is not one of"),
        (_set("contributions.0.role", "invents"), "'invents' is not one of"),
        (_set("contributions.0.approach", ["norm:RLHF"]), "'approach' was unexpected"),
        (_set("tags.approaches", ["norm:RLHF"]), "'approaches' was unexpected"),
        (_set("annotation.proposes_no_approach", True), "'proposes_no_approach' was unexpected"),
        (
            _set("contributions.0.findings.0", {"measure": "norm:PreferenceWinRate"}),
            "'value' is a required property",
        ),
        (_set("contributions.0.findings.0.direction", "better"), "'better' is not one of"),
        (_set("contributions.0.study.samples.0.size", -1), "-1 is less than the minimum of 0"),
        (
            _set("contributions.0.study.datasets_used.0", {"doi": "10.1/x"}),
            "'name' is a required property",
        ),
        (_set("contributions.0.trade_offs.1.stakeholders", ["norm:Developers"]), "is too short"),
        (
            _set("contributions.0.trade_offs.1", {"description": "no poles"}),
            "'values' is a required property",
        ),
        (
            _set("contributions.0.harms.0.request", {"label": "x"}),
            "'definition' is a required property",
        ),
        (
            _set("contributions.0.harms.0.term", "norm:Misinformation"),
            "is valid under each of {'required': ['request']}, {'required': ['term']}",
        ),
        (
            _set("contributions.0.values.0", "norm:Fairnes"),
            "values[0]: 'norm:Fairness' was expected",
        ),
    ],
    ids=lambda v: getattr(v, "__name__", None),
)
def test_schema_rejects_what_the_reader_rejects(change: Change, fragment: str, validator) -> None:
    data = _json_like(load_yaml(RICH))
    assert _messages(validator, data) == ""
    changed = copy.deepcopy(data)
    change(changed)
    assert fragment in _messages(validator, changed)


@pytest.mark.parametrize(
    ("fixture", "fragment"),
    [
        ("unknown-keys", "was unexpected"),
        ("wrong-types", "is not of type 'array'"),
        ("trade-off-values", "is too short"),
        ("unknown-term", "norm:Fairnes"),
        ("assumption-incomplete", "'type' is a required property"),
    ],
)
def test_schema_rejects_the_invalid_fixtures(fixture: str, fragment: str, validator) -> None:
    data = _json_like(load_yaml(DATA / "invalid" / f"{fixture}.yaml"))
    assert fragment in _messages(validator, data)

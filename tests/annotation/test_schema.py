"""The committed JSON Schema is the generated one, is a valid draft 2020-12 schema, accepts the
valid fixtures and rejects structural mistakes the reader rejects."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest

from normspace.annotation.schema import SCHEMA_PATH, build_schema, schema_text

from .conftest import DATA, VALID, load_yaml

REPO = Path(__file__).parents[2]

#: Fixtures that use forms the reader accepts but the schema's enumerations cannot express.
NON_CANONICAL = {
    "huang2024-identifier-forms.yaml": "labels in other letter case and a full term IRI",
    "gabriel2020-conceptual.yaml": "an unquoted arXiv id (the schema asks for a string)",
}


def _json_like(data):
    """YAML data as an editor's YAML 1.2 core schema sees it (dates are strings)."""
    if isinstance(data, dict):
        return {str(k): _json_like(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_json_like(v) for v in data]
    if isinstance(data, dt.date):
        return data.isoformat()
    return data


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = build_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_committed_schema_is_up_to_date() -> None:
    committed = (REPO / SCHEMA_PATH).read_text(encoding="utf-8")
    assert committed == schema_text(), (
        f"{SCHEMA_PATH} is stale; regenerate it with "
        f"`python -m normspace.annotation.schema {SCHEMA_PATH}`"
    )


def test_slot_enums_hold_curies_and_labels_of_their_scheme_only() -> None:
    defs = build_schema()["$defs"]
    discipline = {c["const"] for c in defs["DisciplineScheme"]["anyOf"]}
    assert {"norm:MachineLearning", "machine learning"} <= discipline
    assert "norm:Fairness" not in discipline
    approach_tag = json.dumps(defs["AlignmentApproachSchemeTag"])
    assert "AlignmentApproachScheme" in approach_tag and "ValueScheme" not in approach_tag


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_fixtures_satisfy_schema(path: Path, validator) -> None:
    if path.name in NON_CANONICAL:
        pytest.skip(NON_CANONICAL[path.name])
    data = _json_like(load_yaml(path))
    errors = [e.message for e in validator.iter_errors(data)]
    assert errors == []


@pytest.mark.parametrize(
    ("fixture", "fragment"),
    [
        ("unknown-keys", "'tag' was unexpected"),
        ("unknown-keys", "'venu' was unexpected"),
        ("wrong-types", "is not of type 'array'"),
        ("trade-off-values", "is too short"),
        ("unknown-term", "norm:Fairnes"),
        ("assumption-incomplete", "'type' is a required property"),
    ],
)
def test_schema_rejects_what_the_reader_rejects(fixture: str, fragment: str, validator) -> None:
    data = _json_like(load_yaml(DATA / "invalid" / f"{fixture}.yaml"))
    messages = " | ".join(e.message for e in validator.iter_errors(data))
    messages += " | " + " | ".join(
        sub.message for e in validator.iter_errors(data) for sub in (e.context or [])
    )
    assert fragment in messages

"""The documentation's complete example is a real, valid file (the all-sections fixture); every
key of the format is explained; the `normspace new` section lists the options `new` has."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from normspace.annotation import validate_file
from normspace.annotation.slots import ALLOWED_KEYS
from normspace.cli.new import new

from .conftest import DATA, expected_for

DOC = Path(__file__).parents[2] / "docs" / "annotation-format.md"
ALL_SECTIONS = DATA / "valid" / "ouyang2022-all-sections.yaml"


def _section(title: str) -> str:
    """The text of one `### title` section of the format description."""
    text = DOC.read_text("utf-8")
    start = text.index(f"### {title}\n")
    end = text.find("\n#", start + 1)
    return text[start : end if end != -1 else len(text)]


def test_documented_example_is_the_all_sections_fixture(annotation_engine) -> None:
    """The example validates with exactly the problems its expectation file lists (the
    warnings a term request gives, which the example shows on purpose)."""
    example = re.search(r"```yaml\n(.*?)```", DOC.read_text("utf-8"), re.S)
    assert example is not None
    assert example.group(1) == ALL_SECTIONS.read_text("utf-8")
    result = validate_file(ALL_SECTIONS, annotation_engine)
    found = sorted((p.severity, p.rule, p.field) for p in result.problems)
    listed = expected_for(ALL_SECTIONS).get("problems", [])
    assert found == sorted((p["severity"], p["rule"], p["field"]) for p in listed)
    assert all(severity == "warning" for severity, _, _ in found)


@pytest.mark.parametrize("key", sorted({key for keys in ALLOWED_KEYS.values() for key in keys}))
def test_documented_sections_cover_every_key(key: str) -> None:
    assert f"`{key}`" in DOC.read_text("utf-8"), (
        f"docs/annotation-format.md does not explain `{key}`"
    )


@pytest.mark.parametrize(
    "spellings", [tuple(p.opts) for p in new.params if p.opts[0].startswith("-")], ids=str
)
def test_new_section_names_every_option(spellings: tuple[str, ...]) -> None:
    section = _section("`normspace new`")
    assert any(re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", section) for o in spellings), (
        f"the `normspace new` section of docs/annotation-format.md mentions none of {spellings}"
    )

"""The documentation's complete example is a real, valid file: it is the all-sections fixture."""

from __future__ import annotations

import re
from pathlib import Path

from normspace.annotation import validate_file

from .conftest import DATA

DOC = Path(__file__).parents[2] / "docs" / "annotation-format.md"


def test_documented_example_is_the_all_sections_fixture(annotation_engine) -> None:
    example = re.search(r"```yaml\n(.*?)```", DOC.read_text("utf-8"), re.S)
    assert example is not None
    fixture = DATA / "valid" / "ouyang2022-all-sections.yaml"
    assert example.group(1) == fixture.read_text("utf-8")
    result = validate_file(fixture, annotation_engine)
    assert result.problems == []


def test_documented_sections_cover_every_key() -> None:
    from normspace.annotation.slots import ALLOWED_KEYS

    text = DOC.read_text("utf-8")
    for keys in ALLOWED_KEYS.values():
        for key in keys:
            assert f"`{key}`" in text, f"docs/annotation-format.md does not explain `{key}`"

"""Fixtures of the annotation-format tests: the fixture files and their expectations."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from ruamel.yaml import YAML

DATA = Path(__file__).parent.parent / "data" / "annotation"
VALID = sorted((DATA / "valid").glob("*.yaml"))
INVALID = sorted((DATA / "invalid").glob("*.yaml"))
CORPUS = sorted((Path(__file__).parents[2] / "examples" / "corpus").glob("*.yaml"))


def expected_for(path: Path) -> dict:
    """The ``<name>.expected.toml`` next to a fixture (TOML, so that folders of fixtures hold
    nothing but annotation files and can be validated as a whole)."""
    return tomllib.loads(path.with_name(path.stem + ".expected.toml").read_text("utf-8"))


def load_yaml(path: Path):
    """Plain Python data of a YAML file (safe loader)."""
    return YAML(typ="safe", pure=True).load(path.read_text("utf-8"))


@pytest.fixture(scope="session")
def annotation_data() -> Path:
    return DATA


def run_cli(*args: str, input: str | None = None):
    """Run ``normspace`` in-process; exceptions propagate, so a traceback fails the test."""
    from click.testing import CliRunner

    from normspace.cli.main import cli

    result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    assert "Traceback" not in result.output + result.stderr
    return result

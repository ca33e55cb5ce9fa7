"""A release built from the installed package's resources (no source checkout) is complete,
and a missing packaged resource is an error that names it."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from normspace import resources
from normspace.cli.main import cli
from normspace.release import SCHEMA_FILE, build_release
from normspace.resources import RESOURCES, MissingResourceError, Project

REPO = Path(__file__).resolve().parents[2]


def _force_include() -> dict[str, str]:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Project:
    """A package folder laid out as the wheel lays it out: pyproject's force-include
    mapping applied to the checkout, and nothing else (no docs/, no w3id/)."""
    package = tmp_path_factory.mktemp("site-packages") / "normspace"
    for source, target in _force_include().items():
        if (REPO / source).is_dir():
            shutil.copytree(REPO / source, package.parent / target)
    return Project.installed(package)


def test_the_wheel_carries_every_resource_where_the_project_looks_for_it():
    mapping = _force_include()
    for name in RESOURCES:
        source = str(resources.CHECKOUT_PATHS.get(name, Path(name)))
        assert mapping.get(source) == f"normspace/_data/{name}", name


def test_a_release_from_the_installed_package_contains_the_annotation_schema(installed, tmp_path):
    """Regression: after a non-editable `pip install .` the release looked for the checkout's
    docs/schema, found nothing and silently shipped 37 files instead of 38."""
    with resources.using(installed):
        assert resources.project().checkout is None
        release = build_release(tmp_path / "r", w3id_base="https://example.org/normspace")
    schema = tmp_path / "r" / "schema" / SCHEMA_FILE
    assert schema in release.files
    committed = REPO / "docs" / "schema" / SCHEMA_FILE
    assert schema.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8")
    in_checkout = build_release(tmp_path / "c", w3id_base="https://example.org/normspace")
    names = sorted(p.relative_to(tmp_path / "c") for p in in_checkout.files)
    assert sorted(p.relative_to(tmp_path / "r") for p in release.files) == names
    assert len([n for n in names if n.parts[0] != "w3id"]) == 38  # and the .htaccess


def test_a_missing_packaged_resource_is_named(tmp_path):
    broken = Project.installed(tmp_path / "normspace")
    with pytest.raises(MissingResourceError, match=r"bundled shapes folder is missing"):
        broken.resource("shapes")


def test_cli_names_the_missing_resource_instead_of_a_partial_release(installed, tmp_path):
    package = tmp_path / "normspace"
    shutil.copytree(installed.data_root.parent, package)
    shutil.rmtree(package / "_data" / "shapes")
    with resources.using(Project.installed(package)):
        result = CliRunner().invoke(cli, ["release", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "the bundled shapes folder is missing" in result.output
    assert str(package / "_data" / "shapes") in result.output
    assert "Traceback" not in result.output

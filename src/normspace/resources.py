"""Locate the bundled ontology, shapes, queries and corpus.

An installed wheel carries them under ``normspace/_data``; a source checkout (editable
install, tests) has them at the repository root. One lookup serves both so that no
caller needs to know how NormSpace was installed.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT_ROOT = _PACKAGE_DIR.parent.parent

#: Names of the bundled resource folders, relative to the data root.
RESOURCES = ("ontology", "shapes", "queries", "corpus", "mappings")

_CHECKOUT_PATHS = {"corpus": Path("examples") / "corpus"}


@cache
def resource_dir(name: str) -> Path:
    """Return the folder of a bundled resource, preferring a source checkout.

    >>> resource_dir("ontology").joinpath("normspace.ttl").is_file()
    True
    """
    if name not in RESOURCES:
        raise ValueError(f"unknown resource {name!r}; expected one of {', '.join(RESOURCES)}")
    checkout = _CHECKOUT_ROOT / _CHECKOUT_PATHS.get(name, Path(name))
    if checkout.is_dir() and (_CHECKOUT_ROOT / "pyproject.toml").is_file():
        return checkout
    return _PACKAGE_DIR / "_data" / name


def ontology_dir() -> Path:
    return resource_dir("ontology")


def shapes_dir() -> Path:
    return resource_dir("shapes")


def queries_dir() -> Path:
    return resource_dir("queries")


def corpus_dir() -> Path:
    return resource_dir("corpus")

"""Locate the bundled ontology, shapes, queries, corpus and mappings: the :class:`Project`.

An installed wheel carries them under ``normspace/_data`` (``pyproject.toml`` force-includes
each folder there); a source checkout (editable install, tests) has them at the repository
root. One :class:`Project` object answers for both, so no caller computes a path relative
to the source tree, and a missing packaged input is an error that names it instead of a
release or a run that silently leaves something out.

Folders that exist only in a checkout (``docs/releases/``, ``w3id/``) are reached through
:attr:`Project.checkout`, which is ``None`` for an installed package.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import NormSpaceError

_PACKAGE_DIR = Path(__file__).resolve().parent

#: Names of the bundled resource folders.
RESOURCES = ("ontology", "shapes", "queries", "corpus", "mappings")

#: Where a resource lives in a source checkout, when not under its own name.
CHECKOUT_PATHS = {"corpus": Path("examples") / "corpus"}

#: Where the resources live inside the installed package.
PACKAGED_DATA = Path("_data")


class MissingResourceError(NormSpaceError):
    """A bundled input NormSpace needs is not where the installation puts it (exit 2)."""


@dataclass(frozen=True)
class Project:
    """Where this NormSpace's bundled inputs are.

    ``data_root`` holds the resource folders (named as in :data:`RESOURCES`, or as in
    :data:`CHECKOUT_PATHS` for a checkout); ``checkout`` is the source checkout's root,
    or ``None`` when running from an installed package.
    """

    data_root: Path
    checkout: Path | None = None

    @classmethod
    def locate(cls, package_dir: Path = _PACKAGE_DIR) -> Project:
        """The checkout when the package is imported from one (``src/normspace`` beside
        ``pyproject.toml`` and ``ontology/``), else the installed package's data."""
        root = package_dir.parent.parent
        if (root / "pyproject.toml").is_file() and (root / "ontology").is_dir():
            return cls(data_root=root, checkout=root)
        return cls.installed(package_dir)

    @classmethod
    def installed(cls, package_dir: Path = _PACKAGE_DIR) -> Project:
        """The layout of an installed wheel: everything under ``normspace/_data``."""
        return cls(data_root=package_dir / PACKAGED_DATA, checkout=None)

    def resource_path(self, name: str) -> Path:
        """Where resource ``name`` should be (it may be missing; see :meth:`resource`)."""
        if name not in RESOURCES:
            raise ValueError(f"unknown resource {name!r}; expected one of {', '.join(RESOURCES)}")
        if self.checkout is not None:
            return self.data_root / CHECKOUT_PATHS.get(name, Path(name))
        return self.data_root / name

    def resource(self, name: str) -> Path:
        """The folder of a bundled resource; a missing one is an error naming it."""
        path = self.resource_path(name)
        if not path.is_dir():
            where = "source checkout" if self.checkout is not None else "installed package"
            raise MissingResourceError(
                f"the bundled {name} folder is missing: expected {path} in the {where}; "
                "reinstall NormSpace (its wheel carries ontology/, shapes/, queries/, corpus/ "
                "and mappings/ under normspace/_data) or run from a complete source checkout"
            )
        return path

    def checkout_path(self, *parts: str) -> Path | None:
        """A path inside the source checkout, or ``None`` when NormSpace is installed."""
        return self.checkout.joinpath(*parts) if self.checkout is not None else None


_current: Project | None = None


def project() -> Project:
    """The project this process works with (located once)."""
    global _current
    if _current is None:
        _current = Project.locate()
    return _current


@contextlib.contextmanager
def using(other: Project) -> Iterator[Project]:
    """Work with ``other`` for the duration (tests use it to act as an installed wheel)."""
    global _current
    previous, _current = _current, other
    try:
        yield other
    finally:
        _current = previous


def resource_dir(name: str) -> Path:
    """Return the folder of a bundled resource (see :meth:`Project.resource`).

    >>> resource_dir("ontology").joinpath("normspace.ttl").is_file()
    True
    """
    return project().resource(name)


def ontology_dir() -> Path:
    return resource_dir("ontology")


def shapes_dir() -> Path:
    return resource_dir("shapes")


def queries_dir() -> Path:
    return resource_dir("queries")


def corpus_dir() -> Path:
    return resource_dir("corpus")

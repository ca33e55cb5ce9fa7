"""NormSpace: an ontology and knowledge-graph toolkit for the normative space of AI alignment."""

from __future__ import annotations

from functools import cache

__all__ = ["__version__"]


@cache
def _version() -> str:
    """The installed distribution's version, read on first use: importing
    ``importlib.metadata`` costs tens of milliseconds that most imports do not need."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("normspace")
    except PackageNotFoundError:  # running from a source tree without installation
        return "0.0.0+unknown"


def __getattr__(name: str) -> str:
    """``normspace.__version__``, computed lazily (PEP 562)."""
    if name == "__version__":
        return _version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

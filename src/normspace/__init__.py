"""NormSpace: an ontology and knowledge-graph toolkit for the normative space of AI alignment."""

from __future__ import annotations

from functools import cache

__all__ = ["Corpus", "__version__", "load_corpus", "open"]

#: The Python API (:mod:`normspace.api`), imported on first use so that ``import normspace``
#: and the CLI do not pay for it.
_API = ("Corpus", "CorpusInvalid", "load_corpus", "open")


@cache
def _version() -> str:
    """The installed distribution's version, read on first use: importing
    ``importlib.metadata`` costs tens of milliseconds that most imports do not need."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("normspace")
    except PackageNotFoundError:  # running from a source tree without installation
        return "0.0.0+unknown"


def __getattr__(name: str) -> object:
    """``normspace.__version__`` and the API names, computed lazily (PEP 562)."""
    if name == "__version__":
        return _version()
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

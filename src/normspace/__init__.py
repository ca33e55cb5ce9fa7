"""NormSpace: an ontology and knowledge-graph toolkit for the normative space of AI alignment."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("normspace")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]

"""Reading figure data from the store: named queries with bound parameters, and the text
a figure shows for a cell (labels, never CURIEs).

Why a module of its own: every figure reads its data the same way (the query library,
parameters bound as RDF terms, never SPARQL text with user strings in it), and names terms
the same way (the preferred label; a term request or literal as its text).
"""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import URIRef

from ..namespaces import curie
from ..ontology import term_index
from ..querylib import library
from ..results import Cell
from ..store import Store


def run(store: Store, query: str, params: Mapping[str, str | None] | None = None) -> list[dict]:
    """The rows of a library query as dicts, with the parameters that are set bound."""
    values = {k: v for k, v in (params or {}).items() if v is not None}
    return library().get(query).run(store, values).dicts()


def key(cell: Cell) -> str:
    """A stable key for a cell (the IRI, or the text of a literal)."""
    return "" if cell is None else str(cell)


def label(cell: Cell | str) -> str:
    """What a figure calls a term: its preferred label; a term request or other literal
    shows its own text; an IRI outside the ontology its CURIE.

    >>> label(URIRef("https://w3id.org/normspace#RLHF"))
    'reinforcement learning from human feedback'
    >>> label("requested: civic trust")
    'requested: civic trust'
    """
    if cell is None:
        return ""
    text = str(cell)
    term = term_index().get(text)
    if term is not None:
        return term.label
    if isinstance(cell, URIRef) or text.startswith(("http://", "https://")):
        return curie(text)
    return text


def number(cell: Cell) -> int:
    """A count cell as an int (an unbound count is 0)."""
    return 0 if cell is None else int(str(cell))


def scheme_label(scheme: str) -> str:
    """The preferred label of a concept scheme (``values``), else its CURIE."""
    from ..querylib import concept_schemes

    return concept_schemes().get(scheme, curie(scheme))


def role_note(role: str | None) -> str:
    """The sentence that says which contributions count.

    >>> role_note(None)
    'Counting the contributions that propose or apply, or have no role.'
    >>> role_note("https://w3id.org/normspace#Critiques")
    'Counting the contributions with the role critiques.'
    """
    from ..querylib import ROLE_DEFAULT_TEXT

    which = (
        f"with the role {label(role)}" if role else ROLE_DEFAULT_TEXT.removeprefix("contributions ")
    )
    return f"Counting the contributions {which}."

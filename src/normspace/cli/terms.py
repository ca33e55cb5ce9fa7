"""``normspace terms``: search the taxonomy by label, alternative label and definition."""

from __future__ import annotations

from typing import TextIO

import click
from rdflib import URIRef

from ..ontology import Term, term_index
from ..querylib import resolve_scheme
from ..results import FORMATS, Table, render
from .load import quiet, to_stderr
from .options import format_option, output_option


def match_rank(term: Term, text: str) -> int | None:
    """How well ``term`` matches ``text`` (lower is better), or None.

    Exact CURIE or label 0, label prefix 1, label substring 2, alternative label 3,
    definition 4; a text of several words matches when every word is found (rank 5).

    >>> t = Term("https://w3id.org/normspace#RLHF", "reinforcement learning from human feedback",
    ...          "s", "Fine-tuning with PPO.", ("RLHF",))
    >>> [match_rank(t, q) for q in ("norm:RLHF", "reinforcement", "human", "rlhf", "ppo", "x")]
    [0, 1, 2, 3, 4, None]
    """
    needle = text.strip().casefold()
    label = term.label.casefold()
    if needle in (label, term.curie.casefold()):
        return 0
    if label.startswith(needle):
        return 1
    if needle in label:
        return 2
    if any(needle in alt.casefold() for alt in term.alt_labels):
        return 3
    if needle in term.definition.casefold():
        return 4
    haystack = " ".join([label, *term.alt_labels, term.definition]).casefold()
    words = needle.split()
    if len(words) > 1 and all(w in haystack for w in words):
        return 5
    return None


def search(text: str | None, scheme: str | None) -> list[Term]:
    """Terms matching ``text`` (all terms without it), best match first."""
    terms = term_index().in_scheme(scheme)
    if not text:
        return sorted(terms, key=lambda t: (t.scheme, t.label.casefold()))
    ranked = [(rank, t) for t in terms if (rank := match_rank(t, text)) is not None]
    return [t for _rank, t in sorted(ranked, key=lambda rt: (rt[0], rt[1].label.casefold()))]


@click.command("terms")
@click.argument("text", required=False)
@click.option(
    "--scheme",
    metavar="SCHEME",
    help="Only terms of this scheme: CURIE (norm:ValueScheme), label (values) or class (Value).",
)
@format_option(list(FORMATS), "table")
@output_option
def terms(text: str | None, scheme: str | None, fmt: str, output: TextIO) -> None:
    """Search the taxonomy: TEXT is matched against preferred labels, alternative labels
    and definitions (case-insensitive); without TEXT every term is listed. Shows each
    term's CURIE, label and scheme; `normspace show CURIE` tells more."""
    scheme_iri = resolve_scheme(scheme, "--scheme") if scheme else None
    found = search(text, scheme_iri)
    if text and not found and not quiet():
        close = term_index().suggest(text, scheme_iri)
        hint = "; did you mean " + " or ".join(f"`{c}`" for c in close) + "?" if close else ""
        to_stderr(f"no term matches `{text}`{hint}")
    rows = [[URIRef(t.iri), t.label, URIRef(t.scheme)] for t in found]
    render(Table(["term", "label", "scheme"], rows), fmt, output)

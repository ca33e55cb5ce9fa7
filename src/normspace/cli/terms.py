"""``normspace terms``: search the taxonomy (ranked), list it, or print a scheme's tree."""

from __future__ import annotations

import json
from typing import TextIO

import click
from rdflib import URIRef

from ..namespaces import curie
from ..ontology import Term, term_index
from ..querylib import concept_schemes, resolve_scheme
from ..results import FORMATS, Table, render
from ..termsearch import TreeNode, scheme_tree, search_terms
from .options import format_option, is_quiet, output_option

#: How many matches ``terms TEXT`` shows unless ``--limit`` says otherwise.
DEFAULT_LIMIT = 20


def search(text: str | None, scheme: str | None, limit: int | None = DEFAULT_LIMIT) -> list[Term]:
    """Terms matching ``text``, best first (all terms of ``scheme``, by scheme and label,
    without it); see :mod:`normspace.termsearch` for the ranking."""
    if not text:
        terms = term_index().in_scheme(scheme)
        return sorted(terms, key=lambda t: (t.scheme, t.label.casefold()))
    return [hit.term for hit in search_terms(text, scheme, limit or None)]


def _marks(term: Term) -> str:
    marks = [
        m for m, on in (("grouping term", term.grouping), ("deprecated", term.deprecated)) if on
    ]
    return f"  [{', '.join(marks)}]" if marks else ""


def tree_text(scheme: str, roots: list[TreeNode]) -> str:
    """An indented tree: one term per line (CURIE, label, marks), two spaces per level.

    >>> ns = "https://w3id.org/normspace#"
    >>> s, a = ns + "S", Term(ns + "A", "a", ns + "S", grouping=True)
    >>> b = Term(ns + "B", "b", s, broader=(ns + "A",))
    >>> print(tree_text(s, [TreeNode(a, (TreeNode(b),))]), end="")
    norm:S
    norm:A  a  [grouping term]
      norm:B  b
    """
    label = concept_schemes().get(scheme)
    lines = [f"{curie(scheme)}  {label}" if label else curie(scheme)]
    for root in roots:
        for depth, node in root.walk():
            lines.append(f"{'  ' * depth}{node.term.curie}  {node.term.label}{_marks(node.term)}")
    return "\n".join(lines) + "\n"


def tree_markdown(scheme: str, roots: list[TreeNode]) -> str:
    """A nested Markdown list under a heading naming the scheme."""
    label = concept_schemes().get(scheme) or curie(scheme)
    lines = [f"## {label} (`{curie(scheme)}`)", ""]
    for root in roots:
        for depth, node in root.walk():
            marks = _marks(node.term).strip()
            note = f" *{marks}*" if marks else ""
            lines.append(f"{'  ' * depth}- `{node.term.curie}` {node.term.label}{note}")
    return "\n".join(lines) + "\n"


def _node_json(node: TreeNode) -> dict[str, object]:
    return {
        "term": node.term.curie,
        "iri": node.term.iri,
        "label": node.term.label,
        "grouping": node.term.grouping,
        "deprecated": node.term.deprecated,
        "narrower": [_node_json(child) for child in node.narrower],
    }


def tree_json(scheme: str, roots: list[TreeNode]) -> str:
    """The tree as nested JSON objects (``narrower`` lists)."""
    data = {
        "scheme": curie(scheme),
        "iri": scheme,
        "label": concept_schemes().get(scheme),
        "terms": [_node_json(root) for root in roots],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def tree_table(roots: list[TreeNode], parent: str | None = None) -> Table:
    """One row per tree position (depth, term, its label, broader, grouping), for CSV/TSV
    (which adds ``broader_label``)."""
    rows: list[list] = []

    def add(node: TreeNode, depth: int, above: str | None) -> None:
        term = node.term
        rows.append(
            [
                depth,
                URIRef(term.iri),
                term.label,
                URIRef(above) if above else None,
                "true" if term.grouping else "false",
            ]
        )
        for child in node.narrower:
            add(child, depth + 1, term.iri)

    for root in roots:
        add(root, 0, parent)
    return Table(["depth", "term", "term_label", "broader", "grouping"], rows)


def print_tree(scheme: str, fmt: str, output: TextIO) -> None:
    roots = scheme_tree(scheme)
    writers = {"table": tree_text, "markdown": tree_markdown, "json": tree_json}
    if fmt in writers:
        output.write(writers[fmt](scheme, roots))
    else:
        render(tree_table(roots), fmt, output)


@click.command("terms")
@click.argument("words", nargs=-1, metavar="[TEXT]...")
@click.option(
    "--scheme",
    metavar="SCHEME",
    help="Only terms of this scheme: CURIE (norm:ValueScheme), label (values) or class (Value).",
)
@click.option(
    "--tree",
    "tree",
    metavar="SCHEME",
    help="Print this scheme's hierarchy (skos:broader) as an indented tree instead.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    metavar="N",
    default=DEFAULT_LIMIT,
    show_default=True,
    help="Show at most N matches of TEXT (0: all).",
)
@format_option(list(FORMATS), "table")
@output_option
def terms(
    words: tuple[str, ...],
    scheme: str | None,
    tree: str | None,
    limit: int,
    fmt: str,
    output: TextIO,
) -> None:
    """Search the taxonomy: TEXT is ranked against preferred labels, alternative labels,
    CURIEs, definitions and scope notes (BM25, stemmed, case-insensitive; an exact or prefix
    label match comes first). Without TEXT every term is listed. Shows each term's CURIE,
    label and scheme; `normspace show CURIE` tells more. `--tree SCHEME` prints the
    hierarchy of one scheme (grouping terms marked). Several words are one text:
    `normspace terms quadratic voting` needs no quotes."""
    text = " ".join(words) or None
    if tree:
        if text or scheme:
            raise click.UsageError("--tree prints a whole scheme; give no TEXT or --scheme")
        print_tree(resolve_scheme(tree, "--tree"), fmt, output)
        return
    scheme_iri = resolve_scheme(scheme, "--scheme") if scheme else None
    found = search(text, scheme_iri, limit)
    if text and not found and not is_quiet():
        close = term_index().suggest(text, scheme_iri)
        hint = "; did you mean " + " or ".join(f"`{c}`" for c in close) + "?" if close else ""
        click.echo(f"no term matches `{text}`{hint}", err=True)
    rows = [[URIRef(t.iri), t.label, URIRef(t.scheme)] for t in found]
    render(Table(["term", "term_label", "scheme"], rows), fmt, output)

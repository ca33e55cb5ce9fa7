"""Remove service: find the annotation graphs a user names (file, annotation or paper).

The store records where each annotation was loaded from, so a file still names its
annotation after it was edited or deleted; paper identifiers are normalised the way paper
IRIs are minted. Removing itself is one store transaction (``Store.remove_graphs``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rdflib import URIRef

from .errors import InputError
from .store import REFERENCE_GRAPHS, QueryResult, Store


def resolve_removals(store: Store, targets: Sequence[str]) -> list[str]:
    """The annotation graphs named by files, annotation IRIs or paper IRIs.

    A file is matched by the path recorded when it was loaded (so an edited or deleted
    file still works), else by the annotation it contains; a paper IRI names all the
    paper's annotations.
    """
    graphs = set(store.graphs())
    info = store.graph_info()
    by_source: dict[str, list[str]] = {}
    for iri, meta in info.items():
        if "source" in meta:
            by_source.setdefault(meta["source"], []).append(iri)
    found: list[str] = []
    for target in targets:
        matches = _match_target(store, target, graphs, by_source)
        if not matches:
            raise InputError(
                f"`{target}` matches nothing in the store: give an annotation file, an "
                "annotation IRI or a paper IRI (see `normspace query papers`)"
            )
        found.extend(matches)
    return list(dict.fromkeys(found))


def _match_target(
    store: Store, target: str, graphs: set[str], by_source: dict[str, list[str]]
) -> list[str]:
    if target in REFERENCE_GRAPHS:
        raise InputError(f"<{target}> is reference data, not an annotation; it cannot be removed")
    if target in graphs:
        return [target]
    path = Path(target)
    if path.exists() or target.endswith((".yaml", ".yml")):
        resolved = str(path.resolve())
        if resolved in by_source:
            return by_source[resolved]
        if path.is_file():
            from .annotation import load_annotation

            iri = load_annotation(path).annotation_iri
            return [iri] if iri in graphs else []
        return []
    paper = paper_target(target)
    if paper is not None:
        try:
            result = _annotations_of(store, paper)
        except ValueError:  # not a valid IRI
            return []
        return [str(r[0]) for r in result.rows if str(r[0]) in graphs]
    return []


def paper_target(target: str) -> str | None:
    """The paper IRI a target names: a DOI in any case, bare, as ``doi:`` or a resolver
    IRI, normalised the way paper IRIs are minted; an arXiv id as ``arxiv:`` or an arXiv
    IRI; any other IRI as it is; ``None`` for anything else.

    >>> paper_target("https://doi.org/10.1038/S42256-019-0088-2")
    'https://doi.org/10.1038/s42256-019-0088-2'
    >>> paper_target("doi:10.1038/s42256-019-0088-2"), paper_target("arXiv:2203.02155v3")
    ('https://doi.org/10.1038/s42256-019-0088-2', 'https://arxiv.org/abs/2203.02155')
    >>> paper_target("https://arxiv.org/abs/2203.02155"), paper_target("bai2022")
    ('https://arxiv.org/abs/2203.02155', None)
    """
    from .annotation.identifiers import (
        IdentifierError,
        normalise_arxiv,
        normalise_doi,
        paper_iri,
    )

    text = target.strip()
    lowered = text.lower()
    try:
        if lowered.startswith("arxiv:") or "arxiv.org/" in lowered:
            return paper_iri(None, normalise_arxiv(text))
        if lowered.startswith(("doi:", "10.")) or "doi.org/" in lowered:
            return paper_iri(normalise_doi(text), None)
    except IdentifierError:
        return None
    return text if "://" in text else None


def _annotations_of(store: Store, paper: str) -> QueryResult:
    return store.query(
        "PREFIX norm: <https://w3id.org/normspace#> "
        "SELECT DISTINCT ?annotation ?paper WHERE { ?annotation norm:annotates ?paper } "
        "ORDER BY ?annotation",
        {"paper": URIRef(paper)},
    )

"""Term requests across a corpus (``normspace term-requests``): the terms annotators
proposed where the ontology had none, grouped and counted, as the input to the next
ontology release.

The grouping is the named query ``term-requests`` (requests of one intended scheme whose
labels agree up to case and spacing form one group), so that the command, ``normspace
query term-requests`` and the run report always agree. It runs on a store, or on a set of
annotation files read with the validator into a throw-away in-memory store: a request
should be collected before anyone loads the files.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

from rdflib import URIRef

from .namespaces import curie, expand
from .querylib import concept_schemes, library
from .store import OxigraphStore, QueryResult, Store

#: The query that groups and counts the requests.
QUERY = "term-requests"
#: How the query joins the distinct values of one group in a cell.
SEPARATOR = " | "


@dataclass(frozen=True)
class RequestGroup:
    """The requests of one intended scheme with one normalised label."""

    scheme: str  # CURIE of the intended concept scheme
    label: str  # normalised: lower case, single spaces
    requests: int
    annotations: int  # one annotation per file
    papers: int
    annotators: int
    labels: tuple[str, ...]  # as written
    properties: tuple[str, ...]  # CURIEs of the properties the requests stand under
    definitions: tuple[str, ...]
    broader: tuple[str, ...]  # CURIEs of the proposed broader terms
    sources: tuple[str, ...]


def query_store(store: Store) -> QueryResult:
    """The grouped requests of a store (the named query's result)."""
    return library().get(QUERY).run(store)


def query_files(paths: Sequence[Path]) -> QueryResult:
    """The grouped requests of annotation files and folders, read and validated as
    ``normspace load`` does (a file with errors stops it with the validator's message)."""
    from .validation import check_loadable, validate_files

    documents = check_loadable(validate_files(paths))
    store = OxigraphStore(None)
    store.replace_graphs({d.annotation_iri: d.graph for d in documents})
    return query_store(store)


def _split(cell: object) -> tuple[str, ...]:
    return tuple(str(cell).split(SEPARATOR)) if cell is not None and str(cell) else ()


def groups(result: QueryResult) -> list[RequestGroup]:
    """The query's rows as :class:`RequestGroup` objects (joined cells split again)."""
    return [
        RequestGroup(
            scheme=curie(str(row["scheme"])),
            label=str(row["label"]),
            requests=int(row["requests"]),
            annotations=int(row["annotations"]),
            papers=int(row["papers"]),
            annotators=int(row["annotators"]),
            labels=_split(row["labels"]),
            properties=_split(row["properties"]),
            definitions=_split(row["definitions"]),
            broader=_split(row["broader"]),
            sources=_split(row["sources"]),
        )
        for row in result.dicts()
    ]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def write_text(found: Sequence[RequestGroup], out: IO[str]) -> None:
    """One block per group, most requested first: what a reviewer of the next ontology
    release reads."""
    if not found:
        out.write("no term requests\n")
        return
    for group in found:
        scheme = concept_schemes().get(str(_iri(group.scheme)), group.scheme)
        counts = ", ".join(
            (
                _count(group.requests, "request"),
                _count(group.annotations, "annotation"),
                _count(group.papers, "paper"),
                _count(group.annotators, "annotator"),
            )
        )
        out.write(f"{group.label!r} for {scheme} ({group.scheme}): {counts}\n")
        fields = (
            ("written as", group.labels),
            ("under", group.properties),
            ("definition", group.definitions),
            ("broader", group.broader),
            ("source", group.sources),
        )
        for name, values in fields:
            for value in values:
                out.write(f"  {name}: {value}\n")
    out.write(f"{_count(len(found), 'requested term')}, {_count(_total(found), 'request')}\n")


def _total(found: Sequence[RequestGroup]) -> int:
    return sum(g.requests for g in found)


def _iri(ref: str) -> URIRef:
    return URIRef(expand(ref) or ref)


def write_json(found: Sequence[RequestGroup], out: IO[str]) -> None:
    """A JSON list of groups, multi-valued fields as lists (for scripts and issue bots)."""
    json.dump([asdict(g) for g in found], out, indent=2, ensure_ascii=False)
    out.write("\n")

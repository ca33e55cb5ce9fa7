"""Load services: write validated annotations, with the reference graphs, into a store.

Loading is two-phase so that a failed load leaves the store exactly as it was: every file is
read and validated first, on its own (the corpus is never parsed into one rdflib graph),
and only when all of them pass is ONE transaction written, holding the annotations' graphs,
the bookkeeping, and the ontology, mappings and imports graphs when they are missing or
changed. :func:`build_store` is the bulk variant for a fresh store (``normspace run``).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph

from .annotation import AnnotationDocument
from .annotation.problems import ERROR
from .annotation.validate import expand_paths
from .errors import InputError
from .feedback import Echo, Progress, seconds_since
from .ontology import load_ontology, ontology_files
from .store import (
    IMPORTS_GRAPH,
    MAPPINGS_GRAPH,
    ONTOLOGY_GRAPH,
    REFERENCE_GRAPHS,
    OxigraphStore,
    Store,
    ntriples_of,
)
from .validation import check_loadable, report_problems, validate_collected

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------
# Reference graphs: ontology, mappings and imports
# ---------------------------------------------------------------------------


def file_digest(paths: Iterable[Path]) -> str:
    """SHA-256 over the names and bytes of ``paths`` (in order)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
    return "sha256:" + digest.hexdigest()


@dataclass
class ReferenceGraph:
    iri: str
    sources: list[Path]
    build: Callable[[], Graph]

    @property
    def digest(self) -> str:
        return file_digest(self.sources)


def reference_graphs() -> list[ReferenceGraph]:
    """The bundled ontology and (when present) the SKOS mappings derived from SSSOM."""
    graphs = [ReferenceGraph(ONTOLOGY_GRAPH, ontology_files(), load_ontology)]
    try:
        from .mappings import mapping_graph, mapping_set_paths

        mapping_files = mapping_set_paths()
    except (ImportError, OSError, InputError):  # no mappings bundled
        mapping_files = []
    if mapping_files:
        graphs.append(ReferenceGraph(MAPPINGS_GRAPH, mapping_files, mapping_graph))
    from .imports import imports_graph, module_paths  # curies/pydantic: not for `validate`

    import_files = module_paths()
    if import_files:
        # labels and hierarchies of the mapped external terms, so that queries can follow
        # a mapping into the external ontology (e.g. everything DPV files under a concept)
        graphs.append(ReferenceGraph(IMPORTS_GRAPH, import_files, imports_graph))
    return graphs


def stale_reference_graphs(
    store: Store, info: dict[str, dict[str, str]] | None = None
) -> list[ReferenceGraph]:
    """Reference graphs that are missing from the store or whose sources changed (``info``:
    the store's :meth:`~normspace.store.Store.graph_info`, when the caller has it)."""
    info = store.graph_info() if info is None else info
    present = set(store.graphs())
    return [
        g
        for g in reference_graphs()
        if g.iri not in present or info.get(g.iri, {}).get("digest") != g.digest
    ]


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

#: A first load of at least this many files into an EMPTY store uses the bulk loader
#: (see :func:`_bulk_load_empty`); smaller loads and loads into a store with data are
#: one transaction.
BULK_LOAD_MIN = 2000


@dataclass
class LoadSummary:
    loaded: list[str] = field(default_factory=list)  # annotation graphs written
    replaced: list[str] = field(default_factory=list)  # ... of which existed before
    reference: list[str] = field(default_factory=list)  # reference graphs (re)loaded
    papers: int = 0
    unchanged: int = 0  # files skipped: the store already holds exactly their content

    def describe(self, where: str) -> str:
        n = len(self.loaded)
        text = f"loaded {n} annotation{'s' if n != 1 else ''} of {self.papers} paper"
        text += f"{'s' if self.papers != 1 else ''} into {where}"
        if self.replaced:
            text += f" ({len(self.replaced)} replaced an earlier version)"
        if self.reference:
            text += "; (re)loaded " + ", ".join(f"<{g}>" for g in self.reference)
        if self.unchanged:
            text += f"; {self.unchanged} unchanged, skipped"
        return text


def batch(
    documents: Sequence[AnnotationDocument], reference: Sequence[ReferenceGraph]
) -> tuple[dict[str, Iterable], dict[str, dict[str, str]]]:
    """Graphs (as rdflib triples) and bookkeeping of one write."""
    graphs, ntriples, sources = serialised_batch(documents, reference)
    for doc in documents:
        graphs[doc.annotation_iri] = doc.graph
    return graphs, sources


def serialised_batch(
    documents: Sequence[AnnotationDocument], reference: Sequence[ReferenceGraph]
) -> tuple[dict[str, Iterable], dict[str, bytes], dict[str, dict[str, str]]]:
    """Reference graphs (rdflib triples), annotations (N-Triples bytes: no rdflib graph
    per file) and the bookkeeping of one write. A triple the store would refuse stops the
    write here, naming its file."""
    graphs: dict[str, Iterable] = {}
    sources: dict[str, dict[str, str]] = {}
    for ref in reference:
        graphs[ref.iri] = ref.build()
        sources[ref.iri] = {"digest": ref.digest, "source": str(ref.sources[0].parent)}
    loaded_at = datetime.now(UTC).isoformat(timespec="seconds")
    ntriples: dict[str, bytes] = {}
    for doc in documents:
        if doc.unstorable:
            raise InputError(doc.unstorable)
        meta = {
            "source": str(doc.path.resolve()),
            "digest": doc.digest or file_digest([doc.path]),
            "loadedAt": loaded_at,
        }
        sources[doc.annotation_iri] = meta
        if doc.serialised:
            ntriples[doc.annotation_iri] = doc.ntriples
        else:  # read in this process: its terms are checked (and named) as they convert
            ntriples[doc.annotation_iri] = ntriples_of(doc.annotation_iri, doc.graph, meta)
    return graphs, ntriples, sources


def known_digests(info: dict[str, dict[str, str]]) -> dict[str, frozenset[str]]:
    """For each source file of an annotation graph in the store (``info``: its
    bookkeeping), the digests of the
    content loaded from it (a file edited to annotate another paper leaves its old graph,
    with the old digest: both are current content of *some* graph)."""
    known: dict[str, set[str]] = {}
    for iri, meta in info.items():
        if iri in REFERENCE_GRAPHS or not meta.get("source") or not meta.get("digest"):
            continue
        known.setdefault(meta["source"], set()).add(meta["digest"])
    return {source: frozenset(digests) for source, digests in known.items()}


def write_documents(
    store: Store,
    documents: Sequence[AnnotationDocument],
    info: dict[str, dict[str, str]] | None = None,
) -> LoadSummary:
    """Write annotations (and stale reference graphs) in ONE transaction. ``info`` is the
    store's bookkeeping when the caller already read it (reading it scans every graph
    name: seconds for a store of 100,000 files)."""
    info = store.graph_info() if info is None else info
    reference = stale_reference_graphs(store, info)
    existing = set(store.graphs())
    for doc in documents:
        _warn_other_source(doc, info.get(doc.annotation_iri, {}).get("source"))
    started = time.perf_counter()
    how = "in one transaction"
    if isinstance(store, OxigraphStore):
        graphs, ntriples, sources = serialised_batch(documents, reference)
        if not existing and len(ntriples) >= BULK_LOAD_MIN:
            how = "with the bulk loader (empty store)"
            _bulk_load_empty(store, graphs, ntriples, sources)
        elif graphs or ntriples:
            store.replace_serialised(graphs, ntriples, sources)
    else:
        graphs, sources = batch(documents, reference)
        store.replace_graphs(graphs, sources)
    iris = [d.annotation_iri for d in documents]
    replaced = [i for i in iris if i in existing]
    log.info(
        "wrote %d graphs %s in %.2f s: %d new, %d replaced, %d reference",
        len(reference) + len(documents),
        how,
        seconds_since(started),
        len(iris) - len(replaced),
        len(replaced),
        len(reference),
    )
    for iri in iris:
        log.debug("%s <%s>", "replaced" if iri in existing else "added", iri)
    for ref in reference:
        log.info("(re)loaded reference graph <%s> (sources changed or missing)", ref.iri)
    return LoadSummary(
        loaded=iris,
        replaced=replaced,
        reference=[r.iri for r in reference],
        papers=len({d.paper_iri for d in documents}),
    )


class _StreamWriter:
    """Writes each validated chunk into an empty store as it arrives (bounded memory: the
    triples of 100,000 files are never all in this process), until a file has an error;
    then it stops writing, and the load empties the store again."""

    #: Bytes of N-Triples gathered before one call of the bulk loader (each call has a
    #: fixed cost; ~10^5 triples a call measured within 25 % of one call for everything).
    BATCH_BYTES = 32 * 1024 * 1024

    def __init__(self, store: OxigraphStore) -> None:
        self.store = store
        self.failed = False
        self.pending: dict[str, bytes] = {}
        self.size = 0

    def __call__(self, records: list) -> None:
        for record in records:
            if any(p.severity == ERROR for p in record.problems) or record.unstorable:
                self.failed = True
            if self.failed or record.annotation_iri is None or record.unchanged:
                continue
            self.pending[f"{record.annotation_iri}"] = record.ntriples or b""
            self.size += len(record.ntriples or b"")
            record.ntriples = b""  # written (or about to be): not kept
        if self.size >= self.BATCH_BYTES:
            self.flush()

    def flush(self) -> None:
        if self.pending and not self.failed:
            self.store.bulk_append(self.pending)
        self.pending, self.size = {}, 0


def _stream_first_load(
    store: OxigraphStore,
    files: Sequence[Path],
    echo: Echo,
    progress: Progress | None,
    workers: int | None,
) -> LoadSummary:
    """The first load of many files into an empty store: validated and written chunk by
    chunk with the bulk loader; any error (or interruption) empties the store again, so
    a failed load still leaves it as it was (see :func:`_bulk_load_empty` for why no
    transaction)."""
    started = time.perf_counter()
    writer = _StreamWriter(store)
    try:
        run = validate_collected(files, [], progress, workers=workers, each_chunk=writer)
        if run.problems:
            report_problems(run, echo)
        documents = check_loadable(run)
        writer.flush()
        reference = reference_graphs()
        graphs, _, sources = serialised_batch([], reference)
        loaded_at = datetime.now(UTC).isoformat(timespec="seconds")
        for doc in documents:
            sources[doc.annotation_iri] = {
                "source": str(doc.path.resolve()),
                "digest": doc.digest or file_digest([doc.path]),
                "loadedAt": loaded_at,
            }
        store.bulk_finish(graphs, sources)
    except BaseException:
        store.clear()
        raise
    log.info(
        "wrote %d graphs with the bulk loader, streaming (empty store) in %.2f s",
        len(documents) + len(reference),
        seconds_since(started),
    )
    return LoadSummary(
        loaded=[d.annotation_iri for d in documents],
        reference=[r.iri for r in reference],
        papers=len({d.paper_iri for d in documents}),
    )


def _bulk_load_empty(
    store: OxigraphStore,
    graphs: dict[str, Iterable],
    ntriples: dict[str, bytes],
    sources: dict[str, dict[str, str]],
) -> None:
    """Fill an empty store with the bulk loader; on any failure, empty it again.

    Why not one transaction here: Oxigraph holds a transaction's writes in memory (the
    issue measured 5 GB for 10,000 files), and one SPARQL update of 100,000 files is
    ~0.5 GB of text before it is parsed. Atomic still for every failure this process
    sees (the store was empty, and is emptied again); only a killed process can leave
    part of a first load behind, which the next ``load`` completes (its files' digests
    are then found and skipped, the rest written).
    """
    try:
        store.bulk_load_serialised(graphs, ntriples, sources)
    except BaseException:
        store.clear()
        raise


def _warn_other_source(doc: AnnotationDocument, loaded_from: str | None) -> None:
    """Warn when an annotation replaces a copy that was loaded from a different file: two
    files claim the same annotation (same paper and annotator), and the later load wins."""
    here = str(doc.path.resolve())
    if loaded_from and loaded_from != here:
        log.warning(
            "%s replaces annotation <%s>, which was loaded from %s; the two files describe "
            "the same annotation (same paper and annotator): keep one of them",
            doc.path,
            doc.annotation_iri,
            loaded_from,
        )


def load_files(
    store: Store,
    paths: Sequence[Path],
    echo: Echo,
    progress: Progress | None = None,
    *,
    incremental: bool = True,
    workers: int | None = None,
) -> LoadSummary:
    """Validate ``paths`` and, when every file passes, load them all (warnings are shown).

    ``incremental`` (embedded store): a file whose name and bytes hash to a digest the
    store records for that source file is neither validated nor written again (counted
    as unchanged); the
    rest are validated in ``workers`` processes (:mod:`normspace.bulkread`).
    """
    # the embedded store only: a remote one is validated against first (a server that is
    # down is reported after the files were checked, as before) and written in full
    files = expand_paths(paths)
    if isinstance(store, OxigraphStore) and len(files) >= BULK_LOAD_MIN and not store.graphs():
        return _stream_first_load(store, files, echo, progress, workers)
    info = None
    known = None
    if incremental and isinstance(store, OxigraphStore):
        info = store.graph_info()
        known = known_digests(info)
    run = validate_collected(files, [], progress, workers=workers, known=known)
    if run.problems:
        report_problems(run, echo)
    documents = check_loadable(run)
    summary = write_documents(store, documents, info)
    summary.unchanged = len(run.unchanged)
    if run.unchanged:
        log.info("%d files unchanged since they were loaded: skipped", len(run.unchanged))
    return summary


def build_store(
    path: Path | None, documents: Sequence[AnnotationDocument]
) -> tuple[OxigraphStore, LoadSummary]:
    """A new store at ``path`` (which must not exist; None: in memory) holding the
    reference graphs and ``documents``, bulk-loaded (no transaction is needed: a failed
    build is discarded)."""
    started = time.perf_counter()
    store = OxigraphStore(path)
    reference = reference_graphs()
    graphs, ntriples, sources = serialised_batch(documents, reference)
    store.bulk_load_serialised(graphs, ntriples, sources)
    log.info(
        "built the store at %s: %d graphs, %d quads in %.2f s",
        path,
        len(graphs) + len(ntriples),
        len(store),
        seconds_since(started),
    )
    summary = LoadSummary(
        loaded=[d.annotation_iri for d in documents],
        reference=[r.iri for r in reference],
        papers=len({d.paper_iri for d in documents}),
    )
    return store, summary

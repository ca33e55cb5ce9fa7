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
from .errors import InputError
from .feedback import Echo, Progress, seconds_since
from .imports import imports_graph, module_paths
from .ontology import load_ontology, ontology_files
from .store import IMPORTS_GRAPH, MAPPINGS_GRAPH, ONTOLOGY_GRAPH, OxigraphStore, Store
from .validation import check_loadable, report_problems, validate_files

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
    import_files = module_paths()
    if import_files:
        # labels and hierarchies of the mapped external terms, so that queries can follow
        # a mapping into the external ontology (e.g. everything DPV files under a concept)
        graphs.append(ReferenceGraph(IMPORTS_GRAPH, import_files, imports_graph))
    return graphs


def stale_reference_graphs(store: Store) -> list[ReferenceGraph]:
    """Reference graphs that are missing from the store or whose sources changed."""
    info = store.graph_info()
    present = set(store.graphs())
    return [
        g
        for g in reference_graphs()
        if g.iri not in present or info.get(g.iri, {}).get("digest") != g.digest
    ]


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


@dataclass
class LoadSummary:
    loaded: list[str] = field(default_factory=list)  # annotation graphs written
    replaced: list[str] = field(default_factory=list)  # ... of which existed before
    reference: list[str] = field(default_factory=list)  # reference graphs (re)loaded
    papers: int = 0

    def describe(self, where: str) -> str:
        n = len(self.loaded)
        text = f"loaded {n} annotation{'s' if n != 1 else ''} of {self.papers} paper"
        text += f"{'s' if self.papers != 1 else ''} into {where}"
        if self.replaced:
            text += f" ({len(self.replaced)} replaced an earlier version)"
        if self.reference:
            text += "; (re)loaded " + ", ".join(f"<{g}>" for g in self.reference)
        return text


def batch(
    documents: Sequence[AnnotationDocument], reference: Sequence[ReferenceGraph]
) -> tuple[dict[str, Iterable], dict[str, dict[str, str]]]:
    """Graphs and bookkeeping of one write."""
    graphs: dict[str, Iterable] = {}
    sources: dict[str, dict[str, str]] = {}
    for ref in reference:
        graphs[ref.iri] = ref.build()
        sources[ref.iri] = {"digest": ref.digest, "source": str(ref.sources[0].parent)}
    loaded_at = datetime.now(UTC).isoformat(timespec="seconds")
    for doc in documents:
        graphs[doc.annotation_iri] = doc.graph
        sources[doc.annotation_iri] = {
            "source": str(doc.path.resolve()),
            "digest": file_digest([doc.path]),
            "loadedAt": loaded_at,
        }
    return graphs, sources


def write_documents(store: Store, documents: Sequence[AnnotationDocument]) -> LoadSummary:
    """Write annotations (and stale reference graphs) in ONE transaction."""
    reference = stale_reference_graphs(store)
    existing = set(store.graphs())
    info = store.graph_info()
    for doc in documents:
        _warn_other_source(doc, info.get(doc.annotation_iri, {}).get("source"))
    graphs, sources = batch(documents, reference)
    started = time.perf_counter()
    store.replace_graphs(graphs, sources)
    iris = [d.annotation_iri for d in documents]
    replaced = [i for i in iris if i in existing]
    log.info(
        "wrote %d graphs in one transaction in %.2f s: %d new, %d replaced, %d reference",
        len(graphs),
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
    store: Store, paths: Sequence[Path], echo: Echo, progress: Progress | None = None
) -> LoadSummary:
    """Validate ``paths`` and, when every file passes, load them all (warnings are shown)."""
    run = validate_files(paths, progress)
    if run.problems:
        report_problems(run, echo)
    documents = check_loadable(run)
    return write_documents(store, documents)


def build_store(
    path: Path | None, documents: Sequence[AnnotationDocument]
) -> tuple[OxigraphStore, LoadSummary]:
    """A new store at ``path`` (which must not exist; None: in memory) holding the
    reference graphs and ``documents``, bulk-loaded (no transaction is needed: a failed
    build is discarded)."""
    started = time.perf_counter()
    store = OxigraphStore(path)
    reference = reference_graphs()
    graphs, sources = batch(documents, reference)
    store.bulk_replace_all(graphs, sources)
    log.info(
        "built the store at %s: %d graphs, %d quads in %.2f s",
        path,
        len(graphs),
        len(store),
        seconds_since(started),
    )
    summary = LoadSummary(
        loaded=[d.annotation_iri for d in documents],
        reference=[r.iri for r in reference],
        papers=len({d.paper_iri for d in documents}),
    )
    return store, summary

"""Read and validate many annotation files at once, in worker processes.

The per-file path (:func:`normspace.annotation.validate.validate_file`) keeps everything
about a file in memory: its rdflib graph, model, origins and SHACL report graph. That is
right for one file and impossible for 100,000. Here each worker process reads a chunk of
files, validates each one (the same reader, the same SHACL engine and the same mapping of
results back to YAML fields as the per-file path, so the problems are identical), and sends
back one small picklable :class:`FileRecord` per file: its digest, IRIs, problems and its
triples as N-Triples bytes (what the store needs), never an rdflib object.

Why processes: reading YAML, building RDF and running pySHACL are pure Python and hold the
GIL, so threads would not use the second core. Records come back in the order of the files
(``Executor.map``), chunk by chunk, so callers can show progress per finished chunk and the
output of ``validate`` is the same whatever the number of workers.

Incremental loading: a caller may pass, for each source file, the digests the store already
records for it (``known``); a file whose bytes hash to one of them is neither parsed nor
validated (its record says ``unchanged``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import pyoxigraph as ox

from .annotation.document import AnnotationDocument, ParsedFile, parse_bytes, parse_file
from .annotation.problems import Problem
from .annotation.terms import TermResolver
from .annotation.to_rdf import annotation_nquads
from .annotation.validate import FileResult, file_result, validate_parsed
from .errors import InputError
from .shacl import ShaclEngine, ShaclResult, annotation_engine
from .shaclbatch import BatchShaclEngine, batch_engine, encode_nquads, engine_choice
from .store import ntriples_of

log = logging.getLogger(__name__)

#: Environment variable that sets the number of worker processes (1: read in this process).
WORKERS_ENV = "NORMSPACE_WORKERS"
#: More processes than this only add start-up time and memory on the machines we measured.
MAX_WORKERS = 8
#: Files per task sent to a worker: large enough that pickling and scheduling are noise
#: (a file takes milliseconds), small enough that progress moves and both cores stay busy.
CHUNK_FILES = 100
#: Fewer files than this are read in this process: starting workers (each builds its own
#: SHACL engine, ~1-2 s) would cost more than it saves.
MIN_PARALLEL_FILES = 400

#: Digests the store records per source file (resolved path), set in each worker process
#: by :func:`_init_worker` (sent once per worker, not once per chunk).
_KNOWN: Mapping[str, frozenset[str]] = {}
#: Whether records carry their triples (``load``, ``run``) or not (``validate``: at 100k
#: files the N-Triples are ~2 GB that nobody reads), set like :data:`_KNOWN`.
_TRIPLES = True


def default_workers() -> int:
    """Worker processes: ``$NORMSPACE_WORKERS`` when set, else one per CPU (at most 8)."""
    value = os.environ.get(WORKERS_ENV, "").strip()
    if value:
        try:
            workers = int(value)
        except ValueError:
            workers = 0
        if workers < 1:
            raise InputError(
                f"{WORKERS_ENV}={value!r} is not a number of worker processes; "
                "give a whole number of at least 1 (1 reads in this process)"
            )
        return workers
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


def content_digest(path: Path, data: bytes) -> str:
    """The digest the store's bookkeeping records for an annotation file: SHA-256 over its
    name and bytes (as :func:`normspace.loading.file_digest` of one file)."""
    digest = hashlib.sha256()
    digest.update(path.name.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(data)
    return "sha256:" + digest.hexdigest()


@dataclass
class FileRecord:
    """What the bulk reader knows about one file: small, picklable, no rdflib graphs."""

    path: Path
    digest: str | None  # None: the file could not be read
    problems: list[Problem] = field(default_factory=list)  # all, sorted as validate shows them
    reader_problems: list[Problem] = field(default_factory=list)  # the reader's alone
    paper_line: int | None = None  # line of `paper:` (for the duplicate-annotation error)
    annotation_iri: str | None = None  # None: no RDF could be built
    paper_iri: str | None = None
    ntriples: bytes | None = None
    #: Why the store would refuse one of its triples (checked in the worker, where the
    #: rdflib graph still exists), or None.
    unstorable: str | None = None
    unchanged: bool = False  # the store already holds exactly this content

    def file_result(self) -> FileResult:
        """The :class:`FileResult` the per-file path gives, minus the SHACL report graph."""
        document = None
        if self.annotation_iri is not None and self.paper_iri is not None:
            document = AnnotationDocument(
                self.path,
                self.annotation_iri,
                self.paper_iri,
                ntriples=self.ntriples or b"",
                digest=self.digest,
                unstorable=self.unstorable,
            )
        positions = {"paper": (self.paper_line, 1)} if self.paper_line else {}
        parsed = ParsedFile(self.path, document, list(self.reader_problems), positions)
        return FileResult(parsed, problems=list(self.problems))


def _init_worker(known: Mapping[str, frozenset[str]], triples: bool = True) -> None:
    global _KNOWN, _TRIPLES
    _KNOWN, _TRIPLES = known, triples


class _Reader:
    """Per-process state: the SHACL engines and term resolver are built once and reused."""

    def __init__(self, validate: bool) -> None:
        self.validate = validate
        self.resolver = TermResolver()
        self.batch = validate and engine_choice() == "sparql"
        self.engine: ShaclEngine | None = None
        if validate:
            self.engine = batch_engine() if self.batch else annotation_engine()

    def read_chunk(self, paths: Sequence[Path]) -> list[FileRecord]:
        """Records of a chunk of files. With the batch engine the chunk's graphs are
        validated together, and only the files with results are validated again on their
        own, for the results with the file's own terms that the mapping to YAML needs."""
        read = [self.parse(path) for path in paths]
        store, graphs = self.serialise(read)
        flagged = None
        if self.batch:  # (a chunk of unchanged files has nothing to validate)
            flagged = (self.flag(store, graphs) if graphs else set()) | _refused(read)
        if flagged and hasattr(self.engine, "validate_graphs"):
            self.validate_flagged(read, flagged)
        return [self.record(item, flagged, i) for i, item in enumerate(read)]

    def validate_flagged(self, read: list[_Read], flagged: set[int]) -> None:
        """The flagged files validated together, with their own terms (one store, one
        query per constraint), instead of one by one in :meth:`record`."""
        graphs = {}
        for i in flagged:
            document = read[i].document
            if document is not None and read[i].nquads is not None:
                graphs[f"urn:normspace:bulk:file:{i}"] = document.graph
        results = self.engine.validate_graphs(graphs)  # type: ignore[union-attr]
        for key in graphs:
            i = int(key.rsplit(":", 1)[1])
            read[i].results = results.get(key, [])

    def parse(self, path: Path) -> _Read:
        try:
            data = path.read_bytes()
        except OSError:
            data = None  # parse_file reports it exactly as the per-file path does
        digest = content_digest(path, data) if data is not None else None
        if digest is not None and digest in _KNOWN.get(str(path.resolve()), ()):
            return _Read(path, digest, None)
        if data is None:
            return _Read(path, digest, parse_file(path, self.resolver))
        return _Read(path, digest, parse_bytes(path, data, self.resolver, graph=False))

    def serialise(self, read: list[_Read]) -> tuple[ox.Store, dict[str, int]]:
        """N-Quads of every document, built from the model (no rdflib graph), each in its
        own graph of one in-memory store for the chunk: the batch engine validates that
        store, and loading it checks every term as the target store will (a file whose
        triples Oxigraph refuses gets no N-Quads: it is serialised term by term later,
        which names the refused triple)."""
        prefix = uuid.uuid4().hex
        graphs: dict[str, int] = {}
        for i, item in enumerate(read):
            document = item.document
            if document is None or document.annotation is None:
                continue
            graph = f"urn:normspace:bulk:{prefix}:{i}"
            try:
                text = annotation_nquads(document.annotation, graph, f"u{prefix}f{i}b")
            except ValueError:  # an IRI no store takes: validated and refused on its own
                continue
            item.graph, item.nquads = graph, text.encode("utf-8")
            graphs[graph] = i
        # encode_nquads: Oxigraph would re-type integer-subtype literals as xsd:integer,
        # and the batch engine would then report false datatype violations
        store = ox.Store()
        try:
            store.load(
                encode_nquads(b"".join(read[i].nquads or b"" for i in graphs.values())),
                ox.RdfFormat.N_QUADS,
            )
        except SyntaxError:  # a term the store refuses: find the file(s)
            store = ox.Store()
            for graph, i in list(graphs.items()):
                try:
                    store.load(encode_nquads(read[i].nquads), ox.RdfFormat.N_QUADS)
                except SyntaxError:
                    read[i].nquads = None
                    del graphs[graph]
        return store, graphs

    def flag(self, store: ox.Store, graphs: dict[str, int]) -> set[int]:
        """Indexes of the files the batch engine finds results for: one query per
        constraint for the whole chunk."""
        assert isinstance(self.engine, BatchShaclEngine)
        found = self.engine.validate_store(store)  # (it holds only these graphs)
        return {graphs[g] for g in found if g in graphs}

    def record(self, item: _Read, flagged: set[int] | None, index: int) -> FileRecord:
        if item.parsed is None:
            return FileRecord(item.path, item.digest, unchanged=True)
        parsed = item.parsed
        if not self.validate or (flagged is not None and index not in flagged):
            result = file_result(parsed, [], self.resolver)
        elif item.results is not None:
            result = file_result(parsed, [(None, r) for r in item.results], self.resolver)
        else:
            result = validate_parsed(parsed, self.engine, self.resolver)
        record = FileRecord(
            item.path,
            item.digest,
            problems=result.problems,
            reader_problems=parsed.problems,
            paper_line=parsed.line_of("paper"),
        )
        document = parsed.document
        if document is not None:
            record.annotation_iri = document.annotation_iri
            record.paper_iri = document.paper_iri
            if _TRIPLES:
                record.ntriples, record.unstorable = _triples(item, document)
        return record


def _triples(item: _Read, document: AnnotationDocument) -> tuple[bytes, str | None]:
    """A document's N-Triples (from the chunk's N-Quads when the validation store took
    them) and why the store would refuse one of its triples, if it would."""
    if item.nquads is not None and item.graph is not None:
        tail = f" <{item.graph}> .\n".encode()
        return item.nquads.replace(tail, b" .\n"), None
    return document_ntriples(document)


@dataclass
class _Read:
    """A file as read in the worker, before its record is made."""

    path: Path
    digest: str | None
    parsed: ParsedFile | None  # None: unchanged, not parsed
    graph: str | None = None  # its graph in the chunk's validation store
    nquads: bytes | None = None
    results: list[ShaclResult] | None = None  # from the batch engine, with the file's terms

    @property
    def document(self) -> AnnotationDocument | None:
        return self.parsed.document if self.parsed is not None else None


def _refused(read: list[_Read]) -> set[int]:
    """Files with a document but no N-Quads (the store refused a term): validated alone."""
    return {i for i, item in enumerate(read) if item.document is not None and item.nquads is None}


def document_ntriples(document: AnnotationDocument) -> tuple[bytes, str | None]:
    """N-Triples of a document's graph, checked term by term by Oxigraph (so a triple the
    store would refuse is found here, with its file, not in the middle of a write); and
    the message naming such a triple, if any."""
    meta = {"source": str(document.path.resolve())}
    try:
        return ntriples_of(document.annotation_iri, document.graph, meta), None
    except InputError as exc:
        return b"", str(exc)


_READERS: dict[bool, _Reader] = {}


def _reader(validate: bool) -> _Reader:
    if validate not in _READERS:
        _READERS[validate] = _Reader(validate)
    return _READERS[validate]


def _read_chunk(paths: Sequence[Path], validate: bool) -> list[FileRecord]:
    """One worker task: the records of a chunk of files, in order (the reader is built
    once per worker process, which lives for one :func:`read_records` call)."""
    return _reader(validate).read_chunk(paths)


def chunks(paths: Sequence[Path], size: int) -> list[Sequence[Path]]:
    """``paths`` cut into consecutive chunks of ``size`` (the last may be shorter)."""
    return [paths[i : i + size] for i in range(0, len(paths), size)]


def read_records(
    paths: Sequence[Path],
    *,
    workers: int | None = None,
    validate: bool = True,
    known: Mapping[str, frozenset[str]] | None = None,
    chunk_files: int | None = None,
    triples: bool = True,
) -> Iterator[list[FileRecord]]:
    """The records of ``paths`` chunk by chunk, in order.

    ``workers`` processes (default :func:`default_workers`; 1, or fewer than
    :data:`MIN_PARALLEL_FILES` files with the default, read in this process). ``known``
    maps a source file (resolved path) to the digests the store records for it: such files
    come back ``unchanged``, unread by the reader and unvalidated. Without ``triples``
    records carry no N-Triples (validation only).
    """
    known = known or {}
    if validate:
        engine_choice()  # a wrong $NORMSPACE_SHACL_ENGINE is reported here, not by a worker
    parts = chunks(paths, chunk_files or CHUNK_FILES)
    if workers is None:
        workers = default_workers()  # (checks $NORMSPACE_WORKERS even for a few files)
        if len(paths) < MIN_PARALLEL_FILES and not os.environ.get(WORKERS_ENV, "").strip():
            workers = 1
    workers = min(workers, len(parts))
    if workers <= 1:
        _init_worker(known, triples)
        reader = _Reader(validate)  # a fresh resolver: the term index of this moment
        try:
            for part in parts:
                yield reader.read_chunk(part)
        finally:
            _init_worker({})
        return
    log.info("reading %d files in %d worker processes", len(paths), workers)
    with ProcessPoolExecutor(
        workers, mp_context=_context(), initializer=_init_worker, initargs=(known, triples)
    ) as pool:
        try:
            yield from pool.map(_read_chunk, parts, [validate] * len(parts))
        except BrokenProcessPool as exc:
            raise InputError(
                f"a worker process reading the files stopped unexpectedly ({exc}; out of "
                f"memory?); nothing was written; run again with {WORKERS_ENV}=1 to read in "
                "one process"
            ) from exc


def _context():
    """``fork`` where it exists (workers start in milliseconds, sharing the imported
    modules); elsewhere the platform default."""
    try:
        return get_context("fork")
    except ValueError:
        return get_context()

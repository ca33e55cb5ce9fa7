"""RDF stores behind one interface: the embedded on-disk store and a remote SPARQL endpoint.

Layout of a store (agreed in ``notes/interfaces.md``): the ontology in the named graph
``https://w3id.org/normspace``, the SKOS mappings in ``https://w3id.org/normspace/mappings``,
and each annotation in its own named graph named by its annotation IRI, so that reloading an
edited file replaces exactly its old version. Queries see the union of all graphs as their
default graph.

The store's own bookkeeping records, for every graph it loaded, the file it came from and a
digest of its source (``source``, ``digest``). The digest tells ``load`` whether the bundled
ontology changed since it was loaded; the source lets ``remove FILE`` work after the file
was edited or deleted, and ``normspace store repair`` rebuild a damaged store. Each record
is the NAME of an empty named graph (``<https://w3id.org/normspace/store/record?graph=...
&source=...&digest=...>``, see :func:`record_graph`), created in the same transaction as
the graph it describes. Why names of empty graphs: they hold no triples, so queries over
the union default graph (and ``GRAPH ?g { ?s ?p ?o }`` patterns) never see bookkeeping,
while the alternative, an explicit default-graph list of the data graphs, makes Oxigraph
scan every graph separately (124 s instead of 0.06 s for one query on 10,000 graphs).
Stores written by older versions kept the records as triples in the graph
:data:`STORE_GRAPH`; they are converted when the store is next opened for writing.

Damage: RocksDB reports a corrupted or half-written store as ``RuntimeError``
("Corruption: ...") or ``OSError`` ("IO error: No such file ..."); every access turns these
into :class:`StoreDamagedError`, which names the folder and the way out (``normspace store
check`` / ``repair``). A read-only open is documented as undefined while another process
writes, so read-only opens and reads retry a few times with back-off before reporting
damage (:data:`READ_RETRY_DELAYS`).

Writes are atomic: :meth:`OxigraphStore.replace_graphs` turns the whole batch (drops of the
old versions, bookkeeping, every new triple) into ONE SPARQL 1.1 Update request, which
Oxigraph applies as a single transaction; anything that fails before or during that call
leaves the store as it was.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from dataclasses import replace as endpoint_replace
from pathlib import Path
from typing import IO, Any, Protocol, TypeVar
from urllib.parse import quote, unquote

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from .endpointconfig import EndpointConfig, endpoint_config
from .errors import InputError
from .namespaces import ONTOLOGY_IRI, PREFIXES
from .oxterms import from_oxigraph

log = logging.getLogger(__name__)

ONTOLOGY_GRAPH = ONTOLOGY_IRI
MAPPINGS_GRAPH = "https://w3id.org/normspace/mappings"
IMPORTS_GRAPH = "https://w3id.org/normspace/imports"
STORE_GRAPH = "https://w3id.org/normspace/store"
STORE_NS = "https://w3id.org/normspace/store#"
#: Names of the empty graphs that hold the bookkeeping start with this (:func:`record_graph`).
RECORD_PREFIX = STORE_GRAPH + "/record?"
#: Seconds to wait before each new attempt when a read-only open or read fails like a
#: damaged store (a writer in another process may be rewriting the files; bounded: ~3 s).
READ_RETRY_DELAYS = (0.02, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6)

#: Graphs that hold reference data rather than annotations.
REFERENCE_GRAPHS = (ONTOLOGY_GRAPH, MAPPINGS_GRAPH, IMPORTS_GRAPH)

Triple = tuple[Node, Node, Node]
T = TypeVar("T")


class ReadOnlyStoreError(InputError):
    """A write was attempted on a store that only answers queries."""


class StoreDamagedError(InputError):
    """The store's files cannot be read: corrupted, or half-written (files missing)."""


class ServiceRefusedError(InputError):
    """A query would contact another host through ``SERVICE`` and that was not allowed."""


# ---------------------------------------------------------------------------
# Damage, and the bookkeeping records
# ---------------------------------------------------------------------------

_DAMAGE_WORDS = ("corruption", "checksum", "no such file", "io error", "corrupted")


def is_lock_error(exc: BaseException) -> bool:
    """True when RocksDB refused to open because another process holds the store's lock."""
    text = str(exc).lower()
    return "lock" in text and ("unavailable" in text or "lock file" in text or "hold" in text)


def is_damage(exc: BaseException) -> bool:
    """True for the errors RocksDB raises on corrupted or missing files (not on a lock)."""
    if not isinstance(exc, (OSError, RuntimeError)) or is_lock_error(exc):
        return False
    text = str(exc).lower()
    return any(word in text for word in _DAMAGE_WORDS)


def damaged_message(path: Path | None, exc: BaseException) -> str:
    """One line: which store, what RocksDB said (first line), and the way out."""
    reason = " ".join(str(exc).split())[:300]
    return (
        f"the store at {path} is damaged or half-written ({reason}); "
        f"`normspace store check --store {path}` shows what is wrong and "
        f"`normspace store repair --store {path}` rebuilds it from the annotation files "
        "it was loaded from"
    )


def record_graph(graph_iri: str, meta: Mapping[str, str]) -> str:
    """The name of the empty graph recording ``meta`` (source, digest, ...) of a graph.

    Values are percent-encoded as bytes (``surrogateescape``), so any file name fits.

    >>> record_graph("https://e.org/a", {"source": "/x y"})
    'https://w3id.org/normspace/store/record?graph=https%3A%2F%2Fe.org%2Fa&source=%2Fx%20y'
    >>> parse_record(_)
    ('https://e.org/a', {'source': '/x y'})
    """
    parts = [("graph", graph_iri), *sorted(meta.items())]
    return RECORD_PREFIX + "&".join(
        f"{key}={quote(value.encode('utf-8', 'surrogateescape'), safe='')}" for key, value in parts
    )


def parse_record(name: str) -> tuple[str, dict[str, str]] | None:
    """``(graph IRI, meta)`` of a record graph name, or None for any other graph."""
    if not name.startswith(RECORD_PREFIX):
        return None
    fields: dict[str, str] = {}
    for part in name[len(RECORD_PREFIX) :].split("&"):
        key, _, value = part.partition("=")
        fields[key] = unquote(value, errors="surrogateescape")
    graph = fields.pop("graph", None)
    return (graph, fields) if graph else None


def _is_bookkeeping(name: str) -> bool:
    return name == STORE_GRAPH or name.startswith(RECORD_PREFIX)


# ---------------------------------------------------------------------------
# Query results
# ---------------------------------------------------------------------------


@dataclass
class QueryResult:
    """The solutions of a SELECT query as rdflib terms (``None`` where a variable is unbound),
    or the answer of an ASK query in :attr:`boolean`."""

    variables: list[str]
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[tuple[Node | None, ...]]:
        return iter(self.rows)

    def column(self, name: str) -> list[Node | None]:
        i = self.variables.index(name)
        return [row[i] for row in self.rows]

    def dicts(self) -> list[dict[str, Node | None]]:
        return [dict(zip(self.variables, row, strict=True)) for row in self.rows]


# ---------------------------------------------------------------------------
# Term conversion between rdflib and pyoxigraph
# ---------------------------------------------------------------------------

_XSD_STRING = str(XSD.string)


def to_oxigraph(term: Node, bnodes: dict[BNode, ox.BlankNode] | None = None):
    """Convert an rdflib term; each rdflib blank node maps to a fresh Oxigraph one (via
    ``bnodes``), so blank nodes of different files can never merge.

    >>> str(to_oxigraph(URIRef("https://w3id.org/normspace#RLHF")))
    '<https://w3id.org/normspace#RLHF>'
    >>> str(to_oxigraph(Literal("5", datatype=XSD.integer)))
    '"5"^^<http://www.w3.org/2001/XMLSchema#integer>'
    """
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        if bnodes is None:
            return ox.BlankNode(str(term))
        if term not in bnodes:
            bnodes[term] = ox.BlankNode()
        return bnodes[term]
    raise TypeError(f"cannot store RDF term {term!r}")


def sparql_term(term: Node) -> str:
    """An rdflib term written as SPARQL/N-Triples syntax, validated and escaped by Oxigraph.

    >>> sparql_term(Literal('say "hi"\\n'))
    '"say \\\\"hi\\\\"\\\\n"'
    >>> sparql_term(URIRef("https://example.org/a>b"))
    Traceback (most recent call last):
    ...
    ValueError: Invalid IRI code point '>'
    """
    if isinstance(term, BNode):
        raise ValueError("blank nodes cannot be bound as query parameters")
    return str(to_oxigraph(term))


# ---------------------------------------------------------------------------
# Export formats
# ---------------------------------------------------------------------------

#: ``--format`` names of ``normspace export`` -> Oxigraph serialisation.
EXPORT_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}


class _Output:
    """A stream pyoxigraph can write bytes to: ``out`` itself when it is binary, else a
    text stream (stdout, ``-o FILE``) fed through an incremental UTF-8 decoder (a chunk
    may end inside a character). Counts what was written."""

    def __init__(self, out: IO) -> None:
        self.out = out
        self.text = isinstance(out, io.TextIOBase) or "b" not in getattr(out, "mode", "b")
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.written = 0

    def write(self, data: bytes) -> int:
        self.written += len(data)
        self.out.write(self.decoder.decode(data) if self.text else data)
        return len(data)

    def flush(self) -> None:
        self.out.flush()


def write_quads(out: IO, quads: Iterable[ox.Quad], fmt: str) -> int:
    """Serialise quads to ``out`` as they come (an export of 10M quads is never one string
    in memory); formats without named graphs get the (deduplicated) union. The bytes
    written."""
    if fmt not in EXPORT_FORMATS:
        raise InputError(
            f"unknown export format `{fmt}`; expected one of {', '.join(EXPORT_FORMATS)}"
        )
    rdf_format = EXPORT_FORMATS[fmt]
    if rdf_format.supports_datasets:
        items: Iterable = quads
    else:
        items = list(dict.fromkeys(q.triple for q in quads))
    output = _Output(out)
    ox.serialize(items, output, format=rdf_format, prefixes=dict(PREFIXES))
    return output.written


# ---------------------------------------------------------------------------
# The interface
# ---------------------------------------------------------------------------


class Store(Protocol):
    def query(
        self, sparql: str, bindings: Mapping[str, Node] | None = None, *, inline: bool = False
    ) -> QueryResult: ...

    def replace_graphs(
        self,
        graphs: Mapping[str, Iterable[Triple]],
        sources: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None: ...

    def remove_graphs(self, graph_iris: Iterable[str]) -> None: ...

    def graphs(self) -> list[str]: ...

    def graph_info(self) -> dict[str, dict[str, str]]: ...

    def export(self, out: IO, fmt: str, graphs: Sequence[str] | None = None) -> None: ...

    def close(self) -> None: ...


def _check_graph_iri(iri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as exc:
        raise InputError(f"`{iri}` is not a valid graph IRI: {exc}") from exc


# ---------------------------------------------------------------------------
# Embedded store
# ---------------------------------------------------------------------------


class OxigraphStore:
    """The embedded store: pyoxigraph (RocksDB) on disk, or in memory when ``path`` is None.

    ``allow_service`` lets queries use ``SERVICE <url>`` (federation), which makes the store
    contact that host; it is off by default so that a query file cannot reach the network
    unless the user says so (``normspace query --allow-service``).
    """

    def __init__(
        self, path: Path | None = None, *, read_only: bool = False, allow_service: bool = False
    ) -> None:
        self.path = path
        self.read_only = read_only
        self.allow_service = allow_service
        if path is not None and not read_only:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise InputError(f"cannot create the store at {path}: {exc}") from exc
        self._store = self._open()
        if path is not None and not read_only:
            self._convert_legacy_bookkeeping()

    def _open(self) -> ox.Store:
        """Open the files; a read-only open retries while it looks like a racing writer."""
        if self.path is None:
            return ox.Store()
        delays = READ_RETRY_DELAYS if self.read_only else ()
        for attempt in range(len(delays) + 1):
            try:
                if self.read_only:
                    return ox.Store.read_only(str(self.path))
                return ox.Store(str(self.path))
            except (OSError, RuntimeError) as exc:
                if not is_damage(exc):
                    raise InputError(
                        f"cannot open the store at {self.path}: {_os_reason(exc)}"
                    ) from exc
                if attempt == len(delays) or "current file" in str(exc).lower():
                    # a writer replaces CURRENT by a rename, so a garbled one is never
                    # a race: no point waiting
                    raise StoreDamagedError(damaged_message(self.path, exc)) from exc
                log.debug("opening %s failed (%s); retrying", self.path, exc)
                time.sleep(delays[attempt])
        raise AssertionError("unreachable")

    def _reading(self, what: str, read: Callable[[], T]) -> T:
        """Run ``read`` against the store, turning RocksDB errors into clear ones.

        Read-only stores retry damaged-looking reads after reopening (a writer in another
        process may have replaced the files under the open snapshot); a writable store
        holds the lock, so there such an error is real damage at once.
        """
        delays = READ_RETRY_DELAYS if self.read_only and self.path is not None else ()
        for attempt in range(len(delays) + 1):
            try:
                return read()
            except (OSError, RuntimeError) as exc:
                if not is_damage(exc):
                    if isinstance(exc, OSError):
                        raise InputError(
                            f"cannot read the store at {self.path}: {_os_reason(exc)}"
                        ) from exc
                    raise InputError(f"{what} failed: {exc}") from exc
                if attempt == len(delays):
                    raise StoreDamagedError(damaged_message(self.path, exc)) from exc
                log.debug("reading %s failed (%s); reopening", self.path, exc)
                time.sleep(delays[attempt])
                self._store = self._open()
        raise AssertionError("unreachable")

    # -- reading -------------------------------------------------------------------------

    def query(
        self, sparql: str, bindings: Mapping[str, Node] | None = None, *, inline: bool = False
    ) -> QueryResult:
        """Run a SPARQL query over the union of all graphs.

        ``bindings`` are passed to Oxigraph as substitutions (SEP-0007): each variable is
        replaced by its RDF term inside the parsed query, so no text is spliced into the
        query. Oxigraph only substitutes variables of the SELECT projection, and its query
        planner does not see substituted values; with ``inline`` (or for a variable outside
        the projection) the terms are bound with an inline ``VALUES`` block instead
        (:func:`inject_values`), which the planner uses to order joins and which binds the
        outermost group exactly like a substitution does.

        A query with ``SERVICE`` is refused unless the store allows it (see the class).
        """
        return self.solutions(sparql, bindings, inline=inline, collect=_result)

    def solutions(
        self,
        sparql: str,
        bindings: Mapping[str, Node] | None = None,
        *,
        inline: bool = False,
        collect: Callable[[Any], T],
    ) -> T:
        """:meth:`query` with the same binding rules and errors, but the raw pyoxigraph
        answer goes to ``collect`` (inside the read guard, since solutions are lazy) instead
        of being converted to rdflib terms: printing a large result needs no rdflib object
        per row (``normspace.queryrun``)."""
        if not self.allow_service:
            refuse_service(sparql)
        bindings = dict(bindings or {})
        return self._reading("query", lambda: collect(self._answer(sparql, bindings, inline)))

    def _answer(self, sparql: str, bindings: dict[str, Node], inline: bool):
        if inline and bindings:
            return self._run(inject_values(sparql, bindings), {})
        substitutions = {ox.Variable(k): to_oxigraph(v) for k, v in bindings.items()}
        try:
            return self._run(sparql, substitutions)
        except RuntimeError as exc:
            if "projection" not in str(exc):
                raise
        return self._run(inject_values(sparql, bindings), {})

    def _run(self, sparql: str, substitutions: dict):
        try:
            return self._store.query(
                sparql, use_default_graph_as_union=True, substitutions=substitutions or None
            )
        except SyntaxError as exc:
            raise InputError(f"invalid SPARQL query: {exc}") from exc

    def _named_graphs(self) -> list[str]:
        return self._reading(
            "listing graphs", lambda: [g.value for g in self._store.named_graphs()]
        )

    def graphs(self) -> list[str]:
        """Named graphs holding data (the bookkeeping excluded), sorted."""
        return sorted(g for g in self._named_graphs() if not _is_bookkeeping(g))

    def graph_info(self) -> dict[str, dict[str, str]]:
        """Bookkeeping per graph: ``{graph IRI: {"source": ..., "digest": ...}}``."""
        info: dict[str, dict[str, str]] = {}
        for name in self._named_graphs():
            record = parse_record(name)
            if record:
                info.setdefault(record[0], {}).update(record[1])
        for graph, key, value in self._legacy_records():
            info.setdefault(graph, {})[key] = value
        return info

    def _legacy_records(self) -> list[tuple[str, str, str]]:
        """Bookkeeping triples of the old layout (graph :data:`STORE_GRAPH`), if any."""

        def read() -> list[tuple[str, str, str]]:
            legacy = ox.NamedNode(STORE_GRAPH)
            return [
                (q.subject.value, q.predicate.value.removeprefix(STORE_NS), q.object.value)
                for q in self._store.quads_for_pattern(None, None, None, legacy)
            ]

        return self._reading("reading the bookkeeping", read)

    def __len__(self) -> int:
        return self._reading("counting quads", lambda: len(self._store))

    def quads(self, graphs: Sequence[str] | None = None) -> Iterator[ox.Quad]:
        """Quads of the given graphs (default: every data graph), graph by graph."""
        for iri in graphs if graphs is not None else self.graphs():
            node = ox.NamedNode(iri)
            yield from self._reading(
                "reading quads",
                lambda n=node: list(self._store.quads_for_pattern(None, None, None, n)),
            )

    def export(self, out: IO, fmt: str, graphs: Sequence[str] | None = None) -> None:
        """Write the given graphs (default: every data graph) to ``out``."""
        if graphs is not None:
            present = set(self.graphs())
            missing = [g for g in graphs if g not in present]
            if missing:
                raise InputError(_missing_graphs_message(missing, present))
        written = write_quads(out, self.quads(graphs), fmt)
        log.info("exported %d bytes of %s from %s", written, fmt, self.path or "memory")

    def dump(self) -> bytes:
        """Every quad of the store as sorted N-Quads (for comparing store states)."""
        data = self._reading("dumping", lambda: self._store.dump(format=ox.RdfFormat.N_QUADS))
        lines = data.decode("utf-8").splitlines()
        return ("\n".join(sorted(lines)) + "\n").encode("utf-8")

    def verify(self) -> int:
        """Read every quad and every graph name (what ``store check`` does to find damaged
        blocks: RocksDB checks a block's checksum when it is read); the number of quads."""

        def read() -> int:
            count = sum(1 for _ in self._store.quads_for_pattern(None, None, None, None))
            list(self._store.named_graphs())
            return count

        return self._reading("verifying", read)

    # -- writing -------------------------------------------------------------------------

    def replace_graphs(
        self,
        graphs: Mapping[str, Iterable[Triple]],
        sources: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        """Replace each named graph by the given triples, all in one transaction.

        ``sources`` optionally records bookkeeping per graph (``source``, ``digest``). A
        triple Oxigraph refuses (an invalid language tag, IRI or string) is reported with
        its graph and source file before anything is written.
        """
        self._check_writable()
        update = self._replace_update(graphs, sources or {})
        log.debug("applying one SPARQL update of %d characters to %s", len(update), self.path)
        self._update(update)

    def replace_serialised(
        self,
        graphs: Mapping[str, Iterable[Triple]],
        ntriples: Mapping[str, bytes],
        sources: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        """:meth:`replace_graphs` for graphs given as rdflib triples (``graphs``: the few
        reference graphs) AND graphs given as N-Triples bytes (``ntriples``: the many
        annotations the bulk reader produced), all in ONE transaction.

        Why one SPARQL update again: it is the only operation pyoxigraph applies atomically
        that can also drop the old versions and write the bookkeeping. The N-Triples go
        into the update text as they are (N-Triples is SPARQL's triple syntax), so no
        Python object is made per triple; blank-node labels must be unique per graph
        across the batch (the bulk reader's are).
        """
        self._check_writable()
        iris = list(graphs) + [i for i in ntriples if i not in graphs]
        existing = set(self._named_graphs())
        ops = [f"DROP SILENT GRAPH <{_check_graph_iri(i).value}>" for i in iris if i in existing]
        ops.extend(self._forget_ops(iris, existing))
        parts: list[bytes] = [b"INSERT DATA {\n"]
        for quad in _quads(graphs, sources or {}):
            line = f"GRAPH {quad.graph_name} {{ {quad.subject} {quad.predicate} {quad.object} }}\n"
            parts.append(line.encode())
        for iri, data in ntriples.items():
            parts += [b"GRAPH <", _check_graph_iri(iri).value.encode(), b"> {\n", data, b"}\n"]
        parts.append(b"}")
        ops.append(b"".join(parts).decode("utf-8"))
        for iri in iris:
            if (sources or {}).get(iri):
                name = _check_graph_iri(record_graph(iri, sources[iri])).value
                ops.append(f"CREATE SILENT GRAPH <{name}>")
        update = " ;\n".join(ops)
        log.debug("applying one SPARQL update of %d characters to %s", len(update), self.path)
        self._update(update)

    def bulk_load_serialised(
        self,
        graphs: Mapping[str, Iterable[Triple]],
        ntriples: Mapping[str, bytes],
        sources: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        """Fill an EMPTY store with the bulk loader (no transaction, as
        :meth:`bulk_replace_all`), the annotations streamed as N-Quads built from their
        N-Triples: for stores that are thrown away when the build fails."""
        self._check_writable()
        if len(self) or self.graphs():
            raise InputError("bulk loading needs an empty store")
        written = {*graphs, *ntriples}
        self.bulk_append(ntriples)
        self.bulk_finish(graphs, {i: m for i, m in (sources or {}).items() if m and i in written})

    def bulk_append(self, ntriples: Mapping[str, bytes]) -> None:
        """Add annotation graphs (N-Triples) with the bulk loader, no transaction: the
        streaming first load (:func:`normspace.loading.load_files`) writes chunk by chunk
        into an empty store, which it empties again if the load fails."""
        self._check_writable()
        try:
            self._store.bulk_load(_NQuadsStream(ntriples), format=ox.RdfFormat.N_QUADS)
        except (OSError, RuntimeError, SyntaxError) as exc:
            raise self._write_error(exc) from exc

    def bulk_finish(
        self, graphs: Mapping[str, Iterable[Triple]], sources: Mapping[str, Mapping[str, str]]
    ) -> None:
        """The end of a streaming load: the reference graphs, every record, a flush."""
        self._check_writable()
        try:
            self._store.bulk_extend(_quads(graphs, sources))
            for iri, meta in sources.items():
                self._store.add_graph(ox.NamedNode(record_graph(iri, meta)))
            if self.path is not None:
                self._store.flush()
        except (OSError, RuntimeError) as exc:
            raise self._write_error(exc) from exc

    def remove_graphs(self, graph_iris: Iterable[str]) -> None:
        """Drop named graphs (and their bookkeeping) in one transaction."""
        self._check_writable()
        iris = list(dict.fromkeys(graph_iris))
        for iri in iris:
            _check_graph_iri(iri)
        existing = set(self._named_graphs())
        ops = [f"DROP SILENT GRAPH <{iri}>" for iri in iris if iri in existing]
        log.info("removing %d graphs from the store at %s", len(ops), self.path)
        ops.extend(self._forget_ops(iris, existing))
        if ops:
            self._update(" ;\n".join(ops))

    def clear(self) -> None:
        """Remove everything (one transaction)."""
        self._check_writable()
        self._update("DROP SILENT ALL")

    def bulk_replace_all(self, graphs: Mapping[str, Iterable[Triple]], sources=None) -> None:
        """Fill an EMPTY store quickly, without a transaction (for freshly created stores
        that are thrown away on failure, such as the one ``normspace run`` builds)."""
        self._check_writable()
        if len(self) or self.graphs():
            raise InputError("bulk loading needs an empty store")
        sources = sources or {}
        try:
            self._store.bulk_extend(_quads(graphs, sources))
            for iri in graphs:
                if sources.get(iri):
                    self._store.add_graph(ox.NamedNode(record_graph(iri, sources[iri])))
            if self.path is not None:
                self._store.flush()
        except (OSError, RuntimeError) as exc:
            raise self._write_error(exc) from exc

    def optimize(self) -> None:
        self._store.optimize()

    def close(self) -> None:
        """Release the store (and its lock on disk)."""
        self._store = None  # type: ignore[assignment]

    def __enter__(self) -> OxigraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals -------------------------------------------------------------------------

    def _check_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyStoreError(f"the store at {self.path} was opened read-only")

    def _update(self, update: str) -> None:
        """Apply one SPARQL update (one transaction), then flush it to the data files so
        that the write-ahead log of a large load does not linger on disk."""
        try:
            self._store.update(update)
            if self.path is not None:
                self._store.flush()
        except SyntaxError as exc:  # a bug in the update we built, never user input
            raise RuntimeError(
                f"internal error: generated SPARQL update is invalid: {exc}"
            ) from exc
        except (OSError, RuntimeError) as exc:
            raise self._write_error(exc) from exc

    def _write_error(self, exc: BaseException) -> InputError:
        if is_damage(exc):
            return StoreDamagedError(damaged_message(self.path, exc))
        reason = _os_reason(exc) if isinstance(exc, OSError) else str(exc)
        return InputError(f"cannot write to the store at {self.path}: {reason}")

    def _replace_update(
        self, graphs: Mapping[str, Iterable[Triple]], sources: Mapping[str, Mapping[str, str]]
    ) -> str:
        existing = set(self._named_graphs())
        ops = [
            f"DROP SILENT GRAPH <{_check_graph_iri(iri).value}>"
            for iri in graphs
            if iri in existing
        ]
        ops.extend(self._forget_ops(list(graphs), existing))
        parts = ["INSERT DATA {\n"]
        for quad in _quads(graphs, sources):
            parts.append(
                f"GRAPH {quad.graph_name} {{ {quad.subject} {quad.predicate} {quad.object} }}\n"
            )
        parts.append("}")
        ops.append("".join(parts))
        for iri in graphs:
            if sources.get(iri):
                name = _check_graph_iri(record_graph(iri, sources[iri])).value
                ops.append(f"CREATE SILENT GRAPH <{name}>")
        return " ;\n".join(ops)

    @staticmethod
    def _forget_ops(iris: Sequence[str], existing: Iterable[str]) -> list[str]:
        """Updates dropping the bookkeeping records of ``iris``."""
        # record names start with `graph=<iri>&` (record_graph): compare that head, not
        # every parsed record (a store of 100,000 files has 100,000 records)
        wanted = {record_graph(iri, {}) for iri in iris}
        return [
            f"DROP SILENT GRAPH <{name}>"
            for name in existing
            if name.startswith(RECORD_PREFIX) and name.split("&", 2)[0] in wanted
        ]

    def _convert_legacy_bookkeeping(self) -> None:
        """Move the records of the old layout (triples in :data:`STORE_GRAPH`, visible to
        every query) to record graph names, in one transaction."""
        legacy = self._legacy_records()
        if not legacy and STORE_GRAPH not in self._named_graphs():
            return
        info: dict[str, dict[str, str]] = {}
        for graph, key, value in legacy:
            info.setdefault(graph, {})[key] = value
        ops = [f"DROP SILENT GRAPH <{STORE_GRAPH}>"]
        ops += [f"CREATE SILENT GRAPH <{record_graph(g, meta)}>" for g, meta in info.items()]
        log.info("converting the bookkeeping of %s to record graphs", self.path)
        self._update(" ;\n".join(ops))


def ntriples_of(iri: str, triples: Iterable[Triple], meta: Mapping[str, str]) -> bytes:
    """N-Triples of one graph's rdflib triples, every term checked by Oxigraph (a triple it
    refuses raises the :class:`InputError` that :meth:`OxigraphStore.replace_graphs` gives,
    naming the graph's source file); fresh blank-node labels, unique across calls."""
    bnodes: dict[BNode, ox.BlankNode] = {}
    out = []
    for s, p, o in triples:
        try:
            out.append(ox.Triple(to_oxigraph(s, bnodes), to_oxigraph(p), to_oxigraph(o, bnodes)))
        except (ValueError, TypeError) as exc:
            raise InputError(unstorable_message(iri, (s, p, o), exc, meta)) from exc
    return ox.serialize(out, format=ox.RdfFormat.N_TRIPLES) or b""


class _NQuadsStream(io.RawIOBase):
    """N-Quads of many graphs given as N-Triples, read as a binary file (each line's
    final `` .`` gets the graph name), so the bulk loader never needs the whole text."""

    def __init__(self, ntriples: Mapping[str, bytes]) -> None:
        self._parts = iter(ntriples.items())
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:  # noqa: ANN001 - a writable buffer
        while not self._buffer:
            item = next(self._parts, None)
            if item is None:
                return 0
            iri, data = item
            graph = b" <" + _check_graph_iri(iri).value.encode() + b"> .\n"
            self._buffer = graph.join(data.split(b" .\n"))
        count = min(len(target), len(self._buffer))
        target[:count] = self._buffer[:count]
        self._buffer = self._buffer[count:]
        return count


def _quads(
    graphs: Mapping[str, Iterable[Triple]], sources: Mapping[str, Mapping[str, str]]
) -> Iterator[ox.Quad]:
    """Every quad of a batch; a triple Oxigraph refuses names its graph and source file."""
    for iri, triples in graphs.items():
        g = _check_graph_iri(iri)
        bnodes: dict[BNode, ox.BlankNode] = {}
        for s, p, o in triples:
            try:
                yield ox.Quad(to_oxigraph(s, bnodes), to_oxigraph(p), to_oxigraph(o, bnodes), g)
            except (ValueError, TypeError) as exc:
                raise InputError(
                    unstorable_message(iri, (s, p, o), exc, sources.get(iri, {}))
                ) from exc


def unstorable_message(
    iri: str, triple: Triple, exc: BaseException, meta: Mapping[str, str]
) -> str:
    where = meta.get("source") or f"<{iri}>"
    text = " ".join(_show_term(t) for t in triple)
    return (
        f"nothing loaded: {where}: the store refuses the triple {text} ({exc}); "
        "fix that value (a literal must match its datatype or language tag, e.g. "
        '"42"^^xsd:integer or "text"@en) and load again'
    )


def _show_term(term: Node) -> str:
    """A term as N3, safe to print (a lone surrogate shown as an escape)."""
    try:
        text = term.n3()
    except Exception:  # noqa: BLE001 - only for the message
        text = repr(term)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


# ---------------------------------------------------------------------------
# SERVICE: federated queries contact other hosts
# ---------------------------------------------------------------------------


def service_targets(sparql: str) -> list[str]:
    """The endpoints (IRIs, or ``?var`` for a variable) of every ``SERVICE`` in a query.

    The query is parsed (rdflib's SPARQL grammar), so ``SERVICE`` inside a string, a
    comment or an IRI is not a service call. Text without the word skips the parse. A query
    rdflib cannot parse (Oxigraph accepts a few extensions) falls back to a token scan
    that skips comments, strings and IRIs, and errs on the side of refusing.

    >>> service_targets("SELECT * WHERE { SERVICE <http://h/sparql> { ?s ?p ?o } }")
    ['http://h/sparql']
    >>> service_targets('SELECT * WHERE { ?s ?p "SERVICE <http://h/>" } # SERVICE')
    []
    """
    if "service" not in sparql.lower():
        return []
    try:
        from rdflib.plugins.sparql.parser import parseQuery

        tree = parseQuery(sparql)
    except Exception:  # noqa: BLE001 - any parse failure: use the token scan
        return _service_tokens(sparql)
    found: list[str] = []
    _walk_services(tree, found)
    return found


def _walk_services(node: object, found: list[str]) -> None:
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            term = node.get("term")
            found.append(f"?{term}" if isinstance(term, Variable) else str(term))
        for value in node.values():
            _walk_services(value, found)
    elif isinstance(node, (list, tuple)) or hasattr(node, "asList"):
        for value in node:
            _walk_services(value, found)


_SERVICE_WORD = re.compile(r"\bSERVICE\b(?:\s+SILENT\b)?\s*(<(\d+)>|[?$]\w+)?", re.IGNORECASE)


def _service_tokens(sparql: str) -> list[str]:
    """SERVICE keywords outside comments, strings and IRIs (IRIs kept as ``<n>``)."""
    iris: list[str] = []
    cleaned: list[str] = []
    last = 0
    for match in _TOKEN.finditer(sparql):
        if match.lastgroup not in ("comment", "string", "iri"):
            continue
        cleaned.append(sparql[last : match.start()])
        if match.lastgroup == "iri":
            iris.append(match.group()[1:-1])
            cleaned.append(f"<{len(iris) - 1}>")
        else:
            cleaned.append(" ")
        last = match.end()
    cleaned.append(sparql[last:])
    found = []
    for match in _SERVICE_WORD.finditer("".join(cleaned)):
        target = match.group(1) or "(unknown endpoint)"
        found.append(iris[int(match.group(2))] if match.group(2) else target)
    return found


def refuse_service(sparql: str, source: str | None = None) -> None:
    """Refuse a query whose ``SERVICE`` clauses would make the store contact other hosts."""
    targets = service_targets(sparql)
    if targets:
        where = f"{source}: " if source else ""
        raise ServiceRefusedError(
            f"{where}the query calls SERVICE {', '.join(targets)}, which would contact that "
            "host over the network; pass --allow-service to allow federated queries"
        )


def _result(solutions) -> QueryResult:
    if isinstance(solutions, ox.QueryBoolean):
        return QueryResult([], [], bool(solutions))
    if isinstance(solutions, ox.QueryTriples):
        rows = [
            tuple(from_oxigraph(t) for t in (tr.subject, tr.predicate, tr.object))
            for tr in solutions
        ]
        return QueryResult(["subject", "predicate", "object"], rows)
    variables = [v.value for v in solutions.variables]
    rows = [tuple(from_oxigraph(sol[i]) for i in range(len(variables))) for sol in solutions]
    return QueryResult(variables, rows)


def _os_reason(exc: OSError) -> str:
    text = str(exc)
    if "lock" in text.lower():
        return "it is in use by another normspace process (" + text + ")"
    return text


def _missing_graphs_message(missing: Sequence[str], present: Iterable[str]) -> str:
    import difflib

    choices = sorted(present)
    parts = []
    for iri in missing:
        close = difflib.get_close_matches(iri, choices, n=2, cutoff=0.8)
        hint = "; did you mean " + " or ".join(f"<{c}>" for c in close) + "?" if close else ""
        parts.append(f"no graph <{iri}> in the store{hint}")
    return "; ".join(parts)


# ---------------------------------------------------------------------------
# Remote SPARQL endpoint (read-only)
# ---------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""(?P<comment>\#[^\n]*)
      | (?P<string>\"\"\"(?:[^\\]|\\.)*?\"\"\"|'''(?:[^\\]|\\.)*?'''
                  |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<where>\bWHERE\b)
      | (?P<brace>\{)""",
    re.VERBOSE | re.IGNORECASE | re.DOTALL,
)


def inject_values(sparql: str, bindings: Mapping[str, Node]) -> str:
    """Bind parameters in query text with an inline ``VALUES`` block (for endpoints, which
    have no substitution API).

    Why this is safe: the block is made only of variable names from the query header (checked
    against ``\\w+``) and of terms written by Oxigraph's N-Triples serialiser after Oxigraph has
    validated them (an IRI cannot contain ``>``, space, quote or brace; a literal's quotes
    and backslashes are escaped), so a value can never end its term and become query syntax.
    The block goes right after the opening brace of the outermost WHERE group, where it joins
    with the rest of the pattern like Oxigraph's substitution does (variables inside
    sub-SELECTs are not bound, in either mechanism).

    >>> inject_values("SELECT ?x WHERE { ?x a ?t }", {"t": URIRef("https://e.org/T")})
    'SELECT ?x WHERE { VALUES (?t) { (<https://e.org/T>) } ?x a ?t }'
    """
    if not bindings:
        return sparql
    for name in bindings:
        if not re.fullmatch(r"\w+", name):
            raise InputError(f"invalid parameter name `{name}`")
    names = " ".join(f"?{n}" for n in bindings)
    terms = " ".join(sparql_term(v) for v in bindings.values())
    block = f" VALUES ({names}) {{ ({terms}) }}"
    position = _where_brace(sparql)
    return sparql[: position + 1] + block + sparql[position + 1 :]


def _where_brace(sparql: str) -> int:
    """Offset of the ``{`` opening the WHERE clause (skipping comments, strings and IRIs)."""
    first_brace = None
    seen_where = False
    for match in _TOKEN.finditer(sparql):
        kind = match.lastgroup
        if kind == "where":
            seen_where = True
        elif kind == "brace":
            if seen_where:
                return match.start()
            if first_brace is None:
                first_brace = match.start()
    if first_brace is None:
        raise InputError("the query has no WHERE clause to bind parameters in")
    return first_brace


#: Class of the node naming an annotation graph inside that graph (``<g> a norm:PaperAnnotation``):
#: how a remote store tells NormSpace graphs from a server's own (Virtuoso's system graphs).
ANNOTATION_CLASS = "https://w3id.org/normspace#PaperAnnotation"
_OWL_ONTOLOGY = "http://www.w3.org/2002/07/owl#Ontology"
#: Rows per request when reading a graph from an endpoint: below Virtuoso's default cap of
#: 10,000 (a lower cap, announced by ``X-SPARQL-MaxRows``, shrinks the pages).
PAGE_ROWS = 5000
#: Triples per operation of an update (Virtuoso's SPARQL compiler runs out of memory,
#: SP030, near 5,000 lines in one request; an operation of this size is fine).
UPDATE_CHUNK = 1000
#: The ASK that tells whether a dataset's default graph holds the ontology.
_ONTOLOGY_PROBE = f"ASK {{ <{ONTOLOGY_GRAPH}> a <{_OWL_ONTOLOGY}> }}"


@dataclass(frozen=True)
class DefaultGraph:
    """How queries at an endpoint see the annotations and the ontology together.

    ``mode``: ``union`` (the default graph is already the union: Virtuoso, Fuseki with
    ``unionDefaultGraph``, ``oxigraph serve --union-default-graph``), ``oxigraph`` (Oxigraph
    server's ``union-default-graph`` request parameter makes it so), ``listed`` (any other
    SPARQL 1.1 server: the protocol's ``default-graph-uri``/``named-graph-uri`` parameters
    name every NormSpace graph) or ``empty`` (no NormSpace ontology anywhere: warned).
    """

    mode: str
    params: tuple[tuple[str, str], ...] = ()


class SparqlEndpointStore:
    """A remote SPARQL 1.1 store: queried through :mod:`normspace.remote`, and written
    (``load``/``remove``) when an update URL is configured.

    Layout: the same named graphs as the embedded store (ontology, mappings, one graph per
    annotation). The bookkeeping (source file and digest of each graph) is kept as triples
    in the graph :data:`STORE_GRAPH` (the embedded store's former layout, which it reads
    too), because Virtuoso cannot list empty graphs, which the embedded store uses.

    Writes: ONE SPARQL Update request per ``load``/``remove`` (drops, inserts, bookkeeping).
    Oxigraph applies a request as one transaction. Virtuoso rejects a request that does not
    compile as a whole, but keeps the operations done before one that fails while running;
    see ``docs/sharing.md``.
    """

    def __init__(
        self,
        url: str | EndpointConfig,
        timeout: float | None = None,
        *,
        allow_service: bool = False,
    ) -> None:
        from .remote import Client

        if isinstance(url, EndpointConfig):
            config = url if timeout is None else endpoint_replace(url, timeout=float(timeout))
            if not config.timeout > 0:
                raise InputError(f"--timeout must be a positive number of seconds, not {timeout}")
        else:
            config = endpoint_config(url, timeout=timeout)
        self.config = config
        self.url = config.shown()
        self.timeout = config.timeout
        self.allow_service = allow_service
        self.client = Client(config)
        self._default_graph: DefaultGraph | None = None

    @property
    def read_only(self) -> bool:
        return self.config.update_url is None

    # -- reading -------------------------------------------------------------------------

    def query(
        self, sparql: str, bindings: Mapping[str, Node] | None = None, *, inline: bool = True
    ) -> QueryResult:
        """Run a query over the NormSpace graphs (see :meth:`default_graph`); bindings are
        inlined (:func:`inject_values`). An answer cut at the server's row cap is an error,
        never a silently short table."""
        if not self.allow_service:
            refuse_service(sparql)
        text = inject_values(sparql, bindings or {})
        return self._select(text, self.default_graph().params, capped_ok=False)

    def default_graph(self) -> DefaultGraph:
        """Detect once how this endpoint's default graph relates to the named graphs.

        Three ASKs at most, each answered from an index. A store without the NormSpace
        ontology gets a warning instead of queries that silently return 0 rows.
        """
        if self._default_graph is None:
            self._default_graph = self._detect_default_graph()
            log.info("%s: default graph mode %s", self.url, self._default_graph.mode)
        return self._default_graph

    def _detect_default_graph(self) -> DefaultGraph:
        if self._ask(_ONTOLOGY_PROBE):
            return DefaultGraph("union")
        oxigraph = (("union-default-graph", ""),)
        with contextlib.suppress(InputError):  # a server that refuses the parameter
            if self._ask(_ONTOLOGY_PROBE, oxigraph):
                return DefaultGraph("oxigraph", oxigraph)
        if self._ask(
            f"ASK {{ GRAPH <{ONTOLOGY_GRAPH}> {{ <{ONTOLOGY_GRAPH}> a <{_OWL_ONTOLOGY}> }} }}"
        ):
            graphs = self.graphs()
            params = tuple(("default-graph-uri", g) for g in graphs) + tuple(
                ("named-graph-uri", g) for g in graphs
            )
            return DefaultGraph("listed", params)
        log.warning(
            "%s holds no NormSpace ontology (no graph <%s> with it, and its default graph "
            "does not have it): the named queries will find nothing there; load annotations "
            "with `normspace load FILE... --endpoint URL --update-endpoint URL --user NAME`",
            self.url,
            ONTOLOGY_GRAPH,
        )
        return DefaultGraph("empty")

    def _ask(self, sparql: str, params: Sequence[tuple[str, str]] = ()) -> bool:
        return bool(self._select(sparql, params).boolean)

    def _select(
        self, sparql: str, params: Sequence[tuple[str, str]] = (), *, capped_ok: bool = True
    ) -> QueryResult:
        data, answer = self.client.select(sparql, params)
        result = _json_result(data)
        cap = _row_cap(answer)
        if not capped_ok and cap is not None and len(result.rows) >= cap:
            from .remote import EndpointError

            raise EndpointError(
                f"{self.url} cut the answer at its limit of {cap:,} rows (X-SPARQL-MaxRows; "
                "Virtuoso: [SPARQL] ResultSetMaxRows in virtuoso.ini), so the results may be "
                "incomplete; raise that limit on the server, or narrow the query (LIMIT, "
                "parameters)"
            )
        return result

    def graphs(self) -> list[str]:
        """The NormSpace graphs: annotation graphs and the reference graphs present (a
        server's own graphs, such as Virtuoso's ``virtrdf#``, are not listed)."""
        result = self._select(
            f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?g a <{ANNOTATION_CLASS}> }} }}"
        )
        found = {str(r[0]) for r in result.rows if r[0] is not None}
        for iri in REFERENCE_GRAPHS:
            if self._ask(f"ASK {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"):
                found.add(iri)
        return sorted(g for g in found if not _is_bookkeeping(g))

    def graph_info(self) -> dict[str, dict[str, str]]:
        """Bookkeeping per graph (``source``, ``digest``...), from :data:`STORE_GRAPH`."""
        result = self._select(f"SELECT ?g ?k ?v WHERE {{ GRAPH <{STORE_GRAPH}> {{ ?g ?k ?v }} }}")
        info: dict[str, dict[str, str]] = {}
        for graph, key, value in result.rows:
            if graph is not None and key is not None and str(key).startswith(STORE_NS):
                info.setdefault(str(graph), {})[str(key).removeprefix(STORE_NS)] = str(value)
        return info

    def quads(self, graphs: Sequence[str] | None = None) -> Iterator[ox.Quad]:
        """Quads of the given graphs (default: every NormSpace graph), read in pages."""
        for iri in graphs if graphs is not None else self.graphs():
            yield from self._graph_quads(_check_graph_iri(iri).value)

    def _graph_quads(self, iri: str) -> Iterator[ox.Quad]:
        """One graph, page by page, checked against its triple count: a server that cuts
        pages at its row cap (Virtuoso) gets smaller pages, and a short or inconsistent
        read is an error, never a silently partial export."""
        count = self._select(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"
        ).rows
        expected = int(count[0][0]) if count and count[0][0] is not None else 0
        seen: set[tuple[str, str, str]] = set()
        page, offset = PAGE_ROWS, 0
        graph = ox.NamedNode(iri)
        while offset < expected:
            text = (
                f"SELECT ?s ?p ?o WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }} "
                f"LIMIT {page} OFFSET {offset}"
            )
            data, answer = self.client.select(text)
            rows = _json_result(data).rows
            cap = _row_cap(answer)
            if cap is not None and cap < page and len(rows) >= cap:
                page = cap
            for row in rows:
                quad = self._quad(row, graph)
                key = (str(quad.subject), str(quad.predicate), str(quad.object))
                if key not in seen:
                    seen.add(key)
                    yield quad
            if not rows:
                break
            offset += len(rows)
        if len(seen) != expected:
            from .remote import EndpointError

            raise EndpointError(
                f"{self.url} gave {len(seen):,} distinct triples of graph <{iri}> in pages "
                f"but counts {expected:,}: the export would be incomplete; raise the "
                "server's row cap (Virtuoso: ResultSetMaxRows) or try again"
            )

    def _quad(self, row: tuple[Node | None, ...], graph: ox.NamedNode) -> ox.Quad:
        if any(term is None for term in row):
            raise InputError(f"{self.url} answered a row without ?s, ?p or ?o for graph {graph}")
        try:
            s, p, o = (to_oxigraph(term) for term in row)  # type: ignore[arg-type]
            return ox.Quad(s, p, o, graph)
        except (ValueError, TypeError) as exc:
            raise InputError(
                f"{self.url} answered a term that is not valid RDF in graph {graph}: {exc}"
            ) from exc

    def export(self, out: IO, fmt: str, graphs: Sequence[str] | None = None) -> None:
        """Write the given graphs (default: every NormSpace graph) to ``out``."""
        if graphs is not None:
            present = set(self.graphs())
            missing = [g for g in graphs if g not in present]
            if missing:
                raise InputError(_missing_graphs_message(missing, present))
        write_quads(out, self.quads(graphs), fmt)

    # -- writing -------------------------------------------------------------------------

    def replace_graphs(
        self,
        graphs: Mapping[str, Iterable[Triple]],
        sources: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        """Replace each named graph by the given triples and record their sources, in ONE
        update request (see the class for what is atomic where). Every triple is checked
        before anything is sent."""
        self._check_writable("load")
        sources = sources or {}
        by_graph: dict[str, list[ox.Quad]] = {}
        for quad in _quads(graphs, sources):  # every triple checked before anything is sent
            by_graph.setdefault(quad.graph_name.value, []).append(quad)
        iris = [_check_graph_iri(iri).value for iri in graphs]
        units: list[tuple[list[str], int]] = []  # per graph: its operations, its triples
        for iri in iris:
            ops = [f"DROP SILENT GRAPH <{iri}>", _forget_op(iri)]
            ops += _insert_ops(by_graph.get(iri, []))
            if sources.get(iri):
                ops.append(
                    f"INSERT DATA {{ GRAPH <{STORE_GRAPH}> {{\n"
                    + _record_triples(iri, sources[iri])
                    + "\n} }"
                )
            units.append((ops, len(by_graph.get(iri, []))))
        log.info(
            "writing %d graphs (%d triples) to %s",
            len(iris),
            sum(n for _, n in units),
            self.url,
        )
        self._apply(units)
        self._default_graph = None  # a first load can change what the detection finds

    def _apply(self, units: Sequence[tuple[list[str], int]]) -> None:
        """Send the operations of every graph as ONE update request. When the server
        refuses it as too large (SP030 memory exhausted, SQ199, HTTP 413), or it is Virtuoso
        and the batch holds more than :data:`UPDATE_CHUNK` triples (Virtuoso compiles a
        large request for minutes before refusing it), send them in several requests of
        whole graphs, in order, with a warning: then a failure part-way leaves the earlier
        requests applied (loading the same files again completes it, since a load replaces
        whole graphs)."""
        from .remote import EndpointError

        virtuoso = "virtuoso" in self.client.server_software.lower()
        if not virtuoso or sum(n for _, n in units) <= UPDATE_CHUNK:
            try:
                self.client.update(" ;\n".join(op for ops, _ in units for op in ops))
                return
            except EndpointError as exc:
                if not _too_large(str(exc)):
                    raise
        requests = list(_requests(units, UPDATE_CHUNK))
        if len(requests) > 1:
            log.warning(
                "%s cannot take this update as one request (%s); sending it in %d requests "
                "of whole graphs, which is not atomic: if one fails, run the same command "
                "again (a load replaces whole graphs)",
                self.url,
                "Virtuoso compiles large requests slowly and refuses them with SQ199/SP030"
                if virtuoso
                else "too large for the server",
                len(requests),
            )
        for request in requests:
            self.client.update(" ;\n".join(request))

    def remove_graphs(self, graph_iris: Iterable[str]) -> None:
        """Drop named graphs and their bookkeeping in one update request."""
        self._check_writable("remove")
        iris = [_check_graph_iri(iri).value for iri in dict.fromkeys(graph_iris)]
        if not iris:
            return
        ops = [f"DROP SILENT GRAPH <{iri}>" for iri in iris] + [_forget_op(i) for i in iris]
        self._apply([(ops, 0)])
        self._default_graph = None

    def _check_writable(self, what: str) -> None:
        if self.read_only:
            raise ReadOnlyStoreError(
                f"cannot {what} graphs: the SPARQL endpoint {self.url} is read-only here "
                "(no update URL); "
                "give --update-endpoint URL (a URL that accepts SPARQL updates; it may be "
                "the same as --endpoint) and --user NAME if it needs a login"
            )

    def close(self) -> None:
        pass

    def __enter__(self) -> SparqlEndpointStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _row_cap(answer) -> int | None:  # noqa: ANN001 - normspace.remote.Answer
    """Virtuoso's row cap announced in ``X-SPARQL-MaxRows`` (sent when it may have cut)."""
    value = (answer.header("X-SPARQL-MaxRows") or "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def _too_large(message: str) -> bool:
    """True for a server's refusal of a request because of its size, not its content."""
    return (
        ("SP030" in message and "memory exhausted" in message)
        or "SQ199" in message
        or "HTTP 413" in message
    )


def _requests(units: Sequence[tuple[list[str], int]], size: int) -> Iterator[list[str]]:
    """One request per graph, so that each annotation is replaced by one request (Virtuoso
    rejects a request that does not compile as a whole); a graph of more than ``size``
    triples goes one insert operation per request, its drop with the first.

    Measured on the bundled corpus with Virtuoso: one request per graph 15.9 s (196
    requests), one per operation 9.8 s (588), requests of about 1,000 triples of several
    graphs 22.4 s (35): Virtuoso compiles a request in time growing faster than its size.
    """
    for ops, triples in units:
        if triples > size:
            yield from _batches(ops, 1)
        else:
            yield ops


def _batches(ops: Sequence[str], per_request: int) -> Iterator[list[str]]:
    """Operations in groups of ``per_request`` inserts; drops and bookkeeping stay with
    their neighbours (the order of ``ops`` is kept)."""
    batch: list[str] = []
    inserts = 0
    for op in ops:
        if op.startswith("INSERT") and inserts == per_request:
            yield batch
            batch, inserts = [], 0
        batch.append(op)
        inserts += op.startswith("INSERT")
    if batch:
        yield batch


def _forget_op(iri: str) -> str:
    """The update deleting the bookkeeping triples of graph ``iri``."""
    return (
        f"DELETE {{ GRAPH <{STORE_GRAPH}> {{ <{iri}> ?k ?v }} }} "
        f"WHERE {{ GRAPH <{STORE_GRAPH}> {{ <{iri}> ?k ?v }} }}"
    )


def _insert_ops(quads: Sequence[ox.Quad]) -> list[str]:
    """Update operations inserting ``quads``, each of at most :data:`UPDATE_CHUNK` triples.

    Ground triples go in ``INSERT DATA``; triples with blank nodes in ``INSERT {...} WHERE
    {}`` (Virtuoso refuses blank nodes in INSERT DATA, SP031; in a template they become
    fresh nodes, shared within the one solution, so two files' blank nodes never merge).
    A template holds whole groups of triples linked by blank nodes (never split, or one
    node would become two).
    """
    ground = [q for q in quads if not _has_blank(q)]
    ops = [
        "INSERT DATA {\n" + _graph_blocks(ground[i : i + UPDATE_CHUNK]) + "\n}"
        for i in range(0, len(ground), UPDATE_CHUNK)
    ]
    for chunk in _pack(_blank_groups([q for q in quads if _has_blank(q)]), UPDATE_CHUNK):
        ops.append("INSERT {\n" + _graph_blocks(chunk) + "\n} WHERE {}")
    return ops


def _has_blank(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


def _graph_blocks(quads: Sequence[ox.Quad]) -> str:
    by_graph: dict[str, list[str]] = {}
    for q in quads:
        by_graph.setdefault(str(q.graph_name), []).append(f"{q.subject} {q.predicate} {q.object} .")
    return "\n".join(f"GRAPH {g} {{\n" + "\n".join(t) + "\n}" for g, t in by_graph.items())


def _blank_groups(quads: Sequence[ox.Quad]) -> list[list[ox.Quad]]:
    """Triples grouped so that every blank node's triples are in one group (union-find)."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for q in quads:
        nodes = [str(t) for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)]
        for other in nodes[1:]:
            parent[root(other)] = root(nodes[0])
    groups: dict[str, list[ox.Quad]] = {}
    for q in quads:
        first = q.subject if isinstance(q.subject, ox.BlankNode) else q.object
        groups.setdefault(root(str(first)), []).append(q)
    return list(groups.values())


def _pack(groups: Sequence[list[ox.Quad]], size: int) -> Iterator[list[ox.Quad]]:
    """Groups packed into chunks of about ``size`` triples (a bigger group stays whole)."""
    chunk: list[ox.Quad] = []
    for group in groups:
        if chunk and len(chunk) + len(group) > size:
            yield chunk
            chunk = []
        chunk.extend(group)
    if chunk:
        yield chunk


def _record_triples(iri: str, meta: Mapping[str, str]) -> str:
    """Bookkeeping of one graph as N-Triples lines (values escaped by Oxigraph)."""
    return "\n".join(
        f"<{iri}> <{STORE_NS}{key}> {ox.Literal(value)} ." for key, value in sorted(meta.items())
    )


_VIRTUOSO_BNODE = "nodeID://"
_XSD_BOOLEAN = str(XSD.boolean)


def _json_term(binding: Mapping[str, str]) -> Node:
    """An RDF term of checked SPARQL JSON results (:func:`normspace.remote.check_json_results`)."""
    kind, value = binding["type"], binding["value"]
    if kind in ("uri", "bnode") and value.startswith(_VIRTUOSO_BNODE):
        return BNode(value[len(_VIRTUOSO_BNODE) :])  # Virtuoso's blank nodes: nodeID://b10000
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if "xml:lang" in binding:
        return Literal(value, lang=binding["xml:lang"])
    datatype = binding.get("datatype")
    if datatype == _XSD_BOOLEAN and value in ("0", "1"):  # Virtuoso's "1"^^xsd:boolean
        return Literal(value == "1")
    if datatype and datatype != _XSD_STRING:
        return Literal(value, datatype=URIRef(datatype))
    return Literal(value)


def _json_result(answer: Mapping) -> QueryResult:
    if "boolean" in answer:
        return QueryResult([], [], bool(answer["boolean"]))
    variables = list(answer.get("head", {}).get("vars", []))
    rows = []
    for binding in answer.get("results", {}).get("bindings", []):
        rows.append(tuple(_json_term(binding[v]) if v in binding else None for v in variables))
    return QueryResult(variables, rows)


# ---------------------------------------------------------------------------
# Opening
# ---------------------------------------------------------------------------


def open_store(
    path: Path | None = None,
    endpoint: str | EndpointConfig | None = None,
    *,
    create: bool = True,
    read_only: bool = False,
    allow_service: bool = False,
    timeout: float | None = None,
) -> OxigraphStore | SparqlEndpointStore:
    """Open the embedded store at ``path`` (created if ``create``), or a remote endpoint
    (``timeout``: overall deadline of each request in seconds).

    A missing store with ``create=False`` is a usage error that says how to make one; a
    folder that looks like a store but lacks its files is reported as damaged.
    """
    if endpoint:
        return SparqlEndpointStore(endpoint, timeout, allow_service=allow_service)
    if path is None:
        return OxigraphStore(None, allow_service=allow_service)
    if not create and not holds_store(path):
        check_store_folder(path)  # a file or a folder with other content says so
        raise InputError(no_store_message(path))
    check_store_folder(path)
    log.debug("opening the store at %s%s", path, " (read-only)" if read_only else "")
    return OxigraphStore(path, read_only=read_only and path.exists(), allow_service=allow_service)


def no_store_message(path: Path) -> str:
    """Why there is no store at ``path`` and the two ways to make one.

    >>> print(no_store_message(Path(".normspace")))  # doctest: +NORMALIZE_WHITESPACE
    no store at .normspace: build one with `normspace run --store .normspace` (the main job
    keeps the store it builds there) or `normspace load FILE... --store .normspace`; or
    name another store with --store / NORMSPACE_STORE
    """
    return (
        f"no store at {path}: build one with `normspace run --store {path}` (the main job "
        f"keeps the store it builds there) or `normspace load FILE... --store {path}`; or "
        "name another store with --store / NORMSPACE_STORE"
    )


def holds_store(path: Path) -> bool:
    """True for a folder with an embedded store in it (not a missing or empty folder)."""
    return is_store_folder(path) and any(path.iterdir())


#: Names of the files RocksDB keeps in a store folder.
_ROCKSDB_FILE = re.compile(
    r"CURRENT|IDENTITY|LOCK|LOG(\.old\.\d+)?|MANIFEST-\d+|OPTIONS-\d+|\d+\.(sst|log|blob)"
    r"|.*\.dbtmp"
)


def is_store_folder(path: Path) -> bool:
    """True for a folder that holds an embedded store (RocksDB files) or nothing at all.

    A half-written store (CURRENT or the manifest missing) counts when every file in it is
    a RocksDB file: opening it then reports damage and the way out, and ``run`` may
    replace it, instead of calling it "not a store".
    """
    if not path.is_dir():
        return False
    names = {p.name for p in path.iterdir()}
    if not names or ("CURRENT" in names and any(n.startswith("MANIFEST-") for n in names)):
        return True
    return all(_ROCKSDB_FILE.fullmatch(n) for n in names) and bool(names - {"LOCK", "LOG"})


def check_store_folder(path: Path) -> None:
    """Refuse to use a file or a folder with other content as a store (it would be
    written into, or replaced by ``normspace run``)."""
    if path.exists() and not is_store_folder(path):
        raise InputError(
            f"{path} is not a NormSpace store (it is a file, or a folder with other "
            "content); name a new or empty folder, or an existing store"
        )

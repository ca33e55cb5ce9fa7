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

import io
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol, TypeVar
from urllib.parse import quote, unquote

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from .errors import InputError
from .namespaces import ONTOLOGY_IRI, PREFIXES

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
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


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


def from_oxigraph(term) -> Node | None:
    """Convert a pyoxigraph term (or ``None``) to rdflib.

    >>> from_oxigraph(ox.Literal("x"))
    rdflib.term.Literal('x')
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype in (_XSD_STRING, _RDF_LANGSTRING):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unsupported RDF term {term!r}")


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


def _write(out: IO, data: bytes) -> None:
    """Write serialised RDF to a text stream (stdout, ``-o FILE``) or a binary one."""
    if isinstance(out, io.TextIOBase) or "b" not in getattr(out, "mode", "b"):
        out.write(data.decode("utf-8"))
    else:
        out.write(data)


def serialise_quads(quads: Iterable[ox.Quad], fmt: str) -> bytes:
    """Serialise quads; formats without named graphs get the (deduplicated) union."""
    if fmt not in EXPORT_FORMATS:
        raise InputError(
            f"unknown export format `{fmt}`; expected one of {', '.join(EXPORT_FORMATS)}"
        )
    rdf_format = EXPORT_FORMATS[fmt]
    if rdf_format.supports_datasets:
        items: Iterable = quads
    else:
        items = list(dict.fromkeys(q.triple for q in quads))
    return ox.serialize(items, format=rdf_format, prefixes=dict(PREFIXES))


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
        if not self.allow_service:
            refuse_service(sparql)
        bindings = dict(bindings or {})
        return self._reading("query", lambda: self._query(sparql, bindings, inline))

    def _query(self, sparql: str, bindings: dict[str, Node], inline: bool) -> QueryResult:
        if inline and bindings:
            return _result(self._run(inject_values(sparql, bindings), {}))
        substitutions = {ox.Variable(k): to_oxigraph(v) for k, v in bindings.items()}
        try:
            return _result(self._run(sparql, substitutions))
        except RuntimeError as exc:
            if "projection" not in str(exc):
                raise
        return _result(self._run(inject_values(sparql, bindings), {}))

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
        data = serialise_quads(self.quads(graphs), fmt)
        log.info("exporting %d bytes of %s from %s", len(data), fmt, self.path or "memory")
        _write(out, data)

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
        wanted = set(iris)
        return [
            f"DROP SILENT GRAPH <{name}>"
            for name in existing
            if (record := parse_record(name)) is not None and record[0] in wanted
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
                    _unstorable_message(iri, (s, p, o), exc, sources.get(iri, {}))
                ) from exc


def _unstorable_message(
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


class SparqlEndpointStore:
    """A remote SPARQL 1.1 endpoint, queried read-only through :mod:`normspace.remote`
    (overall deadline ``timeout``, short error excerpts, answers checked before use).

    The endpoint's default graph is used as is: configure it as the union of the named
    graphs (Fuseki: ``tdb2:unionDefaultGraph true``; GraphDB and Virtuoso do this by default)
    for the named queries to see annotations and ontology together.
    """

    read_only = True

    def __init__(
        self, url: str, timeout: float | None = None, *, allow_service: bool = False
    ) -> None:
        from .remote import DEFAULT_TIMEOUT, check_url

        check_url(url)
        if timeout is not None and not timeout > 0:
            raise InputError(f"--timeout must be a positive number of seconds, not {timeout}")
        self.url = url
        self.timeout = DEFAULT_TIMEOUT if timeout is None else float(timeout)
        self.allow_service = allow_service

    def query(
        self, sparql: str, bindings: Mapping[str, Node] | None = None, *, inline: bool = True
    ) -> QueryResult:
        """Run a query at the endpoint; bindings are always inlined (:func:`inject_values`)."""
        from .remote import query_json

        if not self.allow_service:
            refuse_service(sparql)
        text = inject_values(sparql, bindings or {})
        return _json_result(query_json(self.url, text, self.timeout))

    def graphs(self) -> list[str]:
        result = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(
            str(r[0]) for r in result.rows if r[0] is not None and not _is_bookkeeping(str(r[0]))
        )

    def graph_info(self) -> dict[str, dict[str, str]]:
        return {}

    def quads(self, graphs: Sequence[str] | None = None) -> Iterator[ox.Quad]:
        for iri in graphs if graphs is not None else self.graphs():
            g = URIRef(_check_graph_iri(iri).value)
            result = self.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH {g.n3()} {{ ?s ?p ?o }} }}")
            for row in result.rows:
                if any(term is None for term in row):
                    raise InputError(
                        f"{self.url} answered a row without ?s, ?p or ?o for graph <{iri}>"
                    )
                try:
                    s, p, o = (to_oxigraph(term) for term in row)  # type: ignore[arg-type]
                    yield ox.Quad(s, p, o, ox.NamedNode(iri))
                except (ValueError, TypeError) as exc:
                    raise InputError(
                        f"{self.url} answered a term that is not valid RDF in graph <{iri}>: {exc}"
                    ) from exc

    def export(self, out: IO, fmt: str, graphs: Sequence[str] | None = None) -> None:
        _write(out, serialise_quads(self.quads(graphs), fmt))

    def replace_graphs(self, graphs, sources=None) -> None:
        raise ReadOnlyStoreError(self._read_only_message("load"))

    def remove_graphs(self, graph_iris) -> None:
        raise ReadOnlyStoreError(self._read_only_message("remove"))

    def close(self) -> None:
        pass

    def __enter__(self) -> SparqlEndpointStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read_only_message(self, what: str) -> str:
        return (
            f"cannot {what} graphs: the SPARQL endpoint {self.url} is queried read-only; "
            "use the embedded store (--store) to load or remove annotations"
        )


def _json_term(binding: Mapping[str, str]) -> Node:
    """An RDF term of checked SPARQL JSON results (:func:`normspace.remote.check_json_results`)."""
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if "xml:lang" in binding:
        return Literal(value, lang=binding["xml:lang"])
    datatype = binding.get("datatype")
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
    endpoint: str | None = None,
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

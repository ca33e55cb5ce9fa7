"""RDF stores behind one interface: the embedded on-disk store and a remote SPARQL endpoint.

Layout of a store (agreed in ``notes/interfaces.md``): the ontology in the named graph
``https://w3id.org/normspace``, the SKOS mappings in ``https://w3id.org/normspace/mappings``,
and each annotation in its own named graph named by its annotation IRI, so that reloading an
edited file replaces exactly its old version. Queries see the union of all graphs as their
default graph.

One more graph, :data:`STORE_GRAPH`, holds the store's own bookkeeping: for every graph it
loaded, the file it came from and a digest of its source (``store:source``,
``store:digest``). The digest tells ``load`` whether the bundled ontology changed since it
was loaded; the source lets ``remove FILE`` work after the file was edited or deleted. It is
written in the same transaction as the graph it describes and is left out of exports.

Writes are atomic: :meth:`OxigraphStore.replace_graphs` turns the whole batch (drops of the
old versions, bookkeeping, every new triple) into ONE SPARQL 1.1 Update request, which
Oxigraph applies as a single transaction; anything that fails before or during that call
leaves the store as it was.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

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

#: Graphs that hold reference data rather than annotations.
REFERENCE_GRAPHS = (ONTOLOGY_GRAPH, MAPPINGS_GRAPH, IMPORTS_GRAPH)

Triple = tuple[Node, Node, Node]


class ReadOnlyStoreError(InputError):
    """A write was attempted on a store that only answers queries."""


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
    """The embedded store: pyoxigraph (RocksDB) on disk, or in memory when ``path`` is None."""

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as exc:
            raise InputError(f"cannot open the store at {path}: {_os_reason(exc)}") from exc

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
        """
        bindings = dict(bindings or {})
        if inline and bindings:
            return _result(self._checked(inject_values(sparql, bindings), {}))
        substitutions = {ox.Variable(k): to_oxigraph(v) for k, v in bindings.items()}
        try:
            solutions = self._run(sparql, substitutions)
        except RuntimeError as exc:
            if "projection" not in str(exc):
                raise InputError(f"query failed: {exc}") from exc
            solutions = self._checked(inject_values(sparql, bindings), {})
        return _result(solutions)

    def _checked(self, sparql: str, substitutions: dict):
        try:
            return self._run(sparql, substitutions)
        except RuntimeError as exc:
            raise InputError(f"query failed: {exc}") from exc

    def _run(self, sparql: str, substitutions: dict):
        try:
            return self._store.query(
                sparql, use_default_graph_as_union=True, substitutions=substitutions or None
            )
        except SyntaxError as exc:
            raise InputError(f"invalid SPARQL query: {exc}") from exc
        except OSError as exc:
            raise InputError(f"cannot read the store at {self.path}: {_os_reason(exc)}") from exc

    def graphs(self) -> list[str]:
        """Named graphs holding data (the bookkeeping graph excluded), sorted."""
        return sorted(g.value for g in self._store.named_graphs() if g.value != STORE_GRAPH)

    def graph_info(self) -> dict[str, dict[str, str]]:
        """Bookkeeping per graph: ``{graph IRI: {"source": ..., "digest": ...}}``."""
        info: dict[str, dict[str, str]] = {}
        for quad in self._store.quads_for_pattern(None, None, None, ox.NamedNode(STORE_GRAPH)):
            key = quad.predicate.value.removeprefix(STORE_NS)
            info.setdefault(quad.subject.value, {})[key] = quad.object.value
        return info

    def __len__(self) -> int:
        return len(self._store)

    def quads(self, graphs: Sequence[str] | None = None) -> Iterator[ox.Quad]:
        """Quads of the given graphs (default: every data graph), graph by graph."""
        for iri in graphs if graphs is not None else self.graphs():
            yield from self._store.quads_for_pattern(None, None, None, ox.NamedNode(iri))

    def export(self, out: IO, fmt: str, graphs: Sequence[str] | None = None) -> None:
        """Write the given graphs (default: every data graph) to ``out``."""
        if graphs is not None:
            present = set(self.graphs()) | {STORE_GRAPH}
            missing = [g for g in graphs if g not in present]
            if missing:
                raise InputError(_missing_graphs_message(missing, present))
        data = serialise_quads(self.quads(graphs), fmt)
        log.info("exporting %d bytes of %s from %s", len(data), fmt, self.path or "memory")
        _write(out, data)

    def dump(self) -> bytes:
        """Every quad of the store as sorted N-Quads (for comparing store states)."""
        lines = self._store.dump(format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines()
        return ("\n".join(sorted(lines)) + "\n").encode("utf-8")

    # -- writing -------------------------------------------------------------------------

    def replace_graphs(
        self,
        graphs: Mapping[str, Iterable[Triple]],
        sources: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        """Replace each named graph by the given triples, all in one transaction.

        ``sources`` optionally records bookkeeping per graph (``source``, ``digest``).
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
        existing = {g.value for g in self._store.named_graphs()}
        ops = [f"DROP SILENT GRAPH <{iri}>" for iri in iris if iri in existing]
        log.info("removing %d graphs from the store at %s", len(ops), self.path)
        if iris:
            ops.append(_forget_update(iris))
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
        if len(self._store):
            raise InputError("bulk loading needs an empty store")
        self._store.bulk_extend(_quads(graphs, sources or {}))
        if self.path is not None:
            self._store.flush()

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
        except OSError as exc:
            raise InputError(
                f"cannot write to the store at {self.path}: {_os_reason(exc)}"
            ) from exc

    def _replace_update(
        self, graphs: Mapping[str, Iterable[Triple]], sources: Mapping[str, Mapping[str, str]]
    ) -> str:
        existing = {g.value for g in self._store.named_graphs()}
        ops = [
            f"DROP SILENT GRAPH <{_check_graph_iri(iri).value}>"
            for iri in graphs
            if iri in existing
        ]
        ops.append(_forget_update(list(graphs)))
        parts = ["INSERT DATA {\n"]
        for quad in _quads(graphs, sources):
            parts.append(
                f"GRAPH {quad.graph_name} {{ {quad.subject} {quad.predicate} {quad.object} }}\n"
            )
        parts.append("}")
        ops.append("".join(parts))
        return " ;\n".join(ops)


def _quads(
    graphs: Mapping[str, Iterable[Triple]], sources: Mapping[str, Mapping[str, str]]
) -> Iterator[ox.Quad]:
    """Every quad of a batch: the graphs' triples, then their bookkeeping."""
    for iri, triples in graphs.items():
        g = _check_graph_iri(iri)
        bnodes: dict[BNode, ox.BlankNode] = {}
        for s, p, o in triples:
            yield ox.Quad(to_oxigraph(s, bnodes), to_oxigraph(p), to_oxigraph(o, bnodes), g)
    store_graph = ox.NamedNode(STORE_GRAPH)
    for iri in graphs:
        for key, value in sorted((sources.get(iri) or {}).items()):
            yield ox.Quad(
                ox.NamedNode(iri), ox.NamedNode(STORE_NS + key), ox.Literal(value), store_graph
            )


def _forget_update(iris: Sequence[str]) -> str:
    values = " ".join(f"<{_check_graph_iri(i).value}>" for i in iris)
    return (
        f"DELETE {{ GRAPH <{STORE_GRAPH}> {{ ?g ?p ?o }} }} "
        f"WHERE {{ VALUES ?g {{ {values} }} GRAPH <{STORE_GRAPH}> {{ ?g ?p ?o }} }}"
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
    """A remote SPARQL 1.1 endpoint, queried with SPARQLWrapper (read-only).

    The endpoint's default graph is used as is: configure it as the union of the named
    graphs (Fuseki: ``tdb2:unionDefaultGraph true``; GraphDB and Virtuoso do this by default)
    for the named queries to see annotations and ontology together.
    """

    read_only = True

    def __init__(self, url: str, timeout: int = 60) -> None:
        from SPARQLWrapper import JSON, POST, SPARQLWrapper

        if not re.match(r"https?://", url):
            raise InputError(f"`{url}` is not an http(s) SPARQL endpoint URL")
        self.url = url
        self._client = SPARQLWrapper(url)
        self._client.setReturnFormat(JSON)
        self._client.setMethod(POST)
        self._client.setTimeout(timeout)

    def query(
        self, sparql: str, bindings: Mapping[str, Node] | None = None, *, inline: bool = True
    ) -> QueryResult:
        """Run a query at the endpoint; bindings are always inlined (:func:`inject_values`)."""
        text = inject_values(sparql, bindings or {})
        try:
            with warnings.catch_warnings():  # SPARQLWrapper warns on queries it cannot classify
                warnings.simplefilter("ignore", RuntimeWarning)
                self._client.setQuery(text)
                answer = self._client.queryAndConvert()
        except Exception as exc:  # SPARQLWrapper raises urllib and its own error types
            raise InputError(f"SPARQL endpoint {self.url} failed: {exc}") from exc
        return _json_result(answer)

    def graphs(self) -> list[str]:
        result = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(
            str(r[0]) for r in result.rows if r[0] is not None and str(r[0]) != STORE_GRAPH
        )

    def graph_info(self) -> dict[str, dict[str, str]]:
        return {}

    def quads(self, graphs: Sequence[str] | None = None) -> Iterator[ox.Quad]:
        for iri in graphs if graphs is not None else self.graphs():
            g = URIRef(_check_graph_iri(iri).value)
            result = self.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH {g.n3()} {{ ?s ?p ?o }} }}")
            for s, p, o in result.rows:
                yield ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), ox.NamedNode(iri))

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
) -> OxigraphStore | SparqlEndpointStore:
    """Open the embedded store at ``path`` (created if ``create``), or a remote endpoint.

    A missing store with ``create=False`` is a usage error that says how to make one.
    """
    if endpoint:
        return SparqlEndpointStore(endpoint)
    if path is None:
        return OxigraphStore(None)
    if not create and not holds_store(path):
        check_store_folder(path)  # a file or a folder with other content says so
        raise InputError(no_store_message(path))
    check_store_folder(path)
    log.debug("opening the store at %s%s", path, " (read-only)" if read_only else "")
    return OxigraphStore(path, read_only=read_only and path.exists())


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


def is_store_folder(path: Path) -> bool:
    """True for a folder that holds an embedded store (RocksDB files) or nothing at all."""
    if not path.is_dir():
        return False
    names = {p.name for p in path.iterdir()}
    return not names or ("CURRENT" in names and any(n.startswith("MANIFEST-") for n in names))


def check_store_folder(path: Path) -> None:
    """Refuse to use a file or a folder with other content as a store (it would be
    written into, or replaced by ``normspace run``)."""
    if path.exists() and not is_store_folder(path):
        raise InputError(
            f"{path} is not a NormSpace store (it is a file, or a folder with other "
            "content); name a new or empty folder, or an existing store"
        )

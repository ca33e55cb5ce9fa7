"""SHACL validation behind one small interface, with pySHACL as the engine.

Two engines exist: :func:`annotation_engine` checks the triples of one annotation file
against ``shapes/annotation-shapes.ttl``; :func:`term_engine` checks the ontology against
``shapes/term-shapes.ttl``. Both are built once per process and reused.

Annotation files tag papers with ontology terms, and the shapes check that a term belongs
to the scheme of its slot, so the data graph needs the terms' ``rdf:type`` and
``skos:inScheme`` triples. Handing pySHACL the whole ontology for every file would make
each validation pay for thousands of irrelevant triples; instead the engine extracts
those *typing triples* once and adds them to each file's triples.

pySHACL is the reference engine. :mod:`normspace.shaclbatch` compiles the same annotation
shapes to SPARQL and validates many files at once on Oxigraph with results identical to
this engine's (differential-tested in ``tests/shacl``); ``NORMSPACE_SHACL_ENGINE`` chooses.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Protocol

import rdflib
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.plugins.stores.memory import Memory

from .diagnostics import SHACL_SEVERITIES, Severity
from .errors import InputError
from .namespaces import SH, curie
from .ontology import load_ontology, turtle_error
from .resources import shapes_dir

NSH_IRI = "https://w3id.org/normspace/shapes#"

ANNOTATION_SHAPES = "annotation-shapes.ttl"
TERM_SHAPES = "term-shapes.ttl"

#: SHACL severities (local names), most severe first.
SEVERITIES = SHACL_SEVERITIES


@dataclass(frozen=True)
class ShaclResult:
    """One SHACL validation result, flattened for printing and mapping back to input."""

    focus: rdflib.term.Node
    path: str | None
    severity: str
    message: str
    value: rdflib.term.Node | None
    shape: str | None
    component: str

    @property
    def level(self) -> Severity:
        """The severity as the shared :class:`~normspace.diagnostics.Severity`."""
        return Severity.from_shacl(self.severity)


@dataclass
class ShaclReport:
    """All results of one validation and the SHACL report graph they came from."""

    results: list[ShaclResult]
    report_graph: Graph

    @property
    def conforms(self) -> bool:
        """True when no result is a violation (warnings and infos are allowed)."""
        return not self.violations

    @property
    def violations(self) -> list[ShaclResult]:
        return [r for r in self.results if r.level is Severity.ERROR]

    @property
    def warnings(self) -> list[ShaclResult]:
        return [r for r in self.results if r.level is Severity.WARNING]

    @property
    def infos(self) -> list[ShaclResult]:
        return [r for r in self.results if r.level is Severity.INFO]


class ShaclEngine(Protocol):
    def validate(self, data: Graph) -> ShaclReport: ...


@lru_cache(maxsize=512)
def _prepared(query: str):
    from rdflib.plugins.sparql import prepareQuery  # rdflib's SPARQL parser: pySHACL only

    return prepareQuery(query)


class _PreparedQueryGraph(Graph):
    """A graph that parses each distinct SPARQL text once.

    pySHACL sends the same constraint query text for every focus node and every file;
    parsing it dominates validation time, so parsed queries are cached by text.
    """

    def query(  # type: ignore[override]
        self, query_object, processor="sparql", result="sparql", initNs=None, *args, **kwargs
    ):
        if isinstance(query_object, str) and not initNs:
            query_object = _prepared(query_object)
        return super().query(query_object, processor, result, initNs, *args, **kwargs)


class _PruningMemory(Memory):
    """rdflib's ``Memory`` store, minus its leak: removing a triple also drops the index
    entries the removal left empty.

    ``Memory.remove`` deletes the innermost entry of its three indexes (``spo``, ``pos``,
    ``osp``) but keeps the now empty dictionaries above it. The engine adds and removes one
    file's triples per validation, so each file left ~71 KB of empty entries behind, and
    pySHACL's lookups by predicate (``pos[p]``) walked all of them: per-file time grew with
    the number of files validated before (40 ms at the start, 160 ms by file 6,300).

    Pruning only touches the keys of the removed triples, so a removal stays O(triples).
    """

    def remove(self, triple_pattern, context=None) -> None:  # type: ignore[override]
        s, p, o = triple_pattern
        if s is None or p is None or o is None:  # patterns are never used by the engine
            super().remove(triple_pattern, context)
            return
        super().remove(triple_pattern, context)
        for index, outer, inner in (
            (self._Memory__spo, s, p),  # type: ignore[attr-defined]
            (self._Memory__pos, p, o),  # type: ignore[attr-defined]
            (self._Memory__osp, o, s),  # type: ignore[attr-defined]
        ):
            level = index.get(outer)
            if level is None:
                continue
            if inner in level and not level[inner]:
                del level[inner]
            if not level:
                del index[outer]


def index_sizes(graph: Graph) -> dict[str, int]:
    """Number of entries (all levels) in each index of a ``Memory`` store.

    For tests and benchmarks: after a validation the working graph must be back to the
    size it had before, however many files were validated.
    """
    store = graph.store
    return {
        name: sum(1 + len(inner) for inner in getattr(store, f"_Memory__{name}").values())
        for name in ("spo", "pos", "osp")
    }


class PyShaclEngine:
    """Validate graphs against a fixed shapes graph, optionally adding fixed context triples.

    The context triples (e.g. term typing) live in one working graph built once; each
    validation adds the data triples to it, validates, and removes exactly the triples
    it added, so the caller's graph is never modified and the context is never copied
    (building a fresh graph of the ~1,500 context triples costs ~17 ms a file, as much as
    a third of a validation). The working graph's store prunes emptied index entries on
    removal (:class:`_PruningMemory`), so it is the same size after every validation and
    the time per file does not grow with the number of files. A lock makes this safe when
    threads share the engine. No RDFS/OWL inference is run: shapes rely on explicit
    triples only, which keeps results predictable and fast.
    """

    def __init__(self, shapes: Graph, context: Iterable[tuple] = ()) -> None:
        self.shapes = shapes
        self._working = _PreparedQueryGraph(store=_PruningMemory())
        self._working.addN((s, p, o, self._working) for s, p, o in context)
        self._lock = threading.Lock()

    def validate(self, data: Graph) -> ShaclReport:
        # pySHACL (and the rdflib SPARQL engine it pulls in, ~0.1 s) only when it is the engine
        from pyshacl import validate as pyshacl_validate
        from pyshacl.graph_abstraction import DataGraph

        with self._lock:
            added = [t for t in data if t not in self._working]
            self._working.addN((s, p, o, self._working) for s, p, o in added)
            try:
                _conforms, report_graph, _text = pyshacl_validate(
                    DataGraph.from_rdflib(self._working),
                    shacl_graph=self.shapes,
                    inference="none",
                    advanced=False,
                    inplace=True,
                    allow_warnings=True,
                    allow_infos=True,
                    do_owl_imports=False,
                )
            finally:
                for triple in added:
                    self._working.remove(triple)
        return ShaclReport(results=parse_report(report_graph), report_graph=report_graph)


def parse_report(report: Graph) -> list[ShaclResult]:
    """Flatten a SHACL validation report graph into sorted :class:`ShaclResult` objects."""
    results = []
    for node in report.objects(None, SH.result):
        severity = report.value(node, SH.resultSeverity)
        component = report.value(node, SH.sourceConstraintComponent)
        shape = report.value(node, SH.sourceShape)
        path = report.value(node, SH.resultPath)
        messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
        results.append(
            ShaclResult(
                focus=report.value(node, SH.focusNode),
                path=render_path(report, path) if path is not None else None,
                severity=_local_name(severity) if severity is not None else "Violation",
                message=" ".join(messages),
                value=report.value(node, SH.value),
                shape=str(shape) if isinstance(shape, URIRef) else None,
                component=_local_name(component) if component is not None else "",
            )
        )
    return sorted(results, key=_sort_key)


def _sort_key(result: ShaclResult) -> tuple:
    return (
        SEVERITIES.index(result.severity) if result.severity in SEVERITIES else len(SEVERITIES),
        str(result.focus),
        result.shape or "",
        result.path or "",
        str(result.value or ""),
        result.component,
    )


def _local_name(iri: rdflib.term.Node) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def render_path(graph: Graph, path: rdflib.term.Node) -> str:
    """An IRI for a predicate path; a SPARQL-like rendering (CURIEs) for complex paths.

    >>> g = Graph().parse(format="turtle", data='''
    ...   @prefix sh: <http://www.w3.org/ns/shacl#> .
    ...   @prefix norm: <https://w3id.org/normspace#> .
    ...   [] sh:resultPath [ sh:alternativePath ( norm:hasStakeholder
    ...        [ sh:inversePath norm:decidedBy ] ) ] .''')
    >>> render_path(g, next(g.objects(None, SH.resultPath)))
    'norm:hasStakeholder|^norm:decidedBy'
    """
    if isinstance(path, URIRef):
        return str(path)
    return _render_complex(graph, path)


def _render_complex(graph: Graph, path: rdflib.term.Node) -> str:
    if isinstance(path, URIRef):
        return curie(str(path))
    if (graph.value(path, RDF.first) is not None) or path == RDF.nil:
        return "/".join(_render_complex(graph, p) for p in Collection(graph, path))
    for predicate, template in (
        (SH.alternativePath, "{}"),
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = graph.value(path, predicate)
        if inner is None:
            continue
        if predicate == SH.alternativePath:
            return "|".join(_render_complex(graph, p) for p in Collection(graph, inner))
        rendered = _render_complex(graph, inner)
        if isinstance(inner, BNode):
            rendered = f"({rendered})"
        return template.format(rendered)
    return str(path)


def load_shapes(*names: str, directory: Path | None = None) -> Graph:
    """Parse shapes files from ``directory`` (default: the bundled ``shapes/``).

    Parsed files are cached by path and modification time; do not modify the result.
    """
    directory = directory or shapes_dir()
    if len(names) == 1:
        return _parse_shapes_file(directory / names[0])
    graph = Graph()
    for name in names:
        graph += _parse_shapes_file(directory / name)
    return graph


def _parse_shapes_file(path: Path) -> Graph:
    try:
        stat = path.stat()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: shapes file not found") from exc
    return _parse_shapes_cached(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _parse_shapes_cached(path: str, _mtime_ns: int, _size: int) -> Graph:
    try:
        return Graph().parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several unrelated exception types
        raise InputError(turtle_error(path, exc)) from exc


def meta_validate_shapes(path: Path) -> ShaclReport:
    """Validate a shapes file against the SHACL-for-SHACL shapes (is it well-formed SHACL?).

    Cached by path and modification time, like parsing.
    """
    stat = path.stat()
    return _meta_validate_cached(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _meta_validate_cached(path: str, mtime_ns: int, size: int) -> ShaclReport:
    from pyshacl.entrypoints import meta_validate

    _conforms, report_graph, _text = meta_validate(
        _parse_shapes_cached(path, mtime_ns, size), inference="none"
    )
    return ShaclReport(results=parse_report(report_graph), report_graph=report_graph)


def term_typing_triples(ontology: Graph) -> list[tuple]:
    """``rdf:type`` and ``skos:inScheme`` of every term, plus the class hierarchy.

    These are all the annotation shapes need from the ontology: scheme membership of
    tags and the classes of terms (``sh:class`` follows ``rdfs:subClassOf``).
    """
    triples: list[tuple] = []
    terms = set(ontology.subjects(SKOS.inScheme, None)) | set(
        ontology.subjects(RDF.type, SKOS.Concept)
    )
    for term in sorted(terms):
        triples.extend((term, RDF.type, cls) for cls in ontology.objects(term, RDF.type))
        triples.extend((term, SKOS.inScheme, s) for s in ontology.objects(term, SKOS.inScheme))
    triples.extend(ontology.triples((None, RDFS.subClassOf, None)))
    return [t for t in triples if not isinstance(t[2], Literal)]


@cache
def annotation_engine() -> ShaclEngine:
    """The engine for annotation files (cached); callers pass one file's triples."""
    return PyShaclEngine(load_shapes(ANNOTATION_SHAPES), term_typing_triples(load_ontology()))


@cache
def term_engine() -> ShaclEngine:
    """The engine for the ontology's terms and concept schemes (cached)."""
    return PyShaclEngine(load_shapes(TERM_SHAPES))

"""Batch SHACL validation: the annotation shapes compiled to SPARQL and run on pyoxigraph.

pySHACL (:mod:`normspace.shacl`) validates one file at a time in Python: ~50-80 ms a file,
hours for 100,000 files. This engine compiles the same shapes graph, once, into SPARQL
SELECT queries over a pyoxigraph store whose named graphs are the files, so that ONE query
per constraint validates every file of the store at once. The results are pySHACL's: same
focus node, path, value, severity, source shape, constraint component and message, per file
as if each file were validated alone with the typing triples (``tests/shacl`` checks this
against pySHACL on every fixture, the bundled corpus and random mutated corpora).

How a file's data graph is reproduced without copying it: the data graph of file ``G`` is
``G ∪ T`` (T = the ontology's typing triples, kept once in the graph :data:`TYPING_GRAPH`).
Every triple pattern of a compiled query reads ``GRAPH ?g``; a pattern whose predicate
occurs in T (``rdf:type``, ``skos:inScheme``, ``rdfs:subClassOf``) or is a variable reads
``GRAPH ?g`` UNION ``GRAPH <typing>``. That union is the set union only when no triple of
``G`` is also in T, and ``rdfs:subClassOf*`` is evaluated with the class closure of T only
when ``G`` declares no subclasses; the (rare, hand-made) files that break either
assumption are detected with one query and validated by pySHACL itself, so the results stay
exact for every input.

Where pySHACL decides with Python semantics that SPARQL would not reproduce exactly
(``sh:datatype`` well-formedness, ``sh:pattern`` with Python's ``re``, ``sh:in`` term
equality, ``sh:minInclusive`` comparisons, ``sh:nodeKind``), the engine fetches the DISTINCT
values of the path once, decides each value in Python with pySHACL's rules, and asks the
store which (file, focus) pairs hold the failing values only.

Unsupported SHACL features (targets other than class/objects-of/subjects-of, sh:node,
sh:closed, qualified shapes, sh:and/sh:xone/sh:not, SPARQL with sub-SELECTs or GRAPH, ...)
raise :class:`UnsupportedShapeError` naming the shape and the feature when the engine is
built, never a silent difference.
"""

from __future__ import annotations

import os
import re
import threading
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection as RdfCollection
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from .errors import InputError
from .namespaces import SH
from .oxterms import from_oxigraph
from .shacl import (
    ANNOTATION_SHAPES,
    NSH_IRI,
    PyShaclEngine,
    ShaclEngine,
    ShaclReport,
    ShaclResult,
    _sort_key,
    annotation_engine,
    load_shapes,
    render_path,
    term_typing_triples,
)

#: The named graph the engine adds to a store for the typing triples while it validates.
TYPING_GRAPH = "urn:normspace:shacl:typing"

_G = "?nsbatchg"  # the file graph variable (not a name user queries use)
_T = f"<{TYPING_GRAPH}>"

_CORE_VALUE_LOCAL = {
    SH.datatype: "DatatypeConstraintComponent",
    SH.nodeKind: "NodeKindConstraintComponent",
    SH.pattern: "PatternConstraintComponent",
    SH["in"]: "InConstraintComponent",
    SH.minInclusive: "MinInclusiveConstraintComponent",
}
_CORE_GRAPH = {
    SH.minCount: "MinCountConstraintComponent",
    SH.maxCount: "MaxCountConstraintComponent",
    SH["class"]: "ClassConstraintComponent",
    SH["or"]: "OrConstraintComponent",
}
#: Shape-graph predicates that are not constraints (or are handled with their constraint).
_NOT_CONSTRAINTS = {
    RDF.type,
    RDFS.label,
    RDFS.comment,
    SH.message,
    SH.severity,
    SH.path,
    SH.property,
    SH.sparql,
    SH.flags,
    SH.targetClass,
    SH.targetObjectsOf,
    SH.targetSubjectsOf,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
}
_UNSUPPORTED_TARGETS = (SH.targetNode, SH.target)


class UnsupportedShapeError(ValueError):
    """A shape uses a SHACL feature the batch compiler does not reproduce exactly."""


def _unsupported(shape: Node, feature: str) -> UnsupportedShapeError:
    return UnsupportedShapeError(
        f"shape {_name(shape)}: {feature} is not supported by the batch SHACL engine "
        "(use NORMSPACE_SHACL_ENGINE=pyshacl, or express the constraint with the supported "
        "features: targetClass/targetObjectsOf/targetSubjectsOf, property paths, min/maxCount, "
        "class, or (of sh:class shapes), datatype, nodeKind, pattern, in, minInclusive, "
        "sh:sparql, SPARQL-based constraint components)"
    )


def _name(node: Node) -> str:
    text = str(node)
    return "nsh:" + text[len(NSH_IRI) :] if text.startswith(NSH_IRI) else text


# ---------------------------------------------------------------------------------------
# Terms: rdflib <-> pyoxigraph
# ---------------------------------------------------------------------------------------


#: Datatype IRIs of the stand-ins used for literals whose datatype Oxigraph would not keep.
SURROGATE = "urn:normspace:shacl:datatype:"


@cache
def lossy_datatypes() -> frozenset[str]:
    """XSD datatypes Oxigraph does not store as given: pyoxigraph 0.5 keeps a valid
    ``"40"^^xsd:nonNegativeInteger`` as ``"40"^^xsd:integer`` (all integer subtypes), which
    would turn pySHACL's ``sh:datatype xsd:nonNegativeInteger`` into a false violation.
    Measured on the installed Oxigraph, so an upgrade that keeps them needs no change."""
    samples = {
        local: "1"
        for local in (
            *("nonNegativeInteger", "positiveInteger", "int", "long", "short", "byte"),
            *("unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte", "integer"),
            *("decimal", "double", "float", "boolean", "duration"),
        )
    }
    samples.update(negativeInteger="-1", nonPositiveInteger="-1", gYear="2022", date="2022-01-01")
    samples.update(dateTime="2022-01-01T00:00:00", time="00:00:00", duration="P1D")
    samples.update(dayTimeDuration="P1D", yearMonthDuration="P1Y", gYearMonth="2022-01")
    samples.update(gMonth="--01", gDay="---01", gMonthDay="--01-01")
    store = ox.Store()
    predicate = ox.NamedNode("urn:normspace:p")
    for local, lexical in samples.items():
        datatype = ox.NamedNode(str(XSD) + local)
        store.add(
            ox.Quad(
                ox.NamedNode("urn:normspace:" + local),
                predicate,
                ox.Literal(lexical, datatype=datatype),
            )
        )
    return frozenset(
        str(XSD) + q.subject.value.rsplit(":", 1)[1]
        for q in store.quads_for_pattern(None, predicate, None)
        if q.object.datatype.value != str(XSD) + q.subject.value.rsplit(":", 1)[1]
    )


def encode_nquads(data: bytes) -> bytes:
    """N-Quads with the literals of :func:`lossy_datatypes` given stand-in datatypes
    (``urn:normspace:shacl:datatype:`` + the XSD IRI) that Oxigraph keeps as written;
    :func:`to_rdflib` turns them back. Only a datatype at the end of a line (the object,
    followed by an optional graph and the final dot) is rewritten, never text inside a
    literal."""
    lossy = lossy_datatypes()
    if not lossy:
        return data
    names = "|".join(re.escape(d.encode()).decode() for d in sorted(lossy))
    pattern = re.compile(
        rb'"\^\^<(' + names.encode() + rb")>(\s+(?:<[^>]*>|_:\S+))?(\s*\.\s*)$", re.M
    )
    return pattern.sub(
        lambda m: (
            b'"^^<' + SURROGATE.encode() + m.group(1) + b">" + (m.group(2) or b"") + m.group(3)
        ),
        data,
    )


def to_rdflib(term: object) -> Node:
    """A pyoxigraph term as rdflib term, the stand-in datatypes of :func:`encode_nquads`
    turned back into the XSD datatypes they stand for."""
    if isinstance(term, ox.Literal) and term.datatype.value.startswith(SURROGATE):
        return Literal(term.value, datatype=URIRef(term.datatype.value[len(SURROGATE) :]))
    return from_oxigraph(term)


def _to_ox(term: Node, bnodes: dict[BNode, ox.BlankNode]) -> object:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        if term not in bnodes:
            bnodes[term] = ox.BlankNode()
        return bnodes[term]
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            datatype = str(term.datatype)
            if datatype in lossy_datatypes():
                datatype = SURROGATE + datatype
            return ox.Literal(str(term), datatype=ox.NamedNode(datatype))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def _iri(term: Node) -> str:
    return f"<{term}>"


def _sparql_term(term: Node) -> str:
    """A constant of the shapes graph as SPARQL (Oxigraph's serialiser escapes it)."""
    return str(_to_ox(term, {}))


# ---------------------------------------------------------------------------------------
# Shapes graph helpers
# ---------------------------------------------------------------------------------------


def _one(shapes: Graph, node: Node, predicate: URIRef) -> Node | None:
    values = list(shapes.objects(node, predicate))
    if len(values) > 1:
        raise _unsupported(node, f"more than one {predicate.n3(shapes.namespace_manager)}")
    return values[0] if values else None


def _list(shapes: Graph, node: Node) -> list[Node]:
    return list(RdfCollection(shapes, node))


@dataclass(frozen=True)
class _Path:
    """A SHACL path as SPARQL text plus the predicates it reads."""

    node: Node
    sparql: str
    predicates: frozenset[str]
    simple: bool  # a single predicate IRI


def _compile_path(shapes: Graph, node: Node, shape: Node) -> _Path:
    if isinstance(node, URIRef):
        return _Path(node, _iri(node), frozenset([str(node)]), True)
    text, predicates = _path_text(shapes, node, shape)
    return _Path(node, text, frozenset(predicates), False)


def _path_text(shapes: Graph, node: Node, shape: Node) -> tuple[str, set[str]]:
    if isinstance(node, URIRef):
        return _iri(node), {str(node)}
    if shapes.value(node, RDF.first) is not None:
        parts = [_path_text(shapes, item, shape) for item in _list(shapes, node)]
        return "(" + "/".join(p for p, _ in parts) + ")", set().union(*(s for _, s in parts))
    inner = shapes.value(node, SH.alternativePath)
    if inner is not None:
        parts = [_path_text(shapes, item, shape) for item in _list(shapes, inner)]
        return "(" + "|".join(p for p, _ in parts) + ")", set().union(*(s for _, s in parts))
    for predicate, template in (
        (SH.inversePath, "^({})"),
        (SH.zeroOrMorePath, "({})*"),
        (SH.oneOrMorePath, "({})+"),
        (SH.zeroOrOnePath, "({})?"),
    ):
        inner = shapes.value(node, predicate)
        if inner is not None:
            text, predicates = _path_text(shapes, inner, shape)
            return template.format(text), predicates
    raise _unsupported(shape, f"the path {node}")


# ---------------------------------------------------------------------------------------
# Compiled checks
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Focus:
    """The focus nodes of a shape, two ways: a DISTINCT sub-SELECT of (graph, focus) pairs
    to start from, and a FILTER EXISTS to test pairs found otherwise. Testing last is much
    cheaper when the constraint itself yields few candidates (a maxCount, a class check:
    only the path's triples are read), and equivalent: EXISTS sees ?g and ?this bound."""

    join: str
    exists: str


@dataclass
class _Check:
    """One constraint of one shape, as query text and the rule to turn rows into results."""

    shape: Node
    component: URIRef
    severity: URIRef
    path: _Path | None
    messages: list[Literal]
    kind: str  # "rows" (core), "sparql" (sh:sparql), "custom" (constraint component), "local"
    query: str = ""
    source_constraint: Node | None = None
    extra_messages: list[Literal] = field(default_factory=list)
    projected: tuple[str, ...] = ()  # sh:sparql: variables the user query projects
    # "local" checks: the query template of the failing (graph, focus, value) rows, the
    # query of the distinct candidate values, and the Python test of one value.
    values_query: str = ""
    test: object = None


@dataclass
class _RawResult:
    """A result before it becomes a :class:`ShaclResult`: keeps the path node and the
    source constraint so the report graph can copy them like pySHACL does."""

    focus: Node
    value: Node | None
    path: Node | None
    check: _Check
    messages: list[Literal]
    row: dict[str, Node] = field(default_factory=dict)


class _Compiler:
    """Walk the shapes graph and compile every constraint reachable from a target."""

    def __init__(self, shapes: Graph, typing: list[tuple]) -> None:
        self.shapes = shapes
        self.typing = typing
        self.typing_predicates = {str(p) for _, p, _ in typing}
        self.superclasses: dict[Node, set[Node]] = defaultdict(set)
        for s, p, o in typing:
            if p == RDFS.subClassOf:
                self.superclasses[s].add(o)
        self.checks: list[_Check] = []
        #: Predicates that SPARQL-based constraints name: a stand-in literal (see
        #: :func:`encode_nquads`) under one of them could compare differently in SPARQL.
        self.sparql_predicates: set[str] = set()

    # -- classes ----------------------------------------------------------------------

    def subclasses(self, cls: Node) -> list[Node]:
        """``cls`` and every class below it in T (``rdfs:subClassOf*`` in reverse)."""
        below = {cls}
        changed = True
        while changed:
            changed = False
            for sub, supers in self.superclasses.items():
                if sub not in below and supers & below:
                    below.add(sub)
                    changed = True
        return sorted(below, key=str)

    def _typed_in_typing(self, classes: Iterable[Node]) -> bool:
        wanted = set(classes)
        return any(p == RDF.type and o in wanted for _, p, o in self.typing)

    # -- graph patterns ---------------------------------------------------------------

    def triple(self, subject: str, path: _Path | str, obj: str) -> str:
        """A triple pattern over the file graph ∪ the typing graph."""
        if isinstance(path, str):  # a variable predicate
            return self._union(f"{subject} {path} {obj}")
        if not (path.predicates & self.typing_predicates):
            return f"GRAPH {_G} {{ {subject} {path.sparql} {obj} }}"
        if path.simple:
            return self._union(f"{subject} {path.sparql} {obj}")
        raise UnsupportedShapeError(
            f"the path {path.sparql} mixes typing predicates into a complex path: "
            "not supported by the batch SHACL engine"
        )

    @staticmethod
    def _union(pattern: str) -> str:
        return f"{{ {{ GRAPH {_G} {{ {pattern} }} }} UNION {{ GRAPH {_T} {{ {pattern} }} }} }}"

    def not_instance_of(self, var: str, classes: list[Node]) -> str:
        """FILTERs: ``var`` is no ``rdf:type/rdfs:subClassOf*`` of any of ``classes`` (the
        closure of T), neither by a type in the file nor in the typing graph (two NOT
        EXISTS, each an index lookup once ``var`` is bound, instead of one over a union)."""
        below = sorted({c for cls in classes for c in self.subclasses(cls)}, key=str)
        listed = ", ".join(_iri(c) for c in below)
        return " ".join(
            f"FILTER NOT EXISTS {{ GRAPH {graph} {{ {var} a ?nsbatchtype }} "
            f"FILTER (?nsbatchtype IN ({listed})) }}"
            for graph in (_G, _T)
        )

    # -- targets ----------------------------------------------------------------------

    def focus(self, shape: Node) -> _Focus | None:
        """The (graph, focus node) pairs of a node shape, None if untargeted."""
        for target in _UNSUPPORTED_TARGETS:
            if (shape, target, None) in self.shapes:
                raise _unsupported(shape, target.n3(self.shapes.namespace_manager))
        branches = []
        for cls in sorted(self.shapes.objects(shape, SH.targetClass), key=str):
            classes = self.subclasses(cls)
            if self._typed_in_typing(classes):
                raise _unsupported(shape, f"sh:targetClass {cls} (typing triples have instances)")
            values = " ".join(_iri(c) for c in classes)
            branches.append(f"GRAPH {_G} {{ ?this a ?nsbatchtc }} VALUES ?nsbatchtc {{ {values} }}")
        for predicate, template in (
            (SH.targetObjectsOf, "GRAPH {g} {{ ?nsbatchs {p} ?this }}"),
            (SH.targetSubjectsOf, "GRAPH {g} {{ ?this {p} ?nsbatcho }}"),
        ):
            for prop in sorted(self.shapes.objects(shape, predicate), key=str):
                if str(prop) in self.typing_predicates:
                    raise _unsupported(shape, f"a target on the typing predicate {prop}")
                branches.append(template.format(g=_G, p=_iri(prop)))
        if not branches:
            return None
        union = " UNION ".join(f"{{ {b} }}" for b in branches)
        return _Focus(
            join=f"{{ SELECT DISTINCT {_G} ?this WHERE {{ %GRAPHS% {union} }} }}",
            exists=f"FILTER EXISTS {{ {union} }}",
        )

    # -- walk -------------------------------------------------------------------------

    def compile(self) -> list[_Check]:
        node_shapes = {
            s
            for p in (
                SH.targetClass,
                SH.targetObjectsOf,
                SH.targetSubjectsOf,
                *_UNSUPPORTED_TARGETS,
            )
            for s in self.shapes.subjects(p, None)
        }
        for shape in sorted(node_shapes, key=str):
            focus = self.focus(shape)
            if focus is None:
                continue
            if (shape, SH.path, None) in self.shapes:
                raise _unsupported(shape, "a targeted property shape")
            self.shape_checks(shape, focus, None)
            for prop in sorted(self.shapes.objects(shape, SH.property), key=str):
                path_node = _one(self.shapes, prop, SH.path)
                if path_node is None:
                    raise _unsupported(prop, "sh:property without sh:path")
                if any(self.shapes.objects(prop, SH.property)):
                    raise _unsupported(prop, "nested sh:property")
                self.shape_checks(prop, focus, _compile_path(self.shapes, path_node, prop))
        return self.checks

    def shape_checks(self, shape: Node, focus: _Focus, path: _Path | None) -> None:
        if (shape, SH.deactivated, None) in self.shapes:
            raise _unsupported(shape, "sh:deactivated")
        severity = _one(self.shapes, shape, SH.severity) or SH.Violation
        messages = sorted(self.shapes.objects(shape, SH.message), key=str)
        custom = self.custom_components()
        for predicate in sorted(set(self.shapes.predicates(shape, None)), key=str):
            if predicate in _NOT_CONSTRAINTS:
                continue
            base = dict(shape=shape, severity=severity, path=path, messages=messages)
            if predicate in _CORE_VALUE_LOCAL or predicate in _CORE_GRAPH:
                if not messages:
                    raise _unsupported(shape, f"{predicate} without sh:message (generic messages)")
                for value in sorted(self.shapes.objects(shape, predicate), key=str):
                    self.checks.append(self.core(predicate, value, focus, base))
            elif predicate in custom:
                self.checks.append(self.custom(custom[predicate], predicate, focus, base))
            elif str(predicate).startswith(str(SH)):
                raise _unsupported(shape, f"the SHACL feature {predicate}")
            # other predicates (annotations like dcterms:*) are not constraints
        for constraint in sorted(self.shapes.objects(shape, SH.sparql), key=str):
            self.checks.append(self.sparql(constraint, focus, shape, severity, path, messages))

    # -- core components --------------------------------------------------------------

    def core(self, predicate: URIRef, value: Node, focus: _Focus, base: dict) -> _Check:
        shape, path = base["shape"], base["path"]
        component = SH[_CORE_VALUE_LOCAL.get(predicate) or _CORE_GRAPH[predicate]]
        this_values = self.triple("?this", path, "?value") if path else "BIND (?this AS ?value)"
        if predicate == SH.nodeKind:  # exact in SPARQL: the kind of a term
            query = self.value_query(path, focus, this_values, _node_kind_filter(shape, value))
            return _Check(component=component, kind="rows", query=query, **base)
        if predicate in _CORE_VALUE_LOCAL:
            test = _local_test(self.shapes, shape, predicate, value)
            if path is not None and not (path.predicates & self.typing_predicates):
                values_query = (
                    f"SELECT DISTINCT ?value WHERE {{ %GRAPHS% "
                    f"GRAPH {_G} {{ ?nsbatchs {path.sparql} ?value }} }}"
                )
            else:
                values_query = f"SELECT DISTINCT ?value WHERE {{ {focus.join} {this_values} }}"
            query = (
                f"SELECT DISTINCT {_G} ?this ?value WHERE {{ %GRAPHS% %BAD% {this_values} "
                f"{focus.exists} }}"
                if path is not None
                else f"SELECT DISTINCT {_G} ?this ?value WHERE {{ %BAD% {focus.join} "
                f"{this_values} }}"
            )
            return _Check(
                component=component,
                kind="local",
                query=query,
                values_query=values_query,
                test=test,
                **base,
            )
        if predicate in (SH.minCount, SH.maxCount):
            if path is None:
                raise _unsupported(shape, f"{predicate} on a node shape")
            if not (isinstance(value, Literal) and isinstance(value.value, int)):
                raise _unsupported(shape, f"{predicate} {value} (not an integer)")
            count = int(value.value)
            pattern = self.triple("?this", path, "?nsbatchv")
            if predicate == SH.minCount and count == 1:
                query = (
                    f"SELECT {_G} ?this WHERE {{ {focus.join} FILTER NOT EXISTS {{ {pattern} }} }}"
                )
            elif predicate == SH.minCount:
                query = (
                    f"SELECT {_G} ?this WHERE {{ {focus.join} OPTIONAL {{ {pattern} }} }} "
                    f"GROUP BY {_G} ?this HAVING (COUNT(DISTINCT ?nsbatchv) < {count})"
                )
            else:
                query = (
                    f"SELECT {_G} ?this WHERE {{ %GRAPHS% {{ SELECT {_G} ?this WHERE {{ "
                    f"%GRAPHS% {pattern} }} "
                    f"GROUP BY {_G} ?this HAVING (COUNT(DISTINCT ?nsbatchv) > {count}) }} "
                    f"{focus.exists} }}"
                )
            return _Check(component=component, kind="rows", query=query, **base)
        if predicate == SH["class"]:
            classes = [value]
        else:  # sh:or
            classes = self.or_classes(shape, value)
            if classes is None:  # a member without constraints: every value conforms
                classes = []
        if not classes:
            query = f"SELECT {_G} ?this ?value WHERE {{ FILTER (false) }}"
        else:
            query = self.value_query(
                path, focus, this_values, self.not_instance_of("?value", classes)
            )
        return _Check(component=component, kind="rows", query=query, **base)

    def value_query(self, path: _Path | None, focus: _Focus, values: str, filters: str) -> str:
        """(graph, focus, value) rows whose value fails ``filters``: from the path's
        triples, focus tested last; for a node shape, from the focus nodes."""
        if path is not None:
            return (
                f"SELECT DISTINCT {_G} ?this ?value WHERE {{ %GRAPHS% {values} {filters} "
                f"{focus.exists} }}"
            )
        return f"SELECT DISTINCT {_G} ?this ?value WHERE {{ {focus.join} {values} {filters} }}"

    def or_classes(self, shape: Node, members: Node) -> list[Node] | None:
        """The classes of an sh:or whose members are node shapes with only sh:class."""
        classes: list[Node] = []
        for member in _list(self.shapes, members):
            constraints = [
                p
                for p in set(self.shapes.predicates(member, None))
                if p not in _NOT_CONSTRAINTS and str(p).startswith(str(SH))
            ]
            if not constraints:
                return None
            if constraints != [SH["class"]] or any(self.shapes.objects(member, SH.property)):
                raise _unsupported(shape, "sh:or of shapes with constraints other than sh:class")
            member_classes = list(self.shapes.objects(member, SH["class"]))
            if len(member_classes) != 1:
                raise _unsupported(member, "several sh:class in one sh:or member")
            classes.extend(member_classes)
        return classes

    # -- SPARQL-based -----------------------------------------------------------------

    def prefixes(self, node: Node) -> str:
        lines = []
        for ontology in self.shapes.objects(node, SH.prefixes):
            for declaration in self.shapes.objects(ontology, SH.declare):
                prefix = self.shapes.value(declaration, SH.prefix)
                namespace = self.shapes.value(declaration, SH.namespace)
                lines.append(f"PREFIX {prefix}: <{namespace}>")
        return "\n".join(sorted(set(lines))) + "\n"

    def sparql(
        self,
        constraint: Node,
        focus: _Focus,
        shape: Node,
        severity: URIRef,
        path: _Path | None,
        messages: list[Literal],
    ) -> _Check:
        if (constraint, SH.deactivated, None) in self.shapes:
            raise _unsupported(shape, "a deactivated sh:sparql constraint")
        select = _one(self.shapes, constraint, SH.select)
        if select is None:
            raise _unsupported(shape, "sh:sparql without sh:select")
        text = self.substitute(str(select), shape, path, {})
        rewritten, projected = _Rewriter(self, self.prefixes(constraint) + text, shape).query(
            focus, None
        )
        return _Check(
            shape=shape,
            component=SH.SPARQLConstraintComponent,
            severity=severity,
            path=path,
            messages=messages,
            kind="sparql",
            query=rewritten,
            source_constraint=constraint,
            extra_messages=sorted(self.shapes.objects(constraint, SH.message), key=str),
            projected=projected,
        )

    def substitute(self, text: str, shape: Node, path: _Path | None, params: dict) -> str:
        """pySHACL's pre-binding: ``$PATH`` as path text, parameters as constants."""
        if re.search(r"[\s{}()][$?]PATH\b", text):
            if path is None:
                raise _unsupported(shape, "$PATH in a SPARQL query of a node shape")
            text = re.sub(r"([\s{}()])[$?]PATH\b", lambda m: m.group(1) + path.sparql, text)
        for name, value in params.items():
            text = re.sub(
                r"([\s{}()])[$?]" + re.escape(name) + r"\b",
                lambda m, v=value: m.group(1) + _sparql_term(v),
                text,
            )
        for name in ("currentShape", "shapesGraph"):
            if re.search(r"[$?]" + name + r"\b", text):
                raise _unsupported(shape, f"${name} in SPARQL")
        return text

    @cache  # noqa: B019 - one compiler per engine
    def custom_components(self) -> dict[URIRef, Node]:
        """Parameter predicate -> the SPARQL-based constraint component declaring it."""
        found: dict[URIRef, Node] = {}
        for component in self.shapes.subjects(RDF.type, SH.ConstraintComponent):
            for parameter in self.shapes.objects(component, SH.parameter):
                for predicate in self.shapes.objects(parameter, SH.path):
                    found[predicate] = component
        return found

    def custom(self, component: Node, predicate: URIRef, focus: _Focus, base: dict) -> _Check:
        shape, path = base["shape"], base["path"]
        parameters = list(self.shapes.objects(component, SH.parameter))
        if len(parameters) != 1:
            raise _unsupported(shape, f"{component} with several parameters")
        if path is None:
            raise _unsupported(shape, f"{component} on a node shape (sh:nodeValidator)")
        validator = _one(self.shapes, component, SH.propertyValidator)
        if validator is None or (validator, RDF.type, SH.SPARQLSelectValidator) not in self.shapes:
            raise _unsupported(shape, f"{component} without a SELECT sh:propertyValidator")
        if (validator, SH.message, None) in self.shapes:
            raise _unsupported(shape, f"sh:message on the validator {validator}")
        value = _one(self.shapes, shape, predicate)
        name = str(predicate).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        text = self.substitute(
            str(self.shapes.value(validator, SH.select)), shape, path, {name: value}
        )
        values = self.triple("?this", path, "?value")
        rewritten, projected = _Rewriter(self, self.prefixes(validator) + text, shape).query(
            focus, values
        )
        return _Check(
            component=component,
            kind="custom",
            query=rewritten,
            projected=projected,
            **base,
        )


# ---------------------------------------------------------------------------------------
# Value-local tests: pySHACL's rules for one value node
# ---------------------------------------------------------------------------------------


def _local_test(shapes: Graph, shape: Node, predicate: URIRef, rule: Node):
    """A function value -> conforms?, with the semantics of pySHACL 0.40's component."""
    if predicate == SH.datatype:
        return lambda v, rule=rule: _datatype_ok(v, rule)
    if predicate == SH.nodeKind:
        kinds = {
            SH.BlankNode: (BNode,),
            SH.IRI: (URIRef,),
            SH.Literal: (Literal,),
            SH.BlankNodeOrIRI: (BNode, URIRef),
            SH.BlankNodeOrLiteral: (BNode, Literal),
            SH.IRIOrLiteral: (URIRef, Literal),
        }
        if rule not in kinds:
            raise _unsupported(shape, f"sh:nodeKind {rule}")
        return lambda v, allowed=kinds[rule]: isinstance(v, allowed)
    if predicate == SH.pattern:
        flags = 0
        given = _one(shapes, shape, SH.flags)
        if given is not None:
            text = str(given).lower()
            flags |= re.I if "i" in text else 0
            flags |= re.M if "m" in text else 0
        source = str(rule.value) if rule.value is not None and len(rule.value) > 1 else str(rule)
        matcher = re.compile(source, flags)
        return lambda v: (
            not isinstance(v, BNode)
            and bool(matcher.match(_string(v)) or matcher.search(_string(v)))
        )
    if predicate == SH["in"]:
        allowed = _list(shapes, rule)
        return lambda v: v in allowed
    if predicate == SH.minInclusive:
        from pyshacl.rdfutil.compare import compare_literal

        return lambda v: _min_inclusive_ok(v, rule, compare_literal)
    raise _unsupported(shape, str(predicate))


_ACTUAL_TYPES = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: (int,),
    XSD.float: (float,),
    XSD.decimal: (Decimal,),
    XSD.boolean: (bool,),
    XSD.date: (date,),
    XSD.time: (time,),
    XSD.dateTime: (datetime,),
}


_KIND_TESTS = {
    SH.IRI: ("isIRI",),
    SH.Literal: ("isLiteral",),
    SH.BlankNode: ("isBlank",),
    SH.BlankNodeOrIRI: ("isBlank", "isIRI"),
    SH.BlankNodeOrLiteral: ("isBlank", "isLiteral"),
    SH.IRIOrLiteral: ("isIRI", "isLiteral"),
}


def _node_kind_filter(shape: Node, kind: Node) -> str:
    """pySHACL's sh:nodeKind test as a FILTER that keeps the failing values."""
    if kind not in _KIND_TESTS:
        raise _unsupported(shape, f"sh:nodeKind {kind}")
    tests = " || ".join(f"{test}(?value)" for test in _KIND_TESTS[kind])
    return f"FILTER (!({tests}))"


def _actual(value: Literal, rule: Node) -> bool:
    types = _ACTUAL_TYPES.get(rule)
    return True if types is None else isinstance(value.value, types)


def _datatype_ok(value: Node, rule: Node) -> bool:
    if not isinstance(value, Literal):
        return False
    if value.datatype == rule:
        return False if getattr(value, "ill_typed", None) is True else _actual(value, rule)
    if rule == RDFS.Literal:
        return True
    if rule == RDFS.Datatype and value.datatype:
        return True
    if value.datatype is None and value.language is None and rule == XSD.string:
        return _actual(value, rule)
    if rule == RDF.langString and value.language:
        return _actual(value, rule)
    return False


def _string(value: Node) -> str:
    plain = isinstance(value, Literal) and value.datatype in (None, RDF.langString, XSD.string)
    return str(value.value) if plain and value.value is not None else str(value)


def _min_inclusive_ok(value: Node, rule: Literal, compare) -> bool:
    if not isinstance(value, Literal):
        return False
    min_is_string = isinstance(rule.value, str)
    value_is_string = isinstance(value.value, str)
    if min_is_string != value_is_string:
        return False
    try:
        return compare(value, rule) >= 0
    except (TypeError, NotImplementedError):
        return False


# ---------------------------------------------------------------------------------------
# SPARQL rewriting: triple patterns -> GRAPH ?g (∪ typing), focus nodes injected
# ---------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+|\#[^\n]*)
  | (?P<string>\"\"\"(?:[^\\]|\\.)*?\"\"\"|'''(?:[^\\]|\\.)*?'''
              |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<var>[?$][A-Za-z0-9_]+)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<pname>(?:[A-Za-z][\w.-]*)?:(?:[\w:-](?:[\w.:-]*[\w:-])?)?)
  | (?P<number>\d+\.\d+(?:[eE][+-]?\d+)?|\d+(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\^\^|&&|\|\||!=|<=|>=|[{}()\[\].,;|/^*+?!=<>-])
    """,
    re.X | re.S,
)
_IRI_LIST_FILTER = re.compile(r"\( (\?\w+) IN\( (<[^<>\s]*>(?: , <[^<>\s]*>)*) \) \)")
_KEYWORDS_ENDING_TRIPLES = {"FILTER", "BIND", "OPTIONAL", "MINUS", "VALUES", "GRAPH", "SERVICE"}


@dataclass
class _Tok:
    kind: str
    text: str


def _tokenize(text: str) -> list[_Tok]:
    tokens, position = [], 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise UnsupportedShapeError(
                f"cannot read SPARQL near {text[position : position + 30]!r}"
            )
        position = match.end()
        if match.lastgroup != "ws":
            tokens.append(_Tok(match.lastgroup or "", match.group()))
    return tokens


class _Rewriter:
    """Rewrite one SELECT query of the shapes for the batch store.

    A small recursive-descent reader of the SPARQL subset the shapes use (groups, triples
    with ``;`` and ``,``, property paths, FILTER, BIND, OPTIONAL, MINUS, UNION, [NOT] EXISTS);
    expressions are copied token by token except the groups of [NOT] EXISTS, which are
    rewritten too. Anything else raises :class:`UnsupportedShapeError`.
    """

    def __init__(self, compiler: _Compiler, text: str, shape: Node) -> None:
        self.compiler = compiler
        self.shape = shape
        self.tokens = _tokenize(text)
        self.pos = 0
        self.prefixes: dict[str, str] = {}

    # -- token helpers ----------------------------------------------------------------

    def peek(self, offset: int = 0) -> _Tok | None:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self, text: str | None = None) -> _Tok:
        token = self.peek()
        if token is None or (text is not None and token.text.upper() != text.upper()):
            found = token.text if token else "the end"
            raise UnsupportedShapeError(
                f"shape {_name(self.shape)}: SPARQL expected {text!r}, found {found!r}"
            )
        self.pos += 1
        return token

    def is_(self, text: str, offset: int = 0) -> bool:
        token = self.peek(offset)
        return token is not None and token.kind in ("name", "op") and token.text.upper() == text

    def fail(self, feature: str) -> UnsupportedShapeError:
        return _unsupported(self.shape, f"{feature} in SPARQL")

    # -- query ------------------------------------------------------------------------

    def query(self, focus: _Focus, values: str | None) -> tuple[str, tuple[str, ...]]:
        """The batch query and the variables the original projects (besides ?g, ?this)."""
        while self.is_("PREFIX"):
            self.take()
            name = self.take().text
            iri = self.take().text
            self.prefixes[name[:-1]] = iri[1:-1]
        self.take("SELECT")
        distinct = ""
        if self.is_("DISTINCT") or self.is_("REDUCED"):
            distinct = self.take().text
        projected: list[str] = []
        while self.peek() is not None and self.peek().kind == "var":
            projected.append("?" + self.take().text[1:])
        if not projected:
            raise self.fail("SELECT * or a projected expression")
        if self.is_("WHERE"):
            self.take()
        body = self.group(top=(focus, values))
        if self.peek() is not None:
            raise self.fail(f"{self.peek().text!r} after the WHERE clause (solution modifiers)")
        names = tuple(v[1:] for v in projected if v != "?this")
        if _G[1:] in names or any(n.startswith("nsbatch") for n in names):
            raise self.fail("a variable named ?nsbatch…")
        select = " ".join(["?this", *(f"?{n}" for n in names)])
        prologue = "".join(f"PREFIX {p}: <{i}>\n" for p, i in self.prefixes.items())
        del distinct  # pySHACL de-duplicates all rows: always DISTINCT
        return f"{prologue}SELECT DISTINCT {_G} {select} WHERE {body}", names

    def group(self, top: tuple[_Focus, str | None] | None = None, in_exists: bool = False) -> str:
        """A group, rewritten; the query's top group also gets the focus nodes: tested
        last when a triple of the group (or the value pattern of a component) binds
        ?this, else joined first (a FILTER NOT EXISTS alone cannot bind ?this)."""
        self.take("{")
        if self.is_("SELECT"):
            raise self.fail("a sub-SELECT")
        parts: list[str] = []
        values: list[str] = []  # VALUES equivalent to a FILTER (?x IN (<iri>, ...))
        pending: list[str] = []  # triples over the file graph only, merged in one GRAPH
        mentions_this = False

        def flush() -> None:
            if pending:
                parts.append(f"GRAPH {_G} {{ {' . '.join(pending)} }}")
                pending.clear()

        while not self.is_("}"):
            token = self.peek()
            if token is None:
                raise self.fail("an unclosed group")
            upper = token.text.upper() if token.kind in ("name", "op") else ""
            if upper == ".":
                self.take()
            elif upper == "FILTER":
                self.take()
                flush()
                constraint = self.constraint()
                parts.append("FILTER " + constraint)
                listed = _IRI_LIST_FILTER.fullmatch(constraint)
                if listed:  # the same restriction as data, so the store can look it up
                    values.append(
                        f"VALUES {listed.group(1)} {{ {listed.group(2).replace(' , ', ' ')} }}"
                    )
            elif upper == "BIND":
                self.take()
                flush()
                parts.append("BIND " + self.bracketed())
            elif upper in ("OPTIONAL", "MINUS"):
                self.take()
                flush()
                parts.append(f"{upper} {self.group()}")
            elif upper == "{":
                flush()
                union = [self.group()]
                while self.is_("UNION"):
                    self.take()
                    union.append(self.group())
                parts.append(" UNION ".join(union) if len(union) > 1 else union[0])
            elif upper in _KEYWORDS_ENDING_TRIPLES:
                raise self.fail(upper)
            else:
                mentions_this |= self.triples(parts, pending)
        self.take("}")
        flush()
        parts = values + parts
        if top is not None:
            focus, values = top
            if values or mentions_this:
                parts = ["%GRAPHS%", values or "", *parts, focus.exists]
            else:
                parts.insert(0, focus.join)
        return "{ " + " ".join(parts) + " }"

    def triples(self, parts: list[str], pending: list[str]) -> bool:
        """One subject with its predicate-object list; True if it mentions ?this."""
        subject = self.term()
        mentions = subject == "?this"
        while True:
            verb, path = self.verb()
            while True:
                obj = self.term()
                mentions |= obj == "?this"
                if path is not None and not (path.predicates & self.compiler.typing_predicates):
                    pending.append(f"{subject} {path.sparql} {obj}")
                else:
                    if pending:
                        parts.append(f"GRAPH {_G} {{ {' . '.join(pending)} }}")
                        pending.clear()
                    parts.append(self.compiler.triple(subject, path or verb, obj))
                if not self.is_(","):
                    break
                self.take()
            if not self.is_(";"):
                break
            self.take()
            if self.is_(".") or self.is_("}"):
                break
        return mentions

    def term(self) -> str:
        token = self.take()
        if token.kind == "var":
            return "?" + token.text[1:]
        if token.kind == "iri":
            return token.text
        if token.kind == "pname":
            return _iri(URIRef(self.expand(token.text)))
        if token.kind == "string":
            text = token.text
            if self.peek() is not None and self.peek().kind == "lang":
                return text + self.take().text
            if self.is_("^^"):
                self.take()
                return f"{text}^^{self.term()}"
            return text
        if token.kind == "number" or (token.kind == "name" and token.text in ("true", "false")):
            return token.text
        raise self.fail(f"the term {token.text!r}")

    def expand(self, pname: str) -> str:
        prefix, local = pname.split(":", 1)
        if prefix not in self.prefixes:
            raise self.fail(f"the undeclared prefix {prefix}:")
        return self.prefixes[prefix] + local

    def verb(self) -> tuple[str, _Path | None]:
        token = self.peek()
        if token is not None and token.kind == "var":
            self.take()
            return "?" + token.text[1:], None
        text, predicates = self.path_alternative()
        self.compiler.sparql_predicates |= predicates
        simple = len(predicates) == 1 and text == _iri(URIRef(next(iter(predicates))))
        return text, _Path(URIRef(""), text, frozenset(predicates), simple)

    def path_alternative(self) -> tuple[str, set[str]]:
        texts, predicates = [], set()
        while True:
            text, found = self.path_sequence()
            texts.append(text)
            predicates |= found
            if not self.is_("|"):
                break
            self.take()
        return ("(" + "|".join(texts) + ")" if len(texts) > 1 else texts[0]), predicates

    def path_sequence(self) -> tuple[str, set[str]]:
        texts, predicates = [], set()
        while True:
            inverse = ""
            if self.is_("^"):
                self.take()
                inverse = "^"
            text, found = self.path_primary()
            if self.is_("*") or self.is_("+") or (self.is_("?") and self.peek().kind == "op"):
                text += self.take().text
            texts.append(inverse + text)
            predicates |= found
            if not self.is_("/"):
                break
            self.take()
        return ("(" + "/".join(texts) + ")" if len(texts) > 1 else texts[0]), predicates

    def path_primary(self) -> tuple[str, set[str]]:
        token = self.take()
        if token.kind == "iri":
            return token.text, {token.text[1:-1]}
        if token.kind == "pname":
            iri = self.expand(token.text)
            return _iri(URIRef(iri)), {iri}
        if token.kind == "name" and token.text == "a":
            return _iri(RDF.type), {str(RDF.type)}
        if token.text == "(":
            text, predicates = self.path_alternative()
            self.take(")")
            return f"({text})", predicates
        raise self.fail(f"the path element {token.text!r}")

    def constraint(self) -> str:
        """The constraint of a FILTER: a bracketed expression, [NOT] EXISTS or a call."""
        if self.is_("NOT") or self.is_("EXISTS"):
            return self.expression_until(lambda: True, single_exists=True)
        if self.is_("("):
            return self.bracketed()
        name = self.take().text
        return name + self.bracketed()  # no space: see bracketed()

    def bracketed(self) -> str:
        self.take("(")
        out = ["("]
        depth = 1
        while depth:
            token = self.peek()
            if token is None:
                raise self.fail("an unclosed bracket")
            if self.is_("EXISTS"):
                self.take()
                out.append("EXISTS " + self.group(in_exists=True))
                continue
            if token.kind == "string":
                out.append(self.term())
                continue
            self.take()
            if token.text == "(" and token.kind == "op":
                depth += 1
                if out and re.fullmatch(r"[A-Za-z_]\w*", out[-1]):
                    out[-1] += "("  # Oxigraph wants CONCAT( and COALESCE( without a space
                    continue
            elif token.text == ")" and token.kind == "op":
                depth -= 1
            out.append(self.expression_token(token))
        return " ".join(out)

    def expression_until(self, _stop, single_exists: bool) -> str:
        out = []
        if self.is_("NOT"):
            out.append(self.take().text)
        self.take("EXISTS")
        out.append("EXISTS " + self.group(in_exists=True))
        return " ".join(out)

    def expression_token(self, token: _Tok) -> str:
        if token.kind == "pname":
            return _iri(URIRef(self.expand(token.text)))
        if token.kind == "var":
            return "?" + token.text[1:]
        if token.kind == "lang" or token.text == "^^":
            return token.text
        return token.text


# ---------------------------------------------------------------------------------------
# The engine
# ---------------------------------------------------------------------------------------


class BatchShaclEngine:
    """Validate many annotation graphs at once with the shapes compiled to SPARQL.

    Built from a shapes graph and the context (typing) triples every file is validated
    with, like :class:`~normspace.shacl.PyShaclEngine`, whose results it reproduces; that
    engine stays the reference and handles the files the fast path cannot (see the module
    docstring).
    """

    def __init__(self, shapes: Graph, context: Iterable[tuple] = ()) -> None:
        self.shapes = shapes
        self.context = [t for t in context]
        self._typing_set = set(self.context)
        compiler = _Compiler(shapes, self.context)
        self.checks = compiler.compile()
        self._sparql_predicates = frozenset(compiler.sparql_predicates)
        self._typing_quads = [
            ox.Quad(_to_ox(s, {}), _to_ox(p, {}), _to_ox(o, {}), ox.NamedNode(TYPING_GRAPH))
            for s, p, o in self.context
        ]
        self._single = ox.Store()
        self._single.extend(self._typing_quads)
        self._lock = threading.Lock()
        self._reference: PyShaclEngine | None = None

    # -- public API -------------------------------------------------------------------

    def validate_store(
        self, store: ox.Store, graphs: Collection[str] | None = None
    ) -> dict[str, list[ShaclResult]]:
        """Results per named graph (graphs without results are absent), each graph
        validated as if alone with the typing triples.

        The typing triples are added to ``store`` as the graph :data:`TYPING_GRAPH` while
        the queries run and removed afterwards (unless the store already had that graph).
        ``graphs`` restricts validation to those graph IRIs (default: every named graph).
        """
        typing = ox.NamedNode(TYPING_GRAPH)
        added = not store.contains_named_graph(typing)
        if added:
            store.extend(self._typing_quads)
        try:
            wanted = None if graphs is None else set(graphs)
            special = self._special_graphs(store, wanted)
            raw = self._run_checks(store, wanted, exclude=special)
            results = {g: _sorted_results(self.shapes, found) for g, found in raw.items()}
            for graph in special:
                found = self._reference_results(store, graph)
                if found:
                    results[graph] = found
        finally:
            if added:
                store.remove_graph(typing)
        return results

    def validate_nquads(self, data: bytes) -> dict[str, list[ShaclResult]]:
        """:meth:`validate_store` on N-Quads loaded into a fresh in-memory store.

        Blank node labels are kept (``Store.load`` would rename them), so results name the
        input's blank nodes; they must be unique across the files of ``data``."""
        store = ox.Store()
        store.extend(ox.parse(encode_nquads(data), format=ox.RdfFormat.N_QUADS))
        return self.validate_store(store)

    def validate_graphs(self, graphs: Mapping[str, Graph]) -> dict[str, list[ShaclResult]]:
        """Many rdflib graphs validated together (one store, one query per constraint),
        each as if alone; results per key (keys without results are absent), with each
        graph's own terms, exactly as :meth:`validate` gives them one by one."""
        store = ox.Store()
        store.extend(self._typing_quads)
        bnodes: dict[BNode, ox.BlankNode] = {}
        special = {key: data for key, data in graphs.items() if self._needs_reference(data)}
        for key, data in graphs.items():
            if key not in special:
                name = ox.NamedNode(key)
                store.extend(
                    ox.Quad(_to_ox(s, bnodes), _to_ox(p, bnodes), _to_ox(o, bnodes), name)
                    for s, p, o in data
                )
        results = {
            key: _sorted_results(self.shapes, _restore_terms(found, graphs[key], bnodes))
            for key, found in self._run_checks(store, None).items()
        }
        for key, data in special.items():
            found = self.reference().validate(data).results
            if found:
                results[key] = found
        return results

    def validate(self, data: Graph) -> ShaclReport:
        """One file (the :class:`~normspace.shacl.ShaclEngine` protocol), with a report
        graph shaped like pySHACL's and the input's own terms in the results."""
        if self._needs_reference(data):
            return self.reference().validate(data)
        graph = "urn:normspace:shacl:file"
        bnodes: dict[BNode, ox.BlankNode] = {}
        name = ox.NamedNode(graph)
        quads = [
            ox.Quad(_to_ox(s, bnodes), _to_ox(p, bnodes), _to_ox(o, bnodes), name)
            for s, p, o in data
        ]
        with self._lock:
            self._single.extend(quads)
            try:
                raw = self._run_checks(self._single, {graph}).get(graph, [])
            finally:
                self._single.remove_graph(name)
        raw = _restore_terms(raw, data, bnodes)
        report = report_graph(self.shapes, raw)
        return ShaclReport(results=_sorted_results(self.shapes, raw), report_graph=report)

    def reference(self) -> PyShaclEngine:
        """pySHACL with the same shapes and context: for the files the fast path cannot
        reproduce exactly."""
        if self._reference is None:
            self._reference = PyShaclEngine(self.shapes, self.context)
        return self._reference

    # -- internals --------------------------------------------------------------------

    def _needs_reference(self, data: Graph) -> bool:
        lossy = lossy_datatypes()
        return any(
            t in self._typing_set
            or t[1] == RDFS.subClassOf
            or (
                isinstance(t[2], Literal)
                and str(t[2].datatype) in lossy
                and str(t[1]) in self._sparql_predicates
            )
            for t in data
        )

    def _special_graphs(self, store: ox.Store, wanted: set[str] | None) -> set[str]:
        """Graphs that share a triple with the typing graph or declare subclasses."""
        predicates = " ".join(_iri(URIRef(p)) for p in sorted(self._sparql_predicates))
        query = (
            f"SELECT DISTINCT {_G} WHERE {{ {{ GRAPH {_T} {{ ?s ?p ?o }} GRAPH {_G} {{ ?s ?p ?o }} "
            f"FILTER ({_G} != {_T}) }} UNION {{ GRAPH {_G} {{ ?s <{RDFS.subClassOf}> ?o }} "
            f"FILTER ({_G} != {_T}) }} UNION {{ VALUES ?p {{ {predicates} }} "
            f"GRAPH {_G} {{ ?s ?p ?o }} "
            f'FILTER (isLiteral(?o) && STRSTARTS(STR(DATATYPE(?o)), "{SURROGATE}")) }} }}'
        )
        found = {solution[_G[1:]].value for solution in store.query(query)}
        return found if wanted is None else found & wanted

    def _reference_results(self, store: ox.Store, graph: str) -> list[ShaclResult]:
        data = Graph()
        for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            data.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        return self.reference().validate(data).results

    def _run_checks(
        self, store: ox.Store, restrict: set[str] | None, exclude: Collection[str] = ()
    ) -> dict[str, list[_RawResult]]:
        graphs_block = (
            f"VALUES {_G} {{ {' '.join(_iri(URIRef(g)) for g in sorted(restrict))} }}"
            if restrict is not None and len(restrict) <= 2000
            else ""
        )
        results: dict[str, list[_RawResult]] = defaultdict(list)
        value_cache: dict[str, list] = {}
        for check in self.checks:
            for graph, row in self._rows(store, check, graphs_block, value_cache):
                if graph in exclude or (restrict is not None and graph not in restrict):
                    continue
                results[graph].append(_result(check, row))
        return results

    def _rows(
        self, store: ox.Store, check: _Check, graphs_block: str, cache: dict
    ) -> Iterator[tuple[str, dict[str, Node]]]:
        if check.kind == "local":
            yield from self._local_rows(store, check, graphs_block, cache)
            return
        query = check.query.replace("%GRAPHS%", graphs_block)
        yield from _solutions(store, query)

    def _local_rows(
        self, store: ox.Store, check: _Check, graphs_block: str, cache: dict
    ) -> Iterator[tuple[str, dict[str, Node]]]:
        values_query = check.values_query.replace("%GRAPHS%", graphs_block)
        if values_query not in cache:  # checks on the same path share one read
            cache[values_query] = [
                (s["value"], to_rdflib(s["value"])) for s in store.query(values_query)
            ]
        bad = [v for v, term in cache[values_query] if not check.test(term)]
        if not bad:
            return
        named = [v for v in bad if not isinstance(v, ox.BlankNode)]
        blank = {v for v in bad if isinstance(v, ox.BlankNode)}
        base = check.query.replace("%GRAPHS%", graphs_block)
        if named:
            block = f"VALUES ?value {{ {' '.join(str(v) for v in named)} }}"
            yield from _solutions(store, base.replace("%BAD%", block))
        if blank:
            query = base.replace("%BAD%", "").replace(
                f"SELECT DISTINCT {_G} ?this ?value WHERE {{",
                f"SELECT DISTINCT {_G} ?this ?value WHERE {{ FILTER (isBlank(?value))",
                1,
            )
            # the FILTER applies to the whole group, so it can open it
            for graph, row in _solutions(store, query):
                if row.get("_ox_value") in blank:
                    yield graph, row


def _solutions(store: ox.Store, query: str) -> Iterator[tuple[str, dict[str, Node]]]:
    solutions = store.query(query)
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        row: dict[str, Node] = {}
        for name in names:
            value = solution[name]
            if value is None:
                continue
            if name == "value":
                row["_ox_value"] = value
            if name != _G[1:]:
                row[name] = to_rdflib(value)
        yield solution[_G[1:]].value, row


def _result(check: _Check, row: dict[str, Node]) -> _RawResult:
    """pySHACL's result for one solution row of a check."""
    focus = row["this"]
    if check.kind in ("rows", "local"):
        return _RawResult(focus, row.get("value"), None, check, list(check.messages), row)
    if check.kind == "custom":
        path = row.get("path")
        return _RawResult(focus, row.get("value"), path, check, list(check.messages), row)
    # sh:sparql (pySHACL's SPARQLConstraintComponent._evaluate_sparql_constraint)
    projected = set(check.projected)
    path = row.get("path") if "path" in projected else None
    value = row.get("value") if "value" in projected else None
    if value is None and check.path is None:
        value = focus
    bound = {k: v for k, v in row.items() if k in projected and k not in ("path", "value")}
    bound["this"] = focus
    if path is not None:
        bound["path"] = path
    if value is not None:
        bound["value"] = value
    messages: list[Literal] = []
    for m in check.extra_messages:
        if m not in check.messages:
            messages.append(Literal(_format(str(m.value), bound)))
    messages.extend(Literal(_format(str(m.value), bound)) for m in check.messages)
    return _RawResult(focus, value, path, check, messages, row)


def _format(message: str, bound: dict[str, Node]) -> str:
    """pySHACL's substitution of ``{?var}``/``{$var}`` (the same ``re.sub`` calls)."""
    for name, value in bound.items():
        message = re.sub(f"{{[?$]{name}}}", str(value), message)
    return message


def _restore_terms(raw: list[_RawResult], data: Graph, bnodes: dict) -> list[_RawResult]:
    """Give results the input graph's own terms: blank nodes got store labels, and
    Oxigraph canonicalises some literals (``"1.50"^^xsd:decimal`` comes back as ``1.5``);
    each canonical form is mapped to the input literal it came from."""
    back = {ox_node.value: node for node, ox_node in bnodes.items()}
    literals: dict[tuple, Literal] | None = None

    def restore(term: Node) -> Node:
        nonlocal literals
        if isinstance(term, BNode):
            return back.get(str(term), term)
        if isinstance(term, Literal):
            if literals is None:
                literals = _canonical_literals(data)
            return literals.get(_key(term), term)
        return term

    return [_result(r.check, {k: restore(v) for k, v in r.row.items()}) for r in raw]


def _canonical_literals(data: Graph) -> dict[tuple, Literal]:
    originals = sorted({o for _, _, o in data if isinstance(o, Literal)}, key=_key)
    scratch = ox.Store()
    predicate = ox.NamedNode("urn:normspace:p")
    scratch.extend(
        ox.Quad(ox.NamedNode(f"urn:normspace:{i}"), predicate, _to_ox(original, {}))
        for i, original in enumerate(originals)
    )
    found: dict[tuple, Literal] = {}
    for quad in scratch.quads_for_pattern(None, predicate, None):
        index = int(quad.subject.value.rsplit(":", 1)[1])
        found.setdefault(_key(to_rdflib(quad.object)), originals[index])
    return found


def _key(term: Literal) -> tuple:
    return (str(term), term.language or "", str(term.datatype or ""))


def _shacl_result(shapes: Graph, r: _RawResult) -> ShaclResult:
    check = r.check
    path = r.path if r.path is not None else (check.path.node if check.path else None)
    return ShaclResult(
        focus=r.focus,
        path=render_path(shapes, path) if path is not None else None,
        severity=str(check.severity).rsplit("#", 1)[-1],
        message=" ".join(sorted(str(m) for m in r.messages)),
        value=r.value,
        shape=str(check.shape) if isinstance(check.shape, URIRef) else None,
        component=str(check.component).rsplit("#", 1)[-1].rsplit("/", 1)[-1],
    )


def _sorted_results(shapes: Graph, raw: list[_RawResult]) -> list[ShaclResult]:
    return sorted((_shacl_result(shapes, r) for r in raw), key=_sort_key)


def report_graph(shapes: Graph, raw: list[_RawResult]) -> Graph:
    """A SHACL validation report graph shaped like pySHACL's (result nodes with focus,
    path, severity, source shape and component, value and messages; complex paths and
    source constraints copied from the shapes graph)."""
    graph = Graph()
    graph.bind("sh", SH)
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    conforms = not any(r.check.severity == SH.Violation for r in raw)
    graph.add((report, SH.conforms, Literal(conforms)))
    for r in raw:
        node = BNode()
        graph.add((report, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, r.focus))
        graph.add((node, SH.resultSeverity, r.check.severity))
        graph.add((node, SH.sourceShape, r.check.shape))
        graph.add((node, SH.sourceConstraintComponent, r.check.component))
        if r.value is not None:
            graph.add((node, SH.value, r.value))
        path = r.path if r.path is not None else (r.check.path.node if r.check.path else None)
        if path is not None:
            graph.add((node, SH.resultPath, path))
            if isinstance(path, BNode):
                graph += shapes.cbd(path)
                _copy_lists(shapes, graph, path)
        if r.check.source_constraint is not None:
            graph.add((node, SH.sourceConstraint, r.check.source_constraint))
        for message in r.messages:
            graph.add((node, SH.resultMessage, message))
    return graph


def _copy_lists(shapes: Graph, graph: Graph, node: Node) -> None:
    for _, _, o in shapes.triples((node, None, None)):
        if isinstance(o, BNode):
            for triple in shapes.triples((o, None, None)):
                graph.add(triple)
            _copy_lists(shapes, graph, o)


@cache
def batch_engine() -> BatchShaclEngine:
    """The batch engine for annotation files (cached), like
    :func:`~normspace.shacl.annotation_engine`."""
    from .ontology import load_ontology

    return BatchShaclEngine(load_shapes(ANNOTATION_SHAPES), term_typing_triples(load_ontology()))


#: Environment variable choosing the SHACL engine of annotation files.
ENGINE_ENV = "NORMSPACE_SHACL_ENGINE"
#: The engines it can name: the batch engine (compiled to SPARQL) and the reference.
ENGINES = ("sparql", "pyshacl")


def engine_choice() -> str:
    """``$NORMSPACE_SHACL_ENGINE``: ``sparql`` (default, :func:`batch_engine`) or
    ``pyshacl`` (:func:`~normspace.shacl.annotation_engine`, the reference engine)."""
    value = os.environ.get(ENGINE_ENV, "").strip().lower() or ENGINES[0]
    if value not in ENGINES:
        raise InputError(
            f"{ENGINE_ENV}={value!r} is not a SHACL engine; use `sparql` (the batch engine, "
            "default) or `pyshacl` (the reference engine)"
        )
    return value


def selected_engine() -> ShaclEngine:
    """The annotation engine :data:`ENGINE_ENV` chooses (both give the same results; the
    batch engine is the faster, pySHACL the reference)."""
    return batch_engine() if engine_choice() == "sparql" else annotation_engine()

"""The SHACL validation report of annotation files, with the YAML reader's problems in it.

``normspace validate --format ttl`` is the machine-readable verdict, so it must agree with
the exit code. Problems the reader finds before SHACL runs (syntax, unknown keys and terms,
terms of the wrong scheme, malformed identifiers, …) become ``sh:ValidationResult`` nodes
next to the results of the shapes, and each file's ``sh:conforms`` is false exactly when the
file has an error. A reader result's ``sh:sourceShape`` is ``nsh:reader-<rule>`` (e.g.
``nsh:reader-unknown-term``) and its ``sh:sourceConstraintComponent`` is
``nsh:AnnotationReaderConstraintComponent``: these IRIs name checks of the reader, not shapes
of ``annotation-shapes.ttl``.

Every result, from the reader or the shapes, also says where the problem is in the YAML file,
with properties that are not part of SHACL: ``nsh:file``, ``nsh:line``, ``nsh:column`` (syntax
errors), ``nsh:field`` (``tags.values[1]``) and ``nsh:suggestion``.
"""

from __future__ import annotations

import re

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, PROV, RDF, XSD
from rdflib.term import Node

from ..diagnostics import Severity
from ..namespaces import NORM, SH, bind_prefixes
from ..shacl import NSH_IRI
from .problems import Problem
from .slots import ANNOTATION, ANNOTATOR, ASSUMPTION, PAPER, PROPERTY_FIELDS, TRADE_OFF
from .terms import TermResolver
from .validate import FileResult, ValidationRun

NSH = Namespace(NSH_IRI)
READER_COMPONENT = NSH.AnnotationReaderConstraintComponent
SEVERITY_IRIS = {s.value: s.shacl_iri for s in Severity}
#: Reader rules whose value names a term of the ontology: ``sh:value`` is then its IRI.
TERM_VALUE_RULES = frozenset({"wrong-scheme", "deprecated-term", "duplicate-term"})
#: Reader rules about a key that does not exist, so no property path leads to it.
PATHLESS_RULES = frozenset({"unknown-key"})


def _field_paths() -> dict[str, tuple[URIRef, ...]]:
    """YAML field (list indexes removed) -> property path from the annotation node."""
    paths = {
        where: (prop,)
        for prop, where in PROPERTY_FIELDS[ANNOTATION].items()
        if prop != NORM.hasEvidence  # "tags" as a whole is no property
    }
    nested = (
        (PAPER, "paper", NORM.annotates),
        (ANNOTATOR, "annotation.annotator", PROV.wasAttributedTo),
        (TRADE_OFF, "trade_offs", NORM.hasTradeOff),
        (ASSUMPTION, "assumptions", NORM.hasAssumption),
    )
    for kind, base, link in nested:
        for prop, relative in PROPERTY_FIELDS[kind].items():
            if relative:
                paths[f"{base}.{relative}"] = (link, prop)
    return paths


FIELD_PATHS = _field_paths()


def property_path(field: str | None) -> tuple[URIRef, ...]:
    """The property path from the annotation node to a YAML field (empty if there is none).

    >>> [p.fragment for p in property_path("trade_offs[0].values[1]")]
    ['hasTradeOff', 'involvesValue']
    >>> [p.fragment for p in property_path("tags.values[2].term")]
    ['hasValue']
    >>> property_path("tags")
    ()
    """
    key = re.sub(r"\[\d+\]", "", field or "")
    while key:
        if key in FIELD_PATHS:
            return FIELD_PATHS[key]
        key = key.rpartition(".")[0]
    return ()


def focus_node(result: FileResult) -> URIRef:
    """The annotation IRI, or the file's own IRI when no annotation IRI can be minted."""
    document = result.parsed.document
    if document is not None:
        return URIRef(document.annotation_iri)
    return URIRef(result.parsed.path.resolve().as_uri())


def _add_path(graph: Graph, node: Node, path: tuple[URIRef, ...]) -> None:
    if len(path) == 1:
        graph.add((node, SH.resultPath, path[0]))
    elif path:
        head = BNode()
        Collection(graph, head, list(path))
        graph.add((node, SH.resultPath, head))


def _add_location(graph: Graph, node: Node, problem: Problem) -> None:
    """The non-SHACL statements of where in the YAML file a result was found."""
    graph.add((node, NSH.file, Literal(problem.file)))
    if problem.line is not None:
        graph.add((node, NSH.line, Literal(problem.line, datatype=XSD.integer)))
    if problem.column is not None:
        graph.add((node, NSH.column, Literal(problem.column, datatype=XSD.integer)))
    if problem.field:
        graph.add((node, NSH.field, Literal(problem.field)))
    if problem.suggestion:
        graph.add((node, NSH.suggestion, Literal(problem.suggestion)))


class ReportWriter:
    """Builds the report graph of a validation run, one ``sh:ValidationReport`` per file."""

    def __init__(self, resolver: TermResolver | None = None) -> None:
        self.resolver = resolver or TermResolver()
        self.graph = bind_prefixes(Graph())
        self.graph.bind("nsh", NSH_IRI)

    def value(self, problem: Problem) -> Node | None:
        if problem.value is None:
            return None
        if problem.rule in TERM_VALUE_RULES:
            term = self.resolver.lookup(problem.value)
            if term is not None:
                return URIRef(term.iri)
        return Literal(problem.value)

    def reader_result(self, report: Node, focus: URIRef, problem: Problem, pathed: bool) -> None:
        graph, node = self.graph, BNode()
        graph.add((report, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, focus))
        graph.add((node, SH.resultSeverity, SEVERITY_IRIS.get(problem.severity, SH.Violation)))
        graph.add((node, SH.resultMessage, Literal(problem.message)))
        graph.add((node, SH.sourceShape, NSH["reader-" + problem.rule]))
        graph.add((node, SH.sourceConstraintComponent, READER_COMPONENT))
        if pathed and problem.rule not in PATHLESS_RULES:
            _add_path(graph, node, property_path(problem.field))
        value = self.value(problem)
        if value is not None:
            graph.add((node, SH.value, value))
        _add_location(graph, node, problem)

    def file_report(self, result: FileResult) -> None:
        graph = self.graph
        if result.report is not None:
            shacl = result.report.report_graph
            report = next(iter(shacl.subjects(RDF.type, SH.ValidationReport)), BNode())
            graph += (t for t in shacl if t[:2] != (report, SH.conforms))
            for node, problem in result.located:
                _add_location(graph, node, problem)
        else:
            report = BNode()
        graph.add((report, RDF.type, SH.ValidationReport))
        graph.add((report, SH.conforms, Literal(result.conforms)))
        graph.add((report, DCTERMS.source, Literal(str(result.parsed.path))))
        focus = focus_node(result)
        for problem in result.parsed.problems:
            self.reader_result(report, focus, problem, pathed=result.parsed.document is not None)


def report_graph(run: ValidationRun, resolver: TermResolver | None = None) -> Graph:
    """One SHACL validation report per file, tagged with its file (``dcterms:source``)."""
    writer = ReportWriter(resolver)
    for result in run.files:
        writer.file_report(result)
    return writer.graph

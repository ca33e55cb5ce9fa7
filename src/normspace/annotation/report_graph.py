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
from .slots import (
    ANNOTATION,
    ANNOTATOR,
    ASSUMPTION,
    CONTRIBUTION,
    CONTRIBUTION_V1,
    FINDING,
    PAPER,
    PRIORITY_RANK,
    PROPERTY_FIELDS,
    RESOURCE,
    RESOURCE_SLOTS,
    SAMPLE,
    SETTING,
    TRADE_OFF,
)
from .terms import TermResolver
from .validate import FileResult, ValidationRun

NSH = Namespace(NSH_IRI)
READER_COMPONENT = NSH.AnnotationReaderConstraintComponent
SEVERITY_IRIS = {s.value: s.shacl_iri for s in Severity}
#: Reader rules whose value names a term of the ontology: ``sh:value`` is then its IRI.
TERM_VALUE_RULES = frozenset(
    {
        "wrong-scheme",
        "deprecated-term",
        "duplicate-term",
        "grouping-term",
        "priority-not-pole",
        "priority-duplicate",
    }
)
#: Reader rules about a key that does not exist (or not in this place, or not in the file's
#: format version), so no property path leads to it.
PATHLESS_RULES = frozenset({"unknown-key", "misplaced-key", "format-1-key", "format-2-key"})


#: Nodes below the annotation node: (kind, YAML field of the node, property path to it).
#: A version-1 contribution has no YAML mapping of its own (field ""): its fields are the
#: absolute format-1 paths (``tags.values``), reached through norm:hasContribution.
_TOP_NODES: tuple[tuple[str, str, tuple[URIRef, ...]], ...] = (
    (PAPER, "paper", (NORM.annotates,)),
    (ANNOTATOR, "annotation.annotator", (PROV.wasAttributedTo,)),
    (ASSUMPTION, "assumptions", (NORM.hasAssumption,)),
    (CONTRIBUTION, "contribution", (NORM.hasContribution,)),
    (CONTRIBUTION, "contributions", (NORM.hasContribution,)),
    (CONTRIBUTION_V1, "", (NORM.hasContribution,)),
)
#: Link property -> kind of the node it leads to, below a contribution or a trade-off.
_CHILD_KINDS: dict[URIRef, str] = {
    NORM.hasTradeOff: TRADE_OFF,
    NORM.hasFinding: FINDING,
    NORM.hasSample: SAMPLE,
    NORM.hasContestationSetting: SETTING,
    NORM.hasPriority: PRIORITY_RANK,
    **{s.prop: RESOURCE for s in RESOURCE_SLOTS},
}


def _field_paths() -> dict[str, tuple[URIRef, ...]]:
    """YAML field (list indexes removed) -> property path from the annotation node."""
    paths = {
        where: (prop,)
        for prop, where in PROPERTY_FIELDS[ANNOTATION].items()
        if prop != NORM.hasEvidence  # "tags" as a whole is no property
    }

    def walk(kind: str, base: str, link: tuple[URIRef, ...]) -> None:
        for prop, relative in PROPERTY_FIELDS[kind].items():
            if not relative or prop == NORM.hasEvidence:
                continue
            where = f"{base}.{relative}" if base else relative
            paths.setdefault(where, (*link, prop))
            child = _CHILD_KINDS.get(prop)
            if child is not None:
                walk(child, where, (*link, prop))

    for kind, base, link in _TOP_NODES:
        walk(kind, base, link)
    # `none` lists several absences: the field names their common super-property; format 1
    # had only the one for approaches
    for base in ("contribution", "contributions"):
        paths[f"{base}.none"] = (NORM.hasContribution, NORM.declaresAbsence)
    paths["annotation.proposes_no_approach"] = (NORM.hasContribution, NORM.noAlignmentApproach)
    return paths


FIELD_PATHS = _field_paths()


def property_path(field: str | None) -> tuple[URIRef, ...]:
    """The property path from the annotation node to a YAML field (empty if there is none).

    >>> [p.fragment for p in property_path("trade_offs[0].values[1]")]
    ['hasContribution', 'hasTradeOff', 'involvesValue']
    >>> [p.fragment for p in property_path("tags.values[2].term")]
    ['hasContribution', 'hasValue']
    >>> [p.fragment for p in property_path("contributions[1].findings[0].measure")]
    ['hasContribution', 'hasFinding', 'measures']
    >>> [p.fragment for p in property_path("tags.disciplines[0]")]
    ['hasDiscipline']
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

"""One annotation file as a whole: YAML text -> model -> RDF, with every problem located."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal
from rdflib.plugins.serializers.nt import _quoteLiteral
from rdflib.term import Node

from ..errors import InputError
from .from_yaml import closest_line, read_annotation
from .model import Annotation
from .problems import ERROR, Problem
from .rdf_io import INPUT_FORMATS
from .terms import TermResolver
from .textinput import NotTextError, decode_utf8
from .to_rdf import Origins, annotation_graph
from .yaml_source import YamlSource, YamlSourceError, parse_yaml, read_yaml

#: Extensions of RDF files, which YAML would misread. ``.json`` is left out: JSON is YAML,
#: and an annotation written as JSON reads fine.
RDF_SUFFIXES = frozenset(INPUT_FORMATS) - {".json"}


class AnnotationDocument:
    """A file that was read into RDF (valid or not: see :class:`ParsedFile` for problems).

    Three forms, one interface. A document read by :func:`parse_file` holds its rdflib
    ``graph``, the model and the ``origins`` (for mapping SHACL results back to the YAML).
    The bulk reader (:mod:`normspace.bulkread`) reads with ``graph=False``: the document
    holds the model, and the graph and origins are built from it only when asked for (for
    the few files with SHACL results), because building an rdflib graph is most of the cost
    of reading a file. The records it sends back from its worker processes hold only the
    triples as N-Triples bytes (``ntriples``) and the file's ``digest``: 100,000 rdflib
    graphs would not fit in memory. There ``graph`` is parsed from the bytes on each use (not
    kept), and ``ntriples`` is serialised from the graph when a document has no bytes.
    """

    def __init__(
        self,
        path: Path,
        annotation_iri: str,
        paper_iri: str,
        graph: Graph | None = None,
        annotation: Annotation | None = None,
        origins: Origins | None = None,
        *,
        ntriples: bytes | None = None,
        digest: str | None = None,
        unstorable: str | None = None,
    ) -> None:
        if graph is None and ntriples is None and annotation is None:
            raise ValueError("an AnnotationDocument needs its graph, model or N-Triples")
        self.path = path
        self.annotation_iri = annotation_iri  # also the named-graph IRI in the store
        self.paper_iri = paper_iri  # https://doi.org/... or https://arxiv.org/abs/...
        self.annotation = annotation
        self.digest = digest  # "sha256:..." as loading.file_digest, when the reader knew it
        #: why the store would refuse one of the triples (found by the bulk reader), or None
        self.unstorable = unstorable
        self._graph = graph
        self._origins = origins
        self._ntriples = ntriples

    def _build(self) -> None:
        assert self.annotation is not None
        self._graph, self._origins = annotation_graph(self.annotation)

    @property
    def graph(self) -> Graph:
        """All triples of this file (paper metadata + annotation)."""
        if self._graph is None and self.annotation is not None:
            self._build()
        if self._graph is not None:
            return self._graph
        graph = Graph()
        graph.parse(data=self._ntriples, format="nt")
        return graph

    @property
    def origins(self) -> Origins:
        """Which YAML field produced each node and triple (empty without the model)."""
        if self._origins is None:
            if self.annotation is None:
                return Origins()
            self._build()
        assert self._origins is not None
        return self._origins

    @property
    def serialised(self) -> bool:
        """True when the document came as N-Triples (from the bulk reader)."""
        return self._ntriples is not None

    @property
    def ntriples(self) -> bytes:
        """The triples as N-Triples (UTF-8); blank-node labels unique to this document."""
        if self._ntriples is None:
            self._ntriples = graph_ntriples(self.graph)
        return self._ntriples

    def __repr__(self) -> str:
        return f"AnnotationDocument(path={self.path!r}, annotation_iri={self.annotation_iri!r})"


def graph_ntriples(graph: Graph) -> bytes:
    """N-Triples of an rdflib graph, with fresh blank-node labels (unique per call, so the
    triples of many documents can share one N-Quads stream or one INSERT DATA request)."""
    prefix = f"d{uuid.uuid4().hex}x"
    labels: dict[BNode, str] = {}

    def term(node: Node) -> str:
        if isinstance(node, BNode):
            return "_:" + labels.setdefault(node, f"{prefix}{len(labels)}")
        return _nt_term(node)

    return "".join(f"{term(s)} {term(p)} {term(o)} .\n" for s, p, o in graph).encode("utf-8")


def _nt_term(node: Node) -> str:
    if isinstance(node, Literal):
        return _quoteLiteral(node)
    return f"<{node}>"


@dataclass
class ParsedFile:
    """The outcome of reading one file: a document when its RDF could be built, and problems."""

    path: Path
    document: AnnotationDocument | None
    problems: list[Problem]
    #: field path -> 1-based (line, column) of every key and list item in the file.
    positions: dict[str, tuple[int, int]] = field(default_factory=dict, repr=False)

    def line_of(self, field_path: str) -> int | None:
        """Line of a field, or of its closest enclosing field present in the file."""
        return closest_line(self.positions, field_path)

    @property
    def fatal(self) -> bool:
        return any(p.fatal for p in self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]


class AnnotationFileError(InputError):
    """An annotation file has problems that stop it from being loaded; lists all of them."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path, self.problems = path, problems
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{path} cannot be loaded ({count}):\n{lines}")


def _fatal(path: Path, exc: YamlSourceError) -> ParsedFile:
    rule = exc.rule or ("yaml-syntax" if exc.line else "unreadable")
    problem = Problem(
        file=str(path),
        message=exc.reason,
        rule=rule,
        line=exc.line,
        column=exc.column,
        fatal=True,
    )
    return ParsedFile(path, None, [problem])


def _not_an_annotation(path: Path, message: str) -> ParsedFile:
    problem = Problem(file=str(path), message=message, rule="not-an-annotation", fatal=True)
    return ParsedFile(path, None, [problem])


def parse_source(
    source: YamlSource, path: Path, resolver: TermResolver | None, graph: bool = True
) -> ParsedFile:
    """The model, problems and (with ``graph``) the RDF of parsed YAML; without ``graph``
    the document builds its graph and origins on first use."""
    if source.root is None:
        return _not_an_annotation(path, "the file is empty")
    if not isinstance(source.root, dict):
        return _not_an_annotation(
            path, "the file is not an annotation: expected a mapping with `paper:`, `annotation:`"
        )
    result = read_annotation(source, resolver)
    annotation = result.annotation
    document = None
    if annotation.paper.identified:
        document = AnnotationDocument(
            path=path,
            annotation_iri=annotation.iri,
            paper_iri=annotation.paper.iri,
            annotation=annotation,
        )
        if graph:
            document._build()
    return ParsedFile(path, document, result.problems, result.positions)


def _rdf_file(path: Path) -> ParsedFile:
    message = (
        f"not a YAML annotation file; convert it with `normspace convert {path} --to yaml` first"
    )
    problem = Problem(file=str(path), message=message, rule="not-yaml", fatal=True)
    return ParsedFile(path, None, [problem])


def parse_file(path: Path, resolver: TermResolver | None = None) -> ParsedFile:
    """Read one YAML file without raising for problems in its content."""
    if path.suffix.lower() in RDF_SUFFIXES:
        return _rdf_file(path)
    try:
        source = read_yaml(path)
    except YamlSourceError as exc:
        return _fatal(path, exc)
    return parse_source(source, path, resolver)


def parse_bytes(
    path: Path, data: bytes, resolver: TermResolver | None = None, graph: bool = True
) -> ParsedFile:
    """:func:`parse_file` for bytes already read from ``path`` (the bulk reader hashes the
    bytes it parses, so the recorded digest is always that of the content loaded). Same
    problems, messages and positions as :func:`parse_file`."""
    if path.suffix.lower() in RDF_SUFFIXES:
        return _rdf_file(path)
    try:
        text = decode_utf8(data, str(path))
    except NotTextError as exc:
        return _fatal(
            path, YamlSourceError(str(path), exc.reason, exc.line, exc.column, "encoding")
        )
    try:
        source = parse_yaml(text, str(path))
    except YamlSourceError as exc:
        return _fatal(path, exc)
    return parse_source(source, path, resolver, graph)


def parse_text(text: str, name: str = "<text>", resolver: TermResolver | None = None):
    """Like :func:`parse_file` for YAML text (``name`` is used in messages)."""
    try:
        source = parse_yaml(text, name)
    except YamlSourceError as exc:
        return _fatal(Path(name), exc)
    return parse_source(source, Path(name), resolver)


def load_annotation(path: Path) -> AnnotationDocument:
    """Read an annotation file into RDF; raise :class:`InputError` (exit code 2) listing every
    problem if it cannot be read, parsed or resolved. SHACL is not run: see
    :func:`normspace.annotation.validate.validate_paths`."""
    parsed = parse_file(Path(path))
    blocking = parsed.errors
    if blocking or parsed.document is None:
        raise AnnotationFileError(parsed.path, blocking or parsed.problems)
    return parsed.document

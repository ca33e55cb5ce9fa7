"""One annotation file as a whole: YAML text -> model -> RDF, with every problem located."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from ..errors import InputError
from .from_yaml import closest_line, read_annotation
from .model import Annotation
from .problems import ERROR, Problem
from .rdf_io import INPUT_FORMATS
from .terms import TermResolver
from .to_rdf import Origins, annotation_graph
from .yaml_source import YamlSource, YamlSourceError, parse_yaml, read_yaml

#: Extensions of RDF files, which YAML would misread. ``.json`` is left out: JSON is YAML,
#: and an annotation written as JSON reads fine.
RDF_SUFFIXES = frozenset(INPUT_FORMATS) - {".json"}


@dataclass
class AnnotationDocument:
    """A file that was read into RDF (valid or not: see :class:`ParsedFile` for problems)."""

    path: Path
    annotation_iri: str  # also the named-graph IRI in the store
    paper_iri: str  # https://doi.org/... or https://arxiv.org/abs/...
    graph: Graph  # all triples of this file (paper metadata + annotation)
    annotation: Annotation
    origins: Origins = field(default_factory=Origins, repr=False)


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


def parse_source(source: YamlSource, path: Path, resolver: TermResolver | None) -> ParsedFile:
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
        graph, origins = annotation_graph(annotation)
        document = AnnotationDocument(
            path=path,
            annotation_iri=annotation.iri,
            paper_iri=annotation.paper.iri,
            graph=graph,
            annotation=annotation,
            origins=origins,
        )
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

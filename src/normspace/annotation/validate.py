"""Validate annotation files: read each file, build its RDF, run the annotation SHACL shapes
on that file alone, and report every problem at the YAML line and field that caused it.

SHACL results name RDF nodes and properties; the converter's record of origins (which YAML
field produced which node and triple) turns them back into ``file:line: field``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..errors import EXIT_OK, EXIT_USAGE, EXIT_VALIDATION, InputError
from ..namespaces import SH, curie, expand
from ..ontology import SLOT_SCHEMES
from ..shacl import (
    NSH_IRI,
    ShaclEngine,
    ShaclReport,
    ShaclResult,
    parse_report,
)
from ..shaclbatch import selected_engine
from .document import AnnotationDocument, ParsedFile, parse_file
from .from_yaml import join
from .problems import ERROR, Problem, summarise
from .slots import (
    ABSENCE_SLOTS,
    CONTRIBUTION_V1,
    NORMATIVE_INPUT,
    PROPERTY_FIELDS,
    STAKEHOLDERS,
    TRADE_OFF_POLES,
)
from .terms import TermResolver

YAML_SUFFIXES = (".yaml", ".yml")

#: Node-level SHACL constraints without a result path: the YAML field they are about.
SHAPE_FIELDS = {
    NSH_IRI + "PaperIdentifierShape": "paper",
    NSH_IRI + "PaperIriShape": "paper",
    NSH_IRI + "PaperYearRangeShape": "paper.year",
}

#: The warning "what does the contribution contribute?" (spec 1.4).
PURPOSE_SHAPE = NSH_IRI + "ContributionPurposeWarningShape"

#: The warning "the contribution has no role".
ROLE_SHAPE = NSH_IRI + "ContributionRoleWarningShape"

#: Shapes whose results repeat a check the reader makes with a YAML-oriented message (and
#: the rule name the format specification gives it): shape -> the reader's rule. A result
#: of such a shape is dropped when the reader reported that rule on the same node.
READER_RULES = {
    ROLE_SHAPE: "missing-role",
    NSH_IRI + "TermRequestWarningShape": "term-request",
    NSH_IRI + "ContributionAbsenceShape": "none-and-tagged",
    NSH_IRI + "AnnotationContributionShape": "missing-contribution",
}

#: Completeness warnings whose slot can also be declared absent: YAML advice for them.
_ABSENCE_ADVICE = {s.prop: s.key for s in ABSENCE_SLOTS}


@dataclass
class FileResult:
    """One file's outcome: how it parsed and, when SHACL ran on it, the report."""

    parsed: ParsedFile
    report: ShaclReport | None = None
    problems: list[Problem] = field(default_factory=list)
    #: Each result node of the SHACL report graph with the problem it maps to (also the
    #: results whose problem is not reported because the reader explained it).
    located: list[tuple[Node, Problem]] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        """True when the file has no errors, whether the reader or SHACL found them."""
        return not any(p.severity == ERROR for p in self.problems)


@dataclass
class ValidationRun:
    files: list[FileResult] = field(default_factory=list)
    #: Files not validated because the store already holds exactly their content
    #: (incremental load); they are not in :attr:`files`.
    unchanged: list[Path] = field(default_factory=list)

    @property
    def documents(self) -> list[AnnotationDocument]:
        """Documents of the files that parsed (valid or not)."""
        return [f.parsed.document for f in self.files if f.parsed.document is not None]

    @property
    def problems(self) -> list[Problem]:
        return [p for f in self.files for p in f.problems]

    def check_duplicates(self) -> None:
        """Report (once, after the last file) each file that repeats an earlier file's
        annotation, as an error of that file (so text, JSON and the SHACL report graph all
        show it, and the file counts as invalid)."""
        for result, problem in self.duplicate_problems():
            result.problems.append(problem)
            result.problems.sort(key=_sort_key)
            result.parsed.problems.append(problem)

    def duplicate_problems(self) -> list[tuple[FileResult, Problem]]:
        """Files that hold the same annotation (same paper and annotator) as an earlier one.

        Each file may be valid on its own, but ``load`` would refuse the pair: the annotation
        IRI, and so the named graph, is made from the paper and the annotator. Only files
        without errors of their own are compared: a run with an invalid file fails anyway,
        and its (often copied, not yet edited) paper and annotator would only add noise; once
        it is fixed, a remaining duplicate is reported.
        """
        first: dict[str, FileResult] = {}
        found = []
        for result in self.files:
            document = result.parsed.document
            if document is None or not result.conforms:
                continue
            earlier = first.setdefault(document.annotation_iri, result)
            if earlier is result:
                continue
            found.append(
                (
                    result,
                    Problem(
                        file=str(result.parsed.path),
                        message=f"same annotation as {earlier.parsed.path} (same paper and "
                        f"annotator: <{document.annotation_iri}>); load would refuse both",
                        rule="duplicate-annotation",
                        line=result.parsed.line_of("paper"),
                        field="paper",
                        suggestion="keep one file per paper and annotator (merge the two), or "
                        "correct the paper identifier or the annotator",
                    ),
                )
            )
        return found

    @property
    def exit_code(self) -> int:
        """0 when only warnings, 1 with errors, 2 when a file could not be read at all."""
        problems = self.problems
        if any(p.fatal for p in problems):
            return EXIT_USAGE
        if any(p.severity == ERROR for p in problems):
            return EXIT_VALIDATION
        return EXIT_OK

    def valid_documents(self) -> list[AnnotationDocument]:
        """Documents with no errors, from the reader or from SHACL."""
        return [
            f.parsed.document
            for f in self.files
            if f.parsed.document is not None and not any(p.severity == ERROR for p in f.problems)
        ]

    def summary(self) -> dict[str, int]:
        return summarise(len(self.files), self.problems)


def _link_problem(link: Path, message: str, rule: str) -> Problem:
    return Problem(file=str(link), message=message, rule=rule, fatal=True)


def _walk(folder: Path, problems: list[Problem]) -> list[Path]:
    """Every ``*.yaml``/``*.yml`` file below ``folder``, following symbolic links to folders.

    A link back to a folder it is inside (a loop) and a dangling link named like an
    annotation file are reported (fatal: exit 2), never skipped silently; a folder reached
    twice through links is read once.
    """
    found: list[Path] = []
    seen: set[str] = {os.path.realpath(folder)}  # folders walked or about to be
    for top, dirs, files in os.walk(folder, followlinks=True):
        here = os.path.realpath(top)
        for name in sorted(dirs):
            link = os.path.join(top, name)
            target = os.path.realpath(link)
            if os.path.islink(link) and (
                here == target or here.startswith(target.rstrip(os.sep) + os.sep)
            ):
                problems.append(
                    _link_problem(
                        Path(link),
                        f"symbolic link loop: it points to {target}, a folder that contains it; "
                        "its files are not checked",
                        "symlink-loop",
                    )
                )
                dirs.remove(name)
            elif target in seen:
                dirs.remove(name)
            else:
                seen.add(target)
        dirs.sort()
        for name in sorted(files):
            path = Path(top, name)
            if path.suffix.lower() not in YAML_SUFFIXES:
                continue
            if path.is_file():
                found.append(path)
            elif path.is_symlink():
                problems.append(
                    _link_problem(
                        path,
                        f"symbolic link to {os.readlink(path)}, which does not exist (or loops)",
                        "broken-link",
                    )
                )
    return found


def collect_paths(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """Files named directly, plus every ``*.yaml``/``*.yml`` below each named folder; and
    the links that could not be followed (see :func:`_walk`)."""
    found: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            reported = len(problems)
            inside = _walk(path, problems)
            if not inside and len(problems) == reported:
                raise InputError(
                    f"{path}: folder contains no *.yaml or *.yml files (annotation files are "
                    "found by extension, in the folder and below)"
                )
            found.extend(inside)
        else:
            found.append(path)
    unique: dict[str, Path] = {}
    for path in found:  # one file reached by two routes (a link, two arguments) counts once
        unique.setdefault(os.path.realpath(path), path)
    return list(unique.values()), problems


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Like :func:`collect_paths`, for callers without a report: a link that cannot be
    followed stops them with an :class:`InputError` (exit 2) that names it."""
    found, problems = collect_paths(paths)
    if problems:
        raise InputError(f"{problems[0].file}: {problems[0].message}")
    return found


def result_property(result: ShaclResult) -> URIRef | None:
    """The property a result is about: its path, or the first branch of an alternative path.

    >>> r = ShaclResult(None, "norm:hasStakeholder|norm:normativeInputFrom", "Warning", "",
    ...                 None, None, "MinCountConstraintComponent")
    >>> result_property(r)
    rdflib.term.URIRef('https://w3id.org/normspace#hasStakeholder')
    """
    if not result.path:
        return None
    if "://" in result.path and "|" not in result.path:
        return URIRef(result.path)
    first = result.path.split("|", 1)[0].strip("()")
    iri = expand(first)
    return URIRef(iri) if iri else None


def _shape_name(shape: str | None, component: str) -> str:
    if shape and shape.startswith(NSH_IRI):
        return "nsh:" + shape[len(NSH_IRI) :]
    return shape or component


def _render(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        return curie(str(node))
    if isinstance(node, Literal):
        return str(node)
    return None


class ResultMapper:
    """Maps SHACL results on one document's graph back to YAML fields and lines."""

    def __init__(self, parsed: ParsedFile, resolver: TermResolver) -> None:
        assert parsed.document is not None
        self.parsed = parsed
        self.origins = parsed.document.origins
        self.resolver = resolver

    def field_of(self, result: ShaclResult) -> str | None:
        path = result_property(result)
        triples = self.origins.triples
        if path is not None and result.value is not None:
            found = triples.get((result.focus, path, result.value))
            if found is not None:
                return found
        if path is None and result.value is not None:
            for (s, _p, o), where in triples.items():
                if s == result.focus and o == result.value:
                    return where
        if path is None and result.shape in SHAPE_FIELDS:
            return SHAPE_FIELDS[result.shape]
        node = self.origins.nodes.get(result.focus)
        if node is not None:
            kind, where = node
            relative = PROPERTY_FIELDS[kind].get(path) if path is not None else None
            if relative:
                return join(where, relative)
            # the one contribution of a format-1 file is written as its `tags:`
            return "tags" if kind == CONTRIBUTION_V1 else where
        for (_s, _p, o), where in triples.items():  # focus on a term: where it was used
            if o == result.focus:
                return where
        return None

    def node_field(self, result: ShaclResult) -> str | None:
        """The YAML field of the result's focus node (None: not a node of this file)."""
        node = self.origins.nodes.get(result.focus)
        return node[1] if node is not None else None

    def in_v1_contribution(self, result: ShaclResult) -> bool:
        node = self.origins.nodes.get(result.focus)
        return node is not None and node[0] == CONTRIBUTION_V1

    def suggestion(self, result: ShaclResult, field: str | None) -> str | None:
        path = result_property(result)
        # a SPARQL constraint without ?value reports the focus node itself as the value
        value = None if result.value == result.focus else result.value
        if result.shape == PURPOSE_SHAPE:
            if self.in_v1_contribution(result):
                return (
                    "tag `tags.approaches` (or pluralism, contestability, evaluation), or "
                    "set `annotation.proposes_no_approach: true`"
                )
            where = self.node_field(result) or "contribution"
            return (
                f"tag `{where}.approaches` (or pluralism, contestability, evaluation), or "
                f"write `none: [approaches]` in `{where}`"
            )
        if isinstance(value, URIRef) and path in SLOT_SCHEMES:
            close = self.resolver.suggest(str(value), str(SLOT_SCHEMES[path]))
            return " or ".join(f"`{c}`" for c in close) or None
        if path == STAKEHOLDERS.prop and value is None:
            path = NORMATIVE_INPUT.prop  # the warning is about both slots; `none` names one
        if path in _ABSENCE_ADVICE and value is None and field:
            key = _ABSENCE_ADVICE[path]
            if self.in_v1_contribution(result):
                return (
                    f"tag `{field}`; to record that the paper has none, use format 2 "
                    f"(`normspace migrate`) and `none: [{key}]`"
                )
            where = self.node_field(result) or ""
            return f"tag `{field}`, or write `none: [{key}]` in `{where}` if the paper has none"
        if result.component == "MinCountConstraintComponent" and field:
            parent, _, key = field.rpartition(".")
            if key in {s.key for s in TRADE_OFF_POLES} and "trade_offs" in parent:
                return (
                    "list at least two distinct poles in tension (values, stakeholders or "
                    "design goals, in any mix)"
                )
            if field in self.parsed.positions:
                return f"fill in `{field}`"
            return f"add `{key}:`" + (f" under `{parent}:`" if parent else "")
        return None

    def covered(self, result: ShaclResult, reader: list[Problem]) -> bool:
        """True when the reader reported the same check on the same node (see
        :data:`READER_RULES`): its message is the one written for the YAML."""
        rule = READER_RULES.get(result.shape or "")
        if result.shape == ROLE_SHAPE and self.in_v1_contribution(result):
            rule = "format-deprecated"  # format 1 has no roles: migrating is the advice
        if rule is None:
            return False
        where = self.node_field(result)
        if where is None:
            return False
        return any(p.rule == rule and _below(p.field or "", where) for p in reader)

    def problem(self, result: ShaclResult) -> Problem:
        field = self.field_of(result)
        return Problem(
            file=str(self.parsed.path),
            message=result.message or f"{result.component} on {result.path}",
            rule=_shape_name(result.shape, result.component),
            severity=result.level.value,
            line=self.parsed.line_of(field) if field is not None else None,
            field=field or None,
            value=_render(result.value),
            suggestion=self.suggestion(result, field),
        )


def _below(field: str, node: str) -> bool:
    """True when ``field`` is ``node`` or inside it (``node`` empty: the whole file).

    >>> _below("contributions[1].role", "contributions[1]"), _below("contributions[10]",
    ...     "contributions[1]"), _below("tags.values", "")
    (True, False, True)
    """
    return not node or field == node or field.startswith((node + ".", node + "["))


def _explained(field: str | None, reader_fields: set[str]) -> bool:
    """True when the reader already reported an error at ``field`` or below it.

    The reader skips values it cannot read, so SHACL then reports them as missing; the
    reader's message names the cause, the SHACL one would only repeat the symptom.

    >>> _explained("paper.year", {"paper.year"}), _explained("tags.approaches",
    ...     {"tags.approaches[0]"}), _explained("paper.title", {"paper.authors[2]"})
    (True, True, False)
    """
    if not field:
        return False
    return any(_below(f, field) for f in reader_fields)


def shacl_results(report_graph: Graph) -> Iterator[tuple[Node, ShaclResult]]:
    """Each result node of a SHACL report graph with its flattened form."""
    for node in report_graph.objects(None, SH.result):
        single = Graph()
        single.add((BNode(), SH.result, node))
        single += report_graph.cbd(node)
        [result] = parse_report(single)
        yield node, result


def _sort_key(problem: Problem) -> tuple:
    return (problem.line or 0, problem.field or "", problem.rule, problem.value or "")


def validate_file(
    path: Path, engine: ShaclEngine | None = None, resolver: TermResolver | None = None
) -> FileResult:
    """Read and validate one file; SHACL runs whenever its RDF could be built."""
    resolver = resolver or TermResolver()
    return validate_parsed(parse_file(path, resolver), engine, resolver)


def validate_parsed(
    parsed: ParsedFile, engine: ShaclEngine | None, resolver: TermResolver
) -> FileResult:
    """SHACL on a file already read (whenever its RDF could be built), results mapped."""
    if parsed.document is None:
        return file_result(parsed, [], resolver)
    engine = engine or selected_engine()
    report = engine.validate(parsed.document.graph)
    result = file_result(parsed, shacl_results(report.report_graph), resolver)
    result.report = report
    return result


def file_result(
    parsed: ParsedFile, located: Iterable[tuple[Node | None, ShaclResult]], resolver: TermResolver
) -> FileResult:
    """One file's outcome from its reader problems and its SHACL results (each with its
    report node, or None when the results came from the batch engine, which has no report
    graph): ONE mapping for the per-file and the bulk path, so both report the same."""
    result = FileResult(parsed, problems=list(parsed.problems))
    located = list(located)
    if parsed.document is not None and located:  # (the mapper builds the origins)
        mapper = ResultMapper(parsed, resolver)
        reader_fields = {p.field for p in parsed.errors if p.field}
        for node, shacl_result in located:
            problem = mapper.problem(shacl_result)
            if node is not None:
                result.located.append((node, problem))
            repeated = mapper.covered(shacl_result, parsed.problems)
            if not repeated and not _explained(problem.field, reader_fields):
                result.problems.append(problem)
    result.problems.sort(key=_sort_key)
    return result


def validate_paths(paths: Sequence[Path], engine: ShaclEngine | None = None) -> ValidationRun:
    """Validate files and folders (each ``*.yaml``/``*.yml`` inside); one file at a time, so
    that a broken file never stops the others."""
    resolver = TermResolver()
    engine = engine or selected_engine()
    run = ValidationRun()
    files, link_problems = collect_paths(paths)
    for problem in link_problems:
        link = Path(problem.file)
        run.files.append(FileResult(ParsedFile(link, None, [problem]), problems=[problem]))
    for path in files:
        run.files.append(validate_file(path, engine, resolver))
    run.check_duplicates()
    return run

"""SSSOM mapping sets: read, write, validate and turn into SKOS triples.

NormSpace's links to external ontologies are curated as SSSOM/TSV files under
``mappings/`` (one file per target vocabulary). SSSOM is what ontology engineers and
mapping tools (sssom-py, OxO, Protégé plug-ins) read; the SKOS triples derived from the
same files are what ``normspace query`` sees. The files are small, so a dedicated reader
and writer keep the format canonical (sorted rows, fixed column and key order) without
pulling in sssom-py and its pandas stack.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import curies
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from .annotation.problems import WARNING, Problem
from .diagnostics import suggest
from .errors import InputError
from .namespaces import NORM_IRI, ONTOLOGY_IRI, bind_prefixes
from .resources import resource_dir

SEMAPV = "https://w3id.org/semapv/vocab/"
SSSOM_SPEC = "https://w3id.org/sssom/"

#: Prefixes SSSOM defines itself; a mapping set may restate them but not redefine them.
BUILTIN_PREFIXES: dict[str, str] = {
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "semapv": SEMAPV,
    "skos": str(SKOS),
    "sssom": "https://w3id.org/sssom/",
}

#: The SKOS mapping properties NormSpace uses, strongest first.
MAPPING_PREDICATES: tuple[str, ...] = (
    "skos:exactMatch",
    "skos:closeMatch",
    "skos:broadMatch",
    "skos:narrowMatch",
    "skos:relatedMatch",
)

#: Mapping justifications from the SEMAPV vocabulary that SSSOM 1.0 lists.
JUSTIFICATIONS: frozenset[str] = frozenset(
    f"semapv:{name}"
    for name in (
        "ManualMappingCuration",
        "LexicalMatching",
        "LogicalReasoning",
        "CompositeMatching",
        "UnspecifiedMatching",
        "SemanticSimilarityThresholdMatching",
        "LexicalSimilarityThresholdMatching",
        "MappingChaining",
        "MappingReview",
        "StructuralMatching",
        "InstanceBasedMatching",
        "BackgroundKnowledgeBasedMatching",
    )
)

#: Columns in the order they are written; the first six are required.
COLUMNS: tuple[str, ...] = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "author_label",
    "comment",
)
REQUIRED_COLUMNS = COLUMNS[:7]
#: Cells that may not be empty (object_label may, where the external term has no label).
REQUIRED_CELLS = tuple(c for c in REQUIRED_COLUMNS if c != "object_label")

#: Mapping-set metadata keys in the order they are written; unknown keys are kept after them.
METADATA_ORDER: tuple[str, ...] = (
    "curie_map",
    "mapping_set_id",
    "mapping_set_version",
    "mapping_set_title",
    "mapping_set_description",
    "license",
    "creator_label",
    "subject_source",
    "subject_source_version",
    "object_source",
    "object_source_version",
    "mapping_date",
    "mapping_provider",
    "see_also",
    "comment",
    "sssom_version",
)
REQUIRED_METADATA = ("curie_map", "mapping_set_id", "license")

MAPPING_SET_BASE = "https://w3id.org/normspace/mappings/"


@dataclass(frozen=True)
class Mapping:
    """One row of a mapping set; ``line`` is its 1-based line in the file (0 if built)."""

    subject_id: str
    subject_label: str
    predicate_id: str
    object_id: str
    object_label: str
    mapping_justification: str
    author_label: str
    comment: str = ""
    line: int = 0

    def key(self) -> tuple[str, str, str]:
        return (self.subject_id, self.predicate_id, self.object_id)

    def row(self) -> list[str]:
        return [getattr(self, c) for c in COLUMNS]


@dataclass
class MappingSet:
    """A mapping set: its metadata (including ``curie_map``) and its mappings."""

    metadata: dict[str, object]
    mappings: list[Mapping] = field(default_factory=list)
    path: Path | None = None

    @property
    def curie_map(self) -> dict[str, str]:
        return dict(self.metadata.get("curie_map") or {})  # type: ignore[arg-type]

    @property
    def name(self) -> str:
        return self.path.name if self.path else str(self.metadata.get("mapping_set_id", "?"))

    def converter(self) -> curies.Converter:
        """The CURIE converter of this set's ``curie_map`` (plus the built-in prefixes).

        Built once per distinct prefix map: building one validates every prefix and IRI,
        and validation expands eight CURIEs a row (it was rebuilt 1,176 times for 147
        mappings, 90 % of the time of ``normspace mappings validate``). Keyed by the map's
        contents, so a set whose metadata is edited gets a converter for the new map.
        """
        items = {**BUILTIN_PREFIXES, **self.curie_map}
        try:
            return _converter(tuple(sorted(items.items())))
        except TypeError:  # an unhashable value in a malformed curie_map: build uncached
            return curies.Converter.from_prefix_map(items)

    def expand(self, value: str) -> str | None:
        """The IRI of a CURIE of this set, or None if its prefix is not declared."""
        return self.converter().expand(value)


@lru_cache(maxsize=64)
def _converter(prefix_map: tuple[tuple[str, str], ...]) -> curies.Converter:
    return curies.Converter.from_prefix_map(dict(prefix_map))


# ---------------------------------------------------------------------------
# Reading and writing
# ---------------------------------------------------------------------------


def _yaml() -> YAML:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[attr-defined]
    yaml.width = 4096
    return yaml


def parse_sssom(text: str, name: str = "<string>") -> MappingSet:
    r"""Parse SSSOM/TSV text: a ``#``-prefixed YAML header, then a TSV table.

    >>> text = "\n".join([
    ...     "#curie_map:",
    ...     "#  norm: https://w3id.org/normspace#",
    ...     "#  dpv: https://w3id.org/dpv#",
    ...     "#mapping_set_id: https://w3id.org/normspace/mappings/x.sssom.tsv",
    ...     "#license: https://creativecommons.org/licenses/by/4.0/",
    ...     "\t".join(COLUMNS[:7]),
    ...     "norm:Regulators\tregulators\tskos:closeMatch\tdpv:Regulator\tRegulator"
    ...     "\tsemapv:ManualMappingCuration\tNormSpace contributors",
    ... ])
    >>> ms = parse_sssom(text)
    >>> ms.mappings[0].object_id, ms.mappings[0].line
    ('dpv:Regulator', 7)
    """
    lines = text.splitlines()
    header = [ln[1:] for ln in lines if ln.startswith("#")]
    n_header = 0
    while n_header < len(lines) and lines[n_header].startswith("#"):
        n_header += 1
    if len(header) != n_header:
        bad = next(i for i, ln in enumerate(lines) if ln.startswith("#") and i >= n_header)
        raise InputError(f"{name}:{bad + 1}: metadata lines (#) must all come before the table")
    try:
        metadata = _yaml().load("\n".join(header)) if header else {}
    except YAMLError as exc:
        raise InputError(f"{name}: the metadata header is not valid YAML: {exc}") from exc
    if not isinstance(metadata, dict):
        raise InputError(f"{name}: the metadata header must be a YAML mapping")
    missing = [k for k in REQUIRED_METADATA if not metadata.get(k)]
    if missing:
        raise InputError(f"{name}: missing mapping set metadata: {', '.join(missing)}")
    if not isinstance(metadata["curie_map"], dict):
        raise InputError(f"{name}: curie_map must map prefixes to IRIs")
    for prefix, iri in metadata["curie_map"].items():
        if prefix in BUILTIN_PREFIXES and BUILTIN_PREFIXES[prefix] != iri:
            raise InputError(
                f"{name}: curie_map redefines the built-in prefix `{prefix}` as <{iri}>; "
                f"SSSOM fixes it to <{BUILTIN_PREFIXES[prefix]}>"
            )
    rows = list(csv.reader(io.StringIO("\n".join(lines[n_header:])), delimiter="\t"))
    if not rows:
        raise InputError(f"{name}: no table header after the metadata")
    columns = rows[0]
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        raise InputError(
            f"{name}:{n_header + 1}: unknown column(s) {', '.join(unknown)}; "
            f"NormSpace mapping sets use {', '.join(COLUMNS)}"
        )
    absent = [c for c in REQUIRED_COLUMNS if c not in columns]
    if absent:
        raise InputError(f"{name}:{n_header + 1}: missing column(s) {', '.join(absent)}")
    mappings = []
    for offset, row in enumerate(rows[1:], start=2):
        line = n_header + offset
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            raise InputError(
                f"{name}:{line}: {len(row)} cells, expected {len(columns)} ({', '.join(columns)})"
            )
        values = dict(zip(columns, (c.strip() for c in row), strict=True))
        empty = [c for c in REQUIRED_CELLS if not values.get(c)]
        if empty:
            raise InputError(f"{name}:{line}: empty required cell(s): {', '.join(empty)}")
        mappings.append(Mapping(**{c: values.get(c, "") for c in COLUMNS}, line=line))
    return MappingSet(metadata=dict(metadata), mappings=mappings)


def read_mapping_set(path: Path) -> MappingSet:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read mapping set: {exc}") from exc
    ms = parse_sssom(text, str(path))
    ms.path = path
    return ms


def mapping_set_paths(folder: Path | None = None) -> list[Path]:
    """The mapping sets of a folder (default: the bundled ``mappings/``), sorted by name."""
    folder = folder or resource_dir("mappings")
    return sorted(folder.glob("*.sssom.tsv"))


def read_mapping_sets(folder: Path | None = None) -> list[MappingSet]:
    return [read_mapping_set(p) for p in mapping_set_paths(folder)]


def format_sssom(ms: MappingSet) -> str:
    """The canonical SSSOM/TSV text of a mapping set: fixed key order, sorted rows.

    Only prefixes that the set uses are kept in its ``curie_map``, so that the header
    says exactly which vocabularies the set links to.
    """
    used = _used_prefixes(ms)
    metadata = dict(ms.metadata)
    metadata["curie_map"] = {p: ms.curie_map[p] for p in sorted(used) if p in ms.curie_map}
    ordered = {k: metadata[k] for k in METADATA_ORDER if k in metadata}
    ordered.update({k: metadata[k] for k in sorted(metadata) if k not in ordered})
    buffer = io.StringIO()
    _yaml().dump(ordered, buffer)
    header = "".join(f"#{line}\n" for line in buffer.getvalue().splitlines())
    columns = [c for c in COLUMNS if c != "comment" or any(m.comment for m in ms.mappings)]
    table = io.StringIO()
    writer = csv.writer(table, delimiter="\t", lineterminator="\n")
    writer.writerow(columns)
    for m in sorted(ms.mappings, key=Mapping.key):
        writer.writerow([getattr(m, c) for c in columns])
    return header + table.getvalue()


def write_mapping_set(ms: MappingSet, path: Path) -> bool:
    """Write ``ms`` canonically to ``path``; return whether the file changed."""
    text = format_sssom(ms)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def _used_prefixes(ms: MappingSet) -> set[str]:
    used = set()
    for m in ms.mappings:
        for value in (m.subject_id, m.predicate_id, m.object_id, m.mapping_justification):
            used.add(value.partition(":")[0])
    for key in ("subject_source", "object_source", "creator_id"):
        value = ms.metadata.get(key)
        if isinstance(value, str) and ":" in value and "://" not in value:
            used.add(value.partition(":")[0])
    return used


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ExternalTerm:
    """What the vendored import modules say about an external term."""

    iri: str
    label: str
    module: str
    deprecated: bool = False


def validate_mapping_sets(
    sets: Sequence[MappingSet],
    ontology: Graph,
    external: dict[str, ExternalTerm],
) -> list[Problem]:
    """Every problem in ``sets``, checked against the ontology and the import modules.

    The rules: subjects are NormSpace terms, labels agree with the current labels,
    predicates are SKOS mapping properties, objects exist in a vendored module,
    justification and author are present, no pair is mapped twice, and no NormSpace term
    is ``exactMatch``-ed to two terms of one external vocabulary (or two NormSpace terms
    to one external term, which SKOS would make exact matches of each other).
    """
    problems: list[Problem] = []
    labels = _norm_labels(ontology)
    exact_by_subject: dict[tuple[str, str], list[Mapping]] = defaultdict(list)
    exact_by_object: dict[str, list[tuple[MappingSet, Mapping]]] = defaultdict(list)
    seen: dict[tuple[str, str], tuple[MappingSet, Mapping]] = {}
    for ms in sets:
        problems.extend(_check_header(ms))
        for m in ms.mappings:
            problems.extend(_check_mapping(ms, m, labels, external))
            subject, obj = ms.expand(m.subject_id), ms.expand(m.object_id)
            if subject is None or obj is None:
                continue
            if (subject, obj) in seen:
                other_set, other = seen[(subject, obj)]
                problems.append(
                    _problem(
                        ms,
                        m,
                        f"{m.subject_id} and {m.object_id} are already mapped "
                        f"({other.predicate_id}) at {other_set.name}:{other.line}; "
                        "keep one mapping per pair",
                        "duplicate-mapping",
                    )
                )
            seen[(subject, obj)] = (ms, m)
            if m.predicate_id == "skos:exactMatch":
                exact_by_subject[(subject, _vocabulary(obj, external))].append(m)
                exact_by_object[obj].append((ms, m))
    for (_subject, vocab), rows in exact_by_subject.items():
        if len({r.object_id for r in rows}) > 1:
            m = rows[-1]
            problems.append(
                Problem(
                    file=_set_of(sets, m).name,
                    line=m.line,
                    message=f"{m.subject_id} has skos:exactMatch to "
                    f"{' and '.join(sorted({r.object_id for r in rows}))}, two terms of {vocab}; "
                    "an exact match is one-to-one: keep the best and weaken the others "
                    "(closeMatch, broadMatch, narrowMatch or relatedMatch)",
                    rule="exact-match-not-unique",
                )
            )
    for rows in exact_by_object.values():
        if len({m.subject_id for _, m in rows}) > 1:
            ms, m = rows[-1]
            problems.append(
                _problem(
                    ms,
                    m,
                    f"{' and '.join(sorted({r.subject_id for _, r in rows}))} all have "
                    f"skos:exactMatch to {m.object_id}; SKOS would make them exact matches of "
                    "each other: weaken all but one",
                    "exact-match-not-unique",
                )
            )
    return problems


def _set_of(sets: Sequence[MappingSet], mapping: Mapping) -> MappingSet:
    return next(ms for ms in sets if mapping in ms.mappings)


def _vocabulary(iri: str, external: dict[str, ExternalTerm]) -> str:
    term = external.get(iri)
    if term is not None:
        return term.module
    return iri.rsplit("#", 1)[0] if "#" in iri else iri.rsplit("/", 1)[0]


def _problem(ms: MappingSet, m: Mapping, message: str, rule: str, **kw: object) -> Problem:
    return Problem(file=ms.name, line=m.line, message=message, rule=rule, **kw)  # type: ignore[arg-type]


def _check_header(ms: MappingSet) -> list[Problem]:
    problems = []
    expected_id = MAPPING_SET_BASE + ms.name if ms.path else None
    if expected_id and ms.metadata.get("mapping_set_id") != expected_id:
        problems.append(
            Problem(
                file=ms.name,
                message=f"mapping_set_id is {ms.metadata.get('mapping_set_id')!r}; "
                f"expected {expected_id!r} (the published address of this file)",
                rule="mapping-set-id",
            )
        )
    if ms.curie_map.get("norm") != NORM_IRI:
        problems.append(
            Problem(
                file=ms.name,
                message=f"curie_map must declare norm: {NORM_IRI}",
                rule="curie-map",
            )
        )
    return problems


def _check_mapping(
    ms: MappingSet, m: Mapping, labels: dict[str, str], external: dict[str, ExternalTerm]
) -> list[Problem]:
    problems: list[Problem] = []
    for column in ("subject_id", "object_id", "predicate_id", "mapping_justification"):
        value = getattr(m, column)
        if ms.expand(value) is None:
            problems.append(
                _problem(
                    ms,
                    m,
                    f"{column} `{value}` is not a CURIE with a prefix declared in curie_map "
                    f"(declared: {', '.join(sorted(ms.curie_map))})",
                    "undeclared-prefix",
                    field=column,
                )
            )
    if m.predicate_id not in MAPPING_PREDICATES:
        problems.append(
            _problem(
                ms,
                m,
                f"predicate `{m.predicate_id}` is not a SKOS mapping property; "
                f"use one of {', '.join(MAPPING_PREDICATES)}",
                "mapping-predicate",
                field="predicate_id",
            )
        )
    if m.mapping_justification not in JUSTIFICATIONS:
        problems.append(
            _problem(
                ms,
                m,
                f"mapping_justification `{m.mapping_justification}` is not a SEMAPV "
                "justification; manual work is semapv:ManualMappingCuration",
                "mapping-justification",
                field="mapping_justification",
            )
        )
    subject = ms.expand(m.subject_id)
    if subject is not None:
        problems.extend(_check_subject(ms, m, subject, labels))
    obj = ms.expand(m.object_id)
    if obj is not None:
        problems.extend(_check_object(ms, m, obj, external))
    return problems


def _check_subject(ms: MappingSet, m: Mapping, iri: str, labels: dict[str, str]) -> list[Problem]:
    if iri not in labels:
        close = suggest(m.subject_id, [_norm_curie(i) for i in labels], n=1)
        return [
            _problem(
                ms,
                m,
                f"subject `{m.subject_id}` is not a NormSpace term",
                "unknown-subject",
                field="subject_id",
                suggestion=f"`{close[0]}`" if close else None,
            )
        ]
    if m.subject_label != labels[iri]:
        return [
            _problem(
                ms,
                m,
                f"subject_label {m.subject_label!r} differs from the label of "
                f"{m.subject_id} in the ontology, {labels[iri]!r}",
                "subject-label",
                field="subject_label",
                suggestion=repr(labels[iri]),
            )
        ]
    return []


def _check_object(
    ms: MappingSet, m: Mapping, iri: str, external: dict[str, ExternalTerm]
) -> list[Problem]:
    term = external.get(iri)
    if term is None:
        return [
            _problem(
                ms,
                m,
                f"object `{m.object_id}` ({iri}) is in none of the vendored import modules; "
                "check the spelling against the external ontology, then run "
                "`normspace imports update`",
                "unknown-object",
                field="object_id",
            )
        ]
    problems = []
    # SSSOM cells are read stripped, so a label with stray spaces in the external module
    # (vair:JudicialAuthority's ends with one) must be compared stripped, or it never matches
    if m.object_label != term.label.strip():
        problems.append(
            _problem(
                ms,
                m,
                f"object_label {m.object_label!r} differs from the label of {m.object_id} "
                f"in the {term.module} module, {term.label!r}"
                + (
                    " (the module has no label for it: leave the cell empty)"
                    if not term.label
                    else ""
                ),
                "object-label",
                field="object_label",
                suggestion=repr(term.label.strip()),
            )
        )
    if term.deprecated:
        problems.append(
            _problem(
                ms,
                m,
                f"object {m.object_id} is deprecated in {term.module}",
                "deprecated-object",
                severity=WARNING,
                field="object_id",
            )
        )
    return problems


def _norm_curie(iri: str) -> str:
    return "norm:" + iri[len(NORM_IRI) :] if iri.startswith(NORM_IRI) else iri


def _norm_labels(graph: Graph) -> dict[str, str]:
    """The English label of every NormSpace term (skos:prefLabel, else rdfs:label)."""
    labels: dict[str, str] = {}
    for prop in (RDFS.label, SKOS.prefLabel):
        for s, o in graph.subject_objects(prop):
            if isinstance(s, URIRef) and str(s).startswith(NORM_IRI) and _is_en(o):
                labels[str(s)] = str(o)
    return labels


def _is_en(value: object) -> bool:
    return isinstance(value, Literal) and (value.language in (None, "en"))


# ---------------------------------------------------------------------------
# RDF
# ---------------------------------------------------------------------------

MAPPINGS_GRAPH_IRI = "https://w3id.org/normspace/mappings"


def mapping_triples(sets: Iterable[MappingSet]) -> Iterable[tuple[URIRef, URIRef, URIRef]]:
    """The SKOS triple of every mapping (subject, mapping property, object)."""
    for ms in sets:
        for m in ms.mappings:
            s, p, o = ms.expand(m.subject_id), ms.expand(m.predicate_id), ms.expand(m.object_id)
            if s and p and o:
                yield URIRef(s), URIRef(p), URIRef(o)


def mapping_graph(sets: Sequence[MappingSet] | None = None, version: str | None = None) -> Graph:
    """The mappings as SKOS triples, with a header naming the ontology and its version."""
    sets = read_mapping_sets() if sets is None else sets
    graph = bind_prefixes(Graph())
    for ms in sets:
        for prefix, iri in sorted(ms.curie_map.items()):
            if prefix not in {p for p, _ in graph.namespaces()}:
                graph.bind(prefix, iri)
    header = URIRef(MAPPINGS_GRAPH_IRI)
    graph.add((header, RDF.type, OWL.Ontology))
    graph.add(
        (header, DCTERMS.title, Literal("NormSpace mappings to external ontologies", lang="en"))
    )
    graph.add((header, DCTERMS.isPartOf, URIRef(ONTOLOGY_IRI)))
    if version:
        graph.add((header, OWL.versionInfo, Literal(version)))
        graph.add((header, OWL.versionIRI, URIRef(f"{MAPPINGS_GRAPH_IRI}/{version}")))
    for ms in sets:
        graph.add((header, DCTERMS.hasPart, URIRef(str(ms.metadata["mapping_set_id"]))))
    for triple in mapping_triples(sets):
        graph.add(triple)
    return graph


def with_version(ms: MappingSet, version: str) -> MappingSet:
    """A copy of ``ms`` stamped with a NormSpace release version."""
    metadata = dict(ms.metadata)
    metadata["mapping_set_version"] = version
    metadata["subject_source_version"] = f"{ONTOLOGY_IRI}/{version}"
    return replace(ms, metadata=metadata)


def mapping_stats(
    sets: Sequence[MappingSet], external: dict[str, ExternalTerm]
) -> dict[str, object]:
    """Mapping counts per target vocabulary (import module) and per predicate."""
    by_target: dict[str, int] = defaultdict(int)
    by_predicate: dict[str, int] = {p: 0 for p in MAPPING_PREDICATES}
    total = 0
    for ms in sets:
        for m in ms.mappings:
            iri = ms.expand(m.object_id) or m.object_id
            by_target[_vocabulary(iri, external)] += 1
            by_predicate[m.predicate_id] = by_predicate.get(m.predicate_id, 0) + 1
            total += 1
    return {
        "by_target": dict(sorted(by_target.items())),
        "by_predicate": by_predicate,
        "total": total,
    }


def refresh_labels(
    ms: MappingSet, ontology: Graph, external: dict[str, ExternalTerm]
) -> MappingSet:
    """A copy of ``ms`` whose labels are the current ones (unknown terms are left alone)."""
    labels = _norm_labels(ontology)
    rows = []
    for m in ms.mappings:
        subject, obj = ms.expand(m.subject_id), ms.expand(m.object_id)
        term = external.get(obj or "")
        rows.append(
            replace(
                m,
                subject_label=labels.get(subject or "", m.subject_label),
                object_label=term.label if term is not None else m.object_label,
            )
        )
    return replace(ms, mappings=rows)

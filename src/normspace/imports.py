"""Vendored import modules: small extracts of the external ontologies NormSpace maps to.

NormSpace never copies external terms into its own namespace. Where it needs an external
term's label or hierarchy at run time (validating mappings, documentation, queries such
as "stakeholders that DPV calls a vulnerable human"), it reads a module under
``ontology/imports/``: only the mapped terms and their ancestors, with the licence and
the version of the source. The terms a module must hold are those the mapping sets point
to and those the ontology itself reuses (``norm:Paper rdfs:subClassOf fabio:ScholarlyWork``).
``normspace imports update`` regenerates the modules from full copies of the external
ontologies, or from verbatim excerpts kept in ``ontology/imports/upstream/`` where a full
copy cannot be vendored; ``normspace imports check`` verifies them offline.

Each module records, in its comment header, the SHA-256 of every source file it was
extracted from, so a check can tell whether a full copy at hand is the one the module
claims to come from, and whether re-extracting it gives byte-identical output.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import os
import re
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from .errors import InputError
from .mappings import ExternalTerm, MappingSet, read_mapping_sets
from .resources import ontology_dir, project

IMPORTS_BASE = "https://w3id.org/normspace/imports/"
SW = "http://www.w3.org/2003/06/sw-vocab-status/ns#"
PROV_DEFINITION = URIRef(str(PROV) + "definition")
ENV_SOURCE_DIRS = "NORMSPACE_EXTERNAL_ONTOLOGIES"

#: Predicates copied from the source for each extracted term: labels, definitions,
#: hierarchy, status. Everything else (examples, contributors, sources) stays upstream.
KEPT_PREDICATES: tuple[URIRef, ...] = (
    RDF.type,
    RDFS.label,
    SKOS.prefLabel,
    SKOS.altLabel,
    SKOS.definition,
    RDFS.comment,
    DCTERMS.description,
    PROV_DEFINITION,
    SKOS.scopeNote,
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    SKOS.broader,
    RDFS.isDefinedBy,
    OWL.deprecated,
    URIRef(SW + "term_status"),
)
#: Predicates whose IRI objects are parents: their closure is extracted too.
PARENT_PREDICATES: tuple[URIRef, ...] = (RDFS.subClassOf, RDFS.subPropertyOf, SKOS.broader)
LABEL_PREDICATES: tuple[URIRef, ...] = (SKOS.prefLabel, RDFS.label)

_SHA_LINE = re.compile(r"^# source: (?P<file>\S+) sha256=(?P<sha>[0-9a-f]{64})$")


@dataclass(frozen=True)
class Source:
    """One file of an external ontology: a path under a source folder or inside a package."""

    file: str
    format: str = "turtle"
    package: str | None = None
    #: For ``iri-list`` sources: namespace -> the ontology IRI that defines its terms.
    defined_by: tuple[tuple[str, str], ...] = ()
    #: The file lies in the repository, relative to the imports folder: a verbatim excerpt
    #: of an upstream file whose repository, path and commit its comment header records.
    bundled: bool = False

    @property
    def label(self) -> str:
        return f"{self.package}:{self.file}" if self.package else self.file


@dataclass(frozen=True)
class ModuleSpec:
    """An import module as configured in ``ontology/imports/sources.yaml``."""

    name: str
    title: str
    #: (prefix, namespace IRI) pairs.
    prefixed_namespaces: tuple[tuple[str, str], ...]
    sources: tuple[Source, ...]
    licence: str
    licence_file: str
    attribution: str
    version: str | None = None
    upstream: str | None = None

    @property
    def iri(self) -> str:
        return IMPORTS_BASE + self.name

    @property
    def namespaces(self) -> tuple[str, ...]:
        return tuple(ns for _, ns in self.prefixed_namespaces)

    def covers(self, iri: str) -> int:
        """Length of the longest namespace of this module that ``iri`` is in (0 if none)."""
        return max((len(ns) for ns in self.namespaces if iri.startswith(ns)), default=0)


@dataclass
class ImportsConfig:
    modules: list[ModuleSpec]
    folder: Path

    def module_for(self, iri: str) -> ModuleSpec | None:
        best = max(self.modules, key=lambda m: m.covers(iri), default=None)
        return best if best is not None and best.covers(iri) else None

    def get(self, name: str) -> ModuleSpec:
        for m in self.modules:
            if m.name == name:
                return m
        raise InputError(
            f"unknown import module `{name}`; configured: {', '.join(m.name for m in self.modules)}"
        )

    def module_path(self, spec: ModuleSpec) -> Path:
        return self.folder / f"{spec.name}.ttl"


def imports_dir() -> Path:
    return ontology_dir() / "imports"


def load_config(folder: Path | None = None) -> ImportsConfig:
    """Read ``sources.yaml``, naming the module and key of any mistake."""
    folder = folder or imports_dir()
    path = folder / "sources.yaml"
    try:
        data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as exc:
        raise InputError(f"{path}: cannot read the import configuration: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("modules"), list):
        raise InputError(f"{path}: expected a mapping with a `modules` list")
    modules = [_module_spec(entry, path, i) for i, entry in enumerate(data["modules"])]
    names = [m.name for m in modules]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise InputError(f"{path}: module names used twice: {', '.join(duplicates)}")
    return ImportsConfig(modules=modules, folder=folder)


def _module_spec(entry: object, path: Path, index: int) -> ModuleSpec:
    where = f"{path}: modules[{index}]"
    if not isinstance(entry, dict):
        raise InputError(f"{where}: expected a mapping")
    required = ("name", "title", "namespaces", "sources", "licence", "licence_file", "attribution")
    missing = [k for k in required if not entry.get(k)]
    if missing:
        raise InputError(f"{where}: missing {', '.join(missing)}")
    if not isinstance(entry["namespaces"], dict):
        raise InputError(f"{where}.namespaces: expected a mapping of prefix to namespace IRI")
    sources = []
    for j, src in enumerate(entry["sources"]):
        if not isinstance(src, dict) or not src.get("file"):
            raise InputError(f"{where}.sources[{j}]: expected a mapping with `file`")
        fmt = src.get("format", "turtle")
        if fmt not in ("turtle", "iri-list"):
            raise InputError(f"{where}.sources[{j}]: format {fmt!r}; use turtle or iri-list")
        defined_by = tuple(sorted((src.get("defined_by") or {}).items()))
        bundled = src.get("bundled", False)
        if not isinstance(bundled, bool):
            raise InputError(f"{where}.sources[{j}].bundled: expected true or false")
        sources.append(Source(src["file"], fmt, src.get("package"), defined_by, bundled))
    return ModuleSpec(
        name=str(entry["name"]),
        title=str(entry["title"]),
        prefixed_namespaces=tuple(sorted((str(p), str(n)) for p, n in entry["namespaces"].items())),
        sources=tuple(sources),
        licence=str(entry["licence"]),
        licence_file=str(entry["licence_file"]),
        attribution=str(entry["attribution"]).strip(),
        version=str(entry["version"]) if entry.get("version") else None,
        upstream=entry.get("upstream"),
    )


# ---------------------------------------------------------------------------
# Locating and reading the full copies
# ---------------------------------------------------------------------------


def default_source_dirs() -> list[Path]:
    """Where full copies are looked for: $NORMSPACE_EXTERNAL_ONTOLOGIES, then the shared copy
    next to the checkout (``../shared/ontologies``), which is where CI lays it."""
    dirs = [Path(p) for p in os.environ.get(ENV_SOURCE_DIRS, "").split(os.pathsep) if p]
    checkout = project().checkout
    if checkout is not None:
        dirs.append(checkout.parent / "shared" / "ontologies")
    return dirs


def locate(source: Source, source_dirs: Sequence[Path], folder: Path | None = None) -> Path | None:
    """The full copy of ``source`` on this machine, or None.

    A ``bundled`` source is looked up in ``folder`` (the imports folder) only.
    """
    if source.bundled:
        candidate = (folder or imports_dir()) / source.file
        return candidate if candidate.is_file() else None
    if source.package:
        spec = importlib.util.find_spec(source.package)
        if spec is None or spec.origin is None:
            return None
        candidate = Path(spec.origin).parent / source.file
        return candidate if candidate.is_file() else None
    for folder in source_dirs:
        candidate = folder / source.file
        if candidate.is_file():
            return candidate
    return None


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class LoadedModule:
    """The full source graph of a module, with the files it came from."""

    spec: ModuleSpec
    graph: Graph
    files: list[tuple[Source, Path]] = field(default_factory=list)

    def ontology_headers(self) -> list[URIRef]:
        """The ontology IRIs the sources declare; relative ones (``<#>``, which a parser
        resolves against the local file path) are left out so modules do not depend on
        where a copy lies."""
        return sorted(
            s
            for s in self.graph.subjects(RDF.type, OWL.Ontology)
            if isinstance(s, URIRef) and str(s).startswith(("http://", "https://"))
        )


def load_sources(
    spec: ModuleSpec, source_dirs: Sequence[Path], folder: Path | None = None
) -> LoadedModule | None:
    """Parse every source file of ``spec``; None if any of them is not on this machine."""
    found = [(src, locate(src, source_dirs, folder)) for src in spec.sources]
    if any(path is None for _, path in found):
        return None
    graph = Graph()
    for src, path in found:
        assert path is not None
        if src.format == "iri-list":
            _parse_iri_list(path, dict(src.defined_by), graph)
            continue
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many unrelated types
            raise InputError(f"{path}: cannot parse {spec.name} source: {exc}") from exc
    return LoadedModule(spec, graph, [(s, p) for s, p in found if p is not None])


def _parse_iri_list(path: Path, defined_by: dict[str, str], graph: Graph) -> None:
    """A TSV with an ``iri`` column (and maybe ``label``): each IRI becomes a term defined by
    the ontology of its namespace. Used where a vocabulary's files cannot be copied."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    for i, row in enumerate(rows, start=2):
        iri = (row.get("iri") or "").strip()
        if not iri:
            raise InputError(f"{path}:{i}: empty `iri` cell")
        ontology = next((o for ns, o in defined_by.items() if iri.startswith(ns)), None)
        if ontology is None:
            raise InputError(f"{path}:{i}: {iri} is in no namespace listed under defined_by")
        graph.add((URIRef(iri), RDFS.isDefinedBy, URIRef(ontology)))
        if (row.get("label") or "").strip():
            graph.add((URIRef(iri), RDFS.label, Literal(row["label"].strip())))


# ---------------------------------------------------------------------------
# Extraction
# ---------------------------------------------------------------------------


def requested_terms(sets: Iterable[MappingSet] | None = None) -> set[str]:
    """The external IRIs that NormSpace's mapping sets point to."""
    sets = read_mapping_sets() if sets is None else sets
    terms = set()
    for ms in sets:
        for m in ms.mappings:
            iri = ms.expand(m.object_id)
            if iri:
                terms.add(iri)
    return terms


def reused_terms(config: ImportsConfig, ontology: Graph | None = None) -> set[str]:
    """The external IRIs the ontology itself uses, in namespaces that have an import module.

    These are the classes and properties the annotation model specialises or reuses
    (``fabio:ScholarlyWork``, ``oa:hasTarget``, ``schema:author``…) and the annotation
    properties of the terms (``dcterms:source``). IRIs of vocabularies without a module
    (SKOS, OWL and the like, in which NormSpace is written) are not returned.
    """
    from .ontology import load_ontology

    graph = load_ontology() if ontology is None else ontology
    iris = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    headers = {h.rstrip("#/") for m in config.modules for h in m.namespaces}
    return {
        iri
        for iri in iris
        if config.module_for(iri) is not None and iri.rstrip("#/") not in headers
    }


def needed_terms(config: ImportsConfig) -> set[str]:
    """Everything the modules must hold: mapped terms and terms the ontology reuses."""
    return requested_terms() | reused_terms(config)


def closure(
    terms: Iterable[str], config: ImportsConfig, loaded: dict[str, LoadedModule]
) -> dict[str, set[str]]:
    """Assign ``terms`` and all their ancestors to modules: module name -> IRIs.

    Ancestors are followed through rdfs:subClassOf, rdfs:subPropertyOf and skos:broader
    while they stay inside a configured namespace, so that hierarchy queries work on the
    extract as they would on the full ontology.
    """
    result: dict[str, set[str]] = {}
    queue = deque(sorted(terms))
    seen: set[str] = set()
    while queue:
        iri = queue.popleft()
        if iri in seen:
            continue
        seen.add(iri)
        spec = config.module_for(iri)
        if spec is None:
            raise InputError(
                f"no import module covers {iri}; add its namespace to a module in "
                f"{config.folder / 'sources.yaml'}"
            )
        result.setdefault(spec.name, set()).add(iri)
        module = loaded.get(spec.name)
        if module is None:
            continue
        for prop in PARENT_PREDICATES:
            for parent in module.graph.objects(URIRef(iri), prop):
                if isinstance(parent, URIRef) and config.module_for(str(parent)) is not None:
                    queue.append(str(parent))
    return result


def extract(module: LoadedModule, terms: Iterable[str]) -> Graph:
    """The extract of ``module`` for ``terms``: their kept triples and a provenance header."""
    spec = module.spec
    out = Graph()
    missing = sorted(t for t in terms if (URIRef(t), None, None) not in module.graph)
    if missing:
        files = ", ".join(src.label for src, _ in module.files)
        raise InputError(
            f"{spec.name}: {len(missing)} term(s) not found in {files}: "
            + ", ".join(missing[:10])
            + (" …" if len(missing) > 10 else "")
        )
    for iri in sorted(terms):
        subject = URIRef(iri)
        for prop in KEPT_PREDICATES:
            for obj in module.graph.objects(subject, prop):
                if _keep(obj, prop):
                    out.add((subject, prop, obj))
    _add_header(out, module)
    return out


def _keep(obj: object, prop: URIRef) -> bool:
    if isinstance(obj, Literal):
        return prop not in (RDF.type, *PARENT_PREDICATES) and obj.language in (None, "en")
    return isinstance(obj, URIRef)


def _add_header(graph: Graph, module: LoadedModule) -> None:
    spec = module.spec
    node = URIRef(spec.iri)
    graph.add((node, RDF.type, OWL.Ontology))
    graph.add((node, RDFS.label, Literal(f"NormSpace import module: {spec.title}", lang="en")))
    graph.add(
        (
            node,
            RDFS.comment,
            Literal(
                "Extract of the terms NormSpace maps to or reuses, and their ancestors, with "
                "their labels, definitions and hierarchy. Generated by `normspace imports "
                "update`; do not edit.",
                lang="en",
            ),
        )
    )
    if spec.licence != "none":
        graph.add((node, DCTERMS.license, URIRef(spec.licence)))
    graph.add((node, DCTERMS.rights, Literal(spec.attribution, lang="en")))
    for header in module.ontology_headers():
        graph.add((node, DCTERMS.source, header))
        for version_iri in module.graph.objects(header, OWL.versionIRI):
            graph.add((node, PROV.wasDerivedFrom, version_iri))
    if spec.upstream:
        graph.add((node, DCTERMS.source, URIRef(spec.upstream)))
    version = spec.version or _source_version(module)
    if version:
        graph.add((node, OWL.versionInfo, Literal(version)))


def _source_version(module: LoadedModule) -> str | None:
    versions = sorted(
        {
            str(v)
            for h in module.ontology_headers()
            for v in module.graph.objects(h, OWL.versionInfo)
        }
    )
    return versions[0] if len(versions) == 1 else None


def render_module(module: LoadedModule, terms: Iterable[str]) -> str:
    """The module file: a comment header (sources and hashes, licence) then longturtle."""
    graph = extract(module, terms)
    spec = module.spec
    for prefix, ns in _module_prefixes(spec, graph).items():
        graph.bind(prefix, ns, override=True, replace=True)
    body = graph.serialize(format="longturtle")
    lines = [
        f"# NormSpace import module `{spec.name}`: {spec.title}.",
        "# Generated by `normspace imports update` from the full copies below; do not edit.",
        *(f"# source: {src.label} sha256={sha256(path)}" for src, path in module.files),
        f"# licence: {spec.licence} (see ontology/imports/{spec.licence_file})",
        "",
    ]
    return "\n".join(lines) + body


_STANDARD_PREFIXES = {
    "dcterms": str(DCTERMS),
    "owl": str(OWL),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "skos": str(SKOS),
    "sw": SW,
}


def _module_prefixes(spec: ModuleSpec, graph: Graph) -> dict[str, str]:
    prefixes = dict(_STANDARD_PREFIXES)
    prefixes.update(dict(spec.prefixed_namespaces))
    return prefixes


# ---------------------------------------------------------------------------
# Update and check
# ---------------------------------------------------------------------------


@dataclass
class ModuleReport:
    name: str
    status: str  # written, unchanged, kept (source missing), removed, stale
    detail: str = ""
    terms: int = 0


def _load_all(config: ImportsConfig, source_dirs: Sequence[Path]) -> dict[str, LoadedModule]:
    loaded = {}
    for spec in config.modules:
        module = load_sources(spec, source_dirs, config.folder)
        if module is not None:
            loaded[spec.name] = module
    return loaded


def plan(
    config: ImportsConfig, source_dirs: Sequence[Path], terms: Iterable[str]
) -> tuple[dict[str, LoadedModule], dict[str, set[str]]]:
    loaded = _load_all(config, source_dirs)
    return loaded, closure(terms, config, loaded)


def update_modules(
    config: ImportsConfig | None = None,
    source_dirs: Sequence[Path] | None = None,
    terms: Iterable[str] | None = None,
) -> list[ModuleReport]:
    """Regenerate every module whose full copies are at hand.

    A module whose sources are missing is kept if it already holds every term it must
    hold; otherwise the update fails, naming the missing files, rather than leave a
    mapped term without its module.
    """
    config = config or load_config()
    source_dirs = default_source_dirs() if source_dirs is None else list(source_dirs)
    terms = needed_terms(config) if terms is None else set(terms)
    loaded, assignment = plan(config, source_dirs, terms)
    reports, missing_sources = [], []
    for spec in config.modules:
        path = config.module_path(spec)
        wanted = assignment.get(spec.name, set())
        if not wanted:
            if path.exists():
                path.unlink()
                reports.append(ModuleReport(spec.name, "removed", "no term needs it"))
            continue
        module = loaded.get(spec.name)
        if module is None:
            absent = set(wanted) - module_terms(path)
            if absent:
                missing_sources.append(
                    f"{spec.name} (needs {', '.join(s.label for s in spec.sources)}; "
                    f"new terms: {', '.join(sorted(absent)[:5])})"
                )
            else:
                reports.append(
                    ModuleReport(spec.name, "kept", "full copy not at hand", len(wanted))
                )
            continue
        text = render_module(module, wanted)
        changed = not path.is_file() or path.read_text(encoding="utf-8") != text
        if changed:
            path.write_text(text, encoding="utf-8")
        reports.append(
            ModuleReport(spec.name, "written" if changed else "unchanged", "", len(wanted))
        )
    if missing_sources:
        raise InputError(
            "cannot regenerate import module(s) without their full copies: "
            + "; ".join(missing_sources)
            + f". Pass the folder holding them with --source-dir or ${ENV_SOURCE_DIRS}."
        )
    return reports


def module_terms(path: Path) -> set[str]:
    """IRIs described in a vendored module file (its own header node excluded)."""
    if not path.is_file():
        return set()
    graph = Graph().parse(path, format="turtle")
    return {str(s) for s in graph.subjects() if isinstance(s, URIRef)} - {
        str(s) for s in graph.subjects(RDF.type, OWL.Ontology)
    }


def recorded_sources(path: Path) -> dict[str, str]:
    """Source file label -> SHA-256, as recorded in a module's comment header."""
    recorded = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        match = _SHA_LINE.match(line)
        if match:
            recorded[match["file"]] = match["sha"]
    return recorded


@dataclass(frozen=True)
class ImportProblem:
    module: str
    message: str

    def __str__(self) -> str:
        return f"{self.module}: {self.message}"


def check_modules(
    config: ImportsConfig | None = None,
    source_dirs: Sequence[Path] | None = None,
    terms: Iterable[str] | None = None,
) -> tuple[list[ImportProblem], list[str]]:
    """Offline checks of the vendored modules; returns (problems, notes).

    Always: every mapped or reused IRI is in its module; every module names its licence and its
    licence file exists. Where a full copy is at hand: its SHA-256 is the recorded one,
    and re-extracting gives the vendored bytes. Notes say which modules could not be
    compared because no full copy was found.
    """
    config = config or load_config()
    source_dirs = default_source_dirs() if source_dirs is None else list(source_dirs)
    terms = needed_terms(config) if terms is None else set(terms)
    problems: list[ImportProblem] = []
    notes: list[str] = []
    loaded, assignment = plan(config, source_dirs, terms)
    for spec in config.modules:
        path = config.module_path(spec)
        wanted = assignment.get(spec.name, set())
        if not (config.folder / spec.licence_file).is_file():
            problems.append(ImportProblem(spec.name, f"licence file {spec.licence_file} missing"))
        if not wanted:
            if path.exists():
                problems.append(ImportProblem(spec.name, "module is vendored but no term needs it"))
            continue
        if not path.is_file():
            problems.append(
                ImportProblem(spec.name, f"{path.name} missing; run `normspace imports update`")
            )
            continue
        present = module_terms(path)
        for iri in sorted(set(wanted) - present):
            problems.append(
                ImportProblem(spec.name, f"{iri} is mapped or reused but not in {path.name}")
            )
        module = loaded.get(spec.name)
        if module is None:
            notes.append(f"{spec.name}: no full copy at hand, compared terms only")
            continue
        recorded = recorded_sources(path)
        for src, file in module.files:
            if recorded.get(src.label) != sha256(file):
                problems.append(
                    ImportProblem(
                        spec.name,
                        f"{file} (sha256 {sha256(file)[:12]}…) is not the source recorded in "
                        f"{path.name} ({(recorded.get(src.label) or 'none')[:12]}…)",
                    )
                )
        if render_module(module, wanted) != path.read_text(encoding="utf-8"):
            problems.append(
                ImportProblem(
                    spec.name,
                    f"{path.name} differs from a fresh extract of its sources; "
                    "run `normspace imports update`",
                )
            )
    return problems, notes


# ---------------------------------------------------------------------------
# Reading the vendored modules at run time
# ---------------------------------------------------------------------------


def module_paths(folder: Path | None = None) -> list[Path]:
    folder = folder or imports_dir()
    return sorted(folder.glob("*.ttl"))


def imports_graph(folder: Path | None = None) -> Graph:
    """All vendored modules as one graph (labels and hierarchy of external terms)."""
    graph = Graph()
    for path in module_paths(folder):
        graph.parse(path, format="turtle")
    return graph


@cache
def external_terms(folder: Path | None = None) -> dict[str, ExternalTerm]:
    """Every term of the vendored modules, with its English label and module name."""
    terms: dict[str, ExternalTerm] = {}
    for path in module_paths(folder):
        graph = Graph().parse(path, format="turtle")
        headers = set(graph.subjects(RDF.type, OWL.Ontology))
        for subject in sorted({s for s in graph.subjects() if isinstance(s, URIRef)} - headers):
            terms[str(subject)] = ExternalTerm(
                iri=str(subject),
                label=_label(graph, subject),
                module=path.stem,
                deprecated=_deprecated(graph, subject),
            )
    return terms


def _label(graph: Graph, subject: URIRef) -> str:
    for prop in LABEL_PREDICATES:
        values = sorted(
            str(o)
            for o in graph.objects(subject, prop)
            if isinstance(o, Literal) and o.language in (None, "en")
        )
        if values:
            return values[0]
    return ""


def _deprecated(graph: Graph, subject: URIRef) -> bool:
    if any(
        o.toPython() is True
        for o in graph.objects(subject, OWL.deprecated)
        if isinstance(o, Literal)
    ):
        return True
    status = {str(o) for o in graph.objects(subject, URIRef(SW + "term_status"))}
    return bool(status & {"deprecated", "sunset", "removed"})

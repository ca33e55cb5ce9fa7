"""``normspace release``: versioned, reproducible artefacts built from the one edited source.

Everything a release contains is derived from ``ontology/``, ``shapes/`` and ``mappings/``;
nothing is edited by hand. Output bytes depend only on those sources (no run dates, no
hash-seed-dependent ordering): the Turtle is NormSpace's canonical longturtle, and the
RDF/XML, JSON-LD and N-Triples are written by the small deterministic writers below,
because rdflib's own serialisers order subjects by hash and so differ between runs.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS
from rdflib.plugins.serializers.nt import _nt_row

from .annotation.schema import schema_text
from .canonical import canonical_turtle
from .errors import InputError, ValidationFailure
from .imports import imports_dir
from .jsonldcontext import bundled_context_text
from .mappings import format_sssom, mapping_graph, read_mapping_sets, with_version
from .namespaces import NORM_IRI, ONTOLOGY_IRI, PREFIXES, bind_prefixes, curie
from .ontology import TermIndex, ontology_files, parse_files
from .releasediff import diff_markdown, previous_snapshot, read_terms, term_table
from .resources import corpus_dir, queries_dir, resource_dir, shapes_dir
from .versioning import Version, ontology_version

SHAPES_IRI = "https://w3id.org/normspace/shapes"
#: The annotation JSON Schema, generated from the slot table and the released ontology.
SCHEMA_FILE = "annotation.schema.json"

#: Artefact file names, in the order the release manifest lists them.
ARTEFACTS = {
    "turtle": "normspace.ttl",
    "rdfxml": "normspace.owl",
    "jsonld": "normspace.jsonld",
    "ntriples": "normspace.nt",
    "skos": "normspace-skos.ttl",
    "shapes": "normspace-shapes.ttl",
    "mappings": "normspace-mappings.ttl",
    "context": "normspace-context.jsonld",
    "terms": "terms.tsv",
    "notes": "release-notes.md",
}


def header_triples(version: Version) -> Graph:
    """The triples that tie an artefact to the ontology and this release."""
    g = Graph()
    node = URIRef(ONTOLOGY_IRI)
    g.add((node, RDF.type, OWL.Ontology))
    g.add((node, OWL.versionIRI, URIRef(version.iri)))
    g.add((node, OWL.versionInfo, Literal(version.info)))
    return g


# ---------------------------------------------------------------------------
# Deterministic writers
# ---------------------------------------------------------------------------


def canonical_graph(graph: Graph) -> Graph:
    """``graph`` with blank nodes renamed by content, so that labels are reproducible."""
    if any(isinstance(t, BNode) for triple in graph for t in triple):
        return to_canonical_graph(graph)
    return graph


def write_ntriples(graph: Graph) -> str:
    """N-Triples, one sorted line per triple."""
    return "".join(sorted(_nt_row(t) for t in canonical_graph(graph)))


_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")


def _split(iri: str, prefixes: dict[str, str]) -> tuple[str, str, str]:
    """(prefix, namespace, local name) for an XML qualified name of ``iri``."""
    for prefix, ns in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
        local = iri[len(ns) :]
        if iri.startswith(ns) and _NCNAME.match(local):
            return prefix, ns, local
    match = re.search(r"[A-Za-z_][A-Za-z0-9._-]*$", iri)
    if not match or match.start() == 0:
        raise InputError(f"cannot write <{iri}> as an RDF/XML property name")
    return (
        "ns" + hashlib.sha1(iri[: match.start()].encode()).hexdigest()[:6],
        iri[: match.start()],
        match.group(0),
    )


def write_rdfxml(graph: Graph, prefixes: dict[str, str] | None = None) -> str:
    """RDF/XML in striped ``rdf:Description`` form, subjects and properties sorted.

    Plain, verbose RDF/XML is what the OWL API (Protégé, ROBOT) reads most reliably.
    """
    graph = canonical_graph(graph)
    prefixes = dict(prefixes or PREFIXES)
    prefixes.setdefault("rdf", str(RDF))
    by_subject: dict = defaultdict(list)
    used: dict[str, str] = {"rdf": str(RDF)}
    for s, p, o in graph:
        prefix, ns, local = _split(str(p), prefixes)
        used[prefix] = ns
        by_subject[s].append((f"{prefix}:{local}", o))
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<rdf:RDF"]
    lines += [f"   xmlns:{p}={quoteattr(ns)}" for p, ns in sorted(used.items())]
    base = f"   xml:base={quoteattr(ONTOLOGY_IRI)}>"
    lines.append(base)
    for subject in sorted(by_subject, key=_term_key):
        attr = (
            f"rdf:nodeID={quoteattr(str(subject))}"
            if isinstance(subject, BNode)
            else f"rdf:about={quoteattr(str(subject))}"
        )
        lines.append(f"  <rdf:Description {attr}>")
        for qname, obj in sorted(by_subject[subject], key=lambda po: (po[0], _term_key(po[1]))):
            lines.append("    " + _xml_property(qname, obj))
        lines.append("  </rdf:Description>")
    lines.append("</rdf:RDF>")
    return "\n".join(lines) + "\n"


def _xml_property(qname: str, obj: object) -> str:
    if isinstance(obj, URIRef):
        return f"<{qname} rdf:resource={quoteattr(str(obj))}/>"
    if isinstance(obj, BNode):
        return f"<{qname} rdf:nodeID={quoteattr(str(obj))}/>"
    assert isinstance(obj, Literal)
    attrs = ""
    if obj.language:
        attrs = f" xml:lang={quoteattr(obj.language)}"
    elif obj.datatype:
        attrs = f" rdf:datatype={quoteattr(str(obj.datatype))}"
    return f"<{qname}{attrs}>{escape(str(obj))}</{qname}>"


def _term_key(term: object) -> tuple[int, str, str, str]:
    if isinstance(term, URIRef):
        return (0, str(term), "", "")
    if isinstance(term, BNode):
        return (1, str(term), "", "")
    assert isinstance(term, Literal)
    return (2, str(term), term.language or "", str(term.datatype or ""))


def write_jsonld(graph: Graph, prefixes: dict[str, str] | None = None) -> str:
    """Flattened JSON-LD with an inline context of prefixes (no remote context)."""
    graph = canonical_graph(graph)
    prefixes = dict(prefixes or PREFIXES)
    context = {p: ns for p, ns in sorted(prefixes.items())}

    def compact(iri: str) -> str:
        for prefix, ns in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
            if iri.startswith(ns) and len(iri) > len(ns) and ":" not in iri[len(ns) :]:
                return f"{prefix}:{iri[len(ns) :]}"
        return iri

    def node_id(term: object) -> str:
        return f"_:{term}" if isinstance(term, BNode) else compact(str(term))

    def value(term: object) -> dict[str, str]:
        if isinstance(term, URIRef | BNode):
            return {"@id": node_id(term)}
        assert isinstance(term, Literal)
        out = {"@value": str(term)}
        if term.language:
            out["@language"] = term.language
        elif term.datatype:
            out["@type"] = compact(str(term.datatype))
        return out

    nodes: dict = defaultdict(lambda: defaultdict(list))
    for s, p, o in graph:
        if p == RDF.type and isinstance(o, URIRef):
            nodes[s]["@type"].append(compact(str(o)))
        else:
            nodes[s][compact(str(p))].append(value(o))
    flat = []
    for subject in sorted(nodes, key=_term_key):
        entry: dict[str, object] = {"@id": node_id(subject)}
        for key in sorted(nodes[subject]):
            values = nodes[subject][key]
            entry[key] = (
                sorted(values)
                if key == "@type"
                else sorted(values, key=lambda v: json.dumps(v, sort_keys=True))
            )
        flat.append(entry)
    doc = {"@context": context, "@graph": flat}
    return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def write_turtle(graph: Graph) -> str:
    return canonical_turtle(graph)


# ---------------------------------------------------------------------------
# Flavours
# ---------------------------------------------------------------------------

SKOS_KEPT = {
    DCTERMS.source,
    DCTERMS.title,
    DCTERMS.description,
    OWL.deprecated,
    DCTERMS.isReplacedBy,
}


def skos_flavour(ontology: Graph, mappings: Graph, version: Version) -> Graph:
    """The taxonomy alone, for thesaurus tools (Skosmos, VocBench, SKOS Play).

    Keeps the concept schemes and concepts with their SKOS properties, sources and
    deprecation; drops OWL axioms and the annotation model; adds the SKOS mapping
    triples, and materialises skos:narrower and skos:hasTopConcept, which many thesaurus
    tools need but NormSpace's sources state only in one direction.
    """
    out = bind_prefixes(Graph())
    out += header_triples(version)
    for p in (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.creator):
        for o in ontology.objects(URIRef(ONTOLOGY_IRI), p):
            out.add((URIRef(ONTOLOGY_IRI), p, o))
    concepts = set(ontology.subjects(RDF.type, SKOS.Concept)) | set(
        ontology.subjects(RDF.type, SKOS.ConceptScheme)
    )
    for s in concepts:
        if not isinstance(s, URIRef) or not str(s).startswith(NORM_IRI):
            continue
        for p, o in ontology.predicate_objects(s):
            if p == RDF.type:
                if o in (SKOS.Concept, SKOS.ConceptScheme):
                    out.add((s, p, o))
            elif str(p).startswith(str(SKOS)) or p in SKOS_KEPT:
                out.add((s, p, o))
    for s, o in list(out.subject_objects(SKOS.broader)):
        out.add((o, SKOS.narrower, s))
    for s, o in list(out.subject_objects(SKOS.topConceptOf)):
        out.add((o, SKOS.hasTopConcept, s))
    for s, p, o in mappings:
        if str(p).startswith(str(SKOS)) and (s, RDF.type, SKOS.Concept) in out:
            out.add((s, p, o))
    return out


def shapes_graph(version: Version, folder: Path | None = None) -> Graph:
    """All SHACL shapes files merged, with a header naming the release they belong to."""
    folder = folder or shapes_dir()
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise InputError(f"{folder}: no SHACL shapes (*.ttl) to release")
    graph = parse_files(files)
    node = URIRef(SHAPES_IRI)
    graph.add((node, RDF.type, OWL.Ontology))
    graph.set((node, OWL.versionIRI, URIRef(f"{SHAPES_IRI}/{version.info}")))
    graph.set((node, OWL.versionInfo, Literal(version.info)))
    graph.add((node, DCTERMS.isPartOf, URIRef(ONTOLOGY_IRI)))
    if (node, DCTERMS.title, None) not in graph:
        graph.add((node, DCTERMS.title, Literal("NormSpace SHACL shapes", lang="en")))
    return graph


# ---------------------------------------------------------------------------
# Deprecation hygiene
# ---------------------------------------------------------------------------

_CURIE = re.compile(r"norm:([A-Za-z_][A-Za-z0-9_-]*)")
_IRI = re.compile(re.escape(NORM_IRI) + r"([A-Za-z_][A-Za-z0-9_-]*)")


def deprecated_terms(ontology: Graph) -> dict[str, tuple[str, ...]]:
    """Deprecated NormSpace IRIs -> their replacements (dcterms:isReplacedBy), sorted."""
    result = {}
    for s in ontology.subjects(OWL.deprecated, None):
        flag = ontology.value(s, OWL.deprecated)
        if isinstance(flag, Literal) and flag.toPython() is True and str(s).startswith(NORM_IRI):
            result[str(s)] = tuple(
                sorted(str(r) for r in ontology.objects(s, DCTERMS.isReplacedBy))
            )
    return result


_YAML_SUFFIXES = (".yaml", ".yml")


def mentioned_terms(paths: Iterable[Path], ontology: Graph | None = None) -> dict[str, set[str]]:
    """NormSpace IRIs mentioned in text files -> file names.

    Any file counts ``norm:X`` and full IRIs. Annotation files (YAML) may also name a
    term by its exact preferred label, so their term references are resolved as the
    annotation reader resolves them, against ``ontology`` (default: the bundled one).
    """
    found: dict[str, set[str]] = defaultdict(set)
    resolver = None
    for path in paths:
        text = _read_text(path)
        iris = {NORM_IRI + m.group(1) for m in (*_CURIE.finditer(text), *_IRI.finditer(text))}
        if path.suffix.lower() in _YAML_SUFFIXES:
            resolver = resolver or _term_resolver(ontology)
            iris |= annotation_terms(path, resolver)
        for iri in iris:
            found[iri].add(str(path))
    return found


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read file: {exc.strerror or exc}") from exc


def _term_resolver(ontology: Graph | None):
    from .annotation.terms import TermResolver
    from .ontology import TermIndex, term_index

    return TermResolver(term_index() if ontology is None else TermIndex.from_graph(ontology))


def annotation_terms(path: Path, resolver) -> set[str]:
    """NormSpace IRIs an annotation file refers to, by CURIE, IRI or preferred label.

    A file the annotation reader cannot turn into RDF (not an annotation, no paper
    identifier, broken YAML) is searched instead for string values equal to a preferred
    label, so that a label in a half-written file is not missed either.
    """
    from .annotation import parse_file

    parsed = parse_file(path, resolver)
    if parsed.document is not None:
        graph = parsed.document.graph
        return {
            str(t)
            for triple in graph
            for t in triple
            if isinstance(t, URIRef) and str(t).startswith(NORM_IRI)
        }
    try:
        from ruamel.yaml import YAML

        root = YAML(typ="safe", pure=True).load(_read_text(path))
    except Exception:  # not YAML at all: the CURIE/IRI scan is all there is
        return set()
    found = set()
    for value in _yaml_strings(root):
        term = resolver.lookup(value) if value.strip() else None
        if term is not None and str(term.iri).startswith(NORM_IRI):
            found.add(term.iri)
    return found


def _yaml_strings(node: object) -> Iterable[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _yaml_strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _yaml_strings(value)


def corpus_files(folder: Path | None = None) -> list[Path]:
    """The annotation files of a corpus folder (default: the bundled corpus)."""
    folder = folder or corpus_dir()
    patterns = ("*.yaml", "*.yml", "*.ttl", "*.jsonld")
    if not folder.is_dir():
        return []
    return sorted(p for pattern in patterns for p in folder.glob(pattern))


def usage_files() -> list[Path]:
    """Shapes, query library, bundled corpus and mapping sets: where no deprecated term may
    appear."""
    files: list[Path] = []
    for folder, patterns in (
        (shapes_dir(), ("*.ttl",)),
        (resource_dir("mappings"), ("*.sssom.tsv",)),
        (queries_dir(), ("**/*.rq",)),
    ):
        if folder.is_dir():
            for pattern in patterns:
                files.extend(sorted(folder.glob(pattern)))
    return files + corpus_files()


@dataclass(frozen=True)
class DeprecatedUse:
    term: str
    replacements: tuple[str, ...]
    files: tuple[str, ...]

    def __str__(self) -> str:
        hint = f"; use {' or '.join(map(curie, self.replacements))}" if self.replacements else ""
        return f"deprecated {curie(self.term)} is used in {', '.join(self.files)}{hint}"


def deprecated_uses(ontology: Graph, files: Sequence[Path] | None = None) -> list[DeprecatedUse]:
    deprecated = deprecated_terms(ontology)
    if not deprecated:
        return []
    mentions = mentioned_terms(usage_files() if files is None else files, ontology)
    return [
        DeprecatedUse(term, deprecated[term], tuple(sorted(mentions[term])))
        for term in sorted(deprecated)
        if term in mentions
    ]


# ---------------------------------------------------------------------------
# The build
# ---------------------------------------------------------------------------


@dataclass
class Release:
    version: Version
    out: Path
    files: list[Path] = field(default_factory=list)


def default_out(version: Version) -> Path:
    return Path("build") / "release" / version.info


def _check_release_folder(out: Path) -> None:
    """Refuse to write a release over a folder that holds something else: a release folder
    is published as a whole, so unrelated files would be published with it. An earlier
    release (it has ``SHA256SUMS``) is rebuilt in place."""
    if out.exists() and not out.is_dir():
        raise InputError(f"release folder {out} is a file; give a folder (-o)")
    if out.is_dir() and any(out.iterdir()) and not (out / "SHA256SUMS").is_file():
        raise InputError(
            f"release folder {out} is not empty and holds no earlier release (no SHA256SUMS); "
            "give a new or empty folder (-o), so that nothing else is published with it"
        )


def build_release(
    out: Path | None = None,
    ontology_paths: Sequence[Path] | None = None,
    previous_terms: Path | None = None,
    check_deprecated: bool = True,
    w3id_base: str | None = None,
) -> Release:
    """Build every artefact of the release into ``out`` and return what was written.

    Fails with :class:`ValidationFailure` if a deprecated term is still used in the
    shapes, queries or corpus, so that no release ships a stale reference.
    """
    ontology = parse_files(ontology_paths or ontology_files())
    version = ontology_version(ontology)
    out = out or default_out(version)
    _check_release_folder(out)  # usage errors (exit 2) before the content check (exit 1)
    if check_deprecated:
        uses = deprecated_uses(ontology)
        if uses:
            raise ValidationFailure(
                "cannot release while deprecated terms are in use: " + "; ".join(map(str, uses))
            )
    out.mkdir(parents=True, exist_ok=True)
    sets = read_mapping_sets()
    mappings = mapping_graph(sets, version.info)
    release = Release(version, out)

    def emit(name: str, text: str) -> None:
        path = out / name
        path.write_text(text, encoding="utf-8", newline="\n")
        release.files.append(path)

    emit(ARTEFACTS["turtle"], write_turtle(ontology))
    emit(ARTEFACTS["rdfxml"], write_rdfxml(ontology))
    emit(ARTEFACTS["jsonld"], write_jsonld(ontology))
    emit(ARTEFACTS["ntriples"], write_ntriples(ontology))
    emit(ARTEFACTS["skos"], write_turtle(skos_flavour(ontology, mappings, version)))
    emit(ARTEFACTS["shapes"], write_turtle(shapes_graph(version)))
    mappings += header_triples(version)
    emit(ARTEFACTS["mappings"], write_turtle(mappings))
    emit(ARTEFACTS["context"], bundled_context_text())  # the one context, as bundled
    (out / "mappings").mkdir(exist_ok=True)
    for ms in sets:
        emit(f"mappings/{ms.name}", format_sssom(with_version(ms, version.info)))
    for path in sorted(imports_dir().glob("*.ttl")) if imports_dir().is_dir() else []:
        (out / "imports").mkdir(exist_ok=True)
        emit(f"imports/{path.name}", path.read_text(encoding="utf-8"))
    (out / "schema").mkdir(exist_ok=True)
    emit(f"schema/{SCHEMA_FILE}", schema_text(TermIndex.from_graph(ontology)))
    if w3id_base:
        (out / "w3id" / W3ID_PATH).mkdir(parents=True, exist_ok=True)
        emit(f"w3id/{W3ID_PATH}/.htaccess", w3id_htaccess(w3id_base, version))
    terms = term_table(ontology)
    emit(ARTEFACTS["terms"], terms)
    previous = previous_terms or previous_snapshot(version.info)
    old = read_terms(previous) if previous else None
    emit(ARTEFACTS["notes"], diff_markdown(old, read_terms(text=terms), version, previous))
    emit("SHA256SUMS", sha256sums(release.files, out))
    return release


def sha256sums(files: Iterable[Path], root: Path) -> str:
    """``SHA256SUMS`` of ``files`` (paths under ``root``), sorted, in the format
    ``sha256sum -c`` reads; used by the ontology release and corpus data packages."""
    return "".join(
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(root).as_posix()}\n"
        for p in sorted(files)
    )


# ---------------------------------------------------------------------------
# w3id.org redirects
# ---------------------------------------------------------------------------

#: Media types that mean "a person with a browser": HTML is chosen whenever one is accepted.
HTML_TYPES = ("text/html", "application/xhtml+xml")

#: (media types a client may ask for, artefact suffix) in order of precedence. They are
#: only consulted when the client accepts no HTML type, so browsers, which list text/html
#: but also ``application/xml`` or ``*/*``, always get the documentation.
NEGOTIATION: tuple[tuple[tuple[str, ...], str], ...] = (
    (("text/turtle", "application/x-turtle"), "ttl"),
    (("application/rdf+xml",), "owl"),
    (("application/ld+json", "application/json"), "jsonld"),
    (("application/n-triples",), "nt"),
)

W3ID_PATH = "normspace"


def accept_pattern(media_type: str) -> str:
    """A regex (PCRE and Python) matching an ``Accept`` header that accepts ``media_type``.

    The type must be a whole list element (``text/turtle`` does not match
    ``text/turtlex``) and must not carry ``q=0``, which means "not acceptable". Other
    q-values cannot be compared in mod_rewrite; precedence comes from the rule order.

    >>> import re
    >>> p = accept_pattern("text/html")
    >>> [bool(re.search(p, a, re.I)) for a in (
    ...     "text/html", "text/turtle, TEXT/HTML;q=0.5", "text/html;q=0", "text/htmlx")]
    [True, True, False, False]
    """
    escaped = media_type.replace(".", r"\.").replace("+", r"\+")
    refused = r"q=0(\.0*)?\s*(;|,|$)"
    param = rf"\s*;\s*(?!{refused})[^;,]*"
    return rf"(^|,)\s*{escaped}({param})*\s*(,|$)"


def w3id_htaccess(target_base: str, version: Version) -> str:
    """An ``.htaccess`` for ``https://w3id.org/normspace`` with content negotiation.

    The unversioned IRIs resolve to this release, version IRIs to their own release.
    A client that accepts HTML gets the HTML documentation, whatever else it lists (the
    usual w3id practice: browsers send ``*/*`` and ``application/xml`` too); otherwise an
    RDF media type gets the matching serialisation (303 See Other), and anything else
    the documentation. Published layout: ``<target_base>/<version>/`` holds the artefacts
    of ``normspace release`` and ``<target_base>/<version>/docs/`` the output of
    ``normspace docs``.
    """
    base = target_base.rstrip("/")
    if not re.match(r"^https://[^\s]+$", base):
        raise InputError(f"w3id target base must be an https:// URL, got {target_base!r}")
    lines = [
        f"# w3id.org/{W3ID_PATH}: permanent identifiers of the NormSpace ontology.",
        f"# Generated by `normspace release` for version {version.info}; do not edit.",
        "# HTML is served whenever the Accept header lists text/html or application/xhtml+xml",
        "# (without q=0); RDF serialisations only when it lists neither.",
        "Options +FollowSymLinks",
        "RewriteEngine on",
        "",
    ]

    def conditions(media_types: Sequence[str]) -> None:
        for i, media in enumerate(media_types):
            flags = "[NC,OR]" if i < len(media_types) - 1 else "[NC]"
            lines.append(f"RewriteCond %{{HTTP_ACCEPT}} {accept_pattern(media)} {flags}")

    def negotiated(pattern: str, target: str, stem: str) -> None:
        docs = f"RewriteRule {pattern} {target}/docs/index.html [R=303,L]"
        conditions(HTML_TYPES)
        lines.append(docs)
        for media_types, suffix in NEGOTIATION:
            conditions(media_types)
            lines.append(f"RewriteRule {pattern} {target}/{stem}.{suffix} [R=303,L]")
        lines.append(docs)
        lines.append("")

    lines.append("# The ontology: latest, then any version IRI")
    negotiated("^$", f"{base}/{version.info}", "normspace")
    negotiated(r"^(\d+\.\d+\.\d+)/?$", f"{base}/$1", "normspace")
    lines += [
        "# SKOS flavour, shapes, mappings, JSON-LD context, import modules, schemas",
        f"RewriteRule ^skos$ {base}/{version.info}/normspace-skos.ttl [R=303,L]",
        f"RewriteRule ^shapes$ {base}/{version.info}/normspace-shapes.ttl [R=303,L]",
        rf"RewriteRule ^shapes/(\d+\.\d+\.\d+)$ {base}/$1/normspace-shapes.ttl [R=303,L]",
        f"RewriteRule ^mappings$ {base}/{version.info}/normspace-mappings.ttl [R=303,L]",
        rf"RewriteRule ^mappings/(\d+\.\d+\.\d+)$ {base}/$1/normspace-mappings.ttl [R=303,L]",
        rf"RewriteRule ^mappings/([A-Za-z0-9._-]+\.sssom\.tsv)$ {base}/{version.info}/mappings/$1"
        " [R=303,L]",
        rf"RewriteRule ^context\.jsonld$ {base}/{version.info}/normspace-context.jsonld [R=303,L]",
        rf"RewriteRule ^imports/([A-Za-z0-9_-]+)$ {base}/{version.info}/imports/$1.ttl [R=303,L]",
        rf"RewriteRule ^schema/([A-Za-z0-9._-]+)$ {base}/{version.info}/schema/$1 [R=303,L]",
        "",
    ]
    return "\n".join(lines)

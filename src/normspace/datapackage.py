"""``normspace release --corpus``: a citable, reproducible data package of an annotated corpus.

A researcher's annotations become a folder that a repository (Zenodo, WorkflowHub, a
university archive) understands without NormSpace: the annotations as RDF (TriG and N-Quads
with one named graph per annotation, exactly the graphs the embedded store gets; JSON-LD
with the published context), the query library's results as CSV with label columns, the
figures, the original YAML files, a data card (``README.md``), ``CITATION.cff``, RO-Crate 1.3
metadata (``ro-crate-metadata.json``, built with the ``rocrate`` library) and ``SHA256SUMS``.

Why byte-for-byte reproducible: a package is cited by its checksum as much as by its DOI,
and a rebuild from the same corpus must prove it is the same data. Nothing comes from the
clock (the release date is an option, ``SOURCE_DATE_EPOCH`` or the newest annotation
date), blank nodes get labels derived from their content and graph, and every list is
sorted. The ontology is not copied in: the package names the vocabulary release it was
validated against by its version IRI.

Why the metadata comes from a ``CITATION.cff`` (``--metadata`` or one in the corpus folder):
researchers already write one for software, the corpus loader ignores ``*.cff`` files, and
the package's own ``CITATION.cff`` is the same document completed. Authors are never
guessed: the annotators named in the files are credited in the data card, but who the
authors of the dataset are is the researcher's statement, so a missing author list is an
error that names the option to pass.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from io import BytesIO, StringIO
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.plugins.serializers.nt import _nt_row
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from .annotation import AnnotationDocument
from .annotation.rdf_io import CONTEXT_IRI, jsonld_text
from .annotation.slots import TAG_SLOTS
from .errors import InputError
from .feedback import Echo, discard
from .namespaces import bind_prefixes
from .release import sha256sums
from .resources import corpus_dir
from .results import render
from .store import OxigraphStore, from_oxigraph

#: The file names of the package, relative to its root.
TRIG = "data/annotations.trig"
NQUADS = "data/annotations.nq"
JSONLD = "data/annotations.jsonld"
CARD = "README.md"
CITATION = "CITATION.cff"
CRATE = "ro-crate-metadata.json"
SUMS = "SHA256SUMS"
#: A corpus folder's own metadata file (read unless --metadata names another one).
METADATA_FILE = "CITATION.cff"
RO_CRATE_VERSION = "1.3"

#: SPDX identifier -> licence name, for the licences data is usually published under;
#: any other SPDX identifier is accepted and named by its identifier.
LICENCE_NAMES = {
    "CC-BY-4.0": "Creative Commons Attribution 4.0 International",
    "CC-BY-SA-4.0": "Creative Commons Attribution Share Alike 4.0 International",
    "CC0-1.0": "Creative Commons Zero v1.0 Universal",
    "ODbL-1.0": "Open Data Commons Open Database License v1.0",
    "ODC-By-1.0": "Open Data Commons Attribution License v1.0",
    "Apache-2.0": "Apache License 2.0",
    "MIT": "MIT License",
}
_SPDX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+-]*$")
_ORCID = re.compile(r"^(https://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")

#: Media types of the package's files, by suffix.
MEDIA_TYPES = {
    ".trig": "application/trig",
    ".nq": "application/n-quads",
    ".jsonld": "application/ld+json",
    ".csv": "text/csv",
    ".svg": "image/svg+xml",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".md": "text/markdown",
    ".cff": "application/yaml",
}


# ---------------------------------------------------------------------------
# Dataset metadata
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Author:
    """A dataset author: a person (family and given names) or an entity (``name`` only)."""

    family: str | None = None
    given: str | None = None
    name: str | None = None
    orcid: str | None = None
    affiliation: str | None = None

    @property
    def display(self) -> str:
        if self.name:
            return self.name
        return " ".join(p for p in (self.given, self.family) if p)

    @property
    def crate_id(self) -> str:
        """ORCID IRI when known (RO-Crate's recommendation), else a local identifier."""
        if self.orcid:
            return f"https://orcid.org/{self.orcid}"
        return "#" + re.sub(r"[^a-z0-9]+", "-", self.display.casefold()).strip("-")


@dataclass(frozen=True)
class DatasetMetadata:
    """What the package says about itself; every field is required before a build, except
    ``keywords`` and ``url``."""

    title: str | None = None
    description: str | None = None
    version: str | None = None
    license: str | None = None
    date_released: dt.date | None = None
    authors: tuple[Author, ...] = ()
    keywords: tuple[str, ...] = ()
    url: str | None = None

    def merged(self, override: DatasetMetadata) -> DatasetMetadata:
        """These values, with every value ``override`` sets taking precedence."""
        changes = {
            name: value for name, value in vars(override).items() if value not in (None, (), "")
        }
        return replace(self, **changes)


#: What each missing field is called on the command line (the message of a missing field).
OPTION_OF = {
    "title": "--title TEXT",
    "description": "--description TEXT",
    "version": "--dataset-version VERSION",
    "license": "--license SPDX-ID (e.g. CC-BY-4.0)",
    "authors": '--author "Family, Given" (repeatable)',
    "date_released": "--date-released YYYY-MM-DD",
}


def bundled_metadata() -> DatasetMetadata:
    """The bundled example corpus's metadata: the project's authors and licence as in
    ``pyproject.toml`` (the examples are covered by the repository's Apache-2.0 LICENSE;
    only ontology/ and shapes/ are CC BY 4.0), the package version."""
    import normspace

    return DatasetMetadata(
        title="NormSpace example corpus: annotated papers on sociotechnical AI alignment",
        description=(
            "Annotations of papers on AI alignment with the NormSpace vocabulary: alignment "
            "targets, values, stakeholders, deployment contexts, approaches, trade-offs, "
            "assumptions, evaluation and contestability, with evidence quotes. The example "
            "corpus bundled with the NormSpace toolkit."
        ),
        version=normspace.__version__,
        license="Apache-2.0",
        authors=(Author(name="NormSpace contributors"),),
        keywords=("AI alignment", "annotation", "knowledge graph", "NormSpace"),
        url="https://w3id.org/normspace",
    )


def _text(data: Mapping, key: str, where: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise InputError(f"{where}: `{key}` must be text, got {type(value).__name__}")
    return str(value).strip() or None


def parse_date(text: str, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{where}: `{text}` is not a date; give YYYY-MM-DD") from None


def parse_orcid(text: str, where: str) -> str:
    """The bare ORCID iD of ``text`` (an iD or its https://orcid.org/ IRI)."""
    match = _ORCID.match(text.strip())
    if not match:
        raise InputError(
            f"{where}: `{text}` is not an ORCID iD; give https://orcid.org/0000-0002-1825-0097 "
            "or 0000-0002-1825-0097"
        )
    return match.group(2)


def check_license(text: str, where: str) -> str:
    if not _SPDX.match(text):
        raise InputError(f"{where}: `{text}` is not an SPDX licence identifier (e.g. CC-BY-4.0)")
    return text


def _cff_author(entry: object, where: str) -> Author:
    if not isinstance(entry, Mapping):
        raise InputError(f"{where}: an author must be a mapping with family-names or name")
    family, given = _text(entry, "family-names", where), _text(entry, "given-names", where)
    name = _text(entry, "name", where)
    if not (family or name):
        raise InputError(f"{where}: an author needs `family-names` (a person) or `name`")
    orcid = _text(entry, "orcid", where)
    return Author(
        family=family,
        given=given,
        name=None if family else name,
        orcid=parse_orcid(orcid, where) if orcid else None,
        affiliation=_text(entry, "affiliation", where),
    )


def read_metadata(path: Path) -> DatasetMetadata:
    """Dataset metadata from a CITATION.cff file (CFF 1.2.0 keys; others are ignored)."""
    try:
        data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read the metadata file: {exc.strerror or exc}") from exc
    except (YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a YAML (CITATION.cff) file: {exc}") from exc
    if not isinstance(data, Mapping):
        raise InputError(f"{path}: expected a CITATION.cff mapping (title, authors, ...)")
    authors = data.get("authors") or []
    if not isinstance(authors, list):
        raise InputError(f"{path}: `authors` must be a list")
    keywords = data.get("keywords") or []
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        raise InputError(f"{path}: `keywords` must be a list of text")
    license_text = _text(data, "license", str(path))
    date_text = _text(data, "date-released", str(path))
    return DatasetMetadata(
        title=_text(data, "title", str(path)),
        description=_text(data, "abstract", str(path)),
        version=_text(data, "version", str(path)),
        license=check_license(license_text, f"{path}: license") if license_text else None,
        date_released=parse_date(date_text, f"{path}: date-released") if date_text else None,
        authors=tuple(_cff_author(a, f"{path}: authors[{i}]") for i, a in enumerate(authors)),
        keywords=tuple(keywords),
        url=_text(data, "url", str(path)),
    )


def author_option(text: str) -> Author:
    """``--author``: "Family, Given" for a person, a text without a comma for an entity
    (a group or organisation); names are never split at spaces (not every name is
    given-then-family)."""
    family, comma, given = text.partition(",")
    if not family.strip():
        raise InputError(f'--author {text!r}: give "Family, Given" or the name of a group')
    if comma:
        return Author(family=family.strip(), given=given.strip() or None)
    return Author(name=text.strip())


def source_date_epoch(environ: Mapping[str, str] = os.environ) -> dt.date | None:
    """The date of ``SOURCE_DATE_EPOCH`` (reproducible-builds.org), if set."""
    value = environ.get("SOURCE_DATE_EPOCH")
    if not value:
        return None
    if not value.isdigit():
        raise InputError(f"SOURCE_DATE_EPOCH={value!r}: expected seconds since 1970 (digits)")
    return dt.datetime.fromtimestamp(int(value), dt.UTC).date()


def newest_annotation_date(documents: Sequence[AnnotationDocument]) -> dt.date | None:
    dates = [d.annotation.date for d in documents if d.annotation.date]
    return max(dates) if dates else None


def given_metadata(
    corpus: Path, metadata_file: Path | None, options: DatasetMetadata
) -> DatasetMetadata:
    """Options over the metadata file (``--metadata``, else ``CORPUS/CITATION.cff``, else
    the bundled corpus's own); checked for everything but the date, so that missing
    metadata stops the build before the corpus is validated (a minute for 200 files)."""
    base = DatasetMetadata()
    if metadata_file is not None:
        base = read_metadata(metadata_file)
    elif (corpus / METADATA_FILE).is_file():
        base = read_metadata(corpus / METADATA_FILE)
    elif corpus.resolve() == corpus_dir().resolve():
        base = bundled_metadata()
    meta = base.merged(options)
    _check_complete(meta, corpus, metadata_file, [n for n in OPTION_OF if n != "date_released"])
    return meta


def resolve_metadata(
    corpus: Path,
    documents: Sequence[AnnotationDocument],
    metadata_file: Path | None,
    options: DatasetMetadata,
) -> DatasetMetadata:
    """:func:`given_metadata` with the release date: given, else ``SOURCE_DATE_EPOCH``,
    else the newest annotation date (a package of annotations is as new as its newest
    annotation; the clock would make every rebuild differ). Anything still missing is a
    usage error naming the options to pass."""
    meta = given_metadata(corpus, metadata_file, options)
    if meta.date_released is None:
        meta = replace(meta, date_released=source_date_epoch() or newest_annotation_date(documents))
    _check_complete(meta, corpus, metadata_file, list(OPTION_OF))
    return meta


def _check_complete(
    meta: DatasetMetadata, corpus: Path, metadata_file: Path | None, fields: Sequence[str]
) -> None:
    missing = [name for name in fields if not getattr(meta, name)]
    if missing:
        where = metadata_file or corpus / METADATA_FILE
        raise InputError(
            "the data package needs "
            + ", ".join(name.replace("_", "-") for name in missing)
            + ": pass "
            + ", ".join(OPTION_OF[name] for name in missing)
            + f", or write them into {where} (CFF 1.2.0 keys: title, abstract, version, "
            "license, authors, date-released) or give --metadata FILE"
        )


# ---------------------------------------------------------------------------
# Deterministic RDF
# ---------------------------------------------------------------------------


def stable_graph(iri: str, graph: Graph) -> Graph:
    """``graph`` with blank nodes labelled by their content AND their named graph: labels
    are document-wide in TriG, N-Quads and JSON-LD, so two annotations with the same blank
    structure must not share a node. The content labels of ``to_canonical_graph`` (70
    characters) are numbered in their sorted order, which keeps them reproducible and makes
    the N-Quads a third of the size."""
    if not any(isinstance(t, BNode) for triple in graph for t in triple):
        return graph
    tag = "g" + hashlib.sha256(iri.encode("utf-8")).hexdigest()[:8]
    canonical = to_canonical_graph(graph)
    nodes = sorted({t for triple in canonical for t in triple if isinstance(t, BNode)}, key=str)
    label = {node: BNode(f"{tag}b{i}") for i, node in enumerate(nodes)}
    out = Graph()
    for triple in canonical:
        out.add(tuple(label.get(t, t) for t in triple))
    return out


def stored_graph(store: OxigraphStore, document: AnnotationDocument) -> Graph:
    """An annotation's graph as the store holds it. Not ``document.graph``: the store
    keeps literals in canonical form (``"1.0"^^xsd:decimal`` becomes ``"1"``), and the
    package must give the terms that a query of the store returns."""
    graph = Graph()
    for quad in store.quads([document.annotation_iri]):
        graph.add(tuple(from_oxigraph(t) for t in (quad.subject, quad.predicate, quad.object)))
    return graph


def nquads_text(graphs: Mapping[str, Graph]) -> str:
    """N-Quads, one sorted line per quad."""
    lines = []
    for iri, graph in graphs.items():
        name = URIRef(iri).n3()
        lines += [_nt_row(t)[: -len(" .\n")] + f" {name} .\n" for t in graph]
    return "".join(sorted(lines))


def _exact_turtle(graph: Graph) -> str:
    """NormSpace's canonical Turtle, but every literal keeps its lexical form: the Turtle
    shorthand rewrites ``"9"^^xsd:decimal`` as ``9.0``, a different RDF term from the one
    the store holds."""
    from rdflib.plugins.serializers.longturtle import _GEN_QNAME_FOR_DT

    from .canonical import _HeaderFirstSerializer

    class Exact(_HeaderFirstSerializer):
        def label(self, node, position):  # noqa: ANN001, ANN201 (rdflib's signature)
            if isinstance(node, Literal):
                plain = node._literal_n3(use_plain=True)
                if plain.startswith('"') or plain == str(node):
                    return super().label(node, position)
                return node._literal_n3(
                    use_plain=False,
                    qname_callback=lambda dt: self.get_pname(dt, _GEN_QNAME_FOR_DT),
                )
            return super().label(node, position)

    out = bind_prefixes(Graph(bind_namespaces="none"))
    out += graph
    buffer = BytesIO()
    Exact(out).serialize(buffer, encoding="utf-8")
    return buffer.getvalue().decode("utf-8")


def trig_text(graphs: Mapping[str, Graph]) -> str:
    """TriG: the prefixes once, then each graph in NormSpace's canonical Turtle layout."""
    prefixes: set[str] = set()
    blocks = []
    for iri in sorted(graphs):
        text = _exact_turtle(graphs[iri])
        body = [line for line in text.splitlines() if not line.startswith("PREFIX ")]
        prefixes |= {line for line in text.splitlines() if line.startswith("PREFIX ")}
        # not indented: a multi-line (triple-quoted) literal would take the indentation in
        inner = "\n".join(body).strip("\n")
        blocks.append(f"{URIRef(iri).n3()} {{\n{inner}\n}}\n")
    return "\n".join(sorted(prefixes)) + "\n\n" + "\n".join(blocks)


def _sorted_json(node: object) -> object:
    """JSON with every array sorted (their order carries no meaning: the context declares
    no ``@list`` container), so that the bytes do not depend on rdflib's set order."""
    if isinstance(node, dict):
        return {k: _sorted_json(v) for k, v in node.items()}
    if isinstance(node, list):
        items = [_sorted_json(v) for v in node]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return node


def jsonld_dataset_text(graphs: Mapping[str, Graph]) -> str:
    """JSON-LD 1.1 with one named graph per annotation, compacted with NormSpace's
    context (as ``normspace convert`` writes it) and referring to the published context
    by its IRI instead of embedding it."""
    named = []
    for iri in sorted(graphs):
        nodes = json.loads(jsonld_text(graphs[iri]))["@graph"]
        named.append({"@id": iri, "@graph": _sorted_json(nodes)})
    document = {"@context": CONTEXT_IRI, "@graph": named}
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


# ---------------------------------------------------------------------------
# Data card and CITATION.cff
# ---------------------------------------------------------------------------


@dataclass
class CorpusFacts:
    """What the data card says about the corpus, computed from the validated documents."""

    papers: int
    annotations: int
    years: Counter[int]
    annotators: Counter[str]
    double_annotated: int
    coverage: list[tuple[str, int]]  # (slot, papers tagging it)
    disciplines: Counter[str]  # discipline label (as tagged) -> papers
    vocabulary: str  # version IRI of the ontology release the corpus was validated with


def corpus_facts(documents: Sequence[AnnotationDocument], vocabulary: str) -> CorpusFacts:
    from .vocabcoverage import facet_keys

    per_paper: dict[str, list[AnnotationDocument]] = defaultdict(list)
    for doc in documents:
        per_paper[doc.paper_iri].append(doc)
    years = Counter(
        docs[0].annotation.paper.year
        for docs in per_paper.values()
        if docs[0].annotation.paper.year
    )
    annotators = Counter(
        doc.annotation.annotator.name or doc.annotation.annotator.orcid or "(unnamed)"
        for doc in documents
    )
    tagged: dict[str, set[str]] = defaultdict(set)
    for doc in documents:
        for slot, keys in facet_keys(doc.annotation).items():
            if keys:
                tagged[slot].add(doc.paper_iri)
    coverage = [(slot.key, len(tagged.get(slot.key, ()))) for slot in TAG_SLOTS]
    disciplines = Counter(
        label for paper, labels in _discipline_labels(documents).items() for label in labels
    )
    return CorpusFacts(
        papers=len(per_paper),
        annotations=len(documents),
        years=years,
        annotators=annotators,
        double_annotated=sum(1 for docs in per_paper.values() if len(docs) > 1),
        coverage=coverage,
        disciplines=disciplines,
        vocabulary=vocabulary,
    )


def _discipline_labels(documents: Sequence[AnnotationDocument]) -> dict[str, set[str]]:
    """Paper -> labels of the disciplines its annotations tag (term requests by their
    label), all annotations of a paper together."""
    from .ontology import term_index

    index = term_index()
    found: dict[str, set[str]] = defaultdict(set)
    for doc in documents:
        for use in doc.annotation.tags.get("disciplines", []):
            term = index.get(use.term) if use.term else None
            if term is not None:
                found[doc.paper_iri].add(term.label)
            elif use.request is not None and use.request.label:
                found[doc.paper_iri].add(f"requested: {use.request.label}")
    return found


def _papers_phrase(n: int) -> str:
    return "1 paper is" if n == 1 else f"{n} papers are"


def _md_cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _md_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return lines


def citation_line(meta: DatasetMetadata) -> str:
    """An APA-like reference: family name first for people, groups by their name."""
    authors = "; ".join(
        f"{a.family}, {a.given}" if a.family and a.given else a.display for a in meta.authors
    )
    year = meta.date_released.year if meta.date_released else ""
    return f"{authors} ({year}). *{meta.title}* (version {meta.version}) [Data set]."


def data_card(
    meta: DatasetMetadata,
    facts: CorpusFacts,
    agreement_rows: list[list[str]] | None,
    files: Mapping[str, str],
) -> str:
    """The package's README.md: what, by whom, how well, how to use and cite it."""
    years = sorted(facts.years)
    span = f"{years[0]}–{years[-1]}" if years else "no publication years given"
    lines = [
        f"# {meta.title}",
        "",
        f"Version {meta.version}, released {meta.date_released}. Licence: "
        f"{LICENCE_NAMES.get(meta.license or '', meta.license)} (`{meta.license}`).",
        "",
        meta.description or "",
        "",
        "## What was annotated",
        "",
        f"{facts.papers} papers ({span}) in {facts.annotations} annotations; "
        f"{_papers_phrase(facts.double_annotated)} annotated by more than one annotator. "
        f"Vocabulary: NormSpace <{facts.vocabulary}> (the ontology release the annotations "
        "were validated against; it is not copied into this package).",
        "",
        *_md_table(["year", "papers"], [(y, facts.years[y]) for y in years]),
        "",
        "Areas: papers per discipline tag (a paper counts once per discipline):",
        "",
        *_md_table(
            ["discipline", "papers"],
            sorted(facts.disciplines.items(), key=lambda item: (-item[1], item[0])),
        ),
        "",
        "## Who annotated",
        "",
        *_md_table(
            ["annotator", "annotations"],
            [(n, c) for n, c in sorted(facts.annotators.items())],
        ),
        "",
        "## Coverage per dimension",
        "",
        f"Papers with at least one term in the dimension (tag slot), out of {facts.papers}:",
        "",
        *_md_table(
            ["dimension", "papers", "share"],
            [
                (slot, n, f"{100 * n / facts.papers:.0f} %" if facts.papers else "–")
                for slot, n in facts.coverage
            ],
        ),
        "",
        "## Agreement",
        "",
    ]
    if agreement_rows:
        lines += [
            "Krippendorff's alpha per slot (MASI distance; hierarchical: terms closed upward "
            "under skos:broader), over the papers with two or more annotations "
            "(`agreement/slots.csv`, disagreements in `agreement/disagreements.csv`):",
            "",
            *_md_table(["slot", "papers", "alpha", "alpha (hierarchical)"], agreement_rows),
        ]
    else:
        lines.append("No paper has two annotations, so no agreement can be computed.")
    lines += [
        "",
        "## Files",
        "",
        *_md_table(["file", "content"], sorted(files.items())),
        "",
        "## How to load and query it",
        "",
        f"- Any SPARQL store: load `{TRIG}` or `{NQUADS}` (one named graph per annotation) "
        "together with the vocabulary release named above; the queries expect the union of "
        "the graphs as the default graph.",
        "- With NormSpace: `normspace run --corpus annotations/ --store store` rebuilds the "
        "store, the results and a report from the YAML files; then "
        "`normspace query --store store --list`.",
        f"- `{JSONLD}` uses the published context <{CONTEXT_IRI}>.",
        "- Check the files with `sha256sum -c SHA256SUMS`.",
        "",
        "## How to cite",
        "",
        citation_line(meta),
        "",
        f"Machine-readable: `{CITATION}` (Citation File Format 1.2.0) and `{CRATE}` "
        f"(RO-Crate {RO_CRATE_VERSION}).",
        "",
    ]
    return "\n".join(lines)


def _yaml_str(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def citation_cff(meta: DatasetMetadata, vocabulary: str) -> str:
    """CITATION.cff (CFF 1.2.0, type dataset), written key by key so the bytes are stable."""
    lines = [
        "cff-version: 1.2.0",
        'message: "If you use this data set, please cite it as below."',
        "type: dataset",
        f"title: {_yaml_str(meta.title or '')}",
        f"version: {_yaml_str(meta.version or '')}",
        f"date-released: {_yaml_str(meta.date_released.isoformat())}" if meta.date_released else "",
        f"license: {meta.license}",
        "authors:",
    ]
    for author in meta.authors:
        fields = [
            ("family-names", author.family),
            ("given-names", author.given),
            ("name", author.name),
            ("orcid", f"https://orcid.org/{author.orcid}" if author.orcid else None),
            ("affiliation", author.affiliation),
        ]
        present = [(k, v) for k, v in fields if v]
        for i, (key, value) in enumerate(present):
            lines.append(f"  {'- ' if i == 0 else '  '}{key}: {_yaml_str(value)}")
    if meta.description:
        lines.append(f"abstract: {_yaml_str(meta.description)}")
    if meta.keywords:
        lines.append("keywords:")
        lines += [f"  - {_yaml_str(k)}" for k in meta.keywords]
    if meta.url:
        lines.append(f"url: {_yaml_str(meta.url)}")
    lines += [
        "references:",
        "  - type: dataset",
        '    title: "NormSpace ontology"',
        "    authors:",
        '      - name: "NormSpace contributors"',
        f"    url: {_yaml_str(vocabulary)}",
    ]
    return "\n".join(line for line in lines if line) + "\n"


# ---------------------------------------------------------------------------
# RO-Crate
# ---------------------------------------------------------------------------


def crate_json(meta: DatasetMetadata, files: Mapping[str, tuple[int, str]], vocabulary: str) -> str:
    """``ro-crate-metadata.json`` (RO-Crate 1.3) built with the ``rocrate`` library: the
    root dataset, every file (size, media type, description), the authors as Person or
    Organization, the licence and the vocabulary as contextual entities. ``files``:
    relative path -> (size in bytes, description). The library stamps the clock's time as
    ``datePublished``; it is replaced by the release date, and the JSON is written with
    sorted keys."""
    from rocrate.model.contextentity import ContextEntity
    from rocrate.rocrate import ROCrate

    crate = ROCrate(version=RO_CRATE_VERSION)
    root = crate.root_dataset
    root["name"] = meta.title
    root["description"] = meta.description
    root["version"] = meta.version
    root["datePublished"] = meta.date_released.isoformat() if meta.date_released else None
    if meta.keywords:
        root["keywords"] = list(meta.keywords)
    if meta.url:
        root["url"] = meta.url
    licence_id = f"https://spdx.org/licenses/{meta.license}"
    licence = crate.add(
        ContextEntity(
            crate,
            licence_id,
            properties={
                "@type": "CreativeWork",
                "name": LICENCE_NAMES.get(meta.license or "", meta.license),
                "identifier": meta.license,
                "description": f"SPDX licence {meta.license}: {licence_id}",
            },
        )
    )
    root["license"] = licence
    authors = []
    for author in meta.authors:
        props: dict[str, object] = {
            "@type": "Organization" if author.name else "Person",
            "name": author.display,
        }
        if author.family:
            props["familyName"] = author.family
        if author.given:
            props["givenName"] = author.given
        if author.affiliation:
            props["affiliation"] = _organisation(crate, author.affiliation)
        authors.append(crate.add(ContextEntity(crate, author.crate_id, properties=props)))
    root["author"] = authors[0] if len(authors) == 1 else authors  # RO-Crate: no singletons
    vocab = crate.add(
        ContextEntity(
            crate,
            vocabulary,
            properties={"@type": "CreativeWork", "name": "NormSpace ontology (vocabulary used)"},
        )
    )
    root["mentions"] = vocab
    for path in sorted(files):
        size, description = files[path]
        suffix = Path(path).suffix.lower()
        crate.add_file(
            source=None,
            dest_path=path,
            properties={
                "name": Path(path).name,
                "description": description,
                "contentSize": str(size),
                "encodingFormat": MEDIA_TYPES.get(suffix, "text/plain"),
            },
        )
    document = crate.metadata.generate()
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _organisation(crate, name: str):
    """An affiliation as a contextual Organization entity (RO-Crate recommends entities
    over plain text), shared by every author who names it."""
    from rocrate.model.contextentity import ContextEntity

    ident = "#" + re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")
    existing = crate.get(ident)
    if existing is not None:
        return existing
    return crate.add(
        ContextEntity(crate, ident, properties={"@type": "Organization", "name": name})
    )


# ---------------------------------------------------------------------------
# The build
# ---------------------------------------------------------------------------


@dataclass
class DataPackage:
    out: Path
    metadata: DatasetMetadata
    files: list[str] = field(default_factory=list)  # relative paths, sorted


def check_package_folder(out: Path) -> None:
    """Refuse to write over a folder with other content: a package is published as a
    whole. A folder holding exactly an earlier package (the files its ``SHA256SUMS``
    lists, and ``SHA256SUMS``) is replaced as a whole, so no file of the old one is left
    behind and nothing else is deleted."""
    if out.exists() and not out.is_dir():
        raise InputError(f"-o {out} is a file; give a new or empty folder")
    if not out.is_dir() or not any(out.iterdir()):
        return
    listed = _listed_files(out / SUMS)
    if listed is None:
        raise InputError(
            f"-o {out} is not empty and holds no earlier data package (no {SUMS}); give a "
            "new or empty folder, so that nothing else is published with it"
        )
    present = {p.relative_to(out).as_posix() for p in out.rglob("*") if not p.is_dir()}
    extra = sorted(present - listed - {SUMS})
    if extra:
        raise InputError(
            f"-o {out} holds an earlier data package and other files ({', '.join(extra[:3])}"
            f"{' ...' if len(extra) > 3 else ''}); move them away or give a new folder: the "
            "package folder is replaced as a whole"
        )


def _listed_files(sums: Path) -> set[str] | None:
    """The file names a SHA256SUMS lists (None: there is none)."""
    if not sums.is_file():
        return None
    lines = sums.read_text(encoding="utf-8", errors="replace").splitlines()
    return {line[66:] for line in lines if len(line) > 66}


def build_data_package(
    corpus: Path,
    out: Path,
    metadata_file: Path | None = None,
    options: DatasetMetadata | None = None,
    err: Echo = discard,
) -> DataPackage:
    """Validate ``corpus`` and write its data package to ``out`` (see the module docstring).

    Any validation error stops the build before anything is written (exit 1); the package
    is built in a sibling folder and moved into place at the end, so an interrupted build
    never leaves half a package at ``out``.
    """
    from .validation import check_loadable, report_problems, validate_files

    if not corpus.is_dir():
        raise InputError(f"--corpus {corpus}: no such folder")
    resolved, source = out.resolve(), corpus.resolve()
    if resolved == source or source in resolved.parents:
        raise InputError(
            f"-o {out} is inside --corpus {corpus}: the package's copies of the annotation "
            "files would be read as annotations next time; give a folder outside the corpus"
        )
    check_package_folder(out)
    if metadata_file is not None and not metadata_file.is_file():
        raise InputError(f"--metadata {metadata_file}: no such file")
    given_metadata(corpus, metadata_file, options or DatasetMetadata())  # fail fast
    run = validate_files([corpus])
    if run.problems:
        report_problems(run, err)
    documents = sorted(check_loadable(run), key=lambda d: d.annotation_iri)
    meta = resolve_metadata(corpus, documents, metadata_file, options or DatasetMetadata())
    building = resolved.with_name(resolved.name + ".building")
    if building.exists():
        shutil.rmtree(building)
    try:
        files = _write_package(building, corpus, documents, meta)
        if out.exists():
            shutil.rmtree(out)
        building.rename(out)
    finally:
        if building.exists():
            shutil.rmtree(building, ignore_errors=True)
    return DataPackage(out, meta, files)


def _write_package(
    root: Path, corpus: Path, documents: Sequence[AnnotationDocument], meta: DatasetMetadata
) -> list[str]:
    from .loading import build_store
    from .ontology import load_ontology
    from .versioning import ontology_version

    vocabulary = ontology_version(load_ontology()).iri
    described: dict[str, str] = {}

    def emit(rel: str, data: str | bytes, description: str) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            data = data.encode("utf-8")
        path.write_bytes(data)
        described[rel] = description

    store, _ = build_store(None, documents)
    try:
        graphs = {
            d.annotation_iri: stable_graph(d.annotation_iri, stored_graph(store, d))
            for d in documents
        }
        emit(TRIG, trig_text(graphs), "The annotations as RDF: one named graph per annotation.")
        emit(NQUADS, nquads_text(graphs), "The annotations as N-Quads (one named graph each).")
        emit(JSONLD, jsonld_dataset_text(graphs), "The annotations as JSON-LD named graphs.")
        _write_results(store, emit)
        agreement_rows = _write_agreement(store, emit, documents)
        _write_figures(store, emit)
    finally:
        store.close()
    for doc in documents:
        rel = doc.path.resolve().relative_to(corpus.resolve()).as_posix()
        emit(f"annotations/{rel}", doc.path.read_bytes(), "Original annotation file (YAML).")
    facts = corpus_facts(documents, vocabulary)
    emit(CITATION, citation_cff(meta, vocabulary), "Citation File Format 1.2.0.")
    listed = dict(described)
    listed[CARD] = "Data card: what was annotated, by whom, agreement, coverage, use."
    listed[SUMS] = "SHA-256 checksums of every other file."
    emit(CARD, data_card(meta, facts, agreement_rows, listed), listed[CARD])
    payload = sorted(described)
    sums_size = sum(64 + 2 + len(p.encode("utf-8")) + 1 for p in [*payload, CRATE])
    sizes = {p: ((root / p).stat().st_size, described[p]) for p in payload}
    sizes[SUMS] = (sums_size, listed[SUMS])
    emit(CRATE, crate_json(meta, sizes, vocabulary), "RO-Crate metadata")
    sums = sha256sums([root / p for p in (*payload, CRATE)], root)
    assert len(sums.encode("utf-8")) == sums_size  # the size the crate states
    (root / SUMS).write_text(sums, encoding="utf-8", newline="\n")
    return sorted([*payload, CRATE, SUMS])


def _write_results(store, emit: Callable[[str, str, str], None]) -> None:
    """Every library query that runs without a parameter, as ``normspace run`` writes it."""
    from .runjob import run_named, runnable_queries

    ready, _ = runnable_queries()
    for query in ready:
        buffer = StringIO(newline="")
        render(run_named(store, query), "csv", buffer)
        emit(f"queries/{query.name}.csv", buffer.getvalue(), f"Query result: {query.title}")


def _write_agreement(store, emit, documents: Sequence[AnnotationDocument]) -> list[list[str]]:
    """Per-slot agreement and disagreements when some paper has two annotations."""
    from .agreement import agreement

    papers = Counter(d.paper_iri for d in documents)
    if not any(n > 1 for n in papers.values()):
        return []
    report = agreement(store)
    per_slot, disagreements = report.tables(digits=3)
    for name, table, what in (
        ("slots", per_slot, "Krippendorff's alpha per slot."),
        ("disagreements", disagreements, "Terms on which the annotators of a paper differ."),
    ):
        buffer = StringIO(newline="")
        render(table, "csv", buffer, labels=True)
        emit(f"agreement/{name}.csv", buffer.getvalue(), what)
    rows = []
    for slot in report.slots:
        if slot.units:
            rows.append(
                [slot.slot, str(slot.units), _fmt(slot.alpha), _fmt(slot.alpha_hierarchical)]
            )
    return rows


def _fmt(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.3f}"


def _write_figures(store, emit) -> None:
    """Every figure with its default parameters, as SVG (deterministic bytes)."""
    from . import figures

    for name, spec in figures.FIGURES.items():
        fig = figures.figure(name, store)
        emit(f"figures/{name}.svg", figures.render(fig, "svg"), f"Figure: {spec.title}")

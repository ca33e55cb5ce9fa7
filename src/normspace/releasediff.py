"""Release notes: what changed in the terms since the previous release.

Each release writes ``terms.tsv``, a flat list of every NormSpace entity (IRI, kind,
label, definition, deprecation). Keeping the last released list in the repository
(``docs/releases/<version>-terms.tsv``, written by ``normspace release --record``) lets
the next release be compared offline, without fetching the old artefacts.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from .errors import InputError
from .namespaces import NORM_IRI, curie
from .resources import project
from .versioning import Version, version_key

COLUMNS = ("iri", "kind", "label", "definition", "deprecated", "replaced_by")

_KINDS = (
    (SKOS.ConceptScheme, "scheme"),
    (SKOS.Concept, "concept"),
    (OWL.Class, "class"),
    (OWL.ObjectProperty, "object property"),
    (OWL.DatatypeProperty, "datatype property"),
    (OWL.AnnotationProperty, "annotation property"),
)


@dataclass(frozen=True)
class TermRow:
    iri: str
    kind: str
    label: str
    definition: str
    deprecated: bool = False
    replaced_by: str = ""


def releases_dir() -> Path | None:
    """Where the term lists of past releases are recorded: ``docs/releases/`` of the source
    checkout (``None`` for an installed package, which has no history to compare with)."""
    return project().checkout_path("docs", "releases")


def _one_line(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _english(graph: Graph, subject: URIRef, *props: URIRef) -> str:
    for prop in props:
        values = sorted(
            str(o)
            for o in graph.objects(subject, prop)
            if isinstance(o, Literal) and o.language in (None, "en")
        )
        if values:
            return _one_line(values[0])
    return ""


def term_rows(ontology: Graph) -> list[TermRow]:
    """Every entity in the NormSpace namespace, sorted by IRI."""
    rows = []
    subjects = {s for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef)}
    for subject in sorted(s for s in subjects if str(s).startswith(NORM_IRI)):
        types = set(ontology.objects(subject, RDF.type))
        kind = next((name for cls, name in _KINDS if cls in types), "other")
        flag = ontology.value(subject, OWL.deprecated)
        replacements = sorted(str(r) for r in ontology.objects(subject, DCTERMS.isReplacedBy))
        rows.append(
            TermRow(
                iri=str(subject),
                kind=kind,
                label=_english(ontology, subject, SKOS.prefLabel, RDFS.label),
                definition=_english(ontology, subject, SKOS.definition),
                deprecated=isinstance(flag, Literal) and flag.toPython() is True,
                replaced_by=" ".join(replacements),
            )
        )
    return rows


def term_table(ontology: Graph) -> str:
    """The ``terms.tsv`` text of ``ontology``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in term_rows(ontology):
        writer.writerow(
            [r.iri, r.kind, r.label, r.definition, "true" if r.deprecated else "", r.replaced_by]
        )
    return buffer.getvalue()


def read_terms(path: Path | None = None, text: str | None = None) -> dict[str, TermRow]:
    """Parse a ``terms.tsv`` file (or text) into IRI -> row."""
    if text is None:
        if path is None:
            raise ValueError("read_terms needs a path or text")
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{path}: cannot read term list: {exc}") from exc
    reader = csv.DictReader(io.StringIO(text), delimiter="\t")
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise InputError(
            f"{path or 'term list'}: columns {reader.fieldnames}; expected {', '.join(COLUMNS)}"
        )
    return {
        row["iri"]: TermRow(
            row["iri"],
            row["kind"],
            row["label"],
            row["definition"],
            row["deprecated"] == "true",
            row["replaced_by"],
        )
        for row in reader
    }


def snapshot_version(path: Path) -> str:
    """``docs/releases/0.1.0-terms.tsv`` -> ``0.1.0``."""
    return path.name.removesuffix("-terms.tsv")


def previous_snapshot(current: str, folder: Path | None = None) -> Path | None:
    """The recorded term list of the newest release older than ``current``, if any."""
    folder = folder or releases_dir()
    if folder is None:
        return None
    older = [
        p
        for p in folder.glob("*-terms.tsv")
        if version_key(snapshot_version(p)) < version_key(current)
    ]
    return max(older, key=lambda p: version_key(snapshot_version(p)), default=None)


def record_snapshot(terms_tsv: str, version: str, folder: Path | None = None) -> Path:
    """Keep this release's term list as the baseline of the next release's notes."""
    folder = folder or releases_dir()
    if folder is None:
        raise InputError(
            "--record keeps the term list in docs/releases/ of a source checkout, and "
            "NormSpace runs from an installed package; run the release from a checkout"
        )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{version}-terms.tsv"
    path.write_text(terms_tsv, encoding="utf-8", newline="\n")
    return path


@dataclass
class TermDiff:
    added: list[TermRow]
    removed: list[TermRow]
    deprecated: list[TermRow]
    relabelled: list[tuple[TermRow, TermRow]]
    redefined: list[tuple[TermRow, TermRow]]

    @property
    def empty(self) -> bool:
        return not (
            self.added or self.removed or self.deprecated or self.relabelled or self.redefined
        )


def diff_terms(old: dict[str, TermRow], new: dict[str, TermRow]) -> TermDiff:
    common = sorted(set(old) & set(new))
    return TermDiff(
        added=[new[i] for i in sorted(set(new) - set(old))],
        removed=[old[i] for i in sorted(set(old) - set(new))],
        deprecated=[new[i] for i in common if new[i].deprecated and not old[i].deprecated],
        relabelled=[(old[i], new[i]) for i in common if old[i].label != new[i].label],
        redefined=[(old[i], new[i]) for i in common if old[i].definition != new[i].definition],
    )


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def diff_markdown(
    old: dict[str, TermRow] | None,
    new: dict[str, TermRow],
    version: Version,
    previous: Path | None = None,
) -> str:
    """Markdown release notes: counts, then added, removed, deprecated and changed terms."""
    lines = [f"# NormSpace {version.info}", "", f"Version IRI: <{version.iri}>", ""]
    if old is None:
        lines += [f"First release: {len(new)} terms.", ""]
        kinds: dict[str, int] = {}
        for row in new.values():
            kinds[row.kind] = kinds.get(row.kind, 0) + 1
        lines += [f"- {kind}: {n}" for kind, n in sorted(kinds.items())]
        return "\n".join(lines) + "\n"
    since = snapshot_version(previous) if previous else "the previous release"
    diff = diff_terms(old, new)
    lines.append(
        f"Changes since {since}: {len(diff.added)} added, {len(diff.removed)} removed, "
        f"{len(diff.deprecated)} deprecated, {len(diff.relabelled)} relabelled, "
        f"{len(diff.redefined)} with changed definitions."
    )
    if diff.empty:
        lines += ["", "No term changed."]
    if diff.added:
        lines += ["", "## Added", "", "| term | kind | label |", "|---|---|---|"]
        lines += [f"| `{curie(r.iri)}` | {r.kind} | {_md(r.label)} |" for r in diff.added]
    if diff.removed:
        lines += ["", "## Removed", "", "| term | label |", "|---|---|"]
        lines += [f"| `{curie(r.iri)}` | {_md(r.label)} |" for r in diff.removed]
    if diff.deprecated:
        lines += ["", "## Deprecated", "", "| term | label | replaced by |", "|---|---|---|"]
        lines += [
            f"| `{curie(r.iri)}` | {_md(r.label)} | "
            f"{' or '.join(f'`{curie(i)}`' for i in r.replaced_by.split()) or '—'} |"
            for r in diff.deprecated
        ]
    if diff.relabelled:
        lines += ["", "## Changed labels", "", "| term | before | after |", "|---|---|---|"]
        lines += [
            f"| `{curie(b.iri)}` | {_md(a.label)} | {_md(b.label)} |" for a, b in diff.relabelled
        ]
    if diff.redefined:
        lines += ["", "## Changed definitions"]
        for a, b in diff.redefined:
            lines += [
                "",
                f"### `{curie(b.iri)}` ({_md(b.label)})",
                "",
                f"- before: {a.definition}",
                f"- after: {b.definition}",
            ]
    return "\n".join(lines) + "\n"

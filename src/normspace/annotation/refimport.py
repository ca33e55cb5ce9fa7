"""Create skeleton annotation files in bulk from a reference list: BibTeX (read with
bibtexparser v2) or CSL-JSON (the export format of Zotero and many other managers).

Only metadata that the reference list contains is filled in; nothing is looked up. An
entry without a DOI or an arXiv id cannot become a paper IRI, so it is reported and skipped.
arXiv's own DataCite DOIs (``10.48550/arXiv.2203.02155``) are turned into arXiv ids, so
that imported preprints get the same paper IRI as hand-written files that give the arXiv id.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bibtexparser
from bibtexparser import middlewares

from ..atomicio import atomic_write_text
from ..errors import InputError
from . import identifiers
from .model import Annotation, Annotator, Author, Paper
from .render import render_annotation
from .textinput import (
    check_json_depth,
    decode_utf8,
    strings_with_surrogates,
    surrogate_message,
)

_ARXIV_IN_TEXT = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s?#]+)|^arxiv:\s*(\S+)$", re.IGNORECASE)
_ET_AL = {"others", "et al.", "et al"}


@dataclass
class Reference:
    """One entry of a reference list, with where it was found for messages."""

    key: str
    line: int | None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    authors_incomplete: bool = False
    year: int | None = None
    venue: str | None = None
    doi: str | None = None
    arxiv: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"entry `{self.key}`" + (f" (line {self.line})" if self.line else "")


def _set_identifiers(ref: Reference, doi: str | None, arxiv_candidates: Iterable[str]) -> None:
    """Normalise the DOI and arXiv id; an arXiv DataCite DOI becomes the arXiv id."""
    if doi:
        try:
            normalised = identifiers.normalise_doi(doi)
        except identifiers.IdentifierError as exc:
            ref.problems.append(f"{exc} (expected {exc.expected})")
        else:
            arxiv_id = identifiers.arxiv_id_of_doi(normalised)
            if arxiv_id:
                arxiv_candidates = [arxiv_id, *arxiv_candidates]
            else:
                ref.doi = normalised
    for candidate in arxiv_candidates:
        found = _ARXIV_IN_TEXT.search(candidate.strip())
        text = next((g for g in found.groups() if g), candidate) if found else candidate
        try:
            ref.arxiv = identifiers.normalise_arxiv(text)
            break
        except identifiers.IdentifierError:
            continue


def _authors(ref: Reference, names: Iterable[str]) -> None:
    for name in names:
        name = " ".join(name.split())
        if name.casefold() in _ET_AL:
            ref.authors_incomplete = True
        elif name:
            ref.authors.append(name)


def _year(text: Any) -> int | None:
    match = re.search(r"\b(\d{4})\b", str(text or ""))
    return int(match.group(1)) if match else None


# -- BibTeX ------------------------------------------------------------------------------


def read_bibtex(text: str, name: str) -> list[Reference]:
    logging.getLogger("bibtexparser").setLevel(logging.ERROR)  # failures are raised below
    library = bibtexparser.parse_string(
        text,
        append_middleware=[
            middlewares.LatexDecodingMiddleware(),
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
            middlewares.MergeNameParts(style="first"),
        ],
    )
    if library.failed_blocks:
        block = library.failed_blocks[0]
        line = (block.start_line or 0) + 1
        start = (block.raw or "").strip().splitlines()[:1]
        raise InputError(
            f"{name}:{line}: cannot parse BibTeX: the block starting "
            f"`{start[0] if start else ''}` is not well-formed (unbalanced braces or quotes?)"
        )
    refs = []
    for entry in library.entries:
        fields = {f.key.lower(): f.value for f in entry.fields}
        ref = Reference(entry.key, (entry.start_line or 0) + 1)
        ref.title = _clean(fields.get("title"))
        authors = fields.get("author") or []
        _authors(ref, authors if isinstance(authors, list) else [str(authors)])
        ref.year = _year(fields.get("year") or fields.get("date"))
        ref.venue = _clean(fields.get("journal") or fields.get("booktitle"))
        arxiv = []
        if str(fields.get("archiveprefix", "")).lower() == "arxiv" and fields.get("eprint"):
            arxiv.append(str(fields["eprint"]))
        arxiv += [str(fields[k]) for k in ("url", "journal") if fields.get(k)]
        _set_identifiers(ref, _clean(fields.get("doi")), arxiv)
        refs.append(ref)
    return refs


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).replace("{", "").replace("}", "").split())
    return text or None


# -- CSL-JSON ----------------------------------------------------------------------------


def _csl_name(person: dict[str, Any]) -> str:
    if "literal" in person:
        return str(person["literal"])
    parts = [person.get("given"), person.get("non-dropping-particle"), person.get("family")]
    return " ".join(str(p) for p in parts if p)


def read_csl_json(text: str, name: str) -> list[Reference]:
    check_json_depth(text, name)  # json.loads would raise RecursionError
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InputError(f"{name}: not valid JSON: {exc}") from exc
    for where, bad in strings_with_surrogates(data):
        raise InputError(
            f"{name}: {where}: {surrogate_message(bad)}; a `\\uD800`–`\\uDFFF` escape "
            "must be followed by its pair (or write the character itself)"
        )
    if isinstance(data, dict) and "items" in data:
        data = data["items"]
    if not isinstance(data, list) or not all(isinstance(i, dict) for i in data):
        raise InputError(f"{name}: expected CSL-JSON, a list of reference objects")
    refs = []
    for i, item in enumerate(data):
        ref = Reference(str(item.get("id", f"#{i + 1}")), None)
        ref.title = _clean(item.get("title"))
        _authors(ref, (_csl_name(p) for p in item.get("author", []) if isinstance(p, dict)))
        parts = (item.get("issued") or {}).get("date-parts") or [[None]]
        ref.year = _year(parts[0][0] if parts and parts[0] else None)
        ref.venue = _clean(item.get("container-title"))
        arxiv = [str(item[k]) for k in ("number", "URL", "archive_location") if item.get(k)]
        _set_identifiers(ref, item.get("DOI"), arxiv)
        refs.append(ref)
    return refs


def read_references(path: Path) -> list[Reference]:
    """Read a ``.bib`` or a CSL-JSON ``.json`` file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read file: {exc.strerror or exc}") from exc
    text = decode_utf8(data, str(path))
    suffix = path.suffix.lower()
    if suffix in (".bib", ".bibtex"):
        return read_bibtex(text, str(path))
    if suffix in (".json", ".csljson"):
        return read_csl_json(text, str(path))
    raise InputError(f"{path}: unknown reference file type; expected .bib (BibTeX) or .json")


# -- writing skeletons -------------------------------------------------------------------


@dataclass
class ImportReport:
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # existing files, not overwritten
    skipped: list[str] = field(default_factory=list)  # entries that could not be imported


def skeleton(ref: Reference, annotator: Annotator, date: dt.date) -> Annotation:
    paper = Paper(
        title=ref.title,
        authors=[Author(a) for a in ref.authors],
        authors_incomplete=ref.authors_incomplete or None,
        year=ref.year,
        venue=ref.venue,
        doi=ref.doi,
        arxiv=ref.arxiv,
    )
    return Annotation(paper=paper, annotator=annotator, date=date)


def import_references(
    refs: list[Reference], out_dir: Path, annotator: Annotator, date: dt.date, force: bool = False
) -> ImportReport:
    """Write one skeleton per reference; existing files are kept unless ``force``."""
    report = ImportReport()
    out_dir.mkdir(parents=True, exist_ok=True)
    seen: set[Path] = set()
    for ref in refs:
        if not (ref.doi or ref.arxiv):
            why = "; ".join(ref.problems) or "it has neither a DOI nor an arXiv id"
            report.skipped.append(f"{ref.where}: skipped: {why}")
            continue
        annotation = skeleton(ref, annotator, date)
        target = out_dir / annotation.filename
        if target in seen:
            report.skipped.append(f"{ref.where}: skipped: same paper as an earlier entry")
            continue
        seen.add(target)
        if target.exists() and not force:
            report.kept.append(target)
            continue
        atomic_write_text(target, render_annotation(annotation, skeleton=True))
        report.written.append(target)
    return report

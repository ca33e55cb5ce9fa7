"""A static, self-contained website of a corpus (``normspace site -o DIR``).

Pages: an overview with the figures and the agreement table; one page per paper, per
ontology term, per used alignment approach and per comparison; list pages; the queries.
Scholia and ORKG are the models: entity pages driven by the named query library, every
table naming (and folding out) the query behind it, with a link to run it on
``normspace serve`` when ``serve_url`` is given.

The site works from ``file://`` and on any static host: relative links only, no network
requests, the search index is a script. It is per entity, not one page (the one-file report
grew to 23 MB at 10,000 papers), and a pure function of the store: the same store gives the
same bytes (sorted everything, no dates, figures rendered deterministically).

The folder is built next to the target and swapped in when complete, so a failed build
leaves the previous site whole; a target that is neither empty nor a site written here is
refused rather than overwritten.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..errors import InputError
from ..querylib import library
from ..store import Store
from .data import SiteData, gather
from .html import CSS_FILE, INDEX_FILE, SEARCH_FILE, Context, Page, render
from .lists import (
    FIGURE_NAMES,
    approaches_page,
    index_page,
    papers_page,
    queries_page,
    search_index,
    terms_page,
)
from .pages import Builder, Names, paper_page
from .terms import (
    approach_page,
    comparison_page,
    comparisons,
    cooccurrence,
    profiles,
    term_page,
)

__all__ = ["MARKER", "SiteSummary", "build_site", "check_target"]

#: The file that marks a folder as a site written by :func:`build_site`.
MARKER = ".normspace-site"
MARKER_TEXT = "A static site written by `normspace site`; the command replaces this folder.\n"


@dataclass(frozen=True)
class SiteSummary:
    """What a build wrote."""

    out: Path
    pages: int
    papers: int
    terms: int
    approaches: int
    comparisons: int
    figures: int
    bytes: int
    seconds: float


def check_target(out: Path) -> None:
    """Refuse a target that is a file, or a non-empty folder not written by this command
    (replacing it would delete someone's files)."""
    if out.exists() and not out.is_dir():
        raise InputError(f"-o {out} is a file; give a folder for the site")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise InputError(
            f"-o {out} is a folder that holds other files and no site written by "
            f"`normspace site` ({MARKER} is missing); give a new or empty folder"
        )
    if not out.parent.is_dir():
        raise InputError(f"-o {out}: the folder {out.parent} does not exist")


def build_site(
    store: Store, out: Path, title: str = "NormSpace corpus", serve_url: str | None = None
) -> SiteSummary:
    """Write the site of the corpus in ``store`` to the folder ``out``."""
    started = time.perf_counter()
    check_target(out)
    data = gather(store)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        ctx = Context(title, serve_url.rstrip("/") if serve_url else None)
        counts = _write(store, data, work, ctx)
        _swap(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return SiteSummary(out, *counts, size, time.perf_counter() - started)


def _write(
    store: Store, data: SiteData, root: Path, ctx: Context
) -> tuple[int, int, int, int, int, int]:
    names = Names.of(data)
    b = Builder(data, names, ctx)
    pairs = cooccurrence(data)
    found = comparisons(data)
    pages: list[Page] = [paper_page(b, p) for p in data.papers.values()]
    pages += [term_page(b, t, pairs[iri]) for iri, t in data.terms.items()]
    tables = profiles(store, list(names.approaches))
    pages += [approach_page(b, store, data.terms[iri], tables[iri]) for iri in names.approaches]
    pages += [comparison_page(b, c, tables) for c in found]
    figures = _figures(store, root)
    pages += [
        index_page(b, figures, found),
        papers_page(b),
        terms_page(b),
        approaches_page(b, found),
    ]
    pages.append(queries_page(b, _queries_used(pages)))
    for page in pages:
        _write_text(root / page.path, render(page, ctx))
    _write_text(root / INDEX_FILE, search_index(b, found))
    static = resources.files(__package__) / "static"
    _write_text(root / CSS_FILE, static.joinpath("site.css").read_text(encoding="utf-8"))
    _write_text(root / SEARCH_FILE, static.joinpath("search.js").read_text(encoding="utf-8"))
    _write_text(root / MARKER, MARKER_TEXT)
    return (
        len(pages),
        len(data.papers),
        len(data.terms),
        len(names.approaches),
        len(found),
        len(figures),
    )


def _queries_used(pages: list[Page]) -> list[str]:
    """The library queries the pages name (their ``<code>`` in a query box), sorted."""
    named = set()
    for page in pages:
        named.update(re.findall(r"Query: <code>([\w/-]+)</code>", "".join(page.parts)))
    return sorted(n for n in named if n in library().queries)


def _figures(store: Store, root: Path) -> list[tuple[str, str, str]]:
    """The overview's figures as SVG files: ``(path, title, description)``."""
    from .. import figures

    out = []
    for name in FIGURE_NAMES:
        spec = figures.FIGURES[name]
        data = figures.render(figures.figure(name, store), "svg")  # object API: no close
        path = f"figures/{name}.svg"
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        out.append((path, spec.title, spec.description))
    return out


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def _swap(work: Path, out: Path) -> None:
    """Put the finished site at ``out``: the old one is moved aside first and removed only
    after the new one is in place."""
    os.chmod(work, 0o755)  # mkdtemp makes it private; a site is meant to be read
    if not out.exists():
        work.rename(out)
        return
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    out.rename(old)
    work.rename(out)
    shutil.rmtree(old, ignore_errors=True)

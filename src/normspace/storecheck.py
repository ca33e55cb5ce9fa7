"""Checking and repairing the embedded store (``normspace store check`` / ``repair``).

Why: a store can be damaged by a full disk, a crash of the machine, or files copied while a
load ran. RocksDB then answers every access with "Corruption: ..." and the user needs to
know which folder is broken and how to get a working store back. The store records, for
every annotation graph, the file it was loaded from (:func:`normspace.store.record_graph`),
so it can be rebuilt from those files: :func:`repair_store` reads that record (from a
repaired copy of the manifest pointer when CURRENT itself is damaged), validates the files
like ``load`` does, builds a new store beside the old one and swaps it in, keeping the
damaged folder as ``<store>.damaged`` until the user deletes it.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, ValidationFailure
from .loading import build_store, file_digest
from .store import (
    REFERENCE_GRAPHS,
    STORE_GRAPH,
    OxigraphStore,
    StoreDamagedError,
    is_store_folder,
    no_store_message,
)
from .validation import check_loadable, validate_files

log = logging.getLogger(__name__)


@dataclass
class Finding:
    """One result of a check: ``error`` (the store is unusable or inconsistent),
    ``warning`` (usable, but repair could not rebuild everything) or ``ok``."""

    level: str
    text: str

    def __str__(self) -> str:
        return f"{self.level}: {self.text}"


@dataclass
class CheckReport:
    path: Path
    findings: list[Finding] = field(default_factory=list)
    damaged: bool = False

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    def add(self, level: str, text: str) -> None:
        self.findings.append(Finding(level, text))


def check_store(path: Path) -> CheckReport:
    """Open the store read-only, read every block, and compare bookkeeping, graphs and the
    recorded source files."""
    report = CheckReport(path)
    if not path.exists():
        raise InputError(no_store_message(path))
    if not is_store_folder(path) or not any(path.iterdir()):
        raise InputError(
            f"{path} is not a NormSpace store (a file, an empty folder, or a "
            "folder with other content)"
        )
    try:
        store = OxigraphStore(path, read_only=True)
        quads = store.verify()
        info = store.graph_info()
        graphs = set(store.graphs())
        legacy = STORE_GRAPH in store._named_graphs()
        format1 = [str(row[0]) for row in store.query(FORMAT1_GRAPHS).rows]
        store.close()
    except StoreDamagedError as exc:
        report.damaged = True
        report.add("error", str(exc))
        _check_salvage(path, report)
        return report
    report.add("ok", f"every block is readable: {quads:,} quads in {len(graphs)} graphs")
    if legacy:
        report.add(
            "warning",
            "bookkeeping is in the old layout (visible to queries); the "
            "next `normspace load` or `normspace store repair --force` converts it",
        )
    _check_bookkeeping(info, graphs, report)
    _check_sources(info, report)
    _check_format(format1, info, report)
    return report


#: Annotation graphs written before annotation model 2 (NormSpace 0.1): an annotation
#: without any contribution. The named queries read tags from contributions, so these
#: annotations silently drop out of every result until their files are loaded again.
FORMAT1_GRAPHS = """
PREFIX norm: <https://w3id.org/normspace#>
SELECT DISTINCT ?g WHERE {
  GRAPH ?g { ?annotation a norm:PaperAnnotation . }
  FILTER NOT EXISTS { GRAPH ?g { ?annotation norm:hasContribution ?contribution } }
}
ORDER BY ?g
"""


def _check_format(
    graphs: list[str], info: Mapping[str, Mapping[str, str]], report: CheckReport
) -> None:
    """Warn about annotation graphs in the format-1 RDF layout, naming the files that
    rewrite them: `normspace load` always rewrites an annotation's graph, and reads
    format-1 files into format-2 RDF."""
    for graph in graphs:
        source = info.get(graph, {}).get("source")
        fix = f"`normspace load {source}`" if source else "loading its file again"
        report.add(
            "warning",
            f"graph <{graph}> holds an annotation in the format-1 layout (tags on the "
            f"annotation, no contribution), which the named queries do not see; {fix} "
            "rewrites it as format 2",
        )
    if not graphs:
        report.add("ok", "every annotation graph is in the format-2 layout")


def _check_bookkeeping(
    info: Mapping[str, Mapping[str, str]], graphs: set[str], report: CheckReport
) -> None:
    unrecorded = sorted(g for g in graphs if "source" not in info.get(g, {}))
    orphans = sorted(g for g in info if g not in graphs)
    for graph in unrecorded:
        report.add(
            "warning", f"graph <{graph}> has no recorded source file, so repair cannot rebuild it"
        )
    for graph in orphans:
        report.add(
            "error",
            f"the bookkeeping names graph <{graph}>, which is not in the "
            "store; `normspace store repair --force` rebuilds a consistent store",
        )
    if not unrecorded and not orphans:
        report.add("ok", f"bookkeeping matches the graphs ({len(graphs)} recorded)")


def _check_sources(info: Mapping[str, Mapping[str, str]], report: CheckReport) -> None:
    missing = changed = 0
    for graph, meta in sorted(info.items()):
        if graph in REFERENCE_GRAPHS or "source" not in meta:
            continue
        source = Path(meta["source"])
        if not source.is_file():
            missing += 1
            report.add(
                "warning",
                f"source file {source} of <{graph}> is gone; repair "
                "could not rebuild this annotation",
            )
        elif meta.get("digest") and file_digest([source]) != meta["digest"]:
            changed += 1
            report.add(
                "warning",
                f"{source} changed since it was loaded; `normspace load "
                f"{source}` updates the store",
            )
    if not missing and not changed:
        report.add("ok", "every recorded source file is present and unchanged")


def _check_salvage(path: Path, report: CheckReport) -> None:
    """Say whether the recorded sources can still be read, i.e. whether repair can work."""
    try:
        info = read_sources(path)
    except StoreDamagedError as exc:
        report.add(
            "error",
            f"the record of the store's source files cannot be read "
            f"either ({exc}); rebuild with `normspace load FILE... --store NEWDIR`",
        )
        return
    files = annotation_sources(info)
    gone = [f for f in files.values() if not Path(f).is_file()]
    text = f"the store records {len(files)} annotation files as its sources"
    if gone:
        report.add(
            "error",
            f"{text}, {len(gone)} of them gone (e.g. {gone[0]}); "
            "restore them before `normspace store repair`",
        )
    else:
        report.add(
            "ok", f"{text}, all present: `normspace store repair --store {path}` rebuilds it"
        )


# ---------------------------------------------------------------------------
# Reading the record of sources from a damaged store
# ---------------------------------------------------------------------------


def read_sources(path: Path) -> dict[str, dict[str, str]]:
    """The store's bookkeeping (graph -> source, digest), even from a damaged store: when
    the store cannot be opened, a copy whose CURRENT names the newest manifest is tried
    (a garbled CURRENT is a common damage); the store itself is never written."""
    try:
        store = OxigraphStore(path, read_only=True)
        try:
            return store.graph_info()
        finally:
            store.close()
    except StoreDamagedError as first:
        manifests = sorted(path.glob("MANIFEST-*"), key=lambda p: p.name)
        if not manifests:
            raise
        with tempfile.TemporaryDirectory(prefix="normspace-salvage-") as tmp:
            copy = Path(tmp) / "store"
            shutil.copytree(path, copy, ignore=shutil.ignore_patterns("LOCK"))
            (copy / "CURRENT").write_text(manifests[-1].name + "\n", encoding="ascii")
            try:
                store = OxigraphStore(copy, read_only=True)
                info = store.graph_info()
                store.close()
                return info
            except StoreDamagedError:
                raise first from None


def annotation_sources(info: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """Annotation graph -> recorded source file (reference graphs come with NormSpace)."""
    return {
        g: meta["source"]
        for g, meta in info.items()
        if g not in REFERENCE_GRAPHS and meta.get("source")
    }


# ---------------------------------------------------------------------------
# Repair: rebuild beside, swap in
# ---------------------------------------------------------------------------


@dataclass
class RepairResult:
    path: Path
    rebuilt: bool
    annotations: int = 0
    kept: Path | None = None  # where the damaged store was moved
    notes: list[str] = field(default_factory=list)


def repair_store(path: Path, force: bool = False) -> RepairResult:
    """Rebuild the store at ``path`` from its recorded sources (see the module docstring).

    Refuses, changing nothing, when the sources cannot be read, a source file is gone, or
    a file no longer validates. A healthy store is left alone unless ``force``.
    """
    report = check_store(path)
    if not report.errors and not force:
        return RepairResult(
            path,
            False,
            notes=["the store is healthy; nothing to repair (--force rebuilds it anyway)"],
        )
    try:
        info = read_sources(path)
    except StoreDamagedError as exc:
        raise InputError(
            f"cannot repair {path}: its record of source files is unreadable too ({exc}); "
            f"rebuild it with `normspace load FILE... --store NEWDIR`"
        ) from exc
    sources = annotation_sources(info)
    gone = sorted(s for s in sources.values() if not Path(s).is_file())
    if gone:
        raise InputError(
            f"cannot repair {path}: {len(gone)} of the {len(sources)} annotation files it "
            f"was loaded from are gone ({', '.join(gone[:3])}{', ...' if len(gone) > 3 else ''}"
            "); restore them, or build a new store with `normspace load FILE... --store "
            "NEWDIR`"
        )
    documents = _validated_documents([Path(s) for s in sorted(set(sources.values()))], path)
    built = _build_beside(path, documents)
    kept = _swap(built, path)
    notes = [
        f"{s} changed since it was loaded; the store now holds its current content"
        for g, s in sorted(sources.items())
        if info[g].get("digest") and _digest(Path(s)) != info[g]["digest"]
    ]
    return RepairResult(path, True, len(documents), kept, notes)


def _digest(path: Path) -> str:
    return file_digest([path])


def _validated_documents(files: list[Path], path: Path) -> list:
    """Validate the source files like ``load``; any problem refuses the repair."""
    run = validate_files(files)
    try:
        return check_loadable(run)
    except (InputError, ValidationFailure) as exc:
        problems = "; ".join(str(p) for p in run.problems[:3])
        raise type(exc)(
            f"cannot repair {path}: the recorded source files no longer load ({problems}); "
            "fix them and run `normspace store repair` again"
        ) from exc


def _build_beside(path: Path, documents: list) -> Path:
    building = path.with_name(path.name + ".repairing")
    if building.exists():
        shutil.rmtree(building)
    try:
        store, _ = build_store(building, documents)
        store.close()
        del store
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return building


def _swap(built: Path, path: Path) -> Path:
    """Move the damaged store aside and the new one into its place (two renames)."""
    import gc

    gc.collect()  # no handle on the built store may keep its lock
    kept = path.with_name(path.name + ".damaged")
    n = 1
    while kept.exists():
        n += 1
        kept = path.with_name(f"{path.name}.damaged{n}")
    path.rename(kept)
    built.rename(path)
    log.info("rebuilt %s; the damaged store is kept at %s", path, kept)
    return kept

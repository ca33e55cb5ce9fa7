"""``normspace check``: check the ontology sources, shapes and queries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

import click

from ..namespaces import curie
from ..qc import CheckReport, Finding, run_check
from .options import format_option, output_option

FORMATS = ("text", "json")


@click.command("check")
@click.option(
    "--ontology",
    "ontology_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="DIR_OR_FILE",
    help="Ontology sources to check (repeatable). A folder with normspace.ttl is read as "
    "core + dimensions/; other folders contribute their *.ttl. Default: the bundled ontology.",
)
@click.option(
    "--shapes",
    "shapes_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Folder of SHACL shapes (term-shapes.ttl is run on the ontology). Default: bundled.",
)
@click.option(
    "--queries",
    "queries_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Query library folder (*.rq must parse; qc/*.rq are the QC rules). Default: bundled.",
)
@click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Folder of annotation files whose term mentions (CURIE, IRI or preferred label) "
    "the QC rules see, e.g. deprecated terms still in use. Default: the bundled corpus.",
)
@click.option("--no-reasoner", is_flag=True, help="Skip the HermiT consistency check (no Java).")
@format_option(FORMATS, "text")
@output_option
def check(
    ontology_paths: tuple[Path, ...],
    shapes_dir: Path | None,
    queries_dir: Path | None,
    corpus_dir: Path | None,
    no_reasoner: bool,
    fmt: str,
    output: TextIO,
) -> None:
    """Check the ontology: syntax, HermiT consistency, term shapes and QC rules (which also
    see the terms that the shapes, the query library and the corpus mention).

    Exits 1 when any ERROR is found (warnings and infos are shown but pass),
    2 when an input cannot be read or parsed.
    """
    report = run_check(
        list(ontology_paths) or None,
        shapes=shapes_dir,
        queries=queries_dir,
        reasoner=not no_reasoner,
        corpus=corpus_dir,
    )
    if fmt == "json":
        json.dump(report.to_dict(), output, indent=2, ensure_ascii=False)
        output.write("\n")
    else:
        write_text(report, output)
    raise SystemExit(report.exit_code)


def _row(finding: Finding) -> tuple[str, str, str, str]:
    message = finding.message
    if finding.value and finding.value not in message and curie(finding.value) not in message:
        message += f" [value: {curie(finding.value)}]"
    return (finding.severity, finding.rule, curie(finding.entity), message)


def write_text(report: CheckReport, out: TextIO) -> None:
    """A table (severity, rule, entity, message) and a one-paragraph summary."""
    rows = [_row(f) for f in report.findings]
    if rows:
        header = ("SEVERITY", "RULE", "ENTITY", "MESSAGE")
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]
        for row in [header, *rows]:
            out.write("  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths, strict=True)))
            out.write(f"  {row[3]}\n")
        out.write("\n")
    stats = report.stats
    reasoner = (
        f"HermiT: {'consistent' if stats['consistent'] else 'INCONSISTENT'} "
        f"({stats['reasoner_seconds']} s)"
        if "reasoner" in stats
        else "HermiT: skipped"
    )
    metadata = stats.get("metadata", [])
    if metadata:
        passed = sum(1 for c in metadata if c["passed"])
        out.write(f"Metadata (FOOPS!-style): {passed}/{len(metadata)} checks passed\n")
        for c in metadata:
            detail = str(c["detail"])
            detail = detail if len(detail) <= 80 else detail[:79] + "…"
            out.write(f"  [{'x' if c['passed'] else ' '}] {c['check']}: {detail}\n")
        out.write("\n")
    out.write(
        f"{report.count('ERROR')} errors, {report.count('WARN')} warnings, "
        f"{report.count('INFO')} infos; checked {stats['files']} files "
        f"({stats['triples']} triples), {stats['qc_rules']} QC rules, term shapes, "
        f"term usage in {stats.get('corpus_files', 0)} corpus files; {reasoner}.\n"
    )
    out.write("FAILED\n" if report.exit_code else "OK\n")

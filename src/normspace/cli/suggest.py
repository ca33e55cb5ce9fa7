"""``normspace suggest``: propose terms per slot from a paper's text (offline)."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import TextIO

import click

from ..atomicio import atomic_write_text
from ..errors import InputError
from ..namespaces import curie
from ..suggest import (
    DEFAULT_TOP,
    Suggestion,
    skeleton_with_suggestions,
    slot_schemes,
    suggest_terms,
)
from .options import format_option, output_option

#: ``-f`` choices of ``suggest``.
SUGGEST_FORMATS = ("text", "json", "csv")


def read_text(source: str) -> str:
    """The text to suggest from: a file, or standard input for ``-``. A file that cannot
    be read or is not UTF-8 is an input error (exit 2)."""
    try:
        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror or exc}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source}: byte 0x{data[exc.start]:02x} at offset {exc.start} is not UTF-8; "
            "save the text as UTF-8"
        ) from exc


def as_text(found: dict[str, list[Suggestion]]) -> str:
    """Per slot: a heading, then one line per term (score, CURIE, label) and its sentence."""
    schemes = slot_schemes()
    lines: list[str] = []
    for slot, suggestions in found.items():
        lines.append(f"{slot} ({curie(schemes[slot])})")
        if not suggestions:
            lines.append("  (no suggestion)")
        for s in suggestions:
            lines.append(f"  {s.score:7.2f}  {s.term.curie}  {s.term.label}")
            lines.append(f'           "{s.sentence}"')
    return "\n".join(lines) + "\n"


def as_json(found: dict[str, list[Suggestion]]) -> str:
    schemes = slot_schemes()
    data = {
        slot: {
            "scheme": curie(schemes[slot]),
            "suggestions": [
                {
                    "term": s.term.curie,
                    "iri": s.term.iri,
                    "label": s.term.label,
                    "score": s.score,
                    "sentence": s.sentence,
                }
                for s in suggestions
            ],
        }
        for slot, suggestions in found.items()
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_csv(found: dict[str, list[Suggestion]], output: TextIO) -> None:
    writer = csv.writer(output, lineterminator="\n")
    writer.writerow(["slot", "rank", "term", "label", "score", "sentence"])
    for slot, suggestions in found.items():
        for rank, s in enumerate(suggestions, start=1):
            writer.writerow([slot, rank, s.term.curie, s.term.label, f"{s.score:.3f}", s.sentence])


def write_skeleton(found: dict[str, list[Suggestion]], target: Path) -> None:
    """Write the annotation skeleton; never replace an existing file."""
    if target.exists():
        raise InputError(f"{target} exists; not overwritten (choose a new file name)")
    if not target.parent.is_dir():
        raise InputError(f"cannot write {target}: the folder {target.parent} does not exist")
    atomic_write_text(target, skeleton_with_suggestions(found))


@click.command("suggest")
@click.argument("source", default="-", metavar="[FILE]")
@click.option(
    "--top",
    type=click.IntRange(min=1),
    metavar="N",
    default=DEFAULT_TOP,
    show_default=True,
    help="Suggestions per slot.",
)
@format_option(SUGGEST_FORMATS, "text")
@click.option(
    "--write",
    "write",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE.yaml",
    help="Write a new annotation skeleton with the suggestions as commented items "
    "(refuses to overwrite).",
)
@output_option
def suggest(source: str, top: int, fmt: str, write: Path | None, output: TextIO) -> None:
    """Propose terms for each annotation slot from a paper's text: an abstract or a passage
    in FILE (default: standard input). Each suggestion shows its score and the sentence that
    triggered it. Offline and deterministic: BM25 over the terms' labels, definitions and
    scope notes, plus the terms' labels as cue phrases.

    With --write, the suggestions go into a new annotation file as commented lines under
    each slot (never as tags): uncomment the ones the paper supports."""
    found = suggest_terms(read_text(source), top=top)
    if write is not None:
        write_skeleton(found, write)
        click.echo(f"wrote {write}", err=True)
        return
    if fmt == "json":
        output.write(as_json(found))
    elif fmt == "csv":
        write_csv(found, output)
    else:
        output.write(as_text(found))

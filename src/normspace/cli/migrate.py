"""``normspace migrate``: rewrite format-1 annotation files as format 2.

Why three ways to write (standard output, ``--in-place``, ``-o DIR``) and a refusal: a
migration is mostly run once over a whole corpus, where rewriting in place (under version
control) or into a fresh folder is what users want; printing is for looking at one file
first. Printing several files one after the other would give a stream that is not one YAML
document, so several files without a target are refused (exit 2) instead of guessed at.

Every file is tried even when an earlier one fails; the failures are listed, and the exit
code is 2 when any file could not be migrated, else 1 for ``--check`` with files still at
format 1, else 0. Writes are atomic: an interrupted run leaves each file old or new.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import click

from ..annotation.migrate import LEGACY_FORMAT, format_version, migrate_file, read_text
from ..annotation.textinput import printable
from ..annotation.yaml_source import parse_yaml
from ..atomicio import atomic_write_text
from ..errors import EXIT_OK, EXIT_USAGE, EXIT_VALIDATION, InputError
from .options import is_quiet


@dataclass(frozen=True)
class Source:
    """A file to migrate and its name relative to the argument it was found under (the
    name it gets inside ``-o DIR``)."""

    path: Path
    relative: Path


@dataclass
class Outcome:
    """What a run did, for the summary line and the exit code."""

    legacy: list[Path] = field(default_factory=list)  # files at format 1 (found or migrated)
    current: list[Path] = field(default_factory=list)  # files already at format 2
    failed: int = 0

    def exit_code(self, check: bool) -> int:
        if self.failed:
            return EXIT_USAGE
        return EXIT_VALIDATION if check and self.legacy else EXIT_OK


def _sources(paths: tuple[Path, ...]) -> tuple[list[Source], list[str]]:
    """Files named directly and every ``*.yaml``/``*.yml`` below named folders (the same
    walk as ``normspace validate``: links followed, loops and dangling links reported)."""
    from ..annotation.validate import collect_paths

    sources: list[Source] = []
    problems: list[str] = []
    seen: set[str] = set()
    for argument in paths:
        found, trouble = collect_paths([argument])
        problems.extend(f"{p.file}: {p.message}" for p in trouble)
        for path in found:
            real = os.path.realpath(path)
            if real in seen:  # one file named twice (two arguments, a link) is migrated once
                continue
            seen.add(real)
            relative = path.relative_to(argument) if argument.is_dir() else Path(path.name)
            sources.append(Source(path, relative))
    return sources, problems


def _fail(message: str, outcome: Outcome) -> None:
    click.secho(f"error: {printable(message)}", fg="red", err=True)
    outcome.failed += 1


def _check(sources: list[Source], outcome: Outcome) -> None:
    """List the files still at format 1 (nothing is written)."""
    for source in sources:
        try:
            text = read_text(source.path)
            version = format_version(parse_yaml(text, str(source.path)).root, str(source.path))
        except InputError as exc:
            _fail(str(exc), outcome)
            continue
        if version == LEGACY_FORMAT:
            outcome.legacy.append(source.path)
            click.echo(f"{printable(str(source.path))}: format {LEGACY_FORMAT}")
        else:
            outcome.current.append(source.path)


def _target(source: Source, in_place: bool, out_dir: Path | None) -> Path | None:
    if in_place:
        return source.path
    return out_dir / source.relative if out_dir is not None else None


def _duplicate_targets(sources: list[Source], out_dir: Path) -> list[str]:
    """Two inputs that would be written to the same file in ``-o DIR`` (``a/x.yaml`` and
    ``b/x.yaml`` given as files): refused before anything is written."""
    by_target: dict[Path, Path] = {}
    clashes = []
    for source in sources:
        target = out_dir / source.relative
        if target in by_target:
            clashes.append(
                f"{source.path} and {by_target[target]} would both be written to {target}; "
                "give their common folder instead, or migrate them one at a time"
            )
        by_target.setdefault(target, source.path)
    return clashes


def _migrate(sources: list[Source], in_place: bool, out_dir: Path | None, outcome: Outcome) -> None:
    """Migrate every file; print it (one file, no target) or write it atomically."""
    for source in sources:
        try:
            migration = migrate_file(source.path)
        except InputError as exc:
            _fail(str(exc), outcome)
            continue
        (outcome.legacy if migration.changed else outcome.current).append(source.path)
        target = _target(source, in_place, out_dir)
        if target is None:
            click.echo(migration.migrated, nl=False)
            continue
        if in_place and not migration.changed:
            continue  # an unchanged file is not rewritten (its time stamp stays)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(target, migration.migrated)
        except OSError as exc:
            _fail(f"cannot write {target}: {exc.strerror or exc}", outcome)
            continue
        if not is_quiet():
            what = "migrated" if migration.changed else "copied (already format 2)"
            shown = f"{source.path} -> {target}" if out_dir is not None else str(target)
            click.echo(f"{what}: {printable(shown)}")


def _summary(outcome: Outcome, check: bool, written: bool) -> str:
    total = len(outcome.legacy) + len(outcome.current)
    failed = f"; {outcome.failed} could not be read as annotations" if outcome.failed else ""
    if check:
        advice = " (run `normspace migrate --in-place` on them)" if outcome.legacy else ""
        return f"{len(outcome.legacy)} of {total} files at format 1{advice}{failed}"
    verb = "migrated" if written else "to migrate"
    return f"{len(outcome.legacy)} {verb}, {len(outcome.current)} already at format 2{failed}"


@click.command("migrate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--in-place", is_flag=True, help="Rewrite format-1 files where they are.")
@click.option(
    "-o",
    "--out-dir",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Write every file (migrated or already format 2) into DIR, keeping sub-folders.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; list the files still at format 1 and exit 1 if there are any.",
)
def migrate(paths: tuple[Path, ...], in_place: bool, out_dir: Path | None, check: bool) -> None:
    """Rewrite format-1 annotation files (PATHS: files or folders) as format 2.

    Comments, quoting and key order are kept; `tags:` keeps the disciplines and the other
    slots move into `contribution:`, as do `trade_offs:`; `proposes_no_approach: true`
    becomes `none: [approaches]`. No role is guessed: a comment lists the roles to choose
    from. Files already at format 2 are left as they are. One file without --in-place or
    -o is printed on standard output. With -q only errors (and, for --check, the files
    still at format 1) are printed.
    """
    if in_place and out_dir is not None:
        raise click.UsageError("give either --in-place or -o DIR, not both")
    if check and (in_place or out_dir is not None):
        raise click.UsageError("--check writes nothing: drop --in-place and -o")
    sources, problems = _sources(paths)
    outcome = Outcome()
    for problem in problems:
        _fail(problem, outcome)
    writes = in_place or out_dir is not None
    if not check and not writes and len(sources) > 1:
        raise InputError(
            f"{len(sources)} files to migrate: give --in-place to rewrite them, or -o DIR to "
            "write them into a folder (only one file is printed on standard output)"
        )
    if out_dir is not None:
        clashes = _duplicate_targets(sources, out_dir)
        if clashes:
            raise InputError("; ".join(clashes))
    if check:
        _check(sources, outcome)
    else:
        _migrate(sources, in_place, out_dir, outcome)
    if (check or writes) and not is_quiet():  # printing one file: only its error, if any
        click.echo(_summary(outcome, check, writes), err=True)
    raise SystemExit(outcome.exit_code(check))

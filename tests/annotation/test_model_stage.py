"""The model stage's memos and fast paths give what the plain paths gave: a resolver shared
by many files reads each one as a fresh resolver does, the text-baseline check agrees with
``resolve``, and keys merged in by ``<<`` (which ruamel keeps no position for) are reported
instead of ending the run with a ``KeyError``."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest
from click.testing import CliRunner

import normspace
from normspace.annotation.from_yaml import read_annotation
from normspace.annotation.slots import FINDING_BASELINE
from normspace.annotation.terms import TermProblem, TermResolver
from normspace.annotation.yaml_source import parse_yaml, read_yaml
from normspace.cli.main import cli
from normspace.namespaces import NORM
from normspace.ontology import term_index

ROOT = Path(normspace.__file__).resolve().parents[2]  # the repository (editable install)
FILES = (
    sorted((ROOT / "tests" / "data").rglob("*.yaml"))
    + sorted((ROOT / "examples" / "corpus").rglob("*.yaml"))[:60]
)


def _readable(paths: list[Path]) -> list[Path]:
    out = []
    for path in paths:
        try:
            read_yaml(path)
        except Exception:  # unreadable fixtures are the reader's tests, not this one's
            continue
        out.append(path)
    return out


def test_a_shared_resolver_reads_every_file_as_a_fresh_one_does() -> None:
    shared = TermResolver()
    files = _readable(FILES)
    assert len(files) > 100
    for path in files + files:  # the second pass is served from the memos
        memo = read_annotation(read_yaml(path), shared)
        fresh = read_annotation(read_yaml(path), TermResolver())
        assert memo.annotation == fresh.annotation, path
        assert [asdict(p) for p in memo.problems] == [asdict(p) for p in fresh.problems], path
        assert list(memo.positions.items()) == list(fresh.positions.items()), path


def _spellings() -> list[str]:
    index = term_index()
    found = ["GPT-3 175B", "", "  ", "norm:RLHF"]
    for term in list(index)[:: max(1, len(index) // 150)]:
        found += [term.label, term.label.upper(), *term.alt_labels, f" {term.curie} "]
    return found


@pytest.mark.parametrize("scheme", [str(FINDING_BASELINE.scheme), str(NORM.ValueScheme)])
def test_alt_label_agrees_with_resolve(scheme: str) -> None:
    resolver = TermResolver()
    for text in _spellings():
        full = resolver.resolve(text, scheme, "f")
        expected = full if isinstance(full, TermProblem) and full.rule == "alt-label" else None
        assert resolver.alt_label(text, scheme) == expected, text


MERGED = """base: &b {format: 2, paper: {title: "T", year: 99999, doi: "10.1/x"}}
<<: *b
contribution: {role: proposes, approaches: [norm:RLHF]}
"""


def test_keys_merged_by_yaml_are_read_without_a_position(tmp_path: Path) -> None:
    path = tmp_path / "merged.yaml"
    path.write_text(MERGED, encoding="utf-8")
    result = read_annotation(parse_yaml(MERGED, str(path)), TermResolver())
    shown = [(p.line, p.field, p.rule) for p in result.problems]
    assert (1, "base", "unknown-key") in shown
    assert result.annotation.paper.title == "T"
    assert "format" not in result.positions  # merged: ruamel kept no line for it
    run = CliRunner().invoke(cli, ["validate", str(path)])
    assert run.exit_code == 1, run.output
    assert "KeyError" not in run.output
    assert (
        f"{path}:1: paper.year: error: the publication year `99999` is out of range" in run.output
    )

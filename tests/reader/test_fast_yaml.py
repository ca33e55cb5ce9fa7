"""The libyaml composer (normspace.annotation.fastyaml) against ruamel's loader, the reference:
the same tree (values, types, every key/value/item position), the same error message when a
file is refused, and the same model and problems from the reader, on every YAML file of the
suite, the bundled corpus, synthetic corpora and a table of tricky inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from normspace.annotation import fastyaml
from normspace.annotation.from_yaml import read_annotation
from normspace.annotation.yaml_source import (
    YamlSourceError,
    item_position,
    key_position,
    node_position,
    parse_yaml,
    read_text,
    typed_scalar,
    value_position,
)

from .conftest import CORPUS, FIXTURES, SEEDS
from .treecompare import tree_differences


def _parse(text: str, name: str, fast: bool):
    try:
        return parse_yaml(text, name, fast=fast), None
    except YamlSourceError as exc:
        return None, (str(exc), exc.line, exc.column, exc.rule)


def differences(text: str, name: str = "case.yaml") -> list[str]:
    """How the fast path differs from ruamel on ``text`` (empty: not at all)."""
    fast, fast_error = _parse(text, name, fast=True)
    reference, reference_error = _parse(text, name, fast=False)
    if fast_error != reference_error:
        return [f"{name}: error {fast_error} != {reference_error}"]
    if reference is None:
        return []
    found = [f"{name}: {d}" for d in tree_differences(fast.root, reference.root)]
    if fast.lines != reference.lines:
        found.append(f"{name}: source lines differ")
    mine, theirs = read_annotation(fast), read_annotation(reference)
    if mine.annotation != theirs.annotation:
        found.append(f"{name}: the models differ")
    if mine.problems != theirs.problems:
        found.append(f"{name}: problems {mine.problems} != {theirs.problems}")
    if mine.positions != theirs.positions:
        found.append(f"{name}: positions differ")
    return found


def _file_differences(paths: list[Path]) -> list[str]:
    found: list[str] = []
    for path in paths:
        try:
            text = read_text(path)
        except YamlSourceError:
            continue  # undecodable: refused before any YAML is parsed
        found += differences(text, str(path))
    return found


def _composed_fast(path: Path) -> bool:
    return fastyaml.compose(read_text(path), typed_scalar) is not fastyaml.FALLBACK


def test_every_yaml_fixture_reads_the_same():
    assert len(FIXTURES) > 200
    assert _file_differences(FIXTURES) == []


def test_bundled_corpus_reads_the_same():
    assert len(CORPUS) > 150
    assert _file_differences(CORPUS) == []


def test_bundled_corpus_is_composed_by_libyaml():
    """The equivalence above is not won by falling back: every bundled file (anchors and
    aliases included) is composed by the fast path."""
    assert [p.name for p in CORPUS if not _composed_fast(p)] == []


@pytest.mark.parametrize("seed", SEEDS)
def test_synthetic_corpus_reads_the_same(synthetic_corpora, seed):
    files = synthetic_corpora[seed]
    assert _file_differences(files) == []
    assert [p.name for p in files if not _composed_fast(p)] == []


#: an annotation with one field left to each case (``{value}``, at column 10 of line 4)
TEMPLATE = """format: 2
paper:
  title: Tricky scalars
  {key}: {value}
  doi: "10.1145/3359283"
annotation:
  annotator: {{name: "Jane Doe"}}
  date: 2026-11-27
contribution:
  role: proposes
  approaches:
    - term: norm:RLHF
      confidence: 0.7
"""

#: plain scalars whose YAML 1.2 meaning differs from YAML 1.1 or from a naive reading
TRICKYtyped_scalar = [
    "yes", "no", "on", "off", "y", "n", "~", "null", "Null", "NULL", "true", "False", "TRUE",
    "010", "0o17", "0x1F", "0b101", "1_000", "-0", "+1", "12345678901234567890",
    "1e3", "1E3", "1.", ".5", "-.5", "+.5", ".5e+3", ".5e3", "0.70", "7e-1", "1_0.5",
    ".inf", "-.Inf", ".nan", "1:20", "190:20:30",
    "2026-02-30", "2026-13-01", "2026-1-1", "2026-01-01 10:00:00", "2026-01-01T10:00:00Z",
    "2026-01-01t10:00:00.5+02:00", "2026-01-01 10:00:00 -5", "2019", "2019.0",
    "=", "<<x", "a: b", "a #not a comment", "http://x.org/a#b", "'it''s'", '"tab\\tx"',
    '"\\u00e9t\\u00e9"', '"slash\\/"', '"2026-01-01"', "'0.7'", '""', "[]", "{}",
    "[a, b]", "{a: 1}", "norm:RLHF", "-x", "?x", ":x", "x:", "@x", "`x`",
]  # fmt: skip


@pytest.mark.parametrize("key", ["title", "year", "venue", "arxiv"])
@pytest.mark.parametrize("value", TRICKYtyped_scalar)
def test_tricky_scalars_read_the_same(key, value):
    assert differences(TEMPLATE.format(key=key, value=value)) == []


#: (whole documents, composed by libyaml?) — False: left to ruamel, which decides
DOCUMENTS = [
    ("a: 1\nb: [1, {c: d}]\ne:\n- f\n- g: 1\n  h: 2\n", True),
    ("a:\n  - 1\n  -\n  - 2\n", False),  # an empty item
    ("a:\n  - 1\n  -\n    - 2\n", True),
    ("a:\nb: 1\n", False),  # an empty value
    ("a:   # comment\nb: 1\n", False),
    ("a: |\n  literal\n  text\nb: >\n  folded\n  text\n\n  para\nc: |-\n  x\nd: >+\n  y\n\n", True),
    ("a: 'single\n  folded'\nb: \"double\\\n  escaped\"\n", True),
    ("a: plain\n  continued\n  lines\n", True),
    ("a: 1\na: 2\n", False),  # duplicate key: ruamel's message
    ("a: 1\n1: 2\n1.0: 3\n", False),  # duplicate after construction (1 == 1.0)
    ("1: a\nfalse: b\nnull: c\n2026-01-01: d\n1.5: e\n", True),
    ("1: a\ntrue: b\n", False),  # duplicate: True == 1
    ("base: &b {x: 1}\nuse: *b\nlist: &l [1, 2]\nagain: *l\n", True),
    ("a: &s scalar\nb: *s\n", False),  # an anchored scalar changes type in ruamel
    ("a: *missing\n", False),
    ("a: &r [*r]\n", False),  # recursive
    ("base: &b {x: 1}\nmerged:\n  <<: *b\n  y: 2\n", False),
    ("a: !!str 5\n", False),
    ("a: !custom x\n", False),
    ("? [complex]\n: key\n", False),
    ("? simple\n: key\n", True),
    ("%YAML 1.1\n---\na: yes\n", False),
    ("--- \na: 1\n...\n", True),
    ("a: 1\n---\nb: 2\n", False),
    ("", True),
    ("# only a comment\n", True),
    ("just a scalar\n", True),
    ("- a\n- b\n", True),
    ("a: 1\r\nb:\r\n  - x\r\n", True),
    ('a: "line\u2028separator"\n', False),
    ("a: x\u0085y\n", False),
    ("a:\n\t- x\n", False),  # tab indentation
    ("a: [1, 2\n", False),
    ("a: {b: 1\n", False),
    ("a: 'unterminated\n", False),
    ("- a\nb: 1\n", False),
    ("a: b: c\n", False),
    ("a:\n  b: 1\n c: 2\n", False),
    ("[" * 70 + "]" * 70 + "\n", False),  # deeper than MAX_DEPTH
    ("a: " + "[" * 20 + "]" * 20 + "\n", True),
    ('a: "\\x41\\u00e9\\U0001F600"\n', True),
    ('a: "\\ud800"\n', False),  # a lone surrogate escape
    ("title: caf\u00e9 \U0001f600\nnext: [\u00e9, x]\n", True),
    ("a: {b: [1, {c: 2}], d: e}\n", True),
    ("- {a: 1}\n- [x, y]\n-   - z\n", True),
    ("a: [b, c,]\n", True),
    ("{a: 1, b: 2}\n", True),
    ("a: 'x' # trailing\nb: \"y\"   # trailing\n", True),
    # libyaml accepts a tab here, ruamel refuses it: any tab leaves the file to ruamel
    ("a:\tb\n", False),
    ("a: b\t# c\n", False),
    ('a: "x\ty"\n', False),
    ('a: "\\t"\n', True),
    ("a: {b:c}\n", False),
    ("a: [b:c, d: e, f]\n", True),
    ("url: http://x.org/a?b=c#d\nb: x#y\nc: value:with:colons\n", True),
    ("a: [b\n  c]\nd: [e,\nf]\n", True),
    ("key:    \n  value\nb: x\n c\n", True),
    ("a: >-\n\n  x\nb: |\n\n  y\nc: >\n  x\n   y\n\n  z\n", True),
    ("a: |2\n   x\n", True),
    ("a: &x\n  b: 1\nc: *x\nd: [*x, *x]\n", True),
    ("a: &x [1]\nb: &x [2]\nc: *x\n", False),  # ruamel warns about the reused anchor
    ("a: {? b : c}\n", True),
    ("{a: 1}: b\n", False),
    ("a: -\n", False),
    ('a: "x"y\n', False),
    ("a: 1\n  b: 2\n", False),
    ("a:\n  - b\n  c: d\n", False),
    ('a: "\\N\\_\\L\\P"\n', True),
    ("a: 0x_1F\nb: 1__0\nc: +.inf\nd: 0.\ne: 1e\nf: 12:30:45\n", True),
    ("a: 2001-12-14 21:59:43.10 -5\nb: 2001-12-14T21:59:43.10Z\n", True),
    ("a: \x07\n", False),
    ("a: " + "x" * 5000 + "\n", True),
]


@pytest.mark.parametrize(("text", "fast"), DOCUMENTS)
def test_documents_read_the_same(text, fast):
    assert differences(text) == []
    assert (fastyaml.compose(text, typed_scalar) is not fastyaml.FALLBACK) is fast


POSITIONS_TEXT = "a: 1\nb:\n  - x\n  - {c: 2}\nd: [e, f]\n"


@pytest.mark.parametrize(
    ("position", "expected"),
    [
        (lambda r: key_position(r, "b"), (2, 1)),
        (lambda r: value_position(r, "a"), (1, 4)),
        (lambda r: item_position(r["b"], 1), (4, 5)),
        (lambda r: node_position(r["b"][1]), (4, 5)),
        (lambda r: item_position(r["d"], 1), (5, 8)),
        (lambda r: node_position(r["b"]), (3, 3)),
        (lambda r: value_position(r, "zz"), None),
    ],
)
def test_position_helpers_on_the_fast_tree(position, expected):
    """The position helpers read the fast tree as they read ruamel's (1-based)."""
    root = parse_yaml(POSITIONS_TEXT, "p.yaml").root
    assert fastyaml.compose(POSITIONS_TEXT, typed_scalar) is not fastyaml.FALLBACK
    assert position(root) == expected

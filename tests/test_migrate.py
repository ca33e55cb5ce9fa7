"""``normspace migrate``: format-1 annotation files rewritten as format 2, losslessly.

Three layers, all driven by data:

- every format-1 annotation file of the last format-1 commit (fixtures and the bundled
  corpus, read with ``git show`` because the working tree is format 2 now), and the
  format-1 fixtures kept in ``tests/data/annotation/v1/``, is migrated; the
  result has ``format: 2``, keeps every comment, is a fixed point, and reads into RDF
  isomorphic to the RDF of the original (the promise of spec section 1.2);
- small hand-written inputs with their exact expected output or error;
- the command in-process, with exact output and exit codes.
"""

from __future__ import annotations

import os
import re
import subprocess
import textwrap
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from normspace.annotation.document import parse_text
from normspace.annotation.migrate import ROLE_HINT, MigrationError, migrate_file, migrate_text
from normspace.annotation.yaml_source import YamlSourceError, parse_yaml
from normspace.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
#: The last commit whose annotation files are all format 1 (before issue 8).
V1_COMMIT = "5980df1c4894e438293da4abd7bccd4ccba8844c"
#: Where format-1 annotation files lived in that commit.
V1_FOLDERS = ("examples/corpus", "tests/data")
#: Format-1 fixtures that stay format 1 in the working tree.
V1_KEPT = ROOT / "tests" / "data" / "annotation" / "v1"
#: Format-1 fixtures the migration refuses, on purpose, and the field it names: their
#: error is in the part it would have to rewrite.
REFUSED = {
    "tests/data/annotation/invalid/wrong-types.yaml": "annotation.proposes_no_approach",
    "tests/data/annotation/v1/format2-keys.yaml": "contribution",
}
HINT_LINE = f"# {ROLE_HINT}"


# ---------------------------------------------------------------- the format-1 files


def _git(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, check=False)


def _is_v1_annotation(text: str, name: str) -> bool:
    """A mapping with ``paper:`` and no ``format`` (other YAML is test data of other kinds;
    files that do not parse are the encoding and syntax cases, see test_refusals)."""
    try:
        root = parse_yaml(text, name).root
    except YamlSourceError:
        return False
    return isinstance(root, dict) and "paper" in root and "format" not in root


def _committed_v1_files() -> dict[str, str]:
    """``path -> text`` of every format-1 annotation file of :data:`V1_COMMIT`."""
    listing = _git("ls-tree", "-r", "--name-only", V1_COMMIT, "--", *V1_FOLDERS)
    if listing.returncode != 0:  # no git, or a shallow clone without that commit
        return {}
    files: dict[str, str] = {}
    for name in listing.stdout.decode().splitlines():
        if not name.endswith((".yaml", ".yml")):
            continue
        try:
            text = _git("show", f"{V1_COMMIT}:{name}").stdout.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if _is_v1_annotation(text, name):
            files[name] = text
    return files


def _kept_v1_files() -> dict[str, str]:
    """The format-1 fixtures kept in the tree for the reader's compatibility tests."""
    files: dict[str, str] = {}
    for path in sorted(V1_KEPT.glob("*.yaml")):
        name = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        if _is_v1_annotation(text, name):
            files[name] = text
    return files


COMMITTED = _committed_v1_files()
V1_FILES = {**COMMITTED, **_kept_v1_files()}


def test_the_format_1_files_were_found() -> None:
    """The corpus and the fixtures, not a handful: a narrower search would test less."""
    if not COMMITTED:
        pytest.skip(f"git history with commit {V1_COMMIT[:7]} is not available")
    corpus = [name for name in COMMITTED if name.startswith("examples/corpus/")]
    assert len(corpus) == 23, sorted(corpus)
    assert len(COMMITTED) >= 80, len(COMMITTED)


def _migrated(name: str) -> str:
    return migrate_text(V1_FILES[name], name)


_COMMENT = re.compile(r"(?:^|\s)(#.*)$")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\'')


def comments(text: str) -> Counter[str]:
    """Every comment of a YAML text, as written (found outside quoted strings)."""
    found: Counter[str] = Counter()
    for line in text.splitlines():
        match = _COMMENT.search(_QUOTED.sub('""', line))
        if match:
            found[match.group(1).rstrip()] += 1
    return found


@pytest.mark.parametrize("name", sorted(set(V1_FILES) - set(REFUSED)))
def test_migrated_file(name: str) -> None:
    """Format 2, every comment kept (plus the role hint), a fixed point of migration."""
    original = V1_FILES[name]
    migrated = _migrated(name)
    root = parse_yaml(migrated, name).root
    assert root["format"] == 2
    kept = [k for k in parse_yaml(original, name).root if k not in ("tags", "trade_offs")]
    assert [k for k in root if k not in ("format", "tags", "contribution")] == kept
    assert list(root)[0] == "format" and "contribution" in root
    assert set(root.get("tags") or {}) <= {"disciplines"}
    assert comments(migrated) - comments(original) == Counter({HINT_LINE: 1})
    assert comments(original) - comments(migrated) == Counter()
    assert migrate_text(migrated, name) == migrated


def _graph(text: str, name: str):
    parsed = parse_text(text, name)
    return parsed.document.graph if parsed.document is not None else None


@pytest.mark.parametrize("name", sorted(set(V1_FILES) - set(REFUSED)))
def test_migration_is_lossless(name: str) -> None:
    """RDF of the format-1 file == RDF of the migrated file (up to blank node names)."""
    before = _graph(V1_FILES[name], name)
    after = _graph(_migrated(name), name)
    if before is None or after is None:  # no paper identifier: no RDF either way
        assert before is after is None
        return
    if not isomorphic(before, after):
        _, only_before, only_after = graph_diff(to_isomorphic(before), to_isomorphic(after))
        pytest.fail(
            "RDF differs.\nonly in format 1:\n"
            + only_before.serialize(format="nt")
            + "\nonly in the migrated file:\n"
            + only_after.serialize(format="nt")
        )


@pytest.mark.parametrize(
    ("name", "field"), sorted((n, f) for n, f in REFUSED.items() if n in V1_FILES)
)
def test_refused_fixture(name: str, field: str) -> None:
    with pytest.raises(MigrationError, match=re.escape(field)):
        _migrated(name)


# ---------------------------------------------------------------- hand-written cases


def _yaml(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


HEAD = """\
paper:
  title: "A paper"
  year: 2022
  arxiv: "2203.02155"
"""

REWRITES = {
    "tags-trade-offs-and-comments": (
        HEAD
        + _yaml("""
        annotation:
          annotator: Ann
          date: 2026-11-27
        # the tags
        tags:
          values: [norm:Helpfulness]   # why
          disciplines: [norm:MachineLearning]  # paper-level
          approaches: [norm:RLHF]
        trade_offs:  # one tension
          - values: [norm:Helpfulness, norm:Harmlessness]
            # the reason
            description: 'quoted'  # note
        assumptions: []
        """),
        "format: 2\n"
        + HEAD
        + _yaml(f"""
        annotation:
          annotator: Ann
          date: 2026-11-27
        # the tags
        tags:
          disciplines: [norm:MachineLearning]  # paper-level
        contribution:
          {HINT_LINE}
          values: [norm:Helpfulness]   # why
          approaches: [norm:RLHF]
          trade_offs:  # one tension
            - values: [norm:Helpfulness, norm:Harmlessness]
              # the reason
              description: 'quoted'  # note
        assumptions: []
        """),
    ),
    "no-approach-flag-becomes-none": (
        HEAD
        + _yaml("""
        annotation:
          annotator: Ann
          proposes_no_approach: true
        tags:
          values: [norm:Fairness]
        """),
        "format: 2\n"
        + HEAD
        + _yaml(f"""
        annotation:
          annotator: Ann
        contribution:
          {HINT_LINE}
          values: [norm:Fairness]
          none: [approaches]
        """),
    ),
    "false-flag-dropped-comment-kept": (
        HEAD
        + _yaml("""
        annotation:
          annotator: Ann
          proposes_no_approach: false  # checked twice
          note: n
        tags:
          approaches: [norm:RLHF]
        """),
        "format: 2\n"
        + HEAD
        + _yaml(f"""
        annotation:
          annotator: Ann
          # checked twice
          note: n
        contribution:
          {HINT_LINE}
          approaches: [norm:RLHF]
        """),
    ),
    "format-1-replaced-in-place": (
        "# header\n" + HEAD + "format: 1  # old\ntags:\n  approaches: [norm:RLHF]\n",
        "# header\n"
        + HEAD
        + f"format: 2  # old\ncontribution:\n  {HINT_LINE}\n  approaches: [norm:RLHF]\n",
    ),
    "no-tags-empty-contribution": (
        HEAD + "annotation:\n  annotator: Ann\n",
        "format: 2\n" + HEAD + f"annotation:\n  annotator: Ann\ncontribution: {{}}  {HINT_LINE}\n",
    ),
    "unindented-lists-kept": (
        "paper:\n    title: T\n    authors:\n    - A\n    - B\ntags:\n    values:\n    - x\n",
        "format: 2\npaper:\n    title: T\n    authors:\n    - A\n    - B\ncontribution:\n"
        f"    {HINT_LINE}\n    values:\n    - x\n",
    ),
    "crlf-line-ends-kept": (
        "paper:\r\n  title: T\r\ntags:\r\n  values: [x]\r\n",
        f"format: 2\r\npaper:\r\n  title: T\r\ncontribution:\r\n  {HINT_LINE}\r\n  values: [x]\r\n",
    ),
    "impossible-date-kept-for-the-reader": (
        "paper:\n  title: T\nannotation:\n  date: 2026-02-30\n",
        f"format: 2\npaper:\n  title: T\nannotation:\n  date: 2026-02-30\ncontribution: {{}}  "
        f"{HINT_LINE}\n",
    ),
    "empty-tags-comment-kept": (
        "paper: {title: T}\ntags:  # to do\n",
        f"format: 2\npaper: {{title: T}}\ncontribution: {{}}  {HINT_LINE}  # to do\n",
    ),
    "document-start-kept": (
        "# head\n---\npaper: {title: T}\ntags: {values: [x]}\n",
        f"# head\n---\nformat: 2\npaper: {{title: T}}\ncontribution:\n  {HINT_LINE}\n"
        "  values: [x]\n",
    ),
    "single-key-flow-mappings-keep-braces": (
        'paper: {title: T}\nassumptions:\n  - evidence: [{location: "S 1"}]\n',
        f"format: 2\npaper: {{title: T}}\ncontribution: {{}}  {HINT_LINE}\nassumptions:\n"
        '  - evidence: [{location: "S 1"}]\n',
    ),
}


@pytest.mark.parametrize(("source", "expected"), REWRITES.values(), ids=list(REWRITES))
def test_rewrite(source: str, expected: str) -> None:
    assert migrate_text(source, "x.yaml") == expected
    assert migrate_text(expected, "x.yaml") == expected


UNCHANGED = {
    "format-2": "format: 2\npaper: {title: T}\ncontribution:\n  role: proposes\n",
    "format-2-odd-layout": "paper:   {title:  'T'}\nformat:     2   # late\ncontributions: []\n",
}


@pytest.mark.parametrize("text", UNCHANGED.values(), ids=list(UNCHANGED))
def test_format_2_is_returned_unchanged(text: str) -> None:
    assert migrate_text(text, "x.yaml") is text


REFUSALS = {
    "empty": ("", MigrationError, "x.yaml: the file is empty: not an annotation"),
    "list": (
        "- a\n- b\n",
        MigrationError,
        "x.yaml: not an annotation: expected a mapping with `paper:` and `annotation:`, "
        "found a list",
    ),
    "other-yaml": (
        "modules:\n  dpv: {}\n",
        MigrationError,
        "x.yaml: not an annotation: it has none of the keys `paper`, `annotation`, `tags` "
        "(found `modules`)",
    ),
    "format-2.0": (
        "format: 2.0\npaper: {title: T}\n",
        MigrationError,
        "x.yaml:1: format: unknown format `2.0`: valid are `format: 2` (current) and "
        "`format: 1` (deprecated",
    ),
    "format-3": (
        "format: 3\npaper: {title: T}\n",
        MigrationError,
        "x.yaml:1: format: unknown format `3`: valid are `format: 2` (current) and "
        "`format: 1` (deprecated",
    ),
    "format-quoted": (
        'paper: {title: T}\nformat: "2"\n',
        MigrationError,
        'x.yaml:2: format: unknown format `"2"`',
    ),
    "format-true": ("format: true\npaper: {title: T}\n", MigrationError, "unknown format `true`"),
    "v2-key-without-format": (
        "paper: {title: T}\ncontribution:\n  role: proposes\n",
        MigrationError,
        "x.yaml:2: contribution: `contribution` is a format-2 key but the file has no `format: 2`",
    ),
    "tags-not-a-mapping": (
        "paper: {title: T}\ntags: [norm:RLHF]\n",
        MigrationError,
        "x.yaml:2: tags: expected a mapping of tag slots",
    ),
    "flag-not-boolean": (
        "paper: {title: T}\nannotation:\n  proposes_no_approach: 'no'\n",
        MigrationError,
        "x.yaml:3: annotation.proposes_no_approach: expected `true` or `false`, found the "
        "text `no`",
    ),
    "syntax": ("paper: [a\nb: c\n", YamlSourceError, "x.yaml:2:2: YAML syntax error"),
    "duplicate-key": ("paper: {}\npaper: {}\n", YamlSourceError, "duplicate key"),
}


@pytest.mark.parametrize(("text", "error", "message"), REFUSALS.values(), ids=list(REFUSALS))
def test_refusals(text: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as caught:
        migrate_text(text, "x.yaml")
    assert message in str(caught.value)


def test_migrate_file_reads_and_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"paper:\n  title: caf\xe9\n")
    with pytest.raises(YamlSourceError, match=r"a\.yaml:2:.*not UTF-8"):
        migrate_file(path)
    path.write_text("paper: {title: T}\n", encoding="utf-8")
    migration = migrate_file(path)
    assert migration.changed and migration.path == path
    assert migration.migrated.startswith("format: 2\n")


# ---------------------------------------------------------------- the command

V1 = "paper: {title: T}\ntags:\n  values: [x]\n"
V1_MIGRATED = f"format: 2\npaper: {{title: T}}\ncontribution:\n  {HINT_LINE}\n  values: [x]\n"
V2 = "format: 2\npaper: {title: U}\ncontribution: {role: proposes}\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """``corpus/a.yaml`` (format 1), ``corpus/sub/b.yaml`` (format 2), ``notes.txt``."""
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.yaml").write_text(V1, encoding="utf-8")
    (folder / "sub" / "b.yaml").write_text(V2, encoding="utf-8")
    (folder / "notes.txt").write_text("not YAML", encoding="utf-8")
    return folder


def run(*args: str | Path):
    return CliRunner().invoke(cli, ["migrate", *map(str, args)], catch_exceptions=False)


def test_one_file_is_printed(corpus: Path) -> None:
    result = run(corpus / "a.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (0, V1_MIGRATED, "")
    assert (corpus / "a.yaml").read_text(encoding="utf-8") == V1  # nothing written


def test_several_files_need_a_target(corpus: Path) -> None:
    result = run(corpus)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "error: 2 files to migrate: give --in-place to rewrite them, or -o DIR to write them "
        "into a folder (only one file is printed on standard output)\n"
    )


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--in-place", "-o", "out"], "give either --in-place or -o DIR, not both"),
        (["--check", "--in-place"], "--check writes nothing: drop --in-place and -o"),
    ],
)
def test_conflicting_options(corpus: Path, flags: list[str], message: str) -> None:
    result = run(*flags, corpus)
    assert result.exit_code == 2
    assert message in result.stderr


def test_check_lists_format_1_files(corpus: Path) -> None:
    result = run("--check", corpus)
    assert result.exit_code == 1
    assert result.stdout == f"{corpus / 'a.yaml'}: format 1\n"
    assert result.stderr == (
        "1 of 2 files at format 1 (run `normspace migrate --in-place` on them)\n"
    )
    assert (corpus / "a.yaml").read_text(encoding="utf-8") == V1


def test_check_passes_at_format_2(corpus: Path) -> None:
    result = run("--check", corpus / "sub")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "0 of 1 files at format 1\n")


def test_in_place_rewrites_only_format_1_files(corpus: Path) -> None:
    untouched = corpus / "sub" / "b.yaml"
    os.utime(untouched, (1_000_000, 1_000_000))
    result = run("--in-place", corpus)
    assert result.exit_code == 0
    assert result.stdout == f"migrated: {corpus / 'a.yaml'}\n"
    assert result.stderr == "1 migrated, 1 already at format 2\n"
    assert (corpus / "a.yaml").read_text(encoding="utf-8") == V1_MIGRATED
    assert untouched.stat().st_mtime == 1_000_000
    assert run("--check", corpus).exit_code == 0


@pytest.mark.parametrize(
    ("flags", "stdout"),
    [(["--in-place"], ""), (["--check"], "{corpus}/a.yaml: format 1\n")],
)
def test_quiet_prints_only_findings(corpus: Path, flags: list[str], stdout: str) -> None:
    result = run("-q", *flags, corpus)
    assert (result.stdout, result.stderr) == (stdout.format(corpus=corpus), "")


def test_out_dir_keeps_sub_folders(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "v2"
    result = run("-o", out, corpus)
    assert result.exit_code == 0
    assert result.stdout == (
        f"migrated: {corpus / 'a.yaml'} -> {out / 'a.yaml'}\n"
        f"copied (already format 2): {corpus / 'sub' / 'b.yaml'} -> {out / 'sub' / 'b.yaml'}\n"
    )
    assert (out / "a.yaml").read_text(encoding="utf-8") == V1_MIGRATED
    assert (out / "sub" / "b.yaml").read_text(encoding="utf-8") == V2
    assert (corpus / "a.yaml").read_text(encoding="utf-8") == V1
    assert sorted(p.name for p in out.rglob("*")) == ["a.yaml", "b.yaml", "sub"]


def test_out_dir_refuses_two_files_of_one_name(tmp_path: Path, corpus: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.yaml").write_text(V1, encoding="utf-8")
    result = run("-o", tmp_path / "out", corpus / "a.yaml", other / "a.yaml")
    assert result.exit_code == 2
    assert f"{other / 'a.yaml'} and {corpus / 'a.yaml'} would both be written to" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_bad_file_does_not_stop_the_others(corpus: Path) -> None:
    (corpus / "list.yaml").write_text("- a\n", encoding="utf-8")
    result = run("--in-place", corpus)
    assert result.exit_code == 2
    assert result.stdout == f"migrated: {corpus / 'a.yaml'}\n"
    assert result.stderr == (
        f"error: {corpus / 'list.yaml'}: not an annotation: expected a mapping with `paper:` "
        "and `annotation:`, found a list\n"
        "1 migrated, 1 already at format 2; 1 could not be read as annotations\n"
    )
    assert (corpus / "a.yaml").read_text(encoding="utf-8") == V1_MIGRATED

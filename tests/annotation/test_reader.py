"""Reader behaviour that the fixture table does not show: error objects, positions, spelling."""

from __future__ import annotations

from pathlib import Path

import pytest

from normspace.annotation import AnnotationFileError, load_annotation, parse_text, validate_paths
from normspace.errors import EXIT_USAGE, InputError

from .conftest import DATA, INVALID, VALID

HEAD = """paper:
  title: {title}
  year: 2022
  arxiv: "2212.08073"
annotation:
  annotator: {{name: "Jane Doe"}}
  date: 2026-11-27
"""


def test_yaml_syntax_error_names_line_and_column() -> None:
    parsed = parse_text("paper:\n  title: [unclosed\n  year: 2022\n", "broken.yaml")
    [problem] = parsed.problems
    assert problem.fatal and problem.rule == "yaml-syntax"
    assert (problem.line, problem.column) == (3, 7)
    assert "starting at line 2" in problem.message


def test_load_annotation_lists_every_problem() -> None:
    path = DATA / "invalid" / "wrong-types.yaml"
    with pytest.raises(AnnotationFileError) as info:
        load_annotation(path)
    error = info.value
    assert isinstance(error, InputError) and error.exit_code == EXIT_USAGE
    assert len(error.problems) == 6
    assert f"{path}:3: paper.authors: error" in str(error)
    assert f"{path}:16: trade_offs: error" in str(error)


def test_unreadable_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        load_annotation(path)


def test_numbers_in_text_fields_keep_their_spelling() -> None:
    parsed = parse_text(HEAD.format(title="1984.10"), "n.yaml")
    assert parsed.document is not None
    assert parsed.document.annotation.paper.title == "1984.10"


def test_folder_is_searched_recursively_and_files_counted_once(tmp_path: Path) -> None:
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    for source in VALID:
        (nested / source.name).write_bytes(source.read_bytes())
    (tmp_path / "notes.txt").write_text("not an annotation")
    run = validate_paths([tmp_path, nested / VALID[0].name])
    assert len(run.files) == len(VALID)
    assert run.exit_code == 0 and len(run.valid_documents()) == len(VALID)


def test_valid_documents_exclude_files_with_errors() -> None:
    run = validate_paths([*VALID, *INVALID])
    valid = {d.path for d in run.valid_documents()}
    assert valid == set(VALID)
    assert {d.path for d in run.documents} > valid  # invalid but convertible files too
    assert run.exit_code == 2


def test_unquoted_arxiv_id_keeps_its_trailing_zero() -> None:
    text = HEAD.format(title='"x"').replace('arxiv: "2212.08073"', "arxiv: 2402.05070")
    parsed = parse_text(text, "z.yaml")
    assert parsed.document is not None
    assert parsed.document.paper_iri == "https://arxiv.org/abs/2402.05070"
    assert [p.rule for p in parsed.problems] == ["arxiv-unquoted"]

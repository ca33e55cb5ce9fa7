"""Regression tests from the review of the annotation commands: one test per bug, each failing
on the code before its fix (the `validate --format ttl` one is in test_review_regressions.py).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from normspace.annotation import load_annotation, parse_text, terms
from normspace.atomicio import atomic_write_text
from normspace.cli.convert import TARGETS
from normspace.namespaces import NORM
from normspace.ontology import TermIndex, load_ontology, term_index

ANNOTATION_DATA = Path(__file__).parents[1] / "data" / "annotation"
REVIEW = ANNOTATION_DATA / "review"
ALL_SECTIONS = ANNOTATION_DATA / "valid" / "ouyang2022-all-sections.yaml"
UNKNOWN_TERM = ANNOTATION_DATA / "invalid" / "unknown-term.yaml"

MINIMAL = """format: 2
paper:
  title: "Conceptualising Contestability"
  year: 2021
  doi: "{doi}"
annotation:
  annotator: "Jane Doe"
  date: 2026-11-27
contribution:
  role: proposes
  approaches: [norm:RLHF]
"""


def _problems(result) -> list[dict]:
    return json.loads(result.stdout)["problems"]


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld", "trig"])
def test_validate_tells_rdf_files_to_be_converted_first(fmt: str, tmp_path: Path, run_cli) -> None:
    """Bug 2: `validate x.ttl` said "YAML syntax error: found character '@'" instead of
    saying that the file is RDF and how to turn it into an annotation file."""
    rdf = tmp_path / f"paper.{fmt}"
    rdf.write_text(run_cli("convert", ALL_SECTIONS, "--to", fmt).stdout, encoding="utf-8")
    result = run_cli("validate", rdf)
    assert result.exit_code == 2
    assert (
        f"{rdf}: error: not a YAML annotation file; convert it with "
        f"`normspace convert {rdf} --to yaml` first"
    ) in result.stdout
    assert "YAML syntax" not in result.stdout


def test_deprecated_terms_are_reported_with_their_replacement(monkeypatch, run_cli) -> None:
    """Bug 3: a file using a term marked `owl:deprecated` (by CURIE or by label) validated
    silently; it must warn and name the `dcterms:isReplacedBy` replacement."""
    ontology = Graph() + load_ontology()
    ontology.parse(REVIEW / "deprecations.ttl", format="turtle")
    index = TermIndex.from_graph(ontology)
    assert index.get(str(NORM.Fairness)).replaced_by == (str(NORM.Justice),)
    monkeypatch.setattr(terms, "term_index", lambda: index)
    result = run_cli("validate", "--format", "json", REVIEW / "deprecated-terms.yaml")
    assert result.exit_code == 0  # a warning, not an error
    found = [
        (p["line"], p["field"], p["value"], p["severity"], p["message"], p["suggestion"])
        for p in _problems(result)
        if p["rule"] == "deprecated-term"
    ]
    replaced = "`norm:Fairness` (fairness) is deprecated; use `norm:Justice` (justice) instead"
    assert found == [
        (14, "tags.values[1]", "norm:Fairness", "warning", replaced, "`norm:Justice`"),
        (
            14,
            "tags.values[2]",
            "norm:Harmlessness",
            "warning",
            "`norm:Harmlessness` (harmlessness) is deprecated; it has no replacement; "
            "choose a current term",
            None,
        ),
        (20, "trade_offs[0].values[1]", "fairness", "warning", replaced, "`norm:Justice`"),
    ]


@pytest.mark.parametrize("flag", ["-f", "--format", "--to"])
def test_convert_takes_the_shared_format_flag(flag: str, run_cli) -> None:
    """Bug 4: `convert` only knew `--to`, while every other command names its output format
    with `-f/--format`; `--to` stays as an alias, the choices come from one registry."""
    result = run_cli("convert", ALL_SECTIONS, flag, "nt")
    assert result.exit_code == 0
    converted = Graph().parse(data=result.stdout, format="nt")
    assert isomorphic(converted, load_annotation(ALL_SECTIONS).graph)
    bad = run_cli("convert", ALL_SECTIONS, flag, "csv")
    assert bad.exit_code == 2
    assert ", ".join(f"'{t}'" for t in TARGETS) in bad.stderr


def test_typo_gets_only_the_clearly_closest_term(run_cli) -> None:
    """Bug 5: `norm:Fairnes` suggested `norm:Fairness` but also `norm:FairnessCheating` and
    `norm:Harmlessness`, which are much less similar than the obvious correction."""
    result = run_cli("validate", "--format", "json", UNKNOWN_TERM)
    [problem] = _problems(result)
    assert problem["suggestion"] == "`norm:Fairness`"
    values = str(NORM.ValueScheme)
    assert term_index().suggest("norm:Fairnes", values) == ["norm:Fairness"]
    assert len(term_index().suggest("norm:Value", values)) <= 3


@pytest.mark.parametrize(
    "written",
    ["https://doi.org/10.1145/3449180", "doi:10.1145/3449180", "http://dx.doi.org/10.1145/3449180"],
)
def test_doi_prefix_is_dropped_with_a_warning(written: str) -> None:
    """Bug 6: a DOI written with a resolver or `doi:` prefix was normalised silently; the
    annotator must learn that (and how to write it) without the file becoming invalid."""
    parsed = parse_text(MINIMAL.format(doi=written), "prefixed.yaml")
    assert parsed.document is not None
    assert parsed.document.paper_iri == "https://doi.org/10.1145/3449180"
    [problem] = parsed.problems
    assert (problem.rule, problem.severity, problem.line, problem.field) == (
        "doi-prefix",
        "warning",
        5,
        "paper.doi",
    )
    assert f"`{written}` was normalised to the DOI `10.1145/3449180`" in problem.message
    assert problem.suggestion == '`doi: "10.1145/3449180"`'
    bare = parse_text(MINIMAL.format(doi="10.1145/3449180"), "bare.yaml")
    assert bare.problems == []


# ---------------------------------------------------------------------------------------
# Issue 7: hardening of annotation-file input. Each test failed on the code before the fix.
# ---------------------------------------------------------------------------------------


GOOD = """paper:
  title: "Training language models to follow instructions with human feedback"
  authors: ["Long Ouyang"]
  year: {year}
  arxiv: "2203.02155"
annotation:
  annotator: {{name: "Jane Doe"}}
  date: {date}
tags:
  stakeholders: [norm:EndUsers]
  normative_input_from: [norm:ContractedAnnotators]
  contexts: [norm:GeneralPurposeAssistant]
  approaches: [norm:RLHF]
  evaluation: [norm:PreferenceWinRate]
"""


def good(year: object = 2022, date: object = "2026-11-27") -> str:
    return GOOD.format(year=year, date=date)


def invoke(*args: object):
    """Run the CLI catching exceptions (the old code crashed; the test checks the files)."""
    from normspace.cli.main import cli

    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=True)


def rules(result) -> list[str]:
    return [p["rule"] for p in json.loads(result.stdout)["problems"]]


def test_good_text_is_valid(tmp_path: Path, run_cli) -> None:
    """The base text of the tests below is valid: each test's change is what fails."""
    (tmp_path / "a.yaml").write_text(good(), encoding="utf-8")
    assert run_cli("validate", tmp_path / "a.yaml").exit_code == 0


# -- 1: text that is not UTF-8 / not Unicode -------------------------------------------


def test_yaml_not_utf8_names_line_column_and_byte(tmp_path: Path, run_cli) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(good().replace("Jane Doe", "Ren\xe9 Doe").encode("latin-1"))
    result = run_cli("validate", path)
    assert result.exit_code == 2
    assert f"{path}:7:25: error: not UTF-8 text: byte 0xe9 at byte offset" in result.stdout


def test_yaml_lone_surrogate_title_is_rejected_at_validation(tmp_path: Path, run_cli) -> None:
    path = tmp_path / "surrogate.yaml"
    path.write_text(good().replace("Training", "caf\\udce9 Training"), encoding="utf-8")
    result = run_cli("validate", "--format", "json", path)
    assert result.exit_code == 1
    [problem] = [p for p in json.loads(result.stdout)["problems"] if p["rule"] == "invalid-text"]
    assert (problem["line"], problem["field"]) == (2, "paper.title")
    assert "lone surrogate" in problem["message"] and "\\udce9" in problem["message"]


def test_new_with_non_utf8_argument_keeps_the_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "a.yaml"
    target.write_text("old content\n", encoding="utf-8")
    result = invoke("new", "--arxiv", "2203.02155", "--title", "caf\udce9", "-o", target, "--force")
    assert result.exit_code == 2
    assert "--title" in result.stderr and "byte 0xe9" in result.stderr
    assert target.read_text(encoding="utf-8") == "old content\n"


TRIPLE = b'<https://arxiv.org/abs/2203.02155> <http://purl.org/dc/terms/title> "TITLE" .\n'


def test_ntriples_not_utf8_and_surrogate_escape_are_located(tmp_path: Path) -> None:
    latin = tmp_path / "latin1.nt"
    latin.write_bytes(TRIPLE.replace(b"TITLE", b"caf\xe9"))
    result = invoke("convert", latin, "-f", "yaml")
    assert result.exit_code == 2
    assert f"{latin}:1:73: not UTF-8 text: byte 0xe9" in result.stderr
    escaped = tmp_path / "escape.nt"
    escaped.write_bytes(TRIPLE.replace(b"TITLE", b"caf\\udce9"))
    result = invoke("convert", escaped, "-f", "yaml")
    assert result.exit_code == 2
    assert f"{escaped}:1: `\\udce9` escapes a lone surrogate" in result.stderr


def test_csl_json_surrogate_and_bad_bytes_are_refused_before_writing(tmp_path: Path) -> None:
    refs = tmp_path / "refs.json"
    refs.write_text('[{"id": "x", "title": "caf\\udce9", "DOI": "10.1145/3449180"}]')
    result = invoke("import-refs", refs, "--out-dir", tmp_path / "out")
    assert result.exit_code == 2
    assert "[0].title" in result.stderr and "lone surrogate" in result.stderr
    assert not list((tmp_path).glob("out/*.yaml"))
    refs.write_bytes(b'[{"id": "x", "title": "caf\xe9", "DOI": "10.1145/3449180"}]')
    result = invoke("import-refs", refs, "--out-dir", tmp_path / "out")
    assert result.exit_code == 2
    assert f"{refs}:1:27: not UTF-8 text: byte 0xe9 at byte offset 26" in result.stderr


# -- 2: nesting -------------------------------------------------------------------------


def test_deeply_nested_yaml_is_an_error_not_a_recursion_error(tmp_path: Path, run_cli) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("paper: " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    result = run_cli("validate", path)
    assert result.exit_code == 2
    assert f"{path}:1:" in result.stdout and "nested deeper than 64 levels" in result.stdout


def test_deeply_nested_jsonld_is_an_error_not_a_recursion_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonld"
    path.write_text('{"@context": {}, "x": ' + "[" * 3000 + "]" * 3000 + "}", encoding="utf-8")
    result = invoke("convert", path, "-f", "ttl")
    assert result.exit_code == 2, result.output
    assert f"{path}:1: JSON nested deeper than 64 levels" in result.stderr


# -- 3: impossible dates ----------------------------------------------------------------


@pytest.mark.parametrize("date", ["2026-13-04", "2026-02-30"])
def test_impossible_date_in_a_folder_does_not_stop_the_run(
    date: str, tmp_path: Path, run_cli
) -> None:
    (tmp_path / "a-bad.yaml").write_text(good(date=date), encoding="utf-8")
    (tmp_path / "b-unknown.yaml").write_text(
        good().replace("norm:RLHF", "norm:RLHFF").replace("Jane Doe", "John Roe"), "utf-8"
    )
    result = run_cli("validate", "--format", "json", tmp_path)
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    bad = [p for p in problems if p["rule"] == "date-impossible"]
    assert [(p["line"], p["field"], p["value"]) for p in bad] == [(8, "annotation.date", date)]
    assert any(p["rule"] == "unknown-term" and "b-unknown" in p["file"] for p in problems)


# -- 4: accepted but wrong ----------------------------------------------------------------


@pytest.mark.parametrize("year", ["20220", str(10**100), "999"])
def test_year_out_of_range_fails(year: str, tmp_path: Path, run_cli) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(good(year=year), encoding="utf-8")
    result = run_cli("validate", path)
    assert result.exit_code == 1
    assert f"{path}:4: paper.year: error: the publication year `{year[:6]}" in result.stdout
    assert "out of range" in result.stdout


def test_year_shape_rejects_five_digits_in_rdf(tmp_path: Path) -> None:
    """The shape (RDF input) too: it used to look at four-digit years only."""
    from normspace.shacl import annotation_engine

    text = invoke("convert", ALL_SECTIONS, "-f", "ttl").stdout
    graph = Graph().parse(
        data=text.replace('"2022"^^xsd:gYear', '"20220"^^xsd:gYear'), format="turtle"
    )
    report = annotation_engine().validate(graph)
    assert not report.conforms
    assert "four-digit year" in report.report_graph.serialize(format="turtle")


def test_evidence_with_empty_quote_and_location_fails(tmp_path: Path, run_cli) -> None:
    path = tmp_path / "a.yaml"
    text = good().replace(
        "approaches: [norm:RLHF]",
        'approaches: [{term: norm:RLHF, evidence: {quote: "", location: ""}}]',
    )
    path.write_text(text, encoding="utf-8")
    result = run_cli("validate", "--format", "json", path)
    assert result.exit_code == 1
    assert "evidence-empty" in rules(result)


def test_future_annotation_date_fails(tmp_path: Path, run_cli) -> None:
    path = tmp_path / "a.yaml"
    future = dt.date.today() + dt.timedelta(days=30)
    path.write_text(good(date=future.isoformat()), encoding="utf-8")
    result = run_cli("validate", path)
    assert result.exit_code == 1
    assert f"annotation.date: error: the annotation date {future} is in the future" in result.stdout


def test_tomorrow_is_within_the_tolerance(tmp_path: Path, run_cli) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(good(date=dt.date.today() + dt.timedelta(days=1)), encoding="utf-8")
    assert run_cli("validate", path).exit_code == 0


def test_authors_incomplete_without_authors_fails(tmp_path: Path, run_cli) -> None:
    path = tmp_path / "a.yaml"
    text = good().replace('  authors: ["Long Ouyang"]\n', "  authors_incomplete: true\n")
    path.write_text(text, encoding="utf-8")
    result = run_cli("validate", path)
    assert result.exit_code == 1
    assert f"{path}:3: paper.authors_incomplete: error: `authors_incomplete: true` but no" in (
        result.stdout
    )


def test_two_files_for_one_paper_and_annotator_fail_validation(tmp_path: Path, run_cli) -> None:
    (tmp_path / "a.yaml").write_text(good(), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(good().replace("Long Ouyang", "L. Ouyang"), "utf-8")
    result = run_cli("validate", tmp_path)
    assert result.exit_code == 1
    assert f"{tmp_path / 'b.yaml'}:1: paper: error: same annotation as {tmp_path / 'a.yaml'}" in (
        result.stdout
    )


def test_same_file_named_twice_is_not_a_duplicate(tmp_path: Path, run_cli) -> None:
    (tmp_path / "a.yaml").write_text(good(), encoding="utf-8")
    assert run_cli("validate", tmp_path, tmp_path / "a.yaml").exit_code == 0


def test_symlink_loop_is_reported_not_skipped(tmp_path: Path, run_cli) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "a.yaml").write_text(good(), encoding="utf-8")
    (corpus / "sub" / "loop").symlink_to(corpus, target_is_directory=True)
    result = run_cli("validate", corpus)
    assert result.exit_code == 2
    assert f"{corpus / 'sub' / 'loop'}: error: symbolic link loop" in result.stdout
    assert "2 files checked: 1 valid" in result.stdout  # the other file is still checked


# -- 5: atomic writes -----------------------------------------------------------------------


def test_atomic_write_keeps_the_old_file_when_encoding_fails(tmp_path: Path) -> None:
    target = tmp_path / "a.yaml"
    target.write_text("old\n", encoding="utf-8")
    os.chmod(target, 0o640)
    with pytest.raises(UnicodeEncodeError):
        atomic_write_text(target, "caf\udce9")
    assert target.read_text(encoding="utf-8") == "old\n"
    atomic_write_text(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml"]  # no temporary left


BROKEN = "paper: caf\udce9\n"  # a rendering that cannot be encoded


@pytest.mark.parametrize(
    "module, make_args",
    [
        (
            "normspace.cli.new",
            lambda t: ["new", "--arxiv", "2203.02155", "-o", t / "a.yaml", "--force"],
        ),
        (
            "normspace.cli.convert",
            lambda t: ["convert", t / "in.ttl", "-f", "yaml", "-o", t, "--force"],
        ),
        (
            "normspace.annotation.refimport",
            lambda t: ["import-refs", t / "refs.json", "--out-dir", t, "--force"],
        ),
    ],
    ids=["new", "convert", "import-refs"],
)
def test_overwrite_never_truncates_the_target(module, make_args, tmp_path, monkeypatch) -> None:
    """When writing fails half-way, the existing file keeps its content (was 0 bytes)."""
    import importlib

    ttl = invoke("convert", ALL_SECTIONS, "-f", "ttl").stdout
    (tmp_path / "in.ttl").write_text(ttl, encoding="utf-8")
    (tmp_path / "refs.json").write_text(
        '[{"id": "o", "title": "T", "number": "arXiv:2203.02155"}]', encoding="utf-8"
    )
    names = {"normspace.cli.new": "a.yaml"}
    existing = tmp_path / names.get(module, "arxiv-2203.02155--0000-0002-1825-0097.yaml")
    if module == "normspace.annotation.refimport":
        existing = tmp_path / "arxiv-2203.02155.yaml"
    existing.write_text("my annotation\n", encoding="utf-8")
    monkeypatch.setattr(
        importlib.import_module(module), "render_annotation", lambda *a, **k: BROKEN
    )
    invoke(*make_args(tmp_path))
    assert existing.read_text(encoding="utf-8") == "my annotation\n"


# -- 6: column in the text output ---------------------------------------------------------


def test_yaml_syntax_error_shows_the_column_in_text(tmp_path: Path, run_cli) -> None:
    path = tmp_path / "a.yaml"
    path.write_text('paper:\n  title: "x"\n  doi: [1, 2\n', encoding="utf-8")
    result = run_cli("validate", path)
    as_json = run_cli("validate", "--format", "json", path)
    [problem] = json.loads(as_json.stdout)["problems"]
    assert problem["column"]
    assert f"{path}:{problem['line']}:{problem['column']}: error: YAML syntax error" in (
        result.stdout
    )


# -- 7: arXiv DataCite DOI ----------------------------------------------------------------


def test_arxiv_datacite_doi_is_the_same_paper_as_the_arxiv_id() -> None:
    by_id = parse_text(good(), "a.yaml").document
    by_doi = parse_text(
        good().replace('arxiv: "2203.02155"', 'doi: "10.48550/arXiv.2203.02155"'), "b.yaml"
    ).document
    assert by_id is not None and by_doi is not None
    assert by_doi.paper_iri == by_id.paper_iri == "https://arxiv.org/abs/2203.02155"
    assert by_doi.annotation_iri == by_id.annotation_iri


def test_arxiv_datacite_doi_contradicting_the_arxiv_id_fails() -> None:
    text = good().replace(
        'arxiv: "2203.02155"', 'arxiv: "2203.02155"\n  doi: "10.48550/arXiv.2212.08073"'
    )
    parsed = parse_text(text, "a.yaml")
    assert [p.rule for p in parsed.errors] == ["arxiv-doi-mismatch"]


# -- 8: -q ----------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_validate_prints_only_errors(where: str, tmp_path: Path, run_cli) -> None:
    warn = tmp_path / "warn.yaml"
    warn.write_text(good().replace('  arxiv: "2203.02155"', "  arxiv: 2203.02155"), "utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(good(year=20220).replace("Jane Doe", "John Roe"), encoding="utf-8")

    def quiet(*args):
        return (
            run_cli("-q", "validate", *args)
            if where == "before"
            else run_cli("validate", "-q", *args)
        )

    loud = run_cli("validate", warn)
    assert loud.exit_code == 0 and "warning" in loud.stdout
    result = quiet(warn)
    assert (result.exit_code, result.stdout) == (0, "")
    result = quiet(warn, bad)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        line for line in run_cli("validate", warn, bad).stdout.splitlines() if ": error: " in line
    ]

"""The annotation commands end to end: outputs, files written, exit codes, error messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF

from normspace.annotation import load_annotation, parse_file, parse_text
from normspace.annotation.from_rdf import upgrade_format1
from normspace.annotation.render import MODELINE
from normspace.annotation.report_graph import NSH
from normspace.namespaces import NORM, SH

from .conftest import DATA, INVALID, VALID, expected_for, run_cli

WRITER_DATA = Path(__file__).parent / "test_writer_data"
#: The writer's fixture with every part of format 2 (term requests included).
ALL_SECTIONS = WRITER_DATA / "ouyang2022-rich.yaml"
#: A format-1 file and the RDF format 1 gave it (both as committed before format 2).
FORMAT1_YAML = WRITER_DATA / "ouyang2022-format1.yaml"
FORMAT1_TTL = WRITER_DATA / "ouyang2022-format1.ttl"
UNKNOWN_TERM = DATA / "invalid" / "unknown-term.yaml"
SYNTAX = DATA / "invalid" / "yaml-syntax.yaml"


def loadable(paths: list[Path]) -> list[Path]:
    """The fixtures that read without errors (others are the reader tests' business)."""
    return [p for p in paths if not parse_file(p).errors]


def expected_problem(path: Path, index: int = 0) -> dict:
    """A problem the fixture's expectation file lists (line and field as the reader keeps
    them up to date)."""
    return expected_for(path)["problems"][index]


def load_annotation_iri(path: Path) -> str:
    """The annotation IRI of a file that reads into RDF despite its errors."""
    document = parse_file(path).document
    assert document is not None
    return document.annotation_iri


# -- validate -------------------------------------------------------------------------------


def test_validate_folder_of_valid_files() -> None:
    result = run_cli("validate", str(DATA / "valid"))
    assert result.exit_code == 0
    assert result.stdout.strip().splitlines()[-1].startswith(f"{len(VALID)} files checked")


def test_validate_reports_file_line_field_and_suggestion() -> None:
    expected = expected_problem(UNKNOWN_TERM)
    result = run_cli("validate", str(UNKNOWN_TERM))
    assert result.exit_code == 1
    where = f"{UNKNOWN_TERM}:{expected['line']}: {expected['field']}"
    assert f"{where}: error: unknown term `norm:Fairnes`" in result.stdout
    assert "(suggestion: `norm:Fairness`" in result.stdout
    assert "1 file checked: 0 valid, 1 invalid, 0 unreadable; 1 error" in result.stdout


def test_unparseable_file_does_not_stop_the_others() -> None:
    result = run_cli("validate", str(SYNTAX), str(UNKNOWN_TERM), str(ALL_SECTIONS))
    assert result.exit_code == 2
    syntax = expected_problem(SYNTAX)
    assert f"{SYNTAX}:{syntax['line']}:" in result.stdout and "YAML syntax error" in result.stdout
    assert "norm:Fairnes" in result.stdout
    assert "3 files checked: 1 valid, 1 invalid, 1 unreadable" in result.stdout


def test_validate_json(tmp_path: Path) -> None:
    expected = expected_problem(UNKNOWN_TERM)
    out = tmp_path / "report.json"
    result = run_cli("validate", "--format", "json", "-o", str(out), str(UNKNOWN_TERM))
    assert result.exit_code == 1 and result.stdout == ""
    data = json.loads(out.read_text())
    [problem] = data["problems"]
    assert problem["line"] == expected["line"] and problem["field"] == expected["field"]
    assert problem["value"] == "norm:Fairnes" and problem["rule"] == "unknown-term"
    assert problem["severity"] == "error" and "norm:Fairness" in problem["suggestion"]
    assert data["summary"]["errors"] == 1 and data["summary"]["files"] == 1


def test_validate_ttl_prints_shacl_reports() -> None:
    """One report per file; the reader's problems are results too, located in the YAML."""
    trade_offs = DATA / "invalid" / "trade-off-values.yaml"
    result = run_cli("validate", "--format", "ttl", str(trade_offs), str(UNKNOWN_TERM))
    assert result.exit_code == 1 and result.stderr == ""
    graph = Graph().parse(data=result.stdout, format="turtle")
    reports = {
        str(graph.value(r, DCTERMS.source)): r
        for r in graph.subjects(RDF.type, SH.ValidationReport)
    }
    assert set(reports) == {str(trade_offs), str(UNKNOWN_TERM)}
    assert all(graph.value(r, SH.conforms) == Literal(False) for r in reports.values())
    shapes = sorted(
        str(graph.value(n, SH.sourceShape))
        for n in graph.objects(reports[str(trade_offs)], SH.result)
    )
    expected_shapes = sorted(
        str(NSH[p["rule"].removeprefix("nsh:")]) for p in expected_for(trade_offs)["problems"]
    )
    assert shapes == expected_shapes and len(shapes) == 2  # the two trade-offs
    [unknown] = graph.objects(reports[str(UNKNOWN_TERM)], SH.result)
    located = expected_problem(UNKNOWN_TERM)
    focus = str(graph.value(unknown, SH.focusNode))
    assert focus.startswith(load_annotation_iri(UNKNOWN_TERM))
    expected = {
        RDF.type: SH.ValidationResult,
        SH.resultSeverity: SH.Violation,
        SH.value: Literal("norm:Fairnes"),
        SH.sourceShape: NSH["reader-unknown-term"],
        SH.sourceConstraintComponent: NSH.AnnotationReaderConstraintComponent,
        NSH.file: Literal(str(UNKNOWN_TERM)),
        NSH.line: Literal(located["line"]),
        NSH.field: Literal(located["field"]),
        NSH.suggestion: Literal("`norm:Fairness`"),
    }
    assert {p: graph.value(unknown, p) for p in expected} == expected
    assert "unknown term `norm:Fairnes`" in str(graph.value(unknown, SH.resultMessage))


@pytest.mark.parametrize(
    ("path", "warnings"),
    [
        (
            ALL_SECTIONS,
            {
                ("term-request", "contributions[0].harms[0].request"),
                ("term-request", "contributions[0].findings[2].measure.request"),
                ("term-request", "assumptions[1].type[0].request"),
                # an inferred assumption with no passage to quote
                ("nsh:AssumptionEvidenceWarningShape", "assumptions[1].evidence"),
            },
        ),
        (FORMAT1_YAML, {("format-deprecated", "format")}),
    ],
    ids=lambda v: v.name if isinstance(v, Path) else "",
)
def test_writer_fixtures_are_valid(path: Path, warnings: set[tuple[str, str]]) -> None:
    """The writer's fixtures are valid files (warnings only), so the round trips they drive
    are round trips of real annotations."""
    result = run_cli("validate", "--format", "json", str(path))
    assert result.exit_code == 0
    problems = json.loads(result.stdout)["problems"]
    assert {p["severity"] for p in problems} == {"warning"}
    assert {(p["rule"], p["field"]) for p in problems} == warnings


def _python(node):
    return None if node is None else node.toPython()


@pytest.mark.parametrize("path", VALID + INVALID, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_validate_json_and_ttl_report_the_same_problems(path: Path) -> None:
    """Every problem of the JSON report, from the reader or from SHACL, is a result of the
    ttl report at the same line and field, and `sh:conforms` agrees with the exit code."""
    as_json = run_cli("validate", "--format", "json", str(path))
    as_ttl = run_cli("validate", "--format", "ttl", str(path))
    assert as_json.exit_code == as_ttl.exit_code
    graph = Graph().parse(data=as_ttl.stdout, format="turtle")
    [report] = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(report, SH.conforms) == Literal(as_json.exit_code == 0)
    severities = {SH.Violation: "error", SH.Warning: "warning", SH.Info: "info"}
    in_ttl = {
        (
            severities[graph.value(r, SH.resultSeverity)],
            str(graph.value(r, SH.resultMessage)),
            _python(graph.value(r, NSH.line)),
            _python(graph.value(r, NSH.field)),
        )
        for r in graph.objects(report, SH.result)
    }
    problems = json.loads(as_json.stdout)["problems"]
    in_json = {(p["severity"], p["message"], p["line"], p["field"]) for p in problems}
    assert in_json <= in_ttl


def test_validate_empty_folder(tmp_path: Path) -> None:
    result = run_cli("validate", str(tmp_path))
    assert result.exit_code == 2 and "contains no *.yaml" in result.stderr


def test_validate_missing_path() -> None:
    result = run_cli("validate", "no/such/file.yaml")
    assert result.exit_code == 2 and "does not exist" in result.stderr


# -- new ------------------------------------------------------------------------------------


NEW_ARGS = (
    "new",
    "--arxiv",
    "arXiv:2203.02155v1",
    "--annotator",
    "Jane Doe",
    "--title",
    "Training language models to follow instructions with human feedback",
    "--date",
    "2026-11-27",
)


def test_new_writes_a_format_2_skeleton_that_reads_cleanly() -> None:
    result = run_cli(*NEW_ARGS)
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("# yaml-language-server: $schema=")
    sections = ("format: 2", "paper:", "annotation:", "tags:", "contribution:", "assumptions:")
    for section in sections:
        assert f"\n{section}" in text
    for key in ("role:", "none: []", "findings: []", "study:", "trade_offs: []", "harms: []"):
        assert f"\n  {key}" in text
    for hint in ("# - request: {label:", "# - measure: norm:PreferenceWinRate", "# - values: ["):
        assert hint in text
    parsed = parse_text(text, "new.yaml")
    assert [(p.rule, p.severity) for p in parsed.problems] == [("missing-role", "warning")]
    assert parsed.document is not None
    assert parsed.document.annotation_iri.endswith("/arxiv/2203.02155/jane-doe")


#: What a fresh skeleton lacks: a role, and the tags the shapes warn about when missing.
NEW_SKELETON_WARNINGS = {
    ("missing-role", "contribution.role"),
    ("nsh:ContributionPurposeWarningShape", "contribution"),
    ("nsh:ContributionStakeholderWarningShape", "contribution.stakeholders"),
    ("nsh:ContributionContextWarningShape", "contribution.contexts"),
    ("nsh:ContributionEvaluationWarningShape", "contribution.evaluation"),
}


def test_new_skeleton_with_year_validates_with_only_the_expected_warnings(tmp_path: Path) -> None:
    target = tmp_path / "new.yaml"
    assert run_cli(*NEW_ARGS, "--year", "2022", "-o", str(target)).exit_code == 0
    result = run_cli("validate", "--format", "json", str(target))
    assert result.exit_code == 0
    problems = json.loads(result.stdout)["problems"]
    assert {p["severity"] for p in problems} == {"warning"}
    assert {(p["rule"], p["field"]) for p in problems} == NEW_SKELETON_WARNINGS


def test_new_into_folder_and_no_overwrite(tmp_path: Path) -> None:
    args = ("new", "--doi", "https://doi.org/10.1145/3449180", "--orcid", "0000-0002-1825-0097")
    first = run_cli(*args, "-o", str(tmp_path))
    target = tmp_path / "doi-10.1145-3449180--0000-0002-1825-0097.yaml"
    assert first.exit_code == 0 and target.is_file()
    target.write_text("# my work\n")
    again = run_cli(*args, "-o", str(target))
    assert again.exit_code == 2 and "use --force" in again.stderr
    assert target.read_text() == "# my work\n"
    forced = run_cli(*args, "-o", str(target), "--force")
    assert forced.exit_code == 0 and 'doi: "10.1145/3449180"' in target.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--title", "x"), "--doi or --arxiv"),
        (("--doi", "3449180"), "is not a DOI"),
        (("--arxiv", "22030.2155"), "is not an arXiv identifier"),
        (("--arxiv", "2203.02155", "--orcid", "0000-0002-1825-0098"), "checksum"),
        (("--arxiv", "2203.02155", "--date", "27/11/2026"), "YYYY-MM-DD"),
        (("--arxiv", "2203.02155", "--year", "22"), "22 is not in the range 1900<=x<=9999"),
    ],
)
def test_new_rejects_bad_arguments(args: tuple[str, ...], message: str) -> None:
    result = run_cli("new", *args)
    assert result.exit_code == 2
    assert message in result.stderr or message.replace("YYYY-MM-DD", "%Y-%m-%d") in result.stderr


# -- convert --------------------------------------------------------------------------------


def test_convert_yaml_to_turtle_and_back(tmp_path: Path) -> None:
    sources = [*loadable(VALID), ALL_SECTIONS]
    ttl = tmp_path / "all.ttl"
    assert run_cli("convert", *map(str, sources), "--to", "ttl", "-o", str(ttl)).exit_code == 0
    merged = Graph()
    for path in sources:
        merged += load_annotation(path).graph
    assert isomorphic(Graph().parse(ttl), merged)
    out = tmp_path / "yaml"
    result = run_cli("convert", str(ttl), "--to", "yaml", "-o", str(out))
    assert result.exit_code == 0 and "no place in the YAML format" not in result.stderr
    written = sorted(out.glob("*.yaml"))
    assert len(written) == len(sources)
    again = Graph()
    for path in written:
        assert path.read_text().startswith(f"{MODELINE}\nformat: 2\n")
        again += load_annotation(path).graph
    assert isomorphic(again, merged)


def test_convert_format1_yaml_writes_format_2() -> None:
    """A version-1 file converts to the format-2 YAML of the same RDF (comments are lost:
    `normspace migrate` is the command that rewrites a file in place)."""
    result = run_cli("convert", str(FORMAT1_YAML), "--to", "yaml")
    assert result.exit_code == 0
    assert f"note: {FORMAT1_YAML} is in annotation format 1 (deprecated)" in result.stderr
    assert "\nformat: 2\n" in result.stdout and "\ncontribution:\n" in result.stdout
    assert "proposes_no_approach" not in result.stdout and "\ntrade_offs:" not in result.stdout
    again = parse_text(result.stdout, "converted.yaml")
    assert again.errors == [] and again.document is not None
    assert isomorphic(again.document.graph, load_annotation(FORMAT1_YAML).graph)


def test_convert_format1_rdf_reads_as_one_contribution() -> None:
    """Turtle exported in format 1 (tags on the annotation) converts without reporting the
    moved triples as lost, to the YAML whose RDF the format-1 file now gives."""
    result = run_cli("convert", str(FORMAT1_TTL), "--to", "yaml")
    assert result.exit_code == 0
    assert "no place in the YAML format" not in result.stderr
    assert "is format-1 RDF; its tags and trade-offs were read as one contribution" in (
        result.stderr
    )
    again = parse_text(result.stdout, "converted.yaml")
    assert again.errors == [] and again.document is not None
    upgraded, [node] = upgrade_format1(Graph().parse(FORMAT1_TTL))
    assert str(node) == again.document.annotation_iri
    assert isomorphic(again.document.graph, upgraded)
    assert isomorphic(again.document.graph, load_annotation(FORMAT1_YAML).graph)


def test_convert_yaml_refuses_to_overwrite(tmp_path: Path) -> None:
    ttl = tmp_path / "one.ttl"
    run_cli("convert", str(ALL_SECTIONS), "--to", "ttl", "-o", str(ttl))
    assert run_cli("convert", str(ttl), "--to", "yaml", "-o", str(tmp_path)).exit_code == 0
    again = run_cli("convert", str(ttl), "--to", "yaml", "-o", str(tmp_path))
    assert again.exit_code == 2 and "use --force" in again.stderr
    assert (
        run_cli("convert", str(ttl), "--to", "yaml", "-o", str(tmp_path), "--force").exit_code == 0
    )


def test_convert_single_annotation_to_stdout_and_many_need_a_folder(tmp_path: Path) -> None:
    one = run_cli("convert", str(ALL_SECTIONS), "--to", "yaml")
    assert one.exit_code == 0 and one.stdout.startswith("# yaml-language-server")
    ttl = tmp_path / "all.ttl"
    run_cli("convert", str(ALL_SECTIONS), str(FORMAT1_YAML), "--to", "ttl", "-o", str(ttl))
    many = run_cli("convert", str(ttl), "--to", "yaml")
    assert many.exit_code == 2 and "give -o DIR" in many.stderr


def test_convert_trig_keeps_one_named_graph_per_annotation() -> None:
    sources = [*loadable(VALID), ALL_SECTIONS]
    result = run_cli("convert", *map(str, sources), "--to", "trig")
    dataset = Dataset()
    dataset.parse(data=result.stdout, format="trig")
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert names == {load_annotation(p).annotation_iri for p in sources}


def test_convert_jsonld_round_trip(tmp_path: Path) -> None:
    jsonld = tmp_path / "a.jsonld"
    assert run_cli("convert", str(ALL_SECTIONS), "--to", "jsonld", "-o", str(jsonld)).exit_code == 0
    assert "@context" in jsonld.read_text()
    nt = run_cli("convert", str(jsonld), "--to", "nt")
    graph = Graph().parse(data=nt.stdout, format="nt")
    assert isomorphic(graph, load_annotation(ALL_SECTIONS).graph)


def test_convert_refuses_invalid_yaml() -> None:
    result = run_cli("convert", str(UNKNOWN_TERM), "--to", "ttl")
    assert result.exit_code == 2
    assert expected_problem(UNKNOWN_TERM)["field"] in result.stderr
    assert "norm:Fairness" in result.stderr


def test_convert_reports_rdf_the_yaml_cannot_hold(tmp_path: Path) -> None:
    graph = load_annotation(ALL_SECTIONS).graph
    graph.add((URIRef(load_annotation(ALL_SECTIONS).annotation_iri), NORM.quote, NORM.Nothing))
    ttl = tmp_path / "extra.ttl"
    graph.serialize(ttl, format="turtle")
    result = run_cli("convert", str(ttl), "--to", "yaml")
    assert result.exit_code == 0
    assert "1 triples have no place in the YAML format" in result.stderr


@pytest.mark.parametrize(
    ("text", "changes"),
    [
        ("GPT-3 175B", False),
        ("norm:RLHF", True),  # written as text, read back as the approach term
    ],
)
def test_convert_warns_when_the_yaml_reads_back_differently(
    tmp_path: Path, text: str, changes: bool
) -> None:
    graph = Graph() + load_annotation(ALL_SECTIONS).graph
    finding = next(iter(graph.subjects(NORM.baselineDescription, Literal("GPT-3 175B"))))
    graph.remove((finding, NORM.baselineDescription, None))
    graph.add((finding, NORM.baselineDescription, Literal(text)))
    ttl = tmp_path / "baseline.ttl"
    graph.serialize(ttl, format="turtle")
    result = run_cli("convert", str(ttl), "--to", "yaml")
    assert result.exit_code == 0
    assert f'baseline: "{text}"' in result.stdout
    assert "no place in the YAML format" not in result.stderr
    warned = "triples read back differently from the written YAML" in result.stderr
    assert warned == changes  # the triples of the changed node, the offending one among them
    if changes:
        assert "norm:baselineDescription norm:RLHF" in result.stderr


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "dtd.rdf",
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&e;</rdf:RDF>',
            "DOCTYPE",
        ),
        (
            "remote.jsonld",
            '{"@context": "https://schema.org/", "@id": "https://doi.org/10.1/x", "name": "x"}',
            "remote JSON-LD context `https://schema.org/` is not fetched",
        ),
        (
            "nested.jsonld",
            '{"@context": [{"@import": "https://example.org/c.jsonld"}], "@id": "x"}',
            "is not fetched",
        ),
        ("broken.ttl", "<a> <b> .", "cannot parse as turtle"),
        ("data.csv", "a,b", "unknown RDF file type `.csv`"),
    ],
)
def test_convert_rejects_unsafe_or_broken_rdf(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    result = run_cli("convert", str(path), "--to", "yaml")
    assert result.exit_code == 2
    assert message in result.stderr


def test_convert_accepts_normspace_context_iri(tmp_path: Path) -> None:
    path = tmp_path / "ctx.jsonld"
    path.write_text(
        json.dumps(
            {
                "@context": "https://w3id.org/normspace/context.jsonld",
                "@id": "https://arxiv.org/abs/2203.02155",
                "@type": "Paper",
                "title": "Training language models to follow instructions with human feedback",
            }
        )
    )
    result = run_cli("convert", str(path), "--to", "nt")
    assert result.exit_code == 0
    assert "<https://w3id.org/normspace#Paper>" in result.stdout


# -- import-refs ----------------------------------------------------------------------------


def test_import_bibtex(tmp_path: Path) -> None:
    bib = DATA / "refs" / "references.bib"
    result = run_cli(
        "import-refs",
        str(bib),
        "--out-dir",
        str(tmp_path),
        "--annotator",
        "Jane Doe",
        "--date",
        "2026-11-27",
    )
    assert result.exit_code == 1  # one entry has no identifier
    assert (
        "entry `lazar2023` (line 35): skipped: it has neither a DOI nor an arXiv id"
        in result.stderr
    )
    assert "5 references: wrote 4 files, kept 0 existing, skipped 1" in result.stderr
    names = sorted(p.name for p in tmp_path.glob("*.yaml"))
    assert names == [
        "arxiv-2203.02155--jane-doe.yaml",
        "arxiv-2212.08073--jane-doe.yaml",
        "arxiv-2404.16019--jane-doe.yaml",
        "doi-10.1145-3287560.3287598--jane-doe.yaml",
    ]
    prism = parse_text((tmp_path / names[2]).read_text(), "prism.yaml")
    assert prism.errors == []
    paper = prism.document.annotation.paper
    assert [a.name for a in paper.authors][:3] == [
        "Hannah Rose Kirk",
        "Alexander Whitefield",
        "Paul Röttger",
    ]
    assert (
        paper.authors_incomplete
        and paper.year == 2024
        and paper.title == "The PRISM Alignment Dataset"
    )


def test_import_never_overwrites_without_force(tmp_path: Path) -> None:
    csl = DATA / "refs" / "zotero.json"
    run_cli("import-refs", str(csl), "--out-dir", str(tmp_path))
    target = tmp_path / "arxiv-2402.05070.yaml"
    target.write_text("# annotated by hand\n")
    kept = run_cli("import-refs", str(csl), "--out-dir", str(tmp_path))
    assert "kept existing" in kept.stderr and target.read_text() == "# annotated by hand\n"
    run_cli("import-refs", str(csl), "--out-dir", str(tmp_path), "--force")
    assert 'arxiv: "2402.05070"' in target.read_text()  # arXiv DataCite DOI -> arXiv id


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "bad.bib",
            "@article{x,\n  title = {unterminated\n@article{y, title={z}}",
            "cannot parse BibTeX",
        ),
        ("bad.json", "{not json", "not valid JSON"),
        ("list.json", '{"a": 1}', "expected CSL-JSON"),
        ("refs.ris", "TY  - JOUR", "unknown reference file type"),
    ],
)
def test_import_rejects_unreadable_reference_files(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    result = run_cli("import-refs", str(path), "--out-dir", str(tmp_path / "out"))
    assert result.exit_code == 2 and message in result.stderr


def test_import_without_skips_exits_zero(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(
        json.dumps(
            [{"id": "lyons", "title": "Conceptualising Contestability", "DOI": "10.1145/3449180"}]
        )
    )
    result = run_cli("import-refs", str(path), "--out-dir", str(tmp_path / "out"))
    assert result.exit_code == 0 and (tmp_path / "out" / "doi-10.1145-3449180.yaml").is_file()

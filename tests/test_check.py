"""``normspace check`` and ``normspace fmt``: the real ontology passes; broken fixtures fail
with the precise rule, entity and exit code.

Each folder of ``tests/data/check/<case>/`` holds a ``case.yaml`` naming the ontology
files to check (most reuse ``_base/``, adding or replacing one file), whether HermiT runs,
the corpus whose term mentions the QC rules see (default ``_base/corpus/``, so that cases
do not depend on the bundled corpus), the exit code and *exactly* the findings (rule,
severity, entity, property) expected.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from ruamel.yaml import YAML

from normspace.canonical import canonical_turtle, format_files
from normspace.cli.check import write_text
from normspace.namespaces import curie
from normspace.ontology import ontology_files
from normspace.qc import load_rules, parse_rule
from normspace.release import corpus_files
from normspace.resources import queries_dir

CASES_DIR = Path(__file__).parent / "data" / "check"
CASES = sorted(p for p in CASES_DIR.iterdir() if (p / "case.yaml").is_file())
BASE_CORPUS = CASES_DIR / "_base" / "corpus"


def load_case(case: Path) -> dict:
    return YAML(typ="safe").load((case / "case.yaml").read_text(encoding="utf-8"))


def check_args(case: Path, spec: dict) -> list[str]:
    args = ["check", "--format", "json"]
    for name in spec["ontology"]:
        args += ["--ontology", str(case / name)]
    if not spec["reasoner"]:
        args.append("--no-reasoner")
    if spec.get("queries"):
        args += ["--queries", str(case / spec["queries"])]
    if spec.get("shapes"):
        args += ["--shapes", str(case / spec["shapes"])]
    args += ["--corpus", str(case / spec["corpus"] if spec.get("corpus") else BASE_CORPUS)]
    return args


def _as_curie(text: str | None) -> str | None:
    return curie(text) if text else None


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_check_case(case: Path, run_cli) -> None:
    spec = load_case(case)
    result = run_cli(*check_args(case, spec))

    assert result.exit_code == spec["exit_code"], result.output
    if spec["exit_code"] == 2:
        assert spec["error"] in result.stderr
        assert "Traceback" not in result.output
        return
    report = json.loads(result.stdout)
    actual = sorted(
        (f["rule"], f["severity"], _as_curie(f["entity"]), _as_curie(f["property"]))
        for f in report["findings"]
    )
    expected = sorted(
        (f["rule"], f["severity"], f["entity"], f["property"]) for f in spec["findings"]
    )
    assert actual == expected
    assert all(f["message"] for f in report["findings"])
    assert report["summary"]["errors"] == sum(1 for f in actual if f[1] == "ERROR")


def test_every_qc_rule_is_tested() -> None:
    """Each rule has a failing case here, or (for rules other modules own) is named in
    another test file or fixture under tests/."""
    in_cases = {f["rule"] for c in CASES for f in load_case(c)["findings"]}
    tests_dir = Path(__file__).parent
    elsewhere = "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in tests_dir.rglob("*")
        if p.is_file()
        and p.suffix in {".py", ".yaml", ".yml"}
        and CASES_DIR not in p.parents
        and p != Path(__file__)
    )
    untested = [r.name for r in load_rules() if r.name not in in_cases and r.name not in elsewhere]
    assert untested == []


def test_qc_rules_have_complete_headers() -> None:
    rules = load_rules()
    assert rules, "queries/qc holds no rules"
    for rule in rules:
        assert rule.title and rule.description.endswith(".")
        assert rule.severity in {"ERROR", "WARN", "INFO"}


def test_qc_rule_without_entity_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.rq"
    path.write_text(
        "# title: t\n# description: d.\n# severity: WARN\nSELECT ?x WHERE { ?x ?p ?o }\n"
    )
    with pytest.raises(Exception, match="returning \\?entity"):
        parse_rule(path)


def test_library_queries_parse() -> None:
    """Every query of the bundled library parses (the real `check` reports those that don't)."""
    from rdflib.plugins.sparql import prepareQuery

    for path in sorted(queries_dir().glob("*.rq")):
        prepareQuery(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------
# The real ontology
# --------------------------------------------------------------------------------------


def test_real_ontology_passes_all_checks(ontology_check_report) -> None:
    report = ontology_check_report
    problems = [f for f in report.findings if f.severity in {"ERROR", "WARN"}]
    assert problems == []
    assert report.exit_code == 0
    assert report.stats["consistent"] is True
    assert report.stats["files"] == len(ontology_files())
    assert report.stats["corpus_files"] == len(corpus_files()) > 0


def test_real_ontology_text_report(ontology_check_report) -> None:
    out = io.StringIO()
    write_text(ontology_check_report, out)
    text = out.getvalue()
    assert "0 errors, 0 warnings" in text
    assert "HermiT: consistent" in text
    assert text.rstrip().endswith("OK")


def test_text_report_is_a_table_with_curies(run_cli) -> None:
    case = CASES_DIR / "missing-definition"
    args = [a for a in check_args(case, load_case(case)) if a not in ("--format", "json")]
    result = run_cli(*args)
    assert result.exit_code == 1
    header, *rows = [line for line in result.stdout.splitlines() if line.strip()][:3]
    assert header.split()[:4] == ["SEVERITY", "RULE", "ENTITY", "MESSAGE"]
    assert any("missing-definition" in r and "norm:Justice" in r for r in rows)
    assert "FAILED" in result.stdout


def test_report_written_to_file(run_cli, tmp_path: Path) -> None:
    case = CASES_DIR / "valid"
    out = tmp_path / "report.json"
    result = run_cli(*check_args(case, load_case(case)), "-o", out)
    assert result.exit_code == 0
    assert json.loads(out.read_text())["summary"]["errors"] == 0


# --------------------------------------------------------------------------------------
# fmt: deterministic serialisation
# --------------------------------------------------------------------------------------

FMT_SOURCE = CASES_DIR / "_base" / "terms.ttl"
_SERIALISE = (
    "import sys; from rdflib import Graph; from normspace.canonical import canonical_turtle;"
    "sys.stdout.write(canonical_turtle(Graph().parse(sys.argv[1])))"
)


def _serialise_in_subprocess(path: Path, seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run(
        [sys.executable, "-c", _SERIALISE, str(path)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout


def test_canonical_form_is_stable_across_hash_seeds() -> None:
    shapes = Path(__file__).parents[1] / "shapes" / "annotation-shapes.ttl"  # has blank nodes
    for path in (FMT_SOURCE, shapes):
        assert _serialise_in_subprocess(path, "1") == _serialise_in_subprocess(path, "4242")


def test_canonical_form_is_a_fixed_point() -> None:
    text = canonical_turtle(Graph().parse(FMT_SOURCE))
    again = canonical_turtle(Graph().parse(data=text, format="turtle"))
    assert text == again


def test_fmt_check_rewrite_and_recheck(run_cli, tmp_path: Path) -> None:
    source = tmp_path / "terms.ttl"
    source.write_text(FMT_SOURCE.read_text())
    before = Graph().parse(source)

    result = run_cli("fmt", "--check", source)
    assert result.exit_code == 1 and "terms.ttl" in result.stdout
    assert run_cli("fmt", source).exit_code == 0
    assert run_cli("fmt", "--check", source).exit_code == 0

    from rdflib.compare import isomorphic

    assert isomorphic(before, Graph().parse(source))


def test_fmt_reports_unparseable_file(run_cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n")
    result = run_cli("fmt", "--check", bad)
    assert result.exit_code == 2
    assert "bad.ttl" in result.stderr and "Traceback" not in result.output


def test_ontology_sources_are_canonical() -> None:
    """The ontology sources are kept in canonical form (run `normspace fmt` to fix).

    Reads the files at run time: it fails until the sources have been formatted.
    """
    not_canonical = [
        r.path.name for r in format_files(ontology_files(), write=False) if not r.canonical
    ]
    assert not_canonical == [], f"run `normspace fmt`: {not_canonical}"


def test_canonical_form_puts_the_ontology_header_first() -> None:
    graph = Graph()
    for name in ("core.ttl", "header.ttl"):
        graph.parse(CASES_DIR / "_base" / name)
    blocks = canonical_turtle(graph).split("\n\n")
    assert blocks[0].startswith("PREFIX ")
    assert blocks[1].startswith("<https://w3id.org/normspace>\n    a owl:Ontology ;")


def test_reasoner_input_drops_owl_imports() -> None:
    """HermiT gets the ontology without owl:imports, so nothing is ever fetched."""
    from normspace.reasoning import without_imports

    graph = Graph().parse(CASES_DIR / "owl-imports" / "extra.ttl")
    graph.parse(CASES_DIR / "_base" / "header.ttl")
    stripped, dropped = without_imports(graph)
    assert dropped == ["https://w3id.org/dpv"]
    assert len(stripped) == len(graph) - 1


# ---------------------------------------------------------------------------
# The QC rules run on Oxigraph; rdflib must find exactly the same
# ---------------------------------------------------------------------------

QC_ENGINE_CASES = [c for c in CASES if load_case(c)["exit_code"] != 2]


def _usage_for(ontology, shapes: Path, queries: Path, corpus: Path):
    from normspace.qc import UsageIndex, check_library_queries, corpus_usage, shapes_findings

    usage = UsageIndex()
    shapes_findings(shapes, usage)
    check_library_queries(queries, usage)
    corpus_usage(ontology, corpus, usage)
    return usage


def _both_engines(ontology, rules, usage):
    from normspace.qc import run_rules

    return (
        run_rules(ontology, rules, usage, engine="oxigraph"),
        run_rules(ontology, rules, usage, engine="rdflib"),
    )


def test_qc_engines_agree_on_the_bundled_ontology(ontology_graph) -> None:
    """Issue 7: the rules moved from rdflib's SPARQL engine to Oxigraph (2.6 s -> 0.04 s).
    Without the usage graph the bundled ontology has findings (unused properties), so
    the comparison is not between two empty lists."""
    from normspace.resources import corpus_dir, shapes_dir

    rules = load_rules()
    oxigraph, rdflib_ = _both_engines(ontology_graph, rules, None)
    assert oxigraph and oxigraph == rdflib_
    usage = _usage_for(ontology_graph, shapes_dir(), queries_dir(), corpus_dir())
    assert (
        _both_engines(ontology_graph, rules, usage)[0]
        == _both_engines(ontology_graph, rules, usage)[1]
    )


@pytest.mark.parametrize("case", QC_ENGINE_CASES, ids=[c.name for c in QC_ENGINE_CASES])
def test_qc_engines_agree_on_check_fixtures(case: Path) -> None:
    from normspace.ontology import parse_files
    from normspace.resources import shapes_dir

    spec = load_case(case)
    ontology = parse_files([case / name for name in spec["ontology"]])
    queries = case / spec["queries"] if spec.get("queries") else queries_dir()
    shapes = case / spec["shapes"] if spec.get("shapes") else shapes_dir()
    corpus = case / spec["corpus"] if spec.get("corpus") else BASE_CORPUS
    usage = _usage_for(ontology, shapes, queries, corpus)
    oxigraph, rdflib_ = _both_engines(ontology, load_rules(queries / "qc"), usage)
    assert oxigraph == rdflib_


def test_qc_engine_name_is_checked(ontology_graph) -> None:
    from normspace.qc import run_rules

    with pytest.raises(ValueError, match="not 'oxigraph' or 'rdflib'"):
        run_rules(ontology_graph, [], engine="jena")

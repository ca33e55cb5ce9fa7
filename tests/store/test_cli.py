"""Every store and query command through the CLI, with its exit codes (0 ok, 1 validation
failure, 2 usage or input error) and its error messages."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from normspace.store import OxigraphStore

from .conftest import CORPUS, QUERY_DATA, STORE_DATA

OUYANG = "https://arxiv.org/abs/2203.02155"
BAI = "https://w3id.org/normspace/annotation/arxiv/2212.08073/fixture-annotator-a"


def dump(path: Path) -> bytes:
    with OxigraphStore(path, read_only=True) as store:
        return store.dump()


def graphs(path: Path) -> list[str]:
    with OxigraphStore(path, read_only=True) as store:
        return store.graphs()


# ---------------------------------------------------------------------------
# load
# ---------------------------------------------------------------------------


def test_load_reports_what_it_loaded(run_cli, tmp_path):
    result = run_cli("load", CORPUS, "--store", tmp_path / "s")
    assert result.exit_code == 0
    assert "loaded 8 annotations of 7 papers" in result.stderr
    assert "warning: The normative assumption has no evidence" in result.stderr
    assert len(graphs(tmp_path / "s")) == 3 + 8  # ontology, mappings, imports, annotations


def test_quiet_load_prints_nothing(run_cli, tmp_path):
    result = run_cli("-q", "load", CORPUS / "bai2022.yaml", "--store", tmp_path / "s")
    assert (result.exit_code, result.stderr) == (0, "")


@pytest.mark.parametrize(
    ("folder", "code", "message"),
    [
        ("invalid", 1, "unknown term `norm:Fairnes`"),
        ("unreadable", 2, "YAML syntax error"),
    ],
)
def test_a_failed_load_leaves_the_store_unchanged(run_cli, store_copy, folder, code, message):
    before = dump(store_copy)
    result = run_cli("load", STORE_DATA / "new", STORE_DATA / folder, "--store", store_copy)
    assert result.exit_code == code
    assert message in result.stderr
    assert "nothing loaded" in result.stderr
    assert dump(store_copy) == before


def test_two_files_with_the_same_annotation_are_refused(run_cli, tmp_path):
    twin = tmp_path / "twin.yaml"
    shutil.copy(CORPUS / "bai2022.yaml", twin)
    result = run_cli("load", CORPUS / "bai2022.yaml", twin, "--store", tmp_path / "s")
    # a validation error of the second file, as `normspace validate` reports it
    assert result.exit_code == 1
    assert "twin.yaml" in result.stderr and "same annotation" in result.stderr
    assert not (tmp_path / "s").exists() or graphs(tmp_path / "s") == []


def test_reloading_an_edited_file_replaces_it(run_cli, store_copy):
    result = run_cli("load", STORE_DATA / "edited" / "bai2022.yaml", "--store", store_copy)
    assert result.exit_code == 0
    assert "1 replaced an earlier version" in result.stderr
    assert len(graphs(store_copy)) == 11


def test_load_into_an_unreachable_endpoint_names_it(run_cli):
    result = run_cli("load", CORPUS, "--endpoint", "http://localhost:9/sparql")
    assert result.exit_code == 2
    assert "cannot reach the SPARQL endpoint http://localhost:9/sparql" in result.stderr


# ---------------------------------------------------------------------------
# remove
# ---------------------------------------------------------------------------


def test_remove_by_file_annotation_iri_and_paper_iri(run_cli, store_copy):
    result = run_cli("remove", CORPUS / "sap2022.yaml", BAI, OUYANG, "--store", store_copy)
    assert result.exit_code == 0, result.stderr
    assert "removed 4 annotations" in result.stderr
    remaining = [g for g in graphs(store_copy) if "/annotation/" in g]
    assert len(remaining) == 4


def test_remove_a_deleted_file_by_its_recorded_path(run_cli, tmp_path):
    copy = tmp_path / "corpus" / "sap.yaml"
    copy.parent.mkdir()
    shutil.copy(CORPUS / "sap2022.yaml", copy)
    assert run_cli("-q", "load", copy, "--store", tmp_path / "s").exit_code == 0
    copy.unlink()
    result = run_cli("remove", copy, "--store", tmp_path / "s")
    assert result.exit_code == 0, result.stderr
    assert not [g for g in graphs(tmp_path / "s") if "/annotation/" in g]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("https://doi.org/10.9999/nothing", "matches nothing in the store"),
        ("https://w3id.org/normspace", "reference data"),
        ("no-such-file.yaml", "matches nothing"),
    ],
)
def test_remove_with_an_unknown_target_removes_nothing(run_cli, store_copy, target, message):
    before = dump(store_copy)
    result = run_cli("remove", BAI, target, "--store", store_copy)
    assert result.exit_code == 2
    assert message in result.stderr
    assert dump(store_copy) == before


def test_remove_needs_an_existing_store(run_cli, tmp_path):
    result = run_cli("remove", BAI, "--store", tmp_path / "none")
    assert result.exit_code == 2
    assert "no store at" in result.stderr


# ---------------------------------------------------------------------------
# export
# ---------------------------------------------------------------------------


def test_export_everything_as_nquads(run_cli, loaded_store_dir, tmp_path):
    out = tmp_path / "all.nq"
    result = run_cli("export", "--store", loaded_store_dir, "-o", out)
    assert result.exit_code == 0
    quads = list(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))
    graph_names = {q.graph_name.value for q in quads}
    assert len(graph_names) == 11 and "https://w3id.org/normspace/store" not in graph_names


def test_export_one_graph_as_turtle(run_cli, loaded_store_dir):
    result = run_cli("export", "--store", loaded_store_dir, "--graph", BAI, "--format", "ttl")
    assert result.exit_code == 0
    assert "norm:hasAlignmentApproach" in result.stdout
    assert "@prefix" in result.stdout or "PREFIX" in result.stdout


def test_export_of_an_unknown_graph_is_an_error(run_cli, loaded_store_dir):
    result = run_cli("export", "--store", loaded_store_dir, "--graph", BAI + "x")
    assert result.exit_code == 2
    assert f"did you mean <{BAI}>" in result.stderr


# ---------------------------------------------------------------------------
# query
# ---------------------------------------------------------------------------


def test_query_list(run_cli):
    result = run_cli("query", "--list")
    assert result.exit_code == 0
    assert "papers-by-approach" in result.stdout and "?approach" in result.stdout


def test_query_as_csv_matches_the_library_result(run_cli, loaded_store_dir):
    """approach-value-matrix does not depend on the hierarchy, so the bundled ontology
    gives the same result as the ontology slice of the query tests."""
    result = run_cli("query", "approach-value-matrix", "-f", "csv", "--store", loaded_store_dir)
    assert result.exit_code == 0
    expected = (QUERY_DATA / "expected" / "approach-value-matrix.csv").read_text(encoding="utf-8")
    assert result.stdout == expected


def test_query_with_parameters_and_json_output(run_cli, loaded_store_dir, tmp_path):
    out = tmp_path / "r.json"
    result = run_cli(
        "query",
        "papers-by-approach",
        "--param",
        "approach=Constitutional AI",
        "--format",
        "json",
        "-o",
        out,
        "--store",
        loaded_store_dir,
    )
    assert result.exit_code == 0
    rows = json.loads(out.read_text())["results"]["bindings"]
    assert {r["taggedApproach"]["value"].rsplit("#")[1] for r in rows} == {
        "ConstitutionalAI",
        "CollectiveConstitutionalAI",
    }


def test_query_file_with_a_literal_parameter(run_cli, loaded_store_dir):
    result = run_cli(
        "query",
        QUERY_DATA / "files" / "count-tags.rq",
        "-p",
        "property=norm:hasValue",
        "-p",
        "min=3",
        "-f",
        "csv",
        "--store",
        loaded_store_dir,
    )
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows == [
        ["contribution", "tags"],
        [
            "https://w3id.org/normspace/annotation/arxiv/2203.02155/fixture-annotator-a"
            "/contribution/1",
            "3",
        ],
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["papers-by-approch"], "did you mean `papers-by-approach`"),
        (["papers-by-approach"], "needs parameter ?approach"),
        (["papers-by-approach", "-p", "approach=norm:RLHG"], "did you mean `norm:RLHF`"),
        (["papers-by-approach", "-p", "norm:RLHF"], "is not NAME=VALUE"),
        (["papers", "-p", "x=1"], "takes no parameters"),
        ([], "name a query"),
    ],
)
def test_query_usage_errors_exit_2(run_cli, loaded_store_dir, args, message):
    result = run_cli("query", *args, "--store", loaded_store_dir)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_query_without_a_store_says_how_to_make_one(run_cli, tmp_path):
    result = run_cli("query", "papers", "--store", tmp_path / "none")
    assert result.exit_code == 2
    assert "normspace load" in result.stderr


def test_query_table_with_labels(run_cli, loaded_store_dir):
    result = run_cli(
        "query", "approaches-without-contestability", "--labels", "--store", loaded_store_dir
    )
    assert result.exit_code == 0
    assert "direct preference optimisation" in result.stdout and "norm:" not in result.stdout


# ---------------------------------------------------------------------------
# compare, terms, show
# ---------------------------------------------------------------------------


def test_compare_markdown(run_cli, loaded_store_dir):
    result = run_cli(
        "compare",
        "norm:RLHF",
        "Constitutional AI",
        "-f",
        "markdown",
        "--curies",
        "--store",
        loaded_store_dir,
    )
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "| dimension | norm:RLHF (1 paper) | norm:ConstitutionalAI (2 papers) |"
    assert any(
        line.startswith("| contestability |  | norm:CollectiveContestation (1) |") for line in lines
    )


@pytest.mark.parametrize(
    ("role", "header"),
    [
        ("critiques", "| dimension | norm:RLHF, norm:Critiques (1 paper) |"),
        ("uses-as-baseline", "| dimension | norm:RLHF, norm:UsesAsBaseline (1 paper) |"),
        ("evaluates", "| dimension | norm:RLHF, norm:Evaluates (0 papers) |"),
    ],
)
def test_compare_by_role(run_cli, loaded_store_dir, role, header):
    """The DPO paper critiques RLHF and uses it as its baseline; nobody evaluates it."""
    args = ("compare", "norm:RLHF", "--role", role, "-f", "markdown", "--curies")
    result = run_cli(*args, "--store", loaded_store_dir)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == header


def test_compare_unknown_role(run_cli, loaded_store_dir):
    result = run_cli("compare", "norm:RLHF", "--role", "critiqes", "--store", loaded_store_dir)
    assert result.exit_code == 2
    assert "did you mean `norm:Critiques`" in result.stderr


def test_compare_unknown_approach(run_cli, loaded_store_dir):
    result = run_cli("compare", "norm:RLFH", "--store", loaded_store_dir)
    assert result.exit_code == 2
    assert "did you mean `norm:RLHF`" in result.stderr


def test_compare_rejects_a_term_of_another_scheme(run_cli, loaded_store_dir):
    result = run_cli("compare", "norm:Fairness", "--store", loaded_store_dir)
    assert result.exit_code == 2
    assert "expected a term of norm:AlignmentApproachScheme" in result.stderr


def test_terms_search(run_cli):
    result = run_cli("terms", "human feedback", "--scheme", "approaches", "-f", "csv")
    assert result.exit_code == 0
    found = [row[0] for row in csv.reader(io.StringIO(result.stdout))][1:]
    assert "norm:RLHF" in found
    assert all(row.startswith("norm:") for row in found)


def test_terms_without_match_hints(run_cli):
    result = run_cli("terms", "Fairnes", "--scheme", "norm:StakeholderScheme")
    assert result.exit_code == 0
    assert "no term matches `Fairnes`" in result.stderr


def test_terms_unknown_scheme(run_cli):
    result = run_cli("terms", "x", "--scheme", "valus")
    assert result.exit_code == 2
    assert "did you mean `norm:ValueScheme`" in result.stderr


def test_show_term_with_usage(run_cli, loaded_store_dir):
    result = run_cli("show", "norm:CriminalJustice", "--store", loaded_store_dir)
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("norm:CriminalJustice  ")
    for field in ("definition:", "source:", "broader:", "norm:DeploymentDomain"):
        assert field in out
    assert "norm:HighRisk" in out  # its typical risk tier
    assert "1 paper tagged with it directly, 1 with it or a narrower term" in out


def test_show_json_counts_narrower_terms(run_cli, loaded_store_dir):
    result = run_cli("show", "norm:DeploymentDomain", "--json", "--store", loaded_store_dir)
    assert result.exit_code == 0
    info = json.loads(result.stdout)
    assert info["usage"] == {"direct": 0, "total": 6}
    assert any(n.startswith("norm:Healthcare") for n in info["narrower"])


def test_show_without_store_and_unknown_term(run_cli, tmp_path):
    result = run_cli("show", "norm:RLHF", "--store", tmp_path / "none")
    assert result.exit_code == 0
    assert "no store at" in result.stdout
    result = run_cli("show", "norm:RLHG")
    assert result.exit_code == 2
    assert "did you mean `norm:RLHF`" in result.stderr


def test_load_refuses_a_folder_that_is_not_a_store(run_cli, tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    result = run_cli("load", CORPUS / "bai2022.yaml", "--store", tmp_path)
    assert result.exit_code == 2
    assert "is not a NormSpace store" in result.stderr


# ---------------------------------------------------------------------------
# Behaviour shared by every command (review of issue 3)
# ---------------------------------------------------------------------------

MAIN = "import sys; from normspace.cli.main import main; sys.argv[0] = 'normspace'; main()"


@pytest.mark.parametrize(
    "command",
    [("terms", "fairness"), ("query", "--list"), ("show", "norm:RLHF", "--store", "none")],
    ids=["terms", "query-list", "show"],
)
def test_unwritable_output_is_an_input_error_for_every_command(run_cli, tmp_path, command):
    target = tmp_path / "missing" / "out.txt"
    result = run_cli(*command, "-o", target)
    assert result.exit_code == 2
    assert f"cannot open {target}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("position", ["before", "after"])
def test_quiet_and_verbose_work_before_and_after_the_command(run_cli, tmp_path, position):
    def args(flag: str, store: Path) -> list:
        command = ["load", CORPUS / "bai2022.yaml", "--store", store]
        return [flag, *command] if position == "before" else [*command[:1], flag, *command[1:]]

    quiet = run_cli(*args("-q", tmp_path / "q"))
    assert (quiet.exit_code, quiet.stderr) == (0, "")
    verbose = run_cli(*args("-v", tmp_path / "v"))
    assert verbose.exit_code == 0
    assert "INFO normspace.validation: validated 1 files" in verbose.stderr
    assert "INFO normspace.loading: wrote 4 graphs in one transaction" in verbose.stderr
    assert "DEBUG" not in verbose.stderr
    debug = run_cli(*args("-vv", tmp_path / "d"))
    assert "DEBUG normspace.validation: validated " in debug.stderr


def test_verbose_query_logs_its_timing(run_cli, loaded_store_dir):
    result = run_cli("query", "papers", "-v", "--store", loaded_store_dir)
    assert result.exit_code == 0
    assert "INFO normspace.cli.query: query papers: 7 rows in " in result.stderr


@pytest.mark.parametrize(
    "command",
    [("terms", "-q"), ("compare", "norm:RLHF", "norm:ConstitutionalAI", "-f", "json")],
    ids=["terms", "compare"],
)
def test_closing_the_pipe_early_ends_quietly(loaded_store_dir, command):
    """`normspace terms | head -1`: the reader goes away; no error, exit 0 (pipefail-safe)."""
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-c", MAIN, *command],
        env={**os.environ, "NORMSPACE_STORE": str(loaded_store_dir)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0, stderr
    assert stderr == ""


@pytest.mark.parametrize("command", [("query", "papers"), ("export",), ("remove", BAI)])
def test_missing_or_empty_store_says_how_to_build_one(run_cli, tmp_path, command):
    empty = tmp_path / "empty"
    empty.mkdir()
    for store in (tmp_path / "none", empty):
        result = run_cli(*command, "--store", store)
        assert result.exit_code == 2
        assert f"no store at {store}: build one with `normspace run --store {store}`" in (
            result.stderr
        )
        assert "normspace load FILE..." in result.stderr
    assert not any(empty.iterdir())  # an empty folder is not turned into a store


@pytest.mark.parametrize(
    "target",
    [
        "https://doi.org/10.1007/S11023-022-09611-Z",
        "doi:10.1007/s11023-022-09611-z",
        "10.1007/S11023-022-09611-z",
        "http://dx.doi.org/10.1007/s11023-022-09611-z",
    ],
)
def test_remove_a_paper_by_doi_in_any_form(run_cli, store_copy, target):
    before = graphs(store_copy)
    result = run_cli("remove", target, "--store", store_copy)
    assert result.exit_code == 0, result.stderr
    assert len(graphs(store_copy)) == len(before) - 1


@pytest.mark.parametrize("target", ["arXiv:2203.02155v2", "https://arxiv.org/pdf/2203.02155"])
def test_remove_a_paper_by_arxiv_id(run_cli, store_copy, target):
    before = graphs(store_copy)
    result = run_cli("remove", target, "--store", store_copy)
    assert result.exit_code == 0, result.stderr
    assert len(graphs(store_copy)) == len(before) - 2  # ouyang2022 has two annotations


def test_same_annotation_from_another_file_warns_naming_both(run_cli, store_copy, tmp_path):
    copy = tmp_path / "bai-copy.yaml"
    shutil.copy(CORPUS / "bai2022.yaml", copy)
    result = run_cli("load", copy, "--store", store_copy)
    assert result.exit_code == 0
    assert f"{copy} replaces annotation <{BAI}>" in result.stderr
    assert str((CORPUS / "bai2022.yaml").resolve()) in result.stderr
    again = run_cli("load", copy, "--store", store_copy)  # same file again: no warning
    assert "replaces annotation" not in again.stderr


def test_invalid_query_file_error_names_the_file(run_cli, loaded_store_dir, tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?x WHERE { ?x ?y }\n", encoding="utf-8")
    result = run_cli("query", bad, "--store", loaded_store_dir)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {bad}: invalid SPARQL query")


def test_show_a_concept_scheme(run_cli, tmp_path):
    result = run_cli("show", "norm:ValueScheme", "--json", "--store", tmp_path / "none")
    assert result.exit_code == 0, result.stderr
    info = json.loads(result.stdout)
    assert (info["term"], info["label"], info["type"]) == (
        "norm:ValueScheme",
        "values",
        "skos:ConceptScheme",
    )
    assert info["definition"] and "norm:Fairness (fairness)" in info["top concepts"]
    assert info["terms"] > len(info["top concepts"])

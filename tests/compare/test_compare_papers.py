"""`normspace compare --by paper|contribution`: papers and contributions side by side,
exactly, on the fixture corpus (tests/data/queries/corpus, loaded by `normspace load` so
that the store records the files and their stems name papers)."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from normspace.compare import DIMENSIONS, dimension_keys
from normspace.results import FORMATS, Table, render

DATA = Path(__file__).parent.parent / "data" / "queries"
EXPECTED = DATA / "expected-compare"
SELBST = "10.1145/3287560.3287598"  # a critique without an approach (conceptual paper)

#: Expected output -> the `normspace compare` arguments that produce it (tests as data).
CASES: dict[str, tuple[str, ...]] = {
    "paper-diff-selbst-huang.txt": ("--by", "paper", "--diff-only", SELBST, "huang2024"),
    "paper-diff-selbst-huang.csv": (
        "--by", "paper", "--diff-only", SELBST, "huang2024", "-f", "csv",
    ),
    "paper-diff-selbst-huang.md": (
        "--by", "paper", "--diff-only", SELBST, "huang2024", "-f", "markdown",
    ),
    "paper-diff-selbst-huang.html": (
        "--by", "paper", "--diff-only", SELBST, "huang2024", "-f", "html",
    ),
    # a paper annotated twice: one column, what only one annotator recorded is marked
    "paper-double-annotated.md": (
        "--by", "paper", "ouyang2022", "--dimension", "values", "--dimension", "assumptions",
        "--dimension", "trade-offs", "-f", "markdown",
    ),
    # a paper's contributions, each its own column; CURIEs
    "contribution-dpo.csv": ("--by", "contribution", "arXiv:2305.18290", "-f", "csv", "--curies"),
    "contribution-ids-diff.md": (
        "--by", "contribution", "huang2024#ccai", "rafailov2023#dpo", "--diff-only",
        "--dimension", "values", "--dimension", "findings", "--dimension", "study",
        "--dimension", "role", "-f", "markdown",
    ),
    "paper-dimension-subset.csv": (
        "--by", "paper", "selbst2019", "alfrink2023", "--dimension", "contestability",
        "--dimension", "values", "-f", "csv",
    ),
    "approach-dimension-diff.md": (
        "norm:RLHF", "Constitutional AI", "--dimension", "values", "--dimension", "contexts",
        "--dimension", "pluralism", "--diff-only", "-f", "markdown", "--curies",
    ),
    "paper-critiques-role.csv": (
        "--by", "paper", "2305.18290", "--role", "critiques", "--dimension", "approaches",
        "--dimension", "values", "-f", "csv",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CASES))
def test_comparison_is_exactly_the_expected_output(run_cli, loaded_store_dir, name):
    result = run_cli("compare", *CASES[name], "--store", loaded_store_dir)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (EXPECTED / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--by", "paper", "10.1145/3287560.328759"), "did you mean `10.1145/3287560.3287598`"),
        (("--by", "paper", "selbts2019"), "unknown paper `selbts2019`; did you mean `selbst2019`"),
        (("--by", "paper", SELBST, "--dimension", "valeus"), "did you mean `values`"),
        (("norm:RLHF", "--dimension", "findings"), "unknown dimension `findings` for --by "),
        (("--by", "contribution", "huang2024#cca"), "no contribution `cca`; did you mean `ccai`"),
        (("--by", "paper", SELBST, "selbst2019"), "is given twice"),
        (("--by", "paper"), "too wide for the terminal table"),
        (
            (
                "--by",
                "contribution",
                "huang2024",
                "rafailov2023",
                "ouyang2022",
                "selbst2019",
                "alfrink2023",
                "bai2022",
                "sap2022",
            ),
            "10 columns are too wide for the terminal table (at most 8)",
        ),
        ((), "name at least one alignment approach"),
        (("--by", "papers", SELBST), "'papers' is not one of"),
    ],
    ids=[
        "doi-typo",
        "stem-typo",
        "dimension-typo",
        "dimension-of-another-mode",
        "contribution-id-typo",
        "paper-twice",
        "all-papers-in-the-terminal",
        "too-many-columns-for-the-terminal",
        "no-approach",
        "by-typo",
    ],
)
def test_bad_references_are_explained(run_cli, loaded_store_dir, args, message):
    result = run_cli("compare", *args, "--store", loaded_store_dir)
    assert result.exit_code == 2
    assert message in result.stderr


def test_every_paper_appears_even_without_an_approach(run_cli, loaded_store_dir):
    """All papers (no REF): one column each, the critique that proposes no approach too,
    with its explicit "none"."""
    result = run_cli("compare", "--by", "paper", "-f", "csv", "--store", loaded_store_dir)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    header, cells = rows[0], {row[0]: row[1:] for row in rows[1:]}
    assert len(header) == 1 + 7
    selbst = header.index("Fairness and Abstraction in Sociotechnical Systems (2019)") - 1
    assert cells["paper"][selbst] == "https://doi.org/" + SELBST
    assert cells["approaches"][selbst] == "none (stated)"
    assert cells["values"][selbst] == "fairness; justice"


def test_all_contributions_are_columns(run_cli, loaded_store_dir):
    result = run_cli("compare", "--by", "contribution", "-f", "csv", "--store", loaded_store_dir)
    header = next(csv.reader(io.StringIO(result.stdout)))
    # 8 annotations; huang2024 and rafailov2023 have two contributions each
    assert len(header) == 1 + 10
    assert "Training language models to follow instructions with human… (2022) / 1 — " in (
        " ".join(header)
    )


def test_rows_follow_the_slot_table():
    from normspace.annotation.slots import CONTRIBUTION_SLOTS, PAPER_SLOTS

    keys = dimension_keys("paper")
    assert keys == [d.key for d in DIMENSIONS]
    assert [s.key for s in CONTRIBUTION_SLOTS] == keys[1 : 1 + len(CONTRIBUTION_SLOTS)]
    assert keys[-len(PAPER_SLOTS) :] == [s.key for s in PAPER_SLOTS]


class _Balance(HTMLParser):
    """Checks that every element that needs closing is closed, in order."""

    VOID = {"meta", "br", "hr", "img", "link", "input"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.problems.append(tag)


@pytest.mark.parametrize(
    "table",
    [
        Table(["a & b", "<c>"], [["x < y", "\"quoted\" & 'single'"], ["<script>", None]]),
        Table(["only"], []),
    ],
    ids=["escaping", "empty"],
)
def test_html_is_a_well_formed_self_contained_document(table):
    out = io.StringIO()
    render(table, "html", out)
    text = out.getvalue()
    assert text.startswith('<!DOCTYPE html>\n<html lang="en">')
    root = ET.fromstring(text.split("\n", 1)[1])  # XML-parseable as well
    assert root.find("body/table/caption") is not None
    assert [th.get("scope") for th in root.iter("th")][: len(table.columns)] == ["col"] * len(
        table.columns
    )
    balance = _Balance()
    balance.feed(text)
    assert balance.problems == [] and balance.stack == []
    assert "<script" not in text and "src=" not in text and "@import" not in text
    cells = ["".join(td.itertext()) for td in root.iter("td")] + [
        "".join(th.itertext()) for th in root.iter("th")
    ]
    for row in table.rows:
        for cell in row:
            assert (cell or "") in cells


def test_html_is_a_format_of_every_table_command(run_cli, loaded_store_dir):
    assert "html" in FORMATS
    result = run_cli("query", "papers", "-f", "html", "--store", loaded_store_dir)
    assert result.exit_code == 0, result.stderr
    root = ET.fromstring(result.stdout.split("\n", 1)[1])
    assert len(root.findall("body/table/tbody/tr")) == 7
    links = [a.get("href") for a in root.iter("a")]
    assert "https://doi.org/" + SELBST in links


HUANG_CCAI = (
    "https://w3id.org/normspace/annotation/doi/10.1145/3630106.3658979/fixture-annotator-a"
    "/contribution/ccai"
)


@pytest.mark.parametrize(
    ("ref", "code", "heading"),
    [
        (HUANG_CCAI, 0, "/ Collective Constitutional AI, proposes"),
        ("10.1145/3630106.3658979#baseline", 0, "(2024) / baseline, uses as baseline"),
        (HUANG_CCAI.replace("ccai", "nope"), 2, "unknown contribution"),
        (HUANG_CCAI.replace("fixture-annotator-a", "nobody"), 2, "no loaded annotation"),
    ],
    ids=["contribution-iri", "doi-and-id", "unknown-id-in-iri", "unknown-annotation-in-iri"],
)  # fmt: skip
def test_a_contribution_by_iri_or_paper_and_id(run_cli, loaded_store_dir, ref, code, heading):
    result = run_cli(
        "compare", "--by", "contribution", ref, "-f", "csv", "--store", loaded_store_dir
    )
    assert result.exit_code == code
    assert heading in (result.stdout if code == 0 else result.stderr)


def test_the_parts_query_gives_the_same_rows_on_every_load():
    """Regression: trade-offs, findings and assumptions are blank nodes whose labels change
    from load to load; `paper-parts` names each by a digest of its lines instead, so two
    loads give the same rows (and the comparison the same cells)."""
    from rdflib import Graph

    from normspace.querylib import library
    from normspace.store import ONTOLOGY_GRAPH, OxigraphStore
    from normspace.validation import check_loadable, validate_files

    def rows() -> list:
        store = OxigraphStore(None)
        documents = check_loadable(validate_files([DATA / "corpus" / "huang2024.yaml"]))
        graphs = {ONTOLOGY_GRAPH: Graph().parse(DATA / "ontology.ttl")}
        store.replace_graphs(graphs | {d.annotation_iri: d.graph for d in documents})
        return library().get("paper-parts").run(store).rows

    first, second = rows(), rows()
    assert first == second
    parts = {(row[3], row[4]) for row in first}
    assert len(parts) == 4  # one assumption, two findings, one trade-off

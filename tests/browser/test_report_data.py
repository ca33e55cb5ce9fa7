"""The papers behind the report's numbers, and report.html as a file: one list per count,
exactly as long as the count, on the fixture and the bundled corpus; the same corpus gives
the same bytes; nothing is loaded from anywhere else."""

from __future__ import annotations

import re

import pytest

from normspace.papersbehind import PaperCount, Parts, paper_aliases, run_counted
from normspace.querylib import library
from normspace.runjob import runnable_queries
from normspace.runreport import (
    OTHER_VALUES,
    ROW_PAPERS,
    corpus_papers,
    key_table,
    network_data,
)

from .conftest import FIXTURE_CORPUS, _run

CORPORA = ["fixture_run", "bundled_run"]
COUNT_QUERIES = [q.name for q in runnable_queries()[0] if paper_aliases(q)]
#: The pivoted or grouped key tables: every cell but the row heading counts papers.
PIVOTED = ["approach-value-matrix", "approach-family-value-group", "contribution-roles"]


@pytest.fixture(scope="session")
def stores(request):
    """Read-only stores kept by the runs, by fixture name (opened when first needed)."""
    from normspace.store import OxigraphStore

    opened = {}

    def get(corpus: str):
        if corpus not in opened:
            opened[corpus] = OxigraphStore(request.getfixturevalue(corpus).store, read_only=True)
        return opened[corpus]

    return get


def test_every_count_query_is_derived():
    """The count queries the report relies on are found by the derivation (a renamed
    variable would silently drop the links)."""
    assert {"approach-value-matrix", "whose-values", "explicit-none", "term-requests"} <= set(
        COUNT_QUERIES
    )
    assert paper_aliases(library().get("approaches-without-contestability")) == [
        "withMechanism",
        "explicitlyNone",
        "notAnnotated",
    ]


@pytest.mark.parametrize("corpus", CORPORA)
@pytest.mark.parametrize("name", COUNT_QUERIES)
def test_every_row_lists_as_many_papers_as_it_counts(stores, corpus, name):
    """The derived query gives the library query's rows, in its order, and each count
    comes with exactly as many papers."""
    store = stores(corpus)
    query = library().get(name)
    plain = query.run(store)
    counted = run_counted(store, query)
    aliases = [plain.variables.index(a) for a in paper_aliases(query)]
    assert counted.variables == plain.variables
    assert len(counted.rows) == len(plain.rows) > 0 or corpus == "fixture_run"
    for row, expected in zip(counted.rows, plain.rows, strict=True):
        assert [int(c) if isinstance(c, PaperCount) else c for c in row] == [
            int(c) if i in aliases else c for i, c in enumerate(expected)
        ]
        for i in aliases:
            assert isinstance(row[i], PaperCount)
            assert len(row[i].papers) == int(row[i]) == int(expected[i]), (name, expected)
            assert all(p.startswith("http") for p in row[i].papers)


@pytest.mark.parametrize("corpus", CORPORA)
def test_every_cell_of_the_pivoted_tables_maps_to_its_papers(stores, corpus):
    store = stores(corpus)
    results = {name: run_counted(store, library().get(name)) for name in [*PIVOTED, "whose-values"]}
    for name in PIVOTED:
        table = key_table(name, results[name], labels=True)
        counted = [i for i, c in enumerate(table.columns) if i and c != OTHER_VALUES]
        cells = [row[i] for row in table.rows for i in counted if row[i] != ""]
        assert cells, name
        assert all(isinstance(c, PaperCount) and len(c.papers) == c for c in cells), name
    whose = key_table("whose-values", results["whose-values"], labels=True)
    assert all(isinstance(cell, Parts) for row in whose.rows for cell in row[1:])
    counts = [p for row in whose.rows for cell in row[1:] for p in cell.parts if p != "; "]
    assert any(isinstance(p, PaperCount) for p in counts)
    # the family table's row total: the papers of the family, with or without a value
    family = key_table("approach-family-value-group", results["approach-family-value-group"])
    total = family.columns.index(ROW_PAPERS)
    for row in family.rows:
        cells = [c for c in row[total + 1 :] if c != ""]
        assert all(set(c.papers) <= set(row[total].papers) for c in cells)


@pytest.mark.parametrize("corpus", CORPORA)
def test_the_network_numbers_list_their_papers(stores, corpus):
    store = stores(corpus)
    network, papers = network_data(store)  # raises when a count and its list differ
    assert papers.all() == network.papers == len(papers.all().papers) > 0
    for pair in network.pairs:
        assert len(papers.pair(pair.a, pair.b, pair.papers).papers) == pair.papers
    for tension in network.tensions:
        assert len(papers.tension(tension.a, tension.b, tension.papers).papers) == tension.papers
    listed = {str(row[0]) for row in library().get("papers").run(store).rows}
    assert set(corpus_papers(store).papers) == listed


def test_the_same_corpus_gives_the_same_report_html(fixture_run, tmp_path):
    again = _run(tmp_path, FIXTURE_CORPUS, None)
    assert again.html.read_bytes() == fixture_run.html.read_bytes()
    assert (again.out / "report.md").read_bytes() == (fixture_run.out / "report.md").read_bytes()


@pytest.mark.parametrize("corpus", CORPORA)
def test_report_html_is_self_contained_and_its_links_resolve(request, corpus):
    run = request.getfixturevalue(corpus)
    text = run.html.read_text(encoding="utf-8")
    ids = set(re.findall(r'\bid="([^"]+)"', text))
    targets = set(re.findall(r'href="#([^"]*)"', text))
    assert targets and not targets - ids
    assert not re.search(r"<(img|script|link|iframe|object|embed)\b", text)
    assert not re.search(r'\bsrc="|@import|url\((?!#)', text)
    # the only other links: the query results next to the report, the papers' pages, and
    # images inlined by the SVG figures (data: URIs)
    for href in re.findall(r'href="([^#"][^"]*)"', text):
        assert href.startswith(("http", "data:")) or (run.out / href).is_file(), href[:80]
    assert text.count("<figure ") >= 5
    assert text.count("<svg ") == text.count("<figure ")

"""Result formats: one registry, the same table in every format."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rdflib import Literal, URIRef

from normspace.results import FORMATS, Table, cell_text, render

XSD_INT = URIRef("http://www.w3.org/2001/XMLSchema#integer")
TABLE = Table(
    ["term", "paper", "note", "papers"],
    [
        [
            URIRef("https://w3id.org/normspace#RLHF"),
            URIRef("https://arxiv.org/abs/2203.02155"),
            Literal('a "quoted", | piped\nline'),
            Literal("2", datatype=XSD_INT),
        ],
        [URIRef("https://w3id.org/normspace#DPO"), None, Literal("Wert", lang="de"), 3],
    ],
)


def rendered(fmt: str, labels: bool = False, table: Table = TABLE) -> str:
    out = io.StringIO()
    render(table, fmt, out, labels=labels)
    return out.getvalue()


def test_registry_has_the_documented_formats():
    assert list(FORMATS) == ["table", "csv", "tsv", "json", "markdown", "html"]


@pytest.mark.parametrize(("fmt", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_delimited_formats_round_trip(fmt, delimiter):
    rows = list(csv.reader(io.StringIO(rendered(fmt)), delimiter=delimiter))
    assert rows == [
        ["term", "term_label", "paper", "note", "papers"],
        [
            "norm:RLHF",
            "reinforcement learning from human feedback",
            "https://arxiv.org/abs/2203.02155",
            'a "quoted", | piped\nline',
            "2",
        ],
        ["norm:DPO", "direct preference optimisation", "", "Wert", "3"],
    ]


def test_json_is_sparql_results_json_with_full_iris():
    data = json.loads(rendered("json"))
    assert data["head"]["vars"] == TABLE.columns
    first, second = data["results"]["bindings"]
    assert first["term"] == {"type": "uri", "value": "https://w3id.org/normspace#RLHF"}
    assert first["papers"] == {"type": "literal", "value": "2", "datatype": str(XSD_INT)}
    assert "paper" not in second  # unbound
    assert second["note"] == {"type": "literal", "value": "Wert", "xml:lang": "de"}


def test_markdown_escapes_pipes_and_newlines():
    lines = rendered("markdown").splitlines()
    assert lines[0] == "| term | paper | note | papers |"
    assert lines[1] == "|---|---|---|---|"
    assert (
        lines[2]
        == '| norm:RLHF | https://arxiv.org/abs/2203.02155 | a "quoted", \\| piped line | 2 |'
    )


def test_table_aligns_and_counts_rows():
    lines = rendered("table").splitlines()
    assert lines[0].split() == ["term", "paper", "note", "papers"]
    assert lines[2].startswith("norm:RLHF  https://arxiv.org/abs/2203.02155")
    assert lines[-1] == "(2 rows)"


def test_table_wraps_long_cells_when_asked():
    table = Table(["a", "b"], [["word " * 12, "x"]], wrap=20)
    body = rendered("table", table=table).splitlines()[2:-1]
    assert len([line for line in body if line.strip()]) >= 3
    assert all(len(line) <= 20 + 2 + 1 for line in body)


def test_labels_replace_curies_of_known_terms():
    from normspace.ontology import term_index

    label = term_index().get("https://w3id.org/normspace#RLHF").label
    assert cell_text(URIRef("https://w3id.org/normspace#RLHF"), labels=True) == label
    assert cell_text(URIRef("https://arxiv.org/abs/2203.02155"), labels=True).startswith("https")

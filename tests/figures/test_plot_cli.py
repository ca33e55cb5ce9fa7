"""``normspace plot``: the list of figures (exact), writing a figure from a store, and the
usage errors (exit 2, with what would be valid)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from normspace.annotation.slots import CONTRIBUTION_SLOTS
from normspace.namespaces import expand
from normspace.querylib import library

LIST = Path(__file__).parent / "plot-list.txt"


def test_list_shows_every_figure_with_its_parameters(run_cli):
    result = run_cli("plot", "--list")
    assert result.exit_code == 0
    assert result.stdout == LIST.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "params", "suffix", "magic"),
    [
        ("approach-value-heatmap", ["-p", "top=5"], ".svg", b"<?xml"),
        ("coverage-gaps", [], ".png", b"\x89PNG\r\n\x1a\n"),
        ("term-usage", ["--param", "dimension=values", "--format", "png"], ".img", b"\x89PNG"),
    ],
)
def test_plot_writes_the_figure(run_cli, loaded_store_dir, tmp_path, name, params, suffix, magic):
    target = tmp_path / f"figure{suffix}"
    result = run_cli("plot", name, *params, "-o", target, "--store", loaded_store_dir)
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(magic)
    fmt = "PNG" if magic.startswith(b"\x89") else "SVG"
    assert result.stderr == f"wrote {target} ({name}, {fmt})\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["heatmap", "-o", "x.svg"],
            "unknown figure 'heatmap'; did you mean 'approach-value-heatmap'?",
        ),
        (["term-usage", "-p", "tpo=3", "-o", "x.svg"], "did you mean 'top'?"),
        (["term-usage", "-p", "top", "-o", "x.svg"], "--param `top` is not NAME=VALUE"),
        (
            ["term-usage", "-o", "x"],
            "-o x has no suffix: name the file .svg or .png, or give --format",
        ),
        (
            ["term-usage", "-o", "x.pdf"],
            "-o x.pdf has the suffix '.pdf': name the file .svg or .png",
        ),
        (["term-usage"], "give the file to write with -o FILE.svg or -o FILE.png"),
        ([], "name a figure (normspace plot --list shows them) or give --list"),
    ],
)
def test_usage_errors_exit_2_and_say_what_is_valid(run_cli, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = run_cli("plot", *args, "--store", tmp_path / "no-store")
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())
    assert not [p for p in tmp_path.iterdir() if p.name != "no-store"]


def test_dimension_coverage_lists_the_slots_of_the_slot_table():
    """The VALUES block of dimension-coverage lists every contribution slot but
    approaches (the rows), in the slot table's order, with its absence property."""
    text = library().get("dimension-coverage").text
    rows = re.findall(r"\((\d+) \"(\w+)\" (norm:\w+) (norm:\w+|UNDEF)\)", text)
    declared = [
        (key, expand(prop), None if absence == "UNDEF" else expand(absence))
        for _order, key, prop, absence in rows
    ]
    expected = [
        (s.key, str(s.prop), str(s.absence) if s.absence else None)
        for s in CONTRIBUTION_SLOTS
        if s.key != "approaches"
    ]
    assert declared == expected
    assert [int(order) for order, *_ in rows] == list(range(1, len(expected) + 1))

"""Figures (normspace.figures): every figure on the fixture corpus, as a reader sees it
(title and labels in the SVG), as files (a valid PNG of the figure's size, the same bytes
twice), on an empty store ("No data", not an exception), and the API's errors."""

from __future__ import annotations

import re
import struct

import pytest

from normspace.errors import InputError
from normspace.figures import FIGURES, figure, render, save, svg_text
from normspace.figures._base import DPI

#: Figure name -> texts the SVG must show on the fixture corpus: the title (what is
#: counted) and labels (term labels, never CURIEs).
EXPECTED_TEXT = {
    "approach-value-heatmap": [
        "Alignment approaches × values: papers",
        "helpfulness",
        "Constitutional AI",
        "direct preference optimisation",
        "alignment approach",
        "papers",
    ],
    "term-usage": [
        "Term usage per dimension: papers using the term",
        "values",
        "helpfulness",
        "AI developers",
        "10 of 15 terms used",
    ],
    "cooccurrence-network": [
        "Co-occurrence network of terms: papers",
        "machine learning",
        "helpfulness",
        "disciplines",
    ],
    "tension-network": [
        "Tension network: poles of trade-offs: papers",
        "harmlessness",
        "freedom of expression",
        "stakeholder",
        "value",
    ],
    "coverage-gaps": [
        "Coverage gaps: dimensions annotated per alignment approach: papers",
        "normative input from",
        "Constitutional AI (1)",
        "gap: not annotated",
        "gap: explicitly none (papers)",
    ],
    "findings-per-approach": [
        "Findings per alignment approach, by direction: papers",
        "direct preference optimisation",
        "improves",
        "no difference",
        "(1 paper)",
    ],
    "agreement": [
        "Inter-annotator agreement per slot (Krippendorff's α): papers annotated twice",
        "values (1)",
        "0.8 reliable",
        "α, hierarchy-aware",
    ],
}


def texts(svg: str) -> list[str]:
    """The texts of an SVG written by matplotlib (each drawn text line is preceded by an
    XML comment holding it, since glyphs are drawn as paths)."""
    return [t.strip() for t in re.findall(r"<!-- (.*?) -->", svg, re.S)]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_every_figure_has_expected_texts():
    assert set(EXPECTED_TEXT) == set(FIGURES)


@pytest.fixture(scope="module")
def built(figure_store):
    """Each figure built once from the fixture corpus."""
    return {name: figure(name, figure_store) for name in FIGURES}


@pytest.fixture(scope="module")
def rendered(built):
    """Each figure rendered once per format (cached: rendering is the slow part)."""
    cache: dict[tuple[str, str], bytes] = {}

    def get(name: str, fmt: str) -> bytes:
        if (name, fmt) not in cache:
            cache[(name, fmt)] = render(built[name], fmt)
        return cache[(name, fmt)]

    return get


@pytest.mark.parametrize("name", sorted(EXPECTED_TEXT))
def test_svg_shows_the_title_and_labels(rendered, name):
    shown = texts(rendered(name, "svg").decode("utf-8"))
    missing = [t for t in EXPECTED_TEXT[name] if t not in shown]
    assert not missing, f"{name}: {missing} not in {shown}"
    assert not [t for t in shown if re.fullmatch(r"norm:\w+", t)], "a CURIE instead of a label"


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_png_is_a_valid_png_of_the_figure_size(built, rendered, name):
    width, height = built[name].get_size_inches()
    assert png_size(rendered(name, "png")) == (round(width * DPI), round(height * DPI))


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_two_builds_render_the_same_bytes(figure_store, rendered, name):
    again = figure(name, figure_store)
    assert render(again, "svg") == rendered(name, "svg")
    assert render(again, "png") == rendered(name, "png")


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_an_empty_store_gives_a_no_data_figure(empty_store, name):
    shown = texts(render(figure(name, empty_store), "svg").decode("utf-8"))
    assert any(t.startswith("No data:") for t in shown), shown


def test_agreement_without_double_annotations_says_so(single_annotation_store):
    shown = texts(render(figure("agreement", single_annotation_store), "svg").decode("utf-8"))
    assert "No data: no paper is annotated more than once." in shown


def test_coverage_marks_explicit_none_apart_from_not_annotated(built):
    """DPO's paper records `none: [contestability]`: its cell says "none" with the
    number of papers; Constitutional AI's contestability is simply not annotated."""
    ax = built["coverage-gaps"].axes[0]
    rows = [t.get_text() for t in ax.get_yticklabels()]
    columns = [t.get_text() for t in ax.get_xticklabels()]
    cells = {
        (round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in ax.texts
    }
    dpo = rows.index("direct preference optimisation\n(1)")
    cai = rows.index("Constitutional AI (1)")
    contest = columns.index("contestability")
    assert cells[(dpo, contest)] == "none\n1"
    assert (cai, contest) not in cells  # hatched, no number


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("heatmap", {}, "unknown figure 'heatmap'; did you mean 'approach-value-heatmap'?"),
        ("term-usage", {"tpo": "3"}, "has no parameter 'tpo'; did you mean 'top'?"),
        ("term-usage", {"top": "0"}, "top='0': expected a whole number of at least 1"),
        ("term-usage", {"top": "many"}, "top='many': expected a whole number, e.g. 15"),
        ("term-usage", {"dimension": "valus"}, "did you mean `norm:ValueScheme`?"),
        ("approach-value-heatmap", {"level": "famly"}, "did you mean 'family'?"),
        ("coverage-gaps", {"role": "critiqes"}, "did you mean `norm:Critiques`?"),
        ("agreement", {"distance": "cosine"}, "is not one of masi, jaccard"),
    ],
)
def test_bad_names_and_parameters_are_input_errors(empty_store, name, params, message):
    with pytest.raises(InputError) as caught:
        figure(name, empty_store, **params)
    assert message in str(caught.value)


def test_parameters_may_be_values_or_strings(figure_store):
    as_text = figure("term-usage", figure_store, top="3", dimension="values")
    as_value = figure("term-usage", figure_store, top=3, dimension="norm:ValueScheme")
    assert render(as_text, "svg") == render(as_value, "svg")
    assert len(as_text.axes) == 1
    assert [t.get_text() for t in as_text.axes[0].get_yticklabels()] == [
        "helpfulness",
        "harmlessness",
        "non-discrimination",
    ]


def test_the_old_name_of_the_coverage_figure_still_works(rendered, figure_store):
    old = figure("dimension-coverage", figure_store)
    assert render(old, "svg") == rendered("coverage-gaps", "svg")


def test_the_cooccurrence_network_can_keep_only_some_dimensions(figure_store):
    """Paper-level tags (disciplines, methods) join every contribution; a reader who wants
    the network of what contributions themselves tag names the dimensions."""
    fig = figure("cooccurrence-network", figure_store, dimensions="values, stakeholders")
    shown = texts(render(fig, "svg").decode("utf-8"))
    assert "machine learning" not in shown and "disciplines" not in shown
    assert {"helpfulness", "values", "stakeholders"} <= set(shown)
    assert "Only the dimensions values, stakeholders. Counting the contributions that" in " ".join(
        shown
    )


def test_svg_text_is_an_inline_svg_element_with_unique_ids(built):
    first = svg_text(built["approach-value-heatmap"])
    second = svg_text(built["coverage-gaps"])
    assert first.startswith('<svg role="img" aria-label="Alignment approaches × values: papers"')
    assert "<?xml" not in first and "<!DOCTYPE" not in first
    assert "<title>Alignment approaches × values: papers</title>" in first
    ids = [set(re.findall(r'id="([^"]+)"', s)) for s in (first, second)]
    assert ids[0] and not ids[0] & ids[1]
    for svg, found in zip((first, second), ids, strict=True):
        refs = set(re.findall(r'(?:href="#|url\(#)([^")]+)', svg))
        assert refs <= found, refs - found
    assert svg_text(built["approach-value-heatmap"]) == first


@pytest.mark.parametrize(
    ("suffix", "fmt", "magic"),
    [(".svg", None, b"<?xml"), (".png", None, b"\x89PNG"), ("", "png", b"\x89PNG")],
)
def test_save_writes_the_format_of_the_suffix(built, tmp_path, suffix, fmt, magic):
    path = save(built["tension-network"], tmp_path / f"tension{suffix}", fmt)
    assert path.read_bytes().startswith(magic)


def test_save_refuses_an_unknown_format(built, tmp_path):
    with pytest.raises(InputError, match="cannot write a figure as 'pdf'"):
        save(built["tension-network"], tmp_path / "tension.pdf")
    assert not list(tmp_path.iterdir())

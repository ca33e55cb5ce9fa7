"""The coverage log as data: bad rows are input errors that name file, line and the valid
choices; the exact-term share is computed as documented (hand-computed fixtures)."""

from __future__ import annotations

from pathlib import Path

import pytest

from normspace.annotation.model import (
    Annotation,
    Contribution,
    Finding,
    TermRequest,
    TermUse,
    TradeOff,
)
from normspace.errors import InputError
from normspace.namespaces import NORM_IRI
from normspace.vocabcoverage import (
    GAP_COLUMNS,
    ORDER_COLUMNS,
    Annotated,
    Gap,
    facet_keys,
    first_and_last,
    read_gaps,
    read_order,
    shares,
)

HEADER = "\t".join(GAP_COLUMNS)
ROW = "a.yaml\tX\tvalues\tprivacy of raters\tterm-request\trater privacy\tno term"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "log.tsv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("file\tslot\n", "log.tsv:1: the header must be the columns file, annotator, slot"),
        (
            f"{HEADER}\n{ROW.replace('values', 'valeus')}\n",
            "log.tsv:2: unknown slot `valeus`; did you mean `values`?",
        ),
        (
            f"{HEADER}\n{ROW.replace('term-request', 'requested')}\n",
            "log.tsv:2: unknown action `requested`",
        ),
        (f"{HEADER}\n\n{ROW}\ta\n", "log.tsv:3: expected 7 tab-separated cells, found 8"),
    ],
    ids=["header", "slot", "action", "cells"],
)
def test_a_bad_gap_log_is_an_input_error_naming_the_line(tmp_path, text, message) -> None:
    with pytest.raises(InputError) as caught:
        read_gaps(_write(tmp_path, text))
    assert message in str(caught.value)


def test_a_bad_time_in_the_annotation_log_names_the_line(tmp_path) -> None:
    text = "\t".join(ORDER_COLUMNS) + "\na.yaml\tX\tyesterday\tarea\n"
    with pytest.raises(InputError, match=r"log.tsv:2: `yesterday` is not a time"):
        read_order(_write(tmp_path, text))


def test_the_annotation_log_is_read_in_the_order_files_were_finished(tmp_path) -> None:
    text = "\t".join(ORDER_COLUMNS) + (
        "\nb.yaml\tX\t2026-12-04T17:06:00Z\tarea"
        "\na.yaml\tX\t2026-12-04T17:05:00Z\tarea"
        "\na.curator-y.yaml\tY\t2026-12-04T17:04:00Z\tarea\n"
    )
    order = read_order(_write(tmp_path, text))
    assert [a.file for a in order] == ["a.curator-y.yaml", "a.yaml", "b.yaml"]
    # a second annotation is not a new paper
    assert first_and_last(order, 1) == (["a.yaml"], ["b.yaml"])


def _use(local: str) -> TermUse:
    return TermUse(term=NORM_IRI + local)


def _annotation() -> Annotation:
    """Values Privacy (twice: tag and trade-off pole) and Fairness (a grouping term), one
    value request, a finding measure, and a trade-off resolution."""
    request = TermUse(request=TermRequest(label="Rater privacy"))
    contribution = Contribution(
        tags={"values": [_use("Privacy"), _use("Fairness"), request]},
        findings=[Finding(measure=_use("PreferenceWinRate"))],
        trade_offs=[
            TradeOff(
                terms={
                    "values": [_use("Privacy"), _use("Helpfulness")],
                    "resolution": [_use("LeftUnresolved")],
                }
            )
        ],
    )
    return Annotation(contributions=[contribution])


def test_facets_are_distinct_terms_and_requests_per_slot() -> None:
    keys = facet_keys(_annotation())
    assert keys["values"] == {
        NORM_IRI + "Privacy",
        NORM_IRI + "Fairness",
        NORM_IRI + "Helpfulness",
        "request:rater privacy",
    }
    assert keys["finding_measure"] == {NORM_IRI + "PreferenceWinRate"}
    assert keys["trade_off_resolution"] == {NORM_IRI + "LeftUnresolved"}


def test_the_exact_share_counts_logged_gaps_omissions_and_catch_alls() -> None:
    gaps = [
        Gap("a.yaml", "X", "values", "rater privacy", "term-request", "rater privacy", "", 2),
        Gap("a.yaml", "X", "values", "dignity", "omitted", "", "", 3),
        Gap("other.yaml", "X", "values", "x", "omitted", "", "", 4),
    ]
    result = shares(["a.yaml"], {"a.yaml": _annotation()}, gaps, frozenset({NORM_IRI + "Fairness"}))
    values = result.slots["values"]
    # 4 facets in the file + 1 omitted; gaps: the request, the omission, the grouping term
    assert (values.facets, values.gaps, values.grouping) == (5, 3, 1)
    assert values.share == pytest.approx(2 / 5)
    assert (result.total.facets, result.total.gaps) == (7, 3)


def test_a_logged_grouping_term_is_not_counted_twice() -> None:
    gaps = [Gap("a.yaml", "X", "values", "fair", "broader-term", "norm:Fairness", "", 2)]
    result = shares(["a.yaml"], {"a.yaml": _annotation()}, gaps, frozenset({NORM_IRI + "Fairness"}))
    assert (result.slots["values"].gaps, result.slots["values"].grouping) == (1, 1)


def test_a_second_annotation_is_recognised_by_its_name() -> None:
    from datetime import datetime

    when = datetime(2026, 12, 4)
    assert Annotated("a.curator-c.yaml", "C", when, "", 2).second
    assert not Annotated("a.yaml", "C", when, "", 2).second


def test_novel_gaps_are_concepts_no_earlier_paper_logged() -> None:
    from datetime import datetime

    from normspace.coveragereport import Corpus, novel_gaps

    order = [
        Annotated("a.yaml", "X", datetime(2026, 12, 4, 17), "", 2),
        Annotated("b.yaml", "X", datetime(2026, 12, 4, 18), "", 3),
    ]
    gaps = [
        Gap("a.yaml", "X", "values", "x", "term-request", "Rater privacy", "", 2),
        Gap("b.yaml", "X", "values", "x", "new-term", "rater privacy", "", 3),  # recurring
        Gap("b.yaml", "X", "harms", "y", "term-request", "value lock-in", "", 4),  # novel
        Gap("b.yaml", "X", "harms", "z", "omitted", "", "", 5),  # names no concept
    ]
    corpus = Corpus(Path("."), {}, gaps, order)
    assert novel_gaps(corpus, ["b.yaml"]) == (1, 2)


@pytest.mark.parametrize(
    ("term", "message"),
    [
        (
            "norm:Fairnes",
            "`norm:Fairnes` is not a term of the ontology, but action `new-term` "
            "names the term used; did you mean `norm:Fairness`?",
        ),
        ("norm:Privacy norm:Fairness", "(one CURIE per row)"),
    ],
    ids=["typo", "two-terms"],
)
def test_a_closed_gap_names_one_known_term(term, message) -> None:
    from normspace.vocabcoverage import check_terms

    gaps = [Gap("a.yaml", "X", "values", "x", "new-term", term, "", 7)]
    with pytest.raises(InputError) as caught:
        check_terms(gaps, ["norm:Fairness", "norm:Privacy"], Path("log.tsv"))
    assert "log.tsv:7: " in str(caught.value)
    assert message in str(caught.value)


def test_a_bad_log_stops_the_page_generator_with_exit_2(tmp_path, capsys) -> None:
    from normspace.coveragereport import GAP_LOG, ORDER_LOG, main

    (tmp_path / GAP_LOG).write_text(f"{HEADER}\n{ROW.replace('values', 'valeus')}\n", "utf-8")
    (tmp_path / ORDER_LOG).write_text("\t".join(ORDER_COLUMNS) + "\n", "utf-8")
    page = tmp_path / "coverage.md"
    assert main([str(tmp_path), str(page)]) == 2
    assert "unknown slot `valeus`; did you mean `values`?" in capsys.readouterr().err
    assert not page.exists()

"""docs/queries.md documents every analyst query; it is generated from the .rq headers."""

from __future__ import annotations

from pathlib import Path

from normspace.querydocs import BEGIN, END, render_reference
from normspace.querylib import library

PAGE = Path(__file__).resolve().parents[2] / "docs" / "queries.md"


def test_reference_page_is_current() -> None:
    """Regenerate with `python -m normspace.querydocs docs/queries.md` when this fails."""
    text = PAGE.read_text(encoding="utf-8")
    block = text[text.index(BEGIN) : text.index(END) + len(END) + 1]
    assert block == render_reference()


def test_every_analyst_query_has_title_and_description() -> None:
    for query in library().top_level():
        assert query.title and query.description, query.name


def test_the_reference_says_what_an_unbound_role_means() -> None:
    from normspace.querylib import ROLE_DEFAULT_TEXT

    block = render_reference()
    section = block[block.index("## approach-value-matrix") : block.index("## approaches-without")]
    assert f"optional; if not given: {ROLE_DEFAULT_TEXT}" in section

"""report.html in a real browser (headless Chromium): it renders without console errors,
its figures have a size, its links land on existing elements, a number's link shows a list
of exactly that many papers, and nothing is fetched from the network."""

from __future__ import annotations

import pytest

CORPORA = ["fixture_run", "bundled_run"]
#: How many number links are clicked per report (every list is also counted by script).
CLICKS = 6


@pytest.fixture(scope="module", params=CORPORA)
def page(request, browser):
    """The browser with the corpus's report.html open."""
    run = request.getfixturevalue(request.param)
    browser.get(run.html.resolve().as_uri())
    browser.get_log("browser")  # only what this page logs from here on
    browser.get(run.html.resolve().as_uri())
    return browser


def test_title_and_headings(page):
    assert page.title.startswith("NormSpace corpus report: ")
    headings = page.execute_script(
        "return [...document.querySelectorAll('h1, h2')].map(h => h.textContent)"
    )
    assert headings[0] == "NormSpace corpus report"
    for heading in ("Contents", "Validation", "Key comparisons", "Tension network"):
        assert heading in headings
    assert headings[-2:] == ["Papers behind the numbers", "Paper index"]
    landmarks = page.execute_script(
        "return ['header', 'nav', 'main'].map(t => document.querySelectorAll(t).length)"
    )
    assert landmarks == [1, 1, 1]


def test_no_console_errors(page):
    severe = [e for e in page.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []


def test_at_least_five_figures_are_drawn(page):
    sizes = page.execute_script(
        "return [...document.querySelectorAll('figure svg')].map(s => {"
        " const r = s.getBoundingClientRect(); return [r.width, r.height,"
        " s.querySelector('title') ? s.querySelector('title').textContent : ''] })"
    )
    assert len(sizes) >= 5
    for width, height, title in sizes:
        assert width > 100 and height > 100
        assert title  # the text alternative
    captions = page.execute_script(
        "return [...document.querySelectorAll('figure')]"
        ".filter(f => f.querySelector('figcaption')).length"
    )
    assert captions == len(sizes)


def test_every_in_page_link_lands_on_an_element(page):
    broken = page.execute_script(
        "return [...document.querySelectorAll('a[href^=\"#\"]')]"
        ".map(a => a.getAttribute('href').slice(1))"
        ".filter(id => !document.getElementById(id))"
    )
    assert broken == []


def test_every_number_lists_that_many_papers(page):
    """Checked by script for every link, by clicking for the first few distinct lists."""
    mismatched = page.execute_script(
        "return [...document.querySelectorAll('a[href^=\"#c-\"]')].filter(a => "
        " document.getElementById(a.getAttribute('href').slice(1))"
        "   .querySelectorAll('li').length !== Number(a.textContent))"
        ".map(a => a.getAttribute('href') + ' ' + a.textContent)"
    )
    assert mismatched == []
    links = page.find_elements("css selector", 'a[href^="#c-"]')
    assert links
    seen: set[str] = set()
    for link in links:
        target = link.get_attribute("href").rpartition("#")[2]
        if target in seen:
            continue
        seen.add(target)
        hidden = page.find_element("id", target)
        assert not hidden.is_displayed()  # lists show only when asked for
        page.execute_script("arguments[0].scrollIntoView(); arguments[0].click()", link)
        shown = page.find_element("id", target)
        assert shown.is_displayed()
        papers = shown.find_elements("css selector", "li")
        assert len(papers) == int(link.text)
        entry = papers[0].find_element("css selector", "a").get_attribute("href")
        assert page.find_element("id", entry.rpartition("#")[2]).tag_name == "li"
        if len(seen) == CLICKS:
            break


def test_nothing_is_loaded_from_the_network(page):
    loaded = page.execute_script("return performance.getEntriesByType('resource').map(r => r.name)")
    assert [name for name in loaded if not name.startswith(("file:", "data:"))] == []


def test_tables_have_captions_and_scoped_headers(page):
    tables = page.execute_script(
        "return [...document.querySelectorAll('main table')].map(t => ["
        " !!t.querySelector('caption'),"
        " t.querySelectorAll('th:not([scope])').length])"
    )
    assert tables
    assert all(caption and unscoped == 0 for caption, unscoped in tables)

"""The static site of the bundled corpus (`normspace site`) in headless Chromium, opened
from file://: pages of every kind render without console errors, every link on them lands
on an existing file and element, nothing is fetched from the network, the pages have their
landmarks, and the search finds a term and follows it (by mouse and by keyboard)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from normspace.cli.main import cli


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site of the bundled corpus, built by the CLI from a fresh store."""
    from normspace.loading import build_store
    from normspace.resources import corpus_dir
    from normspace.validation import check_loadable, validate_files

    base = tmp_path_factory.mktemp("site-browser")
    store, _summary = build_store(base / "store", check_loadable(validate_files([corpus_dir()])))
    store.close()
    args = ["site", "--store", str(base / "store"), "-o", str(base / "site")]
    result = CliRunner().invoke(cli, [*args, "--serve-url", "http://127.0.0.1:8765"])
    assert result.exit_code == 0, result.output
    return base / "site"


def _sample(site: Path) -> list[str]:
    """The list pages and a few pages of every kind (first, middle, last by name)."""
    pages = ["index.html", "papers.html", "terms.html", "approaches.html", "queries.html"]
    for folder in ("paper", "term", "approach", "compare"):
        names = sorted(p.name for p in (site / folder).iterdir())
        pages += [
            f"{folder}/{n}" for n in dict.fromkeys([names[0], names[len(names) // 2], names[-1]])
        ]
    pages += ["term/norm-Contestability.html", "term/norm-Accountability.html"]
    return list(dict.fromkeys(pages))


def _open(browser, site: Path, page: str) -> None:
    browser.get((site / page).resolve().as_uri())


def _ids(path: Path, cache: dict[Path, set[str]]) -> set[str]:
    if path not in cache:
        text = path.read_text(encoding="utf-8")
        cache[path] = set(re.findall(r'\sid="([^"]+)"', text))
    return cache[path]


def test_pages_render_and_their_links_resolve(browser, site):
    ids: dict[Path, set[str]] = {}
    checked = 0
    for page in _sample(site):
        browser.get_log("browser")  # drop what earlier pages logged
        _open(browser, site, page)
        state = browser.execute_script(
            "return {h1: document.querySelectorAll('h1').length,"
            " lang: document.documentElement.lang, title: document.title,"
            " landmarks: ['header', 'nav', 'main', 'footer']"
            "   .map(t => document.querySelectorAll(t).length),"
            " search: document.querySelectorAll('form[role=search] label[for=q]').length,"
            " links: [...document.querySelectorAll('a[href]')].map(a => a.href),"
            " loaded: performance.getEntriesByType('resource').map(e => e.name)}"
        )
        assert state["h1"] == 1 and state["lang"] == "en" and state["title"], page
        assert state["landmarks"] == [1, 1, 1, 1] and state["search"] == 1, page
        assert [u for u in state["loaded"] if not u.startswith("file://")] == [], page
        severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert severe == [], page
        for url in state["links"]:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https"):
                continue  # DOIs, IRIs and the configured server: not followed
            assert parts.scheme == "file", (page, url)
            target = Path(unquote(parts.path))
            assert target.is_file(), (page, url)
            if parts.fragment:
                assert unquote(parts.fragment) in _ids(target, ids), (page, url)
            checked += 1
    assert checked > 1000


def test_accessible_structure(browser, site):
    for page in (
        "index.html",
        "term/norm-Contestability.html",
        sorted(f"paper/{p.name}" for p in (site / "paper").iterdir())[0],
    ):
        _open(browser, site, page)
        problems = browser.execute_script(
            "const out = [];"
            "document.querySelectorAll('img').forEach(i => { if (!i.alt) out.push('alt'); });"
            "document.querySelectorAll('table').forEach(t => {"
            "  if (!t.querySelector('caption')) out.push('caption');"
            "  t.querySelectorAll('th').forEach(h => { if (!h.scope) out.push('scope'); });"
            "});"
            "const skip = document.querySelector('a.skip');"
            "if (!skip || !document.querySelector(skip.getAttribute('href'))) out.push('skip');"
            "return out;"
        )
        assert problems == [], page


def test_the_figures_are_drawn(browser, site):
    _open(browser, site, "index.html")
    browser.execute_script("document.querySelectorAll('img').forEach(i => i.loading = 'eager')")
    sizes = browser.execute_script(
        "return Promise.all([...document.querySelectorAll('figure img')].map(i =>"
        " i.decode().then(() => [i.naturalWidth, i.naturalHeight])))"
    )
    assert len(sizes) == 7
    assert all(w > 100 and h > 100 for w, h in sizes)


def _type(browser, text: str):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    box = browser.find_element(By.ID, "q")
    box.clear()
    box.send_keys(text)
    WebDriverWait(browser, 10).until(
        ready.text_to_be_present_in_element((By.ID, "search-count"), "result")
    )
    return box


@pytest.mark.parametrize("start", ["index.html", "approaches.html", "paper"])
def test_search_finds_a_term_and_follows_it(browser, site, start):
    from selenium.webdriver.common.by import By

    if start == "paper":  # a page one folder down: result links must still resolve
        start = "paper/" + sorted(p.name for p in (site / "paper").iterdir())[0]
    _open(browser, site, start)
    _type(browser, "contestab")
    count = browser.find_element(By.ID, "search-count").text
    assert re.fullmatch(r"\d+ results?( \(first 25 shown\))?", count)
    results = browser.find_elements(By.CSS_SELECTOR, "#search-results a")
    labels = [r.text for r in results]
    assert "contestability" in labels
    target = results[labels.index("contestability")]
    assert target.get_attribute("href").endswith("/term/norm-Contestability.html")
    target.click()
    assert browser.current_url == (site / "term/norm-Contestability.html").resolve().as_uri()
    assert browser.find_element(By.TAG_NAME, "h1").text == "contestability"


def test_search_by_keyboard(browser, site):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _open(browser, site, "index.html")
    box = _type(browser, "contestability mechanism")
    first = browser.find_element(By.CSS_SELECTOR, "#search-results a")
    box.send_keys(Keys.ARROW_DOWN)
    assert browser.switch_to.active_element == first
    expected = first.get_attribute("href")
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    assert browser.current_url == expected


def test_a_search_without_match_says_so(browser, site):
    from selenium.webdriver.common.by import By

    _open(browser, site, "index.html")
    _type(browser, "zzqqxx")
    assert browser.find_element(By.ID, "search-count").text == "0 results"
    assert browser.find_elements(By.CSS_SELECTOR, "#search-results li") == []

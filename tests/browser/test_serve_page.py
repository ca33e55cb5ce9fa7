"""The query page of `normspace serve` in a real headless Chromium that cannot reach any host
but 127.0.0.1: it loads offline (every request it makes goes to the server), lists the named
query library, opens and runs queries (by click, by URL, by keyboard) and shows their rows,
with no console error."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest

from normspace.querylib import library

from .conftest import ARGUMENTS, CHROMEDRIVER, CHROMIUM, _find

WAIT = 60  # seconds; an upper bound for slow shared machines, not a measurement


@pytest.fixture(scope="module")
def page_server(loaded_store_dir) -> Iterator:
    """`normspace serve` on the fixture corpus (8 annotations of 7 papers), in process."""
    from normspace.serve import start

    with start(loaded_store_dir) as server:
        yield server


@pytest.fixture(scope="module")
def offline_browser():
    """A headless Chromium whose host resolver knows only 127.0.0.1 (so nothing can leave
    the machine), with the network requests it makes kept in the performance log."""
    chromium, driver = _find(CHROMIUM), _find(CHROMEDRIVER)
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        chromium = None
    if not chromium or not driver:
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser tests: chromium, chromedriver or selenium missing")
        pytest.skip("chromium, chromedriver or selenium not found")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ARGUMENTS:
        options.add_argument(argument)
    options.add_argument("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1")
    options.add_argument("--no-proxy-server")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    session = webdriver.Chrome(options=options, service=Service(driver))
    yield session
    session.quit()


def _requested_urls(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _severe(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def _wait(driver, condition, what: str):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(condition, message=f"waiting for {what}")


def _result_rows(driver) -> int:
    """The number of result rows YASR reports (its table shows them 50 to a page), once
    the table is drawn."""
    import re

    from selenium.webdriver.common.by import By

    _wait(
        driver,
        lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr table.dataTable tbody tr"),
        "the results table",
    )
    chip = driver.find_element(By.CSS_SELECTOR, ".yasr .yasr_response_chip").text
    match = re.match(r"(\d+) results?", chip)
    assert match, chip
    return int(match[1])


def _expected_rows(loaded_store_dir, name: str, params: dict[str, str]) -> int:
    from normspace.store import OxigraphStore

    with OxigraphStore(loaded_store_dir, read_only=True) as store:
        return len(library().get(name).run(store, params).rows)


def _open(driver, url: str) -> None:
    driver.get_log("performance")  # forget what earlier tests requested
    driver.get_log("browser")
    driver.get(url)


def test_the_page_loads_offline_and_lists_the_library(page_server, offline_browser):
    from selenium.webdriver.common.by import By

    driver = offline_browser
    _open(driver, page_server.url)
    buttons = _wait(
        driver,
        lambda d: d.find_elements(By.CSS_SELECTOR, "#query-list .query-button"),
        "the library list",
    )
    assert sorted(b.get_attribute("data-name") for b in buttons) == sorted(library().queries)
    assert driver.find_element(By.CSS_SELECTOR, ".yasgui .CodeMirror").is_displayed()
    urls = _requested_urls(driver)
    origin = page_server.url.rstrip("/")
    assert urls, "the performance log recorded no request"
    assert [u for u in urls if not (u.startswith(origin + "/") or u.startswith("data:"))] == []
    assert origin + "/vendor/yasgui.min.js" in urls
    assert _severe(driver) == []


def test_choosing_a_query_and_running_it_shows_its_rows(
    page_server, offline_browser, loaded_store_dir
):
    from selenium.webdriver.common.by import By

    driver = offline_browser
    _open(driver, page_server.url)
    button = _wait(
        driver,
        lambda d: d.find_elements(By.CSS_SELECTOR, '.query-button[data-name="papers"]'),
        "the papers query in the list",
    )[0]
    button.click()
    _wait(driver, lambda d: "SELECT" in _editor_text(d), "the query text in the editor")
    driver.find_element(By.ID, "run-button").click()
    assert _result_rows(driver) == _expected_rows(loaded_store_dir, "papers", {}) == 7
    assert driver.find_element(By.ID, "selected-title").text == library().get("papers").title
    assert _severe(driver) == []


def _editor_text(driver) -> str:
    return driver.execute_script(
        "return document.querySelector('.yasgui .CodeMirror').CodeMirror.getValue();"
    )


@pytest.mark.parametrize(
    ("query", "params"),
    [
        ("papers-by-approach", {"approach": "norm:PreferenceBasedTraining"}),
        ("term-usage", {"scheme": "values"}),
        ("papers", {}),
    ],
)
def test_a_stable_url_opens_and_runs_a_named_query(
    page_server, offline_browser, loaded_store_dir, query, params
):
    from urllib.parse import urlencode

    driver = offline_browser
    _open(driver, page_server.url + "?" + urlencode({"name": query, **params}))
    expected = _expected_rows(loaded_store_dir, query, params)
    assert expected > 0
    assert _result_rows(driver) == expected
    for name, value in params.items():
        assert driver.find_element("id", f"param-{name}").get_attribute("value") == value
    assert _severe(driver) == []


def test_a_missing_parameter_is_asked_for(page_server, offline_browser):
    driver = offline_browser
    _open(driver, page_server.url + "?name=papers-by-approach")
    _wait(
        driver,
        lambda d: d.find_element("id", "status").text == "Give ?approach and run the query.",
        "the request for ?approach",
    )
    assert driver.switch_to.active_element.get_attribute("id") == "param-approach"


def test_a_query_in_the_url_opens_in_the_editor(page_server, offline_browser):
    from urllib.parse import quote

    text = "SELECT ?paper WHERE { ?paper a <http://purl.org/spar/fabio/ScholarlyWork> } LIMIT 3"
    driver = offline_browser
    _open(driver, page_server.url + "?query=" + quote(text))
    _wait(driver, lambda d: _editor_text(d) == text, "the query text in the editor")


def test_a_bad_parameter_shows_the_servers_message(page_server, offline_browser):
    driver = offline_browser
    _open(driver, page_server.url + "?name=papers-by-approach&approach=norm:RLHX")
    _wait(
        driver,
        lambda d: d.find_element("id", "status").text.startswith(
            "parameter ?approach: unknown term `norm:RLHX`"
        ),
        "the server's message",
    )
    assert "error" in driver.find_element("id", "status").get_attribute("class")


def test_the_library_is_usable_with_the_keyboard(page_server, offline_browser, loaded_store_dir):
    """Tab to the filter, narrow the list, open a query with Enter, fill in its parameter,
    run it with Enter: no mouse."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = offline_browser
    _open(driver, page_server.url)
    _wait(
        driver,
        lambda d: d.find_elements(By.CSS_SELECTOR, "#query-list .query-button"),
        "the library list",
    )
    focused = []
    for _ in range(6):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        focused.append(driver.switch_to.active_element.get_attribute("id"))
        if focused[-1] == "library-filter":
            break
    assert focused[-1] == "library-filter", focused
    ActionChains(driver).send_keys("papers-by-approach").perform()
    _wait(
        driver,
        lambda d: d.find_element("id", "status").text == "1 named query matches",
        "the filtered list",
    )
    ActionChains(driver).send_keys(Keys.TAB).perform()
    active = driver.switch_to.active_element
    assert active.get_attribute("data-name") == "papers-by-approach"
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    _wait(
        driver,
        lambda d: d.switch_to.active_element.get_attribute("id") == "param-approach",
        "the focus on the parameter",
    )
    ActionChains(driver).send_keys("norm:PreferenceBasedTraining", Keys.ENTER).perform()
    params = {"approach": "norm:PreferenceBasedTraining"}
    assert _result_rows(driver) == _expected_rows(loaded_store_dir, "papers-by-approach", params)
    assert _severe(driver) == []


def test_the_page_has_landmarks_and_labelled_controls(page_server, offline_browser):
    """Our part of the page (library, form) is navigable by landmark and every control has
    an accessible name."""
    driver = offline_browser
    _open(driver, page_server.url + "?name=papers-by-approach&approach=norm:RLHF")
    _wait(driver, lambda d: d.find_elements("id", "param-approach"), "the parameter form")
    found = driver.execute_script(
        """
        const landmarks = ['header', 'nav', 'main'].filter((t) => document.querySelector(t));
        const unnamed = [];
        for (const el of document.querySelectorAll(
            '#library input, #library button, #selected input, #selected button')) {
          const named = (el.labels && el.labels.length) || el.textContent.trim()
            || el.getAttribute('aria-label');
          if (!named) unnamed.push(el.outerHTML.slice(0, 80));
        }
        return {landmarks, unnamed, lang: document.documentElement.lang};
        """
    )
    assert found == {"landmarks": ["header", "nav", "main"], "unnamed": [], "lang": "en"}

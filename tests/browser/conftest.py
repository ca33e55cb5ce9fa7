"""Fixtures of the HTML report tests: `normspace run` on the fixture corpus and on the bundled
corpus (once per session each, keeping the store), and a headless Chromium driven by
Selenium.

Without Chromium or chromedriver the browser tests are skipped, except in CI (the
environment variable ``CI`` is set), where a missing browser fails them: CI must run them.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

FIXTURE_CORPUS = Path(__file__).parent.parent / "data" / "queries" / "corpus"
CHROMIUM = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
CHROMEDRIVER = ("/usr/bin/chromedriver", "chromedriver")
ARGUMENTS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--window-size=1400,1000",
)


@dataclass
class Run:
    """The outputs of one `normspace run` and the store it kept."""

    out: Path
    store: Path
    corpus: Path

    @property
    def html(self) -> Path:
        return self.out / "report.html"


def _run(base: Path, corpus: Path, name: str | None) -> Run:
    from normspace.runjob import run_job

    run_job(corpus, base / "out", base / "store", corpus_name=name)
    return Run(base / "out", base / "store", corpus)


@pytest.fixture(scope="session")
def fixture_run(tmp_path_factory) -> Run:
    """`normspace run` on the fixture corpus (8 annotations of 7 papers)."""
    return _run(tmp_path_factory.mktemp("fixture-run"), FIXTURE_CORPUS, None)


@pytest.fixture(scope="session")
def bundled_run(tmp_path_factory) -> Run:
    """`normspace run` on the bundled corpus (the slow one: once per session)."""
    from normspace.cli.run import bundled_corpus_name
    from normspace.resources import corpus_dir

    return _run(tmp_path_factory.mktemp("bundled-run"), corpus_dir(), bundled_corpus_name())


def _find(names: tuple[str, ...]) -> str | None:
    for name in names:
        found = shutil.which(name) if "/" not in name else (name if Path(name).exists() else None)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium (Selenium), with the browser console log kept."""
    chromium, driver = _find(CHROMIUM), _find(CHROMEDRIVER)
    missing = [
        what for what, path in (("chromium", chromium), ("chromedriver", driver)) if not path
    ]
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing.append("the Python package selenium")
    if missing:
        reason = (
            f"{' and '.join(missing)} not found (apt-get install chromium chromium-driver; "
            "pip install selenium)"
        )
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: {reason}")
        pytest.skip(reason)
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ARGUMENTS:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    session = webdriver.Chrome(options=options, service=Service(driver))
    yield session
    session.quit()

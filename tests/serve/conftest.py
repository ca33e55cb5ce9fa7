"""Fixtures of the `normspace serve` tests: the bundled corpus in an embedded store (loaded
once per session, read-only use) and servers on it, each on a free port of 127.0.0.1 and
stopped at teardown."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner


@pytest.fixture(scope="session")
def bundled_store_dir(tmp_path_factory) -> Path:
    """The ontology and the bundled corpus (178 papers), as `normspace load` stores them."""
    from normspace.cli.main import cli
    from normspace.resources import corpus_dir

    path = tmp_path_factory.mktemp("serve-bundled") / "store"
    result = CliRunner().invoke(cli, ["-q", "load", str(corpus_dir()), "--store", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="session")
def bundled_server(bundled_store_dir: Path) -> Iterator:
    """`normspace serve` on the bundled corpus, in this process, on a free port."""
    from normspace.serve import start

    with start(bundled_store_dir) as server:
        yield server

"""Fixtures of the fast-reader tests: every YAML file the suite has, and small synthetic
corpora from the benchmark's generator (three seeds, so that the differential tests see
random combinations of every field, not only the hand-written fixtures)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
DATA = ROOT / "tests" / "data"
#: every YAML file under tests/data (valid, invalid, bad inputs, v1, stores, ...)
FIXTURES = sorted(p for p in DATA.rglob("*") if p.suffix in {".yaml", ".yml"})
#: the bundled corpus
CORPUS = sorted((ROOT / "examples" / "corpus").glob("*.yaml"))
#: seeds of the synthetic corpora
SEEDS = (1, 2, 3)
SYNTHETIC_PAPERS = 40


def load_bench():
    """benchmarks/bench.py as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location(
        "normspace_reader_bench", ROOT / "benchmarks" / "bench.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("normspace_reader_bench", module)  # dataclasses need the module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def synthetic_corpora(tmp_path_factory) -> dict[int, list[Path]]:
    """Seed -> the files of a small synthetic corpus generated with that seed."""
    bench = load_bench()
    folder = tmp_path_factory.mktemp("synthetic")
    return {
        seed: bench.generate_corpus(folder / f"s{seed}", SYNTHETIC_PAPERS, seed) for seed in SEEDS
    }

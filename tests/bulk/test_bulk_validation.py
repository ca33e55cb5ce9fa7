"""The bulk path (worker processes, batch SHACL engine) reports exactly what the per-file
path (one file at a time, pySHACL) reports: same problems in the same order, same summary,
same exit code, whatever the number of workers or the engine; on every fixture folder,
the bundled corpus and synthetic corpora with broken files mixed in."""

from __future__ import annotations

import os
import random
import shutil
import sys
from functools import cache
from pathlib import Path

import pytest

from normspace import bulkread, shaclbatch
from normspace.annotation.validate import validate_paths
from normspace.errors import InputError
from normspace.resources import corpus_dir
from normspace.validation import validate_all, validate_files

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench import generate_corpus  # noqa: E402

#: Text edits that break a synthetic file in ways the reader or the shapes report.
MUTATIONS = [
    ("term: norm:", "term: norm:NoSuchTerm"),  # unknown term (reader)
    ("confidence: 0.", "confidence: 7."),  # out of range
    ("  date: ", "  dated: "),  # unknown key, missing date
    ("value: ", "value: lots "),  # not a number
    ("direction: ", "direction: sideways-"),  # not an allowed direction
    ("statement: ", "statment: "),  # misspelt key, missing statement
    ("- norm:", "- dpv:Nonexistent"),  # a term from outside the ontology
]


def _mutate(folder: Path, seed: int) -> None:
    """Break some files of a synthetic corpus, and add files that cannot be read at all,
    a duplicate annotation and the same paper by a second annotator."""
    rng = random.Random(seed)
    files = sorted(folder.glob("*.yaml"))
    for path in rng.sample(files, k=len(files) // 3):
        old, new = rng.choice(MUTATIONS)
        text = path.read_text(encoding="utf-8")
        if old in text:
            path.write_text(text.replace(old, new, 1), encoding="utf-8")
    (folder / "zz-binary.yaml").write_bytes(bytes(range(256)))
    (folder / "zz-bad-yaml.yaml").write_text("paper: [unclosed\n  title: x\n", encoding="utf-8")
    (folder / "zz-empty.yaml").write_text("", encoding="utf-8")
    (folder / "zz-list.yaml").write_text("- a\n- b\n", encoding="utf-8")
    shutil.copy(files[0], folder / "zz-duplicate.yaml")
    second = files[1].read_text(encoding="utf-8").replace("Annotator A", "Annotator Q")
    (folder / "zz-second-annotator.yaml").write_text(second, encoding="utf-8")


@cache
def synthetic(seed: int, tmp: Path) -> Path:
    folder = tmp / f"synthetic-{seed}"
    generate_corpus(folder, 24, seed)
    _mutate(folder, seed)
    return folder


def folders() -> list[tuple[str, Path | int]]:
    fixed = [
        ("bad-inputs", DATA / "bad"),
        ("annotation-fixtures", DATA / "annotation"),
        ("store-fixtures", DATA / "store"),
        ("query-corpus", DATA / "queries" / "corpus"),
        ("bundled-corpus", corpus_dir()),
    ]
    return fixed + [(f"synthetic-{seed}", seed) for seed in (1, 2, 3)]


@cache
def reference(folder: Path):
    """The per-file run (pySHACL, one file at a time): what ``validate`` always reported."""
    return validate_paths([folder])


@pytest.fixture(scope="module")
def tmp_corpora(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bulk-corpora")


def _folder(spec: Path | int, tmp: Path) -> Path:
    return synthetic(spec, tmp) if isinstance(spec, int) else spec


def _outcome(run) -> tuple:
    return (
        [p.to_json() for p in run.problems],
        run.summary(),
        run.exit_code,
        [str(f.parsed.path) for f in run.files],
        [d.annotation_iri for d in run.documents],
    )


@pytest.mark.parametrize(("name", "spec"), folders(), ids=[n for n, _ in folders()])
@pytest.mark.parametrize(
    ("workers", "engine"), [(1, "sparql"), (2, "sparql"), (2, "pyshacl")], ids=str
)
def test_bulk_validation_equals_the_per_file_path(
    name, spec, workers, engine, tmp_corpora, monkeypatch
):
    folder = _folder(spec, tmp_corpora)
    monkeypatch.setenv(shaclbatch.ENGINE_ENV, engine)
    monkeypatch.setattr(bulkread, "CHUNK_FILES", 7)  # several chunks even for small folders
    expected = reference(folder)
    got = validate_all([folder], workers=workers)
    assert _outcome(got) == _outcome(expected)


def test_the_synthetic_corpora_hold_every_kind_of_outcome(tmp_corpora):
    """The mixed corpora exercise what the comparison is about: errors from the reader and
    from the shapes, warnings, unreadable files and duplicates (so it cannot pass on
    clean data alone)."""
    run = reference(synthetic(1, tmp_corpora))
    rules = {p.rule for p in run.problems}
    assert {"yaml-syntax", "encoding", "duplicate-annotation", "unknown-term"} <= rules
    assert any(r.startswith("nsh:") for r in rules)
    assert {p.severity for p in run.problems} == {"error", "warning"}


def test_documents_carry_the_same_triples(tmp_corpora):
    """The bulk documents' N-Triples (what ``load`` writes) are the graph the per-file
    reader builds; ``validate`` alone keeps no triples (nothing is written)."""
    from rdflib import Graph
    from rdflib.compare import isomorphic

    folder = DATA / "queries" / "corpus"
    loadable = validate_files([folder], models=False, workers=2).documents
    bulk = {d.annotation_iri: d for d in loadable}
    assert not any(d.ntriples for d in validate_all([folder], workers=2).documents)
    for doc in reference(folder).documents:
        graph = Graph().parse(data=bulk[doc.annotation_iri].ntriples, format="nt")
        assert isomorphic(graph, doc.graph), doc.path


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", 1), ("3", 3), (" 2 ", 2), ("0", InputError), ("two", InputError), ("-1", InputError)],
)
def test_workers_from_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv(bulkread.WORKERS_ENV, value)
    if expected is InputError:
        with pytest.raises(InputError, match="NORMSPACE_WORKERS=.* is not a number of worker"):
            bulkread.default_workers()
    else:
        assert bulkread.default_workers() == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", "sparql"), ("sparql", "sparql"), ("PySHACL", "pyshacl"), ("jena", InputError)],
)
def test_engine_from_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv(shaclbatch.ENGINE_ENV, value)
    if expected is InputError:
        with pytest.raises(InputError, match="is not a SHACL engine; use `sparql`"):
            shaclbatch.engine_choice()
    else:
        assert shaclbatch.engine_choice() == expected


@pytest.mark.parametrize(
    ("count", "size", "expected"), [(0, 3, []), (5, 2, [2, 2, 1]), (6, 3, [3, 3]), (2, 5, [2])]
)
def test_chunks_keep_every_file_in_order(count, size, expected):
    paths = [Path(f"f{i}") for i in range(count)]
    parts = bulkread.chunks(paths, size)
    assert [len(p) for p in parts] == expected
    assert [p for part in parts for p in part] == paths


def test_the_digest_is_the_one_the_store_records(tmp_path):
    from normspace.loading import file_digest

    path = tmp_path / "a.yaml"
    path.write_bytes(b"paper: x\n")
    assert bulkread.content_digest(path, path.read_bytes()) == file_digest([path])


def test_a_worker_that_dies_is_reported_clearly(monkeypatch):
    """A worker killed (e.g. by the out-of-memory killer) stops the run with a message that
    says what happened and how to go on, never a traceback."""
    monkeypatch.setattr(bulkread, "_read_chunk", _die)
    files = sorted((DATA / "queries" / "corpus").glob("*.yaml"))
    with pytest.raises(InputError, match="a worker process reading the files stopped"):
        list(bulkread.read_records(files, workers=2, chunk_files=2))


def _die(paths, validate):
    """A worker task that ends its process at once (module level: tasks are pickled)."""
    os._exit(9)

"""Incremental ``load``: files the store already holds unchanged are neither validated nor
written again; a changed file rewrites only its own graph; a failed load changes nothing;
load never removes the graph of a deleted file; the bulk write equals the per-file one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from normspace import loading
from normspace import store as store_module
from normspace.errors import InputError
from normspace.loading import build_store, write_documents
from normspace.store import OxigraphStore, from_oxigraph
from normspace.validation import validate_files

DATA = Path(__file__).resolve().parents[1] / "data"
CORPUS = DATA / "queries" / "corpus"
EDITED = DATA / "store" / "edited" / "bai2022.yaml"
BAI = "https://w3id.org/normspace/annotation/arxiv/2212.08073/fixture-annotator-a"


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    return folder


@pytest.fixture
def loaded(run_cli, corpus, tmp_path) -> Path:
    store = tmp_path / "store"
    result = run_cli("load", corpus, "--store", store)
    assert result.exit_code == 0, result.stderr
    return store


def _info(store: Path) -> dict:
    with OxigraphStore(store, read_only=True) as opened:
        return opened.graph_info()


def _dump(store: Path) -> bytes:
    with OxigraphStore(store, read_only=True) as opened:
        return opened.dump()


def _summary(result) -> str:
    return result.stderr.strip().splitlines()[-1]


def test_loading_unchanged_files_again_writes_nothing(run_cli, corpus, loaded):
    before = _dump(loaded)
    result = run_cli("load", corpus, "--store", loaded)
    assert result.exit_code == 0
    assert _summary(result) == (
        f"loaded 0 annotations of 0 papers into {loaded}; 8 unchanged, skipped"
    )
    assert _dump(loaded) == before  # the bookkeeping too: loadedAt is unchanged


def test_a_changed_file_rewrites_only_its_graph(run_cli, corpus, loaded):
    before = _info(loaded)
    shutil.copy(EDITED, corpus / "bai2022.yaml")
    result = run_cli("load", corpus, "--store", loaded)
    assert result.exit_code == 0, result.stderr
    assert _summary(result) == (
        f"loaded 1 annotation of 1 paper into {loaded} (1 replaced an earlier version); "
        "7 unchanged, skipped"
    )
    after = _info(loaded)
    changed = {iri for iri in after if after[iri] != before.get(iri)}
    assert changed == {BAI}
    assert after[BAI]["digest"] != before[BAI]["digest"]


def test_all_rewrites_every_file(run_cli, corpus, loaded):
    result = run_cli("load", corpus, "--store", loaded, "--all")
    assert result.exit_code == 0
    assert _summary(result) == (
        f"loaded 8 annotations of 7 papers into {loaded} (8 replaced an earlier version)"
    )


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (b"paper: [unclosed\n", 2, "YAML syntax error"),
        (b"\xff\xfe binary", 2, "not UTF-8"),
    ],
    ids=["bad-yaml", "binary"],
)
def test_a_failed_incremental_load_leaves_the_store_as_it_was(
    run_cli, corpus, loaded, content, code, message
):
    shutil.copy(EDITED, corpus / "bai2022.yaml")  # a good change that must not land either
    (corpus / "zz-broken.yaml").write_bytes(content)
    before = _dump(loaded)
    result = run_cli("load", corpus, "--store", loaded)
    assert result.exit_code == code
    assert message in result.stderr and "nothing loaded" in result.stderr
    assert _dump(loaded) == before


def test_an_invalid_changed_file_is_reported_and_nothing_is_written(run_cli, corpus, loaded):
    path = corpus / "bai2022.yaml"
    path.write_text(path.read_text().replace("norm:RLAIF", "norm:RLAIFF"), encoding="utf-8")
    before = _dump(loaded)
    result = run_cli("load", corpus, "--store", loaded)
    assert result.exit_code == 1
    assert "unknown term `norm:RLAIFF`" in result.stderr
    assert _dump(loaded) == before


def test_load_never_removes_the_graph_of_a_deleted_file(run_cli, corpus, loaded):
    before = _info(loaded)
    (corpus / "bai2022.yaml").unlink()
    result = run_cli("load", corpus, "--store", loaded)
    assert result.exit_code == 0
    assert "7 unchanged, skipped" in result.stderr
    assert _info(loaded) == before


def test_a_file_moved_elsewhere_is_loaded_again(run_cli, corpus, loaded, tmp_path):
    """The digest is recorded per source file: the same bytes under another path are a
    new source (the earlier copy's graph is replaced, with a warning)."""
    moved = tmp_path / "moved"
    moved.mkdir()
    shutil.copy(corpus / "bai2022.yaml", moved / "bai2022.yaml")
    result = run_cli("load", moved, "--store", loaded)
    assert result.exit_code == 0
    assert "(1 replaced an earlier version)" in result.stderr
    assert _info(loaded)[BAI]["source"] == str((moved / "bai2022.yaml").resolve())


def _graphs(store: OxigraphStore) -> dict[str, Graph]:
    out = {}
    for iri in store.graphs():
        graph = Graph()
        for quad in store.quads([iri]):
            graph.add(tuple(from_oxigraph(t) for t in (quad.subject, quad.predicate, quad.object)))
        out[iri] = graph
    return out


@pytest.mark.parametrize("workers", [1, 2])
def test_bulk_writes_equal_the_per_file_write(tmp_path, workers):
    """Transaction (load) and bulk loader (run) from N-Triples hold the same graphs as a
    load of documents read whole in this process (blank nodes compared by isomorphism)."""
    whole = OxigraphStore(tmp_path / "whole")
    write_documents(whole, validate_files([CORPUS]).documents)
    bulk_docs = validate_files([CORPUS], models=False, workers=workers).documents
    assert all(d.serialised for d in bulk_docs)
    loaded = OxigraphStore(tmp_path / "loaded")
    write_documents(loaded, bulk_docs)
    built, _ = build_store(tmp_path / "built", bulk_docs)
    expected = _graphs(whole)
    for store in (loaded, built):
        got = _graphs(store)
        assert got.keys() == expected.keys()
        for iri, graph in expected.items():
            assert isomorphic(got[iri], graph), iri
        info = store.graph_info()
        assert {i: info[i]["digest"] for i in info} == {
            i: m["digest"] for i, m in whole.graph_info().items()
        }


def test_a_first_large_load_uses_the_bulk_loader(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(loading, "BULK_LOAD_MIN", 2)
    docs = validate_files([CORPUS], models=False).documents
    store = OxigraphStore(tmp_path / "s")
    with caplog.at_level("INFO", logger="normspace.loading"):
        summary = write_documents(store, docs)
    assert "with the bulk loader (empty store)" in caplog.text
    assert sorted(summary.loaded) == sorted(d.annotation_iri for d in docs)
    whole = OxigraphStore(tmp_path / "whole")
    write_documents(whole, validate_files([CORPUS]).documents)
    expected, got = _graphs(whole), _graphs(store)
    assert got.keys() == expected.keys()
    assert all(isomorphic(got[i], g) for i, g in expected.items())


@pytest.mark.parametrize(
    ("exc", "raised"),
    [(RuntimeError("disk on fire"), InputError), (KeyboardInterrupt(), KeyboardInterrupt)],
    ids=["store-error", "interrupt"],
)
def test_a_failed_first_bulk_load_leaves_the_store_empty(tmp_path, monkeypatch, exc, raised):
    monkeypatch.setattr(loading, "BULK_LOAD_MIN", 2)
    docs = validate_files([CORPUS], models=False).documents
    store = OxigraphStore(tmp_path / "s")
    empty = store.dump()

    def failing(graph_iri, meta):  # the data is in; the bookkeeping fails
        raise exc

    monkeypatch.setattr(store_module, "record_graph", failing)
    with pytest.raises(raised):
        write_documents(store, docs)
    monkeypatch.undo()
    assert store.dump() == empty


def test_a_first_large_load_streams_into_the_empty_store(run_cli, tmp_path, monkeypatch):
    monkeypatch.setattr(loading, "BULK_LOAD_MIN", 2)
    monkeypatch.setattr(loading._StreamWriter, "BATCH_BYTES", 10_000)  # several batches
    result = run_cli("load", CORPUS, "--store", tmp_path / "s", "-v")
    assert result.exit_code == 0, result.stderr
    assert "with the bulk loader, streaming (empty store)" in result.stderr
    assert _summary(result) == (
        f"loaded 8 annotations of 7 papers into {tmp_path / 's'}; (re)loaded "
        "<https://w3id.org/normspace>, <https://w3id.org/normspace/mappings>, "
        "<https://w3id.org/normspace/imports>"
    )
    whole = OxigraphStore(tmp_path / "whole")
    write_documents(whole, validate_files([CORPUS]).documents)
    with OxigraphStore(tmp_path / "s") as streamed:
        got, expected = _graphs(streamed), _graphs(whole)
        assert got.keys() == expected.keys()
        assert all(isomorphic(got[i], g) for i, g in expected.items())
        assert streamed.graph_info().keys() == whole.graph_info().keys()
    again = run_cli("load", CORPUS, "--store", tmp_path / "s")
    assert "8 unchanged, skipped" in again.stderr


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [("zz-invalid.yaml", None, 1), ("zz-bad.yaml", b"paper: [unclosed\n", 2)],
    ids=["invalid-last", "unreadable-last"],
)
def test_a_failed_streaming_load_leaves_the_store_empty(
    run_cli, corpus, tmp_path, monkeypatch, name, content, code
):
    """The error is in the last file: earlier chunks were already written, and removed."""
    monkeypatch.setattr(loading, "BULK_LOAD_MIN", 2)
    monkeypatch.setattr(loading._StreamWriter, "BATCH_BYTES", 10_000)
    if content is None:
        text = (corpus / "bai2022.yaml").read_text().replace("norm:RLAIF", "norm:RLAIFF")
        content = text.replace("Fixture Annotator A", "Fixture Annotator Z").encode()
    (corpus / name).write_bytes(content)
    result = run_cli("load", corpus, "--store", tmp_path / "s")
    assert result.exit_code == code
    assert "nothing loaded" in result.stderr
    with OxigraphStore(tmp_path / "s") as store:
        assert len(store) == 0 and store.graphs() == [] and store.graph_info() == {}

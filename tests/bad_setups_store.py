"""Setup steps of the store and remote cases of the bad-input catalogue (helper module
merged by ``tests/test_bad_inputs.py``): each takes the case folder and the case dict, in
which ``_store`` is the preloaded store's path (or None)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

#: Stores opened for writing by ``store-hold-lock``, kept alive until the process ends so
#: that the lock stays held while the case runs (a writer in the same process holds the
#: same RocksDB lock a writer in another process would).
_HELD: list[object] = []


def _store(case: dict) -> Path:
    store = case.get("_store")
    assert store is not None, "this setup step needs `store = true` in case.toml"
    return Path(store)


def remove_manifest(folder: Path, case: dict) -> None:
    """A half-written store: CURRENT and the MANIFEST files are missing (an interrupted
    copy), the table files are there."""
    store = _store(case)
    (store / "CURRENT").unlink()
    for manifest in store.glob("MANIFEST-*"):
        manifest.unlink()


def hold_lock(folder: Path, case: dict) -> None:
    """Another writer: open the store for writing and keep it open."""
    import pyoxigraph as ox

    _HELD.append(ox.Store(str(_store(case))))


def huge_error_body(folder: Path, case: dict) -> None:
    """A 2 MB HTML error page as the canned response (too big to keep in the repository);
    list it BEFORE ``http-server``, which reads the body when it starts."""
    page = (
        b"<html><body><pre>" + b"stack frame\n" * (2 * 1024 * 1024 // 12) + b"</pre></body></html>"
    )
    (folder / "response.body").write_bytes(page)


SETUPS: dict[str, Callable[[Path, dict], None]] = {
    "store-remove-manifest": remove_manifest,
    "store-hold-lock": hold_lock,
    "remote-huge-error-body": huge_error_body,
}

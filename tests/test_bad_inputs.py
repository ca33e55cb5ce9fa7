"""The bad-input catalogue: every case in ``tests/data/bad/<case>/`` runs through the CLI.

Each case folder holds the input files and a ``case.toml`` (see ``tests/data/bad/README.md``).
A case asserts what a user sees when they make that mistake or hit that fault: no traceback,
the documented exit code, a message that names what is wrong and where, never the generic
"unexpected error" guard (each case must have its own real message), and, when the case
runs against a store, a store that is unchanged afterwards.
"""

from __future__ import annotations

import codecs
import hashlib
import shutil
import time
import tomllib
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import pytest
from canned_http import canned_server
from click.testing import CliRunner

BAD = Path(__file__).parent / "data" / "bad"

#: Printed by the CLI's last-resort guard; a case that shows it has no real message yet.
GUARD_TEXT = "unexpected error"
#: Files of an Oxigraph (RocksDB) folder that change when it is merely opened.
VOLATILE = ("LOG", "LOCK")


def _cases() -> list[Path]:
    return sorted(p for p in BAD.iterdir() if (p / "case.toml").is_file())


# ---------------------------------------------------------------- setup steps


def _corrupt_current(folder: Path, case: dict, store: Path | None) -> None:
    """The store's CURRENT file (which names the live manifest) holds garbage."""
    (_need_store(store) / "CURRENT").write_bytes(b"\x00garbage\xff\n")


def _corrupt_sst(folder: Path, case: dict, store: Path | None) -> None:
    """Flip bytes in the middle of every table file: block checksum mismatches on read."""
    tables = sorted(_need_store(store).glob("*.sst"))
    assert tables, "the preloaded store has no .sst files to corrupt"
    for table in tables:
        data = bytearray(table.read_bytes())
        middle = len(data) // 2
        for i in range(middle, min(middle + 64, len(data))):
            data[i] ^= 0xFF
        table.write_bytes(bytes(data))


def _symlink_loop(folder: Path, case: dict, store: Path | None) -> None:
    corpus = folder / "corpus"
    corpus.mkdir(exist_ok=True)
    (corpus / "loop").symlink_to(corpus, target_is_directory=True)


def _readonly_output(folder: Path, case: dict, store: Path | None) -> None:
    (folder / "out.yaml").chmod(0o444)


def _need_store(store: Path | None) -> Path:
    assert store is not None, "this setup step needs `store = true` in case.toml"
    return store


SETUPS: dict[str, Callable[[Path, dict, Path | None], None]] = {
    "corrupt-store-current": _corrupt_current,
    "corrupt-store-sst": _corrupt_sst,
    "symlink-loop": _symlink_loop,
    "readonly-output": _readonly_output,
}


def _extra_setups() -> dict[str, Callable]:
    """Setup steps contributed by other test modules (``tests/bad_setups_*.py``)."""
    import importlib.util

    extra: dict[str, Callable] = {}
    for path in sorted(Path(__file__).parent.glob("bad_setups_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)  # type: ignore[union-attr]
        extra.update(getattr(module, "SETUPS", {}))
    return extra


def _http_server(folder: Path, case: dict):
    """A local server that answers every request with the case's canned response."""
    return canned_server(
        (folder / "response.body").read_bytes(),
        int(case.get("response_status", 200)),
        case.get("response_type", "application/sparql-results+json"),
        1.0 if case.get("response_drip") else None,
    )


# ---------------------------------------------------------------- store snapshots


def store_snapshot(path: Path) -> str:
    """What the store holds: its sorted quads when it opens, else a digest of its files.

    Opening RocksDB rewrites its log files, so a byte comparison would report changes that
    are not; a store that cannot be opened (the corruption cases) is compared file by file.
    """
    import pyoxigraph as ox

    try:
        store = ox.Store.read_only(str(path))
        lines = sorted(str(q) for q in store)
        return hashlib.sha256("\n".join(lines).encode()).hexdigest() + f" ({len(lines)} quads)"
    except (OSError, RuntimeError, ValueError):
        digest = hashlib.sha256()
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            if not file.name.startswith(VOLATILE):
                digest.update(file.name.encode() + b"\0" + file.read_bytes())
        return "files " + digest.hexdigest()


# ---------------------------------------------------------------- the catalogue


def _args(case: dict, substitutions: dict[str, str]) -> list[str]:
    args = []
    for arg in case["args"]:
        for key, value in substitutions.items():
            arg = arg.replace("{" + key + "}", value)
        if case.get("escapes"):
            arg = codecs.decode(arg.encode("utf-8", "surrogatepass"), "unicode_escape")
        args.append(arg)
    return args


@pytest.mark.parametrize("case_dir", _cases(), ids=lambda p: p.name)
def test_bad_input(case_dir: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    from normspace.cli.main import cli

    case = tomllib.loads((case_dir / "case.toml").read_text(encoding="utf-8"))
    folder = tmp_path / case_dir.name
    shutil.copytree(case_dir, folder, symlinks=True)
    substitutions = {"case": str(folder), "tmp": str(tmp_path)}
    store: Path | None = None
    if case.get("store"):
        store = tmp_path / "store"
        shutil.copytree(request.getfixturevalue("loaded_store_dir"), store)
        substitutions["store"] = str(store)
    extra = _extra_setups()
    with ExitStack() as stack:
        for name in case.get("setup", []):
            if name == "http-server":
                substitutions["endpoint"] = stack.enter_context(_http_server(folder, case))
            elif name in SETUPS:
                SETUPS[name](folder, case, store)
            else:  # contributed steps take (folder, case); the store path is case["_store"]
                assert name in extra, f"unknown setup {name!r}; known: {sorted({*SETUPS, *extra})}"
                extra[name](folder, {**case, "_store": store})
        before = store_snapshot(store) if store else None
        started = time.monotonic()
        result = CliRunner().invoke(cli, _args(case, substitutions), catch_exceptions=True)
        elapsed = time.monotonic() - started
    output = result.stdout + result.stderr
    context = f"{case_dir.name} ({case.get('description', '')}), {elapsed:.1f}s:\n{output}"
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"exception escaped the CLI in {context}\n{result.exc_info!r}"
    )
    assert "Traceback" not in output, context
    assert GUARD_TEXT not in output, f"only the generic guard answered in {context}"
    assert result.exit_code == case["exit"], context
    for fragment in case.get("messages", []):
        assert fragment in output, f"missing {fragment!r} in {context}"
    if store is not None:
        assert store_snapshot(store) == before, f"store changed in {context}"


def test_catalogue_size() -> None:
    """The issue asks for at least sixty distinct cases; fewer means cases were lost."""
    assert len(_cases()) >= 60, f"only {len(_cases())} bad-input cases"

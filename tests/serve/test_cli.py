"""`normspace serve` through the CLI, in process: what it prints when it starts and stops,
and one clear message (exit 2) for each way it cannot start."""

from __future__ import annotations

import signal
import socket

import pytest
from click.testing import CliRunner

from normspace.cli.main import cli
from normspace.serve import SparqlHTTPServer


@pytest.fixture
def stop_at_once(monkeypatch) -> list[int]:
    """Make the server's loop end as Ctrl-C ends it, recording the port it listened on."""
    ports: list[int] = []

    def interrupted(self: SparqlHTTPServer, poll_interval: float = 0.5) -> None:
        ports.append(self.port)
        raise KeyboardInterrupt

    monkeypatch.setattr(SparqlHTTPServer, "serve_forever", interrupted)
    return ports


def _invoke(*args: str):
    return CliRunner().invoke(cli, ["serve", *args])


def test_serve_prints_the_urls_and_stops_cleanly_on_ctrl_c(loaded_store_dir, stop_at_once):
    result = _invoke("--store", str(loaded_store_dir), "--port", "0")
    (port,) = stop_at_once
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        f"serving the store at {loaded_store_dir} (8 annotation graphs), read-only\n"
        f"query page:      http://127.0.0.1:{port}/\n"
        f"SPARQL endpoint: http://127.0.0.1:{port}/sparql\n"
        "press Ctrl-C to stop\n"
        "stopped\n"
    )
    with socket.socket() as again:  # the port was released
        again.bind(("127.0.0.1", port))


def test_an_empty_store_is_served_with_a_warning(tmp_path, stop_at_once):
    from normspace.store import OxigraphStore

    empty = tmp_path / "store"
    OxigraphStore(empty).close()
    result = _invoke("--store", str(empty), "--port", "0")
    assert result.exit_code == 0
    assert result.stderr == (
        f"warning: the store at {empty} holds no annotations (the named queries will return "
        f"no rows); load some with `normspace load FILE... --store {empty}` or build one with "
        f"`normspace run --store {empty}`, then restart the server\n"
    )
    assert result.stdout.startswith(f"serving the store at {empty} (0 annotation graphs)")


@pytest.fixture
def busy_port():
    """A port of 127.0.0.1 something else listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_a_port_in_use_is_explained(loaded_store_dir, busy_port):
    result = _invoke("--store", str(loaded_store_dir), "--port", str(busy_port))
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: port {busy_port} on 127.0.0.1 is in use (by another normspace serve?); pick "
        "another with --port or --port 0\n"
    )


@pytest.mark.parametrize(
    ("host", "message"),
    [
        (
            "203.0.113.7",
            "error: cannot listen on 203.0.113.7: not an address of this machine; the default "
            "is 127.0.0.1\n",
        ),
    ],
)
def test_an_address_of_another_machine_is_explained(loaded_store_dir, host, message):
    result = _invoke("--store", str(loaded_store_dir), "--host", host, "--port", "0")
    assert (result.exit_code, result.stderr) == (2, message)


def test_a_missing_store_says_how_to_build_one(tmp_path):
    missing = tmp_path / "nothing"
    result = _invoke("--store", str(missing), "--port", "0")
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: no store at {missing}: build one with `normspace run --store {missing}` (the "
        f"main job keeps the store it builds there) or `normspace load FILE... --store "
        f"{missing}`; or name another store with --store / NORMSPACE_STORE\n"
    )


def test_a_folder_that_is_not_a_store_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("not a store", encoding="utf-8")
    result = _invoke("--store", str(tmp_path), "--port", "0")
    assert (result.exit_code, result.stderr) == (
        2,
        f"error: {tmp_path} is not a NormSpace store (it is a file, or a folder with other "
        "content); name a new or empty folder, or an existing store\n",
    )


def test_a_damaged_store_names_the_way_out(loaded_store_dir, tmp_path):
    import shutil

    damaged = tmp_path / "store"
    shutil.copytree(loaded_store_dir, damaged)
    (damaged / "CURRENT").unlink()
    for manifest in damaged.glob("MANIFEST-*"):
        manifest.unlink()
    result = _invoke("--store", str(damaged), "--port", "0")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: the store at {damaged} is damaged or half-written (")
    assert result.stderr.endswith(
        f"`normspace store check --store {damaged}` shows what is wrong and `normspace store "
        f"repair --store {damaged}` rebuilds it from the annotation files it was loaded from\n"
    )


def test_serve_runs_beside_a_writer_holding_the_lock(loaded_store_dir, tmp_path, stop_at_once):
    """The store is opened read-only: `normspace load` may hold the lock meanwhile."""
    import shutil

    import pyoxigraph as ox

    copy = tmp_path / "store"
    shutil.copytree(loaded_store_dir, copy)
    writer = ox.Store(str(copy))
    try:
        result = _invoke("--store", str(copy), "--port", "0")
    finally:
        del writer
    assert result.exit_code == 0, result.stderr
    assert "(8 annotation graphs)" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "70000"], "Invalid value for '--port': 70000 is not in the range 0<=x<=65535."),
        (["--timeout", "0"], "Invalid value for '--timeout': 0.0 is not in the range x>0."),
    ],
)
def test_bad_options_are_usage_errors(loaded_store_dir, args, message):
    result = _invoke("--store", str(loaded_store_dir), *args)
    assert result.exit_code == 2
    assert message in result.stderr


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "term"])
def test_the_server_process_answers_and_stops_cleanly(loaded_store_dir, signum):
    """As a user runs it: a process that prints its URL, answers, and ends with exit 0 on
    Ctrl-C (SIGINT) or SIGTERM."""
    import subprocess
    import sys
    import urllib.request

    main = "from normspace.cli.main import main; main()"
    command = [sys.executable, "-c", main, "serve", "--port", "0"]
    process = subprocess.Popen(
        [*command, "--store", str(loaded_store_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a shell without job control starts background jobs with SIGINT ignored, and
        # children inherit that (Python then installs no KeyboardInterrupt handler): give
        # the server the disposition a user's terminal gives it, wherever pytest runs
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        banner = [process.stdout.readline() for _ in range(4)]
        page = banner[1].split()[-1]
        assert banner[0].startswith(f"serving the store at {loaded_store_dir}")
        assert banner[3] == "press Ctrl-C to stop\n"
        with urllib.request.urlopen(page + "api/queries/papers?format=csv", timeout=60) as answer:
            assert answer.read().decode("utf-8").count("\n") == 8  # header and 7 papers
        process.send_signal(signum)
        rest, err = process.stdout.read(), process.stderr.read()
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert (process.returncode, rest, err) == (0, "stopped\n", "")

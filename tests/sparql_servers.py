"""Real SPARQL servers for the test suite: Oxigraph server (PyPI ``oxigraph``) and a private
Virtuoso Open Source 7.2 instance (Debian ``virtuoso-opensource``), started on free loopback
ports and stopped by PID.

Why real servers and not a canned HTTP double: the point of the remote-store work is that
the query text is portable and the client copes with what real servers do (Virtuoso's row
cap, ``nodeID://`` blank nodes, Digest auth, a union default graph that includes system
graphs; Oxigraph's separate default graph). A double would only repeat our assumptions.

API (other test packages build on it, keep it stable):

- :class:`Server`, :func:`start_oxigraph`, :func:`start_virtuoso`, :func:`stop`;
- :func:`load_nquads` (Oxigraph: Graph Store Protocol POST of N-Quads; Virtuoso: the bulk
  loader, since its GSP takes one graph per request), :func:`update`, :func:`sparql_select`,
  :func:`user_graphs`, :func:`reset`;
- fixtures ``oxigraph_server`` / ``virtuoso_server`` (empty at the start of every test,
  cleared afterwards), ``oxigraph_union_server`` (started with ``--union-default-graph``),
  ``bundled_store_path`` / ``bundled_nquads`` (the bundled corpus loaded by ``normspace
  load``, and its N-Quads) and ``bundled_oxigraph`` / ``bundled_virtuoso`` (servers holding
  exactly those quads; read-only use).

Without a server binary the tests that need it are skipped, except in CI (environment
variable ``CI`` set), where a missing server fails them: CI must run them.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

#: Seconds a server may take to answer its first request (Virtuoso creates its database
#: files on the first start: 2-4 s here; generous for a loaded CI machine).
READY_TIMEOUT = 60.0
#: Seconds a server may take to exit after SIGTERM before it is killed.
STOP_TIMEOUT = 15.0
#: Seconds of one HTTP request to a test server.
HTTP_TIMEOUT = 300.0
#: Attempts at starting a server when the free port we picked was taken meanwhile.
PORT_ATTEMPTS = 3
VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
#: Rows Virtuoso may return (default 10,000 silently truncates results and GSP GETs).
VIRTUOSO_MAX_ROWS = 10_000_000


class ServerError(RuntimeError):
    """A test server could not be started, loaded or stopped (its log excerpt included)."""


@dataclass
class Server:
    """A running SPARQL server: where to query, update and use the Graph Store Protocol,
    and how to authenticate there (``auth`` is None, ``"basic"`` or ``"digest"``)."""

    name: str
    query_url: str
    update_url: str
    gsp_url: str
    auth: str | None
    user: str | None
    password: str | None
    pid: int
    workdir: Path
    #: Virtuoso's SQL port (isql-vt), None for Oxigraph.
    sql_port: int | None = None
    #: Seconds from launch until the server answered (and, for Virtuoso, was secured).
    start_seconds: float = 0.0
    #: Graphs present right after the start (Virtuoso's system graphs); :func:`reset` keeps them.
    baseline_graphs: frozenset[str] = frozenset()
    process: subprocess.Popen | None = field(default=None, repr=False, compare=False)
    #: Files handed to the Virtuoso bulk loader so far (names must not repeat).
    loads: int = field(default=0, repr=False, compare=False)

    @property
    def base_url(self) -> str:
        return self.query_url.rsplit("/", 1)[0]


# ---------------------------------------------------------------------------
# Finding binaries, ports, readiness
# ---------------------------------------------------------------------------


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` server binary: beside this Python (the venv) or on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else shutil.which("oxigraph")


def virtuoso_binaries() -> tuple[str, str, str] | None:
    """``virtuoso-t``, ``isql-vt`` and ``inifile``, or None when any is missing."""
    found = tuple(shutil.which(name) for name in ("virtuoso-t", "isql-vt", "inifile"))
    return found if all(found) and VIRTUOSO_INI.exists() else None  # type: ignore[return-value]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (the start retries if it is taken meanwhile)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _probe(url: str) -> bool:
    """True when ``url`` answers 200 to an ``ASK {}`` query."""
    target = url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    request = urllib.request.Request(target, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=2) as answer:
            return answer.status == 200
    except (OSError, urllib.error.URLError):
        return False


def _wait_ready(process: subprocess.Popen, url: str, log: Path, timeout: float) -> None:
    """Wait until the server answers at ``url`` AND our process is still alive.

    Both checks matter: a stale server on the same port would answer the probe while ours
    died with "address in use" (seen in the shared CI notes).
    """
    ends = time.monotonic() + timeout
    while time.monotonic() < ends:
        if process.poll() is not None:
            raise ServerError(f"{url}: the server exited ({process.returncode}): {_tail(log)}")
        if _probe(url) and process.poll() is None and _alive(process.pid):
            return
        time.sleep(0.05)
    raise ServerError(f"{url}: no answer within {timeout:g} s: {_tail(log)}")


def _tail(log: Path, lines: int = 15) -> str:
    try:
        return " | ".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _launch(argv: list[str], cwd: Path, log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(
            argv, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )


def stop(server: Server) -> None:
    """Stop the server by its PID: SIGTERM, then SIGKILL after :data:`STOP_TIMEOUT`."""
    process = server.process
    if process is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(server.pid, signal.SIGTERM)
        return
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_TIMEOUT)


# ---------------------------------------------------------------------------
# Oxigraph
# ---------------------------------------------------------------------------


def start_oxigraph(workdir: Path, *, union_default_graph: bool = False) -> Server:
    """``oxigraph serve`` on a fresh on-disk store in ``workdir/db``, bound to 127.0.0.1.

    Plain (``union_default_graph=False``) is what a user gets from ``oxigraph serve``: the
    default graph is a real, separate (empty) graph.
    """
    binary = oxigraph_binary()
    if binary is None:
        raise ServerError("the `oxigraph` server binary is not installed (pip install oxigraph)")
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / "oxigraph.log"
    last: ServerError | None = None
    for _ in range(PORT_ATTEMPTS):
        port = free_port()
        argv = [binary, "serve", "--location", str(workdir / "db"), "--bind", f"127.0.0.1:{port}"]
        if union_default_graph:
            argv.append("--union-default-graph")
        started = time.monotonic()
        process = _launch(argv, workdir, log)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(process, f"{base}/query", log, READY_TIMEOUT)
        except ServerError as exc:
            _kill(process)
            last = exc
            continue
        name = "oxigraph-union" if union_default_graph else "oxigraph"
        return Server(
            name=name,
            query_url=f"{base}/query",
            update_url=f"{base}/update",
            gsp_url=f"{base}/store",
            auth=None,
            user=None,
            password=None,
            pid=process.pid,
            workdir=workdir,
            start_seconds=time.monotonic() - started,
            process=process,
        )
    raise last or ServerError("oxigraph did not start")


def _kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
    process.wait(STOP_TIMEOUT)


# ---------------------------------------------------------------------------
# Virtuoso
# ---------------------------------------------------------------------------


def _virtuoso_settings(db: Path, sql_port: int, http_port: int) -> list[tuple[str, str, str]]:
    """The ini changes of a private instance: files in ``db``, both listeners on loopback,
    the row cap raised, the bulk loader allowed to read ``db``."""
    files = {
        "DatabaseFile": "virtuoso.db",
        "ErrorLogFile": "virtuoso.log",
        "LockFile": "virtuoso.lck",
        "TransactionFile": "virtuoso.trx",
        "xa_persistent_file": "virtuoso.pxa",
    }
    settings = [("Database", key, str(db / name)) for key, name in files.items()]
    return settings + [
        ("TempDatabase", "DatabaseFile", str(db / "virtuoso-temp.db")),
        ("TempDatabase", "TransactionFile", str(db / "virtuoso-temp.trx")),
        ("Parameters", "ServerPort", f"127.0.0.1:{sql_port}"),
        ("Parameters", "DirsAllowed", f".,{db},/usr/share/virtuoso-opensource-7/vad"),
        ("Parameters", "NumberOfBuffers", "40000"),  # ~320 MB: the bundled corpus is 42k quads
        ("Parameters", "MaxDirtyBuffers", "30000"),
        ("HTTPServer", "ServerPort", f"127.0.0.1:{http_port}"),
        ("HTTPServer", "ServerThreads", "20"),
        ("URIQA", "DefaultHost", f"localhost:{http_port}"),
        ("SPARQL", "ResultSetMaxRows", str(VIRTUOSO_MAX_ROWS)),
        ("SPARQL", "MaxQueryExecutionTime", "300"),
        ("SPARQL", "MaxQueryCostEstimationTime", "0"),  # 0: never refuse by estimate
    ]


def start_virtuoso(workdir: Path) -> Server:
    """A private Virtuoso instance with its database in ``workdir/db``, SQL and HTTP bound
    to 127.0.0.1, the ``dba`` password replaced by a random one (a fresh database always
    starts as dba/dba), and ``ResultSetMaxRows`` raised to :data:`VIRTUOSO_MAX_ROWS`.

    Query URL ``/sparql`` (anonymous, read-only); update ``/sparql-auth`` and GSP
    ``/sparql-graph-crud-auth``, both Digest auth as ``dba``.
    """
    binaries = virtuoso_binaries()
    if binaries is None:
        raise ServerError(
            "Virtuoso is not installed (Debian: apt-get install virtuoso-opensource; "
            "needs virtuoso-t, isql-vt, inifile and /etc/virtuoso-opensource-7/virtuoso.ini)"
        )
    server_binary, _, inifile = binaries
    last: ServerError | None = None
    for attempt in range(PORT_ATTEMPTS):
        db = workdir / f"db{attempt}"
        db.mkdir(parents=True, exist_ok=True)
        sql_port, http_port = free_port(), free_port()
        ini = db / "virtuoso.ini"
        shutil.copyfile(VIRTUOSO_INI, ini)
        for section, key, value in _virtuoso_settings(db, sql_port, http_port):
            _run([inifile, "+inifile", str(ini), "+section", section, "+key", key, "+value", value])
        started = time.monotonic()
        log = db / "stdout.log"
        process = _launch([server_binary, "+foreground", "+configfile", str(ini)], db, log)
        base = f"http://127.0.0.1:{http_port}"
        try:
            _wait_ready(process, f"{base}/sparql", db / "virtuoso.log", READY_TIMEOUT)
        except ServerError as exc:
            _kill(process)
            last = exc
            continue
        server = Server(
            name="virtuoso",
            query_url=f"{base}/sparql",
            update_url=f"{base}/sparql-auth",
            gsp_url=f"{base}/sparql-graph-crud-auth",
            auth="digest",
            user="dba",
            password=None,
            pid=process.pid,
            workdir=db,
            sql_port=sql_port,
            process=process,
        )
        try:
            _secure(server)
            server.baseline_graphs = frozenset(user_graphs(server, include_system=True))
        except BaseException:
            stop(server)
            raise
        server.start_seconds = time.monotonic() - started
        return server
    raise last or ServerError("virtuoso did not start")


def _secure(server: Server) -> None:
    """Replace the default dba/dba password and check the default no longer works."""
    password = "t" + secrets.token_hex(12)
    isql(server, f"USER_SET_PASSWORD('dba', '{password}'); checkpoint;", password="dba")
    server.password = password
    try:
        isql(server, "select 1;", password="dba")
    except ServerError:
        return
    raise ServerError(f"{server.query_url}: the default dba password still works")


def _run(argv: list[str], timeout: float = 120.0) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise ServerError(f"{argv[0]} failed ({done.returncode}): {done.stderr or done.stdout}")
    return done.stdout + done.stderr


def isql(server: Server, sql: str, *, password: str | None = None) -> str:
    """Run SQL through ``isql-vt`` on Virtuoso's SQL port; raise on any SQL error.

    isql-vt exits 0 on SQL errors, so its output is checked for ``*** Error``.
    """
    binaries = virtuoso_binaries()
    if binaries is None or server.sql_port is None:
        raise ServerError(f"{server.name} has no isql-vt access")
    secret = password or server.password or ""
    argv = [binaries[1], f"127.0.0.1:{server.sql_port}", "dba", secret, f"exec={sql}"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=600, check=False)
    output = done.stdout + done.stderr
    if done.returncode != 0 or "*** Error" in output or "Bad login" in output:
        shown = output.replace(secret, "***") if secret else output
        raise ServerError(f"isql-vt on {server.name} failed ({done.returncode}): {shown.strip()}")
    return output


# ---------------------------------------------------------------------------
# HTTP: queries, updates, loading
# ---------------------------------------------------------------------------


def _opener(server: Server) -> urllib.request.OpenerDirector:
    """An opener that answers the server's Basic or Digest challenge with its credentials."""
    if server.auth is None:
        return urllib.request.build_opener()
    manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    manager.add_password(None, server.base_url, server.user or "", server.password or "")
    handler = (
        urllib.request.HTTPDigestAuthHandler(manager)
        if server.auth == "digest"
        else urllib.request.HTTPBasicAuthHandler(manager)
    )
    return urllib.request.build_opener(handler)


def request(
    server: Server, method: str, url: str, body: bytes | None = None, content_type: str = ""
) -> tuple[int, bytes]:
    """One HTTP request with the server's credentials; (status, body). HTTP errors raise
    :class:`ServerError` with the start of the answer (never the password)."""
    headers = {"Content-Type": content_type} if content_type else {}
    headers["Accept"] = "application/sparql-results+json, */*;q=0.1"
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with _opener(server).open(req, timeout=HTTP_TIMEOUT) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        text = exc.read()[:500].decode("utf-8", "replace")
        raise ServerError(f"{method} {url}: HTTP {exc.code}: {text}") from exc


def update(server: Server, sparql: str) -> None:
    """A SPARQL 1.1 Update at the server's update URL (form-encoded POST)."""
    body = urllib.parse.urlencode({"update": sparql}).encode()
    request(server, "POST", server.update_url, body, "application/x-www-form-urlencoded")


def sparql_select(server: Server, sparql: str) -> list[dict[str, dict[str, str]]]:
    """The JSON bindings of a SELECT at the query URL (test plumbing, not the client under test)."""
    body = urllib.parse.urlencode({"query": sparql}).encode()
    _, answer = request(server, "POST", server.query_url, body, "application/x-www-form-urlencoded")
    return json.loads(answer)["results"]["bindings"]


def user_graphs(server: Server, *, include_system: bool = False) -> list[str]:
    """Named graphs holding triples (without the startup graphs unless ``include_system``)."""
    rows = sparql_select(server, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    names = sorted(row["g"]["value"] for row in rows if "g" in row)
    return names if include_system else [g for g in names if g not in server.baseline_graphs]


def load_nquads(server: Server, data: bytes) -> None:
    """Add N-Quads to the server (existing graphs keep their other triples).

    Oxigraph: one GSP POST of the whole dataset to ``/store`` (one transaction).
    Virtuoso: its GSP takes one graph per request, so the quads go through the bulk loader
    (``ld_dir`` of a file in the instance's DirsAllowed folder, ``rdf_loader_run``), and the
    load list is checked for errors since the loader reports them there, not as a failure.
    """
    if server.name.startswith("oxigraph"):
        request(server, "POST", server.gsp_url, data, "application/n-quads")
        return
    server.loads += 1
    folder = server.workdir / "load"
    folder.mkdir(exist_ok=True)
    name = f"load-{server.loads:04d}.nq"
    (folder / name).write_bytes(data)
    isql(
        server,
        f"ld_dir('{folder}', '{name}', 'urn:normspace:test:no-graph'); "
        "rdf_loader_run(); checkpoint;",
    )
    errors = isql(
        server,
        f"SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_file = '{folder}/{name}' "
        "AND (ll_error IS NOT NULL OR ll_state <> 2);",
    )
    if "0 Rows" not in errors:
        raise ServerError(f"virtuoso bulk load of {name} failed: {errors.strip()}")


def create_graphs(server: Server, names: list[str]) -> None:
    """Create empty named graphs (the embedded store's bookkeeping records are such graphs)."""
    if names:
        update(server, " ;\n".join(f"CREATE SILENT GRAPH <{name}>" for name in names))


def reset(server: Server) -> None:
    """Drop every graph added since the start: the server is empty again for the next test.

    Oxigraph: ``DROP ALL``. Virtuoso: one ``DROP SILENT GRAPH`` per added graph, since
    ``DROP ALL`` would also drop its system graphs.
    """
    if server.name.startswith("oxigraph"):
        update(server, "DROP ALL")
        return
    extra = user_graphs(server)
    if extra:
        update(server, " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in extra))


# ---------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------


def _require(available: bool, what: str) -> None:
    """Skip without the server binary, except in CI where it must be there."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is not installed, and CI must run the SPARQL server tests")
    pytest.skip(f"{what} is not installed")


@contextlib.contextmanager
def running(start, workdir: Path, **options) -> Iterator[Server]:
    """A started server, stopped by PID when the block ends (also on errors)."""
    server = start(workdir, **options)
    try:
        yield server
    finally:
        stop(server)


@pytest.fixture(scope="session")
def oxigraph_session(tmp_path_factory) -> Iterator[Server]:
    """One plain Oxigraph server for the session (use ``oxigraph_server``: it is reset)."""
    _require(oxigraph_binary() is not None, "the oxigraph server (pip install oxigraph)")
    with running(start_oxigraph, tmp_path_factory.mktemp("oxigraph")) as server:
        yield server


@pytest.fixture(scope="session")
def virtuoso_session(tmp_path_factory) -> Iterator[Server]:
    """One private Virtuoso instance for the session (use ``virtuoso_server``: it is reset)."""
    _require(virtuoso_binaries() is not None, "Virtuoso (virtuoso-opensource)")
    with running(start_virtuoso, tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


@pytest.fixture(scope="session")
def oxigraph_union_session(tmp_path_factory) -> Iterator[Server]:
    """One Oxigraph server started with ``--union-default-graph``."""
    _require(oxigraph_binary() is not None, "the oxigraph server (pip install oxigraph)")
    workdir = tmp_path_factory.mktemp("oxigraph-union")
    with running(start_oxigraph, workdir, union_default_graph=True) as server:
        yield server


def _fresh(server: Server) -> Iterator[Server]:
    reset(server)
    yield server
    reset(server)


@pytest.fixture
def oxigraph_server(oxigraph_session: Server) -> Iterator[Server]:
    """A plain Oxigraph server (no ``--union-default-graph``: what a user gets), empty at
    the start of the test and emptied after it."""
    yield from _fresh(oxigraph_session)


@pytest.fixture
def oxigraph_union_server(oxigraph_union_session: Server) -> Iterator[Server]:
    """An Oxigraph server with a union default graph, empty at the start of the test."""
    yield from _fresh(oxigraph_union_session)


@pytest.fixture
def virtuoso_server(virtuoso_session: Server) -> Iterator[Server]:
    """A private Virtuoso (row cap raised, Digest auth for writes), with no graphs but its
    system graphs at the start of the test and after it."""
    yield from _fresh(virtuoso_session)


@pytest.fixture(scope="session")
def bundled_store_path(tmp_path_factory) -> Path:
    """An embedded store holding the ontology and the bundled corpus, as `normspace load`
    builds it (read-only use)."""
    from click.testing import CliRunner

    from normspace.cli.main import cli
    from normspace.resources import corpus_dir

    path = tmp_path_factory.mktemp("bundled-store") / "store"
    result = CliRunner().invoke(cli, ["-q", "load", str(corpus_dir()), "--store", str(path)])
    if result.exit_code != 0:
        raise ServerError(f"normspace load of the bundled corpus failed: {result.output}")
    return path


@dataclass(frozen=True)
class Dataset:
    """What the embedded bundled store holds: its N-Quads and its empty (bookkeeping) graphs."""

    nquads: bytes
    empty_graphs: tuple[str, ...]


@pytest.fixture(scope="session")
def bundled_nquads(bundled_store_path: Path) -> Dataset:
    """The quads of the bundled store (every graph, bookkeeping records as empty graphs)."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(bundled_store_path))
    data = store.dump(format=ox.RdfFormat.N_QUADS)
    with_quads = {q.graph_name.value for q in store.quads_for_pattern(None, None, None, None)}
    empty = tuple(
        sorted(g.value for g in store.named_graphs() if g.value not in with_quads)  # type: ignore[union-attr]
    )
    del store
    return Dataset(data, empty)


def _load_bundled(server: Server, dataset: Dataset) -> Server:
    load_nquads(server, dataset.nquads)
    create_graphs(server, list(dataset.empty_graphs))
    return server


@pytest.fixture(scope="session")
def bundled_oxigraph(tmp_path_factory, bundled_nquads: Dataset) -> Iterator[Server]:
    """A plain Oxigraph server holding exactly the bundled store's dataset (read-only use)."""
    _require(oxigraph_binary() is not None, "the oxigraph server (pip install oxigraph)")
    with running(start_oxigraph, tmp_path_factory.mktemp("bundled-oxigraph")) as server:
        yield _load_bundled(server, bundled_nquads)


@pytest.fixture(scope="session")
def bundled_oxigraph_union(tmp_path_factory, bundled_nquads: Dataset) -> Iterator[Server]:
    """An Oxigraph server with ``--union-default-graph`` holding the bundled dataset."""
    _require(oxigraph_binary() is not None, "the oxigraph server (pip install oxigraph)")
    workdir = tmp_path_factory.mktemp("bundled-oxigraph-union")
    with running(start_oxigraph, workdir, union_default_graph=True) as server:
        yield _load_bundled(server, bundled_nquads)


@pytest.fixture(scope="session")
def bundled_virtuoso(tmp_path_factory, bundled_nquads: Dataset) -> Iterator[Server]:
    """A private Virtuoso holding the bundled store's quads (read-only use). Empty graphs
    are not kept: Virtuoso has no empty named graphs in its quad store."""
    _require(virtuoso_binaries() is not None, "Virtuoso (virtuoso-opensource)")
    with running(start_virtuoso, tmp_path_factory.mktemp("bundled-virtuoso")) as server:
        load_nquads(server, bundled_nquads.nquads)
        yield server

"""``normspace serve``: a SPARQL 1.1 Protocol endpoint over the embedded store, plus a query
page (YASGUI, vendored) pre-loaded with the named query library.

Why a small server on pyoxigraph rather than the ``oxigraph serve`` binary (figures in
``docs/design.md``, "Serving the store"): the page needs the library's own parameter
resolution (``NamedQuery.bind``: CURIE, IRI, label, short spellings, with suggestions), which
only exists in Python; ``SERVICE`` must be refused like the embedded store refuses it (the
binary would fetch any URL a query names, from a process a web page can reach); the store is
opened read-only (no RocksDB lock), so ``normspace load`` and ``query`` keep working beside a
running server. Latency over HTTP is within a few milliseconds of the binary's on every named
query, because both run the same engine.

Security stance, for a server meant for one person's machine or a trusted group: bound to
127.0.0.1 by default; read-only (updates get 403); the ``Host`` header must name the address
the server listens on when that is a loopback one (a DNS-rebinding page cannot read the
store through the victim's browser); no CORS unless origins are named (``--cors``), since a
private, unpublished corpus must not be readable by every web page the user opens.

The request logic (:class:`SparqlService`) is independent of the HTTP machinery, which only
adapts :class:`Request`/:class:`Response` to :mod:`http.server`.
"""

from __future__ import annotations

import errno
import json
import logging
import socket
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pyoxigraph as ox

from .errors import InputError
from .namespaces import PREFIXES
from .ontology import term_index
from .querylib import NamedQuery, QueryLibrary, library
from .store import (
    REFERENCE_GRAPHS,
    ServiceRefusedError,
    inject_values,
    open_store,
    refuse_service,
)

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
#: Seconds a query may run before the client gets 503 (``--timeout``).
DEFAULT_TIMEOUT = 60.0
#: Queries evaluated at once; more wait for a free worker (bounds CPU and memory).
DEFAULT_WORKERS = 4
#: Largest request body accepted (a query text, or a form holding one).
MAX_BODY = 1 << 20

SPARQL_PATH = "/sparql"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

#: Result formats of SELECT and ASK: ``format=`` name -> (media types accepted, format).
RESULT_FORMATS: dict[str, tuple[tuple[str, ...], ox.QueryResultsFormat]] = {
    "json": (
        ("application/sparql-results+json", "application/json"),
        ox.QueryResultsFormat.JSON,
    ),
    "xml": (("application/sparql-results+xml", "application/xml"), ox.QueryResultsFormat.XML),
    "csv": (("text/csv",), ox.QueryResultsFormat.CSV),
    "tsv": (("text/tab-separated-values",), ox.QueryResultsFormat.TSV),
}
#: Graph formats of CONSTRUCT and DESCRIBE.
GRAPH_FORMATS: dict[str, tuple[tuple[str, ...], ox.RdfFormat]] = {
    "ttl": (("text/turtle",), ox.RdfFormat.TURTLE),
    "nt": (("application/n-triples", "text/plain"), ox.RdfFormat.N_TRIPLES),
    "jsonld": (("application/ld+json",), ox.RdfFormat.JSON_LD),
    "rdfxml": (("application/rdf+xml",), ox.RdfFormat.RDF_XML),
}

#: The query page and the vendored editor: URL path -> (file in the package, media type).
STATIC_FILES: dict[str, tuple[str, str]] = {
    "/": ("_static/query/index.html", "text/html; charset=utf-8"),
    "/static/app.js": ("_static/query/app.js", "text/javascript; charset=utf-8"),
    "/static/app.css": ("_static/query/app.css", "text/css; charset=utf-8"),
    "/vendor/yasgui.min.js": ("_vendor/yasgui/yasgui.min.js", "text/javascript; charset=utf-8"),
    "/vendor/yasgui.min.css": ("_vendor/yasgui/yasgui.min.css", "text/css; charset=utf-8"),
}


# ---------------------------------------------------------------------------
# Requests and responses, independent of the HTTP server
# ---------------------------------------------------------------------------


@dataclass
class Request:
    """What the service needs of an HTTP request (header names in lower case)."""

    method: str
    path: str
    params: dict[str, list[str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def text_response(status: int, message: str) -> Response:
    """A plain-text answer: error messages are one line a person can act on."""
    return Response(status, (message.rstrip("\n") + "\n").encode("utf-8"))


def json_response(data: object, status: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    return Response(status, body, "application/json; charset=utf-8")


class HttpError(Exception):
    """An answer other than 200, with the message the client sees."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.headers = dict(headers or {})


# ---------------------------------------------------------------------------
# Content negotiation
# ---------------------------------------------------------------------------


def parse_accept(header: str) -> list[tuple[str, float]]:
    """Media ranges of an ``Accept`` header with their weights, best first (stable).

    >>> parse_accept("text/csv;q=0.5, application/json")
    [('application/json', 1.0), ('text/csv', 0.5)]
    """
    ranges = []
    for part in header.split(","):
        media, _, rest = part.strip().partition(";")
        weight = 1.0
        for parameter in rest.split(";"):
            key, _, value = parameter.strip().partition("=")
            if key.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if media:
            ranges.append((media.strip().lower(), weight))
    return sorted(ranges, key=lambda r: -r[1])


def negotiate(
    formats: Mapping[str, tuple[tuple[str, ...], object]], accept: str, name: str | None
) -> tuple[str, object]:
    """``(media type, format)`` chosen by ``format=NAME`` or else by ``Accept``; the first
    format of ``formats`` is the default for ``*/*`` or no header.

    >>> negotiate(RESULT_FORMATS, "text/csv", None)[0]
    'text/csv'
    >>> negotiate(RESULT_FORMATS, "", "tsv")[0]
    'text/tab-separated-values'
    """
    if name is not None:
        if name not in formats:
            raise HttpError(
                400, f"format={name} is not offered here; use one of {', '.join(formats)}"
            )
        types, fmt = formats[name]
        return types[0], fmt
    default_types, default_fmt = next(iter(formats.values()))
    if not accept.strip():
        return default_types[0], default_fmt
    for media, weight in parse_accept(accept):
        if weight <= 0:
            continue
        if media == "*/*":
            return default_types[0], default_fmt
        for types, fmt in formats.values():
            if media in types:
                return media, fmt
            if media.endswith("/*") and types[0].startswith(media[:-1]):
                return types[0], fmt  # text/*: the first text format
    offered = ", ".join(t for types, _ in formats.values() for t in types)
    raise HttpError(406, f"cannot answer in {accept}; this query's results come as {offered}")


# ---------------------------------------------------------------------------
# The library as JSON
# ---------------------------------------------------------------------------


def library_json(queries: QueryLibrary) -> dict[str, object]:
    """The named queries with what the page needs to list them and build their forms."""
    return {
        "endpoint": SPARQL_PATH,
        "queries": [query_json(q) for q in queries.queries.values()],
    }


def query_json(query: NamedQuery) -> dict[str, object]:
    group = query.name.rpartition("/")[0] or "analysis"
    return {
        "name": query.name,
        "group": group,
        "title": query.title,
        "description": query.description,
        "page": "/?name=" + quote(query.name, safe="/"),
        "results": "/api/queries/" + quote(query.name, safe="/"),
        "params": [
            {
                "name": p.name,
                "type": p.type_text,
                "kind": p.kind,
                "description": p.description,
                "default": p.default,
                "required": p.required,
                "unbound": p.unbound or ("any" if p.optional else None),
            }
            for p in query.params
        ],
        "text": query.text,
    }


def prefixes_json() -> dict[str, str]:
    """The project's prefixes in prefix.cc's format, for the editor's prefix completion
    (which otherwise downloads prefix.cc's list)."""
    return dict(PREFIXES)


# ---------------------------------------------------------------------------
# The service
# ---------------------------------------------------------------------------


@dataclass
class ServeOptions:
    timeout: float = DEFAULT_TIMEOUT
    workers: int = DEFAULT_WORKERS
    allow_service: bool = False
    cors_origins: tuple[str, ...] = ()


class SparqlService:
    """Answers requests against one read-only pyoxigraph store (thread-safe: pyoxigraph
    stores may be queried from several threads)."""

    def __init__(
        self,
        store: ox.Store,
        queries: QueryLibrary | None = None,
        options: ServeOptions | None = None,
    ) -> None:
        self.store = store
        self.queries = queries or library()
        self.options = options or ServeOptions()
        self._pool = ThreadPoolExecutor(self.options.workers, thread_name_prefix="sparql")

    def close(self) -> None:
        """Stop accepting queries; a query still running is abandoned, not awaited."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    # -- routing ---------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        """The answer to one request; every failure becomes a status and one message."""
        try:
            response = self._route(request)
        except HttpError as exc:
            response = text_response(exc.status, str(exc))
            response.headers.update(exc.headers)
        except InputError as exc:
            response = text_response(400, str(exc))
        except Exception as exc:  # noqa: BLE001 - a bug: one line to the client, no traceback
            log.debug(
                "unexpected error answering %s %s", request.method, request.path, exc_info=True
            )
            response = text_response(500, unexpected_message(exc))
        self._add_cors(request, response)
        return response

    def _route(self, request: Request) -> Response:
        path = request.path
        if request.method == "OPTIONS":
            return Response(204, headers={"Allow": "GET, POST, OPTIONS"})
        if path == SPARQL_PATH or path == "/query":
            return self._sparql(request)
        if path == "/update":
            raise HttpError(403, self._read_only_message())
        if request.method not in ("GET", "HEAD"):
            raise HttpError(405, f"{path} only answers GET", {"Allow": "GET, HEAD"})
        if path == "/api/queries":
            return json_response(library_json(self.queries))
        if path.startswith("/api/queries/"):
            return self._named(request, path.removeprefix("/api/queries/"), run=True)
        if path.startswith("/api/bind/"):
            return self._named(request, path.removeprefix("/api/bind/"), run=False)
        if path == "/api/prefixes":
            return json_response(prefixes_json())
        if path in STATIC_FILES:
            return static_file(path)
        raise HttpError(
            404, f"nothing at {path}; the query page is at / and the endpoint at {SPARQL_PATH}"
        )

    # -- the SPARQL 1.1 Protocol -------------------------------------------------------

    def _sparql(self, request: Request) -> Response:
        if request.method not in ("GET", "POST", "HEAD"):
            raise HttpError(
                405, f"{request.path} answers GET and POST", {"Allow": "GET, POST, OPTIONS"}
            )
        params = dict(request.params)
        content_type = request.header("content-type").split(";")[0].strip().lower()
        text: str | None = None
        if request.method == "POST":
            if content_type == "application/sparql-update":
                raise HttpError(403, self._read_only_message())
            if content_type == "application/sparql-query":
                text = _utf8(request.body, "the query")
            elif content_type == "application/x-www-form-urlencoded":
                form = parse_qs(_utf8(request.body, "the form"), keep_blank_values=True)
                for key, values in form.items():
                    params.setdefault(key, []).extend(values)
            else:
                raise HttpError(
                    415,
                    f"cannot read a POST body of type `{content_type or 'none'}`; send "
                    "application/sparql-query or an application/x-www-form-urlencoded form "
                    "with query=",
                )
        if "update" in params:
            raise HttpError(403, self._read_only_message())
        if text is None:
            text = _single(params, "query")
        if text is None:
            if "text/html" in request.header("accept"):
                return Response(303, headers={"Location": "/"})
            raise HttpError(
                400,
                f"no query: pass query=SPARQL to {SPARQL_PATH} (GET, or POST as a form or "
                "as application/sparql-query); the query page is at /",
            )
        graphs = _graph_params(params)
        return self.run(text, request.header("accept"), _single(params, "format"), graphs)

    def run(
        self,
        text: str,
        accept: str = "",
        fmt: str | None = None,
        graphs: tuple[list[str], list[str]] = ([], []),
    ) -> Response:
        """Evaluate a query (union default graph unless ``default-graph-uri`` names graphs)
        and serialise its results, within the timeout."""
        if not self.options.allow_service:
            try:
                refuse_service(text)
            except ServiceRefusedError as exc:
                raise HttpError(
                    403,
                    str(exc).replace(
                        "pass --allow-service", "start the server with --allow-service"
                    ),
                ) from exc
        started = time.perf_counter()
        future = self._pool.submit(self._evaluate, text, accept, fmt, graphs)
        try:
            response = future.result(timeout=self.options.timeout)
        except FutureTimeout:
            raise HttpError(
                503,
                f"the query ran longer than {self.options.timeout:g} s and was given up "
                "(the server's --timeout); simplify it or add LIMIT",
            ) from None
        log.debug("query answered in %.3f s", time.perf_counter() - started)
        return response

    def _evaluate(
        self, text: str, accept: str, fmt: str | None, graphs: tuple[list[str], list[str]]
    ) -> Response:
        default, named = graphs
        kwargs: dict[str, object] = {}
        if default:
            kwargs["default_graph"] = [_graph_node(g) for g in default]
        else:
            kwargs["use_default_graph_as_union"] = True
        if named:
            kwargs["named_graphs"] = [_graph_node(g) for g in named]
        try:
            result = self.store.query(text, **kwargs)
            if isinstance(result, ox.QueryTriples):
                media, rdf_format = negotiate(GRAPH_FORMATS, accept, fmt)
                body = result.serialize(format=rdf_format)
            else:
                media, results_format = negotiate(RESULT_FORMATS, accept, fmt)
                body = result.serialize(format=results_format)
        except SyntaxError as exc:
            raise HttpError(400, f"invalid SPARQL query: {exc}") from exc
        except (OSError, RuntimeError, ValueError) as exc:
            raise HttpError(500, f"the query failed: {exc}") from exc
        return Response(200, body, media)

    # -- the named queries -------------------------------------------------------------

    def _named(self, request: Request, name: str, *, run: bool) -> Response:
        """Run a named query with parameters resolved like ``normspace query --param``
        (``run``), or return the query text with the parameters bound (for the editor)."""
        if name not in self.queries.queries:
            raise HttpError(404, self._unknown_query_message(name))
        named = self.queries.queries[name]
        fmt = _single(request.params, "format") if run else None
        values = {}
        for key, given in request.params.items():
            if run and key == "format":
                continue
            if len(given) != 1:
                raise HttpError(400, f"parameter {key} is given {len(given)} times")
            values[key.lstrip("?")] = given[0]
        try:
            bindings = named.bind(values)  # the library's resolution and messages
        except InputError as exc:
            message = str(exc).replace("pass it as --param ", "pass it in the URL as ")
            raise HttpError(400, message) from exc
        text = inject_values(named.text, bindings) if bindings else named.text
        if not run:
            return json_response({"name": named.name, "query": text})
        return self.run(text, request.header("accept"), fmt)

    def _unknown_query_message(self, name: str) -> str:
        try:
            self.queries.get(name)
        except InputError as exc:
            return str(exc).replace(
                "(`normspace query --list` shows the library)", "(/api/queries lists the library)"
            )
        return f"unknown query `{name}` (/api/queries lists the library)"

    # -- CORS ----------------------------------------------------------------------------

    def _add_cors(self, request: Request, response: Response) -> None:
        """Allow a named origin (``--cors``; ``null`` is a page opened from file://)."""
        origin = request.header("origin")
        allowed = self.options.cors_origins
        if origin and ("*" in allowed or origin in allowed):
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Vary"] = "Origin"
            if request.method == "OPTIONS":
                response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
                response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"

    @staticmethod
    def _read_only_message() -> str:
        return (
            "this endpoint is read-only: updates are refused; change the store with "
            "`normspace load` / `normspace remove` (they work while the server runs; restart "
            "it to see the changes)"
        )


def unexpected_message(exc: BaseException) -> str:
    """The answer to a request that failed in a way no handler expected (a bug)."""
    detail = " ".join(str(exc).split())[:200]
    return (
        f"internal error ({type(exc).__name__}: {detail}); please report it at the NormSpace "
        "issue tracker with the request that caused it (`normspace serve -vv` logs the traceback)"
    )


def static_file(path: str) -> Response:
    name, media = STATIC_FILES[path]
    body = resources.files("normspace").joinpath(name).read_bytes()
    return Response(200, body, media, {"Cache-Control": "no-cache"})


def _utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HttpError(400, f"{what} is not UTF-8: {exc}") from exc


def _single(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = params.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise HttpError(400, f"{name}= is given {len(values)} times; give it once")
    return values[0]


def _graph_params(params: Mapping[str, Sequence[str]]) -> tuple[list[str], list[str]]:
    return list(params.get("default-graph-uri", [])), list(params.get("named-graph-uri", []))


def _graph_node(iri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as exc:
        raise HttpError(400, f"`{iri}` is not a valid graph IRI: {exc}") from exc


# ---------------------------------------------------------------------------
# Opening the store
# ---------------------------------------------------------------------------


@dataclass
class ServedStore:
    """The store a server answers from, and what ``serve`` says about it at start."""

    path: Path
    store: ox.Store
    annotations: int


def open_served_store(path: Path) -> ServedStore:
    """Open the store read-only, with the embedded store's checks and messages (missing,
    not a store, damaged), and count its annotation graphs.

    Read-only: RocksDB takes no lock, so ``normspace load`` can write beside the server
    (which keeps answering from what it opened; restart it to see the changes).
    """
    with open_store(path, create=False, read_only=True) as checked:
        graphs = checked.graphs()
    annotations = sum(1 for g in graphs if g not in REFERENCE_GRAPHS)
    try:
        store = ox.Store.read_only(str(path))
    except (OSError, RuntimeError) as exc:
        raise InputError(f"cannot open the store at {path}: {exc}") from exc
    return ServedStore(path, store, annotations)


def empty_store_message(path: Path) -> str:
    return (
        f"the store at {path} holds no annotations (the named queries will return no rows); "
        f"load some with `normspace load FILE... --store {path}` or build one with "
        f"`normspace run --store {path}`, then restart the server"
    )


# ---------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    """Adapts :mod:`http.server` to :class:`SparqlService` (set on the server)."""

    server: SparqlHTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "normspace-serve"

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._answer()

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(send_body=False)

    def do_POST(self) -> None:  # noqa: N802
        self._answer()

    def do_OPTIONS(self) -> None:  # noqa: N802
        self._answer()

    def do_PUT(self) -> None:  # noqa: N802
        self._answer()

    def do_DELETE(self) -> None:  # noqa: N802
        self._answer()

    def _answer(self, send_body: bool = True) -> None:
        started = time.perf_counter()
        try:
            request = self._request()
        except HttpError as exc:
            response = text_response(exc.status, str(exc))
            self.close_connection = True  # the body may be unread: do not reuse the connection
        else:
            response = self.server.service.handle(request)
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.end_headers()
        if send_body:
            self.wfile.write(response.body)
        log.info(
            "%s %s -> %d (%d bytes, %.3f s)",
            self.command,
            self.path[:200],
            response.status,
            len(response.body),
            time.perf_counter() - started,
        )

    def _request(self) -> Request:
        parts = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        self._check_host(headers.get("host", ""))
        length = headers.get("content-length", "0") or "0"
        if not length.isdigit():
            raise HttpError(400, f"Content-Length `{length}` is not a number")
        if int(length) > MAX_BODY:
            raise HttpError(413, f"the request body is larger than {MAX_BODY} bytes")
        body = self.rfile.read(int(length)) if int(length) else b""
        try:
            params = parse_qs(parts.query, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError as exc:
            raise HttpError(400, f"the URL's parameters are not UTF-8: {exc}") from exc
        return Request(self.command, parts.path, params, headers, body)

    def _check_host(self, host: str) -> None:
        allowed = self.server.allowed_hosts
        if allowed is not None and host.lower() not in allowed:
            raise HttpError(
                403,
                f"this server answers requests for {' or '.join(sorted(allowed))}, not for "
                f"Host `{host}` (a page on another site may be trying to reach it)",
            )

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        log.debug("http: " + format, *args)


class SparqlHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server carrying the service; daemon threads so Ctrl-C ends it."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], service: SparqlService) -> None:
        self.service = service
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, _Handler)
        host, port = self.server_address[:2]
        self.allowed_hosts = allowed_hosts(str(host), int(port))

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def url(self, path: str = "/") -> str:
        host = str(self.server_address[0])
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}{path}"


def allowed_hosts(host: str, port: int) -> frozenset[str] | None:
    """The ``Host`` headers a loopback server accepts (None: any, for a server the user
    bound to another address on purpose)."""
    if host not in LOOPBACK_HOSTS and not host.startswith("127."):
        return None
    names = {host, "localhost", "127.0.0.1", "[::1]"}
    return frozenset(f"{n}:{port}" for n in names) | frozenset(names if port == 80 else ())


def bind_server(service: SparqlService, host: str, port: int) -> SparqlHTTPServer:
    """Listen on ``host:port`` (0: a free port), with a message for the usual failures."""
    try:
        return SparqlHTTPServer((host, port), service)
    except OSError as exc:
        raise InputError(bind_error_message(host, port, exc)) from exc


def bind_error_message(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (
            f"port {port} on {host} is in use (by another normspace serve?); pick another "
            "with --port or --port 0"
        )
    if exc.errno == errno.EACCES:
        return f"not allowed to listen on port {port} of {host}; use a port above 1023"
    if exc.errno in (errno.EADDRNOTAVAIL, socket.EAI_NONAME) or isinstance(exc, socket.gaierror):
        return (
            f"cannot listen on {host}: not an address of this machine; the default is "
            f"{DEFAULT_HOST}"
        )
    return f"cannot listen on {host}:{port}: {exc.strerror or exc}"


class RunningServer:
    """A server answering in a background thread (tests, notebooks); ``stop()`` ends it."""

    def __init__(self, server: SparqlHTTPServer) -> None:
        self.server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return self.server.url("/")

    @property
    def endpoint(self) -> str:
        return self.server.url(SPARQL_PATH)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.server.service.close()
        self._thread.join()

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start(
    path: Path,
    host: str = DEFAULT_HOST,
    port: int = 0,
    options: ServeOptions | None = None,
) -> RunningServer:
    """Serve the store at ``path`` in a background thread (the API behind the tests)."""
    served = open_served_store(path)
    service = SparqlService(served.store, options=options)
    return RunningServer(bind_server(service, host, port))


def warm_up() -> None:
    """Load what resolving term parameters needs (the ontology's term index) before the
    first request, so that the first query with a term parameter is not the slow one."""
    term_index()

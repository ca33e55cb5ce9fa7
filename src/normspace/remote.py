"""A small SPARQL 1.1 Protocol client for remote endpoints, with the guards a CLI needs.

Why not SPARQLWrapper (used before): its timeout is urllib's per-socket-operation timeout,
so a server that drips one byte a second keeps a query waiting forever; it prints error
bodies whole (a 2 MB HTML page); and it hands back whatever JSON arrived, so a wrong shape
surfaced as ``KeyError: 'value'`` deep inside result conversion. This client has:

- an overall deadline (:class:`Deadline`) checked between every read, with each socket
  operation bounded by the time left, so no server can hold a command past ``timeout``;
- error bodies read only up to :data:`ERROR_BODY_LIMIT` and shown as a short excerpt;
- answers checked against the SPARQL 1.1 JSON results format before use
  (:func:`check_json_results`), with messages that say what arrived instead (an HTML page,
  a JSON list, a binding without ``value``...).

No click here: errors are :class:`normspace.errors.InputError` (exit 2).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from .errors import InputError

#: Default overall deadline of one request, in seconds (``--timeout``).
DEFAULT_TIMEOUT = 60.0
#: Bytes of an error answer that are read at all (the rest is never downloaded).
ERROR_BODY_LIMIT = 64 * 1024
#: Characters of a body quoted in a message.
EXCERPT_CHARS = 200
#: Largest successful answer accepted (a runaway endpoint must not fill the memory).
ANSWER_LIMIT = 1024 * 1024 * 1024
ACCEPT = "application/sparql-results+json, application/json;q=0.9"
_CHUNK = 64 * 1024


class EndpointError(InputError):
    """The endpoint could not be reached, failed, or answered something that is not SPARQL."""


@dataclass
class Deadline:
    """A point in time after which a request is abandoned."""

    seconds: float
    ends: float = 0.0

    def __post_init__(self) -> None:
        self.ends = time.monotonic() + self.seconds

    def left(self) -> float:
        """Seconds left (at least a little, so a socket call can notice the end)."""
        return max(self.ends - time.monotonic(), 0.001)

    def passed(self) -> bool:
        return time.monotonic() >= self.ends


@dataclass
class Answer:
    """What the server sent: status, content type, body (perhaps cut) and its full size."""

    status: int
    reason: str
    content_type: str
    body: bytes
    truncated: bool = False
    location: str | None = None


def check_url(url: str) -> None:
    """Refuse anything but an absolute http(s) URL with a host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(
            f"`{url}` is not an http(s) SPARQL endpoint URL (e.g. https://example.org/sparql)"
        )


def post_query(url: str, sparql: str, timeout: float = DEFAULT_TIMEOUT) -> Answer:
    """POST a query (SPARQL 1.1 Protocol, form-encoded) and read the answer by the deadline."""
    check_url(url)
    deadline = Deadline(timeout)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = _connection(parts.scheme, parts.hostname or "", parts.port, deadline)
    body = urlencode({"query": sparql}).encode("utf-8")
    headers = {
        "Accept": ACCEPT,
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
        "User-Agent": "normspace",
    }
    watchdog = threading.Timer(timeout, _abort, (connection,))
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        limit = ANSWER_LIMIT if response.status < 300 else ERROR_BODY_LIMIT
        data, truncated = _read_body(connection, response, deadline, limit, url)
        return Answer(
            response.status,
            response.reason,
            response.getheader("Content-Type", "") or "",
            data,
            truncated,
            response.getheader("Location"),
        )
    except TimeoutError as exc:
        raise _timeout_error(url, timeout) from exc
    except (OSError, http.client.HTTPException) as exc:
        if deadline.passed():  # the watchdog shut the socket
            raise _timeout_error(url, timeout) from exc
        raise EndpointError(f"cannot reach the SPARQL endpoint {url}: {_reason(exc)}") from exc
    finally:
        watchdog.cancel()
        connection.close()


def _abort(connection: http.client.HTTPConnection) -> None:
    """Watchdog at the deadline: shut the socket, so that a read blocked inside http.client
    (headers dripped a byte at a time, which per-read timeouts never catch) returns."""
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _connection(
    scheme: str, host: str, port: int | None, deadline: Deadline
) -> http.client.HTTPConnection:
    if scheme == "https":
        return http.client.HTTPSConnection(
            host, port, timeout=deadline.left(), context=ssl.create_default_context()
        )
    return http.client.HTTPConnection(host, port, timeout=deadline.left())


def _read_body(
    connection: http.client.HTTPConnection,
    response: http.client.HTTPResponse,
    deadline: Deadline,
    limit: int,
    url: str,
) -> tuple[bytes, bool]:
    """Read up to ``limit`` bytes, each read bounded by the time left; True when cut."""
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        if deadline.passed():
            raise _timeout_error(url, deadline.seconds)
        if connection.sock is not None:
            connection.sock.settimeout(deadline.left())
        chunk = response.read1(min(_CHUNK, limit - size))
        if not chunk and deadline.passed():  # EOF caused by the watchdog
            raise _timeout_error(url, deadline.seconds)
        if not chunk:
            return b"".join(chunks), False
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks), True


def _timeout_error(url: str, timeout: float) -> EndpointError:
    return EndpointError(
        f"the SPARQL endpoint {url} did not answer within {timeout:g} s; "
        "try again later or allow more time with --timeout SECONDS"
    )


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the server running and the port right?)"
    if isinstance(exc, socket.gaierror):
        return f"unknown host ({exc.strerror or exc})"
    return str(exc) or type(exc).__name__


def excerpt(body: bytes, truncated: bool = False, chars: int = EXCERPT_CHARS) -> str:
    """The start of a body on one line, saying how much was left out.

    >>> excerpt(b"<html>\\n  <b>Error</b>  </html>")
    '<html> <b>Error</b> </html>'
    >>> excerpt(b"x" * 500, chars=10)
    'xxxxxxxxxx... (500 bytes, cut)'
    """
    text = " ".join(body.decode("utf-8", "replace").split())
    if len(text) <= chars and not truncated:
        return text
    size = f"more than {len(body):,}" if truncated else f"{len(body):,}"
    return f"{text[:chars]}... ({size} bytes, cut)"


def query_json(url: str, sparql: str, timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
    """Run a query and return its SPARQL JSON results, checked (see the module docstring)."""
    answer = post_query(url, sparql, timeout)
    if answer.status in (301, 302, 303, 307, 308):
        raise EndpointError(
            f"the SPARQL endpoint {url} redirects to {answer.location or '(no Location)'}; "
            "use that URL with --endpoint"
        )
    if answer.status >= 300:
        hint = {
            401: "it needs credentials",
            403: "access is forbidden",
            404: "no endpoint at that path (often it ends in /sparql or /query)",
        }.get(answer.status, "")
        raise EndpointError(
            f"the SPARQL endpoint {url} answered HTTP {answer.status} {answer.reason}"
            + (f" ({hint})" if hint else "")
            + (f": {excerpt(answer.body, answer.truncated)}" if answer.body.strip() else "")
        )
    return parse_results(url, answer)


def parse_results(url: str, answer: Answer) -> dict[str, Any]:
    """Decode and check a successful answer as SPARQL JSON results."""
    kind = answer.content_type.split(";")[0].strip().lower() or "no content type"
    head = answer.body.lstrip()[:100].lower()
    if "html" in kind or head.startswith((b"<!doctype html", b"<html")):
        raise EndpointError(
            f"{url} answered with an HTML page ({kind}), not SPARQL results: is it the "
            f"SPARQL endpoint itself (often ending in /sparql)? Page: {excerpt(answer.body)}"
        )
    try:
        data = json.loads(answer.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise EndpointError(
            f"{url} answered {kind} that is not SPARQL JSON results ({exc}): {excerpt(answer.body)}"
        ) from exc
    problem = check_json_results(data)
    if problem:
        raise EndpointError(f"{url} answered JSON that is not SPARQL results: {problem}")
    return data


_TERM_TYPES = ("uri", "literal", "typed-literal", "bnode")


def check_json_results(data: object) -> str | None:
    """What is wrong with ``data`` as SPARQL 1.1 JSON results, or None when it is fine.

    >>> check_json_results({"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {}}]}})
    'results.bindings[0].x has no "type"'
    >>> check_json_results([1, 2]) is not None
    True
    """
    if not isinstance(data, Mapping):
        return f"expected an object with head and results (or boolean), got a JSON {_kind(data)}"
    if "boolean" in data:
        return None if isinstance(data["boolean"], bool) else '"boolean" is not true or false'
    head, results = data.get("head"), data.get("results")
    if not isinstance(head, Mapping) or not isinstance(head.get("vars", []), list):
        return 'no "head" object with a "vars" list'
    if not all(isinstance(v, str) for v in head.get("vars", [])):
        return '"head.vars" holds something other than variable names'
    if not isinstance(results, Mapping) or not isinstance(results.get("bindings"), list):
        return 'no "results" object with a "bindings" list'
    for i, row in enumerate(results["bindings"]):
        if not isinstance(row, Mapping):
            return f"results.bindings[{i}] is a JSON {_kind(row)}, not an object"
        for name, term in row.items():
            problem = _check_term(term)
            if problem:
                return f"results.bindings[{i}].{name} {problem}"
    return None


def _check_term(term: object) -> str | None:
    if not isinstance(term, Mapping):
        return f"is a JSON {_kind(term)}, not an RDF term object"
    if "type" not in term:
        return 'has no "type"'
    if term["type"] not in _TERM_TYPES:
        return f"has type {term['type']!r}, expected one of {', '.join(_TERM_TYPES)}"
    if not isinstance(term.get("value"), str):
        return 'has no "value" string'
    for key in ("datatype", "xml:lang"):
        if key in term and not isinstance(term[key], str):
            return f'has a "{key}" that is not a string'
    return None


def _kind(value: object) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean"}.get(
        type(value), "number" if isinstance(value, (int, float)) else "null"
    )

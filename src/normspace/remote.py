"""A SPARQL 1.1 Protocol client for remote stores, with the guards a CLI needs.

Requests are encoded by SPARQLWrapper (the query form set EXPLICITLY, see :func:`form_body`)
and sent by a small transport of our own. Why not SPARQLWrapper's own ``query()``: its
timeout is urllib's per-socket-operation timeout, so a server that drips one byte a second
keeps a query waiting forever; it reads error bodies whole (a 2 MB HTML page) into its
exceptions; it hands back whatever JSON arrived; it hides the response headers (Virtuoso's
``X-SPARQL-MaxRows`` is the only sign of a truncated answer); and its Digest support installs
a process-wide urllib opener. And why not let it guess the form: it reads the first keyword
it finds, comments included, so a header comment with "address", "load" or "describe" sent
a SELECT as an update (upstream issues #232, #211). The transport has:

- an overall deadline (:class:`Deadline`) per call, covering retries, checked between every
  read, with each socket operation bounded by the time left and a watchdog that shuts the
  socket at the end, so no server can hold a command past ``timeout``;
- Basic and Digest authentication answering the server's 401 challenge (Digest computed by
  the standard library's handler on a private password manager: no global state), or Basic
  sent at once with ``auth="basic"``;
- new attempts on HTTP 429 and 503, after ``Retry-After`` or a doubling pause, while the
  deadline allows (:data:`DEFAULT_RETRIES`);
- error bodies read only up to :data:`ERROR_BODY_LIMIT` and shown as a short excerpt, and
  messages that never contain the password (:func:`normspace.endpointconfig.scrub`);
- answers checked against the SPARQL 1.1 JSON results format before use
  (:func:`check_json_results`).

No click here: errors are :class:`normspace.errors.InputError` (exit 2).
"""

from __future__ import annotations

import base64
import contextlib
import email.utils
import http.client
import json
import socket
import ssl
import threading
import time
import urllib.request
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from SPARQLWrapper import INSERT, JSON, POST, SELECT, URLENCODED, SPARQLWrapper

from .endpointconfig import DEFAULT_TIMEOUT, EndpointConfig, check_url, redact, scrub
from .errors import InputError

__all__ = ["DEFAULT_TIMEOUT", "check_url"]

#: Bytes of an error answer that are read at all (the rest is never downloaded).
ERROR_BODY_LIMIT = 64 * 1024
#: Characters of a body quoted in a message.
EXCERPT_CHARS = 200
#: Largest successful answer accepted (a runaway endpoint must not fill the memory).
ANSWER_LIMIT = 1024 * 1024 * 1024
ACCEPT = "application/sparql-results+json, application/json;q=0.9"
#: Pause before the first new attempt after a 429/503 without Retry-After; doubles each time.
FIRST_RETRY_PAUSE = 0.5
#: Longest pause honoured from a Retry-After header (a server asking for an hour is down).
MAX_RETRY_PAUSE = 30.0
#: Answers that mean "busy, try again later".
RETRY_STATUSES = (429, 503)
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
    """What the server sent: status, content type, body (perhaps cut), headers."""

    status: int
    reason: str
    content_type: str
    body: bytes
    truncated: bool = False
    location: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    challenges: list[str] = field(default_factory=list)
    attempts: int = 1

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


# ---------------------------------------------------------------------------
# Encoding: SPARQLWrapper, with the query form set explicitly
# ---------------------------------------------------------------------------


def form_body(url: str, operation: str, text: str, params: Sequence[tuple[str, str]] = ()) -> bytes:
    """The form-encoded POST body of a query (``operation="query"``) or an update.

    SPARQLWrapper builds the request; its guess of the form from the text is overwritten,
    so the parameter name (``query=`` or ``update=``) depends only on what the caller
    means. ``params`` are protocol parameters such as ``default-graph-uri``.
    """
    wrapper = SPARQLWrapper(url, updateEndpoint=url)
    wrapper.setMethod(POST)
    wrapper.setRequestMethod(URLENCODED)
    wrapper.setOnlyConneg(True)
    wrapper.setReturnFormat(JSON)
    with warnings.catch_warnings():  # its guess may warn ("unknown query type"): unused
        warnings.simplefilter("ignore")
        wrapper.setQuery(text)
    wrapper.queryType = SELECT if operation == "query" else INSERT
    for name, value in params:
        wrapper.addParameter(name, value)
    request = wrapper._createRequest()  # noqa: SLF001 - the encoder without its transport
    return request.data


# ---------------------------------------------------------------------------
# Transport: one HTTP exchange within a deadline
# ---------------------------------------------------------------------------


def send(
    method: str, url: str, body: bytes | None, headers: Mapping[str, str], deadline: Deadline
) -> Answer:
    """One HTTP request, answered by the deadline (timeouts and unreachable hosts raise
    :class:`EndpointError` naming the URL without credentials)."""
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = _connection(parts.scheme, parts.hostname or "", parts.port, deadline)
    watchdog = threading.Timer(deadline.left(), _abort, (connection,))
    watchdog.daemon = True
    watchdog.start()
    shown = redact(url)
    try:
        connection.request(method, target, body=body, headers=dict(headers))
        response = connection.getresponse()
        limit = ANSWER_LIMIT if response.status < 300 else ERROR_BODY_LIMIT
        data, truncated = _read_body(connection, response, deadline, limit, shown)
        return Answer(
            response.status,
            response.reason,
            response.getheader("Content-Type", "") or "",
            data,
            truncated,
            response.getheader("Location"),
            {k.lower(): v for k, v in response.getheaders()},
            response.msg.get_all("WWW-Authenticate") or [],
        )
    except TimeoutError as exc:
        raise _timeout_error(shown, deadline.seconds) from exc
    except (OSError, http.client.HTTPException) as exc:
        if deadline.passed():  # the watchdog shut the socket
            raise _timeout_error(shown, deadline.seconds) from exc
        if "got more than" in str(exc):  # Virtuoso: a Link header per dataset graph
            raise EndpointError(
                f"the SPARQL endpoint {shown} answered with too many HTTP headers ({exc})"
            ) from exc
        raise EndpointError(f"cannot reach the SPARQL endpoint {shown}: {_reason(exc)}") from exc
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
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            host, port, timeout=deadline.left(), context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(host, port, timeout=deadline.left())
    return connection


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


# ---------------------------------------------------------------------------
# The client: authentication, retries, error messages
# ---------------------------------------------------------------------------


class Client:
    """Queries and updates against one remote store (:class:`EndpointConfig`)."""

    def __init__(self, config: EndpointConfig) -> None:
        self.config = config
        self._digest: urllib.request.AbstractDigestAuthHandler | None = None
        #: The ``Server`` header of the last answer (how the store tells Virtuoso apart).
        self.server_software = ""

    def select(
        self, sparql: str, params: Sequence[tuple[str, str]] = ()
    ) -> tuple[dict[str, Any], Answer]:
        """Run a query; its SPARQL JSON results (checked) and the answer (for headers)."""
        url = self.config.query_url
        answer = self._call(url, form_body(url, "query", sparql, params), ACCEPT)
        self._fail_on_error(answer, url, "query")
        return self._guard(lambda: parse_results(redact(url), answer)), answer

    def update(self, sparql: str) -> Answer:
        """Apply a SPARQL update at the update URL (one request)."""
        url = self.config.update_url
        if not url:
            raise InputError(
                f"no update URL for {self.config.shown()}: give --update-endpoint URL "
                "(a URL that accepts SPARQL updates)"
            )
        answer = self._call(url, form_body(url, "update", sparql), "*/*")
        self._fail_on_error(answer, url, "update")
        return answer

    # -- one call: auth and retries within one deadline ---------------------------------

    def _call(self, url: str, body: bytes, accept: str) -> Answer:
        deadline = Deadline(self.config.timeout)
        headers = {
            "Accept": accept,
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "User-Agent": "normspace",
        }
        authorization = self._basic() if self.config.auth == "basic" else None
        attempt = 0
        while True:
            sent = {**headers, **({"Authorization": authorization} if authorization else {})}
            answer = self._guard(lambda h=sent: send("POST", url, body, h, deadline))
            if answer.status == 401 and authorization is None and self.config.user:
                authorization = self._answer_challenge(url, body, answer)
                if authorization:
                    continue
            if answer.status in RETRY_STATUSES and attempt < self.config.retries:
                pause = retry_pause(answer, attempt)
                if pause < deadline.ends - time.monotonic():
                    time.sleep(pause)
                    attempt += 1
                    continue
            answer.attempts = attempt + 1
            self.server_software = answer.header("Server") or self.server_software
            return answer

    def _basic(self) -> str:
        token = f"{self.config.user}:{self.config.password or ''}".encode()
        return "Basic " + base64.b64encode(token).decode("ascii")

    def _answer_challenge(self, url: str, body: bytes, answer: Answer) -> str | None:
        """The Authorization header answering the server's 401 (None: cannot)."""
        for challenge in answer.challenges:
            scheme, _, rest = challenge.strip().partition(" ")
            if scheme.lower() == "basic" and self.config.auth in ("auto", "basic"):
                return self._basic()
            if scheme.lower() == "digest" and self.config.auth in ("auto", "digest"):
                return self._digest_header(url, body, rest)
        return None

    def _digest_header(self, url: str, body: bytes, challenge: str) -> str | None:
        if self._digest is None:
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            self._digest = urllib.request.AbstractDigestAuthHandler(manager)
        # each URL (query, update) is registered: the manager answers only for known URLs
        self._digest.passwd.add_password(None, url, self.config.user, self.config.password or "")
        fields = urllib.request.parse_keqv_list(
            filter(None, urllib.request.parse_http_list(challenge))
        )
        request = urllib.request.Request(url, data=body, method="POST")
        try:
            value = self._digest.get_authorization(request, fields)
        except (ValueError, OSError):  # an algorithm or qop the handler does not know
            return None
        if not value:
            return None
        return value if value.startswith("Digest ") else "Digest " + value

    def _guard(self, call):  # noqa: ANN001, ANN202
        """Run ``call``; any error message loses the password."""
        try:
            return call()
        except InputError as exc:
            cleaned = scrub(str(exc), self.config.secrets)
            if cleaned == str(exc):
                raise
            raise type(exc)(cleaned) from None

    # -- errors ------------------------------------------------------------------------

    def _fail_on_error(self, answer: Answer, url: str, operation: str) -> None:
        if answer.status < 300:
            return
        message = self._error_message(answer, redact(url), operation)
        raise EndpointError(scrub(message, self.config.secrets))

    def _error_message(self, answer: Answer, shown: str, operation: str) -> str:
        head = f"the SPARQL endpoint {shown} answered HTTP {answer.status} {answer.reason}"
        body = answer.body.decode("utf-8", "replace")
        detail = f": {excerpt(answer.body, answer.truncated)}" if answer.body.strip() else ""
        if answer.status in (301, 302, 303, 307, 308):
            return (
                f"the SPARQL endpoint {shown} redirects to "
                f"{redact(answer.location) if answer.location else '(no Location)'}; "
                "use that URL instead"
            )
        if answer.status == 401:
            return head + f" ({self._login_hint(answer)})"
        if operation == "update" and (answer.status == 403 or "SR186" in body):
            return (
                f"{shown} accepts only queries, not updates (HTTP {answer.status}"
                f"{'; Virtuoso SR186: no permission' if 'SR186' in body else ''}); give a URL "
                "that accepts updates with --update-endpoint and log in with --user "
                "(Virtuoso: the /sparql-auth URL of the same server)"
            )
        if answer.status in RETRY_STATUSES:
            tries = answer.attempts
            return head + f" (busy; gave up after {tries} attempt{'s' * (tries != 1)})" + detail
        hint = {
            403: "access is forbidden",
            404: "no endpoint at that path (often it ends in /sparql or /query)",
        }.get(answer.status, "")
        return head + (f" ({hint})" if hint else "") + detail

    def _login_hint(self, answer: Answer) -> str:
        schemes = sorted({c.strip().split(" ")[0].lower() for c in answer.challenges if c})
        asked = f"; the server asks for {' or '.join(schemes)}" if schemes else ""
        if not self.config.user:
            return (
                "it needs credentials: give --user NAME and the password in "
                f"NORMSPACE_ENDPOINT_PASSWORD or at the prompt{asked}"
            )
        if self.config.auth != "auto" and schemes and self.config.auth not in schemes:
            return f"the server does not accept --auth {self.config.auth}{asked}; use --auth auto"
        return (
            f"the user {self.config.user} was refused: check the user name and the password{asked}"
        )


def retry_pause(answer: Answer, attempt: int) -> float:
    """Seconds to wait before a new attempt: the server's ``Retry-After`` (seconds or an
    HTTP date, at most :data:`MAX_RETRY_PAUSE`), else a pause doubling with each attempt.

    >>> retry_pause(Answer(503, "", "", b"", headers={"retry-after": "2"}), 0)
    2.0
    >>> retry_pause(Answer(503, "", "", b""), 2)
    2.0
    """
    value = (answer.header("Retry-After") or "").strip()
    seconds: float | None = None
    if value.isdigit():
        seconds = float(value)
    elif value:
        with contextlib.suppress(TypeError, ValueError):
            when = email.utils.parsedate_to_datetime(value)
            seconds = max(when.timestamp() - time.time(), 0.0)
    if seconds is None:
        seconds = FIRST_RETRY_PAUSE * 2**attempt
    return min(seconds, MAX_RETRY_PAUSE)


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

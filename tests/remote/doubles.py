"""A scripted local HTTP server for client tests: answers from a list, records requests,
and can demand HTTP Basic credentials like a proxy in front of a store.

Why not ``tests/canned_http.py``: that one gives every request the same answer and
records nothing; retries (503 then 200), authentication challenges and the parameter
name a query was sent under need a sequence of answers and the requests seen.
Bound to 127.0.0.1 on a free port; stopped when the ``with`` block ends.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

EMPTY_SELECT = b'{"head": {"vars": ["x"]}, "results": {"bindings": []}}'


@dataclass
class Reply:
    """One canned answer."""

    status: int = 200
    body: bytes = EMPTY_SELECT
    headers: dict[str, str] = field(default_factory=dict)
    ctype: str = "application/sparql-results+json"


@dataclass
class Seen:
    """One request as the server got it."""

    path: str
    headers: dict[str, str]
    form: dict[str, list[str]]


@dataclass
class Script:
    """The answers still to give (the last one repeats) and the requests seen."""

    replies: list[Reply]
    seen: list[Seen] = field(default_factory=list)
    url: str = ""

    def next_reply(self) -> Reply:
        return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001
        """A client giving up early is what some tests provoke: nothing to report."""


@contextmanager
def scripted_server(
    replies: list[Reply], *, basic: tuple[str, str] | None = None
) -> Iterator[Script]:
    """Serve ``replies`` in order; with ``basic=(user, password)`` every request without
    those Basic credentials gets a 401 challenge first (not taken from the script)."""
    script = Script(list(replies))
    expected = "Basic " + base64.b64encode(":".join(basic).encode()).decode() if basic else None

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8") if length else ""
            script.seen.append(
                Seen(self.path, dict(self.headers), parse_qs(body, keep_blank_values=True))
            )
            if expected and self.headers.get("Authorization") != expected:
                reply = Reply(401, b"login needed", {"WWW-Authenticate": 'Basic realm="t"'})
                reply.ctype = "text/plain"
            else:
                reply = script.next_reply()
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.ctype)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)

        do_GET = do_POST

        def log_message(self, *args: object) -> None:
            pass

    server = _QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    script.url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
    try:
        yield script
    finally:
        server.shutdown()
        server.server_close()

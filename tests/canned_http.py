"""A local HTTP server with a canned answer, for tests of what the CLI does with endpoints
that answer badly (HTML pages, huge error bodies, wrong JSON, one byte at a time).

Bound to 127.0.0.1 on a free port; stopped when the ``with`` block ends.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001
        """A client that hangs up early is what these tests provoke: nothing to report
        (the default prints a traceback to stderr, which the CLI tests would read)."""


@contextmanager
def canned_server(
    body: bytes,
    status: int = 200,
    ctype: str = "application/sparql-results+json",
    drip: float | None = None,
) -> Iterator[str]:
    """Answer every GET/POST with ``body``; with ``drip`` send one byte every ``drip`` s.

    Yields the endpoint URL (``http://127.0.0.1:PORT/sparql``).
    """
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            if drip is None:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            chunks = [body] if drip is None else [bytes([b]) for b in body]
            for chunk in chunks:
                if drip is not None and stop.wait(drip):
                    return
                try:
                    self.wfile.write(chunk)
                    self.wfile.flush()
                except OSError:  # the client gave up: that is the point of some tests
                    return

        do_GET = do_POST = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = _QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    finally:
        stop.set()
        server.shutdown()
        server.server_close()

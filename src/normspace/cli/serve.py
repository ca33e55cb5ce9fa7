"""``normspace serve``: the store as a SPARQL endpoint, with a query page for the library."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from types import FrameType

import click

from .. import serve as serving
from .options import DEFAULT_STORE


def _stop_on_sigterm() -> object:
    """Let SIGTERM (``kill PID``, a CI step ending) stop the server like Ctrl-C does, so the
    store is closed and the port released; returns the previous handler to restore."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, interrupt)


@click.command("serve")
@click.option(
    "--store",
    "store_path",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_STORE,
    show_default=True,
    envvar="NORMSPACE_STORE",
    help="Folder of the embedded store to serve (opened read-only).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=serving.DEFAULT_PORT,
    show_default=True,
    help="Port to listen on; 0 picks a free one.",
)
@click.option(
    "--host",
    default=serving.DEFAULT_HOST,
    show_default=True,
    help="Address to listen on; the default answers this machine only.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=serving.DEFAULT_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="Answer 503 to a query still running after this many seconds.",
)
@click.option(
    "--cors",
    "cors_origins",
    multiple=True,
    metavar="ORIGIN",
    help="Let web pages from ORIGIN query the endpoint (repeatable; `null` for pages "
    "opened from file://, `*` for any).",
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Let queries use SERVICE <url> (federation), which makes the server contact that host.",
)
def serve(
    store_path: Path,
    port: int,
    host: str,
    timeout: float,
    cors_origins: tuple[str, ...],
    allow_service: bool,
) -> None:
    """Serve the store as a SPARQL 1.1 endpoint, with a query page for the named queries.

    The endpoint (/sparql) answers GET and POST queries over the union of all graphs, as
    `normspace query` does, with JSON, XML, CSV or TSV results (Turtle, N-Triples or JSON-LD
    for CONSTRUCT) by content negotiation; it is read-only. The page at / lists the query
    library; /?name=QUERY opens one, /api/queries/QUERY?PARAM=VALUE runs one. Stop with
    Ctrl-C.
    """
    served = serving.open_served_store(store_path)
    if served.annotations == 0:
        click.secho(f"warning: {serving.empty_store_message(store_path)}", fg="yellow", err=True)
    options = serving.ServeOptions(
        timeout=timeout, allow_service=allow_service, cors_origins=tuple(cors_origins)
    )
    service = serving.SparqlService(served.store, options=options)
    server = serving.bind_server(service, host, port)
    serving.warm_up()
    previous = _stop_on_sigterm()
    try:
        click.echo(
            f"serving the store at {store_path} ({served.annotations} annotation graphs), read-only"
        )
        click.echo(f"query page:      {server.url('/')}")
        click.echo(f"SPARQL endpoint: {server.url(serving.SPARQL_PATH)}")
        click.echo("press Ctrl-C to stop")
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        server.server_close()
        service.close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)  # type: ignore[arg-type]

"""``normspace site``: a static, self-contained website of a corpus."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import click

from .options import is_quiet, store_option
from .query import timeout_option


def check_serve_url(value: str | None) -> str | None:
    """``--serve-url``: an http(s) URL without credentials (they would be published in
    every page); the message never repeats a password."""
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise click.BadParameter(
            "give the http(s) address of `normspace serve`, e.g. http://127.0.0.1:8000",
            param_hint="--serve-url",
        )
    if parts.username is not None or parts.password is not None:
        raise click.BadParameter(
            "the address holds credentials (user:password@), which every page would "
            "publish; give the address without them",
            param_hint="--serve-url",
        )
    if parts.query or parts.fragment:
        raise click.BadParameter(
            "give the server's base address, without ?query or #fragment "
            "(the site adds ?name=QUERY itself)",
            param_hint="--serve-url",
        )
    return value


@click.command("site")
@click.argument("corpus", nargs=-1, type=click.Path(path_type=Path), metavar="[CORPUS]...")
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder to write the site to (new, empty, or a site written before, which is replaced).",
)
@click.option(
    "--serve-url",
    metavar="URL",
    default=None,
    help="Address of `normspace serve`: every table then links to its query there.",
)
@click.option("--title", default="NormSpace corpus", show_default=True, help="The site's title.")
@timeout_option
@store_option
def site(
    corpus: tuple[Path, ...],
    out: Path,
    serve_url: str | None,
    title: str,
    timeout: float | None,
    store_path: Path,
    endpoint: str | None,
) -> None:
    """Write a static website of the corpus to -o DIR.

    Reads annotation files or folders (CORPUS, validated and loaded in memory) or else
    the store (--store, --endpoint). The site has an overview with figures, a page per
    paper (contributions, tags with their evidence quotes, tensions, assumptions,
    findings, annotators, agreement), per ontology term, per approach and per comparison,
    and a search over papers and terms. Every table shows the named query behind it. It
    works from file:// and on any static host, with no network requests.
    """
    from ..site import build_site, check_target
    from ..store import open_store

    url = check_serve_url(serve_url)
    ctx = click.get_current_context()
    explicit_store = ctx.get_parameter_source("store_path") not in (
        click.core.ParameterSource.DEFAULT,
        None,
    )
    if corpus and (explicit_store or endpoint):
        raise click.UsageError("give annotation files (CORPUS) or --store/--endpoint, not both")
    check_target(out)
    if corpus:
        from ..api import load_corpus

        store = load_corpus(list(corpus)).store
    else:
        store = open_store(store_path, endpoint, create=False, read_only=True, timeout=timeout)
    with store:
        summary = build_site(store, out, title=title, serve_url=url)
    if not is_quiet():
        click.echo(
            f"wrote {summary.out}: {summary.pages} pages ({summary.papers} papers, "
            f"{summary.terms} terms, {summary.approaches} approaches, {summary.comparisons} "
            f"comparisons), {summary.figures} figures; open {summary.out / 'index.html'}",
            err=True,
        )

"""``normspace release``: build the versioned release artefacts."""

from __future__ import annotations

from pathlib import Path

import click
from ruamel.yaml import YAML

from ..releasediff import record_snapshot, term_table
from ..resources import project
from .options import is_quiet


def _configured_w3id_base() -> str | None:
    """``target_base`` of the checkout's ``w3id/config.yaml`` (an installed package has
    none: pass --w3id-base)."""
    config = project().checkout_path("w3id", "config.yaml")
    if config is None or not config.is_file():
        return None
    data = YAML(typ="safe", pure=True).load(config.read_text(encoding="utf-8")) or {}
    return data.get("target_base") or None


@click.command("release")
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder (default: build/release/<version>/).",
)
@click.option(
    "--previous",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="terms.tsv of the release to compare with (default: the newest older "
    "docs/releases/<version>-terms.tsv).",
)
@click.option(
    "--w3id-base",
    default=None,
    metavar="URL",
    help="Where the releases are published, for the w3id.org .htaccess (default: "
    "target_base in w3id/config.yaml; no .htaccess if neither is set).",
)
@click.option(
    "--record",
    is_flag=True,
    help="Also store this release's term list as docs/releases/<version>-terms.tsv, "
    "the baseline of the next release's notes.",
)
def release(out: Path | None, previous: Path | None, w3id_base: str | None, record: bool) -> None:
    """Build the release from ontology/, shapes/ and mappings/: Turtle, RDF/XML, JSON-LD,
    N-Triples, SKOS flavour, shapes, mappings (SSSOM and SKOS), JSON-LD context, term list,
    release notes and checksums. A second run without changes writes identical bytes.
    With -q nothing is printed unless something fails."""
    from ..ontology import load_ontology
    from ..release import build_release

    base = w3id_base or _configured_w3id_base()
    result = build_release(out, previous_terms=previous, w3id_base=base)
    recorded = record_snapshot(term_table(load_ontology()), result.version.info) if record else None
    if is_quiet():  # -q: only errors
        return
    for path in result.files:
        click.echo(path)
    if not base:
        click.echo("note: no w3id target base configured; .htaccess not built", err=True)
    if recorded:
        click.echo(f"recorded {recorded}")
    click.echo(f"NormSpace {result.version.info}: {len(result.files)} files in {result.out}")

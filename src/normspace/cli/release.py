"""``normspace release``: build the versioned release artefacts."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from ruamel.yaml import YAML

from ..releasediff import record_snapshot, term_table
from ..resources import project
from .options import is_quiet

if TYPE_CHECKING:
    from ..datapackage import DatasetMetadata

#: Where ``release --corpus`` writes the data package unless -o says otherwise.
DEFAULT_DATASET_OUT = Path("build") / "dataset"


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
@click.option(
    "--corpus",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Release this folder of annotation files as a citable data package instead of the "
    "ontology (default -o: build/dataset/).",
)
@click.option(
    "--metadata",
    "metadata_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="With --corpus: the dataset's CITATION.cff (title, abstract, version, license, "
    "authors, date-released, keywords); default: CITATION.cff in the corpus folder.",
)
@click.option("--title", default=None, help="With --corpus: the dataset title.")
@click.option("--description", default=None, help="With --corpus: what the dataset holds.")
@click.option("--dataset-version", default=None, help="With --corpus: the dataset version.")
@click.option(
    "--license",
    "license_id",
    default=None,
    metavar="SPDX-ID",
    help="With --corpus: the data licence as an SPDX identifier, e.g. CC-BY-4.0.",
)
@click.option(
    "--author",
    "authors",
    multiple=True,
    metavar='"FAMILY, GIVEN"',
    help='With --corpus: a dataset author (repeatable, in order): "Family, Given" for a '
    "person, a name without a comma for a group. ORCID iDs and affiliations: --metadata.",
)
@click.option("--keyword", "keywords", multiple=True, help="With --corpus: a keyword (repeatable).")
@click.option(
    "--date-released",
    default=None,
    metavar="YYYY-MM-DD",
    help="With --corpus: the release date (default: SOURCE_DATE_EPOCH, else the newest "
    "annotation date; never the clock, so that rebuilds are identical).",
)
def release(
    out: Path | None,
    previous: Path | None,
    w3id_base: str | None,
    record: bool,
    corpus: Path | None,
    metadata_file: Path | None,
    title: str | None,
    description: str | None,
    dataset_version: str | None,
    license_id: str | None,
    authors: tuple[str, ...],
    keywords: tuple[str, ...],
    date_released: str | None,
) -> None:
    """Build the release from ontology/, shapes/ and mappings/: Turtle, RDF/XML, JSON-LD,
    N-Triples, SKOS flavour, shapes, mappings (SSSOM and SKOS), JSON-LD context, term list,
    release notes and checksums. A second run without changes writes identical bytes.
    With -q nothing is printed unless something fails.

    With --corpus DIR: a data package of a corpus instead (annotations as TriG, N-Quads and
    JSON-LD, the YAML files, query results as CSV, figures, data card README.md,
    CITATION.cff, RO-Crate metadata, SHA256SUMS), identical bytes on every rebuild. An
    invalid corpus stops it with exit 1 before anything is written."""
    dataset = {
        "--metadata": metadata_file,
        "--title": title,
        "--description": description,
        "--dataset-version": dataset_version,
        "--license": license_id,
        "--author": authors,
        "--keyword": keywords,
        "--date-released": date_released,
    }
    if corpus is not None:
        ontology_only = {"--previous": previous, "--w3id-base": w3id_base, "--record": record}
        _refuse(ontology_only, "an ontology release; leave them out with --corpus")
        options = _dataset_options(
            title, description, dataset_version, license_id, authors, keywords, date_released
        )
        _release_corpus(corpus, out or DEFAULT_DATASET_OUT, metadata_file, options)
        return
    _refuse(dataset, "a data package; add --corpus DIR")
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


def _refuse(given: dict[str, object], what: str) -> None:
    used = [name for name, value in given.items() if value not in (None, False, ())]
    if used:
        raise click.UsageError(f"{', '.join(used)}: only for {what}")


def _dataset_options(
    title: str | None,
    description: str | None,
    version: str | None,
    license_id: str | None,
    authors: tuple[str, ...],
    keywords: tuple[str, ...],
    date_released: str | None,
) -> DatasetMetadata:
    """The dataset metadata given as options (they override the metadata file)."""
    from ..datapackage import DatasetMetadata, author_option, check_license, parse_date

    return DatasetMetadata(
        title=title,
        description=description,
        version=version,
        license=check_license(license_id, "--license") if license_id else None,
        date_released=parse_date(date_released, "--date-released") if date_released else None,
        authors=tuple(author_option(a) for a in authors),
        keywords=keywords,
    )


def _release_corpus(
    corpus: Path, out: Path, metadata_file: Path | None, options: DatasetMetadata
) -> None:
    """Build the data package (the library validates the corpus first) and say where."""
    from ..datapackage import build_data_package

    quiet = is_quiet()
    package = build_data_package(
        corpus,
        out,
        metadata_file,
        options,
        err=(lambda _text: None) if quiet else (lambda text: click.echo(text, err=True)),
    )
    if quiet:
        return
    meta = package.metadata
    click.echo(
        f"{meta.title} {meta.version} ({meta.date_released}, {meta.license}): "
        f"{len(package.files)} files in {package.out}"
    )

"""``normspace convert``: annotation YAML to RDF, and RDF back to annotation YAML.

YAML is always written in the current format (2): a version-1 YAML file reads into the same
model as its migrated form, and version-1 RDF (tags on the annotation itself) is upgraded to
one contribution before it is read (:func:`~normspace.annotation.from_rdf.upgrade_format1`),
so both convert to format 2 with nothing reported lost that the format can hold. A note on
standard error names each input that was in format 1.
"""

from __future__ import annotations

from pathlib import Path

import click
from rdflib import Graph
from rdflib.compare import graph_diff, to_isomorphic

from ..annotation import load_annotation, parse_text
from ..annotation.from_rdf import (
    annotation_subgraph,
    lost_triples,
    read_annotations,
    upgrade_format1,
)
from ..annotation.model import FIRST_FORMAT, Annotation
from ..annotation.rdf_io import OUTPUT_FORMATS, read_rdf, serialise
from ..annotation.render import render_annotation
from ..annotation.to_rdf import to_graph
from ..annotation.validate import YAML_SUFFIXES
from ..atomicio import atomic_write_text
from ..errors import InputError
from ..namespaces import curie

#: The format registry of ``--format``: every RDF output format, and the annotation YAML.
TARGETS = (*OUTPUT_FORMATS, "yaml")


def _is_yaml(path: Path) -> bool:
    return path.suffix.lower() in YAML_SUFFIXES


def load_inputs(files: tuple[Path, ...]) -> list[tuple[str | None, Graph]]:
    """Each YAML file as its annotation's graph; each RDF file as it is (unnamed)."""
    graphs: list[tuple[str | None, Graph]] = []
    for path in files:
        if _is_yaml(path):
            document = load_annotation(path)
            if document.annotation.format_version == FIRST_FORMAT:
                _note(f"{path} is in annotation format 1 (deprecated), read as format 2")
            graphs.append((document.annotation_iri, document.graph))
        else:
            graphs.append((None, read_rdf(path)))
    return graphs


def _note(message: str) -> None:
    click.secho(f"note: {message}", fg="cyan", err=True)


def to_rdf_text(graphs: list[tuple[str | None, Graph]], target: str) -> str:
    """Serialise; for TriG/N-Quads, each annotation of an RDF input gets its named graph."""
    named: list[tuple[str, Graph]] = []
    for name, graph in graphs:
        if name is not None or not OUTPUT_FORMATS[target][1]:
            named.append((name or "", graph))
            continue
        rest = Graph() + graph
        for node, _ in read_annotations(graph):
            sub = annotation_subgraph(graph, node)
            named.append((str(node), sub))
            rest -= sub
        if len(rest):
            raise InputError(
                f"{len(rest)} triples belong to no annotation; convert to ttl, nt or jsonld "
                "to keep them"
            )
    return serialise(named, target)


def annotations_of(graphs: list[tuple[str | None, Graph]]) -> list[Annotation]:
    """Every annotation in the inputs; warn about RDF that the YAML form cannot hold."""
    found = []
    for _, original in graphs:
        graph, upgraded = upgrade_format1(original)
        for node in upgraded:
            _note(
                f"<{node}> is format-1 RDF; its tags and trade-offs were read as one contribution"
            )
        annotations = read_annotations(graph)
        if not annotations:
            click.secho("warning: an input contains no norm:PaperAnnotation", fg="yellow", err=True)
        for node, annotation in annotations:
            lost = lost_triples(graph, node, annotation)
            if lost:
                _warn_triples(node, "have no place in the YAML format and are left out", lost)
            found.append(annotation)
    return found


def _warn_triples(node: object, what: str, triples: list[tuple]) -> None:
    shown = "; ".join(" ".join(curie(str(x)) for x in t) for t in triples[:5])
    more = f" and {len(triples) - 5} more" if len(triples) > 5 else ""
    click.secho(
        f"warning: <{node}>: {len(triples)} triples {what}: {shown}{more}",
        fg="yellow",
        err=True,
    )


def changed_on_reading(annotation: Annotation, text: str) -> list[tuple]:
    """Triples of ``annotation`` that reading its YAML ``text`` back does not give.

    Rendering is exact for everything the format can say, but a few values mean something
    else when read back: a text baseline spelled like an approach's CURIE or label becomes
    that term, a citation that looks like a URL becomes an IRI. Reading the text back is the
    one check that catches every such case, present and future.
    """
    parsed = parse_text(text, "<converted>")
    expected = to_isomorphic(to_graph(annotation))
    if parsed.document is None or parsed.errors:
        return sorted(expected, key=lambda t: tuple(str(x) for x in t))
    _, changed, _ = graph_diff(expected, to_isomorphic(parsed.document.graph))
    return sorted(changed, key=lambda t: tuple(str(x) for x in t))


def render_checked(annotation: Annotation) -> str:
    """The YAML of ``annotation``; warns when it would not read back to the same RDF."""
    text = render_annotation(annotation)
    changed = changed_on_reading(annotation, text)
    if changed:
        _warn_triples(annotation.iri, "read back differently from the written YAML", changed)
    return text


def write_yaml(annotations: list[Annotation], output: Path | None, force: bool) -> None:
    if output is None:
        if len(annotations) != 1:
            raise click.UsageError(
                f"the input holds {len(annotations)} annotations; give -o DIR to write one "
                "file per annotation"
            )
        click.echo(render_checked(annotations[0]), nl=False)
        return
    if output.exists() and not output.is_dir():
        raise click.UsageError(f"-o {output}: for --format yaml, -o must be a folder")
    targets = [output / a.filename for a in annotations]
    duplicates = sorted({t.name for t in targets if targets.count(t) > 1})
    if duplicates:
        raise InputError(f"several annotations map to the same file: {', '.join(duplicates)}")
    existing = [t for t in targets if t.exists()]
    if existing and not force:
        names = ", ".join(str(t) for t in existing)
        raise InputError(f"not overwriting existing files (use --force): {names}")
    texts = [render_checked(a) for a in annotations]  # every one renders before any write
    output.mkdir(parents=True, exist_ok=True)
    for text, target in zip(texts, targets, strict=True):
        atomic_write_text(target, text)
        click.echo(f"wrote {target}", err=True)


@click.command("convert")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "-f",
    "--format",
    "--to",
    "target",
    type=click.Choice(TARGETS, case_sensitive=False),
    required=True,
    help="Output format (`--to` is an alias).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Output file (RDF formats) or folder (yaml). Default: standard output.",
)
@click.option("--force", is_flag=True, help="Overwrite existing YAML files.")
def convert(files: tuple[Path, ...], target: str, output: Path | None, force: bool) -> None:
    """Convert annotation YAML files to RDF (ttl, nt, jsonld, trig, nq), or RDF files
    (.ttl .nt .nq .trig .jsonld .rdf) to annotation YAML, one file per annotation.

    YAML input must read without errors (run `normspace validate` for the full check; convert
    does not run the SHACL shapes). JSON-LD is written with NormSpace's inline context;
    remote JSON-LD contexts and XML DTDs in the input are refused, nothing is fetched.
    """
    graphs = load_inputs(files)
    if target == "yaml":
        write_yaml(annotations_of(graphs), output, force)
        return
    text = to_rdf_text(graphs, target)
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        atomic_write_text(output, text)

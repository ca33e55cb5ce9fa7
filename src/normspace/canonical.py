"""Deterministic Turtle for the hand-edited ontology sources.

The sources are kept in rdflib's ``longturtle`` form: one subject block per entity,
subjects and objects sorted, one object per line, NormSpace's prefixes; the only change
from rdflib's default is that the ontology header (``owl:Ontology``) comes first. The output
depends only on the triples (not on the order or prefixes of the input file, nor on
``PYTHONHASHSEED``), so any two equal graphs give the same bytes and diffs stay small.
Comments in the input are not kept: documentation belongs in ``skos:`` annotations.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDFS
from rdflib.plugins.serializers.longturtle import LongTurtleSerializer

from .errors import InputError
from .namespaces import PREFIXES, bind_prefixes


class _HeaderFirstSerializer(LongTurtleSerializer):
    """longturtle, with subjects typed ``owl:Ontology`` before all others."""

    topClasses = [OWL.Ontology, RDFS.Class]  # noqa: N815 (rdflib's attribute name)


def canonical_turtle(graph: Graph) -> str:
    """Serialise ``graph`` canonically (NormSpace prefixes, longturtle layout).

    >>> g = Graph().parse(format="turtle", data='''
    ...   @prefix n: <https://w3id.org/normspace#> .
    ...   @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    ...   n:B skos:prefLabel "b"@en . n:A skos:prefLabel "a"@en .''')
    >>> print(canonical_turtle(g))
    PREFIX norm: <https://w3id.org/normspace#>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    <BLANKLINE>
    norm:A
        skos:prefLabel "a"@en ;
    .
    <BLANKLINE>
    norm:B
        skos:prefLabel "b"@en ;
    .
    <BLANKLINE>
    """
    out = bind_prefixes(Graph(bind_namespaces="none"))
    known_iris = set(PREFIXES.values())
    for prefix, namespace in sorted(graph.namespaces()):
        if str(namespace) not in known_iris and prefix and prefix not in PREFIXES:
            out.bind(prefix, namespace)
    out += graph
    buffer = BytesIO()
    _HeaderFirstSerializer(out).serialize(buffer, encoding="utf-8")
    return buffer.getvalue().decode("utf-8")


def parse_turtle(path: Path) -> Graph:
    try:
        return Graph().parse(path, format="turtle")
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except Exception as exc:  # rdflib raises several unrelated exception types
        raise InputError(f"{path}: cannot parse Turtle: {exc}") from exc


def canonical_text(path: Path) -> str:
    """The canonical form of a Turtle file, checked to carry exactly the same triples."""
    graph = parse_turtle(path)
    text = canonical_turtle(graph)
    if not isomorphic(graph, Graph().parse(data=text, format="turtle")):
        raise InputError(f"{path}: canonical serialisation would change the triples; not written")
    return text


@dataclass(frozen=True)
class FormatResult:
    path: Path
    canonical: bool  # was the file already canonical?


def format_files(paths: Iterable[Path], write: bool = True) -> list[FormatResult]:
    """Compare each file with its canonical form; rewrite it (atomically) if ``write``."""
    results = []
    for path in paths:
        text = canonical_text(path)
        current = path.read_bytes()
        canonical = current == text.encode("utf-8")
        if write and not canonical:
            _atomic_write(path, text)
        results.append(FormatResult(path, canonical))
    return results


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

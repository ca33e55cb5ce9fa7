"""Read and write annotation RDF safely: no network access, no XML entity tricks.

- JSON-LD input may only use inline contexts or NormSpace's own context IRI (which is
  replaced by the bundled ``context.jsonld``); any other remote ``@context``/``@import`` is
  rejected instead of being fetched.
- RDF/XML input with a DTD or entity declaration is rejected before rdflib sees it (the
  check defusedxml makes, done with the standard expat parser).
- ``owl:imports`` are never followed (rdflib does not follow them; nothing here does).
- JSON-LD output embeds the local context and loses no triple (see :func:`jsonld_text`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TextIO
from xml.parsers import expat

from rdflib import BNode, Dataset, Graph, URIRef

from ..errors import InputError
from ..namespaces import bind_prefixes
from .textinput import (
    check_json_depth,
    check_surrogate_escapes,
    decode_utf8,
    printable,
    surrogate_at,
)

#: IRI under which the annotation JSON-LD context is published.
CONTEXT_IRI = "https://w3id.org/normspace/context.jsonld"

#: File extension -> rdflib parser name.
INPUT_FORMATS: dict[str, str] = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".n3": "n3",
    ".trig": "trig",
    ".nq": "nquads",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}

#: ``convert --format`` RDF choice -> (rdflib serialiser, keeps named graphs).
OUTPUT_FORMATS: dict[str, tuple[str, bool]] = {
    "ttl": ("turtle", False),
    "nt": ("nt", False),
    "jsonld": ("json-ld", False),
    "trig": ("trig", True),
    "nq": ("nquads", True),
}


@cache
def jsonld_context() -> dict[str, Any]:
    """The bundled JSON-LD context (the value of its ``@context`` key)."""
    text = resources.files(__package__).joinpath("context.jsonld").read_text(encoding="utf-8")
    return json.loads(text)["@context"]


class UnsafeInputError(InputError):
    """Input that would make the parser fetch something or expand entities."""


def reject_xml_dtd(data: bytes, name: str) -> None:
    """Raise when an XML document declares a DTD or entities (XXE, billion laughs).

    >>> xml = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "x">]><r>&a;</r>'
    >>> reject_xml_dtd(xml, "x.rdf")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    normspace.annotation.rdf_io.UnsafeInputError: x.rdf: XML with a DOCTYPE/DTD is not accepted ...
    """
    parser = expat.ParserCreate()

    def refuse(*_args: object) -> None:
        raise UnsafeInputError(
            f"{name}: XML with a DOCTYPE/DTD is not accepted (entity expansion and external "
            "entities are unsafe); remove the DOCTYPE declaration"
        )

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise InputError(f"{name}: not well-formed XML: {exc}") from exc


def localise_contexts(node: Any, name: str) -> Any:
    """Replace NormSpace's context IRI by the bundled context; refuse other remote contexts."""
    if isinstance(node, list):
        return [localise_contexts(item, name) for item in node]
    if not isinstance(node, dict):
        return node
    result = {}
    for key, value in node.items():
        if key in ("@context", "@import"):
            result[key] = _local_context(value, name)
        else:
            result[key] = localise_contexts(value, name)
    return result


def _local_context(value: Any, name: str) -> Any:
    if isinstance(value, list):
        return [_local_context(v, name) for v in value]
    if isinstance(value, str):
        if value.rstrip("/") == CONTEXT_IRI:
            return jsonld_context()
        raise UnsafeInputError(
            f"{name}: remote JSON-LD context `{value}` is not fetched; inline the context or "
            f"use `{CONTEXT_IRI}`"
        )
    if isinstance(value, dict):
        return localise_contexts(value, name)
    return value


def input_format(path: Path) -> str:
    fmt = INPUT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(INPUT_FORMATS))
        raise InputError(f"{path}: unknown RDF file type `{path.suffix}`; expected one of {known}")
    return fmt


def parse_rdf(data: bytes, fmt: str, name: str) -> Graph:
    """Parse RDF bytes into one graph (named graphs of TriG/N-Quads are merged)."""
    if fmt == "xml":
        reject_xml_dtd(data, name)
    else:  # text formats: UTF-8 by definition; located errors before rdflib sees them
        text = decode_utf8(data, name)
        if fmt != "json-ld":  # JSON may pair surrogate escapes; the graph check catches lone ones
            check_surrogate_escapes(text, name)
    if fmt == "json-ld":
        check_json_depth(text, name)  # json.loads and the JSON-LD expansion recurse
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise InputError(f"{name}: not valid JSON: {exc}") from exc
        data = json.dumps(localise_contexts(doc, name)).encode()
    graph = bind_prefixes(Graph())
    try:
        if fmt in ("trig", "nquads"):
            dataset = Dataset()
            dataset.parse(data=data, format=fmt)
            for s, p, o, _ in dataset.quads((None, None, None, None)):
                graph.add((s, p, o))
        else:
            graph.parse(data=data, format=fmt)
    except UnsafeInputError:
        raise
    except Exception as exc:  # rdflib raises many unrelated exception types
        raise InputError(f"{name}: cannot parse as {fmt}: {printable(str(exc))}") from exc
    reject_surrogates(graph, name)
    return graph


def reject_surrogates(graph: Graph, name: str) -> None:
    """Refuse a graph with a lone surrogate in a term (e.g. from RDF/XML character
    references): it could not be written as UTF-8 or stored."""
    for triple in graph:
        for term in triple:
            if surrogate_at(str(term)) is not None:
                raise InputError(
                    f"{name}: the term `{printable(str(term))}` (in a triple about "
                    f"<{printable(str(triple[0]))}>) holds a lone surrogate, which is not a "
                    "character; write the character itself as UTF-8"
                )


def read_rdf(path: Path) -> Graph:
    """Read an RDF file, choosing the parser by extension."""
    fmt = input_format(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read file: {exc.strerror or exc}") from exc
    return parse_rdf(data, fmt, str(path))


def serialise(graphs: Iterable[tuple[str, Graph]], fmt: str) -> str:
    """Serialise annotation graphs (named by their annotation IRI) in an output format."""
    rdflib_fmt, named = OUTPUT_FORMATS[fmt]
    if named:
        dataset = bind_prefixes(Dataset())  # type: ignore[arg-type]
        for iri, graph in graphs:
            target = dataset.graph(URIRef(iri))
            for triple in graph:
                target.add(triple)
        return dataset.serialize(format=rdflib_fmt)
    merged = bind_prefixes(Graph())
    for _, graph in graphs:
        for triple in graph:
            merged.add(triple)
    if rdflib_fmt == "json-ld":
        return jsonld_text(merged)
    return merged.serialize(format=rdflib_fmt)


def _expand(value: str, context: dict[str, Any]) -> str:
    """A context's CURIE (``norm:hasValue``) as a full IRI."""
    prefix, _, local = value.partition(":")
    namespace = context.get(prefix)
    return namespace + local if isinstance(namespace, str) and local else value


def iri_valued_properties(context: dict[str, Any]) -> frozenset[URIRef]:
    """Properties whose values the context coerces to IRIs (``"@type": "@id"``)."""
    return frozenset(
        URIRef(_expand(entry["@id"], context))
        for entry in context.values()
        if isinstance(entry, dict) and entry.get("@type") == "@id" and "@id" in entry
    )


def _node_objects(graph: Graph, context: dict[str, Any] | None) -> list[Any]:
    """The node objects rdflib writes for ``graph`` (compacted with ``context``, or expanded)."""
    if context is None:
        return json.loads(graph.serialize(format="json-ld"))
    doc = json.loads(graph.serialize(format="json-ld", context=context))
    doc.pop("@context", None)
    return doc.pop("@graph", None) or ([doc] if doc else [])


def _hidden_nodes(graph: Graph, coerced: frozenset[URIRef]) -> set[BNode]:
    """Described blank nodes that are values of IRI-coerced properties (a term request as the
    value of ``hasValue``): rdflib writes them as ``"_:b0"`` strings and leaves out their
    own triples."""
    return {
        o for _, p, o in graph if p in coerced and isinstance(o, BNode) and (o, None, None) in graph
    }


def _closure(graph: Graph, starts: set[BNode]) -> Graph:
    """The triples of ``starts`` and of every blank node reachable from them."""
    sub = Graph()
    todo, seen = list(starts), set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for triple in graph.triples((node, None, None)):
            sub.add(triple)
            if isinstance(triple[2], BNode):
                todo.append(triple[2])
    return sub


def jsonld_text(graph: Graph) -> str:
    """``graph`` as JSON-LD with the bundled context inline, losing no triple.

    The context coerces every term slot to IRIs so that hand-written documents can say
    ``"hasValue": "norm:Honesty"``; but a term request is a blank node in such a slot, and
    rdflib's serialiser writes a coerced blank node as a bare ``"_:b0"`` without its triples.
    Those nodes are therefore written as node objects of their own, after the others:
    compacted when that is lossless, expanded (full IRIs, always lossless) when they hold
    hidden nodes in turn.
    """
    context = jsonld_context()
    coerced = iri_valued_properties(context)
    nodes = _node_objects(graph, context)
    hidden = _hidden_nodes(graph, coerced)
    if hidden:
        extra = _closure(graph, hidden)
        compact = not _hidden_nodes(extra, coerced)
        nodes += _node_objects(extra, context if compact else None)
    document = {"@context": context, "@graph": nodes}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_text(text: str, out: TextIO) -> None:
    out.write(text if text.endswith("\n") else text + "\n")

"""``normspace show``: everything about one term, including how often the corpus uses it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

import click
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from ..errors import InputError
from ..namespaces import NORM_IRI, curie, expand
from ..ontology import Term, load_ontology, term_index
from ..querylib import concept_schemes, library
from ..store import holds_store, no_store_message, open_store
from .options import output_option, store_option
from .query import timeout_option

#: (field name, property) of the term's own annotations, in display order.
FIELDS = (
    ("definition", SKOS.definition),
    ("alt labels", SKOS.altLabel),
    ("scope note", SKOS.scopeNote),
    ("example", SKOS.example),
    ("source", DCTERMS.source),
)
MAPPING_PROPERTIES = (
    SKOS.exactMatch,
    SKOS.closeMatch,
    SKOS.broadMatch,
    SKOS.narrowMatch,
    SKOS.relatedMatch,
)


def _text(node) -> str:
    return curie(str(node)) if isinstance(node, URIRef) else str(node)


def _with_label(iri: str) -> str:
    term = term_index().get(iri)
    return f"{curie(iri)} ({term.label})" if term else curie(iri)


def _mappings(iri: URIRef) -> list[str]:
    try:
        from ..mappings import mapping_graph

        graph = mapping_graph()
    except Exception:  # mappings are optional reference data
        return []
    return sorted(
        f"{curie(str(p))} {_text(o)}" for p in MAPPING_PROPERTIES for o in graph.objects(iri, p)
    )


def usage(
    store_path: Path, endpoint: str | None, term: Term, timeout: float | None = None
) -> dict[str, int] | str:
    """Papers using the term directly and with narrower terms, or why it is unknown (a
    damaged store or a failing endpoint is reported in place of the numbers)."""
    if not endpoint and not holds_store(store_path):
        return no_store_message(store_path)
    query = library().get("term-usage")
    with open_store(store_path, endpoint, create=False, read_only=True, timeout=timeout) as store:
        rows = query.run(store, {"term": term.iri}).dicts()
    if not rows:
        return {"direct": 0, "total": 0}
    return {"direct": int(rows[0]["direct"]), "total": int(rows[0]["total"])}


def describe(term: Term, graph: Graph) -> dict[str, object]:
    """The term's fields as plain data (also the JSON output)."""
    iri = URIRef(term.iri)
    info: dict[str, object] = {
        "term": term.curie,
        "iri": term.iri,
        "label": term.label,
        "scheme": f"{curie(term.scheme)} ({concept_schemes().get(term.scheme, '')})",
    }
    for name, prop in FIELDS:
        values = sorted(_text(v) for v in graph.objects(iri, prop))
        if values:
            info[name] = values
    info["broader"] = [_with_label(str(b)) for b in sorted(graph.objects(iri, SKOS.broader))]
    narrower = sorted(str(s) for s in graph.subjects(SKOS.broader, iri))
    info["narrower"] = [_with_label(n) for n in narrower]
    related = sorted(str(o) for o in graph.objects(iri, SKOS.related))
    if related:
        info["related"] = [_with_label(r) for r in related]
    for prop, obj in sorted(graph.predicate_objects(iri)):
        if str(prop).startswith(NORM_IRI):
            label = graph.value(prop, RDFS.label)
            name = str(label) if isinstance(label, Literal) else curie(str(prop))
            values = info.setdefault(name, [])
            assert isinstance(values, list)
            values.append(_with_label(str(obj)) if isinstance(obj, URIRef) else str(obj))
    mappings = _mappings(iri)
    if mappings:
        info["mappings"] = mappings
    return info


def describe_scheme(iri: str, graph: Graph) -> dict[str, object]:
    """A concept scheme: label, definition, top concepts and how many terms it has."""
    node = URIRef(iri)
    info: dict[str, object] = {
        "term": curie(iri),
        "iri": iri,
        "label": concept_schemes()[iri],
        "type": "skos:ConceptScheme",
    }
    for name, prop in FIELDS:
        values = sorted(_text(v) for v in graph.objects(node, prop))
        if values:
            info[name] = values
    tops = set(graph.objects(node, SKOS.hasTopConcept)) | set(
        graph.subjects(SKOS.topConceptOf, node)
    )
    info["top concepts"] = [_with_label(str(t)) for t in sorted(tops)]
    info["terms"] = len(term_index().in_scheme(iri))
    return info


def _papers(n: int) -> str:
    return f"{n} paper{'s' if n != 1 else ''}"


@click.command("show")
@click.argument("term_ref", metavar="TERM")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@timeout_option
@output_option
@store_option
def show(
    term_ref: str,
    as_json: bool,
    timeout: float | None,
    output: TextIO,
    store_path: Path,
    endpoint: str | None,
) -> None:
    """Show a term (CURIE, IRI or label): definition, source, scheme, broader and narrower
    terms, alternative labels, scope note, mappings, and how many papers in the store use
    it (directly, and with its narrower terms). A concept scheme (norm:ValueScheme) is
    shown with its definition, top concepts and number of terms."""
    scheme = expand(term_ref.strip()) or term_ref.strip()
    if scheme in concept_schemes():
        info = describe_scheme(scheme, load_ontology())
    else:
        term = term_index().resolve(term_ref)
        info = describe(term, load_ontology())
        try:
            info["usage"] = usage(store_path, endpoint, term, timeout)
        except InputError as exc:
            info["usage"] = f"unavailable: {exc}"
    if as_json:
        json.dump(info, output, indent=2, ensure_ascii=False)
        output.write("\n")
        return
    output.write(f"{info['term']}  {info['label']}\n")
    for key, value in info.items():
        if key in ("term", "label", "iri") or value in ([], None):
            continue
        if key == "usage" and isinstance(value, dict):
            value = (
                f"{_papers(value['direct'])} tagged with it directly, {value['total']} "
                "with it or a narrower term"
            )
        lines = value if isinstance(value, list) else [value]
        for i, line in enumerate(lines):
            output.write(f"{(key + ':') if i == 0 else '':<14}{line}\n")

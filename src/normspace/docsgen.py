"""``normspace docs``: HTML documentation of the ontology, the shapes and each taxonomy.

- ``ontology.html``: pyLODE's OntPub page of the OWL ontology (classes and properties).
- ``shapes.html``: every SHACL node shape with its targets and property constraints.
- ``<scheme>.html``: one browsable page per concept scheme: the hierarchy as a tree, and
  for each term its definition, alternative labels, notes, sources and mappings.
- ``core-model.dot`` / ``.mmd`` (and ``.svg`` with Graphviz): the core model diagram.
- ``index.html``: links, the FOOPS!-style metadata checklist and the mapping counts.

Nothing is fetched: pyLODE reads its background vocabularies from its package, and the
pages link to no remote script or style sheet. Every gap in the metadata the pages are
built from (a term without label or definition, an ontology header field missing, a
shape without description) is reported as a warning; the build is expected to have
none, and a test holds it to that.
"""

from __future__ import annotations

import contextlib
import html
import io
import logging
import re
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from .diagram import core_model, render_svg, to_dot, to_mermaid
from .errors import InputError
from .imports import external_terms
from .mappings import mapping_stats, read_mapping_sets
from .metadata import coverage, metadata_checks, metadata_table
from .namespaces import NORM_IRI, ONTOLOGY_IRI, PREFIXES, SH, curie
from .ontology import DIMENSIONS, SUPPORTING_SCHEMES, ontology_files, parse_files
from .resources import shapes_dir

log = logging.getLogger(__name__)

STYLE = """
body{font-family:system-ui,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;
line-height:1.45;color:#1d1d1f}
a{color:#0b5cad}code{font-size:.92em}h1{font-size:1.6rem}h2{margin-top:2rem}
.term{border-top:1px solid #ddd;padding:.6rem 0}.label{font-weight:600}
.meta{color:#555;font-size:.92em}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
ul.tree{list-style:none;padding-left:1.1rem}.deprecated{text-decoration:line-through}
"""


@dataclass
class DocsBuild:
    out: Path
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{STYLE}</style></head>\n<body>\n"
        f'<p><a href="index.html">NormSpace documentation</a></p>\n<h1>{_e(title)}</h1>\n'
        f"{body}\n</body></html>\n"
    )


def _en(graph: Graph, subject: object, prop: URIRef) -> list[str]:
    return sorted(
        str(o)
        for o in graph.objects(subject, prop)  # type: ignore[arg-type]
        if isinstance(o, Literal) and o.language in (None, "en")
    )


def _first(graph: Graph, subject: object, *props: URIRef) -> str:
    for prop in props:
        values = _en(graph, subject, prop)
        if values:
            return values[0]
    return ""


def _link(iri: str) -> str:
    return (
        f'<a href="{_e(iri)}">{_e(iri)}</a>' if iri.startswith(("http://", "https://")) else _e(iri)
    )


# ---------------------------------------------------------------------------
# Ontology page (pyLODE)
# ---------------------------------------------------------------------------


def ontology_page(ontology: Graph) -> tuple[str, list[str]]:
    """pyLODE's OntPub HTML of ``ontology`` and any warning it emitted.

    pyLODE documents "the" ontology it finds as any ``owl:Ontology`` *or*
    ``skos:ConceptScheme``: given NormSpace's 18 schemes it titled the page with all their
    titles run together and gave the last scheme's IRI. The schemes have their own taxonomy
    pages, so pyLODE gets the ontology without their scheme typing, and the page's title
    and IRI are checked afterwards (a mismatch is a warning, never a silent wrong page).
    """
    from pylode import OntPub

    graph = Graph()
    for triple in ontology:
        if triple[1] == RDF.type and triple[2] == SKOS.ConceptScheme:
            continue
        graph.add(triple)
    captured = io.StringIO()
    with (
        warnings.catch_warnings(record=True) as caught,
        contextlib.redirect_stdout(captured),
        contextlib.redirect_stderr(captured),
    ):
        warnings.simplefilter("always")
        text = OntPub(ontology=graph).make_html()
    problems = [
        f"pyLODE: {w.message}" for w in caught if not issubclass(w.category, ResourceWarning)
    ]
    problems += [f"pyLODE: {line}" for line in captured.getvalue().splitlines() if line.strip()]
    return text, problems + page_identity_warnings(text, ontology)


_HTML_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_METADATA_IRI = re.compile(r"<strong>IRI</strong>\s*</dt>\s*<dd>\s*<code>(.*?)</code>", re.S)


def page_identity_warnings(page: str, ontology: Graph) -> list[str]:
    """Warnings when the ontology page is not titled and identified as the ontology."""
    header = URIRef(ONTOLOGY_IRI)
    expected = _first(ontology, header, DCTERMS.title)
    title = _HTML_TITLE.search(page)
    iri = _METADATA_IRI.search(page)
    found_title = html.unescape(title.group(1)).strip() if title else None
    found_iri = html.unescape(iri.group(1)).strip() if iri else None
    problems = []
    if found_title != expected:
        problems.append(
            f"ontology.html is titled {found_title!r}, not the ontology's dcterms:title "
            f"{expected!r} (pyLODE documented another resource)"
        )
    if found_iri != ONTOLOGY_IRI:
        problems.append(
            f"ontology.html gives the IRI <{found_iri}>, not the ontology's <{ONTOLOGY_IRI}> "
            "(pyLODE documented another resource)"
        )
    return problems


def metadata_warnings(ontology: Graph) -> list[str]:
    """Missing metadata that would leave gaps in the generated pages."""
    found = [
        f"ontology header: {c.name} missing ({c.detail})"
        for c in metadata_checks(ontology)
        if not c.passed
    ]
    _, unlabelled, undefined = coverage(ontology)
    found += [f"{curie(i)} has no English label" for i in unlabelled]
    found += [f"{curie(i)} has no definition" for i in undefined]
    return found


# ---------------------------------------------------------------------------
# Shapes page
# ---------------------------------------------------------------------------

_CONSTRAINTS = (
    "minCount",
    "maxCount",
    "datatype",
    "class",
    "nodeKind",
    "pattern",
    "in",
    "hasValue",
    "minInclusive",
    "maxInclusive",
    "minLength",
    "maxLength",
    "uniqueLang",
    "languageIn",
    "node",
    "qualifiedValueShape",
    "qualifiedMinCount",
    "qualifiedMaxCount",
)


def _term(graph: Graph, node: object) -> str:
    if isinstance(node, URIRef):
        return f"<code>{_e(curie(str(node)))}</code>"
    if isinstance(node, Literal):
        return _e(node)
    if isinstance(node, BNode) and (node, RDF.first, None) in graph:
        from rdflib.collection import Collection

        return "(" + " ".join(_term(graph, n) for n in Collection(graph, node)) + ")"
    if isinstance(node, BNode):
        parts = [
            f"{_e(curie(str(p)))} {_term(graph, o)}"
            for p, o in sorted(graph.predicate_objects(node))
        ]
        return "[" + "; ".join(parts) + "]"
    return _e(node)


def shapes_page(shapes: Graph) -> tuple[str, list[str]]:
    problems = []
    body = []
    node_shapes = sorted(
        s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)
    )
    body.append(f"<p>{len(node_shapes)} node shapes.</p><ul>")
    body += [
        f'<li><a href="#{_e(curie(str(s)))}">{_e(curie(str(s)))}</a></li>' for s in node_shapes
    ]
    body.append("</ul>")
    for shape in node_shapes:
        name = curie(str(shape))
        label = _first(shapes, shape, RDFS.label, SH.name)
        text = _first(shapes, shape, RDFS.comment, SH.description, DCTERMS.description)
        if not (label or text):
            problems.append(f"shape {name} has no rdfs:label or rdfs:comment")
        body.append(f'<h2 id="{_e(name)}">{_e(name)}</h2>')
        if label:
            body.append(f'<p class="label">{_e(label)}</p>')
        if text:
            body.append(f"<p>{_e(text)}</p>")
        targets = [
            f"{_e(curie(str(p)))} {_term(shapes, o)}"
            for p in (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf)
            for o in sorted(shapes.objects(shape, p))
        ]
        if targets:
            body.append('<p class="meta">Targets: ' + ", ".join(targets) + "</p>")
        rows = []
        for prop in sorted(
            shapes.objects(shape, SH.property), key=lambda n: str(shapes.value(n, SH.path))
        ):
            path = _term(shapes, shapes.value(prop, SH.path))
            constraints = [
                f"{c} {_term(shapes, o)}"
                for c in _CONSTRAINTS
                for o in sorted(shapes.objects(prop, SH[c]))
            ]
            constraints += [
                f"{_e(curie(str(p)))} {_term(shapes, o)}"
                for p, o in sorted(shapes.predicate_objects(prop))
                if not str(p).startswith(str(SH)) and p not in (RDF.type, RDFS.comment, RDFS.label)
            ]
            severity = shapes.value(prop, SH.severity)
            message = _first(shapes, prop, SH.message, SH.description, RDFS.comment)
            rows.append(
                f"<tr><td>{path}</td><td>{'<br>'.join(constraints)}</td>"
                f"<td>{_e(curie(str(severity))) if severity else 'sh:Violation'}</td>"
                f"<td>{_e(message)}</td></tr>"
            )
        if rows:
            body.append(
                "<table><tr><th>path</th><th>constraints</th><th>severity</th>"
                "<th>message</th></tr>" + "".join(rows) + "</table>"
            )
        for constraint in sorted(shapes.objects(shape, SH.sparql), key=str):
            message = _first(shapes, constraint, SH.message)
            query = shapes.value(constraint, SH.select)
            body.append(f"<p>SPARQL constraint: {_e(message)}</p>")
            if query is not None:
                body.append(f"<details><summary>query</summary><pre>{_e(query)}</pre></details>")
    return _page("NormSpace SHACL shapes", "\n".join(body)), problems


# ---------------------------------------------------------------------------
# Taxonomy pages
# ---------------------------------------------------------------------------


def _mapping_index() -> dict[str, list[tuple[str, str, str]]]:
    """NormSpace IRI -> (predicate CURIE, object CURIE, object label) rows."""
    index: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for ms in read_mapping_sets():
        for m in ms.mappings:
            subject = ms.expand(m.subject_id)
            if subject:
                index[subject].append((m.predicate_id, m.object_id, m.object_label))
    return index


def scheme_page(
    ontology: Graph, scheme: URIRef, mappings: dict[str, list[tuple[str, str, str]]]
) -> str:
    terms = sorted(s for s in ontology.subjects(SKOS.inScheme, scheme) if isinstance(s, URIRef))
    term_set = set(terms)
    children: dict[object, list[URIRef]] = defaultdict(list)
    roots = []
    for t in terms:
        parents = [b for b in ontology.objects(t, SKOS.broader) if b in term_set]
        for b in parents:
            children[b].append(t)
        if not parents:
            roots.append(t)

    def label(t: URIRef) -> str:
        return _first(ontology, t, SKOS.prefLabel) or curie(str(t))

    def tree(nodes: list[URIRef], seen: frozenset = frozenset()) -> str:
        items = []
        for t in sorted(nodes, key=label):
            if t in seen:
                continue
            sub = tree(children.get(t, []), seen | {t})
            items.append(
                f'<li><a href="#{_e(str(t)[len(NORM_IRI) :])}">{_e(label(t))}</a>{sub}</li>'
            )
        return f'<ul class="tree">{"".join(items)}</ul>' if items else ""

    body = [
        f"<p>{_e(_first(ontology, scheme, SKOS.definition))}</p>",
        f'<p class="meta">{len(terms)} terms. Scheme IRI <code>{_e(str(scheme))}</code>.</p>',
        "<h2>Hierarchy</h2>",
        tree(roots),
        "<h2>Terms</h2>",
    ]
    for t in sorted(terms, key=label):
        local = str(t)[len(NORM_IRI) :]
        deprecated = (t, OWL.deprecated, Literal(True)) in ontology
        cls = ' class="label deprecated"' if deprecated else ' class="label"'
        parts = [
            f'<div class="term" id="{_e(local)}"><p><span{cls}>{_e(label(t))}</span> '
            f"<code>{_e(curie(str(t)))}</code></p>",
            f"<p>{_e(_first(ontology, t, SKOS.definition))}</p>",
        ]
        alt = _en(ontology, t, SKOS.altLabel)
        if alt:
            parts.append(f'<p class="meta">Also: {_e("; ".join(alt))}</p>')
        for prop, name in ((SKOS.scopeNote, "Scope"), (SKOS.example, "Example")):
            for v in _en(ontology, t, prop):
                parts.append(f'<p class="meta">{name}: {_e(v)}</p>')
        broader = sorted(ontology.objects(t, SKOS.broader))
        if broader:
            parts.append(
                '<p class="meta">Broader: '
                + ", ".join(
                    f'<a href="#{_e(str(b)[len(NORM_IRI) :])}">{_e(label(b))}</a>' for b in broader
                )
                + "</p>"
            )
        if deprecated:
            repl = " or ".join(
                sorted(curie(str(r)) for r in ontology.objects(t, DCTERMS.isReplacedBy))
            )
            parts.append(f'<p class="meta">Deprecated{"; use " + _e(repl) if repl else ""}.</p>')
        sources = sorted(str(s) for s in ontology.objects(t, DCTERMS.source))
        if sources:
            parts.append(
                '<p class="meta">Sources: ' + ", ".join(_link(s) for s in sources) + "</p>"
            )
        rows = mappings.get(str(t), [])
        if rows:
            parts.append(
                '<p class="meta">Mappings: '
                + "; ".join(
                    f"{_e(p)} <code>{_e(o)}</code>{' (' + _e(lab) + ')' if lab else ''}"
                    for p, o, lab in sorted(rows)
                )
                + "</p>"
            )
        parts.append("</div>")
        body.append("".join(parts))
    title = _first(ontology, scheme, SKOS.prefLabel) or curie(str(scheme))
    return _page(f"NormSpace taxonomy: {title}", "\n".join(body))


# ---------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------


def build_docs(out: Path, ontology: Graph | None = None, shapes: Graph | None = None) -> DocsBuild:
    """Write the documentation into ``out``; return the files and the warnings."""
    ontology = ontology if ontology is not None else parse_files(ontology_files())
    if shapes is None:
        files = sorted(shapes_dir().glob("*.ttl"))
        if not files:
            raise InputError(f"{shapes_dir()}: no shapes to document")
        shapes = parse_files(files)
    out.mkdir(parents=True, exist_ok=True)
    build = DocsBuild(out)
    build.warnings += metadata_warnings(ontology)

    def emit(name: str, text: str) -> None:
        path = out / name
        path.write_text(text, encoding="utf-8", newline="\n")
        build.files.append(path)

    text, problems = ontology_page(ontology)
    build.warnings += problems
    emit("ontology.html", text)
    text, problems = shapes_page(shapes)
    build.warnings += problems
    emit("shapes.html", text)

    mappings = _mapping_index()
    schemes = []
    for _, scheme in (*DIMENSIONS, *SUPPORTING_SCHEMES):
        if (scheme, RDF.type, SKOS.ConceptScheme) not in ontology:
            build.warnings.append(f"concept scheme {curie(str(scheme))} is not in the ontology")
            continue
        name = f"taxonomy-{str(scheme)[len(NORM_IRI) :]}.html"
        emit(name, scheme_page(ontology, scheme, mappings))
        schemes.append((scheme, name))

    model = core_model(ontology)
    dot = to_dot(model)
    emit("core-model.dot", dot)
    emit("core-model.mmd", to_mermaid(model))
    svg = out / "core-model.svg"
    if render_svg(dot, svg):
        build.files.append(svg)

    stats = mapping_stats(read_mapping_sets(), external_terms())
    body = [
        "<ul>",
        '<li><a href="ontology.html">Ontology (classes and properties, pyLODE)</a></li>',
        '<li><a href="shapes.html">SHACL shapes</a></li></ul>',
        "<h2>Taxonomies</h2><ul>",
    ]
    body += [
        f'<li><a href="{n}">{_e(_first(ontology, s, SKOS.prefLabel))}</a></li>' for s, n in schemes
    ]
    body.append("</ul><h2>Core model</h2>")
    if svg.is_file():
        body.append('<p><img src="core-model.svg" alt="NormSpace core model"></p>')
    body.append(
        '<p>Generated from the ontology: <a href="core-model.dot">Graphviz DOT</a>, '
        '<a href="core-model.mmd">Mermaid</a>.</p>'
    )
    body.append(
        "<h2>Metadata (FOOPS!-style checklist)</h2>" + _markdown_table(metadata_table(ontology))
    )
    body.append("<h2>Mappings</h2><table><tr><th>target</th><th>mappings</th></tr>")
    body += [f"<tr><td>{_e(k)}</td><td>{v}</td></tr>" for k, v in stats["by_target"].items()]  # type: ignore[union-attr]
    body.append("</table><table><tr><th>predicate</th><th>mappings</th></tr>")
    body += [f"<tr><td>{_e(k)}</td><td>{v}</td></tr>" for k, v in stats["by_predicate"].items()]  # type: ignore[union-attr]
    body.append("</table>")
    body.append(
        "<h2>Namespaces</h2><table>"
        + "".join(
            f"<tr><td>{_e(p)}</td><td>{_e(ns)}</td></tr>" for p, ns in sorted(PREFIXES.items())
        )
        + "</table>"
    )
    emit(
        "index.html",
        _page(
            _first(ontology, URIRef("https://w3id.org/normspace"), DCTERMS.title) or "NormSpace",
            "\n".join(body),
        ),
    )
    for w in build.warnings:
        log.warning(w)
    return build


def _markdown_table(text: str) -> str:
    rows = [r.strip().strip("|").split(" | ") for r in text.strip().splitlines()]
    head, body = rows[0], rows[2:]
    out = "<table><tr>" + "".join(f"<th>{_e(c.strip())}</th>" for c in head) + "</tr>"
    for r in body:
        out += "<tr>" + "".join(f"<td>{_e(c.strip())}</td>" for c in r) + "</tr>"
    return out + "</table>"

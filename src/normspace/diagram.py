"""Diagram of the core model, generated from the ontology (never drawn by hand).

The diagram shows the classes of the annotation model and the dimension classes, the
object properties between them (rdfs:domain -> rdfs:range), their super-classes in
reused vocabularies, and each class's datatype properties. It is emitted as Graphviz DOT
(rendered to SVG when the ``dot`` program is installed) and as Mermaid, which GitHub and
many Markdown viewers render without any tool.
"""

from __future__ import annotations

import html
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from .errors import InputError
from .namespaces import NORM_IRI, curie

ANY = "owl:Thing"


@dataclass
class CoreModel:
    """Classes, object-property edges, super-class edges and datatype attributes."""

    classes: list[str] = field(default_factory=list)
    edges: list[tuple[str, str, str]] = field(default_factory=list)  # domain, property, range
    supers: list[tuple[str, str]] = field(default_factory=list)  # class, super-class
    attributes: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def _name(iri: object) -> str:
    text = curie(str(iri))
    return text[len("norm:") :] if text.startswith("norm:") else text


def core_model(ontology: Graph) -> CoreModel:
    """Read the core model out of ``ontology`` (sorted, so the output is reproducible)."""
    model = CoreModel()
    norm_classes = sorted(
        c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(NORM_IRI)
    )
    if not norm_classes:
        raise InputError("the ontology declares no NormSpace classes to draw")
    names = {_name(c) for c in norm_classes}
    for cls in norm_classes:
        for sup in sorted(ontology.objects(cls, RDFS.subClassOf)):
            if isinstance(sup, URIRef) and sup != SKOS.Concept:
                model.supers.append((_name(cls), _name(sup)))
                names.add(_name(sup))
    for prop in sorted(ontology.subjects(RDF.type, OWL.ObjectProperty)):
        if not str(prop).startswith(NORM_IRI):
            continue
        domain = ontology.value(prop, RDFS.domain)
        rng = ontology.value(prop, RDFS.range)
        d = _name(domain) if isinstance(domain, URIRef) else ANY
        r = _name(rng) if isinstance(rng, URIRef) else ANY
        names.update((d, r))
        model.edges.append((d, _name(prop), r))
    for prop in sorted(ontology.subjects(RDF.type, OWL.DatatypeProperty)):
        if not str(prop).startswith(NORM_IRI):
            continue
        domain = ontology.value(prop, RDFS.domain)
        rng = ontology.value(prop, RDFS.range)
        d = _name(domain) if isinstance(domain, URIRef) else ANY
        names.add(d)
        rng_name = (
            str(rng)[len(str(XSD)) :]
            if rng is not None and str(rng).startswith(str(XSD))
            else _name(rng or "")
        )
        model.attributes.setdefault(d, []).append((_name(prop), rng_name))
    model.classes = sorted(names)
    return model


def _id(name: str) -> str:
    return name.replace(":", "_").replace("-", "_")


def to_dot(model: CoreModel) -> str:
    """Graphviz DOT: classes as boxes listing their datatype properties."""
    lines = [
        "digraph normspace_core {",
        '  graph [rankdir=LR, fontname="Helvetica", label="NormSpace core model", labelloc=t];',
        '  node [shape=plain, fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    for name in model.classes:
        external = ":" in name
        colour = "#eeeeee" if external else "#dfeaf7"
        rows = f'<tr><td bgcolor="{colour}"><b>{html.escape(name)}</b></td></tr>'
        for attr, rng in sorted(model.attributes.get(name, [])):
            rows += f'<tr><td align="left">{html.escape(attr)}: {html.escape(rng)}</td></tr>'
        table = f'<table border="1" cellborder="0" cellspacing="0">{rows}</table>'
        lines.append(f"  {_id(name)} [label=<{table}>];")
    for cls, sup in model.supers:
        lines.append(f"  {_id(cls)} -> {_id(sup)} [arrowhead=empty, style=dashed];")
    for d, p, r in model.edges:
        lines.append(f'  {_id(d)} -> {_id(r)} [label="{p}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_mermaid(model: CoreModel) -> str:
    """A Mermaid class diagram of the same model."""
    lines = ["classDiagram", "  direction LR"]
    for name in model.classes:
        attrs = model.attributes.get(name, [])
        label = f'["{name}"]' if ":" in name else ""
        if attrs:
            lines.append(f"  class {_id(name)}{label} {{")
            lines += [f"    +{rng} {attr}" for attr, rng in sorted(attrs)]
            lines.append("  }")
        else:
            lines.append(f"  class {_id(name)}{label}")
    for cls, sup in model.supers:
        lines.append(f"  {_id(sup)} <|-- {_id(cls)}")
    for d, p, r in model.edges:
        lines.append(f"  {_id(d)} --> {_id(r)} : {p}")
    return "\n".join(lines) + "\n"


def render_svg(dot_text: str, out: Path) -> bool:
    """Render DOT to SVG with Graphviz if installed; return whether it was rendered."""
    dot = shutil.which("dot")
    if dot is None:
        return False
    result = subprocess.run(
        [dot, "-Tsvg", "-o", str(out)], input=dot_text, text=True, capture_output=True, check=False
    )
    if result.returncode != 0:
        raise InputError(f"graphviz failed to render the core model: {result.stderr.strip()}")
    return True

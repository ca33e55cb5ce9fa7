"""pyoxigraph terms as rdflib terms: the one conversion the store, the batch SHACL engine and
the ontology parser share (a literal's datatype and language must come out the same in all
three, or a result of one would not match a node of another)."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def from_oxigraph(term) -> Node | None:  # noqa: ANN001 - any pyoxigraph term
    """Convert a pyoxigraph term (or ``None``) to rdflib; ``xsd:string`` literals become
    simple literals, which RDF 1.1 defines to be the same term and which is how the YAML
    reader writes them.

    >>> from_oxigraph(ox.Literal("x"))
    rdflib.term.Literal('x')
    >>> from_oxigraph(ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
    rdflib.term.Literal('1', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype in (XSD_STRING, RDF_LANGSTRING):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unsupported RDF term {term!r}")

"""Virtuoso 7.2's dialect limits, pinned: each idiom the query library used before issue 11
next to the portable rewrite the library uses now, run on the bundled corpus.

The OLD idiom must still misbehave on Virtuoso (refused, or rows that differ from the
embedded store, which follows the standard) and the NEW one must give the embedded rows.
If a Virtuoso upgrade fixes a bug, the first half fails and tells us the note in
docs/sharing.md ("Writing portable queries") can go.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from normspace.remote import EndpointError
from normspace.store import open_store

from .test_conformance import row_multiset

PREFIXES = """PREFIX norm: <https://w3id.org/normspace#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""
CONTRIBUTIONS = """?annotation a norm:PaperAnnotation ;
    norm:annotates ?paper ;
    norm:hasContribution ?contribution ."""
#: Per paper with two or more annotations, how many carry each tag (annotator-disagreement).
_TAGGINGS = """
  { SELECT ?paper (COUNT(DISTINCT ?any) AS ?annotations)
    WHERE { ?any a norm:PaperAnnotation ; norm:annotates ?paper . }
    GROUP BY ?paper HAVING (COUNT(DISTINCT ?any) > 1) }
  { SELECT ?paper ?property ?term (COUNT(DISTINCT ?tagging) AS ?having)
    WHERE {
      VALUES ?property { norm:hasRole norm:hasValue norm:hasDiscipline norm:hasStakeholder
        norm:hasAlignmentApproach }
      ?tagging a norm:PaperAnnotation ; norm:annotates ?paper ;
        norm:hasContribution? ?taggingHolder .
      ?taggingHolder ?property ?term .
      FILTER (isIRI(?term)) }
    GROUP BY ?paper ?property ?term }
  FILTER (?having < ?annotations)"""


@dataclass(frozen=True)
class Idiom:
    """An idiom Virtuoso gets wrong (``old``), how (``refused``: a piece of its error
    message; None: it answers other rows), and the portable form (``new``; None where the
    rewrite only holds in the library query's context, which test_conformance covers)."""

    old: str
    new: str | None
    refused: str | None = None


IDIOMS = {
    "IF with EXISTS arguments in FILTER": Idiom(
        old=f"""SELECT (COUNT(*) AS ?n) WHERE {{ {CONTRIBUTIONS}
  FILTER (IF(BOUND(?role), EXISTS {{ ?contribution norm:hasRole ?role }},
    EXISTS {{ ?contribution norm:hasRole norm:Proposes }}
    || NOT EXISTS {{ ?contribution norm:hasRole ?anyRole }})) }}""",
        new=f"""SELECT (COUNT(*) AS ?n) WHERE {{ {CONTRIBUTIONS}
  FILTER ((BOUND(?role) && EXISTS {{ ?contribution norm:hasRole ?role }})
    || (!BOUND(?role) && (EXISTS {{ ?contribution norm:hasRole norm:Proposes }}
    || NOT EXISTS {{ ?contribution norm:hasRole ?anyRole }}))) }}""",
        refused="ssg_print_bop_bool_expn",
    ),
    "path* whose end only VALUES binds": Idiom(
        old="""SELECT ?context WHERE {
  VALUES ?tier { norm:HighRisk norm:ProhibitedPractice }
  ?context skos:broader* ?tier }""",
        new="""SELECT ?context WHERE {
  VALUES ?tier { norm:HighRisk norm:ProhibitedPractice }
  ?tier a skos:Concept .
  ?context skos:broader* ?tier }""",
        refused="transitive start not given",
    ),
    "&& over EXISTS in a BIND": Idiom(
        old=f"""SELECT (COUNT(*) AS ?n) (SUM(IF(?none, 1, 0)) AS ?nones) WHERE {{ {CONTRIBUTIONS}
  VALUES ?absence {{ norm:noEvaluation UNDEF }}
  BIND (BOUND(?absence) && EXISTS {{ ?contribution ?absence true }} AS ?none) }}""",
        new=f"""SELECT (COUNT(*) AS ?n) (SUM(IF(?none, 1, 0)) AS ?nones) WHERE {{ {CONTRIBUTIONS}
  VALUES ?absence {{ norm:noEvaluation UNDEF }}
  BIND (EXISTS {{ ?contribution ?absence true }} AS ?has)
  BIND (IF(BOUND(?absence), ?has, false) AS ?none) }}""",
        refused="SQ074",
    ),
    "CONCAT over an unbound variable": Idiom(
        old="""SELECT (COUNT(?term) AS ?requests) WHERE {
  ?node norm:involvesValue ?termNode .
  OPTIONAL { ?termNode a norm:TermRequest ; rdfs:label ?request }
  BIND (CONCAT("requested: ", STR(?request)) AS ?term) }""",
        new="""SELECT (COUNT(?term) AS ?requests) WHERE {
  ?node norm:involvesValue ?termNode .
  OPTIONAL {
    ?termNode a norm:TermRequest ; rdfs:label ?request .
    BIND (CONCAT("requested: ", STR(?request)) AS ?term) } }""",
    ),
    "uncorrelated FILTER NOT EXISTS": Idiom(
        old="""SELECT ?entity WHERE {
  BIND (<https://w3id.org/normspace> AS ?entity)
  FILTER NOT EXISTS { ?ontology a owl:Ontology } }""",
        new="""SELECT ?entity WHERE {
  { SELECT (COUNT(?ontology) AS ?ontologies) WHERE { ?ontology a owl:Ontology } }
  FILTER (?ontologies = 0)
  BIND (<https://w3id.org/normspace> AS ?entity) }""",
    ),
    "UNION holding a path* joined with an outer path*": Idiom(
        old=f"""SELECT DISTINCT ?paper ?family ?group WHERE {{ {CONTRIBUTIONS}
  ?contribution norm:hasAlignmentApproach ?approach .
  ?approach skos:broader* ?family .
  {{ ?contribution norm:hasValue ?value . ?value skos:broader* ?group . }}
  UNION {{ BIND ("all values" AS ?group) }} }}""",
        new=f"""SELECT DISTINCT ?paper ?family ?group WHERE {{
  {{ SELECT DISTINCT ?paper ?contribution ?family WHERE {{ {CONTRIBUTIONS}
      ?contribution norm:hasAlignmentApproach ?approach .
      ?approach skos:broader* ?family . }} }}
  {{ ?contribution norm:hasValue ?value .
    {{ SELECT DISTINCT ?value ?group WHERE {{
        ?tagged norm:hasValue ?value . ?value skos:broader* ?group }} }} }}
  UNION {{ BIND ("all values" AS ?group) }} }}""",
    ),
    "zero-or-one path whose start a join binds": Idiom(
        old=f"""SELECT (COUNT(*) AS ?n) WHERE {{ {_TAGGINGS}
  ?annotation a norm:PaperAnnotation ; norm:annotates ?paper ;
    norm:hasContribution? ?holder .
  ?holder ?property ?term . }}""",
        new=f"""SELECT (COUNT(*) AS ?n) WHERE {{ {_TAGGINGS}
  ?annotation a norm:PaperAnnotation ; norm:annotates ?paper .
  {{ ?annotation ?property ?term }}
  UNION {{ ?annotation norm:hasContribution ?holder . ?holder ?property ?term }} }}""",
    ),
    "? nested inside a ? path": Idiom(
        old="""SELECT ?annotation ?subject WHERE {
  ?annotation a norm:PaperAnnotation .
  ?annotation (norm:hasAssumption|(norm:hasContribution/(norm:hasTradeOff|norm:hasFinding)?))?
    ?subject . }""",
        new="""SELECT ?annotation ?subject WHERE {
  ?annotation a norm:PaperAnnotation .
  ?annotation (norm:hasAssumption|norm:hasContribution
    |norm:hasContribution/(norm:hasTradeOff|norm:hasFinding))? ?subject . }""",
    ),
    "FILTER inside OPTIONAL reading outer variables": Idiom(
        old=f"""SELECT ?subject ?tagProperty ?termNode ?otherTerm WHERE {{ {CONTRIBUTIONS}
  ?contribution norm:hasTradeOff ?subject .
  VALUES ?tagProperty {{ norm:involvesValue norm:resolvedBy }}
  ?subject ?tagProperty ?termNode .
  BIND (?tagProperty = norm:involvesValue AS ?isPole)
  OPTIONAL {{
    ?subject norm:involvesValue ?otherTerm .
    FILTER (?isPole && STR(?termNode) < STR(?otherTerm)) }} }}""",
        # The library's rewrite (approach-profile) repeats the pole pattern inside the
        # OPTIONAL; alone, as here, Virtuoso still mis-joins on the blank-node ?subject.
        new=None,
    ),
}


def _embedded(bundled_store_path, text: str):
    store = open_store(bundled_store_path, read_only=True, create=False)
    try:
        return store.query(text)
    finally:
        store.close()


@pytest.mark.parametrize("name", sorted(IDIOMS))
def test_old_idiom_still_misbehaves_on_virtuoso(bundled_virtuoso, bundled_store_path, name):
    idiom = IDIOMS[name]
    remote = open_store(endpoint=bundled_virtuoso.query_url, timeout=300)
    if idiom.refused:
        with pytest.raises(EndpointError, match=idiom.refused):
            remote.query(PREFIXES + idiom.old)
        return
    expected = _embedded(bundled_store_path, PREFIXES + idiom.old)
    assert row_multiset(remote.query(PREFIXES + idiom.old)) != row_multiset(expected)


@pytest.mark.parametrize("name", sorted(n for n, idiom in IDIOMS.items() if idiom.new))
def test_portable_idiom_gives_the_standard_rows(bundled_virtuoso, bundled_store_path, name):
    idiom = IDIOMS[name]
    assert idiom.new is not None
    remote = open_store(endpoint=bundled_virtuoso.query_url, timeout=300)
    old = _embedded(bundled_store_path, PREFIXES + idiom.old)
    new = _embedded(bundled_store_path, PREFIXES + idiom.new)
    assert row_multiset(new) == row_multiset(old), "the rewrite changed the standard answer"
    assert row_multiset(remote.query(PREFIXES + idiom.new)) == row_multiset(new)

"""Ontology metadata check in the spirit of FOOPS! (FAIR ontology pitfall scanner).

The header fields are single SPARQL rules in ``queries/qc/`` (``metadata-*.rq`` and the
QC helper's ``missing-ontology-metadata.rq``, ``version-iri.rq``); what a SELECT rule
cannot say is the *share* of terms that carry labels and definitions, which FOOPS!
reports as a percentage. This module computes that share and the whole checklist, for
``normspace check`` (as findings) and for the documentation build (as a table).
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from .diagnostics import Finding, Severity
from .namespaces import NORM_IRI, ONTOLOGY_IRI, VANN

#: Header fields FOOPS! checks, with the property that carries each.
HEADER_FIELDS: tuple[tuple[str, URIRef], ...] = (
    ("title", DCTERMS.title),
    ("description", DCTERMS.description),
    ("licence", DCTERMS.license),
    ("version IRI", OWL.versionIRI),
    ("version number", OWL.versionInfo),
    ("creator", DCTERMS.creator),
    ("publisher", DCTERMS.publisher),
    ("creation date", DCTERMS.created),
    ("modification date", DCTERMS.modified),
    ("citation", DCTERMS.bibliographicCitation),
    ("namespace prefix", VANN.preferredNamespacePrefix),
    ("namespace IRI", VANN.preferredNamespaceUri),
)

#: Kinds of terms whose labels and definitions are counted.
TERM_TYPES = (SKOS.Concept, SKOS.ConceptScheme, OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)


@dataclass(frozen=True)
class MetadataCheck:
    name: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class Coverage:
    terms: int
    labelled: int
    defined: int

    @property
    def label_share(self) -> float:
        return self.labelled / self.terms if self.terms else 1.0

    @property
    def definition_share(self) -> float:
        return self.defined / self.terms if self.terms else 1.0


def _english(graph: Graph, subject: URIRef, *props: URIRef) -> bool:
    return any(
        isinstance(o, Literal) and o.language in (None, "en") and str(o).strip()
        for p in props
        for o in graph.objects(subject, p)
    )


def coverage(ontology: Graph) -> tuple[Coverage, list[str], list[str]]:
    """Share of NormSpace terms with an English label and a definition, and those lacking."""
    terms = sorted(
        {
            s
            for t in TERM_TYPES
            for s in ontology.subjects(RDF.type, t)
            if isinstance(s, URIRef) and str(s).startswith(NORM_IRI)
        }
    )
    unlabelled = [str(t) for t in terms if not _english(ontology, t, SKOS.prefLabel, RDFS.label)]
    undefined = [str(t) for t in terms if not _english(ontology, t, SKOS.definition)]
    return (
        Coverage(len(terms), len(terms) - len(unlabelled), len(terms) - len(undefined)),
        unlabelled,
        undefined,
    )


def metadata_checks(ontology: Graph) -> list[MetadataCheck]:
    """The FOOPS!-style checklist for the ontology header and term documentation."""
    header = URIRef(ONTOLOGY_IRI)
    checks = [
        MetadataCheck(
            "ontology header",
            (header, RDF.type, OWL.Ontology) in ontology,
            f"<{ONTOLOGY_IRI}> a owl:Ontology",
        )
    ]
    for name, prop in HEADER_FIELDS:
        values = list(ontology.objects(header, prop))
        checks.append(
            MetadataCheck(name, bool(values), str(values[0]) if values else f"no {prop.n3()}")
        )
    version_iri = ontology.value(header, OWL.versionIRI)
    info = ontology.value(header, OWL.versionInfo)
    checks.append(
        MetadataCheck(
            "version IRI differs from ontology IRI",
            version_iri is not None and str(version_iri) != ONTOLOGY_IRI,
            str(version_iri),
        )
    )
    checks.append(
        MetadataCheck(
            "version IRI names the version",
            version_iri is not None and info is not None and str(version_iri).endswith(str(info)),
            f"{version_iri} / {info}",
        )
    )
    licence = ontology.value(header, DCTERMS.license)
    checks.append(MetadataCheck("licence is an IRI", isinstance(licence, URIRef), str(licence)))
    cov, _, _ = coverage(ontology)
    checks.append(
        MetadataCheck(
            "terms with labels",
            cov.labelled == cov.terms,
            f"{cov.labelled}/{cov.terms} ({cov.label_share:.0%})",
        )
    )
    checks.append(
        MetadataCheck(
            "terms with definitions",
            cov.defined == cov.terms,
            f"{cov.defined}/{cov.terms} ({cov.definition_share:.0%})",
        )
    )
    return checks


def metadata_findings(ontology: Graph) -> list[Finding]:
    """The failed checks as ``normspace check`` findings (rule ``metadata-foops``).

    Header fields are also covered by SPARQL rules; this adds what they cannot say: the
    shares of labelled and defined terms, reported with the terms that lack them.
    """
    cov, unlabelled, undefined = coverage(ontology)
    findings = []
    for iri in unlabelled:
        findings.append(
            Finding(
                rule="metadata-term-coverage",
                severity=Severity.ERROR.qc,
                entity=iri,
                message=f"no English label; {cov.labelled} of {cov.terms} terms "
                f"({cov.label_share:.1%}) have one",
            )
        )
    for iri in undefined:
        findings.append(
            Finding(
                rule="metadata-term-coverage",
                severity=Severity.ERROR.qc,
                entity=iri,
                message=f"no definition; {cov.defined} of {cov.terms} terms "
                f"({cov.definition_share:.1%}) have one",
            )
        )
    return findings


def metadata_table(ontology: Graph) -> str:
    """The checklist as a Markdown table (for docs and the release)."""
    rows = ["| check | result | detail |", "|---|---|---|"]
    for c in metadata_checks(ontology):
        detail = c.detail.replace("|", "\\|").replace("\n", " ")
        if len(detail) > 80:
            detail = detail[:77] + "…"
        rows.append(f"| {c.name} | {'pass' if c.passed else 'FAIL'} | {detail} |")
    return "\n".join(rows) + "\n"

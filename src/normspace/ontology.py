"""Load the NormSpace ontology and look up its terms.

The ontology is small (a few thousand triples), so it is parsed with rdflib once per
process and cached; the corpus never goes through this path.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS
from rdflib.plugins.parsers.notation3 import BadSyntax

from .errors import InputError, Location, UnknownTermError
from .namespaces import NORM, bind_prefixes, curie, expand
from .oxterms import from_oxigraph
from .resources import ontology_dir


def ontology_files(root: Path | None = None) -> list[Path]:
    """The hand-edited source files of the ontology, core first, in a stable order."""
    root = root or ontology_dir()
    core = root / "normspace.ttl"
    dims = sorted((root / "dimensions").glob("*.ttl"))
    return [core, *dims]


def parse_files(paths: Iterable[Path], graph: Graph | None = None) -> Graph:
    """Parse Turtle files into one graph, naming the file and line of a syntax error."""
    graph = bind_prefixes(graph if graph is not None else Graph())
    for path in paths:
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises several unrelated exception types
            raise InputError(turtle_error(path, exc)) from exc
    return graph


def turtle_error(path: Path | str, exc: Exception) -> str:
    """One line naming file, line and cause of a Turtle parse failure.

    rdflib's own message spans three lines and quotes the input as Python bytes
    (``b'...'``); users need ``file:line: what is wrong``.

    >>> from rdflib.plugins.parsers.notation3 import BadSyntax
    >>> turtle_error("t.ttl", BadSyntax("", 4, "x", 0, "expected '.'"))
    "t.ttl:5: cannot parse Turtle: expected '.' (is a '.' or ';' missing at the end of \
the statement before?)"
    """
    if isinstance(exc, BadSyntax):
        why = exc._why  # the reason without rdflib's quoted context
        hint = (
            " (is a '.' or ';' missing at the end of the statement before?)"
            if "expected '.'" in why
            else ""
        )
        return f"{path}:{exc.lines + 1}: cannot parse Turtle: {why}{hint}"
    if isinstance(exc, UnicodeDecodeError):
        line = ""
        if isinstance(exc.object, bytes | bytearray):
            newlines = exc.object[: exc.start].count(b"\n")
            line = f":{newlines + 1}"
        return (
            f"{path}{line}: cannot parse Turtle: byte 0x{exc.object[exc.start]:02x} is not "
            "UTF-8 (Turtle files must be UTF-8 encoded; re-save the file as UTF-8)"
        )
    return f"{path}: cannot parse Turtle: {' '.join(str(exc).split())}"


def _fast_parse(paths: Iterable[Path]) -> Graph:
    """Turtle files parsed by pyoxigraph into an rdflib graph, binding the prefixes the files
    declare as rdflib's parser does. Every command that reads the ontology pays this parse
    once per process: pyoxigraph takes ~0.03 s where rdflib's Turtle parser takes ~0.45 s
    (converting to rdflib terms, each distinct term once, adds ~0.19 s)."""
    graph = bind_prefixes(Graph())
    terms: dict = {}

    def term(node):  # each distinct term converted once
        found = terms.get(node)
        if found is None:
            found = terms[node] = from_oxigraph(node)
        return found

    for path in paths:
        quads = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
        graph.addN((term(q.subject), term(q.predicate), term(q.object), graph) for q in quads)
        for prefix, namespace in quads.prefixes.items():
            graph.bind(prefix, namespace, override=False)
    return graph


@cache
def load_ontology() -> Graph:
    """The bundled ontology as one rdflib graph (cached; do not modify it). Parsed by
    pyoxigraph; a file it refuses is parsed again by rdflib, whose error names the line."""
    files = ontology_files()
    try:
        return _fast_parse(files)
    except (SyntaxError, ValueError, OSError):
        return parse_files(files)


#: Least similarity (difflib ratio) of a suggested term to what was written.
SUGGESTION_CUTOFF = 0.6
#: Suggestions less similar than the best one by more than this are dropped.
SUGGESTION_MARGIN = 0.1


@dataclass(frozen=True)
class Term:
    """A concept of one of NormSpace's concept schemes."""

    iri: str
    label: str
    scheme: str
    definition: str = ""
    alt_labels: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()
    deprecated: bool = False  # owl:deprecated true
    replaced_by: tuple[str, ...] = ()  # dcterms:isReplacedBy
    grouping: bool = False  # norm:groupingTerm true: its scope note asks for a narrower term

    @property
    def curie(self) -> str:
        return curie(self.iri)


@dataclass
class TermIndex:
    """Resolve CURIEs and labels to terms, with did-you-mean suggestions."""

    terms: dict[str, Term] = field(default_factory=dict)

    @classmethod
    def from_graph(cls, graph: Graph) -> TermIndex:
        index = cls()
        for iri in sorted(set(graph.subjects(RDF.type, SKOS.Concept))):
            if not isinstance(iri, URIRef):
                continue
            scheme = graph.value(iri, SKOS.inScheme)
            label = graph.value(iri, SKOS.prefLabel)
            if scheme is None or label is None:
                continue
            index.terms[str(iri)] = Term(
                iri=str(iri),
                label=str(label),
                scheme=str(scheme),
                definition=str(graph.value(iri, SKOS.definition) or ""),
                alt_labels=tuple(sorted(str(a) for a in graph.objects(iri, SKOS.altLabel))),
                broader=tuple(sorted(str(b) for b in graph.objects(iri, SKOS.broader))),
                deprecated=any(d.toPython() is True for d in graph.objects(iri, OWL.deprecated)),
                replaced_by=tuple(sorted(str(r) for r in graph.objects(iri, DCTERMS.isReplacedBy))),
                grouping=any(g.toPython() is True for g in graph.objects(iri, NORM.groupingTerm)),
            )
        return index

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms.values())

    def __len__(self) -> int:
        return len(self.terms)

    def in_scheme(self, scheme: str | None) -> list[Term]:
        if scheme is None:
            return list(self.terms.values())
        return [t for t in self.terms.values() if t.scheme == scheme]

    def get(self, iri: str) -> Term | None:
        return self.terms.get(iri)

    def find(self, ref: str) -> Term | None:
        """Find a term by CURIE, full IRI, preferred label or alternative label (any scheme)."""
        ref = ref.strip()
        iri = expand(ref) or ref
        if iri in self.terms:
            return self.terms[iri]
        folded = ref.casefold()
        for term in self.terms.values():
            if term.label.casefold() == folded:
                return term
        for term in self.terms.values():
            if any(a.casefold() == folded for a in term.alt_labels):
                return term
        return None

    def resolve(
        self, ref: str, scheme: str | None = None, location: Location | None = None
    ) -> Term:
        """Resolve ``ref`` to a term of ``scheme`` or raise :class:`UnknownTermError`.

        >>> idx = TermIndex({"https://w3id.org/normspace#Fairness": Term(
        ...     "https://w3id.org/normspace#Fairness", "fairness",
        ...     "https://w3id.org/normspace#ValueScheme")})
        >>> idx.resolve("norm:Fairness").label
        'fairness'
        >>> try:
        ...     idx.resolve("norm:Fairnes")
        ... except UnknownTermError as exc:
        ...     print(exc)
        unknown term `norm:Fairnes`; did you mean `norm:Fairness`?
        """
        term = self.find(ref)
        scheme_name = curie(scheme) if scheme else None
        if term is not None and (scheme is None or term.scheme == scheme):
            return term
        if term is not None:
            raise UnknownTermError(
                value=ref,
                scheme=scheme_name,
                suggestions=[t.curie for t in self._closest(ref, scheme)],
                location=location,
                note=f"`{term.curie}` ({term.label}) belongs to {curie(term.scheme)}, "
                f"expected a term of {scheme_name}",
            )
        raise UnknownTermError(
            value=ref,
            scheme=scheme_name,
            suggestions=[t.curie for t in self._closest(ref, scheme)],
            location=location,
        )

    def suggest(self, ref: str, scheme: str | None = None, n: int = 3) -> list[str]:
        """CURIEs of the terms closest to ``ref`` (by CURIE or label)."""
        return [t.curie for t in self._closest(ref, scheme, n)]

    def _closest(self, ref: str, scheme: str | None, n: int = 3) -> list[Term]:
        """At most ``n`` terms whose CURIE, IRI or labels resemble ``ref``, best first.

        Only terms nearly as similar as the best one are kept, so that a plain typo gets
        its one correction rather than a list padded with look-alikes.

        >>> idx = TermIndex({t.iri: t for t in (
        ...     Term(str(NORM.Fairness), "fairness", "s"),
        ...     Term(str(NORM.FairnessCheating), "fairness/cheating", "s"),
        ...     Term(str(NORM.Harmlessness), "harmlessness", "s"))})
        >>> [t.curie for t in idx._closest("norm:Fairnes", None)]
        ['norm:Fairness']
        """
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(ref.strip().casefold())
        scored: list[tuple[float, Term]] = []
        # ratio() <= quick_ratio() <= real_quick_ratio(); a key whose bounds stay below what a
        # returned term must reach (the cutoff, and the best score so far minus the margin)
        # cannot change the answer, so its costly ratio() is skipped. Long texts (term
        # requests, baselines) against every key of a scheme made this ~90 % of reading.
        bar = SUGGESTION_CUTOFF
        for term in self.in_scheme(scheme):
            best = 0.0
            for key in (term.curie, term.iri, term.label, *term.alt_labels):
                matcher.set_seq1(key.casefold())
                if (
                    matcher.real_quick_ratio() > best
                    and matcher.real_quick_ratio() >= bar
                    and matcher.quick_ratio() > best
                    and matcher.quick_ratio() >= bar
                ):
                    best = max(best, matcher.ratio())
            if best >= SUGGESTION_CUTOFF:
                scored.append((best, term))
                bar = max(bar, best - SUGGESTION_MARGIN)
        scored.sort(key=lambda st: (-st[0], st[1].curie))
        if not scored:
            return []
        floor = scored[0][0] - SUGGESTION_MARGIN
        return [term for score, term in scored if score >= floor][:n]


@cache
def term_index() -> TermIndex:
    """The term index of the bundled ontology (cached)."""
    return TermIndex.from_graph(load_ontology())


#: Concept schemes of the annotation slots, keyed by the slot property: every property whose
#: object in an annotation is a term of exactly one scheme (or a term request for it).
SLOT_SCHEMES: dict[URIRef, URIRef] = {
    NORM.hasAlignmentTarget: NORM.AlignmentTargetScheme,
    NORM.hasValue: NORM.ValueScheme,
    NORM.hasStakeholder: NORM.StakeholderScheme,
    NORM.normativeInputFrom: NORM.StakeholderScheme,
    NORM.hasSamplingMethod: NORM.SamplingMethodScheme,
    NORM.hasContext: NORM.ContextScheme,
    NORM.hasPluralismApproach: NORM.PluralismApproachScheme,
    NORM.hasAlignmentApproach: NORM.AlignmentApproachScheme,
    NORM.hasEvaluationCriterion: NORM.EvaluationCriterionScheme,
    NORM.hasContestabilityMechanism: NORM.ContestabilityMechanismScheme,
    NORM.hasParticipationAspect: NORM.ParticipationAspectScheme,
    NORM.hasDiscipline: NORM.DisciplineScheme,
    NORM.hasResearchMethod: NORM.ResearchMethodScheme,
    NORM.hasHarm: NORM.HarmScheme,
    NORM.hasDesignGoal: NORM.DesignGoalScheme,
    NORM.hasRole: NORM.ContributionRoleScheme,
    NORM.involvesValue: NORM.ValueScheme,
    NORM.involvesStakeholder: NORM.StakeholderScheme,
    NORM.involvesDesignGoal: NORM.DesignGoalScheme,
    NORM.arisesInContext: NORM.ContextScheme,
    NORM.resolvedBy: NORM.ResolutionStrategyScheme,
    NORM.decidedBy: NORM.StakeholderScheme,
    NORM.assumptionType: NORM.AssumptionTypeScheme,
    NORM.attribution: NORM.AssumptionAttributionScheme,
    NORM.stance: NORM.AssumptionStanceScheme,
    NORM.measures: NORM.EvaluationCriterionScheme,
    NORM.comparedWith: NORM.AlignmentApproachScheme,
    NORM.direction: NORM.FindingDirectionScheme,
    NORM.settingFor: NORM.ContestabilityMechanismScheme,
    NORM.atStage: NORM.ContestationStageScheme,
    NORM.contestableBy: NORM.ContestantTypeScheme,
}
# norm:priorityOf is deliberately absent: its object is one of the trade-off's poles, which
# may come from the value, stakeholder or design-goal scheme, so no single scheme fits; the
# shapes check it against the poles instead.

#: The sixteen dimensions: (dimension class, its concept scheme).
DIMENSIONS: tuple[tuple[URIRef, URIRef], ...] = (
    (NORM.AlignmentTarget, NORM.AlignmentTargetScheme),
    (NORM.Value, NORM.ValueScheme),
    (NORM.Stakeholder, NORM.StakeholderScheme),
    (NORM.Context, NORM.ContextScheme),
    (NORM.ResolutionStrategy, NORM.ResolutionStrategyScheme),
    (NORM.AssumptionType, NORM.AssumptionTypeScheme),
    (NORM.PluralismApproach, NORM.PluralismApproachScheme),
    (NORM.AlignmentApproach, NORM.AlignmentApproachScheme),
    (NORM.EvaluationCriterion, NORM.EvaluationCriterionScheme),
    (NORM.ContestabilityMechanism, NORM.ContestabilityMechanismScheme),
    (NORM.ParticipationAspect, NORM.ParticipationAspectScheme),
    (NORM.Discipline, NORM.DisciplineScheme),
    (NORM.Harm, NORM.HarmScheme),
    (NORM.ResearchMethod, NORM.ResearchMethodScheme),
    (NORM.ContributionRole, NORM.ContributionRoleScheme),
    (NORM.DesignGoal, NORM.DesignGoalScheme),
)

#: Supporting schemes that are not dimensions in their own right.
SUPPORTING_SCHEMES: tuple[tuple[URIRef, URIRef], ...] = (
    (NORM.SamplingMethod, NORM.SamplingMethodScheme),
    (NORM.AssumptionAttribution, NORM.AssumptionAttributionScheme),
    (NORM.ContestationStage, NORM.ContestationStageScheme),
    (NORM.ContestantType, NORM.ContestantTypeScheme),
    (NORM.AssumptionStance, NORM.AssumptionStanceScheme),
    (NORM.FindingDirection, NORM.FindingDirectionScheme),
)

"""Consistency and class satisfiability with HermiT (through owlready2), offline.

The merged ontology is written to an N-Triples file without ``owl:imports`` and loaded
into a fresh owlready2 :class:`~owlready2.World` from that file, so nothing is fetched
from the network and no global owlready2 state is touched. HermiT runs in a Java
subprocess; starting it costs a second or two, so callers should run it once.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import OWL

from .errors import InputError

log = logging.getLogger(__name__)

#: SPARQL that names individuals typed (directly or via rdfs:subClassOf) with two
#: disjoint classes: the usual cause of an inconsistent NormSpace ontology.
_DISJOINT_TYPES = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?individual ?a ?b WHERE {
    ?a owl:disjointWith ?b .
    ?individual a/rdfs:subClassOf* ?a , ?b .
}
ORDER BY ?individual ?a ?b
"""


@dataclass
class ReasonerResult:
    """What HermiT concluded about an ontology."""

    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    ignored_imports: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.consistent and not self.unsatisfiable


def java_available() -> bool:
    import owlready2

    return shutil.which(owlready2.JAVA_EXE) is not None


def without_imports(graph: Graph) -> tuple[Graph, list[str]]:
    """A copy of ``graph`` without ``owl:imports`` triples, and the imports dropped."""
    imports = sorted(str(o) for o in graph.objects(None, OWL.imports))
    copy = Graph()
    copy += (t for t in graph if t[1] != OWL.imports)
    return copy, imports


def disjointness_hints(graph: Graph) -> list[str]:
    """Individuals typed with two disjoint classes, as readable sentences."""
    from .namespaces import curie

    return [
        f"{curie(str(row[0]))} is typed with the disjoint classes {curie(str(row[1]))} "
        f"and {curie(str(row[2]))}"
        for row in graph.query(_DISJOINT_TYPES)
    ]


def check_consistency(graph: Graph) -> ReasonerResult:
    """Run HermiT on ``graph``: consistency, then unsatisfiable classes.

    Raises :class:`InputError` if Java is missing or HermiT fails for another reason
    (e.g. an unsupported datatype), with HermiT's message.
    """
    import owlready2

    if not java_available():
        raise InputError(
            f"the HermiT reasoner needs Java (`{owlready2.JAVA_EXE}` not found on PATH); "
            "install Java 17 or run `normspace check --no-reasoner`"
        )
    data, imports = without_imports(graph)
    if imports:
        log.warning("ignoring owl:imports (not fetched): %s", ", ".join(imports))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="normspace-hermit-") as tmp:
        source = Path(tmp) / "ontology.nt"
        data.serialize(source, format="nt", encoding="utf-8")
        world = owlready2.World()
        try:
            ontology = world.get_ontology(source.as_uri()).load(only_local=True)
            owlready2.sync_reasoner_hermit(ontology, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            return ReasonerResult(
                consistent=False,
                ignored_imports=imports,
                hints=disjointness_hints(graph),
                seconds=time.perf_counter() - started,
            )
        except owlready2.OwlReadyJavaError as exc:
            raise InputError(f"HermiT failed: {exc}") from exc
        unsatisfiable = sorted(
            str(cls.iri)
            for cls in world.inconsistent_classes()
            if isinstance(getattr(cls, "iri", None), str) and cls.iri != str(OWL.Nothing)
        )
        world.close()
    return ReasonerResult(
        consistent=True,
        unsatisfiable=unsatisfiable,
        ignored_imports=imports,
        seconds=time.perf_counter() - started,
    )

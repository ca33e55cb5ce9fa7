"""The named-query library: ``queries/*.rq`` files with a machine-readable header.

A query file starts with comment lines::

    # title: Papers by alignment approach
    # description: Papers whose annotations tag the approach or a narrower one
    #   (continuation lines are indented by at least two spaces).
    # param: ?approach norm:AlignmentApproach term - the approach to look up
    # param: ?minPapers xsd:integer - only rows with at least this many papers [1]

A parameter line is ``?name TYPE - description [default]``. ``TYPE`` is one of

- ``CLASS term``: a term of the concept scheme of the dimension class ``CLASS`` (plain
  ``term``: of any scheme), given as CURIE, IRI or label and resolved like annotation tags;
- ``CLASS level``: like ``term``, or the scheme itself, meaning "its top concepts" (queries
  select ``?x skos:broader|skos:topConceptOf ?level``);
- ``scheme``: a concept scheme, by CURIE, IRI, label (``values``) or dimension class;
- ``xsd:string``, ``xsd:integer``, ``xsd:decimal``, ``xsd:boolean``, ``xsd:date``: a literal;
- ``iri``: any absolute IRI or known CURIE;
- ``external``: a concept of the vendored import modules (``ontology/imports/*.ttl``: DPV,
  AIRO, VAIR, ValueNet, ...), as IRI or CURIE; an unknown one is an error with the closest
  known concepts, since a typo would otherwise match nothing and read as "no papers".

``[default]`` gives the value used when the parameter is not passed; ``[optional]`` leaves
the variable unbound, which the query must treat as "any". ``[optional: MEANING]`` also
leaves it unbound but says what the query does then when that is not "any": the role
filter ``?role`` (see :data:`ROLE_FILTER`) reads "unbound" as "contributions that propose or
apply, or have no role", a default that is a set of terms plus "none", so no single term
could stand for it as a ``[default]``. A parameter without any of these is required.

Values are bound as RDF terms, never pasted into the query text, in the outermost group of
the WHERE clause: a parameter used after grouping (in HAVING or a SELECT expression) must be
listed in GROUP BY like any other variable, and sub-SELECTs do not see parameters. By default
they are Oxigraph substitutions; ``# binding: values`` binds them with an inline VALUES block
instead, for queries whose join order needs the values (see
:meth:`normspace.store.OxigraphStore.query`; the benchmark shows when).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from .diagnostics import suggest
from .errors import InputError
from .namespaces import curie, expand
from .ontology import DIMENSIONS, SUPPORTING_SCHEMES, TermIndex, term_index
from .resources import queries_dir

LITERAL_TYPES = {
    "xsd:string": XSD.string,
    "xsd:integer": XSD.integer,
    "xsd:decimal": XSD.decimal,
    "xsd:boolean": XSD.boolean,
    "xsd:date": XSD.date,
}
TERM_KINDS = ("term", "level")
KINDS = (*TERM_KINDS, "scheme", "literal", "iri", "external")

#: How an unbound ``?role`` reads in query headers (``[optional: ...]``) and reports: the
#: contributions a paper makes itself (spec section 3), not what it compares with,
#: criticises or surveys.
ROLE_DEFAULT_TEXT = "contributions that propose or apply, or have no role"
#: The role filter, verbatim in every library query that declares ``?role`` (a test checks
#: it), so that all of them read an unbound role the same way. SPARQL has no includes;
#: one checked text is the next best thing to a shared definition.
#: Written with ``&&`` and ``||`` rather than ``IF()``: Virtuoso 7.2 cannot compile IF with
#: EXISTS arguments (SP031, HTTP 400).
ROLE_FILTER = """\
  FILTER ((BOUND(?role) && EXISTS { ?contribution norm:hasRole ?role })
    || (!BOUND(?role) && (EXISTS {
      VALUES ?defaultRole { norm:Proposes norm:Applies }
      ?contribution norm:hasRole ?defaultRole
    } || NOT EXISTS { ?contribution norm:hasRole ?anyRole })))
"""

_HEADER_FIELD = re.compile(r"^#\s?(?P<key>[a-z]+):\s*(?P<value>.*)$")
_CONTINUATION = re.compile(r"^#\s{2,}(?P<value>\S.*)$")
_PARAM = re.compile(
    r"^\?(?P<name>\w+)\s+(?P<type>.+?)\s+-\s+(?P<description>.*?)\s*(?:\[(?P<default>[^\]]*)\])?$"
)


def class_schemes() -> dict[str, str]:
    """Dimension or supporting class IRI -> its concept scheme IRI."""
    return {str(c): str(s) for c, s in (*DIMENSIONS, *SUPPORTING_SCHEMES)}


@cache
def concept_schemes() -> dict[str, str]:
    """Every concept scheme of the ontology: IRI -> preferred label."""
    from rdflib.namespace import RDF, SKOS

    from .ontology import load_ontology

    graph = load_ontology()
    return {
        str(s): str(graph.value(s, SKOS.prefLabel) or curie(str(s)))
        for s in sorted(graph.subjects(RDF.type, SKOS.ConceptScheme))
    }


def resolve_scheme(value: str, where: str = "scheme") -> str:
    """A concept scheme IRI from its CURIE, IRI, label or dimension class (``norm:Value``).

    >>> [curie(resolve_scheme(v)) for v in ("values", "norm:Value", "approaches")]
    ['norm:ValueScheme', 'norm:ValueScheme', 'norm:AlignmentApproachScheme']
    >>> curie(resolve_scheme("design_goals"))  # an annotation slot key
    'norm:DesignGoalScheme'
    """
    schemes = concept_schemes()
    iri = expand(value) or value
    if iri in schemes:
        return iri
    classes = class_schemes()
    if iri in classes:
        return classes[iri]
    if expand("norm:" + value) in classes:  # bare class name: Value
        return classes[expand("norm:" + value)]
    folded = value.strip().casefold()
    for scheme, label in schemes.items():
        if label.casefold() == folded:
            return scheme
    slot = _slot_schemes().get(folded.replace("-", "_").replace(" ", "_"))
    if slot is not None:  # an annotation slot key: design_goals, normative_input_from
        return slot
    words = [s for s, label in schemes.items() if folded in label.casefold().split()]
    if len(words) == 1:  # "approaches" for "alignment approaches"
        return words[0]
    keys = {curie(s).casefold(): s for s in schemes} | {
        label.casefold(): s for s, label in schemes.items()
    }
    close = dict.fromkeys(curie(keys[c]) for c in suggest(folded, list(keys), n=3, cutoff=0.6))
    hint = "; did you mean " + " or ".join(f"`{c}`" for c in close) + "?" if close else ""
    raise InputError(f"{where}: unknown concept scheme `{value}`{hint}")


def _slot_schemes() -> dict[str, str]:
    """Annotation slot key -> the concept scheme its terms come from (the slot table)."""
    from .annotation import slots

    keys = {slot.key: slot for slot in slots.TAG_SLOTS} | slots.POSITION_SLOTS
    keys |= {"role": slots.ROLE, "stage": slots.STAGE, "direction": slots.FINDING_DIRECTION}
    return {key: str(slot.scheme) for key, slot in keys.items()}


@cache
def external_concepts() -> dict[str, str]:
    """CURIE (or IRI) -> IRI of every concept of the vendored import modules (read once)."""
    from .imports import external_terms

    return {curie(iri): iri for iri in external_terms()}


def resolve_external(value: str, where: str = "external concept") -> str:
    """The IRI of a concept of the vendored import modules, given as CURIE or IRI.

    >>> curie(resolve_external("dpv:VulnerableHuman"))
    'dpv:VulnerableHuman'
    >>> try:
    ...     resolve_external("dpv:VulnerableHumen")
    ... except InputError as error:
    ...     print(str(error).partition("; ")[2])
    did you mean `dpv:VulnerableHuman` or `vair:VulnerableGroup`?
    """
    concepts = external_concepts()
    text = value.strip()
    iri = expand(text) or text
    if iri in concepts.values():
        return iri
    prefix, sep, _local = text.partition(":")
    known_prefixes = sorted({c.partition(":")[0] for c in concepts if c != concepts[c]})
    if sep and expand(text) is None and not _local.startswith("//"):
        close = suggest(prefix, known_prefixes, n=2, cutoff=0.5)
        hint = ("did you mean " + " or ".join(f"`{c}:`" for c in close) + "? ") if close else ""
        raise InputError(
            f"{where}: unknown prefix `{prefix}:` in `{value}`; {hint}"
            f"known prefixes: {', '.join(known_prefixes)}"
        )
    key = curie(iri)
    close = suggest(key, list(concepts), n=3, cutoff=0.6)
    if not close:  # compare local names: `dpv:Vulnerable` for `dpv:VulnerableHuman`
        local = key.rpartition(":")[2].rpartition("#")[2].casefold()
        close = sorted(c for c in concepts if local and local in c.casefold())[:3]
    hint = "; did you mean " + " or ".join(f"`{c}`" for c in close) + "?" if close else ""
    raise InputError(
        f"{where}: `{value}` is not a concept of the vendored import modules "
        f"(ontology/imports/*.ttl){hint}"
    )


@dataclass(frozen=True)
class Param:
    """A declared query parameter."""

    name: str
    kind: str  # one of KINDS
    description: str
    scheme: str | None = None  # for term and level
    datatype: str | None = None  # for literal
    default: str | None = None
    optional: bool = False
    #: What the query does with the variable unbound, when that is not "any"
    #: (``[optional: MEANING]``); shown on the reference page (docs/queries.md).
    unbound: str | None = None

    @property
    def required(self) -> bool:
        return self.default is None and not self.optional

    @property
    def type_text(self) -> str:
        if self.kind in TERM_KINDS:
            scope = curie(self.scheme) if self.scheme else "any scheme"
            return f"{self.kind} of {scope}"
        if self.kind == "literal":
            return curie(self.datatype or "")
        if self.kind == "external":
            return "concept of a linked ontology"
        return "concept scheme" if self.kind == "scheme" else "IRI"

    def resolve(self, value: str, index: TermIndex | None = None) -> Node:
        """The RDF term for a command-line value, or an error saying what would be valid."""
        if self.kind in TERM_KINDS:
            return self._resolve_term(value, index or term_index())
        if self.kind == "scheme":
            return URIRef(resolve_scheme(value, f"parameter ?{self.name}"))
        if self.kind == "external":
            return URIRef(resolve_external(value, f"parameter ?{self.name}"))
        if self.kind == "literal":
            with warnings.catch_warnings():  # rdflib warns on ill-typed values; we explain
                warnings.simplefilter("ignore")
                literal = Literal(value, datatype=URIRef(self.datatype))
            if literal.ill_typed:
                raise InputError(
                    f"parameter ?{self.name}: `{value}` is not a valid {curie(self.datatype)}"
                )
            return literal
        iri = expand(value) or value
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]+$", iri):
            raise InputError(f"parameter ?{self.name}: `{value}` is not an absolute IRI or CURIE")
        return URIRef(iri)

    def _resolve_term(self, value: str, index: TermIndex) -> Node:
        if self.kind == "level" and self.scheme and (expand(value) or value) == self.scheme:
            return URIRef(self.scheme)
        return URIRef(resolve_term(value, self.scheme, f"parameter ?{self.name}", index))


@cache
def _short_spellings() -> dict[str, dict[str, str]]:
    """Scheme IRI -> the annotation format's short spellings of its terms
    (``uses-as-baseline``, ``improves``, ``stated``), so that a parameter accepts what an
    annotation file accepts."""
    from .annotation.slots import ALIASES, scheme_of

    spellings: dict[str, dict[str, str]] = {}
    for prop, aliases in ALIASES.items():
        scheme = scheme_of(prop)
        if scheme is not None:
            spellings.setdefault(str(scheme), {}).update({k: str(v) for k, v in aliases.items()})
    return spellings


def resolve_term(value: str, scheme: str | None, where: str, index: TermIndex | None = None) -> str:
    """The IRI of a term of ``scheme`` given as CURIE, IRI, label or the annotation
    format's short spelling; unknown ones raise with suggestions naming ``where``.

    >>> resolve_term("uses-as-baseline", "https://w3id.org/normspace#ContributionRoleScheme",
    ...              "--role").rpartition("#")[2]
    'UsesAsBaseline'
    """
    from .errors import Location

    short = _short_spellings().get(scheme or "", {}).get(value.strip())
    if short is not None:
        return short
    return (index or term_index()).resolve(value, scheme, Location(field=where)).iri


@dataclass(frozen=True)
class NamedQuery:
    """A query of the library (or a file given on the command line)."""

    name: str
    path: Path
    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    inline: bool = False  # header `# binding: values`

    def run(self, store, values: Mapping[str, str] | None = None):
        """Bind ``values`` (resolving terms) and run the query on ``store``."""
        return store.query(self.text, self.bind(values or {}), inline=self.inline)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def bind(self, values: Mapping[str, str], index: TermIndex | None = None) -> dict[str, Node]:
        """Resolve ``--param name=value`` pairs (plus defaults) to RDF terms."""
        unknown = [n for n in values if self.param(n) is None]
        if unknown:
            raise InputError(self._unknown_param_message(unknown[0]))
        bindings: dict[str, Node] = {}
        missing = []
        for param in self.params:
            value = values.get(param.name, param.default)
            if value is None:
                if param.required:
                    missing.append(param)
                continue
            bindings[param.name] = param.resolve(value, index)
        if missing:
            names = ", ".join(f"?{p.name} ({p.type_text}: {p.description})" for p in missing)
            raise InputError(
                f"query `{self.name}` needs parameter {names}; "
                f"pass it as --param {missing[0].name}=VALUE"
            )
        return bindings

    def _unknown_param_message(self, name: str) -> str:
        declared = [p.name for p in self.params]
        if not declared:
            return f"query `{self.name}` takes no parameters (got ?{name})"
        close = suggest(name, declared, n=1)
        hint = f"; did you mean ?{close[0]}?" if close else ""
        listed = ", ".join(f"?{p}" for p in declared)
        return f"query `{self.name}` has no parameter ?{name}{hint} (parameters: {listed})"


# ---------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------


def parse_header(text: str, source: str = "<query>") -> dict[str, list[str]]:
    """The header fields of a query file: key -> values in order (``param`` may repeat).

    >>> parse_header("# title: T\\n# description: a\\n#   b\\nSELECT * {}")
    {'title': ['T'], 'description': ['a b']}
    """
    fields: dict[str, list[str]] = {}
    last: tuple[str, int] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            if stripped:
                break
            continue
        continued = _CONTINUATION.match(stripped)
        match = _HEADER_FIELD.match(stripped)
        if match and not continued:
            values = fields.setdefault(match["key"], [])
            values.append(match["value"].strip())
            last = (match["key"], len(values) - 1)
        elif continued and last is not None:
            key, i = last
            fields[key][i] = (fields[key][i] + " " + continued["value"].strip()).strip()
        else:
            last = None
    return fields


def parse_param(spec: str, source: str = "<query>") -> Param:
    """Parse one ``# param:`` value.

    >>> p = parse_param("?approach norm:AlignmentApproach term - the approach [norm:RLHF]")
    >>> (p.name, p.kind, curie(p.scheme), p.default)
    ('approach', 'term', 'norm:AlignmentApproachScheme', 'norm:RLHF')
    >>> parse_param("?n xsd:integer - at least").required
    True
    >>> p = parse_param("?role norm:ContributionRole term - the role [optional: proposes]")
    >>> (p.optional, p.unbound, p.required)
    (True, 'proposes', False)
    """
    match = _PARAM.match(spec.strip())
    if not match:
        raise InputError(
            f"{source}: cannot read parameter `{spec}`; expected "
            "`?name TYPE - description [default]`"
        )
    name, type_text = match["name"], match["type"].split()
    default = match["default"].strip() if match["default"] is not None else None
    unbound = None
    if default is not None and default.startswith("optional:"):
        unbound = default.removeprefix("optional:").strip()
        if not unbound:
            raise InputError(
                f"{source}: parameter ?{name}: `[optional:]` needs the meaning of the unbound "
                "parameter after the colon, or write `[optional]`"
            )
        default = "optional"
    optional = default == "optional"
    default = None if optional or default == "" else default
    common = {
        "name": name,
        "description": match["description"],
        "default": default,
        "unbound": unbound,
    }
    if type_text[-1] in TERM_KINDS and len(type_text) <= 2:
        scheme = None
        if len(type_text) == 2:
            scheme = _scheme_of(type_text[0], source)
        return Param(kind=type_text[-1], scheme=scheme, optional=optional, **common)
    if len(type_text) == 1 and type_text[0] in LITERAL_TYPES:
        datatype = str(LITERAL_TYPES[type_text[0]])
        return Param(kind="literal", datatype=datatype, optional=optional, **common)
    if type_text in (["iri"], ["scheme"], ["external"]):
        return Param(kind=type_text[0], optional=optional, **common)
    valid = ", ".join(["CLASS term", "CLASS level", "scheme", "iri", "external", *LITERAL_TYPES])
    raise InputError(f"{source}: parameter ?{name} has unknown type `{match['type']}` ({valid})")


def _scheme_of(ref: str, source: str) -> str:
    iri = expand(ref) or ref
    schemes = class_schemes()
    if iri in schemes:
        return schemes[iri]
    if iri in schemes.values():
        return iri
    close = suggest(ref, [curie(c) for c in schemes], n=2)
    hint = "; did you mean " + " or ".join(f"`{c}`" for c in close) + "?" if close else ""
    raise InputError(f"{source}: `{ref}` is not a NormSpace dimension class{hint}")


def parse_query(path: Path, name: str | None = None) -> NamedQuery:
    """Read a query file and its header."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read query {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text: {exc}") from exc
    fields = parse_header(text, str(path))
    params = tuple(parse_param(spec, str(path)) for spec in fields.get("param", []))
    binding = " ".join(fields.get("binding", ["substitution"]))
    if binding not in ("substitution", "values"):
        raise InputError(f"{path}: `# binding: {binding}` must be `substitution` or `values`")
    names = [p.name for p in params]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise InputError(f"{path}: parameter ?{duplicates[0]} is declared twice")
    return NamedQuery(
        name=name or path.stem,
        path=path,
        title=" ".join(fields.get("title", [])) or path.stem,
        description=" ".join(fields.get("description", [])),
        params=params,
        text=text,
        inline=binding == "values",
    )


# ---------------------------------------------------------------------------
# The library
# ---------------------------------------------------------------------------


@dataclass
class QueryLibrary:
    """The ``*.rq`` files under a folder, by name (path without ``.rq``: ``qc/missing-label``)."""

    root: Path
    queries: dict[str, NamedQuery] = field(default_factory=dict)

    @classmethod
    def from_folder(cls, root: Path) -> QueryLibrary:
        library = cls(root)
        for path in sorted(root.rglob("*.rq")):
            name = path.relative_to(root).with_suffix("").as_posix()
            library.queries[name] = parse_query(path, name)
        return library

    def top_level(self) -> list[NamedQuery]:
        """The analyst queries (not those in sub-folders such as ``qc/``)."""
        return [q for name, q in self.queries.items() if "/" not in name]

    def get(self, ref: str) -> NamedQuery:
        """A query by library name, or a ``.rq`` file path; unknown names get suggestions."""
        name = ref.removesuffix(".rq") if ref in self.queries or not ref.endswith(".rq") else ref
        if name in self.queries:
            return self.queries[name]
        path = Path(ref)
        if ref.endswith(".rq") or path.is_file():
            if not path.is_file():
                raise InputError(f"query file {ref} does not exist")
            return parse_query(path)
        close = suggest(ref, list(self.queries), n=3, cutoff=0.5)
        close += [n for n in self.queries if ref in n and n not in close][:3]
        hint = "; did you mean " + " or ".join(f"`{c}`" for c in close) + "?" if close else ""
        raise InputError(
            f"unknown query `{ref}`{hint} (`normspace query --list` shows the library)"
        )


@cache
def library(root: Path | None = None) -> QueryLibrary:
    """The bundled query library (cached)."""
    return QueryLibrary.from_folder(root or queries_dir())

"""Generate the JSON Schema of the annotation format from the slot table and the ontology.

Editors that speak JSON Schema (VS Code with the YAML extension, JetBrains IDEs) use it to
complete keys and, per slot, the CURIEs and preferred labels of exactly the terms that slot
accepts, with each term's definition as hover text. The schema is a committed artefact
(``docs/schema/annotation.schema.json``); regenerate it after changing the ontology with::

    python -m normspace.annotation.schema docs/schema/annotation.schema.json

The reader (:mod:`from_yaml`) remains the authority: it also accepts full term IRIs and
labels in any letter case, which the schema's enumerations cannot express.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from rdflib import URIRef

from ..atomicio import atomic_write_text
from ..ontology import TermIndex, term_index
from . import identifiers
from .render import SCHEMA_URL
from .slots import (
    ASSUMPTION_ATTRIBUTION,
    ASSUMPTION_STANCE,
    ASSUMPTION_TYPE,
    ATTRIBUTION_ALIASES,
    STANCE_ALIASES,
    TAG_SLOTS,
    TRADE_OFF_SLOTS,
)
from .terms import scheme_noun

Schema = dict[str, Any]

SCHEMA_PATH = Path("docs") / "schema" / "annotation.schema.json"


def _ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def _scheme_name(scheme: URIRef) -> str:
    return str(scheme).rsplit("#", 1)[-1]


def _optional_pattern(pattern: str) -> str:
    """Accept the empty string too: skeleton files leave optional identifiers empty."""
    return f"^$|{pattern}"


def term_enum(index: TermIndex, scheme: URIRef) -> Schema:
    """Every term of a scheme, as CURIE and as preferred label, with its definition."""
    terms = sorted(index.in_scheme(str(scheme)), key=lambda t: t.curie)
    choices: list[Schema] = []
    for term in terms:
        choices.append({"const": term.curie, "description": f"{term.label}: {term.definition}"})
    for term in terms:
        choices.append({"const": term.label, "description": f"{term.curie}: {term.definition}"})
    noun = scheme_noun(str(scheme))
    return {
        "description": f"A term of the {noun} scheme ({_scheme_name(scheme)}): "
        "its CURIE (norm:…) or its exact preferred label.",
        "anyOf": choices or [{"type": "string"}],
    }


def _one_or_many(item: Schema) -> Schema:
    return {"anyOf": [item, {"type": "array", "items": item}]}


def _evidence_defs() -> dict[str, Schema]:
    evidence: Schema = {
        "type": "object",
        "additionalProperties": False,
        "description": "Where the paper supports this: a verbatim quote and/or its location.",
        "properties": {
            "quote": {"type": "string", "description": "Passage quoted verbatim from the paper."},
            "location": {
                "type": "string",
                "description": "Where in the paper, e.g. 'Section 5.2' or 'p. 7'.",
            },
        },
    }
    return {"evidence": evidence, "evidenceList": _one_or_many(_ref("evidence"))}


def _tag_item(scheme_def: str) -> Schema:
    return {
        "anyOf": [
            _ref(scheme_def),
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["term"],
                "properties": {
                    "term": _ref(scheme_def),
                    "confidence": {
                        "type": "number",
                        "minimum": 0,
                        "maximum": 1,
                        "description": "Your confidence in this tag, 0 (guess) to 1 (certain).",
                    },
                    "evidence": _ref("evidenceList"),
                },
            },
        ]
    }


def _paper() -> Schema:
    doi = r"(doi:|https?://(dx\.)?doi\.org/)?10\.\d{4,9}(\.\d+)*/\S+"
    arxiv = r"(arXiv:)?(\d{4}\.\d{4,5}|[a-z][a-z-]*(\.[A-Z]{2})?/\d{7})(v\d+)?"
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["title", "year"],
        "anyOf": [{"required": ["doi"]}, {"required": ["arxiv"]}],
        "properties": {
            "title": {"type": "string", "minLength": 1, "description": "Title of the paper."},
            "authors": {
                "type": "array",
                "items": {"type": "string", "minLength": 1, "not": {"enum": ["et al.", "et al"]}},
                "description": "Author names in the paper's order (do not write 'et al.').",
            },
            "authors_incomplete": {
                "type": "boolean",
                "description": "True when `authors` lists only the first authors.",
            },
            "year": {"type": "integer", "minimum": 1900, "description": "Publication year."},
            "venue": {"type": "string", "description": "Venue, e.g. 'NeurIPS 2022'."},
            "doi": {
                "type": "string",
                "pattern": _optional_pattern(f"^{doi}$"),
                "description": f"DOI, e.g. {identifiers.DOI_EXAMPLE}; makes the paper IRI "
                "https://doi.org/<doi> (lower-cased).",
            },
            "arxiv": {
                "type": "string",
                "pattern": _optional_pattern(f"^{arxiv}$"),
                "description": f"arXiv id, e.g. {identifiers.ARXIV_EXAMPLE} (quote it); the "
                "paper IRI when there is no DOI.",
            },
        },
    }


def _annotation() -> Schema:
    annotator = {
        "type": "object",
        "additionalProperties": False,
        "required": ["name"],
        "properties": {
            "name": {"type": "string", "minLength": 1, "description": "Your name."},
            "orcid": {
                "type": "string",
                "pattern": _optional_pattern(
                    r"^(https://orcid\.org/)?\d{4}-\d{4}-\d{4}-\d{3}[\dX]$"
                ),
                "description": f"Your ORCID iD, e.g. {identifiers.ORCID_EXAMPLE} (optional).",
            },
        },
    }
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["annotator", "date"],
        "properties": {
            "annotator": {"anyOf": [annotator, {"type": "string", "minLength": 1}]},
            "date": {
                "type": "string",
                "format": "date",
                "description": "Date of the annotation, YYYY-MM-DD.",
            },
            "proposes_no_approach": {
                "type": "boolean",
                "description": "True when the paper proposes, applies or studies no alignment "
                "approach (conceptual work).",
            },
            "note": {"type": "string", "description": "Free-text note."},
        },
    }


def _tags() -> Schema:
    properties = {}
    for slot in TAG_SLOTS:
        item = _ref(f"{_scheme_name(slot.scheme)}Tag")
        single = _ref(_scheme_name(slot.scheme))
        properties[slot.key] = {
            "description": f"{slot.help[:1].upper()}{slot.help[1:]} (norm:{slot.prop.fragment}).",
            "anyOf": [{"type": "array", "items": item}, single, {"type": "null"}],
        }
    return {"type": "object", "additionalProperties": False, "properties": properties}


def _trade_off() -> Schema:
    properties: dict[str, Schema] = {}
    for slot in TRADE_OFF_SLOTS:
        properties[slot.key] = {
            "description": f"{slot.help[:1].upper()}{slot.help[1:]}.",
            **_one_or_many(_ref(_scheme_name(slot.scheme))),
        }
    properties["values"] = {
        "description": properties["values"]["description"],
        "type": "array",
        "minItems": 2,
        "uniqueItems": True,
        "items": _ref(_scheme_name(TRADE_OFF_SLOTS[0].scheme)),
    }
    properties["description"] = {"type": "string", "description": "The tension, in your words."}
    properties["evidence"] = _ref("evidenceList")
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["values"],
        "properties": properties,
    }


def _assumption() -> Schema:
    attribution_scheme = _scheme_name(ASSUMPTION_ATTRIBUTION.scheme)
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["statement", "type", "attribution"],
        "properties": {
            "statement": {
                "type": "string",
                "minLength": 1,
                "description": "The assumption as a claim, in your words.",
            },
            "type": {
                "description": "Type(s) of the assumption.",
                **_one_or_many(_ref(_scheme_name(ASSUMPTION_TYPE.scheme))),
            },
            "stance": {
                "description": "Does the paper rely on the assumption (`relies`, the "
                "default) or challenge it (`challenges`)?",
                "anyOf": [
                    {"enum": sorted(STANCE_ALIASES)},
                    _ref(_scheme_name(ASSUMPTION_STANCE.scheme)),
                ],
            },
            "attribution": {
                "description": "`stated` by the authors, or `inferred` by you.",
                "anyOf": [{"enum": sorted(ATTRIBUTION_ALIASES)}, _ref(attribution_scheme)],
            },
            "evidence": _ref("evidenceList"),
        },
    }


def build_schema(index: TermIndex | None = None) -> Schema:
    """The JSON Schema (draft 2020-12) of the annotation format."""
    index = index if index is not None else term_index()
    schemes = {s.scheme for s in (*TAG_SLOTS, *TRADE_OFF_SLOTS, ASSUMPTION_TYPE)}
    schemes.update((ASSUMPTION_ATTRIBUTION.scheme, ASSUMPTION_STANCE.scheme))
    defs: dict[str, Schema] = {}
    for scheme in sorted(schemes, key=str):
        defs[_scheme_name(scheme)] = term_enum(index, scheme)
    for slot in TAG_SLOTS:
        defs[f"{_scheme_name(slot.scheme)}Tag"] = _tag_item(_scheme_name(slot.scheme))
    defs.update(_evidence_defs())
    defs.update(
        paper=_paper(),
        annotation=_annotation(),
        tags=_tags(),
        tradeOff=_trade_off(),
        assumption=_assumption(),
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_URL,
        "title": "NormSpace paper annotation",
        "description": "One annotator's annotation of one paper along the dimensions of the "
        "normative space of AI alignment. See docs/annotation-format.md.",
        "type": "object",
        "additionalProperties": False,
        "required": ["paper", "annotation"],
        "properties": {
            "paper": _ref("paper"),
            "annotation": _ref("annotation"),
            "tags": _ref("tags"),
            "trade_offs": {"type": "array", "items": _ref("tradeOff")},
            "assumptions": {"type": "array", "items": _ref("assumption")},
        },
        "$defs": dict(sorted(defs.items())),
    }


def schema_text(index: TermIndex | None = None) -> str:
    return json.dumps(build_schema(index), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the schema to the given path (default: the committed location)."""
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else SCHEMA_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(target, schema_text())
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

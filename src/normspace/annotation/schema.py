"""Generate the JSON Schema of the annotation format from the slot table and the ontology.

Editors that speak JSON Schema (VS Code with the YAML extension, JetBrains IDEs) use it to
complete keys and, per slot, the CURIEs and preferred labels of exactly the terms that slot
accepts, with each term's definition as hover text. The schema is a committed artefact
(``docs/schema/annotation.schema.json``); regenerate it after changing the ontology with::

    python -m normspace.annotation.schema docs/schema/annotation.schema.json

One schema covers both format versions, chosen like the reader chooses: ``if`` the file says
``format: 2`` ``then`` the format-2 rules apply, ``else`` the (deprecated) format-1 rules.
Every annotation file names this one schema URL in its modeline, so it cannot drop format 1
while the reader still accepts it; and, unlike ``oneOf``, if/then/else reports the errors of
the version the file declares only, not the mismatches with the other one.

Every term slot, term-valued key, ``none:`` key and resource list comes from
:mod:`normspace.annotation.slots`. The reader (:mod:`from_yaml`) remains the authority: it
also accepts full term IRIs and labels in any letter case, which the schema's enumerations
cannot express, and checks what JSON Schema cannot (unique contribution ids, two distinct
poles across the pole lists, priority items that are poles).
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
from .model import CURRENT_FORMAT, FIRST_FORMAT
from .render import SCHEMA_URL
from .slots import (
    ALIASES,
    ASSUMPTION_ATTRIBUTION,
    ASSUMPTION_STANCE,
    ASSUMPTION_TYPE,
    CONTESTABLE_BY,
    CONTRIBUTION_SLOTS,
    FINDING_BASELINE,
    FINDING_DIRECTION,
    FINDING_MEASURE,
    FORMAT_KEY,
    NONE_KEYS,
    PAPER_SLOTS,
    RESOURCE_SLOTS,
    ROLE,
    STAGE,
    TRADE_OFF_POLES,
    TRADE_OFF_SLOTS,
    V1_TAG_SLOTS,
    V1_TRADE_OFF_KEYS,
    TermSlot,
)
from .terms import scheme_noun

Schema = dict[str, Any]

SCHEMA_PATH = Path("docs") / "schema" / "annotation.schema.json"

#: Single-term slots of format 2 (each value a term or a term request).
REF_SLOTS: tuple[TermSlot, ...] = (
    ROLE,
    STAGE,
    CONTESTABLE_BY,
    FINDING_MEASURE,
    FINDING_BASELINE,
    FINDING_DIRECTION,
    ASSUMPTION_TYPE,
    ASSUMPTION_ATTRIBUTION,
    ASSUMPTION_STANCE,
)
#: The contribution slot whose items may carry the paper's own stage and contestants.
CONTESTABILITY = next(s for s in CONTRIBUTION_SLOTS if s.key == "contestability")


def _ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def _scheme_name(scheme: URIRef) -> str:
    return str(scheme).rsplit("#", 1)[-1]


def _sentence(text: str) -> str:
    return f"{text[:1].upper()}{text[1:]}"


#: An absolute http(s) URL that can stand as an IRI: the reader's own pattern.
_WEB_URL_PATTERN = identifiers.WEB_URL_PATTERN.pattern
_WEB_URL: Schema = {"type": "string", "pattern": _WEB_URL_PATTERN}


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


CONFIDENCE: Schema = {
    "type": "number",
    "minimum": 0,
    "maximum": 1,
    "description": "Your confidence in this tag, 0 (guess) to 1 (certain).",
}


def _term_request() -> Schema:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["label", "definition"],
        "description": "A term the ontology lacks (validates with a warning). Its scheme is "
        "the scheme of the slot it stands in.",
        "properties": {
            "label": {"type": "string", "minLength": 1, "description": "The proposed label."},
            "definition": {
                "type": "string",
                "minLength": 1,
                "description": "What the term means, in one or two sentences.",
            },
            "broader": {
                "type": "string",
                "description": "A broader term of the same scheme (CURIE or label).",
            },
            "source": {"type": "string", "description": "A URL or a citation."},
        },
    }


def _term_or_request(term: Schema, extra: Schema | None = None) -> Schema:
    """A mapping with exactly one of ``term`` and ``request``, plus ``extra`` keys."""
    return {
        "type": "object",
        "additionalProperties": False,
        "oneOf": [{"required": ["term"]}, {"required": ["request"]}],
        "properties": {"term": term, "request": _ref("termRequest"), **(extra or {})},
    }


def _scheme_defs(index: TermIndex, scheme: URIRef) -> dict[str, Schema]:
    """The enumeration of a scheme, its term reference (a term or ``{request: …}``) and its
    tag item (a term, or ``{term|request, confidence, evidence}``)."""
    name = _scheme_name(scheme)
    return {
        name: term_enum(index, scheme),
        f"{name}Ref": {"anyOf": [_ref(name), _term_or_request(_ref(name))]},
        f"{name}Tag": {
            "anyOf": [
                _ref(name),
                _term_or_request(
                    _ref(name), {"confidence": CONFIDENCE, "evidence": _ref("evidenceList")}
                ),
            ]
        },
    }


def _slot_ref(slot: TermSlot) -> Schema:
    """A single term of the slot, also by its short spelling (``relies``, ``proposes``)."""
    ref = _ref(f"{_scheme_name(slot.scheme)}Ref")
    aliases = ALIASES.get(slot.prop)
    if not aliases:
        return ref
    return {"anyOf": [{"enum": sorted(aliases)}, ref]}


def _tag_list(slot: TermSlot, item: Schema) -> Schema:
    return {
        "description": f"{_sentence(slot.help)} (norm:{slot.prop.fragment}).",
        "anyOf": [{"type": "array", "items": item}, item, {"type": "null"}],
    }


# -- shared sections -------------------------------------------------------------------------


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
            "metadata_source": {
                "oneOf": [
                    {"type": "string", "pattern": _optional_pattern(_WEB_URL_PATTERN)},
                    {"type": "array", "items": _WEB_URL, "minItems": 1},
                ],
                "description": "URL(s) of the record(s) the metadata was checked against "
                "(publisher, DOI or arXiv page, bibliographic database).",
            },
        },
    }


def _annotation(v1: bool) -> Schema:
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
    properties: Schema = {
        "annotator": {"anyOf": [annotator, {"type": "string", "minLength": 1}]},
        "date": {
            "type": "string",
            "format": "date",
            "description": "Date of the annotation, YYYY-MM-DD.",
        },
    }
    if v1:
        properties["proposes_no_approach"] = {
            "type": "boolean",
            "deprecated": True,
            "description": "Format 1: true when the paper proposes, applies or studies no "
            "alignment approach. In format 2 write `none: [approaches]` in the contribution.",
        }
    properties["note"] = {"type": "string", "description": "Free-text note."}
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["annotator", "date"],
        "properties": properties,
    }


def _assumption() -> Schema:
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
                **_one_or_many(_slot_ref(ASSUMPTION_TYPE)),
            },
            "stance": {
                "description": "Does the paper rely on the assumption (`relies`, the "
                "default) or challenge it (`challenges`)?",
                **_slot_ref(ASSUMPTION_STANCE),
            },
            "attribution": {
                "description": "`stated` by the authors, or `inferred` by you.",
                **_slot_ref(ASSUMPTION_ATTRIBUTION),
            },
            "evidence": _ref("evidenceList"),
        },
    }


# -- format 2 --------------------------------------------------------------------------------


def _contestability_item() -> Schema:
    """A contestability tag item that may carry the paper's own stage and contestants."""
    name = _scheme_name(CONTESTABILITY.scheme)
    extra = {
        "confidence": CONFIDENCE,
        "evidence": _ref("evidenceList"),
        "stage": {"description": _sentence(STAGE.help) + ".", **_slot_ref(STAGE)},
        "contestable_by": {
            "description": _sentence(CONTESTABLE_BY.help) + ".",
            **_one_or_many(_slot_ref(CONTESTABLE_BY)),
        },
    }
    return {"anyOf": [_ref(name), _term_or_request(_ref(name), extra)]}


def _absence_rules() -> list[Schema]:
    """A slot listed in ``none`` holds no tags (spec 1.3), one rule per ``none`` key."""
    return [
        {
            "if": {"required": ["none"], "properties": {"none": {"contains": {"const": key}}}},
            "then": {"properties": {key: {"type": ["array", "null"], "maxItems": 0}}},
        }
        for key in NONE_KEYS
    ]


def _finding() -> Schema:
    return {
        "type": "object",
        "additionalProperties": False,
        "anyOf": [{"required": ["value"]}, {"required": ["result"]}],
        "properties": {
            "measure": {"description": "What was measured.", **_slot_ref(FINDING_MEASURE)},
            "value": {"type": "number", "description": "The number reported."},
            "unit": {"type": "string", "description": 'Unit of the value: "%", "points", …'},
            "result": {"type": "string", "description": "The result in words."},
            "baseline": {
                "description": "What it was compared with: an alignment approach term, a term "
                "request, or text (e.g. a model name).",
                "anyOf": [_slot_ref(FINDING_BASELINE), {"type": "string", "minLength": 1}],
            },
            "direction": {
                "description": "improves | worsens | no-difference | mixed.",
                **_slot_ref(FINDING_DIRECTION),
            },
            "population": {"type": "string", "description": "The group the result holds for."},
            "evidence": _ref("evidenceList"),
        },
    }


def _study() -> Schema:
    sample = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "size": {"type": "integer", "minimum": 0, "description": "Number of participants."},
            "approximate": {
                "type": "boolean",
                "description": "true when the paper gives the size only roughly (about 1,000).",
            },
            "population": {"type": "string", "description": "Who they are."},
        },
    }
    resource = {
        "type": "object",
        "additionalProperties": False,
        "required": ["name"],
        "properties": {
            "name": {"type": "string", "minLength": 1, "description": "Its name."},
            "doi": {"type": "string", "description": "Its DOI, if it has one."},
            "url": {"type": "string", "format": "uri", "description": "Where it is published."},
            "identifier": {
                "type": "string",
                "description": "Another identifier, e.g. a Hugging Face id.",
            },
        },
    }
    properties: Schema = {
        "samples": {"type": "array", "items": sample, "description": "Samples studied."}
    }
    for slot in RESOURCE_SLOTS:
        properties[slot.key] = {
            "type": "array",
            "items": resource,
            "description": f"{_sentence(slot.help)} (norm:{slot.prop.fragment}).",
        }
    return {"type": "object", "additionalProperties": False, "properties": properties}


def _pole_rules() -> list[Schema]:
    """At least one pole list; a pole list on its own needs two items (the reader checks two
    distinct poles across lists)."""
    poles = [s.key for s in TRADE_OFF_POLES]
    rules: list[Schema] = [{"anyOf": [{"required": [key]} for key in poles]}]
    for key in poles:
        others = [{"required": [o]} for o in poles if o != key]
        rules.append(
            {
                "if": {"required": [key], "not": {"anyOf": others}},
                "then": {"properties": {key: {"minItems": 2}}},
            }
        )
    return rules


def _trade_off() -> Schema:
    properties: Schema = {}
    for slot in TRADE_OFF_SLOTS:
        ref = _slot_ref(slot)
        if slot.pole:
            properties[slot.key] = {
                "description": f"{_sentence(slot.help)} (a pole kind).",
                "type": "array",
                "uniqueItems": True,
                "items": ref,
            }
        else:
            properties[slot.key] = {"description": f"{_sentence(slot.help)}.", **_one_or_many(ref)}
    pole_terms = [_ref(_scheme_name(s.scheme)) for s in TRADE_OFF_POLES]
    properties["priority"] = {
        "description": "The poles in the paper's order of priority, highest first.",
        "type": "array",
        "uniqueItems": True,
        "items": {"anyOf": pole_terms},
    }
    properties["description"] = {"type": "string", "description": "The tension, in your words."}
    properties["evidence"] = _ref("evidenceList")
    return {
        "type": "object",
        "additionalProperties": False,
        "allOf": _pole_rules(),
        "properties": properties,
    }


def _contribution() -> Schema:
    properties: Schema = {
        "id": {
            "type": "string",
            "pattern": "^[a-z0-9][a-z0-9-]*$",
            "description": "Unique in the file (default: the position, 1, 2, …); part of the "
            "contribution's IRI.",
        },
        "role": {
            "description": _sentence(ROLE.help) + " (empty in a new skeleton: a warning).",
            "anyOf": [*_one_or_many(_slot_ref(ROLE))["anyOf"], {"type": "null"}],
        },
        "label": {"type": "string", "description": "A short name, e.g. the method's name."},
        "description": {"type": "string", "description": "What this contribution is."},
    }
    for slot in CONTRIBUTION_SLOTS:
        item = (
            _contestability_item()
            if slot is CONTESTABILITY
            else _ref(f"{_scheme_name(slot.scheme)}Tag")
        )
        properties[slot.key] = _tag_list(slot, item)
    properties["none"] = {
        "type": "array",
        "uniqueItems": True,
        "items": {"enum": list(NONE_KEYS)},
        "description": "Slots the paper explicitly has none of (distinct from not annotated).",
    }
    properties["findings"] = {"type": "array", "items": _ref("finding")}
    properties["study"] = _ref("study")
    properties["trade_offs"] = {"type": "array", "items": _ref("tradeOff")}
    return {
        "type": "object",
        "additionalProperties": False,
        "allOf": _absence_rules(),
        "properties": properties,
    }


def _paper_tags() -> Schema:
    properties = {
        slot.key: _tag_list(slot, _ref(f"{_scheme_name(slot.scheme)}Tag")) for slot in PAPER_SLOTS
    }
    return {
        "type": "object",
        "additionalProperties": False,
        "description": "Paper-level tags (format 2): everything else belongs to a contribution.",
        "properties": properties,
    }


def _document() -> Schema:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [FORMAT_KEY, "paper", "annotation"],
        "oneOf": [{"required": ["contribution"]}, {"required": ["contributions"]}],
        "properties": {
            FORMAT_KEY: {"const": CURRENT_FORMAT},
            "paper": _ref("paper"),
            "annotation": _ref("annotation"),
            "tags": _ref("paperTags"),
            "contribution": _ref("contribution"),
            "contributions": {"type": "array", "minItems": 1, "items": _ref("contribution")},
            "assumptions": {"type": "array", "items": _ref("assumption")},
        },
    }


# -- format 1 (deprecated) -------------------------------------------------------------------


def _v1_tags() -> Schema:
    properties = {}
    for slot in V1_TAG_SLOTS:
        name = _scheme_name(slot.scheme)
        item = {
            "anyOf": [
                _ref(name),
                {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["term"],
                    "properties": {
                        "term": _ref(name),
                        "confidence": CONFIDENCE,
                        "evidence": _ref("evidenceList"),
                    },
                },
            ]
        }
        properties[slot.key] = _tag_list(slot, item)
    return {"type": "object", "additionalProperties": False, "properties": properties}


def _v1_trade_off() -> Schema:
    slots = {s.key: s for s in TRADE_OFF_SLOTS if s.key in V1_TRADE_OFF_KEYS}
    properties: Schema = {
        key: {"description": f"{_sentence(s.help)}.", **_one_or_many(_ref(_scheme_name(s.scheme)))}
        for key, s in slots.items()
    }
    properties["values"] = {
        "description": "The values in tension (at least two distinct).",
        "type": "array",
        "minItems": 2,
        "uniqueItems": True,
        "items": _ref(_scheme_name(slots["values"].scheme)),
    }
    properties["description"] = {"type": "string", "description": "The tension, in your words."}
    properties["evidence"] = _ref("evidenceList")
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["values"],
        "properties": properties,
    }


def _v1_document() -> Schema:
    return {
        "type": "object",
        "additionalProperties": False,
        "deprecated": True,
        "description": "Annotation format 1 (no `format` key): deprecated; `normspace migrate "
        "FILE` rewrites it as format 2.",
        "required": ["paper", "annotation"],
        "properties": {
            FORMAT_KEY: {"const": FIRST_FORMAT},
            "paper": _ref("paper"),
            "annotation": _ref("annotationV1"),
            "tags": _ref("tagsV1"),
            "trade_offs": {"type": "array", "items": _ref("tradeOffV1")},
            "assumptions": {"type": "array", "items": _ref("assumption")},
        },
    }


# -- the schema ------------------------------------------------------------------------------


def _schemes() -> list[URIRef]:
    slots = (*CONTRIBUTION_SLOTS, *PAPER_SLOTS, *TRADE_OFF_SLOTS, *REF_SLOTS)
    return sorted({s.scheme for s in slots}, key=str)


def build_schema(index: TermIndex | None = None) -> Schema:
    """The JSON Schema (draft 2020-12) of the annotation format, both versions."""
    index = index if index is not None else term_index()
    defs: dict[str, Schema] = {}
    for scheme in _schemes():
        defs.update(_scheme_defs(index, scheme))
    defs.update(_evidence_defs())
    defs.update(
        termRequest=_term_request(),
        paper=_paper(),
        annotation=_annotation(v1=False),
        paperTags=_paper_tags(),
        contribution=_contribution(),
        finding=_finding(),
        study=_study(),
        tradeOff=_trade_off(),
        assumption=_assumption(),
        document=_document(),
        annotationV1=_annotation(v1=True),
        tagsV1=_v1_tags(),
        tradeOffV1=_v1_trade_off(),
        documentV1=_v1_document(),
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_URL,
        "title": "NormSpace paper annotation",
        "description": "One annotator's annotation of one paper along the dimensions of the "
        "normative space of AI alignment, in contributions with roles, findings and study "
        "facts. See docs/annotation-format.md.",
        "type": "object",
        "properties": {
            FORMAT_KEY: {
                "enum": [FIRST_FORMAT, CURRENT_FORMAT],
                "description": f"The format version: {CURRENT_FORMAT} (current); files "
                f"without it are version {FIRST_FORMAT} (deprecated).",
            }
        },
        "if": {"required": [FORMAT_KEY], "properties": {FORMAT_KEY: {"const": CURRENT_FORMAT}}},
        "then": _ref("document"),
        "else": _ref("documentV1"),
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

"""One diagnostics vocabulary for ``validate``, ``check`` and QC.

Before this module each checker had its own severity strings (SHACL ``sh:Violation``,
QC ``ERROR``/``WARN``/``INFO``, the YAML reader's ``error``/``warning``/``info``), its own
did-you-mean code and its own way of naming an IRI in a message. They now share:

* :class:`Severity`, with conversions from and to each checker's spelling;
* :func:`suggest`, the one did-you-mean helper (difflib, case-folded);
* :func:`label`, how an IRI is named in a message (CURIE, with a label when known);
* :class:`Finding`, one problem found by ``normspace check`` (a QC rule, a shape, the
  reasoner or a parser). It lives here rather than in :mod:`normspace.qc` so that
  :mod:`normspace.metadata` can build findings without importing ``qc`` (which imports
  ``metadata``): no import cycle.

This module imports nothing from the rest of the package except :mod:`namespaces`, so that
any module can import it.
"""

from __future__ import annotations

import builtins
import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from rdflib.namespace import SH

from .namespaces import curie


class Severity(StrEnum):
    """How bad a diagnostic is, most severe first.

    The values are the YAML reader's spellings (``"error"`` …), so a :class:`Severity`
    compares equal to the plain strings older code and JSON output use.

    >>> Severity.from_qc("WARN") is Severity.WARNING
    True
    >>> Severity.from_shacl("http://www.w3.org/ns/shacl#Violation").qc
    'ERROR'
    >>> Severity.ERROR == "error"
    True
    """

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    def __str__(self) -> str:
        return self.value

    @property
    def rank(self) -> int:
        """0 for the most severe; for sorting."""
        return _ORDER.index(self)

    @property
    def qc(self) -> str:
        """The QC spelling: ``ERROR``, ``WARN``, ``INFO``."""
        return _TO_QC[self]

    @property
    def shacl(self) -> str:
        """The SHACL local name: ``Violation``, ``Warning``, ``Info``."""
        return _TO_SHACL[self]

    @property
    def shacl_iri(self):
        """The SHACL severity IRI (``sh:Violation`` …) for report graphs."""
        return SH[self.shacl]

    @classmethod
    def from_qc(cls, text: str) -> Severity:
        """From a QC rule header's ``ERROR``/``WARN``/``INFO`` (case-insensitive)."""
        try:
            return _FROM_QC[text.strip().upper()]
        except KeyError:
            raise ValueError(
                f"severity `{text}` is not one of {', '.join(QC_SEVERITIES)}"
            ) from None

    @classmethod
    def from_shacl(cls, value: object) -> Severity:
        """From a SHACL severity: the IRI ``sh:Violation`` or its local name.

        Unknown severities (SHACL allows custom ones) count as errors, as SHACL engines
        treat anything but ``sh:Warning``/``sh:Info`` as failing conformance.
        """
        text = str(value).rsplit("#", 1)[-1]
        return _FROM_SHACL.get(text, cls.ERROR)

    @classmethod
    def parse(cls, value: object) -> Severity:
        """From any known spelling (reader, QC or SHACL); raises ``ValueError`` otherwise."""
        if isinstance(value, Severity):
            return value
        text = str(value).strip()
        for table in (_FROM_VALUE, _FROM_QC, _FROM_SHACL):
            for key in (text, text.upper(), text.lower(), text.rsplit("#", 1)[-1]):
                if key in table:
                    return table[key]
        raise ValueError(
            f"severity `{value}` is not one of error, warning, info "
            "(or ERROR/WARN/INFO, sh:Violation/sh:Warning/sh:Info)"
        )


_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)
_TO_QC = {Severity.ERROR: "ERROR", Severity.WARNING: "WARN", Severity.INFO: "INFO"}
_TO_SHACL = {Severity.ERROR: "Violation", Severity.WARNING: "Warning", Severity.INFO: "Info"}
_FROM_QC = {v: k for k, v in _TO_QC.items()}
_FROM_SHACL = {v: k for k, v in _TO_SHACL.items()}
_FROM_VALUE = {s.value: s for s in Severity}

#: QC severities, most severe first (the spelling of rule headers and ``check`` output).
QC_SEVERITIES: tuple[str, ...] = tuple(_TO_QC[s] for s in _ORDER)
#: SHACL severities (local names), most severe first.
SHACL_SEVERITIES: tuple[str, ...] = tuple(_TO_SHACL[s] for s in _ORDER)
#: SHACL local name -> QC spelling.
SHACL_TO_QC: Mapping[str, str] = {_TO_SHACL[s]: _TO_QC[s] for s in _ORDER}


def suggest(value: str, candidates: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The candidates closest to ``value``, best first, compared case-folded.

    Returns the candidates as given (not folded), without duplicates.

    >>> suggest("fairnes", ["Fairness", "Harmlessness", "fairness"])
    ['Fairness']
    >>> suggest("zzz", ["Fairness"])
    []
    """
    folded: dict[str, str] = {}
    for candidate in candidates:
        folded.setdefault(candidate.casefold(), candidate)
    close = difflib.get_close_matches(value.casefold(), list(folded), n=n, cutoff=cutoff)
    return [folded[c] for c in close]


def label(iri: object, labels: Mapping[str, str] | None = None) -> str:
    """How an IRI is named in a message: its CURIE, plus ``(label)`` when one is known.

    Non-IRIs (literals, blank nodes rendered as text) are returned as text. A label that
    only repeats the local name (ignoring case) is left out.

    >>> label("https://w3id.org/normspace#RLHF")
    'norm:RLHF'
    >>> label("https://w3id.org/normspace#RLHF", {"https://w3id.org/normspace#RLHF": "RLHF"})
    'norm:RLHF'
    >>> label("https://w3id.org/normspace#Fairness",
    ...       {"https://w3id.org/normspace#Fairness": "fair treatment"})
    'norm:Fairness (fair treatment)'
    """
    if iri is None:
        return ""
    text = str(iri)
    short = curie(text)
    name = labels.get(text) if labels else None
    if name and name.casefold() != short.rsplit(":", 1)[-1].casefold():
        return f"{short} ({name})"
    return short


@dataclass(frozen=True)
class Finding:
    """One problem found by a check: a QC rule, a SHACL shape, the reasoner or a parser.

    ``severity`` is the QC spelling (``ERROR``/``WARN``/``INFO``), as in ``check`` output;
    :attr:`level` gives the :class:`Severity`.
    """

    rule: str
    severity: str
    entity: str
    message: str
    property: str | None = None  # shadows the builtin below: use builtins.property
    value: str | None = None

    @builtins.property
    def level(self) -> Severity:
        return Severity.from_qc(self.severity)

    def to_dict(self) -> dict[str, str | None]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "entity": self.entity,
            "property": self.property,
            "value": self.value,
            "message": self.message,
        }


def finding_sort_key(finding: Finding) -> tuple:
    """Most severe first, then by rule, entity, property and value (stable output)."""
    return (
        QC_SEVERITIES.index(finding.severity),
        finding.rule,
        finding.entity,
        finding.property or "",
        finding.value or "",
    )

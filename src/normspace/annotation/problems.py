"""Problems found in annotation files, and their text and JSON renderings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from ..diagnostics import Severity

#: The reader's severities: the plain-string values of the shared
#: :class:`~normspace.diagnostics.Severity` (plain ``str`` so that JSON and YAML dumps of
#: :meth:`Problem.to_json` need no enum support).
ERROR, WARNING, INFO = Severity.ERROR.value, Severity.WARNING.value, Severity.INFO.value


@dataclass(frozen=True)
class Problem:
    """One problem in one file, located as precisely as the source allows.

    ``rule`` names the check: a reader rule such as ``unknown-term`` or the SHACL shape
    (``nsh:TradeOffValuesShape``); ``fatal`` marks problems that stop a file from being read
    at all (exit code 2).
    """

    file: str
    message: str
    rule: str
    severity: str = ERROR
    line: int | None = None
    column: int | None = None
    field: str | None = None
    value: str | None = None
    suggestion: str | None = None
    fatal: bool = False

    def __str__(self) -> str:
        """``file:line: field: severity: message (suggestion: …)``.

        >>> print(Problem("x.yaml", "unknown term `norm:Fairnes`", "unknown-term", line=14,
        ...               field="tags.values[1]", suggestion="`norm:Fairness`"))
        x.yaml:14: tags.values[1]: error: unknown term `norm:Fairnes` (suggestion: `norm:Fairness`)
        """
        where = self.file + (f":{self.line}" if self.line else "")
        parts = [where]
        if self.field:
            parts.append(self.field)
        text = f"{': '.join(parts)}: {self.severity}: {self.message}"
        if self.suggestion:
            text += f" (suggestion: {self.suggestion})"
        return text

    @property
    def level(self) -> Severity:
        """The severity as the shared :class:`~normspace.diagnostics.Severity`."""
        return Severity.parse(self.severity)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def summarise(files: int, problems: Iterable[Problem]) -> dict[str, int]:
    """Counts for the summary line and the JSON summary object."""
    problems = list(problems)
    unreadable = {p.file for p in problems if p.fatal}
    with_errors = {p.file for p in problems if p.severity == ERROR} - unreadable
    return {
        "files": files,
        "valid": files - len(unreadable) - len(with_errors),
        "invalid": len(with_errors),
        "unreadable": len(unreadable),
        "errors": sum(p.severity == ERROR for p in problems),
        "warnings": sum(p.severity == WARNING for p in problems),
        "infos": sum(p.severity == INFO for p in problems),
    }


def summary_line(summary: dict[str, int]) -> str:
    """One line for the end of the text report.

    >>> summary_line({"files": 3, "valid": 1, "invalid": 1, "unreadable": 1, "errors": 4,
    ...               "warnings": 1, "infos": 0})
    '3 files checked: 1 valid, 1 invalid, 1 unreadable; 4 errors, 1 warning'
    """

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    text = (
        f"{plural(summary['files'], 'file')} checked: {summary['valid']} valid, "
        f"{summary['invalid']} invalid, {summary['unreadable']} unreadable; "
        f"{plural(summary['errors'], 'error')}, {plural(summary['warnings'], 'warning')}"
    )
    if summary["infos"]:
        text += f", {plural(summary['infos'], 'info')}"
    return text

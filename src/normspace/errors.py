"""Domain exceptions. Each carries the exit code the CLI maps it to and names what is wrong."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

EXIT_OK = 0
EXIT_VALIDATION = 1
EXIT_USAGE = 2


class NormSpaceError(Exception):
    """Base class of every error a user can cause; the CLI prints it without a traceback."""

    exit_code = EXIT_USAGE


class InputError(NormSpaceError):
    """A file or argument cannot be read, parsed or resolved (exit code 2)."""


class ValidationFailure(NormSpaceError):
    """Data was read but violates the shapes or QC rules (exit code 1)."""

    exit_code = EXIT_VALIDATION


@dataclass
class Location:
    """Where a problem is: file, 1-based line if known, and field path in the file."""

    file: str | None = None
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file + (f":{self.line}" if self.line else ""))
        elif self.line:
            parts.append(f"line {self.line}")
        if self.field:
            parts.append(self.field)
        return ": ".join(parts)


@dataclass
class UnknownTermError(InputError):
    """A term reference (CURIE or label) matches no term of the expected scheme."""

    value: str
    scheme: str | None = None
    suggestions: Sequence[str] = field(default_factory=list)
    location: Location | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location and str(self.location) else ""
        scope = f" in {self.scheme}" if self.scheme else ""
        hint = ""
        if self.suggestions:
            hint = "; did you mean " + " or ".join(f"`{s}`" for s in self.suggestions) + "?"
        if self.note:
            return f"{where}term `{self.value}` is not allowed here: {self.note}{hint}"
        return f"{where}unknown term `{self.value}`{scope}{hint}"

"""Read annotation YAML with ruamel.yaml's round-trip loader, which keeps the line and column
of every key and list item, so that every problem can point at the line that caused it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from ..errors import InputError


class YamlSourceError(InputError):
    """The file cannot be read or is not well-formed YAML (exit code 2)."""

    def __init__(self, path: str, message: str, line: int | None = None, column: int | None = None):
        self.path, self.reason, self.line, self.column = path, message, line, column
        where = path + (f":{line}" if line else "") + (f":{column}" if column else "")
        super().__init__(f"{where}: {message}")


@dataclass
class YamlSource:
    """A parsed file: the root node and the raw lines (to recover literal number spellings)."""

    path: str
    root: Any
    lines: list[str]

    def raw_scalar(self, position: tuple[int, int] | None) -> str | None:
        """The scalar as written at a 1-based ``(line, column)``, up to a separator."""
        if position is None or not 0 < position[0] <= len(self.lines):
            return None
        text = self.lines[position[0] - 1][position[1] - 1 :]
        for stop in (",", "]", "}", " #"):
            text = text.split(stop, 1)[0]
        return text.strip().strip("\"'") or None


def _loader() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def parse_yaml(text: str, path: str) -> YamlSource:
    """Parse YAML text; syntax errors name the line and column (1-based)."""
    try:
        root = _loader().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if exc.context and "duplicate key" not in problem:
            started = exc.context_mark
            if started is not None and mark is not None and started.line != mark.line:
                problem = f"{exc.context} starting at line {started.line + 1}: {problem}"
            else:
                problem = f"{exc.context}: {problem}"
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        raise YamlSourceError(path, f"YAML syntax error: {problem}", line, column) from exc
    except YAMLError as exc:
        raise YamlSourceError(path, f"YAML syntax error: {exc}") from exc
    return YamlSource(path, root, text.splitlines())


def read_yaml(path: Path) -> YamlSource:
    """Read and parse one file; unreadable or undecodable files raise :class:`YamlSourceError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlSourceError(str(path), f"not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise YamlSourceError(str(path), f"cannot read file: {exc.strerror or exc}") from exc
    return parse_yaml(text, str(path))


def key_position(mapping: Any, key: str) -> tuple[int, int] | None:
    """1-based (line, column) of ``key`` in a round-trip mapping."""
    if isinstance(mapping, CommentedMap) and key in mapping:
        line, col = mapping.lc.key(key)
        return line + 1, col + 1
    return None


def value_position(mapping: Any, key: str) -> tuple[int, int] | None:
    """1-based (line, column) of the value of ``key`` (where a scalar value starts)."""
    if isinstance(mapping, CommentedMap) and key in mapping:
        line, col = mapping.lc.value(key)
        return line + 1, col + 1
    return None


def item_position(seq: Any, index: int) -> tuple[int, int] | None:
    """1-based (line, column) of item ``index`` of a round-trip sequence."""
    if isinstance(seq, CommentedSeq) and 0 <= index < len(seq):
        line, col = seq.lc.item(index)
        return line + 1, col + 1
    return None


def node_position(node: Any) -> tuple[int, int] | None:
    """1-based (line, column) where a mapping or sequence node starts."""
    if isinstance(node, CommentedMap | CommentedSeq):
        return node.lc.line + 1, node.lc.col + 1
    return None

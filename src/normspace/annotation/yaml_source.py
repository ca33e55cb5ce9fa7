"""Read annotation YAML into ruamel.yaml's round-trip tree, which keeps the line and column
of every key and list item, so that every problem can point at the line that caused it.

Files are composed by libyaml's C parser (:mod:`.fastyaml`) when it reproduces ruamel's tree
exactly, and by ruamel's own loader otherwise (errors included), so the tree, the positions
and every message are ruamel's either way."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import MaxDepthExceededError
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import ScalarNode

from ..errors import InputError
from .fastyaml import FALLBACK, compose
from .textinput import MAX_DEPTH, NotTextError, decode_utf8


class YamlSourceError(InputError):
    """The file cannot be read or is not well-formed YAML (exit code 2)."""

    def __init__(
        self,
        path: str,
        message: str,
        line: int | None = None,
        column: int | None = None,
        rule: str | None = None,
    ):
        self.path, self.reason, self.line, self.column = path, message, line, column
        #: the check that failed (``yaml-syntax``, ``encoding``, ...); ``None``: by line.
        self.rule = rule
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


class ImpossibleDate(str):
    """An unquoted scalar shaped like a date that names no day (``2026-02-30``).

    ruamel.yaml raises a bare ``ValueError`` (no line) for these while loading, which used
    to stop the whole file, and in a folder run the whole run. Kept as this string
    instead, the reader reports it at its field and line like any other bad date.
    """

    reason: str = ""


class _Constructor(RoundTripConstructor):
    """The round-trip constructor, but impossible dates become :class:`ImpossibleDate`."""

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError as exc:  # datetime refused the day, month, hour, ...
            found = ImpossibleDate(node.value)
            found.reason = str(exc)
            return found


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


def loader() -> YAML:
    """The one YAML loader of annotation files (round-trip, so positions and comments are
    kept): duplicate keys refused, impossible dates marked, nesting limited. The reader and
    ``normspace migrate`` share it, so both accept and refuse the same files."""
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    yaml.Constructor = _Constructor
    yaml.max_depth = MAX_DEPTH  # deeper input would exhaust the recursive composer
    return yaml


#: builds ints, floats and timestamps for the fast composer, exactly as :func:`loader` does
_CONSTRUCTOR = loader().constructor
_TYPED_METHODS = {
    "tag:yaml.org,2002:int": _CONSTRUCTOR.construct_yaml_int,
    "tag:yaml.org,2002:float": _CONSTRUCTOR.construct_yaml_float,
    "tag:yaml.org,2002:timestamp": _CONSTRUCTOR.construct_yaml_timestamp,
}


@lru_cache(maxsize=8192)
def typed_scalar(tag: str, text: str) -> Any:
    """An int, float or timestamp as the reader's ruamel loader builds it (cached: ruamel
    takes ~15 µs a number, and years, confidences and dates repeat across a corpus; the
    values are not mutated by the reader, so sharing them is safe)."""
    return _TYPED_METHODS[tag](ScalarNode(tag, text))


def parse_yaml(text: str, path: str, *, fast: bool = True) -> YamlSource:
    """Parse YAML text; syntax errors name the line and column (1-based).

    ``fast=False`` skips the libyaml composer (the reference path the differential tests
    compare it with); the result is the same either way.
    """
    if fast:
        root = compose(text, typed_scalar)
        if root is not FALLBACK:
            return YamlSource(path, root, text.splitlines())
    try:
        root = loader().load(text)
    except MaxDepthExceededError as exc:
        mark = exc.problem_mark
        raise YamlSourceError(
            path,
            f"YAML nested deeper than {MAX_DEPTH} levels of mappings and lists; an annotation "
            "file needs at most 6 (is an indentation or a bracket wrong?)",
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
            rule="yaml-depth",
        ) from exc
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


def read_text(path: Path) -> str:
    """A file's text; unreadable or undecodable (binary, not UTF-8) files raise
    :class:`YamlSourceError`. Shared by the reader and ``normspace migrate``, so both refuse
    the same files with the same message."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise YamlSourceError(str(path), f"cannot read file: {exc.strerror or exc}") from exc
    try:
        return decode_utf8(data, str(path))
    except NotTextError as exc:
        raise YamlSourceError(str(path), exc.reason, exc.line, exc.column, "encoding") from exc


def read_yaml(path: Path, *, fast: bool = True) -> YamlSource:
    """Read and parse one file; unreadable or undecodable files raise :class:`YamlSourceError`."""
    return parse_yaml(read_text(path), str(path), fast=fast)


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

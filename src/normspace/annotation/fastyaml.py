"""A fast composer for annotation YAML: libyaml's C parser (through PyYAML) builds the same
round-trip tree that ruamel.yaml builds, with the same line and column of every key, value
and list item, about ten times faster.

WHY: ruamel's pure-Python scanner is most of the reading time of a corpus (8.8 ms of a
~10 ms file); libyaml emits the same parse events with the same marks in well under a
millisecond. ruamel stays the reference: this composer only handles the subset of YAML
whose meaning and positions it reproduces exactly, and returns :data:`FALLBACK` for
everything else (any error, anchored scalars, explicit tags, directives, merge keys,
empty plain scalars, complex keys, duplicate keys, deep nesting, unusual line breaks), so
the caller re-reads that file with ruamel, which gives the same tree or the same error
message as before. A differential test (tests/reader) pins the equivalence.

Scalars follow ruamel's YAML 1.2 round-trip semantics: implicit tags are resolved with
ruamel's own 1.2 resolver table, and ints, floats and timestamps are built by the
caller with ruamel's constructor (so ``ScalarFloat``, ``TimeStamp`` and impossible dates come
out exactly as ruamel makes them); strings, booleans and nulls are built here.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Final

from ruamel.yaml.comments import CommentedMap, CommentedSeq, LineCol
from ruamel.yaml.resolver import implicit_resolvers
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString
from ruamel.yaml.serializer import templated_id
from yaml import YAMLError as LibYamlError
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)

from .textinput import MAX_DEPTH

try:  # PyYAML built without libyaml has no C parser: then every file is read by ruamel
    from yaml._yaml import CParser
except ImportError:  # pragma: no cover - the wheels on PyPI all have it
    CParser = None


class _Fallback:
    """The composer's answer for input it does not reproduce exactly: read with ruamel."""

    def __repr__(self) -> str:
        return "FALLBACK"


#: returned by :func:`compose` when the file must be read by ruamel instead
FALLBACK: Final = _Fallback()

#: characters that ruamel and libyaml count differently as line breaks or accept in
#: different places (libyaml takes a tab after `key:` or before a comment, ruamel refuses
#: it); a file containing one is left to ruamel
_UNUSUAL = re.compile("[\t\x85\u2028\u2029\ufeff]")

#: containers nested deeper than this are left to ruamel, which reports the depth error
#: (ruamel counts scalars as a level too, so stop two short of its limit)
_DEPTH_LIMIT = MAX_DEPTH - 2

#: ruamel keeps the block style of a string in its type (plain and quoted: ``str``)
_BLOCK_STYLES = {"|": LiteralScalarString, ">": FoldedScalarString}

_STR = "tag:yaml.org,2002:str"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
#: implicit tags built by the caller (with ruamel's constructor)
_DELEGATED = frozenset(
    ["tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"]
)

#: builds an int, float or timestamp from (implicit tag, text); raises if it cannot
TypedScalar = Callable[[str, str], Any]


def _resolvers_1_2() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """ruamel's YAML 1.2 implicit resolvers by first character, in ruamel's order (the
    first match wins there too)."""
    table: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for versions, tag, regexp, first in implicit_resolvers:
        if (1, 2) in versions:
            for char in first:
                table.setdefault(char, []).append((tag, regexp))
    return table


_RESOLVERS: Final = _resolvers_1_2()


class _Unsupported(Exception):
    """Raised inside the composer for input it leaves to ruamel."""


def _resolve(value: str) -> str:
    """The implicit tag ruamel's 1.2 resolver gives a plain scalar."""
    for tag, regexp in _RESOLVERS.get(value[:1], ()):
        if regexp.match(value):
            return tag
    return _STR


class _Composer:
    """Builds the tree from libyaml events, iteratively (no recursion on deep input)."""

    def __init__(self, parser: CParser, typed: TypedScalar):
        self.parser = parser
        self.typed = typed

    def scalar(self, event: ScalarEvent) -> Any:
        if event.tag is not None or event.anchor is not None:
            raise _Unsupported("explicit tag or anchored scalar (ruamel changes its type)")
        value: str = event.value
        if not event.implicit[0]:  # quoted or block scalar: always a string
            block = _BLOCK_STYLES.get(event.style)
            return value if block is None else block(value)
        found = _PLAIN.get(value, _UNKNOWN)
        if found is _UNKNOWN:
            found = _plain(value)
        if type(found) is _Delegate:
            try:
                return self.typed(found.tag, value)
            except Exception as exc:  # ruamel's own error message is produced by ruamel
                raise _Unsupported(str(exc)) from exc
        return found

    def run(self) -> Any:
        get = self.parser.get_event
        if type(get()) is not StreamStartEvent:
            raise _Unsupported("no stream start")
        event = get()
        if type(event) is StreamEndEvent:
            return None  # an empty file, as ruamel loads it
        if type(event) is not DocumentStartEvent or event.version or event.tags:
            raise _Unsupported("directive")
        root = self.node()
        if type(get()) is not DocumentEndEvent or type(get()) is not StreamEndEvent:
            raise _Unsupported("more than one document")
        return root

    def node(self) -> Any:
        """Compose one document's root node.

        Anchored mappings and sequences are supported: an alias is the same object, placed
        at the anchored node's position, as ruamel's composer shares the node itself.
        """
        get = self.parser.get_event
        stack: list[_Frame] = []
        anchors: dict[str, tuple[Any, Any]] = {}
        root: Any = None
        while True:
            event = get()
            kind = type(event)
            mark = event.start_mark
            if kind is ScalarEvent:
                value = self.scalar(event)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if event.tag is not None:
                    raise _Unsupported("explicit tag")
                if len(stack) >= _DEPTH_LIMIT:
                    raise _Unsupported("deep nesting")
                value = CommentedMap() if kind is MappingStartEvent else CommentedSeq()
                lines = LineCol()
                lines.line, lines.col = mark.line, mark.column
                setattr(value, _LINE_COL, lines)
                if event.anchor in anchors:
                    raise _Unsupported("anchor defined twice (ruamel warns)")
                if event.anchor is not None and not templated_id(event.anchor):
                    value.yaml_set_anchor(event.anchor)  # as ruamel keeps it
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                frame = stack.pop()
                if frame.anchor is not None:
                    anchors[frame.anchor] = (frame.container, frame.mark)
                if not stack:
                    return root
                continue
            elif kind is AliasEvent:
                if event.anchor not in anchors:  # unknown, or still open (recursive)
                    raise _Unsupported("alias")
                value, mark = anchors[event.anchor]
            else:
                raise _Unsupported(kind.__name__)
            if stack:
                stack[-1].attach(value, mark)
            else:
                root = value
            if kind is MappingStartEvent or kind is SequenceStartEvent:
                stack.append(_Frame(value, lines, event.anchor, mark))
            elif not stack:
                return root


class _Delegate:
    """A plain scalar built by the caller's ruamel constructor: its implicit tag."""

    __slots__ = ("tag",)

    def __init__(self, tag: str):
        self.tag = tag


_UNKNOWN: Final = object()
#: plain scalar text -> its value (str, None, bool) or the :class:`_Delegate` that builds
#: it; annotation files repeat keys and term CURIEs, so most lookups hit
_PLAIN: dict[str, Any] = {}
_PLAIN_LIMIT = 50_000


def _plain(value: str) -> Any:
    """What a plain scalar is under ruamel's YAML 1.2 resolver (remembered in _PLAIN)."""
    if not value:
        raise _Unsupported("empty plain scalar (ruamel places it differently)")
    tag = _resolve(value)
    if tag == _STR:
        found: Any = value
    elif tag == _NULL:
        found = None
    elif tag == _BOOL:
        found = value.lower() == "true"
    elif tag in _DELEGATED:
        found = _Delegate(tag)
    else:  # merge key `<<`, value key `=`
        raise _Unsupported(tag)
    if len(_PLAIN) >= _PLAIN_LIMIT:
        _PLAIN.clear()
    _PLAIN[value] = found
    return found


_NO_KEY: Final = object()
_LINE_COL: Final = LineCol.attrib
_set_item = OrderedDict.__setitem__
_append = list.append
_contains = OrderedDict.__contains__  # a new map has no merged keys to look through


class _Frame:
    """An open mapping or sequence, its positions, and the key waiting for its value."""

    __slots__ = ("anchor", "container", "is_map", "key", "key_mark", "lines", "mark")

    def __init__(self, container: Any, lines: LineCol, anchor: str | None, mark: Any):
        self.container, self.lines, self.anchor, self.mark = container, lines, anchor, mark
        self.is_map = type(container) is CommentedMap
        self.key: Any = _NO_KEY
        self.key_mark: Any = None

    def attach(self, value: Any, mark: Any) -> None:
        """Put a composed node in, recording its position as ruamel's round-trip
        constructor does (``lc.data``: key -> [key line, key col, value line, value col],
        index -> [line, col]); the containers' own methods are bypassed for speed, with
        the same effect on a new container."""
        container = self.container
        data = self.lines.data
        if data is None:
            data = self.lines.data = {}
        if not self.is_map:
            data[len(container)] = [mark.line, mark.column]
            _append(container, value)
            return
        key = self.key
        if key is _NO_KEY:
            if type(value) is CommentedMap or type(value) is CommentedSeq:
                raise _Unsupported("complex key")
            self.key, self.key_mark = value, mark
            return
        if _contains(container, key):
            raise _Unsupported("duplicate key")  # ruamel reports it
        _set_item(container, key, value)
        container._ok.add(key)
        data[key] = [self.key_mark.line, self.key_mark.column, mark.line, mark.column]
        self.key = _NO_KEY


def compose(text: str, typed: TypedScalar) -> Any:
    """The round-trip tree of ``text``, or :data:`FALLBACK` when ruamel must read it.

    ``typed(tag, text)`` builds ints, floats and timestamps (with the reader's ruamel
    constructor, so that its special cases, such as impossible dates, apply here too).
    """
    if CParser is None or _UNUSUAL.search(text):
        return FALLBACK
    try:
        return _Composer(CParser(text), typed).run()
    except (LibYamlError, _Unsupported):
        return FALLBACK

"""Guards for text read from users' files and command lines.

Why: Python lets text that is not valid Unicode through in two ways, and both used to
end in a traceback (or worse, a half-written file) far from where the text came from:

- bytes that are not UTF-8 in a file (``UnicodeDecodeError`` without a line number);
- lone ("unpaired") surrogates: ``\\udce9`` escapes in YAML or JSON strings, and the
  ``surrogateescape`` form in which a non-UTF-8 command-line argument reaches Python
  (``--title $'caf\\xe9'`` arrives as ``'caf\\udce9'``). Such a string cannot be encoded,
  stored or printed as UTF-8.

And deeply nested JSON makes recursive readers raise ``RecursionError``.
The helpers here turn each case into an :class:`InputError` (exit 2) that names the file,
the line and the byte, or (for strings) return where the bad character is so that callers
can report it at the field where it was written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..errors import InputError

#: Deepest nesting of mappings/lists (YAML) or objects/arrays (JSON) that is read. An
#: annotation file needs 6 levels; JSON-LD and CSL-JSON need fewer than 20.
MAX_DEPTH = 64

_SURROGATE = re.compile("[\ud800-\udfff]")
#: A ``\\uD800``–``\\uDFFF`` escape (a surrogate code point) in N-Triples/Turtle/JSON source text.
_SURROGATE_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*(\\u[dD][89a-fA-F][0-9a-fA-F]{2})")


def surrogate_at(text: str) -> int | None:
    """Index of the first lone surrogate in ``text``, else ``None``.

    >>> surrogate_at("café"), surrogate_at("caf\\udce9")
    (None, 3)
    """
    match = _SURROGATE.search(text)
    return match.start() if match else None


def printable(text: str) -> str:
    """``text`` with lone surrogates written as ``\\udce9`` escapes, safe to print.

    >>> printable("caf\\udce9")
    'caf\\\\udce9'
    """
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def surrogate_message(text: str) -> str:
    """Why a string with a lone surrogate is refused, naming the character and position.

    A surrogate from ``surrogateescape`` (U+DC80–U+DCFF) stands for one raw byte: name it.

    >>> print(surrogate_message("caf\\udce9"))  # doctest: +ELLIPSIS
    `caf\\udce9` is not valid Unicode text: character 4 is a lone surrogate (the byte 0xe9, ...)
    """
    index = surrogate_at(text)
    assert index is not None
    code = ord(text[index])
    what = "a lone surrogate"
    if 0xDC80 <= code <= 0xDCFF:
        what += (
            f" (the byte 0x{code - 0xDC00:02x}, which is not UTF-8: Latin-1 or Windows-1252 text?)"
        )
    else:
        what += f" (U+{code:04X}; an escape such as `\\u{code:04x}` must be part of a pair)"
    return f"`{printable(text)}` is not valid Unicode text: character {index + 1} is {what}"


#: Byte-order marks of encodings other than UTF-8 (UTF-32 first: its LE mark starts like
#: UTF-16's).
_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


class NotTextError(InputError):
    """A file is binary or not UTF-8; ``reason`` without the location, which is kept in
    ``line``/``column`` (1-based, ``None`` when the file as a whole is at fault)."""

    def __init__(
        self, name: str, reason: str, line: int | None = None, column: int | None = None
    ) -> None:
        self.name, self.reason, self.line, self.column = name, reason, line, column
        where = name + (f":{line}:{column}" if line else "")
        super().__init__(f"{where}: {reason}")


def decode_utf8(data: bytes, name: str) -> str:
    """Decode a file's bytes as UTF-8 (a leading BOM is dropped), or raise an
    :class:`NotTextError` naming the line, column and byte offset of the first bad byte.

    >>> decode_utf8(b"a: 1\\nb: caf\\xe9\\n", "x.yaml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    normspace.annotation.textinput.NotTextError: x.yaml:2:7: not UTF-8 text: byte 0xe9 at byte ...
    """
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            raise NotTextError(
                name,
                f"{encoding} text (it starts with a {encoding} byte-order mark), not UTF-8; "
                "save the file as UTF-8",
            )
    if b"\x00" in data[:8192]:
        raise NotTextError(name, "a binary file (it contains NUL bytes), not a text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start
        line = data.count(b"\n", 0, start) + 1
        column = start - (data.rfind(b"\n", 0, start) + 1) + 1
        reason = (
            f"not UTF-8 text: byte 0x{data[start]:02x} at byte offset {start} is not valid "
            f"UTF-8 ({exc.reason}); save the file as UTF-8"
        )
        raise NotTextError(name, reason, line, column) from exc


def check_surrogate_escapes(text: str, name: str) -> None:
    """Refuse ``\\uD800``–``\\uDFFF`` escapes in Turtle/N-Triples source text, with the line.

    A surrogate escape denotes no character; parsers let it through as a lone surrogate,
    which then cannot be stored or written.

    >>> check_surrogate_escapes('<a:s> <a:p> "caf\\\\udce9" .', "x.nt")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    normspace.errors.InputError: x.nt:1: `\\udce9` escapes a lone surrogate, which is not a ...
    """
    match = _SURROGATE_ESCAPE.search(text)
    if match is None:
        return
    line = text.count("\n", 0, match.start(1)) + 1
    raise InputError(
        f"{name}:{line}: `{match.group(1)}` escapes a lone surrogate, which is not a character; "
        "write the character itself (UTF-8) or, outside the BMP, a `\\U0001F600`-style escape"
    )


def json_depth_exceeded(text: str, limit: int = MAX_DEPTH) -> int | None:
    """Offset where JSON text nests deeper than ``limit`` objects/arrays, else ``None``.

    Scans the text once (strings skipped), so it cannot itself recurse.

    >>> json_depth_exceeded("[[[1]]]", 2), json_depth_exceeded('["[[[["]', 2)
    (2, None)
    """
    depth = 0
    in_string = escaped = False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return index
        elif char in "]}":
            depth -= 1
    return None


def check_json_depth(text: str, name: str, limit: int = MAX_DEPTH) -> None:
    """Raise an :class:`InputError` with the line when JSON nests deeper than ``limit``."""
    offset = json_depth_exceeded(text, limit)
    if offset is not None:
        line = text.count("\n", 0, offset) + 1
        raise InputError(
            f"{name}:{line}: JSON nested deeper than {limit} levels of objects and arrays; "
            "this is not an annotation or reference file (or it is corrupted)"
        )


def strings_with_surrogates(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """``(path, string)`` of every key or string value holding a lone surrogate in parsed
    JSON (iterative, so deep input cannot make it recurse).

    >>> list(strings_with_surrogates([{"title": "caf\\udce9"}]))
    [('[0].title', 'caf\\udce9')]
    """
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, str):
            if surrogate_at(node) is not None:
                yield where, node
        elif isinstance(node, dict):
            for key, item in reversed(list(node.items())):
                sub = f"{where}.{key}" if where else str(key)
                if isinstance(key, str) and surrogate_at(key) is not None:
                    yield where or "(top level)", key
                stack.append((sub, item))
        elif isinstance(node, list):
            for index in range(len(node) - 1, -1, -1):
                stack.append((f"{where}[{index}]", node[index]))

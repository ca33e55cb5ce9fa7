"""Rewrite a format-1 annotation file as format 2 (``normspace migrate``).

Why a structural rewrite on the ruamel round-trip tree and not "read the model, write YAML":
an annotation file is hand-written text. Its comments, its quoting, its flow or block lists
and its key order are the annotator's; regenerating the file from the model would keep the
data and lose all of that. So the rewrite moves the existing nodes (with the comments attached
to them) and adds only what format 2 needs:

- ``format: 2`` at the top (or in place of ``format: 1``);
- ``tags:`` keeps the paper-level slots (``disciplines``; ``research_methods``) and every other
  slot moves, in its order, into ``contribution:``, which takes the place of ``tags:``;
- the top-level ``trade_offs:`` becomes the contribution's ``trade_offs:``;
- ``annotation.proposes_no_approach: true`` becomes the contribution's ``none: [approaches]``
  (``false`` said nothing in format 1 and is dropped, its comment kept);
- a comment listing the roles: a role is never guessed, the annotator chooses it.

Lossless means: the RDF of the format-1 file is isomorphic to the RDF of the migrated file
(``tests/test_migrate.py`` checks it on every fixture and the corpus). A file already at
format 2 is returned unchanged, byte for byte, so running the migration twice is harmless.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.tokens import CommentToken

from ..errors import InputError
from .model import CURRENT_FORMAT, FIRST_FORMAT
from .slots import FORMAT_KEY, PAPER_SLOTS, ROLE_ALIASES
from .yaml_source import (
    ImpossibleDate,
    YamlSourceError,
    key_position,
    loader,
    node_position,
    parse_yaml,
    read_text,
)

__all__ = [
    "CURRENT_FORMAT",
    "LEGACY_FORMAT",
    "Migration",
    "MigrationError",
    "format_version",
    "migrate_file",
    "migrate_text",
    "read_text",
]

#: The format this module writes, and the deprecated one it reads (the model's constants).
LEGACY_FORMAT = FIRST_FORMAT
#: Top-level keys that only a format-2 file has: a file with them but without
#: ``format: 2`` was written for format 2 and forgot the version, it is not format 1.
_V2_ROOT_KEYS = ("contribution", "contributions")
#: Keys of which at least one makes a mapping an annotation file.
_ANNOTATION_KEYS = ("paper", "annotation", "tags")
#: ``tags:`` keys that stay paper-level in format 2 (from the slot table, one source).
_PAPER_TAG_KEYS = tuple(slot.key for slot in PAPER_SLOTS)
#: The comment left where the annotator has to choose a role.
ROLE_HINT = "role: " + " | ".join(ROLE_ALIASES)
#: Wide enough that ruamel never folds a long quoted string onto a second line.
_WIDTH = 1 << 16


class MigrationError(InputError):
    """The text is not a format-1 annotation that can be migrated (exit code 2).

    The message names the file, the line when known, the field, and what would be valid.
    """

    def __init__(self, path: str, message: str, line: int | None = None, field: str = ""):
        self.path, self.reason, self.line, self.field = path, message, line, field
        where = path + (f":{line}" if line else "")
        super().__init__(f"{where}: {field + ': ' if field else ''}{message}")


@dataclass(frozen=True)
class Migration:
    """One file's text before and after migration (``migrated == original`` at format 2)."""

    path: Path
    original: str
    migrated: str

    @property
    def changed(self) -> bool:
        """Whether the file was at format 1 (and so was rewritten)."""
        return self.migrated != self.original


# ---------------------------------------------------------------- reading


def _round_trip_yaml(text: str) -> YAML:
    """The reader's loader (same duplicate-key, depth and date handling), set up to write
    back what it read: original quotes, no folding of long lines, the file's indentation
    and ``{key: value}`` braces in flow lists (ruamel drops them for one-key mappings)."""
    yaml = loader()
    yaml.preserve_quotes = True
    yaml.width = _WIDTH
    yaml.brace_single_entry_mapping_in_flow_sequence = True
    mapping, offset = _indentation(text)
    yaml.indent(mapping=mapping, sequence=offset + 2, offset=offset)
    yaml.explicit_start = _first_content_line(text).startswith("---")
    representer = yaml.representer
    representer.add_representer(ImpossibleDate, _represent_impossible_date)
    return yaml


def _represent_impossible_date(representer: RoundTripRepresenter, data: ImpossibleDate) -> Any:
    """Write ``2026-02-30`` back as it was written (plain): the migration moves data, the
    reader reports the impossible day at its line."""
    return representer.represent_scalar("tag:yaml.org,2002:timestamp", str(data))


_BLOCK_KEY = re.compile(r"^( *)[^\s#\-][^#]*?:\s*(#.*)?$")


def _indentation(text: str) -> tuple[int, int]:
    """The file's mapping indent and the offset of ``-`` under a key (2 and 2 by default),
    from the first nested mapping and the first block list, so that a migrated file keeps
    the layout of the original instead of ruamel's default."""
    lines = [
        line
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#") and "\t" not in line[:1]
    ]
    mapping: int | None = None
    offset: int | None = None
    for line, following in zip(lines, lines[1:], strict=False):
        match = _BLOCK_KEY.match(line)
        if not match:
            continue
        step = len(following) - len(following.lstrip(" ")) - len(match.group(1))
        if following.lstrip().startswith("- "):
            offset = step if offset is None and step >= 0 else offset
        elif mapping is None and step > 0:
            mapping = step
        if mapping is not None and offset is not None:
            break
    return mapping or 2, 2 if offset is None else offset


def _before_document_start(text: str) -> str:
    """The comment lines above a ``---`` line, which ruamel does not keep (it attaches
    comments to nodes, and there is no node before the document starts)."""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.startswith("---"):
            return "".join(lines[:index]).replace("\r\n", "\n")
        if line.strip() and not line.startswith("#"):
            break
    return ""


def _first_content_line(text: str) -> str:
    """The first line that is not blank or a comment (``---`` when the file has one)."""
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            return line
    return ""


def _load(text: str, path: str) -> tuple[YAML, Any]:
    """Parse with the round-trip settings; a file that does not parse is reported by the
    reader's own parser, so that migrate and validate give the same message for it."""
    yaml = _round_trip_yaml(text)
    try:
        return yaml, yaml.load(text)
    except (YAMLError, ValueError) as exc:
        parse_yaml(text, path)  # raises YamlSourceError with line, column and advice
        raise YamlSourceError(path, f"YAML syntax error: {exc}") from exc


# ---------------------------------------------------------------- the version


def format_version(root: Any, path: str = "<text>") -> int:
    """The format of a parsed annotation file: 1 (no ``format`` key, or ``format: 1``) or 2.

    Anything that is not an annotation mapping, or names another format, raises
    :class:`MigrationError` saying what was found and what is valid.
    """
    if root is None:
        raise MigrationError(path, "the file is empty: not an annotation, nothing to migrate")
    if not isinstance(root, CommentedMap):
        raise MigrationError(
            path,
            f"not an annotation: expected a mapping with `paper:` and `annotation:`, found "
            f"{_kind(root)}",
        )
    if FORMAT_KEY not in root:
        if not any(key in root for key in _ANNOTATION_KEYS):
            found = ", ".join(f"`{key}`" for key in list(root)[:5])
            raise MigrationError(
                path,
                "not an annotation: it has none of the keys `paper`, `annotation`, `tags` "
                f"(found {found}); nothing to migrate",
            )
        return LEGACY_FORMAT
    value = root[FORMAT_KEY]
    # whole numbers only, as the reader reads them (`2.0`, `"2"` and `true` are not versions)
    if type(value) is int and value in (LEGACY_FORMAT, CURRENT_FORMAT):
        return value
    line = key_position(root, FORMAT_KEY)
    raise MigrationError(
        path,
        f"unknown format `{_as_written(value)}`: valid are `format: {CURRENT_FORMAT}` "
        f"(current) and `format: {LEGACY_FORMAT}` (deprecated; the same as no `format` key)",
        line[0] if line else None,
        FORMAT_KEY,
    )


def _kind(value: Any) -> str:
    """How a wrong value is named in a message: ``a list``, ``the text `no```, ..."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return f"the text `{value}`"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"the number `{value}`"
    return f"`{_as_written(value)}`"


def _as_written(value: Any) -> str:
    """A scalar in YAML spelling (``true``, ``"2"``), not Python's (``True``, ``2``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return f'"{value}"' if isinstance(value, str) else str(value)


# ---------------------------------------------------------------- the rewrite


def migrate_text(text: str, path: str = "<text>") -> str:
    """``text`` rewritten as format 2; already-format-2 text is returned unchanged.

    ``path`` names the file in messages. Raises :class:`MigrationError` (or the reader's
    :class:`YamlSourceError`), both :class:`InputError`, for text that is not a format-1
    or format-2 annotation.
    """
    yaml, root = _load(text, path)
    if format_version(root, path) == CURRENT_FORMAT:
        return text
    _check_not_v2(root, path)
    _Rewrite(root, path, _indentation(text)[0]).run()
    out = StringIO()
    yaml.dump(root, out)
    migrated = _before_document_start(text) + out.getvalue()
    return migrated.replace("\n", "\r\n") if "\r\n" in text else migrated


def migrate_file(path: Path) -> Migration:
    """Read one file and migrate it (nothing is written: see ``normspace migrate``)."""
    original = read_text(path)
    return Migration(path, original, migrate_text(original, str(path)))


def _check_not_v2(root: CommentedMap, path: str) -> None:
    """A format-1 file (no ``format``) with format-2 keys is a format-2 file that forgot
    the version; migrating it would nest one contribution inside the other."""
    for key in _V2_ROOT_KEYS:
        if key in root:
            line = key_position(root, key)
            raise MigrationError(
                path,
                f"`{key}` is a format-2 key but the file has no `format: {CURRENT_FORMAT}`: "
                f"add `format: {CURRENT_FORMAT}` at the top instead of migrating it",
                line[0] if line else None,
                key,
            )


class _Rewrite:
    """The format-1 -> format-2 rewrite of one parsed file (mutates ``root``)."""

    def __init__(self, root: CommentedMap, path: str, indent: int):
        self.root, self.path, self.indent = root, path, indent

    def run(self) -> None:
        root = self.root
        contribution, place = self._contribution()
        tags = self._paper_tags(contribution)
        _insert(root, place, "contribution", contribution, self._take_comment(root, "tags"))
        if tags is not None:
            _insert(root, place, "tags", tags)
        absence = self._absence()
        if absence:
            none = CommentedSeq(absence)
            none.fa.set_flow_style()
            at = len(contribution)
            _insert(contribution, at, "none", none, self.none_comment)
        if "trade_offs" in root:
            comment = self._take_comment(root, "trade_offs")
            trade_offs = root.pop("trade_offs")
            column = node_position(trade_offs)
            inside = column[1] - 1 if column else 1
            _shift_comments([comment, *_subtree_comments(trade_offs)], self.indent, inside)
            _insert(contribution, len(contribution), "trade_offs", trade_offs, comment)
        self._role_hint(contribution)
        if FORMAT_KEY in root:
            root[FORMAT_KEY] = CURRENT_FORMAT
        else:
            root.insert(0, FORMAT_KEY, CURRENT_FORMAT)

    def _contribution(self) -> tuple[CommentedMap, int]:
        """The ``tags:`` mapping itself becomes the contribution (its comments, order and
        style come along), and takes the place of ``tags:``; without tags, a new mapping
        goes where tags would have been (before trade-offs and assumptions)."""
        root = self.root
        keys = list(root)
        if "tags" not in root or root["tags"] is None:
            place = next(
                (keys.index(k) for k in ("tags", "trade_offs", "assumptions") if k in root),
                len(keys),
            )
            if "tags" in root:
                del root["tags"]  # its comment stays in root.ca for run() to move
            return CommentedMap(), place
        tags = root["tags"]
        if not isinstance(tags, CommentedMap):
            line = key_position(root, "tags")
            raise MigrationError(
                self.path,
                f"expected a mapping of tag slots (`values:`, `approaches:`, ...), found "
                f"{_kind(tags)}; fix it before migrating",
                line[0] if line else None,
                "tags",
            )
        place = keys.index("tags")
        root.pop("tags")
        tags.fa.set_block_style()
        return tags, place

    def _paper_tags(self, contribution: CommentedMap) -> CommentedMap | None:
        """Move the paper-level slots out of the contribution into a new ``tags:``."""
        moved = [key for key in _PAPER_TAG_KEYS if key in contribution]
        if not moved:
            return None
        tags = CommentedMap()
        for key in moved:
            comment = self._take_comment(contribution, key)
            _insert(tags, len(tags), key, contribution.pop(key), comment)
        return tags

    def _absence(self) -> list[str]:
        """``proposes_no_approach`` -> ``none: [approaches]``; its comment goes along."""
        self.none_comment: list[Any] | None = None
        annotation = self.root.get("annotation")
        key = "proposes_no_approach"
        if not isinstance(annotation, CommentedMap) or key not in annotation:
            return []
        flag = annotation[key]
        if not isinstance(flag, bool):
            line = key_position(annotation, key)
            raise MigrationError(
                self.path,
                f"expected `true` or `false`, found {_kind(flag)}; fix it before migrating",
                line[0] if line else None,
                f"annotation.{key}",
            )
        comment = self._take_comment(annotation, key)
        keys = list(annotation)
        index = keys.index(key)
        del annotation[key]
        if flag:
            self.none_comment = comment
            return ["approaches"]
        if index > 0:
            _merge_trailing(annotation, keys[index - 1], comment, self.indent)
        return []

    def _role_hint(self, contribution: CommentedMap) -> None:
        """``# role: proposes | applies | ...`` as the first line of the contribution (at
        the end of ``contribution: {}`` when it is empty)."""
        if not contribution:
            entry = self.root.ca.items.get("contribution")
            kept = entry[2] if entry and isinstance(entry[2], CommentToken) else None
            if kept is not None and kept.value.startswith("#"):  # `tags:  # a comment`
                kept.value = f"# {ROLE_HINT}  {kept.value}"
                kept.column = len("contribution: {}") + 2
            else:
                self.root.yaml_add_eol_comment(ROLE_HINT, "contribution")
            return
        entry = self.root.ca.items.setdefault("contribution", [None, None, None, None])
        hint = CommentToken(f"# {ROLE_HINT}\n", CommentMark(self.indent))
        entry[3] = [hint, *(entry[3] or [])]
        if contribution.ca.comment is not None and contribution.ca.comment[1]:
            contribution.ca.comment[1] = list(entry[3])

    @staticmethod
    def _take_comment(mapping: CommentedMap, key: str) -> list[Any] | None:
        return mapping.ca.items.pop(key, None)


def _insert(
    mapping: CommentedMap, index: int, key: str, value: Any, comment: list[Any] | None = None
) -> None:
    """Insert ``key`` at ``index`` with the comment entry it had where it came from."""
    mapping.insert(index, key, value)
    if comment is not None:
        mapping.ca.items[key] = comment


def _merge_trailing(
    mapping: CommentedMap, key: str, comment: list[Any] | None, indent: int
) -> None:
    """Append the comment of a removed key, as full lines, after the value of ``key``."""
    removed = comment[2] if comment and len(comment) > 2 else None
    if not isinstance(removed, CommentToken):
        return
    text = removed.value
    lines = text[1:] if text.startswith("\n") else " " * indent + text
    entry = mapping.ca.items.setdefault(key, [None, None, None, None])
    if isinstance(entry[2], CommentToken):
        entry[2].value = entry[2].value + lines
    else:
        entry[2] = CommentToken("\n" + lines, CommentMark(0))


def _tokens(node: Any) -> Iterator[CommentToken]:
    """Every comment token in a (nested) ruamel comment structure."""
    if isinstance(node, CommentToken):
        yield node
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _tokens(item)
    elif isinstance(node, dict):
        for item in node.values():
            yield from _tokens(item)


def _subtree_comments(node: Any) -> Iterator[CommentToken]:
    """The comment tokens attached to a node and to every node below it."""
    if isinstance(node, CommentedMap | CommentedSeq):
        ca = node.ca
        yield from _tokens([ca.comment, ca.items, ca.end])
        children = node.values() if isinstance(node, CommentedMap) else node
        for child in children:
            yield from _subtree_comments(child)


def _shift_comments(comments: Any, shift: int, inside: int) -> None:
    """Indent the comments of a block moved ``shift`` columns deeper. Full-line comments
    less indented than the block's content (column ``inside``) belong to an enclosing level
    (the comment above the next top-level key) and stay where they are. A token can be
    attached to two nodes (a key's and its value's comment): each is moved once."""
    inside = max(inside, 1)
    seen: set[int] = set()
    for token in _tokens(comments):
        if id(token) in seen:
            continue
        seen.add(id(token))
        first, *rest = token.value.split("\n")
        if first.strip() and token.column >= inside:
            token.column += shift
        shifted = [" " * shift + line if _indent_of(line) >= inside else line for line in rest]
        token.value = "\n".join([first, *shifted])


def _indent_of(line: str) -> int:
    """Columns of leading spaces; a blank line counts as not indented (it stays blank)."""
    return len(line) - len(line.lstrip(" ")) if line.strip() else 0

"""Deep comparison of two round-trip YAML trees: values, types and every recorded position."""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar


def tree_differences(fast: Any, reference: Any, where: str = "$") -> list[str]:
    """Every difference between two trees (empty when they are the same), naming the path."""
    if type(fast) is not type(reference):
        return [f"{where}: type {type(fast).__name__} != {type(reference).__name__}"]
    if isinstance(reference, CommentedMap):
        return _map_differences(fast, reference, where)
    if isinstance(reference, CommentedSeq):
        return _seq_differences(fast, reference, where)
    if isinstance(reference, TaggedScalar):  # no __eq__: compare what it holds
        fast, reference = _tagged(fast), _tagged(reference)
    both_nan = fast != fast and reference != reference  # NaN is not equal to itself
    if (fast != reference and not both_nan) or repr(fast) != repr(reference):
        return [f"{where}: value {fast!r} != {reference!r}"]
    return []


def _tagged(scalar: TaggedScalar) -> tuple[str, str | None, str]:
    return scalar.value, scalar.style, str(scalar.tag)


def _start(node: CommentedMap | CommentedSeq) -> tuple[int, int]:
    return node.lc.line, node.lc.col


def _map_differences(fast: CommentedMap, reference: CommentedMap, where: str) -> list[str]:
    found = []
    if _start(fast) != _start(reference):
        found.append(f"{where}: starts at {_start(fast)} != {_start(reference)}")
    if list(fast) != list(reference):
        return [*found, f"{where}: keys {list(fast)} != {list(reference)}"]
    for key in reference:
        if [type(k) for k in fast if k == key] != [type(k) for k in reference if k == key]:
            found.append(f"{where}: key {key!r} has another type")
        mine_at, theirs_at = fast.lc.data.get(key), reference.lc.data.get(key)  # merged: none
        if mine_at != theirs_at:
            found.append(f"{where}.{key}: position {mine_at} != {theirs_at}")
        found += tree_differences(fast[key], reference[key], f"{where}.{key}")
    return found


def _seq_differences(fast: CommentedSeq, reference: CommentedSeq, where: str) -> list[str]:
    found = []
    if _start(fast) != _start(reference):
        found.append(f"{where}: starts at {_start(fast)} != {_start(reference)}")
    if len(fast) != len(reference):
        return [*found, f"{where}: {len(fast)} items != {len(reference)}"]
    for index, (mine, theirs) in enumerate(zip(fast, reference, strict=True)):
        if fast.lc.data[index] != reference.lc.data[index]:
            found.append(
                f"{where}[{index}]: position {fast.lc.data[index]} != {reference.lc.data[index]}"
            )
        found += tree_differences(mine, theirs, f"{where}[{index}]")
    return found

"""Atomic writes of user files.

Why: writing a user's file with ``Path.write_text`` truncates it first; if
encoding or the disk then fails, the user is left with an empty or half-written
file (issue 7: ``new --force`` left an existing annotation at 0 bytes). Here the
new content is fully encoded *before* anything touches the disk, written to a
temporary file in the same folder (so the rename stays on one file system),
flushed and fsynced, and only then moved over the target with ``os.replace``,
which is atomic on POSIX and Windows. A reader therefore sees either the old
file or the complete new one, never a truncated one.

Example::

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> target = folder / "paper.yaml"
    >>> _ = target.write_text("old\\n", encoding="utf-8")
    >>> atomic_write_text(target, "new\\n")
    >>> target.read_text(encoding="utf-8")
    'new\\n'
    >>> try:
    ...     atomic_write_text(target, "caf\\udce9")   # lone surrogate: cannot encode
    ... except UnicodeEncodeError:
    ...     pass
    >>> target.read_text(encoding="utf-8")              # old content kept
    'new\\n'
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write_bytes", "atomic_write_text"]


def atomic_write_bytes(target: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``target`` with ``data`` atomically (temp file + fsync + rename).

    The target is never truncated: on any error the temporary file is removed
    and the previous content (or absence) of ``target`` is left untouched.
    An existing target's permission bits are kept, and a target the user may not write
    is refused (``PermissionError``) as a plain write would be, not silently replaced.
    """
    path = Path(target)
    folder = path.parent if str(path.parent) else Path(".")
    if path.exists() and not os.access(path, os.W_OK):
        # a rename would replace even a read-only file; keep the protection the user set
        raise PermissionError(errno.EACCES, "Permission denied (the file is read-only)", str(path))
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _copy_mode(path, tmp_name)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _fsync_folder(folder)


def atomic_write_text(target: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """Encode ``text`` first, then write it atomically to ``target``.

    Encoding happens before any file is created, so a ``UnicodeEncodeError``
    (e.g. a lone surrogate from a non-UTF-8 command-line argument) leaves the
    disk exactly as it was.
    """
    atomic_write_bytes(target, text.encode(encoding))


def _copy_mode(path: Path, tmp_name: str) -> None:
    """Give the new file the old file's permissions (mkstemp creates 0600)."""
    try:
        mode = path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp_name, mode)


def _fsync_folder(folder: Path) -> None:
    """Persist the rename itself (best effort; not possible on every platform)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

"""Durable file writes: one atomic-write helper for every file Slice keeps.

A file is written to a temporary name in its own folder, flushed to the disk, renamed over
the old one, and the folder is flushed so that the rename itself survives a power cut. A
crash at any point leaves either the old file or the new one, never half of either.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

#: Permissions of a file only its owner may read (tokens, keys).
OWNER_ONLY = 0o600


def fsync_folder(folder: Path) -> None:
    """Make renames and deletions in ``folder`` durable (POSIX; a no-op where unsupported)."""
    if not hasattr(os, "O_DIRECTORY"):
        return  # Windows: a folder cannot be opened for fsync; NTFS journals renames
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def fsync_file(path: Path) -> None:
    """Flush a file that was written by other means (SQLite, a download) to the disk."""
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def replace_durably(source: Path, target: Path) -> None:
    """Rename ``source`` over ``target`` (same file system) and make the rename durable."""
    os.replace(source, target)
    fsync_folder(target.parent)


def write_atomically(
    path: Path, data: str | bytes, mode: int = 0o666, create_folder: bool = True
) -> None:
    """Replace ``path`` with ``data`` (text is written as UTF-8), all or nothing.

    ``mode`` is the new file's permissions before the umask (:data:`OWNER_ONLY` for a
    secret; it is set exactly, whatever the umask). The folder is created if need be,
    unless ``create_folder`` is False (a path the user typed: a missing folder is a typo).
    Raises ``OSError`` (a full disk, a read-only folder); the old file is then untouched
    and no temporary file is left behind.
    """
    if create_folder:
        path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                 mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            if mode == OWNER_ONLY and hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), OWNER_ONLY)
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        replace_durably(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise

"""The snapshot folder's files, without reading them: names, sizes, deletion, sweeping.

Apart from :mod:`inference.snapshot_disk` (which reads and writes them, with numpy) so that
the app can count and delete a chat's files without loading anything heavy.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SUFFIX = ".kv"
TEMP_SUFFIX = ".tmp"


def file_name(conversation_id: str) -> str:
    """The snapshot file's name for ``conversation_id`` (ids come from outside: hashed
    into a safe, fixed-length name)."""
    return hashlib.blake2b(conversation_id.encode("utf-8"), digest_size=16).hexdigest() + SUFFIX


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (a process we may not signal counts as alive)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":  # os.kill(pid, 0) would terminate it on Windows
        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return bool(kernel32.GetLastError() == 5)  # access denied: it exists
        code = ctypes.c_ulong()
        try:
            ok = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        finally:
            kernel32.CloseHandle(handle)
        return not ok or code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def sweep_stale(root: Path) -> list[Path]:
    """Delete what processes that are gone left in ``root``: half-written temporary files
    (``NAME.PID.tmp``) and the per-process subfolders of earlier versions; returns them."""
    swept: list[Path] = []
    try:
        children = list(root.iterdir())
    except OSError:
        return swept
    for child in children:
        if child.name.isdigit():
            pid = int(child.name)
            if (pid != os.getpid() and child.is_dir() and not child.is_symlink()
                    and not pid_alive(pid)):
                shutil.rmtree(child, ignore_errors=True)
                swept.append(child)
        elif child.name.endswith(TEMP_SUFFIX):
            owner = child.name[: -len(TEMP_SUFFIX)].rpartition(".")[2]
            if owner.isdigit() and int(owner) != os.getpid() and not pid_alive(int(owner)):
                unlink(child)
                swept.append(child)
    return swept


@dataclass(frozen=True)
class FolderUsage:
    """Snapshot files in a folder: how many, and their bytes."""

    files: int
    bytes: int


def snapshot_files(root: Path) -> Iterator[tuple[Path, os.stat_result]]:
    try:
        entries = list(os.scandir(root))
    except OSError:
        return
    for entry in entries:
        if entry.name.endswith(SUFFIX):
            with contextlib.suppress(OSError):
                if entry.is_file(follow_symlinks=False):
                    yield Path(entry.path), entry.stat(follow_symlinks=False)


def folder_usage(root: Path) -> FolderUsage:
    """The snapshot files in ``root`` now (none when it does not exist)."""
    sizes = [stat.st_size for _, stat in snapshot_files(root)]
    return FolderUsage(len(sizes), sum(sizes))


def remove_conversation(root: Path, conversation_id: str) -> bool:
    """Delete ``conversation_id``'s snapshot file in ``root``; whether there was one."""
    path = root / file_name(conversation_id)
    existed = path.exists()
    unlink(path)
    return existed


def clear_folder(root: Path) -> FolderUsage:
    """Delete every snapshot file in ``root`` (and what dead processes left); what went."""
    gone = folder_usage(root)
    for path, _ in list(snapshot_files(root)):
        unlink(path)
    sweep_stale(root)
    return gone


def unlink(path: Path) -> None:
    """Delete ``path`` if it is there (whatever stops it is only a leftover)."""
    with contextlib.suppress(OSError):
        path.unlink()

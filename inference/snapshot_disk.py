"""Conversation KV snapshots spilled to disk, within a disk budget.

:class:`~inference.prompt_cache.SnapshotCache` keeps the KV state of recently left
conversations in RAM. What it evicts (and a snapshot bigger than its whole RAM budget) comes
here: one file per conversation, least recently used deleted past the disk budget, read back
when the user returns to that conversation.

A spilled snapshot holds the conversation's content, so:

- each host process writes in its own subfolder (named by its pid) created owner-only, and
  every file is created owner-only (0600);
- a file is deleted when it is read back, evicted, or superseded, and the whole subfolder
  when the model is unloaded or the cache is dropped (:meth:`SnapshotDisk.clear`);
- subfolders left behind by a process that died (its pid is not alive) are swept the first
  time a folder is configured.

Robustness: a file is written under a temporary name then renamed, and carries a header
(magic, version, token count, byte size, CRC-32 and a digest of the model + load settings)
that is checked before the state goes back into llama.cpp. Any failure (full disk,
unwritable folder, truncated or corrupt file, another model's file) makes :meth:`put` or
:meth:`take` answer False/None, and the engine re-processes the history instead.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import shutil
import struct
import sys
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

MAGIC = b"SLICEKV\x00"
VERSION = 1
# magic, version, token count, state byte size, CRC-32 of tokens + state, model key digest
HEADER = struct.Struct("<8sIIQI16s")
SUFFIX = ".kv"
_TOKEN_DTYPE = np.dtype("<i4")
_BINARY = getattr(os, "O_BINARY", 0)  # Windows would translate newlines without it

Spilled = tuple[ctypes.Array[ctypes.c_uint8], int, npt.NDArray[np.intc]]
"""A snapshot read back: llama.cpp's sequence state, its size in bytes, its tokens."""


def key_digest(key: str) -> bytes:
    """16 bytes naming a model + load settings; a snapshot is valid only for the same."""
    return hashlib.blake2b(key.encode("utf-8"), digest_size=16).digest()


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
    """Delete the subfolders of ``root`` left by processes that are gone; returns them."""
    swept: list[Path] = []
    try:
        children = list(root.iterdir())
    except OSError:
        return swept
    for child in children:
        if not child.name.isdigit() or int(child.name) == os.getpid():
            continue
        if child.is_dir() and not child.is_symlink() and not pid_alive(int(child.name)):
            shutil.rmtree(child, ignore_errors=True)
            swept.append(child)
    return swept


@dataclass
class _Entry:
    path: Path
    size: int  # bytes on disk


class SnapshotDisk:
    """Spilled snapshots of one process, least recently used deleted past ``budget_bytes``.

    Off (every :meth:`put` answers False) until :meth:`configure` gives it a folder and a
    budget above zero.
    """

    def __init__(self) -> None:
        self.root: Path | None = None
        self.budget_bytes = 0
        self._key = b""
        self._items: OrderedDict[str, _Entry] = OrderedDict()
        self._swept: set[Path] = set()

    @property
    def folder(self) -> Path | None:
        """This process's subfolder (created on the first write), or None when off."""
        return self.root / str(os.getpid()) if self.root is not None else None

    @property
    def used_bytes(self) -> int:
        return sum(entry.size for entry in self._items.values())

    @property
    def enabled(self) -> bool:
        return self.root is not None and self.budget_bytes > 0

    def __contains__(self, conversation_id: str) -> bool:
        return conversation_id in self._items

    def configure(self, root: str, budget_bytes: int, key: str) -> None:
        """Spill under ``root`` (empty: nowhere) within ``budget_bytes``, for the model and
        load settings that ``key`` names. A new folder or key drops what was spilled."""
        new_root = Path(root).expanduser().absolute() if root else None
        digest = key_digest(key)
        if new_root != self.root or digest != self._key:
            self.clear()
        self.root, self._key = new_root, digest
        self.set_budget(budget_bytes)
        if new_root is not None and new_root not in self._swept:
            self._swept.add(new_root)
            sweep_stale(new_root)

    def set_budget(self, budget_bytes: int) -> None:
        """Change the budget, deleting the least recently used files past it."""
        self.budget_bytes = max(0, budget_bytes)
        self._evict(0)

    def clear(self) -> None:
        """Delete every spilled file and this process's subfolder."""
        self._items.clear()
        folder = self.folder
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

    def discard(self, conversation_id: str) -> None:
        """Delete ``conversation_id``'s file, if there is one."""
        entry = self._items.pop(conversation_id, None)
        if entry is not None:
            _unlink(entry.path)

    def put(
        self,
        conversation_id: str,
        data: ctypes.Array[ctypes.c_uint8],
        size: int,
        tokens: npt.NDArray[np.intc],
    ) -> bool:
        """Write ``size`` bytes of sequence state from ``data`` (a ctypes buffer) and the
        ``tokens`` it holds for ``conversation_id``; False if off, too big, or it failed."""
        self.discard(conversation_id)
        folder = self.folder
        ids = np.ascontiguousarray(tokens, dtype=_TOKEN_DTYPE)
        state = memoryview(data).cast("B")[:size]
        total = HEADER.size + ids.nbytes + size
        if folder is None or not self.enabled or total > self.budget_bytes or len(state) != size:
            return False
        self._evict(total)
        crc = zlib.crc32(state, zlib.crc32(ids.tobytes()))
        header = HEADER.pack(MAGIC, VERSION, len(ids), size, crc, self._key)
        path = folder / (_file_name(conversation_id) + SUFFIX)
        temp = path.with_suffix(".tmp")
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(folder, 0o700)
            _unlink(temp)
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(header)
                out.write(ids.tobytes())
                out.write(state)
            # A cache file, not the user's data: renamed into place whole but never fsynced
            # (app.files' durable write would cost milliseconds on the request path). After
            # a power cut a torn file fails its size/CRC check and the chat is re-processed.
            os.replace(temp, path)
        except OSError:
            _unlink(temp)  # a full disk or an unwritable folder: the snapshot is lost
            return False
        self._items[conversation_id] = _Entry(path, total)
        return True

    def take(self, conversation_id: str) -> Spilled | None:
        """Read ``conversation_id``'s snapshot back and delete its file: (state buffer, its
        size, tokens), or None if there is none or it does not check out."""
        entry = self._items.pop(conversation_id, None)
        if entry is None:
            return None
        try:
            return self._read(entry.path)
        except (OSError, ValueError):
            return None
        finally:
            _unlink(entry.path)

    def _read(self, path: Path) -> Spilled | None:
        with open(path, "rb") as f:
            head = f.read(HEADER.size)
            if len(head) != HEADER.size:
                return None
            magic, version, n_tokens, size, crc, key = HEADER.unpack(head)
            expected = HEADER.size + n_tokens * _TOKEN_DTYPE.itemsize + size
            if (magic, version, key) != (MAGIC, VERSION, self._key) or size == 0:
                return None
            if os.fstat(f.fileno()).st_size != expected:
                return None  # truncated, or something appended
            ids = f.read(n_tokens * _TOKEN_DTYPE.itemsize)
            data = (ctypes.c_uint8 * size)()
            if f.readinto(data) != size:
                return None
        tokens = np.frombuffer(ids, dtype=_TOKEN_DTYPE).astype(np.intc)
        if zlib.crc32(data, zlib.crc32(ids)) != crc:
            return None
        return data, size, tokens

    def _evict(self, room: int) -> None:
        while self._items and self.used_bytes + room > self.budget_bytes:
            _, entry = self._items.popitem(last=False)
            _unlink(entry.path)


def _file_name(conversation_id: str) -> str:
    # Conversation ids come from outside: hash them into a safe, fixed-length name.
    return hashlib.blake2b(conversation_id.encode("utf-8"), digest_size=16).hexdigest()


def _unlink(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()

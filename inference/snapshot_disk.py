"""Conversation KV snapshots on disk, kept across model unloads and restarts, within a budget.

:class:`~inference.prompt_cache.SnapshotCache` keeps the KV state of recently left
conversations in RAM. What it evicts, a snapshot bigger than its whole RAM budget, and,
when the model is unloaded or the host exits, everything it still holds, comes here: one
file per conversation in one folder shared by every host process, read back when the user
returns to that conversation, in this process or a later one.

A file is valid only for what made it: the model file (its SHA-256, or while that is not
known, its path, size and modification time), the load settings that shape the KV cache
(:func:`kv_shape`) and the engine's version, all named by a :class:`SnapshotKey` whose
digest is in the file's header; the token prefix is in the file, and the engine reuses the
cache only as far as it matches the new prompt. Everything is checked before the state goes
back into llama.cpp: magic, format version, key, conversation, sizes and a CRC-32 of the
whole payload. A damaged, truncated, altered or foreign file, other KV settings, another
model, a full disk or an unwritable folder only make :meth:`SnapshotDisk.put` or
:meth:`SnapshotDisk.take` answer False/None with a log line, and the engine processes the
history again.

A spilled snapshot holds the conversation's content, so the folder is owner-only and every
file is created owner-only (0600); a file is deleted when it is read back (the state is in
the context again), superseded, evicted, refused, when its conversation is forgotten (a
chat deleted) or the cache cleared. Past the budget the least recently used go first: a
file's modification time is the last time its conversation was used, so the order holds
across restarts. Files are renamed into place whole; temporary files of a process that died
mid-write, and the per-process subfolders of earlier versions, are swept.

The folder is listed when it is configured with another folder or key, or when its
modification time says another process (a second host: `slice-chat serve`, `chat
--keep-cache`) wrote or deleted a file since; the engine configures it on every request, so
that check is one stat. Between listings an index of the files' sizes and ages is kept as
this process writes and deletes them. A file deleted behind its back is only a snapshot that
is not there: reading it finds nothing (the history is processed again) and the index drops
it.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import logging
import os
import struct
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from inference.options import LoadSettings
from inference.snapshot_files import (
    TEMP_SUFFIX,
    FolderUsage,
    clear_folder,
    file_name,
    remove_conversation,
    snapshot_files,
    sweep_stale,
    unlink,
)

_log = logging.getLogger(__name__)

MAGIC = b"SLICEKV\x00"
VERSION = 2
# magic, version, token count, state byte size, metadata byte size, CRC-32 of metadata +
# tokens + state, key digest
HEADER = struct.Struct("<8sIIQII16s")
_TOKEN_DTYPE = np.dtype("<i4")
_BINARY = getattr(os, "O_BINARY", 0)  # Windows would translate newlines without it


@dataclass(frozen=True)
class Spilled:
    """A snapshot read back: llama.cpp's sequence state, its size in bytes, its tokens, and
    the engine's metadata saved with it (the conversation's last turn)."""

    data: ctypes.Array[ctypes.c_uint8]
    size: int
    tokens: npt.NDArray[np.intc]
    meta: dict[str, Any]


def kv_shape(settings: LoadSettings) -> tuple[tuple[str, str], ...]:
    """The load settings a saved KV state depends on: the cache's type and layout (flash
    attention stores V untransposed), its size (the context; a sliding-window model's
    window cache also grows with the micro-batch). Threads, batch size and GPU layers
    change how fast it is computed, not what a restored state means."""
    return (
        ("kv_cache_type", settings.kv_cache_type),
        ("flash_attn", str(settings.flash_attn).lower()),
        ("n_ctx", str(settings.n_ctx)),
        ("n_ubatch", str(min(settings.n_ubatch, settings.n_batch))),
    )


@dataclass(frozen=True)
class SnapshotKey:
    """What a snapshot is valid for.

    ``model``: ``sha256:<hex>`` when the model file's hash is known, else its
    :func:`~inference.model_identity.file_identity`. ``also``: the file identity too, when
    ``model`` is the hash, so that a file written before the hash was known (same path,
    size and modification time: the same file) is still read.
    """

    model: str
    kv: tuple[tuple[str, str], ...]
    engine: str
    also: str = ""

    def as_dict(self, model: str | None = None) -> dict[str, Any]:
        return {"model": self.model if model is None else model, "kv": dict(self.kv),
                "engine": self.engine}

    def digest(self, model: str | None = None) -> bytes:
        """16 bytes naming this key (with ``model`` in place of :attr:`model`)."""
        text = json.dumps(self.as_dict(model), sort_keys=True)
        return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()

    def accepts(self, digest: bytes) -> bool:
        return digest == self.digest() or (bool(self.also) and digest == self.digest(self.also))

    def mismatch(self, saved: Any) -> str:
        """Why a file whose metadata names the key ``saved`` is not for this key."""
        if not isinstance(saved, dict):
            return "its key cannot be read"
        if saved.get("model") not in (self.model, self.also or self.model):
            return "it was made with another model file"
        theirs = saved.get("kv")
        if isinstance(theirs, dict) and theirs != dict(self.kv):
            changed = ", ".join(
                f"{name} {theirs.get(name)} now {value}" for name, value in self.kv
                if str(theirs.get(name)) != value
            )
            return f"it was made with other KV cache settings ({changed or 'other fields'})"
        if saved.get("engine") != self.engine:
            return f"it was made by another engine version ({saved.get('engine')})"
        return "its key does not match"


class SnapshotDisk:
    """Snapshot files in one folder, least recently used deleted past ``budget_bytes``.

    Several processes may use the folder, one after another or at once: its sizes and ages
    are read from it when :meth:`configure` is given another folder or key, and kept in an
    index as this object writes and deletes files (see the module docstring). Off (every
    :meth:`put` answers False) until :meth:`configure` gives it a folder and a budget above
    zero.
    """

    def __init__(self) -> None:
        self.root: Path | None = None
        self.budget_bytes = 0
        self.key: SnapshotKey | None = None
        self._swept: set[Path] = set()
        # file name -> (bytes, last used), for the folder and key it was listed for
        self._index: dict[str, tuple[int, float]] = {}
        self._listed: tuple[Path | None, SnapshotKey | None] | None = None
        # The folder's modification time when the index was last known to match it: another
        # process's file written or deleted since changes it, and the folder is listed again.
        self._stamp: int | None = None

    @property
    def folder(self) -> Path | None:
        """The folder, or None when off."""
        return self.root

    @property
    def used_bytes(self) -> int:
        return sum(size for size, _ in self._index.values())

    @property
    def enabled(self) -> bool:
        return self.root is not None and self.budget_bytes > 0 and self.key is not None

    def __contains__(self, conversation_id: str) -> bool:
        return self.root is not None and (self.root / file_name(conversation_id)).is_file()

    def configure(self, root: str, budget_bytes: int, key: SnapshotKey | None) -> None:
        """Use ``root`` (empty: nowhere) within ``budget_bytes`` for the snapshots of
        ``key``. Files of other keys stay (they are refused when read, and age out)."""
        new_root = Path(root).expanduser().absolute() if root else None
        self.root, self.key = new_root, key
        if new_root is not None and new_root not in self._swept:
            self._swept.add(new_root)
            for path in sweep_stale(new_root):
                _log.info("snapshots: swept %s, left by a process that is gone", path.name)
        stamp = _stamp(new_root)
        if self._listed != (new_root, key) or stamp != self._stamp:
            self._listed, self._stamp = (new_root, key), stamp
            self._index = {} if new_root is None or key is None else {
                path.name: (stat.st_size, stat.st_mtime) for path, stat in snapshot_files(new_root)
            }
        self.set_budget(budget_bytes)

    def _changed_here(self) -> None:
        """This object changed the folder: its index still matches it."""
        self._stamp = _stamp(self.root)

    def set_budget(self, budget_bytes: int) -> None:
        """Change the budget, deleting the least recently used files past it. A budget of
        0 (or no key) turns the disk off and touches nothing: the folder may be another
        process's too (clearing it is :meth:`clear`)."""
        self.budget_bytes = max(0, budget_bytes)
        if self.enabled:
            self._evict(0, float("inf"))

    def clear(self) -> FolderUsage:
        """Delete every snapshot file in the folder (the cache cleared); what went."""
        self._index.clear()
        usage = clear_folder(self.root) if self.root is not None else FolderUsage(0, 0)
        self._changed_here()
        return usage

    def discard(self, conversation_id: str) -> None:
        """Delete ``conversation_id``'s file, if there is one (the disk on)."""
        if self.root is not None and self.enabled:
            self._index.pop(file_name(conversation_id), None)
            remove_conversation(self.root, conversation_id)
            self._changed_here()

    def put(
        self,
        conversation_id: str,
        data: ctypes.Array[ctypes.c_uint8],
        size: int,
        tokens: npt.NDArray[np.intc],
        meta: dict[str, Any] | None = None,
        used_at: float | None = None,
    ) -> bool:
        """Write ``size`` bytes of sequence state from ``data`` (a ctypes buffer), the
        ``tokens`` it holds and ``meta`` (JSON-ready) for ``conversation_id``, last used at
        ``used_at`` (a wall-clock time; now by default). Room is made by deleting files
        used before it, never after; False if off, too big, no room, or it failed."""
        used_at = time.time() if used_at is None else used_at
        self.discard(conversation_id)
        root, key = self.root, self.key
        ids = np.ascontiguousarray(tokens, dtype=_TOKEN_DTYPE)
        state = memoryview(data).cast("B")[:size]
        body = json.dumps({"conversation": conversation_id, "key": key.as_dict() if key else {},
                           "engine_meta": meta or {}}, ensure_ascii=False).encode("utf-8")
        total = HEADER.size + len(body) + ids.nbytes + size
        if root is None or key is None or not self.enabled or len(state) != size:
            return False
        if total > self.budget_bytes or not self._evict(total, used_at):
            _log.info("snapshots: no room for %s (%d MB) within the disk budget",
                      conversation_id, total >> 20)
            return False
        crc = zlib.crc32(state, zlib.crc32(ids.tobytes(), zlib.crc32(body)))
        header = HEADER.pack(MAGIC, VERSION, len(ids), size, len(body), crc, key.digest())
        path = root / file_name(conversation_id)
        temp = path.with_name(f"{path.name}.{os.getpid()}{TEMP_SUFFIX}")
        try:
            root.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(root, 0o700)
            unlink(temp)
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(header)
                out.write(body)
                out.write(ids.tobytes())
                out.write(state)
            # A cache file, not the user's data: renamed into place whole but never fsynced
            # (app.files' durable write would cost milliseconds on the request path). After
            # a power cut a torn file fails its size/CRC check and the chat is re-processed.
            os.utime(temp, (used_at, used_at))
            os.replace(temp, path)
            self._index[path.name] = (total, used_at)
            self._changed_here()
        except OSError as exc:
            unlink(temp)  # a full disk or an unwritable folder: the snapshot is lost
            _log.warning("snapshots: could not write %s (%s); its history will be "
                         "processed again", conversation_id, exc.strerror or exc)
            return False
        return True

    def take(self, conversation_id: str) -> Spilled | None:
        """Read ``conversation_id``'s snapshot back and delete its file; None if there is
        none or it does not check out (a log line says why)."""
        if self.root is None or self.key is None or not self.enabled:
            return None
        path = self.root / file_name(conversation_id)
        self._index.pop(path.name, None)
        try:
            spilled, problem = self._read(path, conversation_id, self.key)
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            spilled, problem = None, f"it cannot be read ({exc})"
        finally:
            unlink(path)
            self._changed_here()
        if spilled is None:
            _log.info("snapshots: the saved cache of %s is not used: %s; its history is "
                      "processed again", conversation_id, problem)
        return spilled

    @staticmethod
    def _read(path: Path, conversation_id: str, key: SnapshotKey) -> tuple[Spilled | None, str]:
        with open(path, "rb") as f:
            head = f.read(HEADER.size)
            if len(head) != HEADER.size:
                return None, "it is truncated"
            magic, version, n_tokens, size, n_meta, crc, digest = HEADER.unpack(head)
            if magic != MAGIC:
                return None, "it is not a Slice snapshot"
            if version != VERSION:
                return None, f"it has another format (version {version})"
            expected = HEADER.size + n_meta + n_tokens * _TOKEN_DTYPE.itemsize + size
            if size == 0 or os.fstat(f.fileno()).st_size != expected:
                return None, "it is truncated or something was added to it"
            body = f.read(n_meta)
            ids = f.read(n_tokens * _TOKEN_DTYPE.itemsize)
            data = (ctypes.c_uint8 * size)()
            if f.readinto(data) != size:
                return None, "it is truncated"
        if zlib.crc32(data, zlib.crc32(ids, zlib.crc32(body))) != crc:
            return None, "its contents are damaged (CRC mismatch)"
        meta = json.loads(body.decode("utf-8"))
        if not isinstance(meta, dict) or meta.get("conversation") != conversation_id:
            return None, "it belongs to another conversation"
        if not key.accepts(digest):
            return None, key.mismatch(meta.get("key"))
        engine_meta = meta.get("engine_meta")
        tokens = np.frombuffer(ids, dtype=_TOKEN_DTYPE).astype(np.intc)
        return Spilled(data, size, tokens, engine_meta if isinstance(engine_meta, dict) else {}), ""

    def _evict(self, room: int, used_at: float) -> bool:
        """Delete the least recently used files (used before ``used_at``) until ``room``
        more bytes fit the budget; whether they do."""
        if self.root is None:
            return False
        used = self.used_bytes
        for name, (size, last_used) in sorted(self._index.items(), key=lambda item: item[1][1]):
            if used + room <= self.budget_bytes:
                break
            path = self.root / name
            if last_used > used_at and path.exists():
                continue  # used after the new one: kept (a file deleted meanwhile is not)
            unlink(path)
            del self._index[name]
            used -= size
            self._changed_here()
        return used + room <= self.budget_bytes


def _stamp(root: Path | None) -> int | None:
    """The folder's modification time (ns); None when there is none."""
    try:
        return os.stat(root).st_mtime_ns if root is not None else None
    except OSError:
        return None

"""GPU layer counts that worked, remembered after the GPU ran out of memory.

When a load or the first decode runs out of GPU memory, Slice loads the model again with
fewer layers (``app/engine/gpu_retry.py``). The count that then worked is kept here, per
model file (path, size and modification time: a changed file starts afresh) and context
size, in ``gpu-layers.json`` in the data folder; GPU layers "Auto" never offloads more than
it for that file and context again (:func:`app.models.gpu_fit.resolve_load`).

"Auto" asks on every request, so the file is read once and its entries kept until it
changes: another inode, size or modification time (a write by another process, or by hand),
or a write from this process, which keeps what it wrote.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

from app.files import write_atomically
from app.paths import app_paths

_log = logging.getLogger(__name__)
_VERSION = 1
_lock = threading.Lock()  # the engine thread writes, the GUI thread reads
_Signature = tuple[int, int, int] | None  # inode, modification time (ns), size; None: no file
# The file last read or written: its path, its signature then, and its entries.
_cached: tuple[Path, _Signature, dict[str, Any]] | None = None


def _key(model_path: str, n_ctx: int) -> str | None:
    try:
        stat = os.stat(model_path)
    except OSError:
        return None
    return f"{os.path.realpath(model_path)}|{stat.st_size}|{stat.st_mtime_ns}|{n_ctx}"


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        _log.warning("ignoring %s, which cannot be read: %s", path, exc)
        return {}
    entries = data.get("entries") if isinstance(data, dict) else None
    return entries if isinstance(entries, dict) else {}


def _signature(path: Path) -> _Signature:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def _entries(path: Path) -> dict[str, Any]:
    """``path``'s entries, read again only when the file changed (call under ``_lock``)."""
    global _cached
    signature = _signature(path)
    if _cached is not None and _cached[:2] == (path, signature):
        return _cached[2]
    entries = {} if signature is None else _read(path)
    _cached = (path, signature, entries)
    return entries


def recall(model_path: str, n_ctx: int, path: Path | None = None) -> int | None:
    """The GPU layers that worked for ``model_path`` at ``n_ctx``; None when none is kept."""
    key = _key(model_path, n_ctx)
    if key is None:
        return None
    with _lock:
        entry = _entries(path or app_paths().gpu_layers_file).get(key)
    if isinstance(entry, dict) and isinstance(entry.get("layers"), int):
        return max(0, int(entry["layers"]))
    return None


def remember(model_path: str, n_ctx: int, layers: int, tried: int,
             path: Path | None = None) -> None:
    """Keep ``layers`` (which worked after ``tried`` ran out of memory) for the file and
    context. A file that cannot be written is logged, not raised: the reply goes on."""
    key = _key(model_path, n_ctx)
    if key is None:
        return
    global _cached
    target = path or app_paths().gpu_layers_file
    with _lock:
        entries = {**_entries(target), key: {"layers": layers, "out_of_memory_at": tried}}
        try:
            write_atomically(target, json.dumps({"version": _VERSION, "entries": entries},
                                                indent=1))
        except OSError as exc:
            _log.warning("could not remember the GPU layers in %s: %s", target, exc)
            return
        _cached = (target, _signature(target), entries)

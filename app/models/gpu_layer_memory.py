"""GPU layer counts that worked, remembered after the GPU ran out of memory.

When a load or the first decode runs out of GPU memory, Slice loads the model again with
fewer layers (``app/engine/gpu_retry.py``). The count that then worked is kept here, per
model file (path, size and modification time: a changed file starts afresh) and context
size, in ``gpu-layers.json`` in the data folder; GPU layers "Auto" never offloads more than
it for that file and context again (:func:`app.models.gpu_fit.resolve_load`).
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


def recall(model_path: str, n_ctx: int, path: Path | None = None) -> int | None:
    """The GPU layers that worked for ``model_path`` at ``n_ctx``; None when none is kept."""
    key = _key(model_path, n_ctx)
    if key is None:
        return None
    with _lock:
        entry = _read(path or app_paths().gpu_layers_file).get(key)
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
    target = path or app_paths().gpu_layers_file
    with _lock:
        entries = _read(target)
        entries[key] = {"layers": layers, "out_of_memory_at": tried}
        try:
            write_atomically(target, json.dumps({"version": _VERSION, "entries": entries},
                                                indent=1))
        except OSError as exc:
            _log.warning("could not remember the GPU layers in %s: %s", target, exc)

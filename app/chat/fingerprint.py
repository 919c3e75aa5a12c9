"""What produced a reply: model file, settings, engine and hardware (saved with each reply).

A fingerprint lets a user (or a bug report) tell exactly which file, quantization, settings
and build wrote a message. Model files are hashed once, in the background, and the hash is
remembered by (path, size, modification time).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import platform
import sys
import threading
from functools import cache
from pathlib import Path
from typing import Any

from app.models.files import sha256_of
from app.remote.refs import parse_remote
from inference import __version__
from inference.events import LoadSettings, ModelInfo, Sampling


@cache
def cpu_name() -> str:
    """The CPU's model name (Linux: /proc/cpuinfo), else what the platform module knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def build_fingerprint(
    *,
    model_path: str,
    model_name: str,
    sha256: str,
    quantization: str,
    info: ModelInfo | None,
    load: LoadSettings,
    sampling: Sampling,
) -> dict[str, Any]:
    """The fingerprint of one reply, as a JSON-ready dict."""
    try:
        size = os.path.getsize(model_path)
    except OSError:
        size = 0
    return {
        "model": {
            "name": model_name,
            "file": os.path.basename(model_path),
            "path": model_path,
            "size": size,
            "sha256": sha256,
            "quantization": quantization,
            "architecture": info.architecture if info else "",
            "parameters": info.n_params if info else 0,
            "chat_template": info.template_source if info else "",
        },
        "load": load.model_dump(),
        "sampling": sampling.model_dump(),
        "engine": {
            "slice": __version__,
            "backend": info.backend if info else "",
            "context_size": info.n_ctx if info else 0,
            "system_info": info.system_info if info else "",
        },
        "hardware": {
            "cpu": cpu_name(),
            "logical_cores": os.cpu_count() or 0,
            "threads": load.n_threads,
            "threads_batch": load.n_threads_batch,
            "gpu_layers": load.n_gpu_layers,
            "os": platform.platform(),
        },
    }


def remote_fingerprint(
    *, model_path: str, model_name: str, info: ModelInfo | None, sampling: Sampling
) -> dict[str, Any]:
    """The fingerprint of a reply from a remote model: provider, model id, the server's
    engine as it reported itself (``info``: its ``Loaded``), the sampling sent. No file,
    load settings or hardware: they are the server's, which does not say."""
    remote = parse_remote(model_path)
    provider, model_id = (remote.provider, remote.model_id) if remote else ("", model_path)
    engine = info.system_info if info is not None and info.path == model_path else ""
    return {
        "model": {
            "name": model_name, "file": model_id, "path": model_path, "size": 0,
            "sha256": "", "quantization": "", "architecture": "remote", "parameters": 0,
            "chat_template": "server",
        },
        "remote": {"provider": provider, "model_id": model_id, "engine": engine},
        "sampling": sampling.model_dump(),
        "engine": {"slice": __version__, "backend": "remote", "context_size": 0,
                   "system_info": engine},
    }


def lower_thread_priority() -> None:
    """Let the calling thread run only when a core would otherwise idle (Linux: SCHED_IDLE;
    Windows: idle thread priority; elsewhere unchanged)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.sched_setscheduler(threading.get_native_id(), os.SCHED_IDLE, os.sched_param(0))
    elif sys.platform == "win32":
        kernel32 = getattr(ctypes, "windll").kernel32  # noqa: B009 (exists on Windows only)
        kernel32.SetThreadPriority(kernel32.GetCurrentThread(), -15)  # THREAD_PRIORITY_IDLE


class FileHasher:
    """Hashes model files in background threads; results are polled, never waited for.

    Threads are daemons: quitting the app never waits for a multi-gigabyte hash.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._results: dict[tuple[str, int, int], str] = {}
        self._running: set[tuple[str, int, int]] = set()

    @staticmethod
    def key(path: str) -> tuple[str, int, int] | None:
        """(path, size, mtime_ns) of a file, or None when it cannot be read."""
        try:
            stat = os.stat(path)
        except OSError:
            return None
        return (os.path.abspath(path), stat.st_size, stat.st_mtime_ns)

    def result(self, key: tuple[str, int, int]) -> str | None:
        with self._lock:
            return self._results.get(key)

    def start(self, key: tuple[str, int, int]) -> None:
        """Hash the file of ``key`` unless that is done or under way."""
        with self._lock:
            if key in self._results or key in self._running:
                return
            self._running.add(key)
        threading.Thread(target=self._hash, args=(key,), daemon=True, name="slice-hash").start()

    def _hash(self, key: tuple[str, int, int]) -> None:
        lower_thread_priority()  # a reply being generated must not share its cores with this
        try:
            digest = sha256_of(Path(key[0]))
        except OSError:
            digest = ""
        with self._lock:
            self._running.discard(key)
            if digest:
                self._results[key] = digest

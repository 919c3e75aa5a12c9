"""Capture llama.cpp's log so load failures can be explained.

llama.cpp reports why a file failed to load (unknown architecture, a missing tensor, an
allocation failure) only in its log. The log callback keeps the recent lines in memory
instead of printing them; the engine reads them to classify a failure, only those logged
since the failing request began (:meth:`LlamaLog.mark`): an earlier request's words are not
this one's cause.

llama-cpp-python silences file descriptors 1 and 2 while it loads a model, and llama.cpp
prints a failed ``GGML_ASSERT`` to stderr just before it aborts. So the echo (used by the
inference host) goes to a private copy of stderr made at import, and an abort callback sends
the assertion there too: the host's supervisor can then say what killed it.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import sys
import threading
from collections import deque
from typing import TextIO

from inference.llama_api import install_ggml_abort_callback, install_log_callback
from inference.protocol import ABORT_PREFIX

_OFFLOADED = re.compile(r"offloaded (\d+)/(\d+) layers to GPU")
# "using device Vulkan0 (llvmpipe (LLVM 15.0.6, 256 bits)) (unknown id) - 7800 MiB free"
_USING_DEVICE = re.compile(r"using device (\S+) \((.*)\) \([^()]*\) - \d+ MiB free")
_OFFLOAD = re.compile(f"{_OFFLOADED.pattern}|{_USING_DEVICE.pattern}")
_LEVEL_WARN = 2
_LEVEL_ERROR = 3
_LEVEL_CONT = 5


class LlamaLog:
    """A bounded, thread-safe buffer of llama.cpp log lines."""

    def __init__(self, max_lines: int = 200) -> None:
        self._lines: deque[tuple[int, str]] = deque(maxlen=max_lines)
        # The lines that say where a load put the layers (kept whatever the log's length).
        self._offload: list[str] = []
        self._partial = ""
        self._level = 0
        self._added = 0  # lines added since the start, cleared or not (what marks count)
        self._lock = threading.Lock()
        # The inference host echoes warnings and errors to stderr, where its supervisor
        # keeps the last lines to explain a crash.
        self.echo_to_stderr = False

    def add(self, level: int, text: str) -> None:
        with self._lock:
            if level != _LEVEL_CONT:
                self._level = level
            self._partial += text
            *complete, self._partial = self._partial.split("\n")
            lines = [(self._level, line) for line in complete if line.strip()]
            self._lines.extend(lines)
            self._added += len(lines)
            self._offload.extend(line for _, line in lines if _OFFLOAD.search(line))
        if self.echo_to_stderr:
            for level, line in lines:
                if level in (_LEVEL_WARN, _LEVEL_ERROR):
                    _echo(f"llama.cpp: {line}")

    def clear(self) -> None:
        with self._lock:
            self._lines.clear()
            self._offload.clear()
            self._partial = ""

    def offload(self) -> tuple[int, int, str]:
        """(layers offloaded, layers in all, the devices used) as the last load logged
        them: ``load_tensors: offloaded 31/31 layers to GPU`` and ``using device Vulkan0
        (llvmpipe ...) (unknown id) - 5120 MiB free``; (0, 0, "") before a load said anything."""
        with self._lock:
            lines = list(self._offload)
        offloaded = total = 0
        devices: list[str] = []
        for line in lines:
            if (match := _OFFLOADED.search(line)) is not None:
                offloaded, total = int(match.group(1)), int(match.group(2))
            elif (match := _USING_DEVICE.search(line)) is not None:
                devices.append(f"{match.group(1)} ({match.group(2)})")
        return offloaded, total, ", ".join(dict.fromkeys(devices))

    def mark(self) -> int:
        """Where the log is now: :meth:`text` of it gives only the lines logged after."""
        with self._lock:
            return self._added

    def text(self, since: int = 0) -> str:
        """The kept lines, or those logged after :meth:`mark` answered ``since``."""
        with self._lock:
            skip = max(0, since - (self._added - len(self._lines)))
            return "\n".join(line for _, line in itertools.islice(self._lines, skip, None))

    def last_error(self) -> str:
        """The last error-level line, without llama.cpp's function-name prefix."""
        with self._lock:
            for level, line in reversed(self._lines):
                if level == _LEVEL_ERROR:
                    head, sep, rest = line.partition(": ")
                    return rest.strip() if sep and " " not in head else line.strip()
        return ""


LOG = LlamaLog()


def _private_stderr() -> TextIO:
    try:
        return os.fdopen(os.dup(sys.stderr.fileno()), "w", encoding="utf-8", buffering=1)
    except (OSError, ValueError, AttributeError):  # no usable stderr (a windowed app)
        return sys.stderr


_STDERR = _private_stderr()


def _echo(line: str) -> None:
    with contextlib.suppress(OSError, ValueError):
        print(line, file=_STDERR, flush=True)


def _on_abort(message: str) -> None:
    # "/build/.../llama-model.cpp:1328: GGML_ASSERT(...) failed": keep the file's base name.
    _echo(f"{ABORT_PREFIX}{message.strip().rsplit('/', 1)[-1]}")


install_log_callback(LOG.add)
install_ggml_abort_callback(_on_abort)

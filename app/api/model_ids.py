"""Stable API ids for the library's models: made from the file name, never a path."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import PurePath

from app.models.library import ModelEntry

_UNSAFE = re.compile(r"[^a-z0-9._-]+")


def base_id(entry: ModelEntry) -> str:
    """``SmolLM2-135M-Instruct.Q4_1.gguf`` -> ``smollm2-135m-instruct.q4_1``."""
    stem = PurePath(entry.path).name
    for suffix in (".gguf", ".GGUF"):
        stem = stem.removesuffix(suffix)
    stem = re.sub(r"-0+1-of-0*\d+$", "", stem)  # the first part of a split model
    return _UNSAFE.sub("-", stem.lower()).strip("-.") or "model"


def model_ids(entries: list[ModelEntry]) -> dict[str, ModelEntry]:
    """Each model's id. Two files with the same name get a suffix made from their paths,
    so an id never changes with the library's order."""
    counts = Counter(base_id(e) for e in entries)
    ids: dict[str, ModelEntry] = {}
    for entry in entries:
        model_id = base_id(entry)
        if counts[model_id] > 1:
            tag = hashlib.sha256(entry.path.encode()).hexdigest()
            model_id = f"{model_id}-{tag[:8]}"
        ids[model_id] = entry
    return ids

"""Library models grouped by the model they are quantizations of.

Two files are the same model when their architecture and parameter count agree and their
names do once the quantization is taken out: ``SmolLM2-135M-Instruct.Q4_1.gguf`` and
``SmolLM2-135M-Instruct-Q8_0.gguf`` are one model, ``SmolLM2-135M.Q4_1.gguf`` (the base model)
another. The compare view's "every quantization of this model" starts from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

from app.models.library import ModelEntry

# A quantization named in a file or model name: Q4_K_M, IQ2_XXS, Q8_0, F16, BF16, TQ1_0...
_QUANT_WORD = r"(?:i?q|tq)\d(?:_[a-z0-9]+)*|bf16|f16|f32|fp16|fp32"
_QUANT = re.compile(rf"(?:^|[\s._()\-])({_QUANT_WORD})(?=$|[\s._()\-])", re.IGNORECASE)
_QUANT_IN_PARENS = re.compile(rf"\(\s*(?:{_QUANT_WORD})\s*\)", re.IGNORECASE)
_SPLIT = re.compile(r"-\d{5}-of-\d{5}$")
_SEPARATORS = re.compile(r"[\s._()\-]+")


@dataclass(frozen=True, slots=True)
class ModelFamily:
    """One model and the library files that hold it, smallest file first."""

    key: tuple[str, int, str]
    name: str
    entries: tuple[ModelEntry, ...]


def base_name(entry: ModelEntry) -> str:
    """The model's name without its quantization, lower case, for grouping."""
    stem = PurePath(entry.path).name
    stem = re.sub(r"\.gguf$", "", stem, flags=re.IGNORECASE)
    stem = _SPLIT.sub("", stem)
    stem = _QUANT.sub(" ", stem)
    return _SEPARATORS.sub(" ", stem).strip().lower()


def family_key(entry: ModelEntry) -> tuple[str, int, str]:
    """What makes two library files the same model (see the module's text)."""
    return (entry.architecture, entry.n_params, base_name(entry))


def model_families(entries: list[ModelEntry]) -> list[ModelFamily]:
    """The library's models grouped by :func:`family_key`, in the order first seen; each
    family's files from the smallest to the largest (the quantizations in order)."""
    groups: dict[tuple[str, int, str], list[ModelEntry]] = {}
    for entry in entries:
        groups.setdefault(family_key(entry), []).append(entry)
    families = []
    for key, members in groups.items():
        members.sort(key=lambda e: (e.size, e.quantization))
        name = _QUANT.sub(" ", _QUANT_IN_PARENS.sub(" ", members[0].name))
        families.append(ModelFamily(key, " ".join(name.split()) or key[2], tuple(members)))
    return families


def family_of(entries: list[ModelEntry], path: str) -> ModelFamily | None:
    """The family of the library model whose file is ``path`` (None: not in ``entries``)."""
    for family in model_families(entries):
        if any(e.path == path for e in family.entries):
            return family
    return None

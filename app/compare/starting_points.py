"""The comparisons offered ready-made, each built around one model."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from app.compare.resolve import ModelRef
from app.compare.targets import MAX_TARGETS, ComparisonError, Target
from app.models.families import family_of
from app.models.library import ModelLibrary
from inference.options import LoadSettings


class StartingPoint(StrEnum):
    """A ready-made comparison (the value is the command line's ``--start`` name)."""

    QUANTIZATIONS = "quantizations"
    KV_CACHE = "kv-cache"
    SPECULATIVE = "speculative"


STARTING_POINT_LABELS = {
    StartingPoint.QUANTIZATIONS: "Same model, every quantization in the library",
    StartingPoint.KV_CACHE: "Same model, KV cache f16 vs q8_0",
    StartingPoint.SPECULATIVE: "Speculative decoding on vs off",
}


def starting_targets(point: StartingPoint, model: ModelRef, library: ModelLibrary,
                     load: LoadSettings) -> tuple[Target, ...]:
    """The targets of ``point`` around ``model``, each loading with ``load`` but for what
    the comparison varies. Raises :class:`ComparisonError` when ``model`` cannot make it
    (one quantization only, a remote model)."""
    base = Target(model=model.path, name=model.name, quantization=model.quantization,
                  load=load)
    if point is StartingPoint.QUANTIZATIONS:
        if base.remote:
            raise ComparisonError(f"{model.name} is a remote model: its quantizations are "
                                  "not in the library; pick a local model")
        family = family_of(library.models(), model.path)
        entries = family.entries if family is not None else ()
        if len(entries) < 2:
            raise ComparisonError(
                f"the library holds one quantization of {model.name} only: import or "
                "download another (Models…, or slice-chat models import PATH) to compare them")
        # More than fit: the smallest and the largest, and those between them evenly.
        if len(entries) > MAX_TARGETS:
            step = (len(entries) - 1) / (MAX_TARGETS - 1)
            entries = tuple(entries[round(i * step)] for i in range(MAX_TARGETS))
        return tuple(replace(base, model=e.path, name=e.name, quantization=e.quantization)
                     for e in entries)
    if base.remote:
        raise ComparisonError(f"{model.name} is a remote model: its server decides how it "
                              "loads and decodes; pick a local model")
    if point is StartingPoint.KV_CACHE:
        # A quantized KV cache needs flash attention.
        return (replace(base, load=load.model_copy(update={"kv_cache_type": "f16"})),
                replace(base, load=load.model_copy(update={"kv_cache_type": "q8_0",
                                                           "flash_attn": True})))
    return (replace(base, speculative=False), replace(base, speculative=True))

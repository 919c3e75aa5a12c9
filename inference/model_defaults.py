"""What a model's authors recommend sampling it with, and how long its replies may run.

A reply's sampling comes, in order, from the user's overrides, the chat's preset (or an API
request's fields), the sampling the user chose in Slice, the model's recommendation and the
app's defaults (``app/models/base_sampling.py`` merges the lower three, under
``app/chat/presets.py``'s and the API server's). This module is the model's part, read from
the GGUF header alone (no weights):

1. the file's own ``general.sampling.*`` keys, which llama.cpp's converter writes from a
   model's ``generation_config.json`` (names as in the ``gguf`` package's
   ``Keys.General.SAMPLING_*``), when present;
2. else a small curated table of well-known families, keyed by architecture and name, each
   figure from the family's model card or ``generation_config.json`` (cited per entry);
3. and a reply length that fits the context (:func:`reply_token_limit`).

Every value is checked against the declared range of its :class:`Sampling` field; a value
out of range is left out, so the next source down decides it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from pydantic import ValidationError

from inference.options import Sampling

FROM_FILE: Final = "from the model file"
CONTEXT_SOURCE: Final = "fits the context"
FAMILY_SOURCE: Final = "Slice's default for {label}"  # the window translates it (ui/app_texts.py)

# llama.cpp's general.sampling.* keys Slice's sampler has a field for (gguf-py
# constants.py, Keys.General.SAMPLING_*). Mirostat, XTC, the sampler sequence and
# penalty_last_n have no field here and are ignored.
GGUF_SAMPLING_KEYS: dict[str, str] = {
    "general.sampling.temp": "temperature",
    "general.sampling.top_k": "top_k",
    "general.sampling.top_p": "top_p",
    "general.sampling.min_p": "min_p",
    "general.sampling.penalty_repeat": "repeat_penalty",
}


@dataclass(frozen=True)
class Family:
    """A well-known model family and the sampling its authors recommend."""

    label: str  # as the Chat settings dialog names it ("Slice's default for SmolLM2")
    architectures: tuple[str, ...]  # GGUF general.architecture values; () for any
    names: tuple[str, ...]  # regular expressions, one must match the model's name
    values: Mapping[str, Any]
    thinks: bool = False  # writes its reasoning before the answer: give it longer replies


# First match wins: the more specific names come before their family's general entry.
FAMILIES: tuple[Family, ...] = (
    # SmolLM2-{135M,360M,1.7B}-Instruct model cards, "How to use": generate(...,
    # temperature=0.2, top_p=0.9, do_sample=True). The repeat penalty of 1.1 is Slice's
    # own, measured on the 135M model: of twenty varied prompts (tests/test_loop_guard.py),
    # seven looped to the 1,024-token limit at 0.2/0.9 alone, one with the penalty.
    Family("SmolLM2", ("llama",), (r"smollm2",),
           {"temperature": 0.2, "top_p": 0.9, "repeat_penalty": 1.1}),
    # DeepSeek-R1 model card, "Usage Recommendations": temperature 0.5-0.7, 0.6
    # recommended; top_p 0.95 in its evaluation setup. Its distills are qwen2 or llama.
    Family("DeepSeek-R1", (), (r"deepseek[-_ ]?r1",),
           {"temperature": 0.6, "top_p": 0.95}, thinks=True),
    # Qwen3 model cards, "Best Practices" (thinking mode, the default): temperature 0.6,
    # top_p 0.95, top_k 20, min_p 0.
    Family("Qwen3", ("qwen3", "qwen3moe"), (r"",),
           {"temperature": 0.6, "top_p": 0.95, "top_k": 20, "min_p": 0.0}, thinks=True),
    # Qwen2.5-*-Instruct generation_config.json: temperature 0.7, top_p 0.8, top_k 20,
    # repetition_penalty 1.05.
    Family("Qwen2.5", ("qwen2",), (r"qwen2\.?5",),
           {"temperature": 0.7, "top_p": 0.8, "top_k": 20, "repeat_penalty": 1.05}),
    # Llama-3.1/3.2/3.3-Instruct generation_config.json: temperature 0.6, top_p 0.9.
    Family("Llama 3", ("llama",), (r"llama[-_ ]?3",), {"temperature": 0.6, "top_p": 0.9}),
    # Gemma 3 generation_config.json: top_k 64, top_p 0.95; Google's recommended
    # temperature for Gemma 3 is 1.0 (the Gemma team's guidance, as quoted by Unsloth's
    # Gemma 3 guide), with min_p off.
    Family("Gemma 3", ("gemma3",), (r"",),
           {"temperature": 1.0, "top_k": 64, "top_p": 0.95, "min_p": 0.0}),
    # Mistral-Nemo-Instruct-2407 model card: "we recommend a temperature of 0.3".
    Family("Mistral Nemo", (), (r"mistral[-_ ]?nemo",), {"temperature": 0.3}),
    # Mistral-Small-24B-Instruct-2501 (and 3.1) model card: "a relatively low temperature,
    # such as temperature=0.15".
    Family("Mistral Small", (), (r"mistral[-_ ]?small",), {"temperature": 0.15}),
    # Mistral's API reference: temperature 0.7 by default for its other chat models.
    Family("Mistral", (), (r"mistral",), {"temperature": 0.7}),
    # Phi-4-reasoning model card: temperature 0.8, top_k 50, top_p 0.95.
    Family("Phi-4 reasoning", ("phi3",), (r"phi[-_ ]?4.*reasoning",),
           {"temperature": 0.8, "top_k": 50, "top_p": 0.95}, thinks=True),
    # Phi-3, Phi-3.5 and Phi-4(-mini) model cards, sample code: temperature 0.0,
    # do_sample False (greedy).
    Family("Phi", ("phi3",), (r"",), {"temperature": 0.0}),
)


@dataclass(frozen=True)
class Recommendation:
    """The sampling a model's authors recommend: values and where each one came from.

    ``sources`` maps each field of ``values`` to its provenance in words: ``FROM_FILE``,
    ``"Slice's default for SmolLM2"``, or :data:`CONTEXT_SOURCE` for the reply length.
    """

    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    family: str = ""  # the curated family that matched, or ""

    @property
    def source(self) -> str:
        """Where the sampler values (not the reply length) came from, in words."""
        kinds = [s for name, s in self.sources.items() if s != CONTEXT_SOURCE]
        if FROM_FILE in kinds:
            return FROM_FILE
        return kinds[0] if kinds else ""


def family_label(label: str) -> str:
    return FAMILY_SOURCE.format(label=label)


def find_family(architecture: str, names: tuple[str, ...]) -> Family | None:
    """The first curated family whose architecture and name match the model."""
    text = " ".join(n.lower() for n in names if n)
    for family in FAMILIES:
        if family.architectures and architecture not in family.architectures:
            continue
        if any(re.search(pattern, text) for pattern in family.names):
            return family
    return None


def checked_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """The values valid for their sampling field on their own (others are dropped).

    GGUF files store float32: a recommended 0.95 comes back as 0.949999988..., so floats
    are rounded to 4 places.
    """
    clean: dict[str, Any] = {}
    for name, value in values.items():
        if name not in Sampling.model_fields or isinstance(value, bool):
            continue
        if isinstance(value, float):
            value = round(value, 4)
        if Sampling.model_fields[name].annotation is int and isinstance(value, float):
            if not value.is_integer():
                continue
            value = int(value)
        try:
            clean[name] = getattr(Sampling.model_validate({name: value}), name)
        except ValidationError:
            continue
    return clean


def reply_token_limit(n_ctx: int, thinks: bool = False) -> int:
    """A default max-tokens that fits a context of ``n_ctx`` tokens.

    A quarter of the context (half for a model that reasons before answering, whose
    thinking alone may run to thousands of tokens), from 256 up to 4,096 (16,384 for one
    that reasons), and never more than the context. At the usual 4,096-token context that
    is 1,024, the app's old fixed default. The engine ends a reply earlier when the free
    context runs out ("context full").
    """
    share, ceiling = (2, 16_384) if thinks else (4, 4096)
    return max(1, min(n_ctx, max(256, min(ceiling, n_ctx // share))))


def recommend(
    metadata: Mapping[str, Any], *, names: tuple[str, ...] = (), n_ctx: int = 0,
    thinks: bool = False,
) -> Recommendation:
    """The recommendation for a model with this GGUF ``metadata``.

    ``names`` are extra names to match the curated families against (the file's name);
    ``n_ctx``, when given, is the context the model runs with, for the reply length;
    ``thinks``: the model's chat template opens a reasoning block.
    """
    architecture = str(metadata.get("general.architecture", ""))
    model_names = (
        str(metadata.get("general.basename", "")),
        str(metadata.get("general.name", "")),
        *names,
    )
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    family = find_family(architecture, model_names)
    if family is not None:
        for name, value in checked_values(family.values).items():
            values[name] = value
            sources[name] = family_label(family.label)
    from_file = checked_values(
        {GGUF_SAMPLING_KEYS[key]: value for key, value in metadata.items()
         if key in GGUF_SAMPLING_KEYS}
    )
    for name, value in from_file.items():
        values[name] = value
        sources[name] = FROM_FILE
    if n_ctx > 0:
        values["max_tokens"] = reply_token_limit(
            n_ctx, thinks or (family is not None and family.thinks)
        )
        sources["max_tokens"] = CONTEXT_SOURCE
    return Recommendation(values, sources, family.label if family is not None else "")

"""How a model loads and how a reply samples: each option declared once.

Every field carries its type, default, valid range or choices, a label (``title``) and a
help text (``description``). Validation, the settings file, the settings dialogs and the
command-line flags all read them from here, so a range can never disagree between two of
them. The models are frozen: they are hashable (the loader keys its model on
``(path, settings)``) and travel to the inference host as ``model_dump()`` dicts.

Validation is strict about types (``"4096"`` is not a number, ``true`` is not a count), except
that an int is accepted for a float, as JSON writes ``1.0`` as ``1``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal, get_args

from annotated_types import Ge, Le
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

KvCacheType = Literal["f16", "q8_0", "q4_0"]
KV_CACHE_TYPES: tuple[str, ...] = get_args(KvCacheType)

# What to do when a conversation outgrows the context (ChatRequest.overflow).
OVERFLOW_STOP: Final = "stop"  # refuse a prompt that does not fit; stop a reply at the limit
OVERFLOW_TRUNCATE_MIDDLE: Final = "truncate_middle"  # drop the oldest turns, keep the system prompt
OVERFLOW_ROLLING: Final = "rolling"  # drop the oldest turns, the system prompt too if need be
Overflow = Literal["stop", "truncate_middle", "rolling"]
OVERFLOW_POLICIES: tuple[str, ...] = get_args(Overflow)

QUANTIZED_KV_NEEDS_FLASH_ATTN = "a quantized KV cache needs flash attention"

# Shared by every settings object: frozen (hashable, safe to share across threads), unknown
# keys ignored (an older or newer file still loads), strict types (see the module docstring).
OPTIONS_CONFIG = ConfigDict(frozen=True, extra="ignore", strict=True)


class LoadSettings(BaseModel):
    """How a model is loaded. Every llama.cpp parameter Slice relies on is explicit."""

    model_config = OPTIONS_CONFIG

    n_ctx: int = Field(
        default=4096, ge=256, le=1_048_576, title="Context size (tokens)",
        description="How many tokens of conversation the model sees at once; more takes "
        "more memory.", json_schema_extra={"step": 1024},
    )
    n_threads: int = Field(
        default=0, ge=0, le=1024, title="Threads (generation)",
        description="Threads that generate the reply; 0: one per physical core.",
        json_schema_extra={"special": "Automatic"},
    )
    n_threads_batch: int = Field(
        default=0, ge=0, le=1024, title="Threads (prompt)",
        description="Threads that read the prompt; 0: all logical cores.",
        json_schema_extra={"special": "Automatic"},
    )
    n_batch: int = Field(
        default=512, ge=16, le=65_536, title="Batch size",
        description="Prompt tokens processed per step; larger reads long prompts faster "
        "and takes more memory.", json_schema_extra={"step": 128},
    )
    n_ubatch: int = Field(
        default=512, ge=16, le=65_536, title="Micro-batch size",
        description="Prompt tokens per compute pass (at most the batch size).",
    )
    # -1: Auto, resolved to a count by app.models.gpu_fit.resolve_load before a request is
    # sent (llama.cpp itself would take -1 as "all layers", fit or not); 0: CPU only.
    n_gpu_layers: int = Field(
        default=-1, ge=-1, le=1000, title="GPU layers",
        description="Layers of the model to put on the GPU. Auto: as many as the memory "
        "estimate says fit in the free VRAM at load time; 0: CPU only; a number: exactly "
        "that many (more than the model has: all of it).",
        json_schema_extra={"special": "Auto (as many as fit)"},
    )
    flash_attn: bool = Field(
        default=True, title="Flash attention",
        description="Faster attention that uses less memory; a quantized KV cache needs it.",
    )
    use_mmap: bool = Field(
        default=True, title="Map the file into memory (mmap)",
        description="Map the model file instead of reading it into RAM.",
    )
    use_mlock: bool = Field(
        default=False, title="Lock the model in RAM (mlock)",
        description="Keep the model in RAM so the OS never pages it out.",
    )
    kv_cache_type: KvCacheType = Field(
        default="f16", title="KV cache type",
        description="Precision of the context cache: f16, or the smaller q8_0 and q4_0 "
        "(which need flash attention).",
    )
    warmup: bool = Field(
        default=True, title="Warm up after loading",
        description="One decode right after the load, so the first reply pays no page faults.",
    )

    # A field validator rather than a model validator so that the error names the field:
    # a settings file falls back for kv_cache_type alone, the CLI names --kv-type.
    @field_validator("kv_cache_type")
    @classmethod
    def _quantized_kv_needs_flash_attn(cls, value: str, info: ValidationInfo) -> str:
        if value != "f16" and info.data.get("flash_attn") is False:
            raise ValueError(QUANTIZED_KV_NEEDS_FLASH_ATTN)
        return value


class Sampling(BaseModel):
    """Sampling settings for one reply. ``temperature`` 0 means greedy."""

    model_config = OPTIONS_CONFIG

    temperature: float = Field(
        default=0.7, ge=0.0, le=5.0, title="Temperature",
        description="Randomness of the reply; 0 always picks the likeliest token.",
        json_schema_extra={"step": 0.05},
    )
    top_p: float = Field(
        default=0.95, ge=0.01, le=1.0, title="Top-p",
        description="Sample only from the likeliest tokens that together hold this share "
        "of the probability.", json_schema_extra={"step": 0.01},
    )
    top_k: int = Field(
        default=40, ge=0, le=1000, title="Top-k",
        description="Sample only from this many likeliest tokens; 0: no limit.",
        json_schema_extra={"special": "off"},
    )
    min_p: float = Field(
        default=0.05, ge=0.0, le=1.0, title="Min-p",
        description="Drop tokens less likely than this share of the likeliest one's.",
        json_schema_extra={"step": 0.01},
    )
    repeat_penalty: float = Field(
        default=1.0, ge=0.5, le=2.0, title="Repeat penalty",
        description="Above 1 makes repeating recent tokens less likely; 1: off.",
        json_schema_extra={"step": 0.05},
    )
    frequency_penalty: float = Field(
        default=0.0, ge=-2.0, le=2.0, title="Frequency penalty",
        description="Above 0 makes a token less likely the more often it already appeared "
        "in the reply; 0: off.", json_schema_extra={"step": 0.05},
    )
    presence_penalty: float = Field(
        default=0.0, ge=-2.0, le=2.0, title="Presence penalty",
        description="Above 0 makes any token that already appeared less likely; 0: off.",
        json_schema_extra={"step": 0.05},
    )
    seed: int = Field(
        default=-1, ge=-1, le=2**31 - 1, title="Seed",
        description="The same seed, prompt and settings give the same reply; -1: random.",
        json_schema_extra={"special": "random"},
    )
    max_tokens: int = Field(
        default=1024, ge=0, le=1_000_000, title="Max tokens",
        description="Most tokens to generate; 0: until the context is full.",
        json_schema_extra={"special": "until the context is full"},
    )


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """What one declared field says about itself, for a widget or a command-line flag."""

    name: str
    label: str
    help: str
    default: Any
    low: float | None = None  # inclusive bounds; None: unbounded
    high: float | None = None
    choices: tuple[str, ...] = ()
    step: float = 1.0
    special: str = ""  # how a widget shows the lowest value when it means "automatic"

    def range_text(self) -> str:
        """The valid values in words, for error messages."""
        if self.choices:
            return "one of " + ", ".join(self.choices)
        if self.low is not None and self.high is not None:
            return f"from {_number(self.low)} to {_number(self.high)}"
        if self.low is not None:
            return f"{_number(self.low)} or more"
        if self.high is not None:
            return f"{_number(self.high)} or less"
        return "any value"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def field_spec(model: type[BaseModel], name: str) -> FieldSpec:
    """The declared label, help, default, range or choices of ``model``'s field ``name``."""
    info = model.model_fields[name]
    low: float | None = None
    high: float | None = None
    for constraint in info.metadata:
        if isinstance(constraint, Ge):
            low = float(constraint.ge)  # type: ignore[arg-type]
        elif isinstance(constraint, Le):
            high = float(constraint.le)  # type: ignore[arg-type]
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    annotation = info.annotation
    choices = tuple(str(c) for c in get_args(annotation)) if _is_literal(annotation) else ()
    return FieldSpec(
        name=name,
        label=info.title or name,
        help=info.description or "",
        default=info.default,
        low=low,
        high=high,
        choices=choices,
        step=float(extra.get("step", 1)),  # type: ignore[arg-type]
        special=str(extra.get("special", "")),
    )


def _is_literal(annotation: Any) -> bool:
    return getattr(annotation, "__origin__", None) is Literal


def check_value(model: type[BaseModel], name: str, value: Any) -> str:
    """Why ``value`` is not valid for field ``name`` on its own, or an empty string."""
    spec = field_spec(model, name)
    if spec.choices:
        return "" if value in spec.choices else f"'{value}' is not {spec.range_text()}"
    if (spec.low is not None and value < spec.low) or (
        spec.high is not None and value > spec.high
    ):
        return f"{_number(value)} is out of range: give a value {spec.range_text()}"
    return ""

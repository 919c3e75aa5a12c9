"""Will a model fit in memory? Estimates from GGUF metadata, and what this machine has free.

What a loaded model needs is its weights (the tensor data, mapped from the file), the KV
cache (per layer: context x (K width + V width) x bytes per element of the cache type), the
compute buffer (dominated by the logits of one micro-batch, ``n_vocab x n_ubatch x 4``, or by
the attention scores when flash attention is off) and a fixed runtime overhead. The formulas
were checked against llama.cpp's own log lines for SmolLM2 and Gemma 3 (see the tests).

Free memory: ``MemAvailable`` on Linux, the OS call elsewhere; VRAM only when the installed
llama.cpp has a GPU backend, asked from the engine probe, a short child process (a GPU
runtime initialised in the GUI process would keep its memory for good; see
:mod:`app.models.engine_probe`).
"""

from __future__ import annotations

import ctypes
import os
import sys
from dataclasses import dataclass
from typing import Any

from gguf.constants import GGML_QUANT_SIZES, GGMLQuantizationType

from app.models.engine_probe import engine_probe
from inference.gguf_info import GGUFInfo

# Re-exported: the app's and the settings dialog's question "has this build a GPU backend?"
from inference.llama_native import gpu_backends as gpu_backends

MIB = 1024 * 1024
GIB = 1024 * MIB
RUNTIME_OVERHEAD = 64 * MIB
# A verdict of "fits" leaves this share of the free memory for everything else.
FIT_SHARE = 0.8

FIT_OK = "fits"
FIT_TIGHT = "tight"
FIT_NO = "won't fit"
FIT_UNKNOWN = "unknown"

CACHE_TYPES = ("f16", "bf16", "f32", "q8_0", "q5_1", "q5_0", "q4_1", "q4_0", "iq4_nl")


def format_bytes(n: float) -> str:
    """``1.5 GB``-style sizes (powers of 1024, as file managers show them)."""
    for unit, scale in (("GB", GIB), ("MB", MIB), ("KB", 1024)):
        if abs(n) >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{int(n)} B"


def cache_bytes_per_element(cache_type: str) -> float:
    """Bytes one KV cache element takes in ``cache_type`` (``f16``, ``q8_0``, ...)."""
    try:
        block, size = GGML_QUANT_SIZES[GGMLQuantizationType[cache_type.upper()]]
    except KeyError:
        raise ValueError(
            f"unknown cache type '{cache_type}' (one of {', '.join(CACHE_TYPES)})"
        ) from None
    return float(size) / float(block)


@dataclass(frozen=True)
class MemoryEstimate:
    """What loading a model takes, in bytes."""

    weights: int
    kv_cache: int
    compute: int
    overhead: int = RUNTIME_OVERHEAD

    @property
    def total(self) -> int:
        return self.weights + self.kv_cache + self.compute + self.overhead


def _per_layer(value: Any, n_layer: int) -> list[int]:
    if isinstance(value, list):
        return [int(v) for v in value[:n_layer]]
    return [int(value or 0)] * n_layer


@dataclass(frozen=True)
class _Shape:
    """The attention shape of a model, from its metadata."""

    n_layer: int
    n_embd: int
    head_max: int
    n_head_kv: list[int]
    k_dim: int
    v_dim: int


def _shape(info: GGUFInfo) -> _Shape:
    n_layer = info.block_count
    n_embd = int(info.arch_value("embedding_length", 0) or 0)
    n_head = _per_layer(info.arch_value("attention.head_count", 0), max(n_layer, 1))
    n_head_kv = _per_layer(info.arch_value("attention.head_count_kv", None) or n_head, n_layer)
    head_max = max(n_head, default=0)
    head_dim = n_embd // head_max if head_max else 0
    k_dim = int(info.arch_value("attention.key_length", head_dim) or head_dim)
    v_dim = int(info.arch_value("attention.value_length", head_dim) or head_dim)
    return _Shape(n_layer, n_embd, head_max, n_head_kv, k_dim, v_dim)


def kv_cache_per_layer(info: GGUFInfo, n_ctx: int, cache_type: str = "f16") -> list[int]:
    """Bytes of KV cache each layer takes (index = layer number), ``n_ctx`` tokens of it.

    Sliding-window layers count the whole context: Slice loads with ``swa_full``.
    """
    shape = _shape(info)
    per_element = cache_bytes_per_element(cache_type)
    return [int(n_ctx * h * (shape.k_dim + shape.v_dim) * per_element) for h in shape.n_head_kv]


def estimate_memory(
    info: GGUFInfo,
    n_ctx: int,
    cache_type: str = "f16",
    flash_attn: bool = True,
    n_ubatch: int = 512,
    weights: int | None = None,
) -> MemoryEstimate:
    """Estimate what loading ``info``'s model with ``n_ctx`` tokens of context takes.

    ``weights`` overrides the tensor bytes of ``info`` (a split model: all parts together).
    """
    shape = _shape(info)
    n_vocab = int(info.metadata.get("tokenizer.ggml.tokens", 0) or 0)
    logits = n_vocab * n_ubatch * 4
    scores = 0 if flash_attn else n_ctx * shape.head_max * n_ubatch * 4
    activations = shape.n_embd * n_ubatch * 4 * 8
    tensor_bytes = sum(t.n_bytes for t in info.tensors)
    return MemoryEstimate(
        weights=tensor_bytes if weights is None else weights,
        kv_cache=sum(kv_cache_per_layer(info, n_ctx, cache_type)),
        compute=max(logits, scores) + activations,
    )


def rough_need(file_size: int, n_ctx: int) -> int:
    """A guess of the memory a model file of ``file_size`` bytes needs, before downloading.

    Without the file's header the KV cache is unknown: allow a tenth of the weights (at
    least 64 MB) per 4096 tokens of context, plus the compute buffer and runtime.
    """
    kv = max(64 * MIB, file_size // 10) * n_ctx // 4096
    return file_size + kv + 256 * MIB + RUNTIME_OVERHEAD


def available_ram() -> int | None:
    """Bytes of memory available to a new program now; None when unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    if sys.platform == "win32":
        return _windows_available_ram()
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _windows_available_ram() -> int | None:
    class _Status(ctypes.Structure):
        _fields_ = [
            ("length", ctypes.c_ulong), ("load", ctypes.c_ulong),
            ("total_phys", ctypes.c_ulonglong), ("avail_phys", ctypes.c_ulonglong),
            ("total_page", ctypes.c_ulonglong), ("avail_page", ctypes.c_ulonglong),
            ("total_virtual", ctypes.c_ulonglong), ("avail_virtual", ctypes.c_ulonglong),
            ("avail_extended", ctypes.c_ulonglong),
        ]

    status = _Status()
    status.length = ctypes.sizeof(_Status)
    kernel32 = getattr(ctypes, "windll").kernel32  # noqa: B009 (exists on Windows only)
    return int(status.avail_phys) if kernel32.GlobalMemoryStatusEx(ctypes.byref(status)) else None


def free_vram(max_age_s: float = 10.0, wait: bool = True) -> int | None:
    """Free memory on the GPU devices llama.cpp can use, in bytes; None without a GPU.

    Asked from the engine probe (a child process) when the last answer is older than
    ``max_age_s`` or a model loaded since; with ``wait`` False (the GUI thread) only what is
    known now, and a probe starts in the background. Never asked on a build without a GPU
    backend.
    """
    if not gpu_backends():
        return None
    probe = engine_probe()
    facts = probe.facts(max_age_s) if wait else probe.cached(max_age_s)
    return None if facts is None else facts.gpu_free


@dataclass(frozen=True)
class Fit:
    """A verdict with the numbers behind it."""

    verdict: str  # FIT_OK, FIT_TIGHT, FIT_NO or FIT_UNKNOWN
    need: int
    ram_available: int | None
    vram_free: int | None = None

    @property
    def budget(self) -> int | None:
        if self.ram_available is None:
            return None
        return self.ram_available + (self.vram_free or 0)

    def describe(self) -> str:
        """One line for people: the verdict and the numbers."""
        need = format_bytes(self.need)
        if self.budget is None:
            return f"needs about {need}; free memory unknown"
        free = f"{format_bytes(self.ram_available or 0)} RAM free"
        if self.vram_free:
            free += f" + {format_bytes(self.vram_free)} VRAM free"
        text = {
            FIT_OK: "fits",
            FIT_TIGHT: "tight: close other programs first",
            FIT_NO: "won't fit: pick a smaller quantization or lower the context size",
        }[self.verdict]
        return f"{text} (needs about {need}, {free})"


def judge_fit(need: int, ram: int | None = None, vram: int | None = None) -> Fit:
    """Compare ``need`` bytes with free RAM (and VRAM) now: fits, tight or won't fit."""
    ram = available_ram() if ram is None else ram
    if ram is None:
        return Fit(FIT_UNKNOWN, need, None, vram)
    budget = ram + (vram or 0)
    if need <= budget * FIT_SHARE:
        verdict = FIT_OK
    elif need <= budget:
        verdict = FIT_TIGHT
    else:
        verdict = FIT_NO
    return Fit(verdict, need, ram, vram)

"""GPU layers "Auto": how many layers to offload, from the pre-load memory estimate.

What llama.cpp does with ``n_gpu_layers`` (llama-model.cpp, ``load_tensors``): the LAST
``n_gpu_layers`` of the ``n_layer`` repeating layers (the ``blk.N.*`` tensors) go to the GPU;
only when ``n_gpu_layers > n_layer`` does the output layer go too (``output.weight``, or a copy
of ``token_embd.weight`` when the model ties them, with ``output_norm``). The input layer (the
token embeddings) always stays on the CPU. Each offloaded layer takes its KV cache along
(``offload_kqv``, on by default), and as soon as one layer is offloaded the GPU also holds a
compute buffer and the backend's own runtime (CUDA context, cuBLAS workspace...).

``n_gpu_layers`` -1 reaches llama.cpp as "all layers", fit or not (an out-of-memory failure
on a big model), so Slice never sends it: :func:`resolve_load` turns -1 ("Auto") into the
count that fits in :data:`~app.model_fit.FIT_SHARE` of the free VRAM, and into 0 on a build
without a GPU backend (without asking anything). The installed llama.cpp exports no fitting
function of its own (no ``llama_params_fit``); this estimate is the one the pre-load check shows.
"""

from __future__ import annotations

import dataclasses
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate

from app.models.files import ModelFiles, ModelImportError, read_model_files
from app.models.gpu_layer_memory import recall
from app.models.memory_fit import (
    FIT_SHARE,
    MIB,
    estimate_memory,
    format_bytes,
    free_vram,
    gpu_backends,
    kv_cache_per_layer,
)
from inference.events import ChatRequest, LoadSettings
from inference.gguf_info import GGUFError, GGUFInfo, TensorInfo, read_gguf_info

GPU_AUTO = -1  # LoadSettings.n_gpu_layers: as many layers as fit
ASK_VRAM = -1  # resolve_load's vram_free: ask the GPU (the default)
# What the GPU backend itself takes in the loading process (CUDA context, cuBLAS workspace);
# the free VRAM is measured in a short child process that has already let go of its own.
GPU_RUNTIME_OVERHEAD = 256 * MIB

_BLOCK = re.compile(r"^blk\.(\d+)\.")
_MEMO_SIZE = 32


@dataclass(frozen=True)
class GpuPlan:
    """What each part of a model takes on the GPU, in bytes, for one context size."""

    layers: tuple[int, ...]  # per repeating layer: its blk.N tensors plus its KV cache
    output: int  # the output layer (output.weight or the tied token_embd, output_norm)
    compute: int  # the compute buffer (as in estimate_memory)
    overhead: int = GPU_RUNTIME_OVERHEAD

    @property
    def n_layer(self) -> int:
        return len(self.layers)

    def need(self, n_gpu_layers: int) -> int:
        """VRAM that ``n_gpu_layers`` takes (llama.cpp offloads the last layers first)."""
        if n_gpu_layers <= 0:
            return 0
        count = min(n_gpu_layers, self.n_layer)
        need = sum(self.layers[self.n_layer - count:]) + self.compute + self.overhead
        return need + (self.output if n_gpu_layers > self.n_layer else 0)


@dataclass(frozen=True)
class GpuFit:
    """How many layers to offload, and the numbers behind it."""

    layers: int  # the n_gpu_layers to load with: 0 .. n_layer + 1
    n_layer: int
    vram_free: int | None  # None: no GPU backend (or no GPU found)
    need: int  # estimated VRAM the offload takes

    def describe(self) -> str:
        """One line for people, e.g. ``18 of 30 layers fit in 5.1 GB free VRAM``."""
        if self.vram_free is None:
            return "no GPU: every layer runs on the CPU"
        free = format_bytes(self.vram_free)
        if self.layers > self.n_layer:
            return (f"all {self.n_layer} layers and the output fit in {free} free VRAM "
                    f"(about {format_bytes(self.need)})")
        return f"{self.layers} of {self.n_layer} layers fit in {free} free VRAM"


def layer_tensor_bytes(
    tensors: Iterable[TensorInfo], n_layer: int
) -> tuple[list[int], int]:
    """Bytes of each repeating layer's ``blk.N.*`` tensors, and of the output layer.

    A model without ``output.weight`` ties its output to ``token_embd.weight``; llama.cpp
    then loads a copy of the embeddings as the output layer, so that copy counts.
    """
    per_layer = [0] * n_layer
    output = 0
    embeddings = 0
    has_output = False
    for tensor in tensors:
        block = _BLOCK.match(tensor.name)
        if block is not None:
            index = int(block.group(1))
            if index < n_layer:
                per_layer[index] += tensor.n_bytes
        elif tensor.name.startswith("output"):
            output += tensor.n_bytes
            has_output = has_output or tensor.name == "output.weight"
        elif tensor.name == "token_embd.weight":
            embeddings = tensor.n_bytes
    return per_layer, output + (0 if has_output else embeddings)


def gpu_plan(
    info: GGUFInfo,
    n_ctx: int,
    cache_type: str = "f16",
    flash_attn: bool = True,
    n_ubatch: int = 512,
    tensors: Iterable[TensorInfo] | None = None,
) -> GpuPlan:
    """The per-layer VRAM figures of ``info``'s model (``tensors``: all parts of a split one)."""
    n_layer = info.block_count
    weights, output = layer_tensor_bytes(info.tensors if tensors is None else tensors, n_layer)
    kv = kv_cache_per_layer(info, n_ctx, cache_type)
    compute = estimate_memory(info, n_ctx, cache_type, flash_attn, n_ubatch).compute
    return GpuPlan(
        layers=tuple(w + k for w, k in zip(weights, kv, strict=True)),
        output=output,
        compute=compute,
    )


def fit_layers(plan: GpuPlan, vram_free: int | None) -> GpuFit:
    """The most layers whose estimate fits in ``FIT_SHARE`` of ``vram_free`` bytes.

    0 when nothing fits or there is no GPU; ``n_layer + 1`` (the output too) when all fits.
    """
    if not vram_free or plan.n_layer == 0:
        return GpuFit(0, plan.n_layer, vram_free, 0)
    budget = int(vram_free * FIT_SHARE)
    fixed = plan.compute + plan.overhead
    # Cumulative sums of the last layers: llama.cpp offloads from the end.
    sums = [fixed + s for s in accumulate(reversed(plan.layers))]
    count = sum(1 for need in sums if need <= budget)
    if count == plan.n_layer and sums[-1] + plan.output <= budget:
        count += 1
    return GpuFit(count, plan.n_layer, vram_free, plan.need(count))


def model_gpu_plan(model: ModelFiles, load: LoadSettings) -> GpuPlan:
    """:func:`gpu_plan` for a model read by :func:`~app.library.read_model_files` (every part
    of a split model counts) under ``load``'s context size, cache type, flash attention and
    micro-batch.

    Raises :class:`~app.library.ModelImportError` for a part whose header cannot be read.
    """
    info = model.info
    tensors = list(info.tensors)
    try:
        for part in model.files[1:]:
            tensors.extend(read_gguf_info(part).tensors)
    except GGUFError as exc:
        raise ModelImportError(exc.message) from exc
    n_ctx = load.n_ctx or info.context_length or 4096
    return gpu_plan(info, n_ctx, load.kv_cache_type, load.flash_attn,
                    min(load.n_ubatch, load.n_batch), tensors)


_memo: OrderedDict[tuple[object, ...], int] = OrderedDict()
_memo_lock = threading.Lock()  # the engine thread resolves, the GUI thread reads back


def resolve_load(path: str, load: LoadSettings, vram_free: int | None = ASK_VRAM,
                 wait: bool = True) -> LoadSettings:
    """``load`` with GPU layers "Auto" (-1) replaced by the count that fits; else ``load``.

    ``vram_free`` is the free VRAM in bytes (None: no GPU); by default it is asked for
    (:func:`~app.models.memory_fit.free_vram`: the engine probe, a child process; with
    ``wait`` False only what it already knows), and not at all on a build without a GPU
    backend, where Auto is 0. An asked-for answer is kept per model file and settings, so
    that later turns send the same settings and the host keeps the loaded model instead of
    reloading it because the model itself now takes VRAM. Auto never exceeds a count that
    worked after this file ran out of GPU memory at this context size
    (:mod:`app.models.gpu_layer_memory`). A file whose header cannot be read resolves to 0:
    its load reports the problem.
    """
    if load.n_gpu_layers != GPU_AUTO:
        return load
    key: tuple[object, ...] | None = None
    if vram_free == ASK_VRAM:
        if not gpu_backends():
            return load.model_copy(update={"n_gpu_layers": 0})
        try:
            stat = os.stat(path)
        except OSError:
            return load.model_copy(update={"n_gpu_layers": 0})
        key = (os.path.realpath(path), stat.st_mtime_ns, stat.st_size, load)
        with _memo_lock:
            known = _memo.get(key)
            if known is not None:
                _memo.move_to_end(key)
        if known is not None:
            return load.model_copy(update={"n_gpu_layers": capped_layers(path, load, known)})
        vram_free = free_vram(wait=wait)
    layers = 0
    if vram_free:
        try:
            layers = fit_layers(model_gpu_plan(read_model_files(path), load), vram_free).layers
        except ModelImportError:
            layers = 0
    if key is not None and (wait or vram_free):  # a GUI-thread guess without figures: not kept
        with _memo_lock:
            _memo[key] = layers
            while len(_memo) > _MEMO_SIZE:
                _memo.popitem(last=False)
    return load.model_copy(update={"n_gpu_layers": capped_layers(path, load, layers)})


def capped_layers(path: str, load: LoadSettings, layers: int) -> int:
    """``layers``, or fewer when fewer are all that worked for this file at ``load``'s
    context size after the GPU ran out of memory."""
    worked = recall(path, load.n_ctx)
    return layers if worked is None else min(layers, worked)


def resolve_request(request: ChatRequest) -> ChatRequest:
    """``request`` with its GPU layers resolved (:func:`resolve_load`). The GUI calls this on
    its engine thread: the first answer on a GPU build starts a GPU runtime in a child
    process, seconds the window must not wait for."""
    load = resolve_load(request.model_path, request.load)
    return request if load is request.load else dataclasses.replace(request, load=load)

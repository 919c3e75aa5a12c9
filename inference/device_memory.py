"""Telling a GPU's out-of-memory apart from other failures, by what llama.cpp says.

When the device cannot hold what a load or a decode asks of it, llama.cpp says so in its
log (``unable to allocate CUDA0 buffer``, ``failed to allocate Vulkan0 buffer of size
...``, ``cudaMalloc failed: out of memory``, ``failed to allocate buffer for kv cache``)
and then fails the call, or aborts (CUDA, inside a decode). The app retries such a failure
once with fewer GPU layers (``app/engine/gpu_retry.py``); this module recognises it, in the
engine's log (:mod:`inference.loader`, :mod:`inference.engine`) and in the stderr of a model
process that died (:mod:`inference.host_client`), and words the failure the user sees, the
same wherever it was found (:func:`gpu_out_of_memory`).
"""

from __future__ import annotations

import re

from inference.events import ErrorKind, Failed

# A device's buffer type (CUDA0, Vulkan0, ROCm0, SYCL0, Metal, MTL0...), not its pinned
# host buffers ("CUDA_Host", "Vulkan_Host") nor the CPU's.
_DEVICE = r"(?:CUDA|Vulkan|ROCm|HIP|SYCL|MUSA|CANN|OpenCL|Metal|MTL)\d*(?!_Host)\b"
_ON_DEVICE = re.compile(
    rf"unable to allocate {_DEVICE} buffer"  # the weights (llama-model.cpp)
    rf"|failed to allocate {_DEVICE} buffer"  # compute buffers (ggml-alloc.c)
    r"|cudaMalloc failed|hipMalloc failed"  # ggml-cuda
    r"|CUDA error: out of memory|out of memory.*\bCUDA\b"
    r"|ErrorOutOfDeviceMemory|Device memory allocation of size \d+ failed",  # ggml-vulkan
    re.IGNORECASE,
)
# Allocation failures that name no device: on the device when layers were offloaded (the
# KV cache and the compute buffers follow the layers). Not ggml's CPU allocator's "failed
# to allocate buffer of size": that is RAM, which fewer GPU layers would not spare.
_ANY_BUFFER = re.compile(
    r"failed to allocate buffer for kv cache|failed to allocate compute (?:pp |tg )?buffers",
    re.IGNORECASE,
)
# How gpu_out_of_memory quotes llama.cpp (read back by llama_cpp_said).
_SAID = re.compile(r"\(llama\.cpp: (.*?)\)(?: |\.|$)")


def device_memory_failure(log_text: str, offloaded: bool = True) -> str:
    """The line of ``log_text`` that says a GPU ran out of memory; "" when none does.

    ``offloaded``: layers were sent to a GPU, so an allocation failure that names no
    device counts too.
    """
    lines = [line.strip() for line in log_text.splitlines() if line.strip()]
    for line in reversed(lines):
        if _ON_DEVICE.search(line) or (offloaded and _ANY_BUFFER.search(line)):
            return line[:300]
    return ""


def gpu_out_of_memory(
    path: str, n_gpu_layers: int, detail: str, died_while: str = ""
) -> Failed:
    """The failure of a load or decode that the GPU's memory could not hold: llama.cpp's
    ``detail`` (the line :func:`device_memory_failure` found) and what to do about it.
    ``died_while`` ("loading", "generating"): the model process died of it (CUDA aborts on a
    failed allocation inside a decode)."""
    layers = "every layer" if n_gpu_layers < 0 else f"{n_gpu_layers} GPU layers"
    died = f" and the model process died while {died_while}" if died_while else ""
    return Failed(
        error=ErrorKind.GPU_OUT_OF_MEMORY,
        message=f"The GPU ran out of memory with '{path}' on {layers}{died} (llama.cpp: "
        f"{detail}). Lower the GPU layers or the context size in Model settings.",
        path=path,
    )


def llama_cpp_said(failure: Failed) -> str:
    """llama.cpp's words in a failure :func:`gpu_out_of_memory` worded; "" when none."""
    match = _SAID.search(failure.message)
    return match.group(1) if match else ""

"""llama.cpp's native libraries, read without importing ``llama_cpp``.

Importing ``llama_cpp`` loads llama.cpp and, in a GPU build, a GPU runtime; the GUI process
must not (DESIGN.md). What the app needs to know about the engine build (its GPU backends,
the devices ggml sees and their free memory, the architectures it can load) is read here
from the shared libraries in llama-cpp-python's ``lib/`` folder with ctypes. The device probe
initialises GPU backends, so the app runs it in a short child process.

The Python side of llama-cpp-python is :mod:`inference.llama_api`'s business; this module is
its native counterpart, and ``tests/test_llama_api.py`` covers both.
"""

from __future__ import annotations

import ctypes
import importlib.util
from pathlib import Path
from typing import Any

GPU_BACKENDS = ("cuda", "vulkan", "metal", "hip", "sycl", "opencl", "musa", "cann", "kompute")
# C++: const char * llm_arch_name(llm_arch), internal to libllama (a mangled name).
_ARCH_NAME_SYMBOL = "_Z13llm_arch_name8llm_arch"
_MAX_ARCHS = 4096


def lib_dir() -> Path | None:
    """The folder of the installed llama-cpp-python's shared libraries (not imported)."""
    spec = importlib.util.find_spec("llama_cpp")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "lib"
    return folder if folder.is_dir() else None


def _library(prefixes: tuple[str, ...]) -> Path | None:
    folder = lib_dir()
    if folder is None:
        return None
    return next((p for p in sorted(folder.iterdir()) if p.name.startswith(prefixes)), None)


def gpu_backends() -> list[str]:
    """GPU backends the installed llama.cpp was built with (from its library files)."""
    folder = lib_dir()
    if folder is None:
        return []
    names = " ".join(p.name.lower() for p in folder.iterdir())
    return [b for b in GPU_BACKENDS if f"ggml-{b}" in names]


def ggml_devices() -> list[dict[str, Any]]:
    """Devices ggml sees: name, type (cpu, gpu, igpu, other), free and total bytes.

    Loads every backend (a GPU runtime included): call it in a child process.
    """
    lib = _library(("libggml.", "ggml."))
    if lib is None:
        return []
    ggml = ctypes.CDLL(str(lib))
    ggml.ggml_backend_load_all()
    ggml.ggml_backend_dev_count.restype = ctypes.c_size_t
    ggml.ggml_backend_dev_get.restype = ctypes.c_void_p
    ggml.ggml_backend_dev_get.argtypes = [ctypes.c_size_t]
    ggml.ggml_backend_dev_type.argtypes = [ctypes.c_void_p]
    ggml.ggml_backend_dev_name.restype = ctypes.c_char_p
    ggml.ggml_backend_dev_name.argtypes = [ctypes.c_void_p]
    size_p = ctypes.POINTER(ctypes.c_size_t)
    ggml.ggml_backend_dev_memory.argtypes = [ctypes.c_void_p, size_p, size_p]
    devices = []
    for index in range(ggml.ggml_backend_dev_count()):
        dev = ggml.ggml_backend_dev_get(index)
        free, total = ctypes.c_size_t(), ctypes.c_size_t()
        ggml.ggml_backend_dev_memory(dev, ctypes.byref(free), ctypes.byref(total))
        kind = {0: "cpu", 1: "gpu", 2: "igpu"}.get(ggml.ggml_backend_dev_type(dev), "other")
        devices.append({
            "name": (ggml.ggml_backend_dev_name(dev) or b"").decode(errors="replace"),
            "type": kind, "free": free.value, "total": total.value,
        })
    return devices


def architecture_names() -> frozenset[str] | None:
    """Architectures the installed libllama knows (vision encoders excluded); None when it
    cannot tell (no library, or the internal symbol is gone)."""
    lib = _library(("libllama.", "llama."))
    if lib is None:
        return None
    try:
        llama = ctypes.CDLL(str(lib))
        name_of = llama[_ARCH_NAME_SYMBOL]
    except (OSError, AttributeError):
        return None
    name_of.restype = ctypes.c_char_p
    name_of.argtypes = [ctypes.c_int]
    names: set[str] = set()
    # The enum's values run from 0 up to LLM_ARCH_UNKNOWN.
    for value in range(_MAX_ARCHS):
        name = (name_of(value) or b"").decode("utf-8", errors="replace")
        if not name or "unknown" in name:
            break
        names.add(name)
    names.discard("clip")  # a vision encoder, loaded beside a model, never as one
    return frozenset(names) or None

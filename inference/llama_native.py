"""llama.cpp's native libraries, read without importing ``llama_cpp``.

Importing ``llama_cpp`` loads llama.cpp and, in a GPU build, a GPU runtime; the GUI process
must not (DESIGN.md). What the app needs to know about the engine build (its GPU backends,
the devices ggml sees and their free memory, the architectures it can load) is read here
from the shared libraries in llama-cpp-python's ``lib/`` folder with ctypes. The device probe
initialises GPU backends, so the app runs it in a short child process.

The Python side of llama-cpp-python is :mod:`inference.llama_api`'s business; this module is
its native counterpart, and ``tests/test_llama_api.py`` covers both.

``SLICE_ENGINE_PATH`` names folders (``os.pathsep``-separated) that hold another
llama-cpp-python build, installed with ``pip install --target`` (``scripts/setup.sh
--engine``: the Vulkan build the GPU tests use). The model process and the engine probe then
import that ``llama_cpp`` first (:func:`child_env`), and :func:`lib_dir` reads its libraries.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import importlib.metadata
import importlib.util
import os
import re
from pathlib import Path
from typing import Any

#: Folders holding another llama-cpp-python build, searched before the installed one.
ENGINE_PATH_ENV = "SLICE_ENGINE_PATH"
_VERSION = re.compile(r"""^__version__\s*=\s*["']([^"']+)["']""", re.MULTILINE)

GPU_BACKENDS = ("cuda", "vulkan", "metal", "hip", "sycl", "opencl", "musa", "cann", "kompute")
# C++: const char * llm_arch_name(llm_arch), internal to libllama (a mangled name).
_ARCH_NAME_SYMBOL = "_Z13llm_arch_name8llm_arch"
_MAX_ARCHS = 4096


def engine_path() -> list[str]:
    """The folders of :data:`ENGINE_PATH_ENV` that hold a ``llama_cpp`` package."""
    folders = os.environ.get(ENGINE_PATH_ENV, "").split(os.pathsep)
    return [f for f in folders if f and (Path(f) / "llama_cpp" / "__init__.py").is_file()]


def child_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a child that imports Slice's engine: the engine path first, then
    Slice's own source folder, on ``PYTHONPATH`` (ignored by a frozen build)."""
    env = dict(os.environ if env is None else env)
    root = str(Path(__file__).resolve().parent.parent)
    parts = [*engine_path(), root, env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in parts if p)
    return env


def package_dir() -> Path | None:
    """The folder of the ``llama_cpp`` package a child would import (not imported here)."""
    for folder in engine_path():
        return Path(folder) / "llama_cpp"
    spec = importlib.util.find_spec("llama_cpp")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def lib_dir() -> Path | None:
    """The folder of llama-cpp-python's shared libraries (not imported)."""
    package = package_dir()
    if package is None:
        return None
    folder = package / "lib"
    return folder if folder.is_dir() else None


def engine_version() -> str:
    """Which engine build this is, without loading it: llama-cpp-python's version and a
    digest of its libraries' names, sizes and times (another build of the same version,
    a Vulkan one for example, gets another key). "" when llama-cpp-python is missing.
    Read once per package folder in a process: a build does not change under a running
    app, and the window asks on every header check."""
    package = package_dir()
    return "" if package is None else _engine_version(package)


@functools.lru_cache(maxsize=8)
def _engine_version(package: Path) -> str:
    folder = package / "lib"
    if not folder.is_dir():
        return ""
    digest = hashlib.sha256()
    try:
        for lib in sorted(folder.iterdir()):
            stat = lib.stat()
            digest.update(f"{lib.name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    except OSError:
        return ""
    return f"{_package_version(package)}-{digest.hexdigest()[:16]}"


def _package_version(package: Path) -> str:
    # A frozen app keeps the package's source in its archive, not on disk: its metadata
    # then, if it was bundled.
    try:
        match = _VERSION.search((package / "__init__.py").read_text(encoding="utf-8"))
        if match:
            return match.group(1)
    except OSError:
        pass
    try:
        return importlib.metadata.version("llama_cpp_python")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


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
    """Devices ggml sees: name, description, type (cpu, gpu, igpu, other), free and total
    bytes.

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
    ggml.ggml_backend_dev_description.restype = ctypes.c_char_p
    ggml.ggml_backend_dev_description.argtypes = [ctypes.c_void_p]
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
            "description": (ggml.ggml_backend_dev_description(dev) or b"").decode(
                errors="replace"),
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

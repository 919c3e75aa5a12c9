"""PyInstaller hook for llama-cpp-python, which PyInstaller's own and contributed hooks lack.

llama_cpp finds its native libraries at run time through ctypes, next to its own modules in
``llama_cpp/lib/`` (``libllama.so``, ``libggml*.so``; ``llama.dll``/``ggml*.dll`` on Windows,
``.dylib`` on macOS), so the import scan cannot see them: without this hook the frozen app
fails with "Shared library with base name 'llama' not found". They are collected into the
same relative folder, where ``llama_cpp._ctypes_extensions`` looks for them.
"""

from PyInstaller.utils.hooks import collect_dynamic_libs, collect_submodules

# Keep the folder layout: <bundle>/llama_cpp/lib/<library>.
binaries = collect_dynamic_libs("llama_cpp")

# Modules llama_cpp imports inside functions (the multimodal bindings, the chat formats).
# The OpenAI-compatible server needs FastAPI and friends, which Slice does not ship.
hiddenimports = collect_submodules(
    "llama_cpp", filter=lambda name: not name.startswith("llama_cpp.server")
)
excludedimports = ["llama_cpp.server"]

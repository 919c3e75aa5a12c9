"""Build the Linux ``.deb`` from the PyInstaller bundle with ``dpkg-deb``.

    python packaging/build_deb.py BUNDLE_DIR OUT_DIR

Lays out ``/opt/slice`` (the bundle), ``/usr/bin/slice-chat`` (a symlink to its
executable), the ``.desktop`` entry and the icon in the hicolor theme, and a control file
whose ``Depends`` names the Debian 12 packages that provide every system library a bundled
binary links against (the bundle leaves out glibc, the GL/EGL stack, X11/xcb, xkbcommon,
fontconfig, D-Bus and GLib: they belong to the user's desktop). No maintainer scripts:
dpkg's triggers refresh the icon cache and the desktop database, and removing the package
never touches the users' data folders.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import elfdeps

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "slice-chat"
INSTALL_DIR = "opt/slice"
MAINTAINER = "Slice maintainers <slice-chat@users.noreply.github.com>"
SUMMARY = "chat with language models on your own computer, offline"
DESCRIPTION = """\
Slice is a desktop chat app that runs quantized GGUF language models locally
through llama.cpp. Replies stream token by token, with live latency figures:
time to first token, prompt and generation speed, context use. A small starter
model (SmolLM2 135M Instruct) is included, so it chats with no network."""

# The Debian package that provides each system library (by soname) a bundled binary may
# link against. A soname missing here stops the build: add it with the package that ships
# it in Debian 12 (`dpkg -S <soname>`); `make package-test` checks the table on the
# installed system.
SYSTEM_LIBRARY_PACKAGES = {
    "libc.so.6": "libc6",
    "libm.so.6": "libc6",
    "libdl.so.2": "libc6",
    "libpthread.so.0": "libc6",
    "librt.so.1": "libc6",
    "libutil.so.1": "libc6",
    "libresolv.so.2": "libc6",
    "ld-linux-x86-64.so.2": "libc6",
    "ld-linux-aarch64.so.1": "libc6",
    "libstdc++.so.6": "libstdc++6",
    "libgcc_s.so.1": "libgcc-s1",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libOpenGL.so.0": "libopengl0",
    "libGLX.so.0": "libglx0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0",
    "libgio-2.0.so.0": "libglib2.0-0",
    "libgmodule-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
    "libdrm.so.2": "libdrm2",
    "libz.so.1": "zlib1g",
    "libgomp.so.1": "libgomp1",
    # A Vulkan build's libggml-vulkan: the loader, which finds the user's GPU driver.
    "libvulkan.so.1": "libvulkan1",
}

# Libraries a GPU build links that come with the GPU driver, not with a Debian package
# every system can install: libcuda with NVIDIA's driver (Debian's non-free libcuda1, or
# Ubuntu's libnvidia-compute-NNN, or NVIDIA's own installer). They go to Recommends (apt
# installs what it can; the app says what is missing when no GPU can be used).
DRIVER_LIBRARY_PACKAGES = {
    "libcuda.so.1": "libcuda1",
}

# Loaded at run time (dlopen) rather than linked, so no binary names them: Qt's xcb
# platform opens libxcb-cursor and the GL libraries, and a desktop needs some font.
RUNTIME_DEPENDS = ("libegl1", "libgl1", "libxcb-cursor0", "fonts-dejavu-core | fonts-freefont-ttf")


class PackagingError(Exception):
    """The bundle cannot be packaged; the message says what to fix."""


def external_libraries(bundle: Path) -> dict[str, list[str]]:
    """Sonames bundled binaries link against that the bundle does not hold -> who needs them."""
    inside = {p.name for p in bundle.rglob("*") if p.is_file() or p.is_symlink()}
    needs: dict[str, list[str]] = {}
    for path in elfdeps.elf_files(bundle):
        for name in elfdeps.needed_libraries(path):
            if name not in inside:
                needs.setdefault(name, []).append(str(path.relative_to(bundle)))
    return needs


def depends_field(sonames: Iterable[str], glibc: tuple[int, ...]) -> str:
    """The ``Depends`` value for these system sonames and this minimum glibc version."""
    names = sorted(set(sonames) - set(DRIVER_LIBRARY_PACKAGES))
    unknown = [n for n in names if n not in SYSTEM_LIBRARY_PACKAGES]
    if unknown:
        raise PackagingError(
            "no Debian package is known for these libraries the bundle links against: "
            + ", ".join(unknown)
            + ". Add them to SYSTEM_LIBRARY_PACKAGES in packaging/build_deb.py, or keep "
            "them in the bundle (packaging/bundle_rules.py)."
        )
    packages = {SYSTEM_LIBRARY_PACKAGES[n] for n in names} | set(RUNTIME_DEPENDS)
    packages.discard("libc6")
    libc = "libc6"
    if glibc > (0,):
        libc += f" (>= {'.'.join(str(p) for p in glibc)})"
    return ", ".join([libc, *sorted(packages)])


def recommends_field(sonames: Iterable[str]) -> str:
    """The ``Recommends`` value: the driver packages of the GPU libraries linked ("" none)."""
    return ", ".join(sorted({DRIVER_LIBRARY_PACKAGES[n] for n in sonames
                             if n in DRIVER_LIBRARY_PACKAGES}))


def control_text(version: str, arch: str, installed_kib: int, depends: str,
                 recommends: str = "") -> str:
    """The ``DEBIAN/control`` file."""
    description = "\n".join(f" {line}" if line else " ." for line in DESCRIPTION.splitlines())
    return (
        f"Package: {PACKAGE}\n"
        f"Version: {version}\n"
        f"Architecture: {arch}\n"
        f"Maintainer: {MAINTAINER}\n"
        f"Installed-Size: {installed_kib}\n"
        f"Depends: {depends}\n"
        + (f"Recommends: {recommends}\n" if recommends else "")
        + "Section: utils\n"
        "Priority: optional\n"
        f"Description: {SUMMARY}\n"
        f"{description}\n"
    )


def installed_size_kib(root: Path) -> int:
    """Installed-Size as dpkg counts it: KiB of regular files, one per symlink."""
    total = 0
    for path in root.rglob("*"):
        if path.is_symlink():
            total += 1024
        elif path.is_file():
            total += path.stat().st_size
    return (total + 1023) // 1024


def stage(bundle: Path, staging: Path, version: str, arch: str) -> Path:
    """Lay out the package tree under ``staging``; returns it."""
    from render_icons import SVG, render_pngs

    if staging.exists():
        shutil.rmtree(staging)
    opt = staging / INSTALL_DIR
    shutil.copytree(bundle, opt, symlinks=True)
    usr = staging / "usr"
    (usr / "bin").mkdir(parents=True)
    (usr / "bin" / PACKAGE).symlink_to(f"/{INSTALL_DIR}/{PACKAGE}")
    apps = usr / "share" / "applications"
    apps.mkdir(parents=True)
    shutil.copy(ROOT / "assets" / "slice-chat.desktop", apps / "slice-chat.desktop")
    hicolor = usr / "share" / "icons" / "hicolor"
    for png in render_pngs(staging / "icons-tmp"):
        size = png.stem
        target = hicolor / f"{size}x{size}" / "apps" / f"{PACKAGE}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        png.replace(target)
    shutil.rmtree(staging / "icons-tmp")
    (hicolor / "scalable" / "apps").mkdir(parents=True)
    shutil.copy(SVG, hicolor / "scalable" / "apps" / f"{PACKAGE}.svg")
    doc = usr / "share" / "doc" / PACKAGE
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
        "Upstream-Name: Slice\n\n"
        "Files: *\nLicense: Apache-2.0\n"
        " The bundled components keep their own licenses: Qt and PySide6 (LGPL-3.0),\n"
        " llama.cpp and llama-cpp-python (MIT), Python (PSF-2.0), NumPy (BSD-3-Clause),\n"
        " SmolLM2-135M-Instruct (Apache-2.0).\n",
        encoding="utf-8",
    )

    needs = external_libraries(opt)
    glibc = max((elfdeps.glibc_version_needed(p) for p in elfdeps.elf_files(opt)), default=(0,))
    depends = depends_field(needs, glibc)
    debian = staging / "DEBIAN"
    debian.mkdir()
    (debian / "control").write_text(
        control_text(version, arch, installed_size_kib(staging), depends,
                     recommends_field(needs)), encoding="utf-8"
    )
    return staging


def deb_name(version: str, arch: str, flavour: str = "") -> str:
    """``slice-chat_<version>_<arch>.deb``, or ``slice-chat-vulkan_...`` for a GPU build
    (the package inside is ``slice-chat`` either way: one replaces the other)."""
    name = PACKAGE if flavour in ("", "cpu") else f"{PACKAGE}-{flavour}"
    return f"{name}_{version}_{arch}.deb"


def build(bundle: Path, out_dir: Path, version: str, arch: str, flavour: str = "") -> Path:
    """Stage and build ``<out_dir>/`` :func:`deb_name`; returns its path."""
    if not (bundle / PACKAGE).is_file():
        raise PackagingError(f"'{bundle}' holds no '{PACKAGE}' executable: run make package")
    staging = stage(bundle, out_dir / "deb" / f"{PACKAGE}_{version}_{arch}", version, arch)
    deb = out_dir / deb_name(version, arch, flavour)
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(staging), str(deb)],
        check=True,
    )
    shutil.rmtree(staging)  # a second copy of the bundle; the .deb holds it now
    return deb


def debian_arch() -> str:
    return subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", type=Path, help="the PyInstaller one-folder bundle")
    parser.add_argument("out_dir", type=Path, help="where the .deb goes")
    parser.add_argument("--version", help="package version (default: Slice's)")
    parser.add_argument("--flavour", default="", help="the llama.cpp backend of a GPU build "
                        "(vulkan, cuda): it names the .deb file")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from inference import __version__

    try:
        deb = build(args.bundle.resolve(), args.out_dir.resolve(), args.version or __version__,
                    debian_arch(), args.flavour)
    except PackagingError as exc:
        print(f"build_deb: {exc}", file=sys.stderr)
        return 1
    print(deb)
    return 0


if __name__ == "__main__":
    sys.exit(main())

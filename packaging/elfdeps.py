"""What a Linux binary needs from the system: its direct ``NEEDED`` libraries and ``ldd``.

Shared by the bundle rules (which prune libraries nothing needs), the ``.deb`` build (which
turns the system libraries the bundle needs into ``Depends``) and the bundle check (which
runs ``ldd`` on every binary of the installed app). Uses binutils, which PyInstaller
needs on Linux anyway.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

_NEEDED = re.compile(r"\(NEEDED\)\s+Shared library: \[(?P<name>[^\]]+)\]")
_LDD_LINE = re.compile(r"^\s*(?P<name>\S+)\s+=>\s+(?P<path>.+?)(?:\s+\(0x[0-9a-f]+\))?$")
_LDD_VERSION = re.compile(r"version `(?P<version>[^']+)' not found")
_GLIBC_VERSION = re.compile(r"\bGLIBC_(\d+)\.(\d+)(?:\.(\d+))?\b")


def is_elf(path: Path) -> bool:
    """Whether the file is an ELF binary (a shared library, extension or executable)."""
    try:
        with path.open("rb") as handle:
            return handle.read(4) == b"\x7fELF"
    except OSError:
        return False


def elf_files(root: Path) -> Iterator[Path]:
    """Every ELF file under ``root`` (symlinks skipped: their targets are listed)."""
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and is_elf(path):
            yield path


def needed_libraries(path: Path) -> list[str]:
    """The sonames the binary links against directly (its ``DT_NEEDED`` entries)."""
    out = subprocess.run(
        ["readelf", "--dynamic", "--wide", str(path)],
        capture_output=True, text=True, check=False,
    ).stdout
    return [m.group("name") for m in _NEEDED.finditer(out)]


def glibc_version_needed(path: Path) -> tuple[int, ...]:
    """The newest ``GLIBC_x.y`` symbol version the binary asks for ((0,) if none)."""
    out = subprocess.run(
        ["readelf", "--version-info", "--wide", str(path)],
        capture_output=True, text=True, check=False,
    ).stdout
    versions = [tuple(int(p) for p in m.groups() if p) for m in _GLIBC_VERSION.finditer(out)]
    return max(versions, default=(0,))


@dataclass
class LddReport:
    """What the dynamic loader makes of one binary."""

    resolved: dict[str, str] = field(default_factory=dict)
    """soname -> the file the loader would use."""
    not_found: list[str] = field(default_factory=list)
    """sonames nothing provides."""
    version_errors: list[str] = field(default_factory=list)
    """Symbol versions a library is too old for (``GLIBCXX_3.4.32 not found``)."""


def ldd(path: Path, env: dict[str, str] | None = None) -> LddReport:
    """Run ``ldd`` on one binary and sort its answer."""
    result = subprocess.run(
        ["ldd", str(path)], capture_output=True, text=True, check=False, env=env
    )
    report = LddReport()
    for line in (result.stdout + result.stderr).splitlines():
        version = _LDD_VERSION.search(line)
        if version:
            report.version_errors.append(line.strip())
            continue
        match = _LDD_LINE.match(line)
        if not match:
            continue
        name, target = match.group("name"), match.group("path").strip()
        if target == "not found":
            report.not_found.append(name)
        else:
            report.resolved[name] = target
    return report

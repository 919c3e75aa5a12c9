"""Check an installed (or built) Linux bundle with ``ldd``, and report its size.

    python packaging/check_bundle.py BUNDLE_DIR [--deb FILE] [--package NAME]

- every ELF file in the bundle is run through ``ldd`` the way the app's loader sees it
  (PyInstaller's bootloader puts ``_internal`` on the library path): nothing may be
  "not found", and no library may be too old for a symbol version it is asked for;
- with ``--package``, every system library a bundled binary links against directly must
  belong to a package the installed ``.deb`` declares in ``Depends`` (checked with
  ``dpkg -S``), so that a machine with only those packages runs the app;
- prints the bundle's size, its largest files and, with ``--deb``, the ``.deb``'s size.

Exits 1 when a check fails, naming every offending file.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import elfdeps
from build_deb import external_libraries


def loader_env(bundle: Path) -> dict[str, str]:
    """The environment the bootloader gives the app: ``_internal`` first on the path."""
    env = dict(os.environ)
    internal = bundle / "_internal"
    env["LD_LIBRARY_PATH"] = os.pathsep.join(
        p for p in (str(internal), os.environ.get("LD_LIBRARY_PATH", "")) if p
    )
    return env


def ldd_problems(bundle: Path) -> tuple[int, list[str], dict[str, str]]:
    """(files checked, problems, soname -> resolved path for everything ldd found)."""
    env = loader_env(bundle)
    problems: list[str] = []
    resolved: dict[str, str] = {}
    count = 0
    for path in elfdeps.elf_files(bundle):
        count += 1
        report = elfdeps.ldd(path, env=env)
        rel = path.relative_to(bundle)
        problems += [f"{rel}: {name} not found" for name in dict.fromkeys(report.not_found)]
        problems += [f"{rel}: {line}" for line in dict.fromkeys(report.version_errors)]
        resolved.update(report.resolved)
    return count, problems, resolved


def declared_packages(package: str) -> set[str]:
    """Package names in the installed package's ``Depends`` (alternatives included)."""
    depends = subprocess.run(
        ["dpkg-query", "-W", "-f=${Depends}", package],
        capture_output=True, text=True, check=True,
    ).stdout
    return {re.split(r"[\s(:]", alt.strip(), maxsplit=1)[0]
            for item in depends.split(",") for alt in item.split("|") if alt.strip()}


def owning_package(path: str) -> str | None:
    """The package that installed this file (``dpkg -S``), trying its /usr-merged names."""
    real = os.path.realpath(path)
    candidates = [path, real]
    for p in (path, real):
        if p.startswith("/usr/"):
            candidates.append(p[4:])
        else:
            candidates.append("/usr" + p)
    for candidate in dict.fromkeys(candidates):
        result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if result.returncode == 0 and ":" in result.stdout:
            return result.stdout.split(":", 1)[0].split(",")[0].strip()
    return None


def provides(package: str) -> set[str]:
    out = subprocess.run(
        ["dpkg-query", "-W", "-f=${Provides}", package], capture_output=True, text=True
    ).stdout
    return {re.split(r"[\s(]", p.strip(), maxsplit=1)[0] for p in out.split(",") if p.strip()}


def undeclared_libraries(bundle: Path, package: str, resolved: dict[str, str]) -> list[str]:
    """System libraries the bundle links that no package in ``Depends`` provides."""
    declared = declared_packages(package)
    problems = []
    for soname, users in sorted(external_libraries(bundle).items()):
        path = resolved.get(soname)
        if path is None:
            continue  # already reported as not found
        owner = owning_package(path)
        if owner is None:
            problems.append(f"{soname} ({path}, for {users[0]}) belongs to no Debian package")
        elif owner not in declared and not provides(owner) & declared:
            problems.append(
                f"{soname} comes from '{owner}', which Depends does not name (needed by {users[0]})"
            )
    return problems


def size_report(bundle: Path, deb: Path | None) -> list[str]:
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    total = sum(p.stat().st_size for p in files)
    lines = [f"bundle: {total / 2**20:.1f} MiB in {len(files)} files ({bundle})"]
    for path in sorted(files, key=lambda p: p.stat().st_size, reverse=True)[:8]:
        lines.append(f"  {path.stat().st_size / 2**20:7.1f} MiB  {path.relative_to(bundle)}")
    if deb is not None:
        lines.append(f".deb: {deb.stat().st_size / 2**20:.1f} MiB ({deb.name})")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--deb", type=Path, help="the .deb file, to report its size")
    parser.add_argument("--package", help="the installed package whose Depends to check")
    args = parser.parse_args(argv)
    count, problems, resolved = ldd_problems(args.bundle)
    if args.package:
        problems += undeclared_libraries(args.bundle, args.package, resolved)
    print("\n".join(size_report(args.bundle, args.deb)))
    if problems:
        print(f"check_bundle: {len(problems)} problem(s) in {count} binaries:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(f"check_bundle: ldd finds every library of all {count} binaries")
    return 0


if __name__ == "__main__":
    sys.exit(main())

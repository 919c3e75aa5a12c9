"""A model's files on disk: one GGUF, or the parts of a split model, and their checks.

llama.cpp's gguf-split writes ``name-00001-of-00003.gguf`` and so on; such a model is read
from all its parts and is known by its first.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from inference.gguf_info import GGUFError, GGUFInfo, read_gguf_info

# `name-00001-of-00003.gguf`: one part of a model split by llama.cpp's gguf-split.
SPLIT_RE = re.compile(r"^(?P<stem>.+)-(?P<no>\d{5})-of-(?P<count>\d{5})\.gguf$", re.IGNORECASE)


class ModelImportError(Exception):
    """A file cannot be added to the library; the message says why, for people."""


def sha256_of(path: Path, chunk: int = 4 * 1024 * 1024) -> str:
    """The SHA-256 of a file, as lowercase hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def split_parts(path: str | os.PathLike[str]) -> list[Path] | None:
    """All parts of a split model, given any one of them; None for a single-file model."""
    file = Path(path)
    match = SPLIT_RE.match(file.name)
    if match is None:
        return None
    count = int(match["count"])
    return [
        file.with_name(f"{match['stem']}-{no:05d}-of-{match['count']}{file.suffix}")
        for no in range(1, count + 1)
    ]


@dataclass(frozen=True)
class ModelFiles:
    """A model's header (from its first file) and every file it consists of."""

    info: GGUFInfo
    files: tuple[Path, ...]
    n_params: int = 0

    @property
    def size(self) -> int:
        return sum(f.stat().st_size for f in self.files)


def read_model_files(path: str | os.PathLike[str]) -> ModelFiles:
    """Read and check a model's header; a split model is read part by part.

    Raises :class:`ModelImportError` naming the problem (a missing part, a bad header).
    """
    parts = split_parts(path)
    files = parts or [Path(path)]
    missing = [p.name for p in files if not p.is_file()]
    if parts and missing:
        raise ModelImportError(
            f"'{Path(path).name}' is one part of a model split into {len(parts)} files, and "
            f"{len(missing)} of them are missing ({', '.join(missing[:3])}). Put all parts "
            "in the same folder."
        )
    try:
        infos = [read_gguf_info(f) for f in files]
    except GGUFError as exc:
        raise ModelImportError(exc.message) from exc
    n_params = sum(i.n_params for i in infos)
    return ModelFiles(info=infos[0], files=tuple(files), n_params=n_params)

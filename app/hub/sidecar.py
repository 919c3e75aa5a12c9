"""A partial download on disk: the file it will be, and the sidecar record beside it.

``NAME.part`` collects the bytes; ``NAME.part.json`` records what they must become
(repository, path, commit, size, SHA-256) and whether the transfer is active or paused, so
that a later run, in this process or another, can resume it. The record's format is read by
older and newer versions alike: keep its keys and state strings as they are.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from app.files import write_atomically

SIDECAR_VERSION = 1


class SidecarState(StrEnum):
    """What a sidecar says of its transfer; the values are what the files hold."""

    ACTIVE = "active"
    PAUSED = "paused"


@dataclass(frozen=True)
class FileSpec:
    """A file to download: where it is on the hub and what it must be."""

    repo_id: str
    repo_path: str
    commit: str
    size: int
    sha256: str

    @property
    def key(self) -> str:
        return f"{self.repo_id}/{self.repo_path}"



def sidecar_path(dest: Path) -> Path:
    """Where the record of ``dest``'s partial download lives."""
    return dest.with_name(dest.name + ".part.json")


def partial_path(dest: Path) -> Path:
    """Where the bytes of ``dest`` collect until it is whole and verified."""
    return dest.with_name(dest.name + ".part")


def read_sidecar(path: Path) -> dict[str, Any] | None:
    """A sidecar's record, or None when it is missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def spec_from_sidecar(data: dict[str, Any]) -> FileSpec | None:
    """The file a sidecar record describes, or None when the record is incomplete."""
    try:
        return FileSpec(str(data["repo_id"]), str(data["repo_path"]), str(data["commit"]),
                        int(data["size"]), str(data["sha256"]))
    except (KeyError, TypeError, ValueError):
        return None


def write_sidecar(dest: Path, spec: FileSpec, state: SidecarState, message: str = "") -> None:
    """Record ``spec`` and the transfer's state beside the partial file."""
    record = {"version": SIDECAR_VERSION, **asdict(spec), "state": state, "message": message,
              "updated": time.time()}
    write_atomically(sidecar_path(dest), json.dumps(record, indent=2))

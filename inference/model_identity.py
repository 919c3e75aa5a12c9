"""Which model file a KV snapshot was made with, without hashing it on every load.

A snapshot is keyed by the model file's SHA-256. Hashing a multi-gigabyte file takes
seconds to minutes, so the engine never does it on the request path: the request carries
the hash when its sender knows it (the model library has it for the starter model and
every download, verified against the hub; the app remembers the hash of an imported file
once it has computed it in the background), and :class:`KnownHashes` remembers each hash
it was told beside the file's path, size and modification time, for requests that do not
carry one (the CLI, another client). A file whose hash nobody knows yet is named by that
path, size and modification time (:func:`file_identity`); a snapshot written so is still
read once the hash is known, as long as the file is unchanged.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from pathlib import Path

from inference.options import LoadSettings
from inference.snapshot_disk import SnapshotKey, kv_shape

_log = logging.getLogger(__name__)

#: The file in the snapshot folder that remembers model hashes.
HASHES_FILE = "model-sha256.json"
_MAX_REMEMBERED = 256
_HEX = frozenset("0123456789abcdef")


def file_identity(path: str) -> str:
    """``file:<absolute path>:<size>:<mtime_ns>``; empty when the file cannot be read."""
    try:
        stat = os.stat(path)
    except OSError:
        return ""
    return f"file:{os.path.abspath(path)}:{stat.st_size}:{stat.st_mtime_ns}"


def is_sha256(text: str) -> bool:
    return len(text) == 64 and set(text.lower()) <= _HEX


class KnownHashes:
    """SHA-256 of model files by :func:`file_identity`, kept in ``folder``/model-sha256.json.

    A changed file (another size or modification time) has another identity: its old hash
    is never used for it.
    """

    def __init__(self, folder: Path) -> None:
        self.path = folder / HASHES_FILE
        self._known: dict[str, str] | None = None

    def _load(self) -> dict[str, str]:
        if self._known is None:
            known: dict[str, str] = {}
            with contextlib.suppress(OSError, ValueError):
                data = json.loads(self.path.read_text(encoding="utf-8"))
                if isinstance(data, dict):
                    known = {str(k): str(v).lower() for k, v in data.items()
                             if isinstance(v, str) and is_sha256(v)}
            self._known = known
        return self._known

    def lookup(self, identity: str) -> str:
        """The hash remembered for ``identity``, or ""."""
        return self._load().get(identity, "") if identity else ""

    def remember(self, identity: str, sha256: str) -> None:
        """Keep ``sha256`` for ``identity`` (written at once; a failure is only logged)."""
        known = self._load()
        if not identity or not is_sha256(sha256) or known.get(identity) == sha256.lower():
            return
        path_part = identity.rsplit(":", 2)[0]
        for other in [k for k in known if k.rsplit(":", 2)[0] == path_part]:
            del known[other]  # the same path's older versions
        known[identity] = sha256.lower()
        while len(known) > _MAX_REMEMBERED:
            del known[next(iter(known))]
        temp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(known, out, indent=0)
            os.replace(temp, self.path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                temp.unlink()
            _log.warning("snapshots: could not remember the hash of %s (%s)", path_part, exc)


def snapshot_key(
    path: str, settings: LoadSettings, sha256: str, known: KnownHashes | None, engine: str
) -> SnapshotKey | None:
    """The key of ``path``'s snapshots under ``settings``: by ``sha256`` (the request's,
    else the one ``known`` remembers for the file as it is), else by the file's identity;
    None when the file cannot be read."""
    identity = file_identity(path)
    if not identity:
        return None
    sha256 = sha256.lower() if is_sha256(sha256) else ""
    if known is not None:
        if sha256:
            known.remember(identity, sha256)
        else:
            sha256 = known.lookup(identity)
    kv = kv_shape(settings)
    if sha256:
        return SnapshotKey(model=f"sha256:{sha256}", kv=kv, engine=engine, also=identity)
    return SnapshotKey(model=identity, kv=kv, engine=engine)

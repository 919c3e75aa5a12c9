"""The model library: every GGUF file the app knows, with where it came from.

The starter model (:mod:`app.models.starter`) is copied into the app's model folder on first
run and verified by SHA-256, so a fresh install chats with no network. Imported files are
referenced where they are; files in a watched folder are imported when the folder is
scanned; downloads from the hub are recorded with their repository and commit. A model split
into several files (``name-00001-of-00003.gguf``, :mod:`app.models.files`) is one entry,
recorded by its first part.

The library is a JSON file. Every change re-reads it under a lock first, so the window and a
``slice-chat models`` command running at the same time do not lose each other's changes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from app.files import fsync_file, replace_durably, write_atomically
from app.models.files import (
    SPLIT_RE,
    ModelFiles,
    ModelImportError,
    read_model_files,
    sha256_of,
    split_parts,
)
from app.models.starter import (
    STARTER_FILE,
    STARTER_LICENSE,
    STARTER_NAME,
    STARTER_SHA256,
    STARTER_SIZE,
    bundled_starter,
)


class Origin(StrEnum):
    """Where a model came from; the values are what library.json holds."""

    STARTER = "starter"
    IMPORTED = "imported"
    DOWNLOADED = "downloaded"


# Where a model came from, for people (the window translates them: ui/app_texts.py).
DOWNLOADED_FROM = "downloaded from {repo}@{commit}"
IMPORTED_WATCHED = "imported (watched folder {folder})"

LIBRARY_VERSION = 2


@dataclass(frozen=True)
class ModelEntry:
    """One model the app knows. ``path`` is the model's (first) file."""

    name: str
    path: str
    origin: Origin
    architecture: str = ""
    quantization: str = ""
    size: int = 0  # bytes, all parts together
    sha256: str = ""  # of the (first) file; empty until computed for imported files
    n_params: int = 0
    context_length: int = 0
    has_template: bool = False
    license: str = ""
    repo_id: str = ""  # downloaded: the hub repository ...
    commit: str = ""  # ... at this commit ...
    repo_path: str = ""  # ... and the file's path in it
    parts: int = 1
    folder: str = ""  # imported from this watched folder
    added_at: float = 0.0

    @property
    def origin_label(self) -> str:
        """Where the model came from, for people."""
        if self.origin == Origin.DOWNLOADED and self.repo_id:
            return DOWNLOADED_FROM.format(repo=self.repo_id, commit=self.commit[:10])
        if self.origin == Origin.IMPORTED and self.folder:
            return IMPORTED_WATCHED.format(folder=self.folder)
        return self.origin

    @property
    def owned(self) -> bool:
        """The app made this file (starter copy or download): deleting it removes the file."""
        return self.origin in (Origin.STARTER, Origin.DOWNLOADED)


_ENTRY_FIELDS = {f.name for f in dataclasses.fields(ModelEntry)}


def _entry_from_json(item: dict[str, Any]) -> ModelEntry:
    values = {k: v for k, v in item.items() if k in _ENTRY_FIELDS}
    try:
        values["origin"] = Origin(str(values.get("origin", "")))
    except ValueError:
        # An origin this version does not know is treated as imported: the model is listed,
        # and its file is never deleted by the app.
        values["origin"] = Origin.IMPORTED
    return ModelEntry(**values)


def entry_from_files(model: ModelFiles, origin: Origin, **extra: Any) -> ModelEntry:
    """A library entry describing ``model``."""
    info = model.info
    quant = info.quantization
    name = info.name
    if quant != "unknown" and quant not in name:
        name = f"{name} ({quant})"
    licence = info.metadata.get("general.license", "")
    values: dict[str, Any] = {
        "name": name,
        "path": os.path.abspath(model.files[0]),
        "origin": origin,
        "architecture": info.architecture,
        "quantization": quant,
        "size": model.size,
        "n_params": model.n_params,
        "context_length": info.context_length,
        "has_template": info.chat_template is not None,
        "license": licence if isinstance(licence, str) else "",
        "parts": len(model.files),
        "added_at": time.time(),
    }
    values.update(extra)
    return ModelEntry(**values)


class _FileLock:
    """An advisory lock on a file, across processes (a no-op where fcntl is missing)."""

    def __init__(self, path: Path) -> None:
        self._path = path

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        try:
            import fcntl
        except ImportError:  # Windows: the in-process lock still serialises the app
            yield
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        with self._path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass
class _State:
    entries: list[ModelEntry] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # removed from a watched folder's view
    starter_removed: bool = False


class ModelLibrary:
    """The list of known models, persisted as JSON in the data folder. Thread-safe."""

    def __init__(self, library_file: Path, models_dir: Path) -> None:
        self._file = library_file
        self._models_dir = models_dir
        self._lock = threading.RLock()
        self._file_lock = _FileLock(library_file.with_name(library_file.name + ".lock"))
        self._state = self._read()

    @property
    def models_dir(self) -> Path:
        """The folder of the files the app owns (starter, downloads)."""
        return self._models_dir

    @property
    def _entries(self) -> list[ModelEntry]:
        return self._state.entries

    def _read(self) -> _State:
        try:
            raw = json.loads(self._file.read_text(encoding="utf-8"))
            return _State(
                entries=[_entry_from_json(item) for item in raw.get("models", [])],
                folders=[str(f) for f in raw.get("folders", [])],
                ignored=[str(f) for f in raw.get("ignored", [])],
                starter_removed=bool(raw.get("starter_removed", False)),
            )
        except FileNotFoundError:
            return _State()
        except (OSError, ValueError, TypeError, AttributeError):
            # Keep the unreadable file for inspection; start over from what is on disk.
            with contextlib.suppress(OSError):
                self._file.replace(self._file.with_name(self._file.name + ".bad"))
            return _State()

    def _write(self) -> None:
        state = self._state
        write_atomically(
            self._file,
            json.dumps(
                {
                    "version": LIBRARY_VERSION,
                    "models": [asdict(e) for e in state.entries],
                    "folders": state.folders,
                    "ignored": state.ignored,
                    "starter_removed": state.starter_removed,
                },
                indent=2,
            ),
        )

    @contextlib.contextmanager
    def _mutating(self) -> Iterator[_State]:
        """Re-read the file, let the caller change the state, write it back; all locked."""
        with self._lock, self._file_lock.held():
            if self._file.exists():
                self._state = self._read()
            yield self._state
            self._write()

    def reload(self) -> None:
        """Pick up changes made by another process."""
        with self._lock:
            self._state = self._read()

    def models(self) -> list[ModelEntry]:
        """Known models whose files still exist, starter first."""
        with self._lock:
            present = [e for e in self._entries if Path(e.path).is_file()]
        return sorted(present, key=lambda e: (e.origin != Origin.STARTER, e.name.lower()))

    def find(self, path: str) -> ModelEntry | None:
        """The entry of the model whose (first) file is ``path``, or of which it is a part."""
        parts = split_parts(path)
        target = os.path.abspath(parts[0] if parts else path)
        with self._lock:
            return next((e for e in self._entries if os.path.abspath(e.path) == target), None)

    def folders(self) -> list[str]:
        """The watched folders."""
        with self._lock:
            return list(self._state.folders)

    def _put(self, state: _State, entry: ModelEntry) -> None:
        state.entries = [e for e in state.entries if e.path != entry.path] + [entry]
        with contextlib.suppress(ValueError):
            state.ignored.remove(entry.path)

    def ensure_starter(self) -> ModelEntry | None:
        """Install the starter model into the model folder if needed (verified by SHA-256).

        Returns None when no starter model ships with this installation, or when the user
        deleted it from the library.
        """
        target = self._models_dir / STARTER_FILE
        entry = self.find(str(target))
        if entry is not None and target.is_file() and target.stat().st_size == STARTER_SIZE:
            return entry
        if self._state.starter_removed:
            return None
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
            # Durable before it counts: a later start trusts a starter of the right size.
            fsync_file(partial)
            replace_durably(partial, target)
        entry = entry_from_files(
            read_model_files(target),
            Origin.STARTER,
            name=STARTER_NAME,
            sha256=STARTER_SHA256,
            license=STARTER_LICENSE,
        )
        with self._mutating() as state:
            self._put(state, entry)
        return entry

    def import_file(self, path: str, folder: str = "") -> ModelEntry:
        """Add a local GGUF file (referenced in place). Raises :class:`ModelImportError`.

        Any part of a split model adds the whole model.
        """
        model = read_model_files(path)
        existing = self.find(str(model.files[0]))
        if existing is not None:
            return existing
        entry = entry_from_files(model, Origin.IMPORTED, folder=folder)
        with self._mutating() as state:
            self._put(state, entry)
        return entry

    def add_downloaded(
        self, path: Path, repo_id: str, commit: str, repo_path: str, sha256: str
    ) -> ModelEntry:
        """Record a verified download (its first part, for a split model).

        Its name is the file's, as the user picked it from the repository listing.
        """
        match = SPLIT_RE.match(path.name)
        entry = entry_from_files(
            read_model_files(path),
            Origin.DOWNLOADED,
            name=match["stem"] if match else path.stem,
            repo_id=repo_id,
            commit=commit,
            repo_path=repo_path,
            sha256=sha256,
        )
        with self._mutating() as state:
            self._put(state, entry)
        return entry

    def set_sha256(self, path: str, digest: str) -> None:
        """Record the SHA-256 computed for an entry's (first) file."""
        with self._mutating() as state:
            state.entries = [
                dataclasses.replace(e, sha256=digest) if e.path == path else e
                for e in state.entries
            ]

    def delete(self, path: str) -> ModelEntry | None:
        """Forget a model. Files the app made (starter copy, downloads) are deleted;
        imported files stay where they are. Returns the removed entry."""
        entry = self.find(path)
        if entry is None:
            return None
        if entry.owned:
            models = self._models_dir.resolve()
            for file in split_parts(entry.path) or [Path(entry.path)]:
                # Never delete outside the model folder, whatever the library file says.
                if file.resolve().is_relative_to(models):
                    file.unlink(missing_ok=True)
        with self._mutating() as state:
            state.entries = [e for e in state.entries if e.path != entry.path]
            if entry.folder and entry.path not in state.ignored:
                state.ignored.append(entry.path)
            if entry.origin == Origin.STARTER:
                state.starter_removed = True
        return entry

    def add_folder(self, folder: str) -> tuple[list[ModelEntry], list[str]]:
        """Watch ``folder``: import its GGUF files now and on each :meth:`scan_folders`.

        Returns the entries added and one message per file that could not be imported.
        """
        path = os.path.abspath(folder)
        if not os.path.isdir(path):
            raise ModelImportError(f"'{folder}' is not a folder.")
        with self._mutating() as state:
            if path not in state.folders:
                state.folders.append(path)
        return self.scan_folders()

    def scan_folders(
        self, progress: Callable[[str], None] | None = None
    ) -> tuple[list[ModelEntry], list[str]]:
        """Import new GGUF files from the watched folders (not recursively).

        Returns the entries added and one message per file that could not be imported.
        """
        added: list[ModelEntry] = []
        problems: list[str] = []
        with self._lock:
            folders, ignored = list(self._state.folders), set(self._state.ignored)
        for folder in folders:
            try:
                names = sorted(os.listdir(folder))
            except OSError as exc:
                problems.append(f"Cannot read the watched folder '{folder}': {exc.strerror}.")
                continue
            for name in names:
                file = os.path.join(folder, name)
                match = SPLIT_RE.match(name)
                if not name.lower().endswith(".gguf") or (match and int(match["no"]) != 1):
                    continue
                if file in ignored or self.find(file) is not None or not os.path.isfile(file):
                    continue
                if progress is not None:
                    progress(file)
                try:
                    added.append(self.import_file(file, folder=folder))
                except ModelImportError as exc:
                    problems.append(str(exc))
        return added, problems

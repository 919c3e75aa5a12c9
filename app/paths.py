"""Where Slice keeps its files.

Standard per-OS locations from platformdirs. ``SLICE_HOME``, when set, puts data, config,
cache and logs under that one folder instead (tests and portable installs).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "Slice"
HOME_ENV = "SLICE_HOME"


class DataFolderError(Exception):
    """A folder Slice keeps its files in cannot be created; the message says what to do."""


def unwritable_message(folder: Path, exc: OSError) -> str:
    """What to tell a person whose data folder cannot be created (read-only home, no home)."""
    reason = exc.strerror or str(exc)
    return (
        f"Slice cannot create its folder '{folder}' ({reason}). Slice keeps its models, "
        "chats and settings there. Make your home folder writable, or start Slice with "
        f"{HOME_ENV} set to a folder you can write to, for example: "
        f"{HOME_ENV}=/tmp/slice-data slice-chat"
    )


@dataclass(frozen=True)
class AppPaths:
    data: Path
    config: Path
    cache: Path
    logs: Path

    @property
    def models(self) -> Path:
        """Model files the app owns (the starter model, downloads)."""
        return self.data / "models"

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.json"

    @property
    def library_file(self) -> Path:
        return self.data / "library.json"

    @property
    def gpu_layers_file(self) -> Path:
        """GPU layer counts that worked after the GPU ran out of memory (per model file and
        context size; app/models/gpu_layer_memory.py)."""
        return self.data / "gpu-layers.json"

    @property
    def engine_probes(self) -> Path:
        """What each engine build can do, as its probe answered (app/models/engine_probe.py)."""
        return self.cache / "engine"

    @property
    def snapshots(self) -> Path:
        """Conversation KV caches spilled to disk (one subfolder per inference host)."""
        return self.cache / "snapshots"

    @property
    def host_log(self) -> Path:
        return self.logs / "inference-host.log"

    def ensure(self) -> AppPaths:
        """Create the folders (idempotent) and return self.

        Raises :class:`DataFolderError` when one cannot be created (no writable home).
        """
        for folder in (self.data, self.config, self.cache, self.logs, self.models):
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DataFolderError(unwritable_message(folder, exc)) from exc
        return self


def app_paths() -> AppPaths:
    """The paths in force now: under ``$SLICE_HOME`` when set, else the OS's standard ones."""
    home = os.environ.get(HOME_ENV)
    if home:
        root = Path(home).expanduser().resolve()
        return AppPaths(
            data=root / "data", config=root / "config", cache=root / "cache", logs=root / "logs"
        )
    return AppPaths(
        data=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        config=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        cache=Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
        logs=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
    )

"""User settings: declared once, typed, with defaults, validation and versioned migration.

Stored as JSON in the config folder, written atomically. A file that cannot be read is kept
aside (``settings.json.bad``) and the defaults are used, so nothing is lost silently.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from app.files import write_atomically
from inference.events import (
    KV_CACHE_TYPES,
    OVERFLOW_POLICIES,
    OVERFLOW_STOP,
    LoadSettings,
    Sampling,
)

_T = TypeVar("_T")

SETTINGS_VERSION = 1
THEMES = ("system", "light", "dark")

SAMPLING_FIELDS = tuple(f.name for f in dataclasses.fields(Sampling))

# Migrations: version N -> N+1, applied in order to the raw JSON dict.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


@dataclass(frozen=True)
class Settings:
    """Everything the user can set. Each field has a default and a valid range."""

    default_model: str = ""
    system_prompt: str = ""
    theme: str = "system"  # "system" (follow the OS), "light" or "dark"
    load: LoadSettings = field(default_factory=LoadSettings)
    sampling: Sampling = field(default_factory=Sampling)
    overflow: str = OVERFLOW_STOP  # what happens when a conversation outgrows the context
    speculative: bool = False  # prompt-lookup speculative decoding
    snapshot_budget_mb: int = 512  # RAM for the KV caches of chats the user left
    snapshot_disk_mb: int = 2048  # disk for those RAM cannot hold (0: none spilled)

    def validated(self) -> Settings:
        """A copy with every out-of-range value replaced by its default."""
        load, sampling = self.load, self.sampling
        d_load, d_sampling = LoadSettings(), Sampling()
        return dataclasses.replace(
            self,
            overflow=self.overflow if self.overflow in OVERFLOW_POLICIES else OVERFLOW_STOP,
            snapshot_budget_mb=self.snapshot_budget_mb
            if 0 <= self.snapshot_budget_mb <= 1_048_576
            else 512,
            snapshot_disk_mb=self.snapshot_disk_mb
            if 0 <= self.snapshot_disk_mb <= 1_048_576
            else 2048,
            theme=self.theme if self.theme in THEMES else "system",
            load=dataclasses.replace(
                load,
                n_ctx=load.n_ctx if 256 <= load.n_ctx <= 1_048_576 else d_load.n_ctx,
                n_threads=load.n_threads if 0 <= load.n_threads <= 1024 else 0,
                n_threads_batch=load.n_threads_batch if 0 <= load.n_threads_batch <= 1024 else 0,
                n_batch=load.n_batch if 1 <= load.n_batch <= 65_536 else d_load.n_batch,
                n_ubatch=load.n_ubatch if 1 <= load.n_ubatch <= 65_536 else d_load.n_ubatch,
                kv_cache_type=load.kv_cache_type
                if load.kv_cache_type in KV_CACHE_TYPES and (load.flash_attn or
                                                             load.kv_cache_type == "f16")
                else "f16",
            ),
            sampling=dataclasses.replace(
                sampling,
                temperature=sampling.temperature
                if 0.0 <= sampling.temperature <= 5.0
                else d_sampling.temperature,
                top_p=sampling.top_p if 0.0 < sampling.top_p <= 1.0 else d_sampling.top_p,
                top_k=sampling.top_k if sampling.top_k >= 0 else d_sampling.top_k,
                min_p=sampling.min_p if 0.0 <= sampling.min_p <= 1.0 else d_sampling.min_p,
                max_tokens=sampling.max_tokens
                if sampling.max_tokens >= 0
                else d_sampling.max_tokens,
            ),
        )


def _from_dict(data: dict[str, Any]) -> Settings:
    def pick(cls: type[_T], raw: Any) -> _T:
        if not isinstance(raw, dict):
            return cls()
        # Keep the values of known fields whose type matches the default's; drop the rest.
        defaults = cls()
        values = {
            name: value
            for name, value in raw.items()
            if hasattr(defaults, name) and type(value) is type(getattr(defaults, name))
        }
        return cls(**values)

    top = {
        k: v
        for k, v in data.items()
        if k
        in ("default_model", "system_prompt", "theme", "overflow", "speculative",
            "snapshot_budget_mb", "snapshot_disk_mb")
    }
    return dataclasses.replace(
        pick(Settings, top),
        load=pick(LoadSettings, data.get("load")),
        sampling=pick(Sampling, data.get("sampling")),
    ).validated()


def load_settings(path: Path) -> Settings:
    """Read settings, migrating old versions. Never raises for a bad file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            path.replace(path.with_name(path.name + ".bad"))
        return Settings()
    version = int(data.get("version", 1))
    while version < SETTINGS_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
    return _from_dict(data)


def save_settings(path: Path, settings: Settings) -> None:
    """Write settings atomically (a crash mid-write leaves the old file)."""
    data = {"version": SETTINGS_VERSION, **dataclasses.asdict(settings)}
    write_atomically(path, json.dumps(data, indent=2))


def clean_sampling_values(values: Any) -> dict[str, Any]:
    """The valid sampling fields of ``values`` (a dict from JSON), with their types checked.

    Unknown names and values of the wrong type are dropped; ints are accepted for floats.
    """
    if not isinstance(values, dict):
        return {}
    defaults = Sampling()
    clean: dict[str, Any] = {}
    for name, value in values.items():
        if name not in SAMPLING_FIELDS or isinstance(value, bool):
            continue
        default = getattr(defaults, name)
        if isinstance(default, float) and isinstance(value, (int, float)):
            clean[name] = float(value)
        elif isinstance(default, int) and isinstance(value, int):
            clean[name] = value
    return clean

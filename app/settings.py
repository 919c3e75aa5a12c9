"""User settings: declared once, typed, with defaults, validation and versioned migration.

Stored as JSON in the config folder, written atomically. A file that cannot be read is kept
aside (``settings.json.bad``) and the defaults are used, so nothing is lost silently. A file
that reads but holds a bad value (out of range, wrong type) loses that one value: it falls
back to its default with a warning in the log, and every other value is kept.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args

from pydantic import BaseModel, Field, ValidationError

from app.files import write_atomically
from inference.options import (
    OPTIONS_CONFIG,
    OVERFLOW_STOP,
    LoadSettings,
    Overflow,
    Sampling,
)

log = logging.getLogger(__name__)

_M = TypeVar("_M", bound=BaseModel)

SETTINGS_VERSION = 3
Theme = Literal["system", "light", "dark", "contrast"]
THEMES: tuple[str, ...] = get_args(Theme)

SAMPLING_FIELDS: tuple[str, ...] = tuple(Sampling.model_fields)


# Version 2 declared ranges that version 1 did not check (or clamped only when a reply was
# sampled). A value that version 1 used moves to the nearest valid one instead of falling
# back to the default; one that version 1 already rejected is left for validation to reset.
# Fixed numbers: a migration describes the step from 1 to 2, whatever is declared later.
_INF = float("inf")
_V2_CLAMPS: tuple[tuple[str, str, tuple[float, float], tuple[float, float]], ...] = (
    # (section, field, range version 1 used, range of version 2)
    ("load", "n_batch", (1, 65_536), (16, 65_536)),
    ("load", "n_ubatch", (1, 65_536), (16, 65_536)),
    ("sampling", "top_k", (0, _INF), (0, 1000)),
    ("sampling", "repeat_penalty", (-_INF, _INF), (0.5, 2.0)),
    ("sampling", "seed", (-_INF, _INF), (-1, 2**31 - 1)),
    ("sampling", "max_tokens", (0, _INF), (0, 1_000_000)),
)


def _from_version_1(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    for section, name, (old_low, old_high), (low, high) in _V2_CLAMPS:
        values = data.get(section)
        if not isinstance(values, dict):
            continue
        value = values.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and (
            old_low <= value <= old_high
        ):
            data[section] = {**values, name: type(value)(min(max(value, low), high))}
    return data


# Version 3 stores only the sampling values the user chose: the others follow the model's
# recommendation (inference/model_defaults.py). Version 2 wrote every value, so a value
# equal to version 2's default is taken as never chosen (the user who set exactly that
# loses nothing but the model's advice beating it); any other value was the user's.
# Fixed numbers, as above.
_V2_SAMPLING_DEFAULTS: dict[str, float] = {
    "temperature": 0.7, "top_p": 0.95, "top_k": 40, "min_p": 0.05, "repeat_penalty": 1.0,
    "frequency_penalty": 0.0, "presence_penalty": 0.0, "seed": -1, "max_tokens": 1024,
}


def _from_version_2(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    values = data.get("sampling")
    if isinstance(values, dict):
        data["sampling"] = {
            name: value for name, value in values.items()
            if name not in _V2_SAMPLING_DEFAULTS
            or isinstance(value, bool)
            or value != _V2_SAMPLING_DEFAULTS[name]
        }
    return data


# Migrations: version N -> N+1, applied in order to the raw JSON dict before validation.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    1: _from_version_1, 2: _from_version_2,
}


#: The API server's port unless the user picks another (LM Studio has 1234, llama-server
#: 8080, Ollama 11434: Slice keeps out of their way).
DEFAULT_SERVER_PORT = 8181


class ServerSettings(BaseModel):
    """The OpenAI-compatible API server (off until the user turns it on)."""

    model_config = OPTIONS_CONFIG

    enabled: bool = Field(default=False, title="Serve the API",
                          description="Let other apps on this computer use Slice's model "
                          "through the OpenAI-compatible API.")
    host: str = Field(
        default="127.0.0.1", min_length=1, max_length=253, title="Address",
        description="127.0.0.1 serves this computer only. Any other address lets other "
        "machines connect, and then every request needs the API key.",
    )
    port: int = Field(default=DEFAULT_SERVER_PORT, ge=1, le=65535, title="Port",
                      description="The TCP port the server listens on.")
    require_key: bool = Field(
        default=True, title="Require the API key",
        description="Every request must carry the key. Off lets programs on this computer "
        "connect without it; always required when other machines can connect.",
    )
    cors_origins: tuple[str, ...] = Field(
        default=(), title="Browser origins allowed",
        description="Web pages at these origins (for example http://localhost:3000) may "
        "call the API from a browser; none by default.",
    )
    queue_limit: int = Field(
        default=8, ge=1, le=1000, title="Queued requests",
        description="API requests that may wait for the model; past this, a request is "
        "answered 503 with Retry-After.",
    )
    idle_unload_min: int = Field(
        default=0, ge=0, le=10_080, title="Unload the model when idle",
        description="Minutes without requests after which the model is unloaded to free "
        "memory (the next request loads it again); 0: never.",
        json_schema_extra={"special": "never"},
    )
    max_tokens: int = Field(
        default=8192, ge=1, le=1_000_000, title="Most tokens per API reply",
        description="A request may not ask for more tokens than this.",
    )


class Settings(BaseModel):
    """Everything the user can set: the load and sampling options and the app's own."""

    model_config = OPTIONS_CONFIG

    default_model: str = Field(default="", title="Default model",
                               description="The model Slice opens with.")
    system_prompt: str = Field(default="", title="System prompt",
                               description="Instructions the model gets before each chat.")
    theme: Theme = Field(default="system", title="Theme",
                         description="Follow the system's colours, or always light or dark.")
    language: str = Field(
        default="system", pattern=r"^(system|[a-z]{2,3})$", title="Language",
        description="The window's language: the system's, or a language code (en, de, es); "
        "a change takes effect at the next start.",
    )
    text_scale: int = Field(
        default=100, ge=50, le=300, title="Text size (%)",
        description="The window's text size, in percent of the system's (View ▸ Zoom in, "
        "Zoom out, Actual size).", json_schema_extra={"step": 10},
    )
    load: LoadSettings = Field(default_factory=LoadSettings)
    # The values the user chose are the ones set on this object (pydantic's
    # ``model_fields_set``): only they are saved, and only they beat the model's
    # recommendation (see chosen_sampling). The others are the declared defaults.
    sampling: Sampling = Field(
        default_factory=Sampling, title="Sampling",
        description="The sampling you chose for every chat; what you leave unset follows "
        "the model's recommendation.",
    )
    overflow: Overflow = Field(
        default=OVERFLOW_STOP, title="When the context is full",
        description="Stop at the limit, drop the oldest turns but keep the system prompt, "
        "or a rolling window.",
    )
    speculative: bool = Field(
        default=False, title="Speculative decoding (prompt lookup)",
        description="Guesses upcoming tokens from text already in the conversation and "
        "checks several at once. Fast when a reply repeats earlier text (code edits); "
        "turns itself down when guesses miss.",
    )
    loop_guard: bool = Field(
        default=True, title="Stop replies that repeat themselves",
        description="Ends a reply that has fallen into a loop (the same sentences written "
        "again and again) instead of letting it run to the length limit; Continue carries "
        "on anyway.",
    )
    snapshot_budget_mb: int = Field(
        default=512, ge=0, le=1_048_576, title="Cache of recent chats",
        description="Memory for the model's cache of chats you switched away from: "
        "returning to one resumes at once instead of re-reading its history. 0 turns it off.",
        json_schema_extra={"step": 128},
    )
    snapshot_disk_mb: int = Field(
        default=2048, ge=0, le=1_048_576, title="Cache of recent chats on disk",
        description="Disk space for the chats that do not fit in that memory and, when the "
        "model is unloaded or Slice quits, for the ones it held, in Slice's cache folder "
        "(readable only by you; the least recently used go first): a chat reopened after "
        "a restart resumes at once. A deleted chat's cache goes with it; Clear the cache "
        "deletes them all. 0 turns it off (what is there stays until cleared).",
        json_schema_extra={"step": 512},
    )
    server: ServerSettings = Field(default_factory=ServerSettings)


def validate_leniently(model: type[_M], data: dict[str, Any], source: str = "") -> _M:
    """``data`` as a ``model``; each bad value falls back to its default, with a warning.

    The bad value is dropped where the error points (a nested dict keeps its other keys)
    and validation runs again, so one typo never costs the user their other settings.
    """
    data = _plain_copy(data)
    for _ in range(1000):  # each round drops at least one value; a file has far fewer
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                where = ".".join(str(part) for part in error["loc"]) or "(whole file)"
                log.warning("%s: setting %s = %r is not valid (%s); using its default",
                            source or model.__name__, where, error.get("input"), error["msg"])
                if not _drop(data, error["loc"]):
                    return model()
    return model()


def _plain_copy(data: dict[str, Any]) -> dict[str, Any]:
    return {k: _plain_copy(v) if isinstance(v, dict) else v for k, v in data.items()}


def _drop(data: dict[str, Any], loc: tuple[int | str, ...]) -> bool:
    """Remove the value at ``loc``; False when there is nothing there to remove."""
    node: Any = data
    for part in loc[:-1]:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    if not loc or not isinstance(node, dict) or loc[-1] not in node:
        return False
    del node[loc[-1]]
    return True


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` (a settings file's JSON) brought up to :data:`SETTINGS_VERSION`."""
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        log.warning("settings: version %r is not a number; reading it as version 1", version)
        version = 1
    while version < SETTINGS_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
    return data


def load_settings(path: Path) -> Settings:
    """Read settings, migrating old versions. Never raises for a bad file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as exc:
        log.warning("settings: %s cannot be read (%s); kept aside as .bad, using defaults",
                    path, exc)
        with contextlib.suppress(OSError):
            path.replace(path.with_name(path.name + ".bad"))
        return Settings()
    return validate_leniently(Settings, migrate(data), source=str(path))


def save_settings(path: Path, settings: Settings) -> None:
    """Write settings atomically (a crash mid-write leaves the old file)."""
    data = {"version": SETTINGS_VERSION, **settings.model_dump()}
    data["sampling"] = chosen_sampling(settings)
    write_atomically(path, json.dumps(data, indent=2))


def chosen_sampling(settings: Settings) -> dict[str, Any]:
    """The sampling values the user chose at the app level (the rest are defaults)."""
    sampling = settings.sampling
    return {name: getattr(sampling, name) for name in SAMPLING_FIELDS
            if name in sampling.model_fields_set}


def clean_sampling_values(values: Any) -> dict[str, Any]:
    """The valid sampling fields of ``values`` (a dict from JSON), each checked on its own.

    Unknown names and values of the wrong type or out of range are dropped; ints are
    accepted for floats (and come back as floats).
    """
    if not isinstance(values, dict):
        return {}
    clean: dict[str, Any] = {}
    for name, value in values.items():
        if name not in SAMPLING_FIELDS:
            continue
        try:
            clean[name] = getattr(Sampling.model_validate({name: value}), name)
        except ValidationError:
            log.warning("sampling: %s = %r is not valid; ignored", name, value)
    return clean

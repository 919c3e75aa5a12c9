"""Sampling presets and a conversation's effective settings.

A chat names a preset ("" for the app's own sampling settings) and keeps the fields the user
changed on top of it as overrides; what a reply uses is the app's settings, then the
preset's values, then the overrides, each value checked against its declared range.
"""

from __future__ import annotations

from typing import Any

from app.settings import SAMPLING_FIELDS, Settings, clean_sampling_values
from app.store.records import ChatSettings
from inference.events import Sampling

# A preset sets these sampler fields; seed and reply length stay the app's unless overridden.
BUILTIN_PRESETS: dict[str, dict[str, Any]] = {
    "Precise": {"temperature": 0.2, "top_p": 0.9, "top_k": 40, "min_p": 0.05,
                "repeat_penalty": 1.05},
    "Balanced": {"temperature": 0.7, "top_p": 0.95, "top_k": 40, "min_p": 0.05,
                 "repeat_penalty": 1.0},
    "Creative": {"temperature": 1.0, "top_p": 0.98, "top_k": 100, "min_p": 0.02,
                 "repeat_penalty": 1.0},
}


def preset_values(name: str, user_presets: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The values a preset sets (``{}`` for the default or an unknown name)."""
    if name in BUILTIN_PRESETS:
        return dict(BUILTIN_PRESETS[name])
    return clean_sampling_values(user_presets.get(name, {}))


def effective_sampling(
    app: Settings, chat: ChatSettings, user_presets: dict[str, dict[str, Any]]
) -> Sampling:
    """What a reply in this chat samples with: app settings <- preset <- overrides."""
    values = {
        **preset_values(chat.preset, user_presets),
        **clean_sampling_values(chat.overrides),
    }
    # Every value was checked on its own by clean_sampling_values (the built-in presets are
    # valid by construction), so validating the merged whole cannot fail.
    return Sampling.model_validate({**app.sampling.model_dump(), **values})


def overrides_for(
    sampling: Sampling, base: Sampling
) -> dict[str, Any]:
    """The fields of ``sampling`` that differ from ``base`` (what a chat stores)."""
    return {
        name: getattr(sampling, name)
        for name in SAMPLING_FIELDS
        if getattr(sampling, name) != getattr(base, name)
    }


def preset_base(
    app: Settings, preset: str, user_presets: dict[str, dict[str, Any]]
) -> Sampling:
    """The sampling a preset gives before any override."""
    return effective_sampling(app, ChatSettings(preset=preset), user_presets)


def system_prompt(app: Settings, chat: ChatSettings) -> str:
    """The chat's own system prompt, else the app's default."""
    return app.system_prompt if chat.system_prompt is None else chat.system_prompt

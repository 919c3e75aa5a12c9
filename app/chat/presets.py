"""Sampling presets and a conversation's effective settings.

A chat names a preset ("" for the app's own sampling settings) and keeps the fields the user
changed on top of it as overrides. What a reply uses, each value from the first layer that
sets it, each checked against its declared range:

1. the chat's overrides;
2. the chat's preset;
3. the layers every client shares (:mod:`app.models.base_sampling`): the app-level values
   the user chose, the model's recommendation (its file's ``general.sampling.*`` keys, else
   Slice's table of well-known families, and a reply length that fits its context), the
   declared defaults.
"""

from __future__ import annotations

from typing import Any

from app.models.base_sampling import base_sampling
from app.settings import SAMPLING_FIELDS, Settings, clean_sampling_values
from app.store.records import DEFAULT_PRESET_LABEL, ChatSettings
from inference.events import Sampling
from inference.model_defaults import Recommendation

# Where a value comes from, in the words of the Chat settings dialog (the lower layers'
# words are app.models.base_sampling's).
FROM_OVERRIDE = "changed in this chat"
FROM_PRESET = "preset {name}"

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
    app: Settings,
    chat: ChatSettings,
    user_presets: dict[str, dict[str, Any]],
    model: Recommendation | None = None,
) -> Sampling:
    """What a reply in this chat samples with (the layers in the module's docstring)."""
    # Every value was checked on its own (clean_sampling_values; the built-in presets and
    # the model's recommendation are checked where they are made), so validating the
    # merged whole cannot fail.
    return Sampling.model_validate(
        {name: value for name, (value, _) in _merged(app, chat, user_presets, model).items()}
    )


def sampling_sources(
    app: Settings,
    chat: ChatSettings,
    user_presets: dict[str, dict[str, Any]],
    model: Recommendation | None = None,
) -> dict[str, str]:
    """Where each sampling field's value comes from, in words (for the dialog)."""
    return {name: source for name, (_, source) in _merged(app, chat, user_presets, model).items()}


def _merged(
    app: Settings,
    chat: ChatSettings,
    user_presets: dict[str, dict[str, Any]],
    model: Recommendation | None,
) -> dict[str, tuple[Any, str]]:
    """Each field's (value, source), the higher layers over the lower ones."""
    preset = FROM_PRESET.format(name=chat.preset or DEFAULT_PRESET_LABEL)
    merged = base_sampling(app, model or Recommendation())
    merged |= {name: (value, preset)
               for name, value in preset_values(chat.preset, user_presets).items()}
    merged |= {name: (value, FROM_OVERRIDE)
               for name, value in clean_sampling_values(chat.overrides).items()}
    return merged


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
    app: Settings,
    preset: str,
    user_presets: dict[str, dict[str, Any]],
    model: Recommendation | None = None,
) -> Sampling:
    """The sampling a preset gives before any override."""
    return effective_sampling(app, ChatSettings(preset=preset), user_presets, model)


def system_prompt(app: Settings, chat: ChatSettings) -> str:
    """The chat's own system prompt, else the app's default."""
    return app.system_prompt if chat.system_prompt is None else chat.system_prompt

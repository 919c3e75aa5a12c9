"""What a comparison asks, and of whom: the prompt and its 2 to 4 targets, checked.

A target is a model (a GGUF file, or ``remote://PROVIDER/MODEL-ID``) with its load settings,
the sampling values it sets itself (the rest follow the model's recommendation) and whether
it drafts speculatively. The comparison's seed and reply length, when given, apply to every
target, so that the replies differ only by what the targets differ in.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import ValidationError

from app.remote.refs import is_remote, parse_remote
from inference.options import LoadSettings, Sampling, check_value, field_spec

MIN_TARGETS = 2
MAX_TARGETS = 4

# The short names a target's settings go by on the command line, beside the fields' own.
ALIASES = {
    "ctx": "n_ctx", "kv": "kv_cache_type", "threads": "n_threads",
    "threads_batch": "n_threads_batch", "batch": "n_batch", "gpu_layers": "n_gpu_layers",
    "temp": "temperature", "mmap": "use_mmap", "mlock": "use_mlock",
}
LOAD_KEYS = tuple(LoadSettings.model_fields)
SAMPLING_KEYS = tuple(name for name in Sampling.model_fields if name not in ("seed",
                                                                              "max_tokens"))
SETTING_KEYS = (*LOAD_KEYS, *SAMPLING_KEYS, "speculative")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


class ComparisonError(ValueError):
    """A comparison that cannot run as asked; the message says what to change."""


@dataclass(frozen=True)
class Target:
    """One column of a comparison: a model and how it loads and samples."""

    model: str  # a GGUF file's path, or remote://PROVIDER/MODEL-ID
    name: str = ""  # the model as people know it ("SmolLM2 135M Instruct (Q4_1)")
    quantization: str = ""
    load: LoadSettings = field(default_factory=LoadSettings)
    # The sampling values this target sets (temperature, top_p, ...); the others follow
    # the model's recommendation.
    sampling: dict[str, Any] = field(default_factory=dict)
    speculative: bool = False

    @property
    def remote(self) -> bool:
        return is_remote(self.model)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model, "name": self.name, "quantization": self.quantization,
            "load": self.load.model_dump(), "sampling": dict(self.sampling),
            "speculative": self.speculative,
        }

    @classmethod
    def from_dict(cls, data: Any, where: str = "target") -> Target:
        """A target from :meth:`to_dict`'s form; raises :class:`ComparisonError` naming
        what is wrong."""
        if not isinstance(data, dict) or not isinstance(data.get("model"), str):
            raise ComparisonError(f"{where}: a target needs its model (a file path or "
                                  "remote://PROVIDER/MODEL-ID)")
        try:
            load = LoadSettings.model_validate(data.get("load") or {})
        except ValidationError as exc:
            raise ComparisonError(f"{where}: load settings: {_first_error(exc)}") from None
        sampling = data.get("sampling") or {}
        if not isinstance(sampling, dict):
            raise ComparisonError(f"{where}: sampling must be an object")
        for key, value in sampling.items():
            _check_sampling(key, value, where)
        return cls(
            model=data["model"], name=str(data.get("name") or ""),
            quantization=str(data.get("quantization") or ""), load=load,
            sampling=dict(sampling), speculative=bool(data.get("speculative", False)),
        )


@dataclass(frozen=True)
class ComparisonSpec:
    """A comparison: one prompt (with an optional system prompt), 2 to 4 targets, and the
    seed and reply length they share (None: each target's own)."""

    prompt: str
    targets: tuple[Target, ...]
    system_prompt: str = ""
    seed: int | None = None
    max_tokens: int | None = None
    title: str = ""

    def checked(self) -> ComparisonSpec:
        """This comparison, or :class:`ComparisonError` saying what to change."""
        count = len(self.targets)
        if count < MIN_TARGETS:
            raise ComparisonError(
                f"a comparison needs {MIN_TARGETS} to {MAX_TARGETS} targets, and this one has "
                f"{count}: add {MIN_TARGETS - count} more")
        if count > MAX_TARGETS:
            raise ComparisonError(
                f"a comparison takes at most {MAX_TARGETS} targets, and this one has {count}: "
                f"remove {count - MAX_TARGETS}")
        if not self.prompt.strip():
            raise ComparisonError("the prompt is empty: give the text every target answers")
        for name, value in (("seed", self.seed), ("max_tokens", self.max_tokens)):
            if value is not None:
                problem = check_value(Sampling, name, value)
                if problem:
                    raise ComparisonError(f"{field_spec(Sampling, name).label}: {problem}")
        for number, target in enumerate(self.targets, 1):
            if target.remote and parse_remote(target.model) is None:
                raise ComparisonError(
                    f"target {number}: '{target.model}' is not a remote model's name; write "
                    "remote://PROVIDER/MODEL-ID")
        return self

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title, "prompt": self.prompt, "system_prompt": self.system_prompt,
            "seed": self.seed, "max_tokens": self.max_tokens,
            "targets": [t.to_dict() for t in self.targets],
        }

    @classmethod
    def from_dict(cls, data: Any) -> ComparisonSpec:
        """A comparison from :meth:`to_dict`'s form (checked); :class:`ComparisonError`."""
        if not isinstance(data, dict):
            raise ComparisonError("a comparison must be an object")
        targets = data.get("targets")
        if not isinstance(targets, list):
            raise ComparisonError("a comparison needs a list of targets")
        seed, max_tokens = data.get("seed"), data.get("max_tokens")
        for name, value in (("seed", seed), ("max_tokens", max_tokens)):
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise ComparisonError(f"{name} must be a whole number")
        return cls(
            prompt=str(data.get("prompt") or ""), system_prompt=str(data.get("system_prompt")
                                                                   or ""),
            seed=seed, max_tokens=max_tokens, title=str(data.get("title") or ""),
            targets=tuple(Target.from_dict(t, f"target {n}") for n, t in enumerate(targets, 1)),
        ).checked()


def apply_settings(target: Target, items: list[str]) -> Target:
    """``target`` with ``KEY=VALUE`` settings applied (the command line's form): a load
    field (``n_ctx``, ``kv_cache_type``... or ``ctx``, ``kv``...), a sampling field
    (``temperature`` or ``temp``, ``top_p``...) or ``speculative``. Raises
    :class:`ComparisonError` naming the item and what it may be."""
    load: dict[str, Any] = {}
    sampling = dict(target.sampling)
    speculative = target.speculative
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip().replace("-", "_")
        name = ALIASES.get(key, key)
        if not sep or name not in SETTING_KEYS:
            raise ComparisonError(
                f"'{item}' is not a target setting: write KEY=VALUE with KEY one of "
                f"{', '.join(sorted({*ALIASES, *SETTING_KEYS}))}")
        text = text.strip()
        if name == "speculative":
            speculative = _boolean(text, item)
        elif name in LOAD_KEYS:
            load[name] = _value(LoadSettings, name, text, item)
        else:
            sampling[name] = _value(Sampling, name, text, item)
    if load:
        try:
            merged = LoadSettings.model_validate({**target.load.model_dump(), **load})
        except ValidationError as exc:
            raise ComparisonError(f"{' '.join(items)}: {_first_error(exc)}") from None
    else:
        merged = target.load
    return replace(target, load=merged, sampling=sampling, speculative=speculative)


def _value(model: type[LoadSettings] | type[Sampling], name: str, text: str, item: str) -> Any:
    spec = field_spec(model, name)
    annotation = model.model_fields[name].annotation
    if annotation is bool:
        return _boolean(text, item)
    if spec.choices:
        if text not in spec.choices:
            raise ComparisonError(f"{item}: give {spec.range_text()}")
        return text
    try:
        value: Any = float(text) if annotation is float else int(text)
    except ValueError:
        kind = "a number" if annotation is float else "a whole number"
        raise ComparisonError(f"{item}: '{text}' is not {kind}: give a value "
                              f"{spec.range_text()}") from None
    problem = check_value(model, name, value)
    if problem:
        raise ComparisonError(f"{item}: {problem}")
    return value


def _boolean(text: str, item: str) -> bool:
    if text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    raise ComparisonError(f"{item}: give on or off")


def _check_sampling(key: str, value: Any, where: str) -> None:
    if key not in SAMPLING_KEYS:
        raise ComparisonError(f"{where}: '{key}' is not a sampling setting (one of "
                              f"{', '.join(SAMPLING_KEYS)})")
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    problem = check_value(Sampling, key, value) if number else "not a number"
    if problem:
        raise ComparisonError(f"{where}: {key}: {problem}")


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    name = str(error["loc"][-1]) if error["loc"] else ""
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{name}: {message}" if name else message


def differences(targets: tuple[Target, ...]) -> list[list[str]]:
    """For each target, its settings that differ among the targets, in words
    ("KV cache q8_0", "speculative on", "temperature 0.2"): what tells two columns apart
    when they share a model."""
    words: list[list[str]] = [[] for _ in targets]
    loads = [t.load.model_dump() for t in targets]
    for name in LOAD_KEYS:
        values = [load[name] for load in loads]
        if len(set(map(repr, values))) > 1:
            for i, value in enumerate(values):
                words[i].append(f"{_label(LoadSettings, name)} {_shown(value, name)}")
    for name in SAMPLING_KEYS:
        values = [t.sampling.get(name) for t in targets]
        if len(set(map(repr, values))) > 1:
            for i, value in enumerate(values):
                if value is not None:
                    words[i].append(f"{_label(Sampling, name)} {_shown(value, name)}")
    if len({t.speculative for t in targets}) > 1:
        for i, target in enumerate(targets):
            words[i].append("speculative " + ("on" if target.speculative else "off"))
    return words


def target_labels(targets: tuple[Target, ...]) -> list[str]:
    """Each target's column heading: its model and what sets it apart from the others."""
    labels = []
    for target, extra in zip(targets, differences(targets), strict=True):
        name = target.name or target.model
        labels.append(" · ".join([name, *extra]))
    return labels


_SHORT_LABELS = {"n_ctx": "context", "kv_cache_type": "KV cache", "n_gpu_layers": "GPU layers",
                 "n_threads": "threads", "n_threads_batch": "prompt threads",
                 "n_batch": "batch", "n_ubatch": "micro-batch", "flash_attn": "flash attention",
                 "use_mmap": "mmap", "use_mlock": "mlock"}


def _label(model: type[LoadSettings] | type[Sampling], name: str) -> str:
    return _SHORT_LABELS.get(name) or field_spec(model, name).label.lower()


def _shown(value: Any, name: str) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    special = field_spec(LoadSettings if name in LOAD_KEYS else Sampling, name).special
    if special and value in (-1, 0) and value == field_spec(
            LoadSettings if name in LOAD_KEYS else Sampling, name).low:
        return special.split(" (")[0].lower()
    return str(value)

"""Immutable events and requests that cross thread and process boundaries.

Every event is a frozen dataclass with a ``to_dict``/``event_from_dict`` round trip, so the
inference host can send them over a pipe as JSON and the worker can re-emit them as values.
Failures are events too (:class:`Failed`): nothing raised inside the engine crosses a
boundary as an exception.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

# The options are declared in their own module; they are re-exported here because every
# request carries them.
from inference.options import (
    KV_CACHE_TYPES,
    OVERFLOW_POLICIES,
    OVERFLOW_ROLLING,
    OVERFLOW_STOP,
    OVERFLOW_TRUNCATE_MIDDLE,
    LoadSettings,
    Sampling,
)

__all__ = [
    "KV_CACHE_TYPES", "OVERFLOW_POLICIES", "OVERFLOW_ROLLING", "OVERFLOW_STOP",
    "OVERFLOW_TRUNCATE_MIDDLE", "LoadSettings", "Sampling",
]


#: How often a streaming reply reports its figures (a ``Stats`` event), in seconds.
STATS_INTERVAL_S = 0.25


class StopReason(StrEnum):
    """Why a reply ended (``Done.stop_reason``; "" in ``Stats`` while it streams)."""

    END_OF_TURN = "end_of_turn"
    LENGTH = "length"
    STOP_STRING = "stop_string"
    USER = "user"
    CONTEXT_FULL = "context_full"
    # The loop guard stopped a reply that kept writing the same spans (inference/loop_guard).
    REPETITION = "repetition"


STOP_REASON_LABELS: dict[str, str] = {
    StopReason.END_OF_TURN: "end of turn",
    StopReason.LENGTH: "length limit",
    StopReason.STOP_STRING: "stop string",
    StopReason.USER: "stopped by user",
    StopReason.CONTEXT_FULL: "context full",
    StopReason.REPETITION: "repetition",
}


#: Where a remote reply's speeds come from, by ``Stats.figures``: the server's own timings,
#: or computed here from the stream (the window shows them translated, through app_text).
SPEED_SOURCES: dict[str, str] = {
    "server": "speeds from the server",
    "client": "speeds measured here",
}


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: str  # "system", "user" or "assistant"
    content: str
    # An assistant reply's thinking, kept apart from its content. The model sees it in
    # later turns only when the chat template asks for it (``reasoning_content``).
    thinking: str = ""


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """One reply to generate: the whole conversation so far plus how to sample."""

    model_path: str
    messages: tuple[ChatMessage, ...]
    load: LoadSettings = field(default_factory=LoadSettings)
    sampling: Sampling = field(default_factory=Sampling)
    stop: tuple[str, ...] = ()
    # Identifies the conversation so its tokens and KV cache can be reused across turns.
    conversation_id: str = ""
    overflow: str = OVERFLOW_STOP
    speculative: bool = False  # prompt-lookup drafting (n-grams from the context)
    # Stop a reply that has fallen into a repetition loop (StopReason.REPETITION).
    loop_guard: bool = True
    # RAM for the KV snapshots of conversations the user left (least recently used go first).
    snapshot_budget_mb: int = 512
    # Disk for the snapshots RAM cannot hold, in a folder of the app's cache ("" or 0: off).
    snapshot_disk_mb: int = 0
    snapshot_dir: str = ""
    # The model file's SHA-256 when the sender knows it ("": the host names the file by
    # path, size and modification time, or by a hash it was told before): disk snapshots
    # are keyed by it, so that they outlive the process.
    model_sha256: str = ""
    # The last message is an unfinished assistant reply to extend ("continue"): the prompt
    # ends inside that reply instead of opening a new turn.
    continue_last: bool = False
    # Through the inference host: tokens that follow within this many milliseconds of the
    # last ones written travel as one Token event (texts joined, ``n`` added); the first
    # token of a reply is never held back. 0 sends every token at once. A GUI that paints
    # every ~30 ms loses nothing and stops competing with the model for the CPU per token.
    stream_batch_ms: int = 0
    # A plain-text completion: the model continues this text as it is, without a chat
    # template; ``messages`` are then unused. None: a chat reply to ``messages``.
    prompt: str | None = None
    # Stream the model's thinking apart: as Token events with ``thinking`` set, without
    # its tags (inference/reasoning.py). Off, thinking streams inline as the model wrote it.
    thinking_apart: bool = False
    # Evaluate the whole prompt, reusing nothing already in the KV cache: a comparison
    # measures every target's prompt processing cold, whatever ran before it.
    fresh_prompt: bool = False

    def to_dict(self) -> dict[str, Any]:
        # Not dataclasses.asdict: it would copy the pydantic options instead of dumping them.
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        data["messages"] = [dataclasses.asdict(m) for m in self.messages]
        data["load"] = self.load.model_dump()
        data["sampling"] = self.sampling.model_dump()
        data["stop"] = list(self.stop)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChatRequest:
        return cls(
            model_path=str(data["model_path"]),
            messages=tuple(ChatMessage(**m) for m in data["messages"]),
            load=LoadSettings.model_validate(data.get("load", {})),
            sampling=Sampling.model_validate(data.get("sampling", {})),
            stop=tuple(data.get("stop", ())),
            conversation_id=str(data.get("conversation_id", "")),
            overflow=str(data.get("overflow", OVERFLOW_STOP)),
            speculative=bool(data.get("speculative", False)),
            loop_guard=bool(data.get("loop_guard", True)),
            snapshot_budget_mb=int(data.get("snapshot_budget_mb", 512)),
            snapshot_disk_mb=int(data.get("snapshot_disk_mb", 0)),
            snapshot_dir=str(data.get("snapshot_dir", "")),
            model_sha256=str(data.get("model_sha256", "")),
            continue_last=bool(data.get("continue_last", False)),
            stream_batch_ms=int(data.get("stream_batch_ms", 0)),
            prompt=None if data.get("prompt") is None else str(data["prompt"]),
            thinking_apart=bool(data.get("thinking_apart", False)),
            fresh_prompt=bool(data.get("fresh_prompt", False)),
        )


class Event:
    """Base of all engine events; ``kind`` names the type on the wire."""

    kind: ClassVar[str] = ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = dataclasses.asdict(self)  # type: ignore[call-overload]
        data["type"] = self.kind
        return data


@dataclass(frozen=True, slots=True)
class ModelInfo:
    path: str
    name: str
    architecture: str
    n_ctx: int
    n_ctx_train: int
    n_params: int
    template_source: str  # "gguf" or "fallback"
    template_note: str  # why a fallback is in use; empty when the file's own is used
    load_s: float
    system_info: str = ""
    backend: str = "cpu"  # "gpu" when llama.cpp was built with a GPU backend and offloads
    # What llama.cpp's log says the load did: layers offloaded of the total, and the devices
    # they went to ("Vulkan0 (llvmpipe (LLVM 15.0.6, 256 bits))"); 0 and "" on the CPU.
    gpu_layers: int = 0
    n_layers: int = 0
    devices: str = ""


@dataclass(frozen=True, slots=True)
class Loading(Event):
    kind: ClassVar[str] = "loading"
    path: str


@dataclass(frozen=True, slots=True)
class Loaded(Event):
    kind: ClassVar[str] = "loaded"
    model: ModelInfo


@dataclass(frozen=True, slots=True)
class LoadProgress(Event):
    """How far llama.cpp has read the model file (0..1)."""

    kind: ClassVar[str] = "load_progress"
    fraction: float


@dataclass(frozen=True, slots=True)
class ContextTrimmed(Event):
    """Messages that no longer reach the model because the context is full.

    ``dropped`` holds indices into the request's messages.
    """

    kind: ClassVar[str] = "context_trimmed"
    dropped: tuple[int, ...]
    prompt_tokens: int
    context_size: int


@dataclass(frozen=True, slots=True)
class Progress(Event):
    """Prompt processing progress, in tokens of the part not already cached."""

    kind: ClassVar[str] = "progress"
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class Token(Event):
    """Text that is ready to show, covering ``n`` generated tokens (text may be empty).

    ``thinking``: the text is the model's thinking, not its answer (only for a request
    with ``thinking_apart``).
    """

    kind: ClassVar[str] = "token"
    text: str
    n: int = 1
    thinking: bool = False


@dataclass(frozen=True, slots=True)
class Stats(Event):
    """Latency figures of one reply, as defined in DESIGN.md.

    ``ttft_s`` is the engine's share: request received to first token. Rates are 0 until
    they can be measured.
    """

    kind: ClassVar[str] = "stats"
    ttft_s: float = 0.0
    prompt_tokens: int = 0
    cached_tokens: int = 0
    prompt_tps: float = 0.0
    generated_tokens: int = 0
    decode_tps: float = 0.0
    context_used: int = 0
    context_size: int = 0
    stop_reason: str = ""
    load_s: float = 0.0
    draft_tokens: int = 0  # tokens proposed by speculative drafting
    accepted_tokens: int = 0  # of which the model accepted
    # Tokens of older messages shifted out of the KV cache when the context was cut, so
    # that the kept ones were not evaluated again (0: no shift).
    context_shifted: int = 0
    # Time spent evaluating the prompt tokens not reused from the cache, and from the first
    # generated token to the last (the span ``decode_tps`` is measured over).
    prompt_ms: float = 0.0
    decode_ms: float = 0.0
    # A remote engine's reply: its provider's name ("" for the local engine), and where the
    # speeds come from: "server" (the server's own ``timings``), "client" (computed here
    # from the stream's clock and ``usage``), "" (the local engine's own).
    remote: str = ""
    figures: str = ""
    # A reasoning model's thinking: its tokens (part of ``generated_tokens``), the time
    # from its first token to its last, and the time from request received to the first
    # token of the answer (``ttft_s`` counts from the first token, thinking or not).
    thinking_tokens: int = 0
    thinking_ms: float = 0.0
    answer_ttft_s: float = 0.0
    # The conversation's KV cache came back from a snapshot this turn: "memory" (kept in
    # RAM since the user left it) or "disk" (saved on disk, by this process or before a
    # restart); "" when nothing was restored.
    restored_from: str = ""

    @property
    def acceptance(self) -> float:
        """Share of drafted tokens the model accepted (0 without drafting)."""
        return self.accepted_tokens / self.draft_tokens if self.draft_tokens else 0.0

    @property
    def speed_source(self) -> str:
        """Where a remote reply's speeds come from, in words (:data:`SPEED_SOURCES`; "" for
        the local engine's)."""
        if not self.remote:
            return ""
        return SPEED_SOURCES["server" if self.figures == "server" else "client"]

    def summary(self) -> str:
        """The figures on one line (the CLI's stderr, the Markdown export)."""
        reason = STOP_REASON_LABELS.get(self.stop_reason, self.stop_reason)
        drafts = (
            f" · drafts accepted {self.accepted_tokens}/{self.draft_tokens}"
            if self.draft_tokens
            else ""
        )
        shifted = (
            f" · context shifted {self.context_shifted} tok" if self.context_shifted else ""
        )
        context = f"context {self.context_used}/{self.context_size}"
        remote = ""
        if self.remote:  # a remote server may not say how large its context is
            if not self.context_size:
                context = f"context {self.context_used}"
            remote = f" · {self.remote}, {self.speed_source}"
        thinking = (
            f" · thought {self.thinking_tokens} tok for {self.thinking_ms / 1000:.1f} s, "
            f"answer after {self.answer_ttft_s * 1000:.0f} ms"
            if self.thinking_tokens else ""
        )
        restored = f", restored from {self.restored_from}" if self.restored_from else ""
        return (
            f"ttft {self.ttft_s * 1000:.0f} ms{thinking} · prompt {self.prompt_tokens} tok "
            f"({self.cached_tokens} cached{restored}) at {self.prompt_tps:.1f} tok/s · "
            f"generated {self.generated_tokens} tok at {self.decode_tps:.1f} tok/s · "
            f"{context}{shifted} · {reason}{drafts}{remote}"
        )


@dataclass(frozen=True, slots=True)
class Done(Event):
    kind: ClassVar[str] = "done"
    stop_reason: str
    stats: Stats


@dataclass(frozen=True, slots=True)
class Notice(Event):
    """Something the user should know about the reply in flight, which goes on: for example
    that the GPU ran out of memory and the model was loaded again with fewer layers."""

    kind: ClassVar[str] = "notice"
    message: str


@dataclass(frozen=True, slots=True)
class Failed(Event):
    """A failure, as a value. ``kind`` is machine-readable, ``message`` is for people."""

    kind: ClassVar[str] = "failed"
    error: str  # an ErrorKind
    message: str
    path: str = ""


class ErrorKind(StrEnum):
    """What kind of failure a :class:`Failed` event reports (``Failed.error``)."""

    NOT_FOUND = "not_found"
    NOT_A_FILE = "not_a_file"
    EMPTY = "empty_file"
    NOT_GGUF = "not_gguf"
    TRUNCATED = "truncated"
    CORRUPT = "corrupt"
    UNSUPPORTED_ARCH = "unsupported_architecture"
    LOAD = "load_failed"
    OUT_OF_MEMORY = "out_of_memory"
    # The GPU could not hold what the load or the first decode asked of it: the app retries
    # once with fewer GPU layers (app/engine/gpu_retry.py).
    GPU_OUT_OF_MEMORY = "gpu_out_of_memory"
    HOST_CRASHED = "host_crashed"
    TEMPLATE = "template"
    BAD_REQUEST = "bad_request"
    INTERNAL = "internal"
    # A remote engine's (app/remote): each message names the problem and what to do.
    NO_PROVIDER = "no_provider"  # the request names a provider the user does not have
    NETWORK = "network"  # connection refused, name not found (DNS), network unreachable
    TLS = "tls"  # the certificate cannot be verified, or the server speaks no TLS
    TIMEOUT = "timeout"  # no connection, or no answer, in time
    AUTH = "auth"  # HTTP 401/403: the key is missing or refused
    MODEL_GONE = "model_gone"  # HTTP 404: the server has no such model (or no such route)
    RATE_LIMITED = "rate_limited"  # HTTP 429 (the message gives the server's Retry-After)
    REMOTE = "remote"  # the server's own failure: HTTP 5xx, an error in the stream
    INTERRUPTED = "interrupted"  # the stream stalled or broke off; the text so far is kept
    BAD_RESPONSE = "bad_response"  # not the OpenAI format (malformed JSON, no stream)


_EVENT_TYPES: dict[str, type[Any]] = {
    cls.kind: cls
    for cls in (Loading, LoadProgress, Loaded, ContextTrimmed, Progress, Token, Stats, Done, Failed,
                Notice)
}


def event_from_dict(data: dict[str, Any]) -> Event:
    """Rebuild an event sent with :meth:`Event.to_dict`."""
    data = dict(data)
    cls = _EVENT_TYPES[data.pop("type")]
    if cls is Loaded:
        return Loaded(model=ModelInfo(**data["model"]))
    if cls is Done:
        return Done(stop_reason=data["stop_reason"], stats=Stats(**data["stats"]))
    if cls is ContextTrimmed:
        data["dropped"] = tuple(data["dropped"])
    result: Event = cls(**data)
    return result

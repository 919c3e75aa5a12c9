"""What an OpenAI-compatible stream says, chunk by chunk, and the figures it adds up to.

Each ``data:`` payload is validated once, here, into a typed :class:`Chunk` (fields a
server adds beyond these are ignored; a payload that is not JSON, or not a chunk, is a
:class:`~app.remote.failures.RemoteError`). :class:`StreamFigures` follows one reply: its
text's timing on this side, and whatever the server reports: ``usage`` (often in a last
chunk with no choices), llama-server's ``timings``, ``finish_reason``,
``system_fingerprint``. Its :meth:`~StreamFigures.stats` prefers the server's own speeds and
says so (``figures="server"``); without them it measures here (``"client"``).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, ValidationError

from app.remote.failures import RemoteError
from inference.events import ErrorKind, Stats, StopReason

_CONFIG = ConfigDict(extra="ignore")


class _Message(BaseModel):
    model_config = _CONFIG
    content: str | None = None


class _Choice(BaseModel):
    model_config = _CONFIG
    index: int = 0
    delta: _Message | None = None  # a chat stream's
    message: _Message | None = None  # a whole chat answer's
    text: str | None = None  # a text completion's
    finish_reason: str | None = None

    def content(self) -> str:
        for part in (self.delta, self.message):
            if part is not None and part.content:
                return part.content
        return self.text or ""


class _PromptDetails(BaseModel):
    model_config = _CONFIG
    cached_tokens: int | None = None


class _Usage(BaseModel):
    model_config = _CONFIG
    prompt_tokens: int = 0
    completion_tokens: int = 0
    prompt_tokens_details: _PromptDetails | None = None


class _Timings(BaseModel):
    """llama-server's own figures (Slice's server sends them too)."""

    model_config = _CONFIG
    prompt_n: int | None = None  # prompt tokens evaluated (the cached ones not included)
    cache_n: int | None = None
    prompt_ms: float | None = None
    prompt_per_second: float | None = None
    predicted_n: int | None = None
    predicted_ms: float | None = None
    predicted_per_second: float | None = None


class _Error(BaseModel):
    model_config = _CONFIG
    message: str = ""


class Chunk(BaseModel):
    """One ``data:`` payload of a stream (or a whole, non-streamed answer)."""

    model_config = _CONFIG
    choices: list[_Choice] | None = None
    usage: _Usage | None = None
    timings: _Timings | None = None
    system_fingerprint: str | None = None
    error: _Error | str | None = None

    def first(self) -> _Choice | None:
        return next((c for c in self.choices or () if c.index == 0), None)

    def error_text(self) -> str:
        if isinstance(self.error, _Error):
            return self.error.message or "an error without a message"
        return self.error or ""


def parse_chunk(data: str, provider: str) -> Chunk:
    """``data`` as a chunk; a :class:`RemoteError` naming the problem when it is none."""
    try:
        value = json.loads(data)
    except ValueError:
        sample = data if len(data) <= 60 else data[:60] + "…"
        raise RemoteError(ErrorKind.BAD_RESPONSE, (
            f"{provider} sent something that is not JSON in its stream ({sample!r}): it may "
            "not be an OpenAI-compatible server, or a proxy between changed the answer. "
            "The text so far is kept.")) from None
    try:
        return Chunk.model_validate(value)
    except ValidationError as exc:
        where = ".".join(str(p) for p in exc.errors()[0]["loc"]) or "the payload"
        raise RemoteError(ErrorKind.BAD_RESPONSE, (
            f"{provider} sent a chunk that is not in the OpenAI format ({where}): it may "
            "not be an OpenAI-compatible server. The text so far is kept.")) from None


# OpenAI's finish reasons as the engine's stop reasons ("tool_calls", "content_filter"
# and others end the turn as well).
_STOPS = {"stop": StopReason.END_OF_TURN, "length": StopReason.LENGTH}


def stop_reason(finish_reason: str) -> StopReason:
    return _STOPS.get(finish_reason, StopReason.END_OF_TURN)


def _rate(value: float | None) -> float:
    return value if value is not None and value > 0 else 0.0


@dataclass
class StreamFigures:
    """One remote reply's figures as its stream goes (``started``: when it was asked)."""

    provider: str
    started: float = field(default_factory=time.perf_counter)
    first_at: float = 0.0
    last_at: float = 0.0
    chunks: int = 0  # chunks that carried text
    finish_reason: str | None = None
    usage: _Usage | None = None
    timings: _Timings | None = None
    fingerprint: str = ""

    def take(self, chunk: Chunk) -> str:
        """Note what ``chunk`` says; returns its text ("" when it has none)."""
        if chunk.usage is not None:
            self.usage = chunk.usage
        if chunk.timings is not None:
            self.timings = chunk.timings
        if chunk.system_fingerprint and not self.fingerprint:
            self.fingerprint = chunk.system_fingerprint
        choice = chunk.first()
        if choice is None:
            return ""
        if choice.finish_reason:
            self.finish_reason = choice.finish_reason
        text = choice.content()
        if text:
            now = time.perf_counter()
            self.first_at = self.first_at or now
            self.last_at = now
            self.chunks += 1
        return text

    def stats(self, reason: str = "") -> Stats:
        """The figures so far; ``reason``: why the reply ended ("" while it streams)."""
        ttft = self.first_at - self.started if self.first_at else 0.0
        usage, timings = self.usage, self.timings
        prompt = usage.prompt_tokens if usage else 0
        cached = 0
        if usage and usage.prompt_tokens_details and usage.prompt_tokens_details.cached_tokens:
            cached = usage.prompt_tokens_details.cached_tokens
        generated = usage.completion_tokens if usage and usage.completion_tokens else (
            self.chunks)
        if timings is not None and timings.predicted_per_second is not None:
            cached = cached or timings.cache_n or 0
            if not prompt and timings.prompt_n is not None:
                prompt = timings.prompt_n + (timings.cache_n or 0)
            if not (usage and usage.completion_tokens) and timings.predicted_n:
                generated = timings.predicted_n
            figures = "server"
            prompt_tps = _rate(timings.prompt_per_second)
            decode_tps = _rate(timings.predicted_per_second)
            prompt_ms = _rate(timings.prompt_ms)
            decode_ms = _rate(timings.predicted_ms)
        else:
            # Measured here: the wait for the first text stands for the prompt's time (it
            # also holds the network's and any queue's), the text's arrival for decoding.
            figures = "client"
            decode_s = self.last_at - self.first_at
            evaluated = max(0, prompt - cached)
            prompt_tps = evaluated / ttft if evaluated and ttft > 0 else 0.0
            decode_tps = (generated - 1) / decode_s if generated > 1 and decode_s > 0 else 0.0
            prompt_ms = ttft * 1000
            decode_ms = decode_s * 1000 if generated > 1 else 0.0
        return Stats(
            ttft_s=ttft, prompt_tokens=prompt, cached_tokens=cached, prompt_tps=prompt_tps,
            generated_tokens=generated, decode_tps=decode_tps,
            context_used=prompt + generated if prompt else 0, context_size=0,
            stop_reason=reason, prompt_ms=prompt_ms, decode_ms=decode_ms,
            remote=self.provider, figures=figures,
        )

"""The API's answers, shaped as OpenAI's and llama-server's: objects, stream chunks, errors.

A stream is server-sent events: a first chunk with the role, content deltas, a chunk with
``finish_reason`` (and llama-server's ``timings``), a ``usage`` chunk with no choices when
``stream_options.include_usage`` is set, then ``data: [DONE]``. Every answer carries
``timings`` so that clients can show speed; its figures are the engine's own
(:class:`~inference.events.Stats`): ``predicted_per_second`` is measured from the first
token to the last, as Slice's stats bar shows it.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from inference.events import Stats, StopReason

# How the engine's stop reasons read as OpenAI's finish reasons.
_FINISH: dict[str, str] = {
    StopReason.END_OF_TURN: "stop",
    StopReason.STOP_STRING: "stop",
    StopReason.USER: "stop",
    StopReason.LENGTH: "length",
    StopReason.CONTEXT_FULL: "length",
    StopReason.REPETITION: "stop",  # the loop guard ended it: the reply is over, not cut
}


def finish_reason(stop_reason: str) -> str:
    return _FINISH.get(stop_reason, "stop")


def timings(stats: Stats) -> dict[str, Any]:
    """llama-server's ``timings`` object from the engine's figures."""
    evaluated = max(0, stats.prompt_tokens - stats.cached_tokens)
    return {
        "prompt_n": evaluated,
        "cache_n": stats.cached_tokens,
        "prompt_ms": round(stats.prompt_ms, 3),
        "prompt_per_second": round(stats.prompt_tps, 3),
        "predicted_n": stats.generated_tokens,
        "predicted_ms": round(stats.decode_ms, 3),
        "predicted_per_second": round(stats.decode_tps, 3),
        # Slice's own: request received to first token, in the engine.
        "ttft_ms": round(stats.ttft_s * 1000, 3),
    }


def usage(stats: Stats) -> dict[str, Any]:
    return {
        "prompt_tokens": stats.prompt_tokens,
        "completion_tokens": stats.generated_tokens,
        "total_tokens": stats.prompt_tokens + stats.generated_tokens,
        "prompt_tokens_details": {"cached_tokens": stats.cached_tokens},
    }


def error_body(message: str, *, kind: str = "invalid_request_error", param: str | None = None,
               code: str | None = None) -> dict[str, Any]:
    """OpenAI's error object."""
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def sse(data: dict[str, Any] | str) -> bytes:
    """One server-sent event."""
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False,
                                                           separators=(",", ":"))
    return f"data: {text}\n\n".encode()


SSE_DONE = sse("[DONE]")
# Stands for a chunk's text in the rendered frame (a private-use character).
_PLACEHOLDER = "\ue000"


@dataclass
class Answer:
    """One answer being built: chat (``chat.completion``) or text (``text_completion``)."""

    model: str
    chat: bool
    include_usage: bool = False
    id: str = field(default="")
    created: int = field(default_factory=lambda: int(time.time()))

    def __post_init__(self) -> None:
        if not self.id:
            self.id = ("chatcmpl-" if self.chat else "cmpl-") + secrets.token_hex(12)
        # A text chunk differs from the next only in its text: rendered once around a
        # placeholder, each chunk is then one small ``json.dumps`` of the text.
        # (Split at the last placeholder: the text is the frame's last string, after the
        # model's name, which could hold one.)
        self._text_frame = self._frame(self._choice(_PLACEHOLDER, None))
        self._reasoning_frame = self._frame(
            {"index": 0, "delta": {"reasoning_content": _PLACEHOLDER}, "logprobs": None,
             "finish_reason": None})

    def _frame(self, choice: dict[str, Any]) -> tuple[bytes, bytes]:
        placeholder = json.dumps(_PLACEHOLDER, ensure_ascii=False).encode()
        before, after = sse(self._chunk(choice)).rsplit(placeholder, 1)
        return before, after

    def _chunk(self, choice: dict[str, Any] | None, **extra: Any) -> dict[str, Any]:
        chunk: dict[str, Any] = {
            "id": self.id,
            "object": "chat.completion.chunk" if self.chat else "text_completion",
            "created": self.created,
            "model": self.model,
            "system_fingerprint": None,
            "choices": [] if choice is None else [choice],
        }
        if self.include_usage:
            chunk["usage"] = None
        chunk.update(extra)
        return chunk

    def _choice(self, text: str | None, finish: str | None, *, role: bool = False
                ) -> dict[str, Any]:
        if self.chat:
            delta: dict[str, Any] = {}
            if role:
                delta["role"] = "assistant"
            if text is not None:
                delta["content"] = text
            return {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return {"index": 0, "text": text or "", "logprobs": None, "finish_reason": finish}

    def first_chunk(self) -> bytes | None:
        """The chunk that opens a chat stream (the role); text streams have none."""
        return sse(self._chunk(self._choice("", None, role=True))) if self.chat else None

    def text_chunk(self, text: str, *, reasoning: bool = False) -> bytes:
        """A chunk of the answer, or of the model's reasoning (``delta.reasoning_content``,
        as llama-server streams a thinking model's thoughts apart from its answer)."""
        before, after = self._reasoning_frame if reasoning else self._text_frame
        return before + json.dumps(text, ensure_ascii=False).encode() + after

    def final_chunks(self, stats: Stats, stop_reason: str) -> bytes:
        """The finish chunk (with ``timings``), the usage chunk if asked for, ``[DONE]``."""
        out = sse(self._chunk(self._choice(None if self.chat else "", finish_reason(stop_reason)),
                              timings=timings(stats)))
        if self.include_usage:
            out += sse(self._chunk(None, usage=usage(stats), timings=timings(stats)))
        return out + SSE_DONE

    def whole(self, text: str, stats: Stats, stop_reason: str, reasoning: str = ""
              ) -> dict[str, Any]:
        """The non-streamed answer (a thinking model's thoughts in the message's
        ``reasoning_content``, as llama-server returns them)."""
        if self.chat:
            message: dict[str, Any] = {"role": "assistant", "content": text, "refusal": None}
            if reasoning:
                message["reasoning_content"] = reasoning
            choice: dict[str, Any] = {
                "index": 0,
                "message": message,
                "logprobs": None,
                "finish_reason": finish_reason(stop_reason),
            }
        else:
            choice = {"index": 0, "text": text, "logprobs": None,
                      "finish_reason": finish_reason(stop_reason)}
        return {
            "id": self.id,
            "object": "chat.completion" if self.chat else "text_completion",
            "created": self.created,
            "model": self.model,
            "system_fingerprint": None,
            "choices": [choice],
            "usage": usage(stats),
            "timings": timings(stats),
        }

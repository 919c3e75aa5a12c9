"""The state of one reply while it streams, and what it leaves behind.

The engine's token loop fills a :class:`Reply`; it turns into the figures the user sees
(:class:`~inference.events.Stats`) and, when the reply ended cleanly, into the
conversation's last :class:`~inference.prompt_cache.Turn`, which the next turn extends.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from inference.context_fit import Prompt
from inference.events import (
    ChatRequest,
    Stats,
    StopReason,
)
from inference.prompt_cache import Turn

# Stops after which every generated token is the reply's: the next turn can extend them.
_WHOLE_STOPS = (StopReason.END_OF_TURN, StopReason.LENGTH, StopReason.USER, StopReason.REPETITION)


@dataclass
class Reply:
    """The state of one reply while it streams."""

    received: float
    prompt: Prompt
    cached: int
    prompt_tps: float
    load_s: float
    n_ctx: int
    generated: list[int] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    unsent: int = 0
    first_at: float = 0.0
    last_at: float = 0.0
    prompt_s: float = 0.0  # spent evaluating the prompt tokens not reused from the cache
    leading: bool = True  # strip whitespace before the reply's first visible character
    shifted: bool = False  # the context was shifted: the turn's tokens are no longer whole
    drafted: int = 0
    accepted: int = 0
    shifted_out: int = 0  # prompt tokens shifted out of the KV cache instead of re-evaluated
    thinking_tokens: int = 0
    thinking_from: float = 0.0  # when the first and the last thinking token came
    thinking_to: float = 0.0
    answer_at: float = 0.0  # when the first token of the answer came
    thought_apart: bool = False  # thinking streamed apart: the text holds the answer alone
    restored_from: str = ""  # the KV cache came back from a snapshot: "memory" or "disk"

    def note_token(self, now: float, *, thinking: bool, answered: bool) -> None:
        """Count a generated token as thinking, or note the answer's first one."""
        if thinking:
            self.thinking_tokens += 1
            self.thinking_from = self.thinking_from or now
            self.thinking_to = now
        elif answered and not self.answer_at:
            self.answer_at = now

    def stats(self, context_used: int, reason: str = "") -> Stats:
        """The reply's figures so far; ``reason``: why it stopped (empty: it goes on)."""
        decode_s = self.last_at - self.first_at
        n = len(self.generated)
        return Stats(
            ttft_s=(self.first_at - self.received) if self.first_at else 0.0,
            prompt_tokens=len(self.prompt.tokens),
            cached_tokens=self.cached,
            prompt_tps=self.prompt_tps,
            generated_tokens=n,
            decode_tps=(n - 1) / decode_s if n > 1 and decode_s > 0 else 0.0,
            context_used=min(context_used, self.n_ctx),
            context_size=self.n_ctx,
            stop_reason=reason,
            load_s=self.load_s,
            draft_tokens=self.drafted,
            accepted_tokens=self.accepted,
            context_shifted=self.shifted_out,
            prompt_ms=self.prompt_s * 1000,
            decode_ms=decode_s * 1000 if n > 1 else 0.0,
            thinking_tokens=self.thinking_tokens,
            thinking_ms=(self.thinking_to - self.thinking_from) * 1000,
            answer_ttft_s=(self.answer_at - self.received) if self.answer_at else 0.0,
            restored_from=self.restored_from,
        )

    def as_turn(self, request: ChatRequest, stop: str) -> Turn | None:
        """The turn the next request may extend; None when the tokens fed to the model no
        longer match the text (shifted, continued, cut mid-character, thinking left out of
        the text...). A trimmed prompt's turn holds the kept messages, which the next turn
        extends under the same cut."""
        text = "".join(self.text)
        if (
            self.shifted
            or self.thought_apart
            or request.continue_last
            or stop not in _WHOLE_STOPS
            or "\ufffd" in text
        ):
            return None
        return Turn(
            messages=self.prompt.messages or tuple(request.messages),
            prompt_text=self.prompt.text,
            prompt_tokens=tuple(self.prompt.tokens),
            reply_tokens=tuple(self.generated),
            reply_text=text,
        )

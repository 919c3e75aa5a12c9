"""Prompt-lookup drafting: guess the next tokens from n-grams already in the context.

When a reply repeats text from the conversation (code being edited, a quoted passage), the
tokens after the latest earlier occurrence of the last few tokens are a good guess. The
engine checks a draft with one batched decode and keeps the longest prefix the model agrees
with. llama-cpp-python's ``LlamaPromptLookupDecoding`` turns on logits for every token of
every batch (prompt processing too); this drafter needs nothing from llama.cpp.
"""

from __future__ import annotations

from collections.abc import Iterable

NGRAM_MAX = 3
NGRAM_MIN = 2
MAX_DRAFT = 8
MIN_DRAFT = 2
# A draft the model rejects outright costs a wider decode for nothing. After one, drafting
# pauses for a number of tokens that doubles with each failure in a row (up to
# MAX_COOLDOWN) and resets on success: prose pays little, a copied passage pays off.
MAX_COOLDOWN = 64
# Whether drafting pays is measured, not assumed: a batch of 1 + k tokens costs a small model
# on a CPU nearly k + 1 times one token (compute bound), a big model on a GPU barely more
# than one (memory bound). The time per produced token of draft steps is compared with that
# of plain steps (moving averages); while drafting costs more, it pauses for a number of
# tokens that doubles each time (up to MAX_LOSS_PAUSE), then tries again, since the reply
# may reach a passage that repeats the context.
PAYOFF = 0.97  # drafting must make a token at least 3 % cheaper to go on
LOSS_PAUSE = 32
MAX_LOSS_PAUSE = 256
_SMOOTHING = 0.3


class PromptLookup:
    """An incremental n-gram index over the context's tokens."""

    def __init__(self, tokens: Iterable[int] = (), max_draft: int = MAX_DRAFT) -> None:
        self.max_draft = max_draft
        self._tokens: list[int] = []
        # For each n: n-gram -> position just after its latest occurrence.
        self._index: dict[int, dict[tuple[int, ...], int]] = {
            n: {} for n in range(NGRAM_MIN, NGRAM_MAX + 1)
        }
        # For each n: where the current suffix n-gram occurred before (or -1).
        self._previous: dict[int, int] = {}
        self.drafted = 0
        self.accepted = 0
        self._length = MIN_DRAFT  # grows while drafts are accepted: a first miss is cheap
        self._cooldown = 0  # tokens to go before the next draft
        self._penalty = 0  # the pause after the next outright rejection
        self._plain_s = 0.0  # moving average: seconds per token of a plain step
        self._draft_s = 0.0  # moving average: seconds per produced token of a draft step
        self._loss_pause = LOSS_PAUSE
        self.paused_for_cost = 0  # how many times drafting paused because it did not pay
        self.extend(tokens)

    def extend(self, tokens: Iterable[int]) -> None:
        for token in tokens:
            self._cooldown = max(0, self._cooldown - 1)
            self._tokens.append(token)
            end = len(self._tokens)
            for n, index in self._index.items():
                if end >= n:
                    key = tuple(self._tokens[end - n : end])
                    self._previous[n] = index.get(key, -1)
                    index[key] = end

    def draft(self, limit: int) -> list[int]:
        """Tokens that may come next, at most ``min(limit, max_draft)``."""
        if self._cooldown or limit <= 0:
            return []
        for n in range(NGRAM_MAX, NGRAM_MIN - 1, -1):
            start = self._previous.get(n, -1)
            if start >= 0:
                return self._tokens[start : start + min(limit, self._length)]
        return []

    def record_plain(self, seconds: float) -> None:
        """Time of a step that evaluated one token (no draft)."""
        self._plain_s = _average(self._plain_s, seconds)

    def record(self, drafted: int, accepted: int, seconds: float | None = None) -> None:
        """Count a verified draft and adapt: longer drafts while they are accepted, a
        growing pause after outright rejections, and a pause while drafting costs more per
        token than plain steps (``seconds``: the draft step's time)."""
        self.drafted += drafted
        self.accepted += accepted
        if seconds is not None:
            self._draft_s = _average(self._draft_s, seconds / (accepted + 1))
            if self._plain_s and self._draft_s > self._plain_s * PAYOFF:
                self._cooldown = max(self._cooldown, self._loss_pause)
                self._loss_pause = min(MAX_LOSS_PAUSE, self._loss_pause * 2)
                self._draft_s = 0.0  # the next try is judged on its own
                self.paused_for_cost += 1
                return
            if self._plain_s:
                self._loss_pause = LOSS_PAUSE
        if accepted == drafted:
            self._length = min(self.max_draft, self._length * 2)
            self._penalty = 0
        elif accepted == 0:
            self._length = max(MIN_DRAFT, self._length // 2)
            self._penalty = min(MAX_COOLDOWN, max(1, self._penalty * 2))
            self._cooldown = self._penalty
        else:
            self._length = max(MIN_DRAFT, accepted + 1)
            self._penalty = 0


def _average(current: float, sample: float) -> float:
    return sample if current == 0.0 else current + _SMOOTHING * (sample - current)

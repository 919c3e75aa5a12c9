"""Prompt-lookup drafting: guess the next tokens from n-grams already in the context.

When a reply repeats text from the conversation (code being edited, a quoted passage), the
tokens after the latest earlier occurrence of the last few tokens are a good guess. The
engine checks a draft with one batched decode and keeps the longest prefix the model agrees
with. llama-cpp-python's ``LlamaPromptLookupDecoding`` turns on logits for every token of
every batch (prompt processing too); this drafter needs nothing from llama.cpp.

How long a draft to send is chosen, not scheduled: a decode of 1 + k tokens is measured to
cost ``plain + k * extra`` (a small model on a CPU is compute bound: ``extra`` near
``plain``; a big one on a GPU is memory bound: ``extra`` a small fraction of it), and each
drafted token is accepted with a probability measured on this reply (recent drafts count
most: it rises while a passage is being copied). The draft length that makes the most
tokens per second is sent; none when no length beats a plain step. Drafting that does not
pay is tried again now and then (a short probe, less often each time), since the reply may
reach a passage that repeats the context, or the costs may change. The costs are the loaded
model's (:class:`StepCosts`, kept between replies); the acceptance is each reply's own.
"""

from __future__ import annotations

from collections.abc import Iterable

NGRAM_MAX = 3
NGRAM_MIN = 2
MAX_DRAFT = 32
# Drafting must be expected to make a token at least 3 % cheaper than a plain step.
PAYOFF = 0.97
# Where drafting does not pay, a probe of PROBE tokens after EXPLORE_AFTER plain tokens; the
# wait doubles with each probe that does not change the verdict (up to MAX_EXPLORE_AFTER).
PROBE = 1
# While drafts run back to back, one plain step in every PLAIN_EVERY + 1 measures it again.
PLAIN_EVERY = 32
EXPLORE_AFTER = 32
MAX_EXPLORE_AFTER = 256
# Before a draft step was measured, a drafted token is assumed to cost this share of a plain
# step: optimistic enough that the first drafts are sent and measured.
PRIOR_EXTRA = 0.5
_SMOOTHING = 0.3  # weight of a new time in the moving averages
_DECAY = 0.8  # weight of the acceptance seen so far when a new draft is verified


class AcceptanceRate:
    """How often a drafted token is accepted: counts that fade, so the rate follows the
    reply. A draft shows its accepted tokens and at most one rejection (the tokens after
    the first rejected one are never judged)."""

    def __init__(self, accepted: float = 3.0, rejected: float = 1.0) -> None:
        self.accepted = accepted  # the prior: three in four
        self.rejected = rejected

    @property
    def p(self) -> float:
        return self.accepted / (self.accepted + self.rejected)

    def add(self, accepted: int, rejected: int) -> None:
        self.accepted = self.accepted * _DECAY + accepted
        self.rejected = self.rejected * _DECAY + rejected


def best_length(p: float, plain_s: float, extra_s: float, most: int) -> int:
    """The draft length (0 to ``most``) expected to make the most tokens per second.

    A draft of k tokens yields 1 + p + ... + p**k tokens (each accepted one, and the
    model's own token after the last) for ``plain_s + k * extra_s``; k = 0 is a plain step.
    """
    best_k, best_rate = 0, 1.0 / (plain_s * PAYOFF)
    expected, term = 1.0, 1.0
    for k in range(1, most + 1):
        term *= p
        expected += term
        rate = expected / (plain_s + k * extra_s)
        if rate > best_rate:
            best_k, best_rate = k, rate
    return best_k


class StepCosts:
    """What a decode step costs with the loaded model on this machine: a one-token step
    (seconds), and what each drafted token adds to it as a share of that step (moving
    averages; None until measured). Kept by the engine while the model stays loaded, so each
    reply starts from what the last ones measured; the share, not seconds, because a step
    gets slower as the context grows and a drafted token's cost grows with it."""

    def __init__(self) -> None:
        self.plain_s = 0.0
        self.extra_share: float | None = None

    def plain(self, seconds: float) -> None:
        self.plain_s = _average(self.plain_s, seconds)

    def draft(self, drafted: int, seconds: float) -> None:
        if self.plain_s and drafted:
            share = max(0.0, seconds / self.plain_s - 1.0) / drafted
            self.extra_share = share if self.extra_share is None else (
                self.extra_share + _SMOOTHING * (share - self.extra_share))

    @property
    def extra_s(self) -> float:
        """Seconds a drafted token adds to a step (assumed PRIOR_EXTRA of it until measured)."""
        share = PRIOR_EXTRA if self.extra_share is None else self.extra_share
        return share * self.plain_s


class PromptLookup:
    """An incremental n-gram index over the context's tokens."""

    def __init__(
        self, tokens: Iterable[int] = (), max_draft: int = MAX_DRAFT,
        costs: StepCosts | None = None,
    ) -> None:
        self.max_draft = max_draft
        self.costs = costs or StepCosts()
        self._tokens: list[int] = []
        # For each n: n-gram -> position just after its latest occurrence.
        self._index: dict[int, dict[tuple[int, ...], int]] = {
            n: {} for n in range(NGRAM_MIN, NGRAM_MAX + 1)
        }
        # For each n: where the current suffix n-gram occurred before (or -1).
        self._previous: dict[int, int] = {}
        self.drafted = 0
        self.accepted = 0
        self.probes = 0  # drafts sent only to measure again where drafting did not pay
        self.acceptance = AcceptanceRate()
        self._since_draft = 0  # reply tokens since the last draft
        self._drafts_since_plain: int | None = None  # None: no plain step in this reply yet
        self._explore_after = EXPLORE_AFTER
        self.extend(tokens)
        self._since_draft = 0

    def extend(self, tokens: Iterable[int]) -> None:
        for token in tokens:
            self._since_draft += 1
            self._tokens.append(token)
            end = len(self._tokens)
            for n, index in self._index.items():
                if end >= n:
                    key = tuple(self._tokens[end - n : end])
                    self._previous[n] = index.get(key, -1)
                    index[key] = end

    def draft(self, limit: int) -> list[int]:
        """Tokens that may come next, at most ``min(limit, max_draft)``: as many of the
        guessed ones as pay (see the module docstring)."""
        costs = self.costs
        # Judged against a plain step measured in this reply, and measured again now and
        # then while drafts run back to back (its context, so its cost, grows).
        if limit <= 0 or self._drafts_since_plain is None or not costs.plain_s:
            return []
        if self._drafts_since_plain >= PLAIN_EVERY:
            return []
        guess = self._guess(min(limit, self.max_draft))
        if not guess:
            return []
        length = best_length(self.acceptance.p, costs.plain_s, costs.extra_s, len(guess))
        if length:
            self._explore_after = EXPLORE_AFTER
            return guess[:length]
        if self._since_draft < self._explore_after:
            return []
        self._explore_after = min(MAX_EXPLORE_AFTER, self._explore_after * 2)
        self.probes += 1
        return guess[:PROBE]

    def _guess(self, most: int) -> list[int]:
        for n in range(NGRAM_MAX, NGRAM_MIN - 1, -1):
            start = self._previous.get(n, -1)
            if start >= 0:
                return self._tokens[start : start + most]
        return []

    def record_plain(self, seconds: float) -> None:
        """Time of a step that evaluated one token (no draft)."""
        self.costs.plain(seconds)
        self._drafts_since_plain = 0

    def record(self, drafted: int, accepted: int, seconds: float | None = None) -> None:
        """Count a verified draft: how much of it was accepted, and (``seconds``: the draft
        step's time) what its tokens added to a plain step's time."""
        self.drafted += drafted
        self.accepted += accepted
        self.acceptance.add(accepted, 1 if accepted < drafted else 0)
        self._since_draft = 0
        if self._drafts_since_plain is not None:
            self._drafts_since_plain += 1
        if seconds is not None:
            self.costs.draft(drafted, seconds)


def _average(current: float, sample: float) -> float:
    return sample if current == 0.0 else current + _SMOOTHING * (sample - current)

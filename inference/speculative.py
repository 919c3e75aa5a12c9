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
        self._length = max_draft
        self._cooldown = 0  # tokens to go before the next draft
        self._penalty = 0  # the pause after the next outright rejection
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

    def record(self, drafted: int, accepted: int) -> None:
        """Count a verified draft and adapt: longer drafts while they are accepted, a
        growing pause after outright rejections."""
        self.drafted += drafted
        self.accepted += accepted
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

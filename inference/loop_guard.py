"""Notice a reply that has fallen into a repetition loop.

A small model at a warm temperature can fall into a loop: one sentence, or two in turn,
written again and again until the length limit. Prose and code repeat too (a function's
name, a list's bullets, a chorus sung twice), but not like that: a loop's recent text is
made entirely of spans the reply has already written several times.

:class:`LoopGuard` follows the reply's tokens. Each token closes an n-gram (the last
:data:`NGRAM` tokens); the n-gram counts as a repeat when the reply already wrote it at
least :data:`PRIOR` times. The reply loops when, of its last :data:`WINDOW` tokens, at
least :data:`SHARE` close repeats. Only the reply's own tokens count: a reply that quotes
the prompt (a code edit, a summary) repeats nothing, and a reply that shows its code twice
("here is the whole program again") is not yet a loop: a third copy is.

The figures were tuned on real replies (recorded without the guard, up to 1,024 tokens):

- SmolLM2-135M-Instruct, "What is the capital of France?" at the app's old defaults
  (temperature 0.7, no repeat penalty), seeds 0-59: 10 looped to the length limit, all 10
  stopped (after 160 to 466 tokens);
- the same model on twenty varied prompts (code, lists, poems, stories; see
  ``tests/test_loop_guard.py``) at the old defaults, greedy, at 0.2/0.9 and at 0.2/0.9
  with a repeat penalty of 1.1: 23 replies ran to the limit, 21 stopped; the two missed
  change a number each time round ("1 teaspoon ..." lists, "if it's 12, ... by 12"),
  which counting does too;
- Gemma 3 270M (a base model, which seldom ends a reply by itself) on the same prompts at
  the old defaults and at Google's 1.0/top-k 64/top-p 0.95: 38 ran to the limit, 31
  stopped, all of them loops when read (the nearest to legitimate: an HTML table of
  empty rows written out a third time).

None of the 109 replies that ended by themselves was stopped: the largest share of repeats
any of them reached over 64 tokens was 20%, against the 90% needed. Counting a second copy
as a repeat (``PRIOR`` 1) would have stopped a limerick that sang its couplet twice.
What it would stop: text that really is one span over and over, such as ten identical
table rows or a literal list of fifty zeros; the window then offers "Continue anyway".
"""

from __future__ import annotations

from collections import deque

NGRAM = 8  # tokens in the spans compared: a few words, or most of a line of code
PRIOR = 2  # earlier copies an n-gram needs to count as a repeat (a third one loops)
WINDOW = 64  # recent tokens looked at
SHARE = 0.9  # of which at least this share must be repeats


class LoopGuard:
    """Follows one reply's tokens; :meth:`feed` says when the reply has fallen into a loop."""

    def __init__(
        self, ngram: int = NGRAM, prior: int = PRIOR, window: int = WINDOW, share: float = SHARE
    ) -> None:
        self._ngram = ngram
        self._prior = prior
        self._window = window
        self._needed = share * window
        self._tail: deque[int] = deque(maxlen=ngram)
        # Copies of each n-gram written so far, keyed by the n-gram's hash: a reply of n
        # tokens costs n small entries, whatever the n-gram length.
        self._counts: dict[int, int] = {}
        self._recent: deque[bool] = deque(maxlen=window)
        self._repeats = 0  # True values in _recent

    def feed(self, token: int) -> bool:
        """Take the reply's next token; True when the reply is looping."""
        self._tail.append(token)
        if len(self._tail) < self._ngram:
            return False
        key = hash(tuple(self._tail))
        copies = self._counts.get(key, 0)
        self._counts[key] = copies + 1
        repeat = copies >= self._prior
        if len(self._recent) == self._window and self._recent[0]:
            self._repeats -= 1
        self._recent.append(repeat)
        self._repeats += repeat
        return len(self._recent) == self._window and self._repeats >= self._needed

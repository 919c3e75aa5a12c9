"""Stop strings on a text stream: hold back only what could still become a stop string."""

from __future__ import annotations

from collections.abc import Iterable


class StopMatcher:
    """Finds the first stop string in streamed text.

    :meth:`feed` returns the text that is safe to show now and whether a stop string was
    hit; text that might be the beginning of a stop string is held until it is decided.
    """

    def __init__(self, stops: Iterable[str]) -> None:
        self._stops = tuple(s for s in stops if s)
        self._held = ""

    def feed(self, text: str) -> tuple[str, bool]:
        if not self._stops:
            return text, False
        buffer = self._held + text
        cut = min((i for i in (buffer.find(s) for s in self._stops) if i >= 0), default=-1)
        if cut >= 0:
            self._held = ""
            return buffer[:cut], True
        keep = 0
        for stop in self._stops:
            for length in range(min(len(stop) - 1, len(buffer)), keep, -1):
                if buffer.endswith(stop[:length]):
                    keep = length
                    break
        self._held = buffer[len(buffer) - keep :]
        return buffer[: len(buffer) - keep], False

    def flush(self, text: str = "") -> str:
        """The held text (plus ``text``) once the stream has ended without a hit."""
        rest, self._held = self._held + text, ""
        return rest

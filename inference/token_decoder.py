"""Generated tokens to text, incrementally."""

from __future__ import annotations

import codecs
from collections.abc import Callable


class TokenDecoder:
    """Turns generated tokens into text incrementally.

    Each token's bytes (from ``pieces``, e.g. :meth:`inference.llama_api.LlamaModel.
    token_pieces`) go through an incremental UTF-8 decoder, so a character split across
    tokens (emoji, CJK, accents in byte-level vocabularies) comes out whole once its last
    byte arrives, and the cost per token stays constant.
    """

    def __init__(self, pieces: Callable[[int], bytes]) -> None:
        self._pieces = pieces
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def feed(self, token: int) -> str:
        """The text ``token`` completes (empty while a character is unfinished)."""
        return self._utf8.decode(self._pieces(token))

    def flush(self) -> str:
        """Whatever an unfinished character left behind, as U+FFFD."""
        return self._utf8.decode(b"", final=True)

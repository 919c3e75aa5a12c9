"""Reusing a conversation's tokens and KV cache across turns and across switches.

Two pieces, both about never processing the same history twice:

- :class:`Turn` keeps what the last turn of a conversation fed the model (prompt tokens plus
  the generated tokens). :func:`continue_tokens` builds the next turn's prompt by appending
  only the new text's tokens, so earlier turns are never re-tokenized (re-tokenizing the
  reply's text can give different ids than the ones sampled, which breaks the cache match).
- :class:`SnapshotCache` keeps the KV state of recently left conversations within a RAM
  budget (least recently used evicted) and restores it when the user returns.
"""

from __future__ import annotations

import ctypes
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import llama_cpp
import numpy as np

from inference.events import ChatMessage

_SEQ = 0  # Slice runs one sequence per context


@dataclass(frozen=True)
class Turn:
    """What one turn fed the model, exactly."""

    messages: tuple[ChatMessage, ...]  # the request's messages
    prompt_text: str  # those messages rendered, with the generation prompt
    prompt_tokens: tuple[int, ...]
    reply_tokens: tuple[int, ...]  # generated tokens, all of them evaluated or about to be
    reply_text: str  # the text streamed for them


def continue_tokens(
    turn: Turn,
    messages: Sequence[ChatMessage],
    render: Callable[[Sequence[ChatMessage]], str],
    tokenize: Callable[[str], list[int]],
) -> tuple[list[int], str] | None:
    """Tokens for ``messages`` that extend ``turn``, and the rendered prompt; or None.

    Works when ``messages`` are the turn's messages plus its reply plus new ones, and the
    template renders the earlier part identically (it must not rewrite past turns).
    """
    n = len(turn.messages)
    if len(messages) <= n + 1 or tuple(messages[:n]) != turn.messages:
        return None
    reply = messages[n]
    content = turn.reply_text.strip()
    if reply.role != "assistant" or reply.content.strip() != content:
        return None
    full = render(messages)
    if not full.startswith(turn.prompt_text):
        return None
    rest = full[len(turn.prompt_text) :]
    at = rest.find(content) if content else 0
    if at < 0 or rest[:at].strip():
        return None
    after = rest[at + len(content) :]
    trailing = turn.reply_text[len(turn.reply_text.rstrip()) :]
    if trailing and after.startswith(trailing):
        after = after[len(trailing) :]  # already in the reply's tokens
    return [*turn.prompt_tokens, *turn.reply_tokens, *tokenize(after)], full


@dataclass
class _Snapshot:
    data: Any  # ctypes array holding llama.cpp's sequence state
    size: int
    tokens: np.ndarray


class SnapshotCache:
    """KV snapshots of conversations, least recently used evicted past ``budget_bytes``."""

    def __init__(self, budget_bytes: int) -> None:
        self.budget_bytes = budget_bytes
        self._items: OrderedDict[str, _Snapshot] = OrderedDict()

    @property
    def used_bytes(self) -> int:
        return sum(item.size for item in self._items.values())

    def set_budget(self, budget_bytes: int) -> None:
        """Change the budget, evicting the least recently used snapshots past it."""
        self.budget_bytes = max(0, budget_bytes)
        while self._items and self.used_bytes > self.budget_bytes:
            self._items.popitem(last=False)

    def __contains__(self, conversation_id: str) -> bool:
        return conversation_id in self._items

    def clear(self) -> None:
        self._items.clear()

    def save(self, conversation_id: str, llm: Any) -> bool:
        """Snapshot the context's sequence for ``conversation_id``; False if over budget."""
        n_tokens = int(llm.n_tokens)
        if n_tokens == 0:
            return False
        ctx = llm._ctx.ctx
        size = int(llama_cpp.llama_state_seq_get_size(ctx, _SEQ))
        if size <= 0 or size > self.budget_bytes:
            return False
        data = (ctypes.c_uint8 * size)()
        written = int(llama_cpp.llama_state_seq_get_data(ctx, data, size, _SEQ))
        if written <= 0:
            return False
        self._items.pop(conversation_id, None)
        self._items[conversation_id] = _Snapshot(
            data, written, np.array(llm.input_ids[:n_tokens], copy=True)
        )
        while self.used_bytes > self.budget_bytes:
            self._items.popitem(last=False)
        return True

    def restore(self, conversation_id: str, llm: Any) -> int:
        """Put ``conversation_id``'s snapshot back in the context; returns its token count."""
        snapshot = self._items.pop(conversation_id, None)
        if snapshot is None:
            return 0
        read = llama_cpp.llama_state_seq_set_data(llm._ctx.ctx, snapshot.data, snapshot.size, _SEQ)
        if int(read) != snapshot.size:
            llm._ctx.kv_cache_seq_rm(-1, 0, -1)
            llm.n_tokens = 0
            return 0
        n_tokens = len(snapshot.tokens)
        llm.input_ids[:n_tokens] = snapshot.tokens
        llm.n_tokens = n_tokens
        return n_tokens

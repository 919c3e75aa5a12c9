"""Reusing a conversation's tokens and KV cache across turns and across switches.

Two pieces, both about never processing the same history twice:

- :class:`Turn` keeps what the last turn of a conversation fed the model (prompt tokens plus
  the generated tokens). :func:`continue_tokens` builds the next turn's prompt by appending
  only the new text's tokens, so earlier turns are never re-tokenized (re-tokenizing the
  reply's text can give different ids than the ones sampled, which breaks the cache match).
- :class:`SnapshotCache` keeps the KV state of recently left conversations within a RAM
  budget (least recently used evicted) and restores it when the user returns. What it
  evicts, and a snapshot bigger than the RAM budget, is spilled to disk when a disk budget is
  configured (:mod:`inference.snapshot_disk`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from inference.events import ChatMessage
from inference.llama_api import LlamaModel, StateBuffer
from inference.snapshot_disk import SnapshotDisk


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


def shift_reuse(llm: LlamaModel, tokens: Sequence[int], head: int) -> tuple[int, int]:
    """Reuse the KV cache for ``tokens`` after a cut: when they are the cache's first
    ``head`` tokens followed by a later stretch of it (the older messages dropped from
    between), remove the dropped range and shift the stretch back (llama.cpp's context
    shift) instead of evaluating it again.

    Only tokens equal to the cached ones are reused (a cut can tokenize its boundary
    differently), never the last prompt token (its logits must be fresh). Returns the
    tokens now cached and how many were shifted out; ``(head, 0)`` when nothing was.
    """
    cached = np.asarray(llm.history(), dtype=np.intc)
    wanted = np.asarray(tokens[:-1], dtype=np.intc)
    if head >= len(wanted) or head + 1 >= len(cached):
        return head, 0
    best, best_len = 0, 0
    # Every place the next wanted token occurs is a candidate start of the kept stretch;
    # these are few (a chat's messages), each checked with one vector comparison.
    for at in np.flatnonzero(cached[head + 1 :] == wanted[head]) + head + 1:
        n = min(len(cached) - int(at), len(wanted) - head)
        same = cached[at : at + n] == wanted[head : head + n]
        length = n if bool(same.all()) else int(np.argmin(same))
        if length > best_len:
            best, best_len = int(at) - head, length
    if best_len == 0:
        return head, 0
    llm.truncate(head + best + best_len)
    if not llm.kv_shift(head, best):
        return head, 0
    return head + best_len, best


@dataclass
class _Snapshot:
    data: StateBuffer  # llama.cpp's sequence state
    size: int
    tokens: npt.NDArray[np.intc]


class SnapshotCache:
    """KV snapshots of conversations, least recently used evicted past ``budget_bytes``
    (to :attr:`disk` when it is on, else dropped)."""

    def __init__(self, budget_bytes: int) -> None:
        self.budget_bytes = budget_bytes
        self._items: OrderedDict[str, _Snapshot] = OrderedDict()
        self.disk = SnapshotDisk()

    @property
    def used_bytes(self) -> int:
        return sum(item.size for item in self._items.values())

    def configure(self, budget_bytes: int, disk_dir: str, disk_bytes: int, key: str) -> None:
        """Set the RAM budget, and the disk folder and budget for the model + load settings
        named by ``key`` (an empty folder or a zero budget: no spilling)."""
        self.disk.configure(disk_dir, disk_bytes, key)
        self.set_budget(budget_bytes)

    def set_budget(self, budget_bytes: int) -> None:
        """Change the budget, evicting the least recently used snapshots past it."""
        self.budget_bytes = max(0, budget_bytes)
        self._evict()

    def __contains__(self, conversation_id: str) -> bool:
        return conversation_id in self._items

    def clear(self) -> None:
        """Drop every snapshot, in RAM and on disk."""
        self._items.clear()
        self.disk.clear()

    def save(self, conversation_id: str, llm: LlamaModel) -> bool:
        """Snapshot the context's sequence for ``conversation_id`` in RAM, or on disk when
        it is bigger than the RAM budget; False if it was kept nowhere."""
        self._items.pop(conversation_id, None)
        self.disk.discard(conversation_id)  # superseded
        if llm.n_tokens == 0:
            return False
        # Ask the size first: a state that fits nowhere is not copied out at all.
        size = llm.state_size()
        if size <= 0 or (size > self.budget_bytes and not self.disk.enabled):
            return False
        state = llm.state_get(size)
        if state is None:
            return False
        snapshot = _Snapshot(*state)
        if snapshot.size > self.budget_bytes:
            return self.disk.put(conversation_id, snapshot.data, snapshot.size, snapshot.tokens)
        self._items[conversation_id] = snapshot
        self._evict()
        return True

    def restore(self, conversation_id: str, llm: LlamaModel) -> int:
        """Put ``conversation_id``'s snapshot (from RAM, else from disk) back in the context;
        returns its token count, 0 when there was none or it could not be restored."""
        snapshot = self._items.pop(conversation_id, None)
        if snapshot is None:
            spilled = self.disk.take(conversation_id)
            if spilled is None:
                return 0
            snapshot = _Snapshot(*spilled)
        if not llm.state_set(snapshot.data, snapshot.size, snapshot.tokens):
            return 0
        return len(snapshot.tokens)

    def _evict(self) -> None:
        while self._items and self.used_bytes > self.budget_bytes:
            conversation_id, snapshot = self._items.popitem(last=False)
            self.disk.put(conversation_id, snapshot.data, snapshot.size, snapshot.tokens)

"""Reusing a conversation's tokens and KV cache across turns and across switches.

Two pieces, both about never processing the same history twice:

- :class:`Turn` keeps what the last turn of a conversation fed the model (prompt tokens plus
  the generated tokens). :func:`continue_tokens` builds the next turn's prompt by appending
  only the new text's tokens, so earlier turns are never re-tokenized (re-tokenizing the
  reply's text can give different ids than the ones sampled, which breaks the cache match).
- :class:`SnapshotCache` keeps the KV state of recently left conversations within a RAM
  budget (least recently used evicted) and restores it when the user returns. What it
  evicts, a snapshot bigger than the RAM budget, and everything it holds when the model is
  unloaded (:meth:`SnapshotCache.persist`) goes to disk when a disk budget is configured
  (:mod:`inference.snapshot_disk`), where it outlives the process.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from inference.events import ChatMessage
from inference.llama_api import LlamaModel, StateBuffer
from inference.snapshot_disk import SnapshotDisk, SnapshotKey

_log = logging.getLogger(__name__)

#: Where a restored snapshot came from (``Stats.restored_from``).
FROM_MEMORY = "memory"
FROM_DISK = "disk"


@dataclass(frozen=True)
class Turn:
    """What one turn fed the model, exactly."""

    messages: tuple[ChatMessage, ...]  # the request's messages
    prompt_text: str  # those messages rendered, with the generation prompt
    prompt_tokens: tuple[int, ...]
    reply_tokens: tuple[int, ...]  # generated tokens, all of them evaluated or about to be
    reply_text: str  # the text streamed for them

    def to_dict(self) -> dict[str, Any]:
        """The turn as JSON-ready values (kept with a snapshot on disk)."""
        return {
            "messages": [message_dict(m) for m in self.messages],
            "prompt_text": self.prompt_text,
            "prompt_tokens": list(self.prompt_tokens),
            "reply_tokens": list(self.reply_tokens),
            "reply_text": self.reply_text,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Turn:
        """A turn saved by :meth:`to_dict`; raises ValueError for anything else."""
        try:
            return cls(
                messages=messages_from(data["messages"]),
                prompt_text=_text(data["prompt_text"]),
                prompt_tokens=_ints(data["prompt_tokens"]),
                reply_tokens=_ints(data["reply_tokens"]),
                reply_text=_text(data["reply_text"]),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a saved turn: {exc!r}") from exc


def message_dict(message: ChatMessage) -> dict[str, str]:
    """A chat message as JSON-ready values."""
    return {"role": message.role, "content": message.content, "thinking": message.thinking}


def messages_from(values: Any) -> tuple[ChatMessage, ...]:
    """Messages saved by :func:`message_dict`; raises ValueError for anything else."""
    if not isinstance(values, list):
        raise ValueError("messages are not a list")
    return tuple(
        ChatMessage(_text(v["role"]), _text(v["content"]), _text(v.get("thinking", "")))
        for v in values
    )


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not text")
    return value


def _ints(values: Any) -> tuple[int, ...]:
    if not isinstance(values, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in values):
        raise ValueError("tokens are not a list of integers")
    return tuple(values)


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
    meta: dict[str, Any]  # the engine's, saved with it on disk (the conversation's turn)
    used_at: float  # wall-clock time the conversation was last in the context


@dataclass(frozen=True)
class Restored:
    """What :meth:`SnapshotCache.restore` put back: its tokens, where it came from
    (:data:`FROM_MEMORY`, :data:`FROM_DISK`; "" when nothing was restored) and the
    metadata saved with it."""

    tokens: int = 0
    source: str = ""
    meta: dict[str, Any] | None = None


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

    def configure(
        self, budget_bytes: int, disk_dir: str, disk_bytes: int, key: SnapshotKey | None
    ) -> None:
        """Set the RAM budget, and the disk folder and budget for the model + load settings
        named by ``key`` (an empty folder, a zero budget or no key: no disk)."""
        self.disk.configure(disk_dir, disk_bytes, key)
        self.set_budget(budget_bytes)

    def set_budget(self, budget_bytes: int) -> None:
        """Change the budget, evicting the least recently used snapshots past it."""
        self.budget_bytes = max(0, budget_bytes)
        self._evict()

    def __contains__(self, conversation_id: str) -> bool:
        return conversation_id in self._items

    def drop_memory(self) -> None:
        """Drop the snapshots in RAM (the model is gone); the disk keeps its files."""
        self._items.clear()

    def clear(self) -> None:
        """Drop every snapshot, in RAM and on disk."""
        self._items.clear()
        self.disk.clear()

    def forget(self, conversation_id: str) -> None:
        """Drop ``conversation_id``'s snapshot, in RAM and on disk."""
        self._items.pop(conversation_id, None)
        self.disk.discard(conversation_id)

    def save(self, conversation_id: str, llm: LlamaModel, meta: dict[str, Any] | None = None
             ) -> bool:
        """Snapshot the context's sequence for ``conversation_id`` (with ``meta``, the
        engine's JSON-ready notes) in RAM, or on disk when it is bigger than the RAM
        budget; False if it was kept nowhere."""
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
        snapshot = _Snapshot(*state, meta=meta or {}, used_at=time.time())
        if snapshot.size > self.budget_bytes:
            return self._spill(conversation_id, snapshot)
        self._items[conversation_id] = snapshot
        self._evict()
        return True

    def persist(self, active: str | None, llm: LlamaModel, meta: dict[str, Any] | None) -> int:
        """Before the model goes: write the conversation in the context (``active``) and
        every snapshot in RAM to disk, the most recently used first, and drop them from
        RAM. Returns how many were written (0 when the disk is off)."""
        written = 0
        if self.disk.enabled and active is not None and self.save(active, llm, meta):
            snapshot = self._items.pop(active, None)  # None: save() put it on disk itself
            if snapshot is None or self._spill(active, snapshot):
                written += 1
        if self.disk.enabled:
            for conversation_id, snapshot in reversed(self._items.items()):
                written += self._spill(conversation_id, snapshot)
        self._items.clear()
        return written

    def restore(self, conversation_id: str, llm: LlamaModel) -> Restored:
        """Put ``conversation_id``'s snapshot (from RAM, else from disk) back in the
        context; nothing restored (``Restored()``) when there was none or it could not be
        restored."""
        snapshot = self._items.pop(conversation_id, None)
        source = FROM_MEMORY
        if snapshot is None:
            spilled = self.disk.take(conversation_id)
            if spilled is None:
                return Restored()
            snapshot = _Snapshot(spilled.data, spilled.size, spilled.tokens, spilled.meta,
                                 used_at=time.time())
            source = FROM_DISK
        if not llm.state_set(snapshot.data, snapshot.size, snapshot.tokens):
            _log.info("snapshots: llama.cpp refused the saved cache of %s (%s); its history "
                      "is processed again", conversation_id, source)
            return Restored()
        return Restored(len(snapshot.tokens), source, snapshot.meta)

    def _spill(self, conversation_id: str, snapshot: _Snapshot) -> bool:
        return self.disk.put(conversation_id, snapshot.data, snapshot.size, snapshot.tokens,
                             snapshot.meta, snapshot.used_at)

    def _evict(self) -> None:
        while self._items and self.used_bytes > self.budget_bytes:
            conversation_id, snapshot = self._items.popitem(last=False)
            self._spill(conversation_id, snapshot)

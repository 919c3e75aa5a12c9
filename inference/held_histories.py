"""What each conversation's last request held, so the next one need carry only what is new.

Both ends of the host's pipe keep one: the host, to put a conversation's earlier messages
back in front of a request that names them by a :class:`~inference.protocol.Prefix`; the
supervisor, to know what the host holds and send it only the new messages. The digest makes
a mismatch harmless: a host that does not hold exactly those messages (it restarted, forgot
the conversation, or an earlier message was edited) asks for the whole conversation.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Sequence

from inference.events import ChatMessage, ChatRequest
from inference.protocol import Prefix, history_digest

# Conversations remembered (least recently used go first); the engine keeps as many turns.
DEFAULT_LIMIT = 256


class HeldHistories:
    """The messages of each conversation's last request, with their digest, bounded."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self._limit = limit
        self._held: OrderedDict[str, tuple[tuple[ChatMessage, ...], str]] = OrderedDict()

    def clear(self) -> None:
        """Forget everything (the host process was replaced)."""
        self._held.clear()

    def forget(self, conversation_ids: Sequence[str] | None) -> None:
        """Forget these conversations (None: all of them)."""
        if conversation_ids is None:
            self._held.clear()
        for conversation_id in conversation_ids or ():
            self._held.pop(conversation_id, None)

    def remember(self, request: ChatRequest) -> None:
        """Keep ``request``'s messages (whole) as its conversation's last.

        A request that extends the conversation's last one digests only its new messages.
        """
        if not request.conversation_id:
            return
        messages = request.messages
        held = self._held.pop(request.conversation_id, None)
        if held is not None and _extends(messages, held[0]):
            digest = history_digest(messages[len(held[0]):], after=held[1])
        else:
            digest = history_digest(messages)
        self._held[request.conversation_id] = (messages, digest)
        while len(self._held) > self._limit:
            self._held.popitem(last=False)

    def split(self, request: ChatRequest) -> tuple[ChatRequest, Prefix | None]:
        """What to send for ``request``: only its new messages and the :class:`Prefix` of
        the earlier ones when they are exactly the conversation's last request; else the
        request whole (and None)."""
        held = self._held.get(request.conversation_id) if request.conversation_id else None
        messages = request.messages
        if held is None or not held[0] or not _extends(messages, held[0]) or (
            len(messages) == len(held[0])
        ):
            return request, None
        earlier, digest = held
        delta = dataclasses.replace(request, messages=messages[len(earlier):])
        return delta, Prefix(count=len(earlier), digest=digest)

    def resolve(self, request: ChatRequest, prefix: Prefix) -> ChatRequest | None:
        """``request`` with the ``prefix`` it names put back in front; None when this side
        does not hold exactly those messages."""
        held = self._held.get(request.conversation_id) if request.conversation_id else None
        if held is None or len(held[0]) < prefix.count:
            return None
        messages, digest = held
        earlier = messages[: prefix.count]
        if prefix.count < len(messages):  # an older point of the conversation (rare)
            digest = history_digest(earlier)
        if digest != prefix.digest:
            return None
        return dataclasses.replace(request, messages=earlier + request.messages)


def _extends(messages: tuple[ChatMessage, ...], earlier: tuple[ChatMessage, ...]) -> bool:
    """Whether ``messages`` start with ``earlier``."""
    return len(messages) >= len(earlier) and messages[: len(earlier)] == earlier

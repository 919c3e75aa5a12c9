"""What a conversation's shown path means to the model: its turns, and what can continue.

Plain functions over stored messages, shared by the session, the view and the tests.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.store.records import (
    Message,
    MessageState,
    Role,
)
from inference.events import (
    ChatMessage,
    ErrorKind,
    StopReason,
)

# A reply the loop guard stopped can go on too ("Continue anyway").
CONTINUABLE_STOPS = (StopReason.USER, StopReason.LENGTH, StopReason.REPETITION)
#: The stop reason saved with a failed reply whose stream broke off (a remote server's):
#: its text is kept, and it can be continued.
CUT_OFF = str(ErrorKind.INTERRUPTED)


def conversation_messages(path: Sequence[Message]) -> list[ChatMessage]:
    """The turns of ``path`` a model sees: answered exchanges, plus a final user message.

    An exchange whose reply failed or has no text stays out, so the turns alternate. A
    final assistant message is kept when it has text (a reply being continued).
    """
    turns: list[ChatMessage] = []
    pending: Message | None = None
    for message in path:
        if message.role == Role.USER:
            pending = message
            continue
        if pending is not None and message.state != MessageState.FAILED and message.content.strip():
            # The reply's thinking goes along; the engine shows it to the model only when
            # the chat template asks for it.
            turns += [ChatMessage(Role.USER, pending.content),
                      ChatMessage(Role.ASSISTANT, message.content, message.thinking)]
        pending = None
    if pending is not None:
        turns.append(ChatMessage(Role.USER, pending.content))
    return turns


def can_continue(message: Message) -> bool:
    """Whether a reply can be extended: interrupted (the app closed, or a remote stream
    broke off), or stopped by the user, the length limit or the loop guard."""
    if message.role != Role.ASSISTANT:
        return False
    if message.state == MessageState.PARTIAL:
        return True
    reason = (message.stats or {}).get("stop_reason", "")
    if message.state == MessageState.FAILED:
        return reason == CUT_OFF and bool(message.content.strip())
    return message.state == MessageState.DONE and reason in CONTINUABLE_STOPS

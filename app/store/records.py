"""Plain values read from the chat store: chats, messages, search hits.

They are immutable snapshots; the store hands out new ones after every change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    """Who wrote a message. The values are what the database and export files hold."""

    USER = "user"
    ASSISTANT = "assistant"


class MessageState(StrEnum):
    """A message's state, as the database and export files hold it.

    A reply is ``PARTIAL`` while it streams; one that is still partial when the app starts
    again was interrupted (the app closed or was killed mid-reply).
    """

    PARTIAL = "partial"
    DONE = "done"
    FAILED = "failed"


# Marks around matched words in a search snippet (control characters never typed in text).
MATCH_START = "\x02"
MATCH_END = "\x03"


@dataclass(frozen=True, slots=True)
class ChatSummary:
    """What the chat list shows of a chat."""

    id: int
    title: str
    updated_at: float


DEFAULT_PRESET = ""  # a chat on the app's own sampling settings
DEFAULT_PRESET_LABEL = "Default"


@dataclass(frozen=True, slots=True)
class ChatSettings:
    """A conversation's own settings.

    ``system_prompt`` None means "the app's default"; ``preset`` "" means the app's default
    sampling; ``overrides`` holds the sampling fields the user changed on top of the preset;
    ``show_thinking``: replies show their thinking opened (else folded to one line).
    """

    system_prompt: str | None = None
    model_path: str = ""
    preset: str = ""
    overrides: dict[str, Any] = field(default_factory=dict)
    show_thinking: bool = False


@dataclass(frozen=True, slots=True)
class Chat:
    """A conversation's record (its messages are read separately)."""

    id: int
    uuid: str
    title: str
    created_at: float
    updated_at: float
    settings: ChatSettings
    active_root_id: int | None = None
    deleted_at: float | None = None


@dataclass(frozen=True, slots=True)
class Message:
    """One message of a conversation tree.

    ``parent_id`` is None for a first message; edits and regenerations are siblings (same
    parent). ``stats`` and ``fingerprint`` are set on finished replies. ``thinking`` is a
    reasoning model's thinking before the reply's ``content`` (empty for most replies).
    """

    id: int
    chat_id: int
    parent_id: int | None
    role: Role
    content: str
    state: MessageState = MessageState.DONE
    error: str = ""
    model: str = ""
    created_at: float = 0.0
    updated_at: float = 0.0
    stats: dict[str, Any] | None = None
    fingerprint: dict[str, Any] | None = None
    active_child_id: int | None = None
    thinking: str = ""


@dataclass(frozen=True, slots=True)
class PathEntry:
    """A message on the selected path with its place among its siblings (1-based)."""

    message: Message
    sibling_index: int = 1
    sibling_count: int = 1


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A search match: a chat whose title matched (``message_id`` None) or one message.

    ``snippet`` marks each matched word with :data:`MATCH_START` and :data:`MATCH_END`.
    """

    chat_id: int
    chat_title: str
    message_id: int | None
    snippet: str
    updated_at: float

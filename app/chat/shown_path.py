"""The shown path of the open chat: which chat, which branch of its tree, and its messages.

:class:`ShownPath` is plain state over the chat store (no Qt): the ids of the messages shown,
first to last, with the messages read lazily and cached. A new chat not yet saved has no id,
and keeps its own settings until its first message is sent. :func:`store_write` is the one
place a write to the store turns an SQLite error into a :class:`StoreError`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TypeVar

from app.chat.conversation import conversation_messages
from app.store.chat_store import ChatStore, StoreError
from app.store.records import ChatSettings, Message, PathEntry
from inference.events import ChatMessage

_T = TypeVar("_T")


def store_write(action: Callable[[], _T]) -> _T:
    """Run a write to the chat store; an SQLite error becomes a :class:`StoreError`."""
    try:
        return action()
    except sqlite3.Error as exc:
        raise StoreError(f"Could not save to the chat database: {exc}.") from exc


class ShownPath:
    """The open chat (or a new, unsaved one) and the path of its tree that is shown."""

    def __init__(self, store: ChatStore) -> None:
        self.store = store
        self._chat_id: int | None = None
        self._path: list[int] = []
        self._cache: dict[int, Message] = {}
        self._new_chat_settings = ChatSettings()

    @property
    def chat_id(self) -> int | None:
        """The open chat; None for a new chat not yet saved (no message sent)."""
        return self._chat_id

    @property
    def ids(self) -> list[int]:
        """Ids of the shown path, first message to last."""
        return list(self._path)

    @property
    def new_chat_settings(self) -> ChatSettings:
        """The settings a new chat is created with when its first message is sent."""
        return self._new_chat_settings

    def __len__(self) -> int:
        return len(self._path)

    def last_id(self) -> int | None:
        """The last shown message, or None on an empty path."""
        return self._path[-1] if self._path else None

    def entries(self, start: int = 0, end: int | None = None) -> list[PathEntry]:
        """The shown messages ``start:end`` with their sibling positions (read lazily)."""
        ids = self._path[start:end]
        entries = self.store.path_entries(ids)
        for entry in entries:
            self._cache[entry.message.id] = entry.message
        return entries

    def index_of(self, message_id: int) -> int | None:
        """Where a message is on the shown path, or None."""
        try:
            return self._path.index(message_id)
        except ValueError:
            return None

    def message(self, message_id: int) -> Message | None:
        """A message, from the cache when it was read already."""
        return self._cache.get(message_id) or self.store.message(message_id)

    def path_messages(self, end: int | None = None) -> list[Message]:
        """The messages of the shown path up to ``end`` (all of them by default)."""
        ids = self._path[:end]
        missing = [i for i in ids if i not in self._cache]
        if missing:
            self._cache.update(self.store.messages(missing))
        return [self._cache[i] for i in ids if i in self._cache]

    def history(self) -> tuple[ChatMessage, ...]:
        """The conversation as the model would see it next (without the system prompt)."""
        return tuple(conversation_messages(self.path_messages()))

    def chat_settings(self) -> ChatSettings:
        """The open chat's own settings (a new chat's are the defaults)."""
        chat = self.store.chat(self._chat_id) if self._chat_id is not None else None
        return chat.settings if chat else self._new_chat_settings

    def update_settings(self, settings: ChatSettings) -> None:
        """Change the open chat's system prompt, model, preset or overrides."""
        if self._chat_id is None:
            self._new_chat_settings = settings
            return
        store_write(lambda: self.store.update_settings(self._chat_id or 0, settings))

    def show(self, chat_id: int | None) -> None:
        """Show a chat's selected path (None: a new, empty chat keeping only its model)."""
        self._chat_id = chat_id
        self._cache = {}
        if chat_id is None:
            self._new_chat_settings = ChatSettings(
                model_path=self._new_chat_settings.model_path
            )
        self._path = self.store.path_ids(chat_id) if chat_id is not None else []

    def reload(self, chat_id: int) -> None:
        """Read the open chat's selected path again (after another version was chosen)."""
        self._path = self.store.path_ids(chat_id)

    def saved_as(self, chat_id: int) -> None:
        """The new chat was saved (with its first message) under ``chat_id``."""
        self._chat_id = chat_id

    def replace_tail(self, index: int, *messages: Message) -> None:
        """Show ``messages`` from ``index`` on, in place of what followed there."""
        self._path = [*self._path[:index], *(message.id for message in messages)]
        self._cache.update({message.id: message for message in messages})

    def remember(self, message: Message) -> None:
        """Cache a message's new state (a reply reopened to continue)."""
        self._cache[message.id] = message

    def forget(self, message_id: int) -> None:
        """Drop a cached message, so that it is read again (a reply just finished)."""
        self._cache.pop(message_id, None)

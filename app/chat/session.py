"""The open conversation: the facade the window talks to.

:class:`ChatSession` navigates the shown path (:class:`~app.chat.shown_path.ShownPath`:
open a chat, jump to a message, choose another version of one) and hands the reply in
flight to its :class:`~app.chat.reply_writer.ReplyWriter` (send, edit, regenerate,
continue, stop), which commits every change to the chat store before anything else
happens.

Requests carry the shown path of the tree (edits and regenerations are siblings), leaving
out exchanges that got no reply, so the model always sees alternating turns.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from app.chat.reply import ModelChoice
from app.chat.reply_writer import ReplyWriter
from app.chat.shown_path import ShownPath, store_write
from app.settings import Settings
from app.store.chat_store import ChatStore, StoreError
from app.store.records import ChatSettings, Message, PathEntry
from inference.events import ChatMessage

if TYPE_CHECKING:
    from app.chat.bridge import EngineController


class ChatSession(QObject):
    """One open chat (or a new, unsaved one) and at most one reply in progress.

    The reply may belong to another chat than the open one when the user switches while
    it streams: it keeps being saved. All signals are emitted after the store is updated.
    """

    #: The shown path changed from this index on (new message, branch switch, other chat).
    path_changed = Signal(int)
    #: New text of the reply in progress (message id, text).
    reply_text = Signal(int, str)
    #: New thinking of the reply in progress, before its answer (message id, text).
    reply_thinking = Signal(int, str)
    #: The reply was finalised (message id, inference.events.Done).
    reply_finished = Signal(int, object)
    #: The reply failed; its partial text is kept (message id, inference.events.Failed).
    reply_failed = Signal(int, object)
    #: Chat titles, order or membership changed: the chat list should refresh.
    chats_changed = Signal()
    #: Saving failed; the message says what happened (the reply keeps streaming).
    save_failed = Signal(str)

    def __init__(
        self,
        store: ChatStore,
        controller: EngineController,
        settings: Settings,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.controller = controller
        self._path = ShownPath(store)
        self._writer = ReplyWriter(store, controller, settings, self._path, self)
        writer = self._writer
        writer.path_changed.connect(self.path_changed)
        writer.reply_text.connect(self.reply_text)
        writer.reply_thinking.connect(self.reply_thinking)
        writer.reply_finished.connect(self.reply_finished)
        writer.reply_failed.connect(self.reply_failed)
        writer.chats_changed.connect(self.chats_changed)
        writer.save_failed.connect(self.save_failed)

    @property
    def settings(self) -> Settings:
        """The app settings the next request is built with."""
        return self._writer.settings

    @settings.setter
    def settings(self, settings: Settings) -> None:
        self._writer.settings = settings

    # What is shown

    @property
    def chat_id(self) -> int | None:
        """The open chat; None for a new chat not yet saved (no message sent)."""
        return self._path.chat_id

    @property
    def path_ids(self) -> list[int]:
        """Ids of the shown path, first message to last."""
        return self._path.ids

    def __len__(self) -> int:
        return len(self._path)

    def entries(self, start: int = 0, end: int | None = None) -> list[PathEntry]:
        """The shown messages ``start:end`` with their sibling positions (read lazily)."""
        return self._path.entries(start, end)

    def index_of(self, message_id: int) -> int | None:
        """Where a message is on the shown path, or None."""
        return self._path.index_of(message_id)

    def path_messages(self, end: int | None = None) -> list[Message]:
        """The messages of the shown path up to ``end`` (all of them by default)."""
        return self._path.path_messages(end)

    def history(self) -> tuple[ChatMessage, ...]:
        """The conversation as the model would see it next (without the system prompt)."""
        return self._path.history()

    def chat_settings(self) -> ChatSettings:
        """The open chat's own settings (a new chat's are the defaults)."""
        return self._path.chat_settings()

    # The reply in progress (see ReplyWriter)

    @property
    def generating_id(self) -> int | None:
        """The message id of the reply in progress, or None."""
        return self._writer.generating_id

    @property
    def busy(self) -> bool:
        """Whether a reply is in progress."""
        return self._writer.busy

    @property
    def request_id(self) -> int | None:
        """The engine request id of the reply in progress, or None."""
        return self._writer.request_id

    def flush(self) -> None:
        """Save the text of a streaming reply now (before the app closes)."""
        self._writer.flush()

    def close(self) -> None:
        """Save what streams, and stop listening to the engine (before the store closes).

        A reply still streaming stays partial in the store: the next start shows it as
        interrupted.
        """
        self._writer.close()

    def is_current_request(self, request_id: int) -> bool:
        """Whether ``request_id`` is the request of the reply in progress."""
        return self._writer.is_current_request(request_id)

    def reply_so_far(self) -> str:
        """The text of the reply in progress ("" when none)."""
        return self._writer.reply_so_far()

    def thinking_so_far(self) -> str:
        """The thinking of the reply in progress ("" when none, or none yet)."""
        return self._writer.thinking_so_far()

    # Opening chats

    def open_chat(self, chat_id: int | None) -> None:
        """Show a chat (None: a new, empty one that is saved with its first message)."""
        if chat_id is not None and self.store.chat(chat_id) is None:
            raise StoreError(f"There is no chat {chat_id}.")
        self._path.show(chat_id)
        self.path_changed.emit(0)

    def update_settings(self, settings: ChatSettings) -> None:
        """Change the open chat's system prompt, model, preset or overrides."""
        self._path.update_settings(settings)

    def set_model(self, model_path: str) -> None:
        """Remember the model the open chat uses."""
        current = self.chat_settings()
        if current.model_path != model_path:
            self.update_settings(dataclasses.replace(current, model_path=model_path))

    # Actions that start a reply

    def send(self, text: str, model: ModelChoice) -> int | None:
        """Commit ``text`` as the next user message, then ask for a reply.

        Returns the reply's message id, or None when a reply already runs. Raises
        :class:`StoreError` when the message cannot be saved (then nothing is sent).
        """
        return self._writer.send(text, model)

    def edit(self, message_id: int, text: str, model: ModelChoice) -> int | None:
        """Send a new version of a user message as a sibling branch, and ask for its reply."""
        return self._writer.edit(message_id, text, model)

    def regenerate(self, message_id: int, model: ModelChoice) -> int | None:
        """Ask for a new reply beside ``message_id`` (a sibling); the old one is kept."""
        return self._writer.regenerate(message_id, model)

    def continue_reply(self, message_id: int, model: ModelChoice) -> int | None:
        """Extend an interrupted or stopped reply (the last shown message) in place."""
        return self._writer.continue_reply(message_id, model)

    def stop(self) -> None:
        """Stop the reply in progress (its text so far is kept)."""
        self._writer.stop()

    def note_first_paint(self, seconds: float) -> None:
        """Record the end-to-end time to first token of the reply in progress."""
        self._writer.note_first_paint(seconds)

    # Moving around the tree

    def select_sibling(self, message_id: int, step: int) -> bool:
        """Show the previous (-1) or next (+1) version of a message; False if there is none."""
        index = self.index_of(message_id)
        chat_id = self._path.chat_id
        if index is None or chat_id is None:
            return False
        chosen = store_write(lambda: self.store.select_sibling(message_id, step))
        if chosen is None:
            return False
        self._path.reload(chat_id)
        self.path_changed.emit(index)
        return True

    def jump_to(self, message_id: int) -> int | None:
        """Open the message's chat with a path through it; returns its index on the path."""
        message = self.store.message(message_id)
        if message is None:
            return None
        store_write(lambda: self.store.select_message(message_id))
        self.open_chat(message.chat_id)
        return self.index_of(message_id)

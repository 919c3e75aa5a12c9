"""The open conversation: its shown path, and the reply being written into it, kept durable.

:class:`ChatSession` sits between the window and the engine. Every change reaches the chat
store before anything else happens: the user's message (with an empty, partial reply under
it) is committed before the request goes to the engine; the growing reply is saved at least
every :data:`PARTIAL_SAVE_MS` ms while it streams; on ``Done`` it is finalised with its stats
and fingerprint. A reply still partial when the app starts again shows as interrupted.

Requests carry the shown path of the tree (edits and regenerations are siblings), leaving
out exchanges that got no reply, so the model always sees alternating turns.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal

from app.chat.conversation import can_continue, conversation_messages
from app.chat.fingerprint import FileHasher
from app.chat.reply import ModelChoice, StreamingReply, chat_request, reply_fingerprint
from app.settings import Settings
from app.store.chat_store import ChatStore, StoreError
from app.store.records import (
    ChatSettings,
    Message,
    MessageState,
    PathEntry,
    Role,
)
from inference.events import (
    ChatMessage,
    Done,
    Failed,
    ModelInfo,
)

if TYPE_CHECKING:
    from app.chat.bridge import EngineController

_T = TypeVar("_T")

PARTIAL_SAVE_MS = 400  # a streaming reply reaches the disk at least this often



class ChatSession(QObject):
    """One open chat (or a new, unsaved one) and at most one reply in progress.

    The reply may belong to another chat than the open one when the user switches while
    it streams: it keeps being saved. All signals are emitted after the store is updated.
    """

    #: The shown path changed from this index on (new message, branch switch, other chat).
    path_changed = Signal(int)
    #: New text of the reply in progress (message id, text).
    reply_text = Signal(int, str)
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
        self.settings = settings
        self._chat_id: int | None = None
        self._path: list[int] = []
        self._cache: dict[int, Message] = {}
        self._reply: StreamingReply | None = None
        self._new_chat_settings = ChatSettings()
        self._model_info: ModelInfo | None = None
        self._hasher = FileHasher()
        self._save_timer = QTimer(self)
        self._save_timer.setInterval(PARTIAL_SAVE_MS)
        self._save_timer.timeout.connect(self._save_partial)
        self._links = [
            (controller.token_received, self._on_token),
            (controller.reply_finished, self._on_finished),
            (controller.reply_failed, self._on_failed),
            (controller.model_loaded, self._on_model_loaded),
        ]
        for signal, slot in self._links:
            signal.connect(slot)

    # What is shown

    @property
    def chat_id(self) -> int | None:
        """The open chat; None for a new chat not yet saved (no message sent)."""
        return self._chat_id

    @property
    def path_ids(self) -> list[int]:
        """Ids of the shown path, first message to last."""
        return list(self._path)

    def __len__(self) -> int:
        return len(self._path)

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

    @property
    def generating_id(self) -> int | None:
        """The message id of the reply in progress, or None."""
        return self._reply.message_id if self._reply else None

    @property
    def busy(self) -> bool:
        return self._reply is not None

    @property
    def request_id(self) -> int | None:
        """The engine request id of the reply in progress, or None."""
        return self._reply.request_id if self._reply else None

    def flush(self) -> None:
        """Save the text of a streaming reply now (before the app closes)."""
        self._save_partial()

    def close(self) -> None:
        """Save what streams, and stop listening to the engine (before the store closes).

        A reply still streaming stays partial in the store: the next start shows it as
        interrupted.
        """
        self._save_partial()
        self._save_timer.stop()
        for signal, slot in self._links:
            with contextlib.suppress(RuntimeError, TypeError):
                signal.disconnect(slot)
        self._links = []
        self._reply = None

    def is_current_request(self, request_id: int) -> bool:
        return self._reply is not None and self._reply.request_id == request_id

    def reply_so_far(self) -> str:
        """The text of the reply in progress ("" when none)."""
        return self._reply.text() if self._reply else ""

    # Opening chats

    def open_chat(self, chat_id: int | None) -> None:
        """Show a chat (None: a new, empty one that is saved with its first message)."""
        if chat_id is not None and self.store.chat(chat_id) is None:
            raise StoreError(f"There is no chat {chat_id}.")
        self._chat_id = chat_id
        self._cache = {}
        if chat_id is None:
            self._new_chat_settings = ChatSettings(
                model_path=self._new_chat_settings.model_path
            )
        self._path = self.store.path_ids(chat_id) if chat_id is not None else []
        self.path_changed.emit(0)

    def update_settings(self, settings: ChatSettings) -> None:
        """Change the open chat's system prompt, model, preset or overrides."""
        if self._chat_id is None:
            self._new_chat_settings = settings
            return
        self._write(lambda: self.store.update_settings(self._chat_id or 0, settings))

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
        if self._reply is not None or not text.strip():
            return None
        parent = self._path[-1] if self._path else None
        return self._start_exchange(parent, len(self._path), text, model)

    def edit(self, message_id: int, text: str, model: ModelChoice) -> int | None:
        """Send a new version of a user message as a sibling branch, and ask for its reply."""
        index = self.index_of(message_id)
        original = self._cache.get(message_id) or self.store.message(message_id)
        if self._reply is not None or index is None or original is None or not text.strip():
            return None
        if original.role != Role.USER:
            return None
        return self._start_exchange(original.parent_id, index, text, model)

    def regenerate(self, message_id: int, model: ModelChoice) -> int | None:
        """Ask for a new reply beside ``message_id`` (a sibling); the old one is kept."""
        index = self.index_of(message_id)
        original = self._cache.get(message_id) or self.store.message(message_id)
        if self._reply is not None or index is None or original is None:
            return None
        if original.role != Role.ASSISTANT or original.parent_id is None:
            return None
        chat_id = original.chat_id
        reply = self._write(lambda: self.store.start_reply(chat_id, original.parent_id or 0,
                                                           model.name))
        self._path = [*self._path[:index], reply.id]
        self._cache[reply.id] = reply
        self._launch(reply, model, continue_last=False, changed_from=index)
        return reply.id

    def continue_reply(self, message_id: int, model: ModelChoice) -> int | None:
        """Extend an interrupted or stopped reply (the last shown message) in place."""
        original = self.store.message(message_id)
        if (
            self._reply is not None
            or original is None
            or not self._path
            or self._path[-1] != message_id
            or not can_continue(original)
        ):
            return None
        self._write(lambda: self.store.reopen_reply(message_id))
        reply = dataclasses.replace(original, state=MessageState.PARTIAL, error="")
        self._cache[message_id] = reply
        self._launch(reply, model, continue_last=bool(original.content.strip()),
                     changed_from=len(self._path) - 1)
        return message_id

    def stop(self) -> None:
        """Stop the reply in progress (its text so far is kept)."""
        if self._reply is not None:
            self.controller.stop()

    def note_first_paint(self, seconds: float) -> None:
        """Record the end-to-end time to first token of the reply in progress."""
        if self._reply is not None and self._reply.ttft_e2e_s is None:
            self._reply.ttft_e2e_s = seconds

    # Moving around the tree

    def select_sibling(self, message_id: int, step: int) -> bool:
        """Show the previous (-1) or next (+1) version of a message; False if there is none."""
        index = self.index_of(message_id)
        if index is None or self._chat_id is None:
            return False
        chosen = self._write(lambda: self.store.select_sibling(message_id, step))
        if chosen is None:
            return False
        self._path = self.store.path_ids(self._chat_id)
        self.path_changed.emit(index)
        return True

    def jump_to(self, message_id: int) -> int | None:
        """Open the message's chat with a path through it; returns its index on the path."""
        message = self.store.message(message_id)
        if message is None:
            return None
        self._write(lambda: self.store.select_message(message_id))
        self.open_chat(message.chat_id)
        return self.index_of(message_id)

    # Internals

    def _write(self, action: Callable[[], _T]) -> _T:
        try:
            return action()
        except sqlite3.Error as exc:
            raise StoreError(f"Could not save to the chat database: {exc}.") from exc

    def _start_exchange(
        self, parent: int | None, index: int, text: str, model: ModelChoice
    ) -> int:
        def commit() -> tuple[int, Message, Message]:
            with self.store.transaction():
                chat_id = self._chat_id
                if chat_id is None:
                    settings = dataclasses.replace(self._new_chat_settings, model_path=model.path)
                    chat_id = self.store.create_chat(settings)
                return chat_id, *self.store.start_exchange(chat_id, parent, text, model.name)

        self._chat_id, user, reply = self._write(commit)
        self._path = [*self._path[:index], user.id, reply.id]
        self._cache.update({user.id: user, reply.id: reply})
        self._launch(reply, model, continue_last=False, changed_from=index)
        self.chats_changed.emit()
        return reply.id

    def _launch(
        self, reply: Message, model: ModelChoice, continue_last: bool, changed_from: int
    ) -> None:
        """Show the committed reply as in progress, then send its request."""
        index = self.index_of(reply.id)
        assert index is not None
        request = chat_request(
            self.path_messages(index + 1 if continue_last else index), model, self.settings,
            self.chat_settings(), self.store.user_presets(), reply.chat_id, continue_last,
        )
        key = FileHasher.key(model.path)
        if key is not None and not model.sha256 and self.store.known_sha256(*key) is None:
            self._hasher.start(key)
        self._reply = StreamingReply(
            message_id=reply.id, chat_id=reply.chat_id, request_id=0, request=request,
            model=model, prefix=reply.content if continue_last else "",
        )
        self.path_changed.emit(changed_from)
        # The message is committed (and shown); only now does the request go out.
        self._reply.request_id = self.controller.send(request)
        self._save_timer.start()

    def _on_model_loaded(self, info: ModelInfo) -> None:
        self._model_info = info

    def _on_token(self, request_id: int, text: str) -> None:
        reply = self._reply
        if reply is None or reply.request_id != request_id:
            return
        reply.parts.append(text)
        reply.dirty = True
        self.reply_text.emit(reply.message_id, text)

    def _save_partial(self) -> None:
        reply = self._reply
        if reply is None or not reply.dirty:
            return
        try:
            self.store.save_partial(reply.message_id, reply.text())
            reply.dirty = False
        except sqlite3.Error as exc:
            self.save_failed.emit(f"Could not save the reply as it streams: {exc}.")

    def _finish(
        self, state: MessageState, stats: dict[str, Any] | None, error: str
    ) -> StreamingReply | None:
        reply = self._reply
        if reply is None:
            return None
        self._save_timer.stop()
        self._reply = None
        fingerprint = (
            reply_fingerprint(reply, self.store, self._hasher, self._model_info)
            if stats is not None else None
        )
        try:
            self.store.finish_message(
                reply.message_id, reply.text(), state, error=error, stats=stats,
                fingerprint=fingerprint,
            )
        except sqlite3.Error as exc:
            self.save_failed.emit(f"Could not save the finished reply: {exc}.")
        self._cache.pop(reply.message_id, None)
        self.chats_changed.emit()
        return reply

    def _on_finished(self, request_id: int, done: Done) -> None:
        if not self.is_current_request(request_id):
            return
        assert self._reply is not None
        stats = dataclasses.asdict(done.stats)
        stats["stop_reason"] = done.stop_reason
        stats["ttft_e2e_s"] = self._reply.ttft_e2e_s
        reply = self._finish(MessageState.DONE, stats, "")
        if reply is not None:
            self.reply_finished.emit(reply.message_id, done)

    def _on_failed(self, request_id: int, failed: Failed) -> None:
        if not self.is_current_request(request_id):
            return
        reply = self._finish(MessageState.FAILED, None, failed.message)
        if reply is not None:
            self.reply_failed.emit(reply.message_id, failed)

"""The reply in flight: starting it, saving it as it streams, finishing or stopping it.

:class:`ReplyWriter` commits before it sends: the user's message (with an empty, partial
reply under it) reaches the chat store before the request goes to the engine; the growing
reply is saved at least every :data:`PARTIAL_SAVE_MS` ms while it streams; on ``Done`` it
is finalised with its stats and fingerprint. A reply still partial when the app starts
again shows as interrupted. A remote reply whose stream broke off (``INTERRUPTED``) is
kept as failed with its text, its figures so far and its fingerprint, and can be
continued. It changes the :class:`ShownPath` it is given (a new exchange,
a new version of a reply) and says so through its signals.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from app.chat.conversation import CUT_OFF, can_continue
from app.chat.fingerprint import FileHasher
from app.chat.reply import ModelChoice, StreamingReply, chat_request, reply_fingerprint
from app.chat.shown_path import ShownPath, store_write
from app.remote.refs import is_remote, provider_of
from app.settings import Settings
from app.store.chat_store import ChatStore
from app.store.records import Message, MessageState, Role
from inference.events import Done, ErrorKind, Failed, ModelInfo, Stats, StopReason

if TYPE_CHECKING:
    from app.chat.bridge import EngineController

PARTIAL_SAVE_MS = 400  # a streaming reply reaches the disk at least this often


class ReplyWriter(QObject):
    """At most one reply in progress: sends it, saves it, finalises it.

    The reply may belong to another chat than the shown one when the user switches while
    it streams: it keeps being saved. All signals are emitted after the store is updated.
    """

    #: The shown path changed from this index on (a new exchange or reply version).
    path_changed = Signal(int)
    #: New text of the reply in progress (message id, text).
    reply_text = Signal(int, str)
    #: New thinking of the reply in progress, before its answer (message id, text).
    reply_thinking = Signal(int, str)
    #: The reply was finalised (message id, inference.events.Done).
    reply_finished = Signal(int, object)
    #: The reply failed; its partial text is kept (message id, inference.events.Failed).
    reply_failed = Signal(int, object)
    #: A chat was created or a reply finished: the chat list should refresh.
    chats_changed = Signal()
    #: Saving failed; the message says what happened (the reply keeps streaming).
    save_failed = Signal(str)

    def __init__(
        self,
        store: ChatStore,
        controller: EngineController,
        settings: Settings,
        path: ShownPath,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.controller = controller
        #: The app settings each request is built with.
        self.settings = settings
        self._path = path
        self._reply: StreamingReply | None = None
        self._model_info: ModelInfo | None = None
        self._hasher = FileHasher()
        self._save_timer = QTimer(self)
        self._save_timer.setInterval(PARTIAL_SAVE_MS)
        self._save_timer.timeout.connect(self._save_partial)
        self._links = [
            (controller.token_received, self._on_token),
            (controller.thinking_received, self._on_thinking),
            (controller.reply_finished, self._on_finished),
            (controller.reply_failed, self._on_failed),
            (controller.model_loaded, self._on_model_loaded),
            (controller.stats_updated, self._on_stats),
        ]
        for signal, slot in self._links:
            signal.connect(slot)

    # The reply in progress

    @property
    def generating_id(self) -> int | None:
        """The message id of the reply in progress, or None."""
        return self._reply.message_id if self._reply else None

    @property
    def busy(self) -> bool:
        """Whether a reply is in progress."""
        return self._reply is not None

    @property
    def request_id(self) -> int | None:
        """The engine request id of the reply in progress, or None."""
        return self._reply.request_id if self._reply else None

    def is_current_request(self, request_id: int) -> bool:
        """Whether ``request_id`` is the request of the reply in progress."""
        return self._reply is not None and self._reply.request_id == request_id

    def reply_so_far(self) -> str:
        """The text of the reply in progress ("" when none)."""
        return self._reply.text() if self._reply else ""

    def thinking_so_far(self) -> str:
        """The thinking of the reply in progress ("" when none)."""
        return self._reply.thinking() if self._reply else ""

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

    # Actions that start a reply

    def send(self, text: str, model: ModelChoice) -> int | None:
        """Commit ``text`` as the next user message, then ask for a reply.

        Returns the reply's message id, or None when a reply already runs. Raises
        :class:`StoreError` when the message cannot be saved (then nothing is sent).
        """
        if self._reply is not None or not text.strip():
            return None
        return self._start_exchange(self._path.last_id(), len(self._path), text, model)

    def edit(self, message_id: int, text: str, model: ModelChoice) -> int | None:
        """Send a new version of a user message as a sibling branch, and ask for its reply."""
        index = self._path.index_of(message_id)
        original = self._path.message(message_id)
        if self._reply is not None or index is None or original is None or not text.strip():
            return None
        if original.role != Role.USER:
            return None
        return self._start_exchange(original.parent_id, index, text, model)

    def regenerate(self, message_id: int, model: ModelChoice) -> int | None:
        """Ask for a new reply beside ``message_id`` (a sibling); the old one is kept."""
        index = self._path.index_of(message_id)
        original = self._path.message(message_id)
        if self._reply is not None or index is None or original is None:
            return None
        if original.role != Role.ASSISTANT or original.parent_id is None:
            return None
        chat_id = original.chat_id
        reply = store_write(lambda: self.store.start_reply(chat_id, original.parent_id or 0,
                                                           model.name))
        self._path.replace_tail(index, reply)
        self._launch(reply, model, continue_last=False, changed_from=index)
        return reply.id

    def continue_reply(self, message_id: int, model: ModelChoice) -> int | None:
        """Extend an interrupted or stopped reply (the last shown message) in place."""
        original = self.store.message(message_id)
        if (
            self._reply is not None
            or original is None
            or self._path.last_id() != message_id
            or not can_continue(original)
        ):
            return None
        store_write(lambda: self.store.reopen_reply(message_id))
        reply = dataclasses.replace(original, state=MessageState.PARTIAL, error="")
        self._path.remember(reply)
        past_loop = (original.stats or {}).get("stop_reason") == StopReason.REPETITION
        self._launch(reply, model, continue_last=bool(original.content.strip()),
                     changed_from=len(self._path) - 1, past_loop=past_loop)
        return message_id

    def stop(self) -> None:
        """Stop the reply in progress (its text so far is kept)."""
        if self._reply is not None:
            self.controller.stop()

    def note_first_paint(self, seconds: float) -> None:
        """Record the end-to-end time to first token of the reply in progress."""
        if self._reply is not None and self._reply.ttft_e2e_s is None:
            self._reply.ttft_e2e_s = seconds

    # Internals

    def _start_exchange(
        self, parent: int | None, index: int, text: str, model: ModelChoice
    ) -> int:
        def commit() -> tuple[int, Message, Message]:
            with self.store.transaction():
                chat_id = self._path.chat_id
                if chat_id is None:
                    settings = dataclasses.replace(self._path.new_chat_settings,
                                                   model_path=model.path)
                    chat_id = self.store.create_chat(settings)
                return chat_id, *self.store.start_exchange(chat_id, parent, text, model.name)

        chat_id, user, reply = store_write(commit)
        self._path.saved_as(chat_id)
        self._path.replace_tail(index, user, reply)
        self._launch(reply, model, continue_last=False, changed_from=index)
        self.chats_changed.emit()
        return reply.id

    def _launch(
        self, reply: Message, model: ModelChoice, continue_last: bool, changed_from: int,
        past_loop: bool = False,
    ) -> None:
        """Show the committed reply as in progress, then send its request."""
        index = self._path.index_of(reply.id)
        assert index is not None
        key = None if is_remote(model.path) else FileHasher.key(model.path)
        known = self.store.known_sha256(*key) if key is not None and not model.sha256 else None
        if key is not None and not model.sha256 and known is None:
            self._hasher.start(key)
        request = chat_request(
            self._path.path_messages(index + 1 if continue_last else index), model,
            self.settings, self._path.chat_settings(), self.store.user_presets(),
            reply.chat_id, continue_last, past_loop=past_loop,
            model_sha256=known or (self._hasher.result(key) if key is not None else None) or "",
        )
        self._reply = StreamingReply(
            message_id=reply.id, chat_id=reply.chat_id, request_id=0, request=request,
            model=model, prefix=reply.content if continue_last else "",
            thinking_prefix=reply.thinking if continue_last else "",
        )
        self.path_changed.emit(changed_from)
        # The message is committed (and shown); only now does the request go out.
        self._reply.request_id = self.controller.send(request)
        self._save_timer.start()

    def _on_model_loaded(self, info: ModelInfo) -> None:
        self._model_info = info

    def _on_stats(self, request_id: int, stats: Stats) -> None:
        if self._reply is not None and self._reply.request_id == request_id:
            self._reply.last_stats = stats

    def _on_token(self, request_id: int, text: str) -> None:
        self._append(request_id, text, thinking=False)

    def _on_thinking(self, request_id: int, text: str) -> None:
        self._append(request_id, text, thinking=True)

    def _append(self, request_id: int, text: str, *, thinking: bool) -> None:
        """Text of the reply in progress: its answer, or its thinking."""
        reply = self._reply
        if reply is None or reply.request_id != request_id:
            return
        (reply.thinking_parts if thinking else reply.parts).append(text)
        reply.dirty = True
        (self.reply_thinking if thinking else self.reply_text).emit(reply.message_id, text)

    def _save_partial(self) -> None:
        reply = self._reply
        if reply is None or not reply.dirty:
            return
        try:
            self.store.save_partial(reply.message_id, reply.text(), reply.thinking())
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
                fingerprint=fingerprint, thinking=reply.thinking(),
            )
        except sqlite3.Error as exc:
            self.save_failed.emit(f"Could not save the finished reply: {exc}.")
        self._path.forget(reply.message_id)
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
        assert self._reply is not None
        stats = None
        if failed.error == ErrorKind.INTERRUPTED and self._reply.text().strip():
            # Cut off: what came is kept with its figures, and can be continued.
            # Before the first live figures: the pieces of text that came, as the remote
            # client counts them when the server sends no usage.
            stats = dataclasses.asdict(self._reply.last_stats or Stats(
                remote=provider_of(self._reply.model.path),
                generated_tokens=len(self._reply.parts), figures="client"))
            stats["stop_reason"] = CUT_OFF
            stats["ttft_e2e_s"] = self._reply.ttft_e2e_s
        reply = self._finish(MessageState.FAILED, stats, failed.message)
        if reply is not None:
            self.reply_failed.emit(reply.message_id, failed)


"""The user's requests on the open conversation: send, edit, regenerate, continue, versions.

:class:`ConversationActions` turns what the user does in the composer and on a shown
message (the :class:`~ui.message_render.MessageAction` links) into :class:`ChatSession`
calls, refusing them while a reply is being written and saying why in the status line.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.chat.session import ChatSession
from app.store.chat_store import StoreError
from app.store.records import Role
from ui.chat_view import ChatView
from ui.composer import Composer
from ui.message_render import MessageAction
from ui.model_selection import ModelSelection

BUSY_NOTE = QT_TRANSLATE_NOOP("ConversationActions",
                              "A reply is being written: wait for it, or press Esc to stop it.")


class ConversationActions:
    """Sends, edits and regenerates through the session, within the window's request cycle.

    The window passes its parts and how a request begins and ends (``begin_request``,
    ``end_request``), how problems are shown (``show_error``) and how its controls follow
    the state (``update_controls``); it connects :meth:`on_action` to the chat view's
    ``action_requested`` signal.
    """

    def __init__(
        self,
        session: ChatSession,
        composer: Composer,
        chat_view: ChatView,
        model_selection: ModelSelection,
        *,
        show_error: Callable[[str], None],
        begin_request: Callable[[], None],
        end_request: Callable[[], None],
        update_controls: Callable[[], None],
    ) -> None:
        self.session = session
        self.composer = composer
        self.chat_view = chat_view
        self.model_selection = model_selection
        self._show_error = show_error
        self._begin_request = begin_request
        self._end_request = end_request
        self._update_controls = update_controls

    def send(self, text: str) -> int | None:
        """Send ``text`` (or, while editing, a new version of the edited message).

        The message is committed to the store before the request goes out. Returns the
        request id, or None if nothing was sent (a reply runs, no model, blank text, or the
        message could not be saved).
        """
        model = self.model_selection.choice()
        if self.session.busy or model is None or not text.strip():
            return None
        self._begin_request()
        editing = self.composer.take_edit()
        try:
            if editing is not None:
                started = self.session.edit(editing, text, model)
            else:
                started = self.session.send(text, model)
        except StoreError as exc:
            self._end_request()
            self._show_error(QCoreApplication.translate(
                "ConversationActions", "{reason} Nothing was sent.").format(reason=exc))
            return None
        if started is None:
            self._end_request()
            return None
        return self.session.request_id

    def edit(self, message_id: int) -> None:
        """Put a user message in the box; sending it makes a new version (a branch)."""
        entry = self.chat_view.entry(message_id)
        if entry is None or entry.message.role != Role.USER:
            return
        self.composer.start_edit(message_id, entry.message.content)
        self._update_controls()

    def cancel_edit(self) -> None:
        """Leave edit mode and empty the box (nothing happens when no message is edited)."""
        if self.composer.cancel_edit():
            self._update_controls()

    def on_action(self, action: str, message_id: int) -> None:
        """Carry out a message's action link (a :class:`MessageAction` value)."""
        if action == MessageAction.EDIT:
            if self.session.busy:
                self._show_error(QCoreApplication.translate("ConversationActions", BUSY_NOTE))
            else:
                self.edit(message_id)
            return
        if self.session.busy:
            self._show_error(QCoreApplication.translate("ConversationActions", BUSY_NOTE))
            return
        if action in (MessageAction.PREVIOUS, MessageAction.NEXT):
            self.cancel_edit()
            self.session.select_sibling(message_id, -1 if action == MessageAction.PREVIOUS else 1)
            return
        model = self.model_selection.choice()
        if model is None:
            self._show_error(
                QCoreApplication.translate("ConversationActions", "Choose a model first."))
            return
        self._begin_request()
        try:
            if action == MessageAction.REGENERATE:
                started = self.session.regenerate(message_id, model)
            elif action == MessageAction.CONTINUE:
                started = self.session.continue_reply(message_id, model)
            else:
                started = None
        except StoreError as exc:
            self._end_request()
            self._show_error(str(exc))
            return
        if started is None:
            self._end_request()

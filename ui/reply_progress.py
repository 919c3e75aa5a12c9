"""The reply in progress as the window shows it, from Send until it ends."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject

from app.chat.session import ChatSession
from inference.events import ContextTrimmed, Done, Stats
from ui.chat_view import ChatView
from ui.stats_bar import StatsBar
from ui.status_line import (
    GENERATING_STATUS,
    THINKING_STATUS,
    WAITING_STATUS,
    StatusLine,
    status_text,
    waiting_comparison_text,
    waiting_for_text,
    waiting_turn_text,
)


class ReplyProgress(QObject):
    """Shows how the current request is going: waiting for other apps' requests or for a
    comparison's target, waiting for the model (or a remote model's provider, which says
    nothing until its first text), processing the prompt, generating; the live figures in
    the stats bar; the end-to-end time to first token (from Send to the first text on
    screen), which it also gives the session to save with the reply.

    The window calls :meth:`begin` before a request goes out and :meth:`end` when it is over,
    and routes the session's and engine's events for the request here.
    """

    def __init__(
        self,
        session: ChatSession,
        chat_view: ChatView,
        stats_bar: StatsBar,
        status_line: StatusLine,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._chat_view = chat_view
        self._stats_bar = stats_bar
        self._status_line = status_line
        self._generating = False  # text (thinking or answer) arrived
        self._answering = False  # answer text arrived
        self._sent_at = 0.0
        self._ttft_pending = False
        self._waiting_turn = ""  # the status shown while the reply waits for others' requests
        self._waiting = status_text(WAITING_STATUS)  # the status shown until the first text

    def begin(self, provider: str = "") -> None:
        """A request is about to go out (to ``provider``'s server for a remote model):
        clear the last one's figures and notes."""
        self._sent_at = time.perf_counter()  # end-to-end TTFT counts from here
        self._stats_bar.reset(provider)
        self._status_line.hide_context_note()
        self._chat_view.clear_highlight()
        self._generating = False
        self._answering = False
        self._ttft_pending = True
        self._waiting_turn = ""
        self._waiting = waiting_for_text(provider) if provider else status_text(WAITING_STATUS)
        self._status_line.set_status(self._waiting)

    def end(self) -> None:
        """The request is over (or was never sent)."""
        self._generating = self._answering = False
        self._ttft_pending = False
        self._waiting_turn = ""

    def reply_waiting(self, request_id: int, ahead: int) -> None:
        """Request ``request_id`` waits for ``ahead`` requests of other apps to finish."""
        if self._session.is_current_request(request_id) and not self._generating:
            self._waiting_turn = waiting_turn_text(ahead)
            self._status_line.show_waiting_turn(ahead)

    def reply_waiting_for_comparison(self, request_id: int) -> None:
        """Request ``request_id`` waits for the target of a comparison that runs."""
        if self._session.is_current_request(request_id) and not self._generating:
            self._waiting_turn = waiting_comparison_text()
            self._status_line.set_status(self._waiting_turn)

    def _turn_came(self) -> None:
        """An event of the current request that says nothing of its own came: the request
        no longer waits for others' requests. (Load, prompt, text and end events replace the
        status themselves.)"""
        if self._waiting_turn and self._status_line.text() == self._waiting_turn:
            self._status_line.set_status(self._waiting)
        self._waiting_turn = ""

    def reply_text(self, message_id: int, text: str) -> None:
        """Text of a reply arrived: paint it if that reply is on screen."""
        if message_id in self._chat_view.message_ids():
            if not self._answering:
                self._generating = self._answering = True
                self._status_line.set_status(status_text(GENERATING_STATUS))
            self._chat_view.append_token(text)

    def reply_thinking(self, message_id: int, text: str) -> None:
        """Thinking of a reply arrived: paint it (above the answer) if the reply is shown."""
        if message_id in self._chat_view.message_ids():
            if not self._generating:
                self._generating = True
                self._status_line.set_status(status_text(THINKING_STATUS))
            self._chat_view.append_thinking(text)

    def finished(self, done: Done) -> None:
        """The reply ended: show its final figures."""
        self._stats_bar.finish(done)

    def prefill_progress(self, request_id: int, done: int, total: int) -> None:
        """The engine read ``done`` of ``total`` prompt tokens of request ``request_id``."""
        if self._session.is_current_request(request_id) and not self._generating:
            self._status_line.show_prefill(done, total)

    def stats(self, request_id: int, stats: Stats) -> None:
        """Live figures of request ``request_id``."""
        if self._session.is_current_request(request_id):
            self._turn_came()
            self._stats_bar.set_stats(stats)

    def context_trimmed(self, request_id: int, trimmed: ContextTrimmed) -> None:
        """Older messages were left out of request ``request_id`` to fit the context."""
        if request_id == self._session.request_id:
            self._turn_came()
            self._status_line.show_context_trimmed(trimmed)

    def first_paint(self, painted_at: float) -> None:
        """The chat view painted text at ``painted_at`` (a perf_counter time)."""
        if self._ttft_pending:
            self._ttft_pending = False
            self._stats_bar.set_end_to_end_ttft(painted_at - self._sent_at)
            self._session.note_first_paint(painted_at - self._sent_at)

"""A scripted engine client for the real :class:`app.chat.bridge.EngineController`.

The widget tests drive the real controller (its worker thread, its queued signals, its stop
flags) over this client instead of a host process. The test plays the engine's side: each
event it plays is handed to the running request when the controller's worker asks for the
next one, so a test can stream a reply token by token and press Stop in the middle. The
client records the requests and cancels it received.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator, Sequence

from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from inference.events import (
    ChatRequest,
    Done,
    Event,
    Failed,
    Stats,
    StopReason,
    Token,
)

#: What an engine answers to a load-only request (a preload) for a model it already has.
ALREADY_LOADED: tuple[Event, ...] = (Done(stop_reason="", stats=Stats()),)


class ScriptedHostClient:
    """An :class:`app.engine.client.EngineClient` whose events the test plays.

    Load-only requests (the window's preloads) are answered with :attr:`load_answer` at once
    unless :attr:`script_loads` is set, in which case they wait for played events as a reply
    does. ``cancel`` ends the running request between two events with ``Done`` stopped by the
    user, as the engine does.
    """

    def __init__(self) -> None:
        self.requests: list[ChatRequest] = []
        self.cancels = 0
        self.forgotten: list[list[str] | None] = []  # what forget() was asked, in order
        self.closed = False
        self.script_loads = False
        self.load_answer: tuple[Event, ...] = ALREADY_LOADED
        self._events: deque[Event] = deque()
        self._changed = threading.Condition()
        self._running = False
        self._busy = False  # an event was handed out and the worker is still relaying it
        self._cancelled = False

    @property
    def pid(self) -> int | None:
        """No process serves a scripted client."""
        return None

    @property
    def replies(self) -> list[ChatRequest]:
        """The requests that asked for a reply (not load-only ones)."""
        return [r for r in self.requests if r.messages]

    @property
    def preloads(self) -> list[str]:
        """The model paths of the load-only requests, in order."""
        return [r.model_path for r in self.requests if not r.messages]

    def chat(self, request: ChatRequest) -> Iterator[Event]:
        """Yield the events the test plays, up to and including ``Done`` or ``Failed``."""
        with self._changed:
            self.requests.append(request)
            self._running, self._cancelled = True, False
            self._changed.notify_all()
        try:
            if not request.messages and not self.script_loads:
                yield from self.load_answer
                return
            while True:
                event = self._next_event()
                yield event
                with self._changed:
                    self._busy = False
                    self._changed.notify_all()
                if isinstance(event, (Done, Failed)):
                    return
        finally:
            with self._changed:
                self._running = self._busy = False
                self._changed.notify_all()

    def _next_event(self) -> Event:
        with self._changed:
            self._changed.wait_for(lambda: self._events or self._cancelled or self.closed)
            if self._cancelled or self.closed:
                return Done(stop_reason=StopReason.USER, stats=Stats())
            self._busy = True
            return self._events.popleft()

    def cancel(self) -> None:
        """Record the cancel; a running request ends before its next event."""
        with self._changed:
            self.cancels += 1
            if self._running:
                self._cancelled = True
                self._changed.notify_all()

    def forget(self, conversation_ids: Sequence[str] | None) -> None:
        """Record what the app asked the engine to forget (None: everything)."""
        with self._changed:
            self.forgotten.append(None if conversation_ids is None else list(conversation_ids))

    def close(self) -> None:
        """End a request that still waits for events."""
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def play(self, *events: Event) -> None:
        """Queue ``events`` for the running request (or the next one)."""
        with self._changed:
            self._events.extend(events)
            self._changed.notify_all()

    def settled(self) -> bool:
        """Whether every played event has been handed to the controller and relayed."""
        with self._changed:
            return not self._events and not self._busy


def play(qtbot: QtBot, client: ScriptedHostClient, *events: Event) -> None:
    """Play ``events`` and return once the controller's signals for them were delivered."""
    client.play(*events)
    qtbot.waitUntil(client.settled, timeout=5000)
    # The worker emitted its last signal before it asked for the next event; delivering the
    # posted (queued) signals now runs the window's slots for all of them.
    QCoreApplication.processEvents()


def tokens(*texts: str) -> tuple[Token, ...]:
    """One ``Token`` event per text."""
    return tuple(Token(text=text, n=1) for text in texts)

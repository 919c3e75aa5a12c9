"""The bridge between the GUI and the inference host.

:class:`EngineController` lives on the GUI thread. It owns a worker ``QObject`` on its own
``QThread``; the worker runs one request at a time through an :class:`EngineClient` (by
default :class:`HostClient`, which supervises the host process) and relays each engine event
back as a Qt signal. Requests are tagged with ids; the GUI ignores events of a request it no
longer shows.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, QThread, Signal, Slot

from app.models.gpu_fit import resolve_request
from inference.events import (
    ChatRequest,
    ContextTrimmed,
    Done,
    Event,
    Failed,
    Loaded,
    Loading,
    LoadProgress,
    LoadSettings,
    Progress,
    Stats,
    StopReason,
    Token,
)
from inference.host_client import HostClient


class EngineClient(Protocol):
    """What the controller drives: one request at a time, cancellable from another thread.

    :class:`inference.host_client.HostClient` (the supervised host process) is the real one;
    the tests drive the controller through a scripted one.
    """

    @property
    def pid(self) -> int | None:
        """The serving process's id while it runs, else None."""
        ...

    def chat(self, request: ChatRequest) -> Iterator[Event]:
        """Run ``request``; yields its events, ending with ``Done`` or ``Failed``."""
        ...

    def cancel(self) -> None:
        """Stop the request now running, if any (called from the GUI thread)."""
        ...

    def close(self) -> None:
        """End whatever serves the requests."""
        ...


class _Worker(QObject):
    """Runs on the engine thread; everything it does is serialised there."""

    produced = Signal(int, object)  # request id, inference.events.Event

    def __init__(self, client: EngineClient, stops: _StopFlags) -> None:
        super().__init__()
        self._client = client
        self._stops = stops

    @Slot(int, object)
    def run_request(self, request_id: int, request: ChatRequest) -> None:
        if self._stops.is_set(request_id):
            self.produced.emit(request_id, Done(stop_reason=StopReason.USER, stats=Stats()))
            return
        cancel_sent = False
        for event in self._client.chat(resolve_request(request)):
            # A Stop that arrived before the host had the request is delivered now.
            if not cancel_sent and self._stops.is_set(request_id):
                self._client.cancel()
                cancel_sent = True
            self.produced.emit(request_id, event)
        self._stops.discard(request_id)


class _StopFlags:
    """Request ids the user asked to stop; shared by the GUI and engine threads."""

    def __init__(self) -> None:
        self._ids: set[int] = set()
        self._lock = threading.Lock()

    def set(self, request_id: int) -> None:
        with self._lock:
            self._ids.add(request_id)

    def is_set(self, request_id: int) -> bool:
        with self._lock:
            return request_id in self._ids

    def discard(self, request_id: int) -> None:
        with self._lock:
            self._ids.discard(request_id)


class EngineController(QObject):
    """The GUI's handle on the engine. All signals arrive on the GUI thread."""

    #: A model load started in the host (model path).
    model_loading = Signal(str)
    #: How far the model load has got (0..1).
    load_progress = Signal(float)
    #: A model finished loading (inference.events.ModelInfo).
    model_loaded = Signal(object)
    #: Older messages no longer fit the context (request id, inference.events.ContextTrimmed).
    context_trimmed = Signal(int, object)
    #: Prompt processing progress (request id, tokens done, tokens to do).
    prefill_progress = Signal(int, int, int)
    #: Text of newly generated tokens (request id, text); one per token, not coalesced.
    token_received = Signal(int, str)
    #: Live latency figures while a reply streams (request id, inference.events.Stats).
    stats_updated = Signal(int, object)
    #: A reply ended normally or was stopped (request id, inference.events.Done).
    reply_finished = Signal(int, object)
    #: A reply failed; the message says what to do (request id, inference.events.Failed).
    reply_failed = Signal(int, object)

    _submit = Signal(int, object)

    def __init__(self, client: EngineClient | None = None, *, log_path: Path | None = None,
                 parent: QObject | None = None) -> None:
        """Drive ``client``, or by default a :class:`HostClient` logging to ``log_path``."""
        super().__init__(parent)
        self._client: EngineClient = client if client is not None else HostClient(log_path)
        self._stops = _StopFlags()
        self._next_id = 0
        self._current = 0
        self._thread = QThread()
        self._thread.setObjectName("slice-engine")
        self._worker = _Worker(self._client, self._stops)
        self._worker.moveToThread(self._thread)
        self._submit.connect(self._worker.run_request)
        self._worker.produced.connect(self._relay)
        self._thread.start()

    @property
    def host_pid(self) -> int | None:
        """The inference host's process id while it runs (diagnostics and tests)."""
        return self._client.pid

    def send(self, request: ChatRequest) -> int:
        """Queue a reply to ``request``; returns its request id."""
        self._next_id += 1
        self._current = self._next_id
        self._submit.emit(self._next_id, request)
        return self._next_id

    def preload(self, model_path: str, load: LoadSettings) -> None:
        """Load a model ahead of the first message, so its reply does not wait for the load.

        Its Loading/Loaded (or Failed, via ``reply_failed`` with request id 0) signals arrive
        as for a reply; a message sent meanwhile waits for the load to end.
        """
        self._submit.emit(0, ChatRequest(model_path=model_path, messages=(), load=load))

    def stop(self) -> None:
        """Stop the current reply, also during prompt processing."""
        if self._current:
            self._stops.set(self._current)
            self._client.cancel()

    def shutdown(self) -> None:
        """Stop everything and end the host process and the engine thread."""
        self.stop()
        self._client.close()
        self._thread.quit()
        self._thread.wait(5000)

    @Slot(int, object)
    def _relay(self, request_id: int, event: Event) -> None:
        if isinstance(event, Token):
            if event.text:
                self.token_received.emit(request_id, event.text)
        elif isinstance(event, Stats):
            self.stats_updated.emit(request_id, event)
        elif isinstance(event, Progress):
            self.prefill_progress.emit(request_id, event.done, event.total)
        elif isinstance(event, Loading):
            self.model_loading.emit(event.path)
        elif isinstance(event, LoadProgress):
            self.load_progress.emit(event.fraction)
        elif isinstance(event, ContextTrimmed):
            self.context_trimmed.emit(request_id, event)
        elif isinstance(event, Loaded):
            self.model_loaded.emit(event.model)
        elif isinstance(event, (Done, Failed)):
            if request_id == self._current:
                self._current = 0
            if isinstance(event, Done):
                self.reply_finished.emit(request_id, event)
            else:
                self.reply_failed.emit(request_id, event)

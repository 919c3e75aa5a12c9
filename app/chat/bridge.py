"""The bridge between the GUI and the engine's scheduler.

:class:`EngineController` lives on the GUI thread. It submits the window's requests to the
:class:`~app.engine.scheduler.Scheduler` (which may also serve the API server) and relays
each event of its own requests back as a Qt signal. Requests are tagged with ids; the GUI
ignores events of a request it no longer shows. Stop ends only the window's own reply.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, Slot

from app.engine.client import LocalEngineClient
from app.engine.scheduler import Job, Scheduler, SchedulerClosedError, Source
from app.engine.snapshots import clear_cache, forget_chats
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
    Notice,
    Progress,
    Stats,
    Token,
)
from inference.host_client import HostClient
from inference.snapshot_files import FolderUsage

_log = logging.getLogger(__name__)


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
    #: Text of a reasoning model's thinking, apart from its answer (request id, text).
    thinking_received = Signal(int, str)
    #: Live latency figures while a reply streams (request id, inference.events.Stats).
    stats_updated = Signal(int, object)
    #: A reply ended normally or was stopped (request id, inference.events.Done).
    reply_finished = Signal(int, object)
    #: A reply failed; the message says what to do (request id, inference.events.Failed).
    reply_failed = Signal(int, object)
    #: Something the user should know about a reply that goes on, e.g. that the GPU ran out
    #: of memory and the model was loaded again with fewer layers (request id, text).
    notice_received = Signal(int, str)

    #: A reply waits for other apps' requests (the API server's) to finish (request id, how
    #: many ran or waited before it when it was sent); before any other signal of the reply.
    #: The window's own requests before it (a preload) are not counted: their signals tell.
    reply_waiting = Signal(int, int)
    #: A reply waits for a comparison's target that runs (the Compare view's) to finish; it
    #: starts when that target ends, before the comparison's next (request id). Before any
    #: other signal of the reply.
    reply_waiting_for_comparison = Signal(int)

    # Both are always relayed through the GUI thread's event queue, in the order posted: an
    # event comes after the call that caused it returned (a Stop of a request that never ran
    # is ended on the GUI thread itself), and a request is announced before its events.
    _produced = Signal(int, object)  # (request id, event)
    _submitted = Signal(int)  # (request id), posted just before the request is queued

    def __init__(self, client: LocalEngineClient | None = None, *, log_path: Path | None = None,
                 scheduler: Scheduler | None = None, parent: QObject | None = None) -> None:
        """Submit to ``scheduler``, or to a scheduler of its own over ``client`` (by default
        a :class:`HostClient` logging to ``log_path``), which :meth:`shutdown` then ends."""
        super().__init__(parent)
        self._owns_scheduler = scheduler is None
        if scheduler is None:
            scheduler = Scheduler(client if client is not None else HostClient(log_path))
        self.scheduler = scheduler
        self._next_id = 0
        self._current = 0
        self._jobs: dict[int, Job] = {}
        self._produced.connect(self._relay, Qt.ConnectionType.QueuedConnection)
        self._submitted.connect(self._announce_wait, Qt.ConnectionType.QueuedConnection)

    @property
    def host_pid(self) -> int | None:
        """The inference host's process id while it runs (diagnostics and tests)."""
        return self.scheduler.pid

    def _submit(self, request_id: int, request: ChatRequest) -> None:
        def sink(event: Event) -> None:
            self._produced.emit(request_id, event)

        self._submitted.emit(request_id)
        try:
            self._jobs[request_id] = self.scheduler.submit(request, sink, source=Source.WINDOW)
        except SchedulerClosedError:
            # The window is closing (a model picked or a preload due just as it shut the
            # engine down): nothing is left to run it, and nothing to tell.
            _log.info("request %d not sent: the engine is shut down", request_id)

    def send(self, request: ChatRequest) -> int:
        """Queue a reply to ``request``; returns its request id."""
        self._next_id += 1
        self._current = self._next_id
        self._submit(self._next_id, request)
        return self._next_id

    def preload(self, model_path: str, load: LoadSettings) -> None:
        """Load a model ahead of the first message, so its reply does not wait for the load.

        Its Loading/Loaded (or Failed, via ``reply_failed`` with request id 0) signals arrive
        as for a reply; a message sent meanwhile waits for the load to end.
        """
        self._submit(0, ChatRequest(model_path=model_path, messages=(), load=load))

    def stop(self) -> None:
        """Stop the current reply, also during prompt processing (never an API request)."""
        job = self._jobs.get(self._current) if self._current else None
        if job is not None:
            job.cancel()

    def forget_chats(self, chat_ids: list[int]) -> None:
        """Drop the engine's cache of these chats and delete their snapshot files (the
        chats were deleted)."""
        forget_chats(self.scheduler, chat_ids)

    def clear_cache(self) -> FolderUsage:
        """Drop the engine's cache of every chat and delete every snapshot file; what was
        on disk."""
        return clear_cache(self.scheduler)

    def shutdown(self) -> None:
        """Stop the window's requests; end the scheduler and the host if they are ours."""
        for job in list(self._jobs.values()):
            job.cancel()
        if self._owns_scheduler:
            self.scheduler.close()

    @Slot(int)
    def _announce_wait(self, request_id: int) -> None:
        job = self._jobs.get(request_id)
        if job is None:
            return
        # The window's requests go first: of other sources, only the one that runs is ahead.
        if job.ahead_by_source[Source.COMPARE]:
            self.reply_waiting_for_comparison.emit(request_id)
        elif job.ahead_by_source[Source.API]:
            self.reply_waiting.emit(request_id, job.ahead_by_source[Source.API])

    @Slot(int, object)
    def _relay(self, request_id: int, event: Event) -> None:
        if isinstance(event, Token):
            if event.text:
                signal = self.thinking_received if event.thinking else self.token_received
                signal.emit(request_id, event.text)
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
        elif isinstance(event, Notice):
            self.notice_received.emit(request_id, event.message)
        elif isinstance(event, (Done, Failed)):
            self._jobs.pop(request_id, None)
            if request_id == self._current:
                self._current = 0
            if isinstance(event, Done):
                self.reply_finished.emit(request_id, event)
            else:
                self.reply_failed.emit(request_id, event)

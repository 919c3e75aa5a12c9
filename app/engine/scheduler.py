"""One queue in front of the one local engine, shared by the window, Compare and the API.

Requests run one at a time on the scheduler's thread: the window's chat first, then the
Compare view's targets, then the API server's requests (:class:`Source`, in that order); API
requests wait in a bounded queue (past the bound, :class:`QueueFullError`). A
request for another model loads it when its turn comes: one model is resident, never two
copies. Each request's events go to its own sink, and cancelling a request ends only that
one: the window's Stop never stops an API request, and a client that disconnects never
ends the window's reply. After ``idle_unload_s`` without requests the host is ended, which
frees the model's memory; the next request starts it again.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.engine.client import EngineClient, LocalEngineClient
from app.engine.gpu_retry import GpuRetryClient
from app.models.engine_probe import engine_probe
from app.models.gpu_fit import resolve_request
from app.remote.refs import is_remote
from inference.events import (
    ChatRequest,
    Done,
    ErrorKind,
    Event,
    Failed,
    Loaded,
    Loading,
    Stats,
    StopReason,
)

_log = logging.getLogger(__name__)

#: Where a request's events go: called on the scheduler's thread, except for the one ``Done``
#: of a request that never ran, which comes on the thread that cancelled it or closed the
#: scheduler (waiting for the scheduler's thread would make a Stop wait for the request
#: that runs).
Sink = Callable[[Event], None]
# Failures that leave the loaded model where it was.
_MODEL_KEPT = frozenset({ErrorKind.BAD_REQUEST, ErrorKind.TEMPLATE})


class Source(StrEnum):
    """Who submitted a request, in the order waiting requests are served: the window's chat,
    a comparison's targets (the Compare view, ``slice-chat compare``), the API's clients."""

    WINDOW = "window"
    COMPARE = "compare"
    API = "api"


class QueueFullError(Exception):
    """The API queue holds as many requests as it may; try again later."""

    def __init__(self, limit: int, retry_after_s: int) -> None:
        super().__init__(
            f"The model is busy: {limit} requests are already waiting. Try again in "
            f"{retry_after_s} s."
        )
        self.limit = limit
        self.retry_after_s = retry_after_s


class SchedulerClosedError(Exception):
    """The scheduler was shut down: no request can be submitted any more."""


class Job:
    """One submitted request. :meth:`cancel` may be called from any thread, any time."""

    def __init__(self, job_id: int, source: Source, request: ChatRequest, sink: Sink,
                 scheduler: Scheduler) -> None:
        self.id = job_id
        self.source = source
        self.request = request
        #: Requests before this one when it was submitted (the running one included), by
        #: source: the window tells the user how many of them are other apps'.
        self.ahead_by_source: dict[Source, int] = dict.fromkeys(Source, 0)
        self._sink = sink
        self._scheduler = scheduler
        self.cancelled = threading.Event()
        self.finished = threading.Event()

    @property
    def ahead(self) -> int:
        """Requests before this one when it was submitted (the running one included)."""
        return sum(self.ahead_by_source.values())

    def cancel(self) -> None:
        """Stop this request: dropped from the queue, or stopped where it runs."""
        self.cancelled.set()
        self._scheduler._cancel(self)

    def deliver(self, event: Event) -> None:
        """Give ``event`` to the request's sink; a sink that raises stops its request."""
        try:
            self._sink(event)
        except Exception:  # a client's bug must not stop the queue
            _log.exception("the sink of %s request %d failed; stopping it", self.source,
                           self.id)
            self.cancelled.set()


@dataclass(frozen=True, slots=True)
class SchedulerStatus:
    """A snapshot of the queue, for the window's Server section and the API's /health."""

    running: Source | None
    waiting_window: int
    waiting_compare: int
    waiting_api: int
    served: dict[Source, int]
    model_path: str  # the model the engine holds ("" before the first load, after unload)
    idle_unload_s: float
    queue_limit: int


class Scheduler:
    """Runs submitted requests one at a time on its own thread (see the module's text)."""

    def __init__(self, client: LocalEngineClient, *, queue_limit: int = 8,
                 idle_unload_s: float = 0.0, average_s: float = 10.0,
                 remote: Callable[[ChatRequest], EngineClient] | None = None) -> None:
        """``remote`` makes the client for a request to a remote model (``remote://``
        paths, :mod:`app.remote.refs`); such requests run at once, each on a thread of its
        own: the local queue never waits for a remote server, nor a remote one for it.
        A GPU out-of-memory of a local request is retried once with fewer layers
        (:mod:`app.engine.gpu_retry`)."""
        self._client: LocalEngineClient = GpuRetryClient(client)
        self._remote = remote
        self._remote_jobs: dict[Job, EngineClient] = {}
        self._queue_limit = max(1, queue_limit)
        self._idle_unload_s = max(0.0, idle_unload_s)
        self._average_s = average_s  # a guess at one request's time, for Retry-After
        self._ids = itertools.count(1)
        self._lock = threading.Condition()
        self._waiting: dict[Source, deque[Job]] = {s: deque() for s in Source}
        self._running: Job | None = None
        # The client has the running request: it yielded an event of it, not yet the last.
        # Only then does a cancel reach it: before, the client may not know the request yet
        # (a host that starts) and would drop the cancel; after, the cancel could stop the
        # next request.
        self._in_client = False
        self._cancel_sent = False
        self._served = dict.fromkeys(Source, 0)
        self._model_path = ""
        self._last_active = time.monotonic()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="slice-scheduler", daemon=True)
        self._thread.start()

    # -- clients ------------------------------------------------------------------------

    @property
    def pid(self) -> int | None:
        """The inference host's process id while it runs (diagnostics and tests)."""
        return self._client.pid

    def submit(self, request: ChatRequest, sink: Sink, *, source: Source = Source.WINDOW
               ) -> Job:
        """Queue ``request``; its events go to ``sink`` (on the threads :data:`Sink` says),
        ending with ``Done`` or ``Failed``. Raises :class:`QueueFullError` for an API request
        past the queue's bound, :class:`SchedulerClosedError` after :meth:`close`."""
        if self._remote is not None and is_remote(request.model_path):
            return self._submit_remote(request, sink, source)
        with self._lock:
            if self._closed:
                raise SchedulerClosedError("The engine has been shut down.")
            waiting = self._waiting[source]
            if source is Source.API and len(waiting) >= self._queue_limit:
                retry = max(1, round(self._average_s * (len(waiting) + 1)))
                raise QueueFullError(self._queue_limit, retry)
            job = Job(next(self._ids), source, request, sink, self)
            # Ahead of it: what waits from its own source and from those served before it.
            for ahead in Source:
                job.ahead_by_source[ahead] = len(self._waiting[ahead])
                if ahead is source:
                    break
            if self._running is not None:
                job.ahead_by_source[self._running.source] += 1
            waiting.append(job)
            self._lock.notify_all()
        return job

    def _submit_remote(self, request: ChatRequest, sink: Sink, source: Source) -> Job:
        assert self._remote is not None
        client = self._remote(request)  # outside the lock: it may read the keyring
        with self._lock:
            if self._closed:
                client.close()
                raise SchedulerClosedError("The engine has been shut down.")
            job = Job(next(self._ids), source, request, sink, self)
            self._remote_jobs[job] = client

        def run() -> None:
            try:
                if job.cancelled.is_set():
                    job.deliver(Done(stop_reason=StopReason.USER, stats=Stats()))
                    return
                for event in client.chat(request):
                    job.deliver(event)
            except Exception as exc:  # a remote client's bug ends its request only
                _log.exception("remote %s request %d failed", source, job.id)
                job.deliver(Failed(error=ErrorKind.INTERNAL, message=f"Internal error: "
                                   f"{exc!r}", path=request.model_path))
            finally:
                with self._lock:
                    self._remote_jobs.pop(job, None)
                    self._served[source] += 1
                client.close()
                job.finished.set()

        threading.Thread(target=run, name=f"slice-remote-{job.id}", daemon=True).start()
        return job

    def forget(self, conversation_ids: Sequence[str] | None) -> None:
        """Have the local engine drop what it caches of ``conversation_ids`` (None: of
        every conversation), after the request it runs (a deleted chat, a cleared cache)."""
        self._client.forget(conversation_ids)

    def status(self) -> SchedulerStatus:
        """The queue as it stands now."""
        with self._lock:
            return SchedulerStatus(
                running=self._running.source if self._running is not None else None,
                waiting_window=len(self._waiting[Source.WINDOW]),
                waiting_compare=len(self._waiting[Source.COMPARE]),
                waiting_api=len(self._waiting[Source.API]),
                served=dict(self._served),
                model_path=self._model_path,
                idle_unload_s=self._idle_unload_s,
                queue_limit=self._queue_limit,
            )

    def configure(self, *, queue_limit: int | None = None,
                  idle_unload_s: float | None = None) -> None:
        """Change the API queue's bound or the idle-unload time (0: never unload)."""
        with self._lock:
            if queue_limit is not None:
                self._queue_limit = max(1, queue_limit)
            if idle_unload_s is not None:
                self._idle_unload_s = max(0.0, idle_unload_s)
            self._lock.notify_all()

    def close(self) -> None:
        """Stop every request, end the host and the scheduler's thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            dropped = [job for queue in self._waiting.values() for job in queue]
            for queue in self._waiting.values():
                queue.clear()
            running = self._running
            self._lock.notify_all()
        for job in dropped:
            self._end_unrun(job)
        with self._lock:
            remote = list(self._remote_jobs.items())
        for job, client in remote:
            job.cancelled.set()
            client.cancel()
        if running is not None:
            running.cancel()
        if threading.current_thread() is not self._thread:  # not from a sink
            self._thread.join(timeout=10.0)
        self._client.close()

    # -- the scheduler's thread ---------------------------------------------------------

    def _cancel(self, job: Job) -> None:
        with self._lock:
            remote = self._remote_jobs.get(job)
        if remote is not None:
            remote.cancel()  # closes its stream at once
            return
        with self._lock:
            for queue in self._waiting.values():
                if job in queue:
                    queue.remove(job)
                    break
            else:
                # Not yet in the client: _serve passes the cancel on at the first event.
                if self._running is job and self._in_client and not self._cancel_sent:
                    self._cancel_sent = True
                    self._client.cancel()
                return
        self._end_unrun(job)

    @staticmethod
    def _end_unrun(job: Job) -> None:
        """End a request that never ran: stopped by its client, or by the shutdown."""
        job.deliver(Done(stop_reason=StopReason.USER, stats=Stats()))
        job.finished.set()

    def _next(self) -> Job | None:
        """The next request to run (None: closed); unloads the model while idle."""
        with self._lock:
            while True:
                if self._closed:
                    return None
                for source in Source:  # in the order the queue serves them
                    if self._waiting[source]:
                        job = self._waiting[source].popleft()
                        self._running = job
                        self._in_client = self._cancel_sent = False
                        return job
                timeout = None
                if self._idle_unload_s > 0 and self._model_path:
                    timeout = self._last_active + self._idle_unload_s - time.monotonic()
                    if timeout <= 0:
                        self._model_path = ""
                        self._lock.release()
                        try:
                            _log.info("unloading the model after %.0f s idle",
                                      self._idle_unload_s)
                            self._client.close()
                        finally:
                            self._lock.acquire()
                        continue
                self._lock.wait(timeout)

    def _run(self) -> None:
        while (job := self._next()) is not None:
            _log.debug("%s request %d runs (%s)", job.source, job.id, job.request.model_path)
            try:
                self._serve(job)
            finally:
                with self._lock:
                    self._running = None
                    self._served[job.source] += 1
                    self._last_active = time.monotonic()
                job.finished.set()

    def _serve(self, job: Job) -> None:
        if job.cancelled.is_set():
            job.deliver(Done(stop_reason=StopReason.USER, stats=Stats()))
            return
        ended = False
        try:
            request = resolve_request(job.request)  # may take seconds: a GPU probe
            if job.cancelled.is_set():
                job.deliver(Done(stop_reason=StopReason.USER, stats=Stats()))
                return
            # Run the client's events to their end (never left half-way: the client tidies
            # up after its last event), passing on those up to Done or Failed.
            for event in self._client.chat(request):
                if ended:
                    continue
                ended = isinstance(event, (Done, Failed))
                with self._lock:
                    self._in_client = not ended
                    # A cancel that came before the client had the request (or a sink that
                    # failed) is passed on now, once.
                    send = job.cancelled.is_set() and not ended and not self._cancel_sent
                    self._cancel_sent = self._cancel_sent or send
                    self._note_model(event)
                if send:
                    self._client.cancel()
                job.deliver(event)
            if ended:
                return
            failed = Failed(error=ErrorKind.INTERNAL, path=job.request.model_path,
                            message="Internal error: the engine stopped without ending the "
                            "reply.")
        except Exception as exc:  # the queue goes on whatever one request does
            _log.exception("%s request %d failed in the scheduler", job.source, job.id)
            if ended:
                return  # its reply was over: the sink has had its last event
            failed = Failed(error=ErrorKind.INTERNAL, message=f"Internal error: {exc!r}",
                            path=job.request.model_path)
        with self._lock:
            self._in_client = False
            self._note_model(failed)
        job.deliver(failed)

    def _note_model(self, event: Event) -> None:
        """Follow the resident model through ``event`` (the lock held)."""
        if isinstance(event, Loaded):
            self._model_path = event.model.path
            engine_probe().model_loaded()  # the free VRAM the probe last saw is gone
        elif isinstance(event, Loading) or (
                isinstance(event, Failed) and event.error not in _MODEL_KEPT):
            # The engine lets the old model go before it loads; a failed load or a crash
            # leaves none.
            self._model_path = ""

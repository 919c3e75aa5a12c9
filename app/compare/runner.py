"""A comparison's run: each target's request through the one scheduler, one after another.

The runner submits a target's request, follows its events to ``Done`` or ``Failed``, then
submits the next; the window's chat and the API server's requests take their turns between
them as they always do (the scheduler's queue decides). A target that fails (a missing
file, a load failure, a remote server that is down) ends with its error and the next one
runs. :meth:`ComparisonRunner.stop` stops the target that runs and leaves the rest unrun.

Every request evaluates its whole prompt (``fresh_prompt``): a target never profits from
the one before it having read the same prompt. Each runs in a conversation of its own, so
no chat's cached history is touched but by the scheduler's usual switching.
"""

from __future__ import annotations

import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.chat.presets import effective_sampling
from app.compare.memory import NOTE_REMOTE, PeakTracker
from app.compare.results import ResultState, TargetResult
from app.compare.targets import ComparisonSpec
from app.engine.scheduler import (
    Job,
    QueueFullError,
    Scheduler,
    SchedulerClosedError,
    Source,
)
from app.models.recommended import model_recommendation
from app.remote.refs import provider_of
from app.settings import Settings
from app.store.records import ChatSettings
from inference.events import (
    ChatMessage,
    ChatRequest,
    Done,
    ErrorKind,
    Event,
    Failed,
    Loaded,
    Loading,
    Sampling,
    Stats,
    StopReason,
    Token,
)

# Tokens that follow within this many milliseconds travel together (the view paints every
# ~30 ms): as in the window's own chat.
STREAM_BATCH_MS = 25
NOT_RUN_MESSAGE = "Not run: the comparison was stopped before this target's turn."


@dataclass(frozen=True, slots=True)
class RunOptions:
    """What the app's settings give every request of a comparison."""

    loop_guard: bool = True
    snapshot_budget_mb: int = 512
    snapshot_disk_mb: int = 0
    snapshot_dir: str = ""

    @classmethod
    def from_settings(cls, settings: Settings, snapshot_dir: str) -> RunOptions:
        # The chat's snapshot settings: a comparison's request must not shrink the cache
        # the window's chats keep in the host.
        return cls(loop_guard=settings.loop_guard,
                   snapshot_budget_mb=settings.snapshot_budget_mb,
                   snapshot_disk_mb=settings.snapshot_disk_mb, snapshot_dir=snapshot_dir)


def target_sampling(spec: ComparisonSpec, index: int) -> Sampling:
    """What target ``index`` samples with: the comparison's seed and reply length, the
    target's own values, then its model's recommendation, then the defaults."""
    target = spec.targets[index]
    given = dict(target.sampling)
    if spec.seed is not None:
        given["seed"] = spec.seed
    if spec.max_tokens is not None:
        given["max_tokens"] = spec.max_tokens
    if target.remote:  # no file here to recommend anything
        return Sampling.model_validate(given)
    return effective_sampling(Settings(), ChatSettings(overrides=given), {},
                              model_recommendation(target.model, target.load))


def build_request(spec: ComparisonSpec, index: int, options: RunOptions,
                  conversation_id: str) -> ChatRequest:
    """The engine request of target ``index``."""
    target = spec.targets[index]
    messages = [ChatMessage("user", spec.prompt)]
    if spec.system_prompt:
        messages.insert(0, ChatMessage("system", spec.system_prompt))
    return ChatRequest(
        model_path=target.model,
        messages=tuple(messages),
        load=target.load,  # GPU layers Auto is resolved on the scheduler's thread
        sampling=target_sampling(spec, index),
        conversation_id=conversation_id,
        speculative=target.speculative,
        loop_guard=options.loop_guard,
        snapshot_budget_mb=options.snapshot_budget_mb,
        snapshot_disk_mb=options.snapshot_disk_mb,
        snapshot_dir=options.snapshot_dir,
        stream_batch_ms=STREAM_BATCH_MS,
        thinking_apart=True,
        fresh_prompt=True,
    )


# -- what a run tells its listener ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TargetStarted:
    """Target ``index``'s request was submitted (it may wait for others' requests)."""

    index: int


@dataclass(frozen=True, slots=True)
class TargetEvent:
    """An engine event of target ``index`` (Loading, Progress, Token, Stats...)."""

    index: int
    event: Event


@dataclass(frozen=True, slots=True)
class TargetEnded:
    """Target ``index`` has its result."""

    index: int
    result: TargetResult


@dataclass(frozen=True, slots=True)
class RunEnded:
    """Every target has its result (``stopped``: Stop ended the run early)."""

    results: tuple[TargetResult, ...]
    stopped: bool


RunEvent = TargetStarted | TargetEvent | TargetEnded | RunEnded
Listener = Callable[[RunEvent], None]


class _Follow:
    """One target's request as it runs: what it wrote and its figures so far."""

    def __init__(self, scheduler: Scheduler, remote: bool) -> None:
        self.events: queue.Queue[Event] = queue.Queue()
        self.memory = PeakTracker(lambda: scheduler.pid)
        self.remote = remote
        self.started = False
        self.loaded_s: float | None = None  # this request's own load, if it loaded
        self.model_name = ""
        self.peak: tuple[int | None, str] = (None, "")

    def sink(self, event: Event) -> None:
        """On the scheduler's thread, as the host sends it: memory is followed here, in
        step with the process, before the event is queued for the runner."""
        if not self.remote:
            if not self.started or isinstance(event, Loading):
                self.memory.begin()
            elif isinstance(event, (Stats, Loaded)):
                self.memory.sample()
            if isinstance(event, (Done, Failed)):
                self.peak = self.memory.result()
        self.started = True
        self.events.put(event)


class ComparisonRunner:
    """Runs one comparison's targets in turn (see the module's text).

    :meth:`run` blocks until the last target ends and calls ``listener`` with each
    :data:`RunEvent` on its own thread; :meth:`stop` may be called from any thread.
    """

    def __init__(self, scheduler: Scheduler, spec: ComparisonSpec, listener: Listener,
                 options: RunOptions | None = None) -> None:
        self._scheduler = scheduler
        self._spec = spec.checked()
        self._listener = listener
        self._options = options or RunOptions()
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._job: Job | None = None
        self._tag = uuid.uuid4().hex[:12]

    @property
    def spec(self) -> ComparisonSpec:
        return self._spec

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    def stop(self) -> None:
        """Stop the target that runs (its reply so far is kept); the others do not run."""
        self._stopped.set()
        with self._lock:
            job = self._job
        if job is not None:
            job.cancel()

    def run(self) -> tuple[TargetResult, ...]:
        """Run every target in turn; returns their results in the targets' order."""
        results: list[TargetResult] = []
        for index in range(len(self._spec.targets)):
            if self._stopped.is_set():
                result = TargetResult(state=ResultState.NOT_RUN, error=NOT_RUN_MESSAGE)
            else:
                self._listener(TargetStarted(index))
                result = self._run_target(index)
            results.append(result)
            self._listener(TargetEnded(index, result))
        final = tuple(results)
        self._listener(RunEnded(final, self._stopped.is_set()))
        return final

    def _run_target(self, index: int) -> TargetResult:
        target = self._spec.targets[index]
        request = build_request(self._spec, index, self._options,
                                f"compare-{self._tag}-{index + 1}")
        follow = _Follow(self._scheduler, target.remote)
        submitted = time.perf_counter()
        try:
            with self._lock:
                # Its own source: the window's chat goes first, the API's after; the API
                # queue's bound does not apply. The CLI has a scheduler of its own.
                self._job = self._scheduler.submit(request, follow.sink,
                                                   source=Source.COMPARE)
        except (QueueFullError, SchedulerClosedError) as exc:
            return TargetResult(state=ResultState.FAILED, error=str(exc),
                                error_kind=ErrorKind.INTERNAL)
        if self._stopped.is_set():  # a Stop between the check and the submission
            self._job.cancel()
        reply: list[str] = []
        thinking: list[str] = []
        last_stats = Stats()
        try:
            while True:
                event = follow.events.get()
                if isinstance(event, Loaded):
                    follow.loaded_s = event.model.load_s
                    follow.model_name = event.model.name
                elif isinstance(event, Token):
                    (thinking if event.thinking else reply).append(event.text)
                elif isinstance(event, Stats):
                    last_stats = event
                if isinstance(event, (Done, Failed)):
                    break
                self._listener(TargetEvent(index, event))
        finally:
            with self._lock:
                self._job = None
        wall = time.perf_counter() - submitted
        peak, note = follow.peak if not target.remote else (
            None, NOTE_REMOTE.format(provider=provider_of(target.model)))
        common: dict[str, Any] = {
            "reply": "".join(reply), "thinking": "".join(thinking), "peak_memory": peak,
            "memory_note": note, "model_name": follow.model_name, "wall_s": wall,
            "load_s": follow.loaded_s,
        }
        if isinstance(event, Failed):
            return TargetResult(state=ResultState.FAILED, error=event.message,
                                error_kind=event.error, stats=last_stats, **common)
        stats = event.stats
        stopped = event.stop_reason == StopReason.USER
        # The engine's TTFT counts from the request's arrival, a load included: the load
        # is reported on its own.
        ttft = None
        if stats.generated_tokens:
            ttft = max(0.0, stats.ttft_s - (follow.loaded_s or 0.0))
        return TargetResult(state=ResultState.STOPPED if stopped else ResultState.DONE,
                            stats=stats, ttft_s=ttft, **common)

"""An engine client whose requests wait at gates the test opens (no Qt, no process).

The scheduler's tests need to hold a request in the middle of its reply, submit others
behind it, cancel at a chosen moment and see what reached the client. Each request is
named by its last message's text (its *label*); the test scripts what a label yields, with
:data:`GATE` where the request must stop until the test calls :meth:`GatedClient.open`.
:data:`START` as a script's first step holds the request before the client "has" it, as
:class:`~inference.host_client.HostClient` does while it starts the host: a cancel that
comes then is lost, as it is there. A cancel that comes while the client has the request
ends it before its next step with ``Done`` stopped by the user, as the engine does.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from inference.events import (
    ChatMessage,
    ChatRequest,
    Done,
    Event,
    Failed,
    LoadSettings,
    Stats,
    StopReason,
    Token,
)

WAIT_S = 5.0  # how long a test waits for the scheduler's thread to get somewhere


class _Step:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


#: Stop here until the test opens this request's next gate.
GATE = _Step("GATE")
#: As the first step: stop before the client has the request (cancels are lost till then).
START = _Step("START")

#: A script's step: an event to yield, a gate, or an exception the client raises there.
Step = Event | _Step | Exception


def request(label: str, model_path: str = "/models/a.gguf") -> ChatRequest:
    """A one-message request named ``label`` (CPU only: nothing asks for free VRAM)."""
    return ChatRequest(model_path=model_path, messages=(ChatMessage("user", label),),
                       load=LoadSettings(n_gpu_layers=0))


def done(reason: str = StopReason.END_OF_TURN) -> Done:
    return Done(stop_reason=reason, stats=Stats(stop_reason=reason))


@dataclass
class _Run:
    label: str
    steps: list[Step]
    opened: int = 0  # gates the test opened so far
    parked: int = 0  # gates the request reached so far
    held: bool = False  # the client has the request (past START)
    cancelled: bool = False
    yielded: list[Event] = field(default_factory=list)


class GatedClient:
    """An :class:`app.engine.client.EngineClient` that plays each label's script.

    A label without a script answers with one ``Token`` of its label and ``Done``. It
    records the labels in the order their requests started (:attr:`started`), the label
    running at each cancel (None: nothing ran) and when it was closed (:attr:`closed_at`);
    it counts requests running at once (:attr:`most_at_once`), which a scheduler keeps at
    one.
    """

    def __init__(self) -> None:
        self.started: list[str] = []
        self.cancels: list[str | None] = []
        self.closed_at: list[float] = []  # time.monotonic() of each close
        self.most_at_once = 0
        self._scripts: dict[str, list[Step]] = {}
        self._runs: dict[str, _Run] = {}
        self._running: _Run | None = None
        self._at_once = 0
        self._changed = threading.Condition()

    @property
    def pid(self) -> int | None:
        """No process serves a gated client."""
        return None

    def script(self, label: str, *steps: Step) -> None:
        """What the request ``label`` yields, :data:`GATE` where it waits for the test."""
        self._scripts[label] = list(steps)

    def chat(self, request: ChatRequest) -> Iterator[Event]:
        """Yield the script of the request's label, stopping at its gates."""
        label = request.messages[-1].content
        steps = self._scripts.get(label, [Token(text=label), done()])
        run = _Run(label, list(steps))
        with self._changed:
            self._at_once += 1
            self.most_at_once = max(self.most_at_once, self._at_once)
            self.started.append(label)
            self._runs[label] = run
            self._running = run
            run.held = not (run.steps and run.steps[0] is START)
            self._changed.notify_all()
        try:
            for step in run.steps:
                if isinstance(step, _Step):
                    self._park(run, held=step is START)
                    continue
                if isinstance(step, Exception):
                    raise step
                with self._changed:
                    if run.cancelled:
                        step = done(StopReason.USER)
                    run.yielded.append(step)
                yield step
                if isinstance(step, (Done, Failed)):
                    return
            if run.cancelled:  # cancelled at a last gate
                yield done(StopReason.USER)
        finally:
            with self._changed:
                self._at_once -= 1
                self._running = None
                self._changed.notify_all()

    def _park(self, run: _Run, *, held: bool) -> None:
        with self._changed:
            run.parked += 1
            self._changed.notify_all()
            self._changed.wait_for(lambda: run.opened >= run.parked or run.cancelled)
            run.held = run.held or held

    def cancel(self) -> None:
        """Record the cancel; the request the client has ends before its next step."""
        with self._changed:
            run = self._running
            self.cancels.append(run.label if run is not None else None)
            if run is not None and run.held:
                run.cancelled = True
                self._changed.notify_all()

    def forget(self, conversation_ids: Sequence[str] | None) -> None:
        """The app asked the engine to forget cached conversations: nothing is cached here."""

    def close(self) -> None:
        """Record the close (the scheduler's idle unload, its shutdown)."""
        with self._changed:
            self.closed_at.append(time.monotonic())
            self._changed.notify_all()

    # -- the test's side ----------------------------------------------------------------

    def open(self, label: str) -> None:
        """Let request ``label`` past its next gate (or past START)."""
        with self._changed:
            self._runs[label].opened += 1
            self._changed.notify_all()

    def wait_parked(self, label: str, gates: int = 1) -> None:
        """Return once request ``label`` waits at its ``gates``-th gate."""
        self.wait_until(lambda: label in self._runs and self._runs[label].parked >= gates
                        and self._runs[label].opened < self._runs[label].parked)

    def wait_idle(self) -> None:
        """Return once no request runs."""
        self.wait_until(lambda: self._running is None)

    def yielded(self, label: str) -> list[Event]:
        """What request ``label`` yielded so far."""
        with self._changed:
            return list(self._runs[label].yielded)

    def wait_until(self, condition: Callable[[], bool], timeout: float = WAIT_S) -> None:
        """Wait (at most ``timeout`` s) until ``condition``, checked whenever the client
        changes; fails the test if it never holds."""
        with self._changed:
            assert self._changed.wait_for(condition, timeout), "the client never got there"

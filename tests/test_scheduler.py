"""The one queue in front of the local engine: order, bounds, cancels, idle unload, shutdown.

Most tests drive the real :class:`~app.engine.scheduler.Scheduler` over
:class:`tests.gated_client.GatedClient`, whose requests wait at gates the test opens, so a
request can be held mid-reply while others queue behind it. The last one runs the window's
and an API client's requests through the real inference host and the real starter model.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from app.engine.scheduler import (
    Job,
    QueueFullError,
    Scheduler,
    SchedulerClosedError,
    Source,
)
from inference.events import (
    ChatMessage,
    ChatRequest,
    Done,
    ErrorKind,
    Event,
    Failed,
    Loaded,
    Loading,
    LoadSettings,
    ModelInfo,
    Sampling,
    StopReason,
    Token,
)
from inference.host_client import HostClient
from tests.gated_client import GATE, START, WAIT_S, GatedClient, done, request

MODEL_A = "/models/a.gguf"


def loaded(path: str = MODEL_A) -> Loaded:
    return Loaded(model=ModelInfo(
        path=path, name="a", architecture="llama", n_ctx=1024, n_ctx_train=8192,
        n_params=135_000_000, template_source="gguf", template_note="", load_s=0.1))


class Received:
    """A sink that keeps every event it is given (and calls ``react`` with each)."""

    def __init__(self, react: Callable[[Event], None] | None = None) -> None:
        self.events: list[Event] = []
        self.ended_at = 0.0  # time.monotonic() of the last event
        self._react = react
        self._changed = threading.Condition()

    def __call__(self, event: Event) -> None:
        with self._changed:
            self.events.append(event)
            self.ended_at = time.monotonic()
            self._changed.notify_all()
        if self._react is not None:
            self._react(event)

    @property
    def text(self) -> str:
        return "".join(e.text for e in self.events if isinstance(e, Token))

    @property
    def ended(self) -> bool:
        return bool(self.events) and isinstance(self.events[-1], (Done, Failed))

    def end(self, timeout: float = WAIT_S) -> Event:
        """The request's last event, once it came (Done or Failed)."""
        with self._changed:
            assert self._changed.wait_for(lambda: self.ended, timeout), self.events
        return self.events[-1]

    def stop_reason(self) -> str:
        last = self.end()
        assert isinstance(last, Done), last
        return last.stop_reason


@pytest.fixture
def client() -> GatedClient:
    return GatedClient()


@pytest.fixture
def scheduler(client: GatedClient) -> Iterator[Scheduler]:
    opened = Scheduler(client, queue_limit=2)
    yield opened
    opened.close()


def submit(scheduler: Scheduler, label: str, source: Source = Source.WINDOW,
           sink: Received | None = None) -> tuple[Job, Received]:
    sink = sink if sink is not None else Received()
    return scheduler.submit(request(label), sink, source=source), sink


def stops(sink: Received) -> list[str]:
    """What ``sink`` was given, as stop reasons ("?" for an event that is not ``Done``)."""
    return [e.stop_reason if isinstance(e, Done) else "?" for e in sink.events]


def run_to_end(scheduler: Scheduler, label: str, source: Source = Source.WINDOW) -> Received:
    """Run request ``label`` until the scheduler is done with it; what its sink got."""
    job, sink = submit(scheduler, label, source)
    assert job.finished.wait(WAIT_S)
    sink.end()
    return sink


def finish(scheduler: Scheduler, label: str, source: Source = Source.WINDOW) -> Event:
    """Run request ``label`` until the scheduler is done with it; its last event."""
    return run_to_end(scheduler, label, source).events[-1]


def hold(client: GatedClient, scheduler: Scheduler, label: str = "busy",
         source: Source = Source.API) -> tuple[Job, Received]:
    """Start request ``label`` and keep it running (after one token) until opened."""
    client.script(label, Token(text=label), GATE, done())
    job, sink = submit(scheduler, label, source)
    client.wait_parked(label)
    return job, sink


def test_requests_run_one_at_a_time_the_windows_then_a_comparisons_then_the_apis(
    client: GatedClient, scheduler: Scheduler
) -> None:
    scheduler.configure(queue_limit=4)
    hold(client, scheduler)  # an API request runs...
    api_1, api_1_sink = submit(scheduler, "api-1", Source.API)  # ...two more wait...
    api_2, _ = submit(scheduler, "api-2", Source.API)
    compare, compare_sink = submit(scheduler, "compare", Source.COMPARE)  # ...a target...
    win_1, win_1_sink = submit(scheduler, "win-1")  # ...and the window's come later
    win_2, _ = submit(scheduler, "win-2")
    assert client.started == ["busy"]  # nothing starts beside the running one
    client.open("busy")
    for job in (api_1, api_2, compare, win_1, win_2):
        assert job.finished.wait(WAIT_S)
    assert client.started == ["busy", "win-1", "win-2", "compare", "api-1", "api-2"]
    assert client.most_at_once == 1
    assert (win_1_sink.text, compare_sink.text, api_1_sink.text) == (
        "win-1", "compare", "api-1")
    # What each was told when it queued: the window's wait only for what runs and for the
    # window's own requests, a comparison's also for the other targets', an API request
    # for every request before it.
    assert [j.ahead for j in (api_1, api_2, compare, win_1, win_2)] == [1, 2, 1, 1, 2]
    assert win_2.ahead_by_source == {Source.WINDOW: 1, Source.COMPARE: 0, Source.API: 1}
    assert compare.ahead_by_source == {Source.WINDOW: 0, Source.COMPARE: 0, Source.API: 1}
    assert api_2.ahead_by_source == {Source.WINDOW: 0, Source.COMPARE: 0, Source.API: 2}


def test_the_api_queue_is_bounded_and_the_window_is_never_refused(
    client: GatedClient, scheduler: Scheduler
) -> None:
    busy, _ = hold(client, scheduler)
    waiting = [submit(scheduler, f"api-{i}", Source.API)[0] for i in range(2)]
    with pytest.raises(QueueFullError) as refused:
        submit(scheduler, "api-2", Source.API)
    assert refused.value.limit == 2
    assert refused.value.retry_after_s > 0
    assert f"{refused.value.retry_after_s} s" in str(refused.value)
    windows = [submit(scheduler, f"win-{i}")[0] for i in range(5)]  # past any bound
    scheduler.configure(queue_limit=3)
    waiting.append(submit(scheduler, "api-2", Source.API)[0])
    with pytest.raises(QueueFullError):
        submit(scheduler, "api-3", Source.API)
    client.open("busy")
    for job in (busy, *waiting, *windows):
        assert job.finished.wait(WAIT_S)
    submit(scheduler, "api-3", Source.API)[1].end()  # room again once the queue emptied


def test_a_cancelled_waiting_request_ends_stopped_and_never_runs(
    client: GatedClient, scheduler: Scheduler
) -> None:
    _, busy_sink = hold(client, scheduler)
    job, sink = submit(scheduler, "win")
    job.cancel()
    assert stops(sink) == [StopReason.USER] and job.finished.is_set()
    assert scheduler.status().waiting_window == 0
    job.cancel()  # a second Stop changes nothing
    client.open("busy")
    assert busy_sink.stop_reason() == StopReason.END_OF_TURN  # the running one goes on
    client.wait_idle()
    assert client.started == ["busy"]
    assert client.cancels == []
    assert stops(sink) == [StopReason.USER]


def test_cancelling_the_running_request_stops_it_once_and_nothing_else(
    client: GatedClient, scheduler: Scheduler
) -> None:
    client.script("win", Token(text="w1"), GATE, Token(text="w2"), done())
    win, win_sink = submit(scheduler, "win")
    client.wait_parked("win")
    _, api_sink = submit(scheduler, "api", Source.API)
    win.cancel()
    win.cancel()
    assert win_sink.stop_reason() == StopReason.USER
    assert win_sink.text == "w1"
    assert api_sink.stop_reason() == StopReason.END_OF_TURN
    assert api_sink.text == "api"
    assert client.cancels == ["win"]


def test_a_stop_that_comes_just_after_a_reply_ended_never_stops_the_next_one(
    client: GatedClient, scheduler: Scheduler
) -> None:
    # The client yielded A's Done; its Stop comes before the scheduler moves on (a user
    # who clicks Stop as the reply ends, an API client that disconnects as it ends).
    first: list[Job] = []
    a_sink = Received(lambda e: first[0].cancel() if isinstance(e, Done) else None)
    client.script("b", Token(text="b1"), GATE, Token(text="b2"), done())
    first.append(submit(scheduler, "a", sink=a_sink)[0])
    _, b_sink = submit(scheduler, "b", Source.API)
    client.wait_parked("b")
    assert a_sink.stop_reason() == StopReason.END_OF_TURN
    first[0].cancel()  # and once more while B runs
    client.open("b")
    assert b_sink.stop_reason() == StopReason.END_OF_TURN
    assert b_sink.text == "b1b2"
    assert client.cancels == []  # no Stop reached the client after A's reply ended


def test_a_stop_before_the_client_has_the_request_is_carried_out_once_it_has_it(
    client: GatedClient, scheduler: Scheduler
) -> None:
    # HostClient takes a request only once its host runs: a Stop sent to it before then is
    # lost, so the scheduler passes it on at the request's first event.
    client.script("slow", START, Token(text="s1"), GATE, Token(text="s2"), done())
    job, sink = submit(scheduler, "slow")
    client.wait_parked("slow")  # the host is starting
    job.cancel()
    client.open("slow")
    assert sink.stop_reason() == StopReason.USER
    assert sink.text == "s1"
    assert client.cancels == ["slow"]
    assert submit(scheduler, "next")[1].stop_reason() == StopReason.END_OF_TURN


def test_a_sink_that_raises_stops_its_own_request_and_not_the_queue(
    client: GatedClient, scheduler: Scheduler
) -> None:
    def broken(event: Event) -> None:
        raise RuntimeError("the API client's bug")

    _, busy_sink = hold(client, scheduler, source=Source.WINDOW)
    client.script("bad", Token(text="x"), Token(text="y"), GATE, Token(text="z"), done())
    bad = scheduler.submit(request("bad"), broken, source=Source.API)
    _, after_sink = submit(scheduler, "after", Source.API)
    client.open("busy")
    assert busy_sink.stop_reason() == StopReason.END_OF_TURN
    assert after_sink.stop_reason() == StopReason.END_OF_TURN
    assert bad.finished.is_set()
    assert client.cancels == ["bad"]  # stopped at its second event, not played to its end
    assert client.yielded("bad")[-1] == done(StopReason.USER)


def test_a_client_that_breaks_fails_its_request_and_the_queue_goes_on(
    client: GatedClient, scheduler: Scheduler
) -> None:
    client.script("raises", loaded(), Token(text="r"), RuntimeError("boom"))
    client.script("ends-early", Token(text="e"))  # no Done, no Failed
    raised = submit(scheduler, "raises")[1].end()
    assert isinstance(raised, Failed) and raised.error == ErrorKind.INTERNAL
    assert "boom" in raised.message
    assert scheduler.status().model_path == ""  # nothing is known to be resident
    early = submit(scheduler, "ends-early")[1].end()
    assert isinstance(early, Failed) and early.error == ErrorKind.INTERNAL
    assert submit(scheduler, "next")[1].stop_reason() == StopReason.END_OF_TURN


def test_status_counts_requests_and_follows_the_resident_model(
    client: GatedClient, scheduler: Scheduler
) -> None:
    def queue() -> tuple[Source | None, int, int, int]:
        status = scheduler.status()
        return (status.running, status.waiting_window, status.waiting_compare,
                status.waiting_api)

    status = scheduler.status()
    assert queue() == (None, 0, 0, 0)
    assert status.served == {Source.WINDOW: 0, Source.COMPARE: 0, Source.API: 0}
    assert (status.model_path, status.queue_limit, status.idle_unload_s) == ("", 2, 0.0)

    client.script("load", loaded(), GATE, done())
    jobs = [submit(scheduler, "load", Source.COMPARE)[0]]
    client.wait_parked("load")
    jobs += [submit(scheduler, "api", Source.API)[0], submit(scheduler, "win")[0],
             submit(scheduler, "target", Source.COMPARE)[0]]
    assert queue() == (Source.COMPARE, 1, 1, 1)
    assert scheduler.status().model_path == MODEL_A
    client.open("load")
    for job in jobs:
        assert job.finished.wait(WAIT_S)
    assert queue() == (None, 0, 0, 0)
    assert scheduler.status().served == {Source.WINDOW: 1, Source.COMPARE: 2, Source.API: 1}

    # A request the engine refuses leaves the model loaded; a crash takes it away.
    client.script("refused", Failed(error=ErrorKind.BAD_REQUEST, message="no"))
    assert isinstance(finish(scheduler, "refused"), Failed)
    assert scheduler.status().model_path == MODEL_A
    client.script("crash", Failed(error=ErrorKind.HOST_CRASHED, message="died"))
    assert isinstance(finish(scheduler, "crash", Source.API), Failed)
    assert scheduler.status().model_path == ""
    assert scheduler.status().served == {Source.WINDOW: 2, Source.COMPARE: 2, Source.API: 2}

    # The engine lets the resident model go before it loads another: a stopped load leaves
    # none.
    client.script("reload", loaded(), done())
    finish(scheduler, "reload")
    assert scheduler.status().model_path == MODEL_A
    client.script("switch", Loading(path="/models/b.gguf"), GATE, done())
    switch, sink = submit(scheduler, "switch")
    client.wait_parked("switch")
    assert scheduler.status().model_path == ""
    switch.cancel()
    assert sink.stop_reason() == StopReason.USER
    assert scheduler.status().model_path == ""


def test_the_model_is_unloaded_after_the_idle_time_and_not_before(client: GatedClient) -> None:
    scheduler = Scheduler(client, idle_unload_s=0.4)
    try:
        client.script("load", loaded(), done())
        first = run_to_end(scheduler, "load")
        time.sleep(0.2)
        again = run_to_end(scheduler, "again")  # a request meanwhile starts the time again
        client.wait_until(lambda: len(client.closed_at) == 1, timeout=2.0)
        assert client.closed_at[0] - again.ended_at >= 0.4
        assert client.closed_at[0] - first.ended_at >= 0.6
        assert scheduler.status().model_path == ""
        # Nothing is resident now: no more closes until a request loads a model again.
        time.sleep(0.6)
        assert len(client.closed_at) == 1
        run_to_end(scheduler, "load")
        client.wait_until(lambda: len(client.closed_at) == 2, timeout=2.0)
    finally:
        scheduler.close()


def test_no_idle_unload_when_its_time_is_zero_until_one_is_configured(
    client: GatedClient, scheduler: Scheduler
) -> None:
    client.script("load", loaded(), done())
    finish(scheduler, "load")
    time.sleep(0.5)
    assert client.closed_at == []
    assert scheduler.status().model_path == MODEL_A
    configured = time.monotonic()
    scheduler.configure(idle_unload_s=0.3)  # counted from the last request, already past
    client.wait_until(lambda: len(client.closed_at) == 1, timeout=2.0)
    assert client.closed_at[0] - configured < 0.3
    assert scheduler.status().idle_unload_s == 0.3


def test_close_ends_every_request_and_the_scheduler(client: GatedClient) -> None:
    scheduler = Scheduler(client)
    running, running_sink = hold(client, scheduler, source=Source.WINDOW)
    waiting = [submit(scheduler, "win"), submit(scheduler, "api", Source.API)]
    threads = scheduler_threads()
    scheduler.close()
    for job, sink in waiting:
        assert stops(sink) == [StopReason.USER] and job.finished.is_set()
    assert running_sink.stop_reason() == StopReason.USER
    assert running.finished.is_set()  # the scheduler's thread was done with it
    assert client.cancels == ["busy"] and client.started == ["busy"]
    assert len(client.closed_at) == 1
    with pytest.raises(SchedulerClosedError):
        submit(scheduler, "late")
    scheduler.close()
    assert len(client.closed_at) == 1
    assert scheduler_threads() == threads - 1


def scheduler_threads() -> int:
    return sum(t.name == "slice-scheduler" for t in threading.enumerate())


def test_the_window_and_an_api_client_share_the_real_engine(smollm_path: str) -> None:
    def chat(prompt: str, max_tokens: int) -> ChatRequest:
        return ChatRequest(
            model_path=smollm_path, messages=(ChatMessage("user", prompt),),
            load=LoadSettings(n_ctx=512, n_threads=1, n_threads_batch=1, n_gpu_layers=0),
            sampling=Sampling(temperature=0, seed=1, max_tokens=max_tokens),
        )

    def tokens_of(sink: Received) -> int:
        return sum(e.n for e in sink.events if isinstance(e, Token))

    window = chat("Say hello.", 12)
    api = chat("Count from one to twenty in words.", 48)
    scheduler = Scheduler(HostClient())
    try:
        alone = {}
        for name, req in (("window", window), ("api", api)):
            sink = Received()
            scheduler.submit(req, sink, source=Source.WINDOW)
            assert isinstance(sink.end(60), Done)
            alone[name] = sink.text

        # Both at once: each gets its own reply, whichever runs first.
        api_sink, window_sink = Received(), Received()
        scheduler.submit(api, api_sink, source=Source.API)
        scheduler.submit(window, window_sink, source=Source.WINDOW)
        for sink, name in ((api_sink, "api"), (window_sink, "window")):
            end = sink.end(60)
            assert isinstance(end, Done), end
            assert sink.text == alone[name]
            assert tokens_of(sink) == end.stats.generated_tokens

        # The API client goes away after its first token, while the window's reply waits.
        jobs: list[Job] = []
        began, queued, gone = threading.Event(), threading.Event(), threading.Event()

        def api_client(event: Event) -> None:
            began.set()
            if isinstance(event, Token) and not gone.is_set():
                assert queued.wait(60)  # (on the scheduler's thread: the reply waits here)
                gone.set()
                jobs[0].cancel()

        api_sink = Received(api_client)
        jobs.append(scheduler.submit(api, api_sink, source=Source.API))
        assert began.wait(60)  # the API's request runs
        window_sink = Received()
        window_job = scheduler.submit(window, window_sink, source=Source.WINDOW)
        queued.set()
        assert api_sink.stop_reason() == StopReason.USER
        assert 1 <= tokens_of(api_sink) < 48
        assert window_sink.stop_reason() in (StopReason.END_OF_TURN, StopReason.LENGTH)
        assert window_sink.text == alone["window"]
        assert window_job.ahead_by_source[Source.API] == 1  # it did wait for the API's
    finally:
        scheduler.close()


def test_the_window_submitting_after_shutdown_is_a_no_op(qtbot: Any) -> None:
    """A preload or a message that comes as the window closes (after it shut the engine
    down) is dropped, not an exception in a Qt slot."""
    from app.chat.bridge import EngineController
    from tests.scripted_client import ScriptedHostClient

    controller = EngineController(ScriptedHostClient())
    controller.shutdown()
    controller.preload("/models/any.gguf", LoadSettings())
    request_id = controller.send(ChatRequest(model_path="/models/any.gguf", messages=()))
    assert request_id == 1
    controller.stop()  # nothing to stop, nothing raised

"""The remote client against Slice's own server (the real API server, scheduler, host and
starter model on loopback): the streamed reply equals the whole one, the server's own
figures (``timings``, a usage-only last chunk, cached tokens), Stop closes the stream within
a chunk and the server stops generating, the key and model errors the server really sends,
the model list, and remote requests through the real scheduler."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.engine.scheduler import Scheduler
from app.paths import app_paths
from app.remote.client import (
    RemoteClient,
    RemoteError,
    list_models,
    remote_client,
    request_body,
)
from app.remote.providers import Provider, ProviderStore
from app.remote.refs import RemoteModel
from inference.events import (
    ChatMessage,
    ChatRequest,
    Done,
    ErrorKind,
    Event,
    Failed,
    Loaded,
    StopReason,
    Token,
)
from inference.host_client import HostClient
from tests.api_helpers import KEY, Running, http, running_server
from tests.remote_helpers import chat_request, collect

NAME = "slice-box"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, smollm_path: str) -> Iterator[Running]:
    with running_server(tmp_path_factory.mktemp("api"), [smollm_path]) as running:
        yield running


@pytest.fixture
def provider(api: Running) -> Provider:
    return Provider(NAME, f"http://127.0.0.1:{api.port}/v1")


@pytest.fixture
def model(api: Running) -> str:
    return RemoteModel(NAME, next(iter(api.ids))).path


def _whole(api: Running, route: str, request: ChatRequest) -> dict[str, Any]:
    """The same request, not streamed."""
    body = request_body(request, next(iter(api.ids)))
    del body["stream"], body["stream_options"]
    reply = http(api.port, "POST", route, body)
    assert reply.status == 200, reply.body
    data: dict[str, Any] = reply.json()
    return data


def _wait_idle(api: Running) -> None:
    deadline = time.monotonic() + 30
    while api.scheduler.status().running is not None:
        assert time.monotonic() < deadline, "the server's scheduler never became idle"
        time.sleep(0.02)


def test_streamed_reply_equals_whole_reply_with_the_servers_figures(
        api: Running, provider: Provider, model: str) -> None:
    request = chat_request(model, "Name three colours.", max_tokens=24)
    client = RemoteClient(provider, KEY)
    text, events = collect(client.chat(request))
    client.close()
    whole = _whole(api, "/v1/chat/completions", request)
    assert text and text == whole["choices"][0]["message"]["content"]
    # Loaded first (what the fingerprint records), then text, figures, and Done.
    assert isinstance(events[0], Loaded)
    info = events[0].model
    assert (info.path, info.name, info.architecture) == (model, next(iter(api.ids)), "remote")
    done = events[-1]
    assert isinstance(done, Done)
    stats = done.stats
    assert done.stop_reason == StopReason.LENGTH == stats.stop_reason
    assert (stats.remote, stats.figures) == (NAME, "server")
    # The usage-only last chunk and the timings agree with the server's own answer.
    assert stats.prompt_tokens == whole["usage"]["prompt_tokens"]
    assert stats.generated_tokens == whole["usage"]["completion_tokens"] == 24
    assert stats.decode_tps > 0 and stats.prompt_tps > 0 and stats.ttft_s > 0
    assert stats.context_used == stats.prompt_tokens + 24 and stats.context_size == 0
    assert "speeds from the server" in stats.summary()
    assert sum(isinstance(e, Token) for e in events) == len([
        e for e in events if isinstance(e, Token) and e.text])


def test_cached_tokens_come_from_the_server(api: Running, provider: Provider,
                                            model: str) -> None:
    first = chat_request(model, "Say a word about the sea.", max_tokens=8)
    client = RemoteClient(provider, KEY)
    reply, events = collect(client.chat(first))
    assert isinstance(events[-1], Done) and reply
    follow = dataclasses.replace(first, messages=(
        *first.messages, ChatMessage("assistant", reply), ChatMessage("user", "And the sky?")))
    _text, events = collect(client.chat(follow))
    client.close()
    done = events[-1]
    assert isinstance(done, Done)
    # The server kept the first turn's prompt: it says so in usage and timings.
    assert 0 < done.stats.cached_tokens < done.stats.prompt_tokens


def test_text_completion_posts_completions(api: Running, provider: Provider,
                                           model: str) -> None:
    request = dataclasses.replace(chat_request(model, "", max_tokens=6),
                                  prompt="The capital of France is")
    client = RemoteClient(provider, KEY)
    text, events = collect(client.chat(request))
    client.close()
    whole = _whole(api, "/v1/completions", request)
    assert text and text == whole["choices"][0]["text"]
    assert isinstance(events[-1], Done)


def test_stop_closes_the_stream_within_one_chunk(api: Running, provider: Provider,
                                                 model: str) -> None:
    _wait_idle(api)
    runs_before = len(api.client.runs)
    client = RemoteClient(provider, KEY)
    request = chat_request(model, "Count to a thousand, one number a line.", max_tokens=900)
    first_token = threading.Event()
    stopped = threading.Event()
    after_stop: list[Event] = []
    events: list[Event] = []

    def consume() -> None:
        for event in client.chat(request):
            events.append(event)
            if stopped.is_set():
                after_stop.append(event)
            if isinstance(event, Token):
                first_token.set()

    reader = threading.Thread(target=consume)
    reader.start()
    assert first_token.wait(120)
    client.cancel()
    stopped.set()
    reader.join(30)
    assert not reader.is_alive()
    client.close()
    assert sum(isinstance(e, Token) for e in after_stop) <= 1
    done = events[-1]
    assert isinstance(done, Done) and done.stop_reason == StopReason.USER
    assert done.stats.generated_tokens < 900
    # The server saw the client go and stopped generating, long before 900 tokens.
    _wait_idle(api)
    _request, served = api.client.runs[runs_before]
    assert isinstance(served[-1], Done) and served[-1].stop_reason == StopReason.USER
    assert sum(e.n for e in served if isinstance(e, Token)) < 900


def test_stop_from_the_same_thread_yields_no_more_text(provider: Provider,
                                                       model: str) -> None:
    client = RemoteClient(provider, KEY)
    events: list[Event] = []
    for event in client.chat(chat_request(model, "Tell a long story.", max_tokens=400)):
        events.append(event)
        if isinstance(event, Token):
            client.cancel()
    client.close()
    assert sum(isinstance(e, Token) for e in events) == 1
    assert isinstance(events[-1], Done) and events[-1].stop_reason == StopReason.USER


def test_a_wrong_or_missing_key_is_named(provider: Provider, model: str) -> None:
    for key in ("sk-wrong-key", None):
        client = RemoteClient(provider, key)
        _text, events = collect(client.chat(chat_request(model, "Hi")))
        client.close()
        assert len(events) == 1 and isinstance(events[0], Failed), events
        failed = events[0]
        assert failed.error == ErrorKind.AUTH
        assert NAME in failed.message and "HTTP 401" in failed.message
        assert "Providers" in failed.message  # what to do: set the key
        assert ("refused" in failed.message) == (key is not None)
        assert "sk-wrong-key" not in failed.message


def test_a_model_the_server_does_not_have_is_named(provider: Provider) -> None:
    client = RemoteClient(provider, KEY)
    _text, events = collect(client.chat(chat_request(RemoteModel(NAME, "gone-7b").path, "Hi")))
    client.close()
    assert len(events) == 1 and isinstance(events[0], Failed)
    assert events[0].error == ErrorKind.MODEL_GONE
    assert "'gone-7b'" in events[0].message and "HTTP 404" in events[0].message


def test_list_models(api: Running, provider: Provider) -> None:
    assert list_models(provider, KEY) == list(api.ids)
    with pytest.raises(RemoteError) as refused:
        list_models(provider, "sk-wrong-key")
    assert refused.value.kind == ErrorKind.AUTH


def test_remote_requests_run_through_the_scheduler(api: Running, provider: Provider,
                                                   model: str, tmp_path: Path) -> None:
    store = ProviderStore(app_paths().config)
    store.save(provider, KEY)
    local = HostClient()  # never started: no local request is made
    scheduler = Scheduler(local, remote=lambda request: remote_client(request, store))
    try:
        seen: list[Event] = []
        job = scheduler.submit(chat_request(model, "Name three colours.", max_tokens=12),
                               seen.append)
        assert job.finished.wait(120)
        assert isinstance(seen[-1], Done) and seen[-1].stats.remote == NAME
        assert "".join(e.text for e in seen if isinstance(e, Token))
        # Stop, as the window's button does: the job ends within a chunk, as stopped.
        stopped: list[Event] = []
        first_text = threading.Event()

        def sink(event: Event) -> None:
            stopped.append(event)
            if isinstance(event, Token):
                first_text.set()

        job = scheduler.submit(chat_request(model, "Tell a long story.", max_tokens=400), sink)
        assert first_text.wait(120)
        job.cancel()
        at_stop = sum(isinstance(e, Token) for e in stopped)
        assert job.finished.wait(30)
        assert isinstance(stopped[-1], Done) and stopped[-1].stop_reason == StopReason.USER
        assert sum(isinstance(e, Token) for e in stopped) - at_stop <= 1
        # A provider that is gone: one Failed that says so.
        lost: list[Event] = []
        job = scheduler.submit(chat_request(RemoteModel("nobody", "m").path, "Hi"),
                               lost.append)
        assert job.finished.wait(10)
        assert len(lost) == 1 and isinstance(lost[0], Failed)
        assert lost[0].error == ErrorKind.NO_PROVIDER and "'nobody'" in lost[0].message
        assert local.pid is None
    finally:
        scheduler.close()
    _wait_idle(api)

"""Every failure of a remote reply, named: a real fault-injecting proxy in front of Slice's
real server (429 with Retry-After, 401 quoting the key back, 503, a reset mid-stream, a
stall, malformed JSON, and comment / keep-alive / unknown lines that must change nothing),
and real sockets for a refused connection, an unknown name, and TLS (a self-signed
certificate, refused unless the provider is --insecure; HTTPS to a plain-HTTP server)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.remote.client import RemoteClient, RemoteError, list_models
from app.remote.providers import Provider
from app.remote.refs import RemoteModel
from inference.events import Done, ErrorKind, Failed, Loaded, StopReason, Token
from tests.api_helpers import KEY, Running, free_port, running_server
from tests.remote_helpers import FaultProxy, chat_request, collect, self_signed, server_tls

NAME = "flaky"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, smollm_path: str) -> Iterator[Running]:
    with running_server(tmp_path_factory.mktemp("api"), [smollm_path]) as running:
        yield running


@pytest.fixture
def proxy(api: Running) -> Iterator[FaultProxy]:
    proxy = FaultProxy(api.port)
    yield proxy
    proxy.close()
    # The next test starts with the server idle (a broken stream's generation ended).
    deadline = time.monotonic() + 30
    while api.scheduler.status().running is not None:
        assert time.monotonic() < deadline
        time.sleep(0.02)


@pytest.fixture
def model(api: Running) -> str:
    return RemoteModel(NAME, next(iter(api.ids))).path


def _run(provider: Provider, model: str, *, key: str | None = KEY, max_tokens: int = 24,
         **patience: float) -> tuple[str, list[object]]:
    client = RemoteClient(provider, key, **patience)
    try:
        return collect(client.chat(chat_request(model, "Name three colours.",
                                                max_tokens=max_tokens)))
    finally:
        client.close()


def test_the_proxy_passes_the_key_and_the_extra_headers(proxy: FaultProxy, model: str
                                                        ) -> None:
    provider = Provider(NAME, proxy.url(), headers={"X-Team": "blue"})
    text, events = _run(provider, model)
    assert text and isinstance(events[-1], Done)
    seen = proxy.seen[-1]
    assert seen.path == "/v1/chat/completions"
    assert seen.headers["authorization"] == f"Bearer {KEY}"
    assert seen.headers["x-team"] == "blue"
    body = json.loads(seen.body)
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert body["temperature"] == 0.0 and body["max_tokens"] == 24
    assert {"top_k", "min_p", "repeat_penalty", "top_p"} <= set(body)


def test_keep_alive_comment_and_unknown_lines_change_nothing(proxy: FaultProxy,
                                                             model: str) -> None:
    provider = Provider(NAME, proxy.url())
    clean, _ = _run(provider, model)
    proxy.mode = "garbage"
    noisy, events = _run(provider, model)
    assert noisy == clean and clean
    assert isinstance(events[-1], Done) and events[-1].stats.figures == "server"


def test_429_says_when_to_try_again(proxy: FaultProxy, model: str) -> None:
    proxy.mode = "429"
    _text, events = _run(Provider(NAME, proxy.url()), model)
    assert len(events) == 1 and isinstance(events[0], Failed)
    assert events[0].error == ErrorKind.RATE_LIMITED
    assert "HTTP 429" in events[0].message and "Try again in 7 s" in events[0].message


def test_503_is_the_servers_failure(proxy: FaultProxy, model: str) -> None:
    proxy.mode = "503"
    _text, events = _run(Provider(NAME, proxy.url()), model)
    assert isinstance(events[0], Failed) and events[0].error == ErrorKind.REMOTE
    assert "overloaded" in events[0].message and "in 2 s" in events[0].message


def test_401_names_the_key_and_never_repeats_it(proxy: FaultProxy, model: str) -> None:
    proxy.mode = "401"
    _text, events = _run(Provider(NAME, proxy.url()), model)
    failed = events[0]
    assert isinstance(failed, Failed) and failed.error == ErrorKind.AUTH
    assert proxy.seen[-1].headers["authorization"] == f"Bearer {KEY}"  # it was quoted back
    assert KEY not in failed.message and "Incorrect API key provided: ***" in failed.message
    with pytest.raises(RemoteError) as listing:
        list_models(Provider(NAME, proxy.url()), KEY)
    assert listing.value.kind == ErrorKind.AUTH and KEY not in listing.value.message


def test_a_reset_mid_stream_keeps_the_text_and_says_it_was_cut_off(
        proxy: FaultProxy, model: str) -> None:
    proxy.mode, proxy.after = "reset", 4  # the role chunk, then three pieces of text
    text, events = _run(Provider(NAME, proxy.url()), model)
    failed = events[-1]
    assert isinstance(failed, Failed) and failed.error == ErrorKind.INTERRUPTED
    assert failed.message.startswith("The reply was cut off") and "kept" in failed.message
    assert sum(isinstance(e, Token) for e in events) == 3 and text


def test_a_stall_is_cut_after_the_stall_timeout(proxy: FaultProxy, model: str) -> None:
    proxy.mode, proxy.after = "stall", 3
    text, events = _run(Provider(NAME, proxy.url()), model, stall_s=1.0)
    failed = events[-1]
    assert isinstance(failed, Failed) and failed.error == ErrorKind.INTERRUPTED
    assert "sent nothing for 1 s" in failed.message and text
    # Before any text, the wait for the first one is what runs out.
    proxy.after = 0
    _text, events = _run(Provider(NAME, proxy.url()), model, wait_s=1.0)
    assert len(events) == 1 and isinstance(events[0], Failed)
    assert events[0].error == ErrorKind.TIMEOUT and "within 1 s" in events[0].message


def test_stop_while_waiting_for_the_first_text_is_a_stop(proxy: FaultProxy,
                                                          model: str) -> None:
    proxy.mode, proxy.after = "stall", 0
    client = RemoteClient(Provider(NAME, proxy.url()), KEY)
    events: list[object] = []
    reader = threading.Thread(target=lambda: events.extend(client.chat(
        chat_request(model, "Name three colours."))))
    reader.start()
    deadline = time.monotonic() + 60
    while not proxy.seen:  # the request reached the proxy, which now says nothing
        assert time.monotonic() < deadline
        time.sleep(0.01)
    client.cancel()
    reader.join(30)
    assert not reader.is_alive()
    client.close()
    assert len(events) == 1 and isinstance(events[0], Done)
    assert events[0].stop_reason == StopReason.USER


def test_malformed_json_is_named_and_the_text_kept(proxy: FaultProxy, model: str) -> None:
    proxy.mode, proxy.after = "badjson", 3
    text, events = _run(Provider(NAME, proxy.url()), model)
    failed = events[-1]
    assert isinstance(failed, Failed) and failed.error == ErrorKind.BAD_RESPONSE
    assert "not JSON" in failed.message and text
    assert isinstance(events[0], Loaded)


def test_refused_and_unknown_names_are_network_failures(model: str) -> None:
    refused = Provider(NAME, f"http://127.0.0.1:{free_port()}/v1")
    _text, events = _run(refused, model)
    assert isinstance(events[0], Failed) and events[0].error == ErrorKind.NETWORK
    assert "refused the connection" in events[0].message
    unknown = Provider(NAME, "http://no-such-host.invalid:8080/v1")
    _text, events = _run(unknown, model)
    assert isinstance(events[0], Failed) and events[0].error == ErrorKind.NETWORK
    assert "could not be found (DNS)" in events[0].message
    with pytest.raises(RemoteError) as listing:
        list_models(refused, None)
    assert "refused the connection" in listing.value.message


def test_tls(api: Running, model: str, tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    proxy = FaultProxy(api.port, tls=server_tls(cert, key))
    try:
        _text, events = _run(Provider(NAME, proxy.url("https")), model)
        assert isinstance(events[0], Failed) and events[0].error == ErrorKind.TLS
        assert "cannot be trusted" in events[0].message and "--insecure" in events[0].message
        insecure = Provider(NAME, proxy.url("https"), verify_tls=False)
        text, events = _run(insecure, model)
        assert text and isinstance(events[-1], Done)
        # Stop shuts a TLS connection as at once as a plain one.
        client = RemoteClient(insecure, KEY)
        stopped: list[object] = []
        for event in client.chat(chat_request(model, "Tell a long story.", max_tokens=300)):
            stopped.append(event)
            if isinstance(event, Token):
                client.cancel()
        client.close()
        assert sum(isinstance(e, Token) for e in stopped) == 1
        assert isinstance(stopped[-1], Done) and stopped[-1].stop_reason == StopReason.USER
    finally:
        proxy.close()
    # HTTPS to a server that speaks plain HTTP.
    _text, events = _run(Provider(NAME, f"https://127.0.0.1:{api.port}/v1"), model)
    assert isinstance(events[0], Failed) and events[0].error == ErrorKind.TLS
    assert "does not speak HTTPS" in events[0].message


def test_openais_own_api_gets_no_llama_sampler_fields() -> None:
    from app.remote.client import request_body, speaks_llama_samplers
    from app.remote.providers import Provider
    from inference.events import ChatMessage, ChatRequest

    request = ChatRequest(model_path="remote://openai/gpt-4o-mini",
                          messages=(ChatMessage("user", "hi"),))
    openai = Provider("openai", "https://api.openai.com/v1")
    local = Provider("box", "http://127.0.0.1:8080/v1")
    assert not speaks_llama_samplers(openai)
    assert speaks_llama_samplers(local)
    strict = request_body(request, "gpt-4o-mini", llama_samplers=False)
    assert not {"top_k", "min_p", "repeat_penalty"} & set(strict)
    assert {"top_k", "min_p", "repeat_penalty"} <= set(request_body(request, "m"))

"""The OpenAI-compatible server over the real scheduler, host and starter model: the exact
SSE framing, the error objects, the guard (401/403/413), the queue's bound (503), a client
that disconnects, a model switch, prefix reuse and fuzzed bodies."""

from __future__ import annotations

import contextlib
import json
import random
import socket
import threading
import time
from collections.abc import Iterator
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

import pytest

from app.api.server import STREAM_BATCH_MS
from app.engine.scheduler import Source
from inference.events import Done, Token
from tests.api_helpers import KEY, Running, http, running_server, sse_events

CHAT = "/v1/chat/completions"
HELLO = [{"role": "user", "content": "Name three colours."}]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, smollm_path: str) -> Iterator[Running]:
    with running_server(tmp_path_factory.mktemp("api"), [smollm_path]) as running:
        yield running


@pytest.fixture
def starter_id(api: Running) -> str:
    return next(iter(api.ids))


def test_models_lists_library_ids_never_paths(api: Running, starter_id: str) -> None:
    reply = http(api.port, "GET", "/v1/models")
    assert reply.status == 200
    data = reply.json()
    assert data["object"] == "list"
    assert [m["id"] for m in data["data"]] == [starter_id]
    assert starter_id == "smollm2-135m-instruct.q4_1"
    assert "/" not in json.dumps(data["data"][0]["id"])
    assert http(api.port, "GET", f"/v1/models/{starter_id}").json()["id"] == starter_id
    missing = http(api.port, "GET", "/v1/models/nope")
    assert missing.status == 404
    assert missing.json()["error"]["code"] == "model_not_found"


def test_stream_framing_is_openais(api: Running, starter_id: str) -> None:
    reply = http(api.port, "POST", CHAT, {
        "model": starter_id, "messages": HELLO, "max_tokens": 8, "stream": True,
        "stream_options": {"include_usage": True}, "some_future_field": {"x": 1},
    })
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("text/event-stream")
    payloads = sse_events(reply.body)
    assert payloads[-1] == "[DONE]"
    chunks = [json.loads(p) for p in payloads[:-1]]
    assert len({c["id"] for c in chunks}) == 1
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert all(c["model"] == starter_id for c in chunks)
    first, *middle, finish, usage = chunks
    assert first["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert first["choices"][0]["finish_reason"] is None
    assert middle and all(c["choices"][0]["finish_reason"] is None for c in middle)
    text = "".join(c["choices"][0]["delta"]["content"] for c in middle)
    assert text.strip()
    assert finish["choices"][0]["delta"] == {}
    assert finish["choices"][0]["finish_reason"] in ("stop", "length")
    assert usage["choices"] == []
    assert usage["usage"]["completion_tokens"] == 8 or finish["choices"][0][
        "finish_reason"] == "stop"
    assert usage["usage"]["total_tokens"] == (
        usage["usage"]["prompt_tokens"] + usage["usage"]["completion_tokens"])
    # usage is null on every chunk before the last, as OpenAI sends it.
    assert all(c["usage"] is None for c in chunks[:-1])
    timings = finish["timings"]
    for name in ("prompt_n", "cache_n", "prompt_ms", "prompt_per_second", "predicted_n",
                 "predicted_ms", "predicted_per_second"):
        assert name in timings
    assert timings["predicted_n"] == usage["usage"]["completion_tokens"]
    assert timings["prompt_n"] + timings["cache_n"] == usage["usage"]["prompt_tokens"]
    assert timings["predicted_per_second"] > 0


def test_stream_without_usage_has_no_usage_chunk(api: Running, starter_id: str) -> None:
    reply = http(api.port, "POST", CHAT, {"model": starter_id, "messages": HELLO,
                                          "max_tokens": 3, "stream": True})
    chunks = [json.loads(p) for p in sse_events(reply.body)[:-1]]
    assert all("usage" not in c for c in chunks)
    assert chunks[-1]["choices"][0]["finish_reason"] is not None


def test_whole_answer_and_text_completion(api: Running, starter_id: str) -> None:
    reply = http(api.port, "POST", CHAT, {"model": starter_id, "messages": HELLO,
                                          "max_completion_tokens": 5, "seed": 3})
    assert reply.status == 200
    data = reply.json()
    assert data["object"] == "chat.completion"
    assert data["choices"][0]["message"]["role"] == "assistant"
    assert data["choices"][0]["message"]["content"]
    assert data["usage"]["completion_tokens"] <= 5
    assert data["timings"]["predicted_n"] == data["usage"]["completion_tokens"]
    text = http(api.port, "POST", "/v1/completions", {
        "model": starter_id, "prompt": "The capital of France is", "max_tokens": 4,
        "temperature": 0})
    assert text.status == 200
    answer = text.json()
    assert answer["object"] == "text_completion"
    # A plain completion continues the text as it is: no chat template, leading space kept.
    assert "Paris" in answer["choices"][0]["text"]
    assert answer["choices"][0]["text"].startswith(" ")


def test_prefix_reuse_across_requests(api: Running, starter_id: str) -> None:
    """A request that extends an earlier one evaluates only the new tokens."""
    first = http(api.port, "POST", CHAT, {
        "model": starter_id, "max_tokens": 6,
        "messages": [{"role": "system", "content": "You answer briefly."},
                     {"role": "user", "content": "What is two plus two?"}],
    }).json()
    reply = first["choices"][0]["message"]["content"]
    second = http(api.port, "POST", CHAT, {
        "model": starter_id, "max_tokens": 6,
        "messages": [{"role": "system", "content": "You answer briefly."},
                     {"role": "user", "content": "What is two plus two?"},
                     {"role": "assistant", "content": reply},
                     {"role": "user", "content": "And three plus three?"}],
    }).json()
    timings = second["timings"]
    assert timings["cache_n"] >= first["usage"]["prompt_tokens"]
    assert timings["prompt_n"] < 30
    assert second["usage"]["prompt_tokens_details"]["cached_tokens"] == timings["cache_n"]


@pytest.mark.parametrize(("body", "param"), [
    ({"messages": "hi"}, "messages"),
    ({"messages": []}, "messages"),
    ({"messages": [{"role": "wizard", "content": "x"}]}, "messages[0].role"),
    ({"messages": [{"role": "user", "content": 5}]}, "messages[0].content"),
    ({"messages": HELLO, "temperature": 99}, "temperature"),
    ({"messages": HELLO, "top_p": "high"}, "top_p"),
    ({"messages": HELLO, "max_tokens": 0}, "max_tokens"),
    ({"messages": HELLO, "max_tokens": 10**9}, "max_tokens"),
    ({"messages": HELLO, "n": 2}, "n"),
    ({"messages": HELLO, "stop": ["a"] * 40}, "stop"),
    ({"messages": [{"role": "user", "content": [{"type": "image_url"}]}]},
     "messages[0].content"),
])
def test_invalid_fields_are_named(api: Running, body: dict[str, Any], param: str) -> None:
    reply = http(api.port, "POST", CHAT, body)
    assert reply.status == 400, reply.body
    error = reply.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["param"] == param, error
    assert param.split("[")[0] in error["message"]


def test_not_json_and_unknown_model_and_route(api: Running) -> None:
    bad = http(api.port, "POST", CHAT, raw=b"{not json")
    assert bad.status == 400
    assert bad.json()["error"]["code"] == "invalid_json"
    assert http(api.port, "POST", CHAT, raw=b"[1, 2]").status == 400
    unknown = http(api.port, "POST", CHAT, {"model": "/etc/passwd", "messages": HELLO})
    assert unknown.status == 404
    assert unknown.json()["error"]["param"] == "model"
    assert "smollm2-135m-instruct.q4_1" in unknown.json()["error"]["message"]
    route = http(api.port, "GET", "/v1/nothing")
    assert route.status == 404
    assert "error" in route.json()
    assert http(api.port, "GET", CHAT).status == 405


def test_prompt_too_long_is_a_400(api: Running, starter_id: str) -> None:
    long = "lorem ipsum " * 2000  # far past the 1,024-token context
    reply = http(api.port, "POST", CHAT, {"model": starter_id,
                                          "messages": [{"role": "user", "content": long}]})
    assert reply.status == 400
    assert reply.json()["error"]["code"] == "context_length_exceeded"


def test_key_is_required_and_checked(api: Running) -> None:
    missing = http(api.port, "GET", "/v1/models", key=None)
    assert missing.status == 401
    assert missing.json()["error"]["code"] == "invalid_api_key"
    assert missing.headers["www-authenticate"] == "Bearer"
    assert http(api.port, "GET", "/v1/models", key="sk-wrong").status == 401
    assert http(api.port, "POST", CHAT, HELLO, key=KEY[:-1]).status == 401
    # /health needs no key, as llama-server's, and names nothing.
    health = http(api.port, "GET", "/health", key=None)
    assert health.status == 200
    assert set(health.json()) == {"status", "busy", "waiting"}


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.nip.io:8181", "localhost.evil",
                                  "192.168.1.10"])
def test_dns_rebinding_hosts_are_refused(api: Running, host: str) -> None:
    reply = http(api.port, "GET", "/v1/models", headers={"Host": host})
    assert reply.status == 403
    assert reply.json()["error"]["code"] == "host_not_allowed"


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]"])
def test_local_hosts_are_served(api: Running, host: str) -> None:
    reply = http(api.port, "GET", "/v1/models", headers={"Host": f"{host}:{api.port}"})
    assert reply.status == 200


def test_browsers_are_refused_unless_allowed(api: Running) -> None:
    page = {"Origin": "http://evil.example"}
    assert http(api.port, "GET", "/v1/models", headers=page).status == 403
    preflight = http(api.port, "OPTIONS", CHAT, key=None, headers={
        **page, "Access-Control-Request-Method": "POST"})
    assert preflight.status == 403
    assert "access-control-allow-origin" not in preflight.headers


def test_allowed_origin_gets_cors(tmp_path: Path, smollm_path: str) -> None:
    origin = "http://localhost:3000"
    with running_server(tmp_path, [smollm_path], cors_origins=(origin,)) as running:
        preflight = http(running.port, "OPTIONS", CHAT, key=None, headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type"})
        assert preflight.status == 200
        assert preflight.headers["access-control-allow-origin"] == origin
        reply = http(running.port, "GET", "/v1/models", headers={"Origin": origin})
        assert reply.status == 200
        assert reply.headers["access-control-allow-origin"] == origin
        assert http(running.port, "GET", "/v1/models",
                    headers={"Origin": "http://localhost:3001"}).status == 403


def test_body_size_limit(api: Running) -> None:
    from app.api.server import MAX_BODY_BYTES

    big = b'{"messages": "' + b"x" * (MAX_BODY_BYTES + 10) + b'"}'
    assert http(api.port, "POST", CHAT, raw=big).status == 413
    # Without a Content-Length (chunked), the limit holds while the body is read.
    conn = HTTPConnection("127.0.0.1", api.port, timeout=60)
    conn.putrequest("POST", CHAT)
    conn.putheader("Authorization", f"Bearer {KEY}")
    conn.putheader("Transfer-Encoding", "chunked")
    conn.endheaders()
    piece = b"x" * 1_000_000
    try:
        for _ in range(MAX_BODY_BYTES // len(piece) + 2):
            conn.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        conn.send(b"0\r\n\r\n")
    except OSError:
        pass  # the server may close the connection as soon as it has answered
    assert conn.getresponse().status == 413
    conn.close()


def _open_stream(port: int, body: dict[str, Any]) -> tuple[socket.socket, bytes]:
    """Send a streaming request on a raw socket; returns it with what arrived first."""
    data = json.dumps(body).encode()
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    sock.sendall(
        f"POST {CHAT} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {KEY}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n".encode() + data)
    received = b""
    while received.count(b"data: ") < 3:
        chunk = sock.recv(65536)
        assert chunk, received
        received += chunk
    return sock, received


def _wait_idle(api: Running, timeout: float = 30) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        status = api.scheduler.status()
        if status.running is None and not status.waiting_api and not status.waiting_window:
            return time.monotonic() - started
        time.sleep(0.01)
    raise AssertionError("the scheduler never became idle")


def _tokens_received(received: bytes, events: list[Any]) -> int:
    """How many of the generated tokens reached the client (whose text it received)."""
    text = "".join(
        choice["delta"].get("content") or ""
        for line in received.split(b"\n") if line.startswith(b"data: {")
        for choice in json.loads(line[6:])["choices"]
    )
    count, covered = 0, 0
    for event in events:
        if isinstance(event, Token):
            if covered + len(event.text) > len(text):
                break
            covered += len(event.text)
            count += event.n
    return count


def test_disconnect_cancels_the_generation(api: Running, starter_id: str) -> None:
    _wait_idle(api)
    runs_before = len(api.client.runs)
    sock, received = _open_stream(api.port, {
        "model": starter_id, "messages": [{"role": "user", "content": "Count to a thousand."}],
        "max_tokens": 900, "stream": True, "temperature": 0.8, "seed": 1})
    time.sleep(0.3)
    sock.setblocking(False)
    with contextlib.suppress(BlockingIOError):
        while chunk := sock.recv(1 << 20):
            received += chunk
    sock.close()
    took = _wait_idle(api)
    assert took < 3.0
    _request, events = api.client.runs[runs_before]
    done = events[-1]
    assert isinstance(done, Done)
    assert done.stop_reason == "user"
    generated = sum(e.n for e in events if isinstance(e, Token))
    assert generated < 900
    sent = _tokens_received(received, events)
    # The host moved on within a chunk or two of the disconnect (one may be held in the
    # host's batching window, one on its way through the pipe and the socket), not at the
    # length limit.
    bound = 2 * (STREAM_BATCH_MS / 1000 * done.stats.decode_tps + 1) + 2
    assert generated - sent <= bound, (generated, sent, bound)
    # The next request is served at once.
    assert http(api.port, "POST", CHAT, {"model": starter_id, "messages": HELLO,
                                         "max_tokens": 2}).status == 200


def test_queue_past_its_bound_gets_503(tmp_path: Path, smollm_path: str) -> None:
    with running_server(tmp_path, [smollm_path], queue_limit=1) as running:
        model = next(iter(running.ids))
        long = {"model": model, "messages": [{"role": "user", "content": "Tell a story."}],
                "max_tokens": 400, "stream": True, "temperature": 0.8, "seed": 2}
        first, _ = _open_stream(running.port, long)  # running
        results: list[int] = []
        waiter = threading.Thread(target=lambda: results.append(
            http(running.port, "POST", CHAT, {**long, "stream": False, "max_tokens": 2}).status))
        waiter.start()
        deadline = time.monotonic() + 10
        while running.scheduler.status().waiting_api < 1:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        refused = http(running.port, "POST", CHAT, {**long, "stream": False})
        assert refused.status == 503
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.json()["error"]["code"] == "queue_full"
        first.close()
        waiter.join(60)
        assert results == [200]
        assert running.server.status().requests_failed >= 1


def test_model_switch_by_request(tmp_path: Path, smollm_path: str, gemma_path: str) -> None:
    with running_server(tmp_path, [smollm_path, gemma_path]) as running:
        smollm, gemma = (i for i in running.ids if "smollm" in i), (
            i for i in running.ids if "gemma" in i)
        smollm_id, gemma_id = next(smollm), next(gemma)
        for model in (smollm_id, gemma_id, smollm_id):
            reply = http(running.port, "POST", "/v1/completions", {
                "model": model, "prompt": "Once upon a time", "max_tokens": 3})
            assert reply.status == 200, reply.body
            assert reply.json()["model"] == model
            assert running.scheduler.status().model_path == running.ids[model]
        loads = [r.model_path for r, events in running.client.runs
                 if any(type(e).__name__ == "Loaded" for e in events)]
        assert loads == [running.ids[smollm_id], running.ids[gemma_id], running.ids[smollm_id]]


def _fuzzed(rng: random.Random, depth: int = 0) -> Any:
    kinds = ["int", "float", "str", "bool", "null", "list", "dict"]
    kind = rng.choice(kinds if depth < 3 else kinds[:5])
    if kind == "int":
        return rng.choice([0, -1, 1, 2**63, -(2**70), rng.randint(-1000, 1000)])
    if kind == "float":
        return rng.choice([0.5, -1e308, 1e308, 3.7, -0.0])
    if kind == "str":
        return rng.choice(["", "user", "assistant", "system", "\u0000", "é" * 50, "{",
                           "<|im_start|>", "\ud800"[:0] + "🙂", "x" * 300])
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "null":
        return None
    if kind == "list":
        return [_fuzzed(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(["role", "content", "messages", "stop", "model", "type", "text",
                        "max_tokens", "stream"]): _fuzzed(rng, depth + 1)
            for _ in range(rng.randint(0, 3))}


def test_fuzzed_bodies_never_crash_anything(api: Running, starter_id: str) -> None:
    rng = random.Random(20261201)
    assert http(api.port, "POST", CHAT, {"model": starter_id, "messages": HELLO,
                                         "max_tokens": 1}).status == 200
    pid = api.scheduler.pid
    assert pid is not None
    fields = ["messages", "model", "max_tokens", "temperature", "top_p", "top_k", "min_p",
              "stop", "stream", "seed", "n", "stream_options", "frequency_penalty",
              "prompt", "max_completion_tokens"]
    statuses: set[int] = set()
    for i in range(250):
        body: dict[str, Any] = {"model": starter_id, "messages": HELLO, "max_tokens": 2}
        for name in rng.sample(fields, rng.randint(1, 4)):
            body[name] = _fuzzed(rng)
        if i % 10 == 0:
            raw = json.dumps(body).encode()
            cut = rng.randint(0, len(raw))
            payload = raw[:cut] + bytes([rng.randint(0, 255)]) + raw[cut + 1:]
            reply = http(api.port, "POST", rng.choice([CHAT, "/v1/completions"]), raw=payload)
        else:
            reply = http(api.port, "POST", rng.choice([CHAT, "/v1/completions"]), body)
        statuses.add(reply.status)
        assert reply.status in (200, 400, 404), (body, reply.body)
        if reply.status != 200:
            assert reply.json()["error"]["message"]
    assert 400 in statuses
    deeply = b"[" * 100_000 + b"]" * 100_000
    assert http(api.port, "POST", CHAT, raw=deeply).status == 400
    assert http(api.port, "GET", "/health").json()["status"] == "ok"
    assert api.scheduler.pid == pid  # the host never crashed
    assert api.scheduler.status().served[Source.API] > 0


def test_lifecycle_never_waits_and_restarts_on_its_port(tmp_path: Path, smollm_path: str
                                                        ) -> None:
    from app.api.server import ServerState

    with running_server(tmp_path, [smollm_path]) as running:
        server = running.server
        started = time.monotonic()
        server.start()  # a restart: the new thread waits for the old one to let go
        assert time.monotonic() - started < 0.5
        status = server.wait_started()
        assert status.state is ServerState.RUNNING, status
        assert http(running.port, "GET", "/health").status == 200
        # A second server on the same port fails with a reason, and the first goes on.
        other = type(server)(running.scheduler, running.library, lambda: running.settings,
                             KEY)
        other.start()
        failed = other.wait_started()
        assert failed.state is ServerState.FAILED
        assert f"Could not listen on 127.0.0.1:{running.port}" in failed.error
        assert http(running.port, "GET", "/health").status == 200
        server.stop()
        assert server.status().state is ServerState.OFF
        assert server.status().url == ""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                http(running.port, "GET", "/health", timeout=1)
            except OSError:
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the server still answers after stop()")


def test_stopping_the_server_cancels_its_streams(tmp_path: Path, smollm_path: str) -> None:
    with running_server(tmp_path, [smollm_path]) as running:
        model = next(iter(running.ids))
        sock, _ = _open_stream(running.port, {
            "model": model, "messages": [{"role": "user", "content": "Tell a long story."}],
            "max_tokens": 900, "stream": True, "temperature": 0.8, "seed": 5})
        running.server.stop()
        assert _wait_idle(running, timeout=10) < 10
        sock.close()
        done = running.client.runs[-1][1][-1]
        assert isinstance(done, Done) and done.stop_reason == "user"


@pytest.mark.parametrize("model", ["smollm2-135m", "odd \ue000 \"name\""])
@pytest.mark.parametrize("chat", [True, False])
def test_text_chunks_are_rendered_as_a_whole_chunk_would_be(model: str, chat: bool) -> None:
    from app.api.responses import Answer, sse

    answer = Answer(model=model, chat=chat, include_usage=True)
    for text in ["Hello", "", "quote \" back\\slash \n new\u2028line \ue000 ünï 🙂", "</script>"]:
        whole = sse(answer._chunk(answer._choice(text, None)))
        assert answer.text_chunk(text) == whole
        assert json.loads(answer.text_chunk(text)[6:])["model"] == model


def test_unset_sampling_follows_the_model_then_the_users_choices(
    api: Running, starter_id: str, smollm_path: str,
) -> None:
    from app.models.recommended import model_recommendation

    recommended = model_recommendation(smollm_path, api.settings.load).values
    assert recommended.get("repeat_penalty", 1.0) != 1.0  # SmolLM2's: the case to tell apart
    assert http(api.port, "POST", CHAT, {"model": starter_id, "messages": HELLO,
                                         "max_tokens": 2}).status == 200
    sampling = api.client.runs[-1][0].sampling
    # What the request leaves unset: the model's recommendation, except what the user chose
    # in Slice (the test settings choose temperature 0), as in a chat in the window.
    assert sampling.repeat_penalty == recommended["repeat_penalty"]
    assert sampling.temperature == 0.0 != recommended.get("temperature", 0.0)
    assert sampling.max_tokens == 2
    # What the request sets beats both.
    assert http(api.port, "POST", CHAT, {"model": starter_id, "messages": HELLO, "max_tokens": 2,
                                         "repeat_penalty": 1.0, "temperature": 0.5}).status == 200
    sampling = api.client.runs[-1][0].sampling
    assert (sampling.repeat_penalty, sampling.temperature) == (1.0, 0.5)


@pytest.fixture(scope="module")
def thinker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """A server over a tiny random model whose template opens a thinking block."""
    from tests.gguf_factory import write_tiny_model
    from tests.test_reasoning import THINKING_TEMPLATE

    folder = tmp_path_factory.mktemp("thinker")
    model = write_tiny_model(folder / "thinker.gguf", chat_template=THINKING_TEMPLATE)
    with running_server(folder / "server", [str(model)]) as running:
        yield running


def test_a_thinking_models_thoughts_come_as_reasoning_content(thinker: Running) -> None:
    model = next(iter(thinker.ids))
    body = {"model": model, "messages": HELLO, "max_tokens": 12, "stream": True}
    reply = http(thinker.port, "POST", CHAT, body)
    assert reply.status == 200
    chunks = [json.loads(e) for e in sse_events(reply.body)[:-1]]
    deltas = [c["choices"][0]["delta"] for c in chunks if c["choices"]]
    # The random model never closes the block its template opened: all it wrote is
    # thinking, streamed as llama-server streams it, apart from the (empty) answer.
    thought = "".join(d.get("reasoning_content", "") for d in deltas)
    assert thought.strip()
    assert "".join(d.get("content") or "" for d in deltas) == ""
    assert "<think>" not in thought and "</think>" not in thought
    whole = http(thinker.port, "POST", CHAT, {**body, "stream": False}).json()
    message = whole["choices"][0]["message"]
    assert message["reasoning_content"] == thought  # greedy: the same thoughts
    assert message["content"] == ""
    # A plain completion is the model's raw text: no thinking is told apart.
    text = http(thinker.port, "POST", "/v1/completions", {
        "model": model, "prompt": "Hi", "max_tokens": 4}).json()
    assert "reasoning_content" not in text["choices"][0]

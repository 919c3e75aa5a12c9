"""The window and the API share one model: a window reply and an API stream at once both
complete with their own text; the window's Stop never stops an API request."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.chat.bridge import EngineController
from inference.events import ChatMessage, ChatRequest, Done, Sampling
from tests.api_helpers import Running, api_settings, http, running_server, sse_events

QUESTION = [{"role": "user", "content": "Write two sentences about the sea."}]


@pytest.fixture
def api(tmp_path: Path, smollm_path: str) -> Iterator[Running]:
    with running_server(tmp_path, [smollm_path]) as running:
        yield running


def _window_request(running: Running, max_tokens: int) -> ChatRequest:
    settings = api_settings(running.port)
    return ChatRequest(
        model_path=next(iter(running.ids.values())),
        messages=(ChatMessage("user", "Name four fruits, one a line."),),
        load=settings.load,  # the server's: one model, loaded once for both
        sampling=Sampling(temperature=0.0, max_tokens=max_tokens),
        conversation_id="chat-1",
    )


def _window_reply(qtbot: QtBot, controller: EngineController, request: ChatRequest
                  ) -> tuple[int, list[str], list[Done]]:
    parts: list[str] = []
    done: list[Done] = []
    controller.token_received.connect(lambda _rid, text: parts.append(text))
    controller.reply_finished.connect(lambda _rid, event: done.append(event))
    return controller.send(request), parts, done


def _api_stream(running: Running, max_tokens: int) -> str:
    reply = http(running.port, "POST", "/v1/chat/completions", {
        "model": next(iter(running.ids)), "messages": QUESTION, "max_tokens": max_tokens,
        "temperature": 0, "stream": True})
    assert reply.status == 200
    chunks = [json.loads(p) for p in sse_events(reply.body)[:-1]]
    return "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)


def test_window_and_api_at_once_keep_their_texts(qtbot: QtBot, api: Running) -> None:
    controller = EngineController(scheduler=api.scheduler)
    try:
        # Each alone first: what each must say (greedy).
        _rid, parts, done = _window_reply(qtbot, controller, _window_request(api, 40))
        qtbot.waitUntil(lambda: bool(done), timeout=60_000)
        window_alone = "".join(parts)
        api_alone = _api_stream(api, 40)
        assert window_alone and api_alone and window_alone != api_alone

        # Then both at once: the API stream starts first, the window's waits its turn.
        api_text: list[str] = []
        thread = threading.Thread(target=lambda: api_text.append(_api_stream(api, 40)))
        thread.start()
        qtbot.waitUntil(lambda: api.scheduler.status().running is not None, timeout=10_000)
        parts.clear()
        done.clear()
        waiting: list[int] = []
        controller.reply_waiting.connect(lambda _rid, ahead: waiting.append(ahead))
        controller.send(_window_request(api, 40))
        qtbot.waitUntil(lambda: bool(done), timeout=60_000)
        thread.join(60)
        assert "".join(parts) == window_alone
        assert api_text == [api_alone]
        assert done[0].stop_reason in ("end_of_turn", "length")
        assert waiting == [1]  # the window was told it waited for the API request
    finally:
        controller.shutdown()
    assert api.scheduler.status().running is None  # the shared scheduler outlives the window


def test_window_stop_never_stops_an_api_request(qtbot: QtBot, api: Running) -> None:
    controller = EngineController(scheduler=api.scheduler)
    try:
        api_text: list[str] = []
        thread = threading.Thread(target=lambda: api_text.append(_api_stream(api, 60)))
        thread.start()
        qtbot.waitUntil(lambda: api.scheduler.status().running is not None, timeout=10_000)
        _rid, parts, done = _window_reply(qtbot, controller, _window_request(api, 40))
        controller.stop()  # the window's reply, waiting behind the API request
        qtbot.waitUntil(lambda: bool(done), timeout=10_000)
        assert done[0].stop_reason == "user"
        assert parts == []
        thread.join(60)
        assert api_text and api_text[0]
        run = api.client.runs[-1]
        assert run[0].conversation_id.startswith("api-")
        assert run[1][-1].stop_reason in ("end_of_turn", "length")  # type: ignore[attr-defined]
    finally:
        controller.shutdown()

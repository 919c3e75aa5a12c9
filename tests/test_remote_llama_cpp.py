"""The remote client against llama-cpp-python's own OpenAI server (``python -m
llama_cpp.server`` on the starter model, one thread, started here): a server that sends
no usage and no timings, so the figures are measured here and say so."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.remote.client import RemoteClient, list_models, request_body
from app.remote.providers import Provider
from app.remote.refs import RemoteModel
from inference.events import ChatRequest, Done, Event, Loaded, StopReason, Token
from tests.api_helpers import http
from tests.remote_helpers import LLAMA_CPP_MODEL_ID, chat_request, collect, llama_cpp_server

NAME = "llama-cpp-python"
MODEL = RemoteModel(NAME, LLAMA_CPP_MODEL_ID).path
QUESTION = "Name three colours."


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory, smollm_path: str) -> Iterator[int]:
    log = Path(tmp_path_factory.mktemp("llama-cpp-server")) / "server.log"
    with llama_cpp_server(smollm_path, log) as port:
        yield port


@pytest.fixture
def provider(port: int) -> Provider:
    return Provider(NAME, f"http://127.0.0.1:{port}/v1")


def _other_prompt(port: int) -> None:
    """A request on another prompt: the next one starts from no cached prefix. (This
    server's greedy reply to a prompt it evaluates afresh can differ from its reply when it
    reuses the same prompt's cached tokens: the logits differ in the last bits.)"""
    reply = http(port, "POST", "/v1/completions", {"prompt": "Unrelated.", "max_tokens": 1},
                 key=None)
    assert reply.status == 200, reply.body


def _whole(port: int, route: str, request: ChatRequest) -> dict[str, Any]:
    """The same request, not streamed, from the same (empty) cache."""
    _other_prompt(port)
    body = request_body(request, LLAMA_CPP_MODEL_ID)
    del body["stream"], body["stream_options"]
    reply = http(port, "POST", route, body, key=None)
    assert reply.status == 200, reply.body
    data: dict[str, Any] = reply.json()
    return data


def test_streamed_reply_equals_whole_reply_measured_here(port: int, provider: Provider
                                                         ) -> None:
    request = chat_request(MODEL, QUESTION, max_tokens=20)
    _other_prompt(port)
    client = RemoteClient(provider, None)
    text, events = collect(client.chat(request))
    client.close()
    whole = _whole(port, "/v1/chat/completions", request)
    assert text and text == whole["choices"][0]["message"]["content"]
    assert isinstance(events[0], Loaded) and events[0].model.system_info == "uvicorn"
    done = events[-1]
    assert isinstance(done, Done) and done.stop_reason == StopReason.LENGTH
    stats = done.stats
    # No usage and no timings in this server's stream: counted and timed on this side.
    assert (stats.remote, stats.figures) == (NAME, "client")
    assert stats.generated_tokens == sum(isinstance(e, Token) for e in events) == 20
    assert stats.decode_tps > 0 and stats.ttft_s > 0 and stats.decode_ms > 0
    assert stats.prompt_tokens == 0 and stats.context_used == 0
    assert "speeds measured here" in stats.summary()


def test_a_reply_that_ends_by_itself_is_end_of_turn(provider: Provider) -> None:
    client = RemoteClient(provider, None)
    _text, events = collect(client.chat(chat_request(MODEL, "Say only: yes", max_tokens=200)))
    client.close()
    assert isinstance(events[-1], Done) and events[-1].stop_reason == StopReason.END_OF_TURN


def test_text_completion(port: int, provider: Provider) -> None:
    request = dataclasses.replace(chat_request(MODEL, "", max_tokens=8),
                                  prompt="The capital of France is")
    _other_prompt(port)
    client = RemoteClient(provider, None)
    text, events = collect(client.chat(request))
    client.close()
    whole = _whole(port, "/v1/completions", request)
    assert text and text == whole["choices"][0]["text"]
    assert isinstance(events[-1], Done)


def test_stop_within_one_chunk_and_the_server_serves_on(provider: Provider) -> None:
    client = RemoteClient(provider, None)
    events: list[Event] = []
    for event in client.chat(chat_request(MODEL, "Tell a long story.", max_tokens=600)):
        events.append(event)
        if isinstance(event, Token):
            client.cancel()
    client.close()
    assert sum(isinstance(e, Token) for e in events) == 1
    assert isinstance(events[-1], Done) and events[-1].stop_reason == StopReason.USER
    again = RemoteClient(provider, None)
    text, events = collect(again.chat(chat_request(MODEL, QUESTION, max_tokens=4)))
    again.close()
    assert text and isinstance(events[-1], Done)


def test_list_models(provider: Provider) -> None:
    assert list_models(provider, None) == [LLAMA_CPP_MODEL_ID]

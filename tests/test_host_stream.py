"""Streamed tokens through the inference host: grouped writes, nothing held too long."""

from __future__ import annotations

import json
import os
import time
from typing import Any

from inference.events import ChatMessage, ChatRequest, LoadSettings, Sampling, Token
from inference.host import BatchingWriter
from inference.host_client import HostClient


def token(text: str, n: int = 1) -> dict[str, Any]:
    return {"type": "token", "text": text, "n": n, "id": 7}


def events(data: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in data.decode().splitlines()]


def test_held_tokens_go_out_as_one_event_when_their_window_ends() -> None:
    read_fd, write_fd = os.pipe()
    with os.fdopen(write_fd, "w", encoding="utf-8") as out, os.fdopen(read_fd, "rb") as pipe:
        writer = BatchingWriter(out)
        writer.new_reply(0.2)
        writer.write(token("The"))  # nothing written lately: goes at once
        assert events(pipe.read1(1000)) == [token("The")]
        writer.write(token(" quick"))  # held...
        writer.write(token(" brown", n=2))
        # ...until the flusher writes them: one event, so neither went out on its own.
        assert events(pipe.read1(1000)) == [token(" quick brown", n=3)]
        writer.write(token(" fox"))  # held again (the last write was just now)
        writer.write({"type": "done", "id": 7})  # an event that is not a token takes it along
        assert events(pipe.read1(1000)) == [token(" fox"), {"type": "done", "id": 7}]
        writer.new_reply(0.2)  # a new reply's first token never waits
        writer.write(token("Next"))
        assert events(pipe.read1(1000)) == [token("Next")]


def test_a_write_that_fails_in_the_flusher_is_raised_to_the_next_writer() -> None:
    read_fd, write_fd = os.pipe()
    out = os.fdopen(write_fd, "w", encoding="utf-8")
    writer = BatchingWriter(out)
    writer.new_reply(0.05)
    writer.write(token("a"))
    os.close(read_fd)  # the reader is gone
    writer.write(token("b"))  # held; the flusher's write fails
    deadline = time.monotonic() + 5
    raised: BaseException | None = None
    while raised is None and time.monotonic() < deadline:
        try:
            writer.write({"type": "stats", "id": 7})
        except OSError as exc:
            raised = exc
        time.sleep(0.01)
    assert isinstance(raised, BrokenPipeError)


def test_the_host_groups_a_fast_models_tokens_and_sends_the_first_alone(
    smollm_path: str,
) -> None:
    def reply(batch_ms: int) -> list[Token]:
        request = ChatRequest(
            model_path=smollm_path,
            messages=(ChatMessage("user", "Count from one to twenty in words."),),
            load=LoadSettings(n_ctx=1024),
            sampling=Sampling(temperature=0, seed=1, max_tokens=32),
            stream_batch_ms=batch_ms,
        )
        return [e for e in client.chat(request) if isinstance(e, Token)]

    client = HostClient()
    try:
        plain = reply(0)
        reply(0)  # the previous reply ended just now: the next one's first token must not wait
        grouped = reply(1000)
    finally:
        client.close()
    assert "".join(t.text for t in grouped) == "".join(t.text for t in plain)
    assert sum(t.n for t in grouped) == sum(t.n for t in plain) > 8
    assert grouped[0].n == 1  # the first token came on its own...
    assert len(grouped) <= len(plain) // 2  # ...and the rest in a few events

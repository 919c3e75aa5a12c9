"""Streamed tokens through the inference host: grouped writes, nothing held too long."""

from __future__ import annotations

import os
import time

from inference.events import ChatMessage, ChatRequest, LoadSettings, Sampling, Token
from inference.host import BatchingWriter
from inference.host_client import HostClient


def test_a_held_token_is_written_when_its_window_ends_without_another_event() -> None:
    read_fd, write_fd = os.pipe()
    with os.fdopen(write_fd, "w", encoding="utf-8") as out, os.fdopen(read_fd, "rb") as pipe:
        writer = BatchingWriter(out)
        writer.batch_s = 0.2
        writer.write("first\n", token=True)  # nothing written lately: goes at once
        assert pipe.read1(100) == b"first\n"
        started = time.monotonic()
        writer.write("second\n", token=True)  # held...
        writer.write("third\n", token=True)
        arrived = pipe.read1(100)  # ...until the flusher writes both together
        waited = time.monotonic() - started
        assert arrived == b"second\nthird\n"
        assert 0.1 < waited < 5.0
        writer.write("fourth\n", token=True)  # held again (the last write was just now)
        writer.write("done\n", token=False)  # an event that is not a token takes it along
        assert pipe.read1(100) == b"fourth\ndone\n"


def test_a_write_that_fails_in_the_flusher_is_raised_to_the_next_writer() -> None:
    read_fd, write_fd = os.pipe()
    out = os.fdopen(write_fd, "w", encoding="utf-8")
    writer = BatchingWriter(out)
    writer.batch_s = 0.05
    writer.write("a\n", token=True)
    os.close(read_fd)  # the reader is gone
    writer.write("b\n", token=True)  # held; the flusher's write fails
    deadline = time.monotonic() + 5
    raised: BaseException | None = None
    while raised is None and time.monotonic() < deadline:
        try:
            writer.write("c\n", token=False)
        except OSError as exc:
            raised = exc
        time.sleep(0.01)
    assert isinstance(raised, BrokenPipeError)


def test_the_host_groups_a_fast_models_tokens_and_sends_the_first_alone(
    smollm_path: str,
) -> None:
    def reply(batch_ms: int) -> tuple[str, list[float]]:
        request = ChatRequest(
            model_path=smollm_path,
            messages=(ChatMessage("user", "Count from one to twenty in words."),),
            load=LoadSettings(n_ctx=1024),
            sampling=Sampling(temperature=0, seed=1, max_tokens=32),
            stream_batch_ms=batch_ms,
        )
        text, arrivals = "", []
        for event in client.chat(request):
            if isinstance(event, Token):
                text += event.text
                arrivals.append(time.perf_counter())
        return text, arrivals

    client = HostClient()
    try:
        plain, _ = reply(0)
        grouped, arrivals = reply(1000)
    finally:
        client.close()
    assert grouped == plain and len(arrivals) > 8
    # Tokens of one write are parsed back to back; a new write starts a new group.
    starts = [0] + [i for i in range(1, len(arrivals)) if arrivals[i] - arrivals[i - 1] > 0.002]
    assert starts[1] == 1, starts  # the first token came on its own...
    assert len(starts) <= len(arrivals) // 2, starts  # ...and the rest in a few writes

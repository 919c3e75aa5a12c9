"""The inference host: a child process that owns the model.

llama.cpp calls ``abort()`` on some malformed files, unsupported tensors and device
out-of-memory; in the GUI process that would take the whole app down. The host runs the
:class:`~inference.engine.Engine` in its own process and speaks the JSON-lines protocol of
:mod:`inference.protocol`: commands on stdin, events on the original stdout.

Anything else written to stdout (by a library) is redirected to stderr, which the
supervisor (:mod:`inference.host_client`) keeps to explain a crash.

Run with ``python -m inference.host``, or ``slice-chat --inference-host`` in a frozen build.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import queue
import sys
import threading
import time
from typing import IO, Any

from inference.events import (
    Done,
    ErrorKind,
    Failed,
    Stats,
    StopReason,
)
from inference.held_histories import HeldHistories
from inference.protocol import (
    Command,
    Op,
    ProtocolError,
    decode_command,
    encode_payloads,
    event_payload,
    history_missing_payload,
    is_token,
    merge_tokens,
)


class BatchingWriter:
    """Writes protocol events; streamed tokens may wait up to ``batch_s`` to travel together.

    A token is written at once when none was written in the last ``batch_s``; otherwise it is
    held, and a flusher thread writes everything held when that window ends (or the next
    event that is not a token carries it along). Held tokens go out as one token event (their
    texts joined, their counts added). So no token waits longer than ``batch_s``, the first
    token of a reply never waits, and a fast model's tokens cost the GUI process one read,
    one parse and one signal per window instead of per token.
    """

    def __init__(self, out: IO[str]) -> None:
        self._out = out
        self._lock = threading.Condition()
        self._held: list[dict[str, Any]] = []
        self._last_token = -1e9
        self.batch_s = 0.0
        self._error: BaseException | None = None
        threading.Thread(target=self._flusher, daemon=True, name="host-writer").start()

    def new_reply(self, batch_s: float) -> None:
        """Start a reply: its first token goes out at once, later ones may wait ``batch_s``."""
        with self._lock:
            self.batch_s = batch_s
            self._last_token = -1e9

    def write(self, payload: dict[str, Any]) -> None:
        """Write one event (a dict with ``type``), or hold it if it is a token."""
        token = is_token(payload)
        with self._lock:
            if self._error is not None:
                raise self._error
            now = time.monotonic()
            if token and (self._held or now - self._last_token < self.batch_s):
                self._held.append(payload)
                self._lock.notify()
                return
            if token:
                self._last_token = now
            self._held.append(payload)
            self._flush_locked()

    def _flush_locked(self) -> None:
        merged = merge_tokens(self._held)
        self._held.clear()
        self._out.write(encode_payloads(merged))
        self._out.flush()

    def _flusher(self) -> None:
        with self._lock:
            while True:
                while not self._held:
                    self._lock.wait()
                due = self._last_token + self.batch_s
                while self._held and (now := time.monotonic()) < due:
                    self._lock.wait(due - now)
                if self._held:
                    self._last_token = time.monotonic()
                    try:
                        self._flush_locked()
                    except (OSError, ValueError) as exc:  # the supervisor is gone
                        self._error = exc
                        self._held.clear()


class _Host:
    def __init__(self, out: IO[str]) -> None:
        from inference.engine import Engine  # imported here: loading llama.cpp takes time

        self._out = BatchingWriter(out)
        self._engine = Engine()
        self._requests: queue.Queue[Command | None] = queue.Queue()
        self._lock = threading.Lock()
        self._current = 0
        self._cancelled: set[int] = set()
        self._histories = HeldHistories()  # each conversation's last request, for deltas

    def read_commands(self, stream: IO[str]) -> None:
        """Reader thread: queue chat requests, act on cancels at once."""
        for line in stream:
            try:
                command = decode_command(line)
            except ProtocolError as exc:
                print(f"inference host: {exc}", file=sys.stderr)
                if exc.request_id:  # the supervisor waits for an answer to this id
                    self._out.write(event_payload(exc.request_id, Failed(
                        error=ErrorKind.BAD_REQUEST, message=f"The model process could not read "
                        f"the request: {exc}")))
                continue
            if command.op is Op.CANCEL:
                with self._lock:
                    if command.request_id == self._current:
                        self._engine.cancel()
                    else:
                        self._cancelled.add(command.request_id)
            elif command.op in (Op.CHAT, Op.FORGET):
                self._requests.put(command)  # in turn: the engine serves one thing at a time
            elif command.op is Op.EXIT:
                break
        # The supervisor closed the pipe or asked us to leave: stop whatever runs.
        self._engine.cancel()
        self._requests.put(None)

    def serve(self) -> None:
        while (command := self._requests.get()) is not None:
            if command.op is Op.FORGET:
                self._engine.forget(command.conversations)
                self._histories.forget(command.conversations)
                continue
            request_id, request = command.request_id, command.request
            assert request is not None  # a chat command always carries its request
            with self._lock:
                self._current = request_id
                skip = request_id in self._cancelled
                self._cancelled.discard(request_id)
            if skip:
                self._out.write(event_payload(request_id, Done(stop_reason=StopReason.USER,
                                                                stats=Stats())))
                continue
            if command.prefix is not None:
                full = self._histories.resolve(request, command.prefix)
                if full is None:  # the supervisor sends the whole conversation again
                    with self._lock:
                        self._current = 0
                    self._out.write(history_missing_payload(request_id))
                    continue
                request = full
            self._histories.remember(request)
            self._out.new_reply(max(0, request.stream_batch_ms) / 1000)
            for event in self._engine.stream_chat(request):
                self._out.write(event_payload(request_id, event))
            with self._lock:
                self._current = 0
        self._engine.close()


def main() -> int:
    """Entry point of the host process."""
    # Keep the protocol on a private copy of stdout; stray prints go to stderr.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8", buffering=1)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    faulthandler.enable()
    # The supervisor keeps stderr in the host's log file (and its tail to explain a crash).
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from inference.llama_log import LOG

    LOG.echo_to_stderr = True
    host = _Host(out)
    stdin = open(sys.stdin.fileno(), encoding="utf-8", closefd=False)  # noqa: SIM115
    threading.Thread(target=host.read_commands, args=(stdin,), daemon=True).start()
    try:
        host.serve()
    except BrokenPipeError:
        return 0  # the supervisor is gone
    return 0


if __name__ == "__main__":
    sys.exit(main())

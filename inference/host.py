"""The inference host: a child process that owns the model.

llama.cpp calls ``abort()`` on some malformed files, unsupported tensors and device
out-of-memory; in the GUI process that would take the whole app down. The host runs the
:class:`~inference.engine.Engine` in its own process and speaks JSON lines:

- in, on stdin: ``{"op": "chat", "id": N, "request": {...}}``, ``{"op": "cancel", "id": N}``,
  ``{"op": "exit"}``;
- out, on the original stdout: one event per line, ``{"id": N, "type": ..., ...}``.

Anything else written to stdout (by a library) is redirected to stderr, which the
supervisor (:mod:`inference.host_client`) keeps to explain a crash.

Run with ``python -m inference.host``, or ``slice-chat --inference-host`` in a frozen build.
"""

from __future__ import annotations

import faulthandler
import json
import os
import queue
import sys
import threading
import time
from typing import IO, Any

HOST_FLAG = "--inference-host"
# Starts the stderr line that carries llama.cpp's last words before an abort
# (written by inference.llama_log, read by inference.host_client).
ABORT_PREFIX = "llama.cpp abort: "


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
        token = payload.get("type") == "token"
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
        merged: list[dict[str, Any]] = []
        for payload in self._held:
            last = merged[-1] if merged else None
            if (
                last is not None and last.get("type") == payload.get("type") == "token"
                and last.get("id") == payload.get("id")
            ):
                last["text"] += payload["text"]
                last["n"] = last.get("n", 1) + payload.get("n", 1)
            else:
                merged.append(dict(payload))
        self._held.clear()
        self._out.write("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in merged))
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
        self._requests: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._lock = threading.Lock()
        self._current = 0
        self._cancelled: set[int] = set()

    def send(self, request_id: int, payload: dict[str, Any]) -> None:
        payload["id"] = request_id
        self._out.write(payload)

    def read_commands(self, stream: IO[str]) -> None:
        """Reader thread: queue chat requests, act on cancels at once."""
        for line in stream:
            try:
                command = json.loads(line)
            except json.JSONDecodeError:
                print(f"inference host: ignoring a malformed command: {line!r}", file=sys.stderr)
                continue
            op = command.get("op")
            if op == "cancel":
                with self._lock:
                    if command.get("id") == self._current:
                        self._engine.cancel()
                    else:
                        self._cancelled.add(int(command.get("id", 0)))
            elif op == "chat":
                self._requests.put(command)
            elif op == "exit":
                break
        # The supervisor closed the pipe or asked us to leave: stop whatever runs.
        self._engine.cancel()
        self._requests.put(None)

    def serve(self) -> None:
        from inference.events import STOP_USER, ChatRequest, Done, Stats

        while (command := self._requests.get()) is not None:
            request_id = int(command["id"])
            with self._lock:
                self._current = request_id
                skip = request_id in self._cancelled
                self._cancelled.discard(request_id)
            if skip:
                self.send(request_id, Done(stop_reason=STOP_USER, stats=Stats()).to_dict())
                continue
            request = ChatRequest.from_dict(command["request"])
            self._out.new_reply(max(0, request.stream_batch_ms) / 1000)
            for event in self._engine.stream_chat(request):
                self.send(request_id, event.to_dict())
            with self._lock:
                self._current = 0
        self._engine.close()


def main() -> int:
    """Entry point of the host process."""
    # Keep the protocol on a private copy of stdout; stray prints go to stderr.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8", buffering=1)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    faulthandler.enable()
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

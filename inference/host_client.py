"""Supervise the inference host process and turn its death into a clear error.

:class:`HostClient` starts the host on first use, sends it one request at a time and yields
its events. If the host dies (abort, segfault, kill, out of memory), the reply ends with a
:class:`~inference.events.Failed` event that says what happened, and the next request starts
a fresh host. Used by the GUI's worker thread and by the CLI alike.
"""

from __future__ import annotations

import contextlib
import itertools
import signal
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from inference.device_memory import device_memory_failure, gpu_out_of_memory
from inference.events import (
    ChatRequest,
    Done,
    ErrorKind,
    Event,
    Failed,
    Loaded,
    Loading,
    Stats,
    StopReason,
)
from inference.held_histories import HeldHistories
from inference.llama_native import child_env
from inference.protocol import (
    ABORT_PREFIX,
    HOST_FLAG,
    Command,
    HistoryMissing,
    Op,
    ProtocolError,
    decode_event,
    encode_command,
)

# A host that has not answered a Stop within this time is killed.
CANCEL_GRACE_S = 5.0
# A host asked to exit first writes its cached conversations to disk (hundreds of MB at
# most, by the default budgets); one that takes longer than this is killed.
EXIT_GRACE_S = 10.0
_STDERR_LINES = 40


def host_command() -> list[str]:
    """How to start the host: the frozen app with a flag, or this Python with ``-m``."""
    if getattr(sys, "frozen", False):
        return [sys.executable, HOST_FLAG]
    return [sys.executable, "-m", "inference.host"]


def describe_exit(
    returncode: int, stderr_tail: str, model_path: str, loading: bool, n_gpu_layers: int
) -> Failed:
    """A user-facing explanation of the host's death (``n_gpu_layers``: what it loaded with)."""
    where = f"while loading '{model_path}'" if loading else "while generating"
    detail = _interesting_line(stderr_tail)
    device_line = device_memory_failure(stderr_tail, offloaded=False)
    if device_line:  # CUDA aborts on a failed allocation inside a decode
        return gpu_out_of_memory(model_path, n_gpu_layers, device_line,
                                 died_while="loading" if loading else "generating")
    if returncode < 0:
        signum = -returncode
        try:
            name = signal.Signals(signum).name
        except ValueError:
            name = f"signal {signum}"
        if signum == signal.SIGKILL:
            return Failed(
                error=ErrorKind.OUT_OF_MEMORY if loading else ErrorKind.HOST_CRASHED,
                message=f"The model process was killed {where} (SIGKILL): the system may have "
                "run out of memory, or another program ended it. Send again to restart it; "
                "if it repeats, lower the context size or pick a smaller model.",
                path=model_path,
            )
        if signum == signal.SIGABRT:
            reason = f": {detail}" if detail else ""
            hint = (
                " The file may be corrupt or use features this llama.cpp does not support."
                if loading
                else ""
            )
            return Failed(
                error=ErrorKind.HOST_CRASHED,
                message=f"llama.cpp aborted {where}{reason}.{hint} Send again to restart it.",
                path=model_path,
            )
        reason = f" ({detail})" if detail else ""
        return Failed(
            error=ErrorKind.HOST_CRASHED,
            message=f"The model process crashed {where} ({name}){reason}. "
            "Send again to restart it.",
            path=model_path,
        )
    reason = f": {detail}" if detail else ""
    return Failed(
        error=ErrorKind.HOST_CRASHED,
        message=f"The model process exited unexpectedly {where} (exit code {returncode})"
        f"{reason}. Send again to restart it.",
        path=model_path,
    )


def _interesting_line(stderr_tail: str) -> str:
    lines = [line.strip() for line in stderr_tail.splitlines() if line.strip()]
    # llama.cpp's own reason for an abort (see inference.llama_log) says the most.
    for line in reversed(lines):
        if line.startswith(ABORT_PREFIX):
            return line.removeprefix(ABORT_PREFIX)[:300]
    for marker in ("GGML_ASSERT", "error", "Error", "failed", "llama.cpp:"):
        for line in reversed(lines):
            if marker in line and not line.startswith(("File ", "Thread ", "Current thread")):
                return line[:300]
    return lines[-1][:300] if lines else ""


class HostClient:
    """Runs requests on the inference host process; restarts it after a death.

    :meth:`chat` blocks and is meant for one worker thread; :meth:`cancel` and
    :meth:`close` may be called from any thread.
    """

    def __init__(self, log_path: Path | None = None) -> None:
        self._log_path = log_path
        self._proc: subprocess.Popen[str] | None = None
        self._stderr: deque[str] = deque(maxlen=_STDERR_LINES)
        # llama.cpp's reason for an abort, kept apart from the tail: Python's fatal-error
        # dump that follows it (a stack per thread, the extension modules) can be longer
        # than the tail.
        self._abort_line = ""
        self._stderr_thread: threading.Thread | None = None
        self._write_lock = threading.Lock()
        self._ids = itertools.count(1)
        self._current = 0
        self._watchdog: threading.Timer | None = None
        self._loading = False  # the current request is loading its model
        self._stopped_by_kill = False  # the host was ended to carry out a Stop
        # What the running host holds of each conversation: a turn sends only what is new.
        self._held = HeldHistories()
        #: Chat commands sent, by kind: "full", "delta" (new messages only) and "resent"
        #: (the whole conversation again, after the host did not hold the prefix).
        self.sent = {"full": 0, "delta": 0, "resent": 0}

    @property
    def pid(self) -> int | None:
        """The host's process id, or None when it is not running."""
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    def _start(self) -> subprocess.Popen[str]:
        env = child_env()  # SLICE_ENGINE_PATH's llama_cpp first, when it names one
        env["PYTHONUNBUFFERED"] = "1"
        proc = subprocess.Popen(
            host_command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=env,
            start_new_session=True,  # a Ctrl+C in a terminal reaches us, not the host directly
        )
        self._stderr.clear()
        self._abort_line = ""
        self._held.clear()  # a new host holds no conversation
        assert proc.stderr is not None
        self._stderr_thread = threading.Thread(
            target=self._drain_stderr, args=(proc.stderr,), daemon=True
        )
        self._stderr_thread.start()
        return proc

    def _drain_stderr(self, stream: IO[str]) -> None:
        log = None
        if self._log_path is not None:
            try:
                self._log_path.parent.mkdir(parents=True, exist_ok=True)
                log = self._log_path.open("a", encoding="utf-8")
            except OSError:
                log = None
        try:
            for line in stream:
                self._stderr.append(line.rstrip("\n"))
                if line.startswith(ABORT_PREFIX):
                    self._abort_line = line.rstrip("\n")
                if log is not None:
                    log.write(line)
                    log.flush()
        finally:
            if log is not None:
                log.close()

    def _send(self, command: Command) -> bool:
        with self._write_lock:
            proc = self._proc
            if proc is None or proc.stdin is None:
                return False
            try:
                proc.stdin.write(encode_command(command))
                proc.stdin.flush()
                return True
            except (BrokenPipeError, OSError, ValueError):
                return False

    def chat(self, request: ChatRequest) -> Iterator[Event]:
        """Run ``request`` on the host and yield its events, ending with Done or Failed."""
        if self._proc is None or self._proc.poll() is not None:
            self._reap()
            try:
                self._proc = self._start()
            except OSError as exc:
                yield Failed(
                    error=ErrorKind.HOST_CRASHED,
                    message=f"Could not start the model process: {exc}",
                    path=request.model_path,
                )
                return
        request_id = next(self._ids)
        self._current = request_id
        proc = self._proc
        assert proc.stdout is not None
        self._loading = self._stopped_by_kill = False
        sent, prefix = self._held.split(request)
        self._held.remember(request)
        self.sent["delta" if prefix is not None else "full"] += 1
        if self._send(Command(Op.CHAT, request_id, sent, prefix)):
            for line in proc.stdout:
                try:
                    event_id, event = decode_event(line)
                except ProtocolError:
                    continue  # not a protocol line
                if event_id != request_id:
                    continue  # a late event of an earlier request
                if isinstance(event, HistoryMissing):
                    # The host does not hold what this side thought: send everything.
                    self.sent["resent"] += 1
                    if not self._send(Command(Op.CHAT, request_id, request)):
                        break
                    continue
                if isinstance(event, (Loading, Loaded)):
                    self._loading = isinstance(event, Loading)
                yield event
                if isinstance(event, (Done, Failed)):
                    self._finish_request()
                    return
        # The pipe closed: the host died.
        self._finish_request()
        returncode = proc.wait()
        if self._stderr_thread is not None:
            self._stderr_thread.join(timeout=2.0)
        tail = "\n".join(self._stderr)
        if self._abort_line and self._abort_line not in self._stderr:
            tail = self._abort_line + "\n" + tail
        self._proc = None
        if self._stopped_by_kill:
            yield Done(stop_reason=StopReason.USER, stats=Stats())
        else:
            yield describe_exit(returncode, tail, request.model_path, self._loading,
                                request.load.n_gpu_layers)

    def _finish_request(self) -> None:
        self._current = 0
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None

    def cancel(self) -> None:
        """Ask the host to stop the current request.

        The engine stops between tokens, inside a prompt evaluation, and inside a model
        load. A host that does not answer a Stop within ``CANCEL_GRACE_S`` is ended (the
        next request starts a fresh one); the request then ends as stopped by the user.
        """
        request_id = self._current
        if not request_id:
            return
        proc = self._proc

        def kill_if_stuck() -> None:
            if self._current == request_id and proc is not None and proc.poll() is None:
                self._stopped_by_kill = True
                proc.kill()

        if not self._send(Command(Op.CANCEL, request_id)):
            return
        if self._watchdog is None:
            self._watchdog = threading.Timer(CANCEL_GRACE_S, kill_if_stuck)
            self._watchdog.daemon = True
            self._watchdog.start()

    def forget(self, conversation_ids: Sequence[str] | None) -> None:
        """Have the host drop what it caches of ``conversation_ids`` (None: of all of them),
        in memory and in its snapshot folder, after the request it runs; nothing to do
        when no host runs (its files are the caller's to delete). Any thread. The host
        forgets their messages too, and so does this side: the next request of one is sent
        whole, not as a delta the host would have to ask again for."""
        self._held.forget(conversation_ids)
        if self.pid is not None:
            ids = None if conversation_ids is None else tuple(conversation_ids)
            self._send(Command(Op.FORGET, conversations=ids))

    def _reap(self) -> None:
        if self._proc is not None:
            self._proc.wait()
            self._proc = None

    def close(self) -> None:
        """End the host: politely (it writes the conversations it caches to its snapshot
        folder first), then by force."""
        proc = self._proc
        if proc is None:
            return
        self._send(Command(Op.EXIT))
        try:
            proc.wait(timeout=EXIT_GRACE_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        self._proc = None

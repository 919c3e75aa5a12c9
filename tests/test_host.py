"""The inference host as a real child process that really dies."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from inference.events import (
    ChatMessage,
    ChatRequest,
    Done,
    Event,
    Failed,
    Loaded,
    LoadSettings,
    Sampling,
    Token,
)
from inference.host_client import HostClient, describe_exit


def request(path: str, prompt: str = "Say hello.", max_tokens: int = 8) -> ChatRequest:
    return ChatRequest(
        model_path=path,
        messages=(ChatMessage("user", prompt),),
        load=LoadSettings(n_ctx=1024),
        sampling=Sampling(temperature=0, seed=1, max_tokens=max_tokens),
    )


@pytest.fixture
def client() -> Iterator[HostClient]:
    host = HostClient()
    yield host
    host.close()


def test_reply_through_the_host(client: HostClient, smollm_path: str) -> None:
    events = list(client.chat(request(smollm_path)))
    assert isinstance(events[-1], Done)
    assert "".join(e.text for e in events if isinstance(e, Token))


def test_kill_9_mid_reply_is_reported_and_the_next_request_works(
    client: HostClient, smollm_path: str
) -> None:
    events: list[Event] = []
    for event in client.chat(request(smollm_path, "Write a long story.", 0)):
        events.append(event)
        if isinstance(event, Token) and sum(isinstance(e, Token) for e in events) == 3:
            pid = client.pid
            assert pid is not None and pid != os.getpid()
            os.kill(pid, signal.SIGKILL)
    failed = events[-1]
    assert isinstance(failed, Failed)
    assert failed.error == "host_crashed"
    assert "SIGKILL" in failed.message and "Send again" in failed.message
    # A fresh host answers the next request.
    events = list(client.chat(request(smollm_path)))
    assert isinstance(events[-1], Done)


def test_host_segfault_is_classified(client: HostClient, smollm_path: str) -> None:
    list(client.chat(request(smollm_path)))
    pid = client.pid
    assert pid is not None
    events: list[Event] = []
    for event in client.chat(request(smollm_path, "Write a long story.", 0)):
        events.append(event)
        if len(events) == 3:
            os.kill(pid, signal.SIGSEGV)
    assert isinstance(events[-1], Failed)
    assert "SIGSEGV" in events[-1].message


@pytest.mark.parametrize(
    ("kind", "error", "words"),
    [
        ("truncated", "truncated", "truncated"),
        ("random", "not_gguf", "not a GGUF"),
        ("empty", "empty_file", "empty"),
        ("directory", "not_a_file", "folder"),
        ("bogus_arch", "unsupported_architecture", "notarealarch"),
        ("missing", "not_found", "not found"),
    ],
)
def test_bad_files_give_their_own_clear_error(
    client: HostClient, bad_models: dict[str, str], kind: str, error: str, words: str
) -> None:
    events = list(client.chat(request(bad_models[kind])))
    failed = events[-1]
    assert isinstance(failed, Failed)
    assert failed.error == error
    assert words in failed.message
    assert bad_models[kind] in failed.message


def test_stop_is_quick_even_if_the_host_hangs(client: HostClient, smollm_path: str) -> None:
    list(client.chat(request(smollm_path)))
    pid = client.pid
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)  # a host that no longer answers
    try:
        threading.Timer(0.5, client.cancel).start()
        result = list(client.chat(request(smollm_path, "Write a long story.", 0)))
        # The reply ends as stopped, with no token from the frozen host: the watchdog ended it.
        assert isinstance(result[-1], Done) and result[-1].stop_reason == "user"
        assert not any(isinstance(e, Token) for e in result)
        assert client.pid is None
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGCONT)


def test_stop_during_a_model_load_is_immediate(client: HostClient, gemma_path: str) -> None:
    events: list[Event] = []
    for event in client.chat(request(gemma_path)):
        events.append(event)
        if len(events) == 1:  # Loading: llama.cpp is reading the file now
            client.cancel()
    assert isinstance(events[-1], Done) and events[-1].stop_reason == "user"
    # Stopped inside the load: the model never finished loading, nothing was generated.
    assert not any(isinstance(e, (Loaded, Token)) for e in events)
    # The next request loads the model again on a fresh host.
    events = list(client.chat(request(gemma_path)))
    assert isinstance(events[-1], Done) and events[-1].stats.generated_tokens > 0


def test_describe_exit_names_the_cause() -> None:
    abort = describe_exit(
        -signal.SIGABRT, "llama.cpp: oops\nGGML_ASSERT(n > 0) failed", "/m.gguf", loading=True,
        n_gpu_layers=0,
    )
    assert "aborted while loading '/m.gguf'" in abort.message
    assert "GGML_ASSERT(n > 0) failed" in abort.message
    exited = describe_exit(3, "", "/m.gguf", loading=False, n_gpu_layers=0)
    assert "exit code 3" in exited.message


def test_an_aborts_reason_survives_a_long_fatal_error_dump(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    """llama.cpp's reason is named even when what follows it on stderr (Python's dump of
    every thread's stack and the extension modules) is longer than the kept tail."""
    import inference.host_client as host_client
    from inference.protocol import ABORT_PREFIX

    script = tmp_path / "aborting_host.py"
    script.write_text(
        "import os, sys\n"
        f"sys.stderr.write({ABORT_PREFIX!r} + 'unsupported types in the norm weight\\n')\n"
        "for i in range(200):\n"
        "    sys.stderr.write(f'  File \"x.py\", line {i} in frame\\n')\n"
        "sys.stderr.write('Extension modules: numpy (total: 1)\\n')\n"
        "sys.stderr.flush()\n"
        "os.abort()\n"
    )
    monkeypatch.setattr(host_client, "host_command", lambda: [sys.executable, str(script)])
    client = host_client.HostClient()
    try:
        events = list(client.chat(ChatRequest(model_path=str(tmp_path / "m.gguf"),
                                              messages=())))
    finally:
        client.close()
    failed = events[-1]
    assert isinstance(failed, Failed), events
    assert "aborted" in failed.message
    assert "unsupported types in the norm weight" in failed.message, failed.message

"""``slice-chat serve`` as a user runs it, with the official ``openai`` client: streaming
and not, chat and text, the key it prints, a clean stop on Ctrl+C; and its refusals."""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from openai import APIStatusError, AuthenticationError, OpenAI

from tests.api_helpers import free_port
from tests.conftest import launch, slice_chat


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """``slice-chat serve`` on a fresh SLICE_HOME (the starter model): (base URL, key)."""
    home = tmp_path_factory.mktemp("serve-home")
    port = free_port()
    proc = launch("serve", "--port", str(port), "--threads", "1", "--ctx", "2048", home=home)
    lines: list[str] = []
    assert proc.stderr is not None
    for line in proc.stderr:
        lines.append(line)
        if "Press Ctrl+C" in line or proc.poll() is not None:
            break
    text = "".join(lines)
    url = re.search(r"Slice API at (\S+)", text)
    key = re.search(r"API key: (\S+)", text)
    assert url and key, text
    assert url.group(1) == f"http://127.0.0.1:{port}/v1"
    yield url.group(1), key.group(1)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Stopping" in err


def test_openai_client_chat_whole_and_streamed(served: tuple[str, str]) -> None:
    url, key = served
    client = OpenAI(base_url=url, api_key=key)
    models = [m.id for m in client.models.list()]
    assert models == ["smollm2-135m-instruct.q4_1"]
    question = [{"role": "user", "content": "What is the capital of France?"}]
    whole = client.chat.completions.create(model=models[0], messages=question,
                                           max_tokens=12, temperature=0)
    assert whole.choices[0].message.content
    assert whole.usage is not None and whole.usage.completion_tokens <= 12
    assert whole.model_extra is not None and whole.model_extra["timings"]["predicted_n"] > 0
    stream = client.chat.completions.create(
        model=models[0], messages=question, max_tokens=12, temperature=0,
        stream=True, stream_options={"include_usage": True})
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    # Greedy: the stream says what the whole answer said.
    assert text == whole.choices[0].message.content
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens == whole.usage.completion_tokens
    # The second request reused the first one's prompt from the cache.
    assert chunks[-1].usage.prompt_tokens_details is not None
    assert chunks[-1].usage.prompt_tokens_details.cached_tokens > 0


def test_openai_client_text_completion(served: tuple[str, str]) -> None:
    url, key = served
    client = OpenAI(base_url=url, api_key=key)
    answer = client.completions.create(model="smollm2-135m-instruct.q4_1",
                                       prompt="The capital of France is", max_tokens=4,
                                       temperature=0)
    assert "Paris" in answer.choices[0].text
    streamed = client.completions.create(model="smollm2-135m-instruct.q4_1",
                                         prompt="The capital of France is", max_tokens=4,
                                         temperature=0, stream=True)
    assert "".join(c.choices[0].text for c in streamed) == answer.choices[0].text


def test_openai_client_errors(served: tuple[str, str]) -> None:
    url, key = served
    with pytest.raises(AuthenticationError):
        OpenAI(base_url=url, api_key="sk-wrong").models.list()
    client = OpenAI(base_url=url, api_key=key, max_retries=0)
    with pytest.raises(APIStatusError) as raised:
        client.chat.completions.create(model="no-such-model", messages=[
            {"role": "user", "content": "hi"}])
    assert raised.value.status_code == 404
    with pytest.raises(APIStatusError) as raised:
        client.chat.completions.create(model="smollm2-135m-instruct.q4_1", messages=[
            {"role": "user", "content": "hi"}], temperature=42)
    assert raised.value.status_code == 400
    assert "temperature" in str(raised.value)


def test_serve_refuses_what_it_cannot_do(tmp_path: Path) -> None:
    port = str(free_port())
    no_key = slice_chat("serve", "--host", "0.0.0.0", "--no-key", "--port", port)
    assert no_key.returncode == 2
    assert "key stays required" in no_key.stderr
    missing = slice_chat("serve", "--model", str(tmp_path / "nothing.gguf"), "--port", port)
    assert missing.returncode == 2
    assert "no such file" in missing.stderr
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"not a model at all" * 100)
    broken = slice_chat("serve", "--model", str(bad), "--port", port)
    assert broken.returncode == 1
    assert "GGUF" in broken.stderr
    assert slice_chat("serve", "--port", "70000").returncode == 2


def test_port_in_use_is_a_clear_error(served: tuple[str, str]) -> None:
    url, _key = served
    port = url.rsplit(":", 1)[1].split("/")[0]
    busy = slice_chat("serve", "--port", port, "--threads", "1", timeout=120)
    assert busy.returncode == 1
    assert f"Could not listen on 127.0.0.1:{port}" in busy.stderr
    assert "pick another" in busy.stderr

"""The engine in-process, on the real SmolLM2 and Gemma 3 files."""

from __future__ import annotations

import threading

import pytest

from inference.engine import Engine
from inference.events import (
    ChatMessage,
    ChatRequest,
    Done,
    Event,
    Failed,
    Loaded,
    LoadSettings,
    Progress,
    Sampling,
    StopReason,
    Token,
)
from inference.llama_api import LlamaModel
from inference.token_decoder import TokenDecoder
from tests.conftest import stream_reply

LOAD = LoadSettings(n_ctx=2048)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def ask(
    path: str,
    prompt: str | list[ChatMessage],
    max_tokens: int = 40,
    stop: tuple[str, ...] = (),
    temperature: float = 0.0,
    seed: int = 1,
) -> ChatRequest:
    messages = [ChatMessage("user", prompt)] if isinstance(prompt, str) else prompt
    return ChatRequest(
        model_path=path,
        messages=tuple(messages),
        load=LOAD,
        sampling=Sampling(temperature=temperature, seed=seed, max_tokens=max_tokens),
        stop=stop,
    )


def test_reply_is_deterministic_at_temperature_zero(engine: Engine, smollm_path: str) -> None:
    first, _, _ = stream_reply(engine, ask(smollm_path, "Name three colours."))
    engine.close()  # a fresh load must give the same reply
    second, _, _ = stream_reply(engine, ask(smollm_path, "Name three colours."))
    assert first and first == second


def test_same_seed_same_sampled_reply(engine: Engine, smollm_path: str) -> None:
    request = ask(smollm_path, "Tell me a story.", temperature=0.9, seed=42)
    first, _, _ = stream_reply(engine, request)
    second, _, _ = stream_reply(engine, request)
    assert first == second
    other_seed = ask(smollm_path, "Tell me a story.", temperature=0.9, seed=7)
    third, _, _ = stream_reply(engine, other_seed)
    assert third != first


def test_stats_are_consistent(engine: Engine, smollm_path: str) -> None:
    _text, events, done = stream_reply(engine, ask(smollm_path, "Count from one to twenty.", 30))
    stats = done.stats
    emitted = sum(e.n for e in events if isinstance(e, Token))
    assert stats.generated_tokens == emitted > 0
    assert 0 < stats.context_used <= stats.context_size == 2048
    assert stats.prompt_tokens > 0 and 0 <= stats.cached_tokens < stats.prompt_tokens
    assert stats.ttft_s > 0 and stats.decode_tps > 0 and stats.prompt_tps > 0
    assert stats.stop_reason == done.stop_reason in (StopReason.END_OF_TURN, StopReason.LENGTH)
    assert stats.context_used == stats.prompt_tokens + stats.generated_tokens


def test_length_limit(engine: Engine, smollm_path: str) -> None:
    _, _, done = stream_reply(engine, ask(smollm_path, "Write a long essay about the ocean.", 5))
    assert done.stop_reason == StopReason.LENGTH
    assert done.stats.generated_tokens == 5


def test_second_turn_reuses_the_cached_prefix(engine: Engine, smollm_path: str) -> None:
    history = [ChatMessage("user", "What is the capital of France?")]
    reply, _, first = stream_reply(engine, ask(smollm_path, history, 20))
    history += [ChatMessage("assistant", reply), ChatMessage("user", "And of Italy?")]
    _, _, second = stream_reply(engine, ask(smollm_path, history, 20))
    assert second.stats.cached_tokens >= first.stats.prompt_tokens - 1


def test_stop_string_is_honoured_and_not_shown(engine: Engine, smollm_path: str) -> None:
    full, _, _ = stream_reply(
        engine, ask(smollm_path, "Count from 1 to 10, separated by commas.", 60))
    assert "5" in full
    cut, _, done = stream_reply(
        engine, ask(smollm_path, "Count from 1 to 10, separated by commas.", 60, stop=("5",))
    )
    assert done.stop_reason == StopReason.STOP_STRING
    assert "5" not in cut
    assert full.startswith(cut)


def test_stop_mid_reply(engine: Engine, smollm_path: str) -> None:
    request = ask(smollm_path, "Write a very long story about a dragon.", 0, temperature=0.8)
    events: list[Event] = []
    for event in engine.stream_chat(request):
        events.append(event)
        if sum(isinstance(e, Token) for e in events) == 5:
            engine.cancel()
    done = events[-1]
    assert isinstance(done, Done) and done.stop_reason == StopReason.USER
    assert 5 <= done.stats.generated_tokens <= 6
    # The engine is ready for the next request.
    text, _, _ = stream_reply(engine, ask(smollm_path, "Say hi.", 5))
    assert text


def test_stop_mid_prefill(engine: Engine, smollm_path: str) -> None:
    long_prompt = "Summarise this. " + " ".join(f"word{i}" for i in range(1500))
    request = ChatRequest(
        model_path=smollm_path,
        messages=(ChatMessage("user", long_prompt),),
        load=LoadSettings(n_ctx=8192, n_batch=2048, n_ubatch=2048),
        sampling=Sampling(temperature=0, max_tokens=10),
    )
    events: list[Event] = []
    timer: threading.Timer | None = None
    for event in engine.stream_chat(request):
        events.append(event)
        if isinstance(event, Progress) and event.done == 0 and timer is None:
            # Cancel while llama_decode is busy with the first (large) batch.
            timer = threading.Timer(0.05, engine.cancel)
            timer.start()
    done = events[-1]
    assert isinstance(done, Done) and done.stop_reason == StopReason.USER
    assert done.stats.generated_tokens == 0
    assert not any(isinstance(e, Token) and e.text for e in events)
    # The interrupted prefill left the engine usable, with a consistent cache.
    text, _, after = stream_reply(engine, ask(smollm_path, "Say hi.", 5))
    assert text and after.stats.generated_tokens > 0


MIXED = "Café naïve — 你好，世界！ こんにちは 🎉🚀👩‍💻 🇫🇷 Ωμέγα"


def test_incremental_decoder_keeps_split_characters_whole(smollm_path: str) -> None:
    llm = LlamaModel.load(smollm_path, n_ctx=256, vocab_only=True)
    tokens = llm.tokenize(MIXED, add_bos=False, special=False)
    assert len(tokens) > len(MIXED.split())  # byte-level BPE splits the characters
    decoder = TokenDecoder(llm.token_pieces())
    pieces = [decoder.feed(t) for t in tokens]
    assert "".join(pieces) + decoder.flush() == MIXED
    assert all("\ufffd" not in p for p in pieces)
    llm.close()


def test_streamed_text_equals_final_text_for_unicode(engine: Engine, smollm_path: str) -> None:
    # A stop-free continuation: the reply repeats text full of multi-byte characters.
    history = [
        ChatMessage("user", f"Repeat exactly: {MIXED}"),
        ChatMessage("assistant", MIXED),
        ChatMessage("user", f"Again, repeat exactly: {MIXED}"),
    ]
    text, events, _ = stream_reply(engine, ask(smollm_path, history, 60))
    assert "\ufffd" not in text
    assert any(ord(ch) > 0x2000 for ch in text), text
    streamed = "".join(e.text for e in events if isinstance(e, Token))
    assert streamed == text


def test_gemma_without_template_uses_gemma_format(engine: Engine, gemma_path: str) -> None:
    events = list(engine.stream_chat(ask(gemma_path, "The capital of France is", 8)))
    loaded = next(e for e in events if isinstance(e, Loaded))
    assert loaded.model.template_source == "fallback"
    assert "gemma" in loaded.model.template_note
    assert "no chat template" in loaded.model.template_note
    prompt = engine.tokenize_chat(ask(gemma_path, "Hello"))
    assert engine.llm is not None
    text = engine.llm.detokenize(prompt, special=True)
    assert "<start_of_turn>user\nHello<end_of_turn>\n<start_of_turn>model\n" in text
    done = events[-1]
    assert isinstance(done, Done) and done.stats.generated_tokens > 0
    assert "".join(e.text for e in events if isinstance(e, Token)).strip()
    engine.close()


def test_load_errors_are_values(engine: Engine, bad_models: dict[str, str]) -> None:
    errors = {}
    for name, path in bad_models.items():
        events = list(engine.stream_chat(ask(path, "hi")))
        failed = events[-1]
        assert isinstance(failed, Failed), name
        assert path in failed.message or name == "missing"
        errors[name] = failed.error
    assert errors == {
        "truncated": "truncated",
        "random": "not_gguf",
        "empty": "empty_file",
        "directory": "not_a_file",
        "bogus_arch": "unsupported_architecture",
        "missing": "not_found",
    }

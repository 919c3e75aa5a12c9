"""Prefix reuse, conversation snapshots, context overflow, speculative decoding and load
settings: correctness on the real SmolLM2 model (speed is the benchmark's business)."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from pydantic import ValidationError

from app.bench.workloads import REWRITE_PROMPT
from inference.engine import Engine
from inference.events import (
    OVERFLOW_ROLLING,
    OVERFLOW_STOP,
    OVERFLOW_TRUNCATE_MIDDLE,
    ChatMessage,
    ChatRequest,
    ContextTrimmed,
    Done,
    Event,
    Failed,
    LoadProgress,
    LoadSettings,
    Sampling,
    StopReason,
)
from tests.conftest import stream_reply

LOAD = LoadSettings(n_ctx=2048)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def request(
    path: str,
    messages: list[ChatMessage],
    max_tokens: int = 24,
    conversation: str = "c",
    **extra: object,
) -> ChatRequest:
    return ChatRequest(
        model_path=path,
        messages=tuple(messages),
        load=extra.pop("load", LOAD),  # type: ignore[arg-type]
        sampling=Sampling(temperature=0.0, seed=1, max_tokens=max_tokens),
        conversation_id=conversation,
        **extra,  # type: ignore[arg-type]
    )


def assert_same_up_to_a_near_tie(
    engine: Engine, prompt: list[int], a: list[int], b: list[int]
) -> None:
    """``a`` and ``b`` are greedy replies to ``prompt``; they may part only where the model's
    two best next tokens are within float noise (llama.cpp's kernels are not batch-invariant).
    """
    if a == b:
        return
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    assert i < min(len(a), len(b)), "one reply is a truncated copy of the other"
    llm = engine.llm
    assert llm is not None
    engine.forget_cache()
    sequence = prompt + a[:i]
    llm.eval(sequence[:-1])
    llm.eval(sequence[-1:])
    logits = llm.logits(-1)
    best, second = np.sort(logits)[-2:][::-1]
    assert {a[i], b[i]} <= set(np.argsort(logits)[-2:].tolist())
    assert best - second < 0.1, f"replies part at token {i} without a near-tie"
    engine.forget_cache()


def test_turns_extend_the_token_history(engine: Engine, smollm_path: str) -> None:
    engine.forget_cache()
    history = [ChatMessage("system", "Be brief."), ChatMessage("user", "Name a colour.")]
    reply, _, first = stream_reply(engine, request(smollm_path, history))
    for question in ("Name another.", "And a third?"):
        history += [ChatMessage("assistant", reply), ChatMessage("user", question)]
        reply, _, done = stream_reply(engine, request(smollm_path, history))
        # Everything the previous turn fed the model is reused: prompt and reply tokens.
        assert (
            done.stats.cached_tokens >= first.stats.prompt_tokens + first.stats.generated_tokens - 1
        )
        first = done


def test_reply_with_reuse_matches_a_reply_from_scratch(engine: Engine, smollm_path: str) -> None:
    engine.forget_cache()
    history = [ChatMessage("user", "Write two sentences about rain.")]
    reply, _, _ = stream_reply(engine, request(smollm_path, history, 40))
    history += [ChatMessage("assistant", reply), ChatMessage("user", "Now about snow.")]
    _, _, reused = stream_reply(engine, request(smollm_path, history, 40))
    assert reused.stats.cached_tokens > 0
    reused_tokens = list(engine._turns["c"].reply_tokens)
    prompt = list(engine._turns["c"].prompt_tokens)
    engine.forget_cache()
    _, _, scratch = stream_reply(engine, request(smollm_path, history, 40))
    assert scratch.stats.cached_tokens == 0
    scratch_tokens = list(engine._turns["c"].reply_tokens)
    assert_same_up_to_a_near_tie(engine, prompt, reused_tokens, scratch_tokens)


def test_returning_to_a_conversation_restores_its_cache(engine: Engine, smollm_path: str) -> None:
    engine.forget_cache()
    a = [ChatMessage("user", "Tell me about owls.")]
    reply, _, _ = stream_reply(engine, request(smollm_path, a, 30, "A"))
    a += [ChatMessage("assistant", reply), ChatMessage("user", "Where do they live?")]
    # Never switched: the reference.
    reference, _, _ = stream_reply(engine, request(smollm_path, a, 30, "A"))
    engine._turns.pop("A")
    engine.forget_cache()
    reply, _, _ = stream_reply(engine, request(smollm_path, a[:1], 30, "A"))
    stream_reply(
        engine, request(smollm_path, [ChatMessage("user", "Something else entirely.")], 10, "B"))
    assert "A" in engine._snapshots
    back, _, done = stream_reply(engine, request(smollm_path, a, 30, "A"))
    assert done.stats.cached_tokens >= done.stats.prompt_tokens - 20
    assert back == reference  # the restored cache is bit for bit the one left behind
    # With no RAM for snapshots, nothing is kept when the user switches away.
    stream_reply(engine, request(smollm_path, [ChatMessage("user", "Hi.")], 4, "C",
                        snapshot_budget_mb=0))
    assert "A" not in engine._snapshots and "C" not in engine._snapshots


@pytest.mark.parametrize("policy", [OVERFLOW_STOP, OVERFLOW_TRUNCATE_MIDDLE, OVERFLOW_ROLLING])
def test_overflow_policies_keep_what_they_promise(
    engine: Engine, smollm_path: str, policy: str
) -> None:
    small = LoadSettings(n_ctx=512)
    history = [ChatMessage("system", "You are a poet.")]
    for i in range(12):
        history.append(ChatMessage("user", f"Question {i}: " + "tell me more about the sea " * 4))
        history.append(ChatMessage("assistant", f"Answer {i}: " + "the sea is wide and deep " * 4))
    history.append(ChatMessage("user", "Finally, one word about the sky?"))
    events = list(
        engine.stream_chat(
            request(smollm_path, history, 8, f"o-{policy}", load=small, overflow=policy)
        )
    )
    if policy == OVERFLOW_STOP:
        assert isinstance(events[-1], Failed) and "does not fit" in events[-1].message
        return
    trimmed = next(e for e in events if isinstance(e, ContextTrimmed))
    assert isinstance(events[-1], Done)
    kept = [i for i in range(len(history)) if i not in trimmed.dropped]
    assert kept[-1] == len(history) - 1  # the new message always reaches the model
    assert trimmed.prompt_tokens + 8 <= 512
    # The oldest turns went first, and only they.
    assert trimmed.dropped == tuple(sorted(trimmed.dropped))
    assert max(trimmed.dropped) < min(i for i in kept if i > 0)
    assert engine.llm is not None
    prompt = engine.llm.detokenize(
        engine.tokenize_chat(request(smollm_path, [history[i] for i in kept], load=small)),
        special=True,
    )
    if policy == OVERFLOW_TRUNCATE_MIDDLE:
        assert 0 not in trimmed.dropped and "You are a poet." in prompt
    for i in trimmed.dropped:
        assert history[i].content not in prompt


def test_rolling_window_keeps_generating_past_the_context(
    engine: Engine, smollm_path: str
) -> None:
    small = LoadSettings(n_ctx=256)  # llama.cpp's smallest context step
    messages = [
        ChatMessage("system", "Notes: " + "the lighthouse keeper watched the sea. " * 20),
        ChatMessage("user", "Count from 1 to 100, one number per line."),
    ]
    _, _, done = stream_reply(engine, request(smollm_path, messages, 220, "roll", load=small,
                                     overflow=OVERFLOW_TRUNCATE_MIDDLE))
    stats = done.stats
    # More tokens went through the model than the context holds: it was shifted.
    assert stats.prompt_tokens + stats.generated_tokens > stats.context_size
    assert stats.context_used <= stats.context_size
    assert done.stop_reason != StopReason.CONTEXT_FULL
    _, _, done = stream_reply(engine, request(smollm_path, messages, 220, "stop", load=small,
                                     overflow=OVERFLOW_STOP))
    assert done.stop_reason == StopReason.CONTEXT_FULL
    assert done.stats.context_used == done.stats.context_size


def test_speculative_decoding_gives_the_same_reply(
    engine: Engine, smollm_path: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every guess is sent, whether or not it pays on this machine: the point is that
    # verified drafts never change the reply.
    import inference.speculative

    monkeypatch.setattr(inference.speculative, "best_length", lambda p, plain, extra, most: most)
    messages = [ChatMessage("user", REWRITE_PROMPT)]
    engine.forget_cache()
    _, _, off = stream_reply(engine, request(smollm_path, messages, 120, "s"))
    off_tokens = list(engine._turns["s"].reply_tokens)
    prompt = list(engine._turns["s"].prompt_tokens)
    engine.forget_cache()
    _, _, on = stream_reply(engine, request(smollm_path, messages, 120, "s", speculative=True))
    on_tokens = list(engine._turns["s"].reply_tokens)
    assert on.stats.draft_tokens > 0 and on.stats.accepted_tokens > 0
    assert 0 < on.stats.acceptance <= 1
    assert off.stats.draft_tokens == 0
    assert_same_up_to_a_near_tie(engine, prompt, off_tokens, on_tokens)


def test_load_settings_progress_and_kv_cache_types(smollm_path: str) -> None:
    engine = Engine()
    try:
        for kv in ("q8_0", "q4_0"):
            events = list(
                engine.stream_chat(
                    request(
                        smollm_path,
                        [ChatMessage("user", "Hi")],
                        4,
                        load=LoadSettings(n_ctx=1024, kv_cache_type=kv, n_threads=1, n_batch=64),
                    )
                )
            )
            assert isinstance(events[-1], Done), events[-1]
            progress = [e.fraction for e in events if isinstance(e, LoadProgress)]
            assert progress and progress == sorted(progress) and progress[-1] == 1.0
        # The settings refuse the combination before a request can carry it.
        with pytest.raises(ValidationError, match="flash attention"):
            LoadSettings(kv_cache_type="q8_0", flash_attn=False)
    finally:
        engine.close()


def test_stop_during_a_load_aborts_it(gemma_path: str) -> None:
    engine = Engine()
    events: list[Event] = []
    try:
        for event in engine.stream_chat(
            request(
                gemma_path,
                [ChatMessage("user", "Hi")],
                4,
                load=LoadSettings(n_ctx=1024, use_mmap=False),
            )
        ):
            events.append(event)
            if isinstance(event, LoadProgress) and event.fraction > 0:
                threading.Thread(target=engine.cancel).start()
        assert isinstance(events[-1], Done) and events[-1].stop_reason == StopReason.USER
        assert engine.model_info is None
    finally:
        engine.close()

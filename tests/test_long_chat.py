"""Long chats on the real SmolLM2 model: once the context is full, the conversation is cut
in large steps and the kept KV cache is shifted instead of evaluated again; every overflow
policy still keeps what it promises (speed is the benchmark's business)."""

from __future__ import annotations

import pytest

from inference.engine import Engine
from inference.events import (
    OVERFLOW_ROLLING,
    OVERFLOW_TRUNCATE_MIDDLE,
    ChatMessage,
    ChatRequest,
    ContextTrimmed,
    Done,
    LoadSettings,
    Sampling,
)
from tests.conftest import stream_reply
from tests.test_engine_speed_features import assert_same_up_to_a_near_tie

SMALL = LoadSettings(n_ctx=256, n_threads=1)  # llama.cpp's smallest context step
SYSTEM = ChatMessage("system", "You are a terse assistant.")


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def ask(path: str, messages: list[ChatMessage], policy: str, conversation: str) -> ChatRequest:
    return ChatRequest(
        model_path=path,
        messages=tuple(messages),
        load=SMALL,
        sampling=Sampling(temperature=0.0, seed=1, max_tokens=8),
        conversation_id=conversation,
        overflow=policy,
    )


def question(i: int) -> ChatMessage:
    return ChatMessage("user", f"Question {i}: name one animal that lives near water, please.")


def chat_until_recut(
    engine: Engine, path: str, policy: str, conversation: str
) -> tuple[list[ChatMessage], list[Done], list[ContextTrimmed | None]]:
    """Short turns until the context has been cut twice (the second cut is a shift)."""
    history = [SYSTEM]
    dones: list[Done] = []
    trims: list[ContextTrimmed | None] = []
    cuts = 0
    for i in range(200):
        history.append(question(i))
        reply, events, done = stream_reply(engine, ask(path, history, policy, conversation))
        trimmed = next((e for e in events if isinstance(e, ContextTrimmed)), None)
        dones.append(done)
        trims.append(trimmed)
        if trimmed is not None and (len(trims) < 2 or trims[-2] is None
                                    or trims[-2].dropped != trimmed.dropped):
            cuts += 1
            if cuts == 2:
                return history, dones, trims
        history.append(ChatMessage("assistant", reply))
    raise AssertionError("the context never filled twice")


@pytest.mark.parametrize("policy", [OVERFLOW_TRUNCATE_MIDDLE, OVERFLOW_ROLLING])
def test_a_full_context_is_cut_in_large_steps_and_the_cache_shifted(
    engine: Engine, smollm_path: str, policy: str
) -> None:
    engine.forget_cache()
    history, dones, trims = chat_until_recut(engine, smollm_path, policy, f"l-{policy}")
    first_cut = next(i for i, t in enumerate(trims) if t is not None)
    n_ctx = SMALL.n_ctx
    for trimmed in trims[first_cut:]:
        assert trimmed is not None  # once cut, every turn is
        # The oldest droppable messages went, and only they; the new message stays.
        droppable = [i for i in range(len(history) - 1)
                     if history[i].role != "system" or policy == OVERFLOW_ROLLING]
        assert trimmed.dropped == tuple(droppable[: len(trimmed.dropped)])
        if policy == OVERFLOW_TRUNCATE_MIDDLE:
            assert 0 not in trimmed.dropped
    last, cut_turn = trims[-1], dones[-1].stats
    assert last is not None
    # A large step: the cut freed about half the context, not just room for one turn.
    assert last.prompt_tokens <= n_ctx // 2
    # The kept messages were shifted in the cache, not evaluated again.
    assert cut_turn.context_shifted > 0
    assert cut_turn.cached_tokens >= cut_turn.prompt_tokens * 3 // 4
    assert "context shifted" in cut_turn.summary()
    # Between the cuts, each turn reuses the whole prefix under the same cut.
    second_cut = len(trims) - 1
    for done in dones[first_cut + 1 : second_cut]:
        assert done.stats.context_shifted == 0
        assert done.stats.cached_tokens >= done.stats.prompt_tokens * 3 // 4


def test_a_reply_after_a_shift_matches_one_from_scratch(engine: Engine, smollm_path: str) -> None:
    engine.forget_cache()
    history, dones, trims = chat_until_recut(engine, smollm_path, OVERFLOW_TRUNCATE_MIDDLE, "s")
    assert dones[-1].stats.context_shifted > 0
    trimmed = trims[-1]
    assert trimmed is not None
    shifted_turn = engine._turns["s"]
    kept = [m for i, m in enumerate(history) if i not in trimmed.dropped]
    # The prompt is exactly what a from-scratch render of the kept messages gives.
    scratch_request = ask(smollm_path, kept, OVERFLOW_TRUNCATE_MIDDLE, "scratch")
    assert list(shifted_turn.prompt_tokens) == engine.tokenize_chat(scratch_request)
    engine.forget_cache()
    _, _, scratch = stream_reply(engine, scratch_request)
    assert scratch.stats.cached_tokens == 0 and scratch.stats.context_shifted == 0
    assert_same_up_to_a_near_tie(
        engine,
        list(shifted_turn.prompt_tokens),
        list(shifted_turn.reply_tokens),
        list(engine._turns["scratch"].reply_tokens),
    )


def test_a_context_llama_cpp_rounds_up_still_fills_without_a_crash(
    engine: Engine, smollm_path: str
) -> None:
    # llama.cpp makes a 300-token context 512 tokens long, but llama-cpp-python keeps room
    # for 300 tokens of history: the engine must fill and cut at 300, not at 512.
    load = LoadSettings(n_ctx=300, n_threads=1)
    messages = [SYSTEM]
    for n in range(12):
        messages.append(ChatMessage("user", f"Tell me one short fact about the number {n}."))
        request = ChatRequest(
            model_path=smollm_path, messages=tuple(messages), load=load,
            sampling=Sampling(temperature=0.0, seed=1, max_tokens=8),
            conversation_id="rounded", overflow=OVERFLOW_TRUNCATE_MIDDLE,
        )
        text, events, done = stream_reply(engine, request)
        assert done.stats.context_size == 300
        assert done.stats.context_used <= 300
        messages.append(ChatMessage("assistant", text))
    assert any(isinstance(e, ContextTrimmed) for e in events)

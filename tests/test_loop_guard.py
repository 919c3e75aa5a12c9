"""The loop guard: on scripted token streams, then in the engine on the real models.

The scripted streams pin down what counts as a loop (the same spans, a third time and on)
and what does not (counting, a block shown twice). The real ones: the starter model's
capital-of-France question at the app's old defaults, which loops at some seeds, and a
sweep of varied prompts (code, lists, poems) on both models where the guard must not stop
a reply that would have ended by itself.
"""

from __future__ import annotations

import dataclasses
import random

import pytest

from inference.engine import Engine
from inference.events import (
    STOP_REASON_LABELS,
    ChatMessage,
    ChatRequest,
    LoadSettings,
    Sampling,
    StopReason,
)
from inference.loop_guard import NGRAM, WINDOW, LoopGuard
from tests.conftest import stream_reply


def first_stop(tokens: list[int]) -> int | None:
    """The 1-based count of tokens after which the guard stops the stream, or None."""
    guard = LoopGuard()
    return next((n for n, token in enumerate(tokens, start=1) if guard.feed(token)), None)


def test_a_phrase_written_again_and_again_is_stopped_soon_after_its_third_copy() -> None:
    phrase = list(range(100, 112))  # a 12-token sentence
    at = first_stop(phrase * 40)
    assert at is not None
    assert 2 * len(phrase) < at <= 2 * len(phrase) + WINDOW + NGRAM


def test_two_lines_in_turn_are_a_loop_too() -> None:
    # As the starter model did: two sentences, in no fixed order, over and over.
    first, second = list(range(200, 214)), list(range(300, 311))
    rng = random.Random(6)
    stream = [t for _ in range(30) for t in rng.choice((first, second))]
    at = first_stop(stream)
    assert at is not None and at < 200


def test_one_token_repeated_is_stopped() -> None:
    assert first_stop([7] * 300) is not None


def test_counting_and_a_block_shown_twice_are_not_loops() -> None:
    counting = [t for n in range(600) for t in (1000 + n, 5, 6)]  # "1, 2, 3, ..."
    assert first_stop(counting) is None
    rng = random.Random(1)
    block = [rng.randrange(50_000) for _ in range(150)]  # a function
    prose = [rng.randrange(50_000) for _ in range(40)]
    # "Here is the whole program again": a second copy is not a loop...
    assert first_stop(block + prose + block + prose) is None
    # ...a third one is.
    assert first_stop(block + prose + block + prose + block) is not None


def test_the_stop_reason_has_words() -> None:
    assert STOP_REASON_LABELS[StopReason.REPETITION] == "repetition"


# The real models. The old defaults: what the app sampled with before it followed the
# model's recommendation.
OLD_DEFAULTS = {"temperature": 0.7, "top_p": 0.95, "top_k": 40, "min_p": 0.05,
                "repeat_penalty": 1.0, "max_tokens": 1024}
# Seeds at which the starter model loops on the capital question at the old defaults (10 of
# the first 60 seeds do; these stop within 350 tokens).
LOOPING_SEEDS = (11, 25, 37, 6, 22)
LOAD = LoadSettings(n_ctx=2048, n_threads=1, n_threads_batch=1)


@pytest.fixture(scope="module")
def engine() -> Engine:
    engine = Engine()
    yield engine
    engine.close()


def capital(path: str, seed: int, **changes: object) -> ChatRequest:
    return ChatRequest(
        model_path=path, messages=(ChatMessage("user", "What is the capital of France?"),),
        load=LOAD, sampling=Sampling(seed=seed, **OLD_DEFAULTS), **changes,  # type: ignore[arg-type]
    )


def test_the_starter_model_falling_into_a_loop_is_stopped(
    engine: Engine, smollm_path: str
) -> None:
    for seed in LOOPING_SEEDS:
        text, _, done = stream_reply(engine, capital(smollm_path, seed))
        if done.stop_reason == StopReason.REPETITION:
            break
    else:
        pytest.fail(f"none of the seeds {LOOPING_SEEDS} looped")
    stats = done.stats
    assert stats.stop_reason == StopReason.REPETITION
    assert stats.generated_tokens < 500  # not 1,024 tokens of it
    # The same reply without the guard goes on past where the guard stopped it (the same
    # seed samples the same tokens): it was not about to end.
    longer = dataclasses.replace(
        capital(smollm_path, seed, loop_guard=False),
        sampling=Sampling(seed=seed, **{**OLD_DEFAULTS, "max_tokens": stats.generated_tokens + 64}),
    )
    unguarded, _, unguarded_done = stream_reply(engine, longer)
    assert unguarded_done.stop_reason == StopReason.LENGTH
    assert unguarded.startswith(text)


# Twenty varied prompts: code, lists, poems, explanations, stories.
PROMPTS = (
    "Write a Python function that checks whether a number is prime.",
    "Write a short poem about the sea.",
    "List five fruits that are red.",
    "Explain how a rainbow forms.",
    "Write a haiku about autumn leaves.",
    "Give me a recipe for pancakes.",
    "Write a JavaScript function that reverses a string.",
    "What are the planets of the solar system? List them in order.",
    "Write a limerick about a cat.",
    "Summarize the story of Cinderella in three sentences.",
    "Write a SQL query that selects all users older than 30.",
    "Give three tips for sleeping better.",
    "Write an HTML page with a heading and a list of three items.",
    "Count from 1 to 20.",
    "Write a song chorus about summer.",
    "What is photosynthesis?",
    "Write a bash script that prints the numbers 1 to 10.",
    "Name the days of the week.",
    "Write a short story about a robot who learns to paint.",
    "Write a Python class for a bank account with deposit and withdraw methods.",
)


def false_stops(engine: Engine, path: str, prompts: tuple[str, ...], max_tokens: int,
                sampling: dict[str, object]) -> list[str]:
    """The prompts whose reply the guard stopped although it would have ended by itself:
    each stopped reply runs again without the guard (same seed, same tokens), and a false
    stop is one that then ends at the end of its turn."""
    wrong = []
    for n, prompt in enumerate(prompts):
        request = ChatRequest(
            model_path=path, messages=(ChatMessage("user", prompt),), load=LOAD,
            sampling=Sampling(**{**sampling, "seed": n, "max_tokens": max_tokens}),
            conversation_id=f"sweep-{n}",
        )
        _, _, done = stream_reply(engine, request)
        if done.stop_reason != StopReason.REPETITION:
            continue
        _, _, unguarded = stream_reply(engine, dataclasses.replace(request, loop_guard=False))
        if unguarded.stop_reason == StopReason.END_OF_TURN:
            wrong.append(prompt)
    return wrong


# Each model's recommended sampling (inference/model_defaults.py), as the app uses it.
SMOLLM_SAMPLING = {"temperature": 0.2, "top_p": 0.9, "repeat_penalty": 1.1}
GEMMA_SAMPLING = {"temperature": 1.0, "top_k": 64, "top_p": 0.95, "min_p": 0.0}


def test_no_false_stop_on_a_few_varied_prompts(
    engine: Engine, smollm_path: str, gemma_path: str
) -> None:
    few = PROMPTS[:: 5]  # code, a recipe, a limerick, a bash script...
    assert false_stops(engine, smollm_path, few, 256, SMOLLM_SAMPLING) == []
    assert false_stops(engine, gemma_path, few, 256, GEMMA_SAMPLING) == []


@pytest.mark.slow
@pytest.mark.timeout(1800)  # up to 2 x 20 replies of 1,024 tokens
@pytest.mark.parametrize("sampling", [SMOLLM_SAMPLING, {"temperature": 0.0}, OLD_DEFAULTS],
                         ids=["recommended", "greedy", "old-defaults"])
def test_no_false_stop_over_twenty_prompts_on_the_starter_model(
    engine: Engine, smollm_path: str, sampling: dict[str, object]
) -> None:
    assert false_stops(engine, smollm_path, PROMPTS, 1024, sampling) == []


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_no_false_stop_over_twenty_prompts_on_gemma(engine: Engine, gemma_path: str) -> None:
    # A base model seldom ends a reply by itself: most of its replies loop, and each
    # stopped one runs again to the limit. Greedy, it loops on every prompt.
    assert false_stops(engine, gemma_path, PROMPTS, 512, GEMMA_SAMPLING) == []

"""The long-chat phase: TTFT over a conversation of many short turns, Slice beside llama.cpp.

Slice's side goes through the inference host the way the window sends it: one
``ChatRequest`` per turn holding the whole shown path so far, the same conversation id,
overflow ``truncate_middle``, each reply appended as an assistant message. The raw side is
llama-cpp-python's own ``Llama.generate()`` on the same tokens (the prompt rendered by the
engine's template from the same messages), relying on its built-in reuse of the longest
common prefix with what its context holds: what a plain llama.cpp front end gets for free.
The raw side stops at the first turn whose prompt and reply no longer fit its context
(it has no overflow policy); Slice goes on, trimming.

TTFT is request to first generated token, taken by the bench's own clock on both sides (the
host's figure includes the pipe). Each mark reports the median of the ten turns ending
there, so that one turn disturbed by the machine decides nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.bench.runner import Bench, BenchError, events_ok, median
from app.bench.workloads import LONG_CHAT_SYSTEM, long_chat_message
from inference.events import (
    OVERFLOW_TRUNCATE_MIDDLE,
    ChatMessage,
    ChatRequest,
    ContextTrimmed,
    Done,
    Token,
)

if TYPE_CHECKING:  # imported when needed: importing llama_cpp loads llama.cpp
    from inference.engine import Engine
    from inference.host_client import HostClient
    from inference.llama_api import LlamaModel

# Each mark's figure is the median of this many turns ending at it.
MARK_WINDOW = 10


@dataclass(frozen=True)
class LongChatPlan:
    """How long the conversation is, in which context, and where it is reported."""

    turns: int
    n_ctx: int
    reply_tokens: int
    marks: tuple[int, ...]


# The issue's conversation: 300 turns at context 8192. At about 33 tokens a turn (SmolLM2's
# template) the raw side fits up to turn ~250, past its "200", and Slice trims from there
# on, so that its "300" measures turns with trimming running.
FULL_PLAN = LongChatPlan(turns=300, n_ctx=8192, reply_tokens=8, marks=(10, 100, 200, 300))
# The same shape scaled down for --quick: trimming starts at turn ~23 and runs in the last
# mark's ten turns, so the smoke run goes through the overflow path too.
QUICK_PLAN = LongChatPlan(turns=30, n_ctx=768, reply_tokens=8, marks=(10, 20, 30))


@dataclass
class _Turn:
    """What one turn through the host gave: its TTFT, its reply, what the engine said."""

    ttft_s: float
    reply: str
    trimmed: ContextTrimmed | None
    prompt_tokens: int
    cached_tokens: int
    shifted_tokens: int  # KV cache shifted instead of evaluated again (Stats.context_shifted)


def _host_turn(client: HostClient, request: ChatRequest) -> _Turn:
    started = time.perf_counter()
    first = float("nan")
    text: list[str] = []
    trimmed: ContextTrimmed | None = None
    done: Done | None = None
    for event in events_ok(client.chat(request)):
        if isinstance(event, Token):
            if event.n and first != first:
                first = time.perf_counter() - started
            text.append(event.text)
        elif isinstance(event, ContextTrimmed):
            trimmed = event
        elif isinstance(event, Done):
            done = event
    if done is None:
        raise BenchError("a long-chat turn ended without a Done event")
    return _Turn(first, "".join(text), trimmed, done.stats.prompt_tokens,
                 done.stats.cached_tokens, done.stats.context_shifted)


def _raw_turn(llm: LlamaModel, tokens: list[int], reply_tokens: int) -> float:
    """TTFT of ``Llama.generate()`` on ``tokens``; it keeps decoding to the reply's length
    so that its context holds what a llama.cpp front end's would at the next turn."""
    started = time.perf_counter()
    first = float("nan")
    # reset=True is generate()'s own prefix reuse: it keeps the longest common prefix of
    # ``tokens`` with its context and evaluates only the rest.
    for produced, token in enumerate(
        llm.llm.generate(tokens, temp=0.0, top_k=1, reset=True), start=1
    ):
        if produced == 1:
            first = time.perf_counter() - started
        if llm.is_end_of_generation(token) or produced >= reply_tokens:
            break
    return first


def _at_marks(values: list[float], marks: tuple[int, ...]) -> dict[str, float]:
    """The median of the ten turns ending at each mark the values reach."""
    return {
        str(mark): median(values[mark - MARK_WINDOW:mark])
        for mark in marks if len(values) >= mark
    }


def long_chat(
    bench: Bench, client: HostClient, engine: Engine, plan: LongChatPlan
) -> tuple[dict[str, dict[str, float]], dict[str, Any]]:
    """Run the long conversation on both sides, turn by turn.

    Returns the TTFT per mark (``{"slice": {...}, "raw": {...}}``, the JSON's
    ``long_chat_ttft_s``) and the phase's details: the plan, how many turns the raw side
    reached, which turns Slice trimmed and how many messages it had dropped by the end,
    prompt sizes at the marks. ``engine`` must hold the model (it renders the raw side's
    tokens; the template does not depend on the context size).
    """
    load = bench.load.model_copy(update={"n_ctx": plan.n_ctx})
    # Load the host's model at this context first: the load is no turn's TTFT.
    list(events_ok(client.chat(bench.request([], 0, load=load))))
    llm = bench.raw_llama(n_ctx=plan.n_ctx)
    slice_ttft: list[float] = []
    raw_ttft: list[float] = []
    trimmed_turns: list[int] = []
    shifted_turns = 0
    dropped_messages = 0
    prompt_tokens: dict[str, int] = {}
    cached_tokens: dict[str, int] = {}
    raw_fits = True
    history = [ChatMessage("system", LONG_CHAT_SYSTEM)]
    try:
        for turn in range(1, plan.turns + 1):
            history.append(ChatMessage("user", long_chat_message(turn - 1)))
            request = bench.request(
                history, plan.reply_tokens, conversation="long-chat",
                load=load, overflow=OVERFLOW_TRUNCATE_MIDDLE,
            )
            # The two sides alternate turn by turn, so that a machine whose speed drifts
            # moves both alike.
            if raw_fits:
                tokens = engine.tokenize_chat(request)
                raw_fits = len(tokens) + plan.reply_tokens <= plan.n_ctx
                if raw_fits:
                    raw_ttft.append(_raw_turn(llm, tokens, plan.reply_tokens))
            result = _host_turn(client, request)
            slice_ttft.append(result.ttft_s)
            shifted_turns += result.shifted_tokens > 0
            if result.trimmed is not None:
                trimmed_turns.append(turn)
                dropped_messages = len(result.trimmed.dropped)
            if turn in plan.marks:
                prompt_tokens[str(turn)] = result.prompt_tokens
                cached_tokens[str(turn)] = result.cached_tokens
            history.append(ChatMessage("assistant", result.reply))
    finally:
        llm.close()
    ttft = {"slice": _at_marks(slice_ttft, plan.marks), "raw": _at_marks(raw_ttft, plan.marks)}
    details: dict[str, Any] = {
        "turns": plan.turns,
        "n_ctx": plan.n_ctx,
        "reply_tokens": plan.reply_tokens,
        "marks": list(plan.marks),
        "raw_turns": len(raw_ttft),
        # From the ContextTrimmed events: the turns whose prompt Slice had to cut, and how
        # many of the conversation's messages no longer reached the model at the last one.
        "trimmed_turns": len(trimmed_turns),
        "first_trimmed_turn": trimmed_turns[0] if trimmed_turns else None,
        "dropped_messages": dropped_messages,
        # Turns whose cut moved and whose kept cache was shifted, not evaluated again.
        "shifted_turns": shifted_turns,
        "prompt_tokens": prompt_tokens,
        "cached_tokens": cached_tokens,
    }
    return ttft, details

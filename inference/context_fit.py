"""Fitting a conversation into the context window.

Before a reply: the prompt's tokens (extending the conversation's last turn when possible,
see :mod:`inference.prompt_cache`), with older messages dropped when they overflow the
context, as the request's overflow policy says. During a reply: shifting the context (drop
the older half after the kept system prompt) so that generation can go on.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from inference.events import (
    OVERFLOW_ROLLING,
    OVERFLOW_STOP,
    ChatMessage,
    ChatRequest,
    ContextTrimmed,
    ErrorKind,
    Event,
    Failed,
)
from inference.llama_api import LlamaModel
from inference.loader import LoadedModel
from inference.prompt_cache import Turn, continue_tokens
from inference.templates import TemplateError


@dataclass
class Prompt:
    """A reply's prompt, as tokens and as the text they were made from."""

    tokens: list[int]
    text: str
    keep: int  # tokens a context shift must keep (the system prompt)
    trimmed: bool = False  # older messages were dropped to make it fit


def tokenize(llm: LlamaModel, text: str, first: bool) -> list[int]:
    """``text``'s tokens, special tokens included; with the model's BOS in front when
    ``first`` (the start of the sequence) and the model wants one."""
    tokens = llm.tokenize(text, add_bos=False, special=True)
    bos = llm.token_bos()
    if first and llm.add_bos_token() and bos >= 0 and (not tokens or tokens[0] != bos):
        tokens.insert(0, bos)
    return tokens


def build_prompt(
    model: LoadedModel, request: ChatRequest, turn: Turn | None
) -> Iterator[Event | Prompt]:
    """The prompt's tokens (extending ``turn``, the conversation's last one, when possible),
    fitted to the context according to the overflow policy: yields ContextTrimmed and the
    Prompt, or a Failed event. Raises TemplateError when the template cannot render."""
    template = model.template
    llm = model.llm
    messages = request.messages
    built = None
    if turn is not None and not request.continue_last:
        built = continue_tokens(
            turn, messages, template.render, lambda text: tokenize(llm, text, first=False)
        )
    if built is not None:
        tokens, text = built
    else:
        text = template.render(messages, continue_last=request.continue_last)
        tokens = tokenize(llm, text, first=True)
    n_ctx = llm.n_ctx()
    keep = system_tokens(model, messages, text)
    if len(tokens) < n_ctx:
        yield Prompt(tokens, text, keep)
        return
    if request.overflow == OVERFLOW_STOP:
        yield Failed(
            error=ErrorKind.BAD_REQUEST,
            message=f"The conversation is {len(tokens):,} tokens long and does not fit "
            f"in the context of {n_ctx:,} tokens. Start a new chat, raise the context "
            "size, or let older messages drop out (context overflow setting).",
            path=request.model_path,
        )
        return
    reserve = min(request.sampling.max_tokens or 512, n_ctx // 4)
    kept = list(range(len(messages)))
    dropped: list[int] = []
    while len(tokens) + reserve > n_ctx:
        candidates = [
            i for i in kept[:-1]
            if messages[i].role != "system" or request.overflow == OVERFLOW_ROLLING
        ]
        if not candidates:
            yield Failed(
                error=ErrorKind.BAD_REQUEST,
                message=f"The last message alone ({len(tokens):,} tokens) does not fit in "
                f"the context of {n_ctx:,} tokens. Shorten it or raise the context size.",
                path=request.model_path,
            )
            return
        kept.remove(candidates[0])
        dropped.append(candidates[0])
        subset = [messages[i] for i in kept]
        text = template.render(subset, continue_last=request.continue_last)
        tokens = tokenize(llm, text, first=True)
    keep = system_tokens(model, [messages[i] for i in kept], text)
    yield ContextTrimmed(dropped=tuple(sorted(dropped)), prompt_tokens=len(tokens),
                         context_size=n_ctx)
    yield Prompt(tokens, text, keep, trimmed=True)


def system_tokens(model: LoadedModel, messages: Sequence[ChatMessage], text: str) -> int:
    """How many prompt tokens hold the system prompt (kept by a context shift)."""
    if not messages or messages[0].role != "system":
        return 1
    try:
        head = model.template.render(messages[:1], add_generation_prompt=False)
    except TemplateError:
        return 1
    return len(tokenize(model.llm, head, first=True)) if text.startswith(head) else 1


def make_room(llm: LlamaModel, request: ChatRequest, prompt: Prompt) -> bool:
    """Shift the context to go on generating, if the policy allows; False if not."""
    if request.overflow == OVERFLOW_STOP:
        return False
    keep = prompt.keep if request.overflow != OVERFLOW_ROLLING else 1
    discard = (llm.n_tokens - keep) // 2
    if discard <= 0:
        return False
    return llm.kv_shift(keep, discard)

"""Fitting a conversation into the context window.

Before a reply: the prompt's tokens (extending the conversation's last turn when possible,
see :mod:`inference.prompt_cache`), with older messages dropped when they overflow the
context, as the request's overflow policy says. During a reply: shifting the context (drop
the older half after the kept system prompt) so that generation can go on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

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
from inference.prompt_cache import Turn, continue_tokens, message_dict, messages_from
from inference.template_window import TemplateWindow
from inference.templates import TemplateError


@dataclass
class Prompt:
    """A reply's prompt, as tokens and as the text they were made from."""

    tokens: list[int]
    text: str
    keep: int  # tokens a context shift must keep (the system prompt)
    trimmed: bool = False  # older messages were dropped to make it fit
    # The messages that made the prompt (the request's, less the dropped ones), and how
    # many droppable messages were cut (the conversation's :class:`Cut`).
    messages: tuple[ChatMessage, ...] = ()
    cut: Cut | None = None
    recut: bool = False  # the cut moved this turn: the KV cache may be shifted to match


@dataclass(frozen=True)
class Cut:
    """Where a conversation was cut: the oldest ``count`` droppable messages are left out.

    Kept across turns so that the next turn, which appends to the same messages, cuts at
    the same place and extends the same token prefix; it moves (in a large step) only
    when the kept messages no longer fit.
    """

    overflow: str
    n_ctx: int
    dropped: tuple[ChatMessage, ...]  # the messages left out, in order

    @property
    def count(self) -> int:
        return len(self.dropped)

    def to_dict(self) -> dict[str, Any]:
        """The cut as JSON-ready values (kept with a snapshot on disk)."""
        return {"overflow": self.overflow, "n_ctx": self.n_ctx,
                "dropped": [message_dict(m) for m in self.dropped]}

    @classmethod
    def from_dict(cls, data: Any) -> Cut:
        """A cut saved by :meth:`to_dict`; raises ValueError for anything else."""
        try:
            overflow, n_ctx = data["overflow"], data["n_ctx"]
            if not isinstance(overflow, str) or not isinstance(n_ctx, int):
                raise ValueError("bad overflow or context size")
            return cls(overflow, n_ctx, messages_from(data["dropped"]))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a saved cut: {exc!r}") from exc


def tokenize(llm: LlamaModel, text: str, first: bool) -> list[int]:
    """``text``'s tokens, special tokens included; with the model's BOS in front when
    ``first`` (the start of the sequence) and the model wants one."""
    tokens = llm.tokenize(text, add_bos=False, special=True)
    bos = llm.token_bos()
    if first and llm.add_bos_token() and bos >= 0 and (not tokens or tokens[0] != bos):
        tokens.insert(0, bos)
    return tokens


def droppable(messages: Sequence[ChatMessage], overflow: str) -> list[int]:
    """Indices of the messages ``overflow`` may drop, oldest first: never the last one,
    and the system prompt only when rolling."""
    return [
        i for i in range(len(messages) - 1)
        if messages[i].role != "system" or overflow == OVERFLOW_ROLLING
    ]


def build_prompt(
    model: LoadedModel,
    request: ChatRequest,
    turn: Turn | None,
    cut: Cut | None = None,
    window: TemplateWindow | None = None,
) -> Iterator[Event | Prompt]:
    """The prompt's tokens (extending ``turn``, the conversation's last one, when possible),
    fitted to the context according to the overflow policy: yields ContextTrimmed and the
    Prompt, or a Failed event. Raises TemplateError when the template cannot render.

    ``cut``: where the conversation's previous turn was cut. It is kept while the kept
    messages fit; past that, enough of the oldest messages are dropped at once to bring the
    prompt to about half the context, so that the following turns reuse a stable prefix.

    ``window``: renders a turn that extends ``turn`` from a window of its messages instead
    of the whole conversation, when the model's template allows it (the same text).
    """
    template = model.template
    llm = model.llm
    messages = request.messages
    n_ctx = llm.n_ctx()
    if request.prompt is not None:
        yield from _plain_prompt(llm, request, n_ctx)
        return
    candidates = droppable(messages, request.overflow)
    reserve = min(request.sampling.max_tokens or 512, n_ctx // 4)

    def render(count: int) -> tuple[list[int], str, tuple[ChatMessage, ...]]:
        """The prompt without the oldest ``count`` droppable messages, from scratch."""
        out = set(candidates[:count])
        subset = tuple(m for i, m in enumerate(messages) if i not in out)
        text = template.render(subset, continue_last=request.continue_last)
        return tokenize(llm, text, first=True), text, subset

    start = 0
    if (
        cut is not None
        and request.overflow != OVERFLOW_STOP
        and cut.overflow == request.overflow
        and cut.n_ctx == n_ctx
        and cut.count < len(candidates)
        and tuple(messages[i] for i in candidates[: cut.count]) == cut.dropped
    ):
        start = cut.count
    out = set(candidates[:start])
    subset = tuple(m for i, m in enumerate(messages) if i not in out)
    built = None
    if turn is not None and not request.continue_last:
        extend = (
            window.renderer(turn, request.conversation_id) if window is not None
            else template.render
        )
        built = continue_tokens(turn, subset, extend, lambda text: tokenize(llm, text, first=False))
    if built is not None:
        tokens, text = built
    else:
        text = template.render(subset, continue_last=request.continue_last)
        tokens = tokenize(llm, text, first=True)
    if start == 0 and len(tokens) < n_ctx:
        yield Prompt(tokens, text, system_tokens(model, subset, text), messages=subset)
        return
    if start == 0 and request.overflow == OVERFLOW_STOP:
        yield Failed(
            error=ErrorKind.BAD_REQUEST,
            message=f"The conversation is {len(tokens):,} tokens long and does not fit "
            f"in the context of {n_ctx:,} tokens. Start a new chat, raise the context "
            "size, or let older messages drop out (context overflow setting).",
            path=request.model_path,
        )
        return
    count = start
    recut = len(tokens) + reserve > n_ctx
    if recut:
        # The smallest cut past the old one that brings the prompt to half the context
        # (bisection: the prompt only shrinks as more messages drop), else the smallest
        # that fits at all.
        found = _smallest_cut(render, start + 1, len(candidates), n_ctx // 2)
        if found is None:
            found = _smallest_cut(render, start + 1, len(candidates), n_ctx - reserve)
        if found is None:
            last, _, _ = render(len(candidates))
            yield Failed(
                error=ErrorKind.BAD_REQUEST,
                message=f"The last message alone ({len(last):,} tokens) does not fit in "
                f"the context of {n_ctx:,} tokens. Shorten it or raise the context size.",
                path=request.model_path,
            )
            return
        count = found
        tokens, text, subset = render(count)
    dropped = tuple(candidates[:count])
    keep = system_tokens(model, subset, text)
    yield ContextTrimmed(dropped=dropped, prompt_tokens=len(tokens), context_size=n_ctx)
    new_cut = Cut(request.overflow, n_ctx, tuple(messages[i] for i in dropped))
    yield Prompt(tokens, text, keep, trimmed=True, messages=subset, cut=new_cut, recut=recut)


def _plain_prompt(llm: LlamaModel, request: ChatRequest, n_ctx: int) -> Iterator[Event | Prompt]:
    """A plain-text completion's prompt: the text as it is, which must fit the context."""
    assert request.prompt is not None
    tokens = tokenize(llm, request.prompt, first=True)
    if not tokens:
        yield Failed(error=ErrorKind.BAD_REQUEST, message="The prompt is empty: give the "
                     "model some text to continue.", path=request.model_path)
    elif len(tokens) >= n_ctx:
        yield Failed(
            error=ErrorKind.BAD_REQUEST,
            message=f"The prompt is {len(tokens):,} tokens long and does not fit in the "
            f"context of {n_ctx:,} tokens. Shorten it or raise the context size.",
            path=request.model_path,
        )
    else:
        yield Prompt(tokens, request.prompt, keep=1)


def _smallest_cut(
    render: Callable[[int], tuple[list[int], str, tuple[ChatMessage, ...]]],
    low: int,
    high: int,
    limit: int,
) -> int | None:
    """The smallest count in ``low..high`` whose prompt is at most ``limit`` tokens, by
    bisection (about log2(high - low) renders); None when even ``high`` is too long."""
    if low > high or len(render(high)[0]) > limit:
        return None
    while low < high:
        mid = (low + high) // 2
        if len(render(mid)[0]) <= limit:
            high = mid
        else:
            low = mid + 1
    return low


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

"""Rendering a turn's new messages from a short window of the conversation, not all of it.

A turn that extends the conversation's last one (its messages, the reply, new messages)
needs only the text its template renders after the last turn's prompt; the rest is the last
turn's own text. Rendering the whole history to find it costs time in proportion to the
history (several milliseconds a turn at 600 messages). For most templates that
text depends only on the conversation's head (the first message, which templates look at
for a system prompt) and on the last few messages: :func:`rendered_after` renders the head
and a window of the last turn's final messages (kept at the same index parity, for
templates that check that roles alternate by ``loop.index0 % 2``), with and without the
new messages, and takes the difference.

Whether that gives the whole render's bytes is the template's business, so
:class:`TemplateWindow` decides it per template, before its first use: synthetic
conversations (with and without a system prompt, several lengths and parities, awkward
contents) must give the same text either way, and two clocks the same render. A template
that numbers messages, counts them, looks past the window, reads the date or draws random
values is rendered whole. Later, each conversation's first incremental turns and every
32nd are compared with the whole render; the first difference turns the window off for
that template for good (and is logged).
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from inference.events import ChatMessage
from inference.prompt_cache import Turn
from inference.templates import TemplateError

_log = logging.getLogger(__name__)

HEAD = 1  # the conversation's first messages, always rendered
# Shorter conversations are rendered whole: two renders of a window would cost as much.
MIN_MESSAGES = 24
WINDOW = 4  # the last turn's final messages rendered before the new ones (at least)
VERIFY_FIRST = 3  # each conversation's first incremental turns are checked...
VERIFY_EVERY = 32  # ...and every 32nd after them
_CONVERSATIONS = 256  # conversations whose incremental turns are counted
# The probes' time, past which a (slow) template is rendered whole; they take a few ms.
PROBE_SECONDS = 0.5

# Contents of the probes' messages: each message gets a different one.
_PROBE_CONTENTS = (
    "Hello there.",
    "Sure: the first answer.",
    "  padded with spaces  ",
    "two\nlines\n",
    "{{ not jinja }} {% raw %} {# no #}",
    "<|im_end|><end_of_turn><|eot_id|> markers as text",
    "quotes ' \" \\ and ✓ é 中文 🙂",
    "<think>a thought</think>the answer",
    "",
    "\n\nleading newlines",
    "The last word.",
)
_PROBE_COUNTS = (5, 6, 7, 8, 9, 10, 15, 16, 41)  # messages of the last turn
_PROBE_NEW = (2, 4)  # the reply and the new messages after it
_CLOCKS = (datetime(2001, 2, 3, 4, 5, 6), datetime(2019, 11, 12, 13, 14, 15))


class Template(Protocol):
    """What the window needs of a chat template (:class:`~inference.templates.ChatTemplate`)."""

    def render(
        self,
        messages: Sequence[ChatMessage],
        add_generation_prompt: bool = True,
        continue_last: bool = False,
        now: datetime | None = None,
    ) -> str: ...


def window_start(count: int, head: int = HEAD, keep: int = WINDOW) -> int | None:
    """Where the window over a last turn of ``count`` messages starts: at least ``keep``
    messages before its end, at an index of the same parity, counted from the head, as in
    the whole conversation; None when the window would hold the whole conversation."""
    start = count - keep
    if (start - head) % 2:
        start -= 1
    return start if start > head else None


def rendered_after(
    template: Template, messages: Sequence[ChatMessage], count: int, now: datetime | None = None
) -> str | None:
    """The text ``messages`` render to after their first ``count`` messages (rendered with
    the generation prompt), from the head and a window alone; None when there is no
    shorter window, or the window's render does not extend the window's earlier part's.

    Whether this equals the whole render's difference depends on the template (see
    :class:`TemplateWindow`). Raises :class:`TemplateError`.
    """
    start = window_start(count)
    if start is None or len(messages) <= count:
        return None
    window = (*messages[:HEAD], *messages[start:])
    before = template.render(window[: HEAD + count - start], now=now)
    text = template.render(window, now=now)
    return text[len(before) :] if text.startswith(before) else None


def _whole_after(
    template: Template, messages: Sequence[ChatMessage], count: int, now: datetime
) -> str | None:
    """The same difference from the whole conversation."""
    before = template.render(messages[:count], now=now)
    text = template.render(messages, now=now)
    return text[len(before) :] if text.startswith(before) else None


def _probe_conversation(system: bool, length: int, shift: int) -> tuple[ChatMessage, ...]:
    """``length`` alternating messages (a system prompt first when ``system``), each with
    its own content, the contents rotated by ``shift``."""
    messages = [ChatMessage("system", "You are a careful assistant.\n")] if system else []
    while len(messages) < length:
        i = len(messages) - (1 if system else 0)
        role = "user" if i % 2 == 0 else "assistant"
        content = _PROBE_CONTENTS[(len(messages) + shift) % len(_PROBE_CONTENTS)]
        messages.append(ChatMessage(role, f"{content} ({len(messages)})"))
    return tuple(messages)


def _outcome(render: Callable[..., str | None], *args: object) -> tuple[str, str | None]:
    """``render(*args)``, or the error it raised."""
    try:
        return "ok", render(*args)
    except TemplateError as exc:
        return "error", str(exc)


def _render_at(template: Template, messages: Sequence[ChatMessage], now: datetime) -> str:
    return template.render(messages, now=now)


def probe(template: Template) -> str:
    """Why ``template`` cannot be rendered from a window; an empty string when it can."""
    deadline = time.monotonic() + PROBE_SECONDS
    used = 0
    for shift, count in enumerate(_PROBE_COUNTS):
        for new in _PROBE_NEW:
            if time.monotonic() > deadline:
                return "the template is too slow to probe"
            # The last turn's messages end with the user's: a system prompt makes them even.
            system = count % 2 == 0
            messages = _probe_conversation(system, count + new, shift * 3 + new)
            windowed, value = _outcome(rendered_after, template, messages, count, _CLOCKS[0])
            whole = _outcome(_whole_after, template, messages, count, _CLOCKS[0])
            if windowed == "ok" and value is None:
                continue  # the window gives nothing; the whole render is used
            both_refused = windowed == whole[0] == "error"
            if (windowed, value) != whole and not both_refused:
                what = "system prompt, " if system else ""
                return (
                    f"a window differs from the whole render ({what}{count} + {new} messages)"
                )
            used += windowed == "ok"
    if not used:
        return "no window renders the new messages"
    sample = _probe_conversation(True, 12, 0)
    renders = {_outcome(_render_at, template, sample, clock) for clock in (*_CLOCKS, _CLOCKS[0])}
    if len(renders) > 1:
        return "its render depends on the date or on chance"
    return ""


class TemplateWindow:
    """Renders a conversation that extends its last turn from a short window of its
    messages when the template allows it (decided at first use), else whole.

    One per loaded model; :meth:`renderer` gives a drop-in for ``template.render`` that
    :func:`~inference.prompt_cache.continue_tokens` calls.
    """

    def __init__(self, template: Template) -> None:
        self._template = template
        self._refusal: str | None = None  # why not; "" when windows are used; None: unknown
        self._turns: OrderedDict[str, int] = OrderedDict()  # incremental turns so far

    @property
    def local(self) -> bool:
        """Whether windows are used for this template (probed on first use)."""
        if self._refusal is None:
            self._refusal = probe(self._template)
            if self._refusal:
                _log.info("chat template rendered whole each turn: %s", self._refusal)
        return not self._refusal

    def turns(self, conversation_id: str) -> int:
        """How many of the conversation's turns were rendered from a window."""
        return self._turns.get(conversation_id, 0)

    def renderer(self, turn: Turn, conversation_id: str) -> Callable[[Sequence[ChatMessage]], str]:
        """``template.render`` (the same text) for messages that extend ``turn``, the
        conversation's last turn; from a window when the template allows it."""
        return lambda messages: self._render(turn, messages, conversation_id)

    def _render(self, turn: Turn, messages: Sequence[ChatMessage], conversation_id: str) -> str:
        count = len(turn.messages)
        if (
            len(messages) < MIN_MESSAGES
            or len(messages) <= count
            or not self.local
            or tuple(messages[:count]) != turn.messages
        ):
            return self._template.render(messages)
        try:
            after = rendered_after(self._template, messages, count)
        except TemplateError as exc:
            whole = self._template.render(messages)  # raises as it would have anyway
            self._refuse(f"a window failed to render ({exc}) where the whole render works")
            return whole
        if after is None:
            return self._template.render(messages)
        # The last turn's text is the render of its messages, so this is the whole render.
        text = turn.prompt_text + after
        done = self._turns.pop(conversation_id, 0)
        self._turns[conversation_id] = done + 1
        while len(self._turns) > _CONVERSATIONS:
            self._turns.popitem(last=False)
        if done < VERIFY_FIRST or done % VERIFY_EVERY == 0:
            whole = self._template.render(messages)
            if whole != text:
                self._refuse(
                    f"a window differed from the whole render at {len(messages)} messages"
                )
                return whole
        return text

    def _refuse(self, reason: str) -> None:
        self._refusal = reason
        self._turns.clear()
        _log.warning("chat template rendered whole from now on: %s", reason)

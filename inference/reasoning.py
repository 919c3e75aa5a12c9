"""A reasoning model's thinking, told apart from its answer in the token stream.

Reasoning models (DeepSeek-R1 and its distills, Qwen3, Magistral, ...) write their thinking
between two tags before the answer: ``<think>…</think>`` for most. The chat template says
which tags the model uses (it strips them from earlier turns, or opens the block in the
generation prompt); :func:`thinking_tags` reads them from it. :class:`ThinkingSplitter`
then splits the reply's text, as it streams, into thinking and answer segments. Tags may
arrive split across tokens (``<th`` + ``ink>``): a piece that could still become a tag is
held until it is decided, as :class:`~inference.stops.StopMatcher` does for stop strings.

Thinking is recognised only at the start of a reply (after any whitespace), or from its
first token when the prompt already opened the block: a ``<think>`` written in the middle
of an answer (about HTML, say) is text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True, slots=True)
class ThinkingTags:
    """The tags around a model's thinking."""

    open: str
    close: str


THINK = ThinkingTags("<think>", "</think>")
# Pairs in use by reasoning models' templates, the common one first.
KNOWN_TAGS: tuple[ThinkingTags, ...] = (
    THINK,
    ThinkingTags("[THINK]", "[/THINK]"),  # Magistral
    ThinkingTags("<|START_THINKING|>", "<|END_THINKING|>"),  # Command A Reasoning
    ThinkingTags("◁think▷", "◁/think▷"),  # Kimi
)


def thinking_tags(template: str | None) -> ThinkingTags | None:
    """The thinking tags a chat template declares (mentions its closing tag), or None."""
    if not template:
        return None
    for tags in KNOWN_TAGS:
        if tags.close in template:
            return tags
    return None


def opens_thinking(prompt_text: str, tags: ThinkingTags) -> bool:
    """Whether the prompt ends inside an open thinking block (the template opened it)."""
    return prompt_text.rstrip().endswith(tags.open)


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of the reply's text: thinking, or the answer."""

    text: str
    thinking: bool


class _State(Enum):
    START = "start"  # nothing visible yet: an opening tag may still come
    THINKING = "thinking"
    ANSWER = "answer"


class ThinkingSplitter:
    """Splits a reply's streamed text into thinking and answer segments.

    :meth:`feed` returns the segments that are decided; :meth:`flush` the rest, at the end.
    Tags are not part of any segment; whitespace right after each tag is dropped.
    """

    def __init__(self, tags: ThinkingTags = THINK, inside: bool = False) -> None:
        self._tags = tags
        self._state = _State.THINKING if inside else _State.START
        self._held = ""
        self._trim = inside  # drop whitespace before the next visible character

    @property
    def thinking(self) -> bool:
        """Whether the reply is inside its thinking now."""
        return self._state is _State.THINKING

    @property
    def answering(self) -> bool:
        """Whether the answer has begun (no thinking can start any more)."""
        return self._state is _State.ANSWER

    def feed(self, text: str) -> list[Segment]:
        """The segments ``text`` completes (possibly none: a partial tag is held)."""
        out: list[Segment] = []
        buffer = self._held + text
        self._held = ""
        while buffer:
            if self._state is _State.START:
                visible = buffer.lstrip()
                opening = self._tags.open
                if not visible or (len(visible) < len(opening) and opening.startswith(visible)):
                    self._held = buffer
                    break
                if visible.startswith(opening):
                    self._state = _State.THINKING
                    self._trim = True
                    buffer = visible[len(opening):]
                    continue
                self._state = _State.ANSWER
                continue
            if self._state is _State.THINKING:
                closing = self._tags.close
                at = buffer.find(closing)
                if at >= 0:
                    self._add(out, buffer[:at], thinking=True)
                    self._state = _State.ANSWER
                    self._trim = True
                    buffer = buffer[at + len(closing):]
                    continue
                keep = _partial_suffix(buffer, closing)
                self._add(out, buffer[: len(buffer) - keep], thinking=True)
                self._held = buffer[len(buffer) - keep:]
                break
            self._add(out, buffer, thinking=False)
            break
        return out

    def flush(self) -> list[Segment]:
        """What is held once the reply has ended (an unclosed thinking stays thinking)."""
        held, self._held = self._held, ""
        out: list[Segment] = []
        self._add(out, held, thinking=self._state is _State.THINKING)
        return out

    def _add(self, out: list[Segment], text: str, *, thinking: bool) -> None:
        if self._trim:
            text = text.lstrip()
            self._trim = not text
        if text:
            out.append(Segment(text, thinking))


def _partial_suffix(text: str, tag: str) -> int:
    """Length of the longest end of ``text`` that begins ``tag`` (0: none)."""
    for length in range(min(len(tag) - 1, len(text)), 0, -1):
        if text.endswith(tag[:length]):
            return length
    return 0

"""The streaming reply's text on its way to the screen: buffered and painted on a timer.

:class:`ReplyStream` coalesces tokens: the first chunk is painted at once, then at most
every :data:`PAINT_INTERVAL_MS`, so the transcript is painted ~30 times a second however
fast the model writes. The view (the chat's, a Compare column) does the painting itself
(its ``paint`` callback).

A reasoning model's reply streams two kinds of text: its thinking, then its answer. Both
wait in the same queue, in order; each paint gets text of one kind.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

PAINT_INTERVAL_MS = 33  # at most ~30 paints a second while a reply streams


class ReplyStream(QObject):
    """The text of the open reply: what it had before, what was painted, what waits.

    ``paint(text, first, thinking)`` appends ``text`` to the transcript (``first``: the
    reply's first new text; ``thinking``: the text is thinking, not answer) and returns
    whether the view should then follow the tail; ``follow()`` scrolls it to the bottom.
    When ``paint`` is called, :meth:`text` and :meth:`thinking` already include ``text``.
    """

    def __init__(
        self,
        paint: Callable[[str, bool, bool], bool],
        follow: Callable[[], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._paint = paint
        self._follow = follow
        self._generating: int | None = None
        self._prefix = ""  # text the streaming reply had before this session's tokens
        self._thinking_prefix = ""
        self._pending: list[tuple[bool, str]] = []  # (thinking, text), in order
        self._reply: list[str] = []
        self._thinking: list[str] = []
        self._painted = False
        # The message whose times are kept (across rebuilds of the view), and when its
        # thinking and then its answer were first painted.
        self._timed: int | None = None
        self._thinking_from = 0.0
        self._answer_from = 0.0
        self._last_flush = 0.0
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.timeout.connect(self._flush)

    @property
    def message_id(self) -> int | None:
        """The message streaming in, or None."""
        return self._generating

    def start(self, message_id: int, text: str, thinking: str = "") -> None:
        """Stream into ``message_id``, which shows ``text`` (and ``thinking``) so far.

        Streaming into the same message again (the view was rebuilt) keeps the times
        its thinking began and ended.
        """
        if message_id != self._timed:
            self._timed = message_id
            self._thinking_from = self._answer_from = 0.0
            self._painted = False
        self._generating = message_id
        self._prefix = text
        self._thinking_prefix = thinking
        self._pending.clear()
        self._reply.clear()
        self._thinking.clear()
        self._last_flush = 0.0

    def stop(self) -> None:
        """Stream no more (what waits is dropped: the view is about to be rebuilt)."""
        self._flush_timer.stop()
        self._generating = None
        self._pending.clear()
        self._reply.clear()
        self._thinking.clear()
        self._prefix = self._thinking_prefix = ""

    def append(self, text: str, thinking: bool = False) -> None:
        """Queue streamed text for the open reply; it is painted on the next timer tick."""
        if not text or self._generating is None:
            return
        self._pending.append((thinking, text))
        if self._flush_timer.isActive():
            return
        wait_ms = PAINT_INTERVAL_MS - (time.perf_counter() - self._last_flush) * 1000
        if wait_ms <= 0:
            self._flush()
        else:
            self._flush_timer.start(math.ceil(wait_ms))

    def text(self) -> str:
        """The answer the open reply shows, including text not painted yet."""
        waiting = "".join(text for thinking, text in self._pending if not thinking)
        return self._prefix + "".join(self._reply) + waiting

    def thinking(self) -> str:
        """The thinking of the open reply, including text not painted yet."""
        waiting = "".join(text for thinking, text in self._pending if thinking)
        return self._thinking_prefix + "".join(self._thinking) + waiting

    def thought_s(self, message_id: int) -> float | None:
        """How long the reply ``message_id`` thought, once its answer began painting (None
        before, or for another message)."""
        if message_id != self._timed or not (self._thinking_from and self._answer_from):
            return None
        return self._answer_from - self._thinking_from

    def _flush(self) -> None:
        if not self._pending or self._generating is None:
            return
        # One paint per kind, in order: thinking text, then the answer's.
        runs: list[tuple[bool, list[str]]] = []
        for thinking, text in self._pending:
            if runs and runs[-1][0] == thinking:
                runs[-1][1].append(text)
            else:
                runs.append((thinking, [text]))
        self._pending.clear()
        follow = False
        now = time.perf_counter()
        for thinking, parts in runs:
            text = "".join(parts)
            (self._thinking if thinking else self._reply).append(text)
            if thinking and not self._thinking_from:
                self._thinking_from = now
            elif not thinking and not self._answer_from:
                self._answer_from = now
            first = not self._painted
            self._painted = True
            follow = self._paint(text, first, thinking) or follow
            if self._generating is None:  # the paint rebuilt the view and ended the stream
                return
        self._last_flush = now
        if follow:
            self._follow()

"""The streaming reply's text on its way to the screen: buffered and painted on a timer.

:class:`ReplyStream` coalesces tokens: the first chunk is painted at once, then at most
every :data:`PAINT_INTERVAL_MS`, so the transcript is painted ~30 times a second however
fast the model writes. The view does the painting itself (its ``paint`` callback).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

PAINT_INTERVAL_MS = 33  # at most ~30 paints a second while a reply streams


class ReplyStream(QObject):
    """The text of the open reply: what it had before, what was painted, what waits.

    ``paint(text, first)`` appends ``text`` to the transcript (``first``: the reply's first
    new text) and returns whether the view should then follow the tail; ``follow()``
    scrolls it to the bottom.
    """

    def __init__(
        self,
        paint: Callable[[str, bool], bool],
        follow: Callable[[], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._paint = paint
        self._follow = follow
        self._generating: int | None = None
        self._prefix = ""  # text the streaming reply had before this session's tokens
        self._pending: list[str] = []
        self._reply: list[str] = []
        self._last_flush = 0.0
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.timeout.connect(self._flush)

    @property
    def message_id(self) -> int | None:
        """The message streaming in, or None."""
        return self._generating

    def start(self, message_id: int, text: str) -> None:
        """Stream into ``message_id``, which shows ``text`` so far."""
        self._generating = message_id
        self._prefix = text
        self._pending.clear()
        self._reply.clear()
        self._last_flush = 0.0

    def stop(self) -> None:
        """Stream no more (what waits is dropped: the view is about to be rebuilt)."""
        self._flush_timer.stop()
        self._generating = None
        self._pending.clear()
        self._reply.clear()
        self._prefix = ""

    def append(self, text: str) -> None:
        """Queue streamed text for the open reply; it is painted on the next timer tick."""
        if not text or self._generating is None:
            return
        self._pending.append(text)
        if self._flush_timer.isActive():
            return
        wait_ms = PAINT_INTERVAL_MS - (time.perf_counter() - self._last_flush) * 1000
        if wait_ms <= 0:
            self._flush()
        else:
            self._flush_timer.start(math.ceil(wait_ms))

    def text(self) -> str:
        """Everything the open reply shows, including text not painted yet."""
        return self._prefix + "".join(self._reply) + "".join(self._pending)

    def _flush(self) -> None:
        if not self._pending or self._generating is None:
            return
        text = "".join(self._pending)
        self._pending.clear()
        follow = self._paint(text, not self._reply)
        self._reply.append(text)
        self._last_flush = time.perf_counter()
        if follow:
            self._follow()

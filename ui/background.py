"""Run slow calls (hub requests, file hashing, trial loads) off the GUI thread.

:class:`Background` starts a callable on Qt's global thread pool and hands its result, or
the exception it raised, to a callback on the GUI thread. A caller that starts a newer call
of the same kind passes the same ``tag``: results of superseded calls are dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

_log = logging.getLogger(__name__)


class Background(QObject):
    """Background calls whose results arrive on the GUI thread."""

    _finished = Signal(int, object, object)  # call id, result, exception

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._next = 0
        self._pending: dict[int, tuple[str, Callable[[Any, BaseException | None], None]]] = {}
        self._latest: dict[str, int] = {}
        self._finished.connect(self._deliver)

    def run(
        self,
        work: Callable[[], Any],
        done: Callable[[Any, BaseException | None], None],
        tag: str = "",
    ) -> None:
        """Run ``work()`` in a pool thread; then ``done(result, exception)`` here."""
        self._next += 1
        call_id = self._next
        self._pending[call_id] = (tag, done)
        if tag:
            self._latest[tag] = call_id

        def job() -> None:
            try:
                result = work()
            except Exception as exc:  # delivered to the caller, who says what went wrong
                # Into the log file (not the console): the caller shows the message.
                _log.info("background call %d failed", call_id, exc_info=True)
                self._finished.emit(call_id, None, exc)
            else:
                self._finished.emit(call_id, result, None)

        QThreadPool.globalInstance().start(job)

    def busy(self, tag: str) -> bool:
        """Whether a call with ``tag`` is still running."""
        return any(t == tag for t, _ in self._pending.values())

    @Slot(int, object, object)
    def _deliver(self, call_id: int, result: Any, error: BaseException | None) -> None:
        tag, done = self._pending.pop(call_id, ("", None))  # type: ignore[arg-type]
        if done is None or (tag and self._latest.get(tag) != call_id):
            return
        done(result, error)

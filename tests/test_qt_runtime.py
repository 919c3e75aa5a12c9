"""Guards against Qt binding bugs that would crash a long chat session."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from pytestqt.qtbot import QtBot


class _Emitter(QObject):
    token = Signal(int, str)


def test_signal_emit_keeps_reference_counts(qtbot: QtBot) -> None:
    # PySide6 6.12.0 lost a reference to True per emit: a few thousand tokens later the
    # interpreter aborted. The app emits one signal per token.
    emitter = _Emitter()
    received: list[str] = []
    emitter.token.connect(lambda _rid, text: received.append(text))
    before = sys.getrefcount(True)
    for _ in range(2000):
        emitter.token.emit(1, "x")
    assert len(received) == 2000
    assert abs(sys.getrefcount(True) - before) < 50

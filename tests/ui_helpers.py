"""Helpers for widget tests: click a link in the transcript the way a user does."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor, QTextDocument
from pytestqt.qtbot import QtBot

from ui.chat_view import ChatView


def link_positions(view: ChatView, label: str) -> list[int]:
    """Document positions where the link text ``label`` starts (whole words, exact case)."""
    document = view.document()
    flags = QTextDocument.FindFlag.FindCaseSensitively | QTextDocument.FindFlag.FindWholeWords
    found, positions = document.find(label, 0, flags), []
    while not found.isNull():
        if found.charFormat().isAnchor():
            positions.append(found.selectionStart())
        found = document.find(label, found.selectionEnd(), flags)
    return positions


def click_link(qtbot: QtBot, view: ChatView, label: str, occurrence: int = -1) -> None:
    """Scroll to the ``occurrence``-th link called ``label`` and click it with the mouse."""
    positions = link_positions(view, label)
    assert positions, f"no link {label!r} in the transcript"
    cursor = QTextCursor(view.document())
    cursor.setPosition(positions[occurrence] + 1)
    bar = view.verticalScrollBar()
    rect = view.cursorRect(cursor)
    if not view.viewport().rect().contains(rect.center()):
        bar.setValue(bar.value() + rect.center().y() - view.viewport().height() // 2)
        rect = view.cursorRect(cursor)
    point = rect.center() + QPoint(1, 0)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)

"""The mark on a message found by a search: its lines tinted, the searched words in it lit."""

from __future__ import annotations

from PySide6.QtGui import QColor, QTextCursor, QTextDocument, QTextFormat
from PySide6.QtWidgets import QTextEdit

MATCH_BACKGROUND = QColor(250, 204, 21, 150)
FOUND_BACKGROUND = QColor(250, 204, 21, 40)


def highlight_selections(
    document: QTextDocument, start: int, end: int, words: tuple[str, ...]
) -> list[QTextEdit.ExtraSelection]:
    """Extra selections marking the text from ``start`` to ``end`` and ``words`` in it."""
    selections = []
    block = document.findBlock(start)
    while block.isValid() and block.position() <= end:
        whole = QTextEdit.ExtraSelection()
        whole.cursor = QTextCursor(block)
        whole.format.setBackground(FOUND_BACKGROUND)
        whole.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        selections.append(whole)
        block = block.next()
    for word in words:
        found = document.find(word, start)
        while not found.isNull() and found.selectionEnd() <= end:
            match = QTextEdit.ExtraSelection()
            match.cursor = found
            match.format.setBackground(MATCH_BACKGROUND)
            selections.append(match)
            found = document.find(word, found.selectionEnd())
    return selections

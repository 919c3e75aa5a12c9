"""The message input: Enter sends, Shift+Enter starts a new line."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QPlainTextEdit, QWidget

VISIBLE_LINES = 3


class MessageBox(QPlainTextEdit):
    """Plain-text message editor. Enter submits; Shift+Enter inserts a newline."""

    submitted = Signal()
    """Enter was pressed (without Shift); the text is still in the box."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Message"))
        self.setPlaceholderText(
            self.tr("Message the model…  (Enter to send, Shift+Enter for a new line)"))
        self.setTabChangesFocus(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.document().setDocumentMargin(6)
        line = self.fontMetrics().lineSpacing()
        margins = self.contentsMargins()
        self.setFixedHeight(
            line * VISIBLE_LINES + 2 * 6 + margins.top() + margins.bottom() + 2 * self.frameWidth()
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.submitted.emit()
            event.accept()
            return
        if enter:
            # Shift+Enter would insert a line separator (U+2028); insert a plain newline.
            self.insertPlainText("\n")
            event.accept()
            return
        super().keyPressEvent(event)

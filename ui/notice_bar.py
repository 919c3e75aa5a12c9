"""An inline notice above the conversation: what happened, in words, with a close button."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

WARNING_STYLE = (
    "NoticeBar { background: rgba(217, 119, 6, 38); border: 1px solid rgba(217, 119, 6, 140);"
    " border-radius: 4px; }"
)


class NoticeBar(QFrame):
    """Shows one notice (recovery after damage, a missing model) until the user closes it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(WARNING_STYLE)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setAccessibleName(self.tr("Close notice"))
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_notice(self, text: str) -> None:
        self.label.setText(text)
        self.setAccessibleName(self.tr("Notice: {text}").format(text=text))
        self.show()

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""

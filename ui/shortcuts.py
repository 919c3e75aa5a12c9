"""The keyboard shortcuts, listed once: the window binds them, the help dialog shows them."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

# (keys as shown, what they do). The window's bindings use the same key names.
SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Enter", "Send the message"),
    ("Shift+Enter", "Start a new line in the message"),
    ("Esc", "Stop the reply · cancel an edit · leave the search"),
    ("Ctrl+N", "New chat"),
    ("Ctrl+F", "Search all chats"),
    ("Ctrl+Up / Ctrl+Down", "Previous / next chat"),
    ("F2", "Rename the chat"),
    ("Delete", "Delete the chat (in the chat list)"),
    ("Ctrl+Z", "Undo deleting a chat"),
    ("Ctrl+,", "Chat settings: system prompt, sampling, presets"),
    ("Ctrl+Shift+K", "Compare models and settings side by side"),
    ("Tab, then Enter", "Reach and use a message's links (copy, edit, versions…)"),
    ("F1 or ?", "This list"),
    ("Ctrl+Q", "Quit"),
)


class ShortcutsDialog(QDialog):
    """A plain list of every keyboard shortcut."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        rows = "".join(
            f"<tr><td style='padding:3px 18px 3px 0'><b>{escape(keys)}</b></td>"
            f"<td style='padding:3px 0'>{escape(what)}</td></tr>"
            for keys, what in SHORTCUTS
        )
        self.table = QLabel(f"<table>{rows}</table>")
        self.table.setTextFormat(Qt.TextFormat.RichText)
        self.table.setAccessibleName("Keyboard shortcuts")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)

    def text(self) -> str:
        """The shortcuts as plain text (for tests and screen readers)."""
        return "\n".join(f"{keys}\t{what}" for keys, what in SHORTCUTS)

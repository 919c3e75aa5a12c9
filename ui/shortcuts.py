"""The keyboard shortcuts, listed once: the window binds them, the help dialog shows them."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from ui.app_texts import app_text

# (keys as shown, what they do). The window's bindings use the same key names. Both are
# shown in the window's language (ui/app_catalog.py lists them; German keys read "Strg").
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
# Reading message by message, and the text size (marked for translation where they are
# shown, like the rows above).
SHORTCUTS += (
    (QT_TRANSLATE_NOOP("ShortcutsDialog", "Alt+Up / Alt+Down"),
     QT_TRANSLATE_NOOP("ShortcutsDialog",
                       "Previous / next message (then Tab reaches its actions)")),
    (QT_TRANSLATE_NOOP("ShortcutsDialog", "Ctrl+Tab"),
     QT_TRANSLATE_NOOP("ShortcutsDialog",
                       "Leave the conversation (Tab goes from link to link in it)")),
    (QT_TRANSLATE_NOOP("ShortcutsDialog", "Ctrl++ / Ctrl+-"),
     QT_TRANSLATE_NOOP("ShortcutsDialog", "Larger / smaller text")),
    (QT_TRANSLATE_NOOP("ShortcutsDialog", "Ctrl+0"),
     QT_TRANSLATE_NOOP("ShortcutsDialog", "Text at its usual size")),
)


class ShortcutsDialog(QDialog):
    """A plain list of every keyboard shortcut."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        rows = "".join(
            f"<tr><td style='padding:3px 18px 3px 0'><b>{escape(app_text(keys))}</b></td>"
            f"<td style='padding:3px 0'>{escape(app_text(what))}</td></tr>"
            for keys, what in SHORTCUTS
        )
        self.table = QLabel(f"<table>{rows}</table>")
        self.table.setTextFormat(Qt.TextFormat.RichText)
        self.table.setAccessibleName(self.tr("Keyboard shortcuts"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)

    def text(self) -> str:
        """The shortcuts as plain text (for tests and screen readers)."""
        return "\n".join(f"{app_text(keys)}\t{app_text(what)}" for keys, what in SHORTCUTS)

"""The composer: where a message is written and sent (the box, Send and Stop, the edit banner)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.message_box import MessageBox
from ui.message_render import WARNING_COLOR
from ui.theme import tint

EDIT_BANNER = QT_TRANSLATE_NOOP(
    "Composer",
    "Editing a message: Enter sends it as a new version, Esc cancels.")


class Composer(QWidget):
    """The message box with its Send and Stop buttons, and a banner while a message is edited.

    It knows nothing of chats or models: the window tells it whether a reply runs and whether
    a model is chosen (:meth:`set_state`), and hears what the user asked for through signals.
    """

    send_requested = Signal(str)
    """The user asked to send the box's text (Enter or Send); the text stays in the box until
    the owner calls :meth:`clear`."""
    stop_requested = Signal()
    """The user pressed Stop."""
    text_changed = Signal()
    """The text in the box changed (typed, pasted, cleared)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._editing: int | None = None
        self._busy = False
        self._has_model = False

        self.edit_bar = QLabel(self.tr(EDIT_BANNER))
        tint(self.edit_bar, WARNING_COLOR)
        self.edit_bar.hide()
        self.message_box = MessageBox()
        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.setStyleSheet(
            "QPushButton:enabled { background: palette(highlight);"
            " color: palette(highlighted-text); border: none; border-radius: 4px;"
            " font-weight: bold; }"
        )
        self.send_button.setAccessibleName(self.tr("Send message"))
        self.send_button.setToolTip(self.tr("Send the message (Enter)"))
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setAccessibleName(self.tr("Stop reply"))
        self.stop_button.setToolTip(self.tr("Stop the reply (Esc)"))
        for button in (self.send_button, self.stop_button):
            button.setMinimumWidth(88)
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)

        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(self.message_box, 1)
        buttons = QVBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.stop_button)
        row.addLayout(buttons)
        # The same spacing as the window's column, so the banner sits where it always did.
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.edit_bar)
        layout.addLayout(row)

        self.message_box.submitted.connect(self._request_send)
        self.send_button.clicked.connect(self._request_send)
        self.stop_button.clicked.connect(self.stop_requested)
        self.message_box.textChanged.connect(self._on_text_changed)
        self._refresh()

    @property
    def editing(self) -> int | None:
        """The id of the message being edited, or None when writing a new one."""
        return self._editing

    def text(self) -> str:
        """The text in the box."""
        return self.message_box.toPlainText()

    def clear(self) -> None:
        """Empty the box (the message was sent)."""
        self.message_box.clear()

    def focus(self) -> None:
        """Put the keyboard focus in the box."""
        self.message_box.setFocus()

    def start_edit(self, message_id: int, text: str) -> None:
        """Put ``text`` (message ``message_id``) in the box; sending it makes a new version."""
        self._editing = message_id
        self.message_box.setPlainText(text)
        self.edit_bar.show()
        self.focus()
        self._refresh()

    def take_edit(self) -> int | None:
        """Leave edit mode and return the edited message's id (None if none); the text stays."""
        editing, self._editing = self._editing, None
        self.edit_bar.hide()
        self._refresh()
        return editing

    def cancel_edit(self) -> bool:
        """Leave edit mode and empty the box; False if no message was being edited."""
        if self._editing is None:
            return False
        self._editing = None
        self.edit_bar.hide()
        self.message_box.clear()
        self._refresh()
        return True

    def set_state(self, busy: bool, has_model: bool) -> None:
        """Enable Send only with text, a model and no reply running; Stop only while one runs."""
        self._busy = busy
        self._has_model = has_model
        self._refresh()

    def _refresh(self) -> None:
        has_text = bool(self.text().strip())
        self.send_button.setEnabled(not self._busy and has_text and self._has_model)
        self.send_button.setText(self.tr("Send edit") if self._editing is not None
                                 else self.tr("Send"))
        self.stop_button.setEnabled(self._busy)

    def _on_text_changed(self) -> None:
        self._refresh()
        self.text_changed.emit()

    def _request_send(self) -> None:
        self.send_requested.emit(self.text())

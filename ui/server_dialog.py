"""The Server dialog: the OpenAI-compatible API server's switch, settings, key and figures.

The switch acts at once; the other fields wait for Apply (or OK), so typing an address does
not restart the server at each key. Nothing here waits for the server: the dialog hands
settings to its owner (:attr:`ServerDialog.applied`), the owner hands them to
:class:`~app.api.control.ServerControl`, which (re)starts the server on its own thread, and
a timer reads :meth:`~app.api.control.ServerControl.status` about once a second while the
dialog is shown. Turning the server on at an address other machines can reach asks first.
"""

from __future__ import annotations

from pydantic import ValidationError
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QSignalBlocker,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QGuiApplication, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.api.addresses import clean_address, clean_origins
from app.api.control import ServerControl
from app.api.keys import PREFIX as KEY_PREFIX
from app.api.server import ServerState, ServerStatus, is_loopback
from app.settings import ServerSettings
from ui.app_texts import app_text
from ui.i18n import tr
from ui.message_render import ERROR_COLOR
from ui.setting_fields import check_box, int_spin, label, translated_spec
from ui.theme import tint

REFRESH_MS = 1000
ALWAYS_REQUIRED = QT_TRANSLATE_NOOP("ServerDialog",
                                    "Always required when other machines can connect.")


def describe_state(status: ServerStatus) -> str:
    """The server's state in a few words, for the dialog's State line."""
    if status.state is ServerState.RUNNING:
        rule = tr("the key is required") if status.key_required else (
            tr("no key needed from this computer"))
        return tr("Running at {url} · {rule}").format(url=status.url, rule=rule)
    if status.state is ServerState.STARTING:
        return tr("Starting…")
    if status.state is ServerState.FAILED:
        return tr("Could not start: {reason}").format(
            reason=status.error or tr("unknown error"))
    return tr("Off")


def masked(key: str) -> str:
    """The key as shown: enough to tell two keys apart, not enough to use one."""
    prefix = KEY_PREFIX if key.startswith(KEY_PREFIX) else ""
    return f"{prefix}{'•' * 12}{key[-4:]}"


class ServerDialog(QDialog):
    """Turns the API server on and off and edits how it serves (see the module's text)."""

    #: The user applied server settings (app.settings.ServerSettings); the owner uses and
    #: saves them, and hands them to the control.
    applied = Signal(object)

    def __init__(self, control: ServerControl, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("API server"))
        self._control = control
        self.exposure_warning: QMessageBox | None = None  # open while it asks
        self.regenerate_question: QMessageBox | None = None
        self._build()
        self.load(control.settings().server)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh_status)
        self.refresh_status()

    # -- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        self.switch = check_box(ServerSettings, "enabled")
        self.address = QLineEdit()
        self.address.setAccessibleName(label(ServerSettings, "host"))
        self.address.setToolTip(translated_spec(ServerSettings, "host").help)
        self.address.setMaxLength(253)
        self.port = int_spin(ServerSettings, "port")
        self.require_key = check_box(ServerSettings, "require_key")
        self.origins = QPlainTextEdit()
        self.origins.setAccessibleName(label(ServerSettings, "cors_origins"))
        self.origins.setToolTip(translated_spec(ServerSettings, "cors_origins").help
                                + self.tr(" One a line."))
        self.origins.setPlaceholderText("http://localhost:3000")
        self.origins.setTabChangesFocus(True)
        self.origins.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.queue_limit = int_spin(ServerSettings, "queue_limit")
        self.idle_unload = int_spin(ServerSettings, "idle_unload_min")
        self.idle_unload.setSuffix(self.tr(" min"))
        self.max_tokens = int_spin(ServerSettings, "max_tokens")

        form = QFormLayout()
        form.addRow(self.switch)
        for widget, name in ((self.address, "host"), (self.port, "port")):
            form.addRow(label(ServerSettings, name), widget)
        form.addRow(self.require_key)
        for widget, name in ((self.origins, "cors_origins"), (self.queue_limit, "queue_limit"),
                             (self.idle_unload, "idle_unload_min"),
                             (self.max_tokens, "max_tokens")):
            form.addRow(label(ServerSettings, name), widget)

        self.key_text = QLabel()
        self.key_text.setAccessibleName(self.tr("API key (hidden)"))
        self.copy_key = QPushButton(self.tr("Copy key"))
        self.copy_key.setToolTip(self.tr("Put the API key on the clipboard, to paste into an app"))
        self.regenerate_key = QPushButton(self.tr("Regenerate key…"))
        self.regenerate_key.setToolTip(
            self.tr("Make a new key; apps with the old one stop working"))
        self.key_note = QLabel()
        self.key_note.setWordWrap(True)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_text, 1)
        key_row.addWidget(self.copy_key)
        key_row.addWidget(self.regenerate_key)
        key_box = QGroupBox(self.tr("API key"))
        key_layout = QVBoxLayout(key_box)
        key_layout.addLayout(key_row)
        key_layout.addWidget(self.key_note)

        self.state_text = QLabel()
        self.state_text.setWordWrap(True)
        self.state_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.served_text = QLabel()
        self.failed_text = QLabel()
        self.waiting_text = QLabel()
        self.last_error_text = QLabel()
        self.last_error_text.setWordWrap(True)
        self.last_error_text.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        figures = QFormLayout()
        for text, widget in ((self.tr("State"), self.state_text),
                             (self.tr("Requests served"), self.served_text),
                             (self.tr("Requests failed"), self.failed_text),
                             (self.tr("Waiting in the queue"), self.waiting_text),
                             (self.tr("Last error"), self.last_error_text)):
            widget.setAccessibleName(text)
            figures.addRow(text, widget)
        now_box = QGroupBox(self.tr("Now"))
        now_box.setLayout(figures)

        self.problem = QLabel()
        self.problem.setWordWrap(True)
        tint(self.problem, ERROR_COLOR)
        self.problem.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Apply
            | QDialogButtonBox.StandardButton.Close
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.apply_button = buttons.button(QDialogButtonBox.StandardButton.Apply)
        buttons.rejected.connect(self.reject)
        self.ok_button.clicked.connect(lambda: self.apply(close=True))
        self.apply_button.clicked.connect(lambda: self.apply())

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(key_box)
        layout.addWidget(now_box)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

        self.switch.toggled.connect(self._switched)
        self.require_key.toggled.connect(self._key_rule_chosen)
        self.address.textChanged.connect(self._edited)
        self.port.valueChanged.connect(self._edited)
        self.origins.textChanged.connect(self._edited)
        for box in (self.queue_limit, self.idle_unload, self.max_tokens):
            box.valueChanged.connect(self._edited)
        self.copy_key.clicked.connect(self.copy_key_to_clipboard)
        self.regenerate_key.clicked.connect(self.ask_to_regenerate)

    # -- the form -----------------------------------------------------------------------

    def load(self, server: ServerSettings) -> None:
        """Show ``server`` in the fields (nothing is applied)."""
        self._own_require_key = server.require_key  # the choice for this computer
        with QSignalBlocker(self.switch):
            self.switch.setChecked(server.enabled)
        self.address.setText(server.host)
        self.port.setValue(server.port)
        self.origins.setPlainText("\n".join(server.cors_origins))
        self.queue_limit.setValue(server.queue_limit)
        self.idle_unload.setValue(server.idle_unload_min)
        self.max_tokens.setValue(server.max_tokens)
        self._edited()

    def server_settings(self) -> tuple[ServerSettings | None, str]:
        """The fields as settings (the switch included), or None and what is wrong."""
        host, problem = clean_address(self.address.text())
        origins, origins_problem = clean_origins(self.origins.toPlainText())
        problem = problem or origins_problem
        if problem:
            return None, problem
        try:
            return ServerSettings.model_validate({
                "enabled": self.switch.isChecked(), "host": host, "port": self.port.value(),
                "require_key": self._own_require_key, "cors_origins": origins,
                "queue_limit": self.queue_limit.value(),
                "idle_unload_min": self.idle_unload.value(),
                "max_tokens": self.max_tokens.value(),
            }), ""
        except ValidationError as exc:
            return None, "; ".join(error["msg"] for error in exc.errors())

    def _edited(self, *_args: object) -> None:
        edited, problem = self.server_settings()
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self._show_key_rule()
        in_use = self._control.settings().server
        changed = edited is not None and edited.model_copy(
            update={"enabled": in_use.enabled}) != in_use
        self.apply_button.setEnabled(changed)
        self.ok_button.setEnabled(not problem)

    def _show_key_rule(self) -> None:
        """Other machines always need the key: the box says so and cannot be unticked."""
        host, problem = clean_address(self.address.text())
        exposed = not problem and not is_loopback(host)
        with QSignalBlocker(self.require_key):
            self.require_key.setChecked(exposed or self._own_require_key)
        self.require_key.setEnabled(not exposed)
        self.require_key.setToolTip(self.tr(ALWAYS_REQUIRED) if exposed else
                                    translated_spec(ServerSettings, "require_key").help)

    def _key_rule_chosen(self, checked: bool) -> None:
        self._own_require_key = checked
        self._edited()

    # -- applying -----------------------------------------------------------------------

    def _switched(self, on: bool) -> None:
        if not on:  # always possible, even with a field being fixed
            self._emit(self._control.settings().server.model_copy(update={"enabled": False}))
            return
        self.apply()

    def apply(self, close: bool = False) -> bool:
        """Apply the fields (asking first before serving other machines); False if they
        are not valid or the user declined. ``close``: close the dialog once applied."""
        edited, problem = self.server_settings()
        if edited is None:
            self.problem.setText(problem)
            self.problem.show()
            self._show_switch(self._control.settings().server.enabled)
            return False
        in_use = self._control.settings().server
        newly_exposed = edited.enabled and not is_loopback(edited.host) and not (
            in_use.enabled and in_use.host == edited.host)
        if newly_exposed:
            self._ask_before_exposing(edited, close)
            return False
        self._emit(edited)
        if close:
            self.accept()
        return True

    def _ask_before_exposing(self, edited: ServerSettings, close: bool) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Serve the API to other machines?"),
                          self.tr("With the address {host}, other machines that can reach this "
                                  "computer can connect to Slice on port {port} and use your "
                                  "model.").format(host=edited.host, port=edited.port),
                          parent=self)
        box.setInformativeText(self.tr(
            "Every request must then carry the API key: give it only to people and apps you "
            "trust. Keep 127.0.0.1 to serve this computer only."
        ))
        serve = box.addButton(self.tr("Serve other machines"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _result: self._exposure_answered(
            box.clickedButton() is serve, edited, close))
        self.exposure_warning = box
        box.open()

    def _exposure_answered(self, confirmed: bool, edited: ServerSettings, close: bool) -> None:
        self.exposure_warning = None
        if not confirmed:
            self._show_switch(self._control.settings().server.enabled)
            return
        self._emit(edited)
        if close:
            self.accept()

    def _emit(self, server: ServerSettings) -> None:
        self.applied.emit(server)
        self._show_switch(self._control.settings().server.enabled)
        self._edited()
        self.refresh_status()

    def _show_switch(self, on: bool) -> None:
        with QSignalBlocker(self.switch):
            self.switch.setChecked(on)

    # -- the key ------------------------------------------------------------------------

    def copy_key_to_clipboard(self) -> None:
        """Put the API key on the clipboard."""
        QGuiApplication.clipboard().setText(self._control.key())
        self.key_note.setText(self.tr("The key is on the clipboard."))

    def ask_to_regenerate(self) -> None:
        """Ask before making a new key: every client that has the old one stops working."""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Make a new API key?"),
                          self.tr("Apps and scripts that use the current key stop working "
                                  "until you give them the new one."), parent=self)
        make = box.addButton(self.tr("Make a new key"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _result: self._regenerate_answered(
            box.clickedButton() is make))
        self.regenerate_question = box
        box.open()

    def _regenerate_answered(self, confirmed: bool) -> None:
        self.regenerate_question = None
        if confirmed:
            self._control.regenerate_key()
            self._show_key()
            self.key_note.setText(self.tr("A new key is in use: copy it to your apps. The old "
                                          "one no longer works."))

    def _show_key(self) -> None:
        self.key_text.setText(masked(self._control.key()))

    # -- the figures --------------------------------------------------------------------

    def refresh_status(self) -> None:
        """Show how the server is doing now."""
        status = self._control.status()
        self.state_text.setText(describe_state(status))
        tint(self.state_text, ERROR_COLOR if status.state is ServerState.FAILED else None)
        self.served_text.setText(str(status.requests_served))
        self.failed_text.setText(str(status.requests_failed))
        self.waiting_text.setText(str(status.waiting))
        self.last_error_text.setText(status.last_error or self.tr("None"))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if not self.key_text.text():
            self._show_key()  # read from the keyring once the dialog is up, not before
            self.key_note.setText(
                self.tr("Kept in {place}.").format(place=app_text(self._control.key_location())))
        self.refresh_status()
        self._timer.start()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt override)
        self._timer.stop()
        super().hideEvent(event)


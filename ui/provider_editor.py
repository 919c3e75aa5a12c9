"""One provider's form: add a new one or edit one, and test it before it is saved.

Name, base URL (``http://host:8080`` gets ``/v1``), API key (a password field with Show;
the key already kept is never put back in the field: only its last characters are named),
extra headers (``Name: value``, one a line) and the TLS check (unticking it says what that
costs). "Test" asks the server for its models on Qt's thread pool, with what the fields say
now, and shows them, or the error that names the problem, under the form.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.remote.client import list_models
from app.remote.failures import RemoteError
from app.remote.providers import Provider, ProviderError, ProviderStore, normalise_base_url
from ui.app_texts import app_text
from ui.background import Background
from ui.i18n import tr
from ui.message_render import ERROR_COLOR
from ui.status_line import warning_label
from ui.theme import tint

TLS_WARNING = QT_TRANSLATE_NOOP(
    "ProviderEditor",
    "⚠ Slice will not check this server's certificate: anyone on the network path could "
    "read and change what is sent, the key included. Untick this only for a self-signed "
    "certificate you trust."
)
MAX_LISTED = 8  # model ids named in a test's result before "and N more"


def parse_headers(text: str) -> tuple[dict[str, str], str]:
    """``Name: value`` lines as headers, or what is wrong with a line ("" when nothing)."""
    headers: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            return {}, tr("Extra headers, line {number}: write it as Name: value.").format(
                number=number)
        headers[name.strip()] = value.strip()
    return headers, ""


def key_hint(key: str) -> str:
    """A kept key as the form names it: its last characters when it is long enough that
    they give nothing away, else nothing of it."""
    return f"…{key[-4:]}" if len(key) >= 16 else ""


def describe_models(models: list[str]) -> str:
    """A test's result for people: how many models, and their ids."""
    if not models:
        return tr("✓ The server answered, but serves no models.")
    shown = ", ".join(models[:MAX_LISTED])
    more = tr(" and {count} more").format(count=len(models) - MAX_LISTED) if len(
        models) > MAX_LISTED else ""
    return tr("✓ %n model(s): {models}", "", len(models)).format(models=shown + more)


class ProviderEditor(QDialog):
    """Adds a provider (``provider`` None) or edits ``provider``; saving writes it to
    ``store``, its key as a secret (see the module)."""

    saved = Signal(str)
    """The provider was saved (its name, perhaps a new one)."""
    tested = Signal()
    """A test ended: its models or its error are shown (:attr:`test_result`)."""

    def __init__(self, store: ProviderStore, provider: Provider | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.original = provider
        self.setWindowTitle(self.tr("Edit {name}").format(name=provider.name) if provider
                            else self.tr("Add a provider"))
        self._kept_key = store.key(provider.name) if provider else None
        self._background = Background(self)
        self._build()
        if provider is not None:
            self.name.setText(provider.name)
            self.base_url.setText(provider.base_url)
            self.headers.setPlainText(
                "\n".join(f"{k}: {v}" for k, v in provider.headers.items()))
            self.verify_tls.setChecked(provider.verify_tls)
        self._tls_changed(self.verify_tls.isChecked())

    def _build(self) -> None:
        self.name = QLineEdit()
        self.name.setAccessibleName(self.tr("Name"))
        self.name.setPlaceholderText("office-server")
        self.name.setToolTip(
            self.tr("What the model list calls it: letters, digits, spaces, . _ -"))
        self.base_url = QLineEdit()
        self.base_url.setAccessibleName(self.tr("Base URL"))
        self.base_url.setPlaceholderText("http://192.168.1.20:8080/v1")
        self.base_url.setToolTip(self.tr("Where its OpenAI-compatible routes are; a URL without "
                                         "a path gets /v1"))
        self.key = QLineEdit()
        self.key.setAccessibleName(self.tr("API key"))
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.show_key = QCheckBox(self.tr("Show"))
        self.show_key.setToolTip(self.tr("Show the key you type"))
        self.show_key.toggled.connect(lambda on: self.key.setEchoMode(
            QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password))
        self.forget_key = QCheckBox(self.tr("Forget the kept key"))
        self.forget_key.setToolTip(self.tr("Send no key to this server from now on"))
        key_row = QHBoxLayout()
        key_row.addWidget(self.key, 1)
        key_row.addWidget(self.show_key)
        self.key_note = QLabel()
        self.key_note.setWordWrap(True)
        if self._kept_key:
            hint = key_hint(self._kept_key)
            self.key.setPlaceholderText(
                self.tr("a key is kept ({hint}): type a new one to replace it").format(hint=hint)
                if hint else self.tr("a key is kept: type a new one to replace it"))
            self.key_note.setText(self.tr("Kept in {place}.").format(
                place=app_text(self.store.key_location(self.original.name)))
                if self.original else "")
        else:
            self.key.setPlaceholderText(self.tr("none (the server needs no key)"))
            self.forget_key.hide()
            self.key_note.setText(self.tr("Kept in the system keyring when there is one (else "
                                          "a file only you can read), never in providers.json."))
        self.headers = QPlainTextEdit()
        self.headers.setAccessibleName(self.tr("Extra headers"))
        self.headers.setPlaceholderText("X-Team: blue")
        self.headers.setToolTip(self.tr("Sent with every request to this server; one Name: "
                                        "value a line"))
        self.headers.setTabChangesFocus(True)
        self.headers.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.verify_tls = QCheckBox(self.tr("Verify TLS certificates"))
        self.verify_tls.setChecked(True)
        self.verify_tls.setToolTip(
            self.tr("Check an https:// server's certificate (leave this on)"))
        self.tls_warning = warning_label()
        self.tls_warning.setText(self.tr(TLS_WARNING))
        self.verify_tls.toggled.connect(self._tls_changed)

        form = QFormLayout()
        form.addRow(self.tr("&Name"), self.name)
        form.addRow(self.tr("&Base URL"), self.base_url)
        key_label = QLabel(self.tr("API &key"))
        key_label.setBuddy(self.key)
        form.addRow(key_label, key_row)
        form.addRow("", self.forget_key)
        form.addRow("", self.key_note)
        form.addRow(self.tr("Extra &headers"), self.headers)
        form.addRow("", self.verify_tls)
        form.addRow("", self.tls_warning)

        self.test_button = QPushButton(self.tr("&Test"))
        self.test_button.setToolTip(self.tr("Ask the server for its models with these settings"))
        self.test_button.clicked.connect(self.test)
        self.test_result = QLabel()
        self.test_result.setAccessibleName(self.tr("Test result"))
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignTop)
        test_row.addWidget(self.test_result, 1)

        self.problem = QLabel()
        self.problem.setWordWrap(True)
        tint(self.problem, ERROR_COLOR)
        self.problem.hide()
        for edit in (self.name, self.base_url):
            edit.textChanged.connect(self.problem.hide)
        self.headers.textChanged.connect(self.problem.hide)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(test_row)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def _tls_changed(self, on: bool) -> None:
        self.tls_warning.setVisible(not on)

    # -- the fields ---------------------------------------------------------------------

    def edited(self) -> tuple[Provider | None, str]:
        """The fields as a provider, or None and what is wrong."""
        headers, problem = parse_headers(self.headers.toPlainText())
        if problem:
            return None, problem
        url = self.base_url.text().strip()
        if not url:
            return None, self.tr(
                "Give the server's base URL, for example http://192.168.1.20:8080/v1.")
        try:
            return Provider(name=self.name.text().strip(), base_url=normalise_base_url(url),
                            headers=headers, verify_tls=self.verify_tls.isChecked()), ""
        except ProviderError as exc:
            return None, str(exc)

    def key_to_save(self) -> str | None:
        """What saving does with the key: a new one, "" to forget it, None to keep it."""
        typed = self.key.text().strip()
        if typed:
            return typed
        return "" if self.forget_key.isChecked() else None

    def _key_to_send(self) -> str | None:
        key = self.key_to_save()
        return self._kept_key if key is None else (key or None)

    # -- test and save ------------------------------------------------------------------

    def test(self) -> None:
        """Ask the server for its models, off the GUI thread; the result shows below."""
        provider, problem = self.edited()
        if provider is None:
            self._show_result(problem, error=True)
            self.tested.emit()
            return
        key = self._key_to_send()
        self.test_button.setEnabled(False)
        self._show_result(self.tr("Asking {url} for its models…").format(url=provider.base_url),
                          error=False)
        self._background.run(lambda: list_models(provider, key), self._test_done, tag="test")

    def _test_done(self, models: list[str] | None, error: BaseException | None) -> None:
        self.test_button.setEnabled(True)
        if isinstance(error, RemoteError):
            self._show_result(f"⚠ {app_text(error.message)}", error=True)
        elif error is not None or models is None:
            self._show_result(self.tr("⚠ The test failed: {error}").format(error=repr(error)),
                              error=True)
        else:
            self._show_result(describe_models(models), error=False)
        self.tested.emit()

    def _show_result(self, text: str, *, error: bool) -> None:
        self.test_result.setText(text)
        tint(self.test_result, ERROR_COLOR if error else None)

    def save(self) -> bool:
        """Save the provider and its key; False (and what is wrong, below) when it cannot."""
        provider, problem = self.edited()
        if provider is not None:
            try:
                self.store.save(provider, self.key_to_save(),
                                replace=self.original.name if self.original else None)
            except ProviderError as exc:
                problem = str(exc)
            except OSError as exc:
                problem = self.tr("The provider could not be saved: {reason}").format(reason=exc)
        if provider is None or problem:
            self.problem.setText(problem)
            self.problem.show()
            return False
        self.key.clear()  # the secret leaves the widget
        self.saved.emit(provider.name)
        self.accept()
        return True

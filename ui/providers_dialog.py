"""The Providers dialog (Chat ▸ Providers…): the OpenAI-compatible servers whose models
the picker lists beside the local ones.

Each provider with its base URL and what is set for it (a key, extra headers, the TLS
check); Add and Edit open :class:`~ui.provider_editor.ProviderEditor` (with its Test),
Remove asks first. Every change is written at once (``providers.json``, the key as a
secret) and announced (:attr:`ProvidersDialog.providers_changed`), so the picker asks the
providers again.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.remote.providers import Provider, ProviderStore
from ui.i18n import tr
from ui.provider_editor import ProviderEditor

COLUMNS = (QT_TRANSLATE_NOOP("ProvidersDialog", "Name"),
           QT_TRANSLATE_NOOP("ProvidersDialog", "Base URL"),
           QT_TRANSLATE_NOOP("ProvidersDialog", "Key"),
           QT_TRANSLATE_NOOP("ProvidersDialog", "Notes"))
EMPTY_NOTE = QT_TRANSLATE_NOOP(
    "ProvidersDialog",
    "No providers yet. Add an OpenAI-compatible server (llama-server, vLLM, another Slice…) "
    "and its models appear in the model list, marked as remote."
)


def provider_notes(provider: Provider) -> str:
    """What is set for ``provider`` besides its URL and key (header values stay hidden:
    they may be credentials)."""
    notes = []
    if not provider.verify_tls:
        notes.append(tr("⚠ TLS certificate not checked"))
    if provider.headers:
        notes.append(tr("headers {names}").format(names=", ".join(sorted(provider.headers))))
    return "; ".join(notes)


class ProvidersDialog(QDialog):
    """Lists, adds, edits and removes providers (see the module)."""

    providers_changed = Signal()
    """A provider was added, changed or removed."""

    def __init__(self, store: ProviderStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Providers"))
        self.store = store
        self.editor: ProviderEditor | None = None  # open while the user adds or edits
        self.remove_question: QMessageBox | None = None  # open while it asks
        self._build()
        self.refresh()

    def _build(self) -> None:
        self.table = QTreeWidget()
        self.table.setAccessibleName(self.tr("Providers"))
        self.table.setColumnCount(len(COLUMNS))
        self.table.setHeaderLabels([self.tr(column) for column in COLUMNS])
        self.table.setRootIsDecorated(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _item, _column: self.edit_selected())
        self.empty_note = QLabel(self.tr(EMPTY_NOTE))
        self.empty_note.setWordWrap(True)
        self.add_button = QPushButton(self.tr("&Add…"))
        self.add_button.setToolTip(self.tr("Add an OpenAI-compatible server"))
        self.edit_button = QPushButton(self.tr("&Edit…"))
        self.remove_button = QPushButton(self.tr("&Remove…"))
        self.remove_button.setToolTip(self.tr("Forget the provider and its key"))
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_selected)
        self.remove_button.clicked.connect(self.ask_to_remove)
        side = QVBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button):
            side.addWidget(button)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.table, 1)
        row.addLayout(side)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addWidget(self.empty_note)
        layout.addWidget(buttons)
        self.resize(720, 320)

    def refresh(self) -> None:
        """Show the providers as the store has them now (the selection kept by name)."""
        keep = self.selected_name()
        self.table.clear()
        for provider in self.store.providers():
            has_key = bool(self.store.key(provider.name))
            item = QTreeWidgetItem([provider.name, provider.base_url,
                                    self.tr("set") if has_key else self.tr("none"),
                                    provider_notes(provider)])
            item.setData(0, Qt.ItemDataRole.UserRole, provider.name)
            self.table.addTopLevelItem(item)
            if provider.name == keep:
                item.setSelected(True)
        for column in range(len(COLUMNS) - 1):
            self.table.resizeColumnToContents(column)
        self.empty_note.setVisible(self.table.topLevelItemCount() == 0)
        self._update_buttons()

    def names(self) -> list[str]:
        """The providers listed, in order."""
        return [self.table.topLevelItem(i).text(0)
                for i in range(self.table.topLevelItemCount())]

    def select(self, name: str) -> None:
        """Select the provider called ``name``."""
        for i in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(i)
            item.setSelected(item.text(0) == name)

    def selected_name(self) -> str:
        items = self.table.selectedItems()
        return str(items[0].data(0, Qt.ItemDataRole.UserRole)) if items else ""

    def _update_buttons(self) -> None:
        chosen = bool(self.selected_name())
        self.edit_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)

    # -- add, edit, remove --------------------------------------------------------------

    def add(self) -> ProviderEditor:
        """Open the form for a new provider."""
        return self._open_editor(None)

    def edit_selected(self) -> ProviderEditor | None:
        """Open the form on the selected provider."""
        provider = self.store.get(self.selected_name())
        return self._open_editor(provider) if provider is not None else None

    def _open_editor(self, provider: Provider | None) -> ProviderEditor:
        editor = ProviderEditor(self.store, provider, self)
        editor.saved.connect(self._saved)
        editor.finished.connect(lambda _result: self._editor_closed(editor))
        self.editor = editor
        editor.open()
        return editor

    def _editor_closed(self, editor: ProviderEditor) -> None:
        if self.editor is editor:
            self.editor = None
        editor.deleteLater()

    def _saved(self, name: str) -> None:
        self.refresh()
        self.select(name)
        self.providers_changed.emit()

    def ask_to_remove(self) -> None:
        """Ask before forgetting the selected provider and its key."""
        name = self.selected_name()
        if not name:
            return
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Remove {name}?").format(name=name),
                          self.tr("Slice forgets {name} and its key; its models leave the model "
                                  "list. Chats written with them keep their replies.").format(
                                      name=name), parent=self)
        remove = box.addButton(self.tr("Remove"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _result: self._remove_answered(
            name, box.clickedButton() is remove))
        self.remove_question = box
        box.open()

    def _remove_answered(self, name: str, confirmed: bool) -> None:
        self.remove_question = None
        if confirmed and self.store.remove(name):
            self.refresh()
            self.providers_changed.emit()

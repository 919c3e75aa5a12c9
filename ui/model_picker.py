"""The model picker: the library's models, each provider's models (marked as remote), and
an entry that imports a GGUF file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QApplication, QComboBox, QFileDialog, QSizePolicy, QWidget

from app.models.files import ModelImportError
from app.models.library import ModelLibrary
from app.remote.refs import RemoteModel, parse_remote
from ui.app_texts import app_text
from ui.i18n import tr
from ui.remote_models import Listing, RemoteModels

OPEN_FILE_TEXT = QT_TRANSLATE_NOOP("ModelPicker", "Open GGUF file…")
MAX_NOTE = 90  # characters of a provider's error shown in the list (all of it in the tip)


def remote_label(model: RemoteModel) -> str:
    """A remote model as the picker names it: ``llama-3.1-70b · office-server (remote)``."""
    return f"{model.model_id} · {model.provider} (remote)"


def listing_note(listing: Listing) -> str:
    """The line a provider gets when it has no model to pick: being asked, or its error."""
    if listing.pending:
        return tr("{provider} (remote): asking for its models…").format(provider=listing.name)
    if listing.error:
        error = app_text(listing.error).removeprefix(f"{listing.name} ")  # it is named before
        short = error if len(error) <= MAX_NOTE else error[:MAX_NOTE].rstrip() + "…"
        return tr("⚠ {provider} (remote): {error}").format(provider=listing.name, error=short)
    return tr("{provider} (remote): serves no models").format(provider=listing.name)


class ModelPicker(QComboBox):
    """Lists the library's models, then the providers' (``remote``, when given); the last
    item opens a file dialog and imports the file.

    A provider still being asked, or one that could not be, has a line of its own that
    cannot be picked (its error in full in the tooltip). The selected remote model stays
    listed even while its provider is asked again or cannot be reached: the reply says
    what is wrong. A failed import leaves the previous selection in place and reports why
    through :attr:`import_failed`.
    """

    model_selected = Signal(str)
    """The user picked a model (its file path, or ``remote://…``), from the list or by
    importing a file."""
    import_failed = Signal(str)
    """A chosen file could not be imported; the message says why, for people."""

    def __init__(self, library: ModelLibrary, remote: RemoteModels | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._remote = remote
        self._last_index = -1
        self.setAccessibleName(self.tr("Model"))
        self.setToolTip(self.tr("The model that answers. Pick one, or open a GGUF file to add it."))
        self.setPlaceholderText(self.tr("No model: open a GGUF file"))
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setMinimumWidth(280)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.activated.connect(self._on_activated)
        self.reload()

    def reload(self, select_path: str | None = None) -> None:
        """Re-read the library and the providers' listings and select ``select_path``
        (default: keep the current model)."""
        keep = select_path or self.selected_path()
        self.clear()
        for entry in self._library.models():
            self.addItem(entry.name, entry.path)
            self.setItemData(
                self.count() - 1, f"{entry.path}\n({entry.origin})", Qt.ItemDataRole.ToolTipRole
            )
        self._add_remote(keep)
        if self.count():
            self.insertSeparator(self.count())
        self.addItem(self.tr(OPEN_FILE_TEXT))
        index = self.findData(keep) if keep else -1
        if index < 0:
            index = self._first_model_index()
        self._select(index)

    def _add_remote(self, keep: str | None) -> None:
        listings = self._remote.listings() if self._remote is not None else []
        kept = parse_remote(keep) if keep else None
        if (listings or kept) and self.count():
            self.insertSeparator(self.count())
        for listing in listings:
            if not listing.models:
                self._add_note(listing_note(listing), listing.error)
            for model_id in listing.models:
                self._add_remote_model(RemoteModel(listing.name, model_id),
                                       self.tr("{model} on {provider}").format(
                                           model=model_id, provider=listing.name))
        if kept is not None and self.findData(kept.path) < 0:
            self._add_remote_model(kept, self.tr("{model} on {provider} (not listed by it now)")
                                   .format(model=kept.model_id, provider=kept.provider))

    def _add_remote_model(self, model: RemoteModel, tip: str) -> None:
        self.addItem(remote_label(model), model.path)
        self.setItemData(self.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)

    def _add_note(self, text: str, tip: str) -> None:
        self.addItem(text)
        row = self.count() - 1
        if tip:
            self.setItemData(row, tip, Qt.ItemDataRole.ToolTipRole)
        model = self.model()
        if isinstance(model, QStandardItemModel):
            item = model.item(row)
            if item is not None:
                item.setEnabled(False)

    def _first_model_index(self) -> int:
        return next((i for i in range(self._open_index())
                     if isinstance(self.itemData(i), str)), -1)

    def notes(self) -> list[str]:
        """The lines of providers that have no model to pick (being asked, or an error)."""
        return [self.itemText(i) for i in range(self._open_index())
                if self.itemData(i) is None and self.itemText(i)]

    def selected_path(self) -> str | None:
        """File path of the selected model; None when there is none."""
        path = self.currentData()
        return path if isinstance(path, str) else None

    def selected_name(self) -> str:
        """Display name of the selected model ("" when there is none)."""
        return self.currentText() if self.selected_path() else ""

    def name_for_path(self, path: str) -> str:
        """Display name of the model at ``path`` as listed, else the file's name (a remote
        model's label)."""
        index = self.findData(path)
        if index >= 0:
            return self.itemText(index)
        remote = parse_remote(path)
        return remote_label(remote) if remote is not None else Path(path).stem

    def _open_index(self) -> int:
        return self.count() - 1

    def _select(self, index: int) -> None:
        self.setCurrentIndex(index)
        self._last_index = index

    def _on_activated(self, index: int) -> None:
        if index != self._open_index():
            if not isinstance(self.itemData(index), str):  # a provider's note
                self._select(self._last_index)
                return
            self._last_index = index
            self.model_selected.emit(self.itemData(index))
            return
        self._select(self._last_index)  # until a file is imported, nothing changes
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open a GGUF model"), "",
                                              self.tr("GGUF models (*.gguf)"))
        if path:
            self._import(path)

    def _import(self, path: str) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            entry = self._library.import_file(path)
        except ModelImportError as exc:
            self.import_failed.emit(self.tr("Could not open {file}: {reason}").format(
                file=Path(path).name, reason=exc))
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.reload(select_path=entry.path)
        self.model_selected.emit(entry.path)

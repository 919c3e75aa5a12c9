"""The model picker: the library's models plus an entry that imports a GGUF file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QApplication, QComboBox, QFileDialog, QSizePolicy, QWidget

from app.models.files import ModelImportError
from app.models.library import ModelLibrary

OPEN_FILE_TEXT = "Open GGUF file…"


class ModelPicker(QComboBox):
    """Lists the library's models; the last item opens a file dialog and imports the file.

    A failed import leaves the previous selection in place and reports why through
    :attr:`import_failed`.
    """

    model_selected = Signal(str)
    """The user picked a model (its file path), from the list or by importing a file."""
    import_failed = Signal(str)
    """A chosen file could not be imported; the message says why, for people."""

    def __init__(self, library: ModelLibrary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._last_index = -1
        self.setAccessibleName("Model")
        self.setToolTip("The model that answers. Pick one, or open a GGUF file to add it.")
        self.setPlaceholderText("No model: open a GGUF file")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setMinimumWidth(280)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.activated.connect(self._on_activated)
        self.reload()

    def reload(self, select_path: str | None = None) -> None:
        """Re-read the library and select ``select_path`` (default: keep the current model)."""
        keep = select_path or self.selected_path()
        self.clear()
        for entry in self._library.models():
            self.addItem(entry.name, entry.path)
            self.setItemData(
                self.count() - 1, f"{entry.path}\n({entry.origin})", Qt.ItemDataRole.ToolTipRole
            )
        if self.count():
            self.insertSeparator(self.count())
        self.addItem(OPEN_FILE_TEXT)
        index = self.findData(keep) if keep else -1
        if index < 0 and self._open_index() > 0:
            index = 0
        self._select(index)

    def selected_path(self) -> str | None:
        """File path of the selected model; None when there is none."""
        path = self.currentData()
        return path if isinstance(path, str) else None

    def selected_name(self) -> str:
        """Display name of the selected model ("" when there is none)."""
        return self.currentText() if self.selected_path() else ""

    def name_for_path(self, path: str) -> str:
        """Display name of the library model at ``path``, else the file's name."""
        index = self.findData(path)
        return self.itemText(index) if index >= 0 else Path(path).stem

    def _open_index(self) -> int:
        return self.count() - 1

    def _select(self, index: int) -> None:
        self.setCurrentIndex(index)
        self._last_index = index

    def _on_activated(self, index: int) -> None:
        if index != self._open_index():
            self._last_index = index
            self.model_selected.emit(self.itemData(index))
            return
        self._select(self._last_index)  # until a file is imported, nothing changes
        path, _ = QFileDialog.getOpenFileName(self, "Open a GGUF model", "", "GGUF models (*.gguf)")
        if path:
            self._import(path)

    def _import(self, path: str) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            entry = self._library.import_file(path)
        except ModelImportError as exc:
            self.import_failed.emit(f"Could not open {Path(path).name}: {exc}")
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.reload(select_path=entry.path)
        self.model_selected.emit(entry.path)

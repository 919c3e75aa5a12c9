"""The model library as a table: :class:`LibraryModel`, a thin adapter over the library's
entries (one row a model, one column a property), for :class:`~ui.models_view.ModelsView`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import QWidget

from app.models.library import ModelEntry, ModelLibrary
from app.models.memory_fit import format_bytes
from ui.app_texts import app_text

_Index = QModelIndex | QPersistentModelIndex
COLUMNS = (QT_TRANSLATE_NOOP("LibraryModel", "Name"),
           QT_TRANSLATE_NOOP("LibraryModel", "Architecture"),
           QT_TRANSLATE_NOOP("LibraryModel", "Parameters"),
           QT_TRANSLATE_NOOP("LibraryModel", "Quant"), QT_TRANSLATE_NOOP("LibraryModel", "Size"),
           QT_TRANSLATE_NOOP("LibraryModel", "Context"),
           QT_TRANSLATE_NOOP("LibraryModel", "Template"),
           QT_TRANSLATE_NOOP("LibraryModel", "Licence"),
           QT_TRANSLATE_NOOP("LibraryModel", "Origin"), "SHA-256")
#: The entry of a row, for any column (a ModelEntry).
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1


def format_params(n: int) -> str:
    """``135 M`` / ``1.24 B`` parameters (``116 K`` for test-sized models)."""
    if n >= 1e9:
        return f"{n / 1e9:.2f} B"
    return f"{n / 1e6:.0f} M" if n >= 1e6 else f"{n / 1e3:.0f} K" if n else ""


class LibraryModel(QAbstractTableModel):
    """The library's models as table rows; :meth:`reload` re-reads the library."""

    def __init__(self, library: ModelLibrary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._entries: list[ModelEntry] = []
        self.default_path = ""
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._library.reload()
        self._entries = self._library.models()
        self.endResetModel()

    def entry(self, row: int) -> ModelEntry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def row_of(self, path: str) -> int:
        return next((i for i, e in enumerate(self._entries) if e.path == path), -1)

    def update_entry(self, entry: ModelEntry) -> None:
        row = self.row_of(entry.path)
        if row >= 0:
            self._entries[row] = entry
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1),
                                  [Qt.ItemDataRole.DisplayRole, ENTRY_ROLE])

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(COLUMNS)):
            return self.tr(COLUMNS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        e = self._entries[index.row()]
        if role == ENTRY_ROLE:
            return e
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{e.path}\n{e.origin_label}"
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (2, 4, 5):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        default = " ★" if e.path == self.default_path else ""
        parts = self.tr(" (%n file(s))", "", e.parts) if e.parts > 1 else ""
        return (
            e.name + default, e.architecture, format_params(e.n_params), e.quantization,
            format_bytes(e.size) + parts, f"{e.context_length:,}" if e.context_length else "",
            self.tr("in file") if e.has_template else self.tr("fallback"),
            e.license or self.tr("unknown"), app_text(e.origin_label),
            e.sha256[:12] + "…" if e.sha256 else self.tr("computing…"),
        )[index.column()]

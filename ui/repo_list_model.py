"""Repositories to choose from in the downloader: :class:`RepoListModel`, a thin list model
over hub search results, or over the curated starting models (``app/catalog.json``) before
any search.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QWidget

from app.hub.api import RepoSummary, load_catalog
from app.models.memory_fit import format_bytes

_Index = QModelIndex | QPersistentModelIndex
#: The repository id of a result row.
REPO_ROLE = Qt.ItemDataRole.UserRole + 1


class RepoListModel(QAbstractListModel):
    """Search results, or the curated starting models before any search."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str, str]] = []  # repo id, text, recommended quant
        self.show_catalog()

    def show_catalog(self) -> None:
        self.beginResetModel()
        self._rows = [
            (c.repo_id, self.tr("{name}\n{quant} · about {size} · {note}").format(
                name=c.name, quant=c.quantization, size=format_bytes(c.approx_size),
                note=c.note), c.quantization)
            for c in load_catalog()
        ]
        self.endResetModel()

    def show_results(self, results: list[RepoSummary]) -> None:
        self.beginResetModel()
        self._rows = [
            (r.repo_id, self.tr("{repo}\n{downloads} downloads · {likes} likes").format(
                repo=r.repo_id, downloads=f"{r.downloads:,}", likes=f"{r.likes:,}")
             + (self.tr(" · updated {date}").format(date=r.last_modified)
                if r.last_modified else "")
             + (self.tr(" · gated") if r.gated else ""), "")
            for r in results
        ]
        self.endResetModel()

    def recommended(self, row: int) -> str:
        return self._rows[row][2] if 0 <= row < len(self._rows) else ""

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        repo_id, text, _quant = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role in (REPO_ROLE, Qt.ItemDataRole.ToolTipRole):
            return repo_id
        return None

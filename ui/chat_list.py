"""List models of the sidebar: chats grouped by date, and search results.

Both are thin :class:`QAbstractListModel` adapters over values read from the chat store.
The chat list applies changes as row inserts, removals and ``dataChanged`` (not resets), so
the selection, the scroll position and an open rename editor survive a refresh.
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QGuiApplication

from app.store.chat_store import ChatStore, StoreError
from app.store.records import MATCH_END, MATCH_START, ChatSummary, SearchHit

CHAT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
IS_HEADER_ROLE = Qt.ItemDataRole.UserRole + 2
HIT_ROLE = Qt.ItemDataRole.UserRole + 3
# Shown through shown_text(), in the window's language.
UNTITLED = QT_TRANSLATE_NOOP("ChatListModel", "Untitled chat")
GROUPS = (QT_TRANSLATE_NOOP("ChatListModel", "Today"),
          QT_TRANSLATE_NOOP("ChatListModel", "Yesterday"),
          QT_TRANSLATE_NOOP("ChatListModel", "Previous 7 days"),
          QT_TRANSLATE_NOOP("ChatListModel", "Previous 30 days"),
          QT_TRANSLATE_NOOP("ChatListModel", "Older"))


def shown_text(text: str) -> str:
    """UNTITLED or a group's name in the window's language."""
    return QCoreApplication.translate("ChatListModel", text)

_Index = QModelIndex | QPersistentModelIndex


def date_group(stamp: float, today: date) -> str:
    """Which sidebar group a chat last active at ``stamp`` falls in."""
    day = datetime.fromtimestamp(stamp).date()
    age = (today - day).days
    if age <= 0:
        return GROUPS[0]
    if age == 1:
        return GROUPS[1]
    if age <= 7:
        return GROUPS[2]
    if age <= 30:
        return GROUPS[3]
    return GROUPS[4]


@dataclass(frozen=True)
class _Row:
    key: tuple[str, Any]  # ("h", group) or ("c", chat id): identity for diffing
    text: str
    summary: ChatSummary | None = None


class ChatListModel(QAbstractListModel):
    """Chats, most recent first, under date headings; chat titles are editable (rename)."""

    #: A rename was refused; the message says why.
    rename_failed = Signal(str)
    #: A chat was renamed in place (its id).
    renamed = Signal(int)

    def __init__(self, store: ChatStore, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self._store = store
        self._clock = clock
        self._rows: list[_Row] = []
        self.refresh()

    def refresh(self) -> None:
        """Re-read the chats and apply the differences as row changes."""
        today = datetime.fromtimestamp(self._clock()).date()
        rows: list[_Row] = []
        group = ""
        for summary in self._store.chat_summaries():
            label = date_group(summary.updated_at, today)
            if label != group:
                group = label
                rows.append(_Row(("h", label), shown_text(label)))
            rows.append(_Row(("c", summary.id), summary.title or shown_text(UNTITLED), summary))
        self._sync(rows)

    def _sync(self, rows: list[_Row]) -> None:
        old_keys = [r.key for r in self._rows]
        new_keys = [r.key for r in rows]
        matcher = difflib.SequenceMatcher(a=old_keys, b=new_keys, autojunk=False)
        shift = 0
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag in ("delete", "replace"):
                self.beginRemoveRows(QModelIndex(), i1 + shift, i2 + shift - 1)
                del self._rows[i1 + shift : i2 + shift]
                self.endRemoveRows()
                shift -= i2 - i1
            if tag in ("insert", "replace"):
                self.beginInsertRows(QModelIndex(), i2 + shift, i2 + shift + j2 - j1 - 1)
                self._rows[i2 + shift : i2 + shift] = rows[j1:j2]
                self.endInsertRows()
                shift += j2 - j1
        assert [r.key for r in self._rows] == new_keys
        for n, (old, new) in enumerate(zip(self._rows, rows, strict=True)):
            if old != new:
                self._rows[n] = new
                index = self.index(n)
                self.dataChanged.emit(
                    index, index,
                    [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole,
                     Qt.ItemDataRole.ToolTipRole],
                )

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        header = row.summary is None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return row.text if role == Qt.ItemDataRole.DisplayRole or header else (
                row.summary.title if row.summary else "")
        if role == CHAT_ID_ROLE:
            return None if row.summary is None else row.summary.id
        if role == IS_HEADER_ROLE:
            return header
        if role == Qt.ItemDataRole.ToolTipRole and row.summary is not None:
            stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(row.summary.updated_at))
            return self.tr("{title}\nLast active {stamp} · chat {id}").format(
                title=row.text, stamp=stamp, id=row.summary.id)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.tr("{title} (group)").format(title=row.text) if header else row.text
        if role == Qt.ItemDataRole.FontRole and header:
            font = QFont(QGuiApplication.font())
            font.setPointSizeF(font.pointSizeF() * 0.85)
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and header:
            return QGuiApplication.palette().placeholderText()
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self._rows[index.row()].summary is None:
            return Qt.ItemFlag.ItemIsEnabled
        return (
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemNeverHasChildren
        )

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        row = self._rows[index.row()]
        if row.summary is None:
            return False
        try:
            self._store.rename_chat(row.summary.id, str(value))
        except StoreError as exc:
            self.rename_failed.emit(str(exc))
            return False
        self.refresh()
        self.renamed.emit(row.summary.id)
        return True

    def row_of(self, chat_id: int) -> int | None:
        """The row of a chat, or None when it is not listed."""
        return next((n for n, r in enumerate(self._rows) if r.key == ("c", chat_id)), None)

    def chat_id_at(self, row: int) -> int | None:
        if 0 <= row < len(self._rows) and self._rows[row].summary is not None:
            summary = self._rows[row].summary
            return summary.id if summary else None
        return None

    def chat_rows(self) -> list[int]:
        """Rows that hold chats (not headings), top to bottom."""
        return [n for n, r in enumerate(self._rows) if r.summary is not None]

    def headings(self) -> list[str]:
        return [r.text for r in self._rows if r.summary is None]


class SearchResultModel(QAbstractListModel):
    """Search hits: chat titles, then messages, each with a snippet."""

    def __init__(self) -> None:
        super().__init__()
        self._hits: list[SearchHit] = []

    def set_hits(self, hits: list[SearchHit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hits(self) -> list[SearchHit]:
        return list(self._hits)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            snippet = plain_snippet(hit.snippet)
            title = hit.chat_title or shown_text(UNTITLED)
            return title if hit.message_id is None else f"{title}\n{snippet}"
        if role == HIT_ROLE:
            return hit
        if role == CHAT_ID_ROLE:
            return hit.chat_id
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_snippet(hit.snippet)
        return None


def plain_snippet(snippet: str) -> str:
    """A search snippet without its match marks, on one line."""
    return " ".join(snippet.replace(MATCH_START, "").replace(MATCH_END, "").split())

"""The download queue as a list: a thin model over the manager's snapshots, and a delegate
that paints each download as a name, a progress bar and a line of speed, ETA and state."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QWidget,
)

from app.hub.downloads import (
    DownloadState,
    DownloadStatus,
)
from app.models.memory_fit import format_bytes
from ui.app_texts import app_text
from ui.chat_view import ERROR_COLOR
from ui.i18n import tr
from ui.theme import muted_text_color

_Index = QModelIndex | QPersistentModelIndex
#: The row's DownloadStatus.
STATUS_ROLE = Qt.ItemDataRole.UserRole + 1


def format_eta(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = int(seconds)
    if seconds >= 3600:
        return tr("{hours} h {minutes} min left").format(hours=seconds // 3600,
                                                        minutes=seconds % 3600 // 60)
    if seconds >= 60:
        return tr("{minutes} min {seconds} s left").format(minutes=seconds // 60,
                                                          seconds=seconds % 60)
    return tr("{seconds} s left").format(seconds=seconds)


def describe(status: DownloadStatus) -> str:
    """The line under the progress bar."""
    amount = tr("{done} of {size}").format(done=format_bytes(status.done),
                                           size=format_bytes(status.size))
    if status.state == DownloadState.RUNNING:
        speed = f" · {format_bytes(status.speed)}/s" if status.speed else ""
        eta = f" · {format_eta(status.eta_s)}" if status.eta_s is not None else ""
        note = f" · {status.message}" if status.message else ""
        return f"{amount}{speed}{eta}{note}"
    if status.state == DownloadState.DONE:
        return tr("{size} · verified (SHA-256), in the library").format(
            size=format_bytes(status.size))
    if status.state == DownloadState.QUEUED:
        return tr("{amount} · waiting").format(amount=amount)
    if status.state == DownloadState.PAUSED:
        return f"{amount} · {status.message or tr('paused')}"
    return status.message or app_text(status.state)


class DownloadQueueModel(QAbstractListModel):
    """Rows of :class:`~app.downloads.DownloadStatus`; :meth:`update` takes a new snapshot."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[DownloadStatus] = []

    def update(self, statuses: list[DownloadStatus]) -> None:
        """Show ``statuses``: rows keep their place, new ones are appended."""
        keys = [s.key for s in statuses]
        if keys[: len(self._rows)] != [r.key for r in self._rows]:
            self.beginResetModel()
            self._rows = list(statuses)
            self.endResetModel()
            return
        changed = [i for i, (old, new) in enumerate(zip(self._rows, statuses, strict=False))
                   if old != new]
        if len(statuses) > len(self._rows):
            self.beginInsertRows(QModelIndex(), len(self._rows), len(statuses) - 1)
            self._rows = list(statuses)
            self.endInsertRows()
        else:
            self._rows = list(statuses)
        for row in changed:
            index = self.index(row)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, STATUS_ROLE])

    def status(self, row: int) -> DownloadStatus | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        status = self._rows[index.row()]
        if role == STATUS_ROLE:
            return status
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{status.name}: {describe(status)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{status.repo_id}@{status.commit[:10]} / {status.repo_path}"
        return None


class DownloadDelegate(QStyledItemDelegate):
    """Paints a download: its name, a progress bar, and the state line."""

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:  # noqa: N802
        height = option.fontMetrics.height()
        return QSize(320, height * 3 + 18)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        status = index.data(STATUS_ROLE)
        if not isinstance(status, DownloadStatus):
            super().paint(painter, option, index)
            return
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter,
                            option.widget)
        line = option.fontMetrics.height()
        rect = option.rect.adjusted(8, 4, -8, -4)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        highlighted = option.palette.color(QPalette.ColorRole.HighlightedText)
        painter.save()
        if selected:
            painter.setPen(highlighted)
        title = painter.font()
        title.setBold(True)
        painter.setFont(title)
        painter.drawText(QRect(rect.left(), rect.top(), rect.width(), line),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         f"{status.name}  ·  {status.repo_id}")
        painter.restore()
        bar = QStyleOptionProgressBar()
        bar.rect = QRect(rect.left(), rect.top() + line + 3, rect.width(), line - 2)
        bar.minimum, bar.maximum = 0, 1000
        bar.progress = int(1000 * min(1.0, status.fraction))
        bar.textVisible = True
        bar.text = f"{100 * status.fraction:.0f} %"
        bar.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Horizontal
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, option.widget)
        painter.save()
        failed = status.state in (DownloadState.FAILED, DownloadState.CANCELLED)
        if selected:
            painter.setPen(highlighted)
        else:
            painter.setPen(ERROR_COLOR if status.state == DownloadState.FAILED
                           else muted_text_color(option.palette))
        text_rect = QRect(rect.left(), rect.top() + 2 * line + 8, rect.width(), line)
        text = option.fontMetrics.elidedText(describe(status), Qt.TextElideMode.ElideRight,
                                             rect.width())
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         text if not failed or status.message else app_text(status.state))
        painter.restore()

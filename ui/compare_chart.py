"""The comparison's chart, drawn with Qt's own painter (as the benchmark's, ui/bench_gui.py):
one panel per figure (TTFT, prompt and generation speed, peak memory), one bar per target
in the target's colour. :class:`CompareChart` shows it in the Compare view;
:func:`write_chart` draws the same picture into a PNG for ``slice-chat compare --chart``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.compare.figures import chart_panels
from app.compare.results import TargetResult

#: One colour per column, the same in the view's headings and the chart.
TARGET_COLORS = ("#4f46e5", "#f59e0b", "#10b981", "#e11d48")


def _tr(text: str) -> str:
    return QCoreApplication.translate("CompareChart", text)


def _titles() -> dict[str, tuple[str, str]]:
    """Each panel's title and the line under it."""
    return {
        "ttft_ms": (_tr("Time to first token"), _tr("ms, lower is better")),
        "prompt_tps": (_tr("Prompt processing"), _tr("tokens/s, higher is better")),
        "decode_tps": (_tr("Generation"), _tr("tokens/s, higher is better")),
        "peak_mb": (_tr("Peak memory"), _tr("MB, lower is better")),
    }


def paint_chart(painter: QPainter, rect: QRectF, labels: list[str],
                results: list[TargetResult | None], ink: QColor, muted: QColor,
                title: str = "") -> None:
    """Draw the chart of ``results`` (one per target, None: no result yet) into ``rect``."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    heading = QFont(painter.font())
    heading.setBold(True)
    small = QFont(painter.font())
    small.setPointSizeF(max(7.0, painter.font().pointSizeF() * 0.9))
    top = rect.top()
    if title:
        painter.setFont(heading)
        painter.setPen(ink)
        painter.drawText(QRectF(rect.left(), top, rect.width(), 24),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        top += 28
    # The legend: each target's colour and label.
    painter.setFont(small)
    line_h = 18
    for i, label in enumerate(labels):
        y = top + i * line_h
        painter.fillRect(QRectF(rect.left(), y + 4, 12, 10), QColor(TARGET_COLORS[i % 4]))
        painter.setPen(ink)
        painter.drawText(QRectF(rect.left() + 18, y, rect.width() - 18, line_h),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         f"{i + 1}. {label}")
    top += len(labels) * line_h + 8
    panels = chart_panels(results)
    titles = _titles()
    columns = 4 if rect.width() >= 900 else 2
    rows = (len(panels) + columns - 1) // columns
    gap = 16.0
    cell_w = (rect.width() - gap * (columns - 1)) / columns
    cell_h = (rect.bottom() - top - gap * (rows - 1)) / rows
    for n, panel in enumerate(panels):
        cell = QRectF(rect.left() + (n % columns) * (cell_w + gap),
                      top + (n // columns) * (cell_h + gap), cell_w, cell_h)
        name, unit = titles.get(panel.key, (panel.title, panel.unit))
        painter.setFont(heading)
        painter.setPen(ink)
        painter.drawText(QRectF(cell.left(), cell.top(), cell.width(), 20),
                         Qt.AlignmentFlag.AlignLeft, name)
        painter.setFont(small)
        painter.setPen(muted)
        painter.drawText(QRectF(cell.left(), cell.top() + 20, cell.width(), 18),
                         Qt.AlignmentFlag.AlignLeft, unit)
        area = cell.adjusted(4, 60, -4, -22)
        known = [v for v in panel.values if v is not None]
        ceiling = (max(known) if known else 1.0) * 1.15 or 1.0
        slot = area.width() / max(1, len(panel.values))
        painter.setPen(muted)
        painter.drawLine(area.bottomLeft(), area.bottomRight())
        for i, value in enumerate(panel.values):
            left = area.left() + i * slot + slot * 0.18
            width = slot * 0.64
            if value is None:
                painter.setPen(muted)
                painter.drawText(QRectF(left - 10, area.bottom() - 20, width + 20, 18),
                                 Qt.AlignmentFlag.AlignCenter, "n/a")
            else:
                height = area.height() * value / ceiling
                bar = QRectF(left, area.bottom() - height, width, height)
                painter.fillRect(bar, QColor(TARGET_COLORS[i % 4]))
                painter.setPen(ink)
                text = f"{value:.0f}" if value >= 100 else f"{value:.1f}"
                painter.drawText(QRectF(left - 20, bar.top() - 18, width + 40, 16),
                                 Qt.AlignmentFlag.AlignCenter, text)
            painter.setPen(muted)
            painter.drawText(QRectF(area.left() + i * slot, area.bottom() + 2, slot, 18),
                             Qt.AlignmentFlag.AlignCenter, str(i + 1))


def chart_height(labels: int, width: int) -> int:
    """How tall the chart wants to be for ``labels`` targets at ``width`` pixels."""
    rows = 1 if width >= 900 else 2
    return 40 + labels * 18 + rows * 210


class CompareChart(QWidget):
    """The chart in the Compare view; :meth:`set_results` redraws it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._labels: list[str] = []
        self._results: list[TargetResult | None] = []
        self.setAccessibleName(self.tr("Chart of the comparison"))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(chart_height(2, 600))

    def set_results(self, labels: list[str], results: list[TargetResult | None]) -> None:
        self._labels = list(labels)
        self._results = list(results)
        self.setMinimumHeight(chart_height(len(labels), max(self.width(), 600)))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(800, chart_height(len(self._labels) or 2, 800))

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        if not self._labels:
            return
        painter = QPainter(self)
        palette = self.palette()
        paint_chart(painter, QRectF(self.rect()).adjusted(8, 8, -8, -8), self._labels,
                    self._results, palette.color(QPalette.ColorRole.WindowText),
                    palette.color(QPalette.ColorRole.PlaceholderText))
        painter.end()


def write_chart(title: str, labels: list[str], results: list[TargetResult | None],
                path: str) -> None:
    """Draw the chart into a PNG at ``path`` (raises OSError when it cannot be written)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    _app = QApplication.instance() or QApplication([sys.argv[0]])  # fonts need one
    width = 1200
    height = chart_height(len(labels), width) + 60
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    font = QFont(painter.font())
    font.setPointSize(11)
    painter.setFont(font)
    paint_chart(painter, QRectF(24, 16, width - 48, height - 32), labels, results,
                QColor("#1f2937"), QColor("#6b7280"), title=title)
    painter.end()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    if not image.save(path):
        raise OSError(f"could not write the chart to '{path}'")

"""The text size of the whole window (View ▸ Zoom in, Zoom out, Actual size).

Every widget follows the application's font unless it sets its own, so scaling that font
scales the window's text: the transcript, the lists, the dialogs. 100 % is the system's
own font size as Slice found it at start (or :data:`ui.theme.MIN_POINT_SIZE`, when that is
larger); the chosen size is kept in the settings (``Settings.text_scale``).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QApplication

from ui.theme import MIN_POINT_SIZE

# The sizes Zoom in and Zoom out step through, in percent of the system's text size.
ZOOM_STEPS: tuple[int, ...] = (50, 67, 80, 90, 100, 110, 125, 150, 175, 200, 250, 300)
ACTUAL_SIZE = 100
_BASE = "slice_base_point_size"  # application property: the font size at 100 %


def base_point_size() -> float:
    """The application's font size at 100 % (recorded the first time it is asked for)."""
    app = QGuiApplication.instance()
    assert isinstance(app, QGuiApplication), "the text size needs a GUI application"
    base = app.property(_BASE)
    if not isinstance(base, float) or base <= 0:
        base = QGuiApplication.font().pointSizeF()
        app.setProperty(_BASE, base)
    return base


def follow_system_font(point_size: float) -> None:
    """Use ``point_size`` as the 100 % size (the system's font changed, or the theme set
    the font); the current scale applies to it at the next :func:`apply_text_scale`."""
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication) and point_size > 0:
        app.setProperty(_BASE, float(point_size))


def follow_the_system(percent: int) -> None:
    """The system's settings changed (Qt says so with a theme change): take its font size
    as the new 100 %, and show the text at ``percent`` of it."""
    system = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).pointSizeF()
    follow_system_font(max(system, MIN_POINT_SIZE))
    apply_text_scale(percent)


def apply_text_scale(percent: int) -> None:
    """Show the application's text at ``percent`` of the 100 % size."""
    size = base_point_size() * clamp_scale(percent) / 100
    font = QFont(QGuiApplication.font())
    if abs(font.pointSizeF() - size) > 0.01:
        font.setPointSizeF(size)
        QApplication.setFont(font)  # (QGuiApplication's would not reach the widgets)
        # Qt tells only the widgets it counts as not styled; make every window follow.
        for window in QApplication.topLevelWidgets():
            QApplication.sendEvent(window, QEvent(QEvent.Type.ApplicationFontChange))
        _polish_styled_widgets()


def _polish_styled_widgets() -> None:
    """Widgets drawn through a style sheet (their own, or the application's: the
    high-contrast theme) keep the font they were polished with: polish them again."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    everyone = bool(app.styleSheet())
    for widget in QApplication.allWidgets():
        if everyone or widget.styleSheet():
            style = widget.style()
            style.unpolish(widget)
            style.polish(widget)


def clamp_scale(percent: int) -> int:
    """``percent`` within the smallest and largest zoom steps."""
    return max(ZOOM_STEPS[0], min(ZOOM_STEPS[-1], percent))


def step_scale(percent: int, direction: int) -> int:
    """The zoom step after ``percent`` (``direction`` 1: larger, -1: smaller, 0: 100 %)."""
    if direction == 0:
        return ACTUAL_SIZE
    if direction > 0:
        return next((step for step in ZOOM_STEPS if step > percent), ZOOM_STEPS[-1])
    return next((step for step in reversed(ZOOM_STEPS) if step < percent), ZOOM_STEPS[0])

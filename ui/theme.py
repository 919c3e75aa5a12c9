"""Application look: Fusion style, a readable font, and a palette that follows the OS scheme."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

# Used when installed; otherwise the platform's own UI font is already the right choice.
PREFERRED_FAMILIES = ("Inter", "Inter Variable")
MIN_POINT_SIZE = 10.0


THEME_SYSTEM = "system"
THEME_LIGHT = "light"
THEME_DARK = "dark"
_PREFERENCE = "slice_theme"  # application property: the user's choice
_FOLLOWING = "slice_theme_follows_os"  # application property: colorSchemeChanged is connected


def apply_theme(app: QApplication, preference: str = THEME_SYSTEM) -> None:
    """Set the Fusion style and font, and the palette: the OS light/dark scheme, followed
    as it changes, unless ``preference`` is "light" or "dark"."""
    app.setStyle("Fusion")
    font = QFont(app.font())
    installed = set(QFontDatabase.families())
    family = next((name for name in PREFERRED_FAMILIES if name in installed), None)
    if family is not None:
        font.setFamily(family)
    font.setPointSizeF(max(font.pointSizeF(), MIN_POINT_SIZE))
    app.setFont(font)
    set_theme(app, preference)
    if not app.property(_FOLLOWING):
        app.setProperty(_FOLLOWING, True)
        app.styleHints().colorSchemeChanged.connect(lambda scheme: _apply_scheme(app, scheme))


def set_theme(app: QApplication, preference: str) -> None:
    """Use the light or dark palette, or follow the OS ("system")."""
    if preference not in (THEME_SYSTEM, THEME_LIGHT, THEME_DARK):
        preference = THEME_SYSTEM
    app.setProperty(_PREFERENCE, preference)
    _apply_scheme(app, app.styleHints().colorScheme())


def theme_preference(app: QApplication) -> str:
    """The theme the user chose ("system" unless set)."""
    value = app.property(_PREFERENCE)
    return value if isinstance(value, str) else THEME_SYSTEM


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether ``palette`` (default: the application's) has light text on a dark window."""
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def muted_text_color(palette: QPalette) -> QColor:
    """Secondary text colour: the text colour blended 45% toward the window's."""
    text = palette.color(QPalette.ColorRole.WindowText)
    window = palette.color(QPalette.ColorRole.Window)

    def mix(a: int, b: int) -> int:
        return round(a * 0.55 + b * 0.45)

    return QColor(
        mix(text.red(), window.red()),
        mix(text.green(), window.green()),
        mix(text.blue(), window.blue()),
    )


def dark_palette() -> QPalette:
    """A neutral dark palette (Fusion's own standard palette is light only)."""
    colors = {
        QPalette.ColorRole.Window: "#202124",
        QPalette.ColorRole.WindowText: "#e8eaed",
        QPalette.ColorRole.Base: "#17181a",
        QPalette.ColorRole.AlternateBase: "#26272b",
        QPalette.ColorRole.ToolTipBase: "#2d2e32",
        QPalette.ColorRole.ToolTipText: "#e8eaed",
        QPalette.ColorRole.PlaceholderText: "#8b8f96",
        QPalette.ColorRole.Text: "#e8eaed",
        QPalette.ColorRole.Button: "#2b2c30",
        QPalette.ColorRole.ButtonText: "#e8eaed",
        QPalette.ColorRole.BrightText: "#ff6b6b",
        QPalette.ColorRole.Light: "#3a3b40",
        QPalette.ColorRole.Midlight: "#323338",
        QPalette.ColorRole.Mid: "#26272b",
        QPalette.ColorRole.Dark: "#111214",
        QPalette.ColorRole.Shadow: "#000000",
        QPalette.ColorRole.Highlight: "#6366f1",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#8ab4f8",
        QPalette.ColorRole.LinkVisited: "#c58af9",
    }
    palette = QPalette()
    for role, color in colors.items():
        palette.setColor(role, QColor(color))
    disabled = QPalette.ColorGroup.Disabled
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(disabled, role, QColor("#6f7278"))
    palette.setColor(disabled, QPalette.ColorRole.Button, QColor("#242528"))
    return palette


def _apply_scheme(app: QApplication, scheme: Qt.ColorScheme) -> None:
    preference = theme_preference(app)
    if preference != THEME_SYSTEM:
        scheme = Qt.ColorScheme.Dark if preference == THEME_DARK else Qt.ColorScheme.Light
    if scheme == Qt.ColorScheme.Dark:
        app.setPalette(dark_palette())
    else:
        # An unresolved palette resets to the platform's (or Fusion's) own light palette.
        app.setPalette(QPalette())

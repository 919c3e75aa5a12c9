"""Application look: Fusion style, a readable font, and a palette that follows the OS scheme."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

# Used when installed; otherwise the platform's own UI font is already the right choice.
PREFERRED_FAMILIES = ("Inter", "Inter Variable")
MIN_POINT_SIZE = 10.0


THEME_SYSTEM = "system"
THEME_LIGHT = "light"
THEME_DARK = "dark"
THEME_CONTRAST = "contrast"  # white and yellow on black, with outlined controls
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
    """Use the light, dark or high-contrast palette, or follow the OS ("system")."""
    if preference not in (THEME_SYSTEM, THEME_LIGHT, THEME_DARK, THEME_CONTRAST):
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


def _palette(colors: dict[QPalette.ColorRole, str], disabled_text: str) -> QPalette:
    """A palette of ``colors``, its disabled texts in ``disabled_text``."""
    palette = QPalette()
    for role, color in colors.items():
        palette.setColor(role, QColor(color))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled_text))
    return palette


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
    palette = _palette(colors, disabled_text="#6f7278")
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Button, QColor("#242528"))
    return palette


def contrast_palette() -> QPalette:
    """High contrast: white text on black, yellow for links, the selection and focus (every
    text colour at least 7:1 against its background, WCAG's AAA level)."""
    colors = {
        QPalette.ColorRole.Window: "#000000",
        QPalette.ColorRole.WindowText: "#ffffff",
        QPalette.ColorRole.Base: "#000000",
        QPalette.ColorRole.AlternateBase: "#1a1a1a",
        QPalette.ColorRole.ToolTipBase: "#000000",
        QPalette.ColorRole.ToolTipText: "#ffffff",
        QPalette.ColorRole.PlaceholderText: "#c8c8c8",
        QPalette.ColorRole.Text: "#ffffff",
        QPalette.ColorRole.Button: "#000000",
        QPalette.ColorRole.ButtonText: "#ffffff",
        QPalette.ColorRole.BrightText: "#ffff00",
        QPalette.ColorRole.Light: "#ffffff",
        QPalette.ColorRole.Midlight: "#c8c8c8",
        QPalette.ColorRole.Mid: "#c8c8c8",
        QPalette.ColorRole.Dark: "#ffffff",
        QPalette.ColorRole.Shadow: "#ffffff",
        QPalette.ColorRole.Highlight: "#ffff00",
        QPalette.ColorRole.HighlightedText: "#000000",
        QPalette.ColorRole.Link: "#ffff00",
        QPalette.ColorRole.LinkVisited: "#ffb3ff",
    }
    return _palette(colors, disabled_text="#a6a6a6")


# Fusion draws its frames a shade darker than the window: none on black. The high-contrast
# theme outlines the controls in white, and the focused one in yellow, thicker.
CONTRAST_STYLE = """
QPushButton, QToolButton, QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QSpinBox,
QDoubleSpinBox, QAbstractItemView { border: 1px solid #ffffff; }
QPushButton, QToolButton { padding: 4px 10px; }
QPushButton:focus, QToolButton:focus, QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus,
QComboBox:focus, QSpinBox:focus, QDoubleSpinBox:focus, QAbstractItemView:focus,
QCheckBox:focus, QRadioButton:focus { border: 2px solid #ffff00; }
QPushButton:disabled { border: 1px dashed #a6a6a6; }
"""


def _apply_scheme(app: QApplication, scheme: Qt.ColorScheme) -> None:
    preference = theme_preference(app)
    if preference != THEME_SYSTEM:
        scheme = Qt.ColorScheme.Dark if preference == THEME_DARK else Qt.ColorScheme.Light
    if preference == THEME_CONTRAST:
        app.setPalette(contrast_palette())
    elif scheme == Qt.ColorScheme.Dark:
        app.setPalette(readable_selection(dark_palette()))
    else:
        # An unresolved palette resets to the platform's (or Fusion's) own light palette;
        # then its selection is made readable (only that role is set).
        app.setPalette(QPalette())
        app.setPalette(readable_selection(QPalette()))
    # The style sheet after the palette: Qt tells no widget a style sheet styles that the
    # palette changed, and setting the sheet polishes every widget with the palette of now.
    style = CONTRAST_STYLE if preference == THEME_CONTRAST else ""
    if app.styleSheet() != style:
        app.setStyleSheet(style)
    _retint_all()


_TINT = "slice_tint"  # widget property: the colour its text is tinted with (a warning's)


def tint(widget: QWidget, color: QColor | str | None) -> None:
    """Colour ``widget``'s text (a warning, an error) so that it reads on the theme's
    window (WCAG AA), now and after every theme change; None: the theme's own colour."""
    widget.setProperty(_TINT, QColor(color).name() if color else "")
    _apply_tint(widget)


def _apply_tint(widget: QWidget) -> None:
    color = widget.property(_TINT)
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    sheet = f"color: {readable(QColor(color), window).name()};" if color else ""
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)


def _retint_all() -> None:
    for widget in QApplication.allWidgets():
        if widget.property(_TINT):
            _apply_tint(widget)


def readable_selection(palette: QPalette) -> QPalette:
    """``palette`` with its selection's colour darkened or lightened until the selected
    text reads on it (WCAG AA); the platform's light palette and ours fell short."""
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        text = palette.color(group, QPalette.ColorRole.HighlightedText)
        selection = palette.color(group, QPalette.ColorRole.Highlight)
        palette.setColor(group, QPalette.ColorRole.Highlight, readable(selection, text))
    return palette


AA_CONTRAST = 4.5  # WCAG 2 level AA: normal text against its background


def relative_luminance(color: QColor) -> float:
    """WCAG 2's relative luminance of ``color`` (0 for black, 1 for white)."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return (0.2126 * linear(color.redF()) + 0.7152 * linear(color.greenF())
            + 0.0722 * linear(color.blueF()))


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG 2's contrast ratio of two colours (1 to 21)."""
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable(color: QColor, background: QColor, minimum: float = AA_CONTRAST) -> QColor:
    """``color``, darkened on a light background or lightened on a dark one until its text
    reaches ``minimum`` contrast against ``background`` (its hue kept)."""
    if contrast_ratio(color, background) >= minimum:
        return color
    lighter = relative_luminance(background) < 0.18
    hue, saturation, lightness, alpha = color.getHslF()
    adjusted = QColor(color)
    for _ in range(100):
        lightness = min(1.0, lightness + 0.02) if lighter else max(0.0, lightness - 0.02)
        adjusted = QColor.fromHslF(max(hue, 0.0), saturation, lightness, alpha)
        if contrast_ratio(adjusted, background) >= minimum or lightness in (0.0, 1.0):
            break
    return adjusted

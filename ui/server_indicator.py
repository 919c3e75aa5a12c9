"""The status line's "API on :8181": while the API server runs, the user always sees that the
model is exposed, and a click opens the Server dialog.

The server starts and fails on its own thread, so the indicator reads the control's status on
a timer rather than waiting for a word from it (while the settings want it on: the server's
code then loads, not before).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QPushButton, QWidget

from ui.i18n import tr
from ui.message_render import ERROR_COLOR, WARNING_COLOR

if TYPE_CHECKING:
    from app.api.control import ServerControl
    from app.api.server import ServerStatus

REFRESH_MS = 1000


def indicator_text(status: ServerStatus) -> tuple[str, str]:
    """What the indicator says for ``status``, and its tooltip ("" when it hides)."""
    from app.api.server import ServerState, is_loopback

    if status.state is ServerState.RUNNING:
        where = urlsplit(status.url)
        reach = (tr("this computer only") if is_loopback(where.hostname or "")
                 else tr("other machines can connect; the key is required"))
        return (tr("API on :{port}").format(port=where.port),
                tr("The API server runs at {url} ({reach}).").format(
                    url=status.url, reach=reach))
    if status.state is ServerState.STARTING:
        return (tr("API starting…"),
                tr("The API server is starting."))
    if status.state is ServerState.FAILED:
        return (tr("API off: failed"),
                tr("The API server could not start: {reason}").format(
                    reason=status.error))
    return "", ""


class ServerIndicator(QPushButton):
    """A flat button, shown while the server is on (or failed to start, which needs fixing)."""

    def __init__(self, control: ServerControl, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._control = control
        self.setFlat(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.hide()
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    def refresh(self) -> None:
        """Show the server's state now."""
        if not self._control.wanted:  # off: nothing to read (nor any server code to load)
            self.hide()
            return
        from app.api.server import ServerState, is_loopback

        status = self._control.status()
        text, tip = indicator_text(status)
        self.setText(text)
        self.setToolTip(self.tr("{tip} Click for the server's settings.").format(tip=tip)
                        if tip else "")
        self.setAccessibleName(tip or self.tr("API server off"))
        exposed = status.state is ServerState.RUNNING and not is_loopback(
            urlsplit(status.url).hostname or "")
        color = ERROR_COLOR if status.state is ServerState.FAILED else (
            WARNING_COLOR if exposed else None)
        self.setStyleSheet(f"color: {color.name()};" if color is not None else "")
        self.setVisible(bool(text))

"""Helpers for widget tests: open the chat window (over a scripted engine or the real one),
click a link in the transcript the way a user does."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor, QTextDocument
from pytestqt.qtbot import QtBot

from app.chat.bridge import EngineController
from app.models.library import ModelLibrary
from app.paths import app_paths
from tests.conftest import new_library
from tests.fakes import FakeLibrary
from ui.chat_view import ChatView
from ui.main_window import ChatWindow

if TYPE_CHECKING:
    from app.api.control import ServerControl
    from app.settings import Settings
    from app.store import ChatStore


def open_window(
    qtbot: QtBot, controller: EngineController, store: ChatStore | None = None,
    size: tuple[int, int] | None = None, server: ServerControl | None = None,
) -> ChatWindow:
    """The chat window over ``controller`` and the :class:`FakeLibrary` model list, shown.

    Without ``store`` the window opens the chat store of the test's SLICE_HOME; without
    ``server`` its API server entry is disabled.
    """
    window = ChatWindow(controller, FakeLibrary(), store=store,  # type: ignore[arg-type]
                        server=server)
    return _show(qtbot, window, size)


def open_real_window(
    qtbot: QtBot, settings: Settings
) -> tuple[ChatWindow, EngineController, ModelLibrary]:
    """The window as the app opens it, for tests on the real SmolLM2 model.

    The model library of the test's SLICE_HOME (with the starter model in it) and the real
    controller over a real inference host (its log in SLICE_HOME); the caller shuts the
    controller down.
    """
    library = new_library()
    assert library.ensure_starter() is not None
    controller = EngineController(log_path=app_paths().host_log)
    window = _show(qtbot, ChatWindow(controller, library, settings), (1180, 760))
    return window, controller, library


def _show(qtbot: QtBot, window: ChatWindow, size: tuple[int, int] | None) -> ChatWindow:
    qtbot.addWidget(window)
    if size is not None:
        window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


def link_positions(view: ChatView, label: str) -> list[int]:
    """Document positions where the link text ``label`` starts (whole words, exact case)."""
    document = view.document()
    flags = QTextDocument.FindFlag.FindCaseSensitively | QTextDocument.FindFlag.FindWholeWords
    found, positions = document.find(label, 0, flags), []
    while not found.isNull():
        if found.charFormat().isAnchor():
            positions.append(found.selectionStart())
        found = document.find(label, found.selectionEnd(), flags)
    return positions


def click_link(qtbot: QtBot, view: ChatView, label: str, occurrence: int = -1) -> None:
    """Scroll to the ``occurrence``-th link called ``label`` and click it with the mouse."""
    positions = link_positions(view, label)
    assert positions, f"no link {label!r} in the transcript"
    before, after = QTextCursor(view.document()), QTextCursor(view.document())
    before.setPosition(positions[occurrence])
    after.setPosition(positions[occurrence] + 1)
    bar = view.verticalScrollBar()
    if not view.viewport().rect().contains(view.cursorRect(before).center()):
        y = view.cursorRect(before).center().y()
        bar.setValue(bar.value() + y - view.viewport().height() // 2)
    left, right = view.cursorRect(before), view.cursorRect(after)
    point = QPoint((left.center().x() + right.center().x()) // 2, left.center().y())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)

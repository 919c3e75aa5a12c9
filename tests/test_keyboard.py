"""Keyboard only: every flow with real key events sent where the keyboard focus is, as a
user without a mouse works; Tab order follows the layout and never traps."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from app.chat.bridge import EngineController
from app.hub.downloads import DownloadState
from app.models.library import ModelLibrary
from app.paths import app_paths
from app.remote.providers import ProviderStore
from app.settings import Settings
from app.store import ChatSettings, ChatStore
from inference.events import Done, LoadSettings, Stats
from tests.conftest import new_library
from tests.hub_server import HubServer
from tests.scripted_client import ScriptedHostClient, play, tokens
from tests.ui_helpers import open_window
from ui.chat_settings import ChatSettingsDialog
from ui.load_settings_dialog import LoadSettingsDialog
from ui.main_window import ChatWindow
from ui.provider_editor import ProviderEditor

STATS = Stats(ttft_s=0.1, prompt_tokens=12, generated_tokens=3, decode_tps=40.0,
              context_used=15, context_size=4096)
NO = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(qtbot: QtBot, key: Qt.Key, modifiers: Qt.KeyboardModifier = NO,
          times: int = 1) -> None:
    """Press ``key`` where the keyboard focus is."""
    for _ in range(times):
        qtbot.keyClick(focused(), key, modifiers)


def type_text(qtbot: QtBot, text: str) -> None:
    qtbot.keyClicks(focused(), text)


def tab_to(qtbot: QtBot, wanted: Callable[[QWidget], bool], limit: int = 60,
           backwards: bool = False) -> QWidget:
    """Press Tab (Shift+Tab) until the focus is on a widget ``wanted`` accepts."""
    for _ in range(limit):
        if wanted(focused()):
            return focused()
        press(qtbot, Qt.Key.Key_Backtab if backwards else Qt.Key.Key_Tab,
              SHIFT if backwards else NO)
    raise AssertionError(f"Tab never reached it; the focus is on {focused()!r}")


def tab_to_link(qtbot: QtBot, window: ChatWindow, label: str, limit: int = 12) -> None:
    """Tab through the transcript's links until the one called ``label`` is selected."""
    view = window.chat_view
    for _ in range(limit):
        if focused() is view and view.textCursor().selectedText() == label:
            return
        press(qtbot, Qt.Key.Key_Tab)
    raise AssertionError(f"no link {label!r} reached; at {view.textCursor().selectedText()!r}")


def answer(qtbot: QtBot, host: ScriptedHostClient, count: int, text: str) -> None:
    qtbot.waitUntil(lambda: len(host.replies) == count)
    play(qtbot, host, *tokens(*(w + " " for w in text.split(" ")[:-1]), text.split(" ")[-1]),
         Done("end_of_turn", STATS))


@pytest.fixture
def window(qtbot: QtBot, controller: EngineController, store: ChatStore) -> ChatWindow:
    return open_window(qtbot, controller, store, (1180, 800))


def test_a_whole_conversation_without_the_mouse(
    qtbot: QtBot, window: ChatWindow, store: ChatStore, scripted_host: ScriptedHostClient
) -> None:
    assert focused() is window.composer.message_box  # the window opens ready to type
    # Send, and stop the reply half-way with Esc.
    type_text(qtbot, "Name a colour")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(scripted_host.replies) == 1)
    play(qtbot, scripted_host, *tokens("Blue ", "and "))
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.session.busy)
    assert scripted_host.cancels == 1 and window.history[-1].content.startswith("Blue and")

    # Regenerate: Alt+Up reaches the reply, Tab its actions.
    press(qtbot, Qt.Key.Key_Up, ALT)
    tab_to_link(qtbot, window, "Regenerate")
    press(qtbot, Qt.Key.Key_Return)
    answer(qtbot, scripted_host, 2, "Green.")
    assert "2/2" in window.chat_view.toPlainText()

    # Versions: the reply's ◀ is its first link.
    press(qtbot, Qt.Key.Key_Up, ALT)
    press(qtbot, Qt.Key.Key_Tab)
    assert window.chat_view.textCursor().selectedText() == "◀"
    press(qtbot, Qt.Key.Key_Return)
    assert "1/2" in window.chat_view.toPlainText() and "Blue and" in window.chat_view.toPlainText()

    # Edit the question: Alt+Up twice, Tab to Edit, Enter; the box takes the focus.
    press(qtbot, Qt.Key.Key_Up, ALT, times=2)
    tab_to_link(qtbot, window, "Edit")
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is window.composer.message_box and window.composer.editing is not None
    press(qtbot, Qt.Key.Key_A, CTRL)
    type_text(qtbot, "Name a fruit")
    press(qtbot, Qt.Key.Key_Return)
    answer(qtbot, scripted_host, 3, "Mango.")
    assert window.history[-2].content == "Name a fruit"
    chat = window.session.chat_id

    # New chat, then back to the first with Ctrl+Down; rename it with F2.
    press(qtbot, Qt.Key.Key_N, CTRL)
    assert window.session.chat_id is None and focused() is window.composer.message_box
    press(qtbot, Qt.Key.Key_Down, CTRL)
    assert window.session.chat_id == chat
    press(qtbot, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    press(qtbot, Qt.Key.Key_A, CTRL)
    type_text(qtbot, "Fruit and colours")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: store.chat(chat).title == "Fruit and colours")

    # Delete it from the list (the focus is there after the rename), then undo.
    assert focused() is window.sidebar.list_view
    press(qtbot, Qt.Key.Key_Delete)
    assert window.sidebar.model.row_of(chat) is None
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert window.sidebar.model.row_of(chat) is not None

    # Search, Tab to the results, pick one with the arrows and open it with Enter.
    press(qtbot, Qt.Key.Key_F, CTRL)
    assert focused() is window.sidebar.search_box
    type_text(qtbot, "Mango")
    qtbot.waitUntil(lambda: window.sidebar.results.rowCount() >= 1)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is window.sidebar.results_view
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Return)
    mango = next(m for m in store.chat_messages(chat) if m.content == "Mango.")
    qtbot.waitUntil(lambda: window.chat_view.highlighted_message == mango.id)


def tab_cycle(qtbot: QtBot, start: QWidget, limit: int = 80) -> list[QWidget]:
    """The widgets Tab visits from ``start`` until it comes back to it (a trap fails)."""
    start.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is start)
    seen = [start]
    for _ in range(limit):
        press(qtbot, Qt.Key.Key_Tab)
        if focused() is start:
            return seen
        if focused() not in seen:
            seen.append(focused())
    raise AssertionError(f"Tab never came back to {start!r}: stuck in {seen[-3:]!r}")


def test_tab_order_in_the_window_follows_the_layout_and_comes_back(
    qtbot: QtBot, window: ChatWindow
) -> None:
    window.composer.message_box.setPlainText("Hello")  # Send is enabled: a stop of its own
    cycle = tab_cycle(qtbot, window.sidebar.search_box)
    selection = window.model_selection
    expected = [window.sidebar.search_box, window.sidebar.list_view,
                selection.model_picker, selection.models_button,
                selection.model_settings_button, window.settings_button,
                window.new_chat_button, window.chat_view, window.composer.message_box,
                window.composer.send_button]
    assert [w for w in cycle if w in expected] == expected


def reading_order_breaks(cycle: list[QWidget], root: QWidget) -> list[str]:
    """Where Tab goes up the dialog (or left within a row) instead of down and on."""
    breaks = []
    for before, after in pairwise(cycle):
        a = before.mapTo(root, before.rect().topLeft())
        b = after.mapTo(root, after.rect().topLeft())
        same_row = abs(a.y() - b.y()) < min(before.height(), after.height()) / 2
        if (same_row and b.x() < a.x()) or (not same_row and b.y() < a.y()):
            breaks.append(f"{before.accessibleName() or type(before).__name__} -> "
                          f"{after.accessibleName() or type(after).__name__}")
    return breaks


@pytest.mark.parametrize("which", ["model settings", "chat settings", "provider editor"])
def test_tab_order_in_the_dialogs_reads_top_to_bottom(
    qtbot: QtBot, store: ChatStore, which: str
) -> None:
    dialogs: dict[str, Callable[[], QDialog]] = {
        "model settings": lambda: LoadSettingsDialog(Settings()),
        "chat settings": lambda: ChatSettingsDialog(Settings(), ChatSettings(), store),
        "provider editor": lambda: ProviderEditor(ProviderStore(app_paths().ensure().config)),
    }
    dialog = dialogs[which]()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None
                    and QApplication.focusWidget().window() is dialog)
    cycle = tab_cycle(qtbot, focused())
    assert len(cycle) >= 3
    # From the first stop on, the cycle reads like the page: down, and left to right.
    start = min(range(len(cycle)), key=lambda i: (cycle[i].mapTo(dialog, cycle[i].rect()
                                                                  .topLeft()).y(),
                                                  cycle[i].mapTo(dialog, cycle[i].rect()
                                                                 .topLeft()).x()))
    ordered = cycle[start:] + cycle[:start]
    assert reading_order_breaks(ordered, dialog) == []


def test_change_a_setting_from_the_keyboard(
    qtbot: QtBot, window: ChatWindow
) -> None:
    saved: list[Settings] = []
    window.settings_changed.connect(saved.append)
    before = window.settings.loop_guard

    def in_the_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        try:
            assert isinstance(dialog, LoadSettingsDialog)
            qtbot.waitUntil(dialog.isActiveWindow)
            tab_to(qtbot, lambda w: w is dialog.loop_guard)
            press(qtbot, Qt.Key.Key_Space)
            press(qtbot, Qt.Key.Key_Return)  # OK is the default button
        finally:  # a failed step must not leave the modal dialog waiting forever
            if isinstance(dialog, QDialog) and dialog.isVisible():
                dialog.reject()

    tab_to(qtbot, lambda w: w is window.model_selection.model_settings_button)
    QTimer.singleShot(0, in_the_dialog)
    press(qtbot, Qt.Key.Key_Space)
    assert saved and saved[-1].loop_guard is (not before)


@pytest.fixture
def real_library() -> ModelLibrary:
    library = new_library()
    assert library.ensure_starter() is not None
    return library


def test_models_check_and_download_without_the_mouse(
    qtbot: QtBot, controller: EngineController, store: ChatStore, hub: HubServer,
    real_library: ModelLibrary, smollm_path: str,
) -> None:
    from tests.test_models_ui import SMOL_REPO, serve_smollm
    from ui.accessibility import PROGRESS_STEP, announcements

    heard: list[tuple[str, bool]] = []

    def hear(text: str, assertive: bool) -> None:
        heard.append((text, assertive))

    announcements().announced.connect(hear)
    serve_smollm(hub, smollm_path)
    window = ChatWindow(controller, real_library, Settings(
        load=LoadSettings(n_ctx=512, n_threads=1, n_threads_batch=1)), store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.composer.message_box)
    dialog = None
    try:
        tab_to(qtbot, lambda w: w is window.model_selection.models_button)
        press(qtbot, Qt.Key.Key_Space)
        dialog = window.model_selection.models_dialog
        assert dialog is not None and dialog.isVisible()
        qtbot.waitUntil(lambda: dialog.isActiveWindow())
        view = dialog.library_view
        # Check a model: the library's table, Down to the model, Tab to Check, Space.
        tab_to(qtbot, lambda w: w is view.table)
        press(qtbot, Qt.Key.Key_Space)  # selects the row under the table's cursor (the first)
        assert view.selected() is not None
        tab_to(qtbot, lambda w: w is view.check_button)
        press(qtbot, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: view.message.text().startswith(("Check passed", "Do not load")),
                        timeout=120_000)
        assert view.message.text().startswith("Check passed"), view.message.text()
        assert (view.message.text(), False) in heard  # a screen reader hears the result
        # The Download tab: Ctrl+Tab; search, Tab to the results, Enter opens one.
        press(qtbot, Qt.Key.Key_Tab, CTRL)
        panel = dialog.downloads
        assert dialog.tabs.currentWidget() is panel
        tab_to(qtbot, lambda w: w is panel.search_box)
        type_text(qtbot, "smol")
        press(qtbot, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: panel.results_model.rowCount() == 2, timeout=10_000)
        tab_to(qtbot, lambda w: w is panel.results)
        press(qtbot, Qt.Key.Key_Home)
        for _ in range(panel.results_model.rowCount()):
            if panel.results.currentIndex().data(Qt.ItemDataRole.ToolTipRole) == SMOL_REPO:
                break
            press(qtbot, Qt.Key.Key_Down)
        press(qtbot, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: panel.files.topLevelItemCount() == 1, timeout=10_000)
        tab_to(qtbot, lambda w: w is panel.files)
        for _ in range(6):  # down to a file (opening its quantization's group)
            if panel.download_button.isEnabled():
                break
            item = panel.files.currentItem()
            closed = item is not None and item.childCount() and not item.isExpanded()
            press(qtbot, Qt.Key.Key_Right if closed else Qt.Key.Key_Down)
        assert panel.download_button.isEnabled()
        tab_to(qtbot, lambda w: w is panel.download_button)
        values: list[int] = []

        def on_its_way() -> list[int]:
            return [v for v in values if 0 < v < 100]

        panel.progress.valueChanged.connect(values.append)
        hub.throttle_bps = 20_000_000  # a few seconds: the progress is seen on its way
        press(qtbot, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: panel.progress.isVisible(), timeout=10_000)
        assert panel.progress.accessibleName() == "Downloading SmolLM2-135M-Instruct.Q4_1.gguf"
        # Slowed until the bar has shown two values between the ends, then at full speed.
        qtbot.waitUntil(lambda: len(on_its_way()) >= 2, timeout=30_000)
        hub.throttle_bps = None
        qtbot.waitUntil(lambda: (s := panel.queue_model.status(0)) is not None
                        and s.state in (DownloadState.DONE, DownloadState.FAILED),
                        timeout=60_000)
        status = panel.queue_model.status(0)
        assert status.state == DownloadState.DONE, status
        # The value went up in steps, never all at once per poll, and the bar went away.
        assert len(on_its_way()) >= 2 and values == sorted(set(values))
        assert all(v % PROGRESS_STEP == 0 for v in values)
        qtbot.waitUntil(lambda: not panel.progress.isVisible(), timeout=5_000)
        press(qtbot, Qt.Key.Key_Escape)  # closes the dialog
        assert not dialog.isVisible()
    finally:
        announcements().announced.disconnect(hear)
        if dialog is not None:
            dialog.downloads.shutdown()

"""The API server from the window: the Server dialog, its warning and key, the status line's
indicator, and a real request to the server the dialog turned on.

The window and the server share the real scheduler of the real
:class:`app.chat.bridge.EngineController` (over the scripted host); the key lives in the test's
in-memory keyring; the server is the real one, on a free port.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.api.control import ServerControl
from app.api.keys import ApiKeyStore
from app.api.server import ServerState
from app.chat.bridge import EngineController
from app.models.library import ModelLibrary
from app.paths import app_paths
from app.settings import ServerSettings, Settings
from app.store import ChatStore
from inference.events import Done, Stats, Token
from tests.api_helpers import Reply, free_port, http, refuses
from tests.conftest import ROOT, new_library, write_tiny_llama
from tests.scripted_client import ScriptedHostClient
from tests.ui_helpers import open_window
from ui.main_window import ChatWindow
from ui.server_dialog import ServerDialog
from ui.window_menus import open_server_dialog


@pytest.fixture
def library() -> ModelLibrary:
    return new_library()  # empty: no starter model


@pytest.fixture
def server(controller: EngineController, library: ModelLibrary) -> Iterator[ServerControl]:
    control = ServerControl(controller.scheduler, library,
                            ApiKeyStore(app_paths().ensure().config), Settings())
    yield control
    assert control.close(), "the server did not stop"


@pytest.fixture
def window(qtbot: QtBot, controller: EngineController, store: ChatStore,
           server: ServerControl) -> ChatWindow:
    return open_window(qtbot, controller, store, server=server)


def dialog_of(qtbot: QtBot, window: ChatWindow) -> ServerDialog:
    """Tools > API server…, as the user opens it."""
    tools = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Tools")
    entry = next(a for a in tools.actions() if a.text() == "&API server…")
    assert isinstance(entry, QAction) and entry.isEnabled()
    entry.trigger()
    dialog = window.server_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def stored_key() -> str | None:
    return ApiKeyStore(app_paths().config).get()


def test_the_dialog_shows_the_settings_in_use_and_applies_what_is_typed(
    qtbot: QtBot, window: ChatWindow, controller: EngineController
) -> None:
    window.change_settings(window.settings.model_copy(update={"server": ServerSettings(
        host="127.0.0.1", port=8282, cors_origins=("http://localhost:3000",), queue_limit=4,
        idle_unload_min=30, max_tokens=1024)}))
    dialog = dialog_of(qtbot, window)
    assert not dialog.switch.isChecked()
    assert (dialog.address.text(), dialog.port.value()) == ("127.0.0.1", 8282)
    assert dialog.origins.toPlainText() == "http://localhost:3000"
    assert (dialog.queue_limit.value(), dialog.idle_unload.value(),
            dialog.max_tokens.value()) == (4, 30, 1024)
    assert (dialog.port.minimum(), dialog.port.maximum()) == (1, 65535)
    assert not dialog.apply_button.isEnabled()  # nothing edited yet

    dialog.address.setText(" localhost ")
    dialog.port.setValue(9191)
    dialog.require_key.click()
    dialog.origins.setPlainText("http://localhost:3000/\n\nhttps://Example.org:8443\n")
    dialog.queue_limit.setValue(2)
    dialog.idle_unload.setValue(15)
    dialog.max_tokens.setValue(512)
    assert dialog.apply_button.isEnabled()
    dialog.apply_button.click()

    assert window.settings.server == ServerSettings(
        enabled=False, host="localhost", port=9191, require_key=False,
        cors_origins=("http://localhost:3000", "https://example.org:8443"), queue_limit=2,
        idle_unload_min=15, max_tokens=512)
    queue = controller.scheduler.status()
    assert (queue.queue_limit, queue.idle_unload_s) == (2, 15 * 60)
    assert not dialog.apply_button.isEnabled()
    assert dialog.state_text.text() == "Off"
    assert window.server_indicator is not None and not window.server_indicator.isVisible()


def test_what_cannot_be_served_is_said_beside_the_fields_and_not_applied(
    qtbot: QtBot, window: ChatWindow
) -> None:
    dialog = dialog_of(qtbot, window)
    dialog.address.setText("my server!")
    assert dialog.problem.isVisible() and "not an address" in dialog.problem.text()
    assert not dialog.ok_button.isEnabled() and not dialog.apply_button.isEnabled()
    dialog.switch.click()  # turning it on with a bad address does nothing
    assert not dialog.switch.isChecked() and not window.settings.server.enabled

    dialog.address.setText("127.0.0.1")
    dialog.origins.setPlainText("localhost:3000")
    assert "not a browser origin" in dialog.problem.text()
    dialog.origins.setPlainText("http://localhost:3000/app")
    assert "not a browser origin" in dialog.problem.text()
    dialog.origins.setPlainText("http://localhost:3000")
    assert not dialog.problem.isVisible() and dialog.apply_button.isEnabled()


def test_serving_other_machines_asks_first_and_cancelling_leaves_the_server_off(
    qtbot: QtBot, window: ChatWindow, server: ServerControl
) -> None:
    dialog = dialog_of(qtbot, window)
    dialog.require_key.click()  # no key from this computer, the user says
    assert dialog.require_key.isEnabled() and not dialog.require_key.isChecked()
    dialog.address.setText("0.0.0.0")
    # Other machines always need the key: the box says so and cannot be unticked.
    assert dialog.require_key.isChecked() and not dialog.require_key.isEnabled()

    dialog.switch.click()
    warning = dialog.exposure_warning
    assert warning is not None
    qtbot.waitExposed(warning)
    assert "other machines" in warning.text() and "0.0.0.0" in warning.text()
    assert "API key" in warning.informativeText()
    warning.button(QMessageBox.StandardButton.Cancel).click()

    assert dialog.exposure_warning is None
    assert not dialog.switch.isChecked()
    assert window.settings.server.enabled is False
    assert window.settings.server.host == "127.0.0.1"  # nothing was applied
    assert server.status().state is ServerState.OFF
    # Back on this computer only, the user's own choice for the key returns.
    dialog.address.setText("127.0.0.1")
    assert dialog.require_key.isEnabled() and not dialog.require_key.isChecked()


def test_confirming_serves_other_machines_and_every_request_needs_the_key(
    qtbot: QtBot, window: ChatWindow, server: ServerControl
) -> None:
    port = free_port()
    dialog = dialog_of(qtbot, window)
    dialog.require_key.click()  # no key from this computer, the user says; but...
    dialog.address.setText("0.0.0.0")
    dialog.port.setValue(port)
    dialog.switch.click()
    warning = dialog.exposure_warning
    assert warning is not None and not window.settings.server.enabled  # not yet
    next(b for b in warning.buttons() if b.text() == "Serve other machines").click()

    assert window.settings.server.enabled and window.settings.server.host == "0.0.0.0"
    qtbot.waitUntil(lambda: server.status().state is ServerState.RUNNING, timeout=10_000)
    assert server.status().key_required
    assert http(port, "GET", "/v1/models", key=None).status == 401  # ...other machines can
    assert http(port, "GET", "/v1/models", key=server.key()).status == 200
    indicator = window.server_indicator
    assert indicator is not None
    qtbot.waitUntil(lambda: indicator.text() == f"API on :{port}", timeout=3000)
    assert "other machines can connect" in indicator.toolTip()
    # A change of port on the same address asks nothing more.
    dialog.port.setValue(free_port())
    dialog.apply_button.click()
    assert dialog.exposure_warning is None


def test_copy_puts_the_key_on_the_clipboard_and_a_new_key_needs_a_yes(
    qtbot: QtBot, window: ChatWindow
) -> None:
    dialog = dialog_of(qtbot, window)
    key = stored_key()
    assert key is not None and key.startswith("sk-slice-")
    # Shown: enough to tell two keys apart, not enough to use one.
    assert dialog.key_text.text() == "sk-slice-" + "•" * 12 + key[-4:]
    assert "keyring" in dialog.key_note.text()  # where the key is kept
    dialog.copy_key.click()
    assert QGuiApplication.clipboard().text() == key

    dialog.regenerate_key.click()
    question = dialog.regenerate_question
    assert question is not None and "stop working" in question.text()
    question.button(QMessageBox.StandardButton.Cancel).click()
    assert stored_key() == key

    dialog.regenerate_key.click()
    question = dialog.regenerate_question
    assert question is not None
    next(b for b in question.buttons() if b.text() == "Make a new key").click()
    new_key = stored_key()
    assert new_key is not None and new_key != key
    assert dialog.key_text.text() == "sk-slice-" + "•" * 12 + new_key[-4:]
    dialog.copy_key.click()
    assert QGuiApplication.clipboard().text() == new_key


def test_the_menu_entry_is_disabled_in_a_window_without_a_server(
    qtbot: QtBot, controller: EngineController, store: ChatStore
) -> None:
    window = open_window(qtbot, controller, store)
    tools = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Tools")
    assert not next(a for a in tools.actions() if a.text() == "&API server…").isEnabled()
    assert open_server_dialog(window) is None and window.server_indicator is None


def ask(port: int, key: str) -> Reply:
    """One chat completion, for whichever model the server picks."""
    return http(port, "POST", "/v1/chat/completions", key=key,
                body={"messages": [{"role": "user", "content": "Hi"}]}, timeout=30)


def test_the_switch_serves_the_api_and_the_status_line_says_so(
    qtbot: QtBot, window: ChatWindow, server: ServerControl, library: ModelLibrary,
    scripted_host: ScriptedHostClient, tmp_path: Path,
) -> None:
    port = free_port()
    dialog = dialog_of(qtbot, window)
    dialog.port.setValue(port)
    assert dialog.require_key.isChecked()  # the default
    dialog.switch.click()  # this computer only: no question
    assert dialog.exposure_warning is None and window.settings.server.enabled

    url = f"http://127.0.0.1:{port}/v1"
    qtbot.waitUntil(lambda: dialog.state_text.text().startswith(f"Running at {url}"),
                    timeout=10_000)  # the dialog's own timer saw it
    assert "the key is required" in dialog.state_text.text()
    indicator = window.server_indicator
    assert indicator is not None
    qtbot.waitUntil(lambda: indicator.text() == f"API on :{port}", timeout=3000)
    assert indicator.isVisible() and url in indicator.toolTip()

    key = server.key()
    assert http(port, "GET", "/v1/models", key=None).status == 401
    reply = http(port, "GET", "/v1/models", key=key)
    assert reply.status == 200 and reply.json() == {"object": "list", "data": []}

    # The figures, as the dialog's timer shows them: a request that fails and why...
    assert ask(port, key).status == 404  # the library is empty
    qtbot.waitUntil(lambda: dialog.failed_text.text() == "1", timeout=3000)
    assert "library is empty" in dialog.last_error_text.text()
    # ... one that waits its turn behind another, then both served.
    library.import_file(str(write_tiny_llama(tmp_path / "tiny.gguf")))
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(ask, port, key)
        qtbot.waitUntil(lambda: len(scripted_host.replies) == 1, timeout=5000)
        second = pool.submit(ask, port, key)
        qtbot.waitUntil(lambda: dialog.waiting_text.text() == "1", timeout=5000)
        scripted_host.play(Token("Hi"), Done("end_of_turn", Stats()),
                           Token("Hello"), Done("end_of_turn", Stats()))
        assert first.result(10).status == second.result(10).status == 200
    qtbot.waitUntil(lambda: dialog.served_text.text() == "2", timeout=3000)
    assert dialog.waiting_text.text() == "0"

    indicator.click()  # the indicator opens the same dialog
    assert window.server_dialog is dialog and dialog.isVisible()

    dialog.switch.click()
    assert not window.settings.server.enabled
    qtbot.waitUntil(lambda: refuses(port), timeout=10_000)
    qtbot.waitUntil(lambda: not indicator.isVisible(), timeout=3000)
    assert dialog.state_text.text() == "Off"


def test_a_new_key_takes_over_at_once_on_a_running_server(
    qtbot: QtBot, window: ChatWindow, server: ServerControl
) -> None:
    port = free_port()
    window.change_settings(window.settings.model_copy(update={"server": ServerSettings(
        enabled=True, port=port, require_key=True)}))
    qtbot.waitUntil(lambda: server.status().state is ServerState.RUNNING, timeout=10_000)
    old = server.key()
    assert http(port, "GET", "/v1/models", key=old).status == 200

    dialog = dialog_of(qtbot, window)
    dialog.regenerate_key.click()
    question = dialog.regenerate_question
    assert question is not None
    next(b for b in question.buttons() if b.text() == "Make a new key").click()
    new = stored_key()
    assert new is not None and new != old
    qtbot.waitUntil(lambda: server.status().state is ServerState.RUNNING, timeout=10_000)
    assert http(port, "GET", "/v1/models", key=old).status == 401
    assert http(port, "GET", "/v1/models", key=new).status == 200


def test_the_app_serves_at_launch_when_the_settings_say_so_and_stops_on_quit(
    qapp, qtbot: QtBot
) -> None:
    from app.main import RunningGui, build_parser, start_gui
    from app.settings import save_settings

    port = free_port()
    save_settings(app_paths().ensure().settings_file,
                  Settings(server=ServerSettings(enabled=True, port=port)))
    running = start_gui(build_parser().parse_args([]), qapp, 0.0)
    assert isinstance(running, RunningGui)
    try:
        window = running.window
        assert window.controller.scheduler is running.scheduler  # one queue, shared
        qtbot.waitUntil(lambda: running.server.status().state is ServerState.RUNNING,
                        timeout=10_000)
        assert http(port, "GET", "/v1/models", key=None).status == 401  # the key, by default
        assert http(port, "GET", "/v1/models", key=stored_key()).status == 200
        qtbot.waitUntil(lambda: window.server_indicator.isVisible(), timeout=3000)
    finally:
        running.window.close()
        running.close()
    assert refuses(port)


def test_a_window_with_the_server_off_loads_none_of_the_servers_code(slice_home: Path) -> None:
    # uvicorn and starlette take ~0.1 s to import: a launch that leaves the server off (the
    # default) must not pay for them.
    code = """if True:
        import sys
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from app.api.control import ServerControl
        from app.api.keys import ApiKeyStore
        from app.chat.bridge import EngineController
        from app.paths import app_paths
        from app.settings import Settings
        from tests.fakes import FakeLibrary
        from tests.scripted_client import ScriptedHostClient
        from ui.main_window import ChatWindow
        controller = EngineController(ScriptedHostClient())
        server = ServerControl(controller.scheduler, FakeLibrary(),
                               ApiKeyStore(app_paths().ensure().config), Settings())
        server.apply(Settings())
        window = ChatWindow(controller, FakeLibrary(), Settings(), server=server)
        window.server_indicator.refresh()
        loaded = sorted(m for m in ("uvicorn", "starlette", "app.api.server")
                        if m in sys.modules)
        server.close()
        controller.shutdown()
        print(loaded)
    """
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "SLICE_HOME": str(slice_home)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"

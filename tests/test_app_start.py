"""Starting the app over the chat store: one instance per data folder, recovery notice,
and a database from a newer Slice refused with a clear message."""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from app.main import RunningGui, build_parser, start_gui
from app.paths import app_paths
from app.single_instance import server_name
from app.store import ChatStore, open_chat_store
from app.store.recovery import backup_folder, make_backup, store_file
from tests.conftest import launch, slice_chat


def test_a_second_launch_wakes_the_first_and_leaves(slice_home: Path) -> None:
    first = launch(home=slice_home)
    socket = Path(os.environ.get("TMPDIR", tempfile.gettempdir())) / server_name(
        app_paths().data)
    try:
        deadline = time.monotonic() + 60
        while not socket.exists() and time.monotonic() < deadline:
            assert first.poll() is None, first.communicate()
            time.sleep(0.05)
        second = launch(home=slice_home)
        _out, err = second.communicate(timeout=60)
        assert second.returncode == 0, err
        assert "already running and was brought to the front" in err
        time.sleep(0.5)
    finally:
        first.kill()
        _out, first_err = first.communicate(timeout=30)
    assert "another launch brought this window to the front" in first_err


@pytest.fixture
def gui(qapp, monkeypatch) -> list[RunningGui]:
    started: list[RunningGui] = []
    yield started
    for running in started:
        running.window.close()
        running.close()


def test_the_user_is_told_when_the_database_was_restored(
    qapp, gui: list[RunningGui], slice_home: Path
) -> None:
    data = app_paths().ensure().data
    store = open_chat_store(data).store
    chat = store.create_chat()
    store.start_exchange(chat, None, "Remember the milk", "M")
    store.close()
    make_backup(store_file(data), backup_folder(data))
    store_file(data).write_bytes(b"\0" * 8192)

    running = start_gui(build_parser().parse_args([]), qapp, time.perf_counter())
    assert isinstance(running, RunningGui)
    gui.append(running)
    notice = running.window.notice.text()
    assert running.window.notice.isVisible()
    assert "damaged" in notice and "restored the backup" in notice and ".damaged-" in notice
    assert running.window.sidebar.model.rowCount() == 2  # the chat is back
    assert list(data.glob("chats.db.damaged-*"))


def test_a_database_from_a_newer_slice_is_refused_clearly(
    qapp, slice_home: Path, monkeypatch, capsys
) -> None:
    data = app_paths().ensure().data
    store = ChatStore(store_file(data))
    store.connection.execute("INSERT INTO migrations VALUES ('0099_future', 0)")
    store.close()
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *args: shown.append(args[2]))
    assert start_gui(build_parser().parse_args([]), qapp, 0.0) == 1
    assert shown and "newer version of Slice" in shown[0]
    assert "newer version of Slice" in capsys.readouterr().err
    # The command line says the same.
    result = slice_chat("export", "--list", home=slice_home, timeout=60)
    assert result.returncode == 1 and "newer version of Slice" in result.stderr


def test_the_theme_menu_is_remembered(qapp, qtbot, gui: list[RunningGui]) -> None:
    from ui.theme import apply_theme, is_dark

    running = start_gui(build_parser().parse_args([]), qapp, time.perf_counter())
    assert isinstance(running, RunningGui)
    gui.append(running)
    window = running.window
    try:
        window.theme_actions["dark"].trigger()
        assert is_dark(qapp.palette())
        qtbot.waitUntil(lambda: is_dark(window.chat_view.palette()))
        assert json.loads(app_paths().settings_file.read_text())["theme"] == "dark"
        window.theme_actions["light"].trigger()
        assert not is_dark(qapp.palette())
        window.theme_actions["system"].trigger()
        assert json.loads(app_paths().settings_file.read_text())["theme"] == "system"
    finally:
        apply_theme(qapp)

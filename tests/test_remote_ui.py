"""Remote models in the window, against Slice's own server on loopback: the Providers
dialog (add with a key, edit, remove; Test lists the real server's models or names the
refused key), the model picker with each provider's models (and a provider it cannot
reach, with its error), a chat that streams from the real server with the provider and
"speeds from the server" in the stats bar, then switches back to the local model, and a
reply cut off mid-stream that keeps its text and continues.

The window shares the server's queue (``running_server(remote=...)``): its local replies
and the server's requests run on the one real host and starter model.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from app.chat.bridge import EngineController
from app.paths import app_paths
from app.remote.client import remote_client
from app.remote.providers import Provider, ProviderStore
from app.remote.refs import RemoteModel
from app.store.records import MessageState
from inference.events import Sampling, Stats
from tests.api_helpers import KEY, Running, api_settings, free_port, running_server
from tests.remote_helpers import FaultProxy
from tests.ui_helpers import click_link, link_positions, open_window
from ui.main_window import ChatWindow
from ui.model_picker import remote_label
from ui.provider_editor import TLS_WARNING
from ui.providers_dialog import ProvidersDialog
from ui.stats_bar import StatsBar
from ui.status_line import waiting_for_text

WAIT_MS = 120_000


def _providers() -> ProviderStore:
    """The test's own providers (its SLICE_HOME), as the window and the scheduler read them."""
    return ProviderStore(app_paths().config)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, smollm_path: str) -> Iterator[Running]:
    with running_server(tmp_path_factory.mktemp("api"), [smollm_path],
                        remote=lambda request: remote_client(request, _providers())) as running:
        yield running


@pytest.fixture
def model_id(api: Running) -> str:
    return next(iter(api.ids))


@contextmanager
def _window(qtbot: QtBot, api: Running, store: ProviderStore) -> Iterator[ChatWindow]:
    """The window on the server's queue and library (the same load settings: one model
    loaded for both), with ``store``'s providers."""
    settings = api_settings(api.port).model_copy(update={
        "sampling": Sampling(temperature=0.0, max_tokens=16)})
    controller = EngineController(scheduler=api.scheduler)
    window = ChatWindow(controller, api.library, settings, providers=store)
    qtbot.addWidget(window)
    window.resize(1180, 760)
    window.show()
    qtbot.waitExposed(window)
    try:
        yield window
    finally:
        window.close()
        controller.shutdown()


def _texts(widget: QWidget) -> str:
    """Everything a widget and its children show (texts, placeholders, tooltips)."""
    parts = []
    for child in [widget, *widget.findChildren(QWidget)]:
        if isinstance(child, QLineEdit):
            parts += [child.text(), child.placeholderText()]
        elif isinstance(child, QLabel):
            parts.append(child.text())
        parts.append(child.toolTip())
    return "\n".join(parts)


def _pick(qtbot: QtBot, window: ChatWindow, path: str) -> None:
    """Choose ``path`` in the model picker as a user does (the list's activation)."""
    picker = window.model_selection.model_picker
    qtbot.waitUntil(lambda: picker.findData(path) >= 0, timeout=30_000)
    index = picker.findData(path)
    picker.setCurrentIndex(index)
    picker.activated.emit(index)
    assert window.model_selection.selected_path() == path


def test_providers_dialog_adds_edits_and_removes(qtbot: QtBot, artifacts: Path) -> None:
    store = _providers()
    dialog = ProvidersDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.names() == [] and dialog.empty_note.isVisible()

    key = "sk-office-0123456789abcdef"
    editor = dialog.add()
    editor.name.setText("office")
    editor.base_url.setText("http://192.168.1.20:8080/")
    qtbot.keyClicks(editor.key, key)
    assert editor.key.echoMode() == QLineEdit.EchoMode.Password
    editor.show_key.setChecked(True)
    assert editor.key.echoMode() == QLineEdit.EchoMode.Normal
    editor.headers.setPlainText("X-Team: blue\n")
    with qtbot.waitSignal(dialog.providers_changed):
        editor.save_button.click()
    assert not editor.isVisible() and editor.key.text() == ""
    saved = app_paths().config / "providers.json"
    assert key not in saved.read_text()
    assert json.loads(saved.read_text())["providers"] == [{
        "name": "office", "base_url": "http://192.168.1.20:8080/v1",
        "headers": {"X-Team": "blue"}, "verify_tls": True}]
    assert store.key("office") == key
    assert dialog.names() == ["office"] and not dialog.empty_note.isVisible()
    row = dialog.table.topLevelItem(0)
    assert (row.text(1), row.text(2), row.text(3)) == ("http://192.168.1.20:8080/v1", "set",
                                                       "headers X-Team")

    # Edit: the kept key is never shown back (only its last characters are named).
    dialog.select("office")
    editor = dialog.edit_selected()
    assert editor is not None
    assert editor.key.text() == "" and key not in _texts(editor)
    assert key[-4:] in editor.key.placeholderText()
    assert not editor.tls_warning.isVisibleTo(editor)
    editor.verify_tls.setChecked(False)
    assert editor.tls_warning.isVisibleTo(editor) and editor.tls_warning.text() == TLS_WARNING
    editor.name.setText("office-2")
    editor.headers.setPlainText("X-Team blue")
    editor.save_button.click()  # the header line is wrong: said inline, nothing saved
    assert editor.isVisible() and "line 1" in editor.problem.text()
    assert store.get("office") is not None
    editor.headers.setPlainText("X-Team: green")
    assert not editor.problem.isVisibleTo(editor)  # edited: the old problem goes
    editor.resize(560, editor.sizeHint().height())
    qtbot.wait(50)
    editor.grab().save(str(artifacts / "provider_editor_tls_off.png"))
    with qtbot.waitSignal(dialog.providers_changed):
        editor.save_button.click()
    edited = store.get("office-2")
    assert edited is not None and store.get("office") is None
    assert (edited.verify_tls, edited.headers) == (False, {"X-Team": "green"})
    assert store.key("office-2") == key and store.key("office") is None  # the key moved
    assert "TLS certificate not checked" in dialog.table.topLevelItem(0).text(3)

    # Remove asks first; Cancel keeps it.
    dialog.select("office-2")
    dialog.ask_to_remove()
    assert dialog.remove_question is not None
    dialog.remove_question.reject()
    assert dialog.names() == ["office-2"]
    dialog.ask_to_remove()
    box = dialog.remove_question
    assert box is not None and "office-2" in box.text()
    remove = next(b for b in box.buttons() if b.text() == "Remove")
    with qtbot.waitSignal(dialog.providers_changed):
        remove.click()
    assert dialog.names() == [] and store.providers() == []
    assert store.key("office-2") is None
    assert key not in saved.read_text()


def test_stats_bar_says_where_a_remote_replys_speeds_come_from(qtbot: QtBot) -> None:
    bar = StatsBar()
    qtbot.addWidget(bar)
    bar.reset("vllm-box")
    bar.set_stats(Stats(ttft_s=0.5, prompt_tokens=40, generated_tokens=12, decode_tps=30.0,
                        context_used=52, remote="vllm-box", figures="client"))
    assert bar.text() == ("Remote vllm-box · speeds measured here  TTFT …  Prompt 40 tok "
                          "(0 cached)  Output 12 tok · 30.0 tok/s")
    bar.reset()  # the next reply is a local model's: its context is shown again
    bar.set_stats(Stats(context_used=52, context_size=1024))
    assert bar.text() == "TTFT –  Prompt –  Output –  Context 52 / 1024"


def test_chat_menu_opens_providers_and_a_change_lists_them_again(
        qtbot: QtBot, controller: EngineController) -> None:
    window = open_window(qtbot, controller)
    picker = window.model_selection.model_picker
    assert picker.notes() == []  # no providers: the list holds the local models only
    chat = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Chat")
    entry = next(a for a in chat.actions() if a.text() == "&Providers…")
    assert isinstance(entry, QAction)
    entry.trigger()
    dialog = window.providers_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    editor = dialog.add()
    editor.name.setText("down")
    editor.base_url.setText(f"http://127.0.0.1:{free_port()}")
    editor.save_button.click()
    # Asked again off the GUI thread: first as being asked, then with its error.
    assert picker.notes() == ["down (remote): asking for its models…"]
    qtbot.waitUntil(lambda: "refused the connection" in " ".join(picker.notes()),
                    timeout=30_000)
    entry.trigger()
    assert window.providers_dialog is dialog and dialog.names() == ["down"]


def test_test_lists_the_servers_models_or_names_the_refused_key(
        qtbot: QtBot, api: Running, model_id: str, artifacts: Path) -> None:
    store = _providers()
    dialog = ProvidersDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    editor = dialog.add()
    editor.name.setText("box")
    editor.base_url.setText(f"http://127.0.0.1:{api.port}")
    editor.key.setText("sk-wrong-key-1234")
    with qtbot.waitSignal(editor.tested, timeout=30_000):
        editor.test_button.click()
        # The request runs off the GUI thread: the form says so and waits.
        assert editor.test_result.text().startswith("Asking http://127.0.0.1:")
        assert not editor.test_button.isEnabled()
    result = editor.test_result.text()
    assert "did not accept the request" in result and "Chat ▸ Providers…" in result, result
    assert "sk-wrong-key-1234" not in result  # a server that quotes the key: masked

    editor.key.setText(KEY)
    with qtbot.waitSignal(editor.tested, timeout=30_000):
        editor.test_button.click()
    assert editor.test_result.text() == f"✓ 1 model: {model_id}"
    assert editor.test_button.isEnabled()
    editor.grab().save(str(artifacts / "provider_editor_test.png"))
    with qtbot.waitSignal(dialog.providers_changed):
        editor.save_button.click()
    assert store.key("box") == KEY
    dialog.grab().save(str(artifacts / "providers_dialog.png"))


def test_picker_lists_remote_models_and_a_chat_streams_from_one_then_back_to_local(
        qtbot: QtBot, api: Running, model_id: str, artifacts: Path) -> None:
    store = _providers()
    store.save(Provider("box", f"http://127.0.0.1:{api.port}/v1"), KEY)
    store.save(Provider("down", f"http://127.0.0.1:{free_port()}/v1"))
    remote = RemoteModel("box", model_id)
    local = next(iter(api.ids.values()))
    with _window(qtbot, api, store) as window:
        picker = window.model_selection.model_picker
        # The unreachable provider is listed with its error, and cannot be picked.
        qtbot.waitUntil(lambda: any("down" in n and "refused" in n for n in picker.notes()),
                        timeout=30_000)
        assert picker.itemText(picker.findData(remote.path)) == remote_label(remote)
        assert remote_label(remote) == f"{model_id} · box (remote)"
        note = next(i for i in range(picker.count()) if picker.itemText(i).startswith("⚠ down"))
        tip = picker.itemData(note, Qt.ItemDataRole.ToolTipRole)  # the error in full
        assert "refused the connection" in tip
        assert picker.selected_path() == local
        picker.showPopup()
        qtbot.wait(100)
        picker.view().window().grab().save(str(artifacts / "model_picker_remote.png"))
        picker.hidePopup()

        _pick(qtbot, window, remote.path)
        assert window.status_line.text() == (
            f"{remote_label(remote)} answers from box's server; nothing loads here.")
        assert window.send_message("Name three colours.") is not None
        assert window.status_line.text() == waiting_for_text("box") == "Waiting for box…"
        assert window.stats_bar.text() == "Remote box  TTFT …  Prompt –  Output –"
        qtbot.waitUntil(lambda: not window.session.busy, timeout=WAIT_MS)
        bar = window.stats_bar.text()
        assert bar.startswith("Remote box · speeds from the server  TTFT "), bar
        assert "tok/s" in bar and "(engine" not in bar, bar
        assert "Context" not in bar, bar  # the server does not say its context size
        reply = window.store.message(window.session.path_ids[-1])
        assert reply is not None and reply.state == MessageState.DONE and reply.content
        assert reply.model == remote_label(remote)
        assert reply.stats is not None and reply.stats["remote"] == "box"
        assert reply.fingerprint is not None and reply.fingerprint["remote"]["provider"] == "box"
        assert window.session.chat_settings().model_path == remote.path
        assert reply.content.split()[-1] in window.chat_view.plain_text_of_last_reply()
        qtbot.wait(100)
        window.grab().save(str(artifacts / "window_remote_reply.png"))

        # The same chat, back on the local model: its next reply comes from the host here.
        _pick(qtbot, window, local)
        assert window.send_message("And three animals?") is not None
        qtbot.waitUntil(lambda: not window.session.busy, timeout=WAIT_MS)
        bar = window.stats_bar.text()
        assert "Remote" not in bar and "/ 1024" in bar, bar
        second = window.store.message(window.session.path_ids[-1])
        assert second is not None and second.state == MessageState.DONE and second.content
        assert second.stats is not None and not second.stats["remote"]
        assert second.fingerprint is not None and "hardware" in second.fingerprint
        assert len(window.session.path_ids) == 4
        assert window.session.chat_settings().model_path == local

        # Opening the chat again follows its model; a remote one comes back as it was.
        chat_id = window.session.chat_id
        assert chat_id is not None
        window.session.set_model(remote.path)
        window.new_chat()
        window.open_chat(chat_id)
        assert window.model_selection.selected_path() == remote.path


def test_remote_failures_show_inline_and_a_cut_off_reply_continues(
        qtbot: QtBot, api: Running, model_id: str, artifacts: Path) -> None:
    store = _providers()
    proxy = FaultProxy(api.port, mode="reset", after=4)
    store.save(Provider("cut", proxy.url()), KEY)
    store.save(Provider("locked", f"http://127.0.0.1:{api.port}/v1"), "sk-not-the-key")
    try:
        with _window(qtbot, api, store) as window:
            # A refused key: the reply fails with what to do, in the transcript and below.
            locked = RemoteModel("locked", model_id)
            window.model_selection.select(locked.path)  # listed, though it cannot list
            assert window.model_selection.selected_path() == locked.path
            window.send_message("Hello?")
            qtbot.waitUntil(lambda: not window.session.busy, timeout=30_000)
            failed = window.store.message(window.session.path_ids[-1])
            assert failed is not None and failed.state == MessageState.FAILED
            assert "locked did not accept the request" in failed.error
            assert "Chat ▸ Providers…" in window.status_line.text()
            assert failed.error in window.chat_view.toPlainText()
            assert link_positions(window.chat_view, "Retry")
            assert not link_positions(window.chat_view, "Continue")

            # A stream reset after a few pieces: the text is kept, and Continue finishes it.
            cut = RemoteModel("cut", model_id)
            _pick(qtbot, window, cut.path)
            window.send_message("Name three colours.")
            qtbot.waitUntil(lambda: not window.session.busy, timeout=WAIT_MS)
            broken = window.store.message(window.session.path_ids[-1])
            assert broken is not None and broken.state == MessageState.FAILED
            assert broken.content.strip() and broken.error.startswith("The reply was cut off")
            assert broken.stats is not None and broken.stats["stop_reason"] == "interrupted"
            assert broken.stats["remote"] == "cut"
            assert broken.error.split(":")[0] in window.status_line.text()
            qtbot.wait(100)
            window.grab().save(str(artifacts / "window_remote_cut_off.png"))
            assert link_positions(window.chat_view, "Continue")
            proxy.mode = "pass"
            click_link(qtbot, window.chat_view, "Continue")
            qtbot.waitUntil(lambda: not window.session.busy, timeout=WAIT_MS)
            whole = window.store.message(broken.id)
            assert whole is not None and whole.state == MessageState.DONE, whole
            assert whole.content.startswith(broken.content)
            assert len(whole.content) > len(broken.content)
    finally:
        proxy.close()

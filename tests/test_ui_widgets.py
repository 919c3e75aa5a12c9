"""Widget tests of the chat window over the real controller and a scripted engine (no model).

The window drives the real :class:`app.chat.bridge.EngineController` (worker thread, queued
signals); each test plays the engine's side through :class:`tests.scripted_client.
ScriptedHostClient` and sees exactly the signals the controller emits.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QPalette
from PySide6.QtTest import QSignalSpy
from PySide6.QtWidgets import QApplication, QFileDialog

from app.chat.bridge import EngineController
from inference.events import (
    ChatMessage,
    ChatRequest,
    ContextTrimmed,
    Done,
    Failed,
    Loaded,
    Loading,
    LoadProgress,
    ModelInfo,
    Progress,
    Stats,
    Token,
)
from tests.conftest import new_library
from tests.fakes import MODEL_PATH
from tests.scripted_client import ScriptedHostClient, play, tokens
from tests.ui_helpers import click_link, open_window
from ui.main_window import ChatWindow
from ui.stats_bar import StatsBar
from ui.theme import apply_theme, dark_palette

ARTIFACTS = Path(__file__).parent / "artifacts"
CRASH_MESSAGE = "The model process crashed (killed by signal 9). Send again to restart it."
MARKDOWN_REPLY = (
    "# Title\n\nA list:\n\n- one\n- two\n\n```python\ndef square(x):\n    return x * x\n```\n"
)


@pytest.fixture
def window(qtbot, controller: EngineController) -> ChatWindow:
    return open_window(qtbot, controller)


def model_info(template_source: str = "gguf", note: str = "") -> ModelInfo:
    return ModelInfo(
        path=MODEL_PATH,
        name="SmolLM2 135M Instruct",
        architecture="llama",
        n_ctx=4096,
        n_ctx_train=8192,
        n_params=134_515_008,
        template_source=template_source,
        template_note=note,
        load_s=0.4,
    )


def sample_stats() -> Stats:
    return Stats(
        ttft_s=0.38,
        prompt_tokens=512,
        cached_tokens=480,
        prompt_tps=1234.5,
        generated_tokens=87,
        decode_tps=42.1,
        context_used=599,
        context_size=4096,
    )


def type_and_send(qtbot, window: ChatWindow, text: str) -> None:
    qtbot.keyClicks(window.composer.message_box, text)
    qtbot.keyClick(window.composer.message_box, Qt.Key.Key_Return)


def reply_text(window: ChatWindow) -> str:
    return window.chat_view.plain_text_of_last_reply()


def test_enter_sends_the_conversation(
    qtbot, window: ChatWindow, scripted_host: ScriptedHostClient
):
    type_and_send(qtbot, window, "Hello there")

    qtbot.waitUntil(lambda: len(scripted_host.replies) == 1)
    request = scripted_host.replies[0]
    assert request.model_path == MODEL_PATH
    assert request.messages == (ChatMessage("user", "Hello there"),)
    assert window.composer.message_box.toPlainText() == ""
    assert not window.composer.send_button.isEnabled()
    assert window.composer.stop_button.isEnabled()

    play(qtbot, scripted_host, Token("Hi!"))
    play(qtbot, scripted_host, Done("end_of_turn", sample_stats()))
    type_and_send(qtbot, window, "And again")

    qtbot.waitUntil(lambda: len(scripted_host.replies) == 2)
    assert scripted_host.replies[1].messages == (
        ChatMessage("user", "Hello there"),
        ChatMessage("assistant", "Hi!"),
        ChatMessage("user", "And again"),
    )


def test_shift_enter_inserts_a_newline(
    qtbot, window: ChatWindow, scripted_host: ScriptedHostClient
):
    qtbot.keyClicks(window.composer.message_box, "first")
    qtbot.keyClick(
        window.composer.message_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.keyClicks(window.composer.message_box, "second")

    assert window.composer.message_box.toPlainText() == "first\nsecond"
    assert scripted_host.replies == []
    assert window.composer.send_button.isEnabled()


def test_send_is_disabled_for_an_empty_box(
    qtbot, window: ChatWindow, scripted_host: ScriptedHostClient
):
    assert not window.composer.send_button.isEnabled()
    assert not window.composer.stop_button.isEnabled()
    qtbot.keyClicks(window.composer.message_box, "   ")
    qtbot.keyClick(window.composer.message_box, Qt.Key.Key_Return)
    assert scripted_host.replies == []


def test_tokens_appear_as_they_stream(
    qtbot, window: ChatWindow, scripted_host: ScriptedHostClient
):
    window.send_message("Count to three")
    play(qtbot, scripted_host, Progress(120, 512))
    assert window.status_line.status_label.text() == "Processing prompt 120/512"

    play(qtbot, scripted_host, Token("One,"))
    qtbot.waitUntil(lambda: reply_text(window) == "One,")
    play(qtbot, scripted_host, Token(" two,"))
    qtbot.waitUntil(lambda: reply_text(window) == "One, two,")
    play(qtbot, scripted_host, Token(" three."))
    qtbot.waitUntil(lambda: reply_text(window) == "One, two, three.")
    assert "Generating" in window.status_line.status_label.text()


def test_a_burst_of_tokens_is_painted_in_few_updates(
    qtbot, window: ChatWindow, controller: EngineController, scripted_host: ScriptedHostClient
):
    window.send_message("Go")
    changes = QSignalSpy(window.chat_view.document().contentsChanged)

    play(qtbot, scripted_host, *tokens(*["tok "] * 1000))
    qtbot.waitUntil(lambda: reply_text(window).count("tok") == 1000)

    assert changes.count() <= 5  # the first chunk at once, the rest on the next timer tick


def test_tokens_of_another_request_are_ignored(
    qtbot, window: ChatWindow, controller: EngineController, scripted_host: ScriptedHostClient
):
    # Another client's request (a CLI or bench run) is ahead of the window's in the queue.
    controller.send(ChatRequest(model_path=MODEL_PATH, messages=(ChatMessage("user", "x"),)))
    window.send_message("Hi")
    play(qtbot, scripted_host, Token("stale"), Done("end_of_turn", Stats()))

    assert window.composer.stop_button.isEnabled()
    assert reply_text(window) == ""
    play(qtbot, scripted_host, Token("fresh"), Done("end_of_turn", Stats()))
    assert [r.messages[-1].content for r in scripted_host.replies] == ["x", "Hi"]
    assert reply_text(window) == "fresh"


def test_finished_reply_is_rendered_as_markdown(
    qtbot, window: ChatWindow, scripted_host: ScriptedHostClient
):
    window.send_message("Show me markdown")
    play(qtbot, scripted_host, Token(MARKDOWN_REPLY))
    play(qtbot, scripted_host, Done("end_of_turn", Stats()))

    document = window.chat_view.document()
    title = document.find("Title")
    assert title.blockFormat().headingLevel() == 1
    code = document.find("def square(x):")
    assert code.charFormat().font().fixedPitch()
    assert code.currentFrame() is not document.rootFrame()  # boxed in a shaded frame
    assert code.currentFrame().frameFormat().background().style() != Qt.BrushStyle.NoBrush
    assert not document.find("```").hasSelection()
    assert window.history[-1] == ChatMessage("assistant", MARKDOWN_REPLY)


def test_links_open_outside_and_never_replace_the_transcript(
    window: ChatWindow, controller: EngineController, monkeypatch, qtbot,
    scripted_host: ScriptedHostClient,
):
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    window.send_message("Links?")
    play(qtbot, scripted_host, Token("[site](https://example.com) [local](notes.md) ![](/dev/zero)"
    ))
    play(qtbot, scripted_host, Done("end_of_turn", Stats()))

    window.chat_view.anchorClicked.emit(QUrl("notes.md"))
    window.chat_view.anchorClicked.emit(QUrl("https://example.com"))
    assert opened == ["https://example.com"]
    assert "site local" in reply_text(window)


def test_user_text_is_shown_literally(window: ChatWindow):
    window.send_message("<b>not bold</b> # not a heading")
    found = window.chat_view.document().find("<b>not bold</b> # not a heading")
    assert found.hasSelection()
    assert found.blockFormat().headingLevel() == 0


def test_failed_reply_shows_the_message_and_recovers(
    qtbot, window: ChatWindow, controller: EngineController, scripted_host: ScriptedHostClient
):
    window.send_message("Hello")
    play(qtbot, scripted_host, Token("Partial"))
    play(qtbot, scripted_host, Failed("host_crashed", CRASH_MESSAGE))

    assert window.chat_view.document().find(CRASH_MESSAGE).hasSelection()
    assert CRASH_MESSAGE in window.status_line.status_label.text()
    assert window.history == ()
    assert not window.composer.stop_button.isEnabled()

    # The message is saved; "Retry" under the failed reply asks again.
    click_link(qtbot, window.chat_view, "Retry")
    qtbot.waitUntil(lambda: len(scripted_host.replies) == 2)
    assert scripted_host.replies[-1].messages == (ChatMessage("user", "Hello"),)
    assert window.composer.stop_button.isEnabled()


@pytest.mark.parametrize("how", ["button", "escape"])
def test_stop_keeps_the_partial_reply(
    qtbot, window: ChatWindow, scripted_host: ScriptedHostClient, how: str
):
    window.send_message("Write a long story")
    play(qtbot, scripted_host, Token("Once upon"))
    if how == "button":
        qtbot.mouseClick(window.composer.stop_button, Qt.MouseButton.LeftButton)
    else:
        qtbot.keyClick(window.composer.message_box, Qt.Key.Key_Escape)
    # The engine stops between tokens: the reply ends as stopped by the user.
    qtbot.waitUntil(lambda: not window.composer.stop_button.isEnabled())
    assert scripted_host.cancels >= 1  # the worker may repeat a Stop the host already had
    assert window.history[-1] == ChatMessage("assistant", "Once upon")
    assert "stopped by user" in window.stats_bar.text()


def test_stop_before_the_first_token_leaves_no_exchange(
    window: ChatWindow, controller: EngineController, qtbot, scripted_host: ScriptedHostClient
):
    window.send_message("Summarise this long text")
    play(qtbot, scripted_host, Progress(512, 4096))
    window.stop_reply()
    qtbot.waitUntil(lambda: not window.composer.stop_button.isEnabled())

    assert window.history == ()
    assert "left out of the conversation" in window.chat_view.toPlainText()
    window.send_message("Hello")
    qtbot.waitUntil(lambda: len(scripted_host.replies) == 2)
    assert scripted_host.replies[-1].messages == (ChatMessage("user", "Hello"),)


def test_stats_bar_shows_the_figures(qtbot):
    bar = StatsBar()
    qtbot.addWidget(bar)
    bar.set_stats(sample_stats())
    bar.set_end_to_end_ttft(0.412)
    bar.finish(Done("end_of_turn", sample_stats()))

    text = bar.text()
    for expected in ("TTFT 412 ms", "engine 380 ms", "512 tok", "480 cached", "1234 tok/s"):
        assert expected in text
    for expected in ("87 tok", "42.1 tok/s", "599 / 4096", "end of turn"):
        assert expected in text


def test_live_figures_do_not_lay_out_or_repaint_the_window(qtbot, window: ChatWindow):
    from dataclasses import replace

    from PySide6.QtCore import QEvent, QObject

    seen: list[str] = []

    class Watch(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 (Qt override)
            if obj is window and event.type() == QEvent.Type.LayoutRequest:
                seen.append("window laid out")
            if obj is window.status_line.status_label and event.type() == QEvent.Type.Paint:
                seen.append("status repainted")
            return False

    window.stats_bar.set_stats(sample_stats())
    qtbot.wait(200)  # the window settles: shown, laid out, painted
    watch = Watch()
    QApplication.instance().installEventFilter(watch)
    try:
        for n in range(1, 40):  # figures of changing widths, as while a reply streams
            window.stats_bar.set_stats(
                replace(sample_stats(), generated_tokens=n * 37, decode_tps=9.5 * n)
            )
            QApplication.processEvents()
    finally:
        QApplication.instance().removeEventFilter(watch)
    assert "1443 tok" in window.stats_bar.text()
    assert seen == []
    fields = window.stats_bar.findChildren(QObject)
    rights = [f.geometry().right() for f in fields
              if hasattr(f, "plain_text") and not f.isHidden()]  # a local reply: no "Remote"
    assert len(rights) == 5 and rights == sorted(rights)  # side by side, in order


def test_end_to_end_ttft_is_measured_at_first_paint(
    qtbot, window: ChatWindow, controller: EngineController, scripted_host: ScriptedHostClient
):
    window.send_message("Hi")
    play(qtbot, scripted_host, Stats(ttft_s=0.05))
    play(qtbot, scripted_host, Token("Hello"))
    qtbot.waitUntil(lambda: " ms" in window.stats_bar.text().split("engine")[0])
    assert "engine 50 ms" in window.stats_bar.text()


def test_view_follows_the_tail_only_from_the_bottom(
    qtbot, window: ChatWindow, controller: EngineController, scripted_host: ScriptedHostClient
):
    window.send_message("Lines please")
    play(qtbot, scripted_host, Token("line\n" * 200))
    bar = window.chat_view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())

    bar.setValue(0)
    play(qtbot, scripted_host, Token("more\n" * 50))
    qtbot.waitUntil(lambda: reply_text(window).endswith("more"))
    assert bar.value() == 0


def test_status_line_tracks_model_loading(
    qtbot, window: ChatWindow, scripted_host: ScriptedHostClient
):
    window.send_message("Hi")
    play(qtbot, scripted_host, Loading(MODEL_PATH))
    assert window.status_line.status_label.text() == "Loading SmolLM2 135M Instruct (Q4_1)…"

    note = "No template in the file; using ChatML."
    play(qtbot, scripted_host, Loaded(model_info("fallback", note)))
    play(qtbot, scripted_host, Done("end_of_turn", Stats()))
    assert "ready" in window.status_line.status_label.text()
    assert window.model_selection.template_note.isVisible()
    assert "using ChatML" in window.model_selection.template_note.text()


def test_open_file_imports_or_reports(qtbot, window: ChatWindow, monkeypatch, tmp_path: Path):
    picker = window.model_selection.model_picker
    open_item = picker.count() - 1
    chosen = {"path": str(tmp_path / "broken.gguf")}
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *args, **kwargs: (chosen["path"], "")
    )

    picker.activated.emit(open_item)
    assert picker.selected_path() == MODEL_PATH
    assert "not a valid GGUF model" in window.status_line.status_label.text()
    assert "broken.gguf" in window.status_line.status_label.text()

    chosen["path"] = str(tmp_path / "good.gguf")
    picker.activated.emit(picker.count() - 1)
    assert picker.selected_path() == chosen["path"]
    assert picker.currentText() == "Good Model (Q8_0)"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshot_of_a_conversation(
    qtbot, controller: EngineController, scripted_host: ScriptedHostClient, scheme: str
):
    """Saves tests/artifacts/ui_widgets.png (and ui_widgets_dark.png) for people to look at."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app)
    if scheme == "dark":
        app.setPalette(dark_palette())
    try:
        win = open_window(qtbot, controller, size=(980, 760))
        play_sample_conversation(qtbot, win, scripted_host)
        qtbot.wait(50)  # let layouts settle before grabbing

        ARTIFACTS.mkdir(exist_ok=True)
        target = ARTIFACTS / ("ui_widgets.png" if scheme == "light" else "ui_widgets_dark.png")
        assert win.grab().save(str(target))
    finally:
        app.setPalette(QPalette())


def play_sample_conversation(qtbot, win: ChatWindow, scripted_host: ScriptedHostClient) -> None:
    win.send_message("How do I square a number in Python? Keep it short.")
    play(qtbot, scripted_host, Loaded(model_info()))
    for word in MARKDOWN_REPLY.replace("# Title", "# Squaring").split(" "):
        play(qtbot, scripted_host, Token(word + " "))
    play(qtbot, scripted_host, Done("end_of_turn", sample_stats()))
    win.send_message("Thanks! And in one line?")
    play(qtbot, scripted_host, Progress(96, 640))
    play(qtbot, scripted_host, Token("Use `x ** 2`, or `pow(x, 2)`."))
    play(qtbot, scripted_host, sample_stats())
    qtbot.waitUntil(lambda: "pow" in reply_text(win))
    win.composer.message_box.setPlainText("Can it handle complex numbers?")


def test_selected_model_is_preloaded_and_a_failed_load_is_shown(
    qtbot, controller: EngineController, scripted_host: ScriptedHostClient
):
    scripted_host.script_loads = True
    window = open_window(qtbot, controller)
    qtbot.waitUntil(lambda: scripted_host.preloads == [MODEL_PATH])
    play(qtbot, scripted_host, Failed("not_gguf", "'x.gguf' is not a GGUF model file.", "x"))
    assert "not a GGUF" in window.status_line.status_label.text()
    assert window.chat_view.toPlainText().strip() == ""  # no reply was open


def test_trimmed_context_says_which_messages_no_longer_reach_the_model(
    qtbot, window: ChatWindow, controller: EngineController, scripted_host: ScriptedHostClient
):

    window.send_message("hello")
    play(qtbot, scripted_host, ContextTrimmed((0, 1, 2), 900, 1024))
    assert window.status_line.context_note.isVisible()
    note = window.status_line.context_note.text()
    assert "3 older messages" in note and "#1, 2, 3" in note
    play(qtbot, scripted_host, LoadProgress(0.5))
    assert "50%" in window.status_line.status_label.text()


def test_model_settings_dialog_edits_and_validates(qtbot):
    from app.settings import Settings
    from ui.load_settings_dialog import LoadSettingsDialog

    dialog = LoadSettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.n_ctx.setValue(8192)
    dialog.kv_type.setCurrentText("q8_0")
    dialog.speculative.setChecked(True)
    dialog.overflow.setCurrentIndex(1)
    assert dialog._ok.isEnabled()
    edited = dialog.settings()
    assert edited.load.n_ctx == 8192 and edited.load.kv_cache_type == "q8_0"
    assert edited.speculative and edited.overflow == "truncate_middle"
    dialog.flash_attn.setChecked(False)
    assert not dialog._ok.isEnabled() and "flash attention" in dialog.problem.text()


def test_requests_carry_the_chat_and_the_speed_settings(
    qtbot, window: ChatWindow, controller: EngineController, scripted_host: ScriptedHostClient
):

    window.session.settings = window.settings.model_copy(
        update={"overflow": "rolling", "speculative": True}
    )
    window.send_message("hello")
    qtbot.waitUntil(lambda: len(scripted_host.replies) == 1)
    request = scripted_host.replies[-1]
    assert request.overflow == "rolling" and request.speculative
    assert request.conversation_id.startswith("chat-")
    # The window paints every ~33 ms: the host may group a fast model's tokens.
    assert 0 < request.stream_batch_ms <= 33
    # GPU layers Auto (-1) in the settings: the engine thread resolves it to a count.
    assert window.settings.load.n_gpu_layers == -1 and request.load.n_gpu_layers >= 0
    assert request.load == window.settings.load.model_copy(
        update={"n_gpu_layers": request.load.n_gpu_layers}
    )
    # Chats that RAM cannot hold spill to the app's cache folder (SLICE_HOME in tests).
    from app.paths import app_paths

    assert request.snapshot_dir == str(app_paths().snapshots)
    assert request.snapshot_disk_mb == window.settings.snapshot_disk_mb > 0


def test_picking_a_model_with_a_problem_asks_first(
    qtbot, controller: EngineController, smollm_path: str, bad_models: dict[str, str],
    monkeypatch, scripted_host: ScriptedHostClient
):
    from PySide6.QtWidgets import QMessageBox

    from app.models.engine_probe import engine_probe
    from app.settings import Settings

    # The window's check never waits for the engine probe (started with the app): here it
    # has answered, so the architectures llama.cpp supports are known.
    assert engine_probe().facts() is not None
    library = new_library()
    good = library.import_file(smollm_path).path
    bogus = library.import_file(bad_models["bogus_arch"]).path
    window = ChatWindow(controller, library, Settings(default_model=good))
    qtbot.addWidget(window)
    asked: list[str] = []

    def decline(_parent, _title, text, *_args):
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", decline)
    window.model_selection.model_picker.reload(select_path=bogus)
    window.model_selection.model_picker.model_selected.emit(bogus)
    assert asked and "notarealarch" in asked[0]
    assert window.model_selection.model_picker.selected_path() == good
    assert bogus not in scripted_host.preloads

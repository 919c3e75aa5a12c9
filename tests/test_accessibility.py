"""Accessibility in-process: every control of the window and of each dialog named, the
messages read one by one, announcements, progress as values, zoom, and the themes'
contrast (WCAG 2, computed here from the palettes)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAccessible, QColor, QGuiApplication, QPalette, QTextCursor
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from app.api.control import ServerControl
from app.api.keys import ApiKeyStore
from app.chat.bridge import EngineController
from app.paths import app_paths
from app.remote.providers import ProviderStore
from app.settings import Settings, load_settings
from app.store import ChatSettings, ChatStore
from inference.events import Done, Failed, LoadSettings, Stats
from tests.a11y_helpers import INTERACTIVE, find, nodes, unnamed_controls
from tests.conftest import new_library
from tests.scripted_client import ScriptedHostClient, play, tokens
from tests.ui_helpers import link_positions, open_window
from ui.accessibility import announcements, first_words, reply_announcement
from ui.chat_settings import ChatSettingsDialog
from ui.chat_view import ChatView
from ui.load_settings_dialog import LoadSettingsDialog
from ui.main_window import ChatWindow
from ui.message_render import (
    ASSISTANT_COLOR,
    ERROR_COLOR,
    NOTE_COLOR,
    USER_COLOR,
    WARNING_COLOR,
    Look,
)
from ui.models_dialog import ModelsDialog
from ui.provider_editor import ProviderEditor
from ui.providers_dialog import ProvidersDialog
from ui.server_dialog import ServerDialog
from ui.shortcuts import ShortcutsDialog
from ui.theme import (
    THEME_CONTRAST,
    THEME_DARK,
    THEME_LIGHT,
    THEME_SYSTEM,
    apply_theme,
    is_dark,
    muted_text_color,
    readable,
    set_theme,
)
from ui.window_menus import show_shortcuts
from ui.zoom import ZOOM_STEPS, base_point_size

Role = QAccessible.Role
STATS = Stats(ttft_s=0.1, prompt_tokens=12, generated_tokens=9, decode_tps=40.0,
              context_used=21, context_size=4096)


@pytest.fixture
def window(qtbot: QtBot, controller: EngineController, store: ChatStore) -> ChatWindow:
    return open_window(qtbot, controller, store, (1180, 800))


@pytest.fixture
def heard(qapp: QApplication) -> Iterator[list[tuple[str, bool]]]:
    """What screen readers were told, in order: (text, assertive)."""
    said: list[tuple[str, bool]] = []

    def note(text: str, assertive: bool) -> None:
        said.append((text, assertive))

    announcements().announced.connect(note)
    yield said
    announcements().announced.disconnect(note)


def shown(qtbot: QtBot, widget: QWidget) -> QWidget:
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def talk(qtbot: QtBot, window: ChatWindow, host: ScriptedHostClient, prompt: str,
         answer: str) -> None:
    window.send_message(prompt)
    qtbot.waitUntil(lambda: len(host.replies) >= 1)
    words = answer.split(" ")
    play(qtbot, host, *tokens(*(w + " " for w in words[:-1]), words[-1]),
         Done("end_of_turn", STATS))


# Every control named


def test_every_control_of_the_window_has_a_name_and_the_right_role(
    qtbot: QtBot, window: ChatWindow, scripted_host: ScriptedHostClient
) -> None:
    talk(qtbot, window, scripted_host, "Name a colour", "Blue, like the sky.")
    assert unnamed_controls(window) == []
    composer = window.composer
    assert find(window, Role.PushButton, "Send message").interface.object() is \
        composer.send_button
    assert find(window, Role.PushButton, "Stop reply").disabled  # nothing runs
    assert find(window, Role.EditableText, "Message").interface.object() is \
        composer.message_box
    assert find(window, Role.List, "Chat list")
    # A combo box is named by its choice on Linux (its label comes as a relation).
    picker = window.model_selection.model_picker
    assert any(n.role == Role.ComboBox and n.interface.object() is picker
               for n in nodes(window)) and picker.accessibleName() == "Model"
    conversation = find(window, Role.StaticText, "Conversation")  # a read-only text
    assert conversation.interface.object() is window.chat_view
    assert conversation.description  # says how to move from message to message
    text = conversation.interface.textInterface()
    assert text is not None and "Blue, like the sky." in text.text(0, text.characterCount())
    # The menus are named too (their items are what Alt and the arrows reach).
    menus = [n.name for n in nodes(window) if n.role == Role.MenuItem and not n.invisible]
    assert {"Chat", "View", "Tools", "Help"} <= set(menus)


def test_every_dialog_names_its_controls(
    qtbot: QtBot, window: ChatWindow, store: ChatStore, controller: EngineController
) -> None:
    settings = Settings()
    models = ModelsDialog(new_library(), LoadSettings(n_ctx=2048))
    try:
        shown(qtbot, models)
        assert unnamed_controls(models) == [], "Models ▸ Library"
        models.show_downloads()
        qtbot.wait(10)
        assert unnamed_controls(models) == [], "Models ▸ Download"
        # The tabs are page tabs, named.
        assert find(models, Role.PageTab, "Library") and find(models, Role.PageTab, "Download")
    finally:
        models.downloads.shutdown()
    dialogs: list[tuple[str, QWidget]] = [
        ("Model settings", LoadSettingsDialog(settings)),
        ("Chat settings", ChatSettingsDialog(settings, ChatSettings(), store)),
        ("Keyboard shortcuts", ShortcutsDialog()),
        ("Providers", ProvidersDialog(ProviderStore(app_paths().ensure().config))),
        ("Provider editor", ProviderEditor(ProviderStore(app_paths().ensure().config))),
    ]
    server = ServerControl(controller.scheduler, new_library(),
                           ApiKeyStore(app_paths().ensure().config), settings)
    try:
        dialogs.append(("API server", ServerDialog(server)))
        for title, dialog in dialogs:
            shown(qtbot, dialog)
            assert unnamed_controls(dialog) == [], title
            dialog.close()
    finally:
        assert server.close()
    # Export and import use the file dialog; Qt's own (where the platform has none) is named.
    files = QFileDialog(window, "Export chat")
    files.setOption(QFileDialog.Option.DontUseNativeDialog)
    shown(qtbot, files)
    assert unnamed_controls(files) == []
    files.close()


def test_the_walk_finds_an_unnamed_control(qtbot: QtBot) -> None:
    """The check above can fail: a button with only an icon has no name."""
    from PySide6.QtWidgets import QPushButton, QVBoxLayout

    box = QWidget()
    layout = QVBoxLayout(box)
    layout.addWidget(QPushButton("Named"))
    layout.addWidget(QPushButton())
    shown(qtbot, box)
    assert len(unnamed_controls(box)) == 1
    assert Role.PushButton in INTERACTIVE


# Messages one by one


def test_messages_are_read_one_by_one_and_their_actions_reached_from_the_keyboard(
    qtbot: QtBot, window: ChatWindow, scripted_host: ScriptedHostClient,
    heard: list[tuple[str, bool]],
) -> None:
    talk(qtbot, window, scripted_host, "Name a colour", "Blue, like the sky.")
    view = window.chat_view
    heard.clear()
    qtbot.keyClick(window.composer.message_box, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert view.hasFocus()
    reply = view.message_ids()[-1]
    assert view.current_message() == reply
    assert "Blue, like the sky." in view.textCursor().selectedText()
    assert heard[-1][1] is False and "message 2 of 2" in heard[-1][0]
    assert "Blue, like the sky." in heard[-1][0]
    qtbot.keyClick(view, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert view.current_message() == view.message_ids()[0]
    assert heard[-1][0].startswith("You, message 1 of 2: Name a colour")
    qtbot.keyClick(view, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)  # stays on the first
    assert view.current_message() == view.message_ids()[0]
    # Tab reaches the message's actions: Copy, then Edit; Enter uses one.
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.textCursor().selectedText() == "Copy"
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert QGuiApplication.clipboard().text() == "Name a colour"
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert view.current_message() == reply
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.textCursor().selectedText() == "Copy"
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.textCursor().selectedText() == "Regenerate"
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.textCursor().selectedText() == "Stats"
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert "tok/s" in view.toPlainText() or "tokens" in view.toPlainText()
    # Ctrl+Tab leaves the conversation at once (Tab would go through every link first).
    qtbot.keyClick(view, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert window.composer.message_box.hasFocus()
    qtbot.keyClick(window.composer.message_box, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(view, Qt.Key.Key_Backtab,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert not view.hasFocus()


# Announcements


def test_a_finished_reply_is_announced_politely_once_and_an_error_assertively(
    qtbot: QtBot, window: ChatWindow, scripted_host: ScriptedHostClient,
    heard: list[tuple[str, bool]],
) -> None:
    words = [f"word{n}" for n in range(60)]
    talk(qtbot, window, scripted_host, "Count", " ".join(words))
    # Sixty tokens streamed; one announcement, when the reply ended.
    assert heard == [(reply_announcement("end_of_turn", " ".join(words)), False)]
    assert heard[0][0].startswith("Reply finished: word0 word1")
    assert heard[0][0].endswith("word15…")
    heard.clear()
    window.send_message("Again")
    qtbot.waitUntil(lambda: len(scripted_host.replies) == 2)
    play(qtbot, scripted_host, *tokens("Half"), Done("user", STATS))
    assert heard == [("Reply stopped: you stopped it: Half", False)]
    heard.clear()
    window.send_message("Once more")
    qtbot.waitUntil(lambda: len(scripted_host.replies) == 3)
    play(qtbot, scripted_host, Failed("load", "This file is not a valid GGUF model."))
    assert heard[-1] == ("This file is not a valid GGUF model.", True)


def test_how_each_ending_is_said() -> None:
    assert reply_announcement("length", "a b") == "Reply stopped at the length limit: a b"
    assert reply_announcement("context_full", "") == (
        "Reply stopped: the context is full, with no text.")
    assert "repeating" in reply_announcement("repetition", "x")
    assert first_words("one two three", 2) == "one two…"


def test_prompt_and_load_progress_are_values_that_change_in_steps(
    qtbot: QtBot, window: ChatWindow
) -> None:
    line = window.status_line
    bar = line.progress
    values: list[int] = []
    bar.valueChanged.connect(values.append)
    shows: list[int] = []
    for done in [*range(0, 1000, 7), 1000]:  # 144 progress events, each a new status text
        line.show_prefill(done, 1000)
        qtbot.wait(1)
        shows.append(int(bar.isVisible()))
    assert all(shows) and bar.accessibleName() == "Processing the prompt"
    assert len(values) <= 21 and values[-1] == 100 and all(v % 5 == 0 for v in values)
    iface = QAccessible.queryAccessibleInterface(bar)
    assert iface.role() == Role.ProgressBar
    assert iface.valueInterface().currentValue() == 100
    line.set_status("Generating…")
    qtbot.waitUntil(lambda: not bar.isVisible())
    line.show_loading("SmolLM2", 0.42)
    assert bar.isVisible() and bar.value() == 40 and bar.accessibleName() == "Loading SmolLM2"
    assert find(window, Role.ProgressBar, "Loading SmolLM2")


# Zoom


def test_zoom_scales_the_whole_window_and_is_remembered(
    qtbot: QtBot, window: ChatWindow, scripted_host: ScriptedHostClient
) -> None:
    saved: list[Settings] = []
    window.settings_changed.connect(saved.append)
    talk(qtbot, window, scripted_host, "Hello", "Hi there.")
    base = base_point_size()
    button = window.composer.send_button
    before = button.fontInfo().pointSizeF()
    try:
        qtbot.keyClick(window.composer.message_box, Qt.Key.Key_Plus,
                       Qt.KeyboardModifier.ControlModifier)
        assert window.settings.text_scale == 110
        qtbot.keyClick(window.composer.message_box, Qt.Key.Key_Equal,
                       Qt.KeyboardModifier.ControlModifier)
        assert window.settings.text_scale == 125
        assert QGuiApplication.font().pointSizeF() == pytest.approx(base * 1.25)
        assert button.font().pointSizeF() == pytest.approx(base * 1.25)  # its own style sheet
        assert button.fontInfo().pointSizeF() > before
        assert window.chat_view.font().pointSizeF() == pytest.approx(base * 1.25)
        assert saved[-1].text_scale == 125
        # The high-contrast theme draws through a style sheet: zoom reaches it too.
        window.theme_actions[THEME_CONTRAST].trigger()
        qtbot.keyClick(window.composer.message_box, Qt.Key.Key_Plus,
                       Qt.KeyboardModifier.ControlModifier)
        assert window.settings.text_scale == 150
        assert button.font().pointSizeF() == pytest.approx(base * 1.5)
        assert window.sidebar.search_box.font().pointSizeF() == pytest.approx(base * 1.5)
        window.theme_actions[THEME_SYSTEM].trigger()
        qtbot.keyClick(window.composer.message_box, Qt.Key.Key_Minus,
                       Qt.KeyboardModifier.ControlModifier)
        # Remembered: the settings file says so (the app's owner saves what it is given).
        qtbot.keyClick(window.composer.message_box, Qt.Key.Key_Minus,
                       Qt.KeyboardModifier.ControlModifier)
        assert window.settings.text_scale == 110
        for _ in range(len(ZOOM_STEPS)):
            qtbot.keyClick(window.composer.message_box, Qt.Key.Key_Minus,
                           Qt.KeyboardModifier.ControlModifier)
        assert window.settings.text_scale == ZOOM_STEPS[0]
        qtbot.keyClick(window.composer.message_box, Qt.Key.Key_0,
                       Qt.KeyboardModifier.ControlModifier)
        assert window.settings.text_scale == 100
        assert QGuiApplication.font().pointSizeF() == pytest.approx(base)
        assert "Hi there." in window.chat_view.toPlainText()
    finally:
        window.change_settings(window.settings.model_copy(update={"text_scale": 100}))
        from ui.zoom import apply_text_scale

        apply_text_scale(100)
        set_theme(QApplication.instance(), THEME_SYSTEM)  # type: ignore[arg-type]


def test_the_window_follows_the_system_font_size(
    qtbot: QtBot, window: ChatWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtGui import QFont, QFontDatabase

    from ui.zoom import apply_text_scale, follow_system_font

    base = base_point_size()
    window.change_settings(window.settings.model_copy(update={"text_scale": 150}))
    try:
        monkeypatch.setattr(QFontDatabase, "systemFont", lambda _kind: QFont("Sans", 16))
        QApplication.sendEvent(window, QEvent(QEvent.Type.ThemeChange))
        assert base_point_size() == 16
        assert QGuiApplication.font().pointSizeF() == pytest.approx(24)  # 150 % of 16
    finally:
        follow_system_font(base)
        apply_text_scale(100)


class FontChanges(QObject):
    """An event filter noting the widgets told that the application's font changed."""

    def __init__(self) -> None:
        super().__init__()
        self.told: list[QWidget] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.ApplicationFontChange and isinstance(watched, QWidget):
            self.told.append(watched)
        return False

    def widgets_of(self, window: QWidget) -> list[str]:
        """The names of the widgets of ``window`` that were told."""
        return [type(w).__name__ for w in self.told
                if shiboken6.isValid(w) and (w is window or window.isAncestorOf(w))]


def test_the_text_size_is_saved_and_applied_at_start(
    qtbot: QtBot, controller: EngineController, store: ChatStore
) -> None:
    from app.settings import save_settings
    from tests.fakes import FakeLibrary
    from ui.zoom import apply_text_scale

    path = app_paths().ensure().settings_file
    save_settings(path, Settings(text_scale=150))
    assert load_settings(path).text_scale == 150
    base = base_point_size()
    # Built at that size: no widget of the window is told afterwards that the font changed.
    told = FontChanges()
    QApplication.instance().installEventFilter(told)  # type: ignore[union-attr]
    try:
        window = ChatWindow(controller, FakeLibrary(),  # type: ignore[arg-type]
                            load_settings(path), store)
    finally:
        QApplication.instance().removeEventFilter(told)  # type: ignore[union-attr]
    qtbot.addWidget(window)
    try:
        assert QGuiApplication.font().pointSizeF() == pytest.approx(base * 1.5)
        assert told.widgets_of(window) == []
        assert window.chat_view.font().pointSizeF() == pytest.approx(base * 1.5)
        # The send button has a style sheet of its own: it was polished at the new size.
        assert window.composer.send_button.font().pointSizeF() == pytest.approx(base * 1.5)
    finally:
        apply_text_scale(100)
    with pytest.raises(ValueError):
        Settings.model_validate({"text_scale": 1000})


# Contrast


def palette_of(qapp: QApplication, theme: str) -> QPalette:
    set_theme(qapp, theme)
    return QPalette(qapp.palette())


def luminance(color: QColor) -> float:
    """WCAG 2.x relative luminance, computed here (not by the code under test)."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    return (0.2126 * channel(color.red()) + 0.7152 * channel(color.green())
            + 0.0722 * channel(color.blue()))


def ratio(a: QColor, b: QColor) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


R = QPalette.ColorRole
PAIRS = [  # (text, background) as the widgets draw them
    (R.WindowText, R.Window), (R.Text, R.Base), (R.Text, R.AlternateBase),
    (R.ButtonText, R.Button), (R.HighlightedText, R.Highlight),
    (R.ToolTipText, R.ToolTipBase), (R.Link, R.Base), (R.PlaceholderText, R.Base),
]


@pytest.mark.parametrize("theme", [THEME_LIGHT, THEME_DARK, THEME_CONTRAST])
def test_the_themes_text_meets_wcag_aa(qapp: QApplication, theme: str) -> None:
    try:
        palette = palette_of(qapp, theme)
        failing = []
        for text, background in PAIRS:
            value = ratio(palette.color(text), palette.color(background))
            if value < 4.5:
                failing.append(f"{text.name} on {background.name}: {value:.2f}")
        # The transcript's own colours, as the view draws them on its background.
        look = Look.of(palette)
        base = palette.color(R.Base)
        for name, color in (("user", USER_COLOR), ("assistant", ASSISTANT_COLOR),
                            ("note", NOTE_COLOR), ("warning", WARNING_COLOR),
                            ("error", ERROR_COLOR), ("link", look.link)):
            drawn = look.text(color).foreground().color()
            if ratio(drawn, base) < 4.5:
                failing.append(f"transcript {name} {drawn.name()}: {ratio(drawn, base):.2f}")
        muted = muted_text_color(palette)
        if ratio(muted, palette.color(R.Window)) < 4.5:
            failing.append(f"muted text {muted.name()}")
        assert failing == []
        if theme == THEME_CONTRAST:  # high contrast: AAA for the main pairs
            for text, background in PAIRS[:6]:
                assert ratio(palette.color(text), palette.color(background)) >= 7
    finally:
        set_theme(qapp, THEME_SYSTEM)


def test_the_contrast_check_fails_on_a_poor_pair() -> None:
    assert ratio(QColor("#777777"), QColor("#ffffff")) < 4.5 < ratio(QColor("#767676"),
                                                                       QColor("#000000"))
    assert ratio(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21)


def test_high_contrast_is_in_the_view_menu_and_remembered(
    qtbot: QtBot, window: ChatWindow, qapp: QApplication
) -> None:
    try:
        window.theme_actions[THEME_CONTRAST].trigger()
        assert window.settings.theme == THEME_CONTRAST
        assert qapp.palette().color(R.Window) == QColor("#000000")
        assert "solid #ffff00" in qapp.styleSheet()  # the focused control outlined in yellow
        window.theme_actions[THEME_LIGHT].trigger()
        assert qapp.styleSheet() == ""
    finally:
        set_theme(qapp, THEME_SYSTEM)


def test_a_theme_change_renders_the_transcript_once_in_the_new_colours(
    qtbot: QtBot, window: ChatWindow, qapp: QApplication, scripted_host: ScriptedHostClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One change can send the view several events (the system turning dark with a larger
    font: a palette and a font change; the high-contrast theme: a style sheet and a
    palette): the transcript is rendered once for it, in the new colours (the high-contrast
    ones too, chosen while the window is open)."""
    from PySide6.QtGui import QFont, QFontDatabase

    from ui.zoom import apply_text_scale, follow_system_font

    apply_theme(qapp)  # as the app starts: following the system's scheme
    talk(qtbot, window, scripted_host, "Hello", "Hi there.")
    view = window.chat_view
    renders: list[ChatView] = []
    original = ChatView.show_path

    def counted(self: ChatView, *args: object, **kwargs: object) -> None:
        renders.append(self)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    def system_turns_dark_with_larger_text() -> None:
        size = base_point_size() + 4
        monkeypatch.setattr(QFontDatabase, "systemFont", lambda _kind: QFont("Sans", size))
        qapp.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        QApplication.sendEvent(window, QEvent(QEvent.Type.ThemeChange))

    monkeypatch.setattr(ChatView, "show_path", counted)
    base = base_point_size()
    changes = [lambda: set_theme(qapp, THEME_DARK), lambda: set_theme(qapp, THEME_LIGHT),
               lambda: set_theme(qapp, THEME_CONTRAST), lambda: set_theme(qapp, THEME_DARK),
               lambda: set_theme(qapp, THEME_SYSTEM), system_turns_dark_with_larger_text]
    try:
        for n, change in enumerate(changes):
            renders.clear()
            change()
            qtbot.waitUntil(lambda: bool(renders))
            qtbot.wait(20)  # (a second render would be queued by now)
            assert renders == [view], n
            palette = view.palette()
            assert palette.color(R.Base) == qapp.palette().color(R.Base), n
            cursor = QTextCursor(view.document())
            cursor.setPosition(link_positions(view, "Copy")[-1] + 1)
            assert cursor.charFormat().foreground().color() == readable(
                palette.color(R.Link), palette.color(R.Base)), n
            assert "Hi there." in view.toPlainText()
        assert is_dark(view.palette()) and view.font().pointSizeF() > base
    finally:
        follow_system_font(base)
        apply_text_scale(100)
        set_theme(qapp, THEME_SYSTEM)


def test_the_shortcuts_list_has_zoom_and_messages(qtbot: QtBot, window: ChatWindow) -> None:
    dialog = show_shortcuts(window)
    assert "Alt+Up / Alt+Down" in dialog.text() and "Ctrl+0" in dialog.text()
    dialog.close()


@pytest.mark.parametrize("theme", [THEME_LIGHT, THEME_DARK, THEME_CONTRAST])
def test_warnings_and_errors_read_on_every_theme(
    qtbot: QtBot, window: ChatWindow, qapp: QApplication, theme: str
) -> None:
    """The amber and red labels (the edit banner, the context note, a dialog's problem) are
    tinted for the theme in use, and again when it changes."""
    dialog = LoadSettingsDialog(Settings())
    shown(qtbot, dialog)
    labels = [window.composer.edit_bar, window.status_line.context_note, dialog.problem]
    try:
        set_theme(qapp, theme)
        background = qapp.palette().color(R.Window)
        for label in labels:
            sheet = label.styleSheet()
            assert sheet.startswith("color: #"), sheet
            color = QColor(sheet.removeprefix("color: ").rstrip(";"))
            assert ratio(color, background) >= 4.5, (label, color.name(), theme)
    finally:
        set_theme(qapp, THEME_SYSTEM)

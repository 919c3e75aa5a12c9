"""The sidebar and the keyboard: date groups, rename, delete with undo, search, shortcuts,
themes; and the screenshots of the sidebar, a branched conversation and the dark theme."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QSignalSpy, QTest
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from app.chat.bridge import EngineController
from app.paths import app_paths
from app.store import ChatStore, MessageState
from inference.events import Done, Stats, Token
from inference.snapshot_files import file_name
from tests.scripted_client import ScriptedHostClient, play, tokens
from tests.ui_helpers import click_link, open_window
from ui.chat_list import ChatListModel, date_group
from ui.main_window import ChatWindow
from ui.shortcuts import SHORTCUTS
from ui.theme import THEME_SYSTEM, apply_theme, is_dark, set_theme

NOON = datetime.now().replace(hour=12, minute=0, second=0, microsecond=0)
TOPICS = [
    ("Sourdough starter schedule", 0), ("Refactor the billing module", 0),
    ("Why is the sky blue?", 1), ("Packing list for Lisbon", 1),
    ("Explain Rust lifetimes", 3), ("Birthday poem for Ana", 5), ("SQL window functions", 6),
    ("Plan a 10k training week", 12), ("Compare NAS drives", 20),
    ("Gift ideas under 30 €", 45), ("Notes on the Stoics", 120), ("Bash one-liners", 400),
]


def add_chat(store: ChatStore, title: str, days_ago: float, turns: int = 1) -> int:
    stamp = (NOON - timedelta(days=days_ago)).timestamp()
    chat = store.create_chat(created_at=stamp)
    parent = None
    for n in range(turns):
        user = store.add_message(chat, parent, "user", f"{title}? (part {n})",
                                 created_at=stamp)
        answer = store.add_message(chat, user.id, "assistant", f"About {title.lower()}: …",
                                   model="SmolLM2 135M Instruct (Q4_1)", created_at=stamp)
        parent = answer.id
    store.rename_chat(chat, title)
    return chat


@pytest.fixture
def window(qtbot: QtBot, store: ChatStore, controller: EngineController) -> ChatWindow:
    for n, (title, days) in enumerate(TOPICS):
        add_chat(store, title, days + n / 10_000)
    return open_window(qtbot, controller, store, (1180, 760))


def test_date_groups(store: ChatStore, qtmodeltester, qapp) -> None:
    today = NOON.date()
    assert date_group(NOON.timestamp(), today) == "Today"
    assert date_group((NOON - timedelta(days=1)).timestamp(), today) == "Yesterday"
    assert date_group((NOON - timedelta(days=7)).timestamp(), today) == "Previous 7 days"
    assert date_group((NOON - timedelta(days=8)).timestamp(), today) == "Previous 30 days"
    assert date_group((NOON - timedelta(days=31)).timestamp(), today) == "Older"
    for n, (title, days) in enumerate(TOPICS):
        add_chat(store, title, days + n / 10_000)
    model = ChatListModel(store, clock=NOON.timestamp)
    qtmodeltester.check(model)
    assert model.headings() == ["Today", "Yesterday", "Previous 7 days", "Previous 30 days",
                                "Older"]
    titles = [model.index(r).data() for r in model.chat_rows()]
    assert titles == [t for t, _ in TOPICS]  # most recent first


def test_activity_moves_a_chat_up_without_resetting_the_list(store: ChatStore, qapp) -> None:
    old = add_chat(store, "Old chat", 40)
    add_chat(store, "Recent chat", 0)
    model = ChatListModel(store, clock=NOON.timestamp)
    resets, inserts = QSignalSpy(model.modelReset), QSignalSpy(model.rowsInserted)
    changes = QSignalSpy(model.dataChanged)
    store.add_message(old, store.path_ids(old)[-1], "user", "still there?",
                      created_at=NOON.timestamp() + 60)
    model.refresh()
    assert resets.count() == 0 and inserts.count() >= 1
    assert model.index(model.chat_rows()[0]).data() == "Old chat"
    assert model.headings() == ["Today"]
    store.rename_chat(old, "Renamed")
    model.refresh()
    assert changes.count() >= 1 and model.index(model.row_of(old)).data() == "Renamed"


def test_rename_inline_with_f2(qtbot: QtBot, window: ChatWindow, store: ChatStore) -> None:
    chat = store.chat_ids()[0]
    window.open_chat(chat)
    QTest.keyClick(window, Qt.Key.Key_F2)
    editor = window.sidebar.list_view.findChild(QLineEdit)
    qtbot.waitUntil(lambda: window.sidebar.list_view.findChild(QLineEdit) is not None)
    editor = window.sidebar.list_view.findChild(QLineEdit)
    assert editor.text() == store.chat(chat).title
    editor.selectAll()
    qtbot.keyClicks(editor, "Sourdough, day by day")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: store.chat(chat).title == "Sourdough, day by day")
    row = window.sidebar.model.row_of(chat)
    assert window.sidebar.model.index(row).data() == "Sourdough, day by day"
    assert window.windowTitle().startswith("Sourdough, day by day")


def test_delete_with_undo(qtbot: QtBot, window: ChatWindow, store: ChatStore,
                          scripted_host: ScriptedHostClient) -> None:
    chat = store.chat_summaries()[2].id
    title = store.chat(chat).title
    # The chat's KV cache, as the model process leaves it on disk.
    snapshot = app_paths().snapshots / file_name(f"chat-{chat}")
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    snapshot.write_bytes(b"kv")
    window.open_chat(chat)
    window.sidebar.list_view.setFocus()
    qtbot.keyClick(window.sidebar.list_view, Qt.Key.Key_Delete)
    assert window.sidebar.model.row_of(chat) is None
    # Its cache goes with it: the file, and what the model process holds.
    assert not snapshot.exists() and scripted_host.forgotten == [[f"chat-{chat}"]]
    assert window.session.chat_id is None  # the open chat went away: a new one is shown
    assert window.sidebar.undo_bar.isVisible() and title in window.sidebar.undo_label.text()
    assert store.chat(chat).deleted_at is not None  # kept until the undo window ends
    qtbot.mouseClick(window.sidebar.undo_button, Qt.MouseButton.LeftButton)
    assert window.sidebar.model.row_of(chat) is not None and window.session.chat_id == chat
    assert not window.sidebar.undo_bar.isVisible()
    # Ctrl+Z brings back a chat deleted from the context of the list too.
    window.sidebar.delete_chat(chat)
    window.chat_view.setFocus()
    qtbot.keyClick(window.chat_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.sidebar.model.row_of(chat) is not None
    # At the next start, chats deleted earlier are purged for good.
    window.sidebar.delete_chat(chat)
    assert store.purge_deleted() == 1 and store.chat(chat) is None


def test_ctrl_up_down_and_new_chat(qtbot: QtBot, window: ChatWindow, store: ChatStore) -> None:
    ids = [c.id for c in store.chat_summaries()]
    window.composer.message_box.setFocus()
    qtbot.keyClick(
        window.composer.message_box, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier
    )
    assert window.session.chat_id == ids[0]
    qtbot.keyClick(
        window.composer.message_box, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier
    )
    assert window.session.chat_id == ids[1]
    qtbot.keyClick(window.composer.message_box, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert window.session.chat_id == ids[0]
    assert "Sourdough starter schedule" in window.chat_view.toPlainText()
    qtbot.keyClick(window.composer.message_box, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.session.chat_id is None and window.chat_view.toPlainText() == ""


def test_search_jumps_to_and_marks_the_message(
    qtbot: QtBot, window: ChatWindow, store: ChatStore
) -> None:
    chat = add_chat(store, "Long chat about plants", 2, turns=30)
    path = store.path_ids(chat)
    early = store.message(path[4])
    store.finish_message(early.id, "Water the fern twice a week.", MessageState.DONE)
    # A match in a version that is not shown: the jump switches to it.
    hidden = store.start_reply(chat, path[2], "Smol")
    store.finish_message(hidden.id, "Ferns like humid bathrooms.", MessageState.DONE)
    store.select_message(path[-1])
    window.sidebar.refresh()

    qtbot.keyClick(window.composer.message_box, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.sidebar.search_box.hasFocus()
    qtbot.keyClicks(window.sidebar.search_box, "fern")
    qtbot.waitUntil(lambda: window.sidebar.results.rowCount() == 2)
    results = window.sidebar.results_view
    target = next(r for r in range(2)
                  if window.sidebar.results.hits()[r].message_id == early.id)
    rect = results.visualRect(window.sidebar.results.index(target))
    qtbot.mouseClick(results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    view = window.chat_view
    assert window.session.chat_id == chat and view.highlighted_message == early.id
    marked = [s.cursor.selectedText() for s in view.extraSelections() if s.cursor.hasSelection()]
    assert marked == ["fern"]
    top = view._top_of(early.id)
    assert 0 <= top - view.verticalScrollBar().value() < view.viewport().height()

    hit = next(h for h in window.sidebar.results.hits() if h.message_id == hidden.id)
    window.sidebar.hit_chosen.emit(hit.chat_id, hit.message_id, "fern")
    assert hidden.id in window.session.path_ids
    assert "Ferns like humid bathrooms." in view.toPlainText()
    assert view.highlighted_message == hidden.id

    qtbot.keyClick(window.sidebar.search_box, Qt.Key.Key_Escape)
    assert window.sidebar.search_box.text() == "" and window.sidebar.pages.currentIndex() == 0


def test_search_finds_titles_and_says_when_nothing_matches(
    qtbot: QtBot, window: ChatWindow
) -> None:
    window.sidebar.search_box.setText("lisbon")
    window.sidebar.run_search()
    hits = window.sidebar.results.hits()
    assert hits and hits[0].message_id is None and hits[0].chat_title == "Packing list for Lisbon"
    qtbot.keyClick(window.sidebar.search_box, Qt.Key.Key_Return)  # opens the first hit
    assert window.store.chat(window.session.chat_id).title == "Packing list for Lisbon"
    window.sidebar.search_box.setText("xylophone")
    window.sidebar.run_search()
    assert window.sidebar.results.rowCount() == 0 and window.sidebar.no_results.isVisible()


def test_shortcut_help(qtbot: QtBot, window: ChatWindow) -> None:
    qtbot.keyClick(window.composer.message_box, Qt.Key.Key_F1)
    dialog = window.shortcuts_dialog
    assert dialog.isVisible()
    for keys, _ in SHORTCUTS:
        assert keys in dialog.text()
    dialog.close()
    window.chat_view.setFocus()
    qtbot.keyClick(window.chat_view, Qt.Key.Key_Question, Qt.KeyboardModifier.ShiftModifier)
    assert window.shortcuts_dialog is not dialog and window.shortcuts_dialog.isVisible()
    window.shortcuts_dialog.close()
    # In the message box, "?" is just a character.
    window.composer.message_box.setFocus()
    qtbot.keyClicks(window.composer.message_box, "why?")
    assert window.composer.message_box.toPlainText() == "why?"


def test_screenshots_of_the_sidebar_and_the_dark_theme(
    qtbot: QtBot, window: ChatWindow, store: ChatStore, artifacts: Path,
    scripted_host: ScriptedHostClient,
) -> None:
    """Saves sidebar.png, branches_and_code_dark.png and search.png in tests/artifacts."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window.open_chat(store.chat_summaries()[0].id)
    qtbot.wait(50)
    assert window.grab().save(str(artifacts / "sidebar.png"))

    window.new_chat()
    window.send_message("Write a Python function that checks whether a word is a palindrome.")
    code = ("Here is a short one:\n\n```python\ndef is_palindrome(word: str) -> bool:\n"
            "    letters = [c.lower() for c in word if c.isalnum()]\n"
            "    return letters == letters[::-1]\n```\n\nIt ignores case and punctuation, "
            "so `is_palindrome(\"Racecar!\")` is `True`.")
    for n in range(2):
        if n:
            click_link(qtbot, window.chat_view, "Regenerate")
        words = code.replace("short", "compact" if n else "short").split(" ")
        play(qtbot, scripted_host, *tokens(*(word + " " for word in words)), Done(
            "end_of_turn", Stats(ttft_s=0.05, prompt_tokens=48, generated_tokens=70,
                                 decode_tps=88.0, context_used=118, context_size=4096)))
    window.send_message("Now make it ignore spaces too.")
    play(qtbot, scripted_host, Token("It already does: `isalnum()` drops spaces."),
         Done("end_of_turn", Stats()))
    click_link(qtbot, window.chat_view, "Stats", occurrence=0)
    try:
        set_theme(app, "dark")
        qtbot.waitUntil(lambda: is_dark(window.chat_view.palette()))
        qtbot.wait(50)
        text = window.chat_view.toPlainText()
        assert "◀ 2/2 ▶" in text and "python  ·  Copy" in text
        assert window.grab().save(str(artifacts / "branches_and_code_dark.png"))
        set_theme(app, "light")
        qtbot.wait(50)
        assert window.grab().save(str(artifacts / "branches_and_code.png"))
        window.sidebar.search_box.setText("palindrome")
        window.sidebar.run_search()
        qtbot.wait(50)
        assert window.grab().save(str(artifacts / "search.png"))
    finally:
        set_theme(app, THEME_SYSTEM)


def test_the_theme_follows_the_system_unless_one_is_chosen(qapp) -> None:
    hints = qapp.styleHints()
    try:
        apply_theme(qapp, THEME_SYSTEM)
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        assert is_dark(qapp.palette())
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
        assert not is_dark(qapp.palette())
        set_theme(qapp, "light")
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        assert not is_dark(qapp.palette())
    finally:
        apply_theme(qapp)


def test_message_links_are_reachable_from_the_keyboard(qtbot: QtBot, window: ChatWindow) -> None:
    window.sidebar.step(1)
    opened: list[str] = []
    window.chat_view.anchorClicked.connect(lambda url: opened.append(url.toString()))
    window.chat_view.setFocus()
    qtbot.keyClick(window.chat_view, Qt.Key.Key_Tab)
    qtbot.keyClick(window.chat_view, Qt.Key.Key_Tab)
    assert window.chat_view.textCursor().selectedText() == "Edit"
    qtbot.keyClick(window.chat_view, Qt.Key.Key_Return)
    assert opened[-1].startswith("slice:edit/") and window.composer.edit_bar.isVisible()

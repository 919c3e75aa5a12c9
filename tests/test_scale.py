"""A store of 1,000 chats and a chat of 10,000 messages opens, scrolls and searches.

Correctness only; the benchmark measures the time. The chat list is a model over the chat
summaries and the transcript holds a window of the path, so neither grows with history.
"""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.chat.bridge import EngineController
from app.store import ChatStore
from tests.scripted_client import ScriptedHostClient
from tests.ui_helpers import click_link, open_window
from ui.chat_view import PAGE

CHATS = 1_000
LONG = 10_000


def build(path: Path) -> tuple[int, int]:
    """1,000 small chats and one of 10,000 messages; returns (long chat, a marked message)."""
    store = ChatStore(path)
    with store.transaction():
        for n in range(CHATS):
            chat = store.create_chat(created_at=1_700_000_000 + n * 3600)
            user = store.add_message(chat, None, "user", f"Small chat {n}: what is {n} squared?",
                                     created_at=1_700_000_000 + n * 3600)
            store.add_message(chat, user.id, "assistant", f"{n * n}.", created_at=user.created_at)
        long_chat = store.create_chat()
        parent, marked = None, 0
        for n in range(LONG):
            role = "user" if n % 2 == 0 else "assistant"
            text = f"Message {n} of the long chat."
            if n == 10:
                text += " It mentions the zanzibar sundial once."
            message = store.add_message(long_chat, parent, role, text)
            marked = message.id if n == 10 else marked
            parent = message.id
    store.close()
    return long_chat, marked


def test_a_big_store_opens_and_a_long_chat_shows_a_window(
    qtbot: QtBot, tmp_path: Path, controller: EngineController, scripted_host: ScriptedHostClient
) -> None:
    long_chat, marked = build(tmp_path / "chats.db")
    store = ChatStore(tmp_path / "chats.db")
    window = open_window(qtbot, controller, store, (1180, 760))

    model = window.sidebar.model
    assert len(model.chat_rows()) == CHATS + 1
    assert model.index(model.chat_rows()[0]).data() == "Message 0 of the long chat."

    window.open_chat(long_chat)
    view = window.chat_view
    assert len(window.session) == LONG
    assert len(view.message_ids()) == PAGE and view.first_index == LONG - PAGE
    assert f"Message {LONG - 1} of the long chat." in view.toPlainText()
    assert f"({LONG - PAGE} more)" in view.toPlainText()
    click_link(qtbot, view, "Show")
    assert len(view.message_ids()) == 2 * PAGE

    # Search reaches the 11th message; the view shows a window around it.
    window.sidebar.search_box.setText("zanzibar")
    window.sidebar.run_search()
    hits = window.sidebar.results.hits()
    assert [h.message_id for h in hits] == [marked]
    window.sidebar.hit_chosen.emit(long_chat, marked, "zanzibar")
    assert view.highlighted_message == marked and view.first_index == 5
    assert "Show later messages" in view.toPlainText()
    click_link(qtbot, view, "later")
    assert len(view.message_ids()) == 2 * PAGE and view.first_index == 5

    # Sending from the middle of the history goes to the end of the path.
    window.send_message("And one more?")
    assert len(window.session) == LONG + 2
    assert view.message_ids()[-1] == window.session.path_ids[-1]
    qtbot.waitUntil(lambda: len(scripted_host.replies) == 1)
    request = scripted_host.replies[-1]
    assert len(request.messages) == LONG + 1
    assert request.messages[-1].content == "And one more?"

"""How the window shows a reply's thinking and a loop the engine stopped, over the real
controller, a scripted engine and a real chat store."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from app.chat.bridge import EngineController
from app.store import ChatStore, MessageState
from app.store.export import chat_markdown, export_json, import_chats, parse_export
from inference.events import ChatMessage, Done, Stats, StopReason, Token
from tests.scripted_client import ScriptedHostClient, play, tokens
from tests.ui_helpers import click_link, link_positions, open_window
from ui.load_settings_dialog import LoadSettingsDialog
from ui.main_window import ChatWindow
from ui.message_render import REPETITION_NOTE
from ui.window_menus import open_chat_settings

THOUGHT = Stats(ttft_s=0.3, prompt_tokens=20, generated_tokens=40, decode_tps=30.0,
                context_used=60, context_size=4096, thinking_tokens=31, thinking_ms=4200,
                answer_ttft_s=4.5)
# Streamed in these chunks; each is text nowhere else in the chat, so that one shown is seen.
THINKING_CHUNKS = ("The user asks for 2 + 2. ", "Two and two", " make four.")
THINKING = "".join(THINKING_CHUNKS)


@pytest.fixture
def window(qtbot: QtBot, controller: EngineController, store: ChatStore) -> ChatWindow:
    return open_window(qtbot, controller, store, (1000, 700))


def think(*texts: str) -> tuple[Token, ...]:
    return tuple(Token(text=text, thinking=True) for text in texts)


def shown_thinking(text: str) -> list[str]:
    """The chunks of :data:`THINKING` that ``text`` shows (none while it is folded)."""
    return [chunk for chunk in THINKING_CHUNKS if chunk.strip() in text]


def test_thinking_streams_folded_above_the_answer_and_opens_on_a_click(
    qtbot: QtBot, window: ChatWindow, store: ChatStore, scripted_host: ScriptedHostClient,
    artifacts: Path,
) -> None:
    window.send_message("What is 2 + 2?")
    reply_id = window.session.generating_id
    play(qtbot, scripted_host, *think(*THINKING_CHUNKS[:2]))
    view = window.chat_view
    text = view.toPlainText()
    assert "Thinking…" in text and shown_thinking(text) == []  # folded while it streams
    assert "Thinking…" in window.status_line.status_label.text()
    assert window.grab().save(str(artifacts / "thinking_streams_folded.png"))
    play(qtbot, scripted_host, *think(THINKING_CHUNKS[2]), *tokens("2 + 2 ", "= **4**."))
    qtbot.waitUntil(lambda: "2 + 2 = **4**." in view.toPlainText())  # painted on a timer
    text = view.toPlainText()
    assert "Thought for" in text
    assert text.index("Thought for") < text.index("2 + 2 =")  # above the answer
    assert shown_thinking(text) == []
    play(qtbot, scripted_host, Done(StopReason.END_OF_TURN, THOUGHT))
    text = view.toPlainText()
    assert "Thought for 4.2 s" in text and "2 + 2 = 4." in text  # rendered as markdown
    assert shown_thinking(text) == []
    saved = store.message(reply_id)
    assert saved.content == "2 + 2 = **4**." and saved.thinking == THINKING
    assert saved.state == MessageState.DONE and saved.stats["thinking_tokens"] == 31

    click_link(qtbot, view, "Thought")
    assert THINKING in view.toPlainText()
    assert shown_thinking(view.toPlainText()) == list(THINKING_CHUNKS)  # each one seen open
    assert view.plain_text_of_last_reply() == "2 + 2 = 4."  # the answer alone
    assert window.grab().save(str(artifacts / "thinking_opened.png"))
    click_link(qtbot, view, "Thought")
    assert shown_thinking(view.toPlainText()) == []
    # The stats bar tells thinking from answering.
    bar = window.stats_bar.text()
    assert "31 thinking" in bar and "answer 4.50 s" in bar

    # The next turn carries the thinking apart from the content: the engine decides,
    # from the template, whether the model sees it.
    window.send_message("And 3 + 3?")
    qtbot.waitUntil(lambda: len(scripted_host.replies) == 2)
    assert scripted_host.replies[-1].messages[:2] == (
        ChatMessage("user", "What is 2 + 2?"),
        ChatMessage("assistant", "2 + 2 = **4**.", thinking=THINKING),
    )
    assert scripted_host.replies[-1].thinking_apart


def test_the_chats_switch_shows_every_replys_thinking(
    qtbot: QtBot, window: ChatWindow, store: ChatStore, scripted_host: ScriptedHostClient,
) -> None:
    window.send_message("What is 2 + 2?")
    play(qtbot, scripted_host, *think(THINKING), *tokens("Four."),
         Done(StopReason.END_OF_TURN, THOUGHT))
    assert shown_thinking(window.chat_view.toPlainText()) == []
    dialog = open_chat_settings(window)
    assert not dialog.show_thinking.isChecked()
    dialog.show_thinking.setChecked(True)
    dialog.done(QDialog.DialogCode.Accepted)
    assert THINKING in window.chat_view.toPlainText()
    chat_id = window.session.chat_id
    assert store.chat(chat_id).settings.show_thinking
    # It belongs to the chat: a new chat folds, the first one shows again when reopened.
    window.new_chat()
    assert not window.chat_view.show_thinking
    window.open_chat(chat_id)
    assert THINKING in window.chat_view.toPlainText()
    # While the switch is on, thinking streams in opened.
    window.send_message("And 3 + 3?")
    play(qtbot, scripted_host, *think("Three and three."))
    qtbot.waitUntil(lambda: "Three and three." in window.chat_view.toPlainText())
    play(qtbot, scripted_host, *tokens("Six."), Done(StopReason.END_OF_TURN, THOUGHT))
    assert "Three and three." in window.chat_view.toPlainText()


def test_a_reply_stopped_for_repeating_itself_offers_continue_anyway(
    qtbot: QtBot, window: ChatWindow, store: ChatStore, scripted_host: ScriptedHostClient,
    artifacts: Path,
) -> None:
    window.send_message("What is the capital of France?")
    qtbot.waitUntil(lambda: len(scripted_host.replies) == 1)
    assert scripted_host.replies[-1].loop_guard  # on by default
    loop = "Le maine est le maine. " * 6
    play(qtbot, scripted_host, *tokens(loop),
         Done(StopReason.REPETITION, Stats(generated_tokens=60, stop_reason="repetition")))
    text = window.chat_view.toPlainText()
    assert REPETITION_NOTE in text
    assert "repetition" in window.stats_bar.text()
    assert link_positions(window.chat_view, "Continue anyway")
    assert window.grab().save(str(artifacts / "loop_guard_stopped.png"))
    reply_id = window.session.path_ids[-1]
    click_link(qtbot, window.chat_view, "Continue anyway")
    qtbot.waitUntil(lambda: len(scripted_host.replies) == 2)
    again = scripted_host.replies[-1]
    # Continued in place, this time without the guard (the user asked for more of it).
    assert again.continue_last and not again.loop_guard
    play(qtbot, scripted_host, *tokens("Paris."), Done(StopReason.END_OF_TURN, Stats()))
    assert store.message(reply_id).content == loop + "Paris."
    assert REPETITION_NOTE not in window.chat_view.toPlainText()


def test_the_loop_guard_can_be_turned_off(
    qtbot: QtBot, window: ChatWindow, scripted_host: ScriptedHostClient,
) -> None:
    dialog = LoadSettingsDialog(window.settings)
    qtbot.addWidget(dialog)
    assert dialog.loop_guard.isChecked()
    dialog.loop_guard.setChecked(False)
    window.change_settings(dialog.settings())
    window.send_message("Hello")
    qtbot.waitUntil(lambda: len(scripted_host.replies) == 1)
    assert not scripted_host.replies[-1].loop_guard


def test_export_keeps_the_thinking_marked(
    qtbot: QtBot, window: ChatWindow, store: ChatStore, scripted_host: ScriptedHostClient,
    tmp_path: Path,
) -> None:
    window.send_message("What is 2 + 2?")
    play(qtbot, scripted_host, *think(THINKING), *tokens("Four."),
         Done(StopReason.END_OF_TURN, THOUGHT))
    chat = store.chat(window.session.chat_id)
    markdown = chat_markdown(store, chat)
    assert "<summary>Thought for 4.2 s</summary>" in markdown
    assert f"> {THINKING}" in markdown
    assert markdown.index("</details>") < markdown.index("Four.")
    # The JSON export is lossless: the thinking comes back apart from the content.
    document = export_json(store, [chat.id])
    other = ChatStore(tmp_path / "other.db")
    try:
        import_chats(other, parse_export(document, "export.json"))
        reply = other.chat_messages(other.chat_ids()[0])[-1]
        assert (reply.content, reply.thinking) == ("Four.", THINKING)
    finally:
        other.close()

"""The window over a real chat store: durable sends, versions, edits, continue, actions.

The window drives the real :class:`app.chat.bridge.EngineController` (worker thread, queued
signals) over :class:`tests.scripted_client.ScriptedHostClient`, whose events each test plays;
the store is a real SQLite file, checked directly after each step.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from app.chat.bridge import EngineController
from app.chat.reply_writer import PARTIAL_SAVE_MS
from app.store import ChatSettings, ChatStore, MessageState
from inference.events import ChatMessage, ChatRequest, Done, Failed, Stats, Token
from tests.scripted_client import ScriptedHostClient, play, tokens
from tests.ui_helpers import click_link, link_positions, open_window
from ui.chat_view import PAGE
from ui.main_window import ChatWindow

STATS = Stats(ttft_s=0.2, prompt_tokens=20, generated_tokens=3, decode_tps=30.0,
              context_used=23, context_size=4096)


SIZE = (1180, 800)


@pytest.fixture
def window(qtbot: QtBot, controller: EngineController, store: ChatStore) -> ChatWindow:
    return open_window(qtbot, controller, store, SIZE)


def reply(qtbot: QtBot, scripted_host: ScriptedHostClient, text: str) -> None:
    """Play the engine: stream ``text`` word by word, then finish."""
    words = text.split(" ")
    play(qtbot, scripted_host, *tokens(*(word + " " for word in words[:-1]), words[-1]),
         Done("end_of_turn", STATS))


def last_request(qtbot: QtBot, scripted_host: ScriptedHostClient, count: int) -> ChatRequest:
    """The ``count``-th reply request, once the engine has it."""
    qtbot.waitUntil(lambda: len(scripted_host.replies) == count)
    return scripted_host.replies[-1]


def test_the_message_is_committed_before_the_request_and_the_reply_saved_as_it_grows(
    qtbot: QtBot, window: ChatWindow, controller: EngineController, store: ChatStore,
    scripted_host: ScriptedHostClient,
) -> None:
    seen_at_send: list[list[tuple[str, str, str]]] = []
    original_send = controller.send

    def send_and_look(request):  # what the store holds at the moment the request goes out
        seen_at_send.append([(m.role, m.content, m.state) for m in
                             store.chat_messages(store.chat_ids()[0])])
        return original_send(request)

    controller.send = send_and_look  # type: ignore[method-assign]
    window.send_message("Write a haiku about rain")
    assert seen_at_send == [[("user", "Write a haiku about rain", MessageState.DONE),
                             ("assistant", "", MessageState.PARTIAL)]]
    reply_id = window.session.generating_id
    assert reply_id is not None

    play(qtbot, scripted_host, Token("Soft rain "), Token("on the roof"))
    qtbot.waitUntil(lambda: store.message(reply_id).content == "Soft rain on the roof",
                    timeout=PARTIAL_SAVE_MS * 3)
    assert store.message(reply_id).state == MessageState.PARTIAL
    play(qtbot, scripted_host, Done("end_of_turn", STATS))
    saved = store.message(reply_id)
    assert saved is not None and saved.state == MessageState.DONE
    assert saved.content == "Soft rain on the roof"
    assert saved.stats["generated_tokens"] == 3
    assert saved.stats["ttft_e2e_s"] > 0  # Send to first text painted, measured
    assert saved.fingerprint["model"]["file"] == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert saved.fingerprint["sampling"]["temperature"] == 0.7
    assert saved.fingerprint["hardware"]["logical_cores"] > 0
    assert window.sidebar.model.rowCount() == 2  # "Today" and the new chat
    assert window.windowTitle() == "Write a haiku about rain — Slice"
    assert [r.messages for r in scripted_host.replies] == [
        (ChatMessage("user", "Write a haiku about rain"),)]


def test_regenerate_makes_a_version_and_the_arrows_switch_between_them(
    qtbot: QtBot, window: ChatWindow, scripted_host: ScriptedHostClient
) -> None:
    window.send_message("Name a colour")
    reply(qtbot, scripted_host, "Blue.")
    click_link(qtbot, window.chat_view, "Regenerate")
    # The new reply answers the same conversation, without the old reply in it.
    assert last_request(qtbot, scripted_host, 2).messages == (ChatMessage("user", "Name a colour"),)
    reply(qtbot, scripted_host, "Green.")
    text = window.chat_view.toPlainText()
    assert "2/2" in text and "Green." in text and "Blue." not in text

    click_link(qtbot, window.chat_view, "◀")
    text = window.chat_view.toPlainText()
    assert "1/2" in text and "Blue." in text and "Green." not in text
    assert window.history[-1] == ChatMessage("assistant", "Blue.")
    # The next message continues the version shown.
    window.send_message("Another?")
    assert last_request(qtbot, scripted_host, 3).messages[-2:] == (
        ChatMessage("assistant", "Blue."), ChatMessage("user", "Another?"))


def test_editing_a_message_branches_and_keeps_the_old_version(
    qtbot: QtBot, window: ChatWindow, scripted_host: ScriptedHostClient, artifacts: Path
) -> None:
    window.send_message("What is 2+2?")
    reply(qtbot, scripted_host, "It is four.")
    window.send_message("And times 3?")
    reply(qtbot, scripted_host, "That makes twelve.")
    click_link(qtbot, window.chat_view, "Edit", occurrence=0)
    assert window.composer.edit_bar.isVisible()
    assert window.composer.message_box.toPlainText() == "What is 2+2?"
    window.composer.message_box.setPlainText("What is 3+3?")
    qtbot.keyClick(window.composer.message_box, Qt.Key.Key_Return)
    assert last_request(qtbot, scripted_host, 3).messages == (ChatMessage("user", "What is 3+3?"),)
    assert not window.composer.edit_bar.isVisible()
    reply(qtbot, scripted_host, "6. And here is how:\n\n```python\nprint(3 + 3)\n```")
    text = window.chat_view.toPlainText()
    assert "What is 3+3?" in text and "2/2" in text and "And times 3?" not in text
    qtbot.wait(50)
    assert window.grab().save(str(artifacts / "branched_conversation.png"))

    click_link(qtbot, window.chat_view, "◀", occurrence=0)
    text = window.chat_view.toPlainText()
    assert "What is 2+2?" in text and "And times 3?" in text and "twelve." in text
    # Escape leaves an edit without sending anything.
    click_link(qtbot, window.chat_view, "Edit", occurrence=0)
    qtbot.keyClick(window.composer.message_box, Qt.Key.Key_Escape)
    assert not window.composer.edit_bar.isVisible()
    assert not window.composer.stop_button.isEnabled()  # no reply started
    assert len(scripted_host.replies) == 3


def test_an_interrupted_reply_can_be_continued_or_regenerated(
    qtbot: QtBot, controller: EngineController, store: ChatStore, scripted_host: ScriptedHostClient
) -> None:
    chat = store.create_chat()
    _, partial = store.start_exchange(chat, None, "Count to ten", "Smol")
    store.save_partial(partial.id, "1, 2, 3,")  # then the app was killed
    window = open_window(qtbot, controller, store, SIZE)
    window.sidebar.chat_selected.emit(chat)
    text = window.chat_view.toPlainText()
    assert "Interrupted" in text and "1, 2, 3," in text
    assert link_positions(window.chat_view, "Continue")

    click_link(qtbot, window.chat_view, "Continue")
    request = last_request(qtbot, scripted_host, 1)
    assert request.continue_last
    assert request.messages[-1] == ChatMessage("assistant", "1, 2, 3,")
    play(qtbot, scripted_host, Token(" 4, 5"))
    qtbot.waitUntil(lambda: window.chat_view.plain_text_of_last_reply() == "1, 2, 3, 4, 5")
    play(qtbot, scripted_host, Done("end_of_turn", STATS))
    assert store.message(partial.id).content == "1, 2, 3, 4, 5"
    assert store.message(partial.id).state == MessageState.DONE
    assert "Interrupted" not in window.chat_view.toPlainText()

    # Regenerate makes a sibling and leaves the continued reply alone.
    click_link(qtbot, window.chat_view, "Regenerate")
    assert not last_request(qtbot, scripted_host, 2).continue_last
    reply(qtbot, scripted_host, "One to ten.")
    assert len(store.siblings(partial.id)) == 2


def test_a_failed_reply_is_saved_with_its_error(
    qtbot: QtBot, window: ChatWindow, store: ChatStore, scripted_host: ScriptedHostClient
) -> None:
    window.send_message("Hello")
    play(qtbot, scripted_host, Token("Hel"), Failed("host_crashed", "The model process crashed."))
    failed = store.message(window.session.path_ids[-1])
    assert failed is not None and failed.state == MessageState.FAILED
    assert failed.content == "Hel" and failed.error == "The model process crashed."
    window.send_message("Are you there?")  # the failed exchange stays out of the request
    request = last_request(qtbot, scripted_host, 2)
    assert request.messages == (ChatMessage("user", "Are you there?"),)


def test_copy_stats_and_code_links(
    qtbot: QtBot, window: ChatWindow, scripted_host: ScriptedHostClient
) -> None:
    window.send_message("Show code")
    reply(qtbot, scripted_host, "Here:\n\n```python\nprint('hi')\n```\n\nand\n\n```sh\nls -l\n```")
    clipboard = QGuiApplication.clipboard()
    click_link(qtbot, window.chat_view, "Copy", occurrence=-2)  # the second code block's
    assert clipboard.text() == "ls -l"
    assert "copied" in window.status_line.status_label.text().lower()
    click_link(qtbot, window.chat_view, "Copy", occurrence=0)  # the user message
    assert clipboard.text() == "Show code"

    assert "tok/s" not in window.chat_view.toPlainText()
    click_link(qtbot, window.chat_view, "Stats")
    text = window.chat_view.toPlainText()
    assert "ttft 200 ms" in text and "30.0 tok/s" in text
    assert "SmolLM2-135M-Instruct.Q4_1.gguf" in text  # the fingerprint line
    click_link(qtbot, window.chat_view, "Hide stats")
    assert "tok/s" not in window.chat_view.toPlainText()


def test_streaming_only_appends_at_the_end(
    qtbot: QtBot, window: ChatWindow, scripted_host: ScriptedHostClient
) -> None:
    for n in range(5):
        window.send_message(f"Question {n}")
        reply(qtbot, scripted_host, f"Answer {n} " * 50)
    window.send_message("Long one")
    document = window.chat_view.document()
    start = document.characterCount() - 1
    changes: list[tuple[int, int, int]] = []
    document.contentsChange.connect(lambda pos, removed, added: changes.append(
        (pos, removed, added)))
    for _ in range(30):  # 300 tokens, ten at a time, painted over several timer ticks
        play(qtbot, scripted_host, *tokens(*["word "] * 10))
        qtbot.wait(1)
    qtbot.waitUntil(lambda: window.chat_view.plain_text_of_last_reply().count("word") == 300)
    assert changes and all(pos >= start - 1 and removed == 0 for pos, removed, _ in changes)


def test_a_long_chat_shows_a_window_and_earlier_messages_on_request(
    qtbot: QtBot, controller: EngineController, store: ChatStore
) -> None:
    chat = store.create_chat()
    parent = None
    for n in range(60):
        _user, answer = store.start_exchange(chat, parent, f"question {n}", "M")
        store.finish_message(answer.id, f"answer {n}", MessageState.DONE)
        parent = answer.id
    window = open_window(qtbot, controller, store, SIZE)
    window.open_chat(chat)
    view = window.chat_view
    assert len(view.message_ids()) == PAGE and view.first_index == 120 - PAGE
    assert "answer 59" in view.toPlainText() and "question 0\n" not in view.toPlainText()
    bar = view.verticalScrollBar()
    assert bar.value() == bar.maximum()  # opens at the newest message

    first_shown = view.message_ids()[0]
    click_link(qtbot, view, "Show")
    assert len(view.message_ids()) == 2 * PAGE and first_shown in view.message_ids()
    top = view._top_of(first_shown)
    assert top is not None and 0 <= top - bar.value() < view.viewport().height()
    click_link(qtbot, view, "Show")
    assert view.first_index == 0 and "Show earlier" not in view.toPlainText()
    assert window.history[0] == ChatMessage("user", "question 0")


def test_chat_settings_apply_to_the_next_request(
    qtbot: QtBot, window: ChatWindow, store: ChatStore, scripted_host: ScriptedHostClient
) -> None:
    window.send_message("Hi")
    reply(qtbot, scripted_host, "Hello.")
    from ui.window_menus import open_chat_settings

    dialog = open_chat_settings(window)
    dialog.own_prompt.setChecked(True)
    dialog.prompt.setPlainText("Answer like a pirate.")
    dialog.choose_preset("Creative")
    assert dialog.fields["temperature"].value() == 1.0
    dialog.fields["seed"].setValue(42)
    assert "Seed" in dialog.changed_note.text()
    assert dialog.save_as_preset("Pirate")
    assert dialog.preset_name() == "Pirate"
    dialog.fields["max_tokens"].setValue(64)
    dialog.accept()

    chat = store.chat(window.session.chat_id)
    assert chat.settings.system_prompt == "Answer like a pirate."
    assert chat.settings.preset == "Pirate" and chat.settings.overrides == {"max_tokens": 64}
    window.send_message("Ahoy?")
    request = last_request(qtbot, scripted_host, 2)
    assert request.messages[0] == ChatMessage("system", "Answer like a pirate.")
    assert (request.sampling.temperature, request.sampling.seed,
            request.sampling.max_tokens) == (1.0, 42, 64)
    assert store.user_presets()["Pirate"]["seed"] == 42


def test_each_chat_remembers_its_model(
    qtbot: QtBot, window: ChatWindow, store: ChatStore, tmp_path: Path,
    scripted_host: ScriptedHostClient,
) -> None:
    starter = window.model_selection.model_picker.selected_path()
    window.send_message("First chat")
    reply(qtbot, scripted_host, "ok")
    first = window.session.chat_id
    window.new_chat()
    good = str(tmp_path / "good.gguf")
    window.model_selection.model_picker._import(good)  # as if picked in the file dialog
    window.send_message("Second chat")
    reply(qtbot, scripted_host, "ok")
    second = window.session.chat_id
    assert scripted_host.replies[-1].model_path == good
    assert good in scripted_host.preloads  # loaded as soon as it was picked
    assert store.chat(second).settings.model_path == good
    window.open_chat(first)
    assert window.model_selection.model_picker.selected_path() == starter
    window.send_message("Back in the first")
    assert last_request(qtbot, scripted_host, 3).model_path == starter
    reply(qtbot, scripted_host, "ok")
    window.open_chat(second)
    assert window.model_selection.model_picker.selected_path() == good
    store.update_settings(first, ChatSettings(model_path="/gone.gguf"))
    window.open_chat(first)
    assert "gone.gguf" in window.notice.text() and "not in the model list" in window.notice.text()


def test_switching_chats_while_a_reply_streams_keeps_saving_it(
    qtbot: QtBot, window: ChatWindow, store: ChatStore, scripted_host: ScriptedHostClient
) -> None:
    window.send_message("Tell me a long story")
    streaming = window.session.generating_id
    play(qtbot, scripted_host, Token("Once"))
    window.new_chat()
    assert window.send_message("Another chat?") is None  # one reply at a time
    play(qtbot, scripted_host, Token(" upon a time."), Done("end_of_turn", STATS))
    assert store.message(streaming).content == "Once upon a time."
    assert store.message(streaming).state == MessageState.DONE
    assert window.send_message("Another chat?") is not None
    assert last_request(qtbot, scripted_host, 2).messages == (ChatMessage("user", "Another chat?"),)


def test_closing_the_window_mid_reply_keeps_the_text_as_interrupted(
    qtbot: QtBot, controller: EngineController, store: ChatStore, scripted_host: ScriptedHostClient
) -> None:
    window = open_window(qtbot, controller, store, SIZE)
    window.send_message("Tell me everything")
    reply_id = window.session.generating_id
    play(qtbot, scripted_host, Token("Everything starts"))
    window.close()
    saved = store.message(reply_id)
    assert saved.content == "Everything starts" and saved.state == MessageState.PARTIAL
    # What the engine sends after the window closed changes nothing (and raises nothing).
    play(qtbot, scripted_host, Token(" later"), Failed("host_crashed", "gone"))
    assert store.message(reply_id) == saved


def test_export_and_import_from_the_window(
    qtbot: QtBot, window: ChatWindow, store: ChatStore, tmp_path: Path,
    scripted_host: ScriptedHostClient,
) -> None:
    from ui.window_menus import export_chats, import_file

    window.send_message("Export me")
    reply(qtbot, scripted_host, "Exported.")
    chat = window.session.chat_id
    assert export_chats(window, [chat], tmp_path / "chat.md")
    assert "# Export me" in (tmp_path / "chat.md").read_text()
    assert export_chats(window, [chat], tmp_path / "chat.json")
    assert "Exported 1 chat to" in window.status_line.status_label.text()
    store.delete_chat(chat)
    store.purge_deleted()
    window.new_chat()
    window.sidebar.refresh()
    assert import_file(window, tmp_path / "chat.json")
    assert "Imported 1 chat (2 messages)" in window.status_line.status_label.text()
    assert len(window.sidebar.model.chat_rows()) == 1
    (tmp_path / "bad.json").write_text("{")
    assert not import_file(window, tmp_path / "bad.json")
    assert "nothing was imported" in window.status_line.status_label.text()


def test_continue_is_offered_only_at_the_end_of_the_path(
    qtbot: QtBot, window: ChatWindow, scripted_host: ScriptedHostClient
) -> None:
    window.send_message("Write a long story")
    play(qtbot, scripted_host, Token("Once upon a time"))
    window.stop_reply()  # the engine ends the reply as stopped by the user
    qtbot.waitUntil(lambda: not window.composer.stop_button.isEnabled())
    assert link_positions(window.chat_view, "Continue")
    window.send_message("Never mind. Hi!")
    reply(qtbot, scripted_host, "Hi!")
    assert not link_positions(window.chat_view, "Continue")

"""Each message of the transcript as an accessible object of its own: found by walking the
accessibility tree (author, text, place), its actions pressed through the accessibility
interface as a screen reader presses them, kept in step while replies stream, are edited,
regenerated, and the chat changes, with no stale object left behind."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, QTimer
from PySide6.QtGui import QAccessible, QAccessibleActionInterface, QGuiApplication
from pytestqt.qtbot import QtBot

from app.chat.bridge import EngineController
from app.store import ChatStore
from app.store.records import Message, PathEntry
from app.store.records import Role as Author
from inference.events import Done, Failed, Stats
from tests.a11y_helpers import Node, nodes, unnamed_controls
from tests.scripted_client import ScriptedHostClient, play, tokens
from tests.ui_helpers import open_window
from ui.chat_view import PAGE, ChatView
from ui.main_window import ChatWindow
from ui.message_objects import STREAM_UPDATE_MS, MessageObject, MessageText

Role = QAccessible.Role
STATS = Stats(ttft_s=0.1, prompt_tokens=12, generated_tokens=9, decode_tps=40.0,
              context_used=21, context_size=4096)


@pytest.fixture
def window(qtbot: QtBot, controller: EngineController, store: ChatStore) -> ChatWindow:
    return open_window(qtbot, controller, store, (1180, 800))


def answer(qtbot: QtBot, host: ScriptedHostClient, count: int, text: str) -> None:
    qtbot.waitUntil(lambda: len(host.replies) == count)
    words = text.split(" ")
    play(qtbot, host, *tokens(*(w + " " for w in words[:-1]), words[-1]),
         Done("end_of_turn", STATS))


def messages(window: ChatWindow | ChatView) -> list[Node]:
    """The message objects of the window's tree, in order, each checked against the
    transcript: a live interface of a message shown now, nothing stale."""
    found = [n for n in nodes(window) if isinstance(n.interface.object(), MessageObject)]
    view = window if isinstance(window, ChatView) else window.chat_view
    shown = view.message_ids()
    ids = [n.interface.object().message_id for n in found]  # type: ignore[union-attr]
    assert ids == shown, (ids, shown)
    for node in found:
        assert node.interface.isValid() and node.role == Role.Grouping and node.name
    return found


def text_of(node: Node) -> str:
    """A message object's full text: its text child, as a reader reads it."""
    for i in range(node.interface.childCount()):
        child = node.interface.child(i)
        if child is not None and child.role() == Role.StaticText:
            return child.text(QAccessible.Text.Name)
    raise AssertionError(f"{node.name!r} has no text")


def press(node: Node, label: str) -> None:
    """Press the message's button called ``label`` through its accessibility interface."""
    names = []
    for i in range(node.interface.childCount()):
        child = node.interface.child(i)
        if child is None or child.role() != Role.PushButton:
            continue
        names.append(child.text(QAccessible.Text.Name))
        if names[-1] == label:
            actions = child.actionInterface()
            assert actions is not None
            assert QAccessibleActionInterface.pressAction() in actions.actionNames()
            actions.doAction(QAccessibleActionInterface.pressAction())
            return
    raise AssertionError(f"{node.name!r} has no button {label!r}; it has {names}")


def test_each_message_is_an_object_with_author_text_and_actions_a_reader_presses(
    qtbot: QtBot, window: ChatWindow, scripted_host: ScriptedHostClient
) -> None:
    window.send_message("Name a colour")
    answer(qtbot, scripted_host, 1, "Blue, like the **sky**.")
    question, reply = messages(window)
    assert question.name == "You: Name a colour"
    assert text_of(question) == "Name a colour"
    assert "message 1 of 2" in question.description
    assert reply.name.endswith(": Blue, like the sky.")  # the author, then its words
    assert text_of(reply) == "Blue, like the sky."  # as shown: no markdown stars
    assert "message 2 of 2" in reply.description
    assert unnamed_controls(window) == []
    # The objects draw nothing and take neither the mouse nor the keyboard's focus.
    obj = reply.interface.object()
    assert isinstance(obj, MessageObject) and not obj.focusPolicy().value
    assert obj.geometry().intersects(window.chat_view.viewport().rect())

    # Copy: the reply's text (its Markdown) is on the clipboard.
    QGuiApplication.clipboard().clear()
    press(reply, "Copy")
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() == "Blue, like the **sky**.")
    # Stats: the figures are shown, and are part of the object's text; the same object.
    press(reply, "Stats")
    qtbot.waitUntil(lambda: "tok/s" in text_of(messages(window)[1]))
    assert messages(window)[1].interface.object() is obj
    press(messages(window)[1], "Hide stats")
    qtbot.waitUntil(lambda: "tok/s" not in text_of(messages(window)[1]))

    # Regenerate: a new version streams; the reply's object says it is being written.
    press(messages(window)[1], "Regenerate")
    qtbot.waitUntil(lambda: len(scripted_host.replies) == 2)
    play(qtbot, scripted_host, *tokens("Green ", "as "))
    streaming = messages(window)[1]
    assert "being written" in streaming.description
    answer(qtbot, scripted_host, 2, "grass.")
    question, reply = messages(window)
    assert text_of(reply) == "Green as grass." and "version 2 of 2" in reply.description
    # The versions: Next is unavailable on the last one, Previous goes back.
    buttons = {obj.text(): obj for obj in reply.interface.object().buttons()}  # type: ignore[union-attr]
    assert not buttons["Next version"].isEnabled() and buttons["Previous version"].isEnabled()
    press(reply, "Previous version")
    qtbot.waitUntil(lambda: text_of(messages(window)[1]) == "Blue, like the sky.")
    assert "version 1 of 2" in messages(window)[1].description

    # Edit: the question goes into the message box to be sent as a new version.
    press(messages(window)[0], "Edit")
    qtbot.waitUntil(lambda: window.composer.editing is not None)


def test_a_streaming_reply_updates_its_object_a_few_times_not_per_token(
    qtbot: QtBot, window: ChatWindow, scripted_host: ScriptedHostClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts: list[str] = []
    original = MessageText.setText

    def counted(self: MessageText, text: str) -> None:
        texts.append(text)
        original(self, text)

    monkeypatch.setattr(MessageText, "setText", counted)
    window.send_message("Count to two hundred")
    qtbot.waitUntil(lambda: len(scripted_host.replies) == 1)
    texts.clear()
    for n in range(20):  # 200 tokens over about 2 s
        play(qtbot, scripted_host, *tokens(*(f"{n * 10 + k} " for k in range(10))))
        qtbot.wait(100)
    reply = messages(window)[1]
    assert "being written" in reply.description
    qtbot.waitUntil(lambda: "199" in text_of(messages(window)[1]),
                    timeout=STREAM_UPDATE_MS * 3)
    during = len(texts)
    assert 1 <= during <= 2 * 2000 // STREAM_UPDATE_MS + 2, texts
    play(qtbot, scripted_host, Done("end_of_turn", STATS))
    qtbot.waitUntil(lambda: "being written" not in messages(window)[1].description)
    assert text_of(messages(window)[1]).endswith("199")


def test_the_objects_follow_streaming_edits_regenerations_and_chat_switches(
    qtbot: QtBot, window: ChatWindow, scripted_host: ScriptedHostClient, store: ChatStore
) -> None:
    """The tree is walked between every step, and while replies stream: every object is of
    a message shown now (a deleted one would crash the walk or fail the check)."""
    walks = 0

    def walk() -> None:
        nonlocal walks
        walks += 1
        for node in messages(window):
            text_of(node)

    # And from a timer too, so walks land in the middle of the window's own work (a slot
    # that raised would fail the test: pytest-qt reports exceptions in Qt's callbacks).
    walker = QTimer()
    walker.setInterval(5)
    walker.timeout.connect(walk)
    walker.start()
    requests = 0
    chats: list[int] = []
    for round_ in range(3):
        window.new_chat()
        walk()
        for turn in range(3):
            window.send_message(f"Question {round_}.{turn}")
            requests += 1
            qtbot.waitUntil(lambda: len(scripted_host.replies) == requests)  # noqa: B023
            for n in range(4):
                play(qtbot, scripted_host, *tokens(f"part{n} "))
                walk()
            play(qtbot, scripted_host, Done("end_of_turn", STATS))
            qtbot.waitUntil(lambda: not window.session.busy)
            walk()
        assert window.session.chat_id is not None
        chats.append(window.session.chat_id)
        # Regenerate the last reply through its object, walking while it streams.
        press(messages(window)[-1], "Regenerate")
        requests += 1
        qtbot.waitUntil(lambda: len(scripted_host.replies) == requests)  # noqa: B023
        play(qtbot, scripted_host, *tokens("again "))
        walk()
        play(qtbot, scripted_host, Done("end_of_turn", STATS))
        qtbot.waitUntil(lambda: not window.session.busy)
        walk()
        # Edit the first question: everything after it is replaced by the new branch.
        press(messages(window)[0], "Edit")
        qtbot.waitUntil(lambda: window.composer.editing is not None)
        window.send_message(f"Edited {round_}")
        requests += 1
        qtbot.waitUntil(lambda: len(scripted_host.replies) == requests)  # noqa: B023
        walk()
        play(qtbot, scripted_host, *tokens("edited "), Done("end_of_turn", STATS))
        qtbot.waitUntil(lambda: not window.session.busy)
        found = messages(window)
        assert found[0].name == f"You: Edited {round_}"
        assert len(found) == 2
    # Switch between the chats, walking each time; the old chats' objects are gone.
    for chat in chats + chats[::-1]:
        window.open_chat(chat)
        walk()
        assert messages(window)[0].name == f"You: Edited {chats.index(chat)}"
    walker.stop()
    window.new_chat()
    walk()
    assert messages(window) == []
    qtbot.wait(50)  # the dropped objects are deleted; the tree holds none of them
    assert window.chat_view.viewport().findChildren(MessageObject) == []
    assert walks > 100


def test_a_code_block_is_copied_and_a_failed_reply_says_why_and_offers_retry(
    qtbot: QtBot, window: ChatWindow, scripted_host: ScriptedHostClient
) -> None:
    window.send_message("Print hello")
    qtbot.waitUntil(lambda: len(scripted_host.replies) == 1)
    play(qtbot, scripted_host, *tokens("Here:\n\n", "```python\n", "print('hello')\n", "```\n"),
         Done("end_of_turn", STATS))
    reply = messages(window)[1]
    QGuiApplication.clipboard().clear()
    press(reply, "Copy code block 1")
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text().strip() == "print('hello')")

    window.send_message("Again")
    qtbot.waitUntil(lambda: len(scripted_host.replies) == 2)
    play(qtbot, scripted_host, Failed("load", "This file is not a valid GGUF model."))
    qtbot.waitUntil(lambda: not window.session.busy)
    failed = messages(window)[-1]
    assert "not a valid GGUF model" in failed.description, failed.description
    press(failed, "Retry")
    qtbot.waitUntil(lambda: len(scripted_host.replies) == 3)
    play(qtbot, scripted_host, *tokens("Fine."), Done("end_of_turn", STATS))
    qtbot.waitUntil(lambda: text_of(messages(window)[-1]) == "Fine.")


def test_earlier_messages_loaded_above_come_first_among_the_objects(qtbot: QtBot) -> None:
    view = ChatView()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    entries = [PathEntry(Message(id=100 + n, chat_id=1, parent_id=None,
                                 role=Author.USER if n % 2 == 0 else Author.ASSISTANT,
                                 content=f"Message {n}"))
               for n in range(PAGE + 10)]
    view.show_path(entries[10:], 10)
    kept = messages(view)
    assert len(kept) == PAGE and kept[0].name == "You: Message 10"
    view.show_path(entries, 0, keep_in_view=110)  # "show earlier messages"
    found = messages(view)  # in the path's order: the older ones first
    assert [n.name.split(": ")[-1] for n in found] == [f"Message {n}" for n in range(PAGE + 10)]
    assert found[10].interface.object() is kept[0].interface.object()  # kept, not made anew
    assert f"message 11 of {PAGE + 10}" in found[10].description


def test_a_press_or_a_stream_update_pending_when_the_view_goes_does_nothing(
    qtbot: QtBot,
) -> None:
    """The objects die with the view; what was pending for them is dropped with them."""
    view = ChatView()
    view.resize(800, 600)
    view.show()
    question = PathEntry(Message(id=1, chat_id=1, parent_id=None, role=Author.USER,
                                 content="Hello"))
    reply = PathEntry(Message(id=2, chat_id=1, parent_id=1, role=Author.ASSISTANT,
                              content=""))
    view.show_path([question, reply], 0, generating_id=2, stream_text="Hi")
    view.append_token(" there")  # the stream's update is now pending
    qtbot.wait(50)
    node = messages(view)[0]
    assert text_of(messages(view)[1]) == "Hi"  # the object follows within a second
    QGuiApplication.clipboard().setText("before")
    press(node, "Copy")  # the click is animated: it comes later
    view.deleteLater()
    qtbot.wait(STREAM_UPDATE_MS + 200)
    assert QGuiApplication.clipboard().text() == "before"


def long_chat_view(qtbot: QtBot) -> ChatView:
    """A shown view of a 30-message chat whose reply (id 31) starts streaming ("Once")."""
    view = ChatView()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    entries = [PathEntry(Message(id=1 + n, chat_id=1, parent_id=n or None,
                                 role=Author.USER if n % 2 == 0 else Author.ASSISTANT,
                                 content=f"Message {n}: " + "a few words " * 20))
               for n in range(30)]
    reply = PathEntry(Message(id=31, chat_id=1, parent_id=30, role=Author.ASSISTANT,
                              content=""))
    view.show_path([*entries, reply], 0, generating_id=31, stream_text="Once")
    return view


def test_a_streaming_update_places_the_replys_object_alone_and_each_stays_on_its_message(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Placing every object per update would cost the chat's length each time: the update
    places the streaming reply's object only. The others still lie over their messages
    after the view followed the growing reply down (the viewport moves its children)."""
    placed: list[int] = []
    original = MessageObject.place

    def counted(self: MessageObject, rect: QRect) -> None:
        placed.append(self.message_id)
        original(self, rect)

    monkeypatch.setattr(MessageObject, "place", counted)
    view = long_chat_view(qtbot)
    ids = view.message_ids()
    qtbot.waitUntil(lambda: set(placed) == set(ids))  # the layout after the render
    placed.clear()
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum())  # the reader is at the bottom: the view follows the reply
    top = bar.value()
    for n in range(3):
        view.append_token(" upon a time" * 30 + "\n\n")
        qtbot.waitUntil(lambda: placed.count(31) > n,  # noqa: B023
                        timeout=STREAM_UPDATE_MS * 3)
    assert set(placed) == {31}
    assert "upon a time" in text_of(messages(view)[-1])
    assert bar.value() > top  # the view followed the reply down
    for message_id in ids:
        obj = view.message_objects.object_of(message_id)
        assert obj is not None
        assert obj.geometry() == view.message_rect(message_id), message_id


def test_a_long_chat_opened_then_answered_follows_the_reply(qtbot: QtBot) -> None:
    """Opening a long chat scrolls to its end; the scroll bar that then appears narrows the
    text, which grows taller: the view stays at the end, and follows the reply that streams."""
    view = long_chat_view(qtbot)
    bar = view.verticalScrollBar()
    qtbot.wait(100)  # the layout settles: the text reflows once the scroll bar shows
    assert bar.maximum() > 0 and bar.value() == bar.maximum()
    for _ in range(3):
        before = bar.maximum()
        view.append_token(" upon a time" * 40 + "\n\n")
        qtbot.waitUntil(lambda: bar.maximum() > before,  # noqa: B023
                        timeout=STREAM_UPDATE_MS * 4)
        qtbot.waitUntil(lambda: bar.value() == bar.maximum(), timeout=STREAM_UPDATE_MS * 4)
    bar.setValue(bar.maximum() // 2)  # the reader scrolls up: the view stays where they are
    kept = bar.value()
    grown = bar.maximum()
    view.append_token(" and more" * 60)
    qtbot.waitUntil(lambda: bar.maximum() > grown, timeout=STREAM_UPDATE_MS * 4)
    assert bar.value() == kept


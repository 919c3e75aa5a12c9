"""The window beside others' requests on the one engine: it says that its reply waits (for
another app, or for a comparison's target), and its Stop ends only its own reply.

The other app is a request submitted to the controller's real scheduler as the API server
does (``Source.API``); the comparison is the real runner the Compare view uses; the engine
is :class:`tests.scripted_client.ScriptedHostClient`, whose events each test plays to
whichever request runs.
"""

from __future__ import annotations

import threading

import pytest
from pytestqt.qtbot import QtBot

from app.chat.bridge import EngineController
from app.compare.results import ResultState
from app.compare.runner import ComparisonRunner, RunEnded, RunEvent
from app.compare.targets import ComparisonSpec, Target
from app.engine.scheduler import Source
from app.store import ChatStore
from inference.events import (
    ChatMessage,
    ChatRequest,
    Done,
    Event,
    LoadSettings,
    Progress,
    Stats,
    Token,
)
from tests.fakes import MODEL_PATH
from tests.scripted_client import ScriptedHostClient, play, tokens
from tests.ui_helpers import open_window
from ui.main_window import ChatWindow
from ui.status_line import (
    GENERATING_STATUS,
    WAITING_STATUS,
    waiting_comparison_text,
    waiting_turn_text,
)


def waiting_for_one() -> str:
    """The status line's words for one request ahead, in the tests' (English) catalogue,
    which is installed with the application: not at import time."""
    return waiting_turn_text(1)


@pytest.fixture
def window(qtbot: QtBot, controller: EngineController, store: ChatStore,
           scripted_host: ScriptedHostClient) -> ChatWindow:
    opened = open_window(qtbot, controller, store)
    qtbot.waitUntil(lambda: len(scripted_host.preloads) == 1)  # the model is "loaded"
    return opened


def other_app(qtbot: QtBot, controller: EngineController,
              scripted_host: ScriptedHostClient) -> list[Event]:
    """Submit another app's request and return once the engine runs it; its events."""
    received: list[Event] = []
    request = ChatRequest(model_path=MODEL_PATH,
                          messages=(ChatMessage("user", "A question from a script"),))
    controller.scheduler.submit(request, received.append, source=Source.API)
    qtbot.waitUntil(lambda: len(scripted_host.replies) == 1)
    return received


def test_a_reply_that_waits_for_another_app_says_so_until_it_starts(
    qtbot: QtBot, window: ChatWindow, controller: EngineController,
    scripted_host: ScriptedHostClient,
) -> None:
    theirs = other_app(qtbot, controller, scripted_host)
    window.send_message("Hello")
    qtbot.waitUntil(lambda: window.status_line.text() == waiting_for_one())
    play(qtbot, scripted_host, *tokens("Their ", "answer"), Done("end_of_turn", Stats()))
    qtbot.waitUntil(lambda: len(scripted_host.replies) == 2)  # the window's turn came...
    assert window.status_line.text() == waiting_for_one()  # ...but no word of it yet
    play(qtbot, scripted_host, Progress(done=3, total=9))
    assert window.status_line.text() == "Processing prompt 3/9"
    play(qtbot, scripted_host, Token("Hi there"))
    assert window.status_line.text() == GENERATING_STATUS
    play(qtbot, scripted_host, Done("end_of_turn", Stats()))
    qtbot.waitUntil(lambda: not window.session.busy)
    text = window.chat_view.toPlainText()
    assert "Hi there" in text and "Their answer" not in text
    assert "".join(e.text for e in theirs if isinstance(e, Token)) == "Their answer"
    assert "Waiting for" not in window.status_line.text()


def test_a_reply_behind_a_comparisons_target_says_so_and_runs_when_that_target_ends(
    qtbot: QtBot, window: ChatWindow, controller: EngineController,
    scripted_host: ScriptedHostClient,
) -> None:
    spec = ComparisonSpec(prompt="Name one colour.", targets=(
        Target(model=MODEL_PATH, name="first"), Target(model=MODEL_PATH, name="second")))
    run: list[RunEvent] = []
    runner = ComparisonRunner(controller.scheduler, spec, run.append)
    thread = threading.Thread(target=runner.run)
    thread.start()
    try:
        qtbot.waitUntil(lambda: len(scripted_host.replies) == 1)  # the first target runs
        assert controller.scheduler.status().running is Source.COMPARE
        window.send_message("Hello")
        qtbot.waitUntil(lambda: window.status_line.text() == waiting_comparison_text())
        play(qtbot, scripted_host, *tokens("Blue"), Done("end_of_turn", Stats()))
        # The first target's end lets the window's reply in (which of two waiting sources
        # goes first is test_scheduler's: here the second target is not queued yet).
        qtbot.waitUntil(lambda: len(scripted_host.replies) == 2)
        assert scripted_host.replies[1].messages[-1].content == "Hello"
        play(qtbot, scripted_host, Token("Hi there"))
        assert window.status_line.text() == GENERATING_STATUS
        play(qtbot, scripted_host, Done("end_of_turn", Stats()))
        qtbot.waitUntil(lambda: not window.session.busy)
        qtbot.waitUntil(lambda: len(scripted_host.replies) == 3)  # the second target
        play(qtbot, scripted_host, *tokens("Red"), Done("end_of_turn", Stats()))
    finally:
        thread.join(timeout=5)
        if thread.is_alive():  # a failed check: no target is left waiting for events
            runner.stop()
            thread.join(timeout=10)
    ended = run[-1]
    assert isinstance(ended, RunEnded)
    assert [(r.state, r.reply) for r in ended.results] == [
        (ResultState.DONE, "Blue"), (ResultState.DONE, "Red")]
    text = window.chat_view.toPlainText()
    assert "Hi there" in text and "Blue" not in text


def test_stopping_a_waiting_reply_ends_it_at_once_and_not_the_other_apps(
    qtbot: QtBot, window: ChatWindow, controller: EngineController,
    scripted_host: ScriptedHostClient,
) -> None:
    idle = window.status_line.text()
    theirs = other_app(qtbot, controller, scripted_host)
    window.send_message("Hello")
    qtbot.waitUntil(lambda: window.status_line.text() == waiting_for_one())
    window.stop_reply()
    qtbot.waitUntil(lambda: not window.session.busy)
    assert window.status_line.text() == idle  # not "Stopping…": nothing is left to stop
    assert not window.composer.stop_button.isEnabled()
    play(qtbot, scripted_host, Token("Still going"), Done("end_of_turn", Stats()))
    assert [type(e) for e in theirs] == [Token, Done]
    assert scripted_host.cancels == 0
    assert len(scripted_host.replies) == 1  # the window's request never reached the engine


def test_a_reply_behind_the_windows_own_load_does_not_blame_another_app(
    qtbot: QtBot, window: ChatWindow, controller: EngineController,
    scripted_host: ScriptedHostClient,
) -> None:
    scripted_host.script_loads = True
    controller.preload(MODEL_PATH, LoadSettings(n_ctx=2048))  # a load the window asked for
    qtbot.waitUntil(lambda: len(scripted_host.preloads) == 2)
    window.send_message("Hello")
    qtbot.wait(50)  # time for a wrong notice to arrive
    assert window.status_line.text() == WAITING_STATUS
    play(qtbot, scripted_host, Done("", Stats()))  # the load ends; the reply's turn
    play(qtbot, scripted_host, Token("Hi"), Done("end_of_turn", Stats()))
    qtbot.waitUntil(lambda: not window.session.busy)
    assert "Hi" in window.chat_view.toPlainText()


def test_the_waiting_notice_counts_in_words() -> None:
    assert waiting_turn_text(1) == "Waiting for 1 request from another app to finish…"
    assert waiting_turn_text(3) == "Waiting for 3 requests from another app to finish…"

"""The real window, the real engine thread and host process, the real SmolLM2 model."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.chat.bridge import EngineController
from app.settings import Settings
from inference.events import LoadSettings, Sampling
from tests.ui_helpers import open_real_window
from ui.main_window import ChatWindow


@pytest.fixture
def chat(qtbot: QtBot, smollm_path: str) -> Iterator[tuple[ChatWindow, EngineController]]:
    # The values set here beat the model's recommendation; the rest follow it (SmolLM2's
    # greedy answer to the first question below ends by itself after ~185 tokens).
    window, controller, library = open_real_window(qtbot, Settings(
        load=LoadSettings(n_ctx=4096), sampling=Sampling(temperature=0, seed=1, max_tokens=120)
    ))
    window.setProperty("test_library", library)
    yield window, controller
    controller.shutdown()


def test_type_enter_stream_stats_and_screenshot(
    qtbot: QtBot, chat: tuple[ChatWindow, EngineController], artifacts: Path
) -> None:
    window, _ = chat
    assert "Slice" in window.windowTitle()
    # The selected model is loaded at start, before the first message.
    qtbot.waitUntil(lambda: "ready" in window.status_line.status_label.text(), timeout=30_000)
    window.composer.message_box.setFocus()
    qtbot.keyClicks(
        window.composer.message_box, "Explain what a GGUF file is, with a short code example."
    )
    qtbot.keyClick(window.composer.message_box, Qt.Key.Key_Return)
    assert window.composer.message_box.toPlainText() == ""
    assert window.composer.stop_button.isEnabled()

    # Tokens appear progressively: the reply grows over several observations.
    lengths: list[int] = []

    def grown() -> bool:
        lengths.append(len(window.chat_view.plain_text_of_last_reply()))
        return len(set(lengths)) >= 4

    qtbot.waitUntil(grown, timeout=60_000)
    qtbot.waitUntil(lambda: not window.composer.stop_button.isEnabled(), timeout=120_000)

    reply = window.chat_view.plain_text_of_last_reply()
    assert reply.strip()
    stats = window.stats_bar.text()
    for word in ("TTFT", "tok/s", "/ 4096", "Prompt", "Output", "length limit"):
        assert word.lower() in stats.lower(), stats
    assert window.history[-1].role == "assistant"
    qtbot.wait(100)  # let pending layout passes run before the picture
    window.grab().save(str(artifacts / "window_mid_conversation.png"))

    # A follow-up turn in the same conversation works too.
    window.send_message("Thanks! Now say it in one sentence.")
    qtbot.waitUntil(lambda: not window.composer.stop_button.isEnabled(), timeout=120_000)
    assert len(window.history) == 4
    qtbot.wait(100)
    window.grab().save(str(artifacts / "window_two_turns.png"))


def test_stop_during_prompt_processing_and_mid_reply(
    qtbot: QtBot, chat: tuple[ChatWindow, EngineController]
) -> None:
    window, controller = chat
    # Mid-reply.
    window.send_message("Write a very long story about a lighthouse keeper.")
    qtbot.waitUntil(lambda: len(window.chat_view.plain_text_of_last_reply()) > 20, timeout=60_000)
    qtbot.keyClick(window.composer.message_box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.composer.stop_button.isEnabled(), timeout=10_000)
    assert "stopped" in window.stats_bar.text().lower()  # not the length limit of 200
    partial = window.history[-1]
    assert partial.role == "assistant" and partial.content

    # During prompt processing of a long prompt.
    window.send_message("Summarise: " + " ".join(f"item{i}" for i in range(1000)))
    qtbot.waitUntil(
        lambda: "prompt" in window.status_line.status_label.text().lower(), timeout=30_000
    )
    window.composer.stop_button.click()
    qtbot.waitUntil(lambda: not window.composer.stop_button.isEnabled(), timeout=10_000)

    # A reply stopped before its first token leaves no exchange in the conversation.
    assert window.history[-1] == partial

    # Ready for the next message.
    window.send_message("Say hello.")
    qtbot.waitUntil(lambda: not window.composer.stop_button.isEnabled(), timeout=60_000)
    assert window.chat_view.plain_text_of_last_reply().strip()
    assert controller.host_pid is not None


def test_host_crash_keeps_the_window_and_the_next_send_works(
    qtbot: QtBot, chat: tuple[ChatWindow, EngineController]
) -> None:
    window, controller = chat
    window.send_message("Write a very long story about a river.")
    qtbot.waitUntil(lambda: len(window.chat_view.plain_text_of_last_reply()) > 10, timeout=60_000)
    pid = controller.host_pid
    assert pid is not None and pid != os.getpid()
    os.kill(pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: not window.composer.stop_button.isEnabled(), timeout=10_000)
    transcript = window.chat_view.toPlainText()
    assert "killed" in transcript and "Send again" in transcript
    assert window.isVisible()

    window.send_message("Say hello.")
    qtbot.waitUntil(lambda: not window.composer.stop_button.isEnabled(), timeout=60_000)
    assert window.chat_view.plain_text_of_last_reply().strip()
    assert controller.host_pid not in (None, pid)


def test_gemma_base_model_shows_the_fallback_note(
    qtbot: QtBot, chat: tuple[ChatWindow, EngineController], gemma_path: str
) -> None:
    window, _ = chat
    library = window.property("test_library")
    window.model_selection.model_picker.reload(select_path=library.import_file(gemma_path).path)
    window.send_message("Hello")
    qtbot.waitUntil(
        lambda: "gemma" in window.model_selection.template_note.text().lower(), timeout=60_000
    )
    assert window.model_selection.template_note.isVisible()
    assert "template" in window.model_selection.template_note.text().lower()
    window.stop_reply()  # a base model rambles on; the note is what this test is about
    qtbot.waitUntil(lambda: not window.composer.stop_button.isEnabled(), timeout=30_000)

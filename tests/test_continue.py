"""Continuing an interrupted or stopped reply: the prompt ends inside the reply, the engine
extends it, and the window does it on the real model."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.settings import Settings
from app.store import MessageState
from inference.engine import Engine
from inference.events import ChatMessage, ChatRequest, Done, LoadSettings, Sampling, Token
from inference.templates import TemplateError, choose_template, compile_template
from tests.ui_helpers import click_link, link_positions, open_real_window
from ui.main_window import ChatWindow

QUESTION = (ChatMessage("user", "Write three sentences about the sea."),)
LOAD = LoadSettings(n_ctx=1024, n_threads=1, n_threads_batch=1)


def test_the_prompt_ends_inside_the_reply_being_continued() -> None:
    for name in ("chatml", "gemma"):
        template = choose_template(None, architecture="gemma3" if name == "gemma" else "qwen2",
                                   bos="<bos>", eos="<eos>", is_single_token=lambda _t: False)
        conversation = (*QUESTION, ChatMessage("assistant", "The sea is "))
        text = template.render(conversation, continue_last=True)
        assert text.endswith("The sea is ")  # no end of turn, no new turn, spacing kept
        opened = template.render(QUESTION)
        assert text.startswith(opened)  # the same prefix: the KV cache is reused
    with pytest.raises(TemplateError, match="only an assistant reply"):
        template.render(QUESTION, continue_last=True)
    dropping = compile_template("{% for m in messages[:-1] %}{{ m.content }}{% endfor %}",
                                bos="", eos="", source="gguf", name="gguf")
    with pytest.raises(TemplateError, match="cannot continue"):
        dropping.render((*QUESTION, ChatMessage("assistant", "x")), continue_last=True)


def test_the_flag_travels_to_the_inference_host() -> None:
    request = ChatRequest("m.gguf", QUESTION, continue_last=True)
    assert ChatRequest.from_dict(request.to_dict()) == request
    assert not ChatRequest.from_dict(ChatRequest("m.gguf", QUESTION).to_dict()).continue_last


def test_a_continued_greedy_reply_equals_the_uninterrupted_one(smollm_path: str) -> None:
    engine = Engine()

    def reply(messages: tuple[ChatMessage, ...], tokens: int, cont: bool = False) -> str:
        request = ChatRequest(smollm_path, messages, LOAD,
                              Sampling(temperature=0, seed=1, max_tokens=tokens),
                              continue_last=cont)
        events = list(engine.stream_chat(request))
        assert isinstance(events[-1], Done), events[-1]
        return "".join(e.text for e in events if isinstance(e, Token))

    try:
        whole = reply(QUESTION, 40)
        start = reply(QUESTION, 10)
        rest = reply((*QUESTION, ChatMessage("assistant", start)), 30, cont=True)
    finally:
        engine.close()
    assert start and rest and start + rest == whole


@pytest.fixture
def real_window(qtbot: QtBot, smollm_path: str) -> Iterator[ChatWindow]:
    settings = Settings(load=LOAD, sampling=Sampling(temperature=0, seed=3, max_tokens=60))
    window, controller, _library = open_real_window(qtbot, settings)
    yield window
    controller.shutdown()


def test_stop_continue_regenerate_and_edit_on_the_real_model(
    qtbot: QtBot, real_window: ChatWindow
) -> None:
    window = real_window
    store = window.store
    qtbot.waitUntil(lambda: "ready" in window.status_line.status_label.text(), timeout=60_000)
    window.send_message("Write three sentences about the sea.")
    qtbot.waitUntil(lambda: len(window.chat_view.plain_text_of_last_reply()) > 12,
                    timeout=60_000)
    qtbot.keyClick(window.composer.message_box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.session.busy, timeout=20_000)
    reply_id = window.session.path_ids[-1]
    stopped = store.message(reply_id)
    assert stopped.stats["stop_reason"] == "user" and stopped.content

    click_link(qtbot, window.chat_view, "Continue")
    qtbot.waitUntil(lambda: not window.session.busy, timeout=60_000)
    continued = store.message(reply_id)
    assert continued.state == MessageState.DONE and continued.content.startswith(stopped.content)
    assert len(continued.content) > len(stopped.content)
    assert window.session.path_ids[-1] == reply_id  # extended in place, not a new version

    click_link(qtbot, window.chat_view, "Regenerate")
    qtbot.waitUntil(lambda: not window.session.busy, timeout=60_000)
    assert len(store.siblings(reply_id)) == 2
    assert "2/2" in window.chat_view.toPlainText()

    click_link(qtbot, window.chat_view, "Edit")
    window.composer.message_box.setPlainText("Write one sentence about mountains.")
    qtbot.keyClick(window.composer.message_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.session.busy, timeout=60_000)
    assert window.history[0] == ChatMessage("user", "Write one sentence about mountains.")
    assert window.history[1].content.strip()
    assert link_positions(window.chat_view, "◀")  # the sea question is one click away
    fingerprint = store.message(window.session.path_ids[-1]).fingerprint
    assert fingerprint["model"]["sha256"] == (
        "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53")
    assert fingerprint["model"]["quantization"] == "Q4_1"
    assert fingerprint["engine"]["system_info"].startswith("Slice engine")

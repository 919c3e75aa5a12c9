"""A turn renders only a window of a long conversation, to the byte of the whole render; a
template whose render is not local is found out and rendered whole (engine tests, no Qt)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import pytest

from inference.engine import Engine
from inference.events import ChatMessage, ChatRequest, LoadSettings, Sampling
from inference.gguf_info import read_gguf_info
from inference.prompt_cache import Turn, continue_tokens
from inference.template_window import (
    HEAD,
    MIN_MESSAGES,
    VERIFY_EVERY,
    VERIFY_FIRST,
    TemplateWindow,
    rendered_after,
    window_start,
)
from inference.templates import KNOWN_FORMATS, ChatTemplate, compile_template
from tests.conftest import stream_reply

# A ChatML-like format without a default system prompt.
CHATML_LIKE = (
    "{% for m in messages %}{{ '<|im_start|>' + m.role + '\\n' + m.content + '<|im_end|>\\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
# Gemma's own format: the system prompt folded into the first turn, and roles that must
# alternate by the loop index's parity.
GEMMA_PARITY = (
    "{{ bos_token }}{% if messages[0]['role'] == 'system' %}"
    "{% set prefix = messages[0]['content'] + '\\n\\n' %}{% set loop_messages = messages[1:] %}"
    "{% else %}{% set prefix = '' %}{% set loop_messages = messages %}{% endif %}"
    "{% for message in loop_messages %}"
    "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant') }}"
    "{% endif %}"
    "{{ '<start_of_turn>' + ('model' if message['role'] == 'assistant' else 'user') + '\\n'"
    " + (prefix if loop.first else '') + message['content'] | trim + '<end_of_turn>\\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<start_of_turn>model\\n' }}{% endif %}"
)
# Llama 2's: the same parity check, the system prompt inside the first [INST], no
# generation prompt at all.
LLAMA2_PARITY = (
    "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
    "{% set system_message = messages[0]['content'] %}{% else %}"
    "{% set loop_messages = messages %}{% set system_message = false %}{% endif %}"
    "{% for message in loop_messages %}"
    "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant') }}"
    "{% endif %}{% if loop.index0 == 0 and system_message != false %}"
    "{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}"
    "{% else %}{% set content = message['content'] %}{% endif %}"
    "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}"
    "{% elif message['role'] == 'assistant' %}{{ ' ' + content.strip() + ' ' + eos_token }}"
    "{% endif %}{% endfor %}"
)
LOCAL = {
    "chatml-like": CHATML_LIKE,
    "gemma-parity": GEMMA_PARITY,
    "llama2-parity": LLAMA2_PARITY,
    **{f"fallback-{name}": text for name, (text, _) in KNOWN_FORMATS.items()},
}
# Templates whose new text depends on more than the head and the last messages, and why
# the window is refused. Each one's whole render does extend the last turn's text.
NOT_LOCAL = {
    "numbers messages": (
        "{% for m in messages %}{{ loop.index }}. {{ m.role }}: {{ m.content }}\n{% endfor %}"
        "{% if add_generation_prompt %}{{ messages|length + 1 }}. assistant:{% endif %}",
        "differs",
    ),
    "counts messages": (
        "{% for m in messages %}{{ m.role }}{{ '+' if messages|length > 20 }}: {{ m.content }}"
        "\n{% endfor %}{% if add_generation_prompt %}assistant:{% endif %}",
        "differs",
    ),
    "quotes the first question": (
        "{% for m in messages %}{{ m.role }}: {{ m.content }}{% if m.role == 'assistant' %} "
        "(re: {{ messages[1].content }}){% endif %}\n{% endfor %}"
        "{% if add_generation_prompt %}assistant:{% endif %}",
        "differs",
    ),
    "reads the date": (
        "{% for m in messages %}{{ m.role }}: {{ m.content }}"
        "{% if m.role == 'user' %} ({{ strftime_now('%d %b %Y') }}){% endif %}\n{% endfor %}"
        "{% if add_generation_prompt %}assistant:{% endif %}",
        "date",
    ),
    "draws at random": (
        "{% for m in messages %}{{ m.role }}:{{ [' ', '  ', '   ', '    '] | random }}"
        "{{ m.content }}\n{% endfor %}{% if add_generation_prompt %}assistant:{% endif %}",
        "",
    ),
    # The system prompt goes with the last user message: no past turn's text survives.
    "moves the system prompt": (
        "{% set sys = messages[0].content if messages[0].role == 'system' else '' %}"
        "{% for m in messages if m.role != 'system' %}{% if m.role == 'user' %}"
        "[INST] {{ (sys + ' ') if loop.last else '' }}{{ m.content }} [/INST]"
        "{% else %}{{ m.content }}</s>{% endif %}{% endfor %}",
        "no window",
    ),
}
CONTENTS = (
    "What lives near water?",
    "  An otter, mostly.  ",
    "{{ braces }} {% raw %} and <|im_end|> typed as text",
    "two\nlines",
    "quotes ' \" \\ ✓ é 中文",
    "",
    "<end_of_turn> inside",
)


class Counting:
    """A chat template that counts the messages it renders."""

    def __init__(self, template: ChatTemplate) -> None:
        self.template = template
        self.renders: list[int] = []

    def render(
        self,
        messages: Sequence[ChatMessage],
        add_generation_prompt: bool = True,
        continue_last: bool = False,
        now: datetime | None = None,
    ) -> str:
        self.renders.append(len(messages))
        return self.template.render(messages, add_generation_prompt, continue_last, now)


def compiled(text: str) -> ChatTemplate:
    return compile_template(text, bos="<s>", eos="</s>", source="gguf", name="gguf")


def chars(text: str) -> list[int]:
    return [ord(c) for c in text]


@dataclass(frozen=True)
class Seen:
    """One turn of :func:`chat`."""

    length: int  # messages
    text: str  # the prompt text, through the window
    window_text: str | None  # what the window alone gives, verified or not
    whole: str  # the whole render
    renders: tuple[int, ...]  # how many messages each of the turn's renders held

    @property
    def rendered(self) -> int:
        """Messages the turn rendered."""
        return sum(self.renders)


def chat(
    template: Counting, window: TemplateWindow, length: int, system: bool = True,
    conversation: str = "c", start: int = 2,
) -> list[Seen]:
    """Grow a conversation of ``start`` messages turn by turn to ``length`` messages, each
    turn extending the last through the window (as
    :func:`~inference.context_fit.build_prompt` does)."""
    messages = [ChatMessage("system", "Be brief.")] if system else []
    while len(messages) < start or messages[-1].role != "user":
        role = "assistant" if messages and messages[-1].role == "user" else "user"
        messages.append(ChatMessage(role, f"{CONTENTS[len(messages) % len(CONTENTS)]} {role}"))
    turn = Turn(tuple(messages), template.template.render(messages), (), (), "")
    seen: list[Seen] = []
    while len(messages) < length:
        i = len(messages)
        reply = CONTENTS[i % len(CONTENTS)] + f" ({i})"
        messages += [ChatMessage("assistant", reply), ChatMessage("user", f"And {i}? {reply}")]
        turn = Turn(turn.messages, turn.prompt_text, (), (), reply)
        before = len(template.renders)
        built = continue_tokens(turn, messages, window.renderer(turn, conversation), chars)
        # As build_prompt does when the turn cannot be extended (the template rewrote it).
        text = built[1] if built is not None else template.render(messages)
        renders = tuple(template.renders[before:])
        raw = rendered_after(template.template, messages, len(turn.messages))
        seen.append(Seen(len(messages), text, None if raw is None else turn.prompt_text + raw,
                         template.template.render(messages), renders))
        turn = Turn(tuple(messages), text, (), (), "")
    return seen


@pytest.fixture(scope="module")
def starter_template(smollm_path: str) -> ChatTemplate:
    text = read_gguf_info(smollm_path).chat_template
    assert text is not None
    return compiled(text)


def assert_window_is_exact(template: ChatTemplate) -> None:
    """The window is used, and its text is the whole render's on every turn (verified or
    not), with and without a system prompt."""
    counting = Counting(template)
    window = TemplateWindow(counting)
    assert window.local
    for system in (True, False):
        conversation = f"system={system}"
        for turn in chat(counting, window, 90, system, conversation):
            assert turn.text == turn.whole
            assert turn.window_text in (None, turn.whole)
        assert window.turns(conversation) > VERIFY_FIRST


def test_the_starter_template_renders_a_window_to_the_byte(starter_template: ChatTemplate) -> None:
    assert_window_is_exact(starter_template)


@pytest.mark.parametrize("name", sorted(LOCAL))
def test_local_templates_render_a_window_to_the_byte(name: str) -> None:
    assert_window_is_exact(compiled(LOCAL[name]))


def test_the_window_keeps_the_index_parity() -> None:
    for count in range(HEAD + 1, 40):
        start = window_start(count)
        if start is not None:
            assert (start - HEAD) % 2 == 0 and count - start >= 4
    # Gemma's template refuses roles out of step; the window never puts them out of step.
    template = compiled(GEMMA_PARITY)
    for system in (True, False):
        messages = [ChatMessage("system", "S")] if system else []
        for i in range(31):
            messages.append(ChatMessage("user" if i % 2 == 0 else "assistant", f"m{i}"))
        for count in range(len(messages) - 6, len(messages)):
            if messages[count - 1].role == "user":
                assert rendered_after(template, messages, count) is not None


@pytest.mark.parametrize("name", sorted(NOT_LOCAL))
def test_a_template_that_is_not_local_is_rendered_whole(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    text, reason = NOT_LOCAL[name]
    counting = Counting(compiled(text))
    window = TemplateWindow(counting)
    with caplog.at_level(logging.INFO, logger="inference.template_window"):
        assert not window.local
    assert reason in caplog.text and "rendered whole" in caplog.text
    for turn in chat(counting, window, 60, conversation="n"):
        if name != "draws at random":
            assert turn.text == turn.whole
        assert set(turn.renders) == {turn.length}  # the whole conversation, every turn
    assert window.turns("n") == 0


def test_a_long_conversation_renders_the_same_few_messages_each_turn(
    starter_template: ChatTemplate,
) -> None:
    counting = Counting(starter_template)
    window = TemplateWindow(counting)
    assert window.local  # probed before the conversation starts
    turns = [turn for turn in chat(counting, window, 600) if turn.length >= MIN_MESSAGES]
    assert all(turn.text == turn.whole for turn in turns)
    assert window.turns("c") == len(turns) > 280
    checked = [i for i in range(len(turns)) if i < VERIFY_FIRST or i % VERIFY_EVERY == 0]
    # A turn at 600 messages renders as many as one at 30: the head and a window.
    windowed = {turn.rendered for i, turn in enumerate(turns) if i not in checked}
    assert len(windowed) == 1 and windowed.pop() < 16
    # The whole conversation is rendered only on the checked turns: 3, then 1 in 32.
    assert all(turns[i].rendered > turns[i].length for i in checked)
    assert len(checked) == VERIFY_FIRST + (len(turns) - 1) // VERIFY_EVERY


def test_a_slow_template_is_rendered_whole_without_a_long_probe(
    caplog: pytest.LogCaptureFixture,
) -> None:
    slow = compiled(
        "{% for i in range(1000) %}{% for j in range(300) %}{% endfor %}{% endfor %}"
        + CHATML_LIKE
    )
    window = TemplateWindow(slow)
    with caplog.at_level(logging.INFO, logger="inference.template_window"):
        assert not window.local
    assert "too slow to probe" in caplog.text


# Local on every probe, but past its 60th message the template marks each one.
LOCAL_UNTIL_60 = (
    "{% for m in messages %}{{ m.role }}{{ '*' if loop.index0 >= 60 }}: {{ m.content }}\n"
    "{% endfor %}{% if add_generation_prompt %}assistant{{ '*' if messages|length >= 60 }}:"
    "{% endif %}"
)


def test_a_later_check_that_differs_turns_the_window_off_for_good(
    caplog: pytest.LogCaptureFixture,
) -> None:
    counting = Counting(compiled(LOCAL_UNTIL_60))
    window = TemplateWindow(counting)
    assert window.local
    with caplog.at_level(logging.WARNING, logger="inference.template_window"):
        turns = chat(counting, window, 130)
    # The first differing turn comes between two checks; the next check (the 32nd
    # windowed turn, at 24 + 2 * 32 messages) finds it out, and from then on every turn
    # is the whole render.
    checked_at = MIN_MESSAGES + 2 * VERIFY_EVERY
    assert not window.local
    assert caplog.text.count("rendered whole from now on") == 1
    assert f"at {checked_at} messages" in caplog.text
    assert all(turn.text == turn.whole for turn in turns if turn.length >= checked_at)
    assert all(turn.text == turn.whole for turn in turns if turn.length < 60)
    # (Between the two, the unchecked turns did differ: the checks are what caught it.)
    assert any(turn.text != turn.whole for turn in turns if turn.length < checked_at)
    # For every conversation, on this template.
    for turn in chat(counting, window, 80, conversation="other"):
        assert turn.text == turn.whole and set(turn.renders) == {turn.length}


def test_a_conversations_first_windowed_turns_are_checked(
    caplog: pytest.LogCaptureFixture,
) -> None:
    counting = Counting(compiled(LOCAL_UNTIL_60))
    window = TemplateWindow(counting)
    with caplog.at_level(logging.WARNING, logger="inference.template_window"):
        turns = chat(counting, window, 90, start=70)
    assert not window.local and "at 72 messages" in caplog.text
    assert all(turn.text == turn.whole for turn in turns)


def test_greedy_replies_are_the_same_with_the_window_on_and_off(smollm_path: str) -> None:
    load = LoadSettings(n_ctx=2048, n_threads=1)
    history = [ChatMessage("system", "You are a terse assistant.")]
    for i in range(11):  # an earlier conversation: 23 messages once the next question is in
        history += [ChatMessage("user", f"Name animal number {i}."),
                    ChatMessage("assistant", f"Animal {i}: the otter.")]
    replies: dict[bool, list[tuple[str, tuple[int, ...]]]] = {}
    for on in (True, False):
        engine = Engine(window_render=on)
        messages = list(history)
        replies[on] = []
        try:
            for question in ("Name one more.", "Which one swims?", "And flies?",
                             "Say a colour.", "One more colour?", "Thanks!"):
                messages.append(ChatMessage("user", question))
                request = ChatRequest(
                    model_path=smollm_path, messages=tuple(messages), load=load,
                    sampling=Sampling(temperature=0.0, seed=1, max_tokens=12),
                    conversation_id="w",
                )
                text, _, done = stream_reply(engine, request)
                assert done.stats.cached_tokens > 0 or len(replies[on]) == 0
                replies[on].append((text, engine._turns["w"].prompt_tokens))
                messages.append(ChatMessage("assistant", text))
            window = engine._window
            if on:
                assert window is not None and window.local
                assert window.turns("w") == 5  # every turn after the first, past the checks
            else:
                assert window is None
        finally:
            engine.close()
    assert replies[True] == replies[False]

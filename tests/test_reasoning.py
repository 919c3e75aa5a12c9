"""A reasoning model's thinking told apart from its answer: on scripted streams (every way
a tag can be split across tokens), in the chat template, and through the real engine on a
model whose template opens the thinking block in its generation prompt."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from inference.engine import Engine
from inference.events import ChatMessage, ChatRequest, LoadSettings, Sampling, Token
from inference.reasoning import (
    THINK,
    Segment,
    ThinkingSplitter,
    ThinkingTags,
    opens_thinking,
    thinking_tags,
)
from inference.templates import ChatTemplate, compile_template
from tests.conftest import stream_reply
from tests.gguf_factory import write_tiny_model

REPLY = "  <think>\nThe user greets me. I greet back.\n</think>\n\nHello! How can I help?"


def split(pieces: list[str], splitter: ThinkingSplitter | None = None) -> tuple[str, str]:
    """(thinking, answer) of a reply streamed as ``pieces``."""
    splitter = splitter or ThinkingSplitter()
    segments: list[Segment] = []
    for piece in pieces:
        segments += splitter.feed(piece)
    segments += splitter.flush()
    thinking = "".join(s.text for s in segments if s.thinking)
    answer = "".join(s.text for s in segments if not s.thinking)
    return thinking, answer


def test_thinking_and_answer_come_apart_however_the_tags_are_split() -> None:
    expected = ("The user greets me. I greet back.\n", "Hello! How can I help?")
    assert split([REPLY]) == expected
    assert split(list(REPLY)) == expected  # one character per token
    for cut in range(1, len(REPLY)):  # every place a token boundary can fall
        assert split([REPLY[:cut], REPLY[cut:]]) == expected, cut
    for a in range(1, 20):  # the opening tag in three pieces
        for b in range(a + 1, 21):
            assert split([REPLY[:a], REPLY[a:b], REPLY[b:]]) == expected


def test_a_reply_without_thinking_is_all_answer() -> None:
    assert split(["Hello", " there"]) == ("", "Hello there")
    # A tag in the middle of an answer is text (an answer about HTML, say).
    assert split(["Use <b>", " or <think>", " here </think>."]) == (
        "", "Use <b> or <think> here </think>.")
    # A partial tag that never completes comes back as it was.
    assert split(["<thi"]) == ("", "<thi")


def test_held_text_is_released_as_soon_as_it_cannot_be_a_tag() -> None:
    splitter = ThinkingSplitter()
    assert splitter.feed("<th") == []  # could still become <think>
    assert splitter.feed("e") == [Segment("<the", False)]
    assert splitter.answering
    inside = ThinkingSplitter(inside=True)
    assert inside.feed("I think </th") == [Segment("I think ", True)]
    assert inside.thinking
    assert inside.feed("ink>So: 4") == [Segment("So: 4", False)]
    assert inside.answering and not inside.thinking


def test_a_prompt_that_opens_the_block_starts_the_reply_inside_it() -> None:
    assert split(["Let me see.</think>Four."], ThinkingSplitter(inside=True)) == (
        "Let me see.", "Four.")
    # Cut off before it closed (the length limit, Stop): it is all thinking.
    assert split(["Let me see, two and"], ThinkingSplitter(inside=True)) == (
        "Let me see, two and", "")
    assert opens_thinking("<|im_start|>assistant\n<think>\n", THINK)
    assert not opens_thinking("<|im_start|>assistant\n", THINK)


def test_other_tag_pairs_work_the_same() -> None:
    tags = ThinkingTags("[THINK]", "[/THINK]")
    assert split(["[TH", "INK]hm[/TH", "INK] yes"], ThinkingSplitter(tags)) == ("hm", "yes")


# A template in the style of Qwen3's: it strips thinking from earlier replies and opens a
# block in its generation prompt.
THINKING_TEMPLATE = (
    "{%- for message in messages -%}"
    "{%- set content = message['content'] -%}"
    "{%- if message['role'] == 'assistant' and '</think>' in content -%}"
    "{%- set content = content.split('</think>')[-1] -%}"
    "{%- endif -%}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + content + '<|im_end|>\\n' }}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<|im_start|>assistant\\n<think>\\n' }}{%- endif -%}"
)
# One that shows earlier thinking to the model, as some do, through reasoning_content.
KEEPING_TEMPLATE = (
    "{%- for message in messages -%}"
    "{{ '<|im_start|>' + message['role'] + '\\n' }}"
    "{%- if message.reasoning_content -%}"
    "{{ '<think>' + message.reasoning_content + '</think>' }}"
    "{%- endif -%}"
    "{{ message['content'] + '<|im_end|>\\n' }}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<|im_start|>assistant\\n' }}{%- endif -%}"
)
CONVERSATION = (
    ChatMessage("user", "What is 2 + 2?"),
    ChatMessage("assistant", "4.", thinking="Two and two make four."),
    ChatMessage("user", "And 3 + 3?"),
)


def compiled(text: str) -> ChatTemplate:
    return compile_template(text, bos="<s>", eos="</s>", source="gguf", name="gguf")


def test_the_template_declares_the_tags_and_decides_whether_old_thinking_is_seen() -> None:
    assert thinking_tags(THINKING_TEMPLATE) == THINK
    assert thinking_tags(KEEPING_TEMPLATE) == THINK
    assert thinking_tags("{{ messages }}") is None and thinking_tags(None) is None
    assert compiled(THINKING_TEMPLATE).thinking == THINK
    # Thinking is never in an earlier reply's content, so a template that does not ask for
    # it does not show it to the model...
    dropped = compiled(THINKING_TEMPLATE).render(CONVERSATION)
    assert "Two and two" not in dropped and "4." in dropped
    assert dropped.endswith("<|im_start|>assistant\n<think>\n")
    # ...and one that asks for it (reasoning_content) gets it.
    kept = compiled(KEEPING_TEMPLATE).render(CONVERSATION)
    assert "<think>Two and two make four.</think>4." in kept


@pytest.fixture(scope="module")
def thinking_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random-weight model whose template opens a thinking block for every reply."""
    return write_tiny_model(tmp_path_factory.mktemp("thinking") / "thinker.gguf",
                            chat_template=THINKING_TEMPLATE)


def test_the_engine_streams_thinking_apart_when_the_template_opens_it(
    thinking_model: Path,
) -> None:
    engine = Engine()
    request = ChatRequest(
        model_path=str(thinking_model), messages=(ChatMessage("user", "Hi"),),
        load=LoadSettings(n_ctx=256, n_threads=1, n_threads_batch=1, warmup=False),
        sampling=Sampling(temperature=0.0, seed=1, max_tokens=24), loop_guard=False,
        thinking_apart=True,
    )
    try:
        _, events, done = stream_reply(engine, request)
        tokens = [e for e in events if isinstance(e, Token)]
        # The random model never closes the block: everything it wrote is thinking, none
        # of it is the answer, and the stats say so.
        thinking = "".join(t.text for t in tokens if t.thinking)
        assert thinking.strip() and "".join(t.text for t in tokens if not t.thinking) == ""
        stats = done.stats
        assert stats.thinking_tokens == stats.generated_tokens == 24
        assert sum(t.n for t in tokens) == 24
        assert stats.answer_ttft_s == 0.0 and stats.ttft_s > 0 and stats.thinking_ms > 0
        # Without thinking_apart the same reply streams inline, as before, and is still
        # counted as thinking.
        inline, inline_events, inline_done = stream_reply(
            engine, dataclasses.replace(request, thinking_apart=False))
        assert not any(isinstance(e, Token) and e.thinking for e in inline_events)
        assert inline.strip() == thinking.strip()
        assert inline_done.stats.thinking_tokens == 24
    finally:
        engine.close()


# The starter model copies a format it was shown: earlier replies that think in tags.
FEW_SHOT = (
    ChatMessage("system", "Before answering, think inside <think></think> tags."),
    ChatMessage("user", "What is 2 + 2?"),
    ChatMessage("assistant", "<think>Two plus two is four.</think>The answer is 4."),
    ChatMessage("user", "What is 3 + 3?"),
    ChatMessage("assistant", "<think>Three plus three is six.</think>The answer is 6."),
    ChatMessage("user", "What is 5 + 5?"),
)


def test_a_real_model_thinking_in_tags_streams_its_thinking_apart(smollm_path: str) -> None:
    engine = Engine()
    request = ChatRequest(
        model_path=smollm_path, messages=FEW_SHOT,
        load=LoadSettings(n_ctx=1024, n_threads=1, n_threads_batch=1),
        sampling=Sampling(temperature=0.0, max_tokens=60), thinking_apart=True,
    )
    try:
        _, events, done = stream_reply(engine, request)
        tokens = [e for e in events if isinstance(e, Token)]
        thinking = "".join(t.text for t in tokens if t.thinking)
        answer = "".join(t.text for t in tokens if not t.thinking)
        # The tags span several tokens each; neither reaches the text.
        assert thinking.startswith("Five plus five") and "<" not in thinking + answer
        assert answer.startswith("The answer is")
        assert max(t.n for t in tokens) > 1  # a tag's tokens travel with the next text
        assert sum(t.n for t in tokens) == done.stats.generated_tokens
        first_answer = next(i for i, t in enumerate(tokens) if not t.thinking)
        assert all(t.thinking for t in tokens[:first_answer])  # thinking first, then answer
        stats = done.stats
        assert 0 < stats.thinking_tokens < stats.generated_tokens
        assert stats.answer_ttft_s > stats.ttft_s > 0
        # The next turn: the reply goes back with its thinking apart, and SmolLM2's
        # template, which does not ask for it, never shows it to the model.
        follow_up = dataclasses.replace(request, messages=(
            *FEW_SHOT, ChatMessage("assistant", answer, thinking=thinking),
            ChatMessage("user", "Thanks!"),
        ))
        assert engine.llm is not None
        prompt = engine.llm.detokenize(engine.tokenize_chat(follow_up))
        assert answer in prompt and thinking not in prompt
        text, _, _ = stream_reply(engine, follow_up)
        assert text.strip()
    finally:
        engine.close()

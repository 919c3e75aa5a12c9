"""Chat templates: the file's own when usable, a bounded sandbox, a known fallback."""

from __future__ import annotations

import pytest

from inference.events import ChatMessage
from inference.stops import StopMatcher
from inference.templates import TemplateError, choose_template, compile_template

CONVERSATION = (
    ChatMessage("user", "Hi"), ChatMessage("assistant", "Hello"), ChatMessage("user", "Bye")
)


def choose(template: str | None, architecture: str = "gemma3") -> object:
    return choose_template(
        template, architecture=architecture, bos="<bos>", eos="<eos>",
        is_single_token=lambda text: text == "<|im_start|>",
    )


def test_file_template_is_used_when_it_works() -> None:
    chosen = choose("{% for m in messages %}[{{ m.role }}]{{ m.content }}{% endfor %}")
    assert chosen.source == "gguf" and chosen.note == ""
    assert chosen.render(CONVERSATION) == "[user]Hi[assistant]Hello[user]Bye"


def test_missing_template_falls_back_by_architecture_with_a_note() -> None:
    chosen = choose(None, "gemma3")
    assert chosen.source == "fallback" and chosen.name == "gemma"
    assert "no chat template" in chosen.note
    text = chosen.render((ChatMessage("system", "Be brief."), *CONVERSATION))
    assert text == (
        "<bos><start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n"
        "<start_of_turn>model\nHello<end_of_turn>\n"
        "<start_of_turn>user\nBye<end_of_turn>\n<start_of_turn>model\n"
    )
    assert chosen.end_markers == ("<end_of_turn>",)


def test_unknown_architecture_falls_back_by_vocabulary() -> None:
    chosen = choose(None, "llama")
    assert chosen.name == "chatml"
    assert chosen.render(CONVERSATION).endswith("<|im_start|>assistant\n")


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        ("{% for m in messages %}{{ m.content }", "syntax error"),
        ("{{ messages.__class__.__mro__ }}", "sandbox"),
        ("{{ ''.__class__.__subclasses__() }}", "sandbox"),
        ("{% for i in range(100000) %}{% for j in range(100000) %}{% for k in range(10) %}"
         "{% endfor %}{% endfor %}{% endfor %}", "longer than"),
        ("{% for i in range(100000) %}{% for j in range(100000) %}xxxxxxxxxxxxxxxxxxxx"
         "{% endfor %}{% endfor %}", "without bound"),
        ("{{ raise_exception('roles must alternate') }}", "roles must alternate"),
        ("Hello", "drops the conversation"),
    ],
)
def test_unusable_template_falls_back_quickly(template: str, reason: str) -> None:
    chosen = choose(template)
    assert chosen.source == "fallback" and chosen.name == "gemma"
    assert reason in chosen.note


def test_runaway_render_raises_template_error() -> None:
    template = compile_template(
        "{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}",
        bos="", eos="", source="gguf", name="gguf",
    )
    # The sandbox's guards stop it (its deadline or its output bound), with the reason.
    with pytest.raises(TemplateError, match=r"took longer than|grew without bound"):
        template.render(CONVERSATION)


@pytest.mark.parametrize(
    ("chunks", "stops", "shown", "hit"),
    [
        (["Hello ", "wor", "ld"], ["STOP"], "Hello world", False),
        (["Hello ", "ST", "OP now"], ["STOP"], "Hello ", True),
        (["a", "b", "S", "T", "x"], ["STOP"], "abSTx", False),
        (["one\n\nUser:", " more"], ["\nUser:"], "one\n", True),
        (["abc"], [], "abc", False),
    ],
)
def test_stop_matcher(chunks: list[str], stops: list[str], shown: str, hit: bool) -> None:
    matcher = StopMatcher(stops)
    out = []
    was_hit = False
    for chunk in chunks:
        text, was_hit = matcher.feed(chunk)
        out.append(text)
        if was_hit:
            break
    if not was_hit:
        out.append(matcher.flush())
    assert "".join(out) == shown
    assert was_hit == hit

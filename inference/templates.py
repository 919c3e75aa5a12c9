"""Chat templates: the GGUF's own Jinja template, sandboxed and time-bounded, or a fallback.

A model file carries its chat format as a Jinja template (``tokenizer.chat_template``). It is
untrusted input: it runs in Jinja's immutable sandbox, and every render is bounded in time and
output size, because a template loop has no bound of its own. When a file has no template, or
its template cannot be used (syntax error, sandbox violation, runaway render, wrong output),
Slice falls back to the known format of the model's architecture and says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from inference.events import ChatMessage
from inference.reasoning import ThinkingTags, thinking_tags

RENDER_SECONDS = 2.0
RENDER_MAX_CHARS = 8_000_000
# Marks where a reply being continued ends; the rendered prompt is cut there.
_CONTINUE_MARK = "\uffffslice-continue\uffff"

CHATML = (
    "{%- for message in messages -%}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<|im_start|>assistant\\n' }}{%- endif -%}"
)

GEMMA = (
    "{{ bos_token }}"
    "{%- if messages and messages[0]['role'] == 'system' -%}"
    "{%- set first_user_prefix = messages[0]['content'] + '\\n\\n' -%}"
    "{%- set loop_messages = messages[1:] -%}"
    "{%- else -%}"
    "{%- set first_user_prefix = '' -%}"
    "{%- set loop_messages = messages -%}"
    "{%- endif -%}"
    "{%- for message in loop_messages -%}"
    "{%- set role = 'model' if message['role'] == 'assistant' else 'user' -%}"
    "{{ '<start_of_turn>' + role + '\\n' + (first_user_prefix if loop.first else '')"
    " + message['content'] | trim + '<end_of_turn>\\n' }}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<start_of_turn>model\\n' }}{%- endif -%}"
)

LLAMA3 = (
    "{{ bos_token }}"
    "{%- for message in messages -%}"
    "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'"
    " + message['content'] | trim + '<|eot_id|>' }}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}"
    "{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}"
    "{%- endif -%}"
)

PHI3 = (
    "{%- for message in messages -%}"
    "{{ '<|' + message['role'] + '|>\\n' + message['content'] + '<|end|>\\n' }}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<|assistant|>\\n' }}{%- endif -%}"
)

# Formats by name: (template, end-of-turn markers that must stop generation).
KNOWN_FORMATS: dict[str, tuple[str, tuple[str, ...]]] = {
    "chatml": (CHATML, ("<|im_end|>",)),
    "gemma": (GEMMA, ("<end_of_turn>",)),
    "llama3": (LLAMA3, ("<|eot_id|>",)),
    "phi3": (PHI3, ("<|end|>",)),
}

# Each format's marker token: a vocabulary that has it as one token speaks that format.
_MARKERS = {
    "gemma": "<start_of_turn>",
    "llama3": "<|start_header_id|>",
    "chatml": "<|im_start|>",
    "phi3": "<|assistant|>",
}
_ARCH_FORMATS = {
    "gemma": "gemma", "gemma2": "gemma", "gemma3": "gemma", "gemma3n": "gemma",
    "phi3": "phi3", "qwen2": "chatml", "qwen3": "chatml", "qwen2moe": "chatml",
    "qwen3moe": "chatml",
}


class TemplateError(Exception):
    """The template cannot be used; the message says why, for people."""


class _BoundedEnvironment(ImmutableSandboxedEnvironment):
    """Sandbox that stops a render past its deadline.

    Jinja has no time limit; checking the clock on every call and attribute lookup, and on
    every output chunk (see :meth:`ChatTemplate.render`), bounds loops that do work.
    """

    deadline: float = 0.0

    def _check(self) -> None:
        if time.monotonic() > self.deadline:
            raise TemplateError(f"the template took longer than {RENDER_SECONDS:g} s to render")

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        __self._check()
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj: Any, attribute: str) -> Any:
        self._check()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        self._check()
        return super().getitem(obj, argument)


def _raise_exception(message: str) -> None:
    raise TemplateError(f"the template refused the conversation: {message}")


def _strftime_now(fmt: str) -> str:
    return datetime.now().strftime(fmt)


@dataclass(frozen=True)
class ChatTemplate:
    """A compiled chat template and how it was chosen."""

    source: str  # "gguf" or "fallback"
    name: str  # "gguf" or a KNOWN_FORMATS key
    note: str  # why a fallback is in use; empty for the file's own template
    end_markers: tuple[str, ...]
    # The tags around the model's thinking when the template declares them (it mentions
    # the closing one), else None.
    thinking: ThinkingTags | None
    _env: _BoundedEnvironment
    _template: jinja2.Template
    _bos: str
    _eos: str

    def render(
        self,
        messages: Sequence[ChatMessage],
        add_generation_prompt: bool = True,
        continue_last: bool = False,
        now: datetime | None = None,
    ) -> str:
        """Render the conversation to prompt text. Raises :class:`TemplateError`.

        With ``continue_last`` the last message must be the assistant's, and the text ends
        right after its content (the turn is left open so that generation extends it).
        ``now``: the time ``strftime_now`` gives the template (default: the clock's).
        """
        if not continue_last:
            return self._render(messages, add_generation_prompt, now)
        if not messages or messages[-1].role != "assistant":
            raise TemplateError("only an assistant reply can be continued")
        last = messages[-1]
        marked = [*messages[:-1],
                  ChatMessage(last.role, last.content + _CONTINUE_MARK, last.thinking)]
        text = self._render(marked, add_generation_prompt=False, now=now)
        if _CONTINUE_MARK not in text:
            raise TemplateError("this chat format cannot continue a reply")
        return text[: text.index(_CONTINUE_MARK)]

    def _render(
        self, messages: Sequence[ChatMessage], add_generation_prompt: bool, now: datetime | None
    ) -> str:
        self._env.deadline = time.monotonic() + RENDER_SECONDS
        context: dict[str, Any] = {
            # A template that wants earlier thinking reads it as ``reasoning_content`` (as
            # llama.cpp's server passes it); the others never see it.
            "messages": [
                {"role": m.role, "content": m.content,
                 **({"reasoning_content": m.thinking} if m.thinking else {})}
                for m in messages
            ],
            "add_generation_prompt": add_generation_prompt,
            "bos_token": self._bos,
            "eos_token": self._eos,
        }
        if now is not None:  # the render's variables shadow the environment's globals
            context["strftime_now"] = now.strftime
        parts: list[str] = []
        size = 0
        try:
            for chunk in self._template.generate(context):
                size += len(chunk)
                if size > RENDER_MAX_CHARS:
                    raise TemplateError("the template's output grew without bound")
                self._env._check()
                parts.append(chunk)
        except TemplateError:
            raise
        except jinja2.exceptions.SecurityError as exc:
            raise TemplateError(f"the template broke the sandbox rules: {exc}") from exc
        except Exception as exc:  # a template can raise anything while rendering
            raise TemplateError(f"the template failed to render: {exc}") from exc
        return "".join(parts)


def compile_template(
    text: str,
    *,
    bos: str,
    eos: str,
    source: str,
    name: str,
    note: str = "",
    end_markers: tuple[str, ...] = (),
) -> ChatTemplate:
    """Compile ``text`` in the bounded sandbox. Raises :class:`TemplateError`."""
    env = _BoundedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.globals["raise_exception"] = _raise_exception
    env.globals["strftime_now"] = _strftime_now
    try:
        template = env.from_string(text)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"the template has a syntax error (line {exc.lineno}): {exc.message}"
        ) from None
    except Exception as exc:
        raise TemplateError(f"the template cannot be compiled: {exc}") from exc
    return ChatTemplate(source, name, note, end_markers, thinking_tags(text), env, template,
                        bos, eos)


def fallback_format(architecture: str, is_single_token: Callable[[str], bool]) -> str:
    """The known format for a model: by architecture, else by the vocabulary's markers."""
    if architecture in _ARCH_FORMATS:
        return _ARCH_FORMATS[architecture]
    for name, marker in _MARKERS.items():
        if is_single_token(marker):
            return name
    return "chatml"


_PROBE = (
    ChatMessage("system", "S"),
    ChatMessage("user", "Hello"),
    ChatMessage("assistant", "Hi"),
    ChatMessage("user", "Bye"),
)


def choose_template(
    gguf_template: str | None,
    *,
    architecture: str,
    bos: str,
    eos: str,
    is_single_token: Callable[[str], bool],
) -> ChatTemplate:
    """The file's own template when it works, else the architecture's known one.

    The file's template is compiled and test-rendered on a small conversation; any failure
    becomes the fallback's note.
    """
    reason = "the model file has no chat template"
    if gguf_template is not None:
        try:
            markers = tuple(
                marker
                for _, end_markers in KNOWN_FORMATS.values()
                for marker in end_markers
                if marker in gguf_template
            )
            template = compile_template(
                gguf_template, bos=bos, eos=eos, source="gguf", name="gguf", end_markers=markers
            )
            rendered = template.render(_PROBE)
            if "Hello" not in rendered or "Bye" not in rendered:
                raise TemplateError("the template drops the conversation's messages")
            return template
        except TemplateError as exc:
            reason = str(exc)
    name = fallback_format(architecture, is_single_token)
    text, markers = KNOWN_FORMATS[name]
    note = f"Using the {name} chat format for this {architecture or 'unknown'} model: {reason}."
    return compile_template(
        text, bos=bos, eos=eos, source="fallback", name=name, note=note, end_markers=markers
    )

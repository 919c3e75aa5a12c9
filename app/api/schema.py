"""What an OpenAI-compatible request may say, and the engine request it becomes.

Bodies are validated by pydantic models that ignore unknown fields (clients send many that
a local engine has no use for) and name the field of the first invalid value, as OpenAI's
errors do (``messages[1].content``). Sampling values are checked against the ranges of
:class:`~inference.options.Sampling`, the same the window's settings accept. A request
names its model by library id; nothing in a request can name a file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from inference.events import ChatMessage

#: The most messages one request may carry, and characters of text in all of them.
MAX_MESSAGES = 4096
MAX_TEXT_CHARS = 4_000_000
#: The most stop strings (OpenAI allows 4; llama-server more).
MAX_STOPS = 16

_CONFIG = ConfigDict(extra="ignore", str_strip_whitespace=False)


class RequestError(Exception):
    """A request the API refuses; ``param`` names the offending field (OpenAI's ``param``)."""

    def __init__(self, message: str, param: str | None = None, code: str | None = None,
                 status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.code = code
        self.status = status


class _TextPart(BaseModel):
    model_config = _CONFIG
    type: str
    text: str = ""


class _Message(BaseModel):
    model_config = _CONFIG
    role: Literal["system", "developer", "user", "assistant"]
    content: str | list[_TextPart] | None = None

    @field_validator("content")
    @classmethod
    def _text_only(cls, value: str | list[_TextPart] | None) -> str | list[_TextPart] | None:
        if isinstance(value, list):
            for part in value:
                if part.type != "text":
                    raise ValueError(f"content parts of type '{part.type}' are not supported: "
                                     "this server takes text only")
        return value

    def text(self) -> str:
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        return "".join(part.text for part in self.content)


class _StreamOptions(BaseModel):
    model_config = _CONFIG
    include_usage: bool = False


Stop = str | Annotated[list[str], Field(max_length=MAX_STOPS)] | None


class _Common(BaseModel):
    """The fields chat and text completions share."""

    model_config = _CONFIG

    model: str | None = Field(default=None, max_length=256)
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    min_p: float | None = None
    repeat_penalty: float | None = None
    frequency_penalty: float | None = None
    presence_penalty: float | None = None
    seed: int | None = None
    stop: Stop = None
    stream: bool = False
    stream_options: _StreamOptions | None = None
    n: int = Field(default=1, ge=1, le=1)

    def sampling_values(self) -> dict[str, Any]:
        """The sampling fields the request sets (the rest keep the server's defaults)."""
        names = ("temperature", "top_p", "top_k", "min_p", "repeat_penalty",
                 "frequency_penalty", "presence_penalty", "seed")
        values = {name: getattr(self, name) for name in names if getattr(self, name) is not None}
        if self.seed is not None and self.seed < 0:
            values["seed"] = -1  # OpenAI clients send -1 or nothing for "random"
        if self.top_k is not None and self.top_k < 0:
            values["top_k"] = 0  # llama-server: <= 0 means no limit
        return values

    def stops(self) -> tuple[str, ...]:
        stops = [self.stop] if isinstance(self.stop, str) else list(self.stop or ())
        return tuple(s for s in stops if s)

    def include_usage(self) -> bool:
        return self.stream_options is not None and self.stream_options.include_usage


class ChatCompletionBody(_Common):
    """``POST /v1/chat/completions``."""

    messages: list[_Message] = Field(min_length=1, max_length=MAX_MESSAGES)


class CompletionBody(_Common):
    """``POST /v1/completions``: one prompt (a string, or a list holding one string)."""

    prompt: str | Annotated[list[str], Field(min_length=1, max_length=1)]
    echo: bool = False

    def prompt_text(self) -> str:
        return self.prompt if isinstance(self.prompt, str) else self.prompt[0]


@dataclass(frozen=True, slots=True)
class Parsed:
    """A valid request, ready to become an engine request."""

    body: ChatCompletionBody | CompletionBody
    messages: tuple[ChatMessage, ...]  # chat completions
    prompt: str | None  # text completions


def parse_body(raw: bytes, kind: type[ChatCompletionBody] | type[CompletionBody]) -> Parsed:
    """The request in ``raw`` (JSON), or :class:`RequestError` naming what is wrong."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise RequestError(f"The body is not valid JSON: {exc}", code="invalid_json") from None
    if not isinstance(data, dict):
        raise RequestError("The body must be a JSON object.", code="invalid_json")
    try:
        body = kind.model_validate(data)
    except ValidationError as exc:
        raise _request_error(exc) from None
    except RecursionError:
        raise RequestError("The body is nested too deeply.", code="invalid_json") from None
    if isinstance(body, ChatCompletionBody):
        messages = tuple(
            ChatMessage("system" if m.role == "developer" else m.role, m.text())
            for m in body.messages
        )
        size = sum(len(m.content) for m in messages)
        prompt = None
    else:
        messages = ()
        prompt = body.prompt_text()
        size = len(prompt)
    if size > MAX_TEXT_CHARS:
        raise RequestError(f"The request holds {size:,} characters of text; the most is "
                           f"{MAX_TEXT_CHARS:,}.", param="messages" if messages else "prompt",
                           code="context_length_exceeded")
    return Parsed(body=body, messages=messages, prompt=prompt)


def field_path(loc: tuple[int | str, ...]) -> str:
    """A pydantic location as OpenAI names parameters: ``messages[1].content``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in ("str", "list[_TextPart]", "list[str]", "function-after[_text_only()]"):
            continue  # pydantic's name for a branch of a union, not a field
        else:
            path += f".{part}" if path else str(part)
    return path


def _request_error(exc: ValidationError) -> RequestError:
    error = exc.errors(include_url=False)[0]
    param = field_path(tuple(error["loc"]))
    message = str(error["msg"]).removeprefix("Value error, ")
    return RequestError(f"Invalid '{param}': {message}.", param=param or None,
                        code="invalid_value")

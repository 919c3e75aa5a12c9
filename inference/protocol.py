"""The wire protocol between the inference host and its supervisor: JSON lines over pipes.

Both sides import this module and nothing of each other:

- commands, supervisor to host, on the host's stdin: ``{"op": "chat", "id": N,
  "request": {...}}``, ``{"op": "cancel", "id": N}``, ``{"op": "forget", "conversations":
  [...]}`` (drop what is cached of those conversations, in memory and on disk; ``null``:
  of all of them), ``{"op": "exit"}``; a chat command
  may carry only a conversation's new messages, with ``"prefix": {"count": K, "digest":
  D}`` naming the K earlier messages the host already holds (see :class:`Prefix`);
- events, host to supervisor, on a private copy of the host's stdout: one event a line,
  ``{"id": N, "type": ..., ...}`` (:meth:`inference.events.Event.to_dict` plus the id),
  or ``{"id": N, "type": "history_missing"}`` when the host does not hold the prefix a
  command named: the supervisor then sends the whole conversation;
- on stderr, free text kept to explain a crash; a line starting with :data:`ABORT_PREFIX`
  carries llama.cpp's last words before an ``abort()``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from inference.events import ChatMessage, ChatRequest, Event, event_from_dict

#: The frozen app's flag that makes its executable run the inference host.
HOST_FLAG = "--inference-host"
#: The frozen app's flag that makes its executable run the engine probe (inference.probe).
PROBE_FLAG = "--engine-probe"
#: Starts the stderr line that carries llama.cpp's reason for an abort.
ABORT_PREFIX = "llama.cpp abort: "

_ID = "id"
_TYPE = "type"
_TOKEN = "token"
_HISTORY_MISSING = "history_missing"


class ProtocolError(ValueError):
    """A line that is not a well-formed message of this protocol.

    ``request_id`` is the id the line named, when it named one (0 otherwise), so that a
    chat command with a malformed request can still be answered with a failure.
    """

    def __init__(self, message: str, request_id: int = 0) -> None:
        super().__init__(message)
        self.request_id = request_id


class Op(StrEnum):
    """What a command asks of the host."""

    CHAT = "chat"
    CANCEL = "cancel"
    FORGET = "forget"
    EXIT = "exit"


@dataclass(frozen=True, slots=True)
class Prefix:
    """The earlier messages of a conversation that a chat command leaves out.

    The host holds the messages of each conversation's last request; a command whose
    ``request.messages`` are only the new ones names how many earlier messages precede them
    and their :func:`history_digest`, and the host puts them back in front.
    """

    count: int
    digest: str


def history_digest(messages: Sequence[ChatMessage], after: str = "") -> str:
    """A digest of ``messages`` (roles and texts, in order): equal only for equal messages.

    Chained message by message, so that ``history_digest(b, after=history_digest(a))`` is
    ``history_digest(a + b)``: a conversation's digest grows by its new messages alone.
    """
    digest = after
    for message in messages:
        fields = [message.role, message.content]
        if message.thinking:  # (digests of messages without thinking are as before)
            fields.append(message.thinking)
        line = json.dumps(fields, ensure_ascii=False)
        digest = hashlib.sha256(f"{digest}\n{line}".encode()).hexdigest()
    return digest


@dataclass(frozen=True, slots=True)
class Command:
    """One command to the host. ``request`` is set for :attr:`Op.CHAT` only; ``prefix``
    when the request holds only the conversation's new messages; ``conversations`` for
    :attr:`Op.FORGET` (None: every conversation)."""

    op: Op
    request_id: int = 0
    request: ChatRequest | None = None
    prefix: Prefix | None = None
    conversations: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class HistoryMissing:
    """The host's answer to a command whose prefix it does not hold (a new host, an edited
    or forgotten conversation): send the command again with the whole conversation."""


def encode_command(command: Command) -> str:
    """The command as one line of JSON (with its newline)."""
    data: dict[str, Any] = {"op": command.op.value}
    if command.op is not Op.EXIT:
        data[_ID] = command.request_id
    if command.request is not None:
        data["request"] = command.request.to_dict()
    if command.prefix is not None:
        data["prefix"] = {"count": command.prefix.count, "digest": command.prefix.digest}
    if command.op is Op.FORGET:
        data["conversations"] = (
            None if command.conversations is None else list(command.conversations))
    return json.dumps(data, ensure_ascii=False) + "\n"


def decode_command(line: str) -> Command:
    """Parse a command line; raises :class:`ProtocolError` for anything malformed."""
    request_id = 0
    try:
        data = json.loads(line)
        op = Op(data["op"])
        request_id = int(data.get(_ID, 0))
        request = ChatRequest.from_dict(data["request"]) if op is Op.CHAT else None
        raw_prefix = data.get("prefix") if op is Op.CHAT else None
        prefix = None
        if raw_prefix is not None:
            prefix = Prefix(count=int(raw_prefix["count"]), digest=str(raw_prefix["digest"]))
            if prefix.count < 1:
                raise ValueError(f"a prefix of {prefix.count} messages")
        conversations = None
        if op is Op.FORGET and data.get("conversations") is not None:
            names = data["conversations"]
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise ValueError("conversations must be a list of ids")
            conversations = tuple(names)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ProtocolError(f"malformed command {line[:200]!r}: {exc!r}", request_id) from exc
    return Command(op=op, request_id=request_id, request=request, prefix=prefix,
                   conversations=conversations)


def event_payload(request_id: int, event: Event) -> dict[str, Any]:
    """The event as the dict that travels (its fields, ``type`` and ``id``)."""
    payload = event.to_dict()
    payload[_ID] = request_id
    return payload


def is_token(payload: dict[str, Any]) -> bool:
    """Whether a payload carries streamed text (these may be held and merged)."""
    return payload.get(_TYPE) == _TOKEN


def merge_tokens(payloads: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Consecutive token payloads of one request joined into one (texts joined, counts
    added); thinking and answer text stay apart."""
    merged: list[dict[str, Any]] = []
    for payload in payloads:
        last = merged[-1] if merged else None
        if (
            last is not None and is_token(last) and is_token(payload)
            and last.get(_ID) == payload.get(_ID)
            and last.get("thinking", False) == payload.get("thinking", False)
        ):
            last["text"] += payload["text"]
            last["n"] = last.get("n", 1) + payload.get("n", 1)
        else:
            merged.append(dict(payload))
    return merged


def encode_payloads(payloads: Iterable[dict[str, Any]]) -> str:
    """Event payloads as JSON lines (each with its newline)."""
    return "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in payloads)


def history_missing_payload(request_id: int) -> dict[str, Any]:
    """The host's answer to a chat command whose prefix it does not hold."""
    return {_ID: request_id, _TYPE: _HISTORY_MISSING}


def decode_event(line: str) -> tuple[int, Event | HistoryMissing]:
    """(request id, event) of an event line; raises :class:`ProtocolError` if it is not one."""
    try:
        data = json.loads(line)
        request_id = int(data.pop(_ID))
        if data.get(_TYPE) == _HISTORY_MISSING:
            return request_id, HistoryMissing()
        return request_id, event_from_dict(data)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ProtocolError(f"not an event line: {line[:200]!r}") from exc

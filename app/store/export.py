"""Getting conversations out and back in: Markdown (to read) and JSON (lossless).

The JSON export holds each chat's whole tree (every edit and regeneration), its settings,
and every reply's stats and fingerprint; importing it recreates the chats exactly. Message
ids in the file are local to each chat (1, 2, ...), so exporting an imported chat gives the
same file. A chat is known by its ``uuid``: importing one that is already there skips it.
The Markdown export shows each chat's selected path, for people.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.settings import clean_sampling_values
from app.store.chat_store import ChatStore
from app.store.records import (
    DEFAULT_PRESET_LABEL,
    Chat,
    ChatSettings,
    Message,
    MessageState,
    Role,
)
from inference import __version__
from inference.events import Stats

FORMAT = "slice-chats"
FORMAT_VERSION = 1
_STATS_FIELDS = tuple(Stats.__dataclass_fields__)


class InvalidExportError(Exception):
    """The file cannot be imported; the message says why. Nothing was written."""


@dataclass(frozen=True)
class ImportResult:
    imported: int
    messages: int
    skipped: int


# JSON


def chat_to_dict(store: ChatStore, chat: Chat) -> dict[str, Any]:
    """One chat, its whole tree and settings, with message ids local to the chat."""
    messages = store.chat_messages(chat.id)
    local = {m.id: n for n, m in enumerate(messages, start=1)}
    return {
        "uuid": chat.uuid,
        "title": chat.title,
        "created_at": chat.created_at,
        "updated_at": chat.updated_at,
        "settings": {
            "system_prompt": chat.settings.system_prompt,
            "model_path": chat.settings.model_path,
            "preset": chat.settings.preset,
            "overrides": chat.settings.overrides,
            "show_thinking": chat.settings.show_thinking,
        },
        "active_root": local.get(chat.active_root_id or 0),
        "messages": [
            {
                "id": local[m.id],
                "parent": local.get(m.parent_id or 0),
                "active_child": local.get(m.active_child_id or 0),
                "role": m.role,
                "content": m.content,
                # A reasoning model's thinking before the content (absent: none).
                **({"thinking": m.thinking} if m.thinking else {}),
                "state": m.state,
                "error": m.error,
                "model": m.model,
                "created_at": m.created_at,
                "updated_at": m.updated_at,
                "stats": m.stats,
                "fingerprint": m.fingerprint,
            }
            for m in messages
        ],
    }


def export_json(store: ChatStore, chat_ids: Sequence[int]) -> str:
    """The chats as a JSON document (see the module docstring)."""
    chats = [c for c in (store.chat(i) for i in chat_ids) if c is not None]
    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "app": f"Slice {__version__}",
        "chats": [chat_to_dict(store, chat) for chat in chats],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _need(value: Any, kind: type | tuple[type, ...], where: str, name: str) -> Any:
    if isinstance(value, bool) and kind in (int, float, (int, float)):
        raise InvalidExportError(f"{where}: '{name}' must be a number")
    if not isinstance(value, kind):
        names = {str: "text", int: "a whole number", float: "a number", dict: "an object",
                 list: "a list"}
        wanted = names.get(kind, "a number") if isinstance(kind, type) else "a number"
        raise InvalidExportError(f"{where}: '{name}' must be {wanted}")
    return value


def _check_chat(raw: Any, n: int) -> dict[str, Any]:
    where = f"chat {n}"
    chat: dict[str, Any] = _need(raw, dict, where, "chat")
    _need(chat.get("uuid"), str, where, "uuid")
    where = f"chat {n} ({chat.get('title') or chat['uuid']})"
    _need(chat.get("title", ""), str, where, "title")
    for name in ("created_at", "updated_at"):
        _need(chat.get(name), (int, float), where, name)
    settings = _need(chat.get("settings", {}), dict, where, "settings")
    if settings.get("system_prompt") is not None:
        _need(settings["system_prompt"], str, where, "settings.system_prompt")
    for name in ("model_path", "preset"):
        _need(settings.get(name, ""), str, where, f"settings.{name}")
    _need(settings.get("overrides", {}), dict, where, "settings.overrides")
    _need(settings.get("show_thinking", False), bool, where, "settings.show_thinking")
    messages = _need(chat.get("messages"), list, where, "messages")
    seen: set[int] = set()
    for raw_message in messages:
        message = _need(raw_message, dict, where, "messages[]")
        local = _need(message.get("id"), int, where, "message id")
        at = f"{where}, message {local}"
        if local in seen:
            raise InvalidExportError(f"{at}: the id is used twice")
        parent = message.get("parent")
        if parent is not None and parent not in seen:
            raise InvalidExportError(f"{at}: its parent {parent} must come before it in the file")
        if message.get("role") not in set(Role):
            raise InvalidExportError(f"{at}: 'role' must be 'user' or 'assistant'")
        if message.get("state", MessageState.DONE) not in set(MessageState):
            raise InvalidExportError(
                f"{at}: 'state' must be one of {', '.join(MessageState)}"
            )
        for name in ("content", "thinking", "error", "model"):
            _need(message.get(name, ""), str, at, name)
        for name in ("created_at", "updated_at"):
            _need(message.get(name), (int, float), at, name)
        for name in ("stats", "fingerprint"):
            if message.get(name) is not None:
                _need(message[name], dict, at, name)
        seen.add(local)
    for name, value in (("active_root", chat.get("active_root")),):
        if value is not None and value not in seen:
            raise InvalidExportError(f"{where}: '{name}' names no message of the chat")
    return chat


def parse_export(text: str, source: str) -> list[dict[str, Any]]:
    """The chats of an export file, checked. Raises :class:`InvalidExportError`."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise InvalidExportError(f"'{source}' is not JSON ({exc})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InvalidExportError(
            f"'{source}' is not a Slice chat export (it has no \"format\": \"{FORMAT}\")"
        )
    version = document.get("version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise InvalidExportError(
            f"'{source}' was written by a newer Slice (export version {version}); "
            "update Slice to import it"
        )
    chats = _need(document.get("chats"), list, source, "chats")
    return [_check_chat(raw, n) for n, raw in enumerate(chats, start=1)]


def import_chats(store: ChatStore, chats: list[dict[str, Any]]) -> ImportResult:
    """Add checked chats (from :func:`parse_export`) in one transaction; skip known ones."""
    imported = messages = skipped = 0
    with store.transaction():
        for chat in chats:
            if store.chat_by_uuid(chat["uuid"]) is not None:
                skipped += 1
                continue
            imported += 1
            messages += _import_chat(store, chat)
    return ImportResult(imported, messages, skipped)


def _import_chat(store: ChatStore, chat: dict[str, Any]) -> int:
    settings = chat.get("settings", {})
    chat_id = store.create_chat(
        ChatSettings(
            system_prompt=settings.get("system_prompt"),
            model_path=settings.get("model_path", ""),
            preset=settings.get("preset", ""),
            overrides=clean_sampling_values(settings.get("overrides", {})),
            show_thinking=settings.get("show_thinking", False),
        ),
        created_at=chat["created_at"],
        chat_uuid=chat["uuid"],
    )
    ids: dict[int, int] = {}
    for m in chat["messages"]:
        added = store.add_message(
            chat_id, ids.get(m["parent"]) if m.get("parent") is not None else None,
            Role(m["role"]), m.get("content", ""),
            state=MessageState(m.get("state", MessageState.DONE)),
            model=m.get("model", ""), error=m.get("error", ""), stats=m.get("stats"),
            fingerprint=m.get("fingerprint"), created_at=m["created_at"],
            updated_at=m["updated_at"], select=False, thinking=m.get("thinking", ""),
        )
        ids[m["id"]] = added.id
    active_children = {
        ids[m["id"]]: ids[m["active_child"]]
        for m in chat["messages"]
        if m.get("active_child") in ids
    }
    store.set_tree_state(
        chat_id, title=chat.get("title", ""), updated_at=chat["updated_at"],
        active_root_id=ids.get(chat.get("active_root") or 0), active_children=active_children,
    )
    return len(ids)


# Markdown


def _when(stamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(stamp))


def stats_line(stats: dict[str, Any]) -> str:
    """A reply's saved stats as one line (the same words as ``slice-chat chat``)."""
    values = {k: stats[k] for k in _STATS_FIELDS if k in stats and k != "kind"}
    line = Stats(**values).summary()
    e2e = stats.get("ttft_e2e_s")
    if isinstance(e2e, (int, float)):
        line = f"first text on screen after {e2e * 1000:.0f} ms · engine " + line
    return line


def fingerprint_line(fingerprint: dict[str, Any]) -> str:
    """A reply's fingerprint as one line: file, hash, quantization, engine, hardware."""
    model = fingerprint.get("model") or {}
    engine = fingerprint.get("engine") or {}
    remote = fingerprint.get("remote")
    if isinstance(remote, dict):
        said = remote.get("engine") or ""
        return " · ".join([
            f"{remote.get('model_id', '?')} on {remote.get('provider', '?')}",
            f"server engine {said}" if said else "the server did not name its engine",
            f"Slice {engine.get('slice', '?')}",
        ])
    hardware = fingerprint.get("hardware") or {}
    sha = str(model.get("sha256") or "")
    parts = [
        f"{model.get('file', '?')}"
        + (f" ({model['quantization']})" if model.get("quantization") else ""),
        f"SHA-256 {sha[:12]}…" if sha else "SHA-256 not yet known",
        f"Slice {engine.get('slice', '?')} on {engine.get('backend') or 'cpu'}",
        f"{hardware.get('cpu', '?')}, threads {hardware.get('threads') or 'auto'}, "
        f"GPU layers {hardware.get('gpu_layers', '?')}",
    ]
    return " · ".join(parts)


# A reply's thinking's titles (the window shows them translated: ui/app_texts.py).
THINKING_STREAMING = "Thinking…"
THOUGHT_FOR = "Thought for {seconds} s"
THINKING = "Thinking"


def thinking_title(stats: dict[str, Any] | None, streaming: bool = False) -> str:
    """How a reply's thinking is titled: "Thinking…" while it streams, then "Thought for
    4.2 s" (or "Thinking" when the time is not known)."""
    if streaming:
        return THINKING_STREAMING
    ms = (stats or {}).get("thinking_ms")
    if isinstance(ms, (int, float)) and not isinstance(ms, bool) and ms > 0:
        return THOUGHT_FOR.format(seconds=f"{ms / 1000:.1f}")
    return THINKING


def _thinking_markdown(message: Message) -> list[str]:
    """The thinking as a folded block, each line quoted: marked apart from the reply."""
    quoted = "\n".join(f"> {line}" if line else ">" for line in
                       message.thinking.strip().splitlines())
    return ["<details>", f"<summary>{thinking_title(message.stats)}</summary>", "",
            quoted, "", "</details>", ""]


def _message_markdown(message: Message, sibling: tuple[int, int]) -> list[str]:
    author = "You" if message.role == Role.USER else (message.model or "Assistant")
    version = f" (version {sibling[0]} of {sibling[1]})" if sibling[1] > 1 else ""
    lines = [f"### {author}{version}", ""]
    if message.thinking.strip():
        lines += _thinking_markdown(message)
    lines += [message.content.rstrip() or "*(no text)*", ""]
    if message.state == MessageState.PARTIAL:
        lines += ["> ⚠ This reply was interrupted before it finished.", ""]
    elif message.state == MessageState.FAILED:
        lines += [f"> ⚠ {message.error or 'This reply failed.'}", ""]
    if message.stats:
        lines += [f"<sub>{stats_line(message.stats)}</sub>", ""]
    if message.fingerprint:
        lines += [f"<sub>{fingerprint_line(message.fingerprint)}</sub>", ""]
    return lines


def chat_markdown(store: ChatStore, chat: Chat) -> str:
    """One chat's selected path as Markdown."""
    entries = store.path_entries(store.path_ids(chat.id))
    preset = chat.settings.preset or DEFAULT_PRESET_LABEL
    lines = [
        f"# {chat.title or 'Untitled chat'}",
        "",
        f"*Created {_when(chat.created_at)} · last active {_when(chat.updated_at)} · "
        f"{len(entries)} messages · preset {preset}*",
        "",
    ]
    if chat.settings.system_prompt:
        lines += ["**System prompt:**", "", "> " + chat.settings.system_prompt.replace(
            "\n", "\n> "), ""]
    for entry in entries:
        lines += _message_markdown(entry.message, (entry.sibling_index, entry.sibling_count))
    return "\n".join(lines).rstrip() + "\n"


def export_markdown(store: ChatStore, chat_ids: Sequence[int]) -> str:
    """The chats as one Markdown document, separated by rules."""
    chats = [c for c in (store.chat(i) for i in chat_ids) if c is not None]
    return "\n---\n\n".join(chat_markdown(store, chat) for chat in chats)

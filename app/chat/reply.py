"""The reply being written: the model it comes from, its request, and what streamed so far.

:class:`ReplyWriter` starts one at a time; this module builds the engine request for it from
the shown path and the settings, and its fingerprint when it is finished.
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from app.chat.conversation import conversation_messages
from app.chat.fingerprint import FileHasher, build_fingerprint, remote_fingerprint
from app.chat.presets import effective_sampling, system_prompt
from app.engine.snapshots import chat_conversation_id
from app.models.gpu_fit import resolve_load
from app.models.recommended import model_recommendation
from app.paths import app_paths
from app.remote.refs import is_remote
from app.settings import Settings
from app.store.chat_store import ChatStore
from app.store.records import ChatSettings, Message
from inference.events import ChatMessage, ChatRequest, ModelInfo, Stats

# The host sends a fast model's tokens in groups at most this far apart (the view paints
# every ~33 ms anyway): one wake-up of the GUI process per group, not per token.
STREAM_BATCH_MS = 25


@dataclass(frozen=True)
class ModelChoice:
    """The model a reply comes from, as the window knows it."""

    path: str
    name: str
    sha256: str = ""
    quantization: str = ""


@dataclass
class StreamingReply:
    """A reply in progress: its message, its request, and the text received so far."""

    message_id: int
    chat_id: int
    request_id: int
    request: ChatRequest
    model: ModelChoice
    prefix: str = ""  # text already there when continuing
    parts: list[str] = field(default_factory=list)
    thinking_prefix: str = ""  # thinking already there when continuing
    thinking_parts: list[str] = field(default_factory=list)
    dirty: bool = False  # text arrived since the last save
    ttft_e2e_s: float | None = None
    last_stats: Stats | None = None  # the latest live figures

    def text(self) -> str:
        """The reply's whole text so far."""
        return self.prefix + "".join(self.parts)

    def thinking(self) -> str:
        """The reply's thinking so far (a reasoning model's, before its answer)."""
        return self.thinking_prefix + "".join(self.thinking_parts)


def chat_request(
    path: list[Message],
    model: ModelChoice,
    settings: Settings,
    chat: ChatSettings,
    user_presets: dict[str, dict[str, Any]],
    chat_id: int,
    continue_last: bool,
    *,
    past_loop: bool = False,
    model_sha256: str = "",
) -> ChatRequest:
    """The engine request for a reply after ``path`` (the shown messages before it).

    ``past_loop``: the user continues a reply the loop guard stopped ("Continue anyway"),
    so this one runs without the guard. ``model_sha256``: the model file's hash when it is
    known (the library's, else the one remembered for the file): the chat's snapshot on
    disk is keyed by it.
    """
    turns = conversation_messages(path)
    prompt = system_prompt(settings, chat)
    if prompt:
        turns.insert(0, ChatMessage("system", prompt))
    return ChatRequest(
        model_path=model.path,
        messages=tuple(turns),
        load=settings.load,  # GPU layers Auto is resolved on the engine thread
        sampling=effective_sampling(
            settings, chat, user_presets, model_recommendation(model.path, settings.load)
        ),
        continue_last=continue_last,
        # Each chat keeps its own token history and KV snapshot in the engine.
        conversation_id=chat_conversation_id(chat_id),
        overflow=settings.overflow,
        speculative=settings.speculative,
        loop_guard=settings.loop_guard and not past_loop,
        snapshot_budget_mb=settings.snapshot_budget_mb,
        stream_batch_ms=STREAM_BATCH_MS,
        snapshot_disk_mb=settings.snapshot_disk_mb,
        snapshot_dir=str(app_paths().snapshots),
        model_sha256=model_sha256 or model.sha256,
        thinking_apart=True,  # the window shows a reasoning model's thinking in its own block
    )


def reply_fingerprint(
    reply: StreamingReply, store: ChatStore, hasher: FileHasher, info: ModelInfo | None
) -> dict[str, Any]:
    """What a finished reply was made with: model file and hash, load and sampling settings.

    The model's SHA-256 comes from the library, else from the store's memory of the file,
    else from ``hasher`` (computed in the background while the reply streamed).
    """
    model = reply.model
    if is_remote(model.path):
        return remote_fingerprint(model_path=model.path, model_name=model.name, info=info,
                                  sampling=reply.request.sampling)
    sha = model.sha256
    key = FileHasher.key(model.path)
    if not sha and key is not None:
        sha = store.known_sha256(*key) or hasher.result(key) or ""
        if sha and store.known_sha256(*key) is None:
            with contextlib.suppress(sqlite3.Error):
                store.remember_sha256(*key, sha)
    if info is not None and FileHasher.key(info.path) != key:
        info = None
    return build_fingerprint(
        model_path=model.path, model_name=model.name, sha256=sha,
        quantization=model.quantization, info=info,
        # What was loaded: GPU layers Auto as the count it resolved to (remembered).
        load=resolve_load(model.path, reply.request.load, wait=False),
        sampling=reply.request.sampling,
    )

"""The KV snapshots the engine keeps of each chat: their conversation ids, their files in
the snapshot folder, and forgetting them (a chat deleted, the cache cleared).

The inference host keeps a conversation's KV cache in RAM and, past that and when it
exits, in ``snapshots/`` of the cache folder (:mod:`inference.snapshot_disk`), where a later
host finds it. Forgetting goes both ways: the running host drops what it holds (else it
would write it again when it exits), and the files are deleted here, whether a host runs
or not.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from app.paths import app_paths
from inference.snapshot_files import (
    FolderUsage,
    clear_folder,
    folder_usage,
    remove_conversation,
)

if TYPE_CHECKING:
    from app.engine.scheduler import Scheduler


def chat_conversation_id(chat_id: int) -> str:
    """The engine's conversation id of chat ``chat_id`` (its cache and snapshot file)."""
    return f"chat-{chat_id}"


def snapshot_folder() -> Path:
    """Where the host keeps the snapshots it writes to disk."""
    return app_paths().snapshots


def cache_usage() -> FolderUsage:
    """The snapshot files on disk now."""
    return folder_usage(snapshot_folder())


def describe_usage(usage: FolderUsage) -> str:
    """``3 chats, 45.2 MB`` (or ``nothing``)."""
    if not usage.files:
        return "nothing"
    chats = "1 chat" if usage.files == 1 else f"{usage.files} chats"
    return f"{chats}, {usage.bytes / 1024 / 1024:.1f} MB"


def forget_chats(scheduler: Scheduler | None, chat_ids: Iterable[int]) -> int:
    """Drop the caches of ``chat_ids`` in the running host (if any) and delete their
    files; returns how many files there were."""
    ids = [chat_conversation_id(chat_id) for chat_id in chat_ids]
    if scheduler is not None:
        scheduler.forget(ids)
    folder = snapshot_folder()
    return sum(remove_conversation(folder, conversation_id) for conversation_id in ids)


def clear_cache(scheduler: Scheduler | None) -> FolderUsage:
    """Drop every conversation's cache in the running host (if any) and delete every
    snapshot file; what was on disk."""
    if scheduler is not None:
        scheduler.forget(None)
    return clear_folder(snapshot_folder())

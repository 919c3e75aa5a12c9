"""The chat store: conversations, their message trees, presets and model hashes, in one
SQLite file (see :mod:`app.store.database` for the durability choices and
:mod:`app.store.tree` for the trees)."""

from __future__ import annotations

import re
import time
import uuid as uuid_module
from collections.abc import Iterable
from typing import Any

from app.store.database import (
    CHAT_COLUMNS,
    StoreError,
    chat_from_row,
    from_json,
    to_json,
)
from app.store.records import Chat, ChatSettings, ChatSummary
from app.store.tree import MessageTree

__all__ = ["ChatStore", "StoreError"]


class ChatStore(MessageTree):
    """All conversations, their message trees, presets and model hashes, in one file.

    Not thread-safe: use it from one thread (the GUI's). Opening applies pending
    migrations; a database from a newer Slice raises
    :class:`~app.store.schema.NewerSchemaError` and is left untouched.
    """

    # Chats

    def create_chat(
        self,
        settings: ChatSettings | None = None,
        title: str = "",
        *,
        created_at: float | None = None,
        chat_uuid: str | None = None,
    ) -> int:
        """Add an empty chat; returns its id."""
        settings = settings or ChatSettings()
        now = time.time() if created_at is None else created_at
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO chats (uuid, title, created_at, updated_at, system_prompt, "
                "model_path, preset, overrides, show_thinking) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    chat_uuid or str(uuid_module.uuid4()), title, now, now,
                    settings.system_prompt, settings.model_path, settings.preset,
                    to_json(settings.overrides) or "{}", int(settings.show_thinking),
                ),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def chat(self, chat_id: int) -> Chat | None:
        """The chat with this id (deleted or not), or None."""
        row = self._conn.execute(
            f"SELECT {CHAT_COLUMNS} FROM chats WHERE id = ?", (chat_id,)
        ).fetchone()
        return chat_from_row(row) if row else None

    def chat_by_uuid(self, chat_uuid: str) -> Chat | None:
        row = self._conn.execute(
            f"SELECT {CHAT_COLUMNS} FROM chats WHERE uuid = ?", (chat_uuid,)
        ).fetchone()
        return chat_from_row(row) if row else None

    def chat_summaries(self) -> list[ChatSummary]:
        """Every chat not deleted, most recently active first."""
        return [
            ChatSummary(*row)
            for row in self._conn.execute(
                "SELECT id, title, updated_at FROM chats WHERE deleted_at IS NULL "
                "ORDER BY updated_at DESC, id DESC"
            )
        ]

    def chat_ids(self) -> list[int]:
        """Ids of every chat not deleted, oldest first."""
        return [r[0] for r in self._conn.execute(
            "SELECT id FROM chats WHERE deleted_at IS NULL ORDER BY id"
        )]

    def rename_chat(self, chat_id: int, title: str) -> None:
        title = re.sub(r"\s+", " ", title).strip()
        if not title:
            raise StoreError("A chat's name cannot be empty.")
        with self.transaction() as conn:
            conn.execute("UPDATE chats SET title = ? WHERE id = ?", (title, chat_id))

    def update_settings(self, chat_id: int, settings: ChatSettings) -> None:
        """Replace a chat's system prompt, model, preset, sampling overrides and thinking
        switch."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE chats SET system_prompt = ?, model_path = ?, preset = ?, overrides = ?, "
                "show_thinking = ? WHERE id = ?",
                (
                    settings.system_prompt, settings.model_path, settings.preset,
                    to_json(settings.overrides) or "{}", int(settings.show_thinking), chat_id,
                ),
            )

    def delete_chat(self, chat_id: int) -> None:
        """Hide a chat (it can be restored until :meth:`purge_deleted`)."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE chats SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
                (time.time(), chat_id),
            )

    def restore_chat(self, chat_id: int) -> None:
        """Undo :meth:`delete_chat`."""
        with self.transaction() as conn:
            conn.execute("UPDATE chats SET deleted_at = NULL WHERE id = ?", (chat_id,))

    def purge_deleted(self, keep: Iterable[int] = ()) -> int:
        """Remove deleted chats for good (but those in ``keep``); returns how many."""
        kept = set(keep)
        ids = [
            r[0]
            for r in self._conn.execute("SELECT id FROM chats WHERE deleted_at IS NOT NULL")
            if r[0] not in kept
        ]
        with self.transaction() as conn:
            for chat_id in ids:
                # Children first keeps each cascade step small.
                conn.execute(
                    "DELETE FROM messages WHERE chat_id = ? AND parent_id IS NOT NULL", (chat_id,)
                )
                conn.execute("DELETE FROM messages WHERE chat_id = ?", (chat_id,))
                conn.execute("DELETE FROM chats WHERE id = ?", (chat_id,))
        return len(ids)

    # Model file hashes (for fingerprints)

    def known_sha256(self, path: str, size: int, mtime_ns: int) -> str | None:
        row = self._conn.execute(
            "SELECT sha256 FROM model_files WHERE path = ? AND size = ? AND mtime_ns = ?",
            (path, size, mtime_ns),
        ).fetchone()
        return str(row[0]) if row else None

    def remember_sha256(self, path: str, size: int, mtime_ns: int, sha256: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO model_files (path, size, mtime_ns, sha256) "
                "VALUES (?, ?, ?, ?)",
                (path, size, mtime_ns, sha256),
            )

    # Presets

    def user_presets(self) -> dict[str, dict[str, Any]]:
        """The user's saved sampling presets by name."""
        return {
            name: from_json(values) or {}
            for name, values in self._conn.execute(
                "SELECT name, sampling FROM presets ORDER BY name COLLATE NOCASE"
            )
        }

    def save_preset(self, name: str, values: dict[str, Any]) -> None:
        name = name.strip()
        if not name:
            raise StoreError("A preset needs a name.")
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO presets (name, sampling, created_at) VALUES (?, ?, ?)",
                (name, to_json(values), time.time()),
            )

    def delete_preset(self, name: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM presets WHERE name = ?", (name,))

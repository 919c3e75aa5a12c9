"""The chat store: conversations as trees of messages in one SQLite file.

Durability choices (see DESIGN.md, "acknowledged = durable"):

- WAL journal: readers (the CLI's export, the backup thread) never block the writer, and a
  process killed mid-write leaves the last committed state intact.
- ``synchronous=FULL``: every commit is flushed to disk before it returns, so a message the
  window has shown as sent survives a power cut too, not only a crash of the app. Slice
  commits a handful of times a second at most (the user's message, a streaming reply's text
  every ~0.4 s), so the flush costs nothing anyone notices.
- Foreign keys on: deleting a chat deletes its messages.

The selected path of a conversation is kept in the tree itself: each message points at the
child shown after it (``active_child_id``) and the chat at its shown first message
(``active_root_id``), so a path is read with one recursive query however long it is.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
import uuid as uuid_module
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from app.store.records import (
    ROLE_ASSISTANT,
    ROLE_USER,
    STATE_DONE,
    STATE_PARTIAL,
    Chat,
    ChatSettings,
    ChatSummary,
    Message,
    PathEntry,
)
from app.store.schema import migrate

BUSY_TIMEOUT_S = 10.0
TITLE_CHARS = 60
_CHUNK = 500  # ids per IN (...) query, well under SQLite's parameter limit

_MESSAGE_COLUMNS = (
    "id, chat_id, parent_id, role, content, state, error, model, created_at, updated_at, "
    "stats, fingerprint, active_child_id"
)
_CHAT_COLUMNS = (
    "id, uuid, title, created_at, updated_at, deleted_at, active_root_id, system_prompt, "
    "model_path, preset, overrides"
)


class StoreError(Exception):
    """A request the store cannot carry out; the message says why, for people."""


def connect(path: Path) -> sqlite3.Connection:
    """Open ``path`` with Slice's settings (autocommit mode: transactions are explicit).

    Raises ``sqlite3.DatabaseError`` when the file is not a database.
    """
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_S)
    try:
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise sqlite3.DatabaseError(f"cannot use a WAL journal (got {mode!r})")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
    except BaseException:
        conn.close()
        raise
    return conn


def title_from(text: str) -> str:
    """A chat title from its first message: the first line, cut at a word near 60 chars."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    line = re.sub(r"\s+", " ", line)
    if len(line) <= TITLE_CHARS:
        return line
    cut = line[:TITLE_CHARS]
    if " " in cut[TITLE_CHARS // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:-") + "…"


def _json(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _unjson(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _message(row: Sequence[Any]) -> Message:
    return Message(
        id=row[0], chat_id=row[1], parent_id=row[2], role=row[3], content=row[4], state=row[5],
        error=row[6], model=row[7], created_at=row[8], updated_at=row[9],
        stats=_unjson(row[10]), fingerprint=_unjson(row[11]), active_child_id=row[12],
    )


def _chat(row: Sequence[Any]) -> Chat:
    overrides = _unjson(row[10]) or {}
    return Chat(
        id=row[0], uuid=row[1], title=row[2], created_at=row[3], updated_at=row[4],
        deleted_at=row[5], active_root_id=row[6],
        settings=ChatSettings(
            system_prompt=row[7], model_path=row[8], preset=row[9], overrides=overrides
        ),
    )


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


class ChatStore:
    """All conversations, their message trees, presets and model hashes, in one file.

    Not thread-safe: use it from one thread (the GUI's). Opening applies pending
    migrations; a database from a newer Slice raises
    :class:`~app.store.schema.NewerSchemaError` and is left untouched.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._conn = connect(self.path)
        self._depth = 0
        try:
            migrate(self._conn, str(self.path))
        except BaseException:
            self._conn.close()
            raise

    @property
    def connection(self) -> sqlite3.Connection:
        """The underlying connection (for the search, backup and export helpers)."""
        return self._conn

    def close(self) -> None:
        """Close the database (the last connection to close checkpoints the WAL)."""
        self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write; nested uses join the outer transaction."""
        if self._depth:
            self._depth += 1
            try:
                yield self._conn
            finally:
                self._depth -= 1
            return
        self._conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self._conn
            self._conn.execute("COMMIT")
        except BaseException:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise
        finally:
            self._depth = 0

    def quick_check(self) -> list[str]:
        """SQLite's quick integrity check: ``[]`` when the file is sound, else the problems."""
        rows = [str(r[0]) for r in self._conn.execute("PRAGMA quick_check")]
        return [] if rows == ["ok"] else rows

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
                "model_path, preset, overrides) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    chat_uuid or str(uuid_module.uuid4()), title, now, now,
                    settings.system_prompt, settings.model_path, settings.preset,
                    _json(settings.overrides) or "{}",
                ),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def chat(self, chat_id: int) -> Chat | None:
        """The chat with this id (deleted or not), or None."""
        row = self._conn.execute(
            f"SELECT {_CHAT_COLUMNS} FROM chats WHERE id = ?", (chat_id,)
        ).fetchone()
        return _chat(row) if row else None

    def chat_by_uuid(self, chat_uuid: str) -> Chat | None:
        row = self._conn.execute(
            f"SELECT {_CHAT_COLUMNS} FROM chats WHERE uuid = ?", (chat_uuid,)
        ).fetchone()
        return _chat(row) if row else None

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
        """Replace a chat's system prompt, model, preset and sampling overrides."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE chats SET system_prompt = ?, model_path = ?, preset = ?, overrides = ? "
                "WHERE id = ?",
                (
                    settings.system_prompt, settings.model_path, settings.preset,
                    _json(settings.overrides) or "{}", chat_id,
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

    # Messages

    def add_message(
        self,
        chat_id: int,
        parent_id: int | None,
        role: str,
        content: str,
        *,
        state: str = STATE_DONE,
        model: str = "",
        error: str = "",
        stats: dict[str, Any] | None = None,
        fingerprint: dict[str, Any] | None = None,
        created_at: float | None = None,
        updated_at: float | None = None,
        select: bool = True,
    ) -> Message:
        """Add a message under ``parent_id`` (None: a first message).

        With ``select`` the new message becomes the shown one among its siblings. The chat
        moves to the top of the list, and a chat without a title takes it from its first
        user message.
        """
        now = time.time() if created_at is None else created_at
        updated = now if updated_at is None else updated_at
        with self.transaction() as conn:
            if parent_id is not None:
                parent = conn.execute(
                    "SELECT chat_id FROM messages WHERE id = ?", (parent_id,)
                ).fetchone()
                if parent is None or parent[0] != chat_id:
                    raise StoreError(f"Message {parent_id} is not in chat {chat_id}.")
            cursor = conn.execute(
                "INSERT INTO messages (chat_id, parent_id, role, content, state, error, model, "
                "created_at, updated_at, stats, fingerprint) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    chat_id, parent_id, role, content, state, error, model, now, updated,
                    _json(stats), _json(fingerprint),
                ),
            )
            message_id = cursor.lastrowid
            assert message_id is not None
            if select:
                if parent_id is None:
                    conn.execute(
                        "UPDATE chats SET active_root_id = ? WHERE id = ?", (message_id, chat_id)
                    )
                else:
                    conn.execute(
                        "UPDATE messages SET active_child_id = ? WHERE id = ?",
                        (message_id, parent_id),
                    )
            conn.execute(
                "UPDATE chats SET updated_at = max(updated_at, ?) WHERE id = ?", (updated, chat_id)
            )
            if role == ROLE_USER:
                conn.execute(
                    "UPDATE chats SET title = ? WHERE id = ? AND title = ''",
                    (title_from(content), chat_id),
                )
        return Message(
            id=message_id, chat_id=chat_id, parent_id=parent_id, role=role, content=content,
            state=state, error=error, model=model, created_at=now, updated_at=updated,
            stats=stats, fingerprint=fingerprint,
        )

    def start_exchange(
        self, chat_id: int, parent_id: int | None, text: str, model: str
    ) -> tuple[Message, Message]:
        """Commit the user's message and an empty, partial reply under it, atomically."""
        with self.transaction():
            user = self.add_message(chat_id, parent_id, ROLE_USER, text)
            reply = self.add_message(
                chat_id, user.id, ROLE_ASSISTANT, "", state=STATE_PARTIAL, model=model
            )
        return user, reply

    def start_reply(self, chat_id: int, parent_id: int, model: str) -> Message:
        """Commit an empty, partial reply to the user message ``parent_id`` (a regeneration)."""
        return self.add_message(
            chat_id, parent_id, ROLE_ASSISTANT, "", state=STATE_PARTIAL, model=model
        )

    def save_partial(self, message_id: int, content: str) -> None:
        """Save the text of a reply that is still streaming."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE messages SET content = ?, updated_at = ? WHERE id = ? AND state = ?",
                (content, time.time(), message_id, STATE_PARTIAL),
            )

    def finish_message(
        self,
        message_id: int,
        content: str,
        state: str,
        *,
        error: str = "",
        stats: dict[str, Any] | None = None,
        fingerprint: dict[str, Any] | None = None,
    ) -> None:
        """Finalise a reply: its full text, state, stats and fingerprint."""
        now = time.time()
        with self.transaction() as conn:
            conn.execute(
                "UPDATE messages SET content = ?, state = ?, error = ?, stats = ?, "
                "fingerprint = ?, updated_at = ? WHERE id = ?",
                (content, state, error, _json(stats), _json(fingerprint), now, message_id),
            )
            conn.execute(
                "UPDATE chats SET updated_at = max(updated_at, ?) "
                "WHERE id = (SELECT chat_id FROM messages WHERE id = ?)",
                (now, message_id),
            )

    def reopen_reply(self, message_id: int) -> None:
        """Mark a reply partial again, before more text is generated into it ("continue")."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE messages SET state = ?, error = '', updated_at = ? WHERE id = ?",
                (STATE_PARTIAL, time.time(), message_id),
            )

    def set_tree_state(
        self,
        chat_id: int,
        *,
        title: str,
        updated_at: float,
        active_root_id: int | None,
        active_children: dict[int, int],
    ) -> None:
        """Set a chat's title, time and shown path as given (used by import)."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE chats SET title = ?, updated_at = ?, active_root_id = ? WHERE id = ?",
                (title, updated_at, active_root_id, chat_id),
            )
            conn.executemany(
                "UPDATE messages SET active_child_id = ? WHERE id = ? AND chat_id = ?",
                [(child, parent, chat_id) for parent, child in active_children.items()],
            )

    def message(self, message_id: int) -> Message | None:
        return self.messages([message_id]).get(message_id)

    def messages(self, ids: Sequence[int]) -> dict[int, Message]:
        """The messages with these ids (missing ids are left out)."""
        found: dict[int, Message] = {}
        for chunk in _chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            for row in self._conn.execute(
                f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE id IN ({marks})", tuple(chunk)
            ):
                found[row[0]] = _message(row)
        return found

    def chat_messages(self, chat_id: int) -> list[Message]:
        """Every message of a chat (all branches), oldest first."""
        return [
            _message(row)
            for row in self._conn.execute(
                f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE chat_id = ? ORDER BY id",
                (chat_id,),
            )
        ]

    def message_count(self, chat_id: int) -> int:
        row = self._conn.execute(
            "SELECT count(*) FROM messages WHERE chat_id = ?", (chat_id,)
        ).fetchone()
        return int(row[0])

    # The selected path

    def path_ids(self, chat_id: int) -> list[int]:
        """Ids of the shown path, first message to last, following the selected children."""
        chat = self.chat(chat_id)
        if chat is None:
            return []
        root = chat.active_root_id
        if root is None or self._conn.execute(
            "SELECT 1 FROM messages WHERE id = ? AND chat_id = ? AND parent_id IS NULL",
            (root, chat_id),
        ).fetchone() is None:
            row = self._conn.execute(
                "SELECT max(id) FROM messages WHERE chat_id = ? AND parent_id IS NULL", (chat_id,)
            ).fetchone()
            root = row[0] if row else None
            if root is None:
                return []
        rows = self._conn.execute(
            "WITH RECURSIVE down(id, next, depth) AS ("
            "  SELECT id, active_child_id, 0 FROM messages WHERE id = ?"
            "  UNION ALL"
            "  SELECT m.id, m.active_child_id, down.depth + 1 FROM messages m"
            "  JOIN down ON m.id = down.next AND m.parent_id = down.id"
            ") SELECT id FROM down ORDER BY depth",
            (root,),
        )
        return [r[0] for r in rows]

    def path_entries(self, ids: Sequence[int]) -> list[PathEntry]:
        """The messages ``ids`` (a stretch of a path) with their sibling positions."""
        found = self.messages(ids)
        messages = [found[i] for i in ids if i in found]
        if not messages:
            return []
        siblings: dict[int | None, list[int]] = {}
        parents = sorted({m.parent_id for m in messages if m.parent_id is not None})
        for chunk in _chunks(parents):
            marks = ",".join("?" * len(chunk))
            for child, parent in self._conn.execute(
                f"SELECT id, parent_id FROM messages WHERE parent_id IN ({marks}) ORDER BY id",
                tuple(chunk),
            ):
                siblings.setdefault(parent, []).append(child)
        if any(m.parent_id is None for m in messages):
            siblings[None] = [
                r[0]
                for r in self._conn.execute(
                    "SELECT id FROM messages WHERE chat_id = ? AND parent_id IS NULL ORDER BY id",
                    (messages[0].chat_id,),
                )
            ]
        entries = []
        for m in messages:
            group = siblings.get(m.parent_id) or [m.id]
            index = group.index(m.id) + 1 if m.id in group else 1
            entries.append(PathEntry(m, index, len(group)))
        return entries

    def siblings(self, message_id: int) -> list[int]:
        """Ids of the message and its siblings (same parent), oldest first."""
        message = self.message(message_id)
        if message is None:
            return []
        return [
            r[0]
            for r in self._conn.execute(
                "SELECT id FROM messages WHERE chat_id = ? AND parent_id IS ? ORDER BY id",
                (message.chat_id, message.parent_id),
            )
        ]

    def select_message(self, message_id: int) -> None:
        """Make the shown path run through ``message_id`` (and on along its shown children)."""
        rows = self._conn.execute(
            "WITH RECURSIVE up(id, parent, chat, depth) AS ("
            "  SELECT id, parent_id, chat_id, 0 FROM messages WHERE id = ?"
            "  UNION ALL"
            "  SELECT m.id, m.parent_id, m.chat_id, up.depth + 1 FROM messages m"
            "  JOIN up ON m.id = up.parent WHERE up.depth < 10000000"
            ") SELECT id, parent, chat FROM up ORDER BY depth",
            (message_id,),
        ).fetchall()
        if not rows:
            raise StoreError(f"There is no message {message_id}.")
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE messages SET active_child_id = ? WHERE id = ? "
                "AND active_child_id IS NOT ?",
                [(child, parent, child) for child, parent, _ in rows if parent is not None],
            )
            top, _, chat_id = rows[-1]
            conn.execute("UPDATE chats SET active_root_id = ? WHERE id = ?", (top, chat_id))

    def select_sibling(self, message_id: int, step: int) -> int | None:
        """Show the sibling ``step`` places after (or before) ``message_id``; returns its id.

        Returns None when there is no such sibling.
        """
        group = self.siblings(message_id)
        if message_id not in group:
            return None
        index = group.index(message_id) + step
        if not 0 <= index < len(group):
            return None
        self.select_message(group[index])
        return group[index]

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
            name: _unjson(values) or {}
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
                (name, _json(values), time.time()),
            )

    def delete_preset(self, name: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM presets WHERE name = ?", (name,))

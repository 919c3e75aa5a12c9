"""The chat database's connection, transactions and row conversions.

Durability choices (see DESIGN.md, "acknowledged = durable"):

- WAL journal: readers (the CLI's export, the backup thread) never block the writer, and a
  process killed mid-write leaves the last committed state intact.
- ``synchronous=FULL``: every commit is flushed to disk before it returns, so a message the
  window has shown as sent survives a power cut too, not only a crash of the app. The one
  exception is the text of a reply still streaming, saved every ~0.4 s with
  ``transaction(durable=False)``: it survives a crash or a kill of the app (the write is in
  the operating system's hands), and reaches the disk with the next durable commit (the
  finished reply) or checkpoint; a power cut may lose the last partial saves. A flush there
  would block the GUI thread on the disk several times a second while the model streams.
- Foreign keys on: deleting a chat deletes its messages.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from app.store.records import Chat, ChatSettings, Message, MessageState, Role
from app.store.schema import migrate

BUSY_TIMEOUT_S = 10.0
TITLE_CHARS = 60
CHUNK = 500  # ids per IN (...) query, well under SQLite's parameter limit

MESSAGE_COLUMNS = (
    "id, chat_id, parent_id, role, content, state, error, model, created_at, updated_at, "
    "stats, fingerprint, active_child_id, thinking"
)
CHAT_COLUMNS = (
    "id, uuid, title, created_at, updated_at, deleted_at, active_root_id, system_prompt, "
    "model_path, preset, overrides, show_thinking"
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


def to_json(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def from_json(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def message_from_row(row: Sequence[Any]) -> Message:
    return Message(
        id=row[0], chat_id=row[1], parent_id=row[2], role=Role(row[3]), content=row[4],
        state=MessageState(row[5]),
        error=row[6], model=row[7], created_at=row[8], updated_at=row[9],
        stats=from_json(row[10]), fingerprint=from_json(row[11]), active_child_id=row[12],
        thinking=row[13],
    )


def chat_from_row(row: Sequence[Any]) -> Chat:
    overrides = from_json(row[10]) or {}
    return Chat(
        id=row[0], uuid=row[1], title=row[2], created_at=row[3], updated_at=row[4],
        deleted_at=row[5], active_root_id=row[6],
        settings=ChatSettings(
            system_prompt=row[7], model_path=row[8], preset=row[9], overrides=overrides,
            show_thinking=bool(row[11]),
        ),
    )


def chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


class Database:
    """One open chat database: its connection and explicit transactions.

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
    def transaction(self, durable: bool = True) -> Iterator[sqlite3.Connection]:
        """One atomic write; nested uses join the outer transaction.

        ``durable=False`` skips the flush to disk at commit (see the module's notes).
        """
        if self._depth:
            self._depth += 1
            try:
                yield self._conn
            finally:
                self._depth -= 1
            return
        if not durable:
            self._conn.execute("PRAGMA synchronous=NORMAL")
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
            if not durable:
                self._conn.execute("PRAGMA synchronous=FULL")

    def quick_check(self) -> list[str]:
        """SQLite's quick integrity check: ``[]`` when the file is sound, else the problems."""
        rows = [str(r[0]) for r in self._conn.execute("PRAGMA quick_check")]
        return [] if rows == ["ok"] else rows

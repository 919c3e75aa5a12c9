"""The chat database's schema as ordered, named migrations recorded in a table.

Each migration runs once, in its own transaction together with the row that records it, so
a crash mid-migration leaves the database as it was. A database that records a migration
this version does not know was written by a newer Slice: it is refused, untouched.
"""

from __future__ import annotations

import sqlite3
import time

MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "0001_chats_and_messages",
        """
        CREATE TABLE chats (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL DEFAULT '',
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            deleted_at REAL,
            -- The first message of the selected path (first messages can have siblings too).
            -- No foreign key: the code keeps it right, and a stale id only falls back.
            active_root_id INTEGER,
            system_prompt TEXT,
            model_path TEXT NOT NULL DEFAULT '',
            preset TEXT NOT NULL DEFAULT '',
            overrides TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX chats_by_recency ON chats (updated_at DESC);
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
            parent_id INTEGER REFERENCES messages (id) ON DELETE CASCADE,
            -- The child shown on the selected path (no foreign key, as above).
            active_child_id INTEGER,
            role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
            content TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL DEFAULT 'done' CHECK (state IN ('partial', 'done', 'failed')),
            error TEXT NOT NULL DEFAULT '',
            model TEXT NOT NULL DEFAULT '',
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            stats TEXT,
            fingerprint TEXT
        );
        CREATE INDEX messages_by_parent ON messages (parent_id);
        CREATE INDEX messages_by_chat ON messages (chat_id);
        """,
    ),
    (
        "0002_full_text_search",
        """
        CREATE VIRTUAL TABLE messages_fts USING fts5 (
            content, content='messages', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
            INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
        END;
        CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
            INSERT INTO messages_fts (messages_fts, rowid, content)
                VALUES ('delete', old.id, old.content);
        END;
        CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
            INSERT INTO messages_fts (messages_fts, rowid, content)
                VALUES ('delete', old.id, old.content);
            INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
        END;
        CREATE VIRTUAL TABLE chats_fts USING fts5 (
            title, content='chats', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER chats_fts_insert AFTER INSERT ON chats BEGIN
            INSERT INTO chats_fts (rowid, title) VALUES (new.id, new.title);
        END;
        CREATE TRIGGER chats_fts_delete AFTER DELETE ON chats BEGIN
            INSERT INTO chats_fts (chats_fts, rowid, title) VALUES ('delete', old.id, old.title);
        END;
        CREATE TRIGGER chats_fts_update AFTER UPDATE OF title ON chats BEGIN
            INSERT INTO chats_fts (chats_fts, rowid, title) VALUES ('delete', old.id, old.title);
            INSERT INTO chats_fts (rowid, title) VALUES (new.id, new.title);
        END;
        -- Index what an older database already holds.
        INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
        INSERT INTO chats_fts (chats_fts) VALUES ('rebuild');
        """,
    ),
    (
        "0003_presets_and_model_files",
        """
        CREATE TABLE presets (
            name TEXT PRIMARY KEY,
            sampling TEXT NOT NULL,
            created_at REAL NOT NULL
        );
        -- SHA-256 of model files, computed once per (path, size, mtime) for fingerprints.
        CREATE TABLE model_files (
            path TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            sha256 TEXT NOT NULL
        );
        """,
    ),
    (
        "0004_reply_thinking",
        """
        -- A reasoning model's thinking, kept apart from the reply's text (not searched).
        ALTER TABLE messages ADD COLUMN thinking TEXT NOT NULL DEFAULT '';
        -- Whether a chat shows its replies' thinking opened, or folded to one line.
        ALTER TABLE chats ADD COLUMN show_thinking INTEGER NOT NULL DEFAULT 0;
        """,
    ),
    (
        "0005_comparisons",
        """
        -- One prompt sent to 2-4 targets side by side (app/compare). What was asked and of
        -- whom: the targets as JSON (model, load and sampling settings).
        CREATE TABLE comparisons (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL DEFAULT '',
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            prompt TEXT NOT NULL,
            system_prompt TEXT NOT NULL DEFAULT '',
            seed INTEGER,
            max_tokens INTEGER,
            targets TEXT NOT NULL
        );
        CREATE INDEX comparisons_by_recency ON comparisons (updated_at DESC);
        -- Each run of a comparison (a re-run adds one): every target's reply, figures and
        -- error as JSON, in the targets' order, saved as each target ends.
        CREATE TABLE comparison_runs (
            id INTEGER PRIMARY KEY,
            comparison_id INTEGER NOT NULL REFERENCES comparisons (id) ON DELETE CASCADE,
            started_at REAL NOT NULL,
            finished_at REAL,
            results TEXT NOT NULL DEFAULT '[]'
        );
        CREATE INDEX comparison_runs_by_comparison ON comparison_runs (comparison_id);
        """,
    ),
)

KNOWN = tuple(name for name, _ in MIGRATIONS)


class NewerSchemaError(Exception):
    """The database was written by a newer version of Slice; the message says what to do."""


def applied_migrations(conn: sqlite3.Connection) -> list[str]:
    """Names of the migrations recorded in ``conn``'s database, in the order applied."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at REAL NOT NULL)"
    )
    return [row[0] for row in conn.execute("SELECT name FROM migrations ORDER BY rowid")]


def migrate(conn: sqlite3.Connection, where: str) -> list[str]:
    """Apply the migrations ``conn`` lacks, in order; returns their names.

    ``conn`` must be in autocommit mode (``isolation_level=None``). Raises
    :class:`NewerSchemaError` when the database records a migration unknown here.
    """
    applied = applied_migrations(conn)
    unknown = [name for name in applied if name not in KNOWN]
    if unknown:
        raise NewerSchemaError(
            f"The chat database '{where}' was written by a newer version of Slice (it has "
            f"changes this version does not know: {', '.join(unknown)}). Update Slice to "
            "open it; the file was left untouched."
        )
    done: list[str] = []
    for name, sql in MIGRATIONS:
        if name in applied:
            continue
        # executescript runs outside Python's transaction handling, so the script carries
        # its own BEGIN/COMMIT: the schema change and its record commit together.
        try:
            conn.executescript(
                f"BEGIN IMMEDIATE;\n{sql}\n"
                f"INSERT INTO migrations (name, applied_at) VALUES ('{name}', {time.time()!r});\n"
                "COMMIT;"
            )
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        done.append(name)
    return done

"""Full-text search over chat titles and message text (SQLite FTS5)."""

from __future__ import annotations

import re
import sqlite3

from app.store.records import MATCH_END, MATCH_START, SearchHit

SNIPPET_TOKENS = 12


def fts_query(text: str) -> str:
    """The user's words as an FTS5 query: every word must match, each as a prefix.

    Each word is quoted, so FTS5 syntax typed by the user (``AND``, ``*``, quotes,
    parentheses) is searched for as text instead of failing.
    """
    words = re.findall(r"\w+", text, flags=re.UNICODE)
    return " ".join('"' + word.replace('"', '""') + '"*' for word in words)


def query_words(text: str) -> list[str]:
    """The words a search looks for (what the view highlights)."""
    return re.findall(r"\w+", text, flags=re.UNICODE)


def search(conn: sqlite3.Connection, text: str, limit: int = 100) -> list[SearchHit]:
    """Chats whose title matches, then messages that match, best first.

    Deleted chats are left out. A message hit's ``snippet`` shows the matched words between
    :data:`MATCH_START` and :data:`MATCH_END`.
    """
    query = fts_query(text)
    if not query:
        return []
    hits = [
        SearchHit(chat_id, title, None, snippet, updated)
        for chat_id, title, snippet, updated in conn.execute(
            "SELECT c.id, c.title, highlight(chats_fts, 0, ?, ?), c.updated_at "
            "FROM chats_fts JOIN chats c ON c.id = chats_fts.rowid "
            "WHERE chats_fts MATCH ? AND c.deleted_at IS NULL "
            "ORDER BY rank LIMIT ?",
            (MATCH_START, MATCH_END, query, limit),
        )
    ]
    hits += [
        SearchHit(chat_id, title, message_id, snippet, updated)
        for message_id, chat_id, title, snippet, updated in conn.execute(
            "SELECT m.id, c.id, c.title, snippet(messages_fts, 0, ?, ?, '…', ?), m.updated_at "
            "FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid "
            "JOIN chats c ON c.id = m.chat_id "
            "WHERE messages_fts MATCH ? AND c.deleted_at IS NULL "
            "ORDER BY rank LIMIT ?",
            (MATCH_START, MATCH_END, SNIPPET_TOKENS, query, limit),
        )
    ]
    return hits[:limit]

"""The chat store: every conversation, durable, searchable and recoverable (SQLite).

- :mod:`app.store.chat_store`: chats, presets and model hashes (the store to use).
- :mod:`app.store.tree`: message trees and their shown paths.
- :mod:`app.store.database`: the connection, durability settings, transactions.
- :mod:`app.store.schema`: ordered, named migrations; a newer database is refused.
- :mod:`app.store.recovery`: the startup check, recovery from backup, rolling backups.
- :mod:`app.store.search`: full-text search (FTS5).
- :mod:`app.store.records`: the plain values the store hands out.
"""

from app.store.chat_store import ChatStore
from app.store.database import StoreError, title_from
from app.store.records import (
    Chat,
    ChatSettings,
    ChatSummary,
    Message,
    MessageState,
    PathEntry,
    Role,
    SearchHit,
)
from app.store.recovery import (
    DamagedStoreError,
    OpenedStore,
    StoreUnavailableError,
    open_chat_store,
)
from app.store.schema import NewerSchemaError

__all__ = [
    "Chat",
    "ChatSettings",
    "ChatStore",
    "ChatSummary",
    "DamagedStoreError",
    "Message",
    "MessageState",
    "NewerSchemaError",
    "OpenedStore",
    "PathEntry",
    "Role",
    "SearchHit",
    "StoreError",
    "StoreUnavailableError",
    "open_chat_store",
    "title_from",
]

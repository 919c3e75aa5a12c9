"""Messages as a tree: edits and regenerations are siblings; each chat shows one path.

The shown path is kept in the tree itself: each message points at the child shown after it
(``active_child_id``) and the chat at its shown first message (``active_root_id``), so a
path is read with one recursive query however long it is.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from app.store.database import (
    MESSAGE_COLUMNS,
    Database,
    StoreError,
    chunks,
    message_from_row,
    title_from,
    to_json,
)
from app.store.records import (
    Message,
    MessageState,
    PathEntry,
    Role,
)


class MessageTree(Database):
    """Adding, saving, reading and selecting messages of the conversation trees."""


    def add_message(
        self,
        chat_id: int,
        parent_id: int | None,
        role: Role,
        content: str,
        *,
        state: MessageState = MessageState.DONE,
        model: str = "",
        error: str = "",
        stats: dict[str, Any] | None = None,
        fingerprint: dict[str, Any] | None = None,
        created_at: float | None = None,
        updated_at: float | None = None,
        select: bool = True,
        thinking: str = "",
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
                "created_at, updated_at, stats, fingerprint, thinking) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    chat_id, parent_id, role, content, state, error, model, now, updated,
                    to_json(stats), to_json(fingerprint), thinking,
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
            if role == Role.USER:
                conn.execute(
                    "UPDATE chats SET title = ? WHERE id = ? AND title = ''",
                    (title_from(content), chat_id),
                )
        return Message(
            id=message_id, chat_id=chat_id, parent_id=parent_id, role=Role(role), content=content,
            state=MessageState(state), error=error, model=model, created_at=now, updated_at=updated,
            stats=stats, fingerprint=fingerprint, thinking=thinking,
        )

    def start_exchange(
        self, chat_id: int, parent_id: int | None, text: str, model: str
    ) -> tuple[Message, Message]:
        """Commit the user's message and an empty, partial reply under it, atomically."""
        with self.transaction():
            user = self.add_message(chat_id, parent_id, Role.USER, text)
            reply = self.add_message(
                chat_id, user.id, Role.ASSISTANT, "", state=MessageState.PARTIAL, model=model
            )
        return user, reply

    def start_reply(self, chat_id: int, parent_id: int, model: str) -> Message:
        """Commit an empty, partial reply to the user message ``parent_id`` (a regeneration)."""
        return self.add_message(
            chat_id, parent_id, Role.ASSISTANT, "", state=MessageState.PARTIAL, model=model
        )

    def save_partial(self, message_id: int, content: str, thinking: str = "") -> None:
        """Save the text (and thinking) of a reply that is still streaming (not flushed to
        disk: see :mod:`app.store.database`)."""
        with self.transaction(durable=False) as conn:
            conn.execute(
                "UPDATE messages SET content = ?, thinking = ?, updated_at = ? "
                "WHERE id = ? AND state = ?",
                (content, thinking, time.time(), message_id, MessageState.PARTIAL),
            )

    def finish_message(
        self,
        message_id: int,
        content: str,
        state: MessageState,
        *,
        error: str = "",
        stats: dict[str, Any] | None = None,
        fingerprint: dict[str, Any] | None = None,
        thinking: str = "",
    ) -> None:
        """Finalise a reply: its full text and thinking, state, stats and fingerprint."""
        now = time.time()
        with self.transaction() as conn:
            conn.execute(
                "UPDATE messages SET content = ?, thinking = ?, state = ?, error = ?, "
                "stats = ?, fingerprint = ?, updated_at = ? WHERE id = ?",
                (content, thinking, state, error, to_json(stats), to_json(fingerprint), now,
                 message_id),
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
                (MessageState.PARTIAL, time.time(), message_id),
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
        for chunk in chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            for row in self._conn.execute(
                f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE id IN ({marks})", tuple(chunk)
            ):
                found[row[0]] = message_from_row(row)
        return found

    def chat_messages(self, chat_id: int) -> list[Message]:
        """Every message of a chat (all branches), oldest first."""
        return [
            message_from_row(row)
            for row in self._conn.execute(
                f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE chat_id = ? ORDER BY id",
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
        found = self._conn.execute(
            "SELECT active_root_id FROM chats WHERE id = ?", (chat_id,)
        ).fetchone()
        if found is None:
            return []
        root = found[0]
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
        for chunk in chunks(parents):
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

"""Where each message shown in the transcript sits in its document.

:class:`TranscriptPositions` is the bookkeeping behind :class:`~ui.chat_view.ChatView`: the
window of the path that is shown (its first path index and the whole path's length), and for
each shown message where it begins in the document and where its text lies. It holds plain
numbers and knows nothing of Qt; the view does the rendering and asks it where things are.
"""

from __future__ import annotations

from app.store.records import PathEntry, Role


class TranscriptPositions:
    """The shown window of a path and each shown message's place in the document.

    A body's end is ``-1`` while that message's reply is still streaming: it runs to the
    document's end.
    """

    def __init__(self) -> None:
        self._entries: list[PathEntry] = []
        self.first_index = 0  # path index of the first entry shown
        self.total = 0  # length of the whole path
        self._starts: list[int] = []  # where each entry begins in the document
        self._bodies: list[tuple[int, int]] = []  # (start, end) of each entry's text

    def __len__(self) -> int:
        return len(self._entries)

    def reset(self, first_index: int, total: int) -> None:
        """Forget every entry: the document is empty, showing the path from ``first_index``."""
        self._entries, self._starts, self._bodies = [], [], []
        self.first_index = first_index
        self.total = total

    def add(self, entry: PathEntry, start: int, body: tuple[int, int]) -> None:
        """Record ``entry``, the next shown message, beginning at ``start`` with ``body``."""
        self._starts.append(start)
        self._bodies.append(body)
        self._entries.append(entry)

    def drop_from(self, local: int) -> None:
        """Forget the entries from the ``local``-th shown one on."""
        del self._entries[local:], self._starts[local:], self._bodies[local:]

    def entries(self) -> list[PathEntry]:
        """The shown entries, in order (a copy)."""
        return list(self._entries)

    def message_ids(self) -> list[int]:
        """Ids of the shown messages, in order."""
        return [e.message.id for e in self._entries]

    def entry(self, message_id: int) -> PathEntry | None:
        """The shown entry of ``message_id``, or None when it is not shown."""
        return next((e for e in self._entries if e.message.id == message_id), None)

    def start_at(self, local: int) -> int:
        """Where the ``local``-th shown entry begins in the document."""
        return self._starts[local]

    def start_of(self, message_id: int) -> int | None:
        """Where the message begins in the document, or None when it is not shown."""
        for entry, start in zip(self._entries, self._starts, strict=True):
            if entry.message.id == message_id:
                return start
        return None

    def body_of(self, message_id: int) -> tuple[int, int] | None:
        """(start, end) of the message's text in the document, or None when not shown."""
        return next(
            (b for e, b in zip(self._entries, self._bodies, strict=True)
             if e.message.id == message_id),
            None,
        )

    def last_reply_body(self) -> tuple[int, int] | None:
        """(start, end) of the latest shown reply's text, or None when no reply is shown."""
        for entry, bounds in zip(
            reversed(self._entries), reversed(self._bodies), strict=True
        ):
            if entry.message.role != Role.USER:
                return bounds
        return None

    def next_is_last(self) -> bool:
        """Whether the next entry added is the last message of the whole path."""
        return self.first_index + len(self._entries) == self.total - 1

    def shows_later(self) -> bool:
        """Whether messages after the last shown one exist in the path."""
        return self.first_index + len(self._entries) < self.total

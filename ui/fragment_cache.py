"""Rendered markdown of finished messages, kept so that re-renders of the transcript reuse it."""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtGui import QTextDocumentFragment

from app.store.records import PathEntry
from ui.markdown_render import markdown_fragment
from ui.message_render import MessageAction, action_href

FRAGMENT_CACHE = 400  # rendered markdown kept for re-renders


class FragmentCache:
    """The last :data:`FRAGMENT_CACHE` messages rendered, by message, text and theme."""

    def __init__(self) -> None:
        self._fragments: OrderedDict[tuple[int, int, bool], QTextDocumentFragment] = (
            OrderedDict()
        )

    def fragment(self, entry: PathEntry, dark: bool) -> QTextDocumentFragment:
        """The message rendered as markdown (its code blocks carry copy links)."""
        message = entry.message
        key = (message.id, hash(message.content), dark)
        fragment = self._fragments.get(key)
        if fragment is None:
            fragment = markdown_fragment(
                message.content, dark=dark,
                code_link=lambda n: action_href(MessageAction.CODE, message.id, n),
            )
            self._fragments[key] = fragment
            if len(self._fragments) > FRAGMENT_CACHE:
                self._fragments.popitem(last=False)
        else:
            self._fragments.move_to_end(key)
        return fragment

    def clear(self) -> None:
        """Forget every rendered message (their font size changed)."""
        self._fragments.clear()

"""Which stretch of a long conversation the transcript shows, and keeping it up to date.

The transcript holds a window of the session's shown path: the newest :data:`PAGE`
messages when a chat opens, a window around a search hit, more on request. Changes at the
end of the path (a new message, a new version) re-render only from the changed message on.
"""

from __future__ import annotations

from app.chat.session import ChatSession
from ui.chat_view import PAGE, ChatView


class PathPager:
    """Keeps a :class:`ChatView` showing a window of a :class:`ChatSession`'s path."""

    def __init__(self, session: ChatSession, view: ChatView) -> None:
        self.session = session
        self.view = view
        view.earlier_requested.connect(self.show_earlier)
        view.later_requested.connect(self.show_later)

    def path_changed(self, index: int) -> None:
        """The path changed from ``index`` on: update the view as little as possible."""
        view = self.view
        shown_end = view.first_index + len(view.message_ids())
        total = len(self.session)
        reaches_end = view.total == shown_end
        if index > 0 and view.first_index < index <= shown_end and reaches_end:
            # From the message before: it may stop being the last one (no "Continue").
            index -= 1
            view.replace_from(index, self.session.entries(index), total=total,
                              generating_id=self.session.generating_id,
                              stream_text=self.session.reply_so_far(),
                              stream_thinking=self.session.thinking_so_far())
        else:
            self._show(max(0, total - PAGE), total)

    def rerender(self, message_id: int) -> None:
        """Render one message again (and what follows it), if it is shown."""
        index = self.session.index_of(message_id)
        if index is not None and message_id in self.view.message_ids():
            self.view.replace_from(index, self.session.entries(index), total=len(self.session))

    def show_around(self, index: int) -> None:
        """Show a window that starts a few messages before path index ``index``."""
        total = len(self.session)
        first = max(0, index - 5)
        end = min(total, first + PAGE)
        if end >= total - PAGE // 2:
            end = total
        self._show(first, end)

    def show_earlier(self) -> None:
        """Add up to :data:`PAGE` earlier messages above, keeping the view where it was."""
        ids = self.view.message_ids()
        first = max(0, self.view.first_index - PAGE)
        self._show(first, self.view.first_index + len(ids), keep=ids[0] if ids else None)

    def show_later(self) -> None:
        """Add up to :data:`PAGE` later messages below, keeping the view where it was."""
        ids = self.view.message_ids()
        total = len(self.session)
        end = self.view.first_index + len(ids) + PAGE
        if end >= total - PAGE // 2:
            end = total
        self._show(self.view.first_index, end, keep=ids[-1] if ids else None)

    def _show(self, first: int, end: int, keep: int | None = None) -> None:
        # Another chat may be shown: its thinking opens as its own switch says.
        self.view.set_show_thinking(self.session.chat_settings().show_thinking, render=False)
        self.view.show_path(
            self.session.entries(first, end), first, total=len(self.session),
            generating_id=self.session.generating_id, stream_text=self.session.reply_so_far(),
            stream_thinking=self.session.thinking_so_far(), keep_in_view=keep,
        )

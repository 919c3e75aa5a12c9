"""The conversation transcript: the shown path of a chat, with replies streaming in.

Only a window of the path is in the document (the newest :data:`PAGE` messages at first,
more on request), so opening a chat of ten thousand messages costs the same as opening one
of forty. A reply streams in through :meth:`ChatView.append_token`: text is buffered and
painted on a timer by a :class:`~ui.reply_stream.ReplyStream` (the first chunk at once,
then at most every ``PAINT_INTERVAL_MS``), appended through one cursor at the end inside an
edit block, so the transcript is never re-rendered per token; the finished reply is
rendered as markdown once. The search-hit mark is drawn by :mod:`ui.transcript_highlight`.
Structural changes
(a new version of a message, stats shown) re-render from the changed message on, reusing
rendered markdown from a :class:`~ui.fragment_cache.FragmentCache`. Where each shown
message sits in the document is kept by a :class:`~ui.transcript_positions.TranscriptPositions`.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QRect, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QGuiApplication,
    QKeyEvent,
    QPaintEvent,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QTextBrowser, QTextEdit, QWidget

from app.store.export import THOUGHT_FOR, thinking_title
from app.store.records import PathEntry, Role
from ui.accessibility import announce, first_words
from ui.fragment_cache import FragmentCache
from ui.markdown_render import code_blocks
from ui.message_objects import MessageObjects
from ui.message_render import (
    ASSISTANT_COLOR,
    ERROR_COLOR,
    NOTE_COLOR,
    USER_COLOR,
    Look,
    MessageAction,
    action_href,
    author_of,
    insert_footer,
    insert_header,
    insert_plain,
    insert_thinking,
    parse_action,
    spaced_block,
    thinking_text_format,
)
from ui.reply_stream import ReplyStream
from ui.theme import is_dark
from ui.transcript_highlight import highlight_selections
from ui.transcript_positions import TranscriptPositions

__all__ = ["ASSISTANT_COLOR", "ERROR_COLOR", "NOTE_COLOR", "USER_COLOR", "ChatView"]

PAGE = 40  # messages rendered when a chat opens; "show earlier" adds as many again
BOTTOM_SLACK_PX = 4  # "at the bottom" tolerance when deciding to follow the tail
TEXT_COLUMN_PX = 860  # wider windows centre the text in a column of this width
EXTERNAL_SCHEMES = ("http", "https", "mailto")


class ChatView(QTextBrowser):
    """Read-only transcript of a window of a conversation's shown path.

    Action links under each message (copy, edit, regenerate, continue, versions, stats)
    are handled here when they only concern the view (copy, stats) and reported through
    :attr:`action_requested` otherwise. Web links open in the browser.
    """

    first_paint = Signal(float)
    """Once per reply: ``time.perf_counter()`` when the reply's first new text was painted."""
    action_requested = Signal(str, int)
    """A message action was chosen: (a :class:`MessageAction`: edit, regenerate, continue,
    previous or next version; the message id)."""
    earlier_requested = Signal()
    """The user asked to see the messages before the first one shown."""
    later_requested = Signal()
    """The user asked to see the messages after the last one shown."""
    copied = Signal(str)
    """Something was put on the clipboard (a short description, for the status line)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # QTextBrowser would follow a relative link by replacing the whole transcript with it.
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._on_link)
        self.setAccessibleName(self.tr("Conversation"))
        document = self.document()
        document.setUndoRedoEnabled(False)  # read-only: an undo stack would grow with every token
        document.setDocumentMargin(16)
        self._cursor = QTextCursor(document)
        self._shown = TranscriptPositions()
        self._stats_open: set[int] = set()
        # A reply's thinking shows opened when the chat says so, except for the replies
        # whose thinking the user opened or folded by hand.
        self._show_thinking = False
        self._thinking_toggled: set[int] = set()
        # Where the streaming reply is: "" (nothing streams), "answer" (text goes to its
        # body), "thinking" (its thinking streams, no answer yet).
        self._stream_phase = ""
        self._stream = ReplyStream(self._paint_stream, self._scroll_to_bottom, self)
        self._awaiting_paint = False
        self._highlight: tuple[int, tuple[str, ...]] | None = None
        self._fragments = FragmentCache()
        self._reading: int | None = None  # the message Alt+Up / Alt+Down moved to
        self._reading_span: tuple[int, int] | None = None  # and the selection it made
        self.setAccessibleDescription(self.tr(
            "Alt+Up and Alt+Down move from message to message; Tab then reaches the "
            "message's actions, Enter uses one."))
        # Each shown message as an object of its own, for screen readers.
        self._objects = MessageObjects(self, self)
        # A new look (theme, palette, zoom) renders the transcript again once, when the
        # events of the change have all arrived: one change can send several (the system
        # turning dark with a larger font: a palette change and a font change).
        self._restyle = QTimer(self)
        self._restyle.setSingleShot(True)
        self._restyle.setInterval(0)
        self._restyle.timeout.connect(lambda: self._render_again(restyled=True))
        # The view stays at the end while the text grows or reflows under it (a reply
        # streaming; the scroll bar appearing, which narrows the text and makes it taller),
        # until the reader scrolls away from the end.
        self._pinned = True
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._on_scrolled)
        bar.rangeChanged.connect(self._on_range_changed)

    # What is shown

    @property
    def first_index(self) -> int:
        """Path index of the first message in the document."""
        return self._shown.first_index

    def message_ids(self) -> list[int]:
        """Ids of the messages in the document, in order."""
        return self._shown.message_ids()

    def entry(self, message_id: int) -> PathEntry | None:
        return self._shown.entry(message_id)

    @property
    def total(self) -> int:
        """Length of the whole path the shown messages belong to."""
        return self._shown.total

    def show_path(
        self,
        entries: list[PathEntry],
        first_index: int,
        *,
        total: int | None = None,
        generating_id: int | None = None,
        stream_text: str = "",
        stream_thinking: str = "",
        keep_in_view: int | None = None,
    ) -> None:
        """Show ``entries``, the path's messages from ``first_index`` on, replacing everything.

        ``total`` is the path's length when ``entries`` stop before its end (a link then
        offers the later messages). With ``keep_in_view`` (a message id shown before and
        after), that message keeps its place on screen, as when earlier messages are added.
        """
        offset = self._offset_on_screen(keep_in_view)
        self._restyle.stop()  # (this render is in the new look already)
        self._stop_stream()
        self.clear()
        self._cursor = QTextCursor(self.document())
        self._shown.reset(first_index, first_index + len(entries) if total is None else total)
        self._fit_text_column()
        look = Look.of(self.palette())
        if first_index > 0:
            self._cursor.insertText(
                self.tr("↑ Show earlier messages ({count} more)").format(count=first_index),
                look.link_format("slice:earlier/0", self.tr("Show the messages before these")),
            )
        self._append(entries, generating_id, stream_text, stream_thinking)
        later = self._shown.total - first_index - len(entries)
        if later > 0:
            self._cursor.insertBlock(spaced_block(top=16), QTextCharFormat())
            self._cursor.insertText(
                self.tr("↓ Show later messages ({count} more)").format(count=later),
                look.link_format("slice:later/0", self.tr("Show the messages after these")),
            )
        if keep_in_view is not None and offset is not None:
            top = self._top_of(keep_in_view)
            if top is not None:
                self._scroll_to(round(top - offset))
                return
        self._scroll_to_bottom()

    def replace_from(
        self,
        index: int,
        entries: list[PathEntry],
        *,
        total: int | None = None,
        generating_id: int | None = None,
        stream_text: str = "",
        stream_thinking: str = "",
    ) -> None:
        """Replace the messages from path index ``index`` to the path's end with ``entries``.

        Only for a view that shows the path up to its end.
        """
        local = index - self._shown.first_index
        if local < 0 or local > len(self._shown) or self._shown.shows_later():
            raise IndexError(f"path index {index} is not shown")
        self._shown.total = index + len(entries) if total is None else total
        follow = self._at_bottom()
        self._stop_stream()
        if local < len(self._shown):
            start = self._shown.start_at(local)
            if start == 0:
                self.show_path(entries, index, total=self._shown.total,
                               generating_id=generating_id, stream_text=stream_text,
                               stream_thinking=stream_thinking)
                return
            cursor = QTextCursor(self.document())
            cursor.beginEditBlock()
            cursor.setPosition(start)
            cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
            cursor.removeSelectedText()
            cursor.endEditBlock()
        self._shown.drop_from(local)
        self._append(entries, generating_id, stream_text, stream_thinking)
        if follow or generating_id is not None:
            self._scroll_to_bottom()

    # Streaming

    def append_token(self, text: str) -> None:
        """Queue streamed text for the open reply; it is painted on the next timer tick."""
        self._stream.append(text)

    def append_thinking(self, text: str) -> None:
        """Queue streamed thinking for the open reply (shown above its answer)."""
        self._stream.append(text, thinking=True)

    def streamed_text(self) -> str:
        """Everything the open reply shows, including text not painted yet."""
        return self._stream.text()

    def streamed_thinking(self) -> str:
        """The open reply's thinking, including text not painted yet."""
        return self._stream.thinking()

    @property
    def show_thinking(self) -> bool:
        """Whether replies show their thinking opened (the chat's switch)."""
        return self._show_thinking

    def set_show_thinking(self, show: bool, *, render: bool = True) -> None:
        """Open (or fold) every reply's thinking, as the chat's switch says; ``render``:
        render what is shown again now (else the next render follows the switch)."""
        if show == self._show_thinking and not self._thinking_toggled:
            return
        self._show_thinking = show
        self._thinking_toggled.clear()
        if render and len(self._shown):
            self._render_again()

    def thinking_opened(self, message_id: int) -> bool:
        """Whether the reply's thinking is shown opened."""
        return self._show_thinking != (message_id in self._thinking_toggled)

    def plain_text_of_last_reply(self) -> str:
        """Text shown for the latest reply (streaming or finished), as plain text."""
        bounds = self._shown.last_reply_body()
        return "" if bounds is None else self._text_between(*bounds)

    def highlight_message(self, message_id: int, words: tuple[str, ...]) -> bool:
        """Mark a message and the ``words`` in it, and scroll to it; False if not shown."""
        if self.entry(message_id) is None:
            return False
        self._highlight = (message_id, tuple(w for w in words if w))
        self._apply_highlight()
        self.scroll_to_message(message_id)
        return True

    def clear_highlight(self) -> None:
        self._highlight = None
        self.setExtraSelections([])

    @property
    def highlighted_message(self) -> int | None:
        return self._highlight[0] if self._highlight else None

    def scroll_to_message(self, message_id: int) -> None:
        """Scroll so the message's first line is near the top of the view."""
        top = self._top_of(message_id)
        if top is not None:
            self._scroll_to(max(0, round(top) - 12))

    # Each message as an object (what ui.message_objects asks of the transcript)

    @property
    def message_objects(self) -> MessageObjects:
        """The shown messages' accessible objects."""
        return self._objects

    def entries_shown(self) -> list[PathEntry]:
        """The shown messages, in order (a copy)."""
        return self._shown.entries()

    def message_text(self, message_id: int) -> str:
        """A shown message's text as shown (plain text; a streaming reply's text so far,
        painted or not); "" when it is not shown."""
        if message_id == self._stream.message_id:
            return self.streamed_text().strip()
        bounds = self._shown.body_of(message_id)
        return "" if bounds is None else self._text_between(*bounds)

    def message_rect(self, message_id: int) -> QRect | None:
        """Where a shown message lies in the viewport (it may be scrolled out of it)."""
        top = self._top_of(message_id)
        if top is None:
            return None
        ids = self._shown.message_ids()
        local = ids.index(message_id)
        below = self._top_of(ids[local + 1]) if local + 1 < len(ids) else None
        return self._viewport_rect(top, below)

    def message_rects(self) -> dict[int, QRect]:
        """Where each shown message lies in the viewport, in order: one pass over the
        messages (each ends where the next begins), not one per message."""
        ids = self._shown.message_ids()
        tops = [self._top_at(self._shown.start_at(n)) for n in range(len(ids))]
        return {message_id: self._viewport_rect(top, tops[n + 1] if n + 1 < len(ids) else None)
                for n, (message_id, top) in enumerate(zip(ids, tops, strict=True))}

    def streaming_id(self) -> int | None:
        """The message whose reply streams now, or None."""
        return self._stream.message_id

    def stats_opened(self, message_id: int) -> bool:
        """Whether the reply's figures are shown."""
        return message_id in self._stats_open

    def use_action(self, action: MessageAction, message_id: int, extra: int = 0) -> None:
        """Do what the message's action link does (a screen reader pressed its button)."""
        code = action == MessageAction.CODE
        self._on_link(QUrl(action_href(action, message_id, extra if code else None)))

    # Reading message by message (the keyboard, and screen readers)

    def current_message(self) -> int | None:
        """The message the reader moved to last, while it is shown."""
        return self._reading if self.entry(self._reading or 0) is not None else None

    def step_message(self, delta: int) -> int | None:
        """Move to the previous (``delta`` -1) or next (1) shown message, or from none to
        the last (-1) or first (1): select it (its author and text), scroll to it, take the
        keyboard focus, and tell screen readers who wrote it, where it is and what it says.
        Tab then reaches its actions. Returns its id; None when nothing is shown."""
        ids = self._shown.message_ids()
        if not ids:
            return None
        current = self.current_message()
        if current is None:
            local = len(ids) - 1 if delta < 0 else 0
        else:
            local = max(0, min(len(ids) - 1, ids.index(current) + delta))
        message_id = ids[local]
        self._reading = message_id
        start, bounds = self._shown.start_of(message_id), self._shown.body_of(message_id)
        if start is None or bounds is None:
            return None
        cursor = QTextCursor(self.document())
        cursor.setPosition(start + 1 if start else 0)
        end = self._end_position() if bounds[1] < 0 else bounds[1]
        cursor.setPosition(max(end, cursor.position()), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self._reading_span = (cursor.anchor(), cursor.position())
        self.scroll_to_message(message_id)
        self.setFocus()
        entry = self.entry(message_id)
        assert entry is not None
        text = self._text_between(*bounds) or entry.message.content
        announce(self, self.tr("{author}, message {n} of {total}: {text}").format(
            author=author_of(entry), n=self._shown.first_index + local + 1,
            total=self._shown.total, text=first_words(text, 40)))
        return message_id

    # Qt overrides

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802 (Qt override)
        """Tab from a message Alt+Up / Alt+Down selected reaches that message's own links
        first: its versions, its code blocks' Copy, then Copy, Edit, Regenerate, Stats."""
        cursor = self.textCursor()
        if self._reading_span == (cursor.anchor(), cursor.position()):
            # The next link is looked for after the selection (the document's start without
            # one): select the message's first character only, so its own links come next.
            start = cursor.selectionStart()
            cursor.setPosition(start)
            cursor.setPosition(start + 1, QTextCursor.MoveMode.KeepAnchor)
            self.setTextCursor(cursor)
        self._reading_span = None
        return super().focusNextPrevChild(next)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if (event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            # Tab goes from link to link in the transcript; Ctrl+Tab leaves it at once.
            forward = event.key() == Qt.Key.Key_Tab and not (
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            QTextEdit.focusNextPrevChild(self, forward)
            event.accept()
            return
        super().keyPressEvent(event)

    def loadResource(self, kind: int, name: QUrl) -> object:  # noqa: N802 (Qt override)
        """Load nothing: a reply's image links must not make the view read local files."""
        return None

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        super().paintEvent(event)
        if self._awaiting_paint:
            self._awaiting_paint = False
            self.first_paint.emit(time.perf_counter())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit_text_column()
        self._objects.layout_changed()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        kind = event.type()
        if kind == QEvent.Type.FontChange:
            # The text was zoomed: markdown rendered at the old size is rendered again.
            self._fragments.clear()
        if kind in (QEvent.Type.FontChange, QEvent.Type.PaletteChange) and len(self._shown):
            # Code colours and link colours follow the theme, the text its size.
            self._restyle.start()

    # Links

    def _on_link(self, url: QUrl) -> None:
        if url.scheme() in EXTERNAL_SCHEMES:
            QDesktopServices.openUrl(url)
            return
        if url.toString() == "slice:earlier/0":
            self.earlier_requested.emit()
            return
        if url.toString() == "slice:later/0":
            self.later_requested.emit()
            return
        action = parse_action(url)
        if action is None:
            return
        name, message_id, extra = action
        entry = self.entry(message_id)
        if entry is None:
            return
        if name == MessageAction.COPY:
            QGuiApplication.clipboard().setText(entry.message.content)
            self.copied.emit(self.tr("Message copied"))
        elif name == MessageAction.CODE:
            blocks = code_blocks(entry.message.content)
            if 0 <= extra < len(blocks):
                QGuiApplication.clipboard().setText(blocks[extra])
                self.copied.emit(self.tr("Code copied"))
        elif name == MessageAction.STATS:
            self._stats_open ^= {message_id}
            self._render_again()
        elif name == MessageAction.THINKING:
            self._thinking_toggled ^= {message_id}
            self._render_again()
        else:
            self.action_requested.emit(name, message_id)

    # Rendering

    def _render_again(self, restyled: bool = False) -> None:
        """Render what is shown again, where it is (a reply's stats or thinking opened, a
        new theme or text size: ``restyled``, where a view at the end stays at the end)."""
        keep = None if restyled and self._pinned else self.verticalScrollBar().value()
        self.show_path(
            self._shown.entries(), self._shown.first_index, total=self._shown.total,
            generating_id=self._stream.message_id, stream_text=self.streamed_text(),
            stream_thinking=self.streamed_thinking(),
        )
        if keep is not None:  # else it stays at the end, where show_path put it
            self._scroll_to(keep)

    def _streaming_title(self, message_id: int, answered: bool) -> str:
        """"Thinking…" while the reply thinks, then "Thought for 4.2 s" (as painted; the
        finished reply shows the engine's figure)."""
        if not answered:
            return thinking_title(None, streaming=True)
        thought = self._stream.thought_s(message_id)
        return (THOUGHT_FOR.format(seconds=f"{thought:.1f}") if thought is not None
                else thinking_title(None))

    def _insert_thinking(self, cursor: QTextCursor, message_id: int, title: str, text: str,
                         look: Look) -> None:
        insert_thinking(cursor, message_id, title, text, look,
                        opened=self.thinking_opened(message_id))

    def _append(self, entries: list[PathEntry], generating_id: int | None,
                stream_text: str, stream_thinking: str = "") -> None:
        look = Look.of(self.palette())
        dark = is_dark(self.palette())
        cursor = self._cursor
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.beginEditBlock()
        for entry in entries:
            message = entry.message
            last = self._shown.next_is_last()
            start = self._end_position()
            insert_header(cursor, entry, look, first=self.document().isEmpty())
            if message.id == generating_id:
                self._stream_phase = "answer"
                if stream_thinking:
                    self._insert_thinking(cursor, message.id,
                                          self._streaming_title(message.id, bool(stream_text)),
                                          stream_thinking, look)
                    if not stream_text:
                        # The thinking streams on at the document's end; the answer's body
                        # comes when its first text does (the reply is rendered again).
                        self._stream_phase = "thinking"
                body_start = self._end_position()
                if self._stream_phase == "answer":
                    insert_plain(cursor, stream_text)
                self._stream.start(message.id, stream_text, stream_thinking)
                self._awaiting_paint = False
                self._shown.add(entry, start, (body_start, -1))
                continue
            if message.role == Role.ASSISTANT and message.thinking.strip():
                self._insert_thinking(
                    cursor, message.id,
                    thinking_title(message.stats, streaming=False), message.thinking, look,
                )
            body_start = self._end_position()
            if message.role == Role.USER:
                insert_plain(cursor, message.content)
            elif message.content.strip():
                cursor.insertFragment(self._fragments.fragment(entry, dark))
            body = (body_start, self._end_position())
            insert_footer(cursor, entry, look, stats_open=message.id in self._stats_open,
                          last=last)
            self._shown.add(entry, start, body)
        cursor.endEditBlock()
        if self._highlight is not None:
            self._apply_highlight()
        self._objects.sync()

    def _stop_stream(self) -> None:
        self._stream.stop()
        self._stream_phase = ""

    def _paint_stream(self, text: str, first: bool, thinking: bool = False) -> bool:
        """Append streamed ``text`` at the end; True if the view was following the tail.

        The reply is rendered again, once each, when its thinking begins (a "Thinking…"
        block appears above the answer) and when its answer begins after thinking.
        """
        follow = self._at_bottom()
        if thinking != (self._stream_phase == "thinking"):
            if thinking or self._stream.thinking():
                self._restream()
            else:
                self._append_at_end(text, QTextCharFormat())
        elif not thinking:
            self._append_at_end(text, QTextCharFormat())
        elif self.thinking_opened(self._stream.message_id or 0):
            self._append_at_end(text, thinking_text_format(Look.of(self.palette())))
        self._objects.stream_painted()
        if first:
            if self.isVisible():
                self._awaiting_paint = True
            else:  # nothing will be painted; the text is as shown as it can be
                self.first_paint.emit(time.perf_counter())
        return follow

    def _append_at_end(self, text: str, fmt: QTextCharFormat) -> None:
        # Inside the edit block the move to the end does not lay out the growing paragraph
        # to find the cursor's x (outside it, it does: once more per paint).
        self._cursor.beginEditBlock()
        self._cursor.movePosition(QTextCursor.MoveOperation.End)
        self._cursor.insertText(text, fmt)
        self._cursor.endEditBlock()

    def _restream(self) -> None:
        """Render the streaming reply (the last shown message) again from its header."""
        entries = self._shown.entries()
        message_id = self._stream.message_id
        if not entries or message_id is None or entries[-1].message.id != message_id:
            return
        local = len(entries) - 1
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        cursor.setPosition(self._shown.start_at(local))
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        cursor.endEditBlock()
        self._shown.drop_from(local)
        self._append([entries[-1]], message_id, self._stream.text(), self._stream.thinking())

    def _apply_highlight(self) -> None:
        if self._highlight is None:
            return
        message_id, words = self._highlight
        bounds = self._shown.body_of(message_id)
        if bounds is None:
            self.setExtraSelections([])
            return
        start, end = bounds
        end = self._end_position() if end < 0 else end
        self.setExtraSelections(highlight_selections(self.document(), start, end, words))

    # Geometry

    def _text_between(self, start: int, end: int) -> str:
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        cursor.setPosition(self._end_position() if end < 0 else end,
                           QTextCursor.MoveMode.KeepAnchor)
        return cursor.selection().toPlainText().strip()

    def _top_of(self, message_id: int) -> float | None:
        start = self._shown.start_of(message_id)
        return None if start is None else self._top_at(start)

    def _top_at(self, start: int) -> float:
        """The top, in the document, of the message that begins at ``start``."""
        document: QTextDocument = self.document()
        block = document.findBlock(start + 1 if start else 0)
        return document.documentLayout().blockBoundingRect(block).top()

    def _viewport_rect(self, top: float, below: float | None) -> QRect:
        """The viewport's rectangle of a message from ``top`` to ``below`` (the next one's
        top; None: the document's end), in the text column."""
        bottom = self.document().size().height() if below is None else below
        side = round(self.document().rootFrame().frameFormat().leftMargin())
        x = side - self.horizontalScrollBar().value()
        y = round(top) - self.verticalScrollBar().value()
        return QRect(x, y, max(1, self.viewport().width() - 2 * side),
                     max(1, round(bottom - top)))

    def _offset_on_screen(self, message_id: int | None) -> float | None:
        if message_id is None:
            return None
        top = self._top_of(message_id)
        return None if top is None else top - self.verticalScrollBar().value()

    def _fit_text_column(self) -> None:
        # The root frame's side margins replace the document margin, so keep at least that.
        margin = self.document().documentMargin()
        side = max(margin, (self.viewport().width() - TEXT_COLUMN_PX) / 2)
        root = self.document().rootFrame()
        fmt = root.frameFormat()
        if fmt.leftMargin() != side:
            fmt.setLeftMargin(side)
            fmt.setRightMargin(side)
            root.setFrameFormat(fmt)

    def _end_position(self) -> int:
        return self.document().characterCount() - 1

    def _at_bottom(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - BOTTOM_SLACK_PX

    def _on_scrolled(self, _value: int) -> None:
        self._pinned = self._at_bottom()

    def _scroll_to(self, value: int) -> None:
        """Show ``value`` (a message, a kept place): the view no longer follows the end,
        even where the value was the end while the text was still being laid out."""
        self.verticalScrollBar().setValue(value)
        self._pinned = False

    def _on_range_changed(self, _low: int, high: int) -> None:
        if self._pinned:
            self.verticalScrollBar().setValue(high)

    def _scroll_to_bottom(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())


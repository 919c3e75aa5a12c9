"""The conversation transcript: replies stream in on a paint timer, then become markdown."""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QFont,
    QPaintEvent,
    QResizeEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QTextBrowser, QWidget

from ui.markdown_render import markdown_fragment
from ui.theme import is_dark

PAINT_INTERVAL_MS = 33  # at most ~30 paints a second while a reply streams
BOTTOM_SLACK_PX = 4  # "at the bottom" tolerance when deciding to follow the tail
TEXT_COLUMN_PX = 860  # wider windows centre the text in a column of this width
# Mid-tone colours that read on both light and dark palettes.
USER_COLOR = QColor("#64748b")
ASSISTANT_COLOR = QColor("#8b5cf6")
ERROR_COLOR = QColor("#e5484d")
NOTE_COLOR = QColor("#8b8f96")
EXTERNAL_SCHEMES = ("http", "https", "mailto")


class ChatView(QTextBrowser):
    """Read-only transcript of a conversation; web links open in the browser.

    Messages are appended as blocks under a role header. A reply streams in through
    :meth:`append_token`: text is buffered and painted on a timer (the first chunk at once,
    then at most every ``PAINT_INTERVAL_MS``), appended through one cursor at the end inside an
    edit block, so the transcript is never re-rendered per token. :meth:`finish_reply` then
    replaces the reply's text, once, with rendered markdown. The view follows the tail only
    when the user was already at the bottom.
    """

    first_paint = Signal(float)
    """Once per reply: ``time.perf_counter()`` when the reply's first text was painted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # QTextBrowser would follow a relative link by replacing the whole transcript with it.
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._open_link)
        self.setAccessibleName("Conversation")
        document = self.document()
        document.setUndoRedoEnabled(False)  # read-only: an undo stack would grow with every token
        document.setDocumentMargin(16)
        self._cursor = QTextCursor(document)
        self._pending: list[str] = []
        self._reply: list[str] = []
        self._reply_start = -1  # where the streaming reply's text begins; -1 when none is open
        self._last_reply: tuple[int, int] = (0, 0)
        self._last_flush = 0.0
        self._awaiting_paint = False
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.timeout.connect(self._flush)

    # Messages

    def add_user_message(self, text: str) -> None:
        """Append the user's message as plain text (nothing in it is interpreted) and show it."""
        self._append_header("You", USER_COLOR)
        self._cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        self._cursor.insertText(text)
        self._scroll_to_bottom()

    def begin_reply(self, author: str) -> None:
        """Open a reply from ``author`` (the model's name); tokens go into it until it ends."""
        self._append_header(author, ASSISTANT_COLOR)
        self._reply_start = self._cursor.position()
        self._cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        self._pending.clear()
        self._reply.clear()
        self._last_flush = 0.0
        self._awaiting_paint = False
        self._scroll_to_bottom()

    def append_token(self, text: str) -> None:
        """Queue streamed text for the open reply; it is painted on the next timer tick."""
        if not text or self._reply_start < 0:
            return
        self._pending.append(text)
        if self._flush_timer.isActive():
            return
        wait_ms = PAINT_INTERVAL_MS - (time.perf_counter() - self._last_flush) * 1000
        if wait_ms <= 0:
            self._flush()
        else:
            self._flush_timer.start(math.ceil(wait_ms))

    def finish_reply(self, empty_note: str = "(no text)") -> str:
        """Close the open reply, render it as markdown, and return its full text.

        A reply without text shows ``empty_note`` instead.
        """
        return self._close_reply(empty_note=empty_note)

    def fail_reply(self, message: str) -> str:
        """Close the open reply with an error block saying ``message``; return its partial text."""
        follow = self._at_bottom()
        text = self._close_reply(empty_note=None)
        self._cursor.insertBlock(_spaced_block(top=6), QTextCharFormat())
        error = QTextCharFormat()
        error.setForeground(ERROR_COLOR)
        self._cursor.insertText(f"⚠ {message}", error)
        if follow:
            self._scroll_to_bottom()
        return text

    def clear_conversation(self) -> None:
        """Empty the transcript, dropping any reply in progress."""
        self._flush_timer.stop()
        self._pending.clear()
        self._reply.clear()
        self._reply_start = -1
        self._last_reply = (0, 0)
        self.clear()
        self._cursor = QTextCursor(self.document())
        self._fit_text_column()

    def plain_text_of_last_reply(self) -> str:
        """Text shown for the latest reply (streaming or finished), as plain text."""
        start, end = self._last_reply
        if self._reply_start >= 0:
            start, end = self._reply_start, self._end_position()
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        return cursor.selection().toPlainText().strip()

    def loadResource(self, kind: int, name: QUrl) -> object:  # noqa: N802 (Qt override)
        """Load nothing: a reply's image links must not make the view read local files."""
        return None

    def _open_link(self, url: QUrl) -> None:
        if url.scheme() in EXTERNAL_SCHEMES:
            QDesktopServices.openUrl(url)

    # Painting

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        super().paintEvent(event)
        if self._awaiting_paint:
            self._awaiting_paint = False
            self.first_paint.emit(time.perf_counter())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit_text_column()

    def _flush(self) -> None:
        if not self._pending:
            return
        text = "".join(self._pending)
        self._pending.clear()
        follow = self._at_bottom()
        self._cursor.movePosition(QTextCursor.MoveOperation.End)
        self._cursor.beginEditBlock()
        self._cursor.insertText(text, QTextCharFormat())
        self._cursor.endEditBlock()
        if not self._reply:
            if self.isVisible():
                self._awaiting_paint = True
            else:  # nothing will be painted; the text is as shown as it can be
                self.first_paint.emit(time.perf_counter())
        self._reply.append(text)
        self._last_flush = time.perf_counter()
        if follow:
            self._scroll_to_bottom()

    def _close_reply(self, empty_note: str | None) -> str:
        if self._reply_start < 0:
            return ""
        self._flush_timer.stop()
        self._flush()
        follow = self._at_bottom()
        text = "".join(self._reply)
        cursor = self._cursor
        cursor.beginEditBlock()
        cursor.setPosition(self._reply_start)
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        if text.strip():
            cursor.insertFragment(markdown_fragment(text, dark=is_dark(self.palette())))
        elif empty_note is not None:
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
            note = QTextCharFormat()
            note.setForeground(NOTE_COLOR)
            note.setFontItalic(True)
            cursor.insertText(empty_note, note)
        cursor.endEditBlock()
        self._last_reply = (self._reply_start, self._end_position())
        self._reply_start = -1
        self._reply.clear()
        if follow:
            self._scroll_to_bottom()
        return text

    def _append_header(self, name: str, color: QColor) -> None:
        self._cursor.movePosition(QTextCursor.MoveOperation.End)
        header = QTextCharFormat()
        header.setFontWeight(QFont.Weight.Bold)
        header.setForeground(color)
        if self.document().isEmpty():
            self._cursor.setBlockFormat(_spaced_block(top=0, bottom=4))
        else:
            self._cursor.insertBlock(_spaced_block(top=20, bottom=4))
        self._cursor.insertText(name, header)

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

    def _scroll_to_bottom(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())


def _spaced_block(top: float = 0, bottom: float = 0) -> QTextBlockFormat:
    fmt = QTextBlockFormat()
    fmt.setTopMargin(top)
    fmt.setBottomMargin(bottom)
    return fmt

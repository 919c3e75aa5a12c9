"""How one message looks in the transcript: header, body, notes, action links and stats.

Actions are links with ``slice:`` addresses (``slice:edit/42``); the transcript routes them.
Links are keyboard-reachable (Tab, then Enter) like any link in a QTextBrowser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QPalette,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
)

from app.chat.conversation import can_continue
from app.store.export import fingerprint_line, stats_line
from app.store.records import (
    MessageState,
    PathEntry,
    Role,
)
from inference.events import StopReason
from ui.app_texts import app_text
from ui.i18n import tr
from ui.theme import readable

ACTION_SCHEME = "slice"
# Mid-tone colours that read on both light and dark palettes.
USER_COLOR = QColor("#64748b")
ASSISTANT_COLOR = QColor("#8b5cf6")
ERROR_COLOR = QColor("#e5484d")
NOTE_COLOR = QColor("#8b8f96")
WARNING_COLOR = QColor("#d97706")
# Shown through note_text(), in the window's language.
EMPTY_REPLY_NOTE = QT_TRANSLATE_NOOP(
    "QCoreApplication", "No reply: this message was left out of the conversation.")
INTERRUPTED_NOTE = QT_TRANSLATE_NOOP(
    "QCoreApplication", "Interrupted: Slice closed before this reply finished.")
REPETITION_NOTE = QT_TRANSLATE_NOOP(
    "QCoreApplication", "Stopped: this reply kept repeating itself. Continue anyway, "
    "regenerate, or turn the check off in Model settings.")


def note_text(note: str) -> str:
    """One of the notes above in the window's language."""
    return QCoreApplication.translate("QCoreApplication", note)


class MessageAction(StrEnum):
    """What an action link under a message asks for (the first part of its address)."""

    COPY = "copy"
    CODE = "code"  # copy one code block; the link's extra number says which
    STATS = "stats"  # show or hide the reply's figures
    THINKING = "thinking"  # open or fold a reply's thinking
    EDIT = "edit"
    REGENERATE = "regenerate"
    CONTINUE = "continue"
    PREVIOUS = "prev"  # the previous version (sibling) of a message
    NEXT = "next"


def action_href(action: MessageAction, message_id: int, extra: int | None = None) -> str:
    """The address of an action link, e.g. ``slice:edit/42`` or ``slice:code/42/0``."""
    tail = f"/{extra}" if extra is not None else ""
    return f"{ACTION_SCHEME}:{action}/{message_id}{tail}"


def parse_action(url: QUrl) -> tuple[MessageAction, int, int] | None:
    """(action, message id, extra) of an action link; None for any other address."""
    if url.scheme() != ACTION_SCHEME:
        return None
    parts = url.path().split("/")
    try:
        action = MessageAction(parts[0])
        numbers = [int(p) for p in parts[1:]]
    except ValueError:  # an action or a number this build does not know
        return None
    if not 1 <= len(numbers) <= 2:
        return None
    return action, numbers[0], numbers[1] if len(numbers) > 1 else 0


@dataclass(frozen=True)
class Look:
    """Colours and fonts of one rendering pass (they follow the palette)."""

    link: QColor
    muted: QColor
    small_pt: float
    # The transcript's background: every text colour is made to read on it (WCAG AA).
    background: QColor = field(default_factory=lambda: QColor("#ffffff"))

    @classmethod
    def of(cls, palette: QPalette) -> Look:
        return cls(
            link=palette.color(QPalette.ColorRole.Link),
            muted=NOTE_COLOR,
            small_pt=QGuiApplication.font().pointSizeF() * 0.86,
            background=palette.color(QPalette.ColorRole.Base),
        )

    def text(self, color: QColor | None = None, *, small: bool = False,
             bold: bool = False, italic: bool = False) -> QTextCharFormat:
        fmt = QTextCharFormat()
        if color is not None:
            fmt.setForeground(readable(color, self.background))
        if small:
            fmt.setFontPointSize(self.small_pt)
        if bold:
            fmt.setFontWeight(QFont.Weight.Bold)
        fmt.setFontItalic(italic)
        return fmt

    def link_format(self, href: str, tip: str, *, small: bool = True) -> QTextCharFormat:
        fmt = self.text(self.link, small=small)
        fmt.setAnchor(True)
        fmt.setAnchorHref(href)
        fmt.setToolTip(tip)
        return fmt


def spaced_block(top: float = 0, bottom: float = 0) -> QTextBlockFormat:
    fmt = QTextBlockFormat()
    fmt.setTopMargin(top)
    fmt.setBottomMargin(bottom)
    return fmt


def author_of(entry: PathEntry) -> str:
    message = entry.message
    return tr("You") if message.role == Role.USER else (
        message.model or tr("Assistant"))


def insert_header(cursor: QTextCursor, entry: PathEntry, look: Look, *, first: bool) -> None:
    """The author's name, and ◀ n/m ▶ when the message has other versions."""
    message = entry.message
    color = USER_COLOR if message.role == Role.USER else ASSISTANT_COLOR
    if first:
        cursor.setBlockFormat(spaced_block(top=0, bottom=4))
    else:
        cursor.insertBlock(spaced_block(top=20, bottom=4), QTextCharFormat())
    cursor.insertText(author_of(entry), look.text(color, bold=True))
    if entry.sibling_count > 1:
        cursor.insertText("    ", look.text())
        n, total = entry.sibling_index, entry.sibling_count
        _nav(cursor, look, MessageAction.PREVIOUS, message.id, "◀",
             tr("Previous version"), n > 1)
        cursor.insertText(f" {n}/{total} ", look.text(look.muted))
        _nav(cursor, look, MessageAction.NEXT, message.id, "▶",
             tr("Next version"), n < total)


def _nav(cursor: QTextCursor, look: Look, action: MessageAction, message_id: int, glyph: str,
         tip: str, enabled: bool) -> None:
    if enabled:
        link = look.link_format(action_href(action, message_id), tip, small=False)
        link.setFontWeight(QFont.Weight.Bold)
        cursor.insertText(glyph, link)
    else:
        cursor.insertText(glyph, look.text(look.muted))


THINKING_INDENT_PX = 14


def thinking_text_format(look: Look) -> QTextCharFormat:
    """How a reply's thinking reads: small, muted, italic (apart from the answer)."""
    return look.text(look.muted, small=True, italic=True)


def insert_thinking(cursor: QTextCursor, message_id: int, title: str, text: str, look: Look,
                    *, opened: bool) -> None:
    """A reply's thinking, above its answer: a title that opens or folds it ("▸ Thought
    for 4.2 s"), and when opened, the thinking itself, indented. The cursor ends at the
    end of the thinking (or of the title), so that streamed thinking can follow."""
    cursor.insertBlock(spaced_block(top=2), QTextCharFormat())
    tip = (tr("Hide the model's thinking") if opened
           else tr("Show the model's thinking"))
    cursor.insertText(f"{'▾' if opened else '▸'} {app_text(title)}",
                      look.link_format(action_href(MessageAction.THINKING, message_id), tip))
    if opened:
        block = spaced_block(top=2, bottom=2)
        block.setLeftMargin(THINKING_INDENT_PX)
        cursor.insertBlock(block, thinking_text_format(look))
        cursor.insertText(text.strip(), thinking_text_format(look))


def insert_plain(cursor: QTextCursor, text: str) -> None:
    """``text`` as it was typed (nothing in it is interpreted), in a new block."""
    cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
    cursor.insertText(text)


@dataclass(frozen=True)
class Footer:
    """What goes under a message: a note (interrupted, failed, empty; "" for none), its
    colour, and the actions offered, each (label, action, tooltip)."""

    note: str
    note_color: QColor
    actions: list[tuple[str, MessageAction, str]]


def footer_of(entry: PathEntry, *, stats_open: bool, last: bool) -> Footer:
    """The note and actions under ``entry`` (the transcript's links, and the buttons of its
    accessible object: one list serves both).

    "Continue" is offered on the last message of the path only (nothing follows it yet).
    """
    message = entry.message
    actions: list[tuple[str, MessageAction, str]] = []  # (label, action, tooltip)
    note, note_color = "", NOTE_COLOR
    has_text = bool(message.content.strip())
    if message.role == Role.USER:
        actions = [(tr("Copy"), MessageAction.COPY, tr("Copy this message")),
                   (tr("Edit"), MessageAction.EDIT, tr("Edit and send as a new version"))]
    elif message.state == MessageState.PARTIAL:
        note, note_color = f"⚠ {note_text(INTERRUPTED_NOTE)}", WARNING_COLOR
        actions = [(tr("Regenerate"), MessageAction.REGENERATE,
                    tr("Write a new reply beside this one"))]
        if last:
            actions.insert(
                0, (tr("Continue"), MessageAction.CONTINUE, tr("Generate the rest of this reply")))
    elif message.state == MessageState.FAILED:
        note, note_color = f"⚠ {app_text(message.error) or tr('The reply failed.')}", ERROR_COLOR
        actions = [(tr("Retry"), MessageAction.REGENERATE, tr("Try this reply again"))]
        if last and can_continue(message):  # cut off: its text is kept
            actions.insert(0, (tr("Continue"), MessageAction.CONTINUE,
                               tr("Generate the rest of this reply")))
    elif not has_text:
        note = note_text(EMPTY_REPLY_NOTE)
        actions = [(tr("Regenerate"), MessageAction.REGENERATE, tr("Write a new reply"))]
    else:
        actions = [(tr("Regenerate"), MessageAction.REGENERATE,
                    tr("Write a new reply beside this one"))]
        looped = (message.stats or {}).get("stop_reason") == StopReason.REPETITION
        if looped:
            note, note_color = f"⚠ {note_text(REPETITION_NOTE)}", WARNING_COLOR
        if last and can_continue(message):
            actions.insert(0, (tr("Continue anyway"), MessageAction.CONTINUE,
                               tr("Generate more of this reply, without the repetition check"))
                           if looped else
                           (tr("Continue"), MessageAction.CONTINUE,
                            tr("Generate more of this reply")))
    if message.role != Role.USER and has_text:
        actions.insert(0, (tr("Copy"), MessageAction.COPY, tr("Copy this reply as Markdown")))
    if message.stats:
        label = tr("Hide stats") if stats_open else tr("Stats")
        actions.append((label, MessageAction.STATS,
                        tr("Speed, tokens and what produced this reply")))
    return Footer(note, note_color, actions)


def insert_footer(cursor: QTextCursor, entry: PathEntry, look: Look, *,
                  stats_open: bool, last: bool) -> None:
    """Notes (interrupted, failed, empty) and the message's action links."""
    message = entry.message
    footer = footer_of(entry, stats_open=stats_open, last=last)
    note, note_color, actions = footer.note, footer.note_color, footer.actions
    if note:
        cursor.insertBlock(spaced_block(top=6), QTextCharFormat())
        cursor.insertText(note, look.text(note_color, italic=not message.error))
    cursor.insertBlock(spaced_block(top=4), QTextCharFormat())
    for n, (label, action, tip) in enumerate(actions):
        if n:
            cursor.insertText("  ·  ", look.text(look.muted, small=True))
        cursor.insertText(label, look.link_format(action_href(action, message.id), tip))
    if stats_open and message.stats:
        cursor.insertBlock(spaced_block(top=4), QTextCharFormat())
        cursor.insertText(stats_line(message.stats), look.text(look.muted, small=True))
        if message.fingerprint:
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
            cursor.insertText(fingerprint_line(message.fingerprint),
                              look.text(look.muted, small=True))

"""Render a finished reply's markdown as a QTextDocument fragment, with boxed, highlighted code."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.styles import get_style_by_name
from pygments.util import ClassNotFound
from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextDocumentFragment,
    QTextFormat,
    QTextFrame,
    QTextFrameFormat,
    QTextTable,
)

from ui.i18n import tr

LIGHT_CODE_STYLE = "default"
DARK_CODE_STYLE = "github-dark"
# Translucent, so the shading reads on light and dark palettes alike.
CODE_BACKGROUND = QColor(127, 127, 127, 38)
TABLE_BORDER = QColor(127, 127, 127, 110)
LABEL_COLOR = QColor("#8b8f96")
LINK_COLOR = QColor("#4f46e5")
DARK_LINK_COLOR = QColor("#8ab4f8")
CODE_PADDING = 10.0
_KEEP = QTextCursor.MoveMode.KeepAnchor


def markdown_fragment(
    text: str, *, dark: bool, code_link: Callable[[int], str] | None = None
) -> QTextDocumentFragment:
    """``text`` rendered as GitHub-flavoured markdown, ready for ``QTextCursor.insertFragment``.

    Insert it at the end of a block: the fragment starts with a block break, so its first
    block (a heading, a list item) keeps its own format instead of taking the current one's.
    Code blocks become padded, shaded frames in a fixed-pitch font, highlighted by pygments
    when the fence names a language it knows. With ``code_link``, each code block gets a
    "Copy" link whose address is ``code_link(n)`` (n counts the blocks from 0, as
    :func:`code_blocks` does).
    """
    source = QTextDocument()
    source.setMarkdown(text, QTextDocument.MarkdownFeature.MarkdownDialectGitHub)
    _scale_headings(source)
    _style_inline_code(source)
    _style_tables(source)
    runs = _code_runs(source)
    for n, (first, last) in reversed(list(enumerate(runs))):
        frame, language = _box_code(source, first, last, dark=dark)
        if code_link is not None:
            _add_copy_link(frame, language, code_link(n), dark=dark)
    # Block formats live on the break before a block; a fragment's first block has none, so
    # lead with an empty block that carries the first real block's format along.
    QTextCursor(source).insertBlock()
    return QTextDocumentFragment(source)


def code_blocks(text: str) -> list[str]:
    """The text of each code block of the markdown ``text``, in order (remembered for the
    last messages asked about: the transcript asks for every shown message each time it
    renders, and parsing markdown is what rendering costs)."""
    return list(_code_blocks(text))


@lru_cache(maxsize=256)
def _code_blocks(text: str) -> tuple[str, ...]:
    source = QTextDocument()
    source.setMarkdown(text, QTextDocument.MarkdownFeature.MarkdownDialectGitHub)
    blocks = []
    for first, last in _code_runs(source):
        lines = []
        for number in range(first, last + 1):
            lines.append(source.findBlockByNumber(number).text())
        blocks.append("\n".join(lines))
    return tuple(blocks)


def _add_copy_link(frame: QTextFrame, language: str, href: str, *, dark: bool) -> None:
    """A small right-aligned "language · Copy" line at the top of a code box."""
    cursor = QTextCursor(frame.document())
    cursor.setPosition(frame.firstPosition())
    code_format = cursor.blockFormat()
    label = QTextCharFormat()
    label.setFont(QGuiApplication.font())
    label.setFontPointSize(QGuiApplication.font().pointSizeF() * 0.85)
    label.setForeground(LABEL_COLOR)
    link = QTextCharFormat(label)
    link.setAnchor(True)
    link.setAnchorHref(href)
    link.setForeground(DARK_LINK_COLOR if dark else LINK_COLOR)
    link.setToolTip(tr("Copy this code"))
    cursor.insertText(f"{language or tr('code')}  ·  ", label)
    cursor.insertText(tr("Copy"), link)
    cursor.insertBlock(code_format, QTextCharFormat())
    toolbar = QTextCursor(frame.document())
    toolbar.setPosition(frame.firstPosition())
    aligned = QTextBlockFormat()
    aligned.setAlignment(Qt.AlignmentFlag.AlignRight)
    aligned.setBottomMargin(2)
    toolbar.mergeBlockFormat(aligned)


def code_font() -> QFont:
    """The fixed-pitch font code is shown in."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setFixedPitch(True)
    font.setPointSizeF(QGuiApplication.font().pointSizeF() * 0.95)
    return font


def _scale_headings(document: QTextDocument) -> None:
    # Qt sizes headings for documents (h1 twice the text size); a chat reply wants less.
    block = document.begin()
    while block.isValid():
        level = block.blockFormat().headingLevel()
        if level:
            cursor = QTextCursor(block)
            spacing = QTextBlockFormat()
            spacing.setTopMargin(10)
            spacing.setBottomMargin(4)
            cursor.mergeBlockFormat(spacing)
            cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, _KEEP)
            size = QTextCharFormat()
            size.setProperty(QTextFormat.Property.FontSizeAdjustment, max(0, 3 - level))
            cursor.mergeCharFormat(size)
        block = block.next()


def _style_inline_code(document: QTextDocument) -> None:
    # Qt marks `code` spans fixed-pitch with the family "monospace", which not every system
    # resolves; name the real fixed font and shade the span.
    code = QTextCharFormat()
    code.setFont(
        code_font(), QTextCharFormat.FontPropertiesInheritanceBehavior.FontPropertiesSpecifiedOnly
    )
    code.setBackground(CODE_BACKGROUND)
    cursor = QTextCursor(document)
    block = document.begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            if fragment.charFormat().fontFixedPitch():
                cursor.setPosition(fragment.position())
                cursor.setPosition(fragment.position() + fragment.length(), _KEEP)
                cursor.mergeCharFormat(code)
            fragments += 1
        block = block.next()


def _style_tables(document: QTextDocument) -> None:
    frames = list(document.rootFrame().childFrames())
    while frames:
        frame = frames.pop()
        frames.extend(frame.childFrames())
        if not isinstance(frame, QTextTable):
            continue
        fmt = frame.format()
        fmt.setBorderCollapse(True)
        fmt.setBorder(1)
        fmt.setBorderBrush(TABLE_BORDER)
        fmt.setCellSpacing(0)
        fmt.setCellPadding(5)
        frame.setFormat(fmt)
        # GitHub tables always have a header row; Qt loses its format after a block quote.
        header = QTextCharFormat()
        header.setFontWeight(QFont.Weight.Bold)
        flat = QTextBlockFormat()
        flat.setTopMargin(0)
        flat.setBottomMargin(0)
        for row in range(frame.rows()):
            for column in range(frame.columns()):
                cell = frame.cellAt(row, column)
                cursor = cell.firstCursorPosition()
                while not cursor.block().text() and cursor.block().next().position() <= (
                    cell.lastPosition()
                ):
                    cursor.deleteChar()  # a stray empty line Qt leaves in some cells
                cursor.setPosition(cell.lastCursorPosition().position(), _KEEP)
                cursor.mergeBlockFormat(flat)
                if row == 0:
                    cursor.mergeCharFormat(header)


def _is_code(fmt: QTextBlockFormat) -> bool:
    return fmt.hasProperty(QTextFormat.Property.BlockCodeFence) or fmt.hasProperty(
        QTextFormat.Property.BlockCodeLanguage
    )


def _code_runs(document: QTextDocument) -> list[tuple[int, int]]:
    """(first, last) block numbers of each run of consecutive code blocks."""
    runs: list[tuple[int, int]] = []
    block = document.begin()
    while block.isValid():
        if _is_code(block.blockFormat()):
            first = block.blockNumber()
            while block.next().isValid() and _is_code(block.next().blockFormat()):
                block = block.next()
            runs.append((first, block.blockNumber()))
        block = block.next()
    return runs


def _box_code(
    document: QTextDocument, first: int, last: int, *, dark: bool
) -> tuple[QTextFrame, str]:
    """Put code blocks ``first``..``last`` in a shaded frame; returns it and the language."""
    first_block = document.findBlockByNumber(first)
    last_block = document.findBlockByNumber(last)
    language = first_block.blockFormat().stringProperty(QTextFormat.Property.BlockCodeLanguage)
    cursor = QTextCursor(document)
    cursor.setPosition(first_block.position())
    cursor.setPosition(last_block.position() + last_block.length() - 1, _KEEP)
    frame_format = QTextFrameFormat()
    frame_format.setBackground(CODE_BACKGROUND)
    frame_format.setPadding(CODE_PADDING)
    frame_format.setBorder(0)
    frame_format.setTopMargin(4)
    frame_format.setBottomMargin(4)
    frame = cursor.insertFrame(frame_format)
    _collapse_blank_neighbours(frame)
    _highlight(frame, language, dark=dark)
    return frame, language


def _collapse_blank_neighbours(frame: QTextFrame) -> None:
    # A frame always sits between two blocks; the empty ones left by the move would show as
    # blank lines around the box.
    document = frame.document()
    flat = QTextBlockFormat()
    flat.setLineHeight(0, QTextBlockFormat.LineHeightTypes.FixedHeight.value)
    for position in (frame.firstPosition() - 1, frame.lastPosition() + 1):
        block = document.findBlock(position)
        if block.isValid() and not block.text():
            QTextCursor(block).setBlockFormat(flat)


def _highlight(frame: QTextFrame, language: str, *, dark: bool) -> None:
    cursor = QTextCursor(frame.document())
    start = frame.firstPosition()
    cursor.setPosition(start)
    cursor.setPosition(frame.lastPosition(), _KEEP)
    base = QTextCharFormat()
    base.setFont(code_font())
    cursor.mergeCharFormat(base)
    lexer = _lexer(language)
    if lexer is None:
        return
    # A block break counts as one position, like the "\n" that joins lines here.
    code = cursor.selectedText().replace("\u2029", "\n")
    offset = 0
    for token_type, value in lexer.get_tokens(code):
        length = len(value.encode("utf-16-le")) // 2  # Qt positions count UTF-16 units
        fmt = _token_format(token_type, dark)
        if fmt is not None:
            cursor.setPosition(start + offset)
            cursor.setPosition(start + offset + length, _KEEP)
            cursor.mergeCharFormat(fmt)
        offset += length


@cache
def _lexer(language: str) -> Lexer | None:
    if not language:
        return None
    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


@cache
def _token_format(token_type: tuple[str, ...], dark: bool) -> QTextCharFormat | None:
    style = get_style_by_name(DARK_CODE_STYLE if dark else LIGHT_CODE_STYLE)
    spec = style.style_for_token(token_type)
    if not (spec["color"] or spec["bold"] or spec["italic"]):
        return None
    fmt = QTextCharFormat()
    if spec["color"]:
        fmt.setForeground(QColor(f"#{spec['color']}"))
    if spec["bold"]:
        fmt.setFontWeight(QFont.Weight.Bold)
    if spec["italic"]:
        fmt.setFontItalic(True)
    return fmt

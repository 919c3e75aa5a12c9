"""The sidebar: search box, chats grouped by date, rename in place, delete with undo."""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, QModelIndex, QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QPainter, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.store.chat_store import ChatStore
from app.store.records import MATCH_END, MATCH_START, SearchHit
from app.store.search import search
from ui.chat_list import (
    CHAT_ID_ROLE,
    HIT_ROLE,
    UNTITLED,
    ChatListModel,
    SearchResultModel,
    shown_text,
)
from ui.theme import muted_text_color

SEARCH_DELAY_MS = 150
WIDTH = 260


class _HitDelegate(QStyledItemDelegate):
    """Paints a search hit: the chat's title on one line, then the snippet with the matched
    words in bold (up to two lines)."""

    PADDING = 4

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        hit = index.data(HIT_ROLE)
        self.initStyleOption(option, index)
        option.text = ""
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        if not isinstance(hit, SearchHit):
            return
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_color = (option.palette.highlightedText() if selected else option.palette.text()
                      ).color()
        muted = text_color if selected else muted_text_color(option.palette)
        rect = option.rect.adjusted(self.PADDING, self.PADDING, -self.PADDING, -self.PADDING)
        painter.save()
        title_font = QFont(option.font)
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(text_color)
        metrics = QFontMetrics(title_font)
        title = metrics.elidedText(hit.chat_title or shown_text(UNTITLED),
                                   Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect.left(), rect.top() + metrics.ascent(), title)
        if hit.message_id is None:
            snippet = QCoreApplication.translate("Sidebar", "The chat's name matches")
        else:
            snippet = html.escape(" ".join(hit.snippet.split()))
            snippet = snippet.replace(MATCH_START, "<b>").replace(MATCH_END, "</b>")
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(0)
        document.setTextWidth(rect.width())
        document.setHtml(f'<span style="color:{muted.name()}">{snippet}</span>')
        painter.translate(rect.left(), rect.top() + metrics.lineSpacing() + 2)
        painter.setClipRect(0, 0, rect.width(), rect.height() - metrics.lineSpacing() - 2)
        document.drawContents(painter)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        line = option.fontMetrics.lineSpacing()
        return QSize(WIDTH, line * 3 + 2 * self.PADDING + 6)


class _ChatList(QListView):
    """The chat list; Delete asks to delete the current chat."""

    delete_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        editing = self.state() == QAbstractItemView.State.EditingState
        if event.key() == Qt.Key.Key_Delete and not editing:
            self.delete_pressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class Sidebar(QWidget):
    """Conversations, most recent first under date headings, with full-text search."""

    #: The user chose a chat (its id).
    chat_selected = Signal(int)
    #: The user chose a search hit: chat id, message id (0 when the title matched), query.
    hit_chosen = Signal(int, int, str)
    #: A chat was deleted (it can still be restored with Undo).
    chat_deleted = Signal(int)
    #: A deleted chat was restored.
    chat_restored = Signal(int)
    #: A chat was renamed (its id).
    chat_renamed = Signal(int)
    #: The user asked to export a chat (its id).
    export_requested = Signal(int)
    #: Something went wrong; the message is for the status line.
    problem = Signal(str)

    def __init__(self, store: ChatStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._current: int | None = None
        self._deleted: list[tuple[int, str]] = []
        self.setAccessibleName(self.tr("Chats"))
        self.setMinimumWidth(200)

        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(self.tr("Search chats  (Ctrl+F)"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setAccessibleName(self.tr("Search chats"))

        self.model = ChatListModel(store)
        self.model.rename_failed.connect(self.problem)
        self.model.renamed.connect(self.chat_renamed)
        self.list_view = _ChatList()
        self.list_view.setModel(self.model)
        self.list_view.setAccessibleName(self.tr("Chat list"))
        self.list_view.setUniformItemSizes(True)
        self.list_view.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list_view.setFrameShape(QFrame.Shape.NoFrame)
        self.list_view.setStyleSheet("QListView::item { padding: 3px 4px; }")
        self.list_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list_view.setTextElideMode(Qt.TextElideMode.ElideRight)

        self.results = SearchResultModel()
        self.results_view = QListView()
        self.results_view.setModel(self.results)
        self.results_view.setItemDelegate(_HitDelegate(self.results_view))
        self.results_view.setAccessibleName(self.tr("Search results"))
        self.results_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results_view.setFrameShape(QFrame.Shape.NoFrame)
        self.results_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.no_results = QLabel(self.tr("No chat has these words."))
        self.no_results.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_results.setWordWrap(True)
        results_page = QWidget()
        results_layout = QVBoxLayout(results_page)
        results_layout.setContentsMargins(0, 0, 0, 0)
        results_layout.addWidget(self.results_view, 1)
        results_layout.addWidget(self.no_results)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.list_view)
        self.pages.addWidget(results_page)

        self.undo_bar = QFrame()
        self.undo_bar.setFrameShape(QFrame.Shape.StyledPanel)
        self.undo_label = QLabel()
        self.undo_label.setWordWrap(True)
        self.undo_button = QPushButton(self.tr("Undo"))
        self.undo_button.setAccessibleName(self.tr("Undo delete"))
        self.undo_button.setToolTip(self.tr("Bring the deleted chat back (Ctrl+Z)"))
        dismiss = QToolButton()
        dismiss.setText("✕")
        dismiss.setAccessibleName(self.tr("Dismiss"))
        dismiss.setAutoRaise(True)
        bar = QHBoxLayout(self.undo_bar)
        bar.setContentsMargins(8, 4, 4, 4)
        bar.addWidget(self.undo_label, 1)
        bar.addWidget(self.undo_button)
        bar.addWidget(dismiss)
        self.undo_bar.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.search_box)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.undo_bar)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.run_search)
        self.search_box.textChanged.connect(lambda _text: self._search_timer.start())
        self.search_box.returnPressed.connect(self._open_first_hit)
        self.list_view.clicked.connect(self._on_clicked)
        self.list_view.activated.connect(self._on_clicked)
        self.list_view.delete_pressed.connect(self.delete_current)
        self.list_view.customContextMenuRequested.connect(self._context_menu)
        self.results_view.clicked.connect(self._on_hit)
        self.results_view.activated.connect(self._on_hit)
        self.undo_button.clicked.connect(self.undo_delete)
        dismiss.clicked.connect(self.undo_bar.hide)

    # The chat list

    def refresh(self) -> None:
        """Re-read the chats (titles, order) and keep the current one selected."""
        self.model.refresh()
        self._show_current()

    def set_current(self, chat_id: int | None) -> None:
        """Mark the open chat (None: a new chat, nothing selected)."""
        self._current = chat_id
        self._show_current()

    def _show_current(self) -> None:
        row = self.model.row_of(self._current) if self._current is not None else None
        selection = self.list_view.selectionModel()
        if row is None:
            selection.clearSelection()
            return
        index = self.model.index(row)
        if self.list_view.currentIndex() != index or not selection.isSelected(index):
            self.list_view.setCurrentIndex(index)
        self.list_view.scrollTo(index)

    def step(self, delta: int) -> None:
        """Open the chat ``delta`` places below (or above) the open one (Ctrl+Down/Up)."""
        rows = self.model.chat_rows()
        if not rows:
            return
        current = self.model.row_of(self._current) if self._current is not None else None
        if current is None:
            target = rows[0] if delta > 0 else rows[-1]
        else:
            position = rows.index(current) + delta
            if not 0 <= position < len(rows):
                return
            target = rows[position]
        chat_id = self.model.chat_id_at(target)
        if chat_id is not None:
            self.chat_selected.emit(chat_id)

    def start_rename(self) -> bool:
        """Open the name of the current chat for editing (F2); False when there is none."""
        row = self.model.row_of(self._current) if self._current is not None else None
        if row is None:
            return False
        self.clear_search()
        index = self.model.index(row)
        self.list_view.setCurrentIndex(index)
        self.list_view.setFocus()
        self.list_view.edit(index)
        return True

    def delete_current(self) -> None:
        """Delete the chat under the list's cursor (restorable with Undo)."""
        chat_id = self.list_view.currentIndex().data(CHAT_ID_ROLE)
        if isinstance(chat_id, int):
            self.delete_chat(chat_id)

    def delete_chat(self, chat_id: int) -> None:
        chat = self._store.chat(chat_id)
        if chat is None:
            return
        self._store.delete_chat(chat_id)
        self._deleted.append((chat_id, chat.title or shown_text(UNTITLED)))
        self.undo_label.setText(self.tr("Deleted “{title}”.").format(title=self._deleted[-1][1]))
        self.undo_bar.show()
        self.model.refresh()
        self.chat_deleted.emit(chat_id)
        if self.search_box.text():
            self.run_search()

    def can_undo(self) -> bool:
        return bool(self._deleted) and self.undo_bar.isVisible()

    def undo_delete(self) -> None:
        """Restore the most recently deleted chat."""
        if not self._deleted:
            return
        chat_id, _title = self._deleted.pop()
        self._store.restore_chat(chat_id)
        if self._deleted:
            self.undo_label.setText(
                self.tr("Deleted “{title}”.").format(title=self._deleted[-1][1]))
        else:
            self.undo_bar.hide()
        self.model.refresh()
        self.chat_restored.emit(chat_id)
        self.chat_selected.emit(chat_id)

    # Search

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def clear_search(self) -> None:
        if self.search_box.text():
            self.search_box.clear()
            self.run_search()

    def run_search(self) -> None:
        """Search now for the box's words (normally run shortly after typing stops)."""
        self._search_timer.stop()
        text = self.search_box.text().strip()
        if not text:
            self.pages.setCurrentIndex(0)
            return
        hits = search(self._store.connection, text)
        self.results.set_hits(hits)
        self.no_results.setVisible(not hits)
        self.pages.setCurrentIndex(1)

    def _open_first_hit(self) -> None:
        self.run_search()
        if self.results.rowCount():
            self._on_hit(self.results.index(0))

    def _on_hit(self, index: QModelIndex) -> None:
        hit = index.data(HIT_ROLE)
        if isinstance(hit, SearchHit):
            self.hit_chosen.emit(hit.chat_id, hit.message_id or 0, self.search_box.text())

    def _on_clicked(self, index: QModelIndex) -> None:
        chat_id = index.data(CHAT_ID_ROLE)
        if isinstance(chat_id, int) and chat_id != self._current:
            self.chat_selected.emit(chat_id)

    def _context_menu(self, point: QPoint) -> None:
        index = self.list_view.indexAt(point)
        chat_id = index.data(CHAT_ID_ROLE)
        if not isinstance(chat_id, int):
            return
        menu = QMenu(self)
        menu.addAction(self.tr("Rename"), lambda: self.list_view.edit(index))
        menu.addAction(self.tr("Export…"), lambda: self.export_requested.emit(chat_id))
        menu.addSeparator()
        menu.addAction(self.tr("Delete"), lambda: self.delete_chat(chat_id))
        menu.exec(self.list_view.viewport().mapToGlobal(point))

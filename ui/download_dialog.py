"""The downloader: find GGUF models on the Hugging Face hub and download them like a download
manager would (queue, progress, speed and ETA, pause, resume after a restart, cancel).

Before any search it lists a few good starting models (``app/catalog.json``). A repository's
page shows its licence, whether it is gated, the start of its model card, and its GGUF files
grouped by quantization with sizes and a fit badge each. Hub requests run in the background;
problems (offline, a gated repository without a token) are shown inline, and the library
keeps working.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.hub.api import HubError, RepoPage, RepoSummary, repo_page, search
from app.hub.downloads import DownloadManager, DownloadState, DownloadStatus
from app.hub.sidecar import FileSpec
from app.hub.token import TokenStore
from app.models.library import ModelLibrary
from app.models.memory_fit import FIT_NO, FIT_OK, FIT_TIGHT, format_bytes, judge_fit, rough_need
from app.paths import app_paths
from inference.events import LoadSettings
from ui.accessibility import ProgressValue, announce
from ui.app_texts import app_text
from ui.background import Background
from ui.chat_view import ERROR_COLOR
from ui.download_queue import DownloadDelegate, DownloadQueueModel
from ui.i18n import tr
from ui.repo_list_model import REPO_ROLE, RepoListModel
from ui.theme import tint

POLL_MS = 250
SORTS = ((QT_TRANSLATE_NOOP("DownloadPanel", "Most downloads"), "downloads"),
         (QT_TRANSLATE_NOOP("DownloadPanel", "Most likes"), "likes"),
         (QT_TRANSLATE_NOOP("DownloadPanel", "Recently updated"), "recent"))
FIT_COLORS = {FIT_OK: "#2e9d55", FIT_TIGHT: "#d97706", FIT_NO: ERROR_COLOR.name()}


class DownloadPanel(QWidget):
    """The Download tab of the Models dialog; see the module docstring."""

    library_changed = Signal()
    """A download finished and its model is in the library."""

    def __init__(self, library: ModelLibrary, load: LoadSettings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._load = load or LoadSettings()
        self._tokens = TokenStore(app_paths().config)
        self.manager = DownloadManager(library, token=self._tokens.get)
        self._background = Background(self)
        self._page: RepoPage | None = None
        self._done: set[str] = set()
        self._build()
        self.manager.restore()
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._refresh_queue)
        self._poll.start()
        self._refresh_queue()

    # Layout

    def _build(self) -> None:
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(
            self.tr("Search GGUF models on Hugging Face (e.g. qwen, llama)"))
        self.search_box.setAccessibleName(self.tr("Search models"))
        self.search_box.returnPressed.connect(self.search)
        self.sort_box = QComboBox()
        for label, key in SORTS:
            self.sort_box.addItem(self.tr(label), key)
        self.sort_box.setAccessibleName(self.tr("Sort results"))
        self.sort_box.currentIndexChanged.connect(self._on_sort)
        self.search_button = QPushButton(self.tr("Search"))
        self.search_button.clicked.connect(self.search)
        self.starters_button = QPushButton(self.tr("Starting models"))
        self.starters_button.setToolTip(self.tr("A few good models to begin with, small to large"))
        self.starters_button.clicked.connect(self.show_starters)

        self.results_model = RepoListModel(self)
        self.results = QListView()
        self.results.setModel(self.results_model)
        self.results.setAccessibleName(self.tr("Repositories"))
        self.results.setWordWrap(True)
        self.results.setAlternatingRowColors(True)
        self.results.setSpacing(2)
        self.results.clicked.connect(self._on_result)
        self.results.activated.connect(self._on_result)

        self.repo_title = QLabel(self.tr("Choose a model on the left."))
        font = self.repo_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.repo_title.setFont(font)
        self.repo_title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.repo_info = QLabel()
        self.repo_info.setWordWrap(True)
        self.summary = QTextBrowser()
        self.summary.setAccessibleName(self.tr("Model card"))
        self.summary.setOpenExternalLinks(True)
        self.files = QTreeWidget()
        self.files.setAccessibleName(self.tr("GGUF files by quantization"))
        self.files.setHeaderLabels([self.tr("File"), self.tr("Size"), self.tr("Fit")])
        self.files.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.files.header().setStretchLastSection(False)
        self.files.itemSelectionChanged.connect(self._update_buttons)
        self.files.itemDoubleClicked.connect(lambda _i, _c: self.download_selected())
        self.download_button = QPushButton(self.tr("Download"))
        self.download_button.clicked.connect(self.download_selected)

        self.token_edit = QLineEdit()
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setPlaceholderText(
            self.tr("Access token for gated or private models (hf_…)"))
        self.token_edit.setAccessibleName(self.tr("Hugging Face access token"))
        if self._tokens.get():
            self.token_edit.setPlaceholderText(
                self.tr("A token is saved; type a new one to replace it"))
        self.token_button = QPushButton(self.tr("Save token"))
        self.token_button.clicked.connect(self.save_token)

        self.queue_model = DownloadQueueModel(self)
        self.queue = QListView()
        self.queue.setModel(self.queue_model)
        self.queue.setItemDelegate(DownloadDelegate(self.queue))
        self.queue.setAccessibleName(self.tr("Downloads"))
        self.queue.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queue.selectionModel().selectionChanged.connect(self._update_buttons)
        self.queue.setMinimumHeight(150)
        self.pause_button = QPushButton(self.tr("Pause"))
        self.resume_button = QPushButton(self.tr("Resume"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.clear_button = QPushButton(self.tr("Clear finished"))
        self.pause_button.clicked.connect(lambda: self._on_queue(self.manager.pause))
        self.resume_button.clicked.connect(lambda: self._on_queue(self.manager.resume))
        self.cancel_button.clicked.connect(lambda: self._on_queue(self.manager.cancel))
        self.clear_button.clicked.connect(self.clear_finished)

        # The downloads' progress as a value screen readers hear change.
        self.progress = ProgressValue(self.tr("Download progress"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        top = QHBoxLayout()
        top.addWidget(self.search_box, 1)
        top.addWidget(self.sort_box)
        top.addWidget(self.search_button)
        top.addWidget(self.starters_button)

        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(self.repo_title)
        page_layout.addWidget(self.repo_info)
        page_layout.addWidget(self.summary, 2)
        page_layout.addWidget(self.files, 3)
        download_row = QHBoxLayout()
        download_row.addStretch(1)
        download_row.addWidget(self.download_button)
        page_layout.addLayout(download_row)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.results)
        split.addWidget(page)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)

        token_row = QHBoxLayout()
        token_row.addWidget(QLabel(self.tr("Token")))
        token_row.addWidget(self.token_edit, 1)
        token_row.addWidget(self.token_button)

        queue_buttons = QHBoxLayout()
        for button in (self.pause_button, self.resume_button, self.cancel_button):
            queue_buttons.addWidget(button)
        queue_buttons.addStretch(1)
        queue_buttons.addWidget(self.clear_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 3)
        layout.addLayout(token_row)
        layout.addWidget(QLabel(self.tr("Downloads")))
        layout.addWidget(self.queue, 1)
        layout.addWidget(self.progress)
        layout.addLayout(queue_buttons)
        layout.addWidget(self.message)
        self._update_buttons()

    # Search and repository pages

    def _on_sort(self, _index: int) -> None:
        if self.search_box.text().strip():
            self.search()

    def show_starters(self) -> None:
        self.search_box.clear()
        self.results_model.show_catalog()
        self._say("")

    def search(self) -> None:
        text = self.search_box.text().strip()
        if not text:
            self.show_starters()
            return
        sort = self.sort_box.currentData()
        self._say(self.tr("Searching for “{text}”…").format(text=text))
        token = self._tokens.get()

        def done(results: list[RepoSummary] | None, error: BaseException | None) -> None:
            if error is not None:
                self._say(_message(error), error=True)
                return
            self.results_model.show_results(results or [])
            self._say(self.tr("%n repositories.", "", len(results or [])) if results else
                      self.tr("No GGUF repositories match “{text}”.").format(text=text))

        self._background.run(lambda: search(text, sort=sort, token=token), done, tag="search")

    def open_repo(self, repo_id: str, recommended: str = "") -> None:
        """Show ``repo_id``'s page (fetched in the background)."""
        self.repo_title.setText(repo_id)
        self.repo_info.setText(self.tr("Loading…"))
        self.summary.clear()
        self.files.clear()
        self._page = None
        self._update_buttons()
        token = self._tokens.get()

        def done(page: RepoPage | None, error: BaseException | None) -> None:
            if page is None:
                self.repo_info.setText("")
                self._say(_message(error), error=True)
                return
            self._show_page(page, recommended)

        self._background.run(lambda: repo_page(repo_id, token=token), done, tag="repo")

    def _show_page(self, page: RepoPage, recommended: str) -> None:
        self._page = page
        gated = {"": "", "auto": self.tr(" · gated (access granted on request)"),
                 "manual": self.tr(" · gated (the authors approve each request)")}.get(
                     page.gated, "")
        self.repo_info.setText(
            self.tr("Licence: {licence}").format(licence=page.license or self.tr("not stated"))
            + gated + (self.tr(" · private") if page.private else "")
            + self.tr(" · {downloads} downloads · {likes} likes · commit {commit}").format(
                downloads=f"{page.downloads:,}", likes=f"{page.likes:,}", commit=page.commit[:10])
        )
        self.summary.setMarkdown(page.summary or self.tr("*This repository has no model card.*"))
        self.files.clear()
        select: QTreeWidgetItem | None = None
        for quant, choices in page.groups().items():
            group = QTreeWidgetItem([quant])
            group.setFlags(group.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            self.files.addTopLevelItem(group)
            for choice in choices:
                fit = judge_fit(rough_need(choice.size, self._load.n_ctx))
                parts = (self.tr(" (%n part(s))", "", len(choice.files))
                         if len(choice.files) > 1 else "")
                item = QTreeWidgetItem([choice.path + parts, format_bytes(choice.size),
                                        app_text(fit.verdict)])
                item.setData(0, Qt.ItemDataRole.UserRole, choice.path)
                item.setToolTip(2, self.tr("Estimate before download: {fit}").format(
                    fit=fit.describe()))
                item.setForeground(2, QColor(FIT_COLORS.get(fit.verdict, "#888888")))
                item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
                group.addChild(item)
                if quant == recommended and select is None:
                    select = item
        self.files.expandAll()
        self.files.resizeColumnToContents(1)
        self.files.resizeColumnToContents(2)
        if select is not None:
            self.files.setCurrentItem(select)
        notes = list(page.skipped)
        if not page.choices:
            notes.insert(0, self.tr("This repository has no GGUF model files Slice can download."))
        self._say(" ".join(notes), error=bool(notes))
        self._update_buttons()

    def download_selected(self) -> None:
        items = self.files.selectedItems()
        page = self._page
        if not items or page is None:
            return
        choice = page.choice_for(items[0].data(0, Qt.ItemDataRole.UserRole) or "")
        if choice is None:
            return
        specs = [FileSpec(page.repo_id, f.path, page.commit, f.size, f.sha256)
                 for f in choice.files]
        try:
            self.manager.enqueue(specs)
        except HubError as exc:
            self._say(exc.message, error=True)
            return
        self._say(self.tr("Downloading {file} ({size}).").format(
            file=choice.path, size=format_bytes(choice.size)))
        self._refresh_queue()

    # Token and queue

    def save_token(self) -> None:
        token = self.token_edit.text().strip()
        where = self._tokens.set(token)
        self.token_edit.clear()
        self.token_edit.setPlaceholderText(
            self.tr("A token is saved; type a new one to replace it") if token
            else self.tr("Access token for gated or private models (hf_…)"))
        self._say(self.tr("Token saved in {place}.").format(place=app_text(where)) if token
                  else self.tr("Token removed."))

    def clear_finished(self) -> None:
        for status in self.manager.statuses():
            self.manager.forget(status.key)
        self._refresh_queue()

    def shutdown(self) -> None:
        """Stop the downloads; they continue the next time Slice runs."""
        self._poll.stop()
        self.manager.shutdown()

    def _on_queue(self, action: Any) -> None:
        status = self._selected_download()
        if status is not None:
            action(status.key)
            self._refresh_queue()

    def _selected_download(self) -> Any:
        rows = self.queue.selectionModel().selectedRows()
        return self.queue_model.status(rows[0].row()) if rows else None

    def _refresh_queue(self) -> None:
        statuses = self.manager.statuses()
        self.queue_model.update(statuses)
        self._report_progress(statuses)
        finished = {s.key for s in statuses if s.state == DownloadState.DONE and s.model_path}
        if finished - self._done:
            self._done |= finished
            self.library_changed.emit()
        self._update_buttons()

    def _report_progress(self, statuses: list[DownloadStatus]) -> None:
        running = [s for s in statuses if s.state == DownloadState.RUNNING and s.size]
        if not running:
            self.progress.finish()
            return
        name = (self.tr("Downloading {file}").format(file=running[0].name) if len(running) == 1
                else self.tr("Downloading {count} files").format(count=len(running)))
        self.progress.report(sum(s.done for s in running) / sum(s.size for s in running), name)

    def _on_result(self, index: QModelIndex) -> None:
        self.open_repo(index.data(REPO_ROLE), self.results_model.recommended(index.row()))

    def _update_buttons(self) -> None:
        items = self.files.selectedItems()
        self.download_button.setEnabled(
            self._page is not None and bool(items)
            and items[0].data(0, Qt.ItemDataRole.UserRole) is not None)
        status = self._selected_download()
        state = status.state if status is not None else ""
        self.pause_button.setEnabled(state in ("queued", "downloading"))
        self.resume_button.setEnabled(state in ("paused", "failed"))
        self.cancel_button.setEnabled(state not in ("", "done", "cancelled"))

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        tint(self.message, ERROR_COLOR if error else None)
        announce(self.message, text, assertive=error)  # heard where it is not looked at


def _message(error: BaseException | None) -> str:
    if isinstance(error, HubError):
        return error.message
    return tr("The hub request failed: {reason}").format(reason=error)

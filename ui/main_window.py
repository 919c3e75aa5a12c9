"""The Slice main window: chats on the left; model picker, conversation, stats, message box
and status line on the right."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.chat.reply import ModelChoice
from app.chat.session import ChatSession
from app.models.library import ModelLibrary
from app.paths import app_paths
from app.settings import Settings
from app.store.chat_store import ChatStore, StoreError
from app.store.search import query_words
from inference.events import (
    STOP_CONTEXT_FULL,
    ChatMessage,
    ContextTrimmed,
    Done,
    Failed,
    ModelInfo,
    Stats,
)
from ui.chat_view import ERROR_COLOR, ChatView
from ui.message_box import MessageBox
from ui.model_picker import ModelPicker
from ui.notice_bar import NoticeBar
from ui.path_pager import PathPager
from ui.sidebar import WIDTH as SIDEBAR_WIDTH
from ui.sidebar import Sidebar
from ui.stats_bar import StatsBar
from ui.window_menus import build_menus

if TYPE_CHECKING:
    from app.chat.bridge import EngineController

WARNING_COLOR = "#d97706"
PRELOAD_ID = 0  # the request id of EngineController.preload
FALLBACK_TEMPLATE_NOTE = (
    "This model file has no chat template; Slice uses a standard one, so replies may be off."
)
BUSY_NOTE = "A reply is being written: wait for it, or press Esc to stop it."


class ChatWindow(QMainWindow):
    """Conversations with local models, kept in the chat store.

    The open conversation lives in a :class:`ChatSession`, which commits every message
    before it is sent and saves replies as they stream. The window shows the session's
    shown path (a window of it: see :data:`ui.chat_view.PAGE`) and turns the user's
    actions (send, edit, regenerate, continue, versions) into session calls.
    """

    #: The user changed the app settings (app.settings.Settings); the owner saves them.
    settings_changed = Signal(object)

    def __init__(
        self,
        controller: EngineController,
        library: ModelLibrary,
        settings: Settings | None = None,
        store: ChatStore | None = None,
    ) -> None:
        super().__init__()
        self.controller = controller
        self.library = library
        self._settings = settings or Settings()
        self._owns_store = store is None
        self.store = store or ChatStore(app_paths().ensure().data / "chats.db")
        self.session = ChatSession(self.store, controller, self._settings, self)
        self._editing: int | None = None
        self._generating = False
        self._sent_at = 0.0
        self._ttft_pending = False
        self._model_info: ModelInfo | None = None
        self._confirmed_model = settings.default_model if settings else ""

        self.setWindowTitle("Slice")
        self.resize(1180, 760)
        self.setMinimumSize(720, 440)
        self._build(library)
        build_menus(self)
        self._connect()
        if self._settings.default_model:
            self.model_picker.reload(select_path=self._settings.default_model)
        self.session.open_chat(None)
        self._show_idle_status()
        self._update_controls()
        self.message_box.setFocus()
        QTimer.singleShot(0, self._preload_selected)

    # Public actions

    @property
    def history(self) -> tuple[ChatMessage, ...]:
        """The open conversation as the model sees it: the shown path's answered turns."""
        return self.session.history()

    @property
    def settings(self) -> Settings:
        return self._settings

    def send_message(self, text: str) -> int | None:
        """Send ``text`` (or, while editing, a new version of the edited message).

        The message is committed to the store before the request goes out. Returns the
        request id, or None if nothing was sent (a reply runs, no model, blank text, or the
        message could not be saved).
        """
        model = self._model_choice()
        if self.session.busy or model is None or not text.strip():
            return None
        self._begin_request()
        editing, self._editing = self._editing, None
        self.edit_bar.hide()
        try:
            if editing is not None:
                started = self.session.edit(editing, text, model)
            else:
                started = self.session.send(text, model)
        except StoreError as exc:
            self._end_request()
            self.show_error(f"{exc} Nothing was sent.")
            return None
        if started is None:
            self._end_request()
            return None
        return self.session.request_id

    def stop_reply(self) -> None:
        """Ask the engine to stop the reply in progress (its partial text is kept)."""
        if self.session.busy:
            self.session.stop()
            self.set_status("Stopping…")

    def new_chat(self) -> None:
        """Start an empty conversation (saved when its first message is sent)."""
        self.cancel_edit()
        self.session.open_chat(None)
        self.sidebar.set_current(None)
        self.stats_bar.reset()
        self._show_idle_status()
        self._update_controls()
        self.message_box.setFocus()

    def open_chat(self, chat_id: int) -> None:
        """Show a saved chat and switch to its model when that model is known."""
        self.cancel_edit()
        try:
            self.session.open_chat(chat_id)
        except StoreError as exc:
            self.show_error(str(exc))
            return
        self.sidebar.set_current(chat_id)
        self._select_chat_model()
        self._show_idle_status()
        self._update_controls()

    def jump_to_message(self, message_id: int, words: tuple[str, ...] = ()) -> bool:
        """Open the chat of a message on a path through it, scroll to it and mark it."""
        self.cancel_edit()
        message = self.store.message(message_id)
        if message is None:
            return False
        if self.session.busy and message.chat_id == self.session.chat_id:
            self.show_error(BUSY_NOTE)
            return False
        index = self.session.jump_to(message_id)
        if index is None:
            return False
        self.sidebar.set_current(message.chat_id)
        self._select_chat_model()
        self.pager.show_around(index)
        return self.chat_view.highlight_message(message_id, words)

    def edit_message(self, message_id: int) -> None:
        """Put a user message in the box; sending it makes a new version (a branch)."""
        entry = self.chat_view.entry(message_id)
        if entry is None or entry.message.role != "user":
            return
        self._editing = message_id
        self.message_box.setPlainText(entry.message.content)
        self.edit_bar.show()
        self.message_box.setFocus()
        self._update_controls()

    def cancel_edit(self) -> None:
        if self._editing is not None:
            self._editing = None
            self.edit_bar.hide()
            self.message_box.clear()
            self._update_controls()

    def bring_to_front(self) -> None:
        """Show the window above others (a second launch of Slice asked for it)."""
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def show_error(self, message: str) -> None:
        """Show a recoverable problem in red in the status line."""
        self.set_status(message, color=ERROR_COLOR.name())

    def show_notice(self, message: str) -> None:
        """Show something the user must know (for example a recovery) above the chat."""
        self.notice.show_notice(message)

    # Layout

    def _build(self, library: ModelLibrary) -> None:
        self.sidebar = Sidebar(self.store)
        self.model_picker = ModelPicker(library)
        model_label = QLabel("&Model")
        model_label.setBuddy(self.model_picker)
        self.settings_button = QPushButton("Chat settings")
        self.settings_button.setAccessibleName("Chat settings")
        self.settings_button.setToolTip("System prompt, sampling and presets (Ctrl+,)")
        self.model_settings_button = QPushButton("Model settings…")
        self.model_settings_button.setAccessibleName("Model settings")
        self.model_settings_button.setToolTip(
            "Context size, threads, GPU layers, KV cache, context overflow, speculative decoding"
        )
        self.new_chat_button = QPushButton("New chat")
        self.new_chat_button.setAccessibleName("New chat")
        self.new_chat_button.setToolTip("Start an empty conversation (Ctrl+N)")

        self.notice = NoticeBar()
        self.chat_view = ChatView()
        self.pager = PathPager(self.session, self.chat_view)
        self.stats_bar = StatsBar()

        self.edit_bar = QLabel("Editing a message: Enter sends it as a new version, Esc cancels.")
        self.edit_bar.setStyleSheet(f"color: {WARNING_COLOR};")
        self.edit_bar.hide()
        self.message_box = MessageBox()
        self.send_button = QPushButton("Send")
        self.send_button.setStyleSheet(
            "QPushButton:enabled { background: palette(highlight);"
            " color: palette(highlighted-text); border: none; border-radius: 4px;"
            " font-weight: bold; }"
        )
        self.send_button.setAccessibleName("Send message")
        self.send_button.setToolTip("Send the message (Enter)")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setAccessibleName("Stop reply")
        self.stop_button.setToolTip("Stop the reply (Esc)")
        for button in (self.send_button, self.stop_button):
            button.setMinimumWidth(88)
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)

        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.template_note = QLabel()
        self.template_note.setWordWrap(True)
        self.template_note.setStyleSheet(f"color: {WARNING_COLOR};")
        self.template_note.hide()
        self.context_note = QLabel()
        self.context_note.setWordWrap(True)
        self.context_note.setStyleSheet(f"color: {WARNING_COLOR};")
        self.context_note.hide()

        top = QHBoxLayout()
        top.addWidget(model_label)
        top.addWidget(self.model_picker)
        self._add_models_button(top, library)
        top.addStretch(1)
        top.addWidget(self.model_settings_button)
        top.addWidget(self.settings_button)
        top.addWidget(self.new_chat_button)
        self.top_bar = top

        composer = QHBoxLayout()
        composer.setSpacing(8)
        composer.addWidget(self.message_box, 1)
        buttons = QVBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.stop_button)
        composer.addLayout(buttons)

        status = QHBoxLayout()
        status.addWidget(self.status_label, 1)
        status.addWidget(self.template_note, 1)
        status.addWidget(self.context_note, 1)

        chat_area = QWidget()
        layout = QVBoxLayout(chat_area)
        layout.setContentsMargins(10, 12, 14, 10)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addWidget(self.chat_view, 1)
        layout.addWidget(self.stats_bar)
        layout.addWidget(self.edit_bar)
        layout.addLayout(composer)
        layout.addLayout(status)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(10, 12, 0, 10)
        side_layout.addWidget(self.sidebar)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(side)
        self.splitter.addWidget(chat_area)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([SIDEBAR_WIDTH, 1000])
        self.splitter.setCollapsible(1, False)
        self.setCentralWidget(self.splitter)

    def _add_models_button(self, top: QHBoxLayout, library: ModelLibrary) -> None:
        """A "Models…" button beside the picker: the model library and the downloader."""
        from ui.models_dialog import ModelsDialog

        self.models_button = QPushButton("Models…")
        self.models_button.setAccessibleName("Models")
        self.models_button.setToolTip("The model library, and downloads from Hugging Face")
        top.addWidget(self.models_button)
        self.models_dialog: ModelsDialog | None = None

        def use_model(path: str) -> None:
            if not self.session.busy:
                self.model_picker.reload(select_path=path)
                self._on_model_selected(path)

        def open_dialog() -> None:
            if self.models_dialog is None:
                self.models_dialog = ModelsDialog(library, self._settings.load, self)
                self.models_dialog.library_changed.connect(lambda: self.model_picker.reload())
                self.models_dialog.use_requested.connect(use_model)
            self.models_dialog.show()
            self.models_dialog.raise_()
            self.models_dialog.activateWindow()

        self.models_button.clicked.connect(open_dialog)

    def open_model_settings(self) -> None:
        """Edit how models load and replies are generated; a changed load reloads the model."""
        from ui.load_settings_dialog import LoadSettingsDialog

        dialog = LoadSettingsDialog(self._settings, self)
        if dialog.exec() != LoadSettingsDialog.DialogCode.Accepted:
            return
        reload = dialog.settings().load != self._settings.load
        if self.change_settings(dialog.settings()) and reload:
            self._model_info = None
            self._preload_selected()

    def _on_load_progress(self, fraction: float) -> None:
        path = self.model_picker.selected_path() or ""
        self.set_status(f"Loading {self.model_picker.name_for_path(path)}… {fraction:.0%}")

    def _on_context_trimmed(self, request_id: int, trimmed: ContextTrimmed) -> None:
        if request_id != self.session.request_id:
            return
        count = len(trimmed.dropped)
        numbers = ", ".join(str(i + 1) for i in trimmed.dropped[:12])
        more = "…" if count > 12 else ""
        note = (
            f"The context is full: {count} older message{'s' if count != 1 else ''} "
            f"(#{numbers}{more}) no longer reach the model."
        )
        self.context_note.setText(f"⚠ {note}")
        self.context_note.setAccessibleName(note)
        self.context_note.show()

    def _connect(self) -> None:
        controller = self.controller
        self._controller_links = [
            (controller.model_loading, self._on_model_loading),
            (controller.model_loaded, self._on_model_loaded),
            (controller.prefill_progress, self._on_prefill_progress),
            (controller.stats_updated, self._on_stats),
            (controller.reply_failed, self._on_preload_failed),
            (controller.load_progress, self._on_load_progress),
            (controller.context_trimmed, self._on_context_trimmed),
        ]
        for signal, slot in self._controller_links:
            signal.connect(slot)
        session = self.session
        session.path_changed.connect(self._on_path_changed)
        session.reply_text.connect(self._on_reply_text)
        session.reply_finished.connect(self._on_finished)
        session.reply_failed.connect(self._on_failed)
        session.chats_changed.connect(self._on_chats_changed)
        session.save_failed.connect(self.show_error)
        self.chat_view.first_paint.connect(self._on_first_paint)
        self.chat_view.action_requested.connect(self._on_action)
        self.chat_view.copied.connect(self.set_status)
        self.sidebar.chat_selected.connect(self.open_chat)
        self.sidebar.hit_chosen.connect(self._on_hit)
        self.sidebar.chat_deleted.connect(self._on_chat_deleted)
        self.sidebar.problem.connect(self.show_error)
        self.sidebar.chat_renamed.connect(lambda _chat_id: self._update_title())
        self.message_box.submitted.connect(self._send_from_box)
        self.message_box.textChanged.connect(self._update_controls)
        self.send_button.clicked.connect(self._send_from_box)
        self.stop_button.clicked.connect(self.stop_reply)
        self.new_chat_button.clicked.connect(self.new_chat)
        self.model_settings_button.clicked.connect(self.open_model_settings)
        self.model_picker.model_selected.connect(self._on_model_picked)
        self.model_picker.import_failed.connect(self.show_error)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.activated.connect(self._on_escape)

    # Session signals

    def _on_path_changed(self, index: int) -> None:
        self.pager.path_changed(index)
        self._update_title()

    def _on_reply_text(self, message_id: int, text: str) -> None:
        if message_id in self.chat_view.message_ids():
            if not self._generating:
                self._generating = True
                self.set_status("Generating…  Esc stops")
            self.chat_view.append_token(text)

    def _on_finished(self, message_id: int, done: Done) -> None:
        self.pager.rerender(message_id)
        self.stats_bar.finish(done)
        self._end_request()
        if done.stop_reason == STOP_CONTEXT_FULL:
            self.show_error("The conversation filled the model's context. Start a new chat.")

    def _on_failed(self, message_id: int, failed: Failed) -> None:
        self.pager.rerender(message_id)
        self._end_request()
        self.show_error(failed.message)
        self.message_box.setFocus()

    def _on_chats_changed(self) -> None:
        self.sidebar.set_current(self.session.chat_id)
        self.sidebar.refresh()
        self._update_title()

    def _on_action(self, action: str, message_id: int) -> None:
        if action == "edit":
            if self.session.busy:
                self.show_error(BUSY_NOTE)
            else:
                self.edit_message(message_id)
            return
        if self.session.busy:
            self.show_error(BUSY_NOTE)
            return
        if action in ("prev", "next"):
            self.cancel_edit()
            self.session.select_sibling(message_id, -1 if action == "prev" else 1)
            return
        model = self._model_choice()
        if model is None:
            self.show_error("Choose a model first.")
            return
        self._begin_request()
        try:
            if action == "regenerate":
                started = self.session.regenerate(message_id, model)
            elif action == "continue":
                started = self.session.continue_reply(message_id, model)
            else:
                started = None
        except StoreError as exc:
            self._end_request()
            self.show_error(str(exc))
            return
        if started is None:
            self._end_request()

    def _on_hit(self, chat_id: int, message_id: int, query: str) -> None:
        if message_id:
            self.jump_to_message(message_id, tuple(query_words(query)))
        else:
            self.open_chat(chat_id)

    def _on_chat_deleted(self, chat_id: int) -> None:
        if chat_id == self.session.chat_id and not self.session.busy:
            self.new_chat()

    # Controller signals

    def _on_model_loading(self, path: str) -> None:
        self.set_status(f"Loading {self.model_picker.name_for_path(path)}…")

    def _on_model_loaded(self, info: ModelInfo) -> None:
        self._model_info = info
        if info.template_source == "fallback":
            note = info.template_note or FALLBACK_TEMPLATE_NOTE
            self.template_note.setText(f"⚠ {note}")
            self.template_note.setAccessibleName(f"Chat template note: {note}")
        self.template_note.setVisible(info.template_source == "fallback")
        if self.session.busy:
            self.set_status(
                f"Loaded {self.model_picker.name_for_path(info.path)} in {info.load_s:.1f} s"
            )
        else:
            self._show_idle_status()

    def _on_prefill_progress(self, request_id: int, done: int, total: int) -> None:
        if self.session.is_current_request(request_id) and not self._generating:
            self.set_status(f"Processing prompt {done}/{total}")

    def _on_stats(self, request_id: int, stats: Stats) -> None:
        if self.session.is_current_request(request_id):
            self.stats_bar.set_stats(stats)

    def _on_preload_failed(self, request_id: int, failed: Failed) -> None:
        if request_id == PRELOAD_ID:
            self._model_info = None
            self.show_error(failed.message)

    def _on_first_paint(self, painted_at: float) -> None:
        if self._ttft_pending:
            self._ttft_pending = False
            self.stats_bar.set_end_to_end_ttft(painted_at - self._sent_at)
            self.session.note_first_paint(painted_at - self._sent_at)

    # Helpers

    def _send_from_box(self) -> None:
        if self.send_message(self.message_box.toPlainText()) is not None:
            self.message_box.clear()

    def _on_escape(self) -> None:
        if self.session.busy:
            self.stop_reply()
        elif self._editing is not None:
            self.cancel_edit()
        elif self.sidebar.search_box.text() or self.sidebar.search_box.hasFocus():
            self.sidebar.clear_search()
            self.message_box.setFocus()

    def _begin_request(self) -> None:
        self._sent_at = time.perf_counter()  # end-to-end TTFT counts from here
        self.stats_bar.reset()
        self.context_note.hide()
        self.chat_view.clear_highlight()
        self._generating = False
        self._ttft_pending = True
        self.set_status("Waiting for the model…")
        self._update_controls(busy=True)

    def _end_request(self) -> None:
        self._generating = False
        self._ttft_pending = False
        self._show_idle_status()
        self._update_controls()

    def _model_choice(self) -> ModelChoice | None:
        path = self.model_picker.selected_path()
        if path is None:
            return None
        entry = self.library.find(path)
        return ModelChoice(
            path=path,
            name=self.model_picker.name_for_path(path),
            sha256=entry.sha256 if entry else "",
            quantization=entry.quantization if entry else "",
        )

    def _select_chat_model(self) -> None:
        """Switch the picker to the open chat's model; say so when it is missing."""
        wanted = self.session.chat_settings().model_path
        if not wanted or wanted == self.model_picker.selected_path():
            return
        if self.model_picker.findData(wanted) >= 0:
            self.model_picker.reload(select_path=wanted)
            self._preload_selected()
        else:
            self.show_notice(
                f"This chat was written with {Path(wanted).name}, which is not in the model "
                f"list; new replies come from {self.model_picker.selected_name() or 'no model'}."
            )

    def _on_model_picked(self, path: str) -> None:
        """The user chose a model in the picker: check it first (milliseconds, header only)
        and ask before loading one that will not fit or has a problem."""
        from ui.models_view import confirm_load

        if not os.path.isfile(path):  # gone since the list was read: the load will say so
            self._on_model_selected(path)
            return
        load_it, _report = confirm_load(self, path, self._settings.load)
        if not load_it:
            self.model_picker.reload(select_path=self._confirmed_model or None)
            return
        self._on_model_selected(path)

    def _on_model_selected(self, path: str) -> None:
        self._confirmed_model = path
        self.session.set_model(path)
        self._show_idle_status()
        self._update_controls()
        self._preload_selected()

    def _preload_selected(self) -> None:
        """Load the chosen model now, so the first reply does not wait for it."""
        path = self.model_picker.selected_path()
        if path is not None and self._loaded_model(path) is None:
            self.controller.preload(path, self._settings.load)

    def _loaded_model(self, path: str | None) -> ModelInfo | None:
        info = self._model_info
        if info is None or path is None or os.path.realpath(info.path) != os.path.realpath(path):
            return None
        return info

    def _show_idle_status(self) -> None:
        path = self.model_picker.selected_path()
        info = self._loaded_model(path)
        if path is None:
            self.set_status("Choose “Open GGUF file…” in the model list to add a model.")
        elif info is not None:
            name = self.model_picker.selected_name()
            self.set_status(f"{name} is ready · context {info.n_ctx} tokens")
        else:
            self.set_status(f"{self.model_picker.selected_name()} loads when you send a message.")
        self.template_note.setVisible(info is not None and info.template_source == "fallback")

    def change_settings(self, changed: Settings) -> bool:
        """Use ``changed`` from now on and announce it (it is saved); False if nothing changed."""
        if changed == self._settings:
            return False
        self._settings = changed
        self.session.settings = changed
        self.settings_changed.emit(changed)
        return True

    def set_status(self, text: str, color: str = "") -> None:
        """Show ``text`` in the status line (``color``: a CSS colour for errors)."""
        self.status_label.setText(text)
        self.status_label.setAccessibleName(f"Status: {text}")
        self.status_label.setStyleSheet(f"color: {color};" if color else "")

    def _update_title(self) -> None:
        chat = self.store.chat(self.session.chat_id) if self.session.chat_id else None
        self.setWindowTitle(f"{chat.title} — Slice" if chat and chat.title else "Slice")

    def _update_controls(self, *_args: object, busy: bool | None = None) -> None:
        busy = self.session.busy if busy is None else busy
        has_text = bool(self.message_box.toPlainText().strip())
        has_model = self.model_picker.selected_path() is not None
        self.send_button.setEnabled(not busy and has_text and has_model)
        self.send_button.setText("Send edit" if self._editing is not None else "Send")
        self.stop_button.setEnabled(busy)
        self.model_picker.setEnabled(not busy)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        super().closeEvent(event)
        # A reply still streaming keeps its text (shown as interrupted next time); nothing
        # the engine sends after this reaches the store.
        self.session.close()
        for signal, slot in self._controller_links:
            with contextlib.suppress(RuntimeError, TypeError):
                signal.disconnect(slot)
        self._controller_links = []
        if self._owns_store:
            self.store.close()


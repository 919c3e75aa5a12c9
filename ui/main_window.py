"""The Slice main window: chats on the left; model picker, conversation, stats, message box
and status line on the right."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QMainWindow, QPushButton, QSplitter, QVBoxLayout, QWidget

from app.chat.session import ChatSession
from app.models.library import ModelLibrary
from app.paths import app_paths
from app.remote.providers import ProviderStore
from app.remote.refs import parse_remote
from app.settings import Settings
from app.store.chat_store import ChatStore, StoreError
from app.store.search import query_words
from inference.events import (
    ChatMessage,
    Done,
    Failed,
    StopReason,
)
from ui.accessibility import announce, reply_announcement
from ui.app_texts import app_text
from ui.chat_view import ChatView
from ui.composer import Composer
from ui.conversation_actions import BUSY_NOTE, ConversationActions
from ui.model_load_status import ModelLoadStatus
from ui.model_selection import ModelSelection
from ui.notice_bar import NoticeBar
from ui.path_pager import PathPager
from ui.remote_models import RemoteModels
from ui.reply_progress import ReplyProgress
from ui.shortcuts import ShortcutsDialog
from ui.sidebar import WIDTH as SIDEBAR_WIDTH
from ui.sidebar import Sidebar
from ui.stats_bar import StatsBar
from ui.status_line import StatusLine
from ui.window_menus import build_menus
from ui.zoom import apply_text_scale, follow_the_system

if TYPE_CHECKING:
    from app.api.control import ServerControl
    from app.chat.bridge import EngineController
    from ui.providers_dialog import ProvidersDialog
    from ui.server_dialog import ServerDialog
    from ui.server_indicator import ServerIndicator



class ChatWindow(QMainWindow):
    """Conversations with local models and remote ones (the providers'), kept in the chat
    store.

    The open conversation lives in a :class:`ChatSession`, which commits every message
    before it is sent and saves replies as they stream. The window composes the sidebar,
    the model selection, the conversation (a window of the session's shown path: see
    :data:`ui.chat_view.PAGE`), the composer and the status line, and wires them: the
    user's actions (send, edit, regenerate, continue, versions) go through
    :class:`~ui.conversation_actions.ConversationActions`, the model's load is told by
    :class:`~ui.model_load_status.ModelLoadStatus`.
    """

    #: The user changed the app settings (app.settings.Settings); the owner saves them.
    settings_changed = Signal(object)

    def __init__(
        self,
        controller: EngineController,
        library: ModelLibrary,
        settings: Settings | None = None,
        store: ChatStore | None = None,
        *,
        server: ServerControl | None = None,
        providers: ProviderStore | None = None,
    ) -> None:
        """``server``: the API server's control, when this window may turn it on and off
        (its menu entry is disabled without one). ``providers``: the remote servers the
        model list asks for their models (default: the user's, in the config folder); the
        controller's scheduler sends their models' requests to them."""
        settings = settings or Settings()
        # At the chosen text size before any widget is made: each is built once, at its size
        # (scaling after would send every widget a font change, the transcript a render).
        apply_text_scale(settings.text_scale)
        super().__init__()
        self.controller = controller
        self.library = library
        self.server = server
        self.server_indicator: ServerIndicator | None = None  # in the status line, with a server
        self.server_dialog: ServerDialog | None = None  # the one the menus opened
        self.providers = providers or ProviderStore(app_paths().config)
        self.remote_models = RemoteModels(self.providers, self)
        self.providers_dialog: ProvidersDialog | None = None  # the one the menus opened
        self._settings = settings
        self._owns_store = store is None
        self.store = store or ChatStore(app_paths().ensure().data / "chats.db")
        self.session = ChatSession(self.store, controller, self._settings, self)

        self.theme_actions: dict[str, QAction] = {}  # the View > Theme choices, by theme name
        self.shortcuts_dialog: ShortcutsDialog | None = None  # the last one the menus opened
        self.setWindowTitle("Slice")
        self.resize(1180, 760)
        self.setMinimumSize(720, 440)
        self._build(library)
        build_menus(self)
        self._connect()
        if self._settings.default_model:
            self.model_selection.select(self._settings.default_model)
        self.session.open_chat(None)
        self.model_status.show_idle()
        self._update_controls()
        self.composer.focus()
        QTimer.singleShot(0, self.model_selection.preload_selected)
        self.remote_models.refresh()  # off the GUI thread; the list fills in as they answer

    # Public actions

    @property
    def history(self) -> tuple[ChatMessage, ...]:
        """The open conversation as the model sees it: the shown path's answered turns."""
        return self.session.history()

    @property
    def settings(self) -> Settings:
        """The app settings in use (replace them with :meth:`change_settings`)."""
        return self._settings

    def send_message(self, text: str) -> int | None:
        """Send ``text`` (or, while editing, a new version of the edited message).

        The message is committed to the store before the request goes out. Returns the
        request id, or None if nothing was sent (a reply runs, no model, blank text, or the
        message could not be saved).
        """
        return self.actions.send(text)

    def stop_reply(self) -> None:
        """Ask the engine to stop the reply in progress (its partial text is kept)."""
        if self.session.busy:
            self.session.stop()
            self.set_status(self.tr("Stopping…"))

    def new_chat(self) -> None:
        """Start an empty conversation (saved when its first message is sent)."""
        self.cancel_edit()
        self.session.open_chat(None)
        self.sidebar.set_current(None)
        self.stats_bar.reset()
        self.model_status.show_idle()
        self._update_controls()
        self.composer.focus()

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
        self.model_status.show_idle()
        self._update_controls()

    def jump_to_message(self, message_id: int, words: tuple[str, ...] = ()) -> bool:
        """Open the chat of a message on a path through it, scroll to it and mark it."""
        self.cancel_edit()
        message = self.store.message(message_id)
        if message is None:
            return False
        if self.session.busy and message.chat_id == self.session.chat_id:
            self.show_error(QCoreApplication.translate("ConversationActions", BUSY_NOTE))
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
        self.actions.edit(message_id)

    def cancel_edit(self) -> None:
        """Leave edit mode and empty the box (nothing happens when no message is edited)."""
        self.actions.cancel_edit()

    def bring_to_front(self) -> None:
        """Show the window above others (a second launch of Slice asked for it)."""
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def show_error(self, message: str) -> None:
        """Show a recoverable problem in red in the status line."""
        self.status_line.show_error(message)

    def show_notice(self, message: str) -> None:
        """Show something the user must know (for example a recovery) above the chat."""
        self.notice.show_notice(app_text(message))

    def _on_engine_notice(self, _request_id: int, message: str) -> None:
        # The engine carried on after a problem (the GPU ran out of memory, fewer layers).
        self.show_notice(message)

    # Layout

    def _build(self, library: ModelLibrary) -> None:
        self.sidebar = Sidebar(self.store)
        self.model_selection = ModelSelection(library, self._settings.load,
                                              remote=self.remote_models)
        self.settings_button = QPushButton(self.tr("Chat settings"))
        self.settings_button.setAccessibleName(self.tr("Chat settings"))
        self.settings_button.setToolTip(self.tr("System prompt, sampling and presets (Ctrl+,)"))
        self.new_chat_button = QPushButton(self.tr("New chat"))
        self.new_chat_button.setAccessibleName(self.tr("New chat"))
        self.new_chat_button.setToolTip(self.tr("Start an empty conversation (Ctrl+N)"))
        self.notice = NoticeBar()
        self.chat_view = ChatView()
        self.pager = PathPager(self.session, self.chat_view)
        self.stats_bar = StatsBar()
        self.composer = Composer()
        self.status_line = StatusLine()
        self.status_line.insert_note(self.model_selection.template_note)
        if self.server is not None:
            from ui.server_indicator import ServerIndicator

            self.server_indicator = ServerIndicator(self.server)
            self.status_line.add_indicator(self.server_indicator)
        self.progress = ReplyProgress(
            self.session, self.chat_view, self.stats_bar, self.status_line, self
        )
        self.model_status = ModelLoadStatus(self.session, self.model_selection, self.status_line)
        self.actions = ConversationActions(
            self.session, self.composer, self.chat_view, self.model_selection,
            show_error=self.show_error, begin_request=self._begin_request,
            end_request=self._end_request, update_controls=self._update_controls,
        )

        top = QHBoxLayout()
        top.addWidget(self.model_selection, 1)
        top.addWidget(self.settings_button)
        top.addWidget(self.new_chat_button)

        chat_area = QWidget()
        layout = QVBoxLayout(chat_area)
        layout.setContentsMargins(10, 12, 14, 10)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addWidget(self.chat_view, 1)
        layout.addWidget(self.stats_bar)
        layout.addWidget(self.composer)
        layout.addWidget(self.status_line)

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

    def open_model_settings(self) -> None:
        """Edit how models load and replies are generated; a changed load reloads the model."""
        from ui.load_settings_dialog import LoadSettingsDialog

        dialog = LoadSettingsDialog(self._settings, self, clear_cache=self.controller.clear_cache)
        if dialog.exec() != LoadSettingsDialog.DialogCode.Accepted:
            return
        reload = dialog.settings().load != self._settings.load
        if self.change_settings(dialog.settings()) and reload:
            self.model_selection.forget_loaded()
            self.model_selection.preload_selected()

    def _connect(self) -> None:
        controller = self.controller
        self._controller_links = [
            (controller.model_loading, self.model_status.model_loading),
            (controller.model_loaded, self.model_status.model_loaded),
            (controller.prefill_progress, self.progress.prefill_progress),
            (controller.stats_updated, self.progress.stats),
            (controller.reply_failed, self.model_status.preload_failed),
            (controller.load_progress, self.model_status.load_progress),
            (controller.context_trimmed, self.progress.context_trimmed),
            (controller.reply_waiting, self.progress.reply_waiting),
            (controller.reply_waiting_for_comparison, self.progress.reply_waiting_for_comparison),
            (controller.notice_received, self._on_engine_notice),
        ]
        for signal, slot in self._controller_links:
            signal.connect(slot)
        session = self.session
        session.path_changed.connect(self._on_path_changed)
        session.reply_text.connect(self.progress.reply_text)
        session.reply_thinking.connect(self.progress.reply_thinking)
        session.reply_finished.connect(self._on_finished)
        session.reply_failed.connect(self._on_failed)
        session.chats_changed.connect(self._on_chats_changed)
        session.save_failed.connect(self.show_error)
        self.chat_view.first_paint.connect(self.progress.first_paint)
        self.chat_view.action_requested.connect(self.actions.on_action)
        self.chat_view.copied.connect(self.set_status)
        self.sidebar.chat_selected.connect(self.open_chat)
        self.sidebar.hit_chosen.connect(self._on_hit)
        self.sidebar.chat_deleted.connect(self._on_chat_deleted)
        self.sidebar.problem.connect(self.show_error)
        self.sidebar.chat_renamed.connect(lambda _chat_id: self._update_title())
        self.composer.send_requested.connect(self._send_from_box)
        self.composer.stop_requested.connect(self.stop_reply)
        self.composer.text_changed.connect(self._update_controls)
        self.new_chat_button.clicked.connect(self.new_chat)
        selection = self.model_selection
        selection.model_chosen.connect(self._on_model_chosen)
        selection.load_wanted.connect(lambda path: controller.preload(path, self._settings.load))
        selection.settings_requested.connect(self.open_model_settings)
        selection.import_failed.connect(self.show_error)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.activated.connect(self._on_escape)

    # Session signals

    def _on_path_changed(self, index: int) -> None:
        self.pager.path_changed(index)
        self._update_title()

    def _on_finished(self, message_id: int, done: Done) -> None:
        self.pager.rerender(message_id)
        self.progress.finished(done)
        self._end_request()
        reply = self.store.message(message_id)
        announce(self.chat_view,
                 reply_announcement(done.stop_reason, reply.content if reply else ""))
        if done.stop_reason == StopReason.CONTEXT_FULL:
            self.show_error(
                self.tr("The conversation filled the model's context. Start a new chat."))

    def _on_failed(self, message_id: int, failed: Failed) -> None:
        self.pager.rerender(message_id)
        self._end_request()
        self.show_error(failed.message)
        self.composer.focus()

    def _on_chats_changed(self) -> None:
        self.sidebar.set_current(self.session.chat_id)
        self.sidebar.refresh()
        self._update_title()

    def _on_hit(self, chat_id: int, message_id: int, query: str) -> None:
        if message_id:
            self.jump_to_message(message_id, tuple(query_words(query)))
        else:
            self.open_chat(chat_id)

    def _on_chat_deleted(self, chat_id: int) -> None:
        self.controller.forget_chats([chat_id])  # its cached KV state goes, on disk too
        if chat_id == self.session.chat_id and not self.session.busy:
            in_list = self.sidebar.list_view.hasFocus()
            self.new_chat()
            if in_list:  # deleted with the Delete key: the arrows and Ctrl+Z (undo) go on there
                self.sidebar.list_view.setFocus()

    # Helpers

    def _send_from_box(self, text: str) -> None:
        if self.send_message(text) is not None:
            self.composer.clear()

    def _on_escape(self) -> None:
        if self.session.busy:
            self.stop_reply()
        elif self.composer.editing is not None:
            self.cancel_edit()
        elif self.sidebar.search_box.text() or self.sidebar.search_box.hasFocus():
            self.sidebar.clear_search()
            self.composer.focus()

    def _begin_request(self) -> None:
        self.progress.begin(self.model_selection.selected_provider())
        self._update_controls(busy=True)

    def _end_request(self) -> None:
        self.progress.end()
        self.model_status.show_idle()
        self._update_controls()

    def _select_chat_model(self) -> None:
        """Switch to the open chat's model; say so when it is missing."""
        wanted = self.session.chat_settings().model_path
        if not self.model_selection.follow_chat(wanted):
            remote = parse_remote(wanted)
            where = (self.tr("{model} of the provider {provider}, which is no longer in "
                             "Chat ▸ Providers…").format(model=remote.model_id,
                                                         provider=remote.provider)
                     if remote is not None else
                     self.tr("{file}, which is not in the model list").format(
                         file=Path(wanted).name))
            self.show_notice(
                self.tr("This chat was written with {where}; new replies come from {model}.")
                .format(where=where,
                        model=self.model_selection.selected_name() or self.tr("no model"))
            )

    def _on_model_chosen(self, path: str) -> None:
        self.session.set_model(path)
        self.model_status.show_idle()
        self._update_controls()

    def change_settings(self, changed: Settings) -> bool:
        """Use ``changed`` from now on and announce it (it is saved); False if nothing changed."""
        if changed == self._settings:
            return False
        self._settings = changed
        self.session.settings = changed
        self.model_selection.load_settings = changed.load
        if self.server is not None:
            self.server.apply(changed)
        if self.server_indicator is not None:
            self.server_indicator.refresh()
        self.settings_changed.emit(changed)
        return True

    def set_status(self, text: str, color: str = "") -> None:
        """Show ``text`` in the status line (``color``: a CSS colour for errors)."""
        self.status_line.set_status(text, color)

    def _update_title(self) -> None:
        chat = self.store.chat(self.session.chat_id) if self.session.chat_id else None
        self.setWindowTitle(f"{chat.title} — Slice" if chat and chat.title else "Slice")

    def _update_controls(self, *_args: object, busy: bool | None = None) -> None:
        busy = self.session.busy if busy is None else busy
        self.composer.set_state(busy, self.model_selection.selected_path() is not None)
        self.model_selection.set_busy(busy)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.ThemeChange:  # the system's font may have changed
            follow_the_system(self._settings.text_scale)

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

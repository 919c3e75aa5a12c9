"""The Slice main window: model picker, conversation, stats, message box and status line."""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.library import ModelLibrary
from app.settings import Settings
from inference.events import (
    STOP_CONTEXT_FULL,
    ChatMessage,
    ChatRequest,
    ContextTrimmed,
    Done,
    Failed,
    ModelInfo,
    Stats,
)
from ui.chat_view import ERROR_COLOR, ChatView
from ui.message_box import MessageBox
from ui.model_picker import ModelPicker
from ui.stats_bar import StatsBar

if TYPE_CHECKING:
    from app.worker import EngineController

WARNING_COLOR = "#d97706"
PRELOAD_ID = 0  # the request id of EngineController.preload
EMPTY_REPLY_NOTE = "No reply: this message was left out of the conversation."
FALLBACK_TEMPLATE_NOTE = (
    "This model file has no chat template; Slice uses a standard one, so replies may be off."
)


class ChatWindow(QMainWindow):
    """One conversation with a local model.

    Keeps the conversation in memory as :class:`ChatMessage` values (the user's messages and
    the finished replies), sends it whole with each new message through the controller, and
    shows the reply as it streams. Signals of any request but the current one are ignored.
    """

    #: The user changed the settings (app.settings.Settings); the owner saves them.
    settings_changed = Signal(object)

    def __init__(
        self,
        controller: EngineController,
        library: ModelLibrary,
        settings: Settings | None = None,
    ) -> None:
        super().__init__()
        self.controller = controller
        self._settings = settings or Settings()
        self._history: list[ChatMessage] = []
        self._pending_user: ChatMessage | None = None
        self._busy = False
        self._request_id: int | None = None
        self._generating = False
        self._sent_at = 0.0
        self._ttft_pending = False
        self._model_info: ModelInfo | None = None

        self.setWindowTitle("Slice")
        self.resize(980, 760)
        self.setMinimumSize(560, 420)
        self._build(library)
        self._connect()
        if self._settings.default_model:
            self.model_picker.reload(select_path=self._settings.default_model)
        self._show_idle_status()
        self._update_controls()
        self.message_box.setFocus()
        QTimer.singleShot(0, self._preload_selected)

    # Public actions

    @property
    def history(self) -> tuple[ChatMessage, ...]:
        """The conversation so far: user messages and finished replies."""
        return tuple(self._history)

    def send_message(self, text: str) -> int | None:
        """Send ``text`` as the next user message; returns the request id, or None if not sent.

        Nothing is sent while a reply runs, without a model, or for blank text.
        """
        path = self.model_picker.selected_path()
        if self._busy or path is None or not text.strip():
            return None
        self._sent_at = time.perf_counter()  # end-to-end TTFT counts from here
        user = ChatMessage("user", text)
        messages = [*self._history, user]
        if self._settings.system_prompt:
            messages.insert(0, ChatMessage("system", self._settings.system_prompt))
        request = ChatRequest(
            model_path=path,
            messages=tuple(messages),
            load=self._settings.load,
            sampling=self._settings.sampling,
            overflow=self._settings.overflow,
            speculative=self._settings.speculative,
        )
        self._pending_user = user
        self.context_note.hide()
        self.chat_view.add_user_message(text)
        self.chat_view.begin_reply(self.model_picker.name_for_path(path))
        self.stats_bar.reset()
        self._busy = True
        self._generating = False
        self._ttft_pending = True
        self._set_status("Waiting for the model…")
        self._update_controls()
        self._request_id = self.controller.send(request)
        return self._request_id

    def stop_reply(self) -> None:
        """Ask the engine to stop the reply in progress (its partial text is kept)."""
        if self._busy:
            self.controller.stop()
            self._set_status("Stopping…")

    def new_chat(self) -> None:
        """Forget the conversation and start an empty one (not while a reply runs)."""
        if self._busy:
            return
        self._history.clear()
        self.chat_view.clear_conversation()
        self.stats_bar.reset()
        self._show_idle_status()
        self._update_controls()
        self.message_box.setFocus()

    def open_model_settings(self) -> None:
        """Edit load and generation settings; a changed load reloads the model."""
        from ui.load_settings_dialog import LoadSettingsDialog

        dialog = LoadSettingsDialog(self._settings, self)
        if dialog.exec() != LoadSettingsDialog.DialogCode.Accepted:
            return
        changed = dialog.settings()
        if changed == self._settings:
            return
        reload = changed.load != self._settings.load
        self._settings = changed
        self.settings_changed.emit(changed)
        if reload:
            self._model_info = None
            self._preload_selected()

    def show_error(self, message: str) -> None:
        """Show a recoverable problem in red in the status line."""
        self._set_status(message, color=ERROR_COLOR.name())

    # Layout

    def _build(self, library: ModelLibrary) -> None:
        self.model_picker = ModelPicker(library)
        model_label = QLabel("&Model")
        model_label.setBuddy(self.model_picker)
        self.new_chat_button = QPushButton("New chat")
        self.new_chat_button.setAccessibleName("New chat")
        self.new_chat_button.setToolTip("Start an empty conversation (Ctrl+N)")
        self.new_chat_button.setShortcut(QKeySequence.StandardKey.New)

        self.settings_button = QPushButton("Model settings…")
        self.settings_button.setAccessibleName("Model settings")
        self.settings_button.setToolTip(
            "Context size, threads, GPU layers, KV cache, context overflow, speculative decoding"
        )

        self.chat_view = ChatView()
        self.stats_bar = StatsBar()

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
        top.addWidget(self.settings_button)
        top.addWidget(self.new_chat_button)

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

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(14, 12, 14, 10)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.chat_view, 1)
        layout.addWidget(self.stats_bar)
        layout.addLayout(composer)
        layout.addLayout(status)
        self.setCentralWidget(central)

    def _add_models_button(self, top: QHBoxLayout, library: ModelLibrary) -> None:
        """A "Models…" button beside the picker: the model library and the downloader."""
        from ui.models_dialog import ModelsDialog

        self.models_button = QPushButton("Models…")
        self.models_button.setAccessibleName("Models")
        self.models_button.setToolTip("The model library, and downloads from Hugging Face")
        top.addWidget(self.models_button)
        self.models_dialog: ModelsDialog | None = None

        def use_model(path: str) -> None:
            if not self._busy:
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

    def _connect(self) -> None:
        controller = self.controller
        controller.model_loading.connect(self._on_model_loading)
        controller.model_loaded.connect(self._on_model_loaded)
        controller.prefill_progress.connect(self._on_prefill_progress)
        controller.token_received.connect(self._on_token)
        controller.stats_updated.connect(self._on_stats)
        controller.reply_finished.connect(self._on_finished)
        controller.reply_failed.connect(self._on_failed)
        self.chat_view.first_paint.connect(self._on_first_paint)
        self.message_box.submitted.connect(self._send_from_box)
        self.message_box.textChanged.connect(self._update_controls)
        self.send_button.clicked.connect(self._send_from_box)
        self.stop_button.clicked.connect(self.stop_reply)
        self.new_chat_button.clicked.connect(self.new_chat)
        self.settings_button.clicked.connect(self.open_model_settings)
        self.controller.context_trimmed.connect(self._on_context_trimmed)
        self.controller.load_progress.connect(self._on_load_progress)
        self.model_picker.model_selected.connect(self._on_model_selected)
        self.model_picker.import_failed.connect(self.show_error)
        stop = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        stop.activated.connect(self.stop_reply)

    # Controller signals

    def _on_model_loading(self, path: str) -> None:
        self._set_status(f"Loading {self.model_picker.name_for_path(path)}…")

    def _on_model_loaded(self, info: ModelInfo) -> None:
        self._model_info = info
        if info.template_source == "fallback":
            note = info.template_note or FALLBACK_TEMPLATE_NOTE
            self.template_note.setText(f"⚠ {note}")
            self.template_note.setAccessibleName(f"Chat template note: {note}")
        self.template_note.setVisible(info.template_source == "fallback")
        if self._busy:
            self._set_status(
                f"Loaded {self.model_picker.name_for_path(info.path)} in {info.load_s:.1f} s"
            )
        else:
            self._show_idle_status()

    def _on_load_progress(self, fraction: float) -> None:
        path = self.model_picker.selected_path() or ""
        self._set_status(f"Loading {self.model_picker.name_for_path(path)}… {fraction:.0%}")

    def _on_context_trimmed(self, request_id: int, trimmed: ContextTrimmed) -> None:
        if not self._is_current(request_id):
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

    def _on_prefill_progress(self, request_id: int, done: int, total: int) -> None:
        if self._is_current(request_id) and not self._generating:
            self._set_status(f"Processing prompt {done}/{total}")

    def _on_token(self, request_id: int, text: str) -> None:
        if not self._is_current(request_id):
            return
        if not self._generating:
            self._generating = True
            self._set_status("Generating…  Esc stops")
        self.chat_view.append_token(text)

    def _on_stats(self, request_id: int, stats: Stats) -> None:
        if self._is_current(request_id):
            self.stats_bar.set_stats(stats)

    def _on_finished(self, request_id: int, done: Done) -> None:
        if not self._is_current(request_id) or self._pending_user is None:
            return
        text = self.chat_view.finish_reply(empty_note=EMPTY_REPLY_NOTE)
        # An exchange without reply text (stopped before the first token) stays out of the
        # conversation, so the next request does not carry an unanswered message.
        if text:
            self._history += [self._pending_user, ChatMessage("assistant", text)]
        self.stats_bar.finish(done)
        self._end_request()
        if done.stop_reason == STOP_CONTEXT_FULL:
            self.show_error("The conversation filled the model's context. Start a new chat.")

    def _on_failed(self, request_id: int, failed: Failed) -> None:
        if request_id == PRELOAD_ID:
            self._model_info = None
            self.show_error(failed.message)
            return
        if not self._is_current(request_id) or self._pending_user is None:
            return
        self.chat_view.fail_reply(failed.message)
        # The failed exchange stays out of the history; its text goes back in the box so
        # that sending again retries it.
        if not self.message_box.toPlainText().strip():
            self.message_box.setPlainText(self._pending_user.content)
        self._end_request()
        self.show_error(failed.message)
        self.message_box.setFocus()

    def _on_first_paint(self, painted_at: float) -> None:
        if self._ttft_pending:
            self._ttft_pending = False
            self.stats_bar.set_end_to_end_ttft(painted_at - self._sent_at)

    # Helpers

    def _send_from_box(self) -> None:
        if self.send_message(self.message_box.toPlainText()) is not None:
            self.message_box.clear()

    def _end_request(self) -> None:
        self._busy = False
        self._request_id = None
        self._pending_user = None
        self._show_idle_status()
        self._update_controls()

    def _is_current(self, request_id: int) -> bool:
        return self._request_id is not None and request_id == self._request_id

    def _on_model_selected(self, _path: str) -> None:
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
            self._set_status("Choose “Open GGUF file…” in the model list to add a model.")
        elif info is not None:
            name = self.model_picker.selected_name()
            self._set_status(f"{name} is ready · context {info.n_ctx} tokens")
        else:
            self._set_status(f"{self.model_picker.selected_name()} loads when you send a message.")
        self.template_note.setVisible(info is not None and info.template_source == "fallback")

    def _set_status(self, text: str, color: str = "") -> None:
        self.status_label.setText(text)
        self.status_label.setAccessibleName(f"Status: {text}")
        self.status_label.setStyleSheet(f"color: {color};" if color else "")

    def _update_controls(self) -> None:
        has_text = bool(self.message_box.toPlainText().strip())
        has_model = self.model_picker.selected_path() is not None
        self.send_button.setEnabled(not self._busy and has_text and has_model)
        self.stop_button.setEnabled(self._busy)
        self.model_picker.setEnabled(not self._busy)
        self.new_chat_button.setEnabled(not self._busy)

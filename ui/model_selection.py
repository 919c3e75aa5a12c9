"""The model selection: which model answers, checked before it loads, loaded ahead of time.

The picker, the "Models…" button (library and downloads) and the "Model settings…" button,
with the template note of the loaded model. A remote model (``remote://PROVIDER/ID``, from
the providers' listings) runs on its server: nothing is checked, fitted, hashed or loaded
here for it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from app.chat.reply import ModelChoice
from app.models.library import ModelLibrary
from app.remote.refs import is_remote, parse_remote, provider_of
from app.settings import LoadSettings
from inference.events import ModelInfo
from ui.model_picker import ModelPicker
from ui.remote_models import RemoteModels
from ui.status_line import warning_label

if TYPE_CHECKING:
    from ui.models_dialog import ModelsDialog

FALLBACK_TEMPLATE_NOTE = QT_TRANSLATE_NOOP(
    "ModelSelection",
    "This model file has no chat template; Slice uses a standard one, so replies may be off."
)
TEMPLATE_FALLBACK = "fallback"  # ModelInfo.template_source when the file had no template


class ModelSelection(QWidget):
    """Chooses the model that answers and keeps track of the one loaded in the engine.

    A model picked in the list is checked first (the file's header, milliseconds) and the user
    is asked before one that will not fit or has a problem is loaded; declining keeps the
    previous model. The owner loads models (:attr:`load_wanted`) and reports what loaded
    (:meth:`model_loaded`, :meth:`forget_loaded`). ``remote`` lists the providers' models
    beside the library's; picking one of them asks nothing and loads nothing.
    """

    model_chosen = Signal(str)
    """The user chose a model (its path) and, if asked, confirmed it; it is now selected."""
    load_wanted = Signal(str)
    """The selected model (its path) is not loaded: the owner should load it now, so the
    first reply does not wait for it."""
    settings_requested = Signal()
    """The user pressed "Model settings…"."""
    import_failed = Signal(str)
    """A GGUF file chosen in the picker could not be imported; the message says why."""

    def __init__(
        self, library: ModelLibrary, load: LoadSettings, parent: QWidget | None = None, *,
        remote: RemoteModels | None = None,
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.remote = remote
        self.load_settings = load
        """How models load: the header check and the models dialog judge the fit with it."""
        self._busy = False
        self._loaded: ModelInfo | None = None
        self._confirmed = ""
        self.models_dialog: ModelsDialog | None = None

        self.model_picker = ModelPicker(library, remote)
        label = QLabel(self.tr("&Model"))
        label.setBuddy(self.model_picker)
        self.models_button = QPushButton(self.tr("Models…"))
        self.models_button.setAccessibleName(self.tr("Models"))
        self.models_button.setToolTip(self.tr("The model library, and downloads from Hugging Face"))
        self.model_settings_button = QPushButton(self.tr("Model settings…"))
        self.model_settings_button.setAccessibleName(self.tr("Model settings"))
        self.model_settings_button.setToolTip(self.tr(
            "Context size, threads, GPU layers, KV cache, context overflow, speculative decoding"
        ))
        # The window places the note in the status line; it says something about this model.
        self.template_note = warning_label()

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addWidget(self.model_picker)
        layout.addWidget(self.models_button)
        layout.addStretch(1)
        layout.addWidget(self.model_settings_button)

        self.model_picker.model_selected.connect(self._on_picked)
        self.model_picker.import_failed.connect(self.import_failed)
        self.models_button.clicked.connect(self.open_models_dialog)
        self.model_settings_button.clicked.connect(self.settings_requested)
        if remote is not None:
            remote.changed.connect(lambda: self.model_picker.reload())

    # What is selected

    def selected_path(self) -> str | None:
        """File path (or ``remote://…``) of the selected model; None when there is none."""
        return self.model_picker.selected_path()

    def selected_provider(self) -> str:
        """The provider of the selected model when it is a remote one, else ""."""
        return provider_of(self.selected_path() or "")

    def selected_name(self) -> str:
        """Display name of the selected model ("" when there is none)."""
        return self.model_picker.selected_name()

    def name_for_path(self, path: str) -> str:
        """Display name of the model at ``path``."""
        return self.model_picker.name_for_path(path)

    def choice(self) -> ModelChoice | None:
        """The selected model as a chat records it; None when there is none."""
        path = self.selected_path()
        if path is None:
            return None
        entry = None if is_remote(path) else self.library.find(path)
        return ModelChoice(
            path=path,
            name=self.name_for_path(path),
            sha256=entry.sha256 if entry else "",
            quantization=entry.quantization if entry else "",
        )

    def select(self, path: str) -> None:
        """Select ``path`` without asking (the user chose it before: settings, a chat)."""
        self._confirmed = path
        self.model_picker.reload(select_path=path)
        self._sync_note()

    def follow_chat(self, wanted: str) -> bool:
        """Select ``wanted``, the model a chat was written with, and load it; False when it is
        not in the list, or a remote model of a provider the user no longer has (the
        selection stays)."""
        if not wanted or wanted == self.selected_path():
            return True
        remote = parse_remote(wanted)
        if remote is not None:
            if self.remote is None or not self.remote.has_provider(remote.provider):
                return False
        elif self.model_picker.findData(wanted) < 0:
            return False
        self.model_picker.reload(select_path=wanted)
        self._sync_note()
        self.preload_selected()
        return True

    def set_busy(self, busy: bool) -> None:
        """While a reply runs the model cannot change: the picker is disabled."""
        self._busy = busy
        self.model_picker.setEnabled(not busy)

    # What is loaded

    def loaded_model(self) -> ModelInfo | None:
        """What the local engine has loaded, if it is the selected model (never a remote
        one: nothing is loaded here for it)."""
        info, path = self._loaded, self.selected_path()
        if info is None or path is None or is_remote(path) or (
                os.path.realpath(info.path) != os.path.realpath(path)):
            return None
        return info

    def model_loaded(self, info: ModelInfo) -> None:
        """The engine loaded ``info``: show its template note if it has none of its own.

        A remote model's ``Loaded`` (its server's first answer) loads nothing here: the
        local model stays loaded."""
        if is_remote(info.path):
            return
        self._loaded = info
        if info.template_source == TEMPLATE_FALLBACK:
            note = info.template_note or self.tr(FALLBACK_TEMPLATE_NOTE)
            self.template_note.setText(f"⚠ {note}")
            self.template_note.setAccessibleName(
                self.tr("Chat template note: {note}").format(note=note))
        self.template_note.setVisible(info.template_source == TEMPLATE_FALLBACK)

    def forget_loaded(self) -> None:
        """The loaded model is gone (its load failed, or it reloads with new settings)."""
        self._loaded = None
        self._sync_note()

    def preload_selected(self) -> None:
        """Ask for the selected model to be loaded, unless it already is (or is remote)."""
        path = self.selected_path()
        if path is not None and not is_remote(path) and self.loaded_model() is None:
            self.load_wanted.emit(path)

    # The user's choices

    def open_models_dialog(self) -> None:
        """Show the model library and the downloader (one dialog, kept between openings)."""
        from ui.models_dialog import ModelsDialog

        if self.models_dialog is None:
            self.models_dialog = ModelsDialog(self.library, self.load_settings, self.window())
            self.models_dialog.library_changed.connect(lambda: self.model_picker.reload())
            self.models_dialog.use_requested.connect(self._use_model)
        self.models_dialog.show()
        self.models_dialog.raise_()
        self.models_dialog.activateWindow()

    def _use_model(self, path: str) -> None:
        if not self._busy:
            self.model_picker.reload(select_path=path)
            self._choose(path)

    def _on_picked(self, path: str) -> None:
        from ui.models_view import confirm_load

        # A remote model has no file to check; a file gone since the list was read: the
        # load will say so.
        if is_remote(path) or not os.path.isfile(path):
            self._choose(path)
            return
        load_it, _report = confirm_load(self.window(), path, self.load_settings)
        if not load_it:
            self.model_picker.reload(select_path=self._confirmed or None)
            return
        self._choose(path)

    def _choose(self, path: str) -> None:
        self._confirmed = path
        self._sync_note()
        self.model_chosen.emit(path)
        self.preload_selected()

    def _sync_note(self) -> None:
        info = self.loaded_model()
        self.template_note.setVisible(
            info is not None and info.template_source == TEMPLATE_FALLBACK
        )

"""The model settings dialog: how models load, and how replies are generated."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.engine.snapshots import cache_usage
from app.models.memory_fit import gpu_backends
from app.settings import Settings
from inference.events import (
    KV_CACHE_TYPES,
    OVERFLOW_ROLLING,
    OVERFLOW_STOP,
    OVERFLOW_TRUNCATE_MIDDLE,
    LoadSettings,
)
from inference.options import QUANTIZED_KV_NEEDS_FLASH_ATTN
from inference.snapshot_files import FolderUsage
from ui.app_texts import app_text
from ui.setting_fields import check_box, int_spin, label
from ui.theme import tint

OVERFLOW_LABELS = {
    OVERFLOW_STOP: QT_TRANSLATE_NOOP("LoadSettingsDialog", "Stop at the limit"),
    OVERFLOW_TRUNCATE_MIDDLE: QT_TRANSLATE_NOOP(
        "LoadSettingsDialog", "Drop the oldest turns, keep the system prompt"),
    OVERFLOW_ROLLING: QT_TRANSLATE_NOOP(
        "LoadSettingsDialog", "Rolling window (the oldest messages drop out first)"),
}

# The numeric fields this dialog edits, with the widget attribute that edits each: ranges,
# steps, labels and tooltips all come from the fields' declarations.
LOAD_SPINS = {"n_ctx": "n_ctx", "n_gpu_layers": "gpu_layers", "n_threads": "threads",
              "n_threads_batch": "threads_batch", "n_batch": "batch"}
APP_SPINS = {"snapshot_budget_mb": "snapshot_budget", "snapshot_disk_mb": "snapshot_disk"}


class LoadSettingsDialog(QDialog):
    """Edits the load settings, the context overflow policy, speculative decoding and the
    loop guard.

    :meth:`settings` returns the edited copy; the caller saves it and reloads the model.
    ``clear_cache`` empties the chats' cache (the engine's and its files on disk) and says
    what was on disk; without it, **Clear the cache** deletes the files alone.
    """

    def __init__(self, settings: Settings, parent: QWidget | None = None,
                 clear_cache: Callable[[], FolderUsage] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Model settings"))
        self._settings = settings
        load = settings.load
        self.n_ctx = int_spin(LoadSettings, "n_ctx")
        self.gpu_layers = int_spin(LoadSettings, "n_gpu_layers")
        self.gpu_layers.setToolTip(
            self.gpu_layers.toolTip() + self.tr(" Models > Check shows the count Auto picks.")
            + ("" if gpu_backends() else self.tr(" This build of llama.cpp has no GPU backend: "
                                                 "the model runs on the CPU whatever this says."))
        )
        self.threads = int_spin(LoadSettings, "n_threads")
        self.threads_batch = int_spin(LoadSettings, "n_threads_batch")
        self.batch = int_spin(LoadSettings, "n_batch")
        for field, attribute in LOAD_SPINS.items():
            getattr(self, attribute).setValue(getattr(load, field))
        self.flash_attn = check_box(LoadSettings, "flash_attn")
        self.flash_attn.setChecked(load.flash_attn)
        self.kv_type = QComboBox()
        self.kv_type.addItems(KV_CACHE_TYPES)
        self.kv_type.setCurrentText(load.kv_cache_type)
        self.kv_type.setAccessibleName(label(LoadSettings, "kv_cache_type"))
        self.mmap = check_box(LoadSettings, "use_mmap")
        self.mmap.setChecked(load.use_mmap)
        self.mlock = check_box(LoadSettings, "use_mlock")
        self.mlock.setChecked(load.use_mlock)
        self.overflow = QComboBox()
        for key, text in OVERFLOW_LABELS.items():
            self.overflow.addItem(self.tr(text), key)
        self.overflow.setCurrentIndex(list(OVERFLOW_LABELS).index(settings.overflow))
        self.overflow.setAccessibleName(label(Settings, "overflow"))
        self.speculative = check_box(Settings, "speculative")
        self.speculative.setChecked(settings.speculative)
        self.loop_guard = check_box(Settings, "loop_guard")
        self.loop_guard.setChecked(settings.loop_guard)
        self.snapshot_budget = int_spin(Settings, "snapshot_budget_mb")
        self.snapshot_disk = int_spin(Settings, "snapshot_disk_mb")
        for field, attribute in APP_SPINS.items():
            box = getattr(self, attribute)
            box.setSuffix(self.tr(" MB"))
            box.setValue(getattr(settings, field))
        self._clear_cache = clear_cache
        self.clear_cache_button = QPushButton(self.tr("Clear the cache"))
        self.clear_cache_button.setToolTip(self.tr(
            "Delete every chat's saved cache, in memory and on disk: the next reply in each "
            "chat processes its history again. Nothing of the chats themselves is lost."))
        self.clear_cache_button.clicked.connect(self._clear)
        self.cache_note = QLabel()
        self.cache_note.setAccessibleName(self.tr("Chat cache on disk"))
        self._show_usage(cache_usage(), cleared=False)
        cache_row = QHBoxLayout()
        cache_row.addWidget(self.cache_note, 1)
        cache_row.addWidget(self.clear_cache_button)
        self.problem = QLabel()
        tint(self.problem, "#dc2626")
        self.problem.setWordWrap(True)

        form = QFormLayout()
        for widget, text in (
            (self.n_ctx, label(LoadSettings, "n_ctx")),
            (self.gpu_layers, label(LoadSettings, "n_gpu_layers")),
            (self.threads, label(LoadSettings, "n_threads")),
            (self.threads_batch, label(LoadSettings, "n_threads_batch")),
            (self.batch, label(LoadSettings, "n_batch")),
            (self.kv_type, label(LoadSettings, "kv_cache_type")),
            (self.flash_attn, ""), (self.mmap, ""), (self.mlock, ""),
            (self.overflow, label(Settings, "overflow")),
            (self.speculative, ""),
            (self.loop_guard, ""),
            (self.snapshot_budget, label(Settings, "snapshot_budget_mb")),
            (self.snapshot_disk, label(Settings, "snapshot_disk_mb")),
        ):
            form.addRow(text, widget)
        form.addRow("", cache_row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self._ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.kv_type.currentTextChanged.connect(self._check)
        self.flash_attn.toggled.connect(self._check)
        self._check()

    def settings(self) -> Settings:
        """The settings as edited."""
        load = self._settings.load.model_copy(update={
            "n_ctx": self.n_ctx.value(),
            "n_gpu_layers": self.gpu_layers.value(),
            "n_threads": self.threads.value(),
            "n_threads_batch": self.threads_batch.value(),
            "n_batch": self.batch.value(),
            "n_ubatch": min(512, self.batch.value()),
            "flash_attn": self.flash_attn.isChecked(),
            "kv_cache_type": self.kv_type.currentText(),
            "use_mmap": self.mmap.isChecked(),
            "use_mlock": self.mlock.isChecked(),
        })
        return self._settings.model_copy(update={
            "load": load,
            "overflow": str(self.overflow.currentData()),
            "speculative": self.speculative.isChecked(),
            "loop_guard": self.loop_guard.isChecked(),
            "snapshot_budget_mb": self.snapshot_budget.value(),
            "snapshot_disk_mb": self.snapshot_disk.value(),
        })

    def _clear(self) -> None:
        if self._clear_cache is not None:
            gone = self._clear_cache()
        else:
            from app.engine.snapshots import clear_cache

            gone = clear_cache(None)
        self._show_usage(gone, cleared=True)

    def _show_usage(self, usage: FolderUsage, *, cleared: bool) -> None:
        """What the cache folder holds now, or what clearing it removed."""
        if not usage.files:
            text = self.tr("Cleared: nothing.") if cleared else self.tr("On disk now: nothing.")
        else:
            size = f"{usage.bytes / 1024 / 1024:.1f}"
            text = (self.tr("Cleared: %n chat(s), {size} MB.", "", usage.files) if cleared
                    else self.tr("On disk now: %n chat(s), {size} MB.", "", usage.files))
            text = text.format(size=size)
        self.cache_note.setText(text)

    def _check(self) -> None:
        problem = ""
        if self.kv_type.currentText() != "f16" and not self.flash_attn.isChecked():
            problem = (app_text(QUANTIZED_KV_NEEDS_FLASH_ATTN).capitalize()
                       + self.tr(": turn it on or choose f16."))
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self._ok.setEnabled(not problem)

    def _accept(self) -> None:
        if self._ok.isEnabled():
            self.accept()

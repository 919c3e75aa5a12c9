"""The model settings dialog: how models load, and how replies are generated."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

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
from ui.setting_fields import check_box, int_spin, label
from ui.theme import tint

OVERFLOW_LABELS = {
    OVERFLOW_STOP: "Stop at the limit",
    OVERFLOW_TRUNCATE_MIDDLE: "Drop the oldest turns, keep the system prompt",
    OVERFLOW_ROLLING: "Rolling window (the oldest messages drop out first)",
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
    """

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Model settings")
        self._settings = settings
        load = settings.load
        self.n_ctx = int_spin(LoadSettings, "n_ctx")
        self.gpu_layers = int_spin(LoadSettings, "n_gpu_layers")
        self.gpu_layers.setToolTip(
            self.gpu_layers.toolTip() + " Models > Check shows the count Auto picks."
            + ("" if gpu_backends() else " This build of llama.cpp has no GPU backend: "
               "the model runs on the CPU whatever this says.")
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
            self.overflow.addItem(text, key)
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
            box.setSuffix(" MB")
            box.setValue(getattr(settings, field))
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

    def _check(self) -> None:
        problem = ""
        if self.kv_type.currentText() != "f16" and not self.flash_attn.isChecked():
            problem = (QUANTIZED_KV_NEEDS_FLASH_ATTN.capitalize()
                       + ": turn it on or choose f16.")
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self._ok.setEnabled(not problem)

    def _accept(self) -> None:
        if self._ok.isEnabled():
            self.accept()

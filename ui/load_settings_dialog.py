"""The model settings dialog: how models load, and how replies are generated."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
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
)

OVERFLOW_LABELS = {
    OVERFLOW_STOP: "Stop at the limit",
    OVERFLOW_TRUNCATE_MIDDLE: "Drop the oldest turns, keep the system prompt",
    OVERFLOW_ROLLING: "Rolling window (the oldest messages drop out first)",
}


def _spin(low: int, high: int, value: int, special: str = "", step: int = 1) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setValue(value)
    if special:
        box.setSpecialValueText(special)
    return box


class LoadSettingsDialog(QDialog):
    """Edits the load settings, the context overflow policy and speculative decoding.

    :meth:`settings` returns the edited copy; the caller saves it and reloads the model.
    """

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Model settings")
        self._settings = settings
        load = settings.load
        self.n_ctx = _spin(256, 1_048_576, load.n_ctx, step=1024)
        self.gpu_layers = _spin(-1, 1000, load.n_gpu_layers, special="Auto (as many as fit)")
        self.gpu_layers.setToolTip(
            "Layers of the model to put on the GPU. Auto: as many as the memory estimate says "
            "fit in the free VRAM at load time (Models > Check shows the count); 0: CPU only; "
            "a number: exactly that many (more than the model has: all of it)."
            + ("" if gpu_backends() else " This build of llama.cpp has no GPU backend: "
               "the model runs on the CPU whatever this says.")
        )
        self.threads = _spin(0, 512, load.n_threads, special="Automatic")
        self.threads_batch = _spin(0, 512, load.n_threads_batch, special="Automatic")
        self.batch = _spin(16, 65_536, load.n_batch, step=128)
        self.flash_attn = QCheckBox("Flash attention")
        self.flash_attn.setChecked(load.flash_attn)
        self.kv_type = QComboBox()
        self.kv_type.addItems(KV_CACHE_TYPES)
        self.kv_type.setCurrentText(load.kv_cache_type)
        self.mmap = QCheckBox("Map the file into memory (mmap)")
        self.mmap.setChecked(load.use_mmap)
        self.mlock = QCheckBox("Lock the model in RAM (mlock)")
        self.mlock.setChecked(load.use_mlock)
        self.overflow = QComboBox()
        for key, label in OVERFLOW_LABELS.items():
            self.overflow.addItem(label, key)
        self.overflow.setCurrentIndex(list(OVERFLOW_LABELS).index(settings.overflow))
        self.speculative = QCheckBox("Speculative decoding (prompt lookup)")
        self.speculative.setChecked(settings.speculative)
        self.speculative.setToolTip(
            "Guesses upcoming tokens from text already in the conversation and checks several "
            "at once. Fast when a reply repeats earlier text (code edits); turns itself down "
            "when guesses miss."
        )
        self.snapshot_budget = _spin(0, 1_048_576, settings.snapshot_budget_mb, step=128)
        self.snapshot_budget.setSuffix(" MB")
        self.snapshot_budget.setToolTip(
            "Memory for the model's cache of chats you switched away from: returning to one "
            "resumes at once instead of re-reading its history. 0 turns it off."
        )
        self.snapshot_disk = _spin(0, 1_048_576, settings.snapshot_disk_mb, step=512)
        self.snapshot_disk.setSuffix(" MB")
        self.snapshot_disk.setToolTip(
            "Disk space for the chats that do not fit in that memory, in Slice's cache folder "
            "(readable only by you, deleted when the model is unloaded). 0 turns it off."
        )
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #dc2626;")
        self.problem.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Context size (tokens)", self.n_ctx)
        form.addRow("GPU layers", self.gpu_layers)
        form.addRow("Threads (generation)", self.threads)
        form.addRow("Threads (prompt)", self.threads_batch)
        form.addRow("Batch size", self.batch)
        form.addRow("KV cache type", self.kv_type)
        form.addRow("", self.flash_attn)
        form.addRow("", self.mmap)
        form.addRow("", self.mlock)
        form.addRow("When the context is full", self.overflow)
        form.addRow("", self.speculative)
        form.addRow("Cache of recent chats", self.snapshot_budget)
        form.addRow("Cache of recent chats on disk", self.snapshot_disk)
        for widget, name in (
            (self.n_ctx, "Context size"), (self.gpu_layers, "GPU layers"),
            (self.threads, "Generation threads"), (self.threads_batch, "Prompt threads"),
            (self.batch, "Batch size"), (self.kv_type, "KV cache type"),
            (self.overflow, "Context overflow"), (self.snapshot_budget, "Cache of recent chats"),
            (self.snapshot_disk, "Cache of recent chats on disk"),
        ):
            widget.setAccessibleName(name)
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
        load = dataclasses.replace(
            self._settings.load,
            n_ctx=self.n_ctx.value(),
            n_gpu_layers=self.gpu_layers.value(),
            n_threads=self.threads.value(),
            n_threads_batch=self.threads_batch.value(),
            n_batch=self.batch.value(),
            n_ubatch=min(512, self.batch.value()),
            flash_attn=self.flash_attn.isChecked(),
            kv_cache_type=self.kv_type.currentText(),
            use_mmap=self.mmap.isChecked(),
            use_mlock=self.mlock.isChecked(),
        )
        return dataclasses.replace(
            self._settings,
            load=load,
            overflow=str(self.overflow.currentData()),
            speculative=self.speculative.isChecked(),
            snapshot_budget_mb=self.snapshot_budget.value(),
            snapshot_disk_mb=self.snapshot_disk.value(),
        )

    def _check(self) -> None:
        problem = ""
        if self.kv_type.currentText() != "f16" and not self.flash_attn.isChecked():
            problem = "A quantized KV cache needs flash attention: turn it on or choose f16."
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self._ok.setEnabled(not problem)

    def _accept(self) -> None:
        if self._ok.isEnabled():
            self.accept()

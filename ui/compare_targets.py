"""One target of a comparison, as the Compare view edits it: the model (library or remote,
with its quantization in its name), how it loads and how it samples."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QWidget,
)

from app.compare.resolve import model_ref_for
from app.compare.targets import Target
from app.models.library import ModelLibrary
from inference.options import KV_CACHE_TYPES, LoadSettings, Sampling
from ui.compare_chart import TARGET_COLORS
from ui.model_picker import ModelPicker
from ui.remote_models import RemoteModels
from ui.setting_fields import check_box, double_spin, int_spin


class TargetEditor(QGroupBox):
    """A target's settings; :meth:`target` reads them, :meth:`set_target` shows one."""

    #: The user asked to remove this target.
    remove_requested = Signal()
    #: Something in the form changed.
    changed = Signal()

    def __init__(self, number: int, library: ModelLibrary, remote: RemoteModels | None,
                 load: LoadSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._load = load  # the settings a new target starts from (the window's)
        self.picker = ModelPicker(library, remote, self)
        self.picker.setMinimumWidth(220)
        self.kv = QComboBox()
        self.kv.addItems(list(KV_CACHE_TYPES))
        self.kv.setAccessibleName(self.tr("KV cache type"))
        self.ctx = int_spin(LoadSettings, "n_ctx")
        self.gpu_layers = int_spin(LoadSettings, "n_gpu_layers")
        self.flash_attn = check_box(LoadSettings, "flash_attn")
        # A check box, as flash attention is: on or off at a glance.
        self.speculative = QCheckBox(self.tr("Speculative"))
        self.speculative.setToolTip(self.tr("Speculative decoding by prompt lookup"))
        # Below the range: the model's recommendation decides.
        self.temperature: QDoubleSpinBox = double_spin(Sampling, "temperature")
        self.temperature.setMinimum(-0.05)
        self.temperature.setSpecialValueText(self.tr("model's"))
        self.temperature.setValue(-0.05)
        self.remove = QPushButton(self.tr("Remove"))
        self.remove.setAccessibleName(self.tr("Remove this target"))
        self.remove.clicked.connect(self.remove_requested)

        form = QFormLayout(self)
        form.addRow(self.tr("Model"), self.picker)
        row = QHBoxLayout()
        row.addWidget(self.kv)
        row.addWidget(self.flash_attn)
        form.addRow(self.tr("KV cache"), row)
        form.addRow(self.tr("Context"), self.ctx)
        form.addRow(self.tr("GPU layers"), self.gpu_layers)
        form.addRow(self.tr("Temperature"), self.temperature)
        buttons = QHBoxLayout()
        buttons.addWidget(self.speculative)
        buttons.addStretch(1)
        buttons.addWidget(self.remove)
        form.addRow(buttons)
        for signal in (self.picker.currentIndexChanged, self.kv.currentIndexChanged,
                       self.ctx.valueChanged, self.gpu_layers.valueChanged,
                       self.flash_attn.toggled, self.speculative.toggled,
                       self.temperature.valueChanged):
            signal.connect(lambda *_: self.changed.emit())
        self.set_number(number)
        self._show_load(load)

    def set_number(self, number: int) -> None:
        """The target's place in the comparison (its heading and colour)."""
        self.setTitle(self.tr("Target %1").replace("%1", str(number)))
        color = TARGET_COLORS[(number - 1) % len(TARGET_COLORS)]
        self.setStyleSheet(f"QGroupBox::title {{ color: {color}; font-weight: bold; }}")

    def _show_load(self, load: LoadSettings) -> None:
        self.kv.setCurrentText(load.kv_cache_type)
        self.ctx.setValue(load.n_ctx)
        self.gpu_layers.setValue(load.n_gpu_layers)
        self.flash_attn.setChecked(load.flash_attn)

    def set_target(self, target: Target) -> None:
        """Show ``target`` (its model listed even when the library no longer has it)."""
        self._load = target.load
        if self.picker.findData(target.model) < 0:
            self.picker.insertItem(0, target.name or target.model, target.model)
        self.picker.setCurrentIndex(self.picker.findData(target.model))
        self._show_load(target.load)
        self.speculative.setChecked(target.speculative)
        temperature = target.sampling.get("temperature")
        self.temperature.setValue(-0.05 if temperature is None else float(temperature))

    def target(self) -> Target | None:
        """The target as the form says (None: no model picked)."""
        path = self.picker.selected_path()
        if not path:
            return None
        model = model_ref_for(path, self._library)
        load = self._load.model_copy(update={
            "kv_cache_type": self.kv.currentText(), "n_ctx": self.ctx.value(),
            "n_gpu_layers": self.gpu_layers.value(),
            # A quantized KV cache needs flash attention.
            "flash_attn": self.flash_attn.isChecked() or self.kv.currentText() != "f16",
        })
        sampling = {}
        if self.temperature.value() >= 0:
            sampling["temperature"] = round(self.temperature.value(), 2)
        return Target(model=model.path, name=model.name, quantization=model.quantization,
                      load=LoadSettings.model_validate(load.model_dump()),
                      sampling=sampling, speculative=self.speculative.isChecked())

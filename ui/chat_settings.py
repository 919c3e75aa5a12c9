"""The chat settings dialog: system prompt, sampling, presets (built-in and saved), and
whether replies show their thinking.

Beside each sampling field, in small muted words, is where its value comes from: changed
in this chat, the preset, your setting, the model (its file, or Slice's table of well-known
families) or Slice's default; see :mod:`app.chat.presets`.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.chat.presets import (
    BUILTIN_PRESETS,
    FROM_OVERRIDE,
    overrides_for,
    preset_base,
    sampling_sources,
)
from app.settings import SAMPLING_FIELDS, Settings, clean_sampling_values
from app.store.chat_store import ChatStore, StoreError
from app.store.records import DEFAULT_PRESET, DEFAULT_PRESET_LABEL, ChatSettings
from inference.events import Sampling
from inference.model_defaults import Recommendation
from inference.options import field_spec
from ui.app_texts import app_text
from ui.setting_fields import double_spin, int_spin, label


# Every sampling field is edited here; ranges, steps, labels and tooltips come from their
# declarations in inference/options.py.
def _label(name: str) -> str:
    return label(Sampling, name)


def _in_line(name: str) -> str:
    """The label inside a sentence: lower case in English ("temperature 0.2"); a
    translation keeps its own capitals (German nouns have them)."""
    shown = _label(name)
    return shown.lower() if shown == field_spec(Sampling, name).label else shown


class ChatSettingsDialog(QDialog):
    """Edit one chat's settings; :meth:`chat_settings` gives the result after ``accept``."""

    def __init__(
        self,
        app_settings: Settings,
        current: ChatSettings,
        store: ChatStore,
        parent: QWidget | None = None,
        recommendation: Recommendation | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Chat settings"))
        self._app = app_settings
        self._current = current
        self._store = store
        # What the chat's model recommends (its part of the sampling; empty: none known).
        self._model = recommendation or Recommendation()
        self._loading = False

        self.own_prompt = QCheckBox(self.tr("This chat has its own system prompt"))
        self.prompt = QPlainTextEdit()
        self.prompt.setAccessibleName(self.tr("System prompt"))
        self.prompt.setPlaceholderText(
            self.tr("Instructions the model gets before the conversation"))
        self.prompt.setMinimumHeight(90)
        self.prompt.setTabChangesFocus(True)  # Tab leaves it (no keyboard trap)
        self.preset = QComboBox()
        self.preset.setAccessibleName(self.tr("Preset"))
        self.save_preset = QPushButton(self.tr("Save as preset…"))
        self.delete_preset = QPushButton(self.tr("Delete preset"))
        self.changed_note = QLabel()
        self.changed_note.setWordWrap(True)
        self.fields = {
            name: double_spin(Sampling, name)
            if Sampling.model_fields[name].annotation is float
            else int_spin(Sampling, name)
            for name in SAMPLING_FIELDS
        }
        for box in self.fields.values():
            box.valueChanged.connect(self._update_note)
        # Where each field's value comes from ("from the model file", "preset Precise"...).
        self.sources = {name: QLabel() for name in SAMPLING_FIELDS}
        for name, source in self.sources.items():
            source.setObjectName(f"source-{name}")
            source.setEnabled(False)  # drawn in the palette's muted text colour
        self.model_note = QLabel()
        self.model_note.setWordWrap(True)
        self.model_note.setEnabled(False)
        self.show_thinking = QCheckBox(self.tr("Show the model's thinking opened"))
        self.show_thinking.setToolTip(self.tr(
            "Reasoning models think before they answer. On: each reply shows its thinking "
            "above the answer. Off: the thinking is folded to one line (“Thought for 4.2 s”) "
            "that opens it."
        ))
        self.show_thinking.setChecked(current.show_thinking)

        presets_row = QHBoxLayout()
        presets_row.addWidget(self.preset, 1)
        presets_row.addWidget(self.save_preset)
        presets_row.addWidget(self.delete_preset)
        form = QFormLayout()
        form.addRow(self.tr("Preset"), presets_row)
        form.addRow("", self.changed_note)
        form.addRow("", self.model_note)
        for name, box in self.fields.items():
            row = QHBoxLayout()
            row.addWidget(box)
            row.addWidget(self.sources[name], 1)
            form.addRow(_label(name), row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.own_prompt)
        layout.addWidget(self.prompt)
        layout.addLayout(form)
        layout.addWidget(self.show_thinking)
        layout.addWidget(buttons)

        own = current.system_prompt is not None
        self.own_prompt.setChecked(own)
        self.prompt.setPlainText(current.system_prompt if own else app_settings.system_prompt)
        self.prompt.setEnabled(own)
        self.own_prompt.toggled.connect(self._on_own_prompt)
        self._fill_presets(current.preset)
        self.model_note.setText(self._model_words())
        self.model_note.setVisible(bool(self.model_note.text()))
        base = self._base(current.preset)
        self._set_fields(base.model_copy(update=clean_sampling_values(current.overrides)))
        self.preset.currentIndexChanged.connect(self._on_preset)
        self.save_preset.clicked.connect(self._save_preset)
        self.delete_preset.clicked.connect(self._delete_preset)
        self._update_note()

    # Results

    def sampling(self) -> Sampling:
        """The sampling the fields show."""
        values = {name: box.value() for name, box in self.fields.items()}
        return Sampling(**values)

    def preset_name(self) -> str:
        name = self.preset.currentData()
        return name if isinstance(name, str) else DEFAULT_PRESET

    def chat_settings(self) -> ChatSettings:
        """The chat's settings as the dialog shows them (the chat's model is kept)."""
        return ChatSettings(
            system_prompt=self.prompt.toPlainText() if self.own_prompt.isChecked() else None,
            model_path=self._current.model_path,
            preset=self.preset_name(),
            overrides=overrides_for(self.sampling(), self._base(self.preset_name())),
            show_thinking=self.show_thinking.isChecked(),
        )

    def source_of(self, name: str) -> str:
        """Where the value the field ``name`` shows comes from, in words."""
        return self.sources[name].text()

    def choose_preset(self, name: str) -> None:
        """Select a preset by name (its values replace the fields)."""
        index = self.preset.findData(name)
        if index >= 0:
            self.preset.setCurrentIndex(index)

    def save_as_preset(self, name: str) -> bool:
        """Save the fields as a preset named ``name`` and select it; False if refused."""
        if name.strip() in BUILTIN_PRESETS or not name.strip():
            self.changed_note.setText(self.tr("Choose a name that is not a built-in preset's."))
            return False
        try:
            self._store.save_preset(name, self.sampling().model_dump())
        except StoreError as exc:
            self.changed_note.setText(str(exc))
            return False
        self._fill_presets(name.strip())
        self._update_note()
        return True

    # Internals

    def _base(self, preset: str) -> Sampling:
        return preset_base(self._app, preset, self._store.user_presets(), self._model)

    def _model_words(self) -> str:
        """One line on what the model recommends, or "" when it recommends nothing."""
        source = self._model.source
        if not source:
            return ""
        values = ", ".join(
            f"{_in_line(name)} {value:g}" if isinstance(value, float)
            else f"{_in_line(name)} {value}"
            for name, value in self._model.values.items()
            if self._model.sources.get(name) == source
        )
        return self.tr("The model's recommendation ({source}): {values}.").format(
            source=app_text(source), values=values)

    def _fill_presets(self, selected: str) -> None:
        self._loading = True
        self.preset.clear()
        self.preset.addItem(self.tr("{default} (the model's recommendation)").format(
            default=app_text(DEFAULT_PRESET_LABEL)), DEFAULT_PRESET)
        for name in BUILTIN_PRESETS:
            self.preset.addItem(app_text(name), name)
        user = self._store.user_presets()
        if user:
            self.preset.insertSeparator(self.preset.count())
            for name in user:
                self.preset.addItem(name, name)
        index = self.preset.findData(selected)
        self.preset.setCurrentIndex(max(index, 0))
        self._loading = False
        self.delete_preset.setEnabled(self.preset_name() in user)

    def _set_fields(self, sampling: Sampling) -> None:
        self._loading = True
        for name, box in self.fields.items():
            box.setValue(getattr(sampling, name))
        self._loading = False

    def _on_own_prompt(self, own: bool) -> None:
        self.prompt.setEnabled(own)
        if not own:
            self.prompt.setPlainText(self._app.system_prompt)

    def _on_preset(self) -> None:
        if self._loading:
            return
        user = self._store.user_presets()
        self._set_fields(self._base(self.preset_name()))
        self.delete_preset.setEnabled(self.preset_name() in user)
        self._update_note()

    def _update_note(self) -> None:
        if self._loading:
            return
        changed = overrides_for(self.sampling(), self._base(self.preset_name()))
        self.changed_note.setText(
            self.tr("Changed from the preset: ") + ", ".join(_label(n) for n in changed)
            if changed else ""
        )
        sources = sampling_sources(self._app, ChatSettings(preset=self.preset_name()),
                                   self._store.user_presets(), self._model)
        for name, shown in self.sources.items():
            shown.setText(app_text(FROM_OVERRIDE if name in changed else sources.get(name, "")))

    def _save_preset(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Save preset"),
                                       self.tr("Name of the new preset:"))
        if ok:
            self.save_as_preset(name)

    def _delete_preset(self) -> None:
        name = self.preset_name()
        if name in self._store.user_presets():
            self._store.delete_preset(name)
            self._fill_presets(DEFAULT_PRESET)
            self._on_preset()

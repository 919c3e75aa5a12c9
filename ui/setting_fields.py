"""Settings widgets built from the settings' declarations (range, step, label, help).

The dialogs never write a range of their own: a spin box takes its bounds from the field's
``ge``/``le``, its label and tooltip from ``title``/``description``, so the dialog accepts
exactly what validation accepts. The words are shown in the window's language
(:func:`ui.app_texts.app_text`).
"""

from __future__ import annotations

import dataclasses

from pydantic import BaseModel
from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QSpinBox

from inference.options import FieldSpec, field_spec
from ui.app_texts import app_text

# QSpinBox holds a C int.
_INT_MAX = 2**31 - 1


def translated_spec(model: type[BaseModel], name: str) -> FieldSpec:
    """The field's declaration with its label, help and special value's text translated."""
    spec = field_spec(model, name)
    return dataclasses.replace(spec, label=app_text(spec.label), help=app_text(spec.help),
                               special=app_text(spec.special))


def int_spin(model: type[BaseModel], name: str) -> QSpinBox:
    """A spin box for the integer field ``name`` of ``model``, set to its default."""
    spec = translated_spec(model, name)
    box = QSpinBox()
    box.setRange(int(spec.low if spec.low is not None else -_INT_MAX),
                 int(spec.high if spec.high is not None else _INT_MAX))
    box.setSingleStep(max(int(spec.step), 1))
    box.setValue(int(spec.default))
    _describe(box, spec)
    if spec.special:
        box.setSpecialValueText(spec.special)
    return box


def double_spin(model: type[BaseModel], name: str, decimals: int = 2) -> QDoubleSpinBox:
    """A spin box for the float field ``name`` of ``model``, set to its default."""
    spec = translated_spec(model, name)
    box = QDoubleSpinBox()
    box.setDecimals(decimals)
    box.setRange(spec.low if spec.low is not None else -1e9,
                 spec.high if spec.high is not None else 1e9)
    box.setSingleStep(spec.step)
    box.setValue(float(spec.default))
    _describe(box, spec)
    return box


def check_box(model: type[BaseModel], name: str) -> QCheckBox:
    """A check box for the boolean field ``name`` of ``model``, labelled by its title."""
    spec = translated_spec(model, name)
    box = QCheckBox(spec.label)
    box.setChecked(bool(spec.default))
    _describe(box, spec)
    return box


def label(model: type[BaseModel], name: str) -> str:
    """The field's label, for a form row."""
    return translated_spec(model, name).label


def _describe(widget: QSpinBox | QDoubleSpinBox | QCheckBox, spec: FieldSpec) -> None:
    widget.setAccessibleName(spec.label)
    if spec.help:
        widget.setToolTip(spec.help)

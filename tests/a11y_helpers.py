"""The accessibility tree as a screen reader sees it in-process: every interface under a
window, with its role, name and state; the interactive ones that have no name."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import QWidget

Role = QAccessible.Role

# The roles a user operates (presses, types in, picks from): each must have a name.
INTERACTIVE = frozenset({
    Role.PushButton, Role.CheckBox, Role.RadioButton, Role.ComboBox, Role.EditableText,
    Role.SpinBox, Role.Slider, Role.List, Role.Tree, Role.Table, Role.PageTab,
    Role.ButtonMenu, Role.ButtonDropDown, Role.MenuItem, Role.Link,
})


@dataclass(frozen=True)
class Node:
    """One accessible object: its role, name, description, state and where it is."""

    role: QAccessible.Role
    name: str
    description: str
    invisible: bool
    disabled: bool
    focusable: bool
    path: str  # the chain of roles and object names from the window down to it
    interface: QAccessibleInterface


def nodes(widget: QWidget) -> list[Node]:
    """Every accessible object under ``widget`` (the window), depth first."""
    root = QAccessible.queryAccessibleInterface(widget)
    assert root is not None and root.isValid(), f"{widget!r} has no accessible interface"
    return list(_walk(root, "", 0))


def _walk(iface: QAccessibleInterface, path: str, depth: int) -> Iterator[Node]:
    state = iface.state()
    obj = iface.object()
    label = f"{iface.role().name}"
    if obj is not None and obj.objectName():
        label += f"#{obj.objectName()}"
    elif obj is not None:
        label += f"({type(obj).__name__})"
    here = f"{path}/{label}"
    yield Node(iface.role(), iface.text(QAccessible.Text.Name).strip(),
               iface.text(QAccessible.Text.Description).strip(),
               bool(state.invisible), bool(state.disabled), bool(state.focusable), here, iface)
    if depth > 40:
        return
    for i in range(iface.childCount()):
        child = iface.child(i)
        if child is not None and child.isValid():
            yield from _walk(child, here, depth + 1)


def unnamed_controls(widget: QWidget) -> list[str]:
    """The paths of the visible interactive objects under ``widget`` that have no name."""
    return [n.path for n in nodes(widget)
            if n.role in INTERACTIVE and not n.invisible and not n.name]


def find(widget: QWidget, role: QAccessible.Role, name: str) -> Node:
    """The visible object of ``role`` called ``name`` under ``widget``."""
    found = [n for n in nodes(widget) if n.role == role and n.name == name and not n.invisible]
    assert found, (f"no visible {role.name} named {name!r}; named ones: "
                   f"{sorted({(n.role.name, n.name) for n in nodes(widget) if n.name})}")
    return found[0]

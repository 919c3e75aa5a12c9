"""Read one application's accessibility tree over AT-SPI, as a screen reader does.

Runs with the system Python (Debian's python3-pyatspi, the library Orca is built on), not
the project's: ``/usr/bin/python3 tests/atspi_reader.py PID``. Prints one JSON object: the
application's name and every object under it, with its role, name, description, states,
its parent's place in the list and, for text objects, their text.
"""

from __future__ import annotations

import json
import sys
import time

import pyatspi  # type: ignore[import-not-found]

MAX_TEXT = 20_000


def find_app(pid: int, timeout: float = 30) -> object | None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        desktop = pyatspi.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            app = desktop.getChildAtIndex(i)
            try:
                if app is not None and app.get_process_id() == pid:
                    return app
            except Exception:  # an application that went away while we asked
                continue
        time.sleep(0.2)
    return None


def walk(acc: object, depth: int, out: list[dict[str, object]], parent: int = -1) -> None:
    if depth > 40:
        return
    try:
        states = acc.getState()  # type: ignore[attr-defined]
        node: dict[str, object] = {
            "role": acc.getRoleName(),  # type: ignore[attr-defined]
            "name": acc.name or "",  # type: ignore[attr-defined]
            "showing": states.contains(pyatspi.STATE_SHOWING),
            "focusable": states.contains(pyatspi.STATE_FOCUSABLE),
            "enabled": states.contains(pyatspi.STATE_ENABLED),
            "parent": parent,  # the index of its parent in the list (-1: the application)
            "description": acc.description or "",  # type: ignore[attr-defined]
        }
        try:
            text = acc.queryText()  # type: ignore[attr-defined]
            node["text"] = text.getText(0, min(text.characterCount, MAX_TEXT))
        except NotImplementedError:
            pass
        here = len(out)
        out.append(node)
        for i in range(acc.childCount):  # type: ignore[attr-defined]
            child = acc.getChildAtIndex(i)  # type: ignore[attr-defined]
            if child is not None:
                walk(child, depth + 1, out, here)
    except Exception as exc:  # reported, and the walk goes on
        out.append({"role": "error", "name": repr(exc)})


def press(acc: object, panel: str, button: str) -> bool:
    """Press (its first action) the button called ``button`` in the panel whose name begins
    with ``panel``, as a reader does when the user activates it; False when none is found."""
    try:
        if acc.getRoleName() == "panel" and (acc.name or "").startswith(panel):  # type: ignore[attr-defined]
            for i in range(acc.childCount):  # type: ignore[attr-defined]
                child = acc.getChildAtIndex(i)  # type: ignore[attr-defined]
                if child is not None and child.getRoleName() == "push button" \
                        and child.name == button:
                    return bool(child.queryAction().doAction(0))
        for i in range(acc.childCount):  # type: ignore[attr-defined]
            child = acc.getChildAtIndex(i)  # type: ignore[attr-defined]
            if child is not None and press(child, panel, button):
                return True
    except Exception:  # an object that went away while we asked
        return False
    return False


def main() -> int:
    """``PID`` [``PANEL`` ``BUTTON``]: walk the application's tree and, when asked, press
    a message's button (in the panel whose name begins with PANEL) afterwards."""
    app = find_app(int(sys.argv[1]))
    if app is None:
        print(json.dumps({"error": "the application is not on the accessibility bus"}))
        return 1
    nodes: list[dict[str, object]] = []
    walk(app, 0, nodes)
    pressed = press(app, sys.argv[2], sys.argv[3]) if len(sys.argv) > 3 else None
    print(json.dumps({"app": app.name, "nodes": nodes, "pressed": pressed}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Read one application's accessibility tree over AT-SPI, as a screen reader does.

Runs with the system Python (Debian's python3-pyatspi, the library Orca is built on), not
the project's: ``/usr/bin/python3 tests/atspi_reader.py PID``. Prints one JSON object: the
application's name and every object under it that is showing, with its role, name, states
and, for text objects, their text.
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


def walk(acc: object, depth: int, out: list[dict[str, object]]) -> None:
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
        }
        try:
            text = acc.queryText()  # type: ignore[attr-defined]
            node["text"] = text.getText(0, min(text.characterCount, MAX_TEXT))
        except NotImplementedError:
            pass
        out.append(node)
        for i in range(acc.childCount):  # type: ignore[attr-defined]
            child = acc.getChildAtIndex(i)  # type: ignore[attr-defined]
            if child is not None:
                walk(child, depth + 1, out)
    except Exception as exc:  # reported, and the walk goes on
        out.append({"role": "error", "name": repr(exc)})


def main() -> int:
    app = find_app(int(sys.argv[1]))
    if app is None:
        print(json.dumps({"error": "the application is not on the accessibility bus"}))
        return 1
    nodes: list[dict[str, object]] = []
    walk(app, 0, nodes)
    print(json.dumps({"app": app.name, "nodes": nodes}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The window as a screen reader reads it: Xvfb, a window manager, a session D-Bus with the
accessibility bus (at-spi2-core), Qt's AT-SPI bridge turned on, and pyatspi (what Orca
uses) walking the tree over D-Bus from another process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NEEDED = {"xvfb-run": "xvfb", "dbus-run-session": "dbus-daemon", "openbox": "openbox"}


def test_a_screen_reader_finds_the_controls_the_messages_and_presses_copy(
    slice_home: Path,
) -> None:
    missing = [deb for tool, deb in NEEDED.items() if shutil.which(tool) is None]
    if not Path("/usr/libexec/at-spi-bus-launcher").exists():
        missing.append("at-spi2-core")
    check = subprocess.run(["/usr/bin/python3", "-c", "import pyatspi"], capture_output=True)
    if check.returncode != 0:
        missing.append("python3-pyatspi")
    assert not missing, f"missing {' '.join(missing)}: run scripts/setup.sh --test"
    env = {k: v for k, v in os.environ.items()
           if k not in ("QT_QPA_PLATFORM", "DBUS_SESSION_BUS_ADDRESS", "AT_SPI_BUS_ADDRESS")}
    env.update(SLICE_HOME=str(slice_home), QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1",
               QT_ACCESSIBILITY="1", PYTHONPATH=str(ROOT))
    result = subprocess.run(
        ["dbus-run-session", "--", "xvfb-run", "-a", "-s", "-screen 0 1280x900x24",
         sys.executable, "-m", "tests.atspi_app"],
        capture_output=True, text=True, timeout=240, env=env, cwd=ROOT,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert result.returncode == 0 and len(lines) == 1, result.stdout + result.stderr[-4000:]
    report = json.loads(lines[0])
    assert report["reader_exit"] == 0, report
    tree = json.loads(report["reader_out"])
    nodes = tree["nodes"]
    named = {(n["role"], n["name"]) for n in nodes if n.get("showing")}

    def has(role: str, name: str) -> bool:
        return (role, name) in named

    assert has("push button", "Send message"), sorted(named)
    assert has("push button", "Stop reply")
    assert has("list", "Chat list")
    assert any(role in ("text", "entry", "paragraph") and name == "Message"
               for role, name in named), sorted(named)
    conversation = [n for n in nodes if n["name"] == "Conversation" and "text" in n]
    assert conversation, sorted(named)
    assert report["reply"] in " ".join(str(conversation[0]["text"]).split())
    assert "What colour is teal?" in str(conversation[0]["text"])
    # Each message is an object of its own: a panel named by its author and first words,
    # its text a label in it, its actions buttons; the reader pressed the reply's Copy.
    panels = [(i, n) for i, n in enumerate(nodes) if n["role"] == "panel" and n["showing"]
              and ": " in n["name"] and "message" in n["description"]]
    assert len(panels) == 2, [n for _, n in panels]
    (question_at, question), (reply_at, reply) = panels
    assert question["name"] == "You: What colour is teal?"
    assert "message 1 of 2" in question["description"]
    assert reply["name"].endswith(": " + report["reply"])  # (ten words: all of them)
    assert "message 2 of 2" in reply["description"]

    def inside(at: int) -> set[tuple[str, str]]:
        return {(n["role"], n["name"]) for n in nodes if n.get("parent") == at}

    assert {("label", "What colour is teal?"), ("push button", "Copy"),
            ("push button", "Edit")} <= inside(question_at)
    assert {("label", report["reply"]), ("push button", "Copy"),
            ("push button", "Regenerate"), ("push button", "Stats")} <= inside(reply_at)
    assert tree["pressed"] is True and report["clipboard"].strip() == report["reply"]
    # Nothing a user operates goes without a name.
    operable = {"push button", "check box", "radio button", "combo box", "list", "tree",
                "table", "page tab", "spin button", "slider", "toggle button"}
    unnamed = [n for n in nodes if n.get("showing") and n["role"] in operable and not n["name"]]
    assert unnamed == []

"""The chat window in a real X session, read over AT-SPI by a screen reader's library.

Run by tests/test_atspi.py inside ``dbus-run-session`` and ``xvfb-run``: starts a window
manager (openbox), opens the window over the scripted engine, sends a message and lets the
reply finish, then runs tests/atspi_reader.py (the system Python's pyatspi, as Orca uses it)
while the window answers its D-Bus questions (the reader ends by pressing the reply's Copy
button), and prints what the reader found, and what the clipboard then holds, as one JSON
line.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QProcess, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

READER = Path(__file__).with_name("atspi_reader.py")
REPLY = "Teal is a blue green, named after a small duck."


def wait_until(condition: object, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        QCoreApplication.processEvents()
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.01)
    return False


def main() -> int:
    window_manager = subprocess.Popen([shutil.which("openbox") or "openbox"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        return run()
    finally:
        window_manager.terminate()
        window_manager.wait(10)


def run() -> int:
    from app.chat.bridge import EngineController
    from inference.events import Done, Stats, Token
    from tests.fakes import FakeLibrary
    from tests.scripted_client import ScriptedHostClient
    from ui.main_window import ChatWindow
    from ui.theme import apply_theme

    app = QApplication(sys.argv[:1])
    app.setApplicationName("slice-atspi-test")
    apply_theme(app)
    host = ScriptedHostClient()
    controller = EngineController(host)
    window = ChatWindow(controller, FakeLibrary())  # type: ignore[arg-type]
    window.resize(1100, 760)
    window.show()
    try:
        window.send_message("What colour is teal?")
        assert wait_until(lambda: len(host.replies) == 1, 10), "the request never went out"
        host.play(*(Token(text=w + " ", n=1) for w in REPLY.split(" ")),
                  Done("end_of_turn", Stats(generated_tokens=11, decode_tps=30.0)))
        assert wait_until(lambda: not window.session.busy, 10), "the reply never finished"
        wait_until(lambda: False, 0.5)  # the bridge registers the window's objects
        reader = QProcess()
        loop = QEventLoop()
        reader.finished.connect(loop.quit)
        QTimer.singleShot(150_000, loop.quit)  # a reader that hangs is reported, not waited on
        author = window.chat_view.entries_shown()[-1].message.model
        reader.start("/usr/bin/python3", [str(READER), str(os.getpid()), f"{author}: ", "Copy"])
        assert reader.waitForStarted(10_000), "the reader did not start"
        loop.exec()  # the window answers the reader's D-Bus calls meanwhile
        out = bytes(reader.readAllStandardOutput().data()).decode()
        err = bytes(reader.readAllStandardError().data()).decode()
        clipboard = QGuiApplication.clipboard()
        wait_until(lambda: clipboard.text().strip() == REPLY, 5)  # the button's click is animated
        print(json.dumps({"reader_exit": reader.exitCode(), "reader_out": out,
                          "reader_err": err[-4000:], "reply": REPLY,
                          "clipboard": clipboard.text()}))
        return 0
    finally:
        window.close()
        controller.shutdown()


if __name__ == "__main__":
    sys.exit(main())

"""The real Slice app, typing messages into its own window, for the kill -9 test.

Starts the app exactly as ``slice-chat`` does (:func:`app.main.start_gui`: single-instance
lock, store check and recovery, window, engine thread, inference host with the real model),
then types messages into the message box and presses Enter, one after another, opening a
new chat now and then and regenerating a reply now and then. After each message appears in
the transcript it prints ``ACK <text>`` (the message was acknowledged on screen). The test
kills this process with SIGKILL at random moments.

Run: ``SLICE_HOME=... QT_QPA_PLATFORM=offscreen python tests/kill_driver.py SEED``
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.main import build_parser, start_gui

WORDS = ("river", "lantern", "copper", "meadow", "orbit", "velvet", "granite", "harbor")


def main() -> int:
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    rng = random.Random(seed)
    app = QApplication(sys.argv[:1])
    running = start_gui(build_parser().parse_args([]), app, time.perf_counter())
    if isinstance(running, int):
        print(f"EXIT {running}", flush=True)
        return running
    window = running.window
    counter = {"n": 0, "host": 0}

    def step() -> None:
        pid = window.controller.host_pid
        if pid and pid != counter["host"]:
            counter["host"] = pid
            print(f"HOST {pid}", flush=True)
        if window.session.busy or window.composer.message_box.toPlainText():
            return
        counter["n"] += 1
        n = counter["n"]
        roll = rng.random()
        if n > 1 and roll < 0.15:
            window.new_chat()
        elif n > 1 and roll < 0.25 and window.session.path_ids:
            last = window.session.path_ids[-1]
            window.chat_view.action_requested.emit("regenerate", last)
            return
        text = f"msg {seed}-{n} {rng.choice(WORDS)} {rng.choice(WORDS)}: say one word."
        QTest.keyClicks(window.composer.message_box, text)
        QTest.keyClick(window.composer.message_box, Qt.Key.Key_Return)
        if text in window.chat_view.toPlainText() and not window.composer.message_box.toPlainText():
            print(f"ACK {text}", flush=True)

    timer = QTimer()
    timer.timeout.connect(step)
    timer.start(20)
    print(f"READY {os.getpid()}", flush=True)
    try:
        return app.exec()
    finally:
        running.close()


if __name__ == "__main__":
    sys.exit(main())

"""``slice-chat --self-test``: the real window, a real reply, one JSON line.

Opens the main window, sends a short prompt to the model (the starter model unless
``--model`` names another), waits for the streamed reply, optionally saves a screenshot, and
prints one JSON line: ``ok``, versions, backend (with the GPU devices and the layers on
them), end-to-end TTFT, tokens/s and the time to the window, and whether llama.cpp's
libraries were ever mapped into the window's process (they must not be). Exits 0 only if
every step worked. Used by the installer smoke tests and by users
reporting problems.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

import PySide6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.chat.bridge import EngineController
from inference import __version__
from inference.events import Done, Failed, ModelInfo
from ui.main_window import ChatWindow

PROMPT = "Say hello in one short sentence."
TIMEOUT_S = 180


class SelfTest:
    """Drives one exchange through the window and reports on it."""

    def __init__(
        self,
        app: QApplication,
        window: ChatWindow,
        controller: EngineController,
        started_at: float,
        screenshot: Path | None,
    ) -> None:
        self._app = app
        self._window = window
        self._screenshot = screenshot
        self._started_at = started_at
        self._sent_at = 0.0
        self._request_id: int | None = None
        self._result: dict[str, Any] = {
            "ok": False,
            "versions": {
                "slice": __version__,
                "python": platform.python_version(),
                "pyside6": PySide6.__version__,
            },
            "backend": "",
            "device": "",  # the GPU devices the layers went to, e.g. "Vulkan0 (llvmpipe ...)"
            "gpu_layers": "",  # offloaded/total, as llama.cpp logged the load
            "model": "",
            "time_to_window_s": None,
            "load_s": None,
            "ttft_s": None,
            "engine_ttft_s": None,
            "prompt_tps": None,
            "decode_tps": None,
            "generated_tokens": 0,
            "reply": "",
            "error": "",
        }
        controller.model_loaded.connect(self._on_loaded)
        controller.reply_finished.connect(self._on_finished)
        controller.reply_failed.connect(self._on_failed)
        window.chat_view.first_paint.connect(self._on_first_paint)
        self._deadline = QTimer(singleShot=True, interval=TIMEOUT_S * 1000)
        self._deadline.timeout.connect(lambda: self._end(f"no reply within {TIMEOUT_S} s"))

    def start(self) -> None:
        """Runs once the window is up; the window is already loading the selected model."""
        self._result["time_to_window_s"] = round(time.perf_counter() - self._started_at, 3)
        # The window must not wait for llama.cpp: only the inference host loads it.
        self._result["gui_loaded_llama_cpp"] = "llama_cpp" in sys.modules
        spawned = os.environ.get("SLICE_SPAWNED_AT")  # set by a parent that times our start
        if spawned:
            self._result["process_to_window_s"] = round(time.time() - float(spawned), 3)
        self._result["model"] = self._window.model_selection.model_picker.selected_path() or ""
        self._deadline.start()
        if not self._result["model"]:
            self._end("no model to test: the starter model is missing and no --model was given")

    def _on_loaded(self, info: ModelInfo) -> None:
        self._result["backend"] = info.backend
        self._result["device"] = info.devices
        self._result["gpu_layers"] = f"{info.gpu_layers}/{info.n_layers}" if info.n_layers else ""
        self._result["load_s"] = round(info.load_s, 3)
        self._result["versions"]["engine"] = info.system_info
        if not self._sent_at:
            self._sent_at = time.perf_counter()
            self._request_id = self._window.send_message(PROMPT)
            if self._request_id is None:
                self._end("the window did not accept the message")

    def _on_first_paint(self, painted_at: float) -> None:
        if self._result["ttft_s"] is None:
            self._result["ttft_s"] = round(painted_at - self._sent_at, 4)

    def _on_finished(self, request_id: int, done: Done) -> None:
        if request_id != self._request_id:
            return  # the model's preload
        stats = done.stats
        self._result.update(
            engine_ttft_s=round(stats.ttft_s, 4),
            prompt_tps=round(stats.prompt_tps, 1),
            decode_tps=round(stats.decode_tps, 1),
            generated_tokens=stats.generated_tokens,
            reply=self._window.chat_view.plain_text_of_last_reply(),
        )
        if not stats.generated_tokens:
            self._end("the model returned no tokens")
        else:
            # Let the final render and the stats bar paint before the picture.
            QTimer.singleShot(200, lambda: self._end(""))

    def _on_failed(self, request_id: int, failed: Failed) -> None:
        # The reply, or the preload (request id 0) of the model it needs.
        if request_id in (self._request_id, 0):
            self._end(failed.message)

    def _end(self, error: str) -> None:
        self._deadline.stop()
        if self._screenshot is not None:
            self._screenshot.parent.mkdir(parents=True, exist_ok=True)
            if not self._window.grab().save(str(self._screenshot)):
                error = error or f"could not save the screenshot to '{self._screenshot}'"
        self._result["error"] = error
        self._result["rss_mb"] = _resident_mb()
        self._result["gui_native_libraries"] = native_engine_libraries()
        self._result["ok"] = not error and self._result["ttft_s"] is not None
        if not error and not self._result["ok"]:
            self._result["error"] = "the reply was never painted"
        print(json.dumps(self._result, ensure_ascii=False), flush=True)
        self._app.exit(0 if self._result["ok"] else 1)


def native_engine_libraries() -> list[str]:
    """llama.cpp's libraries (libllama, libggml*) mapped into this process (Linux's
    /proc/self/maps; elsewhere an empty list). The window's process must have none."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            paths = {line.split(None, 5)[-1].strip() for line in maps if "/" in line}
    except OSError:
        return []
    names = ("libllama", "libggml", "llama.dll", "ggml")
    return sorted(p for p in paths if os.path.basename(p).startswith(names))


def _resident_mb() -> float | None:
    """This process's resident memory in MB (Linux), else None."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def run_self_test(
    app: QApplication,
    window: ChatWindow,
    controller: EngineController,
    started_at: float,
    screenshot: Path | None,
) -> SelfTest:
    """Schedule the self-test to start once the window is up; the caller runs the loop."""
    test = SelfTest(app, window, controller, started_at, screenshot)
    QTimer.singleShot(0, test.start)
    return test


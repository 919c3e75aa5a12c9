"""The real Slice window picks a model and checks it; then are llama.cpp's libraries in it?

Starts the app exactly as ``slice-chat`` does (:func:`app.main.start_gui`: the window, the
engine thread, the inference host on the starter model), then, as a user would: picks the
model given on the command line in the model picker (the header check runs, on the GUI
thread), opens Models…, selects it and presses Check (header, memory, trial load in a
throwaway model process), waits for the picked model to load, and prints one JSON line: the
llama.cpp libraries mapped into this process (``/proc/self/maps``), whether ``llama_cpp``
was imported, the Check's report and the engine probe's answer.

Run: ``SLICE_HOME=... QT_QPA_PLATFORM=offscreen python tests/gui_probe_driver.py MODEL``
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.main import build_parser, start_gui
from app.models.engine_probe import engine_probe
from ui.self_test import native_engine_libraries

TIMEOUT_S = 240


def main() -> int:
    model = sys.argv[1]
    app = QApplication(sys.argv[:1])
    running = start_gui(build_parser().parse_args([]), app, time.perf_counter())
    if isinstance(running, int):
        print(json.dumps({"error": f"the app did not start ({running})"}), flush=True)
        return running
    window = running.window
    selection = window.model_selection
    entry = window.model_selection.library.import_file(model)
    result: dict[str, object] = {"error": ""}
    state = {"step": "probe", "started": time.monotonic()}

    def finish(error: str = "") -> None:
        probe = engine_probe()
        facts = probe.cached(float("inf"))
        result.update(
            error=error,
            native=native_engine_libraries(),
            llama_cpp_imported="llama_cpp" in sys.modules,
            probe_engine=facts.engine if facts else "",
            probe_architectures=len(facts.architectures or ()) if facts else 0,
        )
        print(json.dumps(result), flush=True)
        app.exit(0 if not error else 1)

    def step() -> None:
        if time.monotonic() - state["started"] > TIMEOUT_S:  # type: ignore[operator]
            finish(f"timed out at step {state['step']}")
            return
        if state["step"] == "probe":  # the window asked the probe when it started
            if engine_probe().cached(float("inf")) is None:
                return
            selection.model_picker.reload()
            index = selection.model_picker.findData(entry.path)
            selection.model_picker.setCurrentIndex(index)
            selection.model_picker.activated.emit(index)  # as a click in the list does
            result["picked"] = selection.selected_path()
            state["step"] = "check"
            selection.open_models_dialog()
            view = selection.models_dialog.library_view  # type: ignore[union-attr]
            view.select_path(entry.path)
            view.check_selected()
        elif state["step"] == "check":
            view = selection.models_dialog.library_view  # type: ignore[union-attr]
            report = view._reports.get(entry.path)
            if report is None:
                return
            result.update(check_ok=report.ok, check_reason=report.reason,
                          architecture_supported=report.architecture_supported,
                          trial_ok=report.trial.ok if report.trial else None)
            state["step"] = "loaded"
        elif state["step"] == "loaded":
            info = selection.loaded_model()
            if info is None:
                return
            result["loaded"] = info.path
            finish()

    timer = QTimer()
    timer.timeout.connect(step)
    timer.start(50)
    try:
        return app.exec()
    finally:
        running.close()


if __name__ == "__main__":
    sys.exit(main())

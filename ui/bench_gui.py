"""The benchmark's GUI half: the full pipeline's figures, and the chart.

:func:`measure_gui` drives the real window (offscreen unless a platform is set) with the real
engine thread and host process, timing each token as it reaches the chat view, and the GUI
thread's longest stall while it streams. :func:`write_chart` draws the benchmark's results
with Qt's own painter.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from inference.events import ChatRequest

TICK_MS = 5
LONG_CHAT_MESSAGES = 10_000


def _app() -> Any:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([sys.argv[0]])


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure_gui(
    request: ChatRequest, rounds: int, between: Callable[[], None] = lambda: None
) -> dict[str, Any]:
    """Decode speed and TTFT through the window (median of ``rounds`` replies), GUI stalls,
    start-up time and memory.

    ``between`` runs before each decode run (the benchmark's other paths, interleaved).
    """
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer

    from app.chat.bridge import EngineController
    from app.models.library import ModelLibrary
    from app.settings import Settings
    from app.store import ChatStore
    from ui.main_window import ChatWindow

    app = _app()
    home = Path(tempfile.mkdtemp(prefix="slice-bench-"))
    library = ModelLibrary(home / "library.json", home / "models")
    entry = library.import_file(request.model_path)
    controller = EngineController()
    settings = Settings(default_model=entry.path, load=request.load, sampling=request.sampling)
    window = ChatWindow(controller, library, settings, ChatStore(home / "chats.db"))
    window.resize(980, 720)
    window.show()

    def wait(predicate: Any, timeout_s: float) -> None:
        """Run the event loop until ``predicate`` holds. It is checked when the controller
        reports a load or the end of a reply, and every 200 ms in case: polling more often
        would wake the GUI process for nothing while the model computes."""
        deadline = time.monotonic() + timeout_s
        loop = QEventLoop()

        def check(*_args: Any) -> None:
            if predicate():
                loop.quit()

        signals = (controller.model_loaded, controller.reply_finished, controller.reply_failed)
        for signal in signals:
            signal.connect(check)
        fallback = QTimer()
        fallback.setInterval(200)
        fallback.timeout.connect(check)
        fallback.start()
        try:
            while not predicate():
                if time.monotonic() > deadline:
                    raise TimeoutError("the GUI benchmark timed out")
                loop.exec()
        finally:
            fallback.stop()
            for signal in signals:
                signal.disconnect(check)

    def reply_done() -> bool:
        app.processEvents()  # let the window take the end of the reply first
        return not window.composer.stop_button.isEnabled()

    loaded: list[bool] = []
    controller.model_loaded.connect(lambda _info: loaded.append(True))
    wait(lambda: loaded, 120)

    arrivals: list[float] = []
    painted: list[float] = []
    finished: list[Any] = []  # the Done of the latest reply
    controller.token_received.connect(lambda _rid, _text: arrivals.append(time.perf_counter()))
    controller.reply_finished.connect(lambda _rid, done: finished.append(done))
    window.chat_view.first_paint.connect(painted.append)
    gaps: list[float] = []
    clock = QElapsedTimer()
    ticker = QTimer()
    ticker.setInterval(TICK_MS)
    ticker.timeout.connect(lambda: gaps.append(float(clock.restart())))

    def one_reply(tick: bool) -> None:
        window.new_chat()
        arrivals.clear()
        painted.clear()
        finished.clear()
        if tick:
            clock.start()
            ticker.start()
        sent = time.perf_counter()
        window.send_message(request.messages[-1].content)
        wait(reply_done, 300)
        ticker.stop()
        # The host sends a fast model's tokens in groups (one signal each), the first one
        # alone: the speed counts the tokens after the first, from its arrival to the last.
        generated = finished[-1].stats.generated_tokens if finished else 0
        if len(arrivals) > 1 and generated > 1 and not tick:
            speeds.append((generated - 1) / (arrivals[-1] - arrivals[0]))
        if painted and not tick:
            ttfts.append(painted[0] - sent)

    # Decode speed and TTFT come from replies streamed as a user sees them; the GUI thread's
    # stalls from another reply with a 5 ms ticker running (its wake-ups cost the model
    # CPU time, so they are not counted in the speed).
    speeds: list[float] = []
    ttfts: list[float] = []
    cpu_s, tokens = 0.0, 0  # the GUI thread's own CPU time while it streams
    for _ in range(rounds):
        between()
        cpu_start = time.thread_time()
        one_reply(tick=False)
        cpu_s += time.thread_time() - cpu_start
        tokens += finished[-1].stats.generated_tokens if finished else 0
    cpu_per_token_ms = cpu_s * 1000 / max(tokens, 1)
    one_reply(tick=True)
    stalls = list(gaps)
    open_ms = _open_long_chat(window, app)
    window.session.close()
    controller.shutdown()
    window.store.close()
    startup = _startup_figures(request.model_path)
    speeds.sort()
    return {
        "decode_tps": speeds[len(speeds) // 2] if speeds else float("nan"),
        "ttft_s": ttfts[0] if ttfts else float("nan"),
        "max_stall_ms": max(stalls) if stalls else float("nan"),
        "p99_gap_ms": _percentile(stalls, 0.99),
        "open_10k_ms": open_ms,
        "window_shown_s": startup["window_shown_s"],
        "rss_mb": startup["rss_mb"],
        "gui_thread_cpu_ms_per_token": cpu_per_token_ms,
    }


def _open_long_chat(window: Any, app: Any) -> float:
    """Milliseconds for the window to open a stored chat of LONG_CHAT_MESSAGES messages."""
    store = window.store
    with store.transaction():
        chat = store.create_chat()
        parent = None
        for n in range(LONG_CHAT_MESSAGES):
            role = "user" if n % 2 == 0 else "assistant"
            text = f"Message {n}: " + "lorem ipsum dolor sit amet " * 4
            parent = store.add_message(chat, parent, role, text).id
    window.new_chat()
    app.processEvents()
    started = time.perf_counter()
    window.open_chat(chat)
    app.processEvents()
    return (time.perf_counter() - started) * 1000


def _startup_figures(model: str) -> dict[str, float]:
    """Process start to window shown, and the GUI process's memory, from a self-test run."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["SLICE_HOME"] = tempfile.mkdtemp(prefix="slice-bench-home-")
    env["SLICE_SPAWNED_AT"] = repr(time.time())
    result = subprocess.run(
        [sys.executable, "-m", "app.main", "--self-test", "--model", model],
        capture_output=True, text=True, timeout=300, env=env,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    report = json.loads(lines[-1]) if lines else {}
    if not report.get("ok"):
        raise RuntimeError(f"the self-test failed: {report.get('error') or result.stderr[-500:]}")
    return {"window_shown_s": report["process_to_window_s"], "rss_mb": report["rss_mb"]}


def write_chart(result: dict[str, Any], path: str) -> None:
    """Draw the benchmark's main figures into a PNG."""
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen

    _app()
    width, height = 1400, 900
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    title = QFont()
    title.setPointSize(15)
    title.setBold(True)
    small = QFont()
    small.setPointSize(10)
    ink, muted, accent, other = (
        QColor("#1f2937"), QColor("#6b7280"), QColor("#4f46e5"), QColor("#f59e0b")
    )

    painter.setFont(title)
    painter.setPen(ink)
    painter.drawText(
        QRectF(30, 12, width - 60, 30), Qt.AlignmentFlag.AlignLeft,
        f"Slice benchmark · {result['model_name']} · {result['threads']} threads",
    )

    def bars(rect: QRectF, heading: str, items: list[tuple[str, float, QColor]],
             fmt: str) -> None:
        painter.setFont(title)
        painter.setPen(ink)
        painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), 26),
                         Qt.AlignmentFlag.AlignLeft, heading)
        painter.setFont(small)
        values = [v for _, v, _ in items if v == v]
        top = (max(values) if values else 1.0) * 1.15 or 1.0
        area = rect.adjusted(0, 40, 0, -40)
        slot = area.width() / max(1, len(items))
        for i, (label, value, color) in enumerate(items):
            h = 0.0 if value != value else area.height() * value / top
            bar = QRectF(area.left() + i * slot + slot * 0.18, area.bottom() - h,
                         slot * 0.64, h)
            painter.fillRect(bar, color)
            painter.setPen(ink)
            painter.drawText(QRectF(bar.left() - 20, bar.top() - 20, bar.width() + 40, 18),
                             Qt.AlignmentFlag.AlignCenter,
                             "n/a" if value != value else fmt.format(value))
            painter.setPen(muted)
            # A label wider than its slot wraps at its space ("(a)" over "stream").
            painter.drawText(QRectF(area.left() + i * slot, area.bottom() + 4, slot, 36),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                             | Qt.TextFlag.TextWordWrap, label)

    def lines(rect: QRectF, heading: str, series: list[tuple[str, list[float], QColor]]) -> None:
        painter.setFont(title)
        painter.setPen(ink)
        painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), 26),
                         Qt.AlignmentFlag.AlignLeft, heading)
        painter.setFont(small)
        area = rect.adjusted(60, 44, -10, -30)
        top = max((max(v) for _, v, _ in series if v), default=1.0) * 1.1 or 1.0
        painter.setPen(QPen(muted, 1))
        painter.drawLine(area.bottomLeft(), area.bottomRight())
        painter.drawLine(area.bottomLeft(), area.topLeft())
        painter.drawText(QRectF(rect.left(), area.top() - 8, 56, 16),
                         Qt.AlignmentFlag.AlignRight, f"{top * 1000:.0f} ms")
        painter.drawText(QRectF(rect.left(), area.bottom() - 8, 56, 16),
                         Qt.AlignmentFlag.AlignRight, "0")
        painter.drawText(QRectF(area.left(), area.bottom() + 4, area.width(), 20),
                         Qt.AlignmentFlag.AlignCenter, "turn 1 … 20")
        for n, (label, values, color) in enumerate(series):
            if len(values) < 2:
                continue
            painter.setPen(QPen(color, 2.5))
            step = area.width() / (len(values) - 1)
            points = [QPointF(area.left() + i * step, area.bottom() - area.height() * v / top)
                      for i, v in enumerate(values)]
            for a, b in itertools.pairwise(points):
                painter.drawLine(a, b)
            painter.drawText(QRectF(area.right() - 220, area.top() + n * 18, 210, 16),
                             Qt.AlignmentFlag.AlignRight, label)

    raw, slice_ = muted, accent
    decode, ttft = result["decode_tps"], result["ttft_s"]
    paths = [("(a) stream", "raw_stream", raw), ("(b) generate", "raw_generate", raw),
             ("(c) engine", "engine", slice_), ("(d) host", "host", slice_),
             ("(e) GUI", "gui", slice_), ("(f) API", "api", slice_)]
    col, row = (width - 90) / 3, (height - 80) / 2
    cell = [QRectF(30 + c * (col + 15), 56 + r * (row + 10), col, row - 10)
            for r in range(2) for c in range(3)]
    bars(cell[0], "Decode speed (tok/s)", [(name, decode[k], c) for name, k, c in paths], "{:.1f}")
    bars(cell[1], "Time to first token (ms)",
         [(name, ttft[k] * 1000, c) for name, k, c in paths], "{:.0f}")
    prefill, switch = result["prefill_tps"], result["switch_ttft_s"]
    bars(cell[2], "Prompt processing, 512 tok (tok/s)",
         [("(b) generate", prefill["raw_generate"], raw), ("(d) host", prefill["host"], slice_)],
         "{:.0f}")
    turns = result["turn_ttft_s"]
    lines(cell[3], "TTFT per turn", [("with prefix reuse", turns["reuse"], accent),
                                     ("without reuse", turns["no_reuse"], other)])
    bars(cell[4], "Returning to a chat (TTFT ms)", [
        ("warm", switch["warm"] * 1000, slice_), ("restore", switch["restore"] * 1000, slice_),
        *([("from disk", switch["restore_disk"] * 1000, slice_)] if "restore_disk" in switch
          else []),
        ("re-process", switch["reprocess"] * 1000, other),
        *([("after restart", switch["restart"] * 1000, slice_)] if "restart" in switch
          else []),
    ], "{:.0f}")
    spec = result["speculative"]
    bars(cell[5], "Speculative decoding (speed-up ×)", [
        ("rewrite", spec["rewrite_speedup"], slice_), ("prose", spec["prose_speedup"], slice_),
    ], "×{:.2f}")
    painter.end()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    if not image.save(path):
        raise OSError(f"could not write the chart to '{path}'")

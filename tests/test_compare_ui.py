"""The Compare view on the real SmolLM2 and Gemma 3 models (offscreen, one thread, short
replies): the replies stream side by side with their figures and the chart, the window's
chat keeps working meanwhile, the comparison is saved, reopened, run again and exported,
Stop stops it, and bad inputs say what to do; one column painting a real reply's stream."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.chat.bridge import EngineController
from app.compare.results import ResultState, TargetResult
from app.compare.runner import RunOptions, build_request
from app.compare.starting_points import StartingPoint
from app.compare.targets import ComparisonSpec, Target
from app.models.library import ModelLibrary
from app.settings import Settings
from inference.engine import Engine
from inference.events import LoadSettings, Sampling, Token
from tests.conftest import stream_reply
from tests.ui_helpers import open_real_window
from ui.compare_column import ResultColumn
from ui.compare_window import CompareWindow
from ui.main_window import ChatWindow
from ui.window_menus import open_compare

PROMPT = "Name one colour of the sky."
SETTINGS = Settings(load=LoadSettings(n_threads=1, n_threads_batch=1, n_ctx=512),
                    sampling=Sampling(temperature=0.0, max_tokens=8))


def fill(compare: CompareWindow, paths: list[str]) -> None:
    compare.prompt.setPlainText(PROMPT)
    compare.seed.setValue(5)
    compare.max_tokens.setValue(8)
    for editor, path in zip(compare.editors, paths, strict=True):
        editor.picker.setCurrentIndex(editor.picker.findData(path))


def open_window(qtbot: QtBot) -> tuple[ChatWindow, EngineController, ModelLibrary]:
    """The real window, once its model has loaded (its preload comes first)."""
    opened = open_real_window(qtbot, SETTINGS)
    qtbot.waitSignal(opened[1].model_loaded, timeout=60_000).wait()
    return opened


def finished(compare: CompareWindow) -> bool:
    return not compare.controller.running


def test_compare_two_real_models_in_the_window(
    qtbot: QtBot, smollm_path: str, gemma_path: str, tmp_path: Path, artifacts: Path
) -> None:
    """Saves compare.png in tests/artifacts: the view after the first run."""
    window, controller, library = open_window(qtbot)
    try:
        gemma = library.import_file(gemma_path).path
        smol = library.models()[0].path
        # Tools > Compare models…, as the user opens it.
        tools = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Tools")
        entry = next(a for a in tools.actions() if a.text() == "&Compare models…")
        assert entry.shortcut().toString() == "Ctrl+Shift+K"
        entry.trigger()
        compare = window.compare_window  # type: ignore[attr-defined]
        assert isinstance(compare, CompareWindow) and compare.isVisible()
        assert open_compare(window) is compare  # one view, brought to the front
        assert len(compare.editors) == 2 and compare.run_button.text() == "Run"
        fill(compare, [smol, gemma])
        assert compare.run()
        # The window's own chat goes on meanwhile: its reply queues between the targets.
        qtbot.waitUntil(lambda: compare.columns[0].status.text() != "Waiting for its turn…",
                        timeout=60_000)
        window.send_message("Say hello.")
        qtbot.waitUntil(lambda: finished(compare) and not window.session.busy,
                        timeout=240_000)
        assert window.history[-1].role == "assistant" and window.history[-1].content.strip()
        texts = [column.reply_text() for column in compare.columns]
        assert all(text.strip() for text in texts), texts
        for column in compare.columns:
            figures = column.figures.text()
            assert "TTFT" in figures and "Peak memory" in figures and " MB" in figures
            assert column.status.text() == "Done"
        assert compare.chart.isVisible() and all(r is not None for r in compare._results)
        comparison_id = compare.comparison_id
        saved = compare.store.get(comparison_id)
        assert saved is not None and saved.latest is not None
        results = saved.latest.results
        assert [r.state for r in results if r] == [ResultState.DONE, ResultState.DONE]
        assert results[0] is not None and results[0].reply == texts[0]
        assert "Done" in compare.message.text()
        compare.resize(1280, 860)
        assert compare.grab().save(str(artifacts / "compare.png"))

        # Reopened: the form and the latest replies come back; Run now runs it again.
        compare.new_comparison()
        assert compare.prompt.toPlainText() == "" and compare.columns == []
        assert compare.open_comparison(comparison_id)
        assert compare.prompt.toPlainText() == PROMPT
        assert [c.reply_text() for c in compare.columns] == texts
        assert compare.run_button.text() == "Re-run"
        assert compare.run()
        qtbot.waitUntil(lambda: finished(compare), timeout=240_000)
        rerun = compare.store.get(comparison_id)
        assert rerun is not None and len(rerun.runs) == 2
        assert compare.saved_list.count() == 1  # a re-run, not a new comparison

        markdown, as_json = tmp_path / "cmp.md", tmp_path / "cmp.json"
        assert compare.export_to(markdown) and compare.export_to(as_json)
        text = markdown.read_text(encoding="utf-8")
        assert "| Target | TTFT |" in text and "![Chart of the comparison](cmp-chart.png)" in text
        assert (tmp_path / "cmp-chart.png").stat().st_size > 10_000
        assert len(json.loads(as_json.read_text(encoding="utf-8"))["runs"]) == 2

        # Stop: the target that runs stops, keeping its text; the other does not run.
        compare.prompt.setPlainText("Write a long story about a dragon and a lighthouse.")
        compare.max_tokens.setValue(300)
        assert compare.run()  # the form changed: a new comparison
        assert compare.comparison_id != comparison_id
        qtbot.waitUntil(lambda: compare.columns[0].reply_text() != "", timeout=60_000)
        compare.stop()
        qtbot.waitUntil(lambda: finished(compare), timeout=60_000)
        stopped = compare.store.get(compare.comparison_id)
        assert stopped is not None and stopped.latest is not None
        states = [r.state if r else None for r in stopped.latest.results]
        assert states == [ResultState.STOPPED, ResultState.NOT_RUN]
        first = stopped.latest.results[0]
        assert first is not None and first.reply.strip() and first.stats.stop_reason == "user"
        assert compare.columns[1].status.text() == "Not run"
        assert "Stopped" in compare.message.text()
    finally:
        controller.shutdown()


def test_a_column_streams_a_real_reply_then_shows_its_figures(
    qtbot: QtBot, smollm_path: str
) -> None:
    """A SmolLM2 target's events, fed to its column as a run feeds them, all at once: the
    first text is painted at once and the rest on the paint timer; then the result."""
    spec = ComparisonSpec(prompt=PROMPT, seed=5, max_tokens=12, targets=tuple(
        Target(model=smollm_path, name=name, load=SETTINGS.load,
               sampling={"temperature": 0.0}) for name in "ab"))
    # One event per token (a run batches those that follow within 25 ms): many to paint.
    request = replace(build_request(spec, 0, RunOptions(), "column"), stream_batch_ms=0)
    engine = Engine()
    try:
        text, events, done = stream_reply(engine, request)
    finally:
        engine.close()
    pieces = [e.text for e in events if isinstance(e, Token) and e.text]
    assert len(pieces) > 2 and done.stats.generated_tokens > 2

    column = ResultColumn(1, "SmolLM2", smollm_path)
    qtbot.addWidget(column)
    column.waiting()
    column.started()
    for event in events[:-1]:  # up to Done, which the runner turns into the result
        column.feed(event)
    # The first text is painted at once, the rest when the paint timer runs.
    shown = column.reply.toPlainText()
    assert shown.startswith(pieces[0]) and text.startswith(shown)
    assert column.reply_text() == text
    assert column.status.text() == "Writing…"
    qtbot.waitUntil(lambda: column.reply.toPlainText() == text)

    column.show_result(TargetResult(ResultState.DONE, reply=text, stats=done.stats,
                                    ttft_s=done.stats.ttft_s, load_s=0.5))
    assert column.status.text() == "Done"
    figures = column.figures.text()
    assert "Gen tok/s" in figures and f"{done.stats.generated_tokens}<" in figures
    assert column.reply_text() == text


def test_bad_inputs_in_the_view_say_what_to_do(qtbot: QtBot, smollm_path: str) -> None:
    window, controller, _library = open_window(qtbot)
    try:
        compare = open_compare(window)
        assert isinstance(compare, CompareWindow)
        compare.remove_target(compare.editors[0])
        assert len(compare.editors) == 2 and "at least 2 targets" in compare.message.text()
        for _ in range(2):
            compare.add_target()
        assert compare.add_target() is None and "at most 4 targets" in compare.message.text()
        assert len(compare.editors) == 4 and not compare.add_button.isEnabled()
        assert not compare.run() and "prompt is empty" in compare.message.text()
        # The library holds one quantization of the starter: the starting point says so.
        assert not compare.apply_starting_point(StartingPoint.QUANTIZATIONS)
        assert "one quantization of" in compare.message.text()
        assert compare.apply_starting_point(StartingPoint.KV_CACHE)
        assert [e.kv.currentText() for e in compare.editors] == ["f16", "q8_0"]
        assert compare.store.summaries() == []  # nothing ran, nothing was saved
    finally:
        controller.shutdown()

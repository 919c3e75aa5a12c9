"""The Compare view (Tools ▸ Compare models…): one prompt sent to 2 to 4 targets, run one
after another on the window's own engine, the replies side by side as they stream, their
figures and a chart; every comparison saved, reopened from the list, run again, exported.

The window's chat keeps working meanwhile: its replies and the API server's requests take
their turns between the targets (the scheduler's one queue).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.compare.bridge import CompareController
from app.compare.export import export_json, export_markdown
from app.compare.resolve import model_ref_for
from app.compare.results import TargetResult
from app.compare.runner import RunEnded, RunOptions
from app.compare.saved import ComparisonStore, SavedComparison
from app.compare.starting_points import (
    STARTING_POINT_LABELS,
    StartingPoint,
    starting_targets,
)
from app.compare.targets import (
    MAX_TARGETS,
    MIN_TARGETS,
    ComparisonError,
    ComparisonSpec,
    Target,
    target_labels,
)
from app.files import write_atomically
from app.paths import app_paths
from inference.events import Event
from inference.options import Sampling
from ui.app_texts import app_text
from ui.compare_chart import CompareChart, write_chart
from ui.compare_column import ResultColumn
from ui.compare_targets import TargetEditor
from ui.setting_fields import int_spin

EXPORT_FILTERS = "Markdown, with the chart (*.md);;JSON (*.json)"


class CompareWindow(QWidget):
    """The Compare view over the main window's engine, model library and chat store."""

    def __init__(self, main_window: Any) -> None:
        super().__init__(main_window, Qt.WindowType.Window)
        self._main = main_window
        self.setWindowTitle(self.tr("Compare models and settings"))
        self.resize(1280, 860)
        self.store = ComparisonStore(main_window.store)
        self.controller = CompareController(
            main_window.controller.scheduler, self.store,
            lambda: RunOptions.from_settings(self._main.settings, str(app_paths().snapshots)),
            self)
        self.comparison_id = 0  # the comparison shown (0: a new one, not saved yet)
        self._saved_spec: ComparisonSpec | None = None
        self.editors: list[TargetEditor] = []
        self.columns: list[ResultColumn] = []
        self._results: list[TargetResult | None] = []
        self._build()
        self.controller.target_started.connect(self._target_started)
        self.controller.target_event.connect(self._target_event)
        self.controller.target_finished.connect(self._target_finished)
        self.controller.run_finished.connect(self._run_finished)
        self.controller.save_failed.connect(self.show_error)
        self.refresh_list()
        self.new_comparison()

    # -- building -----------------------------------------------------------------------

    def _build(self) -> None:
        self.saved_list = QListWidget()
        self.saved_list.setAccessibleName(self.tr("Saved comparisons"))
        self.saved_list.itemActivated.connect(self._open_item)
        self.saved_list.itemClicked.connect(self._open_item)
        new = QPushButton(self.tr("New"))
        new.clicked.connect(self.new_comparison)
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.clicked.connect(self.delete_selected)
        side = QVBoxLayout()
        side.addWidget(QLabel(self.tr("<b>Saved comparisons</b>")))
        side.addWidget(self.saved_list, 1)
        side_buttons = QHBoxLayout()
        side_buttons.addWidget(new)
        side_buttons.addWidget(self.delete_button)
        side.addLayout(side_buttons)
        sidebar = QWidget()
        sidebar.setLayout(side)
        sidebar.setMinimumWidth(200)

        self.prompt = QPlainTextEdit()
        self.prompt.setPlaceholderText(self.tr("The prompt every target answers"))
        self.prompt.setAccessibleName(self.tr("Prompt"))
        self.prompt.setMaximumHeight(110)
        self.system = QLineEdit()
        self.system.setPlaceholderText(self.tr("Optional"))
        self.system.setAccessibleName(self.tr("System prompt"))
        self.seed: QSpinBox = int_spin(Sampling, "seed")
        self.seed.setSpecialValueText(self.tr("each target's own"))
        self.seed.setValue(-1)
        self.max_tokens: QSpinBox = int_spin(Sampling, "max_tokens")
        self.max_tokens.setMinimum(-1)
        self.max_tokens.setSpecialValueText(self.tr("each model's own"))
        self.max_tokens.setValue(-1)
        self.starting = QComboBox()
        self.starting.addItem(self.tr("Start from…"), "")
        for point, text in STARTING_POINT_LABELS.items():
            self.starting.addItem(app_text(text), point.value)
        self.starting.setToolTip(self.tr("Fill the targets from the model of target 1"))
        self.starting.activated.connect(self._apply_starting_point)
        form = QFormLayout()
        form.addRow(self.tr("Prompt"), self.prompt)
        form.addRow(self.tr("System prompt"), self.system)
        numbers = QHBoxLayout()
        numbers.addWidget(QLabel(self.tr("Seed")))
        numbers.addWidget(self.seed)
        numbers.addWidget(QLabel(self.tr("Max tokens")))
        numbers.addWidget(self.max_tokens)
        numbers.addStretch(1)
        numbers.addWidget(self.starting)
        form.addRow(numbers)

        self.targets_row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Add target"))
        self.add_button.clicked.connect(lambda: self.add_target())
        self.run_button = QPushButton(self.tr("Run"))
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.run)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.setEnabled(False)
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.clicked.connect(self.export_dialog)
        actions = QHBoxLayout()
        actions.addWidget(self.add_button)
        actions.addStretch(1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        actions.addWidget(self.message, 3)
        actions.addWidget(self.run_button)
        actions.addWidget(self.stop_button)
        actions.addWidget(self.export_button)

        self.columns_row = QHBoxLayout()
        self.chart = CompareChart()
        results = QWidget()
        results_layout = QVBoxLayout(results)
        results_layout.addLayout(self.columns_row, 1)
        results_layout.addWidget(self.chart)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.addLayout(form)
        top_layout.addLayout(self.targets_row)
        top_layout.addLayout(actions)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(results)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(top)
        right.addWidget(scroll)
        right.setStretchFactor(1, 1)
        splitter = QSplitter()
        splitter.addWidget(sidebar)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 1060])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        run_keys = QShortcut(QKeySequence("Ctrl+Return"), self)
        run_keys.activated.connect(self.run)
        stop_keys = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        stop_keys.activated.connect(self.stop)

    # -- targets ------------------------------------------------------------------------

    def add_target(self, target: Target | None = None) -> TargetEditor | None:
        """Add a target's form (a copy of the last one's settings); None past the limit."""
        if len(self.editors) >= MAX_TARGETS:
            self.show_error(self.tr("A comparison takes at most %1 targets.").replace(
                "%1", str(MAX_TARGETS)))
            return None
        editor = TargetEditor(len(self.editors) + 1, self._main.library,
                              self._main.remote_models, self._main.settings.load, self)
        if target is None and self.editors:
            target = self.editors[-1].target()
        elif target is None:
            selected = self._main.model_selection.selected_path()
            if selected:
                editor.picker.setCurrentIndex(max(0, editor.picker.findData(selected)))
        if target is not None:
            editor.set_target(target)
        editor.remove_requested.connect(lambda e=editor: self.remove_target(e))
        self.editors.append(editor)
        self.targets_row.addWidget(editor)
        self._update_controls()
        return editor

    def remove_target(self, editor: TargetEditor) -> None:
        if len(self.editors) <= MIN_TARGETS:
            self.show_error(self.tr("A comparison needs at least %1 targets.").replace(
                "%1", str(MIN_TARGETS)))
            return
        self.editors.remove(editor)
        editor.deleteLater()
        for number, other in enumerate(self.editors, 1):
            other.set_number(number)
        self._update_controls()

    def set_targets(self, targets: tuple[Target, ...]) -> None:
        """Replace the targets' forms with ``targets``."""
        for editor in self.editors:
            editor.deleteLater()
        self.editors = []
        for target in targets:
            self.add_target(target)

    def _apply_starting_point(self, index: int) -> None:
        value = self.starting.itemData(index)
        self.starting.setCurrentIndex(0)
        if value:
            self.apply_starting_point(StartingPoint(value))

    def apply_starting_point(self, point: StartingPoint) -> bool:
        """Fill the targets with ``point`` around target 1's model."""
        first = self.editors[0].target() if self.editors else None
        if first is None:
            self.show_error(self.tr("Pick target 1's model first."))
            return False
        library = self._main.library
        try:
            targets = starting_targets(point, model_ref_for(first.model, library), library,
                                       first.load)
        except ComparisonError as exc:
            self.show_error(str(exc))
            return False
        self.set_targets(targets)
        self.show_message(app_text(STARTING_POINT_LABELS[point]))
        return True

    # -- the comparison -----------------------------------------------------------------

    def spec(self) -> ComparisonSpec:
        """The comparison the form describes; :class:`ComparisonError` saying what to fix."""
        targets = []
        for number, editor in enumerate(self.editors, 1):
            target = editor.target()
            if target is None:
                raise ComparisonError(f"target {number} has no model: pick one")
            targets.append(target)
        seed = self.seed.value()
        max_tokens = self.max_tokens.value()
        prompt = self.prompt.toPlainText()
        saved = self._saved_spec
        # A saved comparison keeps its name while it asks the same; a new prompt, a new name.
        title = saved.title if saved is not None and saved.prompt == prompt else ""
        return ComparisonSpec(
            prompt=prompt, targets=tuple(targets),
            system_prompt=self.system.text(), seed=None if seed < 0 else seed,
            max_tokens=None if max_tokens < 0 else max_tokens, title=title,
        ).checked()

    def new_comparison(self) -> None:
        """An empty form: two targets on the window's model."""
        if self.controller.running:
            self.show_error(self.tr("Stop the comparison that runs first."))
            return
        self.comparison_id = 0
        self._saved_spec = None
        self.prompt.clear()
        self.system.clear()
        self.seed.setValue(-1)
        self.max_tokens.setValue(-1)
        self.set_targets(())
        self.add_target()
        self.add_target()
        self._show_columns([], [])
        self.saved_list.clearSelection()
        self.show_message("")

    def open_comparison(self, comparison_id: int) -> bool:
        """Show a saved comparison: its form and its latest run."""
        if self.controller.running:
            self.show_error(self.tr("Stop the comparison that runs first."))
            return False
        try:
            saved = self.store.get(comparison_id)
        except ComparisonError as exc:
            self.show_error(str(exc))
            return False
        if saved is None:
            self.refresh_list()
            return False
        self._show_saved(saved)
        return True

    def _show_saved(self, saved: SavedComparison) -> None:
        self.comparison_id = saved.id
        self._saved_spec = saved.spec
        spec = saved.spec
        self.prompt.setPlainText(spec.prompt)
        self.system.setText(spec.system_prompt)
        self.seed.setValue(-1 if spec.seed is None else spec.seed)
        self.max_tokens.setValue(-1 if spec.max_tokens is None else spec.max_tokens)
        self.set_targets(spec.targets)
        run = saved.latest
        self._show_columns(list(spec.targets),
                           list(run.results) if run is not None else [None] * len(spec.targets))
        if run is None:
            self.show_message(self.tr("Not run yet."))
        else:
            self.show_message(self.tr("Run %1 times; the latest is shown.").replace(
                "%1", str(len(saved.runs))) if len(saved.runs) > 1
                else self.tr("Run once; shown here."))
        self._select_in_list(saved.id)
        self._update_controls()

    def run(self) -> bool:
        """Run the form's comparison: the open one again when the form still says what it
        asks, else a new one (the open one stays as it was)."""
        if self.controller.running:
            return False
        try:
            spec = self.spec()
        except ComparisonError as exc:
            self.show_error(str(exc))
            return False
        try:
            if not self.comparison_id or spec != self._saved_spec:
                self.comparison_id = self.store.create(spec)
                saved = self.store.get(self.comparison_id)
                self._saved_spec = saved.spec if saved is not None else spec
            self.controller.start(self.comparison_id)
        except (ComparisonError, sqlite3.Error) as exc:
            self.show_error(str(exc))
            return False
        assert self._saved_spec is not None
        self._show_columns(list(self._saved_spec.targets), [None] * len(spec.targets))
        for column in self.columns:
            column.waiting()
        self.refresh_list()
        self._select_in_list(self.comparison_id)
        self.show_message(self.tr("Running one target after another…"))
        self._update_controls()
        return True

    def stop(self) -> None:
        """Stop the run (the target that runs keeps its reply so far)."""
        if self.controller.running:
            self.controller.stop()
            self.show_message(self.tr("Stopping…"))

    def delete_selected(self) -> None:
        item = self.saved_list.currentItem()
        if item is None:
            return
        comparison_id = int(item.data(Qt.ItemDataRole.UserRole))
        if comparison_id == self.controller.running:
            self.show_error(self.tr("Stop the comparison that runs first."))
            return
        self.store.delete(comparison_id)
        if comparison_id == self.comparison_id:
            self.new_comparison()
        self.refresh_list()

    # -- the run's signals ----------------------------------------------------------------

    def _target_started(self, comparison_id: int, index: int) -> None:
        if comparison_id == self.comparison_id and index < len(self.columns):
            self.columns[index].started()

    def _target_event(self, comparison_id: int, index: int, event: Event) -> None:
        if comparison_id == self.comparison_id and index < len(self.columns):
            self.columns[index].feed(event)

    def _target_finished(self, comparison_id: int, index: int, result: TargetResult) -> None:
        if comparison_id != self.comparison_id or index >= len(self.columns):
            return
        self.columns[index].show_result(result)
        self._results[index] = result
        self.chart.set_results(self._labels(), self._results)

    def _run_finished(self, comparison_id: int, ended: RunEnded) -> None:
        self._update_controls()
        self.refresh_list()
        if comparison_id != self.comparison_id:
            return
        failed = sum(1 for r in ended.results if r.error and r.state.value == "failed")
        if ended.stopped:
            self.show_message(self.tr("Stopped; what ran is saved."))
        elif failed:
            self.show_message(self.tr("Done; %1 of the targets failed (see their columns).")
                              .replace("%1", str(failed)))
        else:
            self.show_message(self.tr("Done; saved."))

    # -- showing ------------------------------------------------------------------------

    def _labels(self) -> list[str]:
        spec = self._saved_spec
        return target_labels(spec.targets) if spec is not None else []

    def _show_columns(self, targets: list[Target], results: list[TargetResult | None]) -> None:
        for column in self.columns:
            column.deleteLater()
        self.columns = []
        labels = target_labels(tuple(targets)) if targets else []
        for number, (label, target) in enumerate(zip(labels, targets, strict=True), 1):
            column = ResultColumn(number, label, target.model, self)
            self.columns_row.addWidget(column, 1)
            self.columns.append(column)
        self._results = list(results) if results else [None] * len(targets)
        for column, result in zip(self.columns, self._results, strict=True):
            if result is not None:
                column.show_result(result)
        self.chart.set_results(labels, self._results)
        self.chart.setVisible(bool(targets))

    def refresh_list(self) -> None:
        """Re-read the saved comparisons."""
        keep = self.comparison_id
        self.saved_list.clear()
        for summary in self.store.summaries():
            runs = (self.tr("not run yet") if not summary.runs else self.tr("1 run")
                    if summary.runs == 1 else self.tr("%1 runs").replace("%1", str(summary.runs)))
            text = self.tr("%1\n%2 targets · %3").replace("%1", summary.title).replace(
                "%2", str(summary.targets)).replace("%3", runs)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, summary.id)
            self.saved_list.addItem(item)
        if keep:
            self._select_in_list(keep)

    def _select_in_list(self, comparison_id: int) -> None:
        for row in range(self.saved_list.count()):
            item = self.saved_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == comparison_id:
                self.saved_list.setCurrentItem(item)
                return

    def _open_item(self, item: QListWidgetItem) -> None:
        comparison_id = int(item.data(Qt.ItemDataRole.UserRole))
        if comparison_id != self.comparison_id:
            self.open_comparison(comparison_id)

    def _update_controls(self) -> None:
        running = bool(self.controller.running)
        self.run_button.setEnabled(not running)
        self.run_button.setText(self.tr("Re-run") if self.comparison_id and not running
                                else self.tr("Run"))
        self.stop_button.setEnabled(running)
        self.add_button.setEnabled(not running and len(self.editors) < MAX_TARGETS)
        self.export_button.setEnabled(bool(self.comparison_id))
        for editor in self.editors:
            editor.setEnabled(not running)

    def show_error(self, message: str) -> None:
        """A problem, inline where the user looks, saying what to do."""
        self.message.setStyleSheet("color: #dc2626;")
        self.message.setText(message)

    def show_message(self, message: str) -> None:
        self.message.setStyleSheet("")
        self.message.setText(message)

    # -- export ---------------------------------------------------------------------------

    def export_to(self, path: Path) -> bool:
        """Write the open comparison to ``path``: Markdown (``.md``, with the chart as a PNG
        beside it) or JSON."""
        saved = self.store.get(self.comparison_id) if self.comparison_id else None
        if saved is None:
            self.show_error(self.tr("Run the comparison first: there is nothing to export."))
            return False
        try:
            if path.suffix.lower() == ".md":
                chart = ""
                if saved.latest is not None:
                    picture = path.with_name(path.stem + "-chart.png")
                    write_chart(saved.title, target_labels(saved.spec.targets),
                                list(saved.latest.results), str(picture))
                    chart = picture.name
                text = export_markdown(saved, chart=chart)
            else:
                text = export_json(saved)
            write_atomically(path, text + "\n", create_folder=False)
        except OSError as exc:
            self.show_error(self.tr("Could not write %1: %2").replace("%1", str(path)).replace(
                "%2", str(exc.strerror or exc)))
            return False
        self.show_message(self.tr("Exported to %1").replace("%1", str(path)))
        return True

    def export_dialog(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(self, self.tr("Export the comparison"), "",
                                                   EXPORT_FILTERS)
        if not path:
            return
        target = Path(path)
        if not target.suffix:
            target = target.with_suffix(".json" if "json" in chosen.lower() else ".md")
        self.export_to(target)


def open_compare_window(main_window: Any) -> CompareWindow:
    """Show the Compare view (the one already open, if any)."""
    window = getattr(main_window, "compare_window", None)
    if window is None:
        window = CompareWindow(main_window)
        main_window.compare_window = window
    window.show()
    window.raise_()
    window.activateWindow()
    return window

"""The Models view: every model the app knows, what it is, where it came from, and actions.

A table (a thin :class:`~ui.library_model.LibraryModel` over the library's entries)
with the details of the selected model below it: its path, SHA-256 and, after "Check",
the pre-load check's report.
Actions: use in this chat (asks first when the model won't fit or the check finds a
problem), set as default, import files, watch a folder, show in the file manager, delete
(asks first; deletes only files the app downloaded).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.models.check_report import CheckReport, gpu_line, report_lines
from app.models.files import ModelImportError, sha256_of
from app.models.library import ModelEntry, ModelLibrary
from app.models.memory_fit import FIT_NO, format_bytes
from app.models.preload_check import check_header, check_model
from app.paths import app_paths
from app.settings import load_settings, save_settings
from inference.events import LoadSettings
from ui.accessibility import announce
from ui.app_texts import app_text
from ui.background import Background
from ui.chat_view import ERROR_COLOR
from ui.i18n import tr
from ui.library_model import LibraryModel
from ui.theme import tint


def confirm_load(parent: QWidget, path: str, load: LoadSettings) -> tuple[bool, CheckReport]:
    """Run the header check (milliseconds; what the engine probe knows, never waiting for
    it) and, when it finds a problem or the model won't fit, ask before loading. Returns
    (load it?, the report)."""
    report = check_header(path, n_ctx=load.n_ctx, load=load, wait=False)
    problem = report.errors[0] if report.errors else (
        tr("It needs about {size} of memory: {why}.").format(
            size=format_bytes(report.fit.need), why=report.fit.describe())
        if report.fit and report.fit.verdict == FIT_NO else "")
    if not problem:
        return True, report
    if report.gpu is not None:
        problem += "\n" + tr("GPU: {gpu}.").format(gpu=gpu_line(report))
    answer = QMessageBox.question(
        parent, tr("Load this model?"),
        tr("{problem}\n\nLoading it may fail or make the system slow. Load it anyway?").format(
            problem=problem),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes, report


class ModelsView(QWidget):
    """The library panel of the Models dialog; see the module docstring."""

    use_requested = Signal(str)
    """The user wants to chat with this model (its path)."""
    library_changed = Signal()
    """Models were added or removed."""

    def __init__(self, library: ModelLibrary, load: LoadSettings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._load = load or LoadSettings()
        self._background = Background(self)
        self._reports: dict[str, CheckReport] = {}
        self.model = LibraryModel(library, self)
        self.model.default_path = load_settings(app_paths().settings_file).default_model
        self._build()
        self._update_buttons()
        self._hash_missing()

    # Layout

    def _build(self) -> None:
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Models in the library"))
        self.table.setTabKeyNavigation(False)  # arrows move in it; Tab goes on to the buttons
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.doubleClicked.connect(lambda _i: self.use_selected())

        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setAccessibleName(self.tr("Model details"))
        self.details.setTabChangesFocus(True)  # Tab leaves it (no keyboard trap)
        self.details.setPlaceholderText(self.tr("Select a model to see its details."))
        self.message = QLabel()
        self.message.setWordWrap(True)

        self.use_button = QPushButton(self.tr("Use in this chat"))
        self.default_button = QPushButton(self.tr("Set as default"))
        self.check_button = QPushButton(self.tr("Check"))
        self.check_button.setToolTip(self.tr("Pre-load check: header, memory, and a trial load"))
        self.show_button = QPushButton(self.tr("Show in folder"))
        self.delete_button = QPushButton(self.tr("Delete…"))
        self.import_button = QPushButton(self.tr("Import files…"))
        self.folder_button = QPushButton(self.tr("Add folder…"))
        self.folder_button.setToolTip(
            self.tr("Watch a folder: its GGUF files are added to the library"))
        for button, slot in (
            (self.use_button, self.use_selected), (self.default_button, self.set_default),
            (self.check_button, self.check_selected), (self.show_button, self.show_selected),
            (self.delete_button, self.delete_selected), (self.import_button, self.import_files),
            (self.folder_button, self.add_folder),
        ):
            button.clicked.connect(slot)

        actions = QHBoxLayout()
        for button in (self.use_button, self.default_button, self.check_button,
                       self.show_button, self.delete_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.import_button)
        actions.addWidget(self.folder_button)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        layout.addLayout(actions)

    # Actions

    def selected(self) -> ModelEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.entry(rows[0].row()) if rows else None

    def select_path(self, path: str) -> None:
        row = self.model.row_of(path)
        if row >= 0:
            self.table.selectRow(row)

    def refresh(self) -> None:
        """Re-read the library (after a download or another process's change)."""
        keep = self.selected()
        self.model.reload()
        if keep is not None:
            self.select_path(keep.path)
        self._update_buttons()
        self._hash_missing()

    def use_selected(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        go, report = confirm_load(self, entry.path, self._load)
        self._show_report(entry, report)
        if go:
            self.use_requested.emit(entry.path)

    def set_default(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        settings_file = app_paths().settings_file
        save_settings(settings_file, load_settings(settings_file).model_copy(
            update={"default_model": entry.path}))
        self.model.default_path = entry.path
        self.model.update_entry(entry)
        self._say(f"{entry.name} is now the model Slice opens with.")

    def check_selected(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        self.check_button.setEnabled(False)
        self._say(self.tr("Checking {model}: reading its header, then a trial load…").format(
            model=entry.name))
        load = self._load

        def done(report: CheckReport | None, error: BaseException | None) -> None:
            self.check_button.setEnabled(True)
            if report is None:
                self._say(self.tr("The check failed: {reason}").format(reason=error), error=True)
                return
            self._reports[entry.path] = report
            self._show_report(entry, report)
            self._say((self.tr("Check passed: ") if report.ok else self.tr("Do not load: ")) + (
                report.reason or (report.trial.message if report.trial else "")),
                error=not report.ok)

        self._background.run(
            lambda: check_model(entry.path, n_ctx=load.n_ctx, load=load,
                                log_path=app_paths().host_log),
            done, tag="check")

    def show_selected(self) -> None:
        entry = self.selected()
        if entry is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(entry.path).parent)))

    def delete_selected(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        if entry.owned:
            text = self.tr("Delete {model}?\n\nIts file ({size}) will be deleted from disk:\n"
                           "{path}").format(model=entry.name, size=format_bytes(entry.size),
                                            path=entry.path)
        else:
            text = self.tr("Remove {model} from the library?\n\nThe file stays where it is:\n"
                           "{path}").format(model=entry.name, path=entry.path)
        if QMessageBox.question(
            self, self.tr("Delete model"), text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        ) != QMessageBox.StandardButton.Yes:
            return
        try:
            self._library.delete(entry.path)
        except OSError as exc:
            self._say(self.tr("Could not delete {path}: {reason}.").format(
                path=entry.path, reason=exc.strerror), error=True)
            return
        self.refresh()
        self.details.clear()
        self._say((self.tr("{model} was deleted.") if entry.owned
                   else self.tr("{model} was removed from the library.")).format(model=entry.name))
        self.library_changed.emit()

    def import_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Import GGUF models"), "",
                                                self.tr("GGUF models (*.gguf)"))
        self.import_paths(paths)

    def import_paths(self, paths: list[str]) -> None:
        """Add ``paths`` to the library, saying what failed and why."""
        added, problems = [], []
        for path in paths:
            try:
                added.append(self._library.import_file(path))
            except ModelImportError as exc:
                problems.append(str(exc))
        self._after_import(added, problems)

    def add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Watch a folder of GGUF models"))
        if folder:
            self.watch_folder(folder)

    def watch_folder(self, folder: str) -> None:
        try:
            added, problems = self._library.add_folder(folder)
        except ModelImportError as exc:
            added, problems = [], [str(exc)]
        self._after_import(added, problems)

    # Helpers

    def _after_import(self, added: list[ModelEntry], problems: list[str]) -> None:
        if added:
            self.refresh()
            self.select_path(added[-1].path)
            self.library_changed.emit()
        summary = self.tr("Added %n model(s).", "", len(added)) if added else ""
        if problems:
            self._say(" ".join([summary, *problems]).strip(), error=True)
        elif summary:
            self._say(summary)

    def _on_selection(self) -> None:
        entry = self.selected()
        self._update_buttons()
        if entry is not None:
            self._show_report(entry, self._reports.get(entry.path))

    def _show_report(self, entry: ModelEntry, report: CheckReport | None) -> None:
        lines = [entry.name, self.tr("File: {path}").format(path=entry.path),
                 self.tr("Origin: {origin}").format(origin=app_text(entry.origin_label)),
                 self.tr("SHA-256: {hash}").format(hash=entry.sha256 or self.tr("being computed…"))]
        if entry.path == self.model.default_path:
            lines.append(self.tr("Slice opens with this model."))
        if report is not None:
            lines += ["", *report_lines(report)]
        self.details.setPlainText("\n".join(lines))

    def _update_buttons(self) -> None:
        has = self.selected() is not None
        for button in (self.use_button, self.default_button, self.check_button,
                       self.show_button, self.delete_button):
            button.setEnabled(has)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        tint(self.message, ERROR_COLOR if error else None)
        announce(self.message, text, assertive=error)  # heard where it is not looked at

    def _hash_missing(self) -> None:
        """Compute the SHA-256 of imported files that have none yet, one at a time."""
        if self._background.busy("hash"):
            return
        entry = next((self.model.entry(r) for r in range(self.model.rowCount())
                      if not (self.model.entry(r) or ModelEntry("", "", "")).sha256), None)
        if entry is None:
            return
        path = entry.path

        def done(digest: str | None, _error: BaseException | None) -> None:
            if digest:
                self._library.set_sha256(path, digest)
                updated = self._library.find(path)
                if updated is not None:
                    self.model.update_entry(updated)
                    if (sel := self.selected()) is not None and sel.path == path:
                        self._show_report(updated, self._reports.get(path))
                self._hash_missing()

        self._background.run(lambda: sha256_of(Path(path)), done, tag="hash")

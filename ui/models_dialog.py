"""The Models dialog: the library (:mod:`ui.models_view`) and the downloader
(:mod:`ui.download_dialog`) in two tabs. It is created once per window and hidden, not
destroyed, when closed, so downloads go on in the background; they stop when the app quits
and continue the next time the dialog opens."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTabWidget, QVBoxLayout, QWidget

from app.models.library import ModelLibrary
from inference.events import LoadSettings
from ui.download_dialog import DownloadPanel
from ui.models_view import ModelsView


class ModelsDialog(QDialog):
    """Library and Download tabs; see the module docstring."""

    use_requested = Signal(str)
    """The user wants to chat with this model (its path)."""
    library_changed = Signal()
    """Models were added (imported or downloaded) or removed."""

    def __init__(self, library: ModelLibrary, load: LoadSettings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Models"))
        self.resize(1040, 720)
        self.library_view = ModelsView(library, load)
        self.downloads = DownloadPanel(library, load)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.library_view, self.tr("Library"))
        self.tabs.addTab(self.downloads, self.tr("Download"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.hide)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.library_view.use_requested.connect(self.use_requested)
        self.library_view.library_changed.connect(self.library_changed)
        self.downloads.library_changed.connect(self._on_download_finished)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.downloads.shutdown)

    def show_library(self) -> None:
        self.tabs.setCurrentWidget(self.library_view)

    def show_downloads(self) -> None:
        self.tabs.setCurrentWidget(self.downloads)

    def _on_download_finished(self) -> None:
        self.library_view.refresh()
        self.library_changed.emit()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        event.ignore()
        self.hide()

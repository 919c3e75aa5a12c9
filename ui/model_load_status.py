"""The model's load as the status line tells it: loading (with progress), loaded, a failed
preload, and the idle line naming the chosen model. A remote model loads nothing here: its
server's first answer (a ``Loaded`` naming it) is no load to report."""

from __future__ import annotations

from app.chat.session import ChatSession
from app.remote.refs import is_remote
from inference.events import Failed, ModelInfo
from ui.model_selection import ModelSelection
from ui.status_line import StatusLine

PRELOAD_ID = 0  # the request id of EngineController.preload


class ModelLoadStatus:
    """Routes the engine's model-load events to the model selection and the status line.

    The window connects the controller's ``model_loading``, ``load_progress``,
    ``model_loaded`` and ``reply_failed`` signals to the methods of the same meaning, and
    calls :meth:`show_idle` whenever nothing is under way.
    """

    def __init__(
        self, session: ChatSession, model_selection: ModelSelection, status_line: StatusLine
    ) -> None:
        self.session = session
        self.model_selection = model_selection
        self.status_line = status_line

    def show_idle(self) -> None:
        """Show the chosen model (and whether it is loaded) as the idle status."""
        selection = self.model_selection
        name = selection.selected_name() if selection.selected_path() is not None else None
        provider = selection.selected_provider()
        if name is not None and provider:
            self.status_line.show_remote_idle(name, provider)
            return
        self.status_line.show_idle(name, selection.loaded_model())

    def model_loading(self, path: str) -> None:
        """The engine started loading the model at ``path``."""
        self.status_line.show_loading(self.model_selection.name_for_path(path))

    def load_progress(self, fraction: float) -> None:
        """The load of the selected model got this far (0 to 1)."""
        path = self.model_selection.selected_path() or ""
        self.status_line.show_loading(self.model_selection.name_for_path(path), fraction)

    def model_loaded(self, info: ModelInfo) -> None:
        """The engine loaded a model (or a remote server answered: the status stays)."""
        self.model_selection.model_loaded(info)
        if is_remote(info.path):
            if not self.session.busy:
                self.show_idle()
            return
        if self.session.busy:
            self.status_line.show_loaded(self.model_selection.name_for_path(info.path), info)
        else:
            self.show_idle()

    def preload_failed(self, request_id: int, failed: Failed) -> None:
        """A request failed: when it was the preload, the model is not loaded after all."""
        if request_id == PRELOAD_ID:
            self.model_selection.forget_loaded()
            self.status_line.show_error(failed.message)

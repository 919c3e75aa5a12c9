"""Scripted stand-ins for widget tests: the engine controller's signals and a model list.

The fake controller has the real :class:`app.worker.EngineController`'s signals and records
what the window asks of it; each test plays the engine's side by emitting those signals.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.models.files import ModelImportError
from app.models.library import ModelEntry
from inference.events import ChatRequest, LoadSettings

MODEL_PATH = "/models/SmolLM2-135M-Instruct.Q4_1.gguf"


class FakeController(QObject):
    """The signals of ``EngineController``, emitted by the test; records sends and stops."""

    model_loading = Signal(str)
    load_progress = Signal(float)
    model_loaded = Signal(object)
    context_trimmed = Signal(int, object)
    prefill_progress = Signal(int, int, int)
    token_received = Signal(int, str)
    stats_updated = Signal(int, object)
    reply_finished = Signal(int, object)
    reply_failed = Signal(int, object)

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[ChatRequest] = []
        self.preloads: list[str] = []
        self.stops = 0

    def preload(self, model_path: str, load: LoadSettings) -> None:
        self.preloads.append(model_path)

    def send(self, request: ChatRequest) -> int:
        self.requests.append(request)
        return len(self.requests)

    def stop(self) -> None:
        self.stops += 1

    def shutdown(self) -> None:
        pass


class FakeLibrary:
    """A model library over plain entries; ``import_file`` accepts only ``good.gguf``."""

    def __init__(self) -> None:
        self.entries = [ModelEntry("SmolLM2 135M Instruct (Q4_1)", MODEL_PATH, "starter")]

    def models(self) -> list[ModelEntry]:
        return list(self.entries)

    def find(self, path: str) -> ModelEntry | None:
        return next((e for e in self.entries if e.path == path), None)

    def import_file(self, path: str) -> ModelEntry:
        if not path.endswith("good.gguf"):
            raise ModelImportError("this file is not a valid GGUF model")
        entry = ModelEntry("Good Model (Q8_0)", path, "imported")
        self.entries.append(entry)
        return entry

"""A stand-in model list for widget tests: one starter entry at a path that need not exist.

The engine's side of the widget tests is :mod:`tests.scripted_client` (under the real
:class:`app.chat.bridge.EngineController`); the model list stays a fake so a window opens
without a model file on disk and an import is refused or accepted by its name alone.
"""

from __future__ import annotations

from app.models.files import ModelImportError
from app.models.library import ModelEntry

MODEL_PATH = "/models/SmolLM2-135M-Instruct.Q4_1.gguf"


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

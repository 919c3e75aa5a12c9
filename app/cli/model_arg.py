"""``--model`` as people write it: a GGUF file, or a model of the library by its id (as
``slice-chat models list`` shows it), its listed name or the start of its id, or
``remote://PROVIDER/MODEL-ID``."""

from __future__ import annotations

import os

from app.compare.resolve import resolve_model
from app.compare.targets import ComparisonError
from app.models.library import ModelLibrary
from app.paths import app_paths
from app.remote.refs import is_remote


def looks_like_a_file(text: str) -> bool:
    """A path (it exists, holds a folder separator or ends in ``.gguf``): the file itself
    is read, so a missing or broken one is reported as such."""
    return (os.path.exists(text) or os.sep in text or "/" in text
            or text.lower().endswith(".gguf")) and not is_remote(text)


def model_path(text: str) -> str:
    """The model file (or ``remote://`` path) ``text`` names. Raises :class:`ValueError`
    saying which models the library has when it names none."""
    if looks_like_a_file(text):
        return text
    paths = app_paths().ensure()
    library = ModelLibrary(paths.library_file, paths.models)
    library.ensure_starter()
    try:
        return resolve_model(text, library).path
    except ComparisonError as exc:
        raise ValueError(str(exc)) from None

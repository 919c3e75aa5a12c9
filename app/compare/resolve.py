"""A target's model as the user names it: a library id, a GGUF file, or a remote model."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from app.api.model_ids import model_ids
from app.compare.targets import ComparisonError
from app.models.library import ModelEntry, ModelLibrary
from app.remote.refs import SCHEME, parse_remote
from inference.gguf_info import GGUFError, read_gguf_info


@dataclass(frozen=True, slots=True)
class ModelRef:
    """A model a target can name: where it is, and what people call it."""

    path: str  # the GGUF file (absolute), or remote://PROVIDER/MODEL-ID
    name: str
    quantization: str = ""


def resolve_model(wanted: str, library: ModelLibrary) -> ModelRef:
    """The model ``wanted`` names: ``remote://PROVIDER/MODEL-ID``, a library id (as
    ``slice-chat models list`` and the API show them; or the model's listed name, or the
    start of its id when only one fits), or a GGUF file. Raises
    :class:`ComparisonError` for a name that is none of them, saying what is known."""
    text = wanted.strip()
    if text.startswith(SCHEME):
        remote = parse_remote(text)
        if remote is None:
            raise ComparisonError(f"'{wanted}' is not a remote model's name: write "
                                  "remote://PROVIDER/MODEL-ID")
        return ModelRef(remote.path, remote.label)
    ids = model_ids(library.models())
    if text in ids:
        known = ids[text]
        return ModelRef(known.path, known.name, known.quantization)
    path = Path(text).expanduser()
    if not path.is_file():
        named = _known(text, ids)
        if named is not None:
            return ModelRef(named.path, named.name, named.quantization)
    else:
        absolute = os.path.abspath(path)
        entry = library.find(absolute)
        if entry is not None:
            return ModelRef(entry.path, entry.name, entry.quantization)
        try:
            info = read_gguf_info(absolute)
        except GGUFError as exc:
            raise ComparisonError(exc.message) from None
        # Named as the file is (a header's general.name can be a training run's tag).
        return ModelRef(absolute, path.name.removesuffix(".gguf"), info.quantization)
    listed = ", ".join(sorted(ids)) or "none yet"
    raise ComparisonError(
        f"unknown model '{wanted}': no such file, and no library model has that id (ids: "
        f"{listed}); give a GGUF file, a library id, or remote://PROVIDER/MODEL-ID")


def _known(text: str, ids: dict[str, ModelEntry]) -> ModelEntry | None:
    """The library model ``text`` names other than by its exact id: its name as listed
    (any case), or the start of one id; None for none. Raises :class:`ComparisonError`
    when the name or the start fits several models, naming their ids."""
    folded = text.casefold()
    for fits in (
        [i for i, e in ids.items() if e.name.casefold() == folded],
        [i for i in ids if i.casefold().startswith(folded)] if folded else [],
    ):
        if len(fits) == 1:
            return ids[fits[0]]
        if fits:
            raise ComparisonError(f"'{text}' fits {len(fits)} library models: name one by "
                                  f"its id ({', '.join(sorted(fits))})")
    return None


def model_ref_for(path: str, library: ModelLibrary) -> ModelRef:
    """The model at ``path`` (a library file or a remote one) as the window lists it; a
    file the library does not know is named after itself."""
    remote = parse_remote(path)
    if remote is not None:
        return ModelRef(remote.path, remote.label)
    entry = library.find(path)
    if entry is not None:
        return ModelRef(entry.path, entry.name, entry.quantization)
    return ModelRef(path, Path(path).stem)

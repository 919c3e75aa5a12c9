"""Paths, settings and the model library (no Qt)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.models.files import ModelImportError
from app.models.library import ModelLibrary, Origin
from app.models.starter import STARTER_SHA256
from app.paths import app_paths
from app.settings import Settings, load_settings, save_settings
from inference.events import LoadSettings, Sampling


def test_slice_home_moves_every_folder(slice_home: Path) -> None:
    paths = app_paths().ensure()
    for folder in (paths.data, paths.config, paths.cache, paths.logs, paths.models):
        assert folder.is_dir()
        assert slice_home in folder.parents


def test_default_paths_follow_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLICE_HOME")
    paths = app_paths()
    assert "Slice" in str(paths.data) and "Slice" in str(paths.config)


def test_settings_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    settings = Settings(
        default_model="/m.gguf", load=LoadSettings(n_ctx=8192), sampling=Sampling(top_k=12)
    )
    save_settings(path, settings)
    assert load_settings(path) == settings


def test_invalid_values_fall_back_to_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({
        "version": 1, "load": {"n_ctx": -5, "n_batch": "big"},
        "sampling": {"temperature": 99.0, "top_p": 0.5}, "unknown": 1,
    }))
    settings = load_settings(path)
    assert settings.load.n_ctx == LoadSettings().n_ctx
    assert settings.load.n_batch == LoadSettings().n_batch
    assert settings.sampling.temperature == Sampling().temperature
    assert settings.sampling.top_p == 0.5


def test_unreadable_settings_are_kept_aside(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{not json")
    assert load_settings(path) == Settings()
    assert (tmp_path / "settings.json.bad").read_text() == "{not json"


def test_starter_model_is_installed_and_verified(smollm_path: str) -> None:
    paths = app_paths().ensure()
    library = ModelLibrary(paths.library_file, paths.models)
    entry = library.ensure_starter()
    assert entry is not None and entry.origin == Origin.STARTER
    assert entry.sha256 == STARTER_SHA256
    assert Path(entry.path).parent == paths.models
    # Persisted, and a second run does not copy again.
    again = ModelLibrary(paths.library_file, paths.models)
    assert again.models() == [entry]
    assert again.ensure_starter() == entry


def test_damaged_starter_copy_is_replaced(smollm_path: str) -> None:
    paths = app_paths().ensure()
    library = ModelLibrary(paths.library_file, paths.models)
    entry = library.ensure_starter()
    assert entry is not None
    with open(entry.path, "r+b") as handle:
        handle.seek(1000)
        handle.write(b"\0" * 16)
    (paths.library_file).unlink()
    fresh = ModelLibrary(paths.library_file, paths.models).ensure_starter()
    assert fresh is not None
    from app.models.files import sha256_of
    assert sha256_of(Path(fresh.path)) == STARTER_SHA256


def test_import_and_reject(bad_models: dict[str, str], gemma_path: str) -> None:
    paths = app_paths().ensure()
    library = ModelLibrary(paths.library_file, paths.models)
    entry = library.import_file(gemma_path)
    assert entry.origin == Origin.IMPORTED and entry.architecture == "gemma3"
    assert library.import_file(gemma_path) == entry  # no duplicates
    # A well-formed header with an unknown architecture is caught at load time instead.
    for kind, path in bad_models.items():
        if kind == "bogus_arch":
            continue
        with pytest.raises(ModelImportError) as caught:
            library.import_file(path)
        assert str(caught.value)
    assert [m.path for m in ModelLibrary(paths.library_file, paths.models).models()] == [
        entry.path
    ]

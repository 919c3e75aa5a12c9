"""Settings declared once: the file, the dialogs, the CLI and the wire all follow the fields."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError
from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox

from app.chat.presets import BUILTIN_PRESETS
from app.settings import (
    MIGRATIONS,
    SETTINGS_VERSION,
    Settings,
    clean_sampling_values,
    load_settings,
    save_settings,
)
from inference.events import ChatMessage, ChatRequest, LoadSettings, Sampling
from inference.options import field_spec

ROOT = Path(__file__).resolve().parent.parent


def write(path: Path, data: dict[str, object]) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_an_int_in_the_file_is_kept_for_a_float_setting(tmp_path: Path) -> None:
    path = write(tmp_path / "settings.json", {
        "version": SETTINGS_VERSION, "sampling": {"temperature": 1, "repeat_penalty": 2},
    })
    sampling = load_settings(path).sampling
    assert sampling.temperature == 1.0 and isinstance(sampling.temperature, float)
    assert sampling.repeat_penalty == 2.0


def test_a_bad_value_falls_back_alone_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path / "settings.json", {
        "version": SETTINGS_VERSION,
        "default_model": "/models/m.gguf",
        "theme": "purple",
        "snapshot_budget_mb": 64,
        "load": {"n_ctx": 100, "n_threads": 6, "n_batch": "big", "use_mlock": True},
        "sampling": {"temperature": 9.0, "top_k": True, "seed": 11},
    })
    with caplog.at_level(logging.WARNING, logger="app.settings"):
        settings = load_settings(path)
    defaults = Settings()
    # The bad ones are the defaults ...
    assert settings.theme == defaults.theme
    assert settings.load.n_ctx == defaults.load.n_ctx
    assert settings.load.n_batch == defaults.load.n_batch
    assert settings.sampling.temperature == defaults.sampling.temperature
    assert settings.sampling.top_k == defaults.sampling.top_k  # true is not a count
    # ... and every other value is kept.
    assert settings.default_model == "/models/m.gguf" and settings.snapshot_budget_mb == 64
    assert settings.load.n_threads == 6 and settings.load.use_mlock
    assert settings.sampling.seed == 11
    warned = caplog.text
    for name in ("theme", "load.n_ctx", "load.n_batch", "sampling.temperature",
                 "sampling.top_k"):
        assert name in warned
    assert path.exists()  # a file that reads is not kept aside


def test_a_quantized_cache_without_flash_attention_falls_back_to_f16(tmp_path: Path) -> None:
    path = write(tmp_path / "settings.json", {
        "version": SETTINGS_VERSION, "load": {"flash_attn": False, "kv_cache_type": "q4_0"},
    })
    load = load_settings(path).load
    assert load.kv_cache_type == "f16" and load.flash_attn is False
    with pytest.raises(ValidationError, match="flash attention"):
        LoadSettings(kv_cache_type="q8_0", flash_attn=False)


def test_out_of_range_values_are_refused_in_code() -> None:
    with pytest.raises(ValidationError, match="snapshot_disk_mb"):
        Settings(snapshot_disk_mb=-1)
    with pytest.raises(ValidationError, match="top_p"):
        Sampling(top_p=0.0)


def test_a_version_1_file_is_migrated(tmp_path: Path) -> None:
    # Version 1 took any batch from 1 and any top-k, and clamped the repeat penalty and the
    # seed only when a reply was sampled: those values move to the nearest valid one.
    path = write(tmp_path / "settings.json", {
        "version": 1,
        "load": {"n_batch": 8, "n_ctx": 8192},
        "sampling": {"top_k": 5000, "repeat_penalty": 3.0, "seed": -7, "temperature": 0.2},
    })
    settings = load_settings(path)
    assert settings.load.n_batch == 16 and settings.load.n_ctx == 8192
    assert settings.sampling.top_k == 1000
    assert settings.sampling.repeat_penalty == 2.0 and settings.sampling.seed == -1
    assert settings.sampling.temperature == 0.2
    # Values version 1 already refused still fall back to their defaults.
    assert MIGRATIONS[1]({"load": {"n_batch": 0}})["load"]["n_batch"] == 0
    save_settings(path, settings)
    assert json.loads(path.read_text())["version"] == SETTINGS_VERSION == 3


def test_presets_and_overrides_keep_only_valid_values() -> None:
    for values in BUILTIN_PRESETS.values():
        Sampling(**values)  # a built-in preset is valid by its own declaration
    assert clean_sampling_values(
        {"temperature": 1, "top_k": 50.5, "min_p": 7.0, "seed": 5, "bogus": 1}
    ) == {"temperature": 1.0, "seed": 5}


def test_the_request_round_trips_through_the_wire() -> None:
    request = ChatRequest(
        model_path="/m.gguf",
        messages=(ChatMessage("system", "terse"), ChatMessage("user", "hi")),
        load=LoadSettings(n_ctx=2048, kv_cache_type="q8_0", n_gpu_layers=7),
        sampling=Sampling(temperature=0.0, seed=3, max_tokens=12),
        stop=("</s>",),
        overflow="rolling",
    )
    wire = json.loads(json.dumps(request.to_dict()))
    assert wire["load"]["kv_cache_type"] == "q8_0"
    assert ChatRequest.from_dict(wire) == request
    wire["load"]["n_ctx"] = 10
    with pytest.raises(ValueError, match="n_ctx"):
        ChatRequest.from_dict(wire)
    # The loader keys its model on the settings: equal settings, equal keys.
    assert hash(LoadSettings(n_ctx=2048)) == hash(LoadSettings(n_ctx=2048))


def _numeric_fields(model: type[LoadSettings] | type[Sampling] | type[Settings]) -> list[str]:
    return [name for name, info in model.model_fields.items()
            if info.annotation in (int, float)]


def assert_box_follows_field(box: QSpinBox | QDoubleSpinBox, model: type, name: str) -> None:
    spec = field_spec(model, name)
    assert (box.minimum(), box.maximum()) == (spec.low, spec.high), name
    assert box.toolTip().startswith(spec.help), name


def test_the_model_settings_dialog_takes_its_ranges_from_the_fields(qtbot) -> None:
    from ui.load_settings_dialog import APP_SPINS, LOAD_SPINS, LoadSettingsDialog

    dialog = LoadSettingsDialog(Settings())
    qtbot.addWidget(dialog)
    for model, spins in ((LoadSettings, LOAD_SPINS), (Settings, APP_SPINS)):
        for name, attribute in spins.items():
            assert_box_follows_field(getattr(dialog, attribute), model, name)
    # Every numeric app-level field is in the dialog but the text size (View ▸ Zoom sets
    # it); of the load fields, all but the micro-batch, which follows the batch size.
    assert set(APP_SPINS) == set(_numeric_fields(Settings)) - {"text_scale"}
    assert set(LOAD_SPINS) == set(_numeric_fields(LoadSettings)) - {"n_ubatch"}
    dialog.batch.setValue(1)  # below the field's minimum: the box holds the minimum
    assert dialog.settings().load.n_batch == field_spec(LoadSettings, "n_batch").low


def test_the_chat_settings_dialog_takes_its_ranges_from_the_fields(qtbot, tmp_path) -> None:
    from app.store.chat_store import ChatStore
    from app.store.records import ChatSettings
    from ui.chat_settings import ChatSettingsDialog

    store = ChatStore(tmp_path / "chats.db")
    dialog = ChatSettingsDialog(Settings(), ChatSettings(), store)
    qtbot.addWidget(dialog)
    assert set(dialog.fields) == set(Sampling.model_fields)
    for name, box in dialog.fields.items():
        assert_box_follows_field(box, Sampling, name)
    store.close()


def slice_chat(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app.main", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(("flag", "value", "valid"), [
    ("--ctx", "100", "from 256 to 1048576"),
    ("--temperature", "7", "from 0 to 5"),
    ("--batch", "4", "from 16 to 65536"),
    ("--threads", "-3", "from 0 to 1024"),
    ("--max-tokens", "lots", "0 to 1000000"),
])
def test_the_cli_refuses_an_out_of_range_value_naming_the_flag(
    flag: str, value: str, valid: str
) -> None:
    # argparse refuses it before any model is read: the model path need not exist.
    result = slice_chat("chat", "--model", "missing.gguf", "--prompt", "hi", flag, value)
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert f"argument {flag}:" in last and valid in last, result.stderr


def test_the_cli_refuses_contradicting_flags_and_unknown_choices() -> None:
    result = slice_chat("chat", "--model", "missing.gguf", "--prompt", "hi",
                        "--kv-type", "q4_0", "--no-flash-attn")
    assert result.returncode == 2
    assert "--kv-type" in result.stderr and "flash attention" in result.stderr
    result = slice_chat("models", "check", "missing.gguf", "--cache-type", "q5_1")
    assert result.returncode == 2 and "--cache-type" in result.stderr
    assert "f16" in result.stderr and "q8_0" in result.stderr


def test_cli_help_shows_the_declared_ranges() -> None:
    result = slice_chat("chat", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert field_spec(LoadSettings, "n_batch").help.split()[0] in text
    assert "from 16 to 65536; default 512" in text  # --batch
    # --max-tokens and --temperature follow the model unless given
    assert "from 0 to 1000000; default the model's recommendation" in text
    assert "--no-loop-guard" in text and "'repetition'" in text

"""The real program in a real X window (Xvfb): what ``make run`` opens."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

XVFB_RUN = shutil.which("xvfb-run")


def self_test(*args: str, home: Path) -> tuple[subprocess.CompletedProcess[str], dict[str, object]]:
    assert XVFB_RUN, "xvfb-run is missing: run scripts/setup.sh --test"
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env["SLICE_HOME"] = str(home)
    result = subprocess.run(
        [XVFB_RUN, "-a", sys.executable, "-m", "app.main", "--self-test", *args],
        capture_output=True, text=True, timeout=300, env=env,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1, result.stdout + result.stderr
    return result, json.loads(lines[0])


@pytest.mark.parametrize("model", ["starter", "gemma"])
def test_self_test_in_a_real_window(
    model: str, slice_home: Path, artifacts: Path, smollm_path: str, gemma_path: str
) -> None:
    shot = artifacts / f"self_test_{model}.png"
    shot.unlink(missing_ok=True)
    extra = ["--model", gemma_path] if model == "gemma" else []
    result, report = self_test("--screenshot", str(shot), *extra, home=slice_home)
    assert result.returncode == 0, report
    assert report["ok"] is True and report["error"] == ""
    assert report["backend"] in ("cpu", "gpu")
    assert report["gui_loaded_llama_cpp"] is False
    assert report["gui_native_libraries"] == []  # /proc/self/maps: no libllama, no libggml
    if report["backend"] == "cpu":
        assert report["device"] == "" and report["gpu_layers"] in ("", "0/0")
    assert isinstance(report["ttft_s"], float) and report["ttft_s"] > 0
    assert isinstance(report["decode_tps"], float) and report["decode_tps"] > 0
    assert report["generated_tokens"] and report["reply"]
    assert shot.stat().st_size > 10_000
    if model == "starter":  # installed into the data folder on first run
        assert str(slice_home) in str(report["model"])


def test_self_test_fails_clearly_on_a_bad_model(
    slice_home: Path, bad_models: dict[str, str]
) -> None:
    result, report = self_test("--model", bad_models["random"], home=slice_home)
    assert result.returncode == 1
    assert report["ok"] is False and "not a GGUF" in str(report["error"])

"""llama.cpp never in the GUI process: the engine probe child, its cache, the real window."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.models import engine_probe as probe_module
from app.models.engine_probe import EngineProbe, engine_probe, run_probe
from app.models.preload_check import check_header
from inference.llama_native import engine_version
from inference.probe import probe_command
from inference.protocol import PROBE_FLAG
from tests.conftest import ROOT, _app_env


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """No answer known in this process: the next question runs the probe child."""
    monkeypatch.setattr(probe_module, "_known", {})
    monkeypatch.setattr(probe_module, "_probe", None)


def test_the_probe_child_names_the_build_its_architectures_and_devices() -> None:
    facts = run_probe()
    assert facts.engine == engine_version() and facts.engine.startswith("0.3.36-")
    assert facts.architectures is not None and {"llama", "gemma3"} <= facts.architectures
    cpu = [d for d in facts.devices if d.type == "cpu"]
    assert cpu and cpu[0].total > 0 and cpu[0].description
    assert facts.gpu_free is None if not facts.backends else facts.gpu_free


def test_the_frozen_app_runs_the_probe_with_a_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert probe_command() == [sys.executable, PROBE_FLAG]
    monkeypatch.delattr(sys, "frozen")
    # What a frozen build runs: the entry point's own dispatch, one JSON line on stdout.
    result = subprocess.run([sys.executable, "-m", "app.main", PROBE_FLAG], cwd=ROOT,
                            env=_app_env(None), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["engine"] == engine_version()


def test_answers_are_kept_per_engine_build_on_disk(tmp_path: Path, fresh: None) -> None:
    first = EngineProbe(tmp_path)
    facts = first.facts()
    assert facts is not None and first.probes == 1
    assert (tmp_path / f"engine-{facts.engine}.json").is_file()
    probe_module._known.clear()  # a new start of the app: only the disk remembers
    later = EngineProbe(tmp_path)
    again = later.facts(max_age_s=float("inf"))
    assert later.probes == 0 and again == facts
    # Another engine build (here: a damaged answer for this one) is never taken for it.
    (tmp_path / f"engine-{facts.engine}.json").write_text(json.dumps(
        {**facts.to_dict(), "engine": "0.0.0-other"}))
    probe_module._known.clear()
    other = EngineProbe(tmp_path)
    assert other.cached(float("inf")) is None
    other.wait_idle()  # cached() started a probe in the background, which answers
    answered = other.cached(float("inf"))
    # The fresh answer replaced the other build's: this build's facts, not "0.0.0-other".
    assert other.probes == 1 and answered is not None and answered.engine == facts.engine


def test_a_loaded_model_makes_the_devices_stale(tmp_path: Path, fresh: None) -> None:
    probe = EngineProbe(tmp_path)
    assert probe.facts() is not None
    assert probe.facts(max_age_s=3600) is not None and probe.probes == 1
    probe.model_loaded()
    assert probe.facts(max_age_s=3600) is not None and probe.probes == 2


def test_the_gui_threads_check_never_waits_for_the_probe(smollm_path: str, fresh: None) -> None:
    started = time.perf_counter()
    report = check_header(smollm_path, n_ctx=1024, wait=False)
    assert time.perf_counter() - started < 0.5
    assert report.ok and report.architecture_supported is None
    assert any("still asking llama.cpp" in w for w in report.warnings)
    engine_probe().wait_idle()  # the check started the probe in the background
    later = check_header(smollm_path, n_ctx=1024, wait=False)
    assert later.architecture_supported is True and not later.warnings


def test_a_failing_probe_is_reported_not_raised(tmp_path: Path, fresh: None,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(probe_module, "probe_command",
                        lambda: [sys.executable, "-c", "import sys; sys.exit('no engine here')"])
    probe = EngineProbe(tmp_path)
    assert probe.facts() is None
    assert "exit code 1" in probe.last_error and "no engine here" in probe.last_error


def test_the_window_never_maps_llama_cpp(slice_home: Path, gemma_path: str) -> None:
    """A real window picks Gemma 3 (the header check), checks it (probe, trial load) and
    loads it; llama.cpp's libraries never enter the window's process."""
    env = _app_env(slice_home, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "gui_probe_driver.py"), gemma_path],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert result.returncode == 0 and lines, result.stdout + result.stderr
    report = json.loads(lines[-1])
    assert report["error"] == "", report
    assert report["picked"] == report["loaded"] and report["loaded"].endswith(".gguf")
    assert report["check_ok"] is True and report["trial_ok"] is True, report
    assert report["architecture_supported"] is True  # the probe child's answer
    assert report["probe_architectures"] > 50
    assert report["native"] == [] and report["llama_cpp_imported"] is False, report

"""The GPU path on a real Vulkan device: llama.cpp's Vulkan build on Mesa's lavapipe.

lavapipe is a conformant Vulkan driver that runs on the CPU, so a machine without a GPU
still runs the whole GPU path: llama.cpp's Vulkan backend, its device and memory queries,
layers offloaded to a device, the shaders. The Vulkan build lives apart from the test
environment's CPU build (``.engines/vulkan``, see the ``vulkan_engine`` fixture); the model
process and the engine probe import it through ``SLICE_ENGINE_PATH``. ggml's Vulkan backend
leaves CPU-type devices out unless ``GGML_VK_VISIBLE_DEVICES`` names them: lavapipe is
device 0 here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.engine.gpu_retry import GpuRetryClient
from app.models import engine_probe as probe_module
from app.models.engine_probe import engine_probe
from app.models.files import read_model_files
from app.models.gpu_fit import GPU_AUTO, fit_layers, model_gpu_plan, resolve_load
from inference.events import ChatRequest, Done, Failed, Loaded, LoadSettings, Sampling, Token
from inference.host_client import HostClient
from inference.llama_native import ENGINE_PATH_ENV, gpu_backends
from tests.conftest import ROOT

PROMPT = "The three primary colours are"
N_CTX = 1024
SMOLLM_LAYERS = 30  # blocks; llama.cpp counts the output layer too: 31 to offload


@pytest.fixture
def on_vulkan(vulkan_engine: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This test's model processes and probes run the Vulkan build on lavapipe."""
    monkeypatch.setenv(ENGINE_PATH_ENV, str(vulkan_engine))
    monkeypatch.setenv("GGML_VK_VISIBLE_DEVICES", "0")
    monkeypatch.setattr(probe_module, "_known", {})
    monkeypatch.setattr(probe_module, "_probe", None)
    yield


def run(request: ChatRequest) -> tuple[Loaded, list[Token], Done]:
    """``request`` on a fresh model process (of the engine the environment names)."""
    client = HostClient()
    try:
        events = list(GpuRetryClient(client).chat(request))
    finally:
        client.close()
    failures = [e for e in events if isinstance(e, Failed)]
    assert not failures, failures
    loaded = [e for e in events if isinstance(e, Loaded)]
    assert loaded and isinstance(events[-1], Done), events
    return loaded[0], [e for e in events if isinstance(e, Token)], events[-1]


def greedy(model: str, layers: int) -> ChatRequest:
    return ChatRequest(model_path=model, messages=(), prompt=PROMPT,
                       load=LoadSettings(n_ctx=N_CTX, n_gpu_layers=layers, n_threads=1,
                                         n_threads_batch=1),
                       sampling=Sampling(temperature=0.0, seed=0, max_tokens=24))


def test_the_build_has_the_vulkan_backend_and_the_probe_sees_lavapipe(on_vulkan: None) -> None:
    assert gpu_backends() == ["vulkan"]
    facts = engine_probe().facts()
    assert facts is not None, engine_probe().last_error
    assert facts.backends == ("vulkan",)
    gpus = facts.gpus
    assert gpus and gpus[0].name == "Vulkan0" and "llvmpipe" in gpus[0].description
    assert gpus[0].free > 0 and gpus[0].total >= gpus[0].free
    assert facts.architectures is not None and "llama" in facts.architectures


def test_layers_go_to_the_device_and_the_greedy_reply_matches_the_cpu_build(
    on_vulkan: None, smollm_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded, vulkan_tokens, _ = run(greedy(smollm_path, 99))
    info = loaded.model
    # What llama.cpp's log said: every layer and the output went to lavapipe.
    assert info.backend == "gpu" and info.gpu_layers == info.n_layers == SMOLLM_LAYERS + 1
    assert "Vulkan0" in info.devices and "llvmpipe" in info.devices
    monkeypatch.delenv(ENGINE_PATH_ENV)
    cpu_loaded, cpu_tokens, _ = run(greedy(smollm_path, 0))
    assert cpu_loaded.model.backend == "cpu" and cpu_loaded.model.gpu_layers == 0
    vulkan_text = "".join(t.text for t in vulkan_tokens)
    cpu_text = "".join(t.text for t in cpu_tokens)
    assert vulkan_text.strip(), vulkan_text
    if vulkan_text != cpu_text:
        assert_near_tie(smollm_path, cpu_text, vulkan_text)


def assert_near_tie(model: str, cpu_text: str, other_text: str) -> None:
    """The two greedy replies part where the CPU build's own top two tokens are within a
    hair of each other: a rounding difference between backends, not a wrong result."""
    from inference.context_fit import tokenize
    from inference.llama_api import LlamaModel

    llm = LlamaModel.load(model, n_ctx=N_CTX, n_gpu_layers=0, n_threads=1, n_threads_batch=1)
    try:
        prompt = tokenize(llm, PROMPT, first=True)
        cpu = llm.tokenize(cpu_text, add_bos=False, special=True)
        other = llm.tokenize(other_text, add_bos=False, special=True)
        same = next((i for i, (a, b) in enumerate(zip(cpu, other, strict=False)) if a != b),
                    min(len(cpu), len(other)))
        assert same >= 4, f"the replies part at once: {cpu_text!r} vs {other_text!r}"
        if same == min(len(cpu), len(other)):
            return  # one is a prefix of the other (a stop at a near-tie end of turn)
        llm.eval(prompt + cpu[:same])
        logits = llm.logits()
        gap = float(logits[cpu[same]] - logits[other[same]])
        assert 0 <= gap < 0.5, (f"not a near-tie ({gap:.3f}) at token {same}: "
                                f"{cpu_text!r} vs {other_text!r}")
    finally:
        llm.close()


def test_auto_fits_from_the_memory_the_device_reports(on_vulkan: None, smollm_path: str) -> None:
    load = LoadSettings(n_ctx=N_CTX, n_gpu_layers=GPU_AUTO, n_threads=1, n_threads_batch=1)
    resolved = resolve_load(smollm_path, load)
    facts = engine_probe().cached(float("inf"))
    assert facts is not None and facts.gpu_free
    expected = fit_layers(model_gpu_plan(read_model_files(smollm_path), load), facts.gpu_free)
    assert resolved.n_gpu_layers == expected.layers == SMOLLM_LAYERS + 1
    # The device's own figure, as the model process's llama.cpp logged it while loading.
    loaded, tokens, _ = run(ChatRequest(model_path=smollm_path, messages=(), prompt=PROMPT,
                                        load=resolved, sampling=Sampling(max_tokens=4)))
    assert loaded.model.gpu_layers == expected.layers and tokens
    # At a context whose KV cache outgrows what lavapipe reports (a 2 GiB heap), Auto
    # offloads only the layers that fit there.
    huge = load.model_copy(update={"n_ctx": 131_072})
    part = resolve_load(smollm_path, huge).n_gpu_layers
    plan = model_gpu_plan(read_model_files(smollm_path), huge)
    assert part == fit_layers(plan, facts.gpu_free).layers
    assert 0 < part < SMOLLM_LAYERS and plan.need(part) <= facts.gpu_free


XVFB_RUN = shutil.which("xvfb-run")


def test_the_self_test_reports_the_gpu_by_name(on_vulkan: None, slice_home: Path) -> None:
    assert XVFB_RUN, "xvfb-run is missing: run scripts/setup.sh --test"
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    result = subprocess.run(
        [XVFB_RUN, "-a", sys.executable, "-m", "app.main", "--self-test"],
        capture_output=True, text=True, timeout=400, env=env, cwd=ROOT,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1, result.stdout + result.stderr
    report = json.loads(lines[0])
    assert result.returncode == 0 and report["ok"] is True, report
    assert report["backend"] == "gpu", report
    assert "Vulkan0" in report["device"] and "llvmpipe" in report["device"]
    assert report["gpu_layers"] == f"{SMOLLM_LAYERS + 1}/{SMOLLM_LAYERS + 1}"
    assert report["gui_native_libraries"] == [] and report["gui_loaded_llama_cpp"] is False


def test_a_deb_of_the_vulkan_build_depends_on_the_vulkan_loader(vulkan_engine: Path) -> None:
    sys.path.insert(0, str(ROOT / "packaging"))
    import build_deb
    import bundle_rules

    libs = vulkan_engine / "llama_cpp" / "lib"
    needs = build_deb.external_libraries(libs)
    assert "libvulkan.so.1" in needs  # libggml-vulkan links the loader
    assert any("ggml-vulkan" in user for user in needs["libvulkan.so.1"])
    depends = [p.strip() for p in build_deb.depends_field(needs, (2, 34)).split(",")]
    assert "libvulkan1" in depends
    # The loader stays out of the bundle: only the system's finds the user's GPU driver.
    assert bundle_rules.is_excluded("libvulkan.so.1")
    assert not bundle_rules.is_excluded("llama_cpp/lib/libggml-vulkan.so")

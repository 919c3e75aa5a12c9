"""packaging/gpu_check.sh, the CUDA check for a lent GPU machine: its CPU parts, here.

The build half needs nvcc (or, in ``--backend cpu`` mode, ten minutes of compiling: not in
the default run). The measuring half runs here on the test environment's own CPU build of
llama.cpp, through the same ``SLICE_ENGINE_PATH`` and JSON path the GPU run takes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from inference.llama_native import package_dir
from tests.conftest import ROOT

SCRIPT = ROOT / "packaging" / "gpu_check.sh"


def run_check(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(SCRIPT), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def test_the_measuring_half_writes_the_json_on_the_cpu_build(
    tmp_path: Path, smollm_path: str
) -> None:
    engine = package_dir()
    assert engine is not None
    out = tmp_path / "check.json"
    result = run_check("--backend", "cpu", "--engine", str(engine.parent), "--quick",
                       "--python", sys.executable,
                       "--threads", "1", "--work", str(tmp_path / "work"), "--out", str(out),
                       smollm_path)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(out.read_text())
    assert report["backend"] == "cpu" and report["engine_version"].startswith("0.3.36-")
    assert any(d["type"] == "cpu" for d in report["devices"])
    model = report["models"][0]
    assert model["model"] == Path(smollm_path).name
    assert model["auto_layers"] == 0 and model["vram_free_before"] is None  # no GPU backend
    engine_figures = model["engine"]
    assert engine_figures["backend"] == "cpu" and engine_figures["offloaded"] == 0
    assert engine_figures["ttft_s"] > 0 and engine_figures["decode_tps"] > 0
    assert engine_figures["prefill_tps"] > 0 and engine_figures["prompt_tokens"] >= 64
    assert engine_figures["generated_tokens"] >= 1
    assert model["llama_bench"] is None and model["decode_ratio"] is None
    assert report["met"] == {"all_layers_offloaded": False, "decode_ratio": None}
    assert json.loads(result.stdout.strip().splitlines()[-1])["out"] == str(out)


@pytest.mark.parametrize(("args", "message"), [
    ((), "--out FILE is required"),
    (("--out", "x.json"), "name at least one GGUF model"),
    (("--out", "x.json", "/nonexistent/model.gguf"), "cannot read the model"),
    (("--out", "x.json", "--backend", "rocm", str(SCRIPT)), "--backend is cuda or cpu"),
    (("--out", "x.json", "--sdist", "/nonexistent.tar.gz", str(SCRIPT)), "cannot read the sdist"),
    (("--out", "x.json", "--bogus"), "unknown option --bogus"),
])
def test_bad_arguments_are_refused_with_the_reason(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = run_check("--work", str(tmp_path), *args, timeout=30)
    assert result.returncode == 2 and message in result.stderr, result.stderr


def test_llama_bench_s_json_is_read_for_prefill_and_decode() -> None:
    sys.path.insert(0, str(ROOT / "packaging"))
    import gpu_check

    rows = [  # the fields llama-bench's JSON printer writes (tools/llama-bench), trimmed
        {"build_commit": "abc1234", "gpu_info": "NVIDIA H200", "n_gpu_layers": 99,
         "n_prompt": 512, "n_gen": 0, "avg_ts": 21000.5, "stddev_ts": 20.0},
        {"build_commit": "abc1234", "gpu_info": "NVIDIA H200", "n_gpu_layers": 99,
         "n_prompt": 0, "n_gen": 128, "avg_ts": 610.25, "stddev_ts": 2.0},
    ]
    parsed = gpu_check.parse_llama_bench(json.dumps(rows))
    assert parsed == {"prefill_tps": 21000.5, "decode_tps": 610.2, "build": "abc1234",
                      "gpu_info": "NVIDIA H200"}

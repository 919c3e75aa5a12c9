"""``slice-chat bench --quick`` runs end to end and reports every figure."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.timeout(900)
def test_quick_bench_writes_every_field(tmp_path: Path, smollm_path: str) -> None:
    out, chart = tmp_path / "bench.json", tmp_path / "bench.png"
    result = subprocess.run(
        [sys.executable, "-m", "app.main", "bench", "--quick", "--model", smollm_path,
         "--ctx", "2048", "--json", str(out), "--chart", str(chart)],
        capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads(out.read_text())
    for key in ("model", "threads", "versions"):
        assert data[key]
    assert data["gpu_layers"] >= 0  # GPU layers Auto resolved to what was offloaded
    groups = {
        "decode_tps": ("raw_stream", "raw_generate", "engine", "host", "gui", "api"),
        "prefill_tps": ("raw_generate", "host"),
        "ttft_s": ("raw_generate", "host", "gui", "api"),
        "ttft_engine_s": ("host", "api"),
        "ratios": ("api_vs_host",),
        "switch_ttft_s": ("warm", "restore", "reprocess", "restore_disk", "restart",
                          "restart_reprocess"),
        "gui": ("max_stall_ms", "p99_gap_ms", "window_shown_s", "rss_mb"),
        "speculative": ("rewrite_speedup", "prose_speedup", "acceptance"),
    }
    for group, keys in groups.items():
        for key in keys:
            value = data[group][key]
            assert isinstance(value, float | int) and math.isfinite(value), (group, key, value)
            assert value >= 0, (group, key, value)
    assert "open_10k_ms" in data["gui"]
    # (f), the HTTP API: positive rates and TTFTs (checked above), the server's token count
    # that of the request, the overhead over (d) a finite difference (either sign).
    api = data["api"]
    assert api["tokens_per_reply"] == data["tokens_per_run"], api
    assert 1 < api["chunks_per_reply"] <= api["tokens_per_reply"], api
    assert api["ttft_overhead_warm_ms"] is None  # --quick: one round, so no warm one
    for key in ("ttft_overhead_ms", "ttft_overhead_cold_ms"):
        assert math.isfinite(api[key]), (key, api)
    for key in ("host", "api"):
        assert math.isfinite(api["outside_engine_ms"][key]), api
        assert 0 < data["ttft_engine_s"][key] < data["ttft_s"][key], (key, data["ttft_s"])
    for policy in ("reuse", "no_reuse"):
        assert len(data["turn_ttft_s"][policy]) == 20
        assert all(v > 0 for v in data["turn_ttft_s"][policy])
    # The long chat, scaled down: every mark on Slice's side, the raw side's marks a prefix
    # of them (it stops when the conversation no longer fits), and the trimming recorded.
    long_chat, marks = data["long_chat_ttft_s"], [str(m) for m in data["long_chat"]["marks"]]
    assert list(long_chat["slice"]) == marks
    assert list(long_chat["raw"]) == marks[: len(long_chat["raw"])] and long_chat["raw"]
    for side in ("slice", "raw"):
        assert all(math.isfinite(v) and v > 0 for v in long_chat[side].values()), long_chat
    details = data["long_chat"]
    assert 0 < details["raw_turns"] <= details["turns"]
    assert details["trimmed_turns"] >= 0
    assert "long chat" in result.stdout and "return after restart" in result.stdout
    assert "(e) full GUI" in result.stdout and "speculative" in result.stdout
    assert "(f) HTTP API" in result.stdout and "(f)/(d)" in result.stdout
    assert chart.stat().st_size > 20_000

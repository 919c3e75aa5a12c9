"""Measure Slice's engine on a GPU beside llama.cpp's own llama-bench: one JSON file.

    python packaging/gpu_check.py --out RESULT.json [--llama-bench PATH] MODEL [MODEL ...]

Run by ``packaging/gpu_check.sh`` after it built llama.cpp (with CUDA, or for the CPU in its
``--backend cpu`` mode) and pointed ``SLICE_ENGINE_PATH`` at that build; needs no Qt. For
each model: the free VRAM before (the engine probe, a child process), the GPU layers "Auto"
resolves to (``app.models.gpu_fit.resolve_load``, as the app does), a load and a greedy
reply on Slice's own engine (``inference.engine.Engine``, in this process: layers offloaded
and the devices, as llama.cpp logged them; TTFT, prefill and decode tokens/s as the stats
bar shows them), the free VRAM with the model loaded, then ``llama-bench`` on the same file
and layer count (prefill ``-p``, decode ``-n``), and the engine's ratios to it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inference.llama_native import engine_path  # noqa: E402 (imports no llama.cpp)

# The engine measured here is the build SLICE_ENGINE_PATH names, as in its children.
sys.path[:0] = engine_path()

PROMPT_TOKENS = 512
GEN_TOKENS = 128
REPEATS = 3
# The targets (docs/benchmarks.md, "The GPU path").
DECODE_TARGET = 0.97


def _gpu_free() -> tuple[int | None, list[dict[str, Any]]]:
    from app.models.engine_probe import run_probe

    facts = run_probe()
    devices = [{"name": d.name, "description": d.description, "type": d.type,
                "free": d.free, "total": d.total} for d in facts.devices]
    return facts.gpu_free, devices


def _prompt(model: str, n_tokens: int) -> str:
    """A plain prompt of about ``n_tokens`` tokens of this model."""
    import llama_cpp

    words = ["river", "stone", "cloud", "maple", "copper", "lantern", "harbor", "meadow"]
    vocab = llama_cpp.Llama(model, vocab_only=True, verbose=False)
    try:
        text, i = "Notes:", 0
        while len(vocab.tokenize(text.encode(), add_bos=True)) < n_tokens:
            text += " " + words[i % len(words)]
            i += 3
    finally:
        vocab.close()
    return text


def engine_run(model: str, layers: int, threads: int, n_prompt: int, n_gen: int,
               repeats: int) -> dict[str, Any]:
    """Load ``model`` on Slice's engine with ``layers`` and time ``repeats`` greedy replies
    (each from an empty cache: the prompt is processed every time)."""
    from inference.engine import Engine
    from inference.events import ChatRequest, Done, Failed, Loaded, LoadSettings, Sampling

    engine = Engine()
    load = LoadSettings(n_ctx=max(2048, n_prompt + n_gen + 64), n_gpu_layers=layers,
                        n_threads=threads, n_threads_batch=threads)
    prompt = _prompt(model, n_prompt)
    loaded: dict[str, Any] = {}
    runs: list[dict[str, float]] = []
    for run in range(repeats + 1):  # the first run warms up (shaders, caches): not counted
        # Each run's prompt differs from its first word: none of it is reused from the cache.
        request = ChatRequest(model_path=model, messages=(), prompt=f"{run} {prompt}",
                              load=load, sampling=Sampling(temperature=0.0, seed=0,
                                                           max_tokens=n_gen),
                              loop_guard=False)
        for event in engine.stream_chat(request):
            if isinstance(event, Failed):
                engine.close()
                raise SystemExit(f"gpu_check: the engine failed on {model}: {event.message}")
            if isinstance(event, Loaded):
                info = event.model
                loaded = {"backend": info.backend, "offloaded": info.gpu_layers,
                          "n_layers": info.n_layers, "devices": info.devices,
                          "load_s": round(info.load_s, 3), "engine": info.system_info}
            elif isinstance(event, Done) and run > 0:
                stats = event.stats
                runs.append({"ttft_s": stats.ttft_s, "prefill_tps": stats.prompt_tps,
                             "decode_tps": stats.decode_tps,
                             "prompt_tokens": stats.prompt_tokens,
                             "generated_tokens": stats.generated_tokens})
    free_loaded, _ = _gpu_free()  # while this process holds the model
    engine.close()
    return {**loaded, "vram_free_loaded": free_loaded,
            "ttft_s": round(statistics.median(r["ttft_s"] for r in runs), 4),
            "prefill_tps": round(statistics.median(r["prefill_tps"] for r in runs), 1),
            "decode_tps": round(statistics.median(r["decode_tps"] for r in runs), 1),
            "prompt_tokens": runs[-1]["prompt_tokens"],
            "generated_tokens": runs[-1]["generated_tokens"], "runs": len(runs)}


def llama_bench(binary: str, model: str, layers: int, threads: int, n_prompt: int,
                n_gen: int, repeats: int) -> dict[str, Any]:
    """llama.cpp's own figures for the same file, layers and threads."""
    command = [binary, "-m", model, "-ngl", str(layers), "-t", str(threads),
               "-p", str(n_prompt), "-n", str(n_gen), "-r", str(repeats), "-o", "json"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=1800,
                            check=False)
    if result.returncode != 0:
        raise SystemExit(f"gpu_check: llama-bench failed ({result.returncode}): "
                         f"{result.stderr.strip()[-500:]}")
    return parse_llama_bench(result.stdout)


def parse_llama_bench(text: str) -> dict[str, Any]:
    """Prefill (``n_prompt`` > 0) and decode (``n_gen`` > 0) tokens/s of llama-bench's
    ``-o json`` output."""
    rows = json.loads(text)
    out: dict[str, Any] = {"prefill_tps": None, "decode_tps": None}
    for row in rows:
        if row.get("n_prompt", 0) > 0 and row.get("n_gen", 0) == 0:
            out["prefill_tps"] = round(float(row["avg_ts"]), 1)
        elif row.get("n_gen", 0) > 0 and row.get("n_prompt", 0) == 0:
            out["decode_tps"] = round(float(row["avg_ts"]), 1)
        out.setdefault("build", row.get("build_commit", ""))
        out.setdefault("gpu_info", row.get("gpu_info", ""))
    return out


def check_model(model: str, args: argparse.Namespace) -> dict[str, Any]:
    from app.models.gpu_fit import GPU_AUTO, resolve_load
    from inference.events import LoadSettings

    free_before, _ = _gpu_free()
    n_ctx = max(2048, args.prompt_tokens + args.gen_tokens + 64)
    auto = resolve_load(model, LoadSettings(n_ctx=n_ctx, n_gpu_layers=GPU_AUTO)).n_gpu_layers
    result: dict[str, Any] = {"model": Path(model).name, "size": os.path.getsize(model),
                              "vram_free_before": free_before, "auto_layers": auto}
    started = time.perf_counter()
    result["engine"] = engine_run(model, auto, args.threads, args.prompt_tokens,
                                  args.gen_tokens, args.repeats)
    result["vram_free_after"] = result["engine"].pop("vram_free_loaded")
    result["engine_s"] = round(time.perf_counter() - started, 1)
    if args.llama_bench:
        bench = llama_bench(args.llama_bench, model, auto, args.threads, args.prompt_tokens,
                            args.gen_tokens, args.repeats)
        result["llama_bench"] = bench
        engine = result["engine"]
        result["decode_ratio"] = (round(engine["decode_tps"] / bench["decode_tps"], 3)
                                  if bench["decode_tps"] else None)
        result["prefill_ratio"] = (round(engine["prefill_tps"] / bench["prefill_tps"], 3)
                                   if bench["prefill_tps"] else None)
    else:
        result["llama_bench"] = None
        result["decode_ratio"] = result["prefill_ratio"] = None
    n_layers = result["engine"]["n_layers"]
    result["all_layers_offloaded"] = bool(n_layers) and result["engine"]["offloaded"] == n_layers
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="+", help="GGUF files (the starter model, Gemma 3)")
    parser.add_argument("--out", type=Path, required=True, help="the JSON file to write")
    parser.add_argument("--llama-bench", help="llama-bench of the same llama.cpp build")
    parser.add_argument("--threads", type=int, default=min(8, os.cpu_count() or 1))
    parser.add_argument("--prompt-tokens", type=int, default=PROMPT_TOKENS)
    parser.add_argument("--gen-tokens", type=int, default=GEN_TOKENS)
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--backend", default="cuda", help="what the build is (for the JSON)")
    args = parser.parse_args(argv)
    from inference.llama_native import engine_version, gpu_backends

    free, devices = _gpu_free()
    report: dict[str, Any] = {
        "backend": args.backend,
        "gpu_backends": gpu_backends(),
        "engine_version": engine_version(),
        "host": {"machine": platform.machine(), "cpus": os.cpu_count(),
                 "python": platform.python_version()},
        "devices": devices,
        "settings": {"prompt_tokens": args.prompt_tokens, "gen_tokens": args.gen_tokens,
                     "repeats": args.repeats, "threads": args.threads},
        "targets": {"all_layers_offloaded": True, "decode_ratio_min": DECODE_TARGET},
        "models": [check_model(m, args) for m in args.models],
    }
    report["vram_free_at_start"] = free
    report["met"] = {
        "all_layers_offloaded": all(m["all_layers_offloaded"] for m in report["models"]),
        "decode_ratio": all((m["decode_ratio"] or 0) >= DECODE_TARGET
                            for m in report["models"]) if args.llama_bench else None,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({"out": str(args.out), "met": report["met"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

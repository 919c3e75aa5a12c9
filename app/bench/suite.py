"""The benchmark's run: every phase in order on one model, and the figures it returns."""

from __future__ import annotations

import os
import platform
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app.bench.api_path import ApiPath, api_figures
from app.bench.long_chat import FULL_PLAN, QUICK_PLAN, long_chat
from app.bench.restart import restart
from app.bench.runner import Bench, Timed, best_of, events_ok
from app.bench.workloads import DECODE_PROMPT
from app.models.gpu_fit import resolve_load
from inference import __version__
from inference.events import (
    ChatMessage,
    ChatRequest,
    LoadSettings,
)

if TYPE_CHECKING:  # imported when needed: importing llama_cpp loads llama.cpp
    pass


# (request, rounds, between): the GUI's figures from ``rounds`` decode runs; ``between``
# runs before each of them.
GuiProbe = Callable[[ChatRequest, int, Callable[[], None]], dict[str, Any]]


def measure(
    model: str, load: LoadSettings, quick: bool, gui_probe: GuiProbe,
    step: Callable[[str], None],
) -> dict[str, Any]:
    """Run every phase on ``model`` and return all figures (the JSON of ``--json``).

    ``step`` is told each phase's name as it starts. Raises :class:`BenchError` when a
    phase fails.
    """
    from inference.engine import Engine
    from inference.host_client import HostClient

    tokens = 32 if quick else 160
    repeats = 1 if quick else 3
    bench = Bench(model, resolve_load(model, load), tokens, repeats, quick)
    engine = Engine()
    client = HostClient()
    try:
        step("loading the model in the engine")
        list(events_ok(engine.load(model, bench.load)))
        prompt_tokens = bench.prompt_tokens(engine, DECODE_PROMPT)
        request = bench.request([ChatMessage("user", DECODE_PROMPT)], tokens)
        step("decode: (a) to (f), one run of each per round, rounds interleaved")
        list(events_ok(client.chat(bench.request([], 0))))  # load it in the host first
        api = ApiPath(bench)
        runs: dict[str, list[Timed]] = {"raw_stream": [], "raw_generate": [], "engine": [],
                                        "host": [], "api": []}

        def one_round() -> None:
            # Between two GUI runs, one run of every other path: a machine whose speed
            # drifts moves all six paths alike, not the one measured at that moment.
            stream, generate = bench.raw_once(raw_llm, prompt_tokens)
            runs["raw_stream"].append(stream)
            runs["raw_generate"].append(generate)
            runs["engine"].append(bench.engine_once(engine, DECODE_PROMPT))
            runs["host"].append(bench.host_once(client, DECODE_PROMPT))
            runs["api"].append(api.once(DECODE_PROMPT))

        try:
            api.start()  # its own host, loaded before the first run as (d)'s is
            raw_llm = bench.raw_llama()
            try:
                gui = gui_probe(request, bench.decode_repeats, one_round)
            finally:
                raw_llm.close()
        finally:
            api.close()  # the later phases run without its host and server
        raw = {name: best_of(runs[name]) for name in ("raw_stream", "raw_generate")}
        engine_run, host_run = best_of(runs["engine"]), best_of(runs["host"])
        api_run = best_of(runs["api"])
        api_details = api_figures(runs["host"], api.runs)
        step("prompt processing, 512 tokens")
        prefill = {
            "raw_generate": bench.raw_prefill_tps(512),
            "host": bench.host_prefill_tps(client, engine, 512),
        }
        step("TTFT per turn over 20 turns, reuse on and off")
        turn_ttft = {
            "reuse": bench.turns_with_text(engine, 20, reuse=True),
            "no_reuse": bench.turns_with_text(engine, 20, reuse=False),
        }
        step("switching conversations")
        switch = bench.switch(engine)
        step("return after restart (fresh host processes)")
        switch.update(restart(bench))
        step("speculative decoding")
        speculative = bench.speculative(engine)
        plan = QUICK_PLAN if quick else FULL_PLAN
        step(f"long chat, {plan.turns} turns")
        long_chat_ttft, long_chat_details = long_chat(bench, client, engine, plan)
    finally:
        client.close()
        engine.close()

    decode = {
        "raw_stream": raw["raw_stream"].decode_tps,
        "raw_generate": raw["raw_generate"].decode_tps,
        "engine": engine_run.decode_tps,
        "host": host_run.decode_tps,
        "gui": gui["decode_tps"],
        "api": api_run.decode_tps,
    }
    import PySide6

    from inference import llama_api

    result: dict[str, Any] = {
        "model": os.path.abspath(model),
        "model_name": os.path.basename(model),
        "threads": bench.threads,
        "threads_batch": bench.threads_batch,
        "gpu_layers": bench.load.n_gpu_layers,  # Auto resolved: what was offloaded
        "quick": quick,
        "tokens_per_run": tokens,
        "repeats": repeats,
        "versions": {
            "slice": __version__,
            "llama_cpp_python": llama_api.VERSION,
            "pyside6": PySide6.__version__,
            "python": platform.python_version(),
            "system": llama_api.system_info(),
            "machine": f"{platform.machine()}, {os.cpu_count()} logical CPUs",
        },
        "decode_tps": decode,
        "ratios": {
            "engine_vs_raw_generate": decode["engine"] / decode["raw_generate"],
            "host_vs_raw_generate": decode["host"] / decode["raw_generate"],
            "gui_vs_raw_generate": decode["gui"] / decode["raw_generate"],
            "gui_vs_raw_stream": decode["gui"] / decode["raw_stream"],
            "prefill_host_vs_raw_generate": prefill["host"] / prefill["raw_generate"],
            "api_vs_host": decode["api"] / decode["host"],
        },
        "prefill_tps": prefill,
        "ttft_s": {
            "raw_stream": raw["raw_stream"].ttft_s,
            "raw_generate": raw["raw_generate"].ttft_s,
            "engine": engine_run.ttft_s,
            "host": host_run.ttft_s,
            "gui": gui["ttft_s"],
            "api": api_run.ttft_s,
        },
        # The engine's own share of the first (cold) runs' TTFT: request received in the
        # host to first token (``ttft_s`` is the bench's clock, from the call or request).
        "ttft_engine_s": {"host": runs["host"][0].engine_ttft_s,
                          "api": runs["api"][0].engine_ttft_s},
        "api": api_details,
        "turn_ttft_s": turn_ttft,
        "switch_ttft_s": switch,
        "gui": {k: v for k, v in gui.items() if k not in ("decode_tps", "ttft_s")},
        "speculative": speculative,
        "long_chat_ttft_s": long_chat_ttft,
        "long_chat": long_chat_details,
    }
    return result

"""``slice-chat bench``: the benchmark on the command line (table, ``--json``, ``--chart``)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from app.bench.report import format_table
from app.bench.runner import BenchError
from app.bench.suite import GuiProbe, measure
from app.cli.chat import add_load_arguments, load_settings_from
from app.cli.errors import Exit, fail
from app.cli.flags import add_value_flag
from app.cli.model_arg import model_path
from app.remote.refs import is_remote
from inference.options import LoadSettings

ChartWriter = Callable[[dict[str, Any], str], None]


def add_bench_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bench = subparsers.add_parser(
        "bench",
        help="measure Slice's latency beside llama.cpp's own",
        description="Decode and prompt speed, TTFT per turn, conversation switching, "
        "speculative decoding, GUI figures and a long chat, side by side on one model.",
    )
    bench.add_argument("--model", metavar="PATH|ID",
                       help="GGUF model file or library id (default: the starter model)")
    bench.add_argument("--quick", action="store_true", help="a smoke run: fewer, shorter runs")
    bench.add_argument("--json", metavar="PATH", help="write every figure to this JSON file")
    bench.add_argument("--chart", metavar="PATH", help="write a PNG chart")
    add_value_flag(bench, "--ctx", LoadSettings, "n_ctx")
    add_load_arguments(bench)


def run_bench(args: argparse.Namespace, gui_probe: GuiProbe, write_chart: ChartWriter) -> int:
    """Run ``slice-chat bench``; returns the exit code."""
    try:
        load = load_settings_from(args, args.ctx)
    except ValueError as exc:
        return fail(str(exc), Exit.USAGE)
    model = args.model
    if model:
        try:
            model = model_path(model)
        except ValueError as exc:
            return fail(str(exc), Exit.USAGE)
        if is_remote(model):
            return fail("the bench measures a local model: give a GGUF file or a library id",
                        Exit.USAGE)
    else:
        from app.models.starter import bundled_starter

        starter = bundled_starter()
        if starter is None:
            return fail("no starter model installed; pass --model PATH")
        model = str(starter)

    def step(name: str) -> None:
        print(f"  … {name}", file=sys.stderr, flush=True)

    try:
        result = measure(model, load, args.quick, gui_probe, step)
    except BenchError as exc:
        return fail(f"benchmark failed: {exc}")
    print(format_table(result))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(result, handle, indent=2)
    if args.chart:
        write_chart(result, args.chart)
    return 0

"""``slice-chat compare``: one prompt, 2 to 4 targets, one after another, side by side.

A new comparison names its targets with ``--target MODEL [KEY=VALUE ...]`` (a library id, a
GGUF file or ``remote://PROVIDER/MODEL-ID``, then the settings that target changes), or
starts from a ready-made one (``--start quantizations|kv-cache|speculative --model M``). It
is saved in the chat database as it runs, so ``--list``, ``--show ID`` (with ``--format`` and
``-o``), ``--rerun ID`` and ``--delete ID`` find it again, in the window's Compare view too.

Each reply streams to stdout under its target's heading, what the target is doing goes to
stderr, and the table of figures ends the output; with ``--json`` stdout holds exactly one
JSON object (the export's). A target that fails shows its error in its row and the others
still run; the command then exits 1. Ctrl+C stops the run (what ran is kept) and exits 130.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from app.cli.chat import add_load_arguments, load_settings_from
from app.cli.errors import Exit, fail
from app.cli.flags import add_value_flag
from app.compare.export import comparison_dict, export_json, export_markdown
from app.compare.figures import COLUMNS, figure_cells
from app.compare.resolve import resolve_model
from app.compare.results import ResultState, TargetResult
from app.compare.runner import (
    ComparisonRunner,
    RunEnded,
    RunEvent,
    RunOptions,
    TargetEnded,
    TargetEvent,
    TargetStarted,
)
from app.compare.saved import ComparisonStore, SavedComparison
from app.compare.starting_points import StartingPoint, starting_targets
from app.compare.targets import (
    ComparisonError,
    ComparisonSpec,
    Target,
    apply_settings,
    target_labels,
)
from app.engine.client import EngineClient
from app.engine.scheduler import Scheduler
from app.files import write_atomically
from app.models.library import ModelLibrary
from app.paths import app_paths
from app.remote.providers import ProviderStore
from app.store.chat_store import ChatStore
from app.store.recovery import DamagedStoreError, StoreUnavailableError, open_chat_store
from app.store.schema import NewerSchemaError
from inference.events import ChatRequest, Loading, Progress, Sampling, Token
from inference.host_client import HostClient
from inference.options import LoadSettings

#: Draws the comparison's chart into a PNG (title, column labels, results, path); the
#: entry point passes the widget layer's (ui/compare_chart.py).
ChartWriter = Callable[[str, list[str], list[TargetResult | None], str], None]


def add_compare_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    compare = subparsers.add_parser(
        "compare",
        help="send one prompt to 2-4 models or settings and compare replies and speed",
        description="Send one prompt to 2 to 4 targets (a model with its load and sampling "
        "settings), one after another, and compare the replies, TTFT, prompt and generation "
        "speed, tokens, context and peak memory. Saved; see --list, --show, --rerun.",
    )
    what = compare.add_mutually_exclusive_group()
    what.add_argument("--list", action="store_true", help="list the saved comparisons")
    what.add_argument("--show", type=int, metavar="ID",
                      help="write a saved comparison (Markdown, or JSON with --format json)")
    what.add_argument("--rerun", type=int, metavar="ID", help="run a saved comparison again")
    what.add_argument("--delete", type=int, metavar="ID", help="delete a saved comparison")
    compare.add_argument(
        "--target", action="append", nargs="+", default=[], metavar=("MODEL", "KEY=VALUE"),
        help="a target: a library id (slice-chat models list), a GGUF file or "
        "remote://PROVIDER/MODEL-ID, then settings it changes, such as kv=q8_0, ctx=2048, "
        "speculative=on, temperature=0.2 (2 to 4 targets)")
    compare.add_argument("--start", choices=[p.value for p in StartingPoint],
                         help="a ready-made comparison around --model: every quantization of "
                         "it in the library, KV cache f16 vs q8_0, or speculative on vs off")
    compare.add_argument("--model", metavar="MODEL", help="the model --start compares")
    compare.add_argument("--prompt", metavar="TEXT", help="the prompt (default: stdin)")
    compare.add_argument("--system", metavar="TEXT", help="a system prompt")
    compare.add_argument("--title", metavar="TEXT", help="a name (default: from the prompt)")
    add_value_flag(compare, "--seed", Sampling, "seed", metavar="S", default=None,
                   help="one seed for every target (default: each target's own)")
    add_value_flag(compare, "--max-tokens", Sampling, "max_tokens", default=None,
                   help="one reply length for every target")
    add_value_flag(compare, "--ctx", LoadSettings, "n_ctx")
    compare.add_argument("--json", action="store_true",
                         help="print the comparison as one JSON object at the end")
    compare.add_argument("--format", choices=("md", "json"),
                         help="for -o and --show: md or json (default: from the -o file's "
                         "extension, else md)")
    compare.add_argument("-o", "--output", metavar="PATH", help="also write the comparison "
                         "to this file (Markdown or JSON)")
    compare.add_argument("--chart", metavar="PATH", help="write a PNG chart of the figures")
    add_load_arguments(compare)


def run_compare(args: argparse.Namespace, write_chart: ChartWriter) -> int:
    """Run ``slice-chat compare``; returns the exit code."""
    try:
        store = open_chat_store(app_paths().ensure().data, recover=False).store
    except (DamagedStoreError, NewerSchemaError, StoreUnavailableError) as exc:
        return fail(str(exc))
    try:
        return _command(args, store, ComparisonStore(store), write_chart)
    finally:
        store.close()


def _command(args: argparse.Namespace, db: ChatStore, saved: ComparisonStore,
             write_chart: ChartWriter) -> int:
    if args.list:
        for summary in saved.summaries():
            stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(summary.updated_at))
            print(f"{summary.id}\t{stamp}\t{summary.targets} targets\t{summary.runs} runs\t"
                  f"{summary.title}")
        return 0
    if args.delete is not None:
        if not saved.delete(args.delete):
            return fail(_no_such(args.delete))
        print(f"Deleted comparison {args.delete}", file=sys.stderr)
        return 0
    if args.show is not None:
        comparison = _saved(saved, args.show)
        if isinstance(comparison, int):
            return comparison
        return _write_out(args, comparison, write_chart, to_stdout=True)
    if args.rerun is not None:
        comparison = _saved(saved, args.rerun)
        if isinstance(comparison, int):
            return comparison
        comparison_id = comparison.id
    else:
        try:
            spec = _new_spec(args)
        except ComparisonError as exc:
            return fail(str(exc), Exit.USAGE)
        comparison_id = saved.create(spec)
    return _run(args, saved, comparison_id, write_chart)


def _no_such(comparison_id: int) -> str:
    return (f"there is no comparison {comparison_id} (`slice-chat compare --list` shows "
            "the saved ones)")


def _saved(saved: ComparisonStore, comparison_id: int) -> SavedComparison | int:
    try:
        comparison = saved.get(comparison_id)
    except ComparisonError as exc:
        return fail(f"comparison {comparison_id} cannot be read: {exc}")
    return comparison if comparison is not None else fail(_no_such(comparison_id))


def _new_spec(args: argparse.Namespace) -> ComparisonSpec:
    """The comparison the command line asks for; :class:`ComparisonError` saying why not."""
    try:
        load = load_settings_from(args, args.ctx)
    except ValueError as exc:
        raise ComparisonError(str(exc)) from None
    paths = app_paths().ensure()
    library = ModelLibrary(paths.library_file, paths.models)
    library.ensure_starter()
    if args.start:
        if args.target:
            raise ComparisonError("--start makes the targets itself: give --model, not "
                                  "--target")
        if not args.model:
            raise ComparisonError(f"--start {args.start} needs --model MODEL (a library id, "
                                  "a GGUF file or remote://PROVIDER/MODEL-ID)")
        targets = starting_targets(StartingPoint(args.start),
                                   resolve_model(args.model, library), library, load)
    else:
        if args.model:
            raise ComparisonError("--model goes with --start; name each model with --target")
        targets = tuple(_target(items, library, load, n)
                        for n, items in enumerate(args.target, 1))
    prompt = args.prompt
    if prompt is None:
        if sys.stdin.isatty():
            raise ComparisonError("give the prompt with --prompt TEXT or on standard input")
        prompt = sys.stdin.read()
    return ComparisonSpec(prompt=prompt, targets=targets, system_prompt=args.system or "",
                          seed=args.seed, max_tokens=args.max_tokens,
                          title=args.title or "").checked()


def _target(items: list[str], library: ModelLibrary, load: LoadSettings, number: int
            ) -> Target:
    try:
        model = resolve_model(items[0], library)
        target = Target(model=model.path, name=model.name, quantization=model.quantization,
                        load=load)
        return apply_settings(target, items[1:])
    except ComparisonError as exc:
        raise ComparisonError(f"--target {number}: {exc}") from None


def _run(args: argparse.Namespace, saved: ComparisonStore, comparison_id: int,
         write_chart: ChartWriter) -> int:
    comparison = saved.get(comparison_id)
    assert comparison is not None
    spec = comparison.spec
    labels = target_labels(spec.targets)
    run_id = saved.start_run(comparison_id)
    paths = app_paths()
    providers = ProviderStore(paths.config)

    def remote(request: ChatRequest) -> EngineClient:
        from app.remote.client import remote_client  # httpx, only for a remote target

        return remote_client(request, providers)

    scheduler = Scheduler(HostClient(paths.host_log), remote=remote)
    out = sys.stdout if not args.json else None
    streamed: dict[int, bool] = {}

    def listener(event: RunEvent) -> None:
        if isinstance(event, TargetStarted):
            print(f"[{event.index + 1}/{len(labels)}] {labels[event.index]}", file=sys.stderr,
                  flush=True)
            if out is not None:
                out.write(f"\n## {event.index + 1}. {labels[event.index]}\n\n")
                out.flush()
        elif isinstance(event, TargetEvent):
            inner = event.event
            if isinstance(inner, Loading):
                print("  loading the model…", file=sys.stderr, flush=True)
            elif isinstance(inner, Progress) and inner.done == 0 and inner.total:
                print(f"  reading the prompt ({inner.total} tokens)…", file=sys.stderr,
                      flush=True)
            elif isinstance(inner, Token) and not inner.thinking and out is not None:
                streamed[event.index] = True
                out.write(inner.text)
                out.flush()
        elif isinstance(event, TargetEnded):
            saved.save_result(run_id, event.index, event.result)
            if out is not None and streamed.get(event.index):
                out.write("\n")
            if event.result.error:
                print(f"  {event.result.error}", file=sys.stderr, flush=True)
        elif isinstance(event, RunEnded):
            saved.finish_run(run_id)

    runner = ComparisonRunner(scheduler, spec, listener,
                              RunOptions(snapshot_dir=str(paths.snapshots)))
    interrupted = threading.Event()

    def on_interrupt(_signum: int, _frame: FrameType | None) -> None:
        interrupted.set()
        runner.stop()

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        results = runner.run()
    finally:
        signal.signal(signal.SIGINT, previous)
        scheduler.close()
    comparison = saved.get(comparison_id)
    assert comparison is not None
    if out is not None:
        out.write("\n" + text_table(labels, list(results)) + "\n")
    code = _write_out(args, comparison, write_chart, to_stdout=False)
    print(f"Saved as comparison {comparison_id} (slice-chat compare --show {comparison_id}; "
          f"--rerun {comparison_id} runs it again)", file=sys.stderr)
    if code:
        return code
    if interrupted.is_set():
        return Exit.INTERRUPTED
    failed = [n for n, r in enumerate(results, 1) if r.state is ResultState.FAILED]
    if failed:
        return fail("target " + ", ".join(map(str, failed)) + " failed (the reason is in "
                    "its row)")
    return 0


def text_table(labels: list[str], results: list[TargetResult]) -> str:
    """The figures as an aligned text table (the command's output)."""
    rows = [["Target", *COLUMNS]]
    for number, (label, result) in enumerate(zip(labels, results, strict=True), 1):
        short = label if len(label) <= 48 else label[:47] + "…"
        rows.append([f"{number}. {short}", *figure_cells(result)])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:],
                                                                         strict=True)]
        lines.append("  ".join(cells))
    return "\n".join(lines)


def _write_out(args: argparse.Namespace, comparison: SavedComparison,
               write_chart: ChartWriter, *, to_stdout: bool) -> int:
    """``--chart``, ``-o``, ``--json``, and ``--show``'s own output."""
    chart_ref = ""
    run = comparison.latest
    output = Path(args.output) if args.output else None
    if args.chart:
        if run is None:
            return fail(f"comparison {comparison.id} has not run yet: nothing to chart")
        chart = Path(args.chart)
        try:
            write_chart(comparison.title, target_labels(comparison.spec.targets),
                        list(run.results), str(chart))
        except OSError as exc:
            return fail(f"cannot write the chart '{chart}': {exc}")
        chart_ref = _relative(chart, output.parent if output else Path.cwd())
    fmt = args.format or ("json" if output and output.suffix.lower() == ".json" else "md")
    text = (export_json(comparison) if fmt == "json"
            else export_markdown(comparison, chart=chart_ref))
    if output is not None:
        try:
            write_atomically(output, text if text.endswith("\n") else text + "\n",
                             create_folder=False)
        except OSError as exc:
            return fail(f"cannot write '{output}': {exc.strerror or exc}")
        print(f"Wrote {output}", file=sys.stderr)
    if args.json:
        print(json.dumps(comparison_dict(comparison), ensure_ascii=False))
    elif to_stdout and output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def _relative(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path.resolve())



"""``slice-chat chat``: one reply from a model, for scripts and checks.

Runs on the same engine and the same inference host process as the GUI; with
``--provider NAME`` the model is a remote one (``--model`` its id on that server), through
the same client the window uses (:mod:`app.remote.client`). The reply streams to stdout and
a one-line stats summary goes to stderr; with ``--json`` stdout holds exactly one JSON object
at the end. A reasoning model's thinking goes to stderr (in ``--json``, to its ``thinking``
key). Every failure exits non-zero with one line on stderr that names the problem and the
file (or the server).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from types import FrameType
from typing import Any, TextIO

from pydantic import ValidationError

from app.chat.presets import effective_sampling
from app.cli.errors import Exit, fail
from app.cli.flags import add_switch, add_value_flag, validation_problem, value_parser
from app.cli.model_arg import model_path
from app.engine.client import EngineClient
from app.engine.gpu_retry import GpuRetryClient
from app.models.gpu_fit import GPU_AUTO, resolve_load
from app.models.recommended import model_recommendation
from app.paths import app_paths
from app.remote.providers import ProviderStore
from app.remote.refs import RemoteModel, parse_remote
from app.settings import Settings, load_settings
from app.store.records import ChatSettings
from inference.events import (
    ChatMessage,
    ChatRequest,
    Done,
    Failed,
    LoadSettings,
    Notice,
    Sampling,
    Token,
)
from inference.gguf_info import GGUFError, read_gguf_info
from inference.host_client import HostClient
from inference.options import field_spec

STATS_KEYS = (
    "ttft_s", "prompt_tokens", "cached_tokens", "prompt_tps", "generated_tokens",
    "decode_tps", "context_used", "context_size", "stop_reason",
)
# Present in --json output only when speculative decoding ran.
SPECULATIVE_KEYS = ("draft_tokens", "accepted_tokens")
# Present in --json output only for a remote model: its provider, and where the speeds
# come from ("server": the server's own timings; "client": measured here).
REMOTE_KEYS = ("remote", "figures")
# Present in --json output only when the model thought before answering.
THINKING_KEYS = ("thinking_tokens", "thinking_ms", "answer_ttft_s")
# Present in --json output only when the prompt's cache came back from a snapshot
# (--keep-cache): "disk", as a run's host starts empty.
RESTORED_KEYS = ("restored_from",)


def add_chat_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    chat = subparsers.add_parser(
        "chat",
        help="get one reply from a model (prompt from --prompt or standard input)",
        description="Get one reply from a local GGUF model, or from a remote one with "
        "--provider. The reply streams to stdout, a stats line goes to stderr.",
    )
    chat.add_argument("--model", required=True, metavar="PATH|ID",
                      help="GGUF model file, a library id (slice-chat models list) or "
                      "remote://PROVIDER/MODEL-ID (with --provider: the model's id on that "
                      "server, as slice-chat providers list shows it)")
    chat.add_argument("--provider", metavar="NAME",
                      help="a provider added with slice-chat providers add: the reply comes "
                      "from its server (the model loading flags do not apply)")
    chat.add_argument("--prompt", metavar="TEXT", help="the user message (default: stdin)")
    chat.add_argument("--system", metavar="TEXT", help="a system prompt")
    # Unset, each follows the model's recommendation, as in the window.
    add_value_flag(chat, "--max-tokens", Sampling, "max_tokens", default=None)
    add_value_flag(chat, "--temperature", Sampling, "temperature", metavar="T", default=None)
    add_value_flag(chat, "--seed", Sampling, "seed", metavar="S")
    add_value_flag(chat, "--ctx", LoadSettings, "n_ctx", default=0, also=(0,),
                   help="context size in tokens (0: 4096, or the model's own if smaller)")
    chat.add_argument("--json", action="store_true",
                      help="print one JSON object with the reply and its stats at the end")
    add_value_flag(chat, "--overflow", Settings, "overflow")
    add_switch(chat, "--speculative", Settings, "speculative")
    add_switch(chat, "--no-loop-guard", Settings, "loop_guard",
               help="let a reply that repeats itself run on (by default it stops, with the "
               "stop reason 'repetition')")
    chat.add_argument("--keep-cache", metavar="NAME",
                      help="keep the model's cache of this exchange on disk under NAME (in "
                      "Slice's cache folder, within the disk budget of the settings); a later "
                      "run with the same NAME, model and load settings starts from it, so a "
                      "long system prompt or document is read once (the stats say 'restored "
                      "from disk')")
    add_load_arguments(chat)


# The flag that sets each load field (for error messages that name the flag).
LOAD_FLAGS = {
    "n_ctx": "--ctx", "n_gpu_layers": "--gpu-layers", "n_threads": "--threads",
    "n_threads_batch": "--threads-batch", "n_batch": "--batch", "n_ubatch": "--batch",
    "flash_attn": "--no-flash-attn", "kv_cache_type": "--kv-type", "use_mmap": "--no-mmap",
    "use_mlock": "--mlock",
}


def add_load_arguments(parser: argparse.ArgumentParser) -> None:
    """Model load settings, shared by every command that loads a model."""
    group = parser.add_argument_group("model loading")
    group.add_argument("--gpu-layers", type=gpu_layers_arg, default=GPU_AUTO, metavar="auto|N",
                       help="layers to offload to the GPU: auto (default; also -1) as many "
                       "as fit in the free VRAM by the memory estimate, 0 CPU only, N exactly "
                       "N (more than the model has: all of it, output included); a build "
                       "without a GPU backend runs on the CPU whatever this says")
    add_value_flag(group, "--threads", LoadSettings, "n_threads")
    add_value_flag(group, "--threads-batch", LoadSettings, "n_threads_batch")
    add_value_flag(group, "--batch", LoadSettings, "n_batch")
    add_switch(group, "--no-flash-attn", LoadSettings, "flash_attn",
               help="turn flash attention off")
    add_value_flag(group, "--kv-type", LoadSettings, "kv_cache_type")
    add_switch(group, "--no-mmap", LoadSettings, "use_mmap",
               help="read the file instead of mapping it")
    add_switch(group, "--mlock", LoadSettings, "use_mlock")


_layers = value_parser(LoadSettings, "n_gpu_layers")


def gpu_layers_arg(text: str) -> int:
    """``--gpu-layers``: ``auto`` or -1 (:data:`~app.gpu_fit.GPU_AUTO`), 0, or a count."""
    if text.strip().lower() == "auto":
        return GPU_AUTO
    try:
        value: int = _layers(text)
    except argparse.ArgumentTypeError as exc:
        raise argparse.ArgumentTypeError(
            f"{exc}; give auto (or -1), 0 (CPU only) or a number of layers"
        ) from None
    return value


def load_settings_from(args: argparse.Namespace, n_ctx: int) -> LoadSettings:
    """The LoadSettings that the command-line flags of :func:`add_load_arguments` ask for.

    Raises :class:`ValueError` naming the flag when the flags contradict each other (a
    quantized KV cache without flash attention).
    """
    try:
        return LoadSettings(
            n_ctx=n_ctx,
            n_threads=args.threads,
            n_threads_batch=args.threads_batch,
            n_batch=args.batch,
            n_ubatch=min(512, args.batch),
            n_gpu_layers=args.gpu_layers,
            flash_attn=not args.no_flash_attn,
            use_mmap=not args.no_mmap,
            use_mlock=args.mlock,
            kv_cache_type=args.kv_type,
        )
    except ValidationError as exc:
        raise ValueError(validation_problem(exc, LOAD_FLAGS)) from None


def run_chat(args: argparse.Namespace, stdin: TextIO = sys.stdin) -> int:
    """Run ``slice-chat chat``; returns the exit code."""
    try:  # the flags' own ranges were checked by argparse; this checks them together
        load = load_settings_from(args, LoadSettings().n_ctx)
    except ValueError as exc:
        return fail(str(exc), Exit.USAGE)
    prompt = args.prompt
    if prompt is None:
        if stdin.isatty():
            return fail("give the prompt with --prompt TEXT or on standard input", Exit.USAGE)
        prompt = stdin.read()
    if not prompt.strip():
        return fail("the prompt is empty", Exit.USAGE)
    messages = [ChatMessage("user", prompt)]
    if args.system:
        messages.insert(0, ChatMessage("system", args.system))
    if args.provider is None:
        try:
            args.model = model_path(args.model)
        except ValueError as exc:
            return fail(str(exc), Exit.USAGE)
        remote = parse_remote(args.model)
        if remote is not None:
            args.provider, args.model = remote.provider, remote.model_id
    if args.provider is not None:
        # A remote model: the flags given, over the declared defaults (the server's model
        # has no file here to recommend its own).
        sampling = Sampling(**{name: getattr(args, name) for name in
                               ("temperature", "seed", "max_tokens")
                               if getattr(args, name) is not None})
        request = ChatRequest(model_path=RemoteModel(args.provider, args.model).path,
                              messages=tuple(messages), sampling=sampling)
        from app.remote.client import remote_client  # httpx, only when a reply is remote

        store = ProviderStore(app_paths().config)
        return _stream(request, remote_client(request, store), as_json=args.json)
    try:
        info = read_gguf_info(args.model)
    except GGUFError as exc:
        return fail(exc.message)
    # A model trained on fewer tokens than the smallest context gets the smallest context.
    n_ctx = args.ctx or max(min(4096, info.context_length or 4096),
                            int(field_spec(LoadSettings, "n_ctx").low or 0))
    load = load.model_copy(update={"n_ctx": n_ctx})
    request = ChatRequest(
        model_path=args.model,
        messages=tuple(messages),
        load=resolve_load(args.model, load),
        sampling=cli_sampling(args, load),
        overflow=args.overflow,
        speculative=args.speculative,
        loop_guard=not args.no_loop_guard,
        thinking_apart=True,
        **_kept_cache(args.keep_cache),
    )
    # A GPU out-of-memory is retried once with fewer layers, as in the window.
    return _stream(request, GpuRetryClient(HostClient(app_paths().host_log)), as_json=args.json)


def _kept_cache(name: str | None) -> dict[str, Any]:
    """The request fields that keep the exchange's cache on disk under ``name`` (none
    without it): the host writes it there when it exits, and reads it back next time."""
    if not name:
        return {}
    settings = load_settings(app_paths().settings_file)
    return {"conversation_id": f"cli-{name}", "snapshot_dir": str(app_paths().snapshots),
            "snapshot_disk_mb": settings.snapshot_disk_mb,
            "snapshot_budget_mb": settings.snapshot_budget_mb}


def cli_sampling(args: argparse.Namespace, load: LoadSettings) -> Sampling:
    """The flags given, over the model's recommendation, over the declared defaults."""
    given = {name: getattr(args, name) for name in ("temperature", "seed", "max_tokens")
             if getattr(args, name) is not None}
    return effective_sampling(Settings(), ChatSettings(overrides=given), {},
                              model_recommendation(args.model, load))


def _stream(request: ChatRequest, client: EngineClient, as_json: bool) -> int:
    interrupted = threading.Event()

    def on_interrupt(_signum: int, _frame: FrameType | None) -> None:
        interrupted.set()
        client.cancel()

    previous = signal.signal(signal.SIGINT, on_interrupt)
    reply: list[str] = []
    thinking: list[str] = []
    try:
        for event in client.chat(request):
            if isinstance(event, Token) and event.thinking:
                # A reasoning model's thinking goes to stderr: stdout holds the answer.
                thinking.append(event.text)
                if not as_json:
                    sys.stderr.write(event.text)
                    sys.stderr.flush()
            elif isinstance(event, Token):
                if not reply and thinking and not as_json:
                    sys.stderr.write("\n")
                reply.append(event.text)
                if not as_json:
                    sys.stdout.write(event.text)
                    sys.stdout.flush()
            elif isinstance(event, Notice):
                print(f"slice-chat: {event.message}", file=sys.stderr, flush=True)
            elif isinstance(event, Failed):
                return fail(event.message)
            elif isinstance(event, Done):
                text = "".join(reply)
                if as_json:
                    keys = STATS_KEYS + (SPECULATIVE_KEYS if request.speculative else ())
                    keys += REMOTE_KEYS if event.stats.remote else ()
                    if event.stats.thinking_tokens:
                        keys += THINKING_KEYS
                    keys += RESTORED_KEYS if event.stats.restored_from else ()
                    stats = {key: getattr(event.stats, key) for key in keys}
                    result: dict[str, object] = {"reply": text, "stats": stats}
                    if thinking:
                        result["thinking"] = "".join(thinking)
                    print(json.dumps(result, ensure_ascii=False))
                else:
                    if text and not text.endswith("\n"):
                        sys.stdout.write("\n")
                    sys.stdout.flush()
                    print(event.stats.summary(), file=sys.stderr)
                return Exit.INTERRUPTED if interrupted.is_set() else 0
        return fail("the model ended without an answer")
    finally:
        signal.signal(signal.SIGINT, previous)
        client.close()

"""``slice-chat chat``: one reply from a model, for scripts and checks.

Runs on the same engine and the same inference host process as the GUI. The reply streams
to stdout and a one-line stats summary goes to stderr; with ``--json`` stdout holds exactly
one JSON object at the end. Every failure exits non-zero with one line on stderr that names
the problem and the file.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from types import FrameType
from typing import TextIO

from app.cli.errors import Exit, fail
from app.models.gpu_fit import GPU_AUTO, resolve_load
from app.paths import app_paths
from inference.events import (
    KV_CACHE_TYPES,
    OVERFLOW_POLICIES,
    OVERFLOW_STOP,
    ChatMessage,
    ChatRequest,
    Done,
    Failed,
    LoadSettings,
    Sampling,
    Token,
)
from inference.gguf_info import GGUFError, read_gguf_info
from inference.host_client import HostClient

STATS_KEYS = (
    "ttft_s", "prompt_tokens", "cached_tokens", "prompt_tps", "generated_tokens",
    "decode_tps", "context_used", "context_size", "stop_reason",
)
# Present in --json output only when speculative decoding ran.
SPECULATIVE_KEYS = ("draft_tokens", "accepted_tokens")


def add_chat_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    chat = subparsers.add_parser(
        "chat",
        help="get one reply from a model (prompt from --prompt or standard input)",
        description="Get one reply from a local GGUF model. The reply streams to stdout, "
        "a stats line goes to stderr.",
    )
    chat.add_argument("--model", required=True, metavar="PATH", help="GGUF model file")
    chat.add_argument("--prompt", metavar="TEXT", help="the user message (default: stdin)")
    chat.add_argument("--system", metavar="TEXT", help="a system prompt")
    chat.add_argument("--max-tokens", type=int, default=512, metavar="N",
                      help="most tokens to generate (default 512; 0: until the context is full)")
    chat.add_argument("--temperature", type=float, default=0.7, metavar="T",
                      help="sampling temperature; 0 is greedy (default 0.7)")
    chat.add_argument("--seed", type=int, default=-1, metavar="S",
                      help="random seed for reproducible replies (default: random)")
    chat.add_argument("--ctx", type=int, default=0, metavar="N",
                      help="context size in tokens (default: 4096, or the model's own if smaller)")
    chat.add_argument("--json", action="store_true",
                      help="print one JSON object with the reply and its stats at the end")
    chat.add_argument("--overflow", choices=OVERFLOW_POLICIES, default=OVERFLOW_STOP,
                      help="when the prompt outgrows the context: stop (default), drop the "
                      "oldest turns but keep the system prompt, or a rolling window")
    chat.add_argument("--speculative", action="store_true",
                      help="prompt-lookup speculative decoding (drafts tokens from the context)")
    add_load_arguments(chat)


def add_load_arguments(parser: argparse.ArgumentParser) -> None:
    """Model load settings, shared by every command that loads a model."""
    group = parser.add_argument_group("model loading")
    group.add_argument("--gpu-layers", type=gpu_layers_arg, default=GPU_AUTO, metavar="auto|N",
                       help="layers to offload to the GPU: auto (default; also -1) as many "
                       "as fit in the free VRAM by the memory estimate, 0 CPU only, N exactly "
                       "N (more than the model has: all of it, output included); a build "
                       "without a GPU backend runs on the CPU whatever this says")
    group.add_argument("--threads", type=int, default=0, metavar="N",
                       help="threads for generation (default: physical cores)")
    group.add_argument("--threads-batch", type=int, default=0, metavar="N",
                       help="threads for prompt processing (default: all cores)")
    group.add_argument("--batch", type=int, default=512, metavar="N",
                       help="prompt processing batch size (default 512)")
    group.add_argument("--no-flash-attn", action="store_true", help="turn flash attention off")
    group.add_argument("--kv-type", choices=KV_CACHE_TYPES, default="f16",
                       help="KV cache type (quantized types need flash attention)")
    group.add_argument("--no-mmap", action="store_true", help="read the file instead of mapping it")
    group.add_argument("--mlock", action="store_true", help="lock the model in RAM")


def gpu_layers_arg(text: str) -> int:
    """``--gpu-layers``: ``auto`` or -1 (:data:`~app.gpu_fit.GPU_AUTO`), 0, or a count."""
    if text.strip().lower() == "auto":
        return GPU_AUTO
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a layer count: give auto, 0 (CPU only) or a number of layers"
        ) from None
    if value < GPU_AUTO:
        raise argparse.ArgumentTypeError(
            f"{value} layers: give auto (or -1), 0 (CPU only) or a positive number of layers"
        )
    return value


def load_settings_from(args: argparse.Namespace, n_ctx: int) -> LoadSettings:
    """The LoadSettings that the command-line flags of :func:`add_load_arguments` ask for."""
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



def _validate(args: argparse.Namespace) -> str | None:
    if args.max_tokens < 0:
        return "--max-tokens must be 0 or more"
    if not 0.0 <= args.temperature <= 5.0:
        return "--temperature must be between 0 and 5"
    if args.ctx and not 256 <= args.ctx <= 1_048_576:
        return "--ctx must be between 256 and 1048576"
    if args.threads < 0 or args.threads_batch < 0:
        return "--threads and --threads-batch must be 0 (automatic) or more"
    if args.batch < 1:
        return "--batch must be 1 or more"
    if args.kv_type != "f16" and args.no_flash_attn:
        return "a quantized KV cache (--kv-type) needs flash attention"
    return None


def run_chat(args: argparse.Namespace, stdin: TextIO = sys.stdin) -> int:
    """Run ``slice-chat chat``; returns the exit code."""
    problem = _validate(args)
    if problem:
        return fail(problem, Exit.USAGE)
    prompt = args.prompt
    if prompt is None:
        if stdin.isatty():
            return fail("give the prompt with --prompt TEXT or on standard input", Exit.USAGE)
        prompt = stdin.read()
    if not prompt.strip():
        return fail("the prompt is empty", Exit.USAGE)
    try:
        info = read_gguf_info(args.model)
    except GGUFError as exc:
        return fail(exc.message)
    n_ctx = args.ctx or min(4096, info.context_length or 4096)
    messages = [ChatMessage("user", prompt)]
    if args.system:
        messages.insert(0, ChatMessage("system", args.system))
    request = ChatRequest(
        model_path=args.model,
        messages=tuple(messages),
        load=resolve_load(args.model, load_settings_from(args, n_ctx)),
        sampling=Sampling(
            temperature=args.temperature, seed=args.seed, max_tokens=args.max_tokens
        ),
        overflow=args.overflow,
        speculative=args.speculative,
    )
    return _stream(request, as_json=args.json)


def _stream(request: ChatRequest, as_json: bool) -> int:
    client = HostClient(app_paths().host_log)
    interrupted = threading.Event()

    def on_interrupt(_signum: int, _frame: FrameType | None) -> None:
        interrupted.set()
        client.cancel()

    previous = signal.signal(signal.SIGINT, on_interrupt)
    reply: list[str] = []
    try:
        for event in client.chat(request):
            if isinstance(event, Token):
                reply.append(event.text)
                if not as_json:
                    sys.stdout.write(event.text)
                    sys.stdout.flush()
            elif isinstance(event, Failed):
                return fail(event.message)
            elif isinstance(event, Done):
                text = "".join(reply)
                if as_json:
                    keys = STATS_KEYS + (SPECULATIVE_KEYS if request.speculative else ())
                    stats = {key: getattr(event.stats, key) for key in keys}
                    print(json.dumps({"reply": text, "stats": stats}, ensure_ascii=False))
                else:
                    if text and not text.endswith("\n"):
                        sys.stdout.write("\n")
                    sys.stdout.flush()
                    print(event.stats.summary(), file=sys.stderr)
                return Exit.INTERRUPTED if interrupted.is_set() else 0
        return fail("the model process ended without an answer")
    finally:
        signal.signal(signal.SIGINT, previous)
        client.close()

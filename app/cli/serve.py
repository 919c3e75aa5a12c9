"""``slice-chat serve``: the OpenAI-compatible API without the window.

Serves the model library (the starter model on a fresh machine) through the same scheduler,
host process and server the window uses. The model named by ``--model`` (or the default
one) is loaded before the server says it is ready, so the first request does not wait for
a load. Runs until Ctrl+C or SIGTERM, then stops cleanly (exit 0).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from app.api.guard import is_loopback
from app.api.keys import ApiKeyStore
from app.api.model_ids import model_ids
from app.api.server import ApiServer, ServerState
from app.cli.chat import add_load_arguments, load_settings_from
from app.cli.errors import Exit, fail
from app.cli.flags import add_switch, add_value_flag, value_parser
from app.engine.scheduler import Scheduler
from app.models.files import ModelImportError
from app.models.library import ModelEntry, ModelLibrary
from app.paths import app_paths
from app.settings import ServerSettings, Settings, load_settings
from inference.events import ChatRequest, Done, Event, Failed, LoadSettings
from inference.gguf_info import GGUFError, read_gguf_info
from inference.host_client import HostClient
from inference.options import field_spec


def add_serve_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = subparsers.add_parser(
        "serve",
        help="serve the OpenAI-compatible API (no window)",
        description="Serve Slice's models through the OpenAI-compatible API "
        "(/v1/chat/completions, /v1/completions, /v1/models, /health) until Ctrl+C. "
        "Binds 127.0.0.1 unless told otherwise; requests carry the API key printed at start.",
    )
    saved = "default: the Server setting, else"
    serve.add_argument("--host", metavar="ADDRESS",
                       help=f"{field_spec(ServerSettings, 'host').help} ({saved} 127.0.0.1)")
    for flag, name, metavar in (("--port", "port", "N"), ("--queue-limit", "queue_limit", "N"),
                                ("--idle-unload", "idle_unload_min", "MINUTES")):
        spec = field_spec(ServerSettings, name)
        serve.add_argument(flag, type=value_parser(ServerSettings, name), metavar=metavar,
                           help=f"{spec.help} ({spec.range_text()}; {saved} {spec.default})")
    serve.add_argument("--model", metavar="PATH|ID",
                       help="the model to load at start and serve when a request names none: "
                       "a library id (see GET /v1/models) or a GGUF file, which joins the "
                       "library (default: the default model, else the starter)")
    add_value_flag(serve, "--ctx", LoadSettings, "n_ctx", default=0, also=(0,),
                   help="context size in tokens (0: 4096, or the model's own if smaller)")
    add_value_flag(serve, "--overflow", Settings, "overflow")
    add_switch(serve, "--speculative", Settings, "speculative")
    serve.add_argument("--cors-origin", action="append", metavar="ORIGIN", default=None,
                       help="a web page origin allowed to call the API from a browser "
                       "(for example http://localhost:3000); repeat for more")
    serve.add_argument("--no-key", action="store_true",
                       help="let programs on this computer connect without the API key "
                       "(refused with an address other than 127.0.0.1 or localhost)")
    add_load_arguments(serve)


def run_serve(args: argparse.Namespace) -> int:
    """Run ``slice-chat serve``; returns the exit code."""
    paths = app_paths().ensure()
    settings = load_settings(paths.settings_file)
    server = settings.server.model_copy(update={
        key: value for key, value in {
            "host": args.host, "port": args.port, "queue_limit": args.queue_limit,
            "idle_unload_min": args.idle_unload,
            "cors_origins": tuple(args.cors_origin) if args.cors_origin else None,
        }.items() if value is not None
    })
    if args.no_key:
        if not is_loopback(server.host):
            return fail(f"--no-key serves this computer only; {server.host} lets other "
                        "machines connect, so the key stays required", Exit.USAGE)
        server = server.model_copy(update={"require_key": False})
    library = ModelLibrary(paths.library_file, paths.models)
    library.ensure_starter()
    try:
        entry = _model(library, args.model, settings.default_model)
        info = read_gguf_info(entry.path)
    except (ModelImportError, GGUFError) as exc:
        return fail(getattr(exc, "message", str(exc)))
    except LookupError as exc:
        return fail(str(exc), Exit.USAGE)
    n_ctx = args.ctx or max(min(4096, info.context_length or 4096),
                            int(field_spec(LoadSettings, "n_ctx").low or 0))
    try:
        load = load_settings_from(args, n_ctx)
    except ValueError as exc:
        return fail(str(exc), Exit.USAGE)
    settings = settings.model_copy(update={
        "server": server, "load": load, "default_model": entry.path,
        "overflow": args.overflow, "speculative": args.speculative,
    })
    scheduler = Scheduler(HostClient(paths.host_log), queue_limit=server.queue_limit,
                          idle_unload_s=server.idle_unload_min * 60)
    try:
        return _serve(scheduler, library, settings, entry)
    finally:
        scheduler.close()


def _model(library: ModelLibrary, wanted: str | None, default: str) -> ModelEntry:
    """The model to load first: ``--model`` (an id or a file), else the default one."""
    models = library.models()
    ids = model_ids(models)
    if wanted:
        if wanted in ids:
            return ids[wanted]
        if Path(wanted).expanduser().exists():
            return library.import_file(str(Path(wanted).expanduser().resolve()))
        known = ", ".join(sorted(ids)) or "none"
        raise LookupError(f"--model {wanted}: no such file, and no model in the library has "
                          f"that id (ids: {known})")
    for entry in models:
        if entry.path == default:
            return entry
    if not models:
        raise LookupError("the model library is empty: give a GGUF file with --model PATH")
    return models[0]


def _serve(scheduler: Scheduler, library: ModelLibrary, settings: Settings,
           entry: ModelEntry) -> int:
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        print(f"Loading {entry.name} ...", file=sys.stderr, flush=True)
        failure = _preload(scheduler, entry, settings, stop)
        if failure is not None:
            return fail(failure.message)
        if stop.is_set():
            return 0
        key = ApiKeyStore(app_paths().config).get_or_create()
        server = ApiServer(scheduler, library, lambda: settings, key)
        server.start()
        status = server.wait_started()
        if status.state is not ServerState.RUNNING:
            return fail(status.error or "the API server did not start")
        ids = {e.path: i for i, e in model_ids(library.models()).items()}
        host = settings.server.host
        if not is_loopback(host):
            print(f"Warning: serving on {host}: other machines can connect. Every request "
                  "needs the API key.", file=sys.stderr)
        print(f"Slice API at {status.url} (model {ids.get(entry.path, entry.name)})",
              file=sys.stderr)
        if status.key_required:
            print(f"API key: {key}\n  send it as: Authorization: Bearer <key>",
                  file=sys.stderr)
        print("Press Ctrl+C to stop.", file=sys.stderr, flush=True)
        while not stop.wait(0.5):
            if server.status().state is not ServerState.RUNNING:
                return fail(server.status().error or "the API server stopped")
        print("Stopping ...", file=sys.stderr, flush=True)
        server.stop(wait=True)
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _preload(scheduler: Scheduler, entry: ModelEntry, settings: Settings,
             stop: threading.Event) -> Failed | None:
    """Load the model before serving; the failure that prevented it, if any."""
    ended = threading.Event()
    result: list[Event] = []

    def sink(event: Event) -> None:
        if isinstance(event, (Done, Failed)):
            result.append(event)
            ended.set()

    job = scheduler.submit(ChatRequest(model_path=entry.path, messages=(), load=settings.load),
                           sink)
    while not ended.wait(0.2):
        if stop.is_set():
            job.cancel()
    return result[0] if result and isinstance(result[0], Failed) else None

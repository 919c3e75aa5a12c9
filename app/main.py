"""The ``slice-chat`` entry point: the window by default, subcommands for scripts.

- ``slice-chat``: open the Slice window.
- ``slice-chat chat --model PATH ...``: one reply on the command line (:mod:`app.cli.chat`).
- ``slice-chat export ...`` / ``slice-chat import PATH``: chats out and in (:mod:`app.cli.export`).
- ``slice-chat models ...``: the model library and downloads (:mod:`app.cli.models`).
- ``slice-chat bench``: latency beside llama.cpp's own (:mod:`app.bench.runner`).
- ``slice-chat compare``: one prompt, 2-4 models or settings side by side (:mod:`app.cli.compare`).
- ``slice-chat --inference-host``: the inference host process (used by a frozen build).
- ``slice-chat --engine-probe``: what the engine build can do, as JSON (used by a frozen build).

This module is the one place in ``app/`` that may import the widget layer: it starts it.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import logging
import shutil
import sqlite3
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.cli.errors import Exit, print_error
from inference import __version__
from inference.protocol import HOST_FLAG, PROBE_FLAG


def build_parser() -> argparse.ArgumentParser:
    from app.cli.bench import add_bench_parser
    from app.cli.cache import add_cache_parser
    from app.cli.chat import add_chat_parser
    from app.cli.compare import add_compare_parser
    from app.cli.export import add_export_parsers
    from app.cli.models import add_models_parser
    from app.cli.providers import add_providers_parser
    from app.cli.serve import add_serve_parser

    parser = argparse.ArgumentParser(
        prog="slice-chat",
        description="Slice: chat with language models that run on your own machine. "
        "Without a command, opens the Slice window.",
    )
    parser.add_argument("--version", action="version", version=f"slice-chat {__version__}")
    parser.add_argument("--model", metavar="PATH", help="open the window on this GGUF model")
    parser.add_argument(
        "--verbose", action="store_true",
        help="debug messages on stderr and in the log file (slice.log in the log folder)",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="open the window, stream one short reply, print one JSON line, exit 0 if all worked",
    )
    parser.add_argument(
        "--screenshot", metavar="PATH", help="with --self-test: save a picture of the window"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_chat_parser(subparsers)
    add_export_parsers(subparsers)
    add_models_parser(subparsers)
    add_providers_parser(subparsers)
    add_bench_parser(subparsers)
    add_compare_parser(subparsers)
    add_serve_parser(subparsers)
    add_cache_parser(subparsers)
    return parser


def run_gui(args: argparse.Namespace, started_at: float) -> int:
    """Open the main window on the starter model (or ``--model``), or run the self-test."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QIcon
    from PySide6.QtWidgets import QApplication

    from ui.resources import icon_path

    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Slice")
    app.setApplicationDisplayName("Slice")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("slice-chat")
    app.setWindowIcon(QIcon(str(icon_path())))
    started = start_gui(args, app, started_at)
    if isinstance(started, int):
        return started
    try:
        return app.exec()
    finally:
        started.close()


@dataclasses.dataclass
class RunningGui:
    """What :func:`start_gui` set up; :meth:`close` takes it down in order."""

    window: Any
    controller: Any
    store: Any
    instance: Any = None
    self_test: Any = None
    scheduler: Any = None  # the one queue in front of the engine: the window's and the API's
    server: Any = None  # the API server's control (none in the self-test)

    temporary: Path | None = None  # the self-test's throwaway chat folder

    def close(self) -> None:
        self.window.session.close()
        if self.server is not None:
            self.server.close(timeout=0)  # stops taking requests now; waited for below
        self.controller.shutdown()
        if self.scheduler is not None:
            # Ends the API's requests too, so the server's shutdown has no stream to wait for.
            self.scheduler.close()
        if self.server is not None and not self.server.close():
            logging.getLogger(__name__).warning("the API server did not stop in time")
        self.store.close()
        if self.instance is not None:
            self.instance.release()
        if self.temporary is not None:
            shutil.rmtree(self.temporary, ignore_errors=True)


def start_gui(args: argparse.Namespace, app: Any, started_at: float) -> RunningGui | int:
    """Set up everything the window needs and show it; an exit code when it cannot run.

    The order matters for the chat store: the single-instance lock is taken before the
    database is checked (recovery moves files, which must never happen under another
    running Slice), and the database is open before the window shows anything.
    """
    import tempfile

    from PySide6.QtCore import QCoreApplication, QTimer
    from PySide6.QtWidgets import QMessageBox

    from app.api.control import ServerControl
    from app.api.keys import ApiKeyStore
    from app.chat.bridge import EngineController
    from app.engine.scheduler import Scheduler
    from app.models.engine_probe import engine_probe
    from app.models.files import ModelImportError
    from app.models.library import ModelLibrary
    from app.paths import DataFolderError, app_paths
    from app.remote.client import remote_client
    from app.remote.providers import ProviderStore
    from app.settings import load_settings, save_settings
    from app.single_instance import SingleInstance
    from app.store import ChatStore, NewerSchemaError, StoreUnavailableError, open_chat_store
    from app.store.recovery import start_backup_if_due
    from inference.host_client import HostClient
    from ui.i18n import install_language
    from ui.main_window import ChatWindow
    from ui.theme import apply_theme

    try:
        paths = app_paths().ensure()
    except DataFolderError as exc:
        return _fail_before_window(args, str(exc))
    settings = load_settings(paths.settings_file)
    apply_theme(app, settings.theme)
    install_language(app, settings.language)
    instance = None
    notice = ""
    temporary = None
    if args.self_test:
        # The self-test's exchange must not land in the user's chats.
        temporary = Path(tempfile.mkdtemp(prefix="slice-self-test-"))
        store = ChatStore(temporary / "chats.db")
    else:
        instance = SingleInstance(paths.data)
        if not instance.acquire():
            woke = instance.wake_other()
            print(
                "Slice is already running"
                + (" and was brought to the front." if woke else
                   f" (process {instance.owner_pid()}) but did not answer."),
                file=sys.stderr,
            )
            return 0 if woke else 1
        try:
            opened = open_chat_store(paths.data)
        except (NewerSchemaError, StoreUnavailableError) as exc:
            print_error(str(exc))
            QMessageBox.critical(
                None, QCoreApplication.translate("Startup", "Slice cannot open your chats"),
                str(exc))
            instance.release()
            return 1
        store, notice = opened.store, opened.notice
        with contextlib.suppress(sqlite3.Error):  # retried at the next start
            store.purge_deleted()  # chats deleted in an earlier session are past their undo
    library = ModelLibrary(paths.library_file, paths.models)
    startup_error = ""
    try:
        library.ensure_starter()
        if args.model:
            settings = settings.model_copy(
                update={"default_model": library.import_file(args.model).path}
            )
    except (ModelImportError, OSError) as exc:
        startup_error = str(exc)
    if args.self_test:  # a short, reproducible reply, whatever the user's settings say
        settings = settings.model_copy(update={
            "sampling": settings.sampling.model_copy(update={"temperature": 0.0,
                                                             "max_tokens": 64}),
            # Its throwaway chat must leave nothing in the user's cache of chats on disk.
            "snapshot_disk_mb": 0,
        })
    # One scheduler in front of the one engine: the window's replies and the API's requests
    # take turns on it (the window's first).
    providers = ProviderStore(paths.config)
    # Local models queue for the one host process; a remote model's request goes straight
    # to its provider's server.
    scheduler = Scheduler(HostClient(paths.host_log),
                          remote=lambda request: remote_client(request, providers))
    controller = EngineController(scheduler=scheduler)
    # The self-test must not open the user's port (nor need their key).
    server = None if args.self_test else ServerControl(
        scheduler, library, ApiKeyStore(paths.config), settings)
    window = ChatWindow(controller, library, settings, store, server=server,
                        providers=providers)
    if not args.self_test:
        window.settings_changed.connect(
            lambda changed: save_settings(paths.settings_file, changed)
        )
    running = RunningGui(window, controller, store, instance, scheduler=scheduler,
                         server=server, temporary=temporary)
    if server is not None:
        server.apply(settings)  # starts the server when the settings say it is on
    if instance is not None:
        instance.woken.connect(window.bring_to_front)
        instance.woken.connect(lambda: print(
            "slice-chat: another launch brought this window to the front",
            file=sys.stderr, flush=True))
    # What the engine build can do (architectures, GPUs, free VRAM) is asked of a child
    # process now, in the background: the first model check finds it known.
    engine_probe().warm_up()
    if notice:
        window.show_notice(notice)
    if startup_error:
        window.show_error(startup_error)
    window.show()
    if not args.self_test:
        backups = QTimer(window)
        backups.setInterval(3600_000)
        backups.timeout.connect(lambda: start_backup_if_due(paths.data))
        backups.start()
        QTimer.singleShot(3000, lambda: start_backup_if_due(paths.data))
    if args.self_test:
        from ui.self_test import run_self_test

        if startup_error:
            print(json.dumps({"ok": False, "error": startup_error}), flush=True)
            running.close()
            return 1
        screenshot = Path(args.screenshot) if args.screenshot else None
        # Held for as long as the event loop runs.
        running.self_test = run_self_test(app, window, controller, started_at, screenshot)
    return running


def _fail_before_window(args: argparse.Namespace, message: str) -> int:
    """Report a problem that stops the app before its window opens; returns the exit code.

    The self-test prints its one JSON line; a person who started Slice from a menu sees a
    dialog (stderr goes nowhere there); both also get the message on stderr.
    """
    print_error(message)
    if args.self_test:
        print(json.dumps({"ok": False, "error": message}), flush=True)
    else:
        from PySide6.QtCore import QCoreApplication
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(
            None, QCoreApplication.translate("Startup", "Slice cannot start"), message)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point of ``slice-chat``."""
    started_at = time.perf_counter()
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == [HOST_FLAG]:
        from inference.host import main as host_main

        return host_main()
    if args_list[:1] == [PROBE_FLAG]:
        from inference.probe import main as probe_main

        return probe_main()
    parser = build_parser()
    args = parser.parse_args(args_list)
    from app.logs import setup_logging
    from app.paths import app_paths

    paths = app_paths()
    setup_logging(paths.logs, verbose=args.verbose)
    log = logging.getLogger(__name__)
    log.info("slice-chat %s on Python %s, %s: %s", __version__, sys.version.split()[0],
             sys.platform, args.command or "window")
    log.debug("folders: %s", paths)
    try:
        if args.command == "chat":
            from app.cli.chat import run_chat

            return run_chat(args)
        if args.command in ("export", "import"):
            from app.cli.export import run_export, run_import

            return run_export(args) if args.command == "export" else run_import(args)
        if args.command == "models":
            from app.cli.models import run_models

            return run_models(args)
        if args.command == "providers":
            from app.cli.providers import run_providers

            return run_providers(args)
        if args.command == "cache":
            from app.cli.cache import run_cache

            return run_cache(args)
        if args.command == "serve":
            from app.cli.serve import run_serve

            return run_serve(args)
        if args.command == "bench":
            from app.cli.bench import run_bench
            from ui.bench_gui import measure_gui, write_chart

            return run_bench(args, measure_gui, write_chart)
        if args.command == "compare":
            from app.cli.compare import run_compare
            from ui.compare_chart import write_chart as write_compare_chart

            return run_compare(args, write_compare_chart)
        if args.screenshot and not args.self_test:
            parser.error("--screenshot goes with --self-test")
        return run_gui(args, started_at)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # never a traceback for the user; the log file keeps it
        log.exception("slice-chat %s failed", args.command or "window")
        print_error(str(exc))
        return Exit.FAILED


if __name__ == "__main__":
    sys.exit(main())

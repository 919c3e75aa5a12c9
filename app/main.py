"""The ``slice-chat`` entry point: the window by default, subcommands for scripts.

- ``slice-chat``: open the Slice window.
- ``slice-chat chat --model PATH ...``: one reply on the command line (:mod:`app.cli`).
- ``slice-chat --inference-host``: the inference host process (used by a frozen build).

This module is the one place in ``app/`` that may import the widget layer: it starts it.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from inference import __version__
from inference.host import HOST_FLAG


def build_parser() -> argparse.ArgumentParser:
    from app.cli import add_chat_parser

    parser = argparse.ArgumentParser(
        prog="slice-chat",
        description="Slice: chat with language models that run on your own machine. "
        "Without a command, opens the Slice window.",
    )
    parser.add_argument("--version", action="version", version=f"slice-chat {__version__}")
    parser.add_argument("--model", metavar="PATH", help="open the window on this GGUF model")
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
    return parser


def run_gui(args: argparse.Namespace, started_at: float) -> int:
    """Open the main window on the starter model (or ``--model``), or run the self-test."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QIcon
    from PySide6.QtWidgets import QApplication

    from app.library import ModelImportError, ModelLibrary
    from app.paths import DataFolderError, app_paths
    from app.settings import load_settings
    from app.worker import EngineController
    from ui.main_window import ChatWindow
    from ui.resources import icon_path
    from ui.theme import apply_theme

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
    apply_theme(app)

    try:
        paths = app_paths().ensure()
    except DataFolderError as exc:
        return _fail_before_window(args, str(exc))
    settings = load_settings(paths.settings_file)
    library = ModelLibrary(paths.library_file, paths.models)
    startup_error = ""
    try:
        library.ensure_starter()
        if args.model:
            settings = dataclasses.replace(
                settings, default_model=library.import_file(args.model).path
            )
    except (ModelImportError, OSError) as exc:
        startup_error = str(exc)
    controller = EngineController(log_path=paths.host_log)
    window = ChatWindow(controller, library, settings)
    if startup_error:
        window.show_error(startup_error)
    window.show()
    if args.self_test:
        from ui.self_test import run_self_test

        if startup_error:
            print(json.dumps({"ok": False, "error": startup_error}), flush=True)
            controller.shutdown()
            return 1
        screenshot = Path(args.screenshot) if args.screenshot else None
        # Held in a local for as long as the event loop runs.
        _self_test = run_self_test(app, window, controller, started_at, screenshot)
    try:
        return app.exec()
    finally:
        controller.shutdown()


def _fail_before_window(args: argparse.Namespace, message: str) -> int:
    """Report a problem that stops the app before its window opens; returns the exit code.

    The self-test prints its one JSON line; a person who started Slice from a menu sees a
    dialog (stderr goes nowhere there); both also get the message on stderr.
    """
    print(f"slice-chat: error: {message}", file=sys.stderr)
    if args.self_test:
        print(json.dumps({"ok": False, "error": message}), flush=True)
    else:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "Slice cannot start", message)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point of ``slice-chat``."""
    started_at = time.perf_counter()
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == [HOST_FLAG]:
        from inference.host import main as host_main

        return host_main()
    parser = build_parser()
    args = parser.parse_args(args_list)
    try:
        if args.command == "chat":
            from app.cli import run_chat

            return run_chat(args)
        if args.screenshot and not args.self_test:
            parser.error("--screenshot goes with --self-test")
        return run_gui(args, started_at)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # never a traceback for the user; the message names the cause
        print(f"slice-chat: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

"""The ``slice-chat`` entry point: the window by default, subcommands for scripts.

- ``slice-chat``: open the Slice window.
- ``slice-chat chat --model PATH ...``: one reply on the command line (:mod:`app.cli`).
- ``slice-chat --inference-host``: the inference host process (used by a frozen build).

This module is the one place in ``app/`` that may import the widget layer: it starts it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

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
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_chat_parser(subparsers)
    return parser


def run_gui() -> int:
    """Open the main window on the starter model (or the last used one)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QIcon
    from PySide6.QtWidgets import QApplication

    from app.library import ModelImportError, ModelLibrary
    from app.paths import app_paths
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

    paths = app_paths().ensure()
    settings = load_settings(paths.settings_file)
    library = ModelLibrary(paths.library_file, paths.models)
    startup_error = ""
    try:
        library.ensure_starter()
    except (ModelImportError, OSError) as exc:
        startup_error = str(exc)
    controller = EngineController(log_path=paths.host_log)
    window = ChatWindow(controller, library, settings)
    if startup_error:
        window.show_error(startup_error)
    window.show()
    try:
        return app.exec()
    finally:
        controller.shutdown()


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point of ``slice-chat``."""
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
        return run_gui()
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # never a traceback for the user; the message names the cause
        print(f"slice-chat: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

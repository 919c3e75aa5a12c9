"""Slice's log: Python's ``logging`` to a rotating file in the log folder, and to stderr.

Every module logs to ``logging.getLogger(__name__)``. :func:`setup_logging` (called once by
the entry point) sends records to ``slice.log`` in the log folder, rotated at 1 MiB with
three old files kept. stderr stays the user's: a command prints its one error line there
itself, and only ``--verbose`` adds the log's records (debug ones included) to it. An
exception that reaches the top of the program, or of a Qt slot, is logged with its
traceback, so a message shown to the user always has its cause on file.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
from pathlib import Path
from types import TracebackType

LOG_FILE = "slice.log"
_MAX_BYTES = 1024 * 1024
_BACKUPS = 3
_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"
_OWN_HANDLERS: list[logging.Handler] = []

log = logging.getLogger("slice")


def setup_logging(folder: Path | None, verbose: bool = False) -> Path | None:
    """Log to ``folder/slice.log`` (when it can be written); with ``verbose``, to stderr too.

    Returns the log file's path, or None when the folder could not be used (then warnings
    go to stderr; the app itself goes on). Calling it again replaces the handlers it added
    before.
    """
    root = logging.getLogger()
    for handler in _OWN_HANDLERS:
        root.removeHandler(handler)
        handler.close()
    _OWN_HANDLERS.clear()
    root.setLevel(logging.DEBUG)
    console = logging.StreamHandler(sys.stderr)
    console.setFormatter(logging.Formatter("slice-chat: %(levelname)s: %(name)s: %(message)s"))
    if verbose:
        _OWN_HANDLERS.append(console)
    path: Path | None = None
    if folder is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handler = logging.handlers.RotatingFileHandler(
                folder / LOG_FILE, maxBytes=_MAX_BYTES, backupCount=_BACKUPS, encoding="utf-8"
            )
        except OSError as exc:
            console.handle(logging.makeLogRecord({
                "name": "slice", "levelno": logging.WARNING, "levelname": "WARNING",
                "msg": f"cannot write the log file in {folder}: {exc}",
            }))
            if not verbose:  # no file: warnings and errors at least reach stderr
                console.setLevel(logging.WARNING)
                _OWN_HANDLERS.append(console)
        else:
            handler.setLevel(logging.DEBUG if verbose else logging.INFO)
            handler.setFormatter(logging.Formatter(_FORMAT))
            _OWN_HANDLERS.append(handler)
            path = folder / LOG_FILE
    for handler in _OWN_HANDLERS:
        root.addHandler(handler)
    # Libraries' chatter stays out unless asked for.
    for noisy in ("httpx", "httpcore", "huggingface_hub", "urllib3", "filelock"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbose else logging.WARNING)
    sys.excepthook = _log_uncaught
    threading.excepthook = _log_uncaught_in_thread
    return path


def _log_uncaught(
    kind: type[BaseException], value: BaseException, trace: TracebackType | None
) -> None:
    # PySide6 hands an exception raised in a slot to sys.excepthook and carries on.
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, trace)
        return
    log.critical("uncaught exception", exc_info=(kind, value, trace))


def _log_uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None or isinstance(args.exc_value, SystemExit):
        return
    thread = args.thread.name if args.thread is not None else "?"
    log.critical("uncaught exception in thread %s", thread,
                 exc_info=(args.exc_type, args.exc_value, args.exc_traceback))

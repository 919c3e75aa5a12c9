"""Exit codes and the error printer every subcommand uses."""

from __future__ import annotations

import sys
from enum import IntEnum
from typing import TextIO


class Exit(IntEnum):
    """``slice-chat``'s exit codes."""

    OK = 0
    FAILED = 1  # the command ran and failed; stderr says why
    USAGE = 2  # the command line was wrong (argparse uses 2 too)
    INTERRUPTED = 130  # Ctrl+C, as shells report SIGINT


def print_error(message: str, stream: TextIO | None = None) -> None:
    """One line on stderr: ``slice-chat: error: MESSAGE``."""
    print(f"slice-chat: error: {message}", file=stream or sys.stderr, flush=True)


def fail(message: str, code: Exit = Exit.FAILED) -> int:
    """Print the error and return ``code`` (``return fail(...)`` ends a command)."""
    print_error(message)
    return int(code)

"""What can go wrong with a hub transfer, and how patient it is about it.

:class:`TransferPolicy` sets the timeouts, retry limits, backoff and disk reserve;
:class:`TransferError` (with its :class:`TransferErrorKind`) is what a stopped transfer
raises; :class:`Retry` is the internal signal that one attempt failed in a way worth trying
again. The transfer itself is :mod:`app.hub.transfer`.
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass
from enum import StrEnum

from app.models.memory_fit import MIB


@dataclass(frozen=True)
class TransferPolicy:
    """How patient a transfer is. The defaults suit a real network."""

    stall_s: float = 20.0  # no bytes for this long: treated as a dropped connection
    connect_timeout_s: float = 20.0
    max_failures: int = 8  # consecutive failed attempts (without progress) before giving up
    backoff_base_s: float = 1.0
    backoff_max_s: float = 60.0
    max_retry_after_s: float = 600.0
    reserve_bytes: int = 256 * MIB  # free disk left over after the download
    disk_check_bytes: int = 64 * MIB


class TransferErrorKind(StrEnum):
    """Why a transfer stopped or is being retried, for code (the message is for people)."""

    PAUSED = "paused"
    AUTH = "auth"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    OFFLINE = "offline"
    DISK_FULL = "disk_full"
    HASH_MISMATCH = "hash_mismatch"
    BAD_RESPONSE = "bad_response"
    BUSY = "busy"
    EXISTS = "exists"
    IO = "io"
    # Retried, never raised to the caller as such:
    STALLED = "stalled"
    DROPPED = "dropped"
    RATE_LIMITED = "rate_limited"
    SERVER = "server"


# A transfer that stopped for one of these keeps its partial file and is resumed, not failed.
RESUMABLE = frozenset({TransferErrorKind.PAUSED, TransferErrorKind.DISK_FULL,
                       TransferErrorKind.OFFLINE})


class TransferError(Exception):
    """A download stopped. ``kind`` is machine-readable; the message says what to do."""

    def __init__(self, kind: TransferErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class Retry(Exception):  # noqa: N818 (a signal to try again, not an error)
    """One attempt failed in a way worth retrying; ``delay`` overrides the backoff."""

    def __init__(self, kind: TransferErrorKind, message: str, delay: float | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.delay = delay


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, parsed.timestamp() - time.time())

"""The model process's peak memory while one target runs, measured, not estimated.

On Linux the kernel keeps each process's peak resident memory (``VmHWM`` in
``/proc/PID/status``) and lets its owner reset it to the current value (writing ``5`` to
``/proc/PID/clear_refs``, Linux 4.0 and later). The tracker resets it when the target's
request starts to run and again when its model starts loading (the host lets the previous
model go first), so the peak is this target's alone: weights, KV cache and compute buffers,
at their highest during the load, the prompt and the reply. Where the reset is refused, the
highest ``VmRSS`` seen at the reply's events (every 0.25 s) stands in, and says so. Other
systems report no figure rather than a guess.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

PROC = Path("/proc")

#: How the peak was measured (``TargetResult.memory_note``).
NOTE_HWM = "peak resident memory of the model process (VmHWM, reset for this target)"
NOTE_SAMPLED = ("highest resident memory of the model process seen every 0.25 s (VmRSS; "
                "this system does not let Slice reset VmHWM)")
NOTE_UNSUPPORTED = "not measured: Slice reads a process's peak memory on Linux only"
NOTE_NO_PROCESS = "not measured: the model process was not running"
NOTE_REMOTE = "not measured: the model runs on {provider}'s server"


def _status_kb(pid: int, key: str) -> int | None:
    """A ``kB`` value of ``/proc/PID/status`` (``VmHWM``, ``VmRSS``), or None."""
    try:
        text = (PROC / str(pid) / "status").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(key + ":"):
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                return int(parts[1])
    return None


def _reset_peak(pid: int) -> bool:
    try:
        (PROC / str(pid) / "clear_refs").write_text("5", encoding="ascii")
    except OSError:
        return False
    return True


class PeakTracker:
    """Follows one target's peak memory in the process ``pid_of()`` names (called on the
    scheduler's thread, from the target's event sink)."""

    def __init__(self, pid_of: Callable[[], int | None], platform: str = sys.platform) -> None:
        self._pid_of = pid_of
        self._supported = platform.startswith("linux") and PROC.is_dir()
        self._pid: int | None = None
        self._reset = False
        self._sampled_kb = 0

    def begin(self) -> None:
        """The target's request runs (or its model starts loading): count from now."""
        if not self._supported:
            return
        pid = self._pid_of()
        if pid is None:
            return
        self._pid = pid
        self._reset = _reset_peak(pid)
        self._sampled_kb = 0
        self.sample()

    def sample(self) -> None:
        """Note the current resident memory (for a system where the reset is refused)."""
        if self._pid is None:
            return
        rss = _status_kb(self._pid, "VmRSS")
        if rss is not None:
            self._sampled_kb = max(self._sampled_kb, rss)

    def result(self) -> tuple[int | None, str]:
        """The peak in bytes (None: not measured) and how it was measured, or why not."""
        if not self._supported:
            return None, NOTE_UNSUPPORTED
        if self._pid is None:
            return None, NOTE_NO_PROCESS
        if self._reset:
            peak = _status_kb(self._pid, "VmHWM")
            if peak is not None:
                return peak * 1024, NOTE_HWM
        self.sample()
        if self._sampled_kb:
            return self._sampled_kb * 1024, NOTE_SAMPLED
        return None, NOTE_NO_PROCESS

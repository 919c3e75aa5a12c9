"""What the engine build can do, asked once per build in a child process, never in the GUI's.

The architectures llama.cpp supports, its GPU backends and the devices ggml sees (with
their free memory) come from :mod:`inference.probe`, a short child process of the app's own
executable (so it works in a frozen build). The answer is kept per engine build
(:func:`~inference.llama_native.engine_version`) in memory and in the cache folder: the
architectures and backends never change for a build, so a later start reads them from disk
at once; the devices' free memory is asked again when it is older than the caller allows,
and after a model loads (the load changed it).

Two ways to ask: :meth:`EngineProbe.cached` never waits (the GUI thread's way: it starts a
probe in the background when there is nothing, or only something stale, to give), and
:meth:`EngineProbe.facts` runs the probe when needed (the engine thread, the Check's worker,
the CLI).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.files import write_atomically
from app.paths import app_paths
from inference.llama_native import child_env, engine_version, gpu_backends
from inference.probe import probe_command

_log = logging.getLogger(__name__)
PROBE_TIMEOUT_S = 60.0
# Free memory the GUI may show without asking again (Auto asks for its own, fresher).
DEVICE_MAX_AGE_S = 30.0
RETRY_AFTER_S = 30.0
_GPU_TYPES = ("gpu", "igpu")


@dataclass(frozen=True)
class Device:
    """One device ggml sees."""

    name: str  # ggml's, e.g. "Vulkan0", "CUDA0", "CPU"
    description: str  # the hardware, e.g. "NVIDIA H200", "llvmpipe (LLVM 15.0.6, 256 bits)"
    type: str  # cpu, gpu, igpu or other
    free: int
    total: int

    @property
    def is_gpu(self) -> bool:
        return self.type in _GPU_TYPES


@dataclass(frozen=True)
class EngineFacts:
    """One probe's answer."""

    engine: str
    backends: tuple[str, ...]
    architectures: frozenset[str] | None  # None: the build does not say
    devices: tuple[Device, ...]
    probed_at: float  # time.time() of the devices' figures

    @property
    def gpus(self) -> tuple[Device, ...]:
        return tuple(d for d in self.devices if d.is_gpu)

    @property
    def gpu_free(self) -> int | None:
        """Free bytes on every GPU together; None without a GPU backend or a GPU."""
        if not self.backends:
            return None
        return sum(d.free for d in self.gpus) or None

    def age_s(self) -> float:
        return max(0.0, time.time() - self.probed_at)

    def to_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "backends": list(self.backends),
            "architectures": None if self.architectures is None else sorted(self.architectures),
            "devices": [dataclasses.asdict(d) for d in self.devices],
            "probed_at": self.probed_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], probed_at: float | None = None) -> EngineFacts:
        """Read a probe's JSON (raises KeyError, TypeError or ValueError when malformed)."""
        names = data["architectures"]
        return cls(
            engine=str(data["engine"]),
            backends=tuple(str(b) for b in data["backends"]),
            architectures=None if names is None else frozenset(str(n) for n in names),
            devices=tuple(
                Device(name=str(d["name"]), description=str(d.get("description", "")),
                       type=str(d["type"]), free=int(d["free"]), total=int(d["total"]))
                for d in data["devices"]
            ),
            probed_at=float(data.get("probed_at", time.time()) if probed_at is None
                            else probed_at),
        )


class ProbeError(Exception):
    """The probe child failed; the message says how."""


def run_probe(timeout_s: float = PROBE_TIMEOUT_S) -> EngineFacts:
    """Run the probe child once and read its answer."""
    try:
        result = subprocess.run(
            probe_command(), capture_output=True, text=True, timeout=timeout_s,
            env=child_env(), stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise ProbeError(f"the engine probe did not answer within {timeout_s:.0f} s") from None
    except OSError as exc:
        raise ProbeError(f"the engine probe could not start: {exc}") from exc
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        tail = " ".join(result.stderr.strip().splitlines()[-3:])
        raise ProbeError(f"the engine probe failed (exit code {result.returncode}): {tail}")
    try:
        return EngineFacts.from_dict(json.loads(lines[-1]), probed_at=time.time())
    except (KeyError, TypeError, ValueError) as exc:
        raise ProbeError(f"the engine probe's answer is malformed: {exc!r}") from exc


class EngineProbe:
    """The engine facts, kept per engine build; see the module docstring.

    Thread-safe: one probe runs at a time; callers that need it wait for that one.
    """

    def __init__(self, cache_dir: Path | None) -> None:
        self._cache_dir = cache_dir
        self._lock = threading.Lock()  # held while a probe runs
        self._thread_lock = threading.Lock()  # never held for long: the GUI thread takes it
        self._facts: EngineFacts | None = None
        self._stale = False  # a model loaded since the devices were probed
        self._background: threading.Thread | None = None
        self.probes = 0  # probe children run by this object (the tests count them)
        self.last_error = ""
        self._failed_at = -1e9  # time.monotonic() of the last failed probe

    def _cache_file(self, engine: str) -> Path | None:
        if self._cache_dir is None or not engine:
            return None
        return self._cache_dir / f"engine-{engine}.json"

    def _current(self) -> EngineFacts | None:
        """What is known for the engine build installed now (memory, else disk)."""
        engine = engine_version()
        facts = self._facts
        if facts is not None and facts.engine == engine:
            return facts
        facts = _known.get(engine)
        if facts is not None:
            self._facts = facts
            return facts
        path = self._cache_file(engine)
        if path is None:
            return None
        try:
            facts = EngineFacts.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, KeyError, TypeError, ValueError):
            return None
        if facts.engine != engine:
            return None
        self._facts = facts
        return facts

    def _fresh(self, facts: EngineFacts | None, max_age_s: float) -> bool:
        return facts is not None and not self._stale and facts.age_s() <= max_age_s

    def cached(self, max_age_s: float = DEVICE_MAX_AGE_S) -> EngineFacts | None:
        """What is known now, without waiting; a probe starts in the background when that is
        nothing, or devices older than ``max_age_s`` (the stale answer is still returned)."""
        facts = self._current()
        if not self._fresh(facts, max_age_s):
            self.refresh_in_background()
        return facts

    def facts(self, max_age_s: float = DEVICE_MAX_AGE_S) -> EngineFacts | None:
        """The facts with devices at most ``max_age_s`` old, probing if needed (blocks);
        None when the probe fails (``last_error`` says why)."""
        facts = self._current()
        if self._fresh(facts, max_age_s):
            return facts
        with self._lock:
            facts = self._current()  # another thread may have just probed
            if self._fresh(facts, max_age_s):
                return facts
            return self._probe() or facts

    def _probe(self) -> EngineFacts | None:
        self.probes += 1
        try:
            facts = run_probe()
        except ProbeError as exc:
            self.last_error = str(exc)
            self._failed_at = time.monotonic()
            _log.warning("%s", exc)
            return None
        self._facts, self._stale, self.last_error = facts, False, ""
        _known[facts.engine] = facts
        path = self._cache_file(facts.engine)
        if path is not None:
            try:
                write_atomically(path, json.dumps(facts.to_dict(), indent=1))
            except OSError as exc:
                _log.warning("could not keep the engine probe's answer in %s: %s", path, exc)
        _log.info("engine probe: %s, backends %s, devices %s", facts.engine,
                  list(facts.backends) or "none",
                  ", ".join(f"{d.name} ({d.description}, {d.free >> 20} MiB free)"
                            for d in facts.devices) or "none")
        return facts

    def refresh_in_background(self) -> None:
        """Probe on a thread of its own, unless one is already running (or one failed in the
        last :data:`RETRY_AFTER_S`: a broken engine is not asked again on every check)."""
        with self._thread_lock:
            if self._background is not None and self._background.is_alive():
                return
            if time.monotonic() - self._failed_at < RETRY_AFTER_S:
                return
            self._background = threading.Thread(
                target=lambda: self.facts(max_age_s=0.0), name="engine-probe", daemon=True)
            self._background.start()

    def wait_idle(self, timeout_s: float = PROBE_TIMEOUT_S) -> None:
        """Wait for a background probe to end (tests, and a clean exit)."""
        thread = self._background
        if thread is not None:
            thread.join(timeout_s)

    def warm_up(self) -> None:
        """Ask in the background what is not known yet: the architectures once per engine
        build (then from disk), the devices' free memory on a build with a GPU backend."""
        self.cached(DEVICE_MAX_AGE_S if gpu_backends() else float("inf"))

    def model_loaded(self) -> None:
        """A model loaded (its memory is taken now): the devices' figures are stale."""
        self._stale = True


# Answers by engine build, for every EngineProbe of this process (a new SLICE_HOME's too).
_known: dict[str, EngineFacts] = {}
_probe: EngineProbe | None = None
_probe_lock = threading.Lock()


def engine_probe() -> EngineProbe:
    """The app's one probe, keeping its answers in the cache folder of :func:`app_paths`."""
    global _probe
    cache = app_paths().engine_probes
    with _probe_lock:
        if _probe is None or _probe._cache_dir != cache:  # SLICE_HOME moved (tests)
            _probe = EngineProbe(cache)
        return _probe

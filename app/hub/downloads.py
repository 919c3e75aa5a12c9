"""The download queue: several downloads at once, each file at most once, into the library.

:class:`DownloadManager` runs each :class:`~app.transfer.Transfer` on its own thread, at most
``max_parallel`` at a time, and keeps a snapshot of every download (state, bytes, speed,
ETA, message) that a view can poll. A model split into parts is queued as its parts; it
enters the library when the last part is verified. Partial downloads left by an earlier run
(their sidecar files) are picked up by :meth:`DownloadManager.restore`: those that were
running continue, those the user paused stay paused.

No Qt here: the CLI and the GUI share it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from app.hub.api import HubError, local_path
from app.hub.sidecar import (
    FileSpec,
    SidecarState,
    read_sidecar,
    sidecar_path,
    spec_from_sidecar,
    write_sidecar,
)
from app.hub.transfer import Transfer
from app.hub.transfer_errors import RESUMABLE, TransferError, TransferPolicy
from app.models.files import ModelImportError, sha256_of, split_parts
from app.models.library import ModelEntry, ModelLibrary

_log = logging.getLogger(__name__)



class DownloadState(StrEnum):
    """Where a download stands. ``RUNNING``'s value is what the queue has always shown."""

    QUEUED = "queued"
    RUNNING = "downloading"
    PAUSED = "paused"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


# Nothing more happens to these without the user (retry, remove).
FINISHED = frozenset({DownloadState.DONE, DownloadState.FAILED, DownloadState.CANCELLED})
_SPEED_WINDOW_S = 5.0


@dataclass(frozen=True)
class DownloadStatus:
    """A snapshot of one download, for views and the CLI."""

    key: str
    repo_id: str
    repo_path: str
    commit: str
    size: int
    done: int
    state: DownloadState
    message: str = ""
    speed: float = 0.0  # bytes per second over the last few seconds
    eta_s: float | None = None
    model_path: str = ""  # the library entry's path, once the whole model is in

    @property
    def name(self) -> str:
        return self.repo_path.rsplit("/", 1)[-1]

    @property
    def fraction(self) -> float:
        return self.done / self.size if self.size else 0.0


@dataclass
class _Item:
    spec: FileSpec
    dest: Path
    state: DownloadState = DownloadState.QUEUED
    done: int = 0
    message: str = ""
    model_path: str = ""
    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None
    cancel: bool = False
    samples: deque[tuple[float, int]] = field(default_factory=lambda: deque(maxlen=64))


class DownloadManager:
    """Queues, runs, pauses, resumes and cancels downloads; see the module docstring.

    ``on_change`` is called (from any thread) whenever a download changes state.
    """

    def __init__(
        self,
        library: ModelLibrary,
        token: Callable[[], str | None] = lambda: None,
        policy: TransferPolicy | None = None,
        max_parallel: int = 2,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self._library = library
        self._token = token
        self._policy = policy or TransferPolicy()
        self._max_parallel = max(1, max_parallel)
        self._on_change = on_change or (lambda: None)
        self._items: dict[str, _Item] = {}
        self._lock = threading.RLock()
        self._closing = False

    # -- queries -------------------------------------------------------------------------

    def statuses(self) -> list[DownloadStatus]:
        """Every download this session knows, in the order they were queued."""
        with self._lock:
            return [self._snapshot(key, item) for key, item in self._items.items()]

    def status(self, key: str) -> DownloadStatus | None:
        with self._lock:
            item = self._items.get(key)
            return self._snapshot(key, item) if item is not None else None

    def _snapshot(self, key: str, item: _Item) -> DownloadStatus:
        speed = 0.0
        if item.state == DownloadState.RUNNING and len(item.samples) >= 2:
            (t0, b0), (t1, b1) = item.samples[0], item.samples[-1]
            speed = (b1 - b0) / (t1 - t0) if t1 > t0 else 0.0
        eta = (item.spec.size - item.done) / speed if speed > 0 else None
        spec = item.spec
        return DownloadStatus(
            key=key, repo_id=spec.repo_id, repo_path=spec.repo_path, commit=spec.commit,
            size=spec.size, done=item.done, state=item.state, message=item.message,
            speed=speed, eta_s=eta, model_path=item.model_path,
        )

    # -- commands ------------------------------------------------------------------------

    def enqueue(self, specs: Sequence[FileSpec]) -> list[str]:
        """Queue the files of one model (one file, or every part of a split one).

        A file already queued or running is not queued again. Raises
        :class:`~app.hub.HubError` for a name that cannot be written safely.
        """
        dests = [local_path(self._library.models_dir, s.repo_id, s.repo_path) for s in specs]
        keys = []
        with self._lock:
            for spec, dest in zip(specs, dests, strict=True):
                key = spec.key
                keys.append(key)
                item = self._items.get(key)
                retired = (DownloadState.FAILED, DownloadState.CANCELLED)
                if item is not None and item.state not in retired:
                    if item.state == DownloadState.PAUSED:
                        self._resume_locked(key)
                    continue
                self._items[key] = _Item(spec=spec, dest=dest, done=_partial_size(dest))
                _remember(dest, spec)
            self._schedule()
        self._on_change()
        return keys

    def pause(self, key: str) -> None:
        """Pause a queued or running download; its partial file is kept."""
        with self._lock:
            item = self._items.get(key)
            if item is None or item.state in FINISHED or item.state == DownloadState.PAUSED:
                return
            item.stop.set()
            if item.thread is None:
                item.state = DownloadState.PAUSED
                item.message = "Paused."
                write_sidecar(item.dest, item.spec, SidecarState.PAUSED)
        self._on_change()

    def resume(self, key: str) -> None:
        """Continue a paused or failed download from where it stopped."""
        with self._lock:
            self._resume_locked(key)
            self._schedule()
        self._on_change()

    def _resume_locked(self, key: str) -> None:
        item = self._items.get(key)
        if item is None or item.state in (
            DownloadState.DONE, DownloadState.QUEUED, DownloadState.RUNNING
        ):
            return
        if item.thread is not None:  # still winding down after a pause
            item.cancel = False
            return
        item.state, item.message, item.cancel = DownloadState.QUEUED, "", False
        item.stop = threading.Event()

    def cancel(self, key: str) -> None:
        """Stop a download and delete its partial file."""
        with self._lock:
            item = self._items.get(key)
            if item is None or item.state == DownloadState.DONE:
                return
            item.cancel = True
            item.stop.set()
            if item.thread is None:
                self._discard(item)
        self._on_change()

    def forget(self, key: str) -> None:
        """Drop a finished download from the list."""
        with self._lock:
            item = self._items.get(key)
            if item is not None and item.state in FINISHED:
                del self._items[key]
        self._on_change()

    def restore(self) -> list[str]:
        """Pick up the partial downloads an earlier run left in the model folder."""
        keys = []
        root = self._library.models_dir
        for sidecar in sorted(root.glob("*/*/**/*.part.json")) if root.is_dir() else []:
            record = read_sidecar(sidecar)
            spec = spec_from_sidecar(record) if record is not None else None
            if record is None or spec is None:
                continue
            try:
                dest = local_path(root, spec.repo_id, spec.repo_path)
            except HubError:
                continue  # a sidecar Slice did not write
            if sidecar_path(dest) != sidecar:
                continue
            with self._lock:
                if spec.key in self._items:
                    continue
                item = _Item(spec=spec, dest=dest, done=_partial_size(dest))
                if record.get("state") != SidecarState.ACTIVE:
                    item.state = DownloadState.PAUSED
                    item.message = str(record.get("message") or "Paused.")
                self._items[spec.key] = item
            keys.append(spec.key)
        with self._lock:
            self._schedule()
        self._on_change()
        return keys

    def wait(self, keys: Iterable[str], timeout: float | None = None) -> bool:
        """Block until the downloads of ``keys`` are finished or paused; False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        keys = list(keys)
        while True:
            with self._lock:
                settled = all(
                    self._items[k].state in FINISHED | {DownloadState.PAUSED}
                    and self._items[k].thread is None
                    for k in keys if k in self._items
                )
            if settled:
                return True
            if deadline is not None and time.monotonic() > deadline:
                return False
            time.sleep(0.05)

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop every running download; they continue at the next :meth:`restore`."""
        with self._lock:
            self._closing = True
            running = [i for i in self._items.values() if i.thread is not None]
            for item in running:
                item.stop.set()
        for item in running:
            thread = item.thread
            if thread is not None:
                thread.join(timeout)
            if not item.cancel and sidecar_path(item.dest).exists():
                write_sidecar(item.dest, item.spec, SidecarState.ACTIVE)

    # -- the work ------------------------------------------------------------------------

    def _schedule(self) -> None:
        if self._closing:
            return
        running = sum(1 for i in self._items.values() if i.thread is not None)
        for key, item in self._items.items():
            if running >= self._max_parallel:
                break
            if item.state == DownloadState.QUEUED and item.thread is None:
                item.state = DownloadState.RUNNING
                item.message = ""
                item.samples.clear()
                item.thread = threading.Thread(
                    target=self._run, args=(key, item), name=f"download {key}", daemon=True
                )
                item.thread.start()
                running += 1

    def _run(self, key: str, item: _Item) -> None:
        def progress(done: int, _total: int) -> None:
            item.done = done
            item.samples.append((time.monotonic(), done))
            while item.samples and item.samples[-1][0] - item.samples[0][0] > _SPEED_WINDOW_S:
                item.samples.popleft()

        def log(line: str) -> None:
            item.message = line
            self._on_change()

        transfer = Transfer(item.spec, item.dest, token=self._token(), policy=self._policy,
                            stop=item.stop, progress=progress, log=log)
        state, message = DownloadState.DONE, ""
        try:
            transfer.run()
            item.done = item.spec.size
            message = self._register(item)
            if message:
                state = DownloadState.FAILED
        except TransferError as exc:
            state = DownloadState.PAUSED if exc.kind in RESUMABLE else DownloadState.FAILED
            message = exc.message
        except Exception as exc:  # a bug must not leave the item "downloading" for ever
            _log.exception("download of %s failed unexpectedly", item.dest)
            state, message = DownloadState.FAILED, f"Download failed: {exc!r}"
        with self._lock:
            item.thread = None
            if item.cancel:
                self._discard(item)
            elif item.state == DownloadState.QUEUED:  # resumed while winding down
                pass
            else:
                item.state, item.message = state, message or item.message
                if state == DownloadState.PAUSED and message.endswith("is paused."):
                    item.message = "Paused."
            self._schedule()
        self._on_change()

    def _discard(self, item: _Item) -> None:
        item.state, item.message, item.done = DownloadState.CANCELLED, "Cancelled.", 0
        for path in (item.dest.with_name(item.dest.name + ".part"), sidecar_path(item.dest)):
            path.unlink(missing_ok=True)

    def _register(self, item: _Item) -> str:
        """Add the model to the library once all its files are here; "" or a problem."""
        parts = split_parts(item.dest) or [item.dest]
        if not all(p.is_file() for p in parts):
            return ""  # the other parts are still on their way
        first = parts[0]
        with self._lock:
            first_spec = next((i.spec for i in self._items.values() if i.dest == first), None)
        repo_path = item.spec.repo_path.rsplit("/", 1)
        repo_path[-1] = first.name
        try:
            entry: ModelEntry = self._library.add_downloaded(
                first, item.spec.repo_id, item.spec.commit, "/".join(repo_path),
                first_spec.sha256 if first_spec else sha256_of(first),
            )
        except ModelImportError as exc:
            return f"Downloaded and verified, but not usable: {exc}"
        with self._lock:
            for other in self._items.values():
                if other.dest in parts:
                    other.model_path = entry.path
        return ""


def _remember(dest: Path, spec: FileSpec) -> None:
    """Write a queued download's sidecar now, so that it survives a quit before it starts."""
    if dest.is_file() or sidecar_path(dest).exists():
        return
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        write_sidecar(dest, spec, SidecarState.ACTIVE)
    except OSError:
        pass  # the transfer will report the problem when it runs


def _partial_size(dest: Path) -> int:
    partial = dest.with_name(dest.name + ".part")
    try:
        return partial.stat().st_size
    except OSError:
        return dest.stat().st_size if dest.is_file() else 0

"""The window's handle on a comparison run: the run on a thread of its own, its events as
Qt signals on the GUI thread, each target's result saved there as it ends."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot

from app.compare.runner import (
    ComparisonRunner,
    RunEnded,
    RunEvent,
    RunOptions,
    TargetEnded,
    TargetEvent,
    TargetStarted,
)
from app.compare.saved import ComparisonStore
from app.compare.targets import ComparisonError
from app.engine.scheduler import Scheduler

_log = logging.getLogger(__name__)


class CompareController(QObject):
    """Runs one comparison at a time through ``scheduler``; all signals arrive on the GUI
    thread, in the order the run produced them, each tagged with the comparison's id."""

    #: Target ``index``'s request was submitted (comparison id, index).
    target_started = Signal(int, int)
    #: An engine event of a target: Loading, LoadProgress, Progress, Token, Stats...
    #: (comparison id, index, inference.events.Event).
    target_event = Signal(int, int, object)
    #: A target's result, already saved (comparison id, index, app.compare.results.TargetResult).
    target_finished = Signal(int, int, object)
    #: The run is over, already saved (comparison id, app.compare.runner.RunEnded).
    run_finished = Signal(int, object)
    #: A result could not be saved (the disk is full...): the message says so, for people.
    save_failed = Signal(str)

    _produced = Signal(int, int, object)  # (comparison id, run id, RunEvent), from the run's thread

    def __init__(self, scheduler: Scheduler, store: ComparisonStore,
                 options: Callable[[], RunOptions], parent: QObject | None = None) -> None:
        """``options``: the app's settings for every request, read when a run starts."""
        super().__init__(parent)
        self._scheduler = scheduler
        self._store = store
        self._options = options
        self._runner: ComparisonRunner | None = None
        self._thread: threading.Thread | None = None
        self._comparison = 0
        self._produced.connect(self._relay, Qt.ConnectionType.QueuedConnection)

    @property
    def running(self) -> int:
        """The id of the comparison that runs (0: none)."""
        return self._comparison

    def start(self, comparison_id: int) -> int:
        """Run the saved comparison again (a new run); returns the run's id. Raises
        :class:`ComparisonError` when one already runs or this one cannot."""
        if self._comparison:
            raise ComparisonError("a comparison is running: stop it first, or wait for it")
        saved = self._store.get(comparison_id)
        if saved is None:
            raise ComparisonError(f"there is no comparison {comparison_id}")
        run_id = self._store.start_run(comparison_id)

        def listener(event: RunEvent) -> None:
            # The window may be gone (the app quits while a target runs): the run still
            # ends, through the scheduler's shutdown, with no one to tell.
            with contextlib.suppress(RuntimeError):
                self._produced.emit(comparison_id, run_id, event)

        runner = ComparisonRunner(self._scheduler, saved.spec, listener, self._options())
        self._runner = runner
        self._comparison = comparison_id
        self._thread = threading.Thread(target=runner.run, name="slice-compare", daemon=True)
        self._thread.start()
        return run_id

    def stop(self) -> None:
        """Stop the run: the target that runs keeps its reply so far, the rest do not run."""
        if self._runner is not None:
            self._runner.stop()

    def shutdown(self) -> None:
        """Stop the run and wait for its thread (the window closes)."""
        self.stop()
        if self._thread is not None:
            self._thread.join(timeout=10.0)

    @Slot(int, int, object)
    def _relay(self, comparison_id: int, run_id: int, event: RunEvent) -> None:
        if isinstance(event, TargetStarted):
            self.target_started.emit(comparison_id, event.index)
        elif isinstance(event, TargetEvent):
            self.target_event.emit(comparison_id, event.index, event.event)
        elif isinstance(event, TargetEnded):
            self._save(lambda: self._store.save_result(run_id, event.index, event.result))
            self.target_finished.emit(comparison_id, event.index, event.result)
        elif isinstance(event, RunEnded):
            self._save(lambda: self._store.finish_run(run_id))
            self._runner = None
            self._thread = None
            self._comparison = 0
            self.run_finished.emit(comparison_id, event)

    def _save(self, write: Callable[[], None]) -> None:
        try:
            write()
        except sqlite3.Error as exc:
            _log.warning("could not save a comparison's result: %s", exc)
            self.save_failed.emit(f"Could not save the comparison's result ({exc}); what "
                                  "shows here is not saved. Free some disk space and run it "
                                  "again.")

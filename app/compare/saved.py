"""Comparisons and their runs, kept in the chat database (migration ``0005_comparisons``).

Why there and not a file of their own: a comparison is the user's work like a chat, so it
gets what chats get, for free: the write-ahead log and a flush at every commit, the startup
check and recovery, the daily backups, one Slice per data folder, and the command line and
the window reading the same file safely at once. What a comparison asks (its targets) and
what each run gave (every target's result) are JSON columns: plain values, never pickles.

Not thread-safe, like the store it shares: use it from one thread (the window's GUI thread,
or the command's).
"""

from __future__ import annotations

import json
import time
import uuid as uuid_module
from dataclasses import dataclass
from typing import Any

from app.compare.results import TargetResult
from app.compare.targets import ComparisonError, ComparisonSpec
from app.store.database import Database, title_from


@dataclass(frozen=True)
class SavedRun:
    """One run of a comparison: each target's result in the targets' order (None: the
    run ended, or was cut off, before that target had one)."""

    id: int
    started_at: float
    finished_at: float | None
    results: tuple[TargetResult | None, ...]


@dataclass(frozen=True)
class SavedComparison:
    """A comparison as saved, with its runs, oldest first."""

    id: int
    uuid: str
    created_at: float
    updated_at: float
    spec: ComparisonSpec
    runs: tuple[SavedRun, ...]

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def latest(self) -> SavedRun | None:
        return self.runs[-1] if self.runs else None


@dataclass(frozen=True, slots=True)
class ComparisonSummary:
    """A line of the list of comparisons."""

    id: int
    title: str
    updated_at: float
    targets: int
    runs: int


class ComparisonStore:
    """The comparisons in ``db`` (the chat store, or any :class:`Database` of that file)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def create(self, spec: ComparisonSpec, *, created_at: float | None = None,
               comparison_uuid: str | None = None) -> int:
        """Save a new comparison (no run yet); returns its id."""
        spec = spec.checked()
        now = time.time() if created_at is None else created_at
        title = spec.title or title_from(spec.prompt)
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO comparisons (uuid, title, created_at, updated_at, prompt, "
                "system_prompt, seed, max_tokens, targets) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (comparison_uuid or str(uuid_module.uuid4()), title, now, now, spec.prompt,
                 spec.system_prompt, spec.seed, spec.max_tokens, _targets_json(spec)),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def update(self, comparison_id: int, spec: ComparisonSpec) -> None:
        """Replace what the comparison asks (its runs stay, as they were run)."""
        spec = spec.checked()
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE comparisons SET title = ?, prompt = ?, system_prompt = ?, seed = ?, "
                "max_tokens = ?, targets = ?, updated_at = ? WHERE id = ?",
                (spec.title or title_from(spec.prompt), spec.prompt, spec.system_prompt,
                 spec.seed, spec.max_tokens, _targets_json(spec), time.time(), comparison_id),
            )

    def summaries(self) -> list[ComparisonSummary]:
        """Every comparison, most recently run or changed first."""
        rows = self._db.connection.execute(
            "SELECT c.id, c.title, c.updated_at, c.targets, "
            "(SELECT COUNT(*) FROM comparison_runs r WHERE r.comparison_id = c.id) "
            "FROM comparisons c ORDER BY c.updated_at DESC, c.id DESC"
        ).fetchall()
        out = []
        for row in rows:
            targets = _loads(row[3])
            out.append(ComparisonSummary(row[0], row[1], row[2],
                                         len(targets) if isinstance(targets, list) else 0,
                                         row[4]))
        return out

    def get(self, comparison_id: int) -> SavedComparison | None:
        """The comparison with its runs, or None. Raises :class:`ComparisonError` when its
        saved targets no longer make a comparison (written by a broken or newer Slice)."""
        conn = self._db.connection
        row = conn.execute(
            "SELECT id, uuid, title, created_at, updated_at, prompt, system_prompt, seed, "
            "max_tokens, targets FROM comparisons WHERE id = ?", (comparison_id,)
        ).fetchone()
        if row is None:
            return None
        spec = ComparisonSpec.from_dict({
            "title": row[2], "prompt": row[5], "system_prompt": row[6], "seed": row[7],
            "max_tokens": row[8], "targets": _loads(row[9]),
        })
        runs = []
        for run in conn.execute(
            "SELECT id, started_at, finished_at, results FROM comparison_runs "
            "WHERE comparison_id = ? ORDER BY id", (comparison_id,)
        ):
            runs.append(SavedRun(run[0], run[1], run[2], _results(run[3], len(spec.targets))))
        return SavedComparison(row[0], row[1], row[3], row[4], spec, tuple(runs))

    def delete(self, comparison_id: int) -> bool:
        """Delete a comparison and its runs; False if there was none with that id."""
        with self._db.transaction() as conn:
            cursor = conn.execute("DELETE FROM comparisons WHERE id = ?", (comparison_id,))
        return cursor.rowcount > 0

    def start_run(self, comparison_id: int) -> int:
        """Record that a run begins (no result yet); returns the run's id."""
        now = time.time()
        with self._db.transaction() as conn:
            if conn.execute("SELECT 1 FROM comparisons WHERE id = ?",
                            (comparison_id,)).fetchone() is None:
                raise ComparisonError(f"there is no comparison {comparison_id}")
            cursor = conn.execute(
                "INSERT INTO comparison_runs (comparison_id, started_at, results) "
                "VALUES (?, ?, '[]')", (comparison_id, now))
            conn.execute("UPDATE comparisons SET updated_at = ? WHERE id = ?",
                         (now, comparison_id))
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def save_result(self, run_id: int, index: int, result: TargetResult) -> None:
        """Record target ``index``'s result in the run (as each target ends)."""
        with self._db.transaction() as conn:
            row = conn.execute("SELECT results FROM comparison_runs WHERE id = ?",
                               (run_id,)).fetchone()
            if row is None:
                return  # the comparison was deleted while it ran
            results = _loads(row[0])
            results = results if isinstance(results, list) else []
            results.extend([None] * (index + 1 - len(results)))
            results[index] = result.to_dict()
            conn.execute("UPDATE comparison_runs SET results = ? WHERE id = ?",
                         (json.dumps(results, ensure_ascii=False), run_id))

    def finish_run(self, run_id: int) -> None:
        """Record that the run is over."""
        with self._db.transaction() as conn:
            conn.execute("UPDATE comparison_runs SET finished_at = ? WHERE id = ?",
                         (time.time(), run_id))


def _targets_json(spec: ComparisonSpec) -> str:
    return json.dumps([t.to_dict() for t in spec.targets], ensure_ascii=False)


def _loads(text: str | None) -> Any:
    try:
        return json.loads(text or "null")
    except ValueError:
        return None


def _results(text: str, count: int) -> tuple[TargetResult | None, ...]:
    raw = _loads(text)
    items = raw if isinstance(raw, list) else []
    out: list[TargetResult | None] = []
    for n in range(count):
        item = items[n] if n < len(items) else None
        out.append(TargetResult.from_dict(item) if isinstance(item, dict) else None)
    return tuple(out)

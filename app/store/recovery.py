"""Opening the chat store safely: integrity check, recovery from backup, rolling backups.

At startup the database is checked before it is used. A damaged file is moved aside (kept,
never deleted, with its WAL and shared-memory files), the newest backup that passes its own
check is restored in its place, and the caller gets a notice to show the user. Backups are
made with SQLite's online backup API (consistent even while the app writes), checked, and
moved into place atomically; the newest :data:`KEEP_BACKUPS` are kept.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from app.files import fsync_file, replace_durably
from app.store.chat_store import ChatStore
from app.store.database import connect

DB_FILE = "chats.db"
BACKUP_FOLDER = "backups"
KEEP_BACKUPS = 7
BACKUP_INTERVAL_S = 24 * 3600
MIN_DB_BYTES = 512  # the smallest page size: anything shorter is not a whole database
_BACKUP_NAME = re.compile(r"^chats-(\d{8}-\d{6})(-\d+)?\.db$")
_SIDECARS = ("-wal", "-shm")


class DamagedStoreError(Exception):
    """The database is damaged and this caller may not repair it; the message says what to do."""


class StoreUnavailableError(Exception):
    """The database cannot be opened for another reason than damage (locked, unreadable,
    disk full); nothing was changed. The message says what to do."""


@dataclass(frozen=True)
class OpenedStore:
    """A store ready to use, and what had to be done to open it."""

    store: ChatStore
    notice: str = ""  # for the user; empty when nothing unusual happened
    damaged_copy: Path | None = None
    restored_from: Path | None = None


def store_file(data_dir: Path) -> Path:
    """Where the chat database lives in a data folder."""
    return data_dir / DB_FILE


def backup_folder(data_dir: Path) -> Path:
    return data_dir / BACKUP_FOLDER


def _sqlite_problems(conn: sqlite3.Connection) -> list[str]:
    rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check")]
    return [] if rows == ["ok"] else rows[:5]


def database_problems(path: Path, *, have_backups: bool = True) -> list[str]:
    """What is wrong with the database file at ``path``; ``[]`` when it is sound or absent.

    An empty file is a problem only when there are backups to restore (a fresh install can
    leave an empty file behind when it is stopped at the very first start).
    """
    if not path.exists():
        return []
    size = path.stat().st_size
    if size == 0 and not have_backups:
        return []
    if size < MIN_DB_BYTES and not Path(str(path) + "-wal").exists():
        return [f"the file is truncated ({size} bytes)"]
    try:
        conn = connect(path)
    except sqlite3.DatabaseError as exc:
        return _damage(path, exc)
    try:
        return _sqlite_problems(conn)
    except sqlite3.DatabaseError as exc:
        return _damage(path, exc)
    finally:
        conn.close()


def is_damage(exc: sqlite3.Error) -> bool:
    """Whether an SQLite error means the file is damaged (not busy, full, unreadable...)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))


def _damage(path: Path, exc: sqlite3.Error) -> list[str]:
    """The problem, when ``exc`` is damage; raises :class:`StoreUnavailableError` if not."""
    if is_damage(exc):
        return [str(exc)]
    raise StoreUnavailableError(
        f"Slice cannot open the chat database '{path}': {exc}. Nothing was changed; check "
        "the disk and the file's permissions, then start Slice again."
    ) from exc


def backup_problems(path: Path) -> list[str]:
    """Like :func:`database_problems` for a backup, opened read-only without changing it."""
    try:
        conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    except sqlite3.Error as exc:
        return [str(exc)]
    try:
        problems = _sqlite_problems(conn)
        if not problems and conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'migrations'"
        ).fetchone() is None:
            problems = ["not a Slice chat database"]
        return problems
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    finally:
        conn.close()


def list_backups(folder: Path) -> list[Path]:
    """Backups in ``folder``, newest first."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if _BACKUP_NAME.match(p.name)]
    return sorted(found, key=lambda p: p.name, reverse=True)


def move_aside(path: Path, now: float | None = None) -> Path:
    """Rename a damaged database (and its WAL/shm files) to ``<name>.damaged-<time>``."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
        n += 1
    for suffix in _SIDECARS:
        side = Path(str(path) + suffix)
        if side.exists():
            side.replace(Path(str(target) + suffix))
    replace_durably(path, target)
    return target


def _copy_database(source: sqlite3.Connection, target: Path) -> None:
    """Copy ``source`` into a new file ``target`` with the backup API, checked and synced."""
    partial = target.with_name(f".{target.name}.part")
    partial.unlink(missing_ok=True)
    dest = sqlite3.connect(str(partial))
    try:
        source.backup(dest)
        problems = _sqlite_problems(dest)
    finally:
        dest.close()
    if problems:
        partial.unlink(missing_ok=True)
        raise sqlite3.DatabaseError("the copy failed its check: " + "; ".join(problems))
    fsync_file(partial)
    replace_durably(partial, target)


def make_backup(db_path: Path, folder: Path, now: float | None = None) -> Path:
    """Back up the database at ``db_path`` into ``folder``; keeps the newest few.

    Safe while the app writes (its own connection; WAL lets it read a consistent snapshot).
    """
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(".chats-*.part"):  # left by a backup that was interrupted
        stale.unlink(missing_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    target = folder / f"chats-{stamp}.db"
    n = 1
    while target.exists():
        target = folder / f"chats-{stamp}-{n}.db"
        n += 1
    source = connect(db_path)
    try:
        _copy_database(source, target)
    finally:
        source.close()
    for old in list_backups(folder)[KEEP_BACKUPS:]:
        old.unlink(missing_ok=True)
    return target


def backup_due(folder: Path, now: float | None = None) -> bool:
    """Whether the newest backup is older than :data:`BACKUP_INTERVAL_S` (or there is none)."""
    backups = list_backups(folder)
    if not backups:
        return True
    now = time.time() if now is None else now
    return now - backups[0].stat().st_mtime >= BACKUP_INTERVAL_S


def start_backup_if_due(data_dir: Path) -> threading.Thread | None:
    """Back up the chat database in a background thread when a backup is due."""
    folder = backup_folder(data_dir)
    if not backup_due(folder) or not store_file(data_dir).exists():
        return None

    def run() -> None:
        # A failed backup is retried at the next check; the last good ones stay.
        with contextlib.suppress(OSError, sqlite3.Error):
            make_backup(store_file(data_dir), folder)

    thread = threading.Thread(target=run, name="slice-backup", daemon=True)
    thread.start()
    return thread


def restore_newest_backup(folder: Path, target: Path) -> Path | None:
    """Copy the newest sound backup to ``target`` (which must not exist); returns which one."""
    for backup in list_backups(folder):
        if backup_problems(backup):
            continue
        source = sqlite3.connect(f"file:{backup}?immutable=1", uri=True)
        try:
            _copy_database(source, target)
        except sqlite3.Error:
            continue
        finally:
            source.close()
        return backup
    return None


# The notices after damage, as templates: the window translates them (ui/app_texts.py).
RESTORED = ("The chat database was damaged ({problem}). Slice restored the backup of {when}; "
            "changes made after that backup are not in it. The damaged file was kept as "
            "{damaged}.")
STARTED_NEW = ("The chat database was damaged ({problem}) and no usable backup was found, so "
               "Slice started a new one. The damaged file was kept as {damaged}.")
NOTICES = (RESTORED, STARTED_NEW)


def _when(path: Path) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(path.stat().st_mtime))


def open_chat_store(data_dir: Path, *, recover: bool = True) -> OpenedStore:
    """Open the chat database in ``data_dir``, checking it first.

    With ``recover`` (the app, which holds the single-instance lock) a damaged file is moved
    aside and the newest good backup restored; without it (the command line, which may run
    beside the app) :class:`DamagedStoreError` is raised instead. A database from a newer
    Slice raises :class:`~app.store.schema.NewerSchemaError`; one that cannot be opened for
    another reason (locked by another program for too long, unreadable, disk full) raises
    :class:`StoreUnavailableError`. Only damage ever moves the file.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    path = store_file(data_dir)
    folder = backup_folder(data_dir)
    problems = database_problems(path, have_backups=bool(list_backups(folder)))
    if not problems:
        try:
            return OpenedStore(ChatStore(path))
        except sqlite3.DatabaseError as exc:
            problems = _damage(path, exc)
    if not recover:
        raise DamagedStoreError(
            f"The chat database '{path}' is damaged ({problems[0]}). Start Slice to restore "
            "it from its newest backup."
        )
    damaged = move_aside(path)
    restored = restore_newest_backup(folder, path)
    store = ChatStore(path)
    if restored is not None:
        notice = RESTORED.format(problem=problems[0], when=_when(restored), damaged=damaged)
    else:
        notice = STARTED_NEW.format(problem=problems[0], damaged=damaged)
    return OpenedStore(store, notice, damaged, restored)

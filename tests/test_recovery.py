"""Damaged databases are set aside and restored from backup; backups roll."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from app.store import ChatStore, DamagedStoreError, open_chat_store
from app.store.recovery import (
    KEEP_BACKUPS,
    backup_due,
    backup_folder,
    list_backups,
    make_backup,
    store_file,
)
from app.store.search import search


def fill(store: ChatStore, prefix: str, chats: int = 3) -> list[tuple[int, list[str]]]:
    made = []
    for n in range(chats):
        chat = store.create_chat()
        texts, parent = [], None
        for turn in range(4):
            user, reply = store.start_exchange(chat, parent, f"{prefix} question {n}.{turn}", "M")
            store.finish_message(reply.id, f"{prefix} answer {n}.{turn}", "done")
            texts += [user.content, f"{prefix} answer {n}.{turn}"]
            parent = reply.id
        made.append((chat, texts))
    return made


def contents(store: ChatStore) -> set[str]:
    return {m.content for chat in store.chat_ids() for m in store.chat_messages(chat)}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


def backed_up_store(data: Path) -> tuple[set[str], set[str]]:
    """A store with chats, a backup, then more chats; returns (in backup, after backup)."""
    store = open_chat_store(data).store
    fill(store, "early")
    before = contents(store)
    make_backup(store_file(data), backup_folder(data))
    fill(store, "late", chats=1)
    after = contents(store) - before
    store.close()
    return before, after


def damage_garbage(path: Path) -> None:
    path.write_bytes(os.urandom(path.stat().st_size))


def damage_half(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


def damage_header(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.write(b"\0" * 100)


def damage_empty(path: Path) -> None:
    path.write_bytes(b"")


def damage_tail(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size - 4096)


@pytest.mark.parametrize(
    "damage", [damage_garbage, damage_half, damage_header, damage_empty, damage_tail]
)
def test_a_damaged_database_is_kept_and_the_backup_restored(data: Path, damage) -> None:
    in_backup, _after = backed_up_store(data)
    path = store_file(data)
    damage(path)
    damaged_bytes = path.read_bytes()

    opened = open_chat_store(data)
    store = opened.store
    assert opened.damaged_copy is not None and opened.restored_from is not None
    assert opened.damaged_copy.read_bytes() == damaged_bytes  # kept as it was, never deleted
    assert "damaged" in opened.notice and str(opened.damaged_copy) in opened.notice
    assert "restored the backup" in opened.notice
    assert store.quick_check() == []
    assert contents(store) == in_backup  # nothing lost up to the backup
    assert search(store.connection, "early answer")  # the search index came back too
    chat = store.create_chat()  # and it works
    store.start_exchange(chat, None, "after recovery", "M")
    store.close()
    assert open_chat_store(data).notice == ""


def test_without_a_backup_a_new_database_starts_and_the_old_is_kept(data: Path) -> None:
    store = open_chat_store(data).store
    fill(store, "only")
    store.close()
    damage_garbage(store_file(data))
    opened = open_chat_store(data)
    assert opened.restored_from is None and opened.damaged_copy is not None
    assert "no usable backup" in opened.notice
    assert opened.store.chat_ids() == []
    assert opened.damaged_copy.exists()
    opened.store.close()


def test_a_damaged_newest_backup_is_skipped(data: Path) -> None:
    store = open_chat_store(data).store
    fill(store, "first")
    good = make_backup(store_file(data), backup_folder(data), now=time.time() - 100)
    kept = contents(store)
    fill(store, "second")
    bad = make_backup(store_file(data), backup_folder(data))
    store.close()
    damage_garbage(bad)
    damage_garbage(store_file(data))
    opened = open_chat_store(data)
    assert opened.restored_from == good
    assert contents(opened.store) == kept
    opened.store.close()


def test_the_command_line_never_repairs(data: Path) -> None:
    backed_up_store(data)
    damage_garbage(store_file(data))
    before = store_file(data).read_bytes()
    with pytest.raises(DamagedStoreError) as raised:
        open_chat_store(data, recover=False)
    assert "Start Slice to restore it" in str(raised.value)
    assert store_file(data).read_bytes() == before


def test_backups_roll_and_are_consistent_while_writing(data: Path) -> None:
    store = open_chat_store(data).store
    fill(store, "x", chats=1)
    folder = backup_folder(data)
    assert backup_due(folder)
    start = time.time() - 20 * 86400
    made = [make_backup(store_file(data), folder, now=start + day * 86400) for day in range(9)]
    backups = list_backups(folder)
    assert len(backups) == KEEP_BACKUPS
    assert backups == sorted(made[-KEEP_BACKUPS:], reverse=True)
    # Each backup is a whole, checked database, made through SQLite (not a file copy).
    check = sqlite3.connect(f"file:{backups[0]}?immutable=1", uri=True)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert check.execute("SELECT count(*) FROM messages").fetchone()[0] == 8
    check.close()
    os.utime(backups[0], (start, start))
    assert backup_due(folder)
    make_backup(store_file(data), folder)
    assert not backup_due(folder)
    store.close()


def test_an_empty_file_at_first_start_is_not_a_recovery(data: Path) -> None:
    data.mkdir(parents=True)
    store_file(data).write_bytes(b"")
    opened = open_chat_store(data)
    assert opened.notice == "" and opened.store.quick_check() == []
    opened.store.close()


def test_a_locked_database_is_not_mistaken_for_a_damaged_one(
    data: Path, monkeypatch
) -> None:
    from app.store import StoreUnavailableError, database, schema

    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:2])
    monkeypatch.setattr(schema, "KNOWN", schema.KNOWN[:2])
    old = open_chat_store(data).store  # an older Slice's database: a migration is pending
    # Rows as that schema held them (today's code writes columns it did not have).
    old.connection.execute("INSERT INTO chats (id, uuid, created_at, updated_at) "
                           "VALUES (1, 'u-1', 1, 1)")
    old.connection.execute("INSERT INTO messages (chat_id, role, content, created_at, "
                           "updated_at) VALUES (1, 'assistant', 'kept answer', 1, 1)")
    old.close()
    monkeypatch.undo()
    monkeypatch.setattr(database, "BUSY_TIMEOUT_S", 0.2)
    other = sqlite3.connect(store_file(data), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program writes and does not let go
    try:
        with pytest.raises(StoreUnavailableError) as raised:
            open_chat_store(data)
        assert "database is locked" in str(raised.value) and "Nothing was changed" in str(
            raised.value)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert not list(data.glob("chats.db.damaged-*"))
    store = open_chat_store(data).store  # once free, it opens, upgrades and has everything
    assert any("kept answer" in text for text in contents(store))
    store.close()


def test_an_interrupted_backup_leaves_nothing_behind(data: Path) -> None:
    store = open_chat_store(data).store
    folder = backup_folder(data)
    folder.mkdir(parents=True)
    (folder / ".chats-20250101-000000.db.part").write_bytes(b"half a backup")
    make_backup(store_file(data), folder)
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []
    assert len(list_backups(folder)) == 1
    store.close()

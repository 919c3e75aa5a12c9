"""Conversation KV snapshots spilled to disk: restored right, private, within budget, and
every failure (damaged file, full disk, unwritable folder) only costs a re-process.

The engine tests run the real SmolLM2 greedily; the store's own rules are checked on its
real files with arbitrary bytes. What outlives the process (restarts, other models and
settings, deletion) is in test_snapshot_restart.py.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from inference import snapshot_disk
from inference.engine import Engine
from inference.events import ChatMessage, ChatRequest, Done, LoadSettings, Token
from inference.host_client import HostClient
from inference.prompt_cache import Turn
from inference.snapshot_disk import SnapshotDisk, SnapshotKey, sweep_stale
from inference.snapshot_files import file_name
from tests.conftest import stream_reply
from tests.test_engine_speed_features import request

MB = 1024 * 1024
# One thread: the replies are short, and a busy 2-core machine stalls llama.cpp's thread
# barrier far more than it slows one thread.
LOAD = LoadSettings(n_ctx=1024, n_threads=1, n_threads_batch=1)
QUESTION = [ChatMessage("user", "Tell me about owls.")]
OTHER = [ChatMessage("user", "Something else entirely.")]


def key(model: str = "sha256:" + "ab" * 32, kv_type: str = "f16") -> SnapshotKey:
    return SnapshotKey(model=model, kv=(("kv_cache_type", kv_type),), engine="test 1")


def buffer(size: int, fill: int) -> ctypes.Array[ctypes.c_uint8]:
    return (ctypes.c_uint8 * size).from_buffer_copy(bytes([fill]) * size)


def tokens(n: int) -> np.ndarray:
    return np.arange(n, dtype=np.intc)


def files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


# -- the store on its own ----------------------------------------------------------------


def test_spilled_files_are_private_checked_and_least_recently_used_go_first(
    tmp_path: Path,
) -> None:
    disk = SnapshotDisk()
    disk.configure(str(tmp_path), MB, key())
    assert disk.put("A", buffer(1000, 1), 1000, tokens(10), used_at=1000.0)
    entry = disk.used_bytes  # header, metadata, tokens and state
    disk.set_budget(2 * entry + entry // 2)
    assert disk.put("B", buffer(1000, 2), 1000, tokens(10), used_at=2000.0)
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o700
    assert [stat.S_IMODE(p.stat().st_mode) for p in files(tmp_path)] == [0o600, 0o600]
    assert disk.put("C", buffer(1000, 3), 1000, tokens(10), used_at=3000.0)  # A goes
    assert "A" not in disk and "B" in disk and "C" in disk
    assert len(files(tmp_path)) == 2 and disk.used_bytes == 2 * entry
    # Older than every file there: it would push out newer ones, so it is not written.
    assert not disk.put("Z", buffer(1000, 9), 1000, tokens(10), used_at=500.0)
    assert "B" in disk and "Z" not in disk
    taken = disk.take("B")
    assert taken is not None
    assert taken.size == 1000 and bytes(taken.data) == bytes([2]) * 1000
    assert taken.tokens.tolist() == list(range(10))
    assert len(files(tmp_path)) == 1 and disk.take("B") is None  # read back means deleted
    assert not disk.put("D", buffer(3 * entry, 4), 3 * entry, tokens(1))  # over the budget
    assert "C" in disk
    disk.configure(str(tmp_path), 2 * entry, key(model="sha256:" + "cd" * 32))
    assert "C" in disk  # another model's file stays until it is read (or ages out)...
    assert disk.take("C") is None and "C" not in disk  # ...and is refused, then deleted
    disk.put("E", buffer(1000, 5), 1000, tokens(10))
    assert disk.clear().files == 1
    assert not files(tmp_path)


def test_the_folder_is_listed_once_per_key_and_files_gone_behind_its_back_do_not_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The engine configures the disk on every request: the folder's listing is not redone.
    listed: list[Path] = []
    real_listing = snapshot_disk.snapshot_files

    def listing(root: Path) -> Iterator[tuple[Path, os.stat_result]]:
        listed.append(root)
        return real_listing(root)

    monkeypatch.setattr(snapshot_disk, "snapshot_files", listing)
    disk = SnapshotDisk()
    disk.configure(str(tmp_path), MB, key())
    assert disk.put("A", buffer(1000, 1), 1000, tokens(10), used_at=1000.0)
    entry = disk.used_bytes
    for _ in range(3):  # three requests
        disk.configure(str(tmp_path), 2 * entry, key())
    assert disk.put("B", buffer(1000, 2), 1000, tokens(10), used_at=2000.0)
    assert disk.put("C", buffer(1000, 3), 1000, tokens(10), used_at=3000.0)  # A goes
    assert listed == [tmp_path]
    assert disk.used_bytes == 2 * entry and "A" not in disk
    # Deleted by someone else: neither file stands in the way of one used before both, and
    # B is simply not there (its history is processed again).
    for name in ("B", "C"):
        (tmp_path / file_name(name)).unlink()
    assert disk.put("D", buffer(1000, 4), 1000, tokens(10), used_at=1500.0)
    assert "D" in disk and disk.take("B") is None
    # Another key (another model, other KV settings): the folder is listed again.
    (tmp_path / file_name("E")).write_bytes(b"x" * entry)  # another process's file
    disk.configure(str(tmp_path), 2 * entry, key(kv_type="q8_0"))
    assert listed == [tmp_path, tmp_path] and disk.used_bytes == 2 * entry


def test_files_another_process_writes_count_against_the_budget(tmp_path: Path) -> None:
    # Two hosts on one folder (the window's and `slice-chat serve`'s): each sees the other's
    # files at its next request, so together they stay within the budget.
    first, second = SnapshotDisk(), SnapshotDisk()
    first.configure(str(tmp_path), MB, key())
    assert first.put("A", buffer(1000, 1), 1000, tokens(10), used_at=1000.0)
    entry = first.used_bytes
    second.configure(str(tmp_path), 2 * entry, key())
    assert second.used_bytes == entry  # listed: A is there
    assert second.put("B", buffer(1000, 2), 1000, tokens(10), used_at=2000.0)
    first.configure(str(tmp_path), 2 * entry, key())  # the first host's next request
    assert first.used_bytes == 2 * entry
    assert first.put("C", buffer(1000, 3), 1000, tokens(10), used_at=3000.0)  # A goes
    assert sorted(p.name for p in files(tmp_path)) == sorted(
        file_name(n) for n in ("B", "C"))
    second.configure(str(tmp_path), 2 * entry, key())
    assert second.used_bytes == 2 * entry and "A" not in second


def test_a_budget_of_zero_turns_the_disk_off_and_leaves_the_folder_alone(
    tmp_path: Path,
) -> None:
    disk = SnapshotDisk()
    disk.configure(str(tmp_path), MB, key())
    assert disk.put("A", buffer(1000, 1), 1000, tokens(10))
    disk.configure(str(tmp_path), 0, key())  # (another process may still use the folder)
    assert not disk.put("B", buffer(1000, 1), 1000, tokens(10))
    assert disk.take("A") is None and len(files(tmp_path)) == 1
    disk.configure(str(tmp_path), MB, key())
    assert disk.take("A") is not None


@pytest.mark.parametrize("damage", ["flip", "truncate", "append", "header"])
def test_a_damaged_file_is_refused_and_deleted(tmp_path: Path, damage: str) -> None:
    disk = SnapshotDisk()
    disk.configure(str(tmp_path), MB, key())
    assert disk.put("A", buffer(5000, 7), 5000, tokens(50))
    (path,) = files(tmp_path)
    raw = bytearray(path.read_bytes())
    if damage == "flip":
        raw[-100] ^= 0x01
    elif damage == "truncate":
        raw = raw[:-10]
    elif damage == "append":
        raw += b"\0"
    else:
        raw[0:8] = b"NOTSLICE"
    path.write_bytes(bytes(raw))
    assert disk.take("A") is None
    assert not path.exists()


def test_a_full_disk_loses_the_snapshot_and_leaves_no_file(tmp_path: Path) -> None:
    disk = SnapshotDisk()
    disk.configure(str(tmp_path), 64 * MB, key())
    # The kernel refuses to grow any file past 64 KB: the write fails half-way (EFBIG).
    previous_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    limits = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (65536, limits[1]))
    try:
        written = disk.put("A", buffer(MB, 1), MB, tokens(10))
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)
        signal.signal(signal.SIGXFSZ, previous_handler)
    assert not written and "A" not in disk and not files(tmp_path)
    assert disk.put("A", buffer(MB, 1), MB, tokens(10))  # space again: it works again


def test_what_dead_processes_left_is_swept(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        for pid in (dead.pid, alive.pid, os.getpid()):
            # The per-process folders of earlier versions, and half-written files.
            (tmp_path / str(pid)).mkdir()
            (tmp_path / str(pid) / "x.kv").write_bytes(b"secret")
            (tmp_path / f"abc.kv.{pid}.tmp").write_bytes(b"half")
        (tmp_path / "notes").mkdir()  # not ours: left alone
        assert sorted(sweep_stale(tmp_path)) == sorted(
            [tmp_path / str(dead.pid), tmp_path / f"abc.kv.{dead.pid}.tmp"])
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
            [str(alive.pid), str(os.getpid()), "notes", f"abc.kv.{alive.pid}.tmp",
             f"abc.kv.{os.getpid()}.tmp"]
        )
    finally:
        alive.kill()
        alive.wait()
    SnapshotDisk().configure(str(tmp_path), MB, key())  # sweeps on first use
    assert not (tmp_path / str(alive.pid)).exists()
    assert not (tmp_path / f"abc.kv.{alive.pid}.tmp").exists()


def test_the_disk_budget_is_a_setting(qtbot: QtBot, tmp_path: Path) -> None:
    from app.settings import Settings, load_settings, save_settings
    from ui.load_settings_dialog import LoadSettingsDialog

    assert Settings().snapshot_disk_mb == 2048
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": 2, "snapshot_disk_mb": -1}')
    assert load_settings(bad).snapshot_disk_mb == 2048  # out of range: the default
    dialog = LoadSettingsDialog(Settings())
    qtbot.addWidget(dialog)
    assert dialog.snapshot_disk.value() == 2048
    dialog.snapshot_disk.setValue(0)  # off
    edited = dialog.settings()
    assert edited.snapshot_disk_mb == 0
    save_settings(tmp_path / "settings.json", edited)
    assert load_settings(tmp_path / "settings.json").snapshot_disk_mb == 0


# -- the engine, on the real model ---------------------------------------------------------


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    engine = Engine()
    yield engine
    engine.close()


@dataclass(frozen=True)
class Reference:
    """A's second turn computed without any spilling."""

    history: list[ChatMessage]
    first_turn: Turn
    kept: list[int]  # reply tokens when A never left the context
    reprocessed: list[int]  # reply tokens when A's state was dropped while B ran
    reprocessed_cached: int


@pytest.fixture(scope="module")
def reference(engine: Engine, smollm_path: str) -> Reference:
    engine.forget_cache()
    reply, _, _ = stream_reply(engine, request(smollm_path, QUESTION, 12, "A", load=LOAD))
    first_turn = engine._turns["A"]
    history = [*QUESTION, ChatMessage("assistant", reply), ChatMessage("user", "Where?")]
    stream_reply(engine, request(smollm_path, history, 12, "A", load=LOAD))
    kept = list(engine._turns["A"].reply_tokens)
    nowhere = {"snapshot_budget_mb": 0, "load": LOAD}
    leave_a(engine, smollm_path, nowhere)
    _, _, done = stream_reply(engine, request(smollm_path, history, 12, "A", **nowhere))
    reprocessed = list(engine._turns["A"].reply_tokens)
    engine.forget_cache()
    return Reference(history, first_turn, kept, reprocessed, done.stats.cached_tokens)


def spill(folder: Path, ram_mb: int = 0) -> dict[str, object]:
    return {
        "snapshot_budget_mb": ram_mb, "snapshot_disk_mb": 64, "snapshot_dir": str(folder),
        "load": LOAD,
    }


def leave_a(engine: Engine, path: str, extra: dict[str, object]) -> None:
    """A's first turn, then a visit to B: A's state goes wherever ``extra`` sends it."""
    engine.forget_cache()
    stream_reply(engine, request(path, QUESTION, 12, "A", **extra))
    stream_reply(engine, request(path, OTHER, 4, "B", **extra))


def test_returning_to_a_chat_restores_it_from_disk(
    engine: Engine, smollm_path: str, reference: Reference, tmp_path: Path
) -> None:
    extra = spill(tmp_path)
    leave_a(engine, smollm_path, extra)
    assert "A" not in engine._snapshots and "A" in engine._snapshots.disk  # no RAM at all
    (saved,) = files(tmp_path)
    assert saved.parent == tmp_path and saved.suffix == ".kv"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    _, _, done = stream_reply(engine, request(smollm_path, reference.history, 12, "A", **extra))
    # A's whole first turn came back: only the new question was processed.
    first = reference.first_turn
    assert done.stats.cached_tokens >= len(first.prompt_tokens) + len(first.reply_tokens) - 1
    assert done.stats.cached_tokens > reference.reprocessed_cached
    # The state from disk is bit for bit the one left behind.
    assert list(engine._turns["A"].reply_tokens) == reference.kept
    assert not saved.exists()  # back in the context: the file is gone
    assert "B" in engine._snapshots.disk  # B went out when A came back
    engine.forget_cache()
    assert not files(tmp_path)


def test_ram_evicts_to_disk_and_both_restore(
    engine: Engine, smollm_path: str, tmp_path: Path
) -> None:
    # RAM holds A (about 1 MB) alone, not three chats: leaving B, then C pushes A out to disk.
    extra = spill(tmp_path, ram_mb=2)
    leave_a(engine, smollm_path, extra)
    assert "A" in engine._snapshots and not files(tmp_path)
    for name in ("C", "D"):
        stream_reply(
            engine, request(smollm_path, [ChatMessage("user", f"Hi {name}.")], 4, name, **extra))
    assert "A" in engine._snapshots.disk and "A" not in engine._snapshots
    assert "C" in engine._snapshots
    for name, messages in (("A", QUESTION), ("B", OTHER)):
        _, _, done = stream_reply(engine, request(smollm_path, messages, 1, name, **extra))
        assert done.stats.cached_tokens == done.stats.prompt_tokens - 1, name
    engine.forget_cache()


@pytest.mark.parametrize("damage", ["corrupt", "bad_state", "unwritable"])
def test_a_spill_that_fails_falls_back_to_reprocessing(
    engine: Engine, smollm_path: str, reference: Reference, tmp_path: Path, damage: str
) -> None:
    folder = tmp_path / "snapshots"
    if damage == "unwritable":
        (tmp_path / "file").write_text("a file where a folder should be")
        folder = tmp_path / "file" / "snapshots"
    extra = spill(folder)
    leave_a(engine, smollm_path, extra)
    disk = engine._snapshots.disk
    if damage != "unwritable":
        (saved,) = files(folder)
        raw = saved.read_bytes()
        if damage == "corrupt":  # (truncated and other damaged files: see above)
            saved.write_bytes(raw[:-5000] + bytes([raw[-5000] ^ 0xFF]) + raw[-4999:])
        else:
            # A well-formed file whose state llama.cpp cannot read: set_data fails.
            taken = disk.take("A")
            assert taken is not None
            assert disk.put("A", taken.data, taken.size - 4096, taken.tokens, taken.meta)
    assert ("A" in disk) == (damage != "unwritable")
    _, _, done = stream_reply(engine, request(smollm_path, reference.history, 12, "A", **extra))
    assert "A" not in disk and not list(folder.glob("*.tmp"))
    reply = list(engine._turns["A"].reply_tokens)
    if damage == "bad_state":
        # The half-restored sequence was cleared: the reply is the one computed from scratch.
        assert done.stats.cached_tokens == 0
        engine.forget_cache()
        engine._turns["A"] = reference.first_turn
        stream_reply(engine, request(smollm_path, reference.history, 12, "A", load=LOAD))
        assert reply == list(engine._turns["A"].reply_tokens)
    else:
        # Exactly what re-processing gives when nothing was kept.
        assert done.stats.cached_tokens == reference.reprocessed_cached
        assert reply == reference.reprocessed
    engine.forget_cache()


def test_a_killed_host_leaves_its_spilled_files_for_the_next_one(
    smollm_path: str, tmp_path: Path,
) -> None:
    client = HostClient()

    def chat(messages: list[ChatMessage], name: str) -> Done:
        req = request(smollm_path, messages, 8, name, **spill(tmp_path))
        req = ChatRequest.from_dict(req.to_dict())  # the wire format keeps the fields
        assert req.snapshot_dir == str(tmp_path) and req.snapshot_disk_mb == 64
        events = list(client.chat(req))
        assert any(isinstance(e, Token) for e in events), events[-1]
        done = events[-1]
        assert isinstance(done, Done)
        return done

    try:
        chat(QUESTION, "A")
        chat(OTHER, "B")
        first = client.pid
        assert first is not None
        (saved,) = files(tmp_path)  # A, spilled when B came (no RAM budget)
        os.kill(first, signal.SIGKILL)  # a crash: B, in the context, is lost
        deadline = time.monotonic() + 30
        while client.pid is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert saved.exists()
        done = chat([*QUESTION, ChatMessage("assistant", "x"), ChatMessage("user", "y")], "A")
        assert done.stats.restored_from == "disk" and not saved.exists()
        assert client.pid not in (None, first)
    finally:
        client.close()

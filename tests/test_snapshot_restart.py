"""KV snapshots that outlive the process: a chat reopened after a restart (or a model
unload) restores its cache and replies as if nothing had happened; a file from another
model, other KV settings, a damaged, truncated or foreign file and a full disk only mean
the history is processed again (with a log line); the budget holds across restarts; a
deleted chat and a cleared cache take their files with them.

Real SmolLM2 (and Gemma 3 for "another model"), greedy, one thread; real host processes
for the restart itself.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from inference.engine import Engine
from inference.events import ChatMessage, ChatRequest, Done, LoadSettings, Stats, Token
from inference.host_client import HostClient
from inference.snapshot_disk import SnapshotDisk
from inference.snapshot_files import file_name
from tests.conftest import stream_reply
from tests.test_engine_speed_features import request
from tests.test_snapshot_disk import buffer, files, key, tokens

MB = 1024 * 1024
LOAD = LoadSettings(n_ctx=1024, n_threads=1, n_threads_batch=1)
QUESTION = [ChatMessage("system", "You are a concise assistant."),
            ChatMessage("user", "Tell me about owls.")]


def disk(folder: Path, load: LoadSettings = LOAD, **extra: object) -> dict[str, object]:
    return {"snapshot_dir": str(folder), "snapshot_disk_mb": 64, "load": load, **extra}


def kv_files(folder: Path) -> list[Path]:
    return [p for p in files(folder) if p.suffix == ".kv"]


def host_reply(client: HostClient, req: ChatRequest) -> tuple[str, Done]:
    text, done = [], None
    for event in client.chat(req):
        if isinstance(event, Token):
            text.append(event.text)
        elif isinstance(event, Done):
            done = event
    assert done is not None, "the reply did not end with Done"
    return "".join(text), done


# -- the restart itself, through real host processes ----------------------------------------


def test_a_chat_reopened_after_a_restart_restores_its_cache_and_replies_the_same(
    smollm_path: str, tmp_path: Path,
) -> None:
    def turn(client: HostClient, messages: list[ChatMessage], folder: Path) -> tuple[str, Done]:
        return host_reply(client, request(smollm_path, messages, 12, "chat-1", **disk(folder)))

    # Never restarted: both turns in one host.
    client = HostClient()
    try:
        first, _ = turn(client, QUESTION, tmp_path / "once")
        history = [*QUESTION, ChatMessage("assistant", first), ChatMessage("user", "Where?")]
        kept_text, kept = turn(client, history, tmp_path / "once")
    finally:
        client.close()

    folder = tmp_path / "restarted"
    client = HostClient()
    try:
        again, _ = turn(client, QUESTION, folder)
    finally:
        client.close()  # the app quits: the host writes the chat's cache as it exits
    assert again == first
    (saved,) = kv_files(folder)
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    client = HostClient()  # a new process, with nothing in memory
    try:
        text, done = turn(client, history, folder)
        assert done.stats.restored_from == "disk"
        assert "restored from disk" in done.stats.summary()
        # The whole first turn came back, exactly as the host that never restarted had it,
        # and the reply is the same, token for token.
        assert done.stats.cached_tokens == kept.stats.cached_tokens > 20
        assert text == kept_text
        assert not saved.exists()  # back in the context: the file is gone...
    finally:
        client.close()
    assert kv_files(folder) == [saved]  # ...and written again when this host exits
    assert kept.stats.restored_from == ""  # (a chat that never left says nothing)


# -- what only means re-processing -----------------------------------------------------------


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    engine = Engine()
    yield engine
    engine.close()


@dataclass(frozen=True)
class Saved:
    """Chat A's snapshot as an unload left it, and the next turn's cold reply."""

    file: bytes
    history: list[ChatMessage]
    kept: str  # the next turn's reply when the model was never unloaded
    cold: dict[str, str]  # the next turn's reply with nothing cached, by model/settings


def cold_reply(engine: Engine, path: str, history: list[ChatMessage],
               load: LoadSettings = LOAD) -> str:
    engine.close()
    text, _, done = stream_reply(engine, request(path, history, 12, "cold", load=load))
    assert done.stats.cached_tokens == 0
    engine.close()
    return text


@pytest.fixture(scope="module")
def saved(engine: Engine, smollm_path: str, gemma_path: str,
          tmp_path_factory: pytest.TempPathFactory) -> Saved:
    folder = tmp_path_factory.mktemp("saved")
    engine.close()
    first, _, _ = stream_reply(engine, request(smollm_path, QUESTION, 12, "A", **disk(folder)))
    engine.close()  # the model is unloaded: A's cache goes to the folder
    (path,) = kv_files(folder)
    history = [*QUESTION, ChatMessage("assistant", first), ChatMessage("user", "Where?")]
    q8 = LOAD.model_copy(update={"kv_cache_type": "q8_0"})
    stream_reply(engine, request(smollm_path, QUESTION, 12, "kept"))
    kept, _, _ = stream_reply(engine, request(smollm_path, history, 12, "kept"))
    engine.close()
    return Saved(path.read_bytes(), history, kept, {
        "smollm": cold_reply(engine, smollm_path, history),
        "gemma": cold_reply(engine, gemma_path, history),
        "q8_0": cold_reply(engine, smollm_path, history, q8),
    })


def place(saved: Saved, folder: Path, conversation: str = "A") -> Path:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / file_name(conversation)
    path.write_bytes(saved.file)
    os.chmod(path, 0o600)
    return path


def test_after_an_unload_the_saved_cache_is_restored(
    engine: Engine, smollm_path: str, saved: Saved, tmp_path: Path,
) -> None:
    path = place(saved, tmp_path)
    text, _, done = stream_reply(engine, request(smollm_path, saved.history, 12, "A",
                                                 **disk(tmp_path)))
    assert done.stats.restored_from == "disk" and done.stats.cached_tokens > 20
    assert text == saved.kept  # as if the model had never been unloaded
    assert not path.exists()
    engine.close()


@pytest.mark.parametrize("case", ["gemma", "q8_0", "truncated", "altered", "foreign"])
def test_a_file_that_does_not_fit_only_means_reprocessing(
    engine: Engine, smollm_path: str, gemma_path: str, saved: Saved, tmp_path: Path,
    case: str, caplog: pytest.LogCaptureFixture,
) -> None:
    load, model, reference = LOAD, smollm_path, saved.cold["smollm"]
    path = place(saved, tmp_path)
    why = {"gemma": "another model file", "q8_0": "other KV cache settings",
           "truncated": "truncated", "altered": "damaged", "foreign": "another conversation"}
    if case == "gemma":
        model, reference = gemma_path, saved.cold["gemma"]
    elif case == "q8_0":
        load = LOAD.model_copy(update={"kv_cache_type": "q8_0"})
        reference = saved.cold["q8_0"]
    elif case == "truncated":
        path.write_bytes(saved.file[: len(saved.file) // 2])
    elif case == "altered":
        raw = bytearray(saved.file)
        raw[len(raw) // 2] ^= 0x40
        path.write_bytes(bytes(raw))
    else:  # A's file, found where Z's should be
        path = path.rename(tmp_path / file_name("Z"))
    conversation = "Z" if case == "foreign" else "A"
    engine.close()
    with caplog.at_level(logging.INFO, logger="inference"):
        text, _, done = stream_reply(engine, request(model, saved.history, 12, conversation,
                                                     **disk(tmp_path, load)))
    assert done.stats.restored_from == "" and done.stats.cached_tokens == 0
    assert text == reference  # exactly what processing the history from scratch gives
    assert not path.exists()  # refused and deleted
    assert any(why[case] in r.getMessage() and "processed again" in r.getMessage()
               for r in caplog.records), [r.getMessage() for r in caplog.records]
    engine.close()


@contextlib.contextmanager
def small_disk(folder: Path, size: str) -> Iterator[Path]:
    """A real filesystem of ``size`` at ``folder`` (a tmpfs; needs root)."""
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs",
                              str(folder)], capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def test_a_full_disk_only_means_reprocessing(
    engine: Engine, smollm_path: str, saved: Saved, tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with small_disk(tmp_path / "small", "128k") as folder:
        (folder / "filler").write_bytes(b"\0" * 64 * 1024)
        engine.close()
        extra = disk(folder)
        first, _, _ = stream_reply(engine, request(smollm_path, QUESTION, 12, "A", **extra))
        with caplog.at_level(logging.INFO, logger="inference"):
            engine.close()  # A's cache (about a megabyte) does not fit: nothing is kept
        assert not kv_files(folder) and not list(folder.glob("*.tmp"))
        assert any("could not write" in r.getMessage() for r in caplog.records)
        history = [*QUESTION, ChatMessage("assistant", first), ChatMessage("user", "Where?")]
        text, _, done = stream_reply(engine, request(smollm_path, history, 12, "A", **extra))
        assert done.stats.restored_from == "" and done.stats.cached_tokens == 0
        assert text == saved.cold["smollm"]
        engine.close()


# -- the budget across restarts ------------------------------------------------------------


def test_the_disk_budget_holds_across_restarts(tmp_path: Path) -> None:
    first = SnapshotDisk()  # one process...
    first.configure(str(tmp_path), 64 * MB, key())
    for i, name in enumerate("ABC"):
        assert first.put(name, buffer(10_000, i), 10_000, tokens(100), used_at=1000.0 + i)
    entry = first.used_bytes // 3
    later = SnapshotDisk()  # ...and the next one, with a smaller budget: the oldest go
    later.configure(str(tmp_path), 2 * entry, key())
    assert "A" not in later and "B" in later and "C" in later
    assert later.put("D", buffer(10_000, 9), 10_000, tokens(100), used_at=2000.0)
    assert "B" not in later and "C" in later and "D" in later
    assert later.used_bytes <= 2 * entry and len(files(tmp_path)) == 2


def test_an_unload_keeps_the_most_recent_chats_within_the_budget(
    engine: Engine, smollm_path: str, tmp_path: Path,
) -> None:
    engine.close()
    size = {}
    for name in ("A", "B", "C"):
        messages = [ChatMessage("user", f"Tell me about {name}, please, in a few words.")]
        stream_reply(engine, request(smollm_path, messages, 12, name, **disk(tmp_path)))
    engine.close()
    size = {p.name: p.stat().st_size for p in kv_files(tmp_path)}
    assert set(size) == {file_name(n) for n in "ABC"}  # RAM held A and B, C was the context
    # Room for two: the next unload keeps the two used last (C, then B), not A.
    budget_mb = -(-(size[file_name("B")] + size[file_name("C")]) // MB)
    for path in kv_files(tmp_path):
        path.unlink()
    for name in ("A", "B", "C"):
        messages = [ChatMessage("user", f"Tell me about {name}, please, in a few words.")]
        extra = disk(tmp_path, snapshot_disk_mb=budget_mb)
        stream_reply(engine, request(smollm_path, messages, 12, name, **extra))
    engine.close()
    kept = {p.name for p in kv_files(tmp_path)}
    if budget_mb * MB >= sum(size.values()):
        pytest.skip("the three snapshots fit the smallest budget in whole megabytes")
    assert kept == {file_name("B"), file_name("C")}


# -- forgetting -------------------------------------------------------------------------------


def test_the_host_forgets_a_deleted_chat_and_a_cleared_cache(
    smollm_path: str, tmp_path: Path,
) -> None:
    client = HostClient()
    extra = disk(tmp_path, snapshot_budget_mb=0)  # every chat left goes to disk at once
    try:
        for name in ("A", "B", "C"):
            host_reply(client, request(smollm_path, [ChatMessage("user", name)], 4, name,
                                       **extra))
        assert {p.name for p in kv_files(tmp_path)} == {file_name("A"), file_name("B")}
        client.forget(["A", "C"])  # A on disk, C in the context
        _, done = host_reply(client, request(smollm_path, [ChatMessage("user", "C")], 4, "C",
                                             **extra))
        assert done.stats.cached_tokens == 0  # C's cache went too
        assert {p.name for p in kv_files(tmp_path)} == {file_name("B")}
    finally:
        client.close()
    assert {p.name for p in kv_files(tmp_path)} == {file_name("B"), file_name("C")}
    client = HostClient()
    try:
        host_reply(client, request(smollm_path, [ChatMessage("user", "D")], 4, "D", **extra))
        client.forget(None)  # the cache cleared
        _, done = host_reply(client, request(smollm_path, [ChatMessage("user", "B")], 4, "B",
                                             **extra))
        assert done.stats.restored_from == "" and done.stats.cached_tokens == 0
        client.forget(None)
    finally:
        client.close()
    assert not kv_files(tmp_path)  # and nothing written again when it exits


def test_forgetting_chats_and_clearing_the_cache_from_the_app(
    qtbot: QtBot, tmp_path: Path,
) -> None:
    from app.chat.bridge import EngineController
    from app.paths import app_paths
    from app.settings import Settings
    from tests.scripted_client import ScriptedHostClient
    from ui.load_settings_dialog import LoadSettingsDialog

    folder = app_paths().snapshots
    folder.mkdir(parents=True, exist_ok=True)
    for chat in (1, 2, 3):
        (folder / file_name(f"chat-{chat}")).write_bytes(b"x" * 1000)
    client = ScriptedHostClient()
    controller = EngineController(client)
    try:
        controller.forget_chats([2])
        assert client.forgotten == [["chat-2"]]
        assert {p.name for p in kv_files(folder)} == {file_name("chat-1"), file_name("chat-3")}
        dialog = LoadSettingsDialog(Settings(), clear_cache=controller.clear_cache)
        qtbot.addWidget(dialog)
        assert dialog.cache_note.text() == "On disk now: 2 chats, 0.0 MB."
        dialog.clear_cache_button.click()
        assert client.forgotten[-1] is None and not kv_files(folder)
        assert dialog.cache_note.text() == "Cleared: 2 chats, 0.0 MB."
    finally:
        controller.shutdown()


def test_the_cache_command_reports_and_clears(
    capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    from app.main import main
    from app.paths import app_paths

    folder = app_paths().snapshots
    assert main(["cache", "info"]) == 0
    assert capsys.readouterr().out.strip() == f"{folder}: nothing."
    folder.mkdir(parents=True, exist_ok=True)
    (folder / file_name("chat-7")).write_bytes(b"x" * 2 * MB)
    assert main(["cache", "info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert (info["files"], info["bytes"], info["cleared"]) == (1, 2 * MB, False)
    assert main(["cache", "clear"]) == 0
    assert capsys.readouterr().out.strip() == f"Deleted 1 chat, 2.0 MB from {folder}."
    assert not kv_files(folder)


def test_the_chat_command_keeps_a_cache_on_request(
    smollm_path: str, capsys: pytest.CaptureFixture[str],
) -> None:
    from app.main import main
    from app.paths import app_paths

    system = "You are a careful assistant. " * 20  # a long system prompt, read once
    args = ["chat", "--model", smollm_path, "--system", system, "--max-tokens", "4",
            "--temperature", "0", "--threads", "1", "--threads-batch", "1", "--ctx", "1024",
            "--json", "--keep-cache", "notes"]
    assert main([*args, "--prompt", "Hello."]) == 0
    first = json.loads(capsys.readouterr().out)["stats"]
    assert "restored_from" not in first
    assert len(kv_files(app_paths().snapshots)) == 1
    assert main([*args, "--prompt", "Something else."]) == 0
    second = json.loads(capsys.readouterr().out)["stats"]
    assert second["restored_from"] == "disk" and second["cached_tokens"] > 100


def test_the_stats_say_restored_from_disk(qtbot: QtBot) -> None:
    from ui.stats_bar import StatsBar

    bar = StatsBar()
    qtbot.addWidget(bar)
    bar.set_stats(Stats(prompt_tokens=120, cached_tokens=110, restored_from="disk"))
    assert "110 cached, restored from disk" in bar.text()
    bar.reset()
    bar.set_stats(Stats(prompt_tokens=120, cached_tokens=110))
    assert "restored" not in bar.text()

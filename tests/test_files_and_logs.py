"""The one atomic-write helper and the log file: what a crash or a full disk leaves behind."""

from __future__ import annotations

import errno
import logging
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app.files import OWNER_ONLY, write_atomically
from app.logs import LOG_FILE, setup_logging

ROOT = Path(__file__).resolve().parent.parent


def test_a_write_replaces_the_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "settings.json"
    write_atomically(target, "first")
    write_atomically(target, "second, longer")
    assert target.read_text() == "second, longer"
    assert [p.name for p in target.parent.iterdir()] == ["settings.json"]


def test_a_secret_is_readable_only_by_its_owner(tmp_path: Path) -> None:
    target = tmp_path / "token"
    target.write_text("old")
    target.chmod(0o644)
    write_atomically(target, "s3cret", mode=OWNER_ONLY)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text() == "s3cret"


def test_a_full_disk_leaves_the_old_file_and_no_debris(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "library.json"
    target.write_text("the old library")

    def disk_full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        write_atomically(target, "the new library")
    assert target.read_text() == "the old library"
    assert [p.name for p in tmp_path.iterdir()] == ["library.json"]


def test_a_path_the_user_typed_is_not_invented(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_atomically(tmp_path / "no" / "such" / "chat.md", "text", create_folder=False)
    assert not (tmp_path / "no").exists()


def test_errors_reach_the_log_file_with_their_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # setup_logging installs exception hooks; the monkeypatch puts the test runner's back.
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    path = setup_logging(tmp_path / "logs")
    try:
        assert path == tmp_path / "logs" / LOG_FILE
        try:
            raise ValueError("a bug")
        except ValueError:
            logging.getLogger("app.somewhere").exception("could not do the thing")
        logging.getLogger("app.somewhere").debug("a detail only --verbose shows")
        text = path.read_text()
        assert "could not do the thing" in text and "Traceback" in text
        assert "ValueError: a bug" in text
        assert "a detail only --verbose shows" not in text
        # stderr is the user's: without --verbose nothing of the log reaches it.
        assert capsys.readouterr().err == ""
    finally:
        setup_logging(None)


def test_verbose_shows_debug_messages(tmp_path: Path) -> None:
    env = {**os.environ, "SLICE_HOME": str(tmp_path)}
    quiet = subprocess.run([sys.executable, "-m", "app.main", "export", "--list"], cwd=ROOT,
                           env=env, capture_output=True, text=True, timeout=60)
    verbose = subprocess.run(
        [sys.executable, "-m", "app.main", "--verbose", "export", "--list"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=60,
    )
    assert quiet.returncode == verbose.returncode == 0, verbose.stderr
    assert quiet.stderr == ""  # stderr is the user's: the log stays in its file
    assert "DEBUG" in verbose.stderr
    assert (tmp_path / "logs" / LOG_FILE).is_file()

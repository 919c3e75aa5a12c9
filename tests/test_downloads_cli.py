"""``slice-chat models download`` as a real process against the local hub: killed at 10 %,
50 % and 99 % and restarted, it continues from where it stopped; a full disk pauses it with
the partial file intact; one file is never downloaded by two processes at once."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import time
from pathlib import Path

import pytest

from app.hub.api import local_path, repo_page
from app.hub.sidecar import read_sidecar, sidecar_path
from app.models.files import sha256_of
from app.models.starter import STARTER_SHA256
from app.paths import app_paths
from tests.conftest import launch, new_library, slice_chat
from tests.gguf_factory import write_tiny_model
from tests.hub_server import HubServer

REPO = "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF"
FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def start_download(repo: str, name: str, **popen: object) -> subprocess.Popen[str]:
    return launch("models", "download", repo, name, **popen)


def wait_for_size(path: Path, size: int, proc: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not (path.exists() and path.stat().st_size >= size):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"{path} stayed below {size} bytes"
        time.sleep(0.01)


def test_killed_at_10_50_99_percent_resumes_and_verifies(hub: HubServer, smollm_path: str) -> None:
    hub.add_repo(REPO, {FILE: Path(smollm_path)})
    size = os.path.getsize(smollm_path)
    dest = local_path(app_paths().models, REPO, FILE)
    partial = dest.with_name(dest.name + ".part")
    offsets = [size // 10, size // 2, size * 99 // 100]
    for offset in offsets:
        hub.add_fault("hold", at=offset, path=FILE)  # the server stops sending here
        proc = start_download(REPO, FILE)
        wait_for_size(partial, offset, proc)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        hub.release_holds()
        assert partial.stat().st_size == offset  # everything received was kept
        assert (read_sidecar(sidecar_path(dest)) or {}).get("sha256") == STARTER_SHA256
    finished = start_download(REPO, FILE)
    out, err = finished.communicate(timeout=120)
    assert finished.returncode == 0, err
    assert out.strip() == str(dest) and "Verified (SHA-256)" in err
    # Each run asked for the rest of the file from where the previous one was killed.
    assert [r.range_start for r in hub.file_requests(FILE)] == [None, *offsets]
    assert sha256_of(dest) == STARTER_SHA256
    assert not partial.exists() and not sidecar_path(dest).exists()
    [entry] = new_library().models()
    assert entry.path == str(dest) and entry.sha256 == STARTER_SHA256
    page = repo_page(REPO)
    assert entry.origin_label == f"downloaded from {REPO}@{page.commit[:10]}"
    # Asking again finds it in place: nothing is fetched twice.
    again = slice_chat("models", "download", REPO, FILE)
    assert again.returncode == 0 and again.stdout.strip() == str(dest)
    assert len(hub.file_requests(FILE)) == len(offsets) + 1


def limit_file_size(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_full_disk_pauses_then_resumes(hub: HubServer, tmp_path: Path) -> None:
    model = write_tiny_model(tmp_path / "tiny.gguf")
    hub.add_repo("test/tiny-GGUF", {"tiny-Q8_0.gguf": model.read_bytes()})
    limit = 300_000  # the disk "fills up" when the file reaches this size
    proc = start_download("test/tiny-GGUF", "tiny-Q8_0.gguf",
                          preexec_fn=lambda: limit_file_size(limit))
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert "disk is full" in err and "Free up space, then resume" in err
    dest = local_path(app_paths().models, "test/tiny-GGUF", "tiny-Q8_0.gguf")
    kept = dest.with_name(dest.name + ".part").stat().st_size
    assert 0 < kept <= limit
    assert (read_sidecar(sidecar_path(dest)) or {}).get("state") == "paused"
    assert not dest.exists()
    retry = slice_chat("models", "download", "test/tiny-GGUF", "tiny-Q8_0.gguf")
    assert retry.returncode == 0, retry.stderr
    assert sha256_of(dest) == sha256_of(model)
    assert [r.range_start for r in hub.file_requests("tiny-Q8_0.gguf")][-1] == kept


def test_two_processes_never_download_the_same_file(hub: HubServer, tmp_path: Path) -> None:
    model = write_tiny_model(tmp_path / "tiny.gguf")
    hub.add_repo("test/tiny-GGUF", {"tiny-Q8_0.gguf": model.read_bytes()})
    hub.add_fault("hold", at=100_000)
    first = start_download("test/tiny-GGUF", "tiny-Q8_0.gguf")
    dest = local_path(app_paths().models, "test/tiny-GGUF", "tiny-Q8_0.gguf")
    wait_for_size(dest.with_name(dest.name + ".part"), 100_000, first)
    second = slice_chat("models", "download", "test/tiny-GGUF", "tiny-Q8_0.gguf")
    assert second.returncode == 1 and "already being downloaded" in second.stderr
    hub.release_holds()
    _, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert sha256_of(dest) == sha256_of(model)


def test_cli_search_files_and_bad_names(hub: HubServer, tmp_path: Path) -> None:
    model = write_tiny_model(tmp_path / "tiny.gguf").read_bytes()
    hub.add_repo("test/tiny-GGUF", {"tiny-Q8_0.gguf": model, "tiny-Q4_0.gguf": model},
                 downloads=42,
                 extra_siblings=[{"rfilename": "../../evil.gguf", "size": 1,
                                  "lfs": {"sha256": "0" * 64, "size": 1, "pointerSize": 1}}])
    found = slice_chat("models", "search", "tiny", "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)[0]["repo_id"] == "test/tiny-GGUF"
    curated = slice_chat("models", "search")
    assert "SmolLM2" in curated.stdout and "Mistral" in curated.stdout
    files = slice_chat("models", "files", "test/tiny-GGUF", "--json")
    data = json.loads(files.stdout)
    assert set(data["groups"]) == {"Q8_0", "Q4_0"}
    assert data["groups"]["Q8_0"][0]["fit"] in ("fits", "tight")
    assert any("evil" in s for s in data["skipped"])
    evil = slice_chat("models", "download", "test/tiny-GGUF", "../../evil.gguf")
    assert evil.returncode == 1 and "will not write" in evil.stderr
    missing = slice_chat("models", "download", "test/tiny-GGUF", "nope.gguf")
    assert missing.returncode == 1 and "Available: tiny-Q8_0.gguf, tiny-Q4_0.gguf" in missing.stderr
    unknown = slice_chat("models", "download", "test/missing-GGUF", "x.gguf")
    assert unknown.returncode == 1 and "test/missing-GGUF" in unknown.stderr
    assert hub.file_requests(".gguf") == []


def test_cli_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # the discard port: refused
    result = slice_chat("models", "files", "test/x")
    assert result.returncode == 1 and "Cannot reach the hub" in result.stderr
    assert "still work" in result.stderr

"""Downloads from a local hub (tests/hub_server.py) with the real huggingface_hub client:
every fault ends verified or with a clear message; the queue pauses, resumes, cancels and
never fetches a file twice; names from the hub never escape the model folder."""

from __future__ import annotations

import fcntl
import os
import socket
import time
from pathlib import Path

import pytest

from app.hub.api import (
    HubError,
    RepoPage,
    UnsafeNameError,
    card_summary,
    load_catalog,
    local_path,
    quantization_of,
    repo_page,
    search,
)
from app.hub.downloads import (
    DownloadManager,
    DownloadState,
    DownloadStatus,
)
from app.hub.sidecar import FileSpec, read_sidecar, sidecar_path
from app.hub.token import TokenStore
from app.hub.transfer_errors import TransferPolicy
from app.models.files import sha256_of
from app.paths import app_paths
from tests.conftest import new_library
from tests.gguf_factory import write_tiny_model
from tests.hub_server import HubServer
from tests.keyrings import MemoryKeyring, RefusingKeyring

FAST = TransferPolicy(stall_s=0.5, backoff_base_s=0.05, backoff_max_s=0.2, max_failures=3,
                      reserve_bytes=0)
REPO = "test/tiny-GGUF"
FILE = "tiny-Q8_0.gguf"
README = b"---\nlicense: mit\ntags: [gguf]\n---\n# Tiny\n\nA tiny model for tests.\n\n| a | b |\n"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A real (tiny) GGUF model, ~470 KB."""
    return write_tiny_model(tmp_path_factory.mktemp("tiny") / "tiny.gguf").read_bytes()


def serve(hub: HubServer, tiny: bytes, **options: object) -> RepoPage:
    hub.add_repo(REPO, {FILE: tiny, "README.md": README}, **options)
    return repo_page(REPO)


def specs_for(page: RepoPage, path: str = FILE) -> list[FileSpec]:
    choice = page.choice_for(path)
    assert choice is not None
    return [FileSpec(page.repo_id, f.path, page.commit, f.size, f.sha256) for f in choice.files]


def fetch(page: RepoPage, path: str = FILE, policy: TransferPolicy = FAST,
          token: str | None = None) -> tuple[DownloadStatus, DownloadManager]:
    manager = DownloadManager(new_library(), token=lambda: token, policy=policy)
    keys = manager.enqueue(specs_for(page, path))
    assert manager.wait(keys, timeout=60)
    status = manager.status(keys[0])
    assert status is not None
    return status, manager


def assert_verified(status: DownloadStatus, tiny: bytes) -> None:
    assert status.state == DownloadState.DONE, status.message
    entry = new_library().find(status.model_path)
    assert entry is not None and entry.sha256 == sha256_of(Path(entry.path))
    assert Path(entry.path).read_bytes() == tiny
    assert entry.repo_id == REPO and entry.origin == "downloaded"
    # Nothing left over beside it.
    assert sorted(p.name for p in Path(entry.path).parent.iterdir()) == [FILE]


def ranges(hub: HubServer) -> list[int | None]:
    return [r.range_start for r in hub.file_requests(FILE)]


# -- faults ----------------------------------------------------------------------------------


def test_plain_download_is_verified_and_pinned(hub: HubServer, tiny: bytes) -> None:
    page = serve(hub, tiny)
    status, _ = fetch(page)
    assert_verified(status, tiny)
    entry = new_library().find(status.model_path)
    assert entry is not None and entry.commit == page.commit and entry.license == ""
    assert all(f"/resolve/{page.commit}/" in r.path for r in hub.file_requests(FILE))


def test_connection_reset_resumes_with_range(hub: HubServer, tiny: bytes) -> None:
    page = serve(hub, tiny)
    hub.add_fault("reset", at=200_000)
    status, _ = fetch(page)
    assert_verified(status, tiny)
    assert ranges(hub) == [None, 200_000]


def test_stall_is_treated_as_a_drop(hub: HubServer, tiny: bytes) -> None:
    page = serve(hub, tiny)
    hub.add_fault("stall", at=150_000, seconds=3.0)
    status, _ = fetch(page)
    assert_verified(status, tiny)
    assert ranges(hub) == [None, 150_000]


def test_429_waits_for_retry_after(hub: HubServer, tiny: bytes) -> None:
    page = serve(hub, tiny)
    hub.add_fault("429", seconds=1)
    messages: list[str] = []
    manager = DownloadManager(new_library(), policy=FAST, on_change=lambda: messages.extend(
        s.message for s in manager.statuses()))
    keys = manager.enqueue(specs_for(page, FILE))
    assert manager.wait(keys, timeout=60)
    status = manager.status(keys[0])
    assert status is not None
    assert_verified(status, tiny)
    assert [r.status for r in hub.file_requests(FILE)] == [429, 200]
    # The wait is the server's second, not the policy's 0.05 s backoff.
    assert any("rate-limiting" in m and "Retrying in 1.0 s" in m for m in messages)


def test_full_answer_to_a_range_request(hub: HubServer, tiny: bytes) -> None:
    page = serve(hub, tiny)
    hub.add_fault("reset", at=120_000)
    hub.add_fault("ignore_range")
    status, _ = fetch(page)
    assert_verified(status, tiny)
    second = hub.file_requests(FILE)[1]
    assert second.range_start == 120_000 and second.status == 200


def test_html_error_page_with_status_200(hub: HubServer, tiny: bytes) -> None:
    page = serve(hub, tiny)
    hub.add_fault("html")
    status, _ = fetch(page)
    assert_verified(status, tiny)
    hub.faults.clear()
    new_library().delete(status.model_path)
    hub.add_fault("html", times=-1)
    status, _ = fetch(page)
    assert status.state == DownloadState.FAILED
    assert "web page instead of the file" in status.message and "Gave up" in status.message
    dest = local_path(app_paths().models, REPO, FILE)
    assert not dest.exists() and not sidecar_path(dest).exists()


def test_wrong_bytes_never_enter_the_library(hub: HubServer, tiny: bytes) -> None:
    page = serve(hub, tiny)
    hub.add_fault("wrong_bytes", at=300_000)
    status, _ = fetch(page)
    assert status.state == DownloadState.FAILED
    assert "SHA-256" in status.message and "discarded" in status.message
    assert new_library().models() == []
    folder = local_path(app_paths().models, REPO, FILE).parent
    assert list(folder.iterdir()) == []  # no file, no partial, no sidecar


@pytest.mark.parametrize(
    ("fault", "expected"),
    [("401", "enter an access token"), ("403", "Accept its terms"),
     ("404", "no longer in 'test/tiny-GGUF'")],
)
def test_refusals_say_what_to_do(hub: HubServer, tiny: bytes, fault: str, expected: str) -> None:
    page = serve(hub, tiny)
    hub.add_fault(fault)
    status, _ = fetch(page)
    assert status.state == DownloadState.FAILED and expected in status.message
    assert len(hub.file_requests(FILE)) == 1  # no pointless retries
    assert new_library().models() == []


def test_server_error_is_retried(hub: HubServer, tiny: bytes) -> None:
    page = serve(hub, tiny)
    hub.add_fault("500", times=2)
    status, _ = fetch(page)
    assert_verified(status, tiny)
    assert [r.status for r in hub.file_requests(FILE)] == [500, 500, 200]


def test_offline(hub: HubServer, tiny: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    page = serve(hub, tiny)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    monkeypatch.setenv("HF_ENDPOINT", closed)
    with pytest.raises(HubError, match=r"Cannot reach the hub.*still work"):
        repo_page(REPO)
    status, _ = fetch(page)
    assert status.state == DownloadState.PAUSED and "Cannot reach" in status.message
    # The library still works offline.
    assert new_library().models() == []


def test_gated_repository_needs_a_token(
    hub: HubServer, tiny: bytes, memory_keyring: MemoryKeyring
) -> None:
    page = serve(hub, tiny, gated="manual")
    assert page.gated == "manual"
    status, _ = fetch(page)
    assert status.state == DownloadState.FAILED and "access token" in status.message
    status, _ = fetch(page, token="hf_wrong")
    assert status.state == DownloadState.FAILED and "may not download" in status.message
    hub.tokens.add("hf_good")
    store = TokenStore(app_paths().config)
    store.set("hf_good")
    assert memory_keyring.items == {("Slice", "huggingface-token"): "hf_good"}
    status, _ = fetch(page, token=store.get())
    assert_verified(status, tiny)
    assert hub.file_requests(FILE)[-1].authorization


def test_redirect_to_a_cdn_does_not_leak_the_token(hub: HubServer, tiny: bytes) -> None:
    page = serve(hub, tiny, gated="auto")
    hub.tokens.add("hf_good")
    hub.redirect_files = True
    hub.add_fault("reset", at=250_000)  # on the CDN: the resume goes through the hub again
    status, _ = fetch(page, token="hf_good")
    assert_verified(status, tiny)
    asked = [r for r in hub.log if r.path.endswith(FILE)]
    assert [(r.path.startswith("/cdn/"), r.status, r.range_start) for r in asked] == [
        (False, 302, None), (True, 200, None), (False, 302, 250_000), (True, 206, 250_000)]
    assert all(r.authorization for r in asked if not r.path.startswith("/cdn/"))
    assert not any(r.authorization for r in asked if r.path.startswith("/cdn/"))


def test_private_repository_listing_needs_a_token(hub: HubServer, tiny: bytes) -> None:
    hub.add_repo("test/private-GGUF", {FILE: tiny}, private=True)
    with pytest.raises(HubError) as caught:
        repo_page("test/private-GGUF")
    assert caught.value.kind in ("auth", "not_found") and "token" in caught.value.message
    hub.tokens.add("hf_good")
    assert repo_page("test/private-GGUF", token="hf_good").choices


def test_not_enough_disk_space_before_starting(hub: HubServer, tiny: bytes) -> None:
    giant = {"rfilename": "giant-Q4_0.gguf", "size": 1 << 50,
             "lfs": {"sha256": "0" * 64, "size": 1 << 50, "pointerSize": 134}}
    page = serve(hub, tiny, extra_siblings=[giant])
    status, _ = fetch(page, "giant-Q4_0.gguf", policy=TransferPolicy())
    assert status.state == DownloadState.PAUSED and "Not enough free disk space" in status.message
    assert hub.file_requests("giant-Q4_0.gguf") == []  # nothing was fetched


# -- the queue -------------------------------------------------------------------------------


def wait_for(predicate: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def start_slow_download(hub: HubServer, tiny: bytes, past: int) -> tuple[DownloadManager, str]:
    """Download the tiny model at 200 KB/s; return once more than ``past`` bytes are in."""
    page = serve(hub, tiny)
    hub.throttle_bps = 200_000
    manager = DownloadManager(new_library(), policy=FAST)
    [key] = manager.enqueue(specs_for(page))
    wait_for(lambda: (s := manager.status(key)) is not None and s.done > past)
    return manager, key


def test_pause_resume_and_no_double_download(hub: HubServer, tiny: bytes) -> None:
    manager, key = start_slow_download(hub, tiny, past=100_000)
    assert manager.enqueue(specs_for(repo_page(REPO))) == [key]  # queued once
    manager.pause(key)
    assert manager.wait([key], timeout=30)
    status = manager.status(key)
    assert status is not None and status.state == DownloadState.PAUSED
    dest = local_path(app_paths().models, REPO, FILE)
    partial = dest.with_name(dest.name + ".part")
    assert partial.stat().st_size == status.done and 0 < status.done < len(tiny)
    assert (read_sidecar(sidecar_path(dest)) or {}).get("state") == "paused"
    hub.throttle_bps = None
    manager.resume(key)
    assert manager.wait([key], timeout=30)
    done = manager.status(key)
    assert done is not None
    assert_verified(done, tiny)
    assert ranges(hub) == [None, status.done]


def test_cancel_deletes_the_partial_file(hub: HubServer, tiny: bytes) -> None:
    manager, key = start_slow_download(hub, tiny, past=50_000)
    manager.cancel(key)
    assert manager.wait([key], timeout=30)
    status = manager.status(key)
    assert status is not None and status.state == DownloadState.CANCELLED
    assert list(local_path(app_paths().models, REPO, FILE).parent.iterdir()) == []


def test_restart_picks_up_where_the_last_run_stopped(hub: HubServer, tiny: bytes) -> None:
    first, key = start_slow_download(hub, tiny, past=100_000)
    first.shutdown()  # the app quits mid-download
    stopped_at = local_path(app_paths().models, REPO, FILE).with_suffix(".gguf.part").stat()
    hub.throttle_bps = None
    second = DownloadManager(new_library(), policy=FAST)
    assert second.restore() == [key]
    assert second.wait([key], timeout=30)
    status = second.status(key)
    assert status is not None
    assert_verified(status, tiny)
    assert ranges(hub) == [None, stopped_at.st_size]


def test_queued_downloads_survive_a_quit(hub: HubServer, tiny: bytes) -> None:
    page = serve(hub, tiny)
    hub.add_fault("hold", at=10_000)
    first = DownloadManager(new_library(), policy=FAST, max_parallel=1)
    hub.add_repo("test/other-GGUF", {"other-Q8_0.gguf": tiny})
    other = repo_page("test/other-GGUF")
    [running] = first.enqueue(specs_for(page))
    [queued] = first.enqueue(specs_for(other, "other-Q8_0.gguf"))
    assert first.status(queued).state == "queued"  # type: ignore[union-attr]
    first.shutdown()  # the app quits while the first waits for bytes
    hub.release_holds()
    second = DownloadManager(new_library(), policy=FAST)
    assert set(second.restore()) == {running, queued}
    assert second.wait([running, queued], timeout=30)
    assert all(s.state == DownloadState.DONE for s in second.statuses())
    assert len(new_library().models()) == 2


def test_a_paused_download_stays_paused_after_restart(hub: HubServer, tiny: bytes) -> None:
    first, key = start_slow_download(hub, tiny, past=20_000)
    first.pause(key)
    assert first.wait([key], timeout=30)
    second = DownloadManager(new_library(), policy=FAST)
    assert second.restore() == [key]
    status = second.status(key)
    assert status is not None and status.state == DownloadState.PAUSED and status.done > 20_000


def test_another_process_downloading_the_same_file(hub: HubServer, tiny: bytes) -> None:
    page = serve(hub, tiny)
    dest = local_path(app_paths().models, REPO, FILE)
    dest.parent.mkdir(parents=True)
    with dest.with_name(dest.name + ".lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        status, _ = fetch(page)
    assert status.state == DownloadState.FAILED and "already being downloaded" in status.message
    assert hub.file_requests(FILE) == []


def test_split_model_enters_the_library_once(hub: HubServer, tmp_path: Path) -> None:
    first = write_tiny_model(tmp_path / "split-00001-of-00003.gguf", split_max_tensors=8)
    parts = sorted(tmp_path.glob("split-*.gguf"))
    hub.add_repo("test/split-GGUF", {f"Q8_0/{p.name}": p.read_bytes() for p in parts})
    page = repo_page("test/split-GGUF")
    [choice] = page.choices
    assert len(choice.files) == 3 and choice.quantization == "Q8_0"
    _, manager = fetch(page, "Q8_0/split-00002-of-00003.gguf")
    assert manager.wait([s.key for s in manager.statuses()], timeout=60)
    assert all(s.state == DownloadState.DONE for s in manager.statuses())
    [entry] = new_library().models()
    assert entry.parts == 3 and entry.path.endswith("Q8_0/split-00001-of-00003.gguf")
    assert entry.sha256 == sha256_of(first)
    assert entry.repo_path == "Q8_0/split-00001-of-00003.gguf"


# -- listings, search, untrusted names -------------------------------------------------------


def test_repo_page_groups_and_describes(hub: HubServer, tiny: bytes) -> None:
    hub.add_repo(REPO, {
        "tiny-Q8_0.gguf": tiny, "tiny-Q4_K_M.gguf": tiny[:-1000] + b"\0" * 1000,
        "tiny.IQ4_XS.gguf": tiny, "mmproj-tiny-f16.gguf": tiny, "README.md": README,
    }, license="mit", gated="auto", downloads=7, likes=3)
    page = repo_page(REPO)
    assert (page.license, page.gated, page.downloads, page.likes) == ("mit", "auto", 7, 3)
    assert page.summary == "# Tiny\n\nA tiny model for tests."  # no YAML, no table
    assert set(page.groups()) == {"Q8_0", "Q4_K_M", "IQ4_XS"}  # the projector is not a model
    assert quantization_of("Llama-3.2-1B-Instruct-Q4_K_M.gguf") == "Q4_K_M"
    assert quantization_of("qwen2.5-0.5b-instruct-q8_0.gguf") == "Q8_0"
    assert quantization_of("model.gguf") == "other"
    assert card_summary("no front matter\n<img src=x>\nhello") == "no front matter\nhello"


def test_search_sorts_and_hides_unsafe_ids(hub: HubServer, tiny: bytes) -> None:
    hub.add_repo("a/popular-GGUF", {FILE: tiny}, downloads=100, likes=1,
                 last_modified="2024-01-01T00:00:00.000Z")
    hub.add_repo("b/liked-GGUF", {FILE: tiny}, downloads=10, likes=50,
                 last_modified="2025-06-01T00:00:00.000Z")
    hub.add_repo("c/..-GGUF", {FILE: tiny}, downloads=1000)
    assert [r.repo_id for r in search("gguf")] == ["a/popular-GGUF", "b/liked-GGUF"]
    assert search("gguf", sort="likes")[0].repo_id == "b/liked-GGUF"
    assert search("gguf", sort="recent")[0].repo_id == "b/liked-GGUF"
    assert search("nothing-matches") == []


def test_catalog_lists_good_starting_models() -> None:
    catalog = load_catalog()
    sizes = [c.approx_size for c in catalog]
    assert sizes == sorted(sizes) and len(catalog) >= 6
    text = " ".join(c.repo_id for c in catalog)
    for family in ("SmolLM2", "Qwen", "Llama-3.2", "gemma-3", "Phi", "Mistral"):
        assert family in text
    assert all(quantization_of(f"x-{c.quantization}.gguf") == c.quantization for c in catalog)


MALICIOUS = ["../../evil.gguf", "/tmp/evil-abs.gguf", "sub/../../evil2.gguf",
             "..\\..\\evil3.gguf", "CON.gguf", " spaced.gguf", ".hidden.gguf", "a//b.gguf"]


def test_malicious_listing_writes_nothing_outside(hub: HubServer, tiny: bytes,
                                                  tmp_path: Path) -> None:
    lfs = {"sha256": sha256_of_bytes(tiny), "size": len(tiny), "pointerSize": 134}
    hub.add_repo(REPO, {FILE: tiny},
                 extra_siblings=[{"rfilename": n, "size": len(tiny), "lfs": lfs}
                                 for n in MALICIOUS])
    models = app_paths().ensure().models
    before = snapshot(tmp_path)
    page = repo_page(REPO)
    assert [c.path for c in page.choices] == [FILE]
    assert len(page.skipped) == len(MALICIOUS)
    for name in MALICIOUS:
        with pytest.raises(UnsafeNameError):
            local_path(models, REPO, name)
        manager = DownloadManager(new_library(), policy=FAST)
        with pytest.raises(UnsafeNameError):
            manager.enqueue([FileSpec(REPO, name, page.commit, len(tiny), lfs["sha256"])])
    for repo_id in ("../x", "a/b/c", "a/..", "/abs", "a\\b/c"):
        with pytest.raises(UnsafeNameError):
            local_path(models, repo_id, FILE)
    # A symlinked folder inside the model folder cannot lead outside it either.
    models.mkdir(parents=True, exist_ok=True)
    (models / "test").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(UnsafeNameError, match="outside the model folder"):
        local_path(models, REPO, FILE)
    (models / "test").unlink()
    assert snapshot(tmp_path) == before
    assert [r.path for r in hub.file_requests(".gguf")] == []  # none was even asked for


def sha256_of_bytes(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def snapshot(root: Path) -> set[str]:
    """Every path under ``root`` except inside the model folder."""
    models = str(app_paths().models)
    return {str(p) for p in root.rglob("*") if not str(p).startswith(models + os.sep)}


# -- the token -------------------------------------------------------------------------------


def test_token_file_is_private_without_a_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    store = TokenStore(app_paths().ensure().config)
    assert store.get() is None
    where = store.set("  hf_secret \n")
    assert "readable only by you" in where
    assert store.get() == "hf_secret"
    assert store.file.stat().st_mode & 0o777 == 0o600
    store.set("")
    assert store.get() is None and not store.file.exists()


def test_token_goes_to_the_keyring_when_there_is_one(memory_keyring: MemoryKeyring) -> None:
    store = TokenStore(app_paths().ensure().config)
    assert "system keyring (memory)" in store.location()
    assert "system keyring" in store.set("hf_kept")
    assert memory_keyring.items == {("Slice", "huggingface-token"): "hf_kept"}
    assert store.get() == "hf_kept" and not store.file.exists()
    store.clear()
    assert memory_keyring.items == {} and store.get() is None


def test_token_goes_to_a_private_file_when_the_keyring_refuses() -> None:
    import keyring

    refusing = RefusingKeyring()
    keyring.set_keyring(refusing)
    store = TokenStore(app_paths().ensure().config)
    where = store.set("hf_refused")
    assert "readable only by you" in where and refusing.items == {}
    assert store.file.read_text(encoding="utf-8") == "hf_refused"
    assert store.file.stat().st_mode & 0o777 == 0o600
    assert store.get() == "hf_refused"  # the keyring's refusal to read does not hide it


"""A remote model in the app, against Slice's own server on loopback: the window's reply
path (the real session, controller and scheduler) saves a remote reply with its stats and
fingerprint, and keeps a cut-off reply's text; ``slice-chat providers`` and ``chat
--provider``; and the key is never in the log, providers.json, the chat database or an
export."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.chat.bridge import EngineController
from app.chat.reply import ModelChoice
from app.chat.session import ChatSession
from app.cli.chat import REMOTE_KEYS, STATS_KEYS
from app.engine.scheduler import Scheduler
from app.logs import setup_logging
from app.paths import app_paths
from app.remote.client import remote_client
from app.remote.providers import Provider, ProviderStore
from app.remote.refs import RemoteModel
from app.settings import Settings
from app.store import ChatStore
from app.store.export import chat_markdown, export_json
from app.store.records import MessageState
from inference.events import Sampling
from inference.host_client import HostClient
from tests.api_helpers import KEY, Running, free_port, running_server
from tests.conftest import slice_chat
from tests.remote_helpers import FaultProxy

NAME = "box"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, smollm_path: str) -> Iterator[Running]:
    with running_server(tmp_path_factory.mktemp("api"), [smollm_path]) as running:
        yield running


@pytest.fixture
def model_id(api: Running) -> str:
    return next(iter(api.ids))


def _files_holding(folder: Path, secret: str) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.is_file() and secret.encode() in p.read_bytes())


def test_window_saves_remote_replies_and_keeps_a_cut_off_one(
        qtbot: object, api: Running, model_id: str, slice_home: Path) -> None:
    paths = app_paths().ensure()
    setup_logging(paths.logs, verbose=True)  # everything, httpx's debug lines included
    try:
        providers = ProviderStore(paths.config)
        providers.save(Provider(NAME, f"http://127.0.0.1:{api.port}/v1"), KEY)
        proxy = FaultProxy(api.port, mode="reset", after=4)
        providers.save(Provider("cut", proxy.url()), KEY)
        scheduler = Scheduler(HostClient(), remote=lambda r: remote_client(r, providers))
        controller = EngineController(scheduler=scheduler)
        store = ChatStore(paths.data / "chats.db")
        settings = Settings(sampling=Sampling(temperature=0.0, max_tokens=16))
        session = ChatSession(store, controller, settings)
        try:
            remote = RemoteModel(NAME, model_id)
            reply_id = session.send("Name three colours.", ModelChoice(remote.path,
                                                                       remote.label))
            assert reply_id is not None
            qtbot.waitUntil(lambda: not session.busy, timeout=120_000)  # type: ignore[attr-defined]
            reply = store.message(reply_id)
            assert reply is not None and reply.state == MessageState.DONE and reply.content
            assert reply.stats is not None and reply.fingerprint is not None
            assert (reply.stats["remote"], reply.stats["figures"]) == (NAME, "server")
            assert reply.stats["generated_tokens"] == 16
            assert reply.fingerprint["remote"] == {"provider": NAME, "model_id": model_id,
                                                   "engine": ""}
            assert "hardware" not in reply.fingerprint
            chat = store.chat(reply.chat_id)
            assert chat is not None
            markdown = chat_markdown(store, chat)
            assert f"{model_id} on {NAME}" in markdown and "speeds from the server" in markdown

            # The next reply's stream is reset after three pieces of text: they are kept.
            cut = RemoteModel("cut", model_id)
            cut_id = session.send("And three animals?", ModelChoice(cut.path, cut.label))
            assert cut_id is not None
            qtbot.waitUntil(lambda: not session.busy, timeout=120_000)  # type: ignore[attr-defined]
            broken = store.message(cut_id)
            assert broken is not None and broken.state == MessageState.FAILED
            assert broken.content.strip()
            assert broken.error.startswith("The reply was cut off")
            exported = export_json(store, [reply.chat_id]) + chat_markdown(store, chat)
            assert "The reply was cut off" in exported
            assert KEY not in exported
        finally:
            session.close()
            controller.shutdown()
            scheduler.close()
            store.close()
            proxy.close()
    finally:
        setup_logging(None)
    log = (paths.logs / "slice.log").read_text(encoding="utf-8")
    assert "remote request to box" in log and "remote request to cut failed" in log
    # The key is held in the keyring (the test's own), and in no file at all: not the
    # log, not providers.json, not the chat database.
    assert providers.key(NAME) == KEY
    assert (paths.config / "providers.json").is_file()
    assert _files_holding(slice_home, KEY) == []


def test_providers_cli_and_chat_with_a_provider(api: Running, model_id: str,
                                                slice_home: Path) -> None:
    url = f"http://127.0.0.1:{api.port}"
    added = slice_chat("providers", "add", NAME, url, "--key-stdin", "--header", "X-Team=blue",
                       stdin=KEY + "\n")
    assert added.returncode == 0, added.stderr
    assert f"{url}/v1" in added.stdout and KEY not in added.stdout + added.stderr
    again = slice_chat("providers", "add", NAME, url)
    assert again.returncode == 2 and "already exists" in again.stderr
    down = f"http://127.0.0.1:{free_port()}/v1"
    assert slice_chat("providers", "add", "down", down, "--insecure").returncode == 0

    listed = slice_chat("providers", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    entries = {e["name"]: e for e in json.loads(listed.stdout)}
    assert entries[NAME]["models"] == [model_id] and entries[NAME]["key"] is True
    assert entries[NAME]["headers"] == ["X-Team"] and entries[NAME]["error"] is None
    assert entries["down"]["models"] == [] and entries["down"]["verify_tls"] is False
    assert "refused the connection" in entries["down"]["error"]
    assert entries["down"]["error_kind"] == "network"
    text = slice_chat("providers", "list")
    assert text.returncode == 0 and f"  {model_id}" in text.stdout
    assert "cannot list its models" in text.stdout

    chat = slice_chat("--verbose", "chat", "--provider", NAME, "--model", model_id,
                      "--prompt", "Name three colours.", "--temperature", "0",
                      "--max-tokens", "12", "--json")
    assert chat.returncode == 0, chat.stderr
    result = json.loads(chat.stdout)
    assert result["reply"] and set(result["stats"]) == set(STATS_KEYS + REMOTE_KEYS)
    stats = result["stats"]
    assert (stats["remote"], stats["figures"], stats["stop_reason"]) == (NAME, "server",
                                                                        "length")
    assert stats["generated_tokens"] == 12 and stats["prompt_tokens"] > 0
    plain = slice_chat("chat", "--provider", NAME, "--model", model_id, "--prompt", "Hi",
                       "--max-tokens", "4")
    assert plain.returncode == 0 and plain.stdout.strip()
    assert f"{NAME}, speeds from the server" in plain.stderr

    for provider, needle in (("nobody", "There is no provider named 'nobody'"),
                             ("down", "refused the connection")):
        failed = slice_chat("chat", "--provider", provider, "--model", model_id,
                            "--prompt", "Hi")
        assert failed.returncode == 1
        lines = failed.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("slice-chat: error: ")
        assert needle in lines[0]

    # The child processes have no keyring: the key is in its owner-only file, and in no
    # other file (the log of the --verbose run included).
    holding = _files_holding(slice_home, KEY)
    assert len(holding) == 1 and holding[0].endswith(".key"), holding
    assert (slice_home / holding[0]).stat().st_mode & 0o077 == 0
    saved = app_paths().config / "providers.json"
    assert saved.stat().st_mode & 0o077 == 0
    assert json.loads(saved.read_text())["providers"][0]["headers"] == {"X-Team": "blue"}
    assert "remote request to box" in (app_paths().logs / "slice.log").read_text()

    assert slice_chat("providers", "remove", NAME).returncode == 0
    gone = slice_chat("providers", "remove", NAME)
    assert gone.returncode == 1 and "no provider named" in gone.stderr
    assert _files_holding(slice_home, KEY) == []

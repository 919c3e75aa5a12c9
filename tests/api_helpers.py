"""The API server in the test process, on the real host and starter model, and raw HTTP.

:func:`running_server` starts the real :class:`~app.api.server.ApiServer` over a real
scheduler and host process on a free loopback port; :func:`http` speaks plain HTTP/1.1
through the standard library, so tests see the exact bytes (SSE framing, status lines,
headers) that any client would.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.client import HTTPConnection, HTTPException
from pathlib import Path
from typing import Any

from app.api.server import ApiServer, ServerState
from app.engine.scheduler import Scheduler
from app.models.library import ModelLibrary
from app.settings import ServerSettings, Settings
from inference.events import ChatRequest, Event
from inference.host_client import HostClient
from inference.options import LoadSettings, Sampling

KEY = "sk-slice-test-key"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class RecordingClient(HostClient):
    """The real host client, keeping every request it ran and the events each yielded."""

    def __init__(self) -> None:
        super().__init__()
        self.runs: list[tuple[ChatRequest, list[Event]]] = []
        self._runs_lock = threading.Lock()

    def chat(self, request: ChatRequest) -> Iterator[Event]:
        events: list[Event] = []
        with self._runs_lock:
            self.runs.append((request, events))
        for event in super().chat(request):
            events.append(event)
            yield event


@dataclass
class Running:
    server: ApiServer
    scheduler: Scheduler
    client: RecordingClient
    library: ModelLibrary
    settings: Settings
    port: int
    ids: dict[str, str] = field(default_factory=dict)  # model id -> path

    def update(self, **server: Any) -> None:
        """Change the server settings the next start reads."""
        self.settings = self.settings.model_copy(
            update={"server": self.settings.server.model_copy(update=server)})


def api_settings(port: int, **server: Any) -> Settings:
    return Settings(
        load=LoadSettings(n_ctx=1024, n_threads=1, n_threads_batch=2),
        sampling=Sampling(temperature=0.0),
        server=ServerSettings(port=port, **server),
        snapshot_disk_mb=0,
    )


@contextmanager
def running_server(folder: Path, models: list[str], **server: Any) -> Iterator[Running]:
    """The API server on a free port, serving ``models`` (GGUF paths); ``remote`` (in
    ``server``) makes its scheduler's clients for ``remote://`` models, for a window that
    shares its queue."""
    from app.api.model_ids import model_ids

    folder.mkdir(parents=True, exist_ok=True)
    library = ModelLibrary(folder / "library.json", folder / "models")
    for path in models:
        library.import_file(path)
    client = RecordingClient()
    scheduler = Scheduler(client, queue_limit=server.pop("queue_limit", 8),
                          remote=server.pop("remote", None))
    port = free_port()
    running = Running(server=None, scheduler=scheduler, client=client,  # type: ignore[arg-type]
                      library=library, settings=api_settings(port, **server), port=port)
    running.server = ApiServer(scheduler, library, lambda: running.settings, KEY)
    running.server.start()
    status = running.server.wait_started()
    assert status.state is ServerState.RUNNING, status
    running.ids = {i: e.path for i, e in model_ids(library.models()).items()}
    try:
        yield running
    finally:
        running.server.stop(wait=True)
        scheduler.close()


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def http(port: int, method: str, path: str, body: Any = None, *, key: str | None = KEY,
         headers: dict[str, str] | None = None, raw: bytes | None = None,
         timeout: float = 120) -> Reply:
    """One request; ``body`` is sent as JSON, ``raw`` as it is."""
    conn = HTTPConnection("127.0.0.1", port, timeout=timeout)
    sent = dict(headers or {})
    if key is not None:
        sent.setdefault("Authorization", f"Bearer {key}")
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    if data is not None:
        sent.setdefault("Content-Type", "application/json")
    try:
        conn.request(method, path, body=data, headers=sent)
        response = conn.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()},
                     response.read())
    finally:
        conn.close()


def sse_events(body: bytes) -> list[str]:
    """The ``data:`` payloads of a server-sent event stream, checking the framing."""
    text = body.decode()
    assert text.endswith("\n\n"), text[-200:]
    events = []
    for block in text.split("\n\n")[:-1]:
        assert block.startswith("data: "), block
        assert "\n" not in block, block
        events.append(block.removeprefix("data: "))
    return events


def refuses(port: int) -> bool:
    """True when nothing listens on 127.0.0.1:``port`` (any more).

    A server still shutting down may take the connection and then drop it: not refused yet.
    """
    try:
        http(port, "GET", "/health", timeout=2)
    except ConnectionRefusedError:
        return True
    except (OSError, HTTPException):
        return False
    return False

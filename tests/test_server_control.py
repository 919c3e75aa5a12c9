"""The API server's lifecycle (:class:`app.api.control.ServerControl`) over the real server.

No widgets: the settings go in as the window hands them over, on this thread; the server
starts, moves and stops on the control's thread, and a real HTTP client checks each step.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from app.api.control import ServerControl
from app.api.keys import ApiKeyStore
from app.api.server import ApiServer, ServerState, ServerStatus
from app.engine.scheduler import Scheduler
from app.paths import app_paths
from app.settings import ServerSettings, Settings
from tests.api_helpers import free_port, http, refuses
from tests.conftest import new_library
from tests.scripted_client import ScriptedHostClient


@pytest.fixture
def scheduler() -> Iterator[Scheduler]:
    scheduler = Scheduler(ScriptedHostClient())
    yield scheduler
    scheduler.close()


@pytest.fixture
def control(scheduler: Scheduler) -> Iterator[ServerControl]:
    control = ServerControl(scheduler, new_library(), ApiKeyStore(app_paths().ensure().config),
                            Settings())
    yield control
    control.close()


def serving(**server: object) -> Settings:
    return Settings(server=ServerSettings(enabled=True, **server))  # type: ignore[arg-type]


def wait_for(control: ServerControl, done: Callable[[ServerStatus], bool],
              timeout: float = 10.0) -> ServerStatus:
    deadline = time.monotonic() + timeout
    while not done(status := control.status()):
        assert time.monotonic() < deadline, status
        time.sleep(0.02)
    return status


def running(control: ServerControl) -> ServerStatus:
    return wait_for(control, lambda s: s.state is ServerState.RUNNING)


def test_a_new_port_moves_the_server_and_frees_the_old_one(control: ServerControl) -> None:
    first, second = free_port(), free_port()
    control.apply(serving(port=first))
    assert running(control).url == f"http://127.0.0.1:{first}/v1"
    assert http(first, "GET", "/v1/models", key=control.key()).status == 200

    control.apply(serving(port=second))
    assert running(control).url == f"http://127.0.0.1:{second}/v1"
    assert http(second, "GET", "/v1/models", key=control.key()).status == 200
    assert refuses(first)


def test_a_change_the_server_reads_live_keeps_it_running(control: ServerControl,
                                                         scheduler: Scheduler) -> None:
    port = free_port()
    control.apply(serving(port=port))
    running(control)
    # A completion with no model in the library: refused, and counted.
    assert http(port, "POST", "/v1/chat/completions", key=control.key(),
                body={"messages": [{"role": "user", "content": "Hi"}]}).status == 404
    assert control.status().requests_failed == 1

    control.apply(serving(port=port, max_tokens=256, queue_limit=3, idle_unload_min=2))
    # The same server (its count goes on); the queue's figures went to the scheduler.
    assert control.status().state is ServerState.RUNNING
    assert control.status().requests_failed == 1
    assert (scheduler.status().queue_limit, scheduler.status().idle_unload_s) == (3, 120)


def test_a_port_in_use_is_reported_and_another_port_then_serves(
    control: ServerControl,
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        control.apply(serving(port=busy))
        failed = wait_for(control, lambda s: s.state is ServerState.FAILED)
        assert failed.error and failed.url == ""

        port = free_port()
        control.apply(serving(port=port))
        assert running(control).url.endswith(f":{port}/v1")


def test_turning_off_and_closing_free_the_port(scheduler: Scheduler) -> None:
    control = ServerControl(scheduler, new_library(), ApiKeyStore(app_paths().ensure().config),
                            serving())
    port = free_port()
    control.apply(serving(port=port))
    running(control)
    control.apply(Settings())
    assert control.status().state is ServerState.OFF
    deadline = time.monotonic() + 10
    while not refuses(port):
        assert time.monotonic() < deadline
        time.sleep(0.05)

    control.apply(serving(port=port))
    running(control)
    assert control.close()
    assert refuses(port)
    control.apply(serving(port=port))  # after close nothing starts again
    assert control.status().state is ServerState.OFF



def test_off_while_the_server_is_still_starting_leaves_nothing_listening(
    scheduler: Scheduler,
) -> None:
    # The user flicks the switch: the stop comes while the server is still binding its port.
    made = threading.Event()

    def real_server(*args: Any) -> ApiServer:
        made.set()
        return ApiServer(*args)

    control = ServerControl(scheduler, new_library(), ApiKeyStore(app_paths().ensure().config),
                            Settings(), factory=real_server)
    ports = [free_port() for _ in range(3)]
    for port in ports:
        made.clear()
        control.apply(serving(port=port))
        assert made.wait(5)
        control.apply(Settings())
    assert control.close()
    assert all(refuses(port) for port in ports)

"""The API server's lifecycle (:class:`app.api.control.ServerControl`) over the real server.

No widgets: the settings go in as the window hands them over, on this thread; the server
starts, moves and stops on the control's thread, and a real HTTP client checks each step.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator

import pytest

from app.api.control import ServerControl
from app.api.keys import ApiKeyStore
from app.api.server import ServerState, ServerStatus
from app.engine.scheduler import Scheduler
from app.paths import app_paths
from app.settings import ServerSettings, Settings
from tests.api_client import free_port, get, refuses
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
    assert get(first)[0] == 200

    control.apply(serving(port=second))
    assert running(control).url == f"http://127.0.0.1:{second}/v1"
    assert get(second)[0] == 200
    assert refuses(first)


def test_a_change_the_server_reads_live_keeps_it_running(control: ServerControl,
                                                         scheduler: Scheduler) -> None:
    port = free_port()
    control.apply(serving(port=port))
    running(control)
    assert get(port)[0] == 200
    before = control.status().requests_served
    assert before >= 1

    control.apply(serving(port=port, max_tokens=256, queue_limit=3, idle_unload_min=2))
    # The same server (its count goes on); the queue's figures went to the scheduler.
    assert control.status().state is ServerState.RUNNING
    assert control.status().requests_served == before
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

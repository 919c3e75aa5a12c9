"""The API server's lifecycle in the app: on, off and restarted as the settings say.

The window changes settings on the GUI thread and must never wait for a socket, so
:class:`ServerControl` only records what is wanted; one thread of its own makes it so: it
stops the server that runs (waiting until its port is free) and starts the one wanted. A
change that needs a new server (address, port, browser origins, key rule, a new key)
restarts it; the queue's bound and the idle-unload time go straight to the scheduler; the
rest (the token limit) the server reads from the settings at each request.

The server's code (uvicorn, starlette: about 0.1 s to import) loads when a server is first
wanted or asked about, never at a launch that leaves it off.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.api.keys import ApiKeyStore
from app.engine.scheduler import Scheduler
from app.models.library import ModelLibrary
from app.settings import ServerSettings, Settings

if TYPE_CHECKING:
    from app.api.server import ApiServer, ServerState, ServerStatus

_log = logging.getLogger(__name__)

#: Makes the server (the real one, or a test's): scheduler, library, settings, key.
ServerFactory = Callable[[Scheduler, ModelLibrary, Callable[[], Settings], str], "ApiServer"]


def _api_server(scheduler: Scheduler, library: ModelLibrary, settings: Callable[[], Settings],
                key: str) -> ApiServer:
    from app.api.server import ApiServer

    return ApiServer(scheduler, library, settings, key)


@dataclass(frozen=True, slots=True)
class _Wanted:
    """What a running server was started with: a change to any of it needs a new one."""

    host: str
    port: int
    cors_origins: tuple[str, ...]
    require_key: bool
    key: str


def _status(state: ServerState, error: str = "") -> ServerStatus:
    from app.api.server import ServerStatus

    return ServerStatus(state=state, url="", error=error, requests_served=0,
                        requests_failed=0, last_error="", waiting=0, key_required=False)


class ServerControl:
    """Runs the :class:`~app.api.server.ApiServer` the settings ask for (see the module)."""

    def __init__(self, scheduler: Scheduler, library: ModelLibrary, keys: ApiKeyStore,
                 settings: Settings, factory: ServerFactory = _api_server) -> None:
        self._scheduler = scheduler
        self._library = library
        self._keys = keys
        self._factory = factory
        self._settings = settings
        self._key: str | None = None  # read from the store when first needed
        self._changed = threading.Condition()
        self._wanted: _Wanted | None = None
        self._serving: _Wanted | None = None  # what self._server was started with
        self._server: ApiServer | None = None
        self._failure = ""  # why the wanted server could not even be made
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="slice-api-control",
                                        daemon=True)
        self._thread.start()

    # -- the GUI thread -----------------------------------------------------------------

    @property
    def wanted(self) -> bool:
        """Whether the settings in use want the server on (it may still be starting)."""
        return self._settings.server.enabled and not self._closed

    def settings(self) -> Settings:
        """The settings in use (the server reads them at each request)."""
        return self._settings

    def apply(self, settings: Settings) -> None:
        """Use ``settings`` from now on: start, stop or restart the server as they need.

        Returns at once; :meth:`status` tells how it goes.
        """
        self._settings = settings
        server = settings.server
        self._scheduler.configure(queue_limit=server.queue_limit,
                                  idle_unload_s=server.idle_unload_min * 60.0)
        self._want(self._wanted_by(server))

    def key(self) -> str:
        """The API key clients send (made on first use)."""
        if self._key is None:
            self._key = self._keys.get_or_create()
        return self._key

    def key_location(self) -> str:
        """Where the key is kept, for people."""
        return self._keys.location()

    def regenerate_key(self) -> str:
        """A new key replaces the old one; a running server restarts to accept only it."""
        self._key = self._keys.regenerate()
        self._want(self._wanted_by(self._settings.server))
        return self._key

    def status(self) -> ServerStatus:
        """How the server is doing now: STARTING while it is being (re)started."""
        from app.api.server import ServerState

        with self._changed:
            if self._wanted is None:
                return _status(ServerState.OFF)
            if self._wanted != self._serving:
                return _status(ServerState.STARTING)
            if self._server is None:
                return _status(ServerState.FAILED, self._failure)
            server = self._server
        return server.status()

    def close(self, timeout: float = 5.0) -> bool:
        """Stop the server and this control's thread; False if that took past ``timeout``
        (the thread is a daemon: it never keeps the app from exiting)."""
        with self._changed:
            self._closed = True
            self._wanted = None
            self._changed.notify_all()
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _wanted_by(self, server: ServerSettings) -> _Wanted | None:
        if not server.enabled:
            return None
        return _Wanted(server.host, server.port, tuple(server.cors_origins),
                       server.require_key, self.key())

    def _want(self, wanted: _Wanted | None) -> None:
        with self._changed:
            if self._closed:
                return
            self._wanted = wanted
            self._changed.notify_all()

    # -- the control's thread -----------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._closed and self._wanted == self._serving:
                    self._changed.wait()
                wanted, old, closed = self._wanted, self._server, self._closed
            if old is not None:
                # A stop that comes while the server is still binding would be missed (it
                # has no uvicorn server to tell yet): let it finish starting first.
                old.wait_started()
                old.stop(wait=True)  # its port must be free before a new server binds it
            new, failure = None, ""
            if wanted is not None:
                _log.info("API server starting on %s:%d", wanted.host, wanted.port)
                try:
                    new = self._factory(self._scheduler, self._library, self.settings,
                                        wanted.key)
                    new.start()
                except Exception as exc:  # a value for the dialog, not a dead thread
                    _log.exception("the API server could not be started")
                    new, failure = None, str(exc) or type(exc).__name__
            with self._changed:
                self._server, self._serving, self._failure = new, wanted, failure
            if closed:
                return

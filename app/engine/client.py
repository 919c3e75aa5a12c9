"""What the scheduler drives: one request at a time, cancellable from another thread."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from inference.events import ChatRequest, Event


class EngineClient(Protocol):
    """One request at a time, cancellable from another thread.

    :class:`inference.host_client.HostClient` (the supervised host process) is the real one;
    the tests drive the scheduler through a scripted one.
    """

    @property
    def pid(self) -> int | None:
        """The serving process's id while it runs, else None."""
        ...

    def chat(self, request: ChatRequest) -> Iterator[Event]:
        """Run ``request``; yields its events, ending with ``Done`` or ``Failed``."""
        ...

    def cancel(self) -> None:
        """Stop the request now running, if any (called from another thread)."""
        ...

    def close(self) -> None:
        """End whatever serves the requests (the next request starts it again)."""
        ...


class LocalEngineClient(EngineClient, Protocol):
    """The local engine's client: it also caches conversations (KV snapshots, in memory and
    in the snapshot folder), which a deleted chat or a cleared cache makes it forget."""

    def forget(self, conversation_ids: Sequence[str] | None) -> None:
        """Drop what is cached of ``conversation_ids`` (None: of all of them), after the
        request now running; any thread."""
        ...

"""GPU out of memory, survived: the model is loaded again once with fewer layers.

When a load, or the first decode, fails or dies because the GPU cannot hold what was asked
of it (:data:`~inference.events.ErrorKind.GPU_OUT_OF_MEMORY`, recognised from llama.cpp's
own words by :mod:`inference.device_memory`), :class:`GpuRetryClient` runs the request again
at once with :data:`RETRY_SHARE` of the layers, tells the user what it did and why (a
:class:`~inference.events.Notice` event: the window's notice bar, a line on the CLI's
stderr), and, when that works, remembers the count for the file and context size
(:mod:`app.models.gpu_layer_memory`), so that "Auto" starts there next time. Once only: if
the smaller load fails as well, that failure is the reply's, with what was tried.

It wraps any :class:`~app.engine.client.EngineClient` (the host supervisor): the window's
scheduler and ``slice-chat chat`` use the same one.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path

from app.engine.client import LocalEngineClient
from app.models import gpu_layer_memory
from inference.device_memory import llama_cpp_said
from inference.events import (
    ChatRequest,
    Done,
    ErrorKind,
    Event,
    Failed,
    Loaded,
    Notice,
    Token,
)

_log = logging.getLogger(__name__)
#: The share of the layers the retry loads with.
RETRY_SHARE = 0.75


def fewer_layers(layers: int) -> int:
    """The retry's layer count: :data:`RETRY_SHARE` of ``layers``, at least one fewer."""
    return max(0, min(int(layers * RETRY_SHARE), layers - 1))


class GpuRetryClient:
    """An :class:`~app.engine.client.EngineClient` over ``inner`` that survives a GPU
    out-of-memory once per request; see the module docstring. ``memory_file`` overrides
    where the working counts are kept (tests)."""

    def __init__(self, inner: LocalEngineClient, memory_file: Path | None = None) -> None:
        self._inner = inner
        self._memory_file = memory_file
        self.retries = 0  # requests retried with fewer layers (the tests count them)

    @property
    def pid(self) -> int | None:
        return self._inner.pid

    def cancel(self) -> None:
        self._inner.cancel()

    def close(self) -> None:
        self._inner.close()

    def forget(self, conversation_ids: Sequence[str] | None) -> None:
        self._inner.forget(conversation_ids)

    def chat(self, request: ChatRequest) -> Iterator[Event]:
        """Run ``request``; on a GPU out-of-memory before its first token, once more with
        fewer layers (a :class:`Notice` says so between the two)."""
        failure: Failed | None = None
        streamed = False
        for event in self._inner.chat(request):
            if (isinstance(event, Failed) and event.error == ErrorKind.GPU_OUT_OF_MEMORY
                    and request.load.n_gpu_layers > 0 and not streamed):
                failure = event
                continue  # the inner client ends its request with this event
            streamed = streamed or isinstance(event, Token)
            yield event
        if failure is None:
            return
        tried = request.load.n_gpu_layers
        layers = fewer_layers(tried)
        self.retries += 1
        _log.warning("GPU out of memory with %d layers on %s; retrying with %d: %s",
                     tried, request.model_path, layers, failure.message)
        yield Notice(message=(
            f"The GPU ran out of memory with {tried} layers on it, so Slice loaded the model "
            f"again with {layers} ({RETRY_SHARE:.0%}); it will use {layers} for this model at "
            f"this context size from now on. {_detail(failure)}"))
        retry = dataclasses.replace(
            request, load=request.load.model_copy(update={"n_gpu_layers": layers}))
        worked = False
        for event in self._inner.chat(retry):
            if isinstance(event, Failed) and event.error == ErrorKind.GPU_OUT_OF_MEMORY:
                event = Failed(
                    error=event.error, path=event.path,
                    message=f"{event.message} (Slice tried {tried} layers, then {layers}.)")
            elif isinstance(event, Loaded) or (isinstance(event, Done) and not worked):
                if not worked:
                    gpu_layer_memory.remember(request.model_path, request.load.n_ctx, layers,
                                              tried, self._memory_file)
                worked = True
            yield event


def _detail(failure: Failed) -> str:
    """llama.cpp's words from the failure's message, for the notice."""
    said = llama_cpp_said(failure)
    return f"llama.cpp said: {said}." if said else ""

"""A remote model, driven like the local engine: :class:`RemoteClient` is an
:class:`~app.engine.client.EngineClient` over one OpenAI-compatible server.

``chat(request)`` posts the conversation to ``/chat/completions`` (a plain-text prompt to
``/completions``) with ``stream`` on, and yields what the local engine yields: a ``Loaded``
naming the remote model and the server's engine where it says, ``Token`` per chunk of
text, ``Stats`` every :data:`~inference.events.STATS_INTERVAL_S`, then ``Done`` or a
``Failed`` whose message names the problem and what to do (:mod:`app.remote.failures`).
A stream that breaks off or goes silent after some text ends in ``Failed``
(``INTERRUPTED``): the window keeps the text so far.

``cancel()``, from any thread, shuts the connection's socket at once: the blocked read
returns, no further text is yielded, and the server sees the client go (llama-server and
Slice's server stop generating). A watchdog does the same when the server says nothing
for too long: ``wait_s`` before the first text (a long prompt takes time), ``stall_s``
after it.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx2 as httpx
from pydantic import BaseModel, ConfigDict, ValidationError

from app.remote.failures import (
    RemoteError,
    http_failure,
    mask,
    server_text,
    stalled,
    transport_failure,
)
from app.remote.providers import Provider, ProviderStore
from app.remote.refs import RemoteModel, parse_remote
from app.remote.stream import StreamFigures, parse_chunk, stop_reason
from inference.events import (
    STATS_INTERVAL_S,
    ChatRequest,
    Done,
    ErrorKind,
    Event,
    Failed,
    Loaded,
    ModelInfo,
    StopReason,
    Token,
)

__all__ = ["RemoteClient", "RemoteError", "list_models", "remote_client"]

_log = logging.getLogger(__name__)

CONNECT_S = 10.0  # to open the connection
WAIT_S = 600.0  # for the first text: a long prompt on a slow server takes minutes
STALL_S = 60.0  # between pieces of text once the reply streams
_MAX_ERROR_BODY = 64 * 1024  # of an error answer, read to quote the server's words

_CANCELLED = "cancelled"
_STALLED = "stalled"


class _Line:
    """The connection of one request: cancel and the watchdog shut its socket."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self.reason = ""  # why it was cut: _CANCELLED or _STALLED ("" while it runs)

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's trace hook: the socket, as soon as it is connected."""
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            self.attach(info.get("return_value"))

    def attach(self, stream: Any) -> None:
        sock = stream.get_extra_info("socket") if stream is not None else None
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            self._socket = sock
            cut = bool(self.reason)
        if cut:
            _shut(sock)

    def cut(self, reason: str) -> None:
        with self._lock:
            if self.reason:
                return
            self.reason = reason
            sock = self._socket
        if sock is not None:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    # shutdown() wakes a read blocked in another thread (close() would not), and the
    # server sees the connection end.
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class _Watchdog:
    """Cuts ``line`` when nothing arrives for ``wait_s`` (then ``stall_s`` once text came)."""

    def __init__(self, line: _Line, wait_s: float, stall_s: float) -> None:
        self._line = line
        self._stall_s = stall_s
        self._changed = threading.Condition()
        self._limit = wait_s
        self._deadline = time.monotonic() + wait_s
        self._ended = False
        self.limit_hit = 0.0  # the silence that cut the line (0: none)
        self._thread = threading.Thread(target=self._run, name="slice-remote-watch",
                                        daemon=True)
        self._thread.start()

    def heard(self, text: bool) -> None:
        with self._changed:
            shorter = text and self._limit != self._stall_s
            if text:
                self._limit = self._stall_s
            self._deadline = time.monotonic() + self._limit
            if shorter:  # the thread waits for the old, later deadline: wake it
                self._changed.notify()

    def stop(self) -> None:
        with self._changed:
            self._ended = True
            self._changed.notify()

    def _run(self) -> None:
        with self._changed:
            while not self._ended:
                remaining = self._deadline - time.monotonic()
                if remaining <= 0:
                    self.limit_hit = self._limit
                    break
                self._changed.wait(remaining)
            else:
                return
        self._line.cut(_STALLED)


#: Hosts that speak OpenAI's API strictly: a field it does not define is a 400 there.
STRICT_HOSTS = ("api.openai.com",)


def speaks_llama_samplers(provider: Provider) -> bool:
    """Whether the provider takes llama-server's sampler fields (every local engine does;
    OpenAI's own API refuses them)."""
    host = (urlsplit(provider.base_url).hostname or "").lower()
    return not any(host == h or host.endswith("." + h) for h in STRICT_HOSTS)


def request_body(request: ChatRequest, model_id: str, *, llama_samplers: bool = True
                 ) -> dict[str, Any]:
    """What ``request`` sends: OpenAI's fields, and (``llama_samplers``) llama-server's for
    the samplers OpenAI lacks (``top_k``, ``min_p``, ``repeat_penalty``; vLLM and Slice's
    server take them too)."""
    sampling = request.sampling
    body: dict[str, Any] = {
        "model": model_id,
        "stream": True,
        "stream_options": {"include_usage": True},
        "temperature": sampling.temperature,
        "top_p": sampling.top_p,
        "frequency_penalty": sampling.frequency_penalty,
        "presence_penalty": sampling.presence_penalty,
    }
    if llama_samplers:
        body.update(top_k=sampling.top_k, min_p=sampling.min_p,
                    repeat_penalty=sampling.repeat_penalty)
    if sampling.max_tokens > 0:  # 0: until the context is full, the server's default
        body["max_tokens"] = sampling.max_tokens
    if sampling.seed >= 0:
        body["seed"] = sampling.seed
    if request.stop:
        body["stop"] = list(request.stop)
    if request.prompt is not None:
        body["prompt"] = request.prompt
    else:
        # A last assistant message ("continue") is sent as it is: llama-server and Slice's
        # server extend it.
        body["messages"] = [{"role": m.role, "content": m.content} for m in request.messages]
    return body


def _headers(provider: Provider, key: str | None) -> dict[str, str]:
    headers = dict(provider.headers)
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return headers


def _http(provider: Provider, connect_s: float, wait_s: float) -> httpx.Client:
    # Reads have no timeout of their own: the watchdog tells a long prompt from a stall.
    timeout = httpx.Timeout(connect=connect_s, read=None, write=wait_s, pool=connect_s)
    return httpx.Client(timeout=timeout, verify=provider.verify_tls, follow_redirects=False)


def _engine(response: httpx.Response, fingerprint: str) -> str:
    """The server's engine as it reports itself (``Server`` header, ``system_fingerprint``)."""
    parts = [response.headers.get("server", "").strip(), fingerprint.strip()]
    return " ".join(p for p in dict.fromkeys(parts) if p)


class RemoteClient:
    """One OpenAI-compatible server, driven as an :class:`~app.engine.client.EngineClient`.

    The scheduler makes one per request. ``connect_s``, ``wait_s`` and ``stall_s`` are the
    patience for the connection, the first text, and each later piece of text.
    """

    def __init__(self, provider: Provider, key: str | None, *, connect_s: float = CONNECT_S,
                 wait_s: float = WAIT_S, stall_s: float = STALL_S) -> None:
        self.provider = provider
        self._key = key
        self._connect_s = connect_s
        self._wait_s = wait_s
        self._stall_s = stall_s
        self._http = _http(provider, connect_s, wait_s)
        self._lock = threading.Lock()
        self._line: _Line | None = None
        self._cancel_early = False  # cancel() came before chat() had started

    @property
    def pid(self) -> int | None:
        """No local process serves a remote model."""
        return None

    def cancel(self) -> None:
        """Stop the request now running: its connection is shut at once."""
        with self._lock:
            line = self._line
            if line is None:
                self._cancel_early = True
        if line is not None:
            line.cut(_CANCELLED)

    def close(self) -> None:
        self._http.close()

    def chat(self, request: ChatRequest) -> Iterator[Event]:
        """Run ``request`` on the server; yields the local engine's events (see the module)."""
        figures = StreamFigures(self.provider.name)  # ttft counts from here
        model = parse_remote(request.model_path)
        if model is None or model.provider != self.provider.name:
            yield Failed(error=ErrorKind.BAD_REQUEST, path=request.model_path, message=(
                f"'{request.model_path}' does not name a model of {self.provider.name}."))
            return
        line = _Line()
        with self._lock:
            self._line = line
            early, self._cancel_early = self._cancel_early, False
        if early:
            yield Done(stop_reason=StopReason.USER, stats=figures.stats(StopReason.USER))
            return
        watchdog = _Watchdog(line, self._wait_s, self._stall_s)
        try:
            yield from self._stream(request, model, figures, line, watchdog)
        finally:
            watchdog.stop()
            with self._lock:
                self._line = None

    def _stream(self, request: ChatRequest, model: RemoteModel, figures: StreamFigures,
                line: _Line, watchdog: _Watchdog) -> Iterator[Event]:
        route = "/completions" if request.prompt is not None else "/chat/completions"
        url = self.provider.base_url.rstrip("/") + route
        _log.info("remote request to %s (%s), model %s", self.provider.name, url,
                  model.model_id)
        loaded = False
        finished = False  # [DONE] came
        try:
            with self._http.stream(
                "POST", url, json=request_body(request, model.model_id,
                                  llama_samplers=speaks_llama_samplers(self.provider)),
                headers={**_headers(self.provider, self._key), "Accept": "text/event-stream"},
                extensions={"trace": line.trace},
            ) as response:
                line.attach(response.extensions.get("network_stream"))
                watchdog.heard(False)
                if response.status_code >= 400:
                    raise http_failure(response.status_code, response.headers,
                                       _read_some(response), provider=self.provider,
                                       model_id=model.model_id, key=self._key)
                kind = _content_type(response)
                if kind not in ("application/json", "text/event-stream"):
                    raise RemoteError(ErrorKind.BAD_RESPONSE, (
                        f"{self.provider.name} answered with {kind or 'no content type'}, "
                        "not a stream of replies: check its base URL (it usually ends in "
                        "/v1)."))
                if kind == "application/json":
                    # A server that ignores ``stream``: its whole answer at once.
                    chunk = parse_chunk(_read_some(response, limit=None).decode(
                        "utf-8", "replace"), self.provider.name)
                    if chunk.error is not None:
                        raise self._stream_error(chunk.error_text())
                    text = figures.take(chunk)
                    yield self._loaded(request, model, _engine(response, figures.fingerprint))
                    if text:
                        yield Token(text=text)
                    finished = True
                else:
                    last_stats = time.perf_counter()
                    for event in httpx.EventSource(response):
                        if line.reason:
                            break
                        data = event.data.strip()
                        watchdog.heard(False)
                        if not data:
                            continue
                        if data == "[DONE]":
                            finished = True
                            break
                        chunk = parse_chunk(data, self.provider.name)
                        if chunk.error is not None:
                            raise self._stream_error(chunk.error_text())
                        text = figures.take(chunk)
                        if not loaded:
                            loaded = True
                            yield self._loaded(request, model,
                                               _engine(response, figures.fingerprint))
                        if not text or line.reason:
                            continue
                        watchdog.heard(True)
                        yield Token(text=text)
                        if figures.last_at - last_stats >= STATS_INTERVAL_S:
                            last_stats = figures.last_at
                            yield figures.stats()
        except RemoteError as exc:
            if line.reason != _CANCELLED:
                yield self._failed(request, exc, figures)
                return
        except httpx.HTTPError as exc:
            if line.reason == _STALLED:
                yield self._failed(request, stalled(self.provider, watchdog.limit_hit,
                                                    cut_off=figures.chunks > 0), figures)
                return
            if line.reason != _CANCELLED:
                yield self._failed(request, transport_failure(
                    exc, provider=self.provider, connect_s=self._connect_s,
                    cut_off=figures.chunks > 0), figures)
                return
        if line.reason == _CANCELLED:
            yield Done(stop_reason=StopReason.USER, stats=figures.stats(StopReason.USER))
            return
        if line.reason == _STALLED:
            yield self._failed(request, stalled(self.provider, watchdog.limit_hit,
                                                cut_off=figures.chunks > 0), figures)
            return
        if finished or figures.finish_reason:
            reason = stop_reason(figures.finish_reason or "stop")
            yield Done(stop_reason=reason, stats=figures.stats(reason))
            return
        if figures.chunks:
            yield self._failed(request, RemoteError(ErrorKind.INTERRUPTED, (
                f"The reply was cut off: {self.provider.name} ended the stream before the "
                "reply was finished. The text so far is kept; try again.")), figures)
            return
        yield self._failed(request, RemoteError(ErrorKind.BAD_RESPONSE, (
            f"{self.provider.name} ended the stream without a reply: it may not be an "
            "OpenAI-compatible server (check its base URL).")), figures)

    def _loaded(self, request: ChatRequest, model: RemoteModel, engine: str) -> Loaded:
        """What the fingerprint records of a remote model (no file, no load)."""
        return Loaded(model=ModelInfo(
            path=request.model_path, name=model.model_id, architecture="remote", n_ctx=0,
            n_ctx_train=0, n_params=0, template_source="server", template_note="",
            load_s=0.0, system_info=engine, backend="remote"))

    def _stream_error(self, text: str) -> RemoteError:
        return RemoteError(ErrorKind.REMOTE, (
            f"{self.provider.name} reported an error in its stream: "
            f"{mask(text, self._key)}. The text so far is kept; try again, or check the "
            "server's log."))

    def _failed(self, request: ChatRequest, exc: RemoteError, figures: StreamFigures
                ) -> Failed:
        _log.warning("remote request to %s failed (%s) after %d chunks: %s",
                     self.provider.name, exc.kind, figures.chunks, exc.message)
        return Failed(error=exc.kind, message=exc.message, path=request.model_path)


def _content_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").partition(";")[0].strip().lower()


def _read_some(response: httpx.Response, limit: int | None = _MAX_ERROR_BODY) -> bytes:
    data = b""
    for piece in response.iter_bytes():
        data += piece
        if limit is not None and len(data) >= limit:
            break
    return data


class _Unavailable:
    """The client of a request whose provider is gone: its one event says so."""

    def __init__(self, failed: Failed) -> None:
        self._failed = failed

    @property
    def pid(self) -> int | None:
        return None

    def chat(self, request: ChatRequest) -> Iterator[Event]:
        yield self._failed

    def cancel(self) -> None:
        pass

    def close(self) -> None:
        pass


def remote_client(request: ChatRequest, store: ProviderStore, **patience: float
                  ) -> RemoteClient | _Unavailable:
    """The client for ``request``'s remote model (``patience``: :class:`RemoteClient`'s
    ``connect_s``, ``wait_s``, ``stall_s``); one whose only event is a ``Failed`` when the
    path names no provider the user has."""
    model = parse_remote(request.model_path)
    if model is None:
        return _Unavailable(Failed(error=ErrorKind.BAD_REQUEST, path=request.model_path,
                                   message=f"'{request.model_path}' is not a remote model "
                                   "(remote://PROVIDER/MODEL-ID)."))
    provider = store.get(model.provider)
    if provider is None:
        return _Unavailable(Failed(error=ErrorKind.NO_PROVIDER, path=request.model_path,
                                   message=(
            f"There is no provider named '{model.provider}' (it may have been removed): add "
            "it again in Chat ▸ Providers… (or slice-chat providers add), or pick another "
            "model.")))
    return RemoteClient(provider, store.key(provider.name), **patience)


class _ModelEntry(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str


class _ModelList(BaseModel):
    model_config = ConfigDict(extra="ignore")
    data: list[_ModelEntry]


def list_models(provider: Provider, key: str | None, *, timeout_s: float = CONNECT_S
                ) -> list[str]:
    """The ids of the models ``provider`` serves (``GET /models``); raises
    :class:`RemoteError` with a message that names the problem."""
    url = provider.base_url.rstrip("/") + "/models"
    with _http(provider, timeout_s, timeout_s) as http:
        try:
            response = http.get(url, headers=_headers(provider, key),
                                timeout=httpx.Timeout(timeout_s))
        except httpx.HTTPError as exc:
            raise transport_failure(exc, provider=provider, connect_s=timeout_s,
                                    cut_off=False) from None
    if response.status_code >= 400:
        raise http_failure(response.status_code, response.headers, response.content,
                           provider=provider, model_id="", key=key)
    try:
        models = _ModelList.model_validate_json(response.content)
    except ValidationError:
        said = server_text(response.content, key)
        raise RemoteError(ErrorKind.BAD_RESPONSE, (
            f"{provider.name} did not list its models in the OpenAI format at {url} "
            f"({said[:80]!r}): check the base URL (it usually ends in /v1).")) from None
    return [m.id for m in models.data]

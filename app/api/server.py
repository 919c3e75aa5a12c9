"""The OpenAI-compatible HTTP server: other apps use the model the user already runs.

Starlette routes under uvicorn, on a thread and event loop of their own, so that starting,
serving and stopping never block the window. Why these two: they are what llama-cpp-python's
own server runs on (so the stack is already proven with llama.cpp and maintained with it),
uvicorn is the reference ASGI server, and starlette's streaming responses notice a client's
disconnect, which is what ends its generation at once.

Requests go to the engine's :class:`~app.engine.scheduler.Scheduler` as API requests: they
wait behind the window's, a full queue answers 503 with ``Retry-After``, and a client that
goes away cancels only its own generation. :mod:`app.api.guard` checks every request
first (Host, Origin, key, body size).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import sys
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import anyio
import uvicorn
import uvicorn.lifespan.off  # named by a string in uvicorn's config: imported for bundlers
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from uvicorn.protocols.http.h11_impl import H11Protocol

from app.api.guard import Guard, is_loopback
from app.api.model_ids import model_ids
from app.api.responses import Answer, error_body, sse
from app.api.schema import ChatCompletionBody, CompletionBody, Parsed, RequestError, parse_body
from app.engine.scheduler import (
    Job,
    QueueFullError,
    Scheduler,
    SchedulerClosedError,
    Source,
)
from app.models.base_sampling import base_sampling
from app.models.library import ModelEntry, ModelLibrary
from app.models.recommended import model_recommendation
from app.paths import app_paths
from app.settings import Settings
from inference.events import (
    ChatRequest,
    Done,
    ErrorKind,
    Event,
    Failed,
    Sampling,
    Token,
)
from inference.protocol import history_digest

_log = logging.getLogger(__name__)

#: The largest request body (a long conversation of text fits easily).
MAX_BODY_BYTES = 8 * 1024 * 1024
#: Tokens that follow within this many milliseconds travel as one chunk (the first never
#: waits): fewer events through the host's pipe and the event loop for a fast model. The
#: window's figure (app/chat/reply.py): a fast model's reply arrives in at most 40 chunks a
#: second, still smooth to read; a model slower than that streams every token as it comes.
STREAM_BATCH_MS = 25
_SHUTDOWN_GRACE_S = 2

__all__ = ["ApiServer", "ServerState", "ServerStatus", "is_loopback"]


class ServerState(StrEnum):
    OFF = "off"
    STARTING = "starting"
    RUNNING = "running"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class ServerStatus:
    """What the window's Server section and ``slice-chat serve`` show."""

    state: ServerState
    url: str  # the API's base URL while running ("http://127.0.0.1:8181/v1"), else ""
    error: str  # why the server could not start, else ""
    requests_served: int
    requests_failed: int
    last_error: str  # the last request error, for people
    waiting: int  # API requests waiting for the model
    key_required: bool


# Engine failures as HTTP answers: (status, OpenAI error type, code).
_FAILURES: dict[str, tuple[int, str, str]] = {
    ErrorKind.BAD_REQUEST: (400, "invalid_request_error", "context_length_exceeded"),
    ErrorKind.TEMPLATE: (400, "invalid_request_error", "chat_template_error"),
    ErrorKind.HOST_CRASHED: (500, "server_error", "engine_crashed"),
    ErrorKind.INTERNAL: (500, "server_error", "internal_error"),
}
_LOAD_FAILURE = (500, "server_error", "model_load_failed")


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


class ApiServer:
    """The server's lifecycle and routes. :meth:`start` and :meth:`stop` return at once."""

    def __init__(self, scheduler: Scheduler, library: ModelLibrary,
                 settings: Callable[[], Settings], key: str) -> None:
        self._scheduler = scheduler
        self._library = library
        self._settings = settings
        self._key = key
        self._lock = threading.Lock()
        self._state = ServerState.OFF
        self._error = ""
        self._url = ""
        self._key_required = True
        self._served = 0
        self._failed = 0
        self._last_error = ""
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._jobs: set[Job] = set()
        self._started = threading.Event()
        self._generation = 0  # each start's number: a stopped thread never writes state

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> None:
        """Bind and serve on a thread of its own; :meth:`status` tells how it went.

        A server already running is stopped first; the new one binds once the old one has
        let go of its port, on the new thread, so this never waits."""
        previous = self._thread
        self.stop()
        config = self._settings().server
        key_required = config.require_key or not is_loopback(config.host)
        with self._lock:
            self._generation += 1
            generation = self._generation
            self._state = ServerState.STARTING
            self._error = self._url = ""
            self._key_required = key_required
        self._started.clear()
        app = self._app(config.host, self._key if key_required else None,
                        tuple(config.cors_origins))
        self._thread = threading.Thread(
            target=self._serve, args=(generation, previous, app, config.host, config.port),
            name="slice-api", daemon=True,
        )
        self._thread.start()

    def _serve(self, generation: int, previous: threading.Thread | None, app: Any, host: str,
               port: int) -> None:
        if previous is not None:
            previous.join(timeout=_SHUTDOWN_GRACE_S + 5)
        try:
            sock = _listen(host, port)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            hint = (" Another program uses this port: pick another one."
                    if getattr(exc, "errno", None) in (98, 48, 10048) else "")
            self._set_failed(generation, f"Could not listen on {host}:{port}: {reason}.{hint}")
            return
        bound_port = sock.getsockname()[1]
        # The protocol class itself, not a name that uvicorn imports by string: a frozen
        # build then bundles it. h11: pure Python, no compiled parser to ship.
        config = uvicorn.Config(
            app, http=H11Protocol, ws="none", log_level="warning", access_log=False,
            lifespan="off", timeout_graceful_shutdown=_SHUTDOWN_GRACE_S, server_header=False,
        )
        server = uvicorn.Server(config)
        asyncio.run(_load_anyio_backend())
        with self._lock:
            if generation != self._generation or self._state is not ServerState.STARTING:
                sock.close()  # stopped (or started anew) meanwhile
                return
            self._server = server
            self._state = ServerState.RUNNING
            self._url = f"http://{_url_host(host)}:{bound_port}/v1"
        self._started.set()
        _log.info("API server listening on %s", self._url)
        try:
            asyncio.run(server.serve(sockets=[sock]))
        except BaseException as exc:  # uvicorn exits through SystemExit too
            _log.exception("the API server stopped")
            self._set_failed(generation, f"The API server stopped: {exc!r}")
            return
        finally:
            sock.close()
        with self._lock:
            if generation == self._generation:
                self._state = ServerState.OFF
                self._url = ""
                self._server = None

    def _set_failed(self, generation: int, message: str) -> None:
        _log.warning("%s", message)
        with self._lock:
            if generation != self._generation:
                return
            self._state = ServerState.FAILED
            self._error = message
            self._url = ""
            self._server = None
        self._started.set()

    def stop(self, wait: bool = False) -> None:
        """Stop serving; API requests still running are cancelled."""
        with self._lock:
            server = self._server
            jobs = list(self._jobs)
            self._server = None
            if self._state is not ServerState.FAILED:
                self._state = ServerState.OFF
            self._url = ""
        if server is not None:
            server.should_exit = True
        for job in jobs:
            job.cancel()
        thread = self._thread
        if wait and thread is not None and thread is not threading.current_thread():
            thread.join(timeout=_SHUTDOWN_GRACE_S + 5)

    def wait_started(self, timeout: float = 10.0) -> ServerStatus:
        """The status once the server runs or failed (or ``timeout`` passed)."""
        self._started.wait(timeout)
        return self.status()

    def status(self) -> ServerStatus:
        queue = self._scheduler.status()
        with self._lock:
            return ServerStatus(
                state=self._state, url=self._url, error=self._error,
                requests_served=self._served, requests_failed=self._failed,
                last_error=self._last_error, waiting=queue.waiting_api,
                key_required=self._key_required,
            )

    # -- the application ----------------------------------------------------------------

    def _app(self, host: str, key: str | None, origins: tuple[str, ...]) -> Any:
        routes = [
            Route("/health", self._health, methods=["GET"]),
            Route("/v1/models", self._models, methods=["GET"]),
            Route("/v1/models/{model_id:path}", self._model, methods=["GET"]),
            Route("/v1/chat/completions", self._chat, methods=["POST"]),
            Route("/v1/completions", self._completions, methods=["POST"]),
        ]
        middleware = [
            Middleware(Guard, bound_host=host, key=key, origins=origins,
                       max_body=MAX_BODY_BYTES),
            Middleware(CORSMiddleware, allow_origins=list(origins),
                       allow_methods=["GET", "POST", "OPTIONS"],
                       allow_headers=["Authorization", "Content-Type"]),
        ]
        return Starlette(routes=routes, middleware=middleware,
                         exception_handlers={HTTPException: _http_error})

    async def _health(self, _request: Request) -> Response:
        """Up, and how busy (no key needed: nothing here names a model or a request)."""
        queue = self._scheduler.status()
        return JSONResponse({
            "status": "ok",
            "busy": queue.running is not None,
            "waiting": queue.waiting_window + queue.waiting_compare + queue.waiting_api,
        })

    async def _models(self, _request: Request) -> Response:
        return JSONResponse({"object": "list",
                             "data": [_model_object(i, e) for i, e in self._ids().items()]})

    async def _model(self, request: Request) -> Response:
        model_id = request.path_params["model_id"]
        entry = self._ids().get(model_id)
        if entry is None:
            return self._refuse(_unknown_model(model_id, self._ids()))
        return JSONResponse(_model_object(model_id, entry))

    def _ids(self) -> dict[str, ModelEntry]:
        return model_ids(self._library.models())

    async def _chat(self, request: Request) -> Response:
        return await self._complete(request, ChatCompletionBody)

    async def _completions(self, request: Request) -> Response:
        return await self._complete(request, CompletionBody)

    async def _complete(self, request: Request,
                        kind: type[ChatCompletionBody] | type[CompletionBody]) -> Response:
        try:
            raw = await _read_body(request, MAX_BODY_BYTES)
            parsed = parse_body(raw, kind)
            model_id, entry = self._pick_model(parsed.body.model)
            engine_request = self._engine_request(parsed, entry)
        except RequestError as exc:
            return self._refuse(exc)
        except ClientDisconnect:
            return Response(status_code=499)
        answer = Answer(model=model_id, chat=kind is ChatCompletionBody,
                        include_usage=parsed.body.include_usage())
        return await self._run(request, engine_request, answer, parsed.body.stream)

    def _pick_model(self, requested: str | None) -> tuple[str, ModelEntry]:
        ids = self._ids()
        if requested:
            entry = ids.get(requested)
            if entry is None:
                raise _unknown_model(requested, ids)
            return requested, entry
        # No model named: the default model, else the one loaded, else the first.
        by_path = {e.path: i for i, e in ids.items()}
        for path in (self._settings().default_model, self._scheduler.status().model_path):
            if path in by_path:
                return by_path[path], ids[by_path[path]]
        if not ids:
            raise RequestError("The model library is empty: add a model in Slice first.",
                               param="model", code="model_not_found", status=404)
        first = next(iter(ids))
        return first, ids[first]

    def _engine_request(self, parsed: Parsed, entry: ModelEntry) -> ChatRequest:
        settings = self._settings()
        body = parsed.body
        limit = settings.server.max_tokens
        max_tokens = body.max_completion_tokens or body.max_tokens
        param = "max_completion_tokens" if body.max_completion_tokens else "max_tokens"
        if max_tokens is not None and max_tokens > limit:
            raise RequestError(f"Invalid '{param}': at most {limit:,} tokens may be asked for "
                               "(the server's limit).", param=param, code="invalid_value")
        # The request's fields over the layers a chat in the window has under its preset
        # (the sampling the user chose in Slice, the model's recommendation, the declared
        # defaults); the reply length is the request's or the server's limit.
        base = base_sampling(settings, model_recommendation(entry.path, settings.load))
        values = {name: value for name, (value, _) in base.items()}
        values |= {**body.sampling_values(), "max_tokens": max_tokens or limit}
        try:
            sampling = Sampling.model_validate(values)
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            name = str(error["loc"][0]) if error["loc"] else None
            raise RequestError(f"Invalid '{name}': {error['msg']}.", param=name,
                               code="invalid_value") from None
        if parsed.prompt is not None:
            conversation = "api-text"
        else:
            # The system prompt and first message pick the conversation's cache slot, so
            # that clients taking turns each extend their own cached prefix.
            conversation = "api-" + history_digest(parsed.messages[:2])[:16]
        return ChatRequest(
            model_path=entry.path,
            messages=parsed.messages,
            load=settings.load,  # the window's: one model, loaded once for both
            sampling=sampling,
            stop=body.stops(),
            conversation_id=conversation,
            overflow=settings.overflow,
            speculative=settings.speculative,
            snapshot_budget_mb=settings.snapshot_budget_mb,
            snapshot_disk_mb=settings.snapshot_disk_mb,
            snapshot_dir=str(app_paths().snapshots),
            model_sha256=entry.sha256,
            stream_batch_ms=STREAM_BATCH_MS,
            prompt=parsed.prompt,
            loop_guard=settings.loop_guard,
            # A thinking model's thoughts travel apart, as reasoning_content (chat only: a
            # plain completion is the model's raw text).
            thinking_apart=parsed.prompt is None,
        )

    async def _run(self, request: Request, engine_request: ChatRequest, answer: Answer,
                   stream: bool) -> Response:
        loop = asyncio.get_running_loop()
        events: asyncio.Queue[Event] = asyncio.Queue()

        def sink(event: Event) -> None:
            loop.call_soon_threadsafe(events.put_nowait, event)

        try:
            job = self._scheduler.submit(engine_request, sink, source=Source.API)
        except QueueFullError as exc:
            return self._refuse(RequestError(str(exc), code="queue_full", status=503),
                                headers={"Retry-After": str(exc.retry_after_s)})
        except SchedulerClosedError as exc:
            return self._refuse(RequestError(str(exc), code="shutting_down", status=503))
        with self._lock:
            self._jobs.add(job)
        watcher = asyncio.create_task(_cancel_on_disconnect(request, job))
        handed_over = False
        try:
            first = await _first_answer(events)
            if isinstance(first, Failed):
                return self._refuse(_failure(first))
            if stream:
                watcher.cancel()  # the streaming response listens for the disconnect itself
                handed_over = True
                return StreamingResponse(
                    self._stream(job, events, answer, first), media_type="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
                )
            parts: list[str] = []
            thoughts: list[str] = []
            event: Event = first
            while not isinstance(event, Done):
                if isinstance(event, Token):
                    (thoughts if event.thinking else parts).append(event.text)
                elif isinstance(event, Failed):
                    return self._refuse(_failure(event))
                event = await events.get()
            self._count(ok=True)
            return JSONResponse(answer.whole("".join(parts), event.stats, event.stop_reason,
                                             reasoning="".join(thoughts)))
        finally:
            watcher.cancel()
            if not handed_over:
                self._forget(job)

    async def _stream(self, job: Job, events: asyncio.Queue[Event], answer: Answer,
                      first: Event) -> AsyncIterator[bytes]:
        ended = False
        try:
            opening = answer.first_chunk()
            if opening is not None:
                yield opening
            event = first
            while True:
                if isinstance(event, Token):
                    # Tokens already waiting (the loop was busy) go out as one chunk.
                    text, following = _with_waiting_tokens(event, events)
                    if text:
                        yield answer.text_chunk(text, reasoning=event.thinking)
                    if following is not None:
                        event = following
                        continue
                elif isinstance(event, Done):
                    ended = True
                    self._count(ok=True)
                    yield answer.final_chunks(event.stats, event.stop_reason)
                    return
                elif isinstance(event, Failed):
                    ended = True
                    error = _failure(event)
                    self._count(ok=False, error=error.message)
                    yield sse(error_body(error.message, kind="server_error", code=error.code))
                    yield sse("[DONE]")
                    return
                event = await events.get()
        finally:
            if not ended:  # the client went away: end its generation now
                job.cancel()
            self._forget(job)

    def _forget(self, job: Job) -> None:
        if not job.finished.is_set():
            job.cancel()
        with self._lock:
            self._jobs.discard(job)

    def _count(self, ok: bool, error: str = "") -> None:
        with self._lock:
            if ok:
                self._served += 1
            else:
                self._failed += 1
                self._last_error = error

    def _refuse(self, exc: RequestError, headers: dict[str, str] | None = None) -> Response:
        self._count(ok=False, error=exc.message)
        kind = "invalid_request_error" if exc.status < 500 else "server_error"
        if exc.status == 404:
            kind = "invalid_request_error"
        return JSONResponse(error_body(exc.message, kind=kind, param=exc.param, code=exc.code),
                            status_code=exc.status, headers=headers)


async def _load_anyio_backend() -> None:
    """Every streamed answer runs in an anyio task group (starlette's ``StreamingResponse``),
    and anyio loads its asyncio backend on first use, some 40 ms of imports: done before the
    server says it runs, so that the first client does not wait for them."""
    async with anyio.create_task_group():
        pass


def _with_waiting_tokens(token: Token, events: asyncio.Queue[Event]) -> tuple[str, Event | None]:
    """``token``'s text and that of the tokens of its kind (answer or thinking) already
    queued after it, and the first other event taken from the queue on the way (None when
    the queue ran empty)."""
    parts = [token.text]
    while not events.empty():
        event = events.get_nowait()
        if not isinstance(event, Token) or event.thinking != token.thinking:
            return "".join(parts), event
        parts.append(event.text)
    return "".join(parts), None


async def _first_answer(events: asyncio.Queue[Event]) -> Event:
    """The first event a client hears of: text, the end, or a failure (loads and prompt
    progress go by; a failure before any text can still be an HTTP error)."""
    while True:
        event = await events.get()
        if isinstance(event, (Token, Done, Failed)):
            return event


async def _cancel_on_disconnect(request: Request, job: Job) -> None:
    """Cancel ``job`` when the client disconnects (its body is already read)."""
    with contextlib.suppress(asyncio.CancelledError):
        while True:
            message = await request.receive()
            if message["type"] == "http.disconnect":
                job.cancel()
                return


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, refused past ``limit`` bytes even when sent without a Content-Length."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise RequestError(f"The body is larger than {limit:,} bytes.",
                               code="request_too_large", status=413)
        chunks.append(chunk)
    return b"".join(chunks)


def _failure(event: Failed) -> RequestError:
    status, _kind, code = _FAILURES.get(event.error, _LOAD_FAILURE)
    if event.error == ErrorKind.BAD_REQUEST and "does not fit" not in event.message:
        code = "invalid_request"
    return RequestError(event.message, code=code, status=status)


def _unknown_model(requested: str, ids: dict[str, ModelEntry]) -> RequestError:
    known = ", ".join(sorted(ids)[:20]) or "none: add a model in Slice first"
    return RequestError(f"The model '{requested[:200]}' does not exist. Models: {known}.",
                        param="model", code="model_not_found", status=404)


def _model_object(model_id: str, entry: ModelEntry) -> dict[str, Any]:
    return {
        "id": model_id,
        "object": "model",
        "created": int(entry.added_at),
        "owned_by": "slice",
        # Beyond OpenAI's fields, what a client may want to show or choose by.
        "meta": {
            "name": entry.name,
            "architecture": entry.architecture,
            "quantization": entry.quantization,
            "parameters": entry.n_params,
            "context_length": entry.context_length,
            "size_bytes": entry.size,
        },
    }


async def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = {404: "No such route: see /v1/models, /v1/chat/completions, /v1/completions "
               "and /health.", 405: "This route does not take that method."}.get(
        exc.status_code, str(exc.detail))
    return JSONResponse(error_body(message, code=f"http_{exc.status_code}"),
                        status_code=exc.status_code, headers=getattr(exc, "headers", None))


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (IPv4 or IPv6); raises OSError."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    infos = socket.getaddrinfo(host.strip("[]"), port, family, socket.SOCK_STREAM, 0,
                               socket.AI_PASSIVE)
    family, kind, proto, _name, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        if sys.platform != "win32":  # on Windows it would let two servers share the port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock

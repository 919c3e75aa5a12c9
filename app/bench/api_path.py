"""Path (f) of the benchmark: the decode run of (d), through the OpenAI-compatible HTTP API.

:class:`ApiPath` runs the stack ``slice-chat serve`` runs, in this process: an
:class:`~app.api.server.ApiServer` on a free loopback port with a key made for the run, over
a :class:`~app.engine.scheduler.Scheduler` over a fresh :class:`HostClient` (a host process
of its own), serving a temporary model library that holds the bench's model. The model is
loaded before the first run, as (d)'s host is, so the first run is cold in the same way: the
model resident, the prompt not yet cached.

:class:`StreamingClient` is the client a program would write with the standard library alone:
``http.client`` on one kept-alive connection, ``POST /v1/chat/completions`` with
``stream: true``, each SSE ``data:`` line parsed as it arrives. (The product does not use the
``openai`` package; only the tests do.)
"""

from __future__ import annotations

import json
import secrets
import select
import socket
import tempfile
import time
from dataclasses import dataclass
from http.client import HTTPConnection, HTTPException
from typing import TYPE_CHECKING, Any

from app.bench.runner import BenchError, Timed
from inference.events import ChatRequest, Event, Failed

if TYPE_CHECKING:
    from app.api.server import ApiServer
    from app.bench.runner import Bench
    from app.engine.scheduler import Scheduler

#: The longest one reply may take through the API before the run counts as failed.
REPLY_TIMEOUT_S = 300.0


def spread_tokens(arrivals: list[float], tokens: int) -> list[float]:
    """Arrival times of ``tokens`` tokens that came in chunks arriving at ``arrivals``.

    The server streams a reply's first token alone, at once (neither the host nor the
    server holds it back), and later tokens in chunks of those that came within its
    batching window: a chunk's tokens all arrive when the chunk does, as
    :meth:`~app.bench.runner.Bench.stream` stamps a ``Token`` event's ``n`` tokens. A chunk
    does not say how many tokens it carries, so the first gets one and the other
    ``tokens - 1`` are shared evenly over the rest, the last chunk getting at least one. Only
    the first arrival, the last and the count enter :attr:`Timed.decode_tps`, so this
    sharing does not change the speed.
    """
    if not arrivals:
        return []
    times = [arrivals[0]]
    rest, later = arrivals[1:], max(0, tokens - 1)
    for i, arrival in enumerate(rest):
        share = later * (i + 1) // len(rest) - later * i // len(rest)
        times.extend([arrival] * share)
    return times


@dataclass
class ApiRun:
    """One streamed reply through the API, as the client saw it."""

    timed: Timed
    chunks: int  # chunks with content
    tokens: int  # the server's count (usage.completion_tokens = timings.predicted_n)


class StreamingClient:
    """A minimal streaming client of ``/v1/chat/completions`` (standard library only)."""

    def __init__(self, port: int, key: str) -> None:
        self._conn = HTTPConnection("127.0.0.1", port, timeout=REPLY_TIMEOUT_S)
        self._headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json",
                         "Accept": "text/event-stream"}

    def close(self) -> None:
        self._conn.close()

    def _open(self) -> None:
        """An open connection for the next request. The server closes one left idle for a
        few seconds (uvicorn's keep-alive timeout; the bench's other paths run in between):
        as a client's connection pool does, it is opened again before the request, so the
        clock never counts a TCP connect."""
        sock = self._conn.sock
        if sock is not None and select.select([sock], [], [], 0)[0]:
            self._conn.close()  # readable while idle: the server's end of the connection
        if self._conn.sock is None:
            self._conn.connect()

    def chat(self, body: dict[str, Any]) -> ApiRun:
        """Post ``body`` (``stream: true``) and time each content chunk's arrival.

        TTFT is from just before the request is written to the arrival of the first chunk
        with content (the role chunk before it carries none): the same two points as (d)'s,
        from the call into the host client to its first ``Token``.
        """
        self._open()
        data = json.dumps(body).encode()
        started = time.perf_counter()
        try:
            self._conn.request("POST", "/v1/chat/completions", body=data, headers=self._headers)
            response = self._conn.getresponse()
            if response.status != 200:
                raise BenchError(f"the API answered {response.status}: "
                                 f"{response.read()[:300].decode(errors='replace')}")
            arrivals: list[float] = []
            final: dict[str, Any] = {}
            while True:
                line = response.readline()
                now = time.perf_counter()
                if not line:
                    raise BenchError("the API's stream ended without data: [DONE]")
                if not line.startswith(b"data: "):
                    continue
                payload = line[6:].strip()
                if payload == b"[DONE]":
                    break
                chunk = json.loads(payload)
                if "error" in chunk:
                    raise BenchError(f"the API failed: {chunk['error'].get('message')}")
                if any(c.get("delta", {}).get("content") for c in chunk.get("choices") or ()):
                    arrivals.append(now)
                final.update({k: chunk[k] for k in ("timings", "usage") if chunk.get(k)})
            response.read()  # the body's last chunk: the connection can carry the next one
        except (OSError, HTTPException, ValueError) as exc:
            self._conn.close()
            raise BenchError(f"the API request failed: {exc!r}") from exc
        if "usage" in final:
            tokens = int(final["usage"]["completion_tokens"])
        elif "timings" in final:
            tokens = int(final["timings"]["predicted_n"])
        else:
            raise BenchError("the API's stream carried neither usage nor timings")
        timings = final.get("timings", {})
        engine_ttft = float(timings["ttft_ms"]) / 1000 if "ttft_ms" in timings else float("nan")
        timed = Timed(started, spread_tokens(arrivals, tokens), engine_ttft_s=engine_ttft)
        return ApiRun(timed, len(arrivals), tokens)


class ApiPath:
    """The API stack of (f) and its streaming client, from :meth:`start` to :meth:`close`."""

    def __init__(self, bench: Bench) -> None:
        self._bench = bench
        self._folder = tempfile.TemporaryDirectory(prefix="slice-bench-api-")
        self._scheduler: Scheduler | None = None
        self._server: ApiServer | None = None
        self._client: StreamingClient | None = None
        self._model_id = ""
        self.runs: list[ApiRun] = []

    def start(self) -> None:
        """Start the host, the scheduler and the server, and load the model."""
        from pathlib import Path

        from app.api.keys import PREFIX
        from app.api.model_ids import model_ids
        from app.api.server import ApiServer, ServerState
        from app.engine.scheduler import Scheduler
        from app.models.library import ModelLibrary
        from app.settings import ServerSettings, Settings
        from inference.host_client import HostClient
        from inference.options import Sampling

        bench = self._bench
        folder = Path(self._folder.name)
        library = ModelLibrary(folder / "library.json", folder / "models")
        entry = library.import_file(bench.model)
        ids = model_ids(library.models())
        self._model_id = next(i for i, e in ids.items() if e.path == entry.path)
        # What (d) sends, as the server's settings: the bench's load settings, greedy, no
        # snapshots on disk, no loop guard. Every sampling field counts as chosen, so that
        # the model's recommendation (which (d) does not get) does not apply; the request
        # names the same greedy sampling itself.
        greedy = Sampling.model_validate(Sampling(temperature=0.0, seed=1).model_dump())
        settings = Settings(
            default_model=entry.path, load=bench.load, sampling=greedy, snapshot_disk_mb=0,
            loop_guard=False,  # as (d)'s requests (Bench.request)
            server=ServerSettings(port=_free_port(), max_tokens=max(bench.tokens, 1)),
        )
        key = PREFIX + secrets.token_urlsafe(32)
        self._scheduler = Scheduler(HostClient())
        self._load(ChatRequest(model_path=entry.path, messages=(), load=bench.load))
        self._server = ApiServer(self._scheduler, library, lambda: settings, key)
        self._server.start()
        status = self._server.wait_started()
        if status.state is not ServerState.RUNNING:
            raise BenchError(f"the API server did not start: {status.error}")
        port = int(status.url.rsplit(":", 1)[1].split("/", 1)[0])
        self._client = StreamingClient(port, key)

    def _load(self, request: ChatRequest) -> None:
        """Load the model in the scheduler's host before the first timed run (as
        ``slice-chat serve`` does before it serves)."""
        assert self._scheduler is not None
        events: list[Event] = []
        job = self._scheduler.submit(request, events.append)
        if not job.finished.wait(REPLY_TIMEOUT_S):
            job.cancel()
            raise BenchError("loading the model behind the API timed out")
        for event in events:
            if isinstance(event, Failed):
                raise BenchError(event.message)

    def once(self, prompt: str) -> Timed:
        """One run of (f): ``prompt`` as (d) sends it, greedy, ``bench.tokens`` tokens."""
        assert self._client is not None, "start() first"
        run = self._client.chat({
            "model": self._model_id,
            "messages": [{"role": "user", "content": prompt}],
            "stream": True,
            "stream_options": {"include_usage": True},
            "temperature": 0.0,
            "seed": 1,
            "max_tokens": self._bench.tokens,
        })
        self.runs.append(run)
        return run.timed

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        if self._server is not None:
            self._server.stop(wait=True)
        if self._scheduler is not None:
            self._scheduler.close()  # ends its host process
        self._folder.cleanup()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def api_figures(host: list[Timed], api: list[ApiRun]) -> dict[str, Any]:
    """(f)'s figures beside (d)'s, from runs interleaved round by round.

    Both TTFTs are by the bench's clock, end to end: (d) from the call into the host client
    to its first ``Token``, (f) from writing the request to the first content chunk. Each run
    also carries the engine's own share (request received in the host to first token, from
    its stats), so each path's time *outside* the engine (pipes, threads, HTTP, the client)
    is its TTFT minus that share, run by run. The overhead of (f) over (d)
    (``ttft_overhead_ms``, the target's figure) is the difference of the two medians of that.
    Why not the plain difference of TTFTs: the engine's share of the same prompt differs
    between the two host processes by more than the few milliseconds being measured (tens of
    ms on a cold run, several on a warm one), which would decide the sign; both plain
    differences are reported beside it: ``ttft_overhead_cold_ms`` (round 1, the model
    loaded, the prompt not cached) and ``ttft_overhead_warm_ms`` (the median over the later
    rounds, which find the prompt cached; None with ``--quick``'s one round).
    """
    from app.bench.runner import median

    pairs = [a.timed.ttft_s - h.ttft_s for h, a in zip(host, api, strict=True)]

    def outside(runs: list[Timed]) -> float:
        return median([t.ttft_s - t.engine_ttft_s for t in runs]) * 1000

    api_timed = [a.timed for a in api]
    outside_ms = {"host": outside(host), "api": outside(api_timed)}
    return {
        "ttft_overhead_ms": outside_ms["api"] - outside_ms["host"],
        "ttft_overhead_cold_ms": pairs[0] * 1000,
        "ttft_overhead_warm_ms": median(pairs[1:]) * 1000 if len(pairs) > 1 else None,
        "outside_engine_ms": outside_ms,
        "tokens_per_reply": median([float(a.tokens) for a in api]),
        "chunks_per_reply": median([float(a.chunks) for a in api]),
        "client": "http.client, one kept-alive connection, SSE data: lines parsed on arrival",
    }

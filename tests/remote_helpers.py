"""Real servers for the remote-engine tests, on loopback, started by the tests.

- :func:`llama_cpp_server`: llama-cpp-python's own OpenAI server (``python -m
  llama_cpp.server``) on the starter model, one thread, a small context.
- :class:`FaultProxy`: a real threaded HTTP server that forwards every request to a real
  server and, when told, breaks the exchange the way networks and servers do: an HTTP
  error (429 with Retry-After, 401 echoing the key, 503), a connection reset after some
  events, a stall, comment / keep-alive / unknown-field lines between the events, a line
  of malformed JSON.
- :func:`self_signed`: a certificate and key for 127.0.0.1 (the openssl command).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import shutil
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from inference.events import ChatMessage, ChatRequest, Event, Sampling, Token
from tests.api_helpers import free_port

LLAMA_CPP_MODEL_ID = "smollm"


@contextlib.contextmanager
def llama_cpp_server(model_path: str, log: Path) -> Iterator[int]:
    """``python -m llama_cpp.server`` on ``model_path`` (id :data:`LLAMA_CPP_MODEL_ID`);
    yields its port once it answers, ends it afterwards."""
    port = free_port()
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", model_path,
             "--model_alias", LLAMA_CPP_MODEL_ID, "--n_threads", "1", "--n_threads_batch", "1",
             "--n_ctx", "1024", "--host", "127.0.0.1", "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, log.read_text()[-3000:]
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/v1/models")
                if conn.getresponse().status == 200:
                    break
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class Seen:
    """One request as the proxy received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


# What the "garbage" mode puts before each event: all of it a client must pass over.
NOISE = (b": keep-alive\n\n", b":\n", b"data:\n\n", b"\n", b"id: 7\n", b"retry: 3000\n",
         b"this line has no colon\n")


@dataclass
class FaultProxy:
    """A forwarding proxy to ``127.0.0.1:upstream`` with one fault switched on at a time.

    ``mode``: "pass", "429", "401", "503", "reset", "stall", "garbage", "badjson". The
    mid-stream faults strike after ``after`` events; a stall lasts until :attr:`release`
    is set (or a minute).
    """

    upstream: int
    mode: str = "pass"
    after: int = 3
    tls: ssl.SSLContext | None = None
    seen: list[Seen] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    port: int = 0

    def __post_init__(self) -> None:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # the body ends with the connection

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                proxy._handle(self)

            def do_POST(self) -> None:
                proxy._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        if self.tls is not None:
            self._server.socket = self.tls.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}/v1"

    def close(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in handler.headers.items()}
        self.seen.append(Seen(handler.command, handler.path, headers, body))
        mode = self.mode
        if mode in ("429", "401", "503"):
            key = headers.get("authorization", "").removeprefix("Bearer ")
            answers = {
                "429": (429, {"Retry-After": "7"}, "Rate limit reached for requests"),
                # As some servers do: the refused key, quoted back.
                "401": (401, {}, f"Incorrect API key provided: {key}"),
                "503": (503, {"Retry-After": "2"}, "The server is overloaded"),
            }
            status, extra, message = answers[mode]
            data = json.dumps({"error": {"message": message, "type": "error"}}).encode()
            handler.send_response(status)
            for name, value in {**extra, "Content-Type": "application/json"}.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(data)
            return
        upstream = http.client.HTTPConnection("127.0.0.1", self.upstream, timeout=300)
        forwarded = {k: v for k, v in handler.headers.items()
                     if k.lower() not in ("host", "connection", "accept-encoding")}
        upstream.request(handler.command, handler.path, body=body or None, headers=forwarded)
        answer = upstream.getresponse()
        handler.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in ("transfer-encoding", "connection", "content-length",
                                    "server", "date"):
                handler.send_header(name, value)
        handler.end_headers()
        try:
            if "text/event-stream" not in (answer.getheader("content-type") or ""):
                handler.wfile.write(answer.read())
                return
            self._relay_events(handler, answer, mode)
        except OSError:
            pass  # the client went away
        finally:
            upstream.close()  # the real server sees its client go

    def _relay_events(self, handler: BaseHTTPRequestHandler,
                      answer: http.client.HTTPResponse, mode: str) -> None:
        sent = 0
        event = b""
        while line := answer.readline():
            event += line
            if line.strip():
                continue
            if sent == self.after and mode in ("reset", "stall", "badjson"):
                if mode == "badjson":
                    handler.wfile.write(b'data: {"choices": [{"delta": {"content": \n\n')
                    handler.wfile.flush()
                    return
                if mode == "stall":
                    self.release.wait(60)
                    return
                # A reset: RST instead of FIN, as a dropped connection looks.
                handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                              struct.pack("ii", 1, 0))
                handler.connection.close()
                return
            if mode == "garbage":
                handler.wfile.write(b"".join(NOISE))
                if sent % 3 == 1:
                    event = event.replace(b"\n", b"\r\n")
            handler.wfile.write(event)
            handler.wfile.flush()
            sent += 1
            event = b""


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made by the openssl command."""
    openssl = shutil.which("openssl")
    assert openssl is not None, "the openssl command is needed for the TLS tests"
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60)
    return cert, key


def server_tls(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def collect(events: Iterator[Event]) -> tuple[str, list[Event]]:
    """Every event of one reply, and its text."""
    seen = list(events)
    return "".join(e.text for e in seen if isinstance(e, Token)), seen


def chat_request(model_path: str, text: str, *, max_tokens: int = 24,
                 **sampling: float) -> ChatRequest:
    """A one-message request at temperature 0 (unless told otherwise)."""
    return ChatRequest(model_path=model_path, messages=(ChatMessage("user", text),),
                       sampling=Sampling(**{"temperature": 0.0, "max_tokens": max_tokens,
                                            **sampling}))

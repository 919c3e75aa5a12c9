"""A local stand-in for the Hugging Face hub: its API and file routes on 127.0.0.1.

Speaks what huggingface_hub and Slice's downloader use: ``GET /api/models`` (search),
``GET /api/models/{repo}[/revision/{rev}]`` (info, with sizes and LFS SHA-256 when asked for
``blobs``), and ``HEAD``/``GET /{repo}/resolve/{rev}/{path}`` with ``Range`` support,
``X-Repo-Commit`` and ``ETag``. Gated and private repositories want a token.

Faults are switched on per test (:meth:`HubServer.add_fault`): a connection reset or a stall
at a byte offset, 429 with Retry-After, a 200 full answer to a Range request, an HTML error
page with status 200, wrong bytes, 401/403/404/500, and ``hold`` (send up to an offset, then
nothing until released), plus a throttle. Every request is logged with its Range header.

Started once per test session (the ``hub_server`` fixture in conftest); the ``hub`` fixture
resets it for each test and points ``HF_ENDPOINT`` at it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import struct
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

# huggingface_hub reads these when it is first imported, which may be during collection.
os.environ["HF_HUB_DISABLE_XET"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["HF_HUB_DISABLE_IMPLICIT_TOKEN"] = "1"
os.environ.pop("HF_HUB_OFFLINE", None)
os.environ.pop("HF_TOKEN", None)
os.environ.setdefault("HF_HOME", tempfile.mkdtemp(prefix="slice-test-hf-home-"))

_CHUNK = 64 * 1024


@dataclass
class HubFile:
    """A file in a test repository: bytes in memory or a file on disk."""

    path: str
    data: bytes | None = None
    source: Path | None = None
    lfs: bool = True
    sha256: str = ""
    size: int = 0

    def __post_init__(self) -> None:
        if self.data is not None:
            self.size = len(self.data)
            self.sha256 = self.sha256 or hashlib.sha256(self.data).hexdigest()
        elif self.source is not None:
            self.size = self.source.stat().st_size
            if not self.sha256:
                digest = hashlib.sha256()
                with self.source.open("rb") as handle:
                    while block := handle.read(4 << 20):
                        digest.update(block)
                self.sha256 = digest.hexdigest()

    def read(self, start: int, length: int) -> bytes:
        if self.data is not None:
            return self.data[start:start + length]
        assert self.source is not None
        with self.source.open("rb") as handle:
            handle.seek(start)
            return handle.read(length)


@dataclass
class Repo:
    repo_id: str
    files: dict[str, HubFile]
    commit: str
    gated: str = ""  # "", "auto" or "manual"
    private: bool = False
    license: str = "apache-2.0"
    downloads: int = 0
    likes: int = 0
    last_modified: str = "2025-01-01T00:00:00.000Z"
    extra_siblings: list[dict[str, object]] = field(default_factory=list)


@dataclass
class Fault:
    """One injected fault. ``times`` is how many requests it hits (-1: all)."""

    kind: str
    times: int = 1
    at: int = 0
    seconds: float = 0.0
    path: str = ""


@dataclass
class Request:
    method: str
    path: str
    range: str
    authorization: bool
    status: int = 0
    fault: str = ""

    @property
    def range_start(self) -> int | None:
        match = re.match(r"bytes=(\d+)-", self.range)
        return int(match.group(1)) if match else None


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that hang up (the faults provoke it) are not news


class HubServer:
    """The server and its switches; see the module docstring."""

    def __init__(self) -> None:
        self.repos: dict[str, Repo] = {}
        self.faults: list[Fault] = []
        self.log: list[Request] = []
        self.tokens: set[str] = set()
        self.throttle_bps: float | None = None
        # Answer file requests with a redirect to another origin ("localhost" instead of
        # "127.0.0.1"), as the real hub sends LFS files to its CDN.
        self.redirect_files = False
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._httpd = _QuietServer(("127.0.0.1", 0), _Handler)
        self._httpd.hub = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> HubServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def reset(self) -> None:
        with self._lock:
            self.repos.clear()
            self.faults.clear()
            self.log.clear()
            self.tokens.clear()
            self.throttle_bps = None
            self.redirect_files = False
        self.release_holds()

    def add_repo(self, repo_id: str, files: dict[str, bytes | Path], **options: object) -> Repo:
        """Serve ``files`` (path -> bytes or a file on disk) as ``repo_id``."""
        hub_files = {
            path: HubFile(path, data=value) if isinstance(value, bytes)
            else HubFile(path, source=value)
            for path, value in files.items()
        }
        commit = hashlib.sha1(repo_id.encode() + str(len(self.repos)).encode()).hexdigest()
        repo = Repo(repo_id, hub_files, commit, **options)  # type: ignore[arg-type]
        with self._lock:
            self.repos[repo_id] = repo
        return repo

    def release_holds(self) -> None:
        """End every ``hold`` in progress (later holds wait again)."""
        held, self.release = self.release, threading.Event()
        held.set()

    def add_fault(self, kind: str, times: int = 1, at: int = 0, seconds: float = 0.0,
                  path: str = "") -> None:
        with self._lock:
            self.faults.append(Fault(kind, times, at, seconds, path))

    def take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.times != 0 and path.endswith(fault.path):
                    if fault.times > 0:
                        fault.times -= 1
                    return fault
        return None

    def file_requests(self, name: str = "") -> list[Request]:
        """GET requests that asked for a file's bytes (``resolve`` or CDN routes, not the
        redirects), optionally of one file name."""
        return [r for r in self.log if r.method == "GET" and r.status != 302
                and ("/resolve/" in r.path or r.path.startswith("/cdn/"))
                and r.path.endswith(name)]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeHub/1.0"

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet

    @property
    def hub(self) -> HubServer:
        return self.server.hub  # type: ignore[attr-defined, no-any-return]

    def do_HEAD(self) -> None:
        self._route(head=True)

    def do_GET(self) -> None:
        self._route(head=False)

    # -- plumbing ------------------------------------------------------------------------

    def _route(self, head: bool) -> None:
        url = urlsplit(self.path)
        path = unquote(url.path)
        record = Request(self.command, path, self.headers.get("Range", ""),
                         bool(self.headers.get("Authorization")))
        with self.hub._lock:
            self.hub.log.append(record)
        self._record = record
        query = parse_qs(url.query)
        try:
            if path == "/api/models":
                self._search(query)
            elif match := re.fullmatch(r"/api/models/([^/]+/[^/]+)(?:/revision/([^/]+))?", path):
                self._info(match.group(1), match.group(2) or "main", "blobs" in query)
            elif match := re.fullmatch(r"/([^/]+/[^/]+)/resolve/([^/]+)/(.+)", path):
                self._resolve(match.group(1), match.group(2), match.group(3), head)
            elif match := re.fullmatch(r"/cdn/([^/]+/[^/]+)/([0-9a-f]{40})/(.+)", path):
                self._resolve(match.group(1), match.group(2), match.group(3), head, cdn=True)
            else:
                self._error(404, "Not found", "")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _send(self, status: int, body: bytes, content_type: str = "application/json",
              headers: dict[str, str] | None = None) -> None:
        self._record.status = status
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, data: object, status: int = 200, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(data).encode(), headers=headers)

    def _error(self, status: int, message: str, code: str) -> None:
        headers = {"X-Error-Message": message}
        if code:
            headers["X-Error-Code"] = code
        self._json({"error": message}, status, headers)

    def _token_ok(self, repo: Repo) -> bool | None:
        """True with a valid token, False with a bad one, None without one."""
        header = self.headers.get("Authorization", "")
        if not header:
            return None
        return header.removeprefix("Bearer ").strip() in self.hub.tokens

    # -- API -----------------------------------------------------------------------------

    def _search(self, query: dict[str, list[str]]) -> None:
        text = (query.get("search") or [""])[0].lower()
        sort = (query.get("sort") or ["downloads"])[0]
        limit = int((query.get("limit") or ["50"])[0])
        repos = [r for r in self.hub.repos.values() if text in r.repo_id.lower()
                 and not r.private]
        key = {"likes": lambda r: r.likes, "lastModified": lambda r: r.last_modified}.get(
            sort, lambda r: r.downloads)
        repos.sort(key=key, reverse=True)
        self._json([
            {"_id": r.commit[:24], "id": r.repo_id, "modelId": r.repo_id,
             "downloads": r.downloads, "likes": r.likes, "lastModified": r.last_modified,
             "gated": r.gated or False, "private": r.private, "tags": ["gguf"]}
            for r in repos[:limit]
        ])

    def _info(self, repo_id: str, revision: str, blobs: bool) -> None:
        repo = self.hub.repos.get(repo_id)
        if repo is None or (repo.private and not self._token_ok(repo)):
            self._error(401, "Repository not found", "RepoNotFound")
            return
        if revision not in ("main", repo.commit):
            self._error(404, "Invalid rev id", "RevisionNotFound")
            return
        siblings: list[dict[str, object]] = []
        for file in repo.files.values():
            sibling: dict[str, object] = {"rfilename": file.path}
            if blobs:
                sibling["size"] = file.size
                sibling["blobId"] = hashlib.sha1(file.sha256.encode()).hexdigest()
                if file.lfs:
                    sibling["lfs"] = {"sha256": file.sha256, "size": file.size,
                                      "pointerSize": 134}
            siblings.append(sibling)
        siblings.extend(repo.extra_siblings)
        self._json({
            "_id": repo.commit[:24], "id": repo.repo_id, "modelId": repo.repo_id,
            "author": repo.repo_id.split("/")[0], "sha": repo.commit,
            "lastModified": repo.last_modified, "private": repo.private,
            "gated": repo.gated or False, "disabled": False, "downloads": repo.downloads,
            "likes": repo.likes, "tags": ["gguf", f"license:{repo.license}"],
            "cardData": {"license": repo.license}, "siblings": siblings,
        })

    # -- files ---------------------------------------------------------------------------

    def _resolve(self, repo_id: str, revision: str, path: str, head: bool,
                 cdn: bool = False) -> None:
        hub = self.hub
        repo = hub.repos.get(repo_id)
        if repo is None:
            self._error(401, "Repository not found", "RepoNotFound")
            return
        # Gated model cards are public; the CDN trusts its signed links (no token).
        if not cdn and (repo.private or (repo.gated and path != "README.md")):
            token = self._token_ok(repo)
            if token is None:
                self._error(401, "Access to this repository is restricted.",
                            "GatedRepo" if repo.gated else "RepoNotFound")
                return
            if not token:
                self._error(403, "You have not been granted access.", "GatedRepo")
                return
        if revision not in ("main", repo.commit):
            self._error(404, "Invalid rev id", "RevisionNotFound")
            return
        file = repo.files.get(path)
        if file is None:
            self._error(404, "Entry not found", "EntryNotFound")
            return
        if hub.redirect_files and not cdn and path.endswith(".gguf"):
            port = self.server.server_address[1]
            self._send(302, b"", headers={
                "Location": f"http://localhost:{port}/cdn/{repo_id}/{repo.commit}/{path}",
                "X-Repo-Commit": repo.commit, "X-Linked-Size": str(file.size),
                "X-Linked-ETag": f'"{file.sha256}"'})
            return
        fault = None if head else hub.take_fault(path)
        if fault is not None:
            self._record.fault = fault.kind
            if fault.kind in ("401", "403", "404", "500"):
                self._error(int(fault.kind), f"injected {fault.kind}",
                            {"404": "EntryNotFound", "401": "GatedRepo", "403": "GatedRepo"}.get(
                                fault.kind, ""))
                return
            if fault.kind == "429":
                self._json({"error": "rate limited"}, 429,
                           {"Retry-After": str(int(fault.seconds or 1))})
                return
            if fault.kind == "html":
                page = b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>"
                self._send(200, page, "text/html; charset=utf-8")
                return
        start = 0
        wanted = self.headers.get("Range", "")
        match = re.fullmatch(r"bytes=(\d+)-", wanted)
        if match and not (fault and fault.kind == "ignore_range"):
            start = int(match.group(1))
            if start >= file.size:
                self._send(416, b"", headers={"Content-Range": f"bytes */{file.size}"})
                return
        headers = {
            "X-Repo-Commit": repo.commit, "ETag": f'"{file.sha256}"', "Accept-Ranges": "bytes",
            "X-Linked-Size": str(file.size), "X-Linked-ETag": f'"{file.sha256}"',
        }
        status = 200
        if start:
            status = 206
            headers["Content-Range"] = f"bytes {start}-{file.size - 1}/{file.size}"
        self._record.status = status
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(file.size - start))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if head:
            return
        self._stream(file, start, fault)

    def _stream(self, file: HubFile, start: int, fault: Fault | None) -> None:
        hub = self.hub
        offset = start
        began = time.monotonic()
        stop_at = fault.at if fault and fault.kind in ("reset", "stall", "hold") else file.size
        stop_at = max(stop_at, start)
        while offset < stop_at:
            block = file.read(offset, min(_CHUNK, stop_at - offset))
            if fault is not None and fault.kind == "wrong_bytes" and \
                    offset <= fault.at < offset + len(block):
                i = fault.at - offset
                block = block[:i] + bytes([block[i] ^ 0xFF]) + block[i + 1:]
            self.wfile.write(block)
            offset += len(block)
            if hub.throttle_bps:
                ahead = (offset - start) / hub.throttle_bps - (time.monotonic() - began)
                if ahead > 0:
                    time.sleep(ahead)
        self.wfile.flush()
        if fault is None or offset >= file.size:
            return
        if fault.kind == "stall":
            time.sleep(fault.seconds)
        elif fault.kind == "hold":
            hub.release.wait(fault.seconds or 60.0)
        else:
            time.sleep(0.2)  # a reset drops unread data: let the client read what was sent
        # Reset (or end a stall) abruptly: SO_LINGER 0 makes close() send RST.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()


@pytest.fixture(scope="session")
def hub_server() -> Iterator[HubServer]:
    """The local hub, started once per test session."""
    server = HubServer().start()
    yield server
    server.stop()


@pytest.fixture
def hub(hub_server: HubServer, monkeypatch: pytest.MonkeyPatch) -> HubServer:
    """The local hub, reset, with HF_ENDPOINT pointing at it."""
    hub_server.reset()
    monkeypatch.setenv("HF_ENDPOINT", hub_server.url)
    return hub_server

"""The API's front door: what every request must pass before a route sees it.

- ``Host`` must be an address the server answers for: the bound address, ``localhost``,
  ``127.0.0.1`` or ``[::1]`` (on a wildcard bind, any IP address). A web page that made
  a name resolve to 127.0.0.1 (DNS rebinding, Ollama's CVE-2024-28224) sends its own name
  and is refused (403).
- A browser's ``Origin`` must be on the allow-list (none by default): a page cannot even
  make the model run by a request it cannot read (403).
- ``Authorization: Bearer <key>`` when a key is required (401 otherwise); compared in
  constant time. ``/health`` needs none (as llama-server's): it says only that the server
  is up and how busy.
- A body larger than the limit is refused before it is read (413).

A pure ASGI middleware (not starlette's ``BaseHTTPMiddleware``, which buffers streams).
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from collections.abc import Collection
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.responses import error_body

LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARDS = frozenset({"0.0.0.0", "::"})
PUBLIC_PATHS = frozenset({"/health"})


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address to bind) serves this computer only."""
    host = host.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The name in a ``Host`` header, without the port: ``[::1]:8181`` -> ``::1``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    if header.count(":") == 1:
        return header.split(":", 1)[0]
    return header  # a bare name, or an IPv6 address without brackets


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class Guard:
    """See the module's text. ``key`` None: no key is required."""

    def __init__(self, app: ASGIApp, *, bound_host: str, key: str | None,
                 origins: Collection[str], max_body: int) -> None:
        self._app = app
        self._bound = bound_host.strip().strip("[]").lower()
        self._key = key.encode() if key else None
        self._origins = frozenset(o.rstrip("/") for o in origins)
        self._max_body = max_body

    def _host_allowed(self, name: str) -> bool:
        if name in LOCAL_NAMES or name == self._bound:
            return True
        return self._bound in WILDCARDS and _is_ip(name)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        name = host_name(headers.get("host", ""))
        if not self._host_allowed(name):
            await _refuse(send, 403, f"Host '{name}' is not served here: use "
                          f"http://127.0.0.1 or http://localhost (or the address the server "
                          "is bound to).", code="host_not_allowed", kind="permission_error")
            return
        origin = headers.get("origin")
        if origin is not None and origin.rstrip("/") not in self._origins:
            await _refuse(send, 403, f"Requests from web pages at '{origin[:200]}' are not "
                          "allowed: add the origin to the server's allowed browser origins.",
                          code="origin_not_allowed", kind="permission_error")
            return
        preflight = scope["method"] == "OPTIONS" and origin is not None
        if self._key is not None and not preflight and scope["path"] not in PUBLIC_PATHS:
            auth = headers.get("authorization", "")
            scheme, _, token = auth.partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(
                token.strip().encode(), self._key
            ):
                what = "is wrong" if auth else "is missing"
                await _refuse(send, 401, f"The API key {what}: send it as 'Authorization: "
                              "Bearer <key>' (Slice's Server section shows and copies it; "
                              "`slice-chat serve` prints it).", code="invalid_api_key",
                              kind="invalid_request_error",
                              extra=[(b"www-authenticate", b"Bearer")])
                return
        length = headers.get("content-length")
        if length is not None:
            try:
                too_big = int(length) > self._max_body
            except ValueError:
                await _refuse(send, 400, "The Content-Length header is not a number.",
                              code="invalid_request")
                return
            if too_big:
                await _refuse(send, 413, f"The body is larger than {self._max_body:,} bytes.",
                              code="request_too_large")
                return
        await self._app(scope, receive, send)


async def _refuse(send: Send, status: int, message: str, *, code: str, kind: str = "",
                  extra: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps(error_body(message, kind=kind or "invalid_request_error", code=code))
    await send_json(send, status, body.encode(), extra or [])


async def send_json(send: Send, status: int, body: bytes,
                    extra: list[tuple[bytes, bytes]]) -> None:
    headers: list[Any] = [(b"content-type", b"application/json"),
                          (b"content-length", str(len(body)).encode()), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

"""A client of Slice's API server for the tests: a free port to serve on, one GET on it."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from typing import Any

# No proxy: a proxy set in the environment must not stand between a test and 127.0.0.1.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    """A TCP port nothing listens on now (a user's setting cannot be port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(port: int, path: str = "/v1/models", key: str | None = None) -> tuple[int, Any]:
    """GET ``path`` on 127.0.0.1:``port``: the HTTP status and the JSON body (None if empty).

    Raises :class:`ConnectionError` (``ConnectionRefusedError``) when nothing listens.
    """
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    try:
        with _OPENER.open(request, timeout=10) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, ConnectionError):
            raise exc.reason from exc
        raise
    return status, json.loads(body) if body else None


def refuses(port: int) -> bool:
    """True when nothing listens on 127.0.0.1:``port`` any more."""
    try:
        get(port)
    except ConnectionRefusedError:
        return True
    return False

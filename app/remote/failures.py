"""Every way a request to a remote server can fail, named, each with what to do next.

:class:`RemoteError` carries an :class:`~inference.events.ErrorKind` for code and a message
for people; :func:`http_failure` reads an HTTP error answer (status, ``Retry-After``, the
server's own error object), :func:`transport_failure` a connection that could not be made
or broke. A server's words are passed on with the provider's key masked out: some servers
echo the key they refused.
"""

from __future__ import annotations

import json
import socket
import ssl
from urllib.parse import urlsplit

import httpx2 as httpx

from app.remote.providers import Provider
from inference.events import ErrorKind

# The most of a server's error text passed on to the user.
_MAX_SERVER_TEXT = 300


class RemoteError(Exception):
    """A remote request that failed; ``kind`` for code, ``message`` for people."""

    def __init__(self, kind: ErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def mask(text: str, key: str | None) -> str:
    """``text`` with ``key`` (when there is one) replaced by ``***``."""
    return text.replace(key, "***") if key else text


def where(provider: Provider) -> str:
    """``host:port`` of a provider, for messages (never its path or credentials)."""
    parts = urlsplit(provider.base_url)
    host = parts.hostname or "?"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{host}:{port}"


def server_text(body: bytes, key: str | None) -> str:
    """The server's own words in an error answer: OpenAI's ``error.message``, FastAPI's
    ``detail``, a plain ``message``, else the body's text; short, the key masked."""
    text = body.decode("utf-8", "replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict):
            error = error.get("message")
        found = error or data.get("detail") or data.get("message")
        if found:
            text = found if isinstance(found, str) else json.dumps(found)
    text = " ".join(text.split())
    if len(text) > _MAX_SERVER_TEXT:
        text = text[:_MAX_SERVER_TEXT] + "…"
    return mask(text, key)


def retry_after(value: str | None) -> str:
    """The server's ``Retry-After`` for people: "in 30 s", "after <date>", or ""."""
    value = (value or "").strip()
    if not value:
        return ""
    return f"in {value} s" if value.isdigit() else f"after {value}"


def http_failure(status: int, headers: httpx.Headers, body: bytes, *, provider: Provider,
                 model_id: str, key: str | None) -> RemoteError:
    """What an HTTP error answer means (``status`` >= 400)."""
    name = provider.name
    said = server_text(body, key)
    detail = f"HTTP {status}" + (f": {said}" if said else "")
    wait = retry_after(headers.get("retry-after"))
    if status in (401, 403):
        ask = ("the key it has is refused" if key else "it asks for an API key and none is "
               "set")
        return RemoteError(ErrorKind.AUTH, (
            f"{name} did not accept the request ({detail}): {ask}. Set the right key for "
            f"it in Chat ▸ Providers…, or with: slice-chat providers add \"{name}\" "
            f"{provider.base_url} --replace --key-stdin"))
    if status == 404:
        if model_id and "model" in said.lower():
            return RemoteError(ErrorKind.MODEL_GONE, (
                f"{name} has no model '{model_id}' ({detail}): it may have been removed or "
                "renamed. Pick another of its models (slice-chat providers list shows "
                "them)."))
        return RemoteError(ErrorKind.MODEL_GONE, (
            f"{name} has nothing at {provider.base_url} for this request ({detail}): check "
            "the provider's base URL (it usually ends in /v1), or pick another of its "
            "models."))
    if status == 429:
        when = wait or "in a moment"
        return RemoteError(ErrorKind.RATE_LIMITED, (
            f"{name} is limiting how many requests it takes ({detail}). Try again {when}."))
    if status >= 500:
        when = f"Try again {wait}" if wait else "Try again in a moment"
        return RemoteError(ErrorKind.REMOTE, (
            f"{name} failed to answer ({detail}). {when}; if it keeps failing, look at the "
            "server's own log."))
    if status == 413:
        return RemoteError(ErrorKind.BAD_REQUEST, (
            f"{name} refused a request this large ({detail}): shorten the conversation, "
            "or start a new chat."))
    return RemoteError(ErrorKind.BAD_REQUEST, (
        f"{name} refused the request ({detail}): change what it names (a setting, or the "
        "conversation's length) and try again."))


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and cause not in chain:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    return chain


def transport_failure(exc: httpx.HTTPError, *, provider: Provider, connect_s: float,
                      cut_off: bool) -> RemoteError:
    """What a failed connection means; ``cut_off``: text had already arrived (it is kept)."""
    name = provider.name
    host = where(provider)
    chain = _causes(exc)
    if isinstance(exc, httpx.ConnectTimeout):
        return RemoteError(ErrorKind.TIMEOUT, (
            f"{name} at {host} did not take the connection within {connect_s:g} s: check "
            "that the machine is on and reachable (a firewall may drop the connection)."))
    if isinstance(exc, httpx.ConnectError):
        if any(isinstance(c, socket.gaierror) for c in chain):
            host_name = urlsplit(provider.base_url).hostname or "?"
            return RemoteError(ErrorKind.NETWORK, (
                f"The name '{host_name}' of {name} could not be found (DNS): check the "
                "spelling of its base URL, or use the machine's IP address."))
        if any(isinstance(c, ConnectionRefusedError) for c in chain):
            return RemoteError(ErrorKind.NETWORK, (
                f"{name} refused the connection at {host}: is its server running, and "
                "listening on that address? (slice-chat serve and llama-server listen only "
                "on 127.0.0.1 unless started with --host 0.0.0.0.)"))
        tls = next((c for c in chain if isinstance(c, ssl.SSLError)), None)
        if isinstance(tls, ssl.SSLCertVerificationError):
            reason = tls.verify_message or tls.reason or "verification failed"
            return RemoteError(ErrorKind.TLS, (
                f"The certificate of {name} at {host} cannot be trusted ({reason}). If it "
                "is a self-signed certificate you trust, untick “Verify TLS certificates” "
                "for it in Chat ▸ Providers… (or add it with --insecure); otherwise fix the "
                "server's certificate."))
        if tls is not None:
            why = tls.reason or str(tls)
            if why.upper() in ("WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE",
                               "PACKET_LENGTH_TOO_LONG"):
                return RemoteError(ErrorKind.TLS, (
                    f"{name} at {host} does not speak HTTPS ({why}): use http:// in its "
                    "base URL (on a network you trust), or turn TLS on in the server."))
            return RemoteError(ErrorKind.TLS, (
                f"The secure connection to {name} at {host} failed ({why}): check the "
                "server's TLS setup, or its base URL."))
        return RemoteError(ErrorKind.NETWORK, (
            f"Cannot reach {name} at {host} ({exc}): check the network connection and the "
            "provider's base URL."))
    if cut_off:
        return RemoteError(ErrorKind.INTERRUPTED, (
            f"The reply was cut off: the connection to {name} broke ({_why(exc)}). The "
            "text so far is kept; try again when the server is back."))
    if isinstance(exc, httpx.TimeoutException):
        return RemoteError(ErrorKind.TIMEOUT, (
            f"{name} at {host} did not answer in time ({_why(exc)}): try again; if it "
            "keeps happening, check the server."))
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return RemoteError(ErrorKind.BAD_REQUEST, (
            f"{name}'s base URL cannot be used ({exc}): edit it in Chat ▸ Providers…"))
    return RemoteError(ErrorKind.NETWORK, (
        f"The connection to {name} at {host} broke before it answered ({_why(exc)}): try "
        "again; if it keeps happening, check the server and the network."))


def _why(exc: BaseException) -> str:
    text = str(exc).strip()
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError) and (
            "peer closed" in text or "disconnected" in text or not text):
        return "the server closed the connection"
    if any(isinstance(c, ConnectionResetError) for c in _causes(exc)):
        return "the connection was reset"
    return text or type(exc).__name__


def stalled(provider: Provider, seconds: float, *, cut_off: bool) -> RemoteError:
    """A stream that went silent for ``seconds``."""
    name = provider.name
    if cut_off:
        return RemoteError(ErrorKind.INTERRUPTED, (
            f"The reply was cut off: {name} sent nothing for {seconds:g} s. The text so "
            "far is kept; try again, and if it keeps happening check the server."))
    return RemoteError(ErrorKind.TIMEOUT, (
        f"{name} sent no reply within {seconds:g} s: it may be busy with other requests, "
        "or stuck. Try again, or check the server."))

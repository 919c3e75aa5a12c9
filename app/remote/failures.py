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


# The messages, as templates: the CLI prints them filled in, and the window recognises and
# translates them (ui/app_texts.py; packaging/translations.py lists MESSAGES).
IN_SECONDS = "in {seconds} s"
AFTER = "after {date}"
IN_A_MOMENT = "in a moment"
KEY_REFUSED = "the key it has is refused"
KEY_MISSING = "it asks for an API key and none is set"
AUTH = ("{name} did not accept the request ({detail}): {ask}. Set the right key for it in "
        "Chat ▸ Providers…, or with: slice-chat providers add \"{name}\" {url} --replace "
        "--key-stdin")
NO_SUCH_MODEL = ("{name} has no model '{model}' ({detail}): it may have been removed or "
                 "renamed. Pick another of its models (slice-chat providers list shows them).")
NOTHING_THERE = ("{name} has nothing at {url} for this request ({detail}): check the "
                 "provider's base URL (it usually ends in /v1), or pick another of its models.")
RATE_LIMITED = "{name} is limiting how many requests it takes ({detail}). Try again {when}."
SERVER_FAILED = ("{name} failed to answer ({detail}). Try again {when}; if it keeps failing, "
                 "look at the server's own log.")
TOO_LARGE = ("{name} refused a request this large ({detail}): shorten the conversation, or "
             "start a new chat.")
REFUSED = ("{name} refused the request ({detail}): change what it names (a setting, or the "
           "conversation's length) and try again.")
CONNECT_TIMEOUT = ("{name} at {host} did not take the connection within {seconds} s: check "
                   "that the machine is on and reachable (a firewall may drop the connection).")
NO_DNS = ("The name '{host}' of {name} could not be found (DNS): check the spelling of its "
          "base URL, or use the machine's IP address.")
CONNECTION_REFUSED = ("{name} refused the connection at {host}: is its server running, and "
                      "listening on that address? (slice-chat serve and llama-server listen "
                      "only on 127.0.0.1 unless started with --host 0.0.0.0.)")
VERIFICATION_FAILED = "verification failed"
UNTRUSTED = ("The certificate of {name} at {host} cannot be trusted ({reason}). If it is a "
             "self-signed certificate you trust, untick “Verify TLS certificates” for it in "
             "Chat ▸ Providers… (or add it with --insecure); otherwise fix the server's "
             "certificate.")
NOT_HTTPS = ("{name} at {host} does not speak HTTPS ({reason}): use http:// in its base URL "
             "(on a network you trust), or turn TLS on in the server.")
TLS_FAILED = ("The secure connection to {name} at {host} failed ({reason}): check the "
              "server's TLS setup, or its base URL.")
UNREACHABLE = ("Cannot reach {name} at {host} ({reason}): check the network connection and "
               "the provider's base URL.")
CUT_OFF = ("The reply was cut off: the connection to {name} broke ({reason}). The text so "
           "far is kept; try again when the server is back.")
READ_TIMEOUT = ("{name} at {host} did not answer in time ({reason}): try again; if it keeps "
                "happening, check the server.")
BAD_URL = "{name}'s base URL cannot be used ({reason}): edit it in Chat ▸ Providers…"
BROKE = ("The connection to {name} at {host} broke before it answered ({reason}): try "
         "again; if it keeps happening, check the server and the network.")
CLOSED = "the server closed the connection"
RESET = "the connection was reset"
STALLED_CUT_OFF = ("The reply was cut off: {name} sent nothing for {seconds} s. The text so "
                   "far is kept; try again, and if it keeps happening check the server.")
STALLED = ("{name} sent no reply within {seconds} s: it may be busy with other requests, or "
           "stuck. Try again, or check the server.")
MESSAGES = (IN_SECONDS, AFTER, IN_A_MOMENT, KEY_REFUSED, KEY_MISSING, AUTH, NO_SUCH_MODEL,
            NOTHING_THERE, RATE_LIMITED, SERVER_FAILED, TOO_LARGE, REFUSED, CONNECT_TIMEOUT,
            NO_DNS, CONNECTION_REFUSED, VERIFICATION_FAILED, UNTRUSTED, NOT_HTTPS, TLS_FAILED,
            UNREACHABLE, CUT_OFF, READ_TIMEOUT, BAD_URL, BROKE, CLOSED, RESET,
            STALLED_CUT_OFF, STALLED)


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
    return IN_SECONDS.format(seconds=value) if value.isdigit() else AFTER.format(date=value)


def http_failure(status: int, headers: httpx.Headers, body: bytes, *, provider: Provider,
                 model_id: str, key: str | None) -> RemoteError:
    """What an HTTP error answer means (``status`` >= 400)."""
    name = provider.name
    said = server_text(body, key)
    detail = f"HTTP {status}" + (f": {said}" if said else "")
    wait = retry_after(headers.get("retry-after"))
    if status in (401, 403):
        return RemoteError(ErrorKind.AUTH, AUTH.format(
            name=name, detail=detail, ask=KEY_REFUSED if key else KEY_MISSING,
            url=provider.base_url))
    if status == 404:
        if model_id and "model" in said.lower():
            return RemoteError(ErrorKind.MODEL_GONE, NO_SUCH_MODEL.format(
                name=name, model=model_id, detail=detail))
        return RemoteError(ErrorKind.MODEL_GONE, NOTHING_THERE.format(
            name=name, url=provider.base_url, detail=detail))
    if status == 429:
        return RemoteError(ErrorKind.RATE_LIMITED, RATE_LIMITED.format(
            name=name, detail=detail, when=wait or IN_A_MOMENT))
    if status >= 500:
        return RemoteError(ErrorKind.REMOTE, SERVER_FAILED.format(
            name=name, detail=detail, when=wait or IN_A_MOMENT))
    if status == 413:
        return RemoteError(ErrorKind.BAD_REQUEST, TOO_LARGE.format(name=name, detail=detail))
    return RemoteError(ErrorKind.BAD_REQUEST, REFUSED.format(name=name, detail=detail))


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
        return RemoteError(ErrorKind.TIMEOUT, CONNECT_TIMEOUT.format(
            name=name, host=host, seconds=f"{connect_s:g}"))
    if isinstance(exc, httpx.ConnectError):
        if any(isinstance(c, socket.gaierror) for c in chain):
            host_name = urlsplit(provider.base_url).hostname or "?"
            return RemoteError(ErrorKind.NETWORK, NO_DNS.format(host=host_name, name=name))
        if any(isinstance(c, ConnectionRefusedError) for c in chain):
            return RemoteError(ErrorKind.NETWORK, CONNECTION_REFUSED.format(
                name=name, host=host))
        tls = next((c for c in chain if isinstance(c, ssl.SSLError)), None)
        if isinstance(tls, ssl.SSLCertVerificationError):
            reason = tls.verify_message or tls.reason or VERIFICATION_FAILED
            return RemoteError(ErrorKind.TLS, UNTRUSTED.format(
                name=name, host=host, reason=reason))
        if tls is not None:
            why = tls.reason or str(tls)
            if why.upper() in ("WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE",
                               "PACKET_LENGTH_TOO_LONG"):
                return RemoteError(ErrorKind.TLS, NOT_HTTPS.format(
                    name=name, host=host, reason=why))
            return RemoteError(ErrorKind.TLS, TLS_FAILED.format(name=name, host=host, reason=why))
        return RemoteError(ErrorKind.NETWORK, UNREACHABLE.format(
            name=name, host=host, reason=exc))
    if cut_off:
        return RemoteError(ErrorKind.INTERRUPTED, CUT_OFF.format(name=name, reason=_why(exc)))
    if isinstance(exc, httpx.TimeoutException):
        return RemoteError(ErrorKind.TIMEOUT, READ_TIMEOUT.format(
            name=name, host=host, reason=_why(exc)))
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return RemoteError(ErrorKind.BAD_REQUEST, BAD_URL.format(name=name, reason=exc))
    return RemoteError(ErrorKind.NETWORK, BROKE.format(name=name, host=host, reason=_why(exc)))


def _why(exc: BaseException) -> str:
    text = str(exc).strip()
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError) and (
            "peer closed" in text or "disconnected" in text or not text):
        return CLOSED
    if any(isinstance(c, ConnectionResetError) for c in _causes(exc)):
        return RESET
    return text or type(exc).__name__


def stalled(provider: Provider, seconds: float, *, cut_off: bool) -> RemoteError:
    """A stream that went silent for ``seconds``."""
    name = provider.name
    if cut_off:
        return RemoteError(ErrorKind.INTERRUPTED, STALLED_CUT_OFF.format(
            name=name, seconds=f"{seconds:g}"))
    return RemoteError(ErrorKind.TIMEOUT, STALLED.format(name=name, seconds=f"{seconds:g}"))

"""What the user types for the API server's address and browser origins, checked once.

The settings file only bounds their length; these checks run where the user types (the
Server dialog), so a typo is reported there, beside the field, instead of as a server that
fails to start. Each returns the cleaned value and a problem ("" when there is none) that
says what to type instead.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

# One label of a host name (RFC 1123): letters, digits and inner hyphens.
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)", re.IGNORECASE)


def clean_address(text: str) -> tuple[str, str]:
    """``text`` as an address to listen on: an IP address or a host name.

    Brackets around an IPv6 address (as in a URL) are dropped: the server wants the bare
    address.
    """
    host = text.strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host:
        return "", "Type an address: 127.0.0.1 serves this computer only."
    try:
        return str(ipaddress.ip_address(host)), ""
    except ValueError:
        pass
    name = host.rstrip(".")
    if len(name) <= 253 and all(_LABEL.fullmatch(part) for part in name.split(".")):
        return name, ""
    return host, (f"“{host}” is not an address: type an IP address such as 127.0.0.1 or "
                  "0.0.0.0, or a host name.")


def clean_origins(text: str) -> tuple[tuple[str, ...], str]:
    """The browser origins in ``text``, one a line (blank lines skipped, duplicates once).

    An origin is a scheme, a host and maybe a port, as a browser sends it in its ``Origin``
    header: ``http://localhost:3000``. A trailing slash is dropped; a path is a mistake.
    """
    origins: list[str] = []
    for line in text.splitlines():
        origin = line.strip().rstrip("/")
        if not origin:
            continue
        try:
            parts = urlsplit(origin)
            parts.port  # noqa: B018 (raises for a port out of range)
        except ValueError:
            parts = None
        if (parts is None or parts.scheme not in ("http", "https") or not parts.hostname
                or parts.path or parts.query or parts.fragment or parts.username):
            return tuple(origins), (
                f"“{line.strip()}” is not a browser origin: type a scheme, a host and maybe a "
                "port, such as http://localhost:3000."
            )
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        if origin not in origins:
            origins.append(origin)
    return tuple(origins), ""

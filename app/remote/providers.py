"""The providers the user added: OpenAI-compatible endpoints, each with a name, a base URL
(``.../v1``), optional extra headers and a TLS switch, kept in ``providers.json`` in the
config folder (readable only by the user). Each provider's API key is a secret
(:mod:`app.secrets`: the OS keyring, else an owner-only file): never in that file, never
logged, never exported.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.files import OWNER_ONLY, write_atomically
from app.secrets import SecretStore

_log = logging.getLogger(__name__)

PROVIDERS_FILE = "providers.json"
PROVIDERS_VERSION = 1
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$")
_HEADER = re.compile(r"^[A-Za-z0-9-]{1,64}$")


class ProviderError(ValueError):
    """A provider that cannot be added or used as given; the message says why."""


@dataclass(frozen=True)
class Provider:
    """One OpenAI-compatible endpoint."""

    name: str
    base_url: str  # ends in /v1 (or wherever the server's OpenAI routes are)
    headers: dict[str, str] = field(default_factory=dict)  # extra headers for every request
    verify_tls: bool = True  # off only for a self-signed certificate the user trusts

    def __post_init__(self) -> None:
        check_name(self.name)
        check_base_url(self.base_url)
        for key in self.headers:
            if not _HEADER.match(key) or key.lower() in ("authorization", "content-length",
                                                         "host"):
                raise ProviderError(f"The header name '{key}' cannot be set (letters, digits "
                                    "and dashes; not Authorization, Host or Content-Length: "
                                    "the key goes in the provider's API key).")


def check_name(name: str) -> None:
    if not _NAME.match(name):
        raise ProviderError(f"'{name}' cannot name a provider: use up to 64 letters, digits, "
                            "spaces, dots, dashes or underscores, starting with a letter or "
                            "digit.")


def check_base_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ProviderError(f"'{url}' is not an http:// or https:// URL (for example "
                            "http://192.168.1.20:8080/v1).")
    if parts.query or parts.fragment:
        raise ProviderError(f"'{url}': give the base URL alone, without ?query or #fragment.")


def normalise_base_url(url: str) -> str:
    """``http://host:8080/`` and ``http://host:8080`` -> ``http://host:8080/v1``; a URL with
    a path keeps it (some servers serve the API elsewhere)."""
    url = url.strip().rstrip("/")
    if not urlsplit(url).path:
        url += "/v1"
    return url


class ProviderStore:
    """Reads and writes ``providers.json`` and the providers' keys."""

    def __init__(self, config_dir: Path) -> None:
        self._dir = config_dir
        self._file = config_dir / PROVIDERS_FILE
        self._lock = threading.Lock()

    def _key_store(self, name: str) -> SecretStore:
        digest = hashlib.sha256(name.encode()).hexdigest()[:12]
        return SecretStore(self._dir, f"provider:{name}", f"provider-{digest}.key")

    def providers(self) -> list[Provider]:
        try:
            data = json.loads(self._file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            _log.warning("%s cannot be read (%s); no providers", self._file, exc)
            return []
        found = []
        for item in data.get("providers", []) if isinstance(data, dict) else []:
            try:
                found.append(Provider(
                    name=str(item["name"]), base_url=str(item["base_url"]),
                    headers={str(k): str(v) for k, v in dict(item.get("headers", {})).items()},
                    verify_tls=bool(item.get("verify_tls", True)),
                ))
            except (KeyError, TypeError, ValueError) as exc:
                _log.warning("a provider in %s is skipped: %s", self._file, exc)
        return found

    def get(self, name: str) -> Provider | None:
        return next((p for p in self.providers() if p.name == name), None)

    def _write(self, providers: list[Provider]) -> None:
        data: dict[str, Any] = {"version": PROVIDERS_VERSION,
                                "providers": [asdict(p) for p in providers]}
        write_atomically(self._file, json.dumps(data, indent=2, ensure_ascii=False) + "\n",
                         mode=OWNER_ONLY, create_folder=True)

    def save(self, provider: Provider, key: str | None = None, *,
             replace: str | None = None) -> None:
        """Add ``provider`` (or replace the one named ``replace``); ``key`` None keeps the
        stored key, "" clears it."""
        with self._lock:
            providers = self.providers()
            old = replace if replace is not None else provider.name
            if provider.name != old and any(p.name == provider.name for p in providers):
                raise ProviderError(f"A provider named '{provider.name}' already exists.")
            if replace is None and any(p.name == provider.name for p in providers):
                raise ProviderError(f"A provider named '{provider.name}' already exists: "
                                    "remove it first, or edit it.")
            kept_key = self.key(old) if key is None else key
            providers = [p for p in providers if p.name != old] + [provider]
            self._write(providers)
            if provider.name != old:
                self._key_store(old).clear()
            if kept_key:
                self._key_store(provider.name).set(kept_key)
            else:
                self._key_store(provider.name).clear()

    def remove(self, name: str) -> bool:
        """Forget the provider and its key; False when there was none of that name."""
        with self._lock:
            providers = self.providers()
            if not any(p.name == name for p in providers):
                return False
            self._write([p for p in providers if p.name != name])
            self._key_store(name).clear()
            return True

    def key(self, name: str) -> str | None:
        return self._key_store(name).get()

    def key_location(self, name: str) -> str:
        """Where the key of ``name`` is (or would be) kept, for people."""
        return self._key_store(name).location()

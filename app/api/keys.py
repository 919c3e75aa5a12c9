"""The API server's key: generated once, kept as a secret (:mod:`app.secrets`)."""

from __future__ import annotations

import secrets
from pathlib import Path

from app.secrets import SecretStore

ACCOUNT = "api-server-key"
KEY_FILE = "api-key"
#: Keys look like OpenAI's ("sk-..."), so clients that check the shape accept them.
PREFIX = "sk-slice-"


class ApiKeyStore(SecretStore):
    """The API key's store: the OS keyring when usable, else an owner-only file."""

    def __init__(self, config_dir: Path) -> None:
        super().__init__(config_dir, ACCOUNT, KEY_FILE)

    def get_or_create(self) -> str:
        """The key, made (and stored) on first use."""
        key = self.get()
        return key if key else self.regenerate()

    def regenerate(self) -> str:
        """A new key replaces the old one: clients with the old key get 401."""
        key = PREFIX + secrets.token_urlsafe(32)
        self.set(key)
        return key

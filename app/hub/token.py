"""The hub access token (for gated and private repositories), kept as a secret
(:mod:`app.secrets`: the OS keyring when usable, else an owner-only file)."""

from __future__ import annotations

from pathlib import Path

from app.secrets import SecretStore

ACCOUNT = "huggingface-token"
TOKEN_FILE = "hub-token"


class TokenStore(SecretStore):
    """The hub token's store."""

    def __init__(self, config_dir: Path) -> None:
        super().__init__(config_dir, ACCOUNT, TOKEN_FILE)

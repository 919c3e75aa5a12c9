"""The hub access token (for gated and private repositories).

Kept in the OS keyring (macOS Keychain, Windows Credential Manager, the Secret Service on
Linux) when one is usable; otherwise in a file in the config folder that only the user may
read (0600). Never in the settings file, never in a log.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from app.files import OWNER_ONLY, write_atomically

_log = logging.getLogger(__name__)

SERVICE = "Slice"
ACCOUNT = "huggingface-token"
TOKEN_FILE = "hub-token"


def _keyring() -> Any:
    """The keyring module when a real backend is available, else None."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # a broken keyring configuration must not break the app
        _log.warning("the OS keyring cannot be used; the token goes to a file", exc_info=True)
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
        return None
    return keyring


class TokenStore:
    """Reads and writes the hub token; see the module docstring for where it lives."""

    def __init__(self, config_dir: Path) -> None:
        self._file = config_dir / TOKEN_FILE

    @property
    def file(self) -> Path:
        return self._file

    def location(self) -> str:
        """Where a token is (or would be) kept, for people."""
        keyring = _keyring()
        if keyring is not None:
            return f"the system keyring ({keyring.get_keyring().name})"
        return f"the file {self._file} (readable only by you)"

    def get(self) -> str | None:
        """The stored token, or None."""
        keyring = _keyring()
        if keyring is not None:
            try:
                token = keyring.get_password(SERVICE, ACCOUNT)
            except Exception:  # locked or refused: the file may still hold one
                _log.warning("the OS keyring could not be read", exc_info=True)
            else:
                if token:
                    return str(token)
        try:
            token = self._file.read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return token or None

    def set(self, token: str) -> str:
        """Store ``token`` (an empty one clears it). Returns where it went, for people."""
        token = token.strip()
        if not token:
            self.clear()
            return "nowhere (cleared)"
        keyring = _keyring()
        if keyring is not None:
            try:
                keyring.set_password(SERVICE, ACCOUNT, token)
            except Exception:  # locked or refused: fall back to the file
                _log.warning("the OS keyring refused the token; it goes to a file",
                             exc_info=True)
            else:
                self._file.unlink(missing_ok=True)
                return self.location()
        write_atomically(self._file, token, mode=OWNER_ONLY)
        return f"the file {self._file} (readable only by you)"

    def clear(self) -> None:
        """Forget the token, wherever it is."""
        keyring = _keyring()
        if keyring is not None:
            try:
                keyring.delete_password(SERVICE, ACCOUNT)
            except keyring.errors.PasswordDeleteError:
                pass  # there was none
            except Exception:
                _log.warning("the OS keyring refused to forget the token", exc_info=True)
        self._file.unlink(missing_ok=True)

"""Secrets the app keeps for the user: the hub access token, the API server's key.

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
        _log.warning("the OS keyring cannot be used; the secret goes to a file", exc_info=True)
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
        return None
    return keyring


class SecretStore:
    """Reads and writes one secret; see the module docstring for where it lives."""

    # Where a secret is, for people (the window translates them: ui/app_texts.py).
    IN_KEYRING = "the system keyring ({backend})"
    IN_FILE = "the file {path} (readable only by you)"
    NOWHERE = "nowhere (cleared)"

    def __init__(self, config_dir: Path, account: str, file_name: str) -> None:
        self._account = account
        self._file = config_dir / file_name

    @property
    def file(self) -> Path:
        return self._file

    def location(self) -> str:
        """Where a secret is (or would be) kept, for people."""
        keyring = _keyring()
        if keyring is not None:
            return self.IN_KEYRING.format(backend=keyring.get_keyring().name)
        return self.IN_FILE.format(path=self._file)

    def get(self) -> str | None:
        """The stored secret, or None."""
        keyring = _keyring()
        if keyring is not None:
            try:
                secret = keyring.get_password(SERVICE, self._account)
            except Exception:  # locked or refused: the file may still hold one
                _log.warning("the OS keyring could not be read", exc_info=True)
            else:
                if secret:
                    return str(secret)
        try:
            secret = self._file.read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return secret or None

    def set(self, secret: str) -> str:
        """Store ``secret`` (an empty one clears it). Returns where it went, for people."""
        secret = secret.strip()
        if not secret:
            self.clear()
            return self.NOWHERE
        keyring = _keyring()
        if keyring is not None:
            try:
                keyring.set_password(SERVICE, self._account, secret)
            except Exception:  # locked or refused: fall back to the file
                _log.warning("the OS keyring refused the secret; it goes to a file",
                             exc_info=True)
            else:
                self._file.unlink(missing_ok=True)
                return self.location()
        write_atomically(self._file, secret, mode=OWNER_ONLY)
        return self.IN_FILE.format(path=self._file)

    def clear(self) -> None:
        """Forget the secret, wherever it is."""
        keyring = _keyring()
        if keyring is not None:
            try:
                keyring.delete_password(SERVICE, self._account)
            except keyring.errors.PasswordDeleteError:
                pass  # there was none
            except Exception:
                _log.warning("the OS keyring refused to forget the secret", exc_info=True)
        self._file.unlink(missing_ok=True)

"""Keyring backends for the tests, so no test ever reads or writes the developer's keyring.

:class:`MemoryKeyring` is installed for every test by ``tests/conftest.py``; a test that
needs a keyring that refuses installs :class:`RefusingKeyring`. Subprocesses get
``PYTHON_KEYRING_BACKEND`` pointing at :data:`SUBPROCESS_BACKEND`.
"""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordSetError

#: The backend a child process of a test uses: none at all (tokens go to the file).
SUBPROCESS_BACKEND = "keyring.backends.null.Keyring"


class MemoryKeyring(KeyringBackend):
    """A keyring holding its passwords in a dict, for one test."""

    priority = 1  # type: ignore[assignment]  # usable: keyring and TokenStore skip priority <= 0

    name = "memory"  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


class RefusingKeyring(MemoryKeyring):
    """A keyring that is there but refuses to store anything (locked, or access denied)."""

    name = "refusing"  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("the keyring is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError("the user denied access")

"""One Slice per data folder: a lock file decides, a local socket wakes the running one.

Two windows writing the same chats would each keep their own idea of a conversation's
selected path and reply in progress; and recovery (moving a damaged database aside) must
never run while another process has the file open. So a second launch on the same data
folder asks the first to come to the front and exits. A lock left by a process that was
killed is detected (its process id no longer runs) and taken over.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

LOCK_FILE = "slice.lock"
WAKE_TIMEOUT_MS = 2000


def server_name(data_dir: Path) -> str:
    """The local socket name for a data folder (one per folder and user)."""
    digest = hashlib.sha256(str(data_dir.resolve()).encode("utf-8")).hexdigest()[:16]
    return f"slice-{digest}"


class SingleInstance(QObject):
    """The single-instance guard of one data folder."""

    #: Another launch asked this instance to show its window.
    woken = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        data_dir.mkdir(parents=True, exist_ok=True)
        self._lock = QLockFile(str(data_dir / LOCK_FILE))
        self._lock.setStaleLockTime(0)  # only a dead owner makes the lock stale, never age
        self._name = server_name(data_dir)
        self._server: QLocalServer | None = None

    def acquire(self) -> bool:
        """Take the lock and start listening for wake-ups; False if another instance runs."""
        if not self._lock.tryLock(100):
            return False
        # A socket file left by a killed instance would make listen() fail.
        QLocalServer.removeServer(self._name)
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        server.newConnection.connect(self._on_connection)
        server.listen(self._name)  # without it, a second launch only gets a message
        self._server = server
        return True

    def owner_pid(self) -> int:
        """Process id of the instance holding the lock (0 when unknown)."""
        pid, _host, _app = self._lock.getLockInfo()
        return int(pid)

    def wake_other(self) -> bool:
        """Ask the running instance to show its window; False when it does not answer."""
        socket = QLocalSocket()
        socket.connectToServer(self._name)
        if not socket.waitForConnected(WAKE_TIMEOUT_MS):
            return False
        socket.write(b"wake\n")
        socket.waitForBytesWritten(WAKE_TIMEOUT_MS)
        socket.disconnectFromServer()
        return True

    def release(self) -> None:
        """Stop listening and give the lock up."""
        if self._server is not None:
            self._server.close()
            self._server = None
        self._lock.unlock()

    def _on_connection(self) -> None:
        assert self._server is not None
        while (connection := self._server.nextPendingConnection()) is not None:
            connection.disconnected.connect(connection.deleteLater)
        self.woken.emit()

"""One file from the hub, downloaded like a download manager would.

The bytes go to ``NAME.part`` beside the final place, with a sidecar ``NAME.part.json`` that
records what is expected (:mod:`app.hub.sidecar`). A later run, in this
process or another, continues from the partial file's length with an HTTP Range request.
Drops, resets and stalls (no bytes for ``stall_s``) are retried with exponential backoff;
429 waits for the server's Retry-After. Free disk is checked before starting and while
writing; a full disk pauses with the partial file intact. The finished file is verified
against the hub's SHA-256 and only then renamed into place (atomic on one file system), so a
model file in the library is always whole and genuine.

huggingface_hub provides the URL, the auth headers and the HTTP session; it no longer
resumes across processes, so the transfer itself is done here. What can go wrong, and how
patient the transfer is about it, lives in :mod:`app.hub.transfer_errors`.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import random
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import httpx2
from huggingface_hub.errors import OfflineModeIsEnabled
from huggingface_hub.utils import get_session

from app.files import fsync_file, replace_durably
from app.hub.api import auth_headers, endpoint, file_url
from app.hub.sidecar import (
    FileSpec,
    SidecarState,
    partial_path,
    read_sidecar,
    sidecar_path,
    spec_from_sidecar,
    write_sidecar,
)
from app.hub.transfer_errors import (
    RESUMABLE,
    Retry,
    TransferError,
    TransferErrorKind,
    TransferPolicy,
    retry_after_seconds,
)
from app.models.memory_fit import MIB, format_bytes

_DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")


@contextlib.contextmanager
def _exclusive(lock_file: Path) -> Iterator[None]:
    """Hold ``lock_file`` so no other process downloads the same file; raises when held."""
    try:
        import fcntl
    except ImportError:  # Windows: in-process de-duplication by the manager still applies
        yield
        return
    with lock_file.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise TransferError(
                TransferErrorKind.BUSY,
                f"'{lock_file.name[:-5]}' is already being downloaded by another "
                "Slice window or command."
            ) from None
        yield


class Transfer:
    """Downloads one :class:`FileSpec` to ``dest``; see the module docstring.

    ``progress(done, total)`` is called from the downloading thread; ``stop`` pauses it;
    ``log`` receives one line per retry, for people.
    """

    def __init__(
        self,
        spec: FileSpec,
        dest: Path,
        token: str | None = None,
        policy: TransferPolicy | None = None,
        stop: threading.Event | None = None,
        progress: Callable[[int, int], None] | None = None,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.spec = spec
        self.dest = dest
        self._token = token
        self._policy = policy or TransferPolicy()
        self._stop = stop or threading.Event()
        self._progress = progress or (lambda _done, _total: None)
        self._log = log or (lambda _line: None)
        self._partial = partial_path(dest)
        self._hasher = hashlib.sha256()
        self._offset = 0
        self._next_disk_check = 0

    @property
    def name(self) -> str:
        return self.dest.name

    def run(self) -> Path:
        """Download, verify and move into place; returns ``dest``. Raises TransferError."""
        if self.dest.is_file():
            return self._existing()
        self.dest.parent.mkdir(parents=True, exist_ok=True)
        lock = self.dest.with_name(self.dest.name + ".lock")
        with _exclusive(lock):
            if self.dest.is_file():  # another process finished it meanwhile
                return self._existing()
            try:
                self._prepare()
                self._download()
                self._finish()
            except TransferError as exc:
                # Keep what arrived so that resuming continues from it; a download that
                # never got a byte leaves nothing behind (a mismatch was discarded already).
                if self._partial.exists() and (
                    self._offset or exc.kind in RESUMABLE
                ):
                    write_sidecar(self.dest, self.spec, SidecarState.PAUSED, exc.message)
                else:
                    self._partial.unlink(missing_ok=True)
                    sidecar_path(self.dest).unlink(missing_ok=True)
                raise
            finally:
                lock.unlink(missing_ok=True)  # still held: whoever comes next makes a new one
        return self.dest

    def _existing(self) -> Path:
        from app.models.files import sha256_of

        if self.dest.stat().st_size == self.spec.size and sha256_of(self.dest) == self.spec.sha256:
            sidecar_path(self.dest).unlink(missing_ok=True)
            self._partial.unlink(missing_ok=True)
            return self.dest
        raise TransferError(
            TransferErrorKind.EXISTS,
            f"A different file already exists at '{self.dest}'. "
            "Delete that model first to download this one.")

    # -- state on disk -------------------------------------------------------------------

    def _prepare(self) -> None:
        record = read_sidecar(sidecar_path(self.dest))
        same = record is not None and spec_from_sidecar(record) == self.spec
        if self._partial.exists() and not same:
            self._partial.unlink()  # from another version of the file, or of unknown origin
        write_sidecar(self.dest, self.spec, SidecarState.ACTIVE)
        size = self._partial.stat().st_size if self._partial.exists() else 0
        if size > self.spec.size:
            size = 0
        self._truncate(size)
        self._check_disk(self.spec.size - self._offset)

    def _truncate(self, length: int) -> None:
        """Cut the partial file to ``length`` bytes and hash that prefix again."""
        with self._partial.open("ab") as handle:
            handle.truncate(length)
        self._hasher = hashlib.sha256()
        with self._partial.open("rb") as handle:
            while block := handle.read(4 * MIB):
                self._hasher.update(block)
        self._offset = length

    def _check_disk(self, still_needed: int) -> None:
        free = shutil.disk_usage(self.dest.parent).free
        if free < still_needed + self._policy.reserve_bytes:
            raise TransferError(
                TransferErrorKind.DISK_FULL,
                f"Not enough free disk space for '{self.name}': it needs "
                f"{format_bytes(still_needed)} more and {format_bytes(free)} is free on "
                f"'{self.dest.parent}' (Slice keeps {format_bytes(self._policy.reserve_bytes)} "
                "spare). Free up space, then resume.",
            )
        self._next_disk_check = self._offset + self._policy.disk_check_bytes

    # -- the transfer --------------------------------------------------------------------

    def _download(self) -> None:
        failures = 0
        while self._offset < self.spec.size:
            if self._stop.is_set():
                raise TransferError(TransferErrorKind.PAUSED, f"'{self.name}' is paused.")
            before = self._offset
            try:
                self._attempt()
                continue
            except Retry as retry:
                failures = 1 if self._offset > before else failures + 1
                if failures > self._policy.max_failures:
                    kind = (TransferErrorKind.OFFLINE if retry.kind == TransferErrorKind.OFFLINE
                            else TransferErrorKind.BAD_RESPONSE)
                    raise TransferError(kind, f"{retry.message} Gave up after {failures} "
                                        "attempts; resume the download later.") from None
                delay = retry.delay
                if delay is None:
                    step = self._policy.backoff_base_s * 2 ** (failures - 1)
                    delay = min(self._policy.backoff_max_s, step) * random.uniform(0.5, 1.0)
                self._log(f"{retry.message} Retrying in {delay:.1f} s "
                          f"(at {self._offset:,} of {self.spec.size:,} bytes).")
                if self._stop.wait(delay):
                    raise TransferError(
                        TransferErrorKind.PAUSED,
                        f"'{self.name}' is paused.") from None

    def _attempt(self) -> None:
        headers = auth_headers(self._token)
        if self._offset:
            headers["Range"] = f"bytes={self._offset}-"
        policy = self._policy
        timeout = httpx2.Timeout(policy.stall_s, connect=policy.connect_timeout_s)
        url = file_url(self.spec.repo_id, self.spec.repo_path, self.spec.commit)
        try:
            with get_session().stream("GET", url, headers=headers, timeout=timeout,
                                      follow_redirects=True) as response:
                self._accept(response)
                self._receive(response.iter_raw())  # whatever each read brings
        except OfflineModeIsEnabled:
            raise TransferError(
                TransferErrorKind.OFFLINE,
                "Hub access is off (HF_HUB_OFFLINE is set).") from None
        except httpx2.TimeoutException as exc:
            if isinstance(exc, (httpx2.ConnectTimeout, httpx2.PoolTimeout)):
                raise Retry(TransferErrorKind.OFFLINE, f"Cannot reach {endpoint()}.") from None
            raise Retry(TransferErrorKind.STALLED, f"No data for {policy.stall_s:g} s.") from None
        except httpx2.ConnectError:
            raise Retry(
                TransferErrorKind.OFFLINE,
                f"Cannot reach {endpoint()}: you may be offline.") from None
        except httpx2.TransportError as exc:
            raise Retry(
                TransferErrorKind.DROPPED,
                f"The connection dropped ({exc.__class__.__name__}).") from None
        if self._offset < self.spec.size:
            raise Retry(
                TransferErrorKind.DROPPED,
                f"The connection closed after {self._offset:,} of "
                f"{self.spec.size:,} bytes.")

    def _accept(self, response: httpx2.Response) -> None:
        """Check the response's status and headers before any byte is written."""
        status = response.status_code
        page = f"{endpoint()}/{self.spec.repo_id}"
        if status == 401:
            raise TransferError(
                TransferErrorKind.AUTH,
                f"'{self.spec.repo_id}' is gated or private: accept its "
                f"terms at {page} and enter an access token in the Token field "
                "(or HF_TOKEN), then resume.")
        if status == 403:
            raise TransferError(
                TransferErrorKind.FORBIDDEN,
                f"Your access token may not download from "
                f"'{self.spec.repo_id}'. Accept its terms at {page} with the "
                "token's account, or use a token with read access.")
        if status in (404, 410):
            raise TransferError(
                TransferErrorKind.NOT_FOUND,
                f"'{self.spec.repo_path}' is no longer in "
                f"'{self.spec.repo_id}' at commit {self.spec.commit[:10]}.")
        if status == 429:
            wait = retry_after_seconds(response.headers.get("retry-after"))
            wait = min(self._policy.max_retry_after_s, 5.0 if wait is None else wait)
            raise Retry(
                TransferErrorKind.RATE_LIMITED,
                "The hub is rate-limiting downloads (HTTP 429).", wait)
        if status == 416 and self._offset:
            self._truncate(0)
            raise Retry(
                TransferErrorKind.BAD_RESPONSE,
                "The hub refused to resume (HTTP 416); starting over.",
                0.0)
        if status >= 500:
            raise Retry(TransferErrorKind.SERVER, f"The hub had a problem (HTTP {status}).")
        if status not in (200, 206):
            raise Retry(
                TransferErrorKind.BAD_RESPONSE,
                f"Unexpected answer from the hub (HTTP {status}).")
        if "text/html" in response.headers.get("content-type", "").lower():
            raise Retry(
                TransferErrorKind.BAD_RESPONSE,
                "The hub sent a web page instead of the file (an error "
                "page from a proxy or captive portal?).")
        if status == 206:
            match = _CONTENT_RANGE.fullmatch(response.headers.get("content-range", "").strip())
            start = int(match.group(1)) if match else -1
            total = match.group(3) if match else "*"
            if start != self._offset or total not in ("*", str(self.spec.size)):
                self._truncate(0)
                raise Retry(
                    TransferErrorKind.BAD_RESPONSE,
                    "The hub answered a resume request with the wrong "
                    "part of the file; starting over.", 0.0)
            return
        if self._offset:  # 200: the server ignored Range and sends the whole file
            self._log(f"The server ignored the resume request; '{self.name}' starts over.")
            self._truncate(0)
        length = response.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) != self.spec.size:
            raise Retry(
                TransferErrorKind.BAD_RESPONSE,
                f"The hub sent {int(length):,} bytes for a file of "
                f"{self.spec.size:,} bytes.")

    def _receive(self, chunks: Iterator[bytes]) -> None:
        checked_magic = self._offset > 0 or not self.spec.repo_path.lower().endswith(".gguf")
        head = b""
        with self._partial.open("r+b") as handle:
            handle.seek(self._offset)
            for chunk in chunks:
                if self._stop.is_set():
                    raise TransferError(TransferErrorKind.PAUSED, f"'{self.name}' is paused.")
                if not checked_magic:
                    head += chunk[:4]
                    if len(head) >= 4:
                        checked_magic = True
                        if not head.startswith(b"GGUF"):
                            raise Retry(
                                TransferErrorKind.BAD_RESPONSE,
                                "The hub sent something that is not a "
                                "GGUF file (an error page?).")
                if self._offset + len(chunk) > self.spec.size:
                    self._truncate(0)
                    raise Retry(
                        TransferErrorKind.BAD_RESPONSE,
                        "The hub sent more bytes than the file has; "
                        "starting over.", 0.0)
                self._write(handle, chunk)

    def _write(self, handle: IO[bytes], chunk: bytes) -> None:
        try:
            handle.write(chunk)
            handle.flush()
        except OSError as exc:
            # Whatever part of the chunk reached the disk is cut off again: the partial file
            # holds exactly the bytes that were hashed.
            with contextlib.suppress(OSError):
                handle.truncate(self._offset)
            if exc.errno in _DISK_FULL:
                raise TransferError(
                    TransferErrorKind.DISK_FULL,
                    f"The disk is full ({exc.strerror}) after {self._offset:,} "
                    f"bytes of '{self.name}'. Free up space, then resume: the download "
                    "continues where it stopped.") from None
            raise TransferError(
                TransferErrorKind.IO,
                f"Cannot write '{self._partial}': {exc.strerror}.") from None
        self._hasher.update(chunk)
        self._offset += len(chunk)
        self._progress(self._offset, self.spec.size)
        if self._offset >= self._next_disk_check and self._offset < self.spec.size:
            self._check_disk(self.spec.size - self._offset)

    def _finish(self) -> None:
        digest = self._hasher.hexdigest()
        if digest != self.spec.sha256.lower():
            self._partial.unlink(missing_ok=True)
            sidecar_path(self.dest).unlink(missing_ok=True)
            raise TransferError(
                TransferErrorKind.HASH_MISMATCH,
                f"'{self.name}' arrived damaged or altered: its SHA-256 is {digest}, the hub "
                f"lists {self.spec.sha256}. It was discarded and is not in the library; "
                "download it again.",
            )
        fsync_file(self._partial)
        replace_durably(self._partial, self.dest)
        sidecar_path(self.dest).unlink(missing_ok=True)

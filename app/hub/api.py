"""The Hugging Face hub: search GGUF repositories and list a repository's model files.

huggingface_hub does the talking (search, the file listing with sizes and SHA-256 at a pinned
commit, auth headers, error classes); this module turns its answers into what the downloader
shows, and its errors into messages that say what to do. Names that come from the hub are
untrusted: :func:`local_path` maps a repository and a file path to a place inside the model
folder, or refuses.

The endpoint is read from ``HF_ENDPOINT`` at each call (tests point it at a local server).
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import httpx2
from huggingface_hub import HfApi, hf_hub_url
from huggingface_hub.errors import (
    GatedRepoError,
    HfHubHTTPError,
    OfflineModeIsEnabled,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from huggingface_hub.utils import build_hf_headers, get_session

from app.models.files import SPLIT_RE

_log = logging.getLogger(__name__)

DEFAULT_ENDPOINT = "https://huggingface.co"
SORTS = {"downloads": "downloads", "likes": "likes", "recent": "last_modified"}
CATALOG_FILE = Path(__file__).with_name("catalog.json")
_SUMMARY_CHARS = 700
_TIMEOUT = httpx2.Timeout(20.0)

# A repository id is owner/name; the hub allows letters, digits, '-', '_' and '.'.
_REPO_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")
# One component of a file path: the same, plus '+'; no leading dot, no spaces or controls.
_PATH_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._+-]{0,199}$")
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"{p}{i}" for p in ("COM", "LPT") for i in range(1, 10)}
)
_QUANT = re.compile(
    r"(?<![A-Za-z0-9])(IQ[1-4]_(?:XXS|XS|S|M|NL)|Q[2-8]_K(?:_[SML]|_XL)?|Q[4-8]_[01]|"
    r"TQ[12]_0|MXFP4(?:_MOE)?|BF16|F16|FP16|F32)(?![A-Za-z0-9])",
    re.IGNORECASE,
)


class HubError(Exception):
    """A hub request failed. ``kind`` is machine-readable, the message is for people."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class UnsafeNameError(HubError):
    """A repository id or file path from the hub that cannot be written safely."""

    def __init__(self, message: str) -> None:
        super().__init__("unsafe_name", message)


def endpoint() -> str:
    """The hub's address now (``HF_ENDPOINT``, else huggingface.co)."""
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def check_repo_id(repo_id: str) -> str:
    """``repo_id`` if it is a plain ``owner/name``; raises :class:`UnsafeNameError`."""
    parts = repo_id.split("/")
    if len(parts) != 2 or not all(_REPO_PART.match(p) and ".." not in p for p in parts):
        raise UnsafeNameError(f"'{repo_id}' is not a valid repository id (owner/name).")
    return repo_id


def check_repo_path(path: str) -> PurePosixPath:
    """A file path from a repository listing, checked: relative, no '..', plain names."""
    parts = path.split("/")
    if not path or len(parts) > 8 or any(
        not _PATH_PART.match(p) or ".." in p or p.split(".")[0].upper() in _WINDOWS_RESERVED
        for p in parts
    ):
        raise UnsafeNameError(
            f"The hub listed a file named {path!r}, which Slice will not write to disk "
            "(absolute path, '..', or unusual characters)."
        )
    return PurePosixPath(*parts)


def local_path(models_dir: Path, repo_id: str, repo_path: str) -> Path:
    """Where a hub file goes: ``models/owner/name/path``; never outside ``models_dir``."""
    owner, name = check_repo_id(repo_id).split("/")
    target = models_dir.joinpath(owner, name, *check_repo_path(repo_path).parts)
    root = models_dir.resolve()
    if not target.resolve().is_relative_to(root):  # a symlinked folder pointing elsewhere
        raise UnsafeNameError(f"'{target}' would lie outside the model folder '{root}'.")
    return target


def quantization_of(filename: str) -> str:
    """The quantization named in a GGUF file's name or folder (``Q4_K_M``), or ``other``."""
    match = _QUANT.search(Path(filename).name) or _QUANT.search(filename)
    return match.group(1).upper() if match else "other"


def describe_error(exc: BaseException, repo_id: str = "", what: str = "") -> HubError:
    """A :class:`HubError` with a message that says what to do."""
    base = endpoint()
    page = f"{base}/{repo_id}" if repo_id else base
    subject = what or (f"'{repo_id}'" if repo_id else "the hub")
    if isinstance(exc, HubError):
        return exc
    if isinstance(exc, OfflineModeIsEnabled):
        return HubError("offline", "Hub access is off (HF_HUB_OFFLINE is set). The models you "
                        "already have still work.")
    if isinstance(exc, (httpx2.ConnectError, httpx2.ConnectTimeout)):
        return HubError("offline", f"Cannot reach the hub at {base}: you may be offline. "
                        "The models you already have still work; try again when connected.")
    if isinstance(exc, httpx2.TransportError):
        return HubError("offline", f"The connection to {base} failed ({exc.__class__.__name__})."
                        " Try again in a moment.")
    status = getattr(getattr(exc, "response", None), "status_code", 0)
    if status == 401 or (isinstance(exc, GatedRepoError) and status != 403):
        return HubError("auth", f"{subject} needs you to sign in: it is gated or private. "
                        f"Accept its terms at {page} and enter an access token "
                        "(huggingface.co/settings/tokens) in the Token field.")
    if status == 403:
        return HubError("forbidden", f"Your access token may not read {subject}. Accept the "
                        f"repository's terms at {page} with the account the token belongs "
                        "to, or use a token with read access.")
    if isinstance(exc, RevisionNotFoundError):
        return HubError("not_found", f"{subject} has no such revision.")
    if isinstance(exc, RemoteEntryNotFoundError) or (status == 404 and what):
        return HubError("not_found", f"{subject} is not in the repository (it may have been "
                        "renamed or removed).")
    if isinstance(exc, RepositoryNotFoundError) or status == 404:
        return HubError("not_found", f"There is no repository {subject} on the hub.")
    if status == 429:
        return HubError("rate_limited", "The hub is rate-limiting requests. Wait a minute and "
                        "try again.")
    if status >= 500:
        return HubError("server", f"The hub had a problem (HTTP {status}). Try again later.")
    if isinstance(exc, HfHubHTTPError):
        return HubError("http", f"The hub refused the request (HTTP {status}).")
    if isinstance(exc, ValueError):
        _log.warning("unreadable hub answer for %s", subject, exc_info=exc)
        return HubError("bad_response", f"The hub sent an answer Slice cannot read: {exc}")
    # Nothing above knew this failure: keep its traceback for a bug report.
    _log.error("unexpected hub failure for %s", subject, exc_info=exc)
    return HubError("error", f"Hub request failed: {exc}")


def api(token: str | None = None) -> HfApi:
    """An :class:`HfApi` on the current endpoint."""
    return HfApi(endpoint=endpoint(), token=token or None)


def file_url(repo_id: str, repo_path: str, commit: str) -> str:
    """The download address of a file at a commit."""
    return hf_hub_url(repo_id, repo_path, revision=commit, endpoint=endpoint())


def auth_headers(token: str | None) -> dict[str, str]:
    """Headers for a hub request (user agent, and the token when there is one)."""
    return dict(build_hf_headers(token=token or None, library_name="slice-chat"))


@dataclass(frozen=True)
class RepoSummary:
    """One search result."""

    repo_id: str
    downloads: int = 0
    likes: int = 0
    last_modified: str = ""
    gated: bool = False
    private: bool = False


def search(query: str, sort: str = "downloads", limit: int = 30,
           token: str | None = None) -> list[RepoSummary]:
    """GGUF repositories matching ``query``; ``sort`` is downloads, likes or recent."""
    try:
        infos = list(api(token).list_models(
            filter="gguf", search=query or None, sort=SORTS.get(sort, "downloads"),  # type: ignore[arg-type]
            limit=limit, expand=["downloads", "likes", "lastModified", "gated", "private"],
        ))
    except Exception as exc:
        raise describe_error(exc) from exc
    results = []
    for info in infos:
        try:
            check_repo_id(info.id)
        except UnsafeNameError:
            continue  # never shown, so never downloaded from
        results.append(RepoSummary(
            repo_id=info.id, downloads=info.downloads or 0, likes=info.likes or 0,
            last_modified=info.last_modified.date().isoformat() if info.last_modified else "",
            gated=bool(info.gated), private=bool(info.private),
        ))
    return results


@dataclass(frozen=True)
class HubFile:
    """A file in a repository at a commit."""

    path: str
    size: int
    sha256: str  # from the LFS pointer; "" for a file not stored with LFS


@dataclass(frozen=True)
class QuantOption:
    """One quantization a hub repository offers: a GGUF file, or every part of a split one."""

    quantization: str
    files: tuple[HubFile, ...]

    @property
    def path(self) -> str:
        return self.files[0].path

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)


@dataclass(frozen=True)
class RepoPage:
    """What the downloader shows about a repository."""

    repo_id: str
    commit: str
    license: str = ""
    gated: str = ""  # "", "auto" or "manual"
    private: bool = False
    downloads: int = 0
    likes: int = 0
    summary: str = ""
    choices: tuple[QuantOption, ...] = ()
    skipped: tuple[str, ...] = field(default=())  # unsafe or incomplete entries, explained

    def groups(self) -> dict[str, list[QuantOption]]:
        """Choices by quantization, each group small to large."""
        grouped: dict[str, list[QuantOption]] = {}
        for choice in sorted(self.choices, key=lambda c: c.size):
            grouped.setdefault(choice.quantization, []).append(choice)
        return grouped

    def choice_for(self, repo_path: str) -> QuantOption | None:
        """The choice that ``repo_path`` (a file or any part of a split model) belongs to."""
        return next((c for c in self.choices if any(f.path == repo_path for f in c.files)), None)


def _choices(files: list[HubFile]) -> tuple[list[QuantOption], list[str]]:
    choices: list[QuantOption] = []
    skipped: list[str] = []
    splits: dict[tuple[str, str, str], list[HubFile]] = {}
    for file in files:
        name = PurePosixPath(file.path).name
        if not name.lower().endswith(".gguf") or name.lower().startswith("mmproj"):
            continue
        try:
            check_repo_path(file.path)
        except UnsafeNameError as exc:
            skipped.append(exc.message)
            continue
        if not file.sha256:
            skipped.append(f"'{file.path}' has no SHA-256 in the listing, so it cannot be "
                           "verified; Slice does not offer it.")
            continue
        match = SPLIT_RE.match(name)
        if match:
            parent = str(PurePosixPath(file.path).parent)
            splits.setdefault((parent, match["stem"], match["count"]), []).append(file)
        else:
            choices.append(QuantOption(quantization_of(file.path), (file,)))
    for (_parent, stem, count), parts in splits.items():
        parts.sort(key=lambda f: f.path)
        if len(parts) != int(count):
            skipped.append(f"'{stem}' is split into {int(count)} files but the repository "
                           f"has {len(parts)} of them.")
            continue
        choices.append(QuantOption(quantization_of(parts[0].path), tuple(parts)))
    return choices, skipped


def card_summary(text: str) -> str:
    """The first paragraphs of a model card, without its YAML header and markup noise."""
    if text.startswith("---"):
        end = text.find("\n---", 3)
        text = text[end + 4:] if end >= 0 else ""
    lines: list[str] = []
    for line in text.splitlines():
        if line.lstrip().startswith(("<", "![", "|", "```")):
            continue
        if line.strip() or (lines and lines[-1]):  # one blank line between paragraphs
            lines.append(line.rstrip())
    summary = "\n".join(lines).strip()
    return summary if len(summary) <= _SUMMARY_CHARS else summary[:_SUMMARY_CHARS].rstrip() + "…"


def fetch_card(repo_id: str, commit: str, token: str | None = None) -> str:
    """The repository's README at ``commit``, or "" when it has none."""
    try:
        response = get_session().get(
            file_url(repo_id, "README.md", commit), headers=auth_headers(token),
            timeout=_TIMEOUT, follow_redirects=True,
        )
    except httpx2.HTTPError:
        return ""
    if response.status_code != 200 or "html" in response.headers.get("content-type", ""):
        return ""
    return response.text[:200_000]


def repo_page(repo_id: str, revision: str = "main", token: str | None = None,
              with_card: bool = True) -> RepoPage:
    """List ``repo_id``'s GGUF models at ``revision``, pinned to the commit it points to."""
    check_repo_id(repo_id)
    try:
        info = api(token).model_info(repo_id, revision=revision, files_metadata=True)
    except Exception as exc:
        raise describe_error(exc, repo_id) from exc
    commit = info.sha or ""
    if not re.fullmatch(r"[0-9a-f]{40}", commit):
        raise HubError("bad_response", f"The hub did not say which commit '{revision}' of "
                       f"'{repo_id}' is.")
    files = [
        HubFile(s.rfilename, int(s.size or 0), s.lfs.sha256 if s.lfs else "")
        for s in info.siblings or []
    ]
    choices, skipped = _choices(files)
    card = info.card_data
    licence = getattr(card, "license", None) or ""
    if not licence:
        licence = next((t.split(":", 1)[1] for t in info.tags or [] if t.startswith("license:")),
                       "")
    return RepoPage(
        repo_id=repo_id, commit=commit, license=str(licence),
        gated=info.gated if isinstance(info.gated, str) else ("auto" if info.gated else ""),
        private=bool(info.private), downloads=info.downloads or 0, likes=info.likes or 0,
        summary=card_summary(fetch_card(repo_id, commit, token)) if with_card else "",
        choices=tuple(choices), skipped=tuple(skipped),
    )


@dataclass(frozen=True)
class CatalogEntry:
    """A curated starting model: a repository and the quantization to pick."""

    repo_id: str
    name: str
    quantization: str
    approx_size: int
    note: str = ""


def load_catalog(path: Path = CATALOG_FILE) -> list[CatalogEntry]:
    """The curated starting models, small to large."""
    raw: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["models"]
    entries = [CatalogEntry(**item) for item in raw]
    return sorted(entries, key=lambda e: e.approx_size)

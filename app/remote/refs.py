"""How a remote model is named where a local model's path goes (requests, the store, the
picker): ``remote://PROVIDER/MODEL-ID``. No file path starts so; a provider's name holds no
``/``, so the model id after the first one may hold any (``meta-llama/Llama-3.1-70B``)."""

from __future__ import annotations

from dataclasses import dataclass

SCHEME = "remote://"


@dataclass(frozen=True, slots=True)
class RemoteModel:
    provider: str
    model_id: str

    @property
    def path(self) -> str:
        return f"{SCHEME}{self.provider}/{self.model_id}"

    @property
    def label(self) -> str:
        """For people: ``model-id (provider)``."""
        return f"{self.model_id} ({self.provider})"


def is_remote(path: str) -> bool:
    return path.startswith(SCHEME)


def parse_remote(path: str) -> RemoteModel | None:
    """The remote model ``path`` names, or None for a local path or a malformed one."""
    if not is_remote(path):
        return None
    provider, sep, model_id = path.removeprefix(SCHEME).partition("/")
    if not sep or not provider or not model_id:
        return None
    return RemoteModel(provider, model_id)


def provider_of(path: str) -> str:
    """The provider a remote model's path names ("" for a local path)."""
    remote = parse_remote(path)
    return remote.provider if remote is not None else ""

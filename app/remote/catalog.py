"""What every provider serves: each one asked for its models (``GET /models``) at once, so
one that does not answer delays only itself. A provider that cannot be asked is kept, with
the error that says why: ``slice-chat providers list`` and the window's model picker both
show it rather than leaving it out.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from app.remote.client import list_models
from app.remote.failures import RemoteError
from app.remote.providers import Provider, ProviderStore
from app.remote.refs import RemoteModel

_MAX_AT_ONCE = 8


@dataclass(frozen=True)
class ProviderModels:
    """One provider and what it said: its model ids, or the error that stopped the list."""

    provider: Provider
    has_key: bool
    models: tuple[str, ...] = ()
    error: RemoteError | None = None

    def remote_models(self) -> list[RemoteModel]:
        return [RemoteModel(self.provider.name, model_id) for model_id in self.models]


def provider_models(store: ProviderStore, provider: Provider) -> ProviderModels:
    """Ask ``provider`` for its models; never raises a :class:`RemoteError`."""
    key = store.key(provider.name)
    try:
        return ProviderModels(provider, bool(key), tuple(list_models(provider, key)))
    except RemoteError as exc:
        return ProviderModels(provider, bool(key), error=exc)


def all_models(store: ProviderStore, providers: list[Provider] | None = None
               ) -> list[ProviderModels]:
    """Every provider (``providers``, by default the store's) with its models, in order."""
    providers = store.providers() if providers is None else providers
    if not providers:
        return []
    with ThreadPoolExecutor(max_workers=min(_MAX_AT_ONCE, len(providers))) as pool:
        return list(pool.map(lambda p: provider_models(store, p), providers))

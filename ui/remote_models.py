"""The providers' models for the model picker, listed off the GUI thread.

:class:`RemoteModels` asks every provider for its models (:func:`app.remote.catalog.
all_models`, each provider at once) on Qt's thread pool when it is told to
(:meth:`RemoteModels.refresh`: at start, and when the providers change) and says when the
answers came (:attr:`RemoteModels.changed`). Until then each provider is listed as being
asked; one that could not be asked keeps the error that says why.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from app.remote.catalog import ProviderModels, all_models
from app.remote.providers import Provider, ProviderStore
from ui.background import Background

_TAG = "remote-models"


@dataclass(frozen=True)
class Listing:
    """One provider as the picker shows it: being asked (``pending``), its models, or the
    error that stopped the list."""

    name: str
    models: tuple[str, ...] = ()
    error: str = ""
    pending: bool = False


class RemoteModels(QObject):
    """Every provider's models, as last listed (see the module)."""

    changed = Signal()
    """The providers, or what they said, changed: the picker lists them again."""

    def __init__(self, store: ProviderStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._listings: list[Listing] = []
        self._background = Background(self)

    def listings(self) -> list[Listing]:
        """The providers in the order the user added them."""
        return list(self._listings)

    def has_provider(self, name: str) -> bool:
        """Whether the user has a provider called ``name`` (read now, not as last listed)."""
        return self.store.get(name) is not None

    def busy(self) -> bool:
        """Whether a listing is under way."""
        return self._background.busy(_TAG)

    def refresh(self) -> None:
        """Ask every provider again; the answers come through :attr:`changed`."""
        providers = self.store.providers()
        self._listings = [Listing(p.name, pending=True) for p in providers]
        self.changed.emit()
        if providers:
            self._background.run(lambda: self._ask(providers), self._answered, tag=_TAG)

    def _ask(self, providers: list[Provider]) -> list[ProviderModels]:
        return all_models(self.store, providers)

    def _answered(self, found: list[ProviderModels] | None, error: BaseException | None
                  ) -> None:
        if error is not None or found is None:  # a bug in the listing, not a provider's
            text = self.tr("Could not list the models ({error}).").format(error=repr(error))
            self._listings = [Listing(item.name, error=text) for item in self._listings]
        else:
            self._listings = [Listing(f.provider.name, f.models,
                                      f.error.message if f.error else "") for f in found]
        self.changed.emit()

"""The lower layers of a reply's sampling, the same for every client of a model.

Each value from the first layer that sets it: the sampling the user chose in Slice
(``Settings.sampling``, see :func:`app.settings.chosen_sampling`), the model's
recommendation (:mod:`app.models.recommended`), the declared defaults
(``inference/options.py``). A chat in the window puts its preset and overrides on top
(:mod:`app.chat.presets`), the API server a request's own fields (:mod:`app.api.server`):
one function under both, so that a request and a chat of the same model sample alike
wherever neither says otherwise.
"""

from __future__ import annotations

from typing import Any

from app.settings import Settings, chosen_sampling
from inference.model_defaults import Recommendation
from inference.options import Sampling

# Where a value comes from, in the words of the Chat settings dialog (the model's
# recommendation names its own source: "from the model file", "Slice's default for ...").
FROM_SETTINGS = "your setting"
FROM_DEFAULT = "Slice's default"


def base_sampling(settings: Settings, model: Recommendation) -> dict[str, tuple[Any, str]]:
    """Each sampling field's (value, where it comes from), the higher layers over the lower
    ones (the module's docstring); every value was checked against its field's range."""
    layers = {name: (value, FROM_DEFAULT) for name, value in Sampling().model_dump().items()}
    layers |= {name: (value, model.sources.get(name, FROM_DEFAULT))
               for name, value in model.values.items()}
    layers |= {name: (value, FROM_SETTINGS) for name, value in chosen_sampling(settings).items()}
    return layers

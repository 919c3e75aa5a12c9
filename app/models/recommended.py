"""The sampling a model file recommends, read from its header once per file version.

:func:`model_recommendation` is what a reply and the Chat settings dialog ask for: the
model's part of a reply's sampling (:mod:`inference.model_defaults`), for the context it
runs with. Reading a header takes milliseconds; it is remembered per path, size,
modification time and context, so sending a message never reads it twice.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from inference.gguf_info import GGUFError, read_gguf_info
from inference.model_defaults import Recommendation, recommend
from inference.options import LoadSettings
from inference.reasoning import thinking_tags


def model_recommendation(path: str, load: LoadSettings) -> Recommendation:
    """The recommendation for the model at ``path`` loaded with ``load``.

    An empty one when there is no model or its header cannot be read (the load will say
    why): the app's defaults then apply.
    """
    if not path:
        return Recommendation()
    try:
        stat = os.stat(path)
    except OSError:
        return Recommendation()
    return _recommendation(path, stat.st_size, stat.st_mtime_ns, load.n_ctx)


@functools.lru_cache(maxsize=32)
def _recommendation(path: str, _size: int, _mtime_ns: int, n_ctx: int) -> Recommendation:
    try:
        info = read_gguf_info(path)
    except GGUFError:
        return Recommendation()
    # The context the model runs with: the setting, or the model's own when it is smaller.
    trained = info.context_length
    context = min(n_ctx, trained) if trained > 0 else n_ctx
    return recommend(
        info.metadata, names=(Path(path).stem,), n_ctx=context,
        thinks=thinking_tags(info.chat_template) is not None,
    )

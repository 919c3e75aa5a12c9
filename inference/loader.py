"""Loading a GGUF model into llama.cpp, with progress, cancellation and clear failures.

The file's header is checked first (:mod:`inference.gguf_info`). The load itself runs on a
helper thread so that llama.cpp's progress callback can be turned into events and a Stop can
abort it. A failure is classified from llama.cpp's own log into an error a person can act on.
After the load, one decode warms the weights up so the first reply pays no page faults.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import llama_cpp
import llama_cpp.llama as llama_module

from inference import __version__
from inference.events import (
    ERROR_CORRUPT,
    ERROR_LOAD,
    ERROR_OUT_OF_MEMORY,
    ERROR_TEMPLATE,
    ERROR_UNSUPPORTED_ARCH,
    KV_CACHE_TYPES,
    Event,
    Failed,
    LoadProgress,
    LoadSettings,
    ModelInfo,
)
from inference.gguf_info import GGUFError, GGUFInfo, read_gguf_info
from inference.llama_log import LOG
from inference.templates import ChatTemplate, TemplateError, choose_template

_GGML_TYPES = {
    "f16": llama_cpp.GGML_TYPE_F16,
    "q8_0": llama_cpp.GGML_TYPE_Q8_0,
    "q4_0": llama_cpp.GGML_TYPE_Q4_0,
}
# Progress events are sent at most this often (llama.cpp calls back per tensor).
_PROGRESS_STEP = 0.02


class LoadCancelledError(Exception):
    """The user stopped the load."""


@dataclass
class LoadedModel:
    """A model in memory with what the engine needs to chat with it."""

    llm: llama_cpp.Llama
    info: ModelInfo
    template: ChatTemplate
    stop_tokens: frozenset[int]  # end-of-turn tokens of the chat format
    key: tuple[str, LoadSettings]


def default_threads() -> tuple[int, int]:
    """(generation threads, prompt threads) for this machine.

    Generation is memory-bound and slows down on hyper-threads; prompt processing is
    compute-bound and uses every logical core.
    """
    logical = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1
    )
    generation = logical if logical <= 4 else max(4, logical // 2)
    return generation, logical


@contextmanager
def _llama_init_hooks(progress: Callable[[float], bool]) -> Iterator[None]:
    """Adjust two things ``Llama.__init__`` does that Slice needs done differently.

    - It compiles every chat template in the file and fails the whole load on a syntax error,
      even for a template nobody uses. Slice formats chats itself (:mod:`inference.templates`),
      so the formatter is replaced by an inert one.
    - It offers no load-progress callback. The model parameters it starts from get one, which
      reports progress and aborts the load when it returns False.
    """

    class _Inert:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def to_chat_handler(self) -> None:
            return None

    callback = llama_cpp.llama_progress_callback(lambda fraction, _data: progress(fraction))
    original_defaults = llama_module.llama_cpp.llama_model_default_params

    def defaults_with_progress() -> Any:
        params = original_defaults()
        params.progress_callback = callback
        return params

    original_formatter = llama_module.llama_chat_format.Jinja2ChatFormatter
    llama_module.llama_chat_format.Jinja2ChatFormatter = _Inert
    llama_module.llama_cpp.llama_model_default_params = defaults_with_progress
    try:
        yield
    finally:
        llama_module.llama_chat_format.Jinja2ChatFormatter = original_formatter
        llama_module.llama_cpp.llama_model_default_params = original_defaults


def _construct(path: str, settings: LoadSettings, progress: Callable[[float], bool]) -> Any:
    gen_threads, batch_threads = default_threads()
    n_ctx = settings.n_ctx
    kv_type = _GGML_TYPES[settings.kv_cache_type]
    with _llama_init_hooks(progress):
        return llama_cpp.Llama(
            model_path=path,
            n_ctx=n_ctx,
            n_batch=min(settings.n_batch, n_ctx) if n_ctx else settings.n_batch,
            n_ubatch=min(settings.n_ubatch, settings.n_batch),
            n_threads=settings.n_threads or gen_threads,
            n_threads_batch=settings.n_threads_batch or batch_threads,
            n_gpu_layers=settings.n_gpu_layers,
            flash_attn=settings.flash_attn,
            use_mmap=settings.use_mmap,
            use_mlock=settings.use_mlock,
            type_k=kv_type,
            type_v=kv_type,
            swa_full=True,  # prefix reuse needs the whole sliding-window cache
            chat_format="slice",  # never guess a llama-2 format; see inference.templates
            verbose=False,
        )


def check_settings(settings: LoadSettings) -> str:
    """Why ``settings`` cannot work, or an empty string."""
    if settings.kv_cache_type not in KV_CACHE_TYPES:
        return f"unknown KV cache type '{settings.kv_cache_type}' (use {', '.join(KV_CACHE_TYPES)})"
    if settings.kv_cache_type != "f16" and not settings.flash_attn:
        return "a quantized KV cache needs flash attention turned on"
    if settings.n_ctx < 16:
        return f"a context of {settings.n_ctx} tokens is too small"
    return ""


def load_model(
    path: str, settings: LoadSettings, cancelled: threading.Event
) -> Iterator[Event | LoadedModel]:
    """Load ``path``: yields LoadProgress events, then the LoadedModel or a Failed event.

    Raises :class:`LoadCancelledError` when ``cancelled`` is set during the load.
    """
    problem = check_settings(settings)
    if problem:
        yield Failed(error=ERROR_LOAD, message=f"Cannot load '{path}': {problem}.", path=path)
        return
    try:
        info = read_gguf_info(path)
    except GGUFError as exc:
        yield Failed(error=exc.error, message=exc.message, path=path)
        return
    started = time.perf_counter()
    LOG.clear()
    events: queue.Queue[float | BaseException | Any] = queue.Queue()
    last = [-1.0]

    def on_progress(fraction: float) -> bool:
        if fraction - last[0] >= _PROGRESS_STEP or fraction >= 1.0:
            last[0] = fraction
            events.put(float(fraction))
        return not cancelled.is_set()

    def run() -> None:
        try:
            events.put(_Result(_construct(path, settings, on_progress)))
        except BaseException as exc:  # handed to the waiting generator
            events.put(exc)

    threading.Thread(target=run, name="slice-load", daemon=True).start()
    while True:
        item = events.get()
        if isinstance(item, float):
            yield LoadProgress(fraction=item)
            continue
        if isinstance(item, BaseException):
            if cancelled.is_set():
                raise LoadCancelledError from item
            yield classify_load_failure(info, item)
            return
        llm = item.value
        break
    if cancelled.is_set():
        llm.close()
        raise LoadCancelledError
    try:
        template = _pick_template(llm, info)
    except TemplateError as exc:
        llm.close()
        yield Failed(error=ERROR_TEMPLATE, message=f"'{path}': {exc}", path=path)
        return
    if settings.warmup:
        _warm_up(llm)
    yield LoadedModel(
        llm=llm,
        info=ModelInfo(
            path=path,
            name=info.name,
            architecture=info.architecture,
            n_ctx=llm.n_ctx(),
            n_ctx_train=llm._model.n_ctx_train(),
            n_params=info.n_params,
            template_source=template.source,
            template_note=template.note,
            load_s=time.perf_counter() - started,
            system_info=f"Slice engine {__version__}, llama-cpp-python {llama_cpp.__version__}, "
            + llama_cpp.llama_print_system_info().decode("utf-8", errors="replace").strip(),
            backend="gpu"
            if llama_cpp.llama_supports_gpu_offload() and settings.n_gpu_layers != 0
            else "cpu",
        ),
        template=template,
        stop_tokens=_end_of_turn_tokens(llm, template),
        key=(os.path.abspath(path), settings),
    )


@dataclass(frozen=True)
class _Result:
    value: Any


def _warm_up(llm: Any) -> None:
    """Touch every weight once (one decode), then leave the cache empty."""
    token = llm.token_bos()
    if token < 0:
        token = llm.token_eos()
    llm.eval([max(token, 0)])
    llm._ctx.kv_cache_seq_rm(-1, 0, -1)
    llm.n_tokens = 0


def classify_load_failure(info: GGUFInfo, exc: BaseException) -> Failed:
    """Turn llama.cpp's refusal to load a file into a message that says what to do."""
    path = info.path
    lowered = LOG.text().lower()
    if "unknown model architecture" in lowered:
        return Failed(
            error=ERROR_UNSUPPORTED_ARCH,
            message=f"'{path}' is a '{info.architecture}' model, an architecture this "
            f"version of llama.cpp does not support. Update Slice or pick another model.",
            path=path,
        )
    if "failed to allocate" in lowered or "out of memory" in lowered:
        return Failed(
            error=ERROR_OUT_OF_MEMORY,
            message=f"Not enough memory to load '{path}'. Lower the context size or the "
            "GPU layers, or close other programs.",
            path=path,
        )
    detail = LOG.last_error() or str(exc)
    kind = ERROR_CORRUPT if "tensor" in lowered or "gguf" in lowered else ERROR_LOAD
    return Failed(error=kind, message=f"llama.cpp could not load '{path}': {detail}", path=path)


def _is_single_token(llm: Any, text: str) -> bool:
    tokens = llm.tokenize(text.encode(), add_bos=False, special=True)
    return len(tokens) == 1 and bool(
        llm._model.token_get_attr(tokens[0]) & llama_cpp.LLAMA_TOKEN_ATTR_CONTROL
    )


def _pick_template(llm: Any, info: GGUFInfo) -> ChatTemplate:
    bos_id, eos_id = llm.token_bos(), llm.token_eos()
    return choose_template(
        info.chat_template,
        architecture=info.architecture,
        bos=llm._model.token_get_text(bos_id) if bos_id >= 0 else "",
        eos=llm._model.token_get_text(eos_id) if eos_id >= 0 else "",
        is_single_token=lambda text: _is_single_token(llm, text),
    )


def _end_of_turn_tokens(llm: Any, template: ChatTemplate) -> frozenset[int]:
    tokens = set()
    for marker in template.end_markers:
        ids = llm.tokenize(marker.encode(), add_bos=False, special=True)
        if len(ids) == 1:
            tokens.add(ids[0])
    return frozenset(tokens)


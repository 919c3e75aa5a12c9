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
from dataclasses import dataclass, field

from inference import __version__
from inference.device_memory import device_memory_failure, gpu_out_of_memory
from inference.events import (
    KV_CACHE_TYPES,
    ErrorKind,
    Event,
    Failed,
    LoadProgress,
    LoadSettings,
    ModelInfo,
)
from inference.gguf_info import GGUFError, GGUFInfo, read_gguf_info
from inference.llama_api import VERSION, LlamaModel, system_info
from inference.llama_log import LOG
from inference.speculative import StepCosts
from inference.templates import ChatTemplate, TemplateError, choose_template

# Progress events are sent at most this often (llama.cpp calls back per tensor).
_PROGRESS_STEP = 0.02


class LoadCancelledError(Exception):
    """The user stopped the load."""


@dataclass
class LoadedModel:
    """A model in memory with what the engine needs to chat with it."""

    llm: LlamaModel
    info: ModelInfo
    template: ChatTemplate
    stop_tokens: frozenset[int]  # end-of-turn tokens of the chat format
    key: tuple[str, LoadSettings]
    # What a decode step costs with this model here, for speculative drafting's choices.
    step_costs: StepCosts = field(default_factory=StepCosts)


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


def _construct(
    path: str, settings: LoadSettings, progress: Callable[[float], bool]
) -> LlamaModel:
    gen_threads, batch_threads = default_threads()
    n_ctx = settings.n_ctx
    return LlamaModel.load(
        path,
        n_ctx=n_ctx,
        n_batch=min(settings.n_batch, n_ctx) if n_ctx else settings.n_batch,
        n_ubatch=min(settings.n_ubatch, settings.n_batch),
        n_threads=settings.n_threads or gen_threads,
        n_threads_batch=settings.n_threads_batch or batch_threads,
        n_gpu_layers=settings.n_gpu_layers,
        flash_attn=settings.flash_attn,
        use_mmap=settings.use_mmap,
        use_mlock=settings.use_mlock,
        kv_cache_type=settings.kv_cache_type,
        progress=progress,
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
        yield Failed(error=ErrorKind.LOAD, message=f"Cannot load '{path}': {problem}.", path=path)
        return
    try:
        info = read_gguf_info(path)
    except GGUFError as exc:
        yield Failed(error=exc.error, message=exc.message, path=path)
        return
    started = time.perf_counter()
    LOG.clear()
    events: queue.Queue[float | BaseException | _Result] = queue.Queue()
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
            yield classify_load_failure(info, item, settings.n_gpu_layers)
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
        yield Failed(error=ErrorKind.TEMPLATE, message=f"'{path}': {exc}", path=path)
        return
    if settings.warmup:
        _warm_up(llm)
    offloaded, n_layers, devices = LOG.offload()
    yield LoadedModel(
        llm=llm,
        info=ModelInfo(
            path=path,
            name=info.name,
            architecture=info.architecture,
            n_ctx=llm.n_ctx(),
            n_ctx_train=llm.n_ctx_train(),
            n_params=info.n_params,
            template_source=template.source,
            template_note=template.note,
            load_s=time.perf_counter() - started,
            system_info=f"Slice engine {__version__}, llama-cpp-python {VERSION}, "
            + system_info(),
            backend="gpu" if offloaded > 0 else "cpu",
            gpu_layers=offloaded,
            n_layers=n_layers,
            devices=devices if offloaded > 0 else "",
        ),
        template=template,
        stop_tokens=_end_of_turn_tokens(llm, template),
        key=(os.path.abspath(path), settings),
    )


@dataclass(frozen=True)
class _Result:
    value: LlamaModel


def _warm_up(llm: LlamaModel) -> None:
    """Touch every weight once (one decode), then leave the cache empty."""
    token = llm.token_bos()
    if token < 0:
        token = llm.token_eos()
    llm.eval([max(token, 0)])
    llm.truncate(0)


def classify_load_failure(info: GGUFInfo, exc: BaseException, n_gpu_layers: int = 0) -> Failed:
    """Turn llama.cpp's refusal to load a file into a message that says what to do."""
    path = info.path
    text = LOG.text()
    lowered = text.lower()
    if "unknown model architecture" in lowered:
        return Failed(
            error=ErrorKind.UNSUPPORTED_ARCH,
            message=f"'{path}' is a '{info.architecture}' model, an architecture this "
            f"version of llama.cpp does not support. Update Slice or pick another model.",
            path=path,
        )
    device_line = device_memory_failure(text, offloaded=n_gpu_layers != 0)
    if device_line:
        return gpu_out_of_memory(path, n_gpu_layers, device_line)
    if "failed to allocate" in lowered or "out of memory" in lowered:
        return Failed(
            error=ErrorKind.OUT_OF_MEMORY,
            message=f"Not enough memory to load '{path}'. Lower the context size or the "
            "GPU layers, or close other programs.",
            path=path,
        )
    detail = LOG.last_error() or str(exc)
    kind = ErrorKind.CORRUPT if "tensor" in lowered or "gguf" in lowered else ErrorKind.LOAD
    return Failed(error=kind, message=f"llama.cpp could not load '{path}': {detail}", path=path)


def _is_single_token(llm: LlamaModel, text: str) -> bool:
    tokens = llm.tokenize(text, add_bos=False, special=True)
    return len(tokens) == 1 and llm.is_control(tokens[0])


def _pick_template(llm: LlamaModel, info: GGUFInfo) -> ChatTemplate:
    bos_id, eos_id = llm.token_bos(), llm.token_eos()
    return choose_template(
        info.chat_template,
        architecture=info.architecture,
        bos=llm.token_text(bos_id) if bos_id >= 0 else "",
        eos=llm.token_text(eos_id) if eos_id >= 0 else "",
        is_single_token=lambda text: _is_single_token(llm, text),
    )


def _end_of_turn_tokens(llm: LlamaModel, template: ChatTemplate) -> frozenset[int]:
    tokens = set()
    for marker in template.end_markers:
        ids = llm.tokenize(marker, add_bos=False, special=True)
        if len(ids) == 1:
            tokens.add(ids[0])
    return frozenset(tokens)


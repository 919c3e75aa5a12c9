"""The engine: one llama.cpp model, replies streamed as events.

:class:`Engine` is an ordinary Python object. The inference host process runs one; the
tests and the benchmark may drive one in-process. Every failure comes out as a
:class:`~inference.events.Failed` event, never as an exception.

Speed decisions (see DESIGN.md): the token loop samples with llama.cpp's native sampler
chain and decodes each token's bytes through an incremental UTF-8 decoder (llama-cpp-python's
streaming completions re-detokenize the whole reply per token); a new turn evaluates only the
tokens after the longest prefix already in the KV cache; prompt processing runs in batches
with an abort callback so Stop interrupts it.
"""

from __future__ import annotations

import codecs
import ctypes
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import llama_cpp
import llama_cpp.llama as llama_module

from inference import __version__
from inference.events import (
    ERROR_BAD_REQUEST,
    ERROR_CORRUPT,
    ERROR_INTERNAL,
    ERROR_LOAD,
    ERROR_OUT_OF_MEMORY,
    ERROR_TEMPLATE,
    ERROR_UNSUPPORTED_ARCH,
    STOP_CONTEXT_FULL,
    STOP_END_OF_TURN,
    STOP_LENGTH,
    STOP_STRING,
    STOP_USER,
    ChatRequest,
    Done,
    Event,
    Failed,
    Loaded,
    Loading,
    LoadSettings,
    ModelInfo,
    Progress,
    Stats,
    Token,
)
from inference.gguf_info import GGUFError, GGUFInfo, read_gguf_info
from inference.llama_log import LOG
from inference.stops import StopMatcher
from inference.templates import ChatTemplate, TemplateError, choose_template

STATS_INTERVAL_S = 0.25


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


class _CancelledError(Exception):
    pass


class TokenDecoder:
    """Turns generated tokens into text incrementally.

    Each token's bytes go through an incremental UTF-8 decoder, so a character split
    across tokens (emoji, CJK, accents in byte-level vocabularies) comes out whole once its
    last byte arrives, and the cost per token stays constant.
    """

    def __init__(self, vocab: Any) -> None:
        self._vocab = vocab
        self._buffer = ctypes.create_string_buffer(256)
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def feed(self, token: int) -> str:
        n = llama_cpp.llama_token_to_piece(
            self._vocab, token, self._buffer, len(self._buffer), 0, False
        )
        if n < 0:  # a piece longer than the buffer: grow it and ask again
            self._buffer = ctypes.create_string_buffer(-n)
            n = llama_cpp.llama_token_to_piece(
                self._vocab, token, self._buffer, len(self._buffer), 0, False
            )
        return self._utf8.decode(self._buffer.raw[: max(n, 0)])

    def flush(self) -> str:
        """Whatever an unfinished character left behind, as U+FFFD."""
        return self._utf8.decode(b"", final=True)


@contextmanager
def _defer_llama_templates() -> Iterator[None]:
    """Keep llama-cpp-python from compiling the file's chat templates at load time.

    ``Llama.__init__`` compiles every template in the file and fails the whole load on a
    syntax error, even for a template nobody uses. Slice formats chats itself
    (:mod:`inference.templates`), so the formatter llama-cpp-python would build is replaced
    by an inert one for the duration of the load.
    """

    class _Inert:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def to_chat_handler(self) -> None:
            return None

    original = llama_module.llama_chat_format.Jinja2ChatFormatter
    llama_module.llama_chat_format.Jinja2ChatFormatter = _Inert
    try:
        yield
    finally:
        llama_module.llama_chat_format.Jinja2ChatFormatter = original


class Engine:
    """Loads one model at a time and streams chat replies from it.

    Only :meth:`cancel` may be called from another thread.
    """

    def __init__(self) -> None:
        self._llm: llama_cpp.Llama | None = None
        self._key: tuple[str, LoadSettings] | None = None
        self._info: ModelInfo | None = None
        self._template: ChatTemplate | None = None
        self._stop_tokens: frozenset[int] = frozenset()
        self._cancel = threading.Event()
        self._abort_cb = llama_cpp.ggml_abort_callback(self._should_abort)

    # -- control -------------------------------------------------------------------------

    def cancel(self) -> None:
        """Stop the reply in progress (thread-safe): between tokens, or inside a prefill."""
        self._cancel.set()

    def _should_abort(self, _data: ctypes.c_void_p) -> bool:
        return self._cancel.is_set()

    @property
    def model_info(self) -> ModelInfo | None:
        return self._info

    def close(self) -> None:
        """Free the model."""
        if self._llm is not None:
            self._llm.close()
        self._llm = None
        self._key = None
        self._info = None

    # -- loading -------------------------------------------------------------------------

    def load(self, path: str, settings: LoadSettings) -> Iterator[Event]:
        """Load ``path`` unless it is already loaded with ``settings``.

        Yields :class:`Loading` then :class:`Loaded`, or :class:`Failed`.
        """
        key = (os.path.abspath(path), settings)
        if self._key == key and self._info is not None:
            return
        self.close()
        yield Loading(path=path)
        try:
            info = read_gguf_info(path)
        except GGUFError as exc:
            yield Failed(error=exc.error, message=exc.message, path=path)
            return
        started = time.perf_counter()
        LOG.clear()
        try:
            llm = self._construct(path, settings)
        except Exception as exc:  # llama-cpp-python raises ValueError/RuntimeError on failure
            yield self._classify_load_failure(info, exc)
            return
        load_s = time.perf_counter() - started
        try:
            self._template = self._pick_template(llm, info)
        except TemplateError as exc:
            llm.close()
            yield Failed(error=ERROR_TEMPLATE, message=f"'{path}': {exc}", path=path)
            return
        self._llm = llm
        self._key = key
        self._stop_tokens = self._end_of_turn_tokens(llm, self._template)
        self._info = ModelInfo(
            path=path,
            name=info.name,
            architecture=info.architecture,
            n_ctx=llm.n_ctx(),
            n_ctx_train=llm._model.n_ctx_train(),
            n_params=info.n_params,
            template_source=self._template.source,
            template_note=self._template.note,
            load_s=load_s,
            system_info=f"Slice engine {__version__}, llama-cpp-python {llama_cpp.__version__}, "
            + llama_cpp.llama_print_system_info().decode("utf-8", errors="replace").strip(),
            backend="gpu"
            if llama_cpp.llama_supports_gpu_offload() and settings.n_gpu_layers != 0
            else "cpu",
        )
        yield Loaded(model=self._info)

    def _construct(self, path: str, settings: LoadSettings) -> llama_cpp.Llama:
        gen_threads, batch_threads = default_threads()
        n_ctx = settings.n_ctx
        with _defer_llama_templates():
            llm = llama_cpp.Llama(
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
                swa_full=True,  # prefix reuse needs the whole sliding-window cache
                chat_format="slice",  # never guess a llama-2 format; see inference.templates
                verbose=False,
            )
        return llm

    def _classify_load_failure(self, info: GGUFInfo, exc: Exception) -> Failed:
        path = info.path
        log = LOG.text()
        lowered = log.lower()
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
        return Failed(
            error=kind, message=f"llama.cpp could not load '{path}': {detail}", path=path
        )

    def _is_single_token(self, llm: llama_cpp.Llama, text: str) -> bool:
        tokens = llm.tokenize(text.encode(), add_bos=False, special=True)
        return len(tokens) == 1 and bool(
            llm._model.token_get_attr(tokens[0]) & llama_cpp.LLAMA_TOKEN_ATTR_CONTROL
        )

    def _pick_template(self, llm: llama_cpp.Llama, info: GGUFInfo) -> ChatTemplate:
        bos_id, eos_id = llm.token_bos(), llm.token_eos()
        return choose_template(
            info.chat_template,
            architecture=info.architecture,
            bos=llm._model.token_get_text(bos_id) if bos_id >= 0 else "",
            eos=llm._model.token_get_text(eos_id) if eos_id >= 0 else "",
            is_single_token=lambda text: self._is_single_token(llm, text),
        )

    def _end_of_turn_tokens(self, llm: llama_cpp.Llama, template: ChatTemplate) -> frozenset[int]:
        tokens = set()
        for marker in template.end_markers:
            ids = llm.tokenize(marker.encode(), add_bos=False, special=True)
            if len(ids) == 1:
                tokens.add(ids[0])
        return frozenset(tokens)

    # -- generation ----------------------------------------------------------------------

    def stream_chat(self, request: ChatRequest) -> Iterator[Event]:
        """Generate one reply to ``request``: Loading/Loaded when a load is needed, Progress
        during prompt processing, Token and periodic Stats while generating, then Done or
        Failed. A request without messages only loads the model: it ends with a Done
        whose stop reason is empty. Never raises."""
        received = time.perf_counter()
        self._cancel.clear()
        try:
            failed = False
            for event in self.load(request.model_path, request.load):
                failed = failed or isinstance(event, Failed)
                yield event
            if failed:
                return
            if not request.messages:
                load_s = self._info.load_s if self._info else 0.0
                yield Done(stop_reason="", stats=Stats(load_s=load_s))
                return
            yield from self._generate(request, received)
        except Exception as exc:  # last line of defence: errors travel as values
            yield Failed(
                error=ERROR_INTERNAL, message=f"Internal engine error: {exc!r}",
                path=request.model_path,
            )

    def tokenize_chat(self, request: ChatRequest) -> list[int]:
        """The prompt tokens of ``request`` with the loaded model's chat template."""
        assert self._llm is not None and self._template is not None
        llm = self._llm
        text = self._template.render(request.messages, continue_last=request.continue_last)
        tokens: list[int] = list(llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))
        bos = llm.token_bos()
        if llm._model.add_bos_token() and bos >= 0 and (not tokens or tokens[0] != bos):
            tokens.insert(0, bos)
        return tokens

    def _generate(self, request: ChatRequest, received: float) -> Iterator[Event]:
        llm = self._llm
        assert llm is not None and self._info is not None
        path = request.model_path
        try:
            tokens = self.tokenize_chat(request)
        except TemplateError as exc:
            yield Failed(error=ERROR_TEMPLATE, message=f"Chat template: {exc}", path=path)
            return
        n_ctx = llm.n_ctx()
        load_s = self._info.load_s if isinstance(self._info, ModelInfo) else 0.0
        if len(tokens) >= n_ctx:
            yield Failed(
                error=ERROR_BAD_REQUEST,
                message=f"The conversation is {len(tokens):,} tokens long and does not fit "
                f"in the context of {n_ctx:,} tokens. Start a new chat or raise the context size.",
                path=path,
            )
            return

        # Prompt processing: reuse the longest prefix already in the KV cache, then evaluate
        # the rest in batches; at least the last token is evaluated to get fresh logits.
        cached = 0
        held = llm._input_ids[: llm.n_tokens].tolist()
        for a, b in zip(held, tokens[:-1], strict=False):
            if a != b:
                break
            cached += 1
        llm.n_tokens = cached
        todo = tokens[cached:]
        prefill_started = time.perf_counter()
        llama_cpp.llama_set_abort_callback(llm._ctx.ctx, self._abort_cb, None)
        try:
            for start in range(0, len(todo), llm.n_batch):
                if self._cancel.is_set():
                    raise _CancelledError
                yield Progress(done=start, total=len(todo))
                try:
                    llm.eval(todo[start : start + llm.n_batch])
                except RuntimeError:
                    if self._cancel.is_set():
                        raise _CancelledError from None
                    raise
        except _CancelledError:
            # The interrupted batch left nothing usable in the cache past n_tokens.
            llm._ctx.kv_cache_seq_rm(-1, llm.n_tokens, -1)
            stats = Stats(
                ttft_s=0.0, prompt_tokens=len(tokens), cached_tokens=cached,
                context_used=llm.n_tokens, context_size=n_ctx, stop_reason=STOP_USER,
                load_s=load_s,
            )
            yield Done(stop_reason=STOP_USER, stats=stats)
            return
        finally:
            llama_cpp.llama_set_abort_callback(llm._ctx.ctx, llama_cpp.ggml_abort_callback(), None)
        prefill_s = time.perf_counter() - prefill_started
        yield Progress(done=len(todo), total=len(todo))
        prompt_tps = len(todo) / prefill_s if prefill_s > 0 else 0.0

        yield from self._decode_loop(
            request, received, len(tokens), cached, prompt_tps, load_s
        )

    def _decode_loop(
        self,
        request: ChatRequest,
        received: float,
        prompt_tokens: int,
        cached: int,
        prompt_tps: float,
        load_s: float,
    ) -> Iterator[Event]:
        llm = self._llm
        assert llm is not None
        sampling = request.sampling
        seed = sampling.seed if sampling.seed >= 0 else int.from_bytes(os.urandom(4), "little")
        llm.set_seed(seed)
        sampler = llm._init_sampler(
            top_k=sampling.top_k,
            top_p=sampling.top_p,
            min_p=sampling.min_p,
            temp=sampling.temperature,
            repeat_penalty=sampling.repeat_penalty,
        )
        vocab = llm._model.vocab
        n_ctx = llm.n_ctx()
        decoder = TokenDecoder(vocab)
        matcher = StopMatcher(request.stop)
        generated = 0
        unsent = 0  # tokens whose text is not yet in a Token event
        first_at = last_at = 0.0
        last_stats = time.perf_counter()
        stop_reason = STOP_END_OF_TURN
        # Strip whitespace before a new reply's first visible character (a continued reply
        # keeps it: "teeming" + " with").
        leading = not request.continue_last

        def stats(reason: str = "") -> Stats:
            decode_s = last_at - first_at
            return Stats(
                ttft_s=(first_at - received) if first_at else 0.0,
                prompt_tokens=prompt_tokens,
                cached_tokens=cached,
                prompt_tps=prompt_tps,
                generated_tokens=generated,
                decode_tps=(generated - 1) / decode_s if generated > 1 and decode_s > 0 else 0.0,
                context_used=llm.n_tokens,
                context_size=n_ctx,
                stop_reason=reason,
                load_s=load_s,
            )

        while True:
            if self._cancel.is_set():
                stop_reason = STOP_USER
                break
            if sampling.max_tokens and generated >= sampling.max_tokens:
                stop_reason = STOP_LENGTH
                break
            if llm.n_tokens >= n_ctx:
                stop_reason = STOP_CONTEXT_FULL
                break
            token = sampler.sample(llm._ctx, -1)
            if llama_cpp.llama_vocab_is_eog(vocab, token) or token in self._stop_tokens:
                stop_reason = STOP_END_OF_TURN
                break
            now = time.perf_counter()
            if not generated:
                first_at = now
            last_at = now
            generated += 1
            unsent += 1
            text = decoder.feed(token)
            if leading:
                text = text.lstrip()
                leading = not text
            visible, hit = matcher.feed(text)
            if visible or hit:
                yield Token(text=visible, n=unsent)
                unsent = 0
            if hit:
                stop_reason = STOP_STRING
                break
            llm.eval([token])
            if now - last_stats >= STATS_INTERVAL_S:
                last_stats = now
                yield stats()

        tail = matcher.flush(decoder.flush()) if stop_reason != STOP_STRING else ""
        if tail or unsent:
            yield Token(text=tail, n=unsent)
        final = stats(stop_reason)
        yield Done(stop_reason=stop_reason, stats=final)

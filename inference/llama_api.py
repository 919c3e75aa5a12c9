"""The one door to llama-cpp-python's internals.

Slice needs more of llama.cpp than ``llama_cpp.Llama``'s public API offers: the native
sampler chain and batch decode for the token loop, KV cache edits (prefix reuse, context
shift, rejected drafts), sequence state snapshots, an abort callback, a load-progress hook,
the log callback. Those live behind private attributes (``Llama._ctx``, ``_model``,
``_batch``), low-level ``llama_cpp.llama_*`` C functions and module-global swaps, any of which
a llama-cpp-python release may rename. This module is the only place that touches them: the
rest of the repository calls the typed functions and the :class:`LlamaModel` wrapper here,
and ``tests/test_llama_api.py`` exercises every one of them on a real model, so a version
bump fails there, in one file, with a clear message.

``llama_cpp`` is untyped; ``Any`` stays inside this module.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import llama_cpp
import llama_cpp._internals as _internals
import llama_cpp.llama as _llama_module
import numpy as np
import numpy.typing as npt

VERSION: str = llama_cpp.__version__

StateBuffer = ctypes.Array[ctypes.c_uint8]
"""A sequence's KV state as llama.cpp wrote it."""

_SEQ = 0  # Slice runs one sequence per context
_ALL_SEQ = -1


class LlamaApiError(ImportError):
    """The installed llama-cpp-python lacks something Slice relies on."""


def _missing(owner: object, names: Sequence[str]) -> list[str]:
    return [name for name in names if not hasattr(owner, name)]


def _check(where: str, owner: object, names: Sequence[str]) -> None:
    missing = _missing(owner, names)
    if missing:
        raise LlamaApiError(
            f"llama-cpp-python {VERSION} lacks {where} {', '.join(missing)}, which Slice "
            "needs (inference/llama_api.py). Install the version pinned in pyproject.toml, "
            "or adapt inference/llama_api.py and run tests/test_llama_api.py."
        )


_check("llama_cpp.", llama_cpp, (
    "Llama", "llama_token_to_piece", "llama_vocab_is_eog", "llama_set_abort_callback",
    "ggml_abort_callback", "llama_get_memory", "llama_memory_can_shift", "llama_memory_seq_rm",
    "llama_memory_seq_add", "llama_state_seq_get_size", "llama_state_seq_get_data",
    "llama_state_seq_set_data", "llama_log_set", "llama_log_callback",
    "llama_progress_callback", "llama_model_default_params", "llama_print_system_info",
    "llama_supports_gpu_offload", "GGML_TYPE_F16", "GGML_TYPE_Q8_0", "GGML_TYPE_Q4_0",
    "LLAMA_TOKEN_ATTR_CONTROL",
))
_check("llama_cpp.llama.", _llama_module, ("llama_cpp", "llama_chat_format"))
_check("llama_cpp.llama_chat_format.", _llama_module.llama_chat_format, ("Jinja2ChatFormatter",))
_check("Llama.", llama_cpp.Llama, ("_init_sampler", "eval", "tokenize", "detokenize", "n_ctx",
                                   "token_bos", "token_eos", "set_seed", "close"))
_check("llama_cpp._internals.LlamaContext.", _internals.LlamaContext,
       ("decode", "kv_cache_seq_rm", "get_logits_ith"))
_check("llama_cpp._internals.LlamaBatch.", _internals.LlamaBatch, ("set_batch",))
_check("llama_cpp._internals.LlamaModel.", _internals.LlamaModel,
       ("n_ctx_train", "add_bos_token", "token_get_attr", "token_get_text"))
_check("llama_cpp._internals.LlamaSampler.", _internals.LlamaSampler, ("sample",))

# What a KV cache type setting means to llama.cpp.
KV_TYPES: dict[str, int] = {
    "f16": llama_cpp.GGML_TYPE_F16,
    "q8_0": llama_cpp.GGML_TYPE_Q8_0,
    "q4_0": llama_cpp.GGML_TYPE_Q4_0,
}


def system_info() -> str:
    """llama.cpp's one-line description of its build (SIMD features, backends)."""
    raw: bytes = llama_cpp.llama_print_system_info()
    return raw.decode("utf-8", errors="replace").strip()


def supports_gpu_offload() -> bool:
    """Whether this llama.cpp build can put layers on a GPU."""
    return bool(llama_cpp.llama_supports_gpu_offload())


# llama.cpp keeps the callback pointers for the life of the process: so does this module.
_KEEP: list[Any] = []


def install_log_callback(on_line: Callable[[int, str], None]) -> None:
    """Send llama.cpp's log to ``on_line(level, text)`` instead of stderr (process-wide)."""

    def relay(level: int, text: bytes, _data: ctypes.c_void_p) -> None:
        on_line(level, text.decode("utf-8", errors="replace"))

    callback = llama_cpp.llama_log_callback(relay)
    _KEEP.append(callback)
    llama_cpp.llama_log_set(callback, ctypes.c_void_p(0))


def install_ggml_abort_callback(on_abort: Callable[[str], None]) -> bool:
    """Call ``on_abort(message)`` just before ggml aborts the process (a failed
    ``GGML_ASSERT``); False when this ggml has no such hook (builds before 2025)."""

    def relay(message: bytes | None) -> None:
        on_abort((message or b"").decode("utf-8", errors="replace"))

    callback = ctypes.CFUNCTYPE(None, ctypes.c_char_p)(relay)
    try:
        from llama_cpp._ggml import libggml

        setter = libggml.ggml_set_abort_callback
    except (ImportError, AttributeError):
        return False
    setter.argtypes = [type(callback)]
    setter.restype = ctypes.c_void_p
    _KEEP.append(callback)
    setter(callback)
    return True


class AbortCallback:
    """A check llama.cpp calls during a decode; returning True interrupts it (the decode
    then raises RuntimeError). Create it once: it owns the C pointer llama.cpp holds."""

    def __init__(self, should_abort: Callable[[], bool]) -> None:
        self._pointer = llama_cpp.ggml_abort_callback(lambda _data: should_abort())


_NO_ABORT = llama_cpp.ggml_abort_callback()


class _InertFormatter:
    """Stands in for llama-cpp-python's Jinja2ChatFormatter during a load."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def to_chat_handler(self) -> None:
        return None


@contextmanager
def _init_hooks(progress: Callable[[float], bool] | None) -> Iterator[None]:
    """Adjust two things ``Llama.__init__`` does that Slice needs done differently.

    - It compiles every chat template in the file and fails the whole load on a syntax error,
      even for a template nobody uses. Slice formats chats itself (:mod:`inference.templates`),
      so the formatter is replaced by an inert one.
    - It offers no load-progress callback. The model parameters it starts from get one, which
      reports progress and aborts the load when it returns False.
    """
    original_defaults = _llama_module.llama_cpp.llama_model_default_params
    original_formatter = _llama_module.llama_chat_format.Jinja2ChatFormatter
    callback = llama_cpp.llama_progress_callback(
        lambda fraction, _data: progress(fraction) if progress is not None else True
    )

    def defaults_with_progress() -> Any:
        params = original_defaults()
        params.progress_callback = callback
        return params

    _llama_module.llama_chat_format.Jinja2ChatFormatter = _InertFormatter
    _llama_module.llama_cpp.llama_model_default_params = defaults_with_progress
    try:
        yield
    finally:
        _llama_module.llama_chat_format.Jinja2ChatFormatter = original_formatter
        _llama_module.llama_cpp.llama_model_default_params = original_defaults


class Sampler:
    """llama.cpp's native sampler chain, bound to one model's context."""

    def __init__(self, chain: Any, ctx: Any) -> None:
        self._chain = chain
        self._ctx = ctx

    def sample(self, index: int = -1) -> int:
        """The token chosen from the logits of batch position ``index`` (-1: the last)."""
        return int(self._chain.sample(self._ctx, index))


class TokenPieces:
    """A token's bytes, read through one reused buffer (the token loop's detokenizer)."""

    def __init__(self, vocab: Any) -> None:
        self._vocab = vocab
        self._buffer = ctypes.create_string_buffer(256)

    def __call__(self, token: int) -> bytes:
        n: int = llama_cpp.llama_token_to_piece(
            self._vocab, token, self._buffer, len(self._buffer), 0, False
        )
        if n < 0:  # a piece longer than the buffer: grow it and ask again
            self._buffer = ctypes.create_string_buffer(-n)
            n = llama_cpp.llama_token_to_piece(
                self._vocab, token, self._buffer, len(self._buffer), 0, False
            )
        return self._buffer.raw[: max(n, 0)]


class LlamaModel:
    """A loaded ``llama_cpp.Llama`` with the low-level operations Slice uses, typed.

    The context holds one sequence; :attr:`n_tokens` tokens of it are evaluated, and
    :meth:`history` says which.
    """

    def __init__(self, llm: Any) -> None:
        _check("Llama instance attributes", llm, ("_ctx", "_model", "_batch", "input_ids",
                                                  "n_tokens", "n_batch"))
        self.llm = llm
        """The wrapped ``llama_cpp.Llama`` (its public API: the bench's raw baselines)."""
        self._ctx = llm._ctx
        self._vocab = llm._model.vocab

    @classmethod
    def load(
        cls,
        path: str,
        *,
        n_ctx: int,
        n_batch: int = 512,
        n_ubatch: int = 512,
        n_threads: int = 1,
        n_threads_batch: int = 1,
        n_gpu_layers: int = 0,
        flash_attn: bool = False,
        use_mmap: bool = True,
        use_mlock: bool = False,
        kv_cache_type: str = "f16",
        vocab_only: bool = False,
        progress: Callable[[float], bool] | None = None,
    ) -> LlamaModel:
        """Load ``path``; ``progress(fraction)`` is called during the load and stops it by
        returning False (the load then raises). Every parameter is explicit: the
        constructor's defaults differ from llama.cpp's tools."""
        kv_type = KV_TYPES[kv_cache_type]
        with _init_hooks(progress):
            llm = llama_cpp.Llama(
                model_path=path,
                n_ctx=n_ctx,
                n_batch=n_batch,
                n_ubatch=n_ubatch,
                n_threads=n_threads,
                n_threads_batch=n_threads_batch,
                n_gpu_layers=n_gpu_layers,
                flash_attn=flash_attn,
                use_mmap=use_mmap,
                use_mlock=use_mlock,
                type_k=kv_type,
                type_v=kv_type,
                swa_full=True,  # prefix reuse needs the whole sliding-window cache
                chat_format="slice",  # never guess a llama-2 format; see inference.templates
                vocab_only=vocab_only,
                verbose=False,
            )
        return cls(llm)

    def close(self) -> None:
        """Free the model and its context."""
        self.llm.close()

    # -- sizes and vocabulary ------------------------------------------------------------

    def n_ctx(self) -> int:
        """Tokens the context holds.

        llama.cpp rounds the context up (to a multiple of 256) while llama-cpp-python sizes
        its token history for the context asked for: the smaller of the two is what fits.
        """
        return min(int(self.llm.n_ctx()), len(self.llm.input_ids))

    def n_ctx_train(self) -> int:
        """The context length the model was trained with."""
        return int(self.llm._model.n_ctx_train())

    @property
    def n_batch(self) -> int:
        """The most tokens one :meth:`eval` step sends to llama.cpp."""
        return int(self.llm.n_batch)

    def n_vocab(self) -> int:
        """Tokens in the vocabulary."""
        return int(self.llm.n_vocab())

    def token_bos(self) -> int:
        """The beginning-of-sequence token, or -1."""
        return int(self.llm.token_bos())

    def token_eos(self) -> int:
        """The end-of-sequence token, or -1."""
        return int(self.llm.token_eos())

    def add_bos_token(self) -> bool:
        """Whether the model expects a BOS token before a prompt."""
        return bool(self.llm._model.add_bos_token())

    def token_text(self, token: int) -> str:
        """The vocabulary's text for ``token`` (special tokens by name)."""
        return str(self.llm._model.token_get_text(token))

    def is_control(self, token: int) -> bool:
        """Whether ``token`` is a control token (``<|im_end|>``, not text)."""
        attr = int(self.llm._model.token_get_attr(token))
        return bool(attr & llama_cpp.LLAMA_TOKEN_ATTR_CONTROL)

    def is_end_of_generation(self, token: int) -> bool:
        """Whether the model ends its output with ``token`` (EOS, EOT...)."""
        return bool(llama_cpp.llama_vocab_is_eog(self._vocab, token))

    def tokenize(self, text: str, add_bos: bool = False, special: bool = True) -> list[int]:
        """``text``'s tokens; ``special``: spell-outs of special tokens become them."""
        return list(self.llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=special))

    def detokenize(self, tokens: Sequence[int], special: bool = True) -> str:
        """The text of ``tokens`` (invalid UTF-8 as U+FFFD)."""
        raw: bytes = self.llm.detokenize(list(tokens), special=special)
        return raw.decode("utf-8", errors="replace")

    def token_pieces(self) -> TokenPieces:
        """A reader of each token's bytes, for incremental decoding."""
        return TokenPieces(self._vocab)

    # -- evaluation ----------------------------------------------------------------------

    @property
    def n_tokens(self) -> int:
        """How many tokens of the sequence are evaluated (in the KV cache)."""
        return int(self.llm.n_tokens)

    def history(self, n: int | None = None) -> list[int]:
        """The first ``n`` (default: all :attr:`n_tokens`) evaluated tokens."""
        count = self.n_tokens if n is None else min(n, self.n_tokens)
        ids: list[int] = self.llm.input_ids[:count].tolist()
        return ids

    def eval(self, tokens: Sequence[int]) -> None:
        """Evaluate ``tokens`` after the :attr:`n_tokens` already evaluated, in batches of
        :attr:`n_batch`. Raises RuntimeError when llama.cpp fails or is aborted."""
        self.llm.eval(tokens)

    def prefill(self, tokens: Sequence[int]) -> None:
        """Evaluate ``tokens`` after the :attr:`n_tokens` already evaluated, in batches of
        :attr:`n_batch`, computing no logits at all: a prompt's head, whose logits nobody
        reads (:meth:`eval` computes a row for each batch's last token; over Gemma's
        262,144-token vocabulary that row costs 13 of a 20-token batch's 74 ms on 2 CPU
        cores). Raises RuntimeError when llama.cpp fails or is aborted."""
        self._ctx.kv_cache_seq_rm(-1, self.llm.n_tokens, -1)
        for i in range(0, len(tokens), self.n_batch):
            self.decode_batch(tokens[i : i + self.n_batch], self.llm.n_tokens,
                              logits_all=False, outputs=False)

    def decode_batch(
        self, tokens: Sequence[int], n_past: int, logits_all: bool, outputs: bool = True
    ) -> None:
        """One decode of ``tokens`` at positions ``n_past``...; logits for every position
        when ``logits_all`` (verifying a draft), else for the last one only, or for none
        without ``outputs``. Afterwards :attr:`n_tokens` is ``n_past + len(tokens)``."""
        llm = self.llm
        llm._batch.set_batch(batch=tokens, n_past=n_past, logits_all=logits_all)
        if not outputs:
            llm._batch.batch.logits[len(tokens) - 1] = False
        self._ctx.decode(llm._batch)
        llm.input_ids[n_past : n_past + len(tokens)] = tokens
        llm.n_tokens = n_past + len(tokens)

    def logits(self, index: int = -1) -> npt.NDArray[np.float32]:
        """A copy of the logits at batch position ``index`` of the last decode."""
        pointer = self._ctx.get_logits_ith(index)
        return np.ctypeslib.as_array(pointer, shape=(self.n_vocab(),)).copy()

    def set_seed(self, seed: int) -> None:
        """The seed of the samplers made next."""
        self.llm.set_seed(seed)

    def sampler(
        self, *, top_k: int, top_p: float, min_p: float, temp: float, repeat_penalty: float,
        frequency_penalty: float = 0.0, presence_penalty: float = 0.0,
    ) -> Sampler:
        """A native sampler chain (temperature 0: greedy)."""
        chain = self.llm._init_sampler(
            top_k=top_k, top_p=top_p, min_p=min_p, temp=temp, repeat_penalty=repeat_penalty,
            frequency_penalty=frequency_penalty, presence_penalty=presence_penalty,
        )
        return Sampler(chain, self._ctx)

    def set_abort_callback(self, callback: AbortCallback | None) -> None:
        """Install ``callback`` for the decodes that follow (None: never abort)."""
        pointer = callback._pointer if callback is not None else _NO_ABORT
        llama_cpp.llama_set_abort_callback(self._ctx.ctx, pointer, None)

    # -- the KV cache --------------------------------------------------------------------

    def truncate(self, n: int) -> None:
        """Forget every evaluated token from position ``n`` on (0: empty the cache)."""
        self._ctx.kv_cache_seq_rm(_ALL_SEQ, n, -1)
        self.llm.n_tokens = min(self.n_tokens, n)

    def set_cached(self, n: int) -> None:
        """Declare that only the first ``n`` evaluated tokens are kept: the next
        :meth:`eval` overwrites the positions after them."""
        self.llm.n_tokens = n

    def kv_shift(self, keep: int, discard: int) -> bool:
        """Drop ``discard`` tokens after the first ``keep`` and move the rest back, so that
        generation can go on in a full context; False when the cache cannot shift."""
        mem = llama_cpp.llama_get_memory(self._ctx.ctx)
        if mem is None or not llama_cpp.llama_memory_can_shift(mem):
            return False
        n_past = self.n_tokens
        llama_cpp.llama_memory_seq_rm(mem, _SEQ, keep, keep + discard)
        llama_cpp.llama_memory_seq_add(mem, _SEQ, keep + discard, n_past, -discard)
        ids = self.llm.input_ids
        ids[keep : n_past - discard] = ids[keep + discard : n_past].copy()
        self.llm.n_tokens = n_past - discard
        return True

    # -- sequence state ------------------------------------------------------------------

    def state_get(
        self, size: int | None = None
    ) -> tuple[StateBuffer, int, npt.NDArray[np.intc]] | None:
        """The sequence's KV state (buffer, bytes written) and its tokens; None when empty
        or llama.cpp wrote nothing. ``size``: :meth:`state_size`, when already asked."""
        n_tokens = self.n_tokens
        if n_tokens == 0:
            return None
        size = self.state_size() if size is None else size
        if size <= 0:
            return None
        data = (ctypes.c_uint8 * size)()
        written = int(llama_cpp.llama_state_seq_get_data(self._ctx.ctx, data, size, _SEQ))
        if written <= 0:
            return None
        return data, written, np.array(self.llm.input_ids[:n_tokens], dtype=np.intc, copy=True)

    def state_size(self) -> int:
        """Bytes the sequence's KV state takes."""
        return int(llama_cpp.llama_state_seq_get_size(self._ctx.ctx, _SEQ))

    def state_set(self, data: StateBuffer, size: int, tokens: npt.NDArray[np.intc]) -> bool:
        """Put a state from :meth:`state_get` back; False (and an empty cache) when it does
        not fit or llama.cpp refuses it."""
        n_tokens = len(tokens)
        if n_tokens == 0 or n_tokens > min(self.n_ctx(), len(self.llm.input_ids)):
            return False
        read = int(llama_cpp.llama_state_seq_set_data(self._ctx.ctx, data, size, _SEQ))
        if read != size:
            self.truncate(0)
            return False
        self.llm.input_ids[:n_tokens] = tokens
        self.llm.n_tokens = n_tokens
        return True


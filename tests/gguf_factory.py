"""Tiny GGUF models written with the gguf package: good ones, and ones broken on purpose.

A tiny random-weight llama-style model (~100 KB at the defaults) loads in llama.cpp and
generates in about a second; its vocabulary holds the 256 byte tokens so any text tokenizes.
The knobs make files that parse cleanly but that llama.cpp rejects or aborts on (a block
count out of range, an unknown rope scaling type, duplicate vocabulary entries, a quantized
normalisation weight), a split model, and headers that lie about their counts.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import numpy as np


def write_tiny_model(
    path: Path,
    architecture: str = "llama",
    n_layers: int = 2,
    *,
    block_count: int | None = None,
    extra_kv: dict[str, Any] | None = None,
    duplicate_vocab: bool = False,
    quantized_norm: bool = False,
    split_max_tensors: int = 0,
    n_embd: int = 64,
    chat_template: str | None = None,
) -> Path:
    """Write the model to ``path`` (the first part's name when split) and return it."""
    import gguf

    vocab = ["<unk>", "<s>", "</s>"] + [f"<0x{i:02X}>" for i in range(256)] + ["▁a", "▁b"]
    if duplicate_vocab:
        vocab[-1] = vocab[-2]
    n_vocab, n_ff, n_head = len(vocab), 2 * n_embd, 4
    path.parent.mkdir(parents=True, exist_ok=True)
    target = path
    if split_max_tensors:  # the writer appends -0000N-of-0000M itself
        target = path.with_name(path.name.split("-00001-of-")[0] + ".gguf")
    writer = gguf.GGUFWriter(str(target), architecture, split_max_tensors=split_max_tensors)
    writer.add_name("tiny test model")
    writer.add_context_length(256)
    writer.add_embedding_length(n_embd)
    writer.add_block_count(n_layers if block_count is None else block_count)
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
    if chat_template is not None:
        writer.add_chat_template(chat_template)
    for key, value in (extra_kv or {}).items():
        if isinstance(value, str):
            writer.add_string(key, value)
        elif isinstance(value, float):
            writer.add_float32(key, value)
        else:
            writer.add_uint32(key, value)
    rng = np.random.default_rng(0)

    def tensor(name: str, *shape: int) -> None:
        writer.add_tensor(name, (rng.standard_normal(shape) * 0.02).astype(np.float32))

    def norm(name: str) -> None:
        if quantized_norm:
            from gguf.quants import quantize

            raw = quantize(np.ones((1, n_embd), dtype=np.float32), gguf.GGMLQuantizationType.Q8_0)
            writer.add_tensor(name, raw.reshape(-1), raw_dtype=gguf.GGMLQuantizationType.Q8_0)
        else:
            writer.add_tensor(name, np.ones(n_embd, dtype=np.float32))

    tensor("token_embd.weight", n_vocab, n_embd)
    norm("output_norm.weight")
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


def write_lying_header(path: Path, n_tensors: int = 1 << 40, n_kv: int = 0) -> Path:
    """A GGUF header that claims absurd counts, with nothing behind it."""
    path.write_bytes(b"GGUF" + struct.pack("<IQQ", 3, n_tensors, n_kv) + b"\0" * 64)
    return path

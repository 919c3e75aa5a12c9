"""The GGUF header reader: facts from real files, clear errors for bad ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from inference.gguf_info import GGUFError, read_gguf_info
from tests.conftest import write_tiny_llama


def test_smollm_metadata(smollm_path: str) -> None:
    info = read_gguf_info(smollm_path)
    assert info.architecture == "llama"
    assert info.block_count == 30
    assert info.context_length == 8192
    assert info.quantization == "Q4_1"
    assert info.file_size == 98_362_432
    assert info.chat_template and "<|im_start|>" in info.chat_template
    assert 130e6 < info.n_params < 140e6


def test_gemma_has_no_template(gemma_path: str) -> None:
    info = read_gguf_info(gemma_path)
    assert info.architecture == "gemma3"
    assert info.chat_template is None
    assert info.context_length == 32768
    assert info.quantization == "Q4_K_M"


def test_tiny_written_model_reads_back(tmp_path: Path) -> None:
    info = read_gguf_info(write_tiny_llama(tmp_path / "tiny.gguf"))
    assert info.architecture == "llama" and info.block_count == 2


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("truncated", "truncated"),
        ("random", "not_gguf"),
        ("empty", "empty_file"),
        ("directory", "not_a_file"),
        ("missing", "not_found"),
    ],
)
def test_bad_files(bad_models: dict[str, str], kind: str, error: str) -> None:
    with pytest.raises(GGUFError) as caught:
        read_gguf_info(bad_models[kind])
    assert caught.value.error == error
    assert bad_models[kind] in caught.value.message


def test_header_cut_short(tmp_path: Path, smollm_path: str) -> None:
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(Path(smollm_path).read_bytes()[:5000])
    with pytest.raises(GGUFError) as caught:
        read_gguf_info(cut)
    assert caught.value.error == "truncated"


def test_absurd_counts_are_corrupt(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF" + (3).to_bytes(4, "little") + (2**60).to_bytes(8, "little") * 2)
    with pytest.raises(GGUFError) as caught:
        read_gguf_info(bad)
    assert caught.value.error == "corrupt"


def _vocab_file(path: Path, lengths: list[int], data_size: int) -> Path:
    """A header with one long string array (like a vocabulary) and no tensors."""
    import struct

    key = b"tokenizer.ggml.tokens"
    out = b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", len(key)) + key
    out += struct.pack("<IIQ", 9, 8, len(lengths))  # array of strings
    for length in lengths:
        out += struct.pack("<Q", length) + b"t" * min(length, data_size)
    path.write_bytes(out + b"\0" * (-len(out) % 32))  # tensor data starts aligned
    return path


def test_a_long_vocabulary_is_counted_and_checked_not_decoded(
    tmp_path: Path, smollm_path: str
) -> None:
    assert read_gguf_info(smollm_path).metadata["tokenizer.ggml.tokens"] == 49152
    with pytest.raises(GGUFError) as caught:  # read past the vocabulary to the next check
        read_gguf_info(_vocab_file(tmp_path / "ok.gguf", [3] * 5000, 3))
    assert "has no tensors" in str(caught.value)
    lengths = [3] * 5000
    lengths[4000] = 2**40
    with pytest.raises(GGUFError) as caught:
        read_gguf_info(_vocab_file(tmp_path / "absurd.gguf", lengths, 3))
    assert caught.value.error == "corrupt"
    lengths[4000] = 4096  # longer than what follows: the file ends inside the vocabulary
    with pytest.raises(GGUFError) as caught:
        read_gguf_info(_vocab_file(tmp_path / "cut.gguf", lengths[:4001], 3))
    assert caught.value.error == "truncated"

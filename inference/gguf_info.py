"""Read a GGUF file's metadata without loading its weights.

A streaming parser of the header, key-value metadata and tensor table. It checks that the
file is well formed (magic, version, bounded lengths, known tensor types) and that the file
is long enough to hold every tensor, so a truncated download is caught before llama.cpp
sees it. Only the header is read: milliseconds for a multi-gigabyte model.
"""

from __future__ import annotations

import mmap
import os
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from gguf.constants import GGML_QUANT_SIZES, GGMLQuantizationType, LlamaFileType

from inference.events import ErrorKind

GGUF_MAGIC = b"GGUF"
_DEFAULT_ALIGNMENT = 32
# Arrays longer than this are counted, not kept (vocabularies, merges, scores).
_KEEP_ARRAY_MAX = 64
_MAX_STRING = 64 * 1024 * 1024
_MAX_DIMS = 8
# Sanity bounds on counts: past these a header is corrupt, not merely cut short.
_MAX_ITEMS = 1 << 31

# GGUF value types: struct format for the fixed-size ones.
_SCALAR_FORMATS = {
    0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i",
    6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d",
}
_TYPE_STRING = 8
_TYPE_ARRAY = 9


class GGUFError(Exception):
    """The file cannot be a usable GGUF model. ``error`` is an ``inference.events`` ERROR_*."""

    def __init__(self, error: str, message: str) -> None:
        super().__init__(message)
        self.error = error
        self.message = message


@dataclass(frozen=True)
class TensorInfo:
    name: str
    shape: tuple[int, ...]
    ggml_type: int
    offset: int
    n_bytes: int


@dataclass(frozen=True)
class GGUFInfo:
    """What the header of a GGUF file says about the model in it."""

    path: str
    file_size: int
    version: int
    metadata: dict[str, Any]
    tensors: tuple[TensorInfo, ...] = field(repr=False)
    data_offset: int = 0

    @property
    def architecture(self) -> str:
        return str(self.metadata.get("general.architecture", ""))

    @property
    def name(self) -> str:
        name = self.metadata.get("general.name")
        return str(name) if name else Path(self.path).stem

    @property
    def chat_template(self) -> str | None:
        template = self.metadata.get("tokenizer.chat_template")
        return template if isinstance(template, str) and template.strip() else None

    def arch_value(self, key: str, default: Any = None) -> Any:
        """A per-architecture key such as ``context_length`` (``{arch}.{key}``)."""
        return self.metadata.get(f"{self.architecture}.{key}", default)

    @property
    def context_length(self) -> int:
        return int(self.arch_value("context_length", 0) or 0)

    @property
    def block_count(self) -> int:
        return int(self.arch_value("block_count", 0) or 0)

    @property
    def n_params(self) -> int:
        total = 0
        for tensor in self.tensors:
            count = 1
            for dim in tensor.shape:
                count *= dim
            total += count
        return total

    @property
    def quantization(self) -> str:
        file_type = self.metadata.get("general.file_type")
        if isinstance(file_type, int):
            try:
                return str(LlamaFileType(file_type).name).removeprefix("MOSTLY_")
            except ValueError:
                return f"type {file_type}"
        return "unknown"


def _describe(path: Path) -> str:
    return f"'{path}'"


class _Reader:
    def __init__(self, handle: BinaryIO, path: Path, size: int) -> None:
        self._handle = handle
        self._path = path
        self._size = size

    def tell(self) -> int:
        return self._handle.tell()

    def read(self, n: int) -> bytes:
        data = self._handle.read(n)
        if len(data) != n:
            raise GGUFError(
                ErrorKind.TRUNCATED,
                f"{_describe(self._path)} is truncated: its header ends early at byte "
                f"{self._size:,}. Download or copy the file again.",
            )
        return data

    def unpack(self, fmt: str) -> Any:
        return struct.unpack(fmt, self.read(struct.calcsize(fmt)))[0]

    def string(self) -> str:
        length = self.unpack("<Q")
        if length > _MAX_STRING:
            raise GGUFError(
                ErrorKind.CORRUPT,
                f"{_describe(self._path)} is corrupt: a metadata string claims "
                f"{length:,} bytes.",
            )
        return self.read(length).decode("utf-8", errors="replace")

    def skip_strings(self, count: int) -> None:
        """Step over ``count`` strings without decoding them (a vocabulary: 50k-250k items).

        Reads the lengths from a memory map: a read call per item would cost the GUI a
        noticeable pause each time a model's header is read.
        """
        pos = self._handle.tell()
        with mmap.mmap(self._handle.fileno(), 0, access=mmap.ACCESS_READ) as view:
            for _ in range(count):
                if pos + 8 > self._size:
                    break
                (length,) = struct.unpack_from("<Q", view, pos)
                if length > _MAX_STRING:
                    raise GGUFError(
                        ErrorKind.CORRUPT,
                        f"{_describe(self._path)} is corrupt: a metadata string claims "
                        f"{length:,} bytes.",
                    )
                pos += 8 + length
            else:
                if pos <= self._size:
                    self._handle.seek(pos)
                    return
        raise GGUFError(
            ErrorKind.TRUNCATED,
            f"{_describe(self._path)} is truncated: its header ends early at byte "
            f"{self._size:,}. Download or copy the file again.",
        )

    def value(self, value_type: int) -> Any:
        if value_type in _SCALAR_FORMATS:
            return self.unpack(_SCALAR_FORMATS[value_type])
        if value_type == _TYPE_STRING:
            return self.string()
        if value_type == _TYPE_ARRAY:
            item_type = self.unpack("<I")
            count = self.unpack("<Q")
            if count > _MAX_ITEMS:
                raise GGUFError(
                    ErrorKind.CORRUPT,
                    f"{_describe(self._path)} is corrupt: an array claims {count:,} items.",
                )
            if item_type in _SCALAR_FORMATS:
                fmt = _SCALAR_FORMATS[item_type]
                width = struct.calcsize(fmt)
                raw = self.read(width * count)
                if count > _KEEP_ARRAY_MAX:
                    return _LongArray(count)
                return [struct.unpack_from(fmt, raw, i * width)[0] for i in range(count)]
            if item_type == _TYPE_STRING and count > _KEEP_ARRAY_MAX:
                self.skip_strings(count)
                return _LongArray(count)
            items = [self.value(item_type) for _ in range(count)]
            return items if count <= _KEEP_ARRAY_MAX else _LongArray(count)
        raise GGUFError(
            ErrorKind.CORRUPT,
            f"{_describe(self._path)} is corrupt: unknown metadata value type {value_type}.",
        )


class _LongArray(int):
    """Stands for an array too long to keep; its value is the item count."""


def read_gguf_info(path: str | os.PathLike[str]) -> GGUFInfo:
    """Parse and check the GGUF header of ``path``.

    Raises :class:`GGUFError` with a message that names the file and the problem.
    """
    file_path = Path(path)
    if not file_path.exists():
        raise GGUFError(ErrorKind.NOT_FOUND, f"Model file not found: '{file_path}'.")
    if file_path.is_dir():
        raise GGUFError(
            ErrorKind.NOT_A_FILE,
            f"'{file_path}' is a folder, not a GGUF model file. Choose the .gguf file inside it.",
        )
    try:
        size = file_path.stat().st_size
        handle = file_path.open("rb")
    except OSError as exc:
        raise GGUFError(
            ErrorKind.NOT_A_FILE, f"Cannot read '{file_path}': {exc.strerror or exc}."
        ) from exc
    if size == 0:
        handle.close()
        raise GGUFError(
            ErrorKind.EMPTY, f"'{file_path}' is empty (0 bytes): it is not a model. "
            "Download or copy it again."
        )
    with handle:
        return _parse(_Reader(handle, file_path, size), file_path, size)


def _parse(reader: _Reader, path: Path, size: int) -> GGUFInfo:
    magic = reader._handle.read(4)
    if magic != GGUF_MAGIC:
        raise GGUFError(
            ErrorKind.NOT_GGUF,
            f"{_describe(path)} is not a GGUF model file (it does not start with 'GGUF'). "
            "Slice runs GGUF models, as published for llama.cpp.",
        )
    version = reader.unpack("<I")
    if version not in (2, 3):
        raise GGUFError(
            ErrorKind.CORRUPT,
            f"{_describe(path)} uses GGUF version {version}, which this version of Slice "
            "does not read (it reads versions 2 and 3).",
        )
    n_tensors = reader.unpack("<Q")
    n_kv = reader.unpack("<Q")
    if n_tensors > _MAX_ITEMS or n_kv > _MAX_ITEMS:
        raise GGUFError(
            ErrorKind.CORRUPT,
            f"{_describe(path)} is corrupt: its header claims {n_tensors:,} tensors and "
            f"{n_kv:,} metadata entries.",
        )
    metadata: dict[str, Any] = {}
    for _ in range(n_kv):
        key = reader.string()
        metadata[key] = reader.value(reader.unpack("<I"))

    tensors = [_read_tensor(reader, path) for _ in range(n_tensors)]
    alignment = metadata.get("general.alignment", _DEFAULT_ALIGNMENT)
    if not isinstance(alignment, int) or alignment <= 0 or alignment & (alignment - 1):
        raise GGUFError(
            ErrorKind.CORRUPT, f"{_describe(path)} is corrupt: bad alignment {alignment!r}."
        )
    data_offset = -(-reader.tell() // alignment) * alignment
    data_end = max((t.offset + t.n_bytes for t in tensors), default=0) + data_offset
    if data_end > size:
        raise GGUFError(
            ErrorKind.TRUNCATED,
            f"{_describe(path)} is truncated: it holds {size:,} bytes but its tensors need "
            f"{data_end:,}. Download or copy the file again.",
        )
    if not tensors:
        raise GGUFError(
            ErrorKind.CORRUPT, f"{_describe(path)} has no tensors: it holds no model weights."
        )
    return GGUFInfo(
        path=str(path),
        file_size=size,
        version=version,
        metadata=metadata,
        tensors=tuple(tensors),
        data_offset=data_offset,
    )


def _read_tensor(reader: _Reader, path: Path) -> TensorInfo:
    name = reader.string()
    n_dims = reader.unpack("<I")
    if n_dims == 0 or n_dims > _MAX_DIMS:
        raise GGUFError(
            ErrorKind.CORRUPT, f"{_describe(path)} is corrupt: tensor '{name}' has {n_dims} dims."
        )
    shape = tuple(reader.unpack("<Q") for _ in range(n_dims))
    ggml_type = reader.unpack("<I")
    offset = reader.unpack("<Q")
    try:
        block, type_size = GGML_QUANT_SIZES[GGMLQuantizationType(ggml_type)]
    except (ValueError, KeyError):
        raise GGUFError(
            ErrorKind.CORRUPT,
            f"{_describe(path)} is corrupt or too new: tensor '{name}' has unknown type "
            f"{ggml_type}.",
        ) from None
    count = 1
    for dim in shape:
        count *= dim
    if shape[0] % block:
        raise GGUFError(
            ErrorKind.CORRUPT,
            f"{_describe(path)} is corrupt: tensor '{name}' rows are not whole blocks.",
        )
    return TensorInfo(name, shape, ggml_type, offset, count // block * type_size)

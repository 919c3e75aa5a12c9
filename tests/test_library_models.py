"""The model library and the pre-load check, on real model files and broken ones (no Qt)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from app.models.files import ModelImportError, sha256_of
from app.models.library import ModelLibrary, Origin
from app.models.memory_fit import FIT_NO, FIT_OK, FIT_TIGHT, MIB, estimate_memory, judge_fit
from app.models.preload_check import check_header, check_model, supported_architectures, trial_load
from app.models.starter import STARTER_SHA256
from inference.gguf_info import read_gguf_info
from tests.conftest import new_library, slice_chat
from tests.gguf_factory import write_lying_header, write_tiny_model

# -- the library ---------------------------------------------------------------------------


def test_entries_describe_the_model(smollm_path: str, gemma_path: str) -> None:
    library = new_library()
    starter = library.ensure_starter()
    assert starter is not None
    assert (starter.architecture, starter.quantization) == ("llama", "Q4_1")
    assert starter.has_template and starter.context_length == 8192
    assert 130e6 < starter.n_params < 140e6
    assert starter.license == "apache-2.0" and starter.sha256 == STARTER_SHA256
    gemma = library.import_file(gemma_path)
    assert (gemma.origin, gemma.architecture, gemma.has_template) == (
        Origin.IMPORTED, "gemma3", False)
    assert gemma.context_length == 32768 and gemma.size == os.path.getsize(gemma_path)
    assert gemma.origin_label == "imported"
    # What another process reads back is the same.
    assert new_library().models() == [starter, gemma]


def test_old_library_files_still_load(tmp_path: Path) -> None:
    library_file = tmp_path / "library.json"
    model = write_tiny_model(tmp_path / "m.gguf")
    library_file.write_text(json.dumps({"version": 1, "models": [
        {"name": "Old", "path": str(model), "origin": "imported", "architecture": "llama",
         "quantization": "F32", "size": 1, "sha256": "", "field_from_the_future": 1},
    ]}))
    entries = ModelLibrary(library_file, tmp_path / "models").models()
    assert [(e.name, e.path) for e in entries] == [("Old", str(model))]


def test_split_model_is_one_entry(tmp_path: Path) -> None:
    first = write_tiny_model(tmp_path / "tiny-00001-of-00003.gguf", split_max_tensors=8)
    second = tmp_path / "tiny-00002-of-00003.gguf"
    library = new_library()
    entry = library.import_file(str(second))  # any part adds the whole model
    assert entry.path == str(first) and entry.parts == 3
    assert entry.size == sum(p.stat().st_size for p in tmp_path.glob("tiny-*.gguf"))
    parts = sorted(tmp_path.glob("tiny-*.gguf"))
    assert entry.n_params == sum(read_gguf_info(p).n_params for p in parts)
    assert entry.n_params > read_gguf_info(first).n_params
    assert library.import_file(str(first)) == entry
    assert [m.path for m in library.models()] == [str(first)]
    # The check and a trial load treat the parts as one model.
    report = check_model(str(first), n_ctx=256)
    assert report.ok, report.reason
    assert report.parts == 3 and report.trial is not None and report.trial.ok
    # A missing part is named.
    (tmp_path / "tiny-00003-of-00003.gguf").unlink()
    with pytest.raises(ModelImportError, match=r"3 files.*tiny-00003-of-00003\.gguf"):
        new_library().import_file(str(tmp_path / "tiny-00002-of-00003.gguf"))


def test_delete_removes_only_files_the_app_made(tmp_path: Path, smollm_path: str) -> None:
    library = new_library()
    imported = library.import_file(str(write_tiny_model(tmp_path / "mine.gguf")))
    downloaded_file = library.models_dir / "owner" / "repo" / "tiny.gguf"
    write_tiny_model(downloaded_file)
    downloaded = library.add_downloaded(
        downloaded_file, "owner/repo", "c" * 40, "tiny.gguf", sha256_of(downloaded_file))
    assert downloaded.origin == Origin.DOWNLOADED
    assert downloaded.origin_label == f"downloaded from owner/repo@{'c' * 10}"
    starter = library.ensure_starter()
    assert starter is not None

    library.delete(imported.path)
    assert Path(imported.path).is_file()  # the user's file stays
    library.delete(downloaded.path)
    assert not downloaded_file.exists()
    library.delete(starter.path)
    assert not Path(starter.path).exists()
    # The deleted starter does not come back on the next start.
    assert new_library().ensure_starter() is None
    assert new_library().models() == []


def test_watched_folder(tmp_path: Path) -> None:
    folder = tmp_path / "watched"
    folder.mkdir()
    good = write_tiny_model(folder / "good.gguf")
    (folder / "broken.gguf").write_bytes(b"GGUF" + b"\0" * 10)
    (folder / "notes.txt").write_text("not a model")
    library = new_library()
    added, problems = library.add_folder(str(folder))
    assert [e.path for e in added] == [str(good)]
    assert added[0].folder == str(folder)
    assert len(problems) == 1 and "broken.gguf" in problems[0]
    later = write_tiny_model(folder / "later.gguf")
    added, _ = new_library().scan_folders()
    assert [e.path for e in added] == [str(later)]
    # A model removed from the library stays out, though its file is still in the folder.
    library.delete(str(good))
    assert Path(good).exists()
    new_library().scan_folders()
    assert str(good) not in [m.path for m in new_library().models()]
    with pytest.raises(ModelImportError, match="not a folder"):
        library.add_folder(str(tmp_path / "nope"))


def test_two_writers_do_not_lose_entries(tmp_path: Path) -> None:
    first, second = new_library(), new_library()
    a = first.import_file(str(write_tiny_model(tmp_path / "a.gguf")))
    b = second.import_file(str(write_tiny_model(tmp_path / "b.gguf")))
    assert {m.path for m in new_library().models()} == {a.path, b.path}


# -- the pre-load check: header --------------------------------------------------------------


def test_architectures_come_from_the_installed_llama_cpp() -> None:
    names = supported_architectures()
    assert names is not None and len(names) > 50
    assert {"llama", "gemma3", "qwen2", "phi3"} <= names
    assert "notarealarch" not in names and not any("unknown" in n for n in names)


def test_real_models_pass_with_numbers(smollm_path: str, gemma_path: str) -> None:
    smol = check_header(smollm_path, n_ctx=4096)
    assert smol.ok and smol.errors == [] and smol.architecture_supported
    assert smol.memory is not None and smol.fit is not None
    # llama.cpp logs "KV buffer size = 90.00 MiB" for SmolLM2 at 4096 tokens (f16).
    assert smol.memory.kv_cache == 90 * MIB
    assert smol.memory.weights == os.path.getsize(smollm_path)
    assert smol.fit.verdict in (FIT_OK, FIT_TIGHT)
    gemma = check_header(gemma_path, n_ctx=4096)
    assert gemma.ok and any("no chat template" in w for w in gemma.warnings)
    assert gemma.memory is not None and gemma.memory.kv_cache == 72 * MIB  # 12 + 60 MiB
    # A q8_0 cache is about half of f16.
    q8 = check_header(smollm_path, n_ctx=4096, cache_type="q8_0")
    assert q8.memory is not None and q8.memory.kv_cache == int(90 * MIB * 34 / 64)


def test_fit_verdicts_from_free_memory(smollm_path: str) -> None:
    info = read_gguf_info(smollm_path)
    need = estimate_memory(info, 4096).total
    assert judge_fit(need, ram=need * 4).verdict == FIT_OK
    assert judge_fit(need, ram=int(need * 1.1)).verdict == FIT_TIGHT
    small = judge_fit(need, ram=need // 2)
    assert small.verdict == FIT_NO and "won't fit" in small.describe()
    # A model that won't fit is not loaded on trial, and the check says why.
    report = check_header(smollm_path, n_ctx=4096, ram=need // 2)
    assert not report.ok and "Not enough memory" in report.reason


@pytest.fixture
def broken(tmp_path: Path, smollm_path: str) -> dict[str, Path]:
    """Malformed GGUF files, keyed by what is wrong with them."""
    truncated = tmp_path / "truncated.gguf"
    with open(smollm_path, "rb") as src:
        truncated.write_bytes(src.read(5_000_000))
    bad_magic = tmp_path / "bad-magic.gguf"
    bad_magic.write_bytes(b"GGML" + Path(smollm_path).read_bytes()[4:4096])
    return {
        "truncated": truncated,
        "bad magic": bad_magic,
        "huge tensor count": write_lying_header(tmp_path / "lying.gguf"),
        "unknown architecture": write_tiny_model(tmp_path / "arch.gguf", "notarealarch"),
        "zero blocks": write_tiny_model(tmp_path / "zero.gguf", block_count=0),
        "huge block count": write_tiny_model(tmp_path / "huge.gguf", block_count=100_000),
        "unknown rope scaling": write_tiny_model(
            tmp_path / "rope.gguf", extra_kv={"llama.rope.scaling.type": "sideways"}),
        "quantized norm": write_tiny_model(tmp_path / "qnorm.gguf", quantized_norm=True),
    }


EXPECTED = {
    "truncated": "truncated",
    "bad magic": "not a GGUF model file",
    "huge tensor count": "corrupt",
    "unknown architecture": "'notarealarch' model, an architecture this version of llama.cpp",
    "zero blocks": "claims 0 layers",
    "huge block count": "claims 100,000 layers",
    "unknown rope scaling": "rope scaling type 'sideways'",
    "quantized norm": "stored quantized",
}


def test_malformed_files_are_caught_from_the_header(broken: dict[str, Path]) -> None:
    for kind, path in broken.items():
        report = check_model(str(path))  # a trial load would be wasted on these
        assert not report.ok, kind
        assert EXPECTED[kind] in report.reason, (kind, report.reason)
        assert report.trial is None, kind


# -- the pre-load check: trial load ----------------------------------------------------------


def test_trial_load_decodes_one_token(tmp_path: Path) -> None:
    report = check_model(str(write_tiny_model(tmp_path / "ok.gguf")), n_ctx=256)
    assert report.ok and report.trial is not None and report.trial.ok
    assert "decoded one token" in report.trial.message or "ended its turn" in report.trial.message


@pytest.mark.parametrize(
    ("options", "assertion", "plain"),
    [
        ({"block_count": 0}, "n_layer", "block count is zero or larger"),
        ({"extra_kv": {"llama.rope.scaling.type": "sideways"}}, "rope_scaling_type",
         "rope scaling type"),
        ({"duplicate_vocab": True}, "token_to_id", "duplicate entries"),
        ({"quantized_norm": True}, "unsupported types", "quantized normalisation weight"),
    ],
    ids=["zero-blocks", "rope-scaling", "duplicate-vocab", "quantized-norm"],
)
def test_trial_load_reports_what_killed_llama_cpp(
    tmp_path: Path, options: dict[str, object], assertion: str, plain: str
) -> None:
    # Run the trial even where the header check already knows (it is what catches the
    # cases metadata cannot, such as a duplicate vocabulary).
    path = write_tiny_model(tmp_path / "bad.gguf", **options)  # type: ignore[arg-type]
    result = trial_load(str(path), n_ctx=256)
    assert not result.ok
    assert "aborted" in result.message and assertion in result.message, result.message
    assert plain in result.message


def test_duplicate_vocabulary_is_caught_by_the_trial(tmp_path: Path) -> None:
    path = write_tiny_model(tmp_path / "dupe.gguf", duplicate_vocab=True)
    report = check_model(str(path), n_ctx=256)
    assert report.errors == []  # the header looks fine...
    assert not report.ok and report.trial is not None  # ...the trial load is not
    assert "duplicate entries" in report.reason


# -- the CLI ---------------------------------------------------------------------------------


def test_cli_check(smollm_path: str, broken: dict[str, Path]) -> None:
    good = slice_chat("models", "check", smollm_path, "--ctx", "1024", "--json")
    assert good.returncode == 0, good.stderr
    data = json.loads(good.stdout)
    assert data["ok"] and data["trial"]["ok"] and data["architecture"] == "llama"
    assert data["memory"]["total"] > data["file_size"] and data["fit"]["verdict"]
    bad = slice_chat("models", "check", str(broken["zero blocks"]))
    assert bad.returncode == 1
    assert "do not load" in bad.stderr and "claims 0 layers" in bad.stderr
    assert "Verdict: do not load" in bad.stdout


def test_cli_import_and_list(tmp_path: Path, gemma_path: str) -> None:
    tiny = write_tiny_model(tmp_path / "tiny.gguf")
    result = slice_chat("models", "import", str(tiny), str(tmp_path / "missing.gguf"))
    assert result.returncode == 1 and "not found" in result.stderr
    assert "imported tiny test model" in result.stdout
    folder = tmp_path / "folder"
    folder.mkdir()
    shutil.copy(tiny, folder / "copy.gguf")
    assert slice_chat("models", "import", "--watch", str(folder)).returncode == 0
    listing = slice_chat("models", "list", "--json")
    assert listing.returncode == 0, listing.stderr
    entries = json.loads(listing.stdout)
    assert {e["path"] for e in entries} == {str(tiny), str(folder / "copy.gguf")}
    imported = next(e for e in entries if e["path"] == str(tiny))
    assert imported["sha256"] == sha256_of(tiny)  # computed on import from the CLI
    # Each with the id that compare, bench and the API take.
    assert {e["id"] for e in entries} == {"tiny", "copy"}
    text = slice_chat("models", "list")
    assert "fallback template" in text.stdout and "imported" in text.stdout
    assert "[id tiny]" in text.stdout and "[id copy]" in text.stdout

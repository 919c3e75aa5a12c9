"""GPU layers "Auto": the fit from the memory estimate, on the real SmolLM2 and Gemma 3 files.

The expected figures are computed here from the raw tensor list and the attention shape in
the metadata, not by calling the functions under test. No GPU exists on the test machine: the
fit takes a free-VRAM figure as a parameter, and "Auto" on this CPU-only build must resolve
to 0 without starting the VRAM probe (watched with an audit hook on subprocess creation).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.cli.chat import add_load_arguments, load_settings_from
from app.models.check_report import report_lines
from app.models.files import read_model_files
from app.models.gpu_fit import (
    GPU_AUTO,
    GPU_RUNTIME_OVERHEAD,
    fit_layers,
    model_gpu_plan,
    resolve_load,
    resolve_request,
)
from app.models.memory_fit import (
    FIT_SHARE,
    GIB,
    MIB,
    estimate_memory,
    gpu_backends,
    kv_cache_per_layer,
)
from app.models.preload_check import check_header, supported_architectures
from inference.events import ChatRequest, LoadSettings
from inference.gguf_info import GGUFInfo, read_gguf_info
from tests.gguf_factory import write_tiny_model

N_CTX = 4096


def block_bytes(info: GGUFInfo) -> list[int]:
    """Each layer's blk.N.* tensor bytes, summed here independently of app.gpu_fit."""
    sizes = [0] * info.block_count
    for tensor in info.tensors:
        match = re.match(r"blk\.(\d+)\.", tensor.name)
        if match:
            sizes[int(match.group(1))] += tensor.n_bytes
    return sizes


def tensor_bytes(info: GGUFInfo, name: str) -> int:
    return next(t.n_bytes for t in info.tensors if t.name == name)


def budget_for(need: int) -> int:
    """The free VRAM whose FIT_SHARE is exactly ``need`` bytes."""
    return int(need / FIT_SHARE) + 1


def fixed_need(info: GGUFInfo, n_ctx: int = N_CTX) -> int:
    return estimate_memory(info, n_ctx).compute + GPU_RUNTIME_OVERHEAD


def test_smollm_layers_and_output(smollm_path: str) -> None:
    info = read_gguf_info(smollm_path)
    n_layer = info.block_count
    assert n_layer == 30
    # SmolLM2: 3 KV heads of 64 dims (576 / 9 heads), f16: 2 bytes per element, K and V.
    kv = N_CTX * 3 * (64 + 64) * 2
    assert kv_cache_per_layer(info, N_CTX) == [kv] * n_layer
    plan = model_gpu_plan(read_model_files(smollm_path), LoadSettings(n_ctx=N_CTX))
    assert list(plan.layers) == [b + kv for b in block_bytes(info)]
    # Tied embeddings: no output.weight, llama.cpp loads a copy of token_embd as the output.
    assert not any(t.name == "output.weight" for t in info.tensors)
    assert plan.output == (tensor_bytes(info, "token_embd.weight")
                           + tensor_bytes(info, "output_norm.weight"))


def test_huge_vram_offloads_every_layer_and_the_output(smollm_path: str) -> None:
    load = LoadSettings(n_ctx=N_CTX)
    resolved = resolve_load(smollm_path, load, vram_free=100 * GIB)
    assert resolved.n_gpu_layers == 31  # 30 layers + the output layer
    assert resolved == LoadSettings(n_ctx=N_CTX, n_gpu_layers=31)  # nothing else changed


@pytest.mark.parametrize("vram", [0, None, 100 * MIB])
def test_no_or_too_little_vram_offloads_nothing(smollm_path: str, vram: int | None) -> None:
    assert resolve_load(smollm_path, LoadSettings(), vram_free=vram).n_gpu_layers == 0


def test_half_the_layers_fit_and_one_more_would_not(smollm_path: str) -> None:
    info = read_gguf_info(smollm_path)
    kv = kv_cache_per_layer(info, N_CTX)
    layer = [b + k for b, k in zip(block_bytes(info), kv, strict=True)]
    # Room for the last 15 layers and half of another one.
    vram = budget_for(fixed_need(info) + sum(layer[15:]) + layer[14] // 2)
    count = resolve_load(smollm_path, LoadSettings(n_ctx=N_CTX), vram_free=vram).n_gpu_layers
    assert count == 15
    budget = vram * FIT_SHARE
    assert fixed_need(info) + sum(layer[30 - count:]) <= budget
    assert fixed_need(info) + sum(layer[30 - count - 1:]) > budget
    plan = model_gpu_plan(read_model_files(smollm_path), LoadSettings(n_ctx=N_CTX))
    assert plan.need(count) <= budget < plan.need(count + 1)


def test_all_layers_but_not_the_output(smollm_path: str) -> None:
    info = read_gguf_info(smollm_path)
    plan = model_gpu_plan(read_model_files(smollm_path), LoadSettings(n_ctx=N_CTX))
    all_layers = fixed_need(info) + sum(plan.layers)
    assert fit_layers(plan, budget_for(all_layers)).layers == 30
    assert fit_layers(plan, budget_for(all_layers + plan.output)).layers == 31
    assert fit_layers(plan, budget_for(all_layers + plan.output)).need == all_layers + plan.output


def test_kv_share_scales_with_context_and_cache_type(smollm_path: str) -> None:
    info = read_gguf_info(smollm_path)
    f16 = kv_cache_per_layer(info, 4096)
    assert kv_cache_per_layer(info, 8192) == [2 * b for b in f16]
    # q8_0: 34 bytes per 32 elements; q4_0: 18 bytes per 32 (f16: 64 bytes per 32).
    assert kv_cache_per_layer(info, 4096, "q8_0") == [b * 34 // 64 for b in f16]
    assert kv_cache_per_layer(info, 4096, "q4_0") == [b * 18 // 64 for b in f16]
    model = read_model_files(smollm_path)
    small = model_gpu_plan(model, LoadSettings(n_ctx=4096))
    big = model_gpu_plan(model, LoadSettings(n_ctx=8192))
    quant = model_gpu_plan(model, LoadSettings(n_ctx=8192, kv_cache_type="q4_0"))
    assert [b - s for b, s in zip(big.layers, small.layers, strict=True)] == f16
    # One VRAM figure: a bigger context fits fewer layers, a quantized cache more again.
    vram = budget_for(fixed_need(info, 8192) + sum(big.layers[15:]))
    assert fit_layers(big, vram).layers == 15
    assert fit_layers(small, vram).layers > 15
    assert fit_layers(quant, vram).layers > 15


def test_gemma3_per_layer_values(gemma_path: str) -> None:
    info = read_gguf_info(gemma_path)
    n_layer = info.block_count
    assert n_layer == 18
    # Gemma 3 270M: 1 KV head, key and value length 256 (not 640 / 4 heads).
    kv = N_CTX * 1 * (256 + 256) * 2
    assert kv_cache_per_layer(info, N_CTX) == [kv] * n_layer
    blocks = block_bytes(info)
    assert len(set(blocks)) > 1  # Q4_K_M keeps some layers in a bigger type
    plan = model_gpu_plan(read_model_files(gemma_path), LoadSettings(n_ctx=N_CTX))
    assert list(plan.layers) == [b + kv for b in blocks]
    assert plan.output == (tensor_bytes(info, "token_embd.weight")
                           + tensor_bytes(info, "output_norm.weight"))
    # llama.cpp offloads the last layers: the fit sums those, whatever their sizes.
    layer = [b + kv for b in blocks]
    for count in (1, 5, 17):
        vram = budget_for(fixed_need(info) + sum(layer[n_layer - count:]))
        assert fit_layers(plan, vram).layers == count
    # Budgets sized for the FIRST k layers: the last k are not the same size here.
    differs = 0
    for k in range(1, n_layer):
        budget = fixed_need(info) + sum(layer[:k])
        expected = max(j for j in range(n_layer + 1)
                       if fixed_need(info) + sum(layer[n_layer - j:]) <= budget)
        assert fit_layers(plan, budget_for(budget)).layers == expected
        differs += expected != k
    assert differs


def test_split_model_counts_every_part(tmp_path: Path) -> None:
    first = write_tiny_model(tmp_path / "tiny-00001-of-00003.gguf", split_max_tensors=8)
    model = read_model_files(first)
    assert len(model.files) > 1
    infos = [read_gguf_info(f) for f in model.files]
    blocks = sum(t.n_bytes for i in infos for t in i.tensors if t.name.startswith("blk."))
    plan = model_gpu_plan(model, LoadSettings(n_ctx=256))
    assert sum(plan.layers) - sum(kv_cache_per_layer(model.info, 256)) == blocks
    assert plan.output == sum(t.n_bytes for i in infos for t in i.tensors
                              if t.name.startswith("output"))


@pytest.fixture
def spawned() -> Iterator[list[Any]]:
    """Every subprocess started while the test runs (an audit hook cannot be removed, so it
    records only while the list is active)."""
    seen: list[Any] = []
    active = [True]

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if active[0] and event == "subprocess.Popen":
            seen.append(args)

    sys.addaudithook(hook)
    yield seen
    active[0] = False


def test_auto_on_a_cpu_build_is_zero_without_a_probe(
    smollm_path: str, spawned: list[Any]
) -> None:
    if gpu_backends():
        pytest.skip("this llama.cpp has a GPU backend")
    supported_architectures()  # the header check's list: the engine probe answers it once
    spawned.clear()
    assert LoadSettings().n_gpu_layers == GPU_AUTO
    assert resolve_load(smollm_path, LoadSettings()).n_gpu_layers == 0
    report = check_header(smollm_path, load=LoadSettings())
    assert report.gpu_layers == 0 and report.gpu is None
    assert not any(line.startswith("GPU:") for line in report_lines(report))
    request = ChatRequest(model_path=smollm_path, messages=(), load=LoadSettings())
    assert resolve_request(request).load.n_gpu_layers == 0  # what the engine thread sends
    manual = ChatRequest(model_path=smollm_path, messages=(), load=LoadSettings(n_gpu_layers=3))
    assert resolve_request(manual) is manual
    assert spawned == []


def test_a_count_set_by_hand_is_kept(smollm_path: str) -> None:
    for count in (0, 7, 99):
        load = LoadSettings(n_gpu_layers=count)
        assert resolve_load(smollm_path, load, vram_free=100 * MIB) is load


def test_preload_report_shows_the_fit(smollm_path: str) -> None:
    info = read_gguf_info(smollm_path)
    plan = model_gpu_plan(read_model_files(smollm_path), LoadSettings(n_ctx=N_CTX))
    vram = budget_for(fixed_need(info) + sum(plan.layers[12:]))
    report = check_header(smollm_path, n_ctx=N_CTX, load=LoadSettings(), vram_free=vram)
    assert report.gpu_layers == 18
    assert report.gpu is not None and report.gpu.layers == 18
    free = f"{vram / MIB:.1f} MB"
    assert f"GPU: 18 of 30 layers fit in {free} free VRAM" in report_lines(report)
    assert report.to_dict()["gpu"]["text"] == f"18 of 30 layers fit in {free} free VRAM"
    by_hand = check_header(smollm_path, n_ctx=N_CTX, load=LoadSettings(n_gpu_layers=5),
                           vram_free=vram)
    assert by_hand.gpu_layers == 5
    assert f"GPU: 5 of 30 layers (set by hand; 18 of 30 layers fit in {free} free VRAM)" in (
        report_lines(by_hand))
    cpu = check_header(smollm_path, n_ctx=N_CTX, load=LoadSettings(n_gpu_layers=0),
                       vram_free=vram)
    assert cpu.gpu is None and cpu.gpu_layers == 0


def test_cli_gpu_layers(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="slice-chat")
    add_load_arguments(parser)
    for text, value in (("auto", GPU_AUTO), ("AUTO", GPU_AUTO), ("-1", GPU_AUTO), ("0", 0),
                        ("12", 12)):
        args = parser.parse_args(["--gpu-layers", text])
        assert load_settings_from(args, 2048).n_gpu_layers == value
    assert parser.parse_args([]).gpu_layers == GPU_AUTO
    for bad in ("many", "-2"):
        with pytest.raises(SystemExit):
            parser.parse_args(["--gpu-layers", bad])
        assert "give auto" in capsys.readouterr().err
    assert "auto" in parser.format_help()


def test_model_settings_dialog_offers_auto(qtbot: Any) -> None:
    from app.settings import Settings
    from ui.load_settings_dialog import LoadSettingsDialog

    dialog = LoadSettingsDialog(Settings())
    qtbot.addWidget(dialog)
    box = dialog.gpu_layers
    assert box.value() == GPU_AUTO and box.text() == "Auto (as many as fit)"
    assert "free VRAM" in box.toolTip()
    assert ("no GPU backend" in box.toolTip()) == (not gpu_backends())
    box.setValue(0)
    assert dialog.settings().load.n_gpu_layers == 0
    box.setValue(GPU_AUTO)
    assert dialog.settings().load.n_gpu_layers == GPU_AUTO

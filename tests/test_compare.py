"""Compare without the window: targets and their checks, the starting points, the saved
comparisons and their export, the model process's peak memory, and ``slice-chat compare``
on the real SmolLM2 and Gemma 3 models (one thread, short replies)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from app.compare.export import export_json, export_markdown
from app.compare.memory import NOTE_HWM, PeakTracker
from app.compare.resolve import ModelRef, resolve_model
from app.compare.results import ResultState, TargetResult
from app.compare.saved import ComparisonStore
from app.compare.starting_points import StartingPoint, starting_targets
from app.compare.targets import (
    ComparisonError,
    ComparisonSpec,
    Target,
    apply_settings,
    target_labels,
)
from app.models.families import base_name, model_families
from app.models.library import ModelEntry, Origin
from app.store import ChatStore
from inference.events import Stats
from inference.options import LoadSettings
from tests.conftest import new_library, slice_chat, write_tiny_llama

PROMPT = "Name one colour of the sky."
# One thread each, a small context and short replies: the suite runs on two shared cores.
FAST = ("--threads", "1", "--threads-batch", "1", "--ctx", "512", "--max-tokens", "8",
        "--seed", "7")


def spec_of(count: int) -> ComparisonSpec:
    return ComparisonSpec(prompt=PROMPT, targets=tuple(
        Target(model=f"/models/m{n}.gguf", name=f"M{n}") for n in range(count)))


# -- what a comparison may ask --------------------------------------------------------------


@pytest.mark.parametrize(("count", "words"), [(1, "add 1 more"), (5, "remove 1"),
                                              (0, "add 2 more")])
def test_a_comparison_needs_two_to_four_targets(count: int, words: str) -> None:
    with pytest.raises(ComparisonError, match=words):
        spec_of(count).checked()
    assert spec_of(4).checked().targets[3].name == "M3"


def test_an_empty_prompt_and_a_seed_out_of_range_are_refused() -> None:
    with pytest.raises(ComparisonError, match="prompt is empty"):
        ComparisonSpec(prompt="  ", targets=spec_of(2).targets).checked()
    with pytest.raises(ComparisonError, match="Seed"):
        ComparisonSpec(prompt="x", targets=spec_of(2).targets, seed=2**40).checked()


def test_target_settings_are_checked_and_named() -> None:
    base = Target(model="/m.gguf", name="M")
    target = apply_settings(base, ["kv=q8_0", "ctx=2048", "speculative=on", "temp=0.3"])
    assert target.load.kv_cache_type == "q8_0" and target.load.n_ctx == 2048
    assert target.speculative and target.sampling == {"temperature": 0.3}
    with pytest.raises(ComparisonError, match="'colour=red' is not a target setting"):
        apply_settings(base, ["colour=red"])
    with pytest.raises(ComparisonError, match="ctx=100: 100 is out of range"):
        apply_settings(base, ["ctx=100"])
    with pytest.raises(ComparisonError, match="kv=q9: give one of f16, q8_0, q4_0"):
        apply_settings(base, ["kv=q9"])
    with pytest.raises(ComparisonError, match="flash attention"):
        apply_settings(base, ["kv=q8_0", "flash_attn=off"])


def test_labels_tell_targets_of_one_model_apart_by_what_differs() -> None:
    base = Target(model="/m.gguf", name="SmolLM2 (Q4_1)")
    q8 = apply_settings(base, ["kv=q8_0"])
    assert target_labels((base, q8)) == ["SmolLM2 (Q4_1) · KV cache f16",
                                         "SmolLM2 (Q4_1) · KV cache q8_0"]
    spec = ComparisonSpec(prompt="p", targets=(base, q8), seed=3)
    assert ComparisonSpec.from_dict(spec.to_dict()) == spec


def test_unknown_models_are_named_with_what_is_known(smollm_path: str, tmp_path: Path) -> None:
    library = new_library()
    library.ensure_starter()
    with pytest.raises(ComparisonError, match=r"unknown model 'nope'.*smollm2-135m-instruct"):
        resolve_model("nope", library)
    with pytest.raises(ComparisonError, match="remote://PROVIDER/MODEL-ID"):
        resolve_model("remote://only-a-provider", library)
    ref = resolve_model("smollm2-135m-instruct.q4_1", library)
    assert ref.quantization == "Q4_1" and Path(ref.path).is_file()
    assert resolve_model(smollm_path, library).name.startswith("SmolLM2")
    # Its listed name in any case, or the start of its id when only one model fits.
    assert resolve_model(ref.name.upper(), library).path == ref.path
    assert resolve_model("smoll", library).path == ref.path
    # A second file of the same name: the start of the id no longer says which one.
    other = tmp_path / "copy" / Path(ref.path).name
    other.parent.mkdir()
    shutil.copyfile(ref.path, other)
    library.import_file(str(other))
    with pytest.raises(ComparisonError, match=r"'smoll' fits 2 library models.*-[0-9a-f]{8}"):
        resolve_model("smoll", library)
    assert resolve_model(str(other), library).path == str(other)


# -- starting points ------------------------------------------------------------------------


def entry(path: str, name: str, size: int, arch: str = "llama", params: int = 135) -> ModelEntry:
    return ModelEntry(name=name, path=path, origin=Origin.IMPORTED, architecture=arch,
                      n_params=params, size=size)


def test_library_files_are_grouped_by_model_not_by_quantization() -> None:
    entries = [
        entry("/m/SmolLM2-135M-Instruct.Q8_0.gguf", "SmolLM2 135M Instruct (Q8_0)", 140),
        entry("/m/SmolLM2-135M-Instruct-Q4_K_M.gguf", "SmolLM2 135M Instruct (Q4_K_M)", 100),
        entry("/m/SmolLM2-135M.Q4_1.gguf", "SmolLM2 135M", 98),
        entry("/m/gemma-3-270m-q4_k_m.gguf", "Gemma 3 270m", 250, "gemma3", 270),
    ]
    assert base_name(entries[0]) == base_name(entries[1]) == "smollm2 135m instruct"
    families = model_families(entries)
    assert [len(f.entries) for f in families] == [2, 1, 1]
    assert families[0].entries[0].name.endswith("(Q4_K_M)")  # smallest first
    assert families[0].name == "SmolLM2 135M Instruct"


def test_starting_points_build_their_targets(tmp_path: Path) -> None:
    library = new_library()
    first = library.import_file(str(write_tiny_llama(tmp_path / "Tiny-Chat.Q4_0.gguf")))
    ref = ModelRef(first.path, first.name)
    load = LoadSettings(n_threads=1)
    with pytest.raises(ComparisonError, match="one quantization of"):
        starting_targets(StartingPoint.QUANTIZATIONS, ref, library, load)
    library.import_file(str(write_tiny_llama(tmp_path / "Tiny-Chat.Q8_0.gguf")))
    quants = starting_targets(StartingPoint.QUANTIZATIONS, ref, library, load)
    assert [Path(t.model).name for t in quants] == ["Tiny-Chat.Q4_0.gguf", "Tiny-Chat.Q8_0.gguf"]
    kv = starting_targets(StartingPoint.KV_CACHE, ref, library, load)
    assert [t.load.kv_cache_type for t in kv] == ["f16", "q8_0"]
    assert all(t.load.n_threads == 1 for t in kv)
    spec = starting_targets(StartingPoint.SPECULATIVE, ref, library, load)
    assert [t.speculative for t in spec] == [False, True]
    remote = ModelRef("remote://box/llama", "llama (box)")
    with pytest.raises(ComparisonError, match="remote model"):
        starting_targets(StartingPoint.KV_CACHE, remote, library, load)


# -- saved, reopened, exported -------------------------------------------------------------


def result(text: str, tps: float, peak: int | None) -> TargetResult:
    stats = Stats(ttft_s=0.05, prompt_tokens=12, prompt_tps=240.0, generated_tokens=8,
                  decode_tps=tps, context_used=20, context_size=512, stop_reason="length")
    return TargetResult(state=ResultState.DONE, reply=text, stats=stats, ttft_s=0.05,
                        peak_memory=peak, memory_note=NOTE_HWM)


def test_a_comparison_is_saved_with_its_runs_and_exported(store: ChatStore) -> None:
    saved = ComparisonStore(store)
    spec = spec_of(2)
    comparison_id = saved.create(spec)
    assert saved.get(comparison_id).latest is None  # type: ignore[union-attr]
    run = saved.start_run(comparison_id)
    saved.save_result(run, 1, TargetResult(state=ResultState.FAILED, error="no such file"))
    saved.save_result(run, 0, result("Blue.", 41.5, 300 * 2**20))
    saved.finish_run(run)
    saved.start_run(comparison_id)  # a re-run cut off before any result
    opened = saved.get(comparison_id)
    assert opened is not None and len(opened.runs) == 2
    first = opened.runs[0]
    assert first.results[0] is not None and first.results[0].reply == "Blue."
    assert first.results[1] is not None and first.results[1].error == "no such file"
    assert opened.latest is not None and opened.latest.results == (None, None)
    assert opened.title == PROMPT
    summary = saved.summaries()[0]
    assert (summary.targets, summary.runs) == (2, 2)

    markdown = export_markdown(opened, first, chart="chart.png")
    assert "| Target | TTFT | Load | Prompt | Prompt tok/s | Generated | Gen tok/s |" in markdown
    assert "| M0 | 50 ms | – | 12 | 240.0 | 8 | 41.5 | 20/512 | 300 MB | length limit |" in markdown
    assert "| M1 | – |" in markdown and "**Failed:** no such file" in markdown
    assert "![Chart of the comparison](chart.png)" in markdown
    data = json.loads(export_json(opened))
    assert data["format"] == "slice-comparison" and len(data["runs"]) == 2
    assert data["runs"][0]["results"][0]["stats"]["decode_tps"] == 41.5
    assert data["comparison"]["targets"][1]["model"] == "/models/m1.gguf"
    assert saved.delete(comparison_id) and saved.get(comparison_id) is None
    assert not saved.delete(comparison_id)


# -- peak memory ----------------------------------------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="VmHWM is Linux's")
def test_peak_memory_is_this_targets_alone() -> None:
    """A process that once held 300 MB and let it go: after the reset, its peak is what it
    holds now, and the next 150 MB it takes are counted."""
    script = textwrap.dedent("""
        import sys
        big = bytearray(300 * 2**20); big[::4096] = b"x" * len(big[::4096]); del big
        print("freed", flush=True); sys.stdin.readline()
        again = bytearray(150 * 2**20); again[::4096] = b"y" * len(again[::4096])
        print("taken", flush=True); sys.stdin.readline()
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdin is not None
        assert child.stdout.readline().strip() == "freed"
        tracker = PeakTracker(lambda: child.pid)
        tracker.begin()
        low, note = tracker.result()
        assert note == NOTE_HWM and low is not None and low < 200 * 2**20
        child.stdin.write("\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "taken"
        high, _ = tracker.result()
        assert high is not None and high - low > 140 * 2**20
    finally:
        child.kill()
        child.wait()
    assert PeakTracker(lambda: 1, platform="win32").result()[0] is None


# -- a cold prompt for every target -------------------------------------------------------


def test_a_fresh_prompt_reuses_nothing_from_the_cache(smollm_path: str) -> None:
    """Two conversations with the same prompt: the second reuses the first's tokens,
    unless it asks for a fresh prompt, as every target of a comparison does."""
    from inference.engine import Engine
    from inference.events import ChatMessage, ChatRequest, Sampling
    from tests.conftest import stream_reply

    engine = Engine()
    try:
        def ask(conversation: str, fresh: bool) -> tuple[str, Stats]:
            text, _events, done = stream_reply(engine, ChatRequest(
                model_path=smollm_path, messages=(ChatMessage("user", PROMPT),),
                load=LoadSettings(n_ctx=512, n_threads=1, n_threads_batch=1),
                sampling=Sampling(temperature=0.0, seed=1, max_tokens=6),
                conversation_id=conversation, fresh_prompt=fresh))
            return text, done.stats

        first, cold = ask("a", fresh=False)
        _, reused = ask("b", fresh=False)
        again, fresh = ask("c", fresh=True)
        assert cold.cached_tokens == 0 and reused.cached_tokens > 0
        assert fresh.cached_tokens == 0 and fresh.prompt_tokens == cold.prompt_tokens
        assert again == first  # greedy, the same prompt read from scratch
    finally:
        engine.close()


# -- the command line, on real models -------------------------------------------------------


def test_bad_comparisons_get_clear_errors_before_anything_runs(smollm_path: str) -> None:
    one = slice_chat("compare", "--target", smollm_path, "--prompt", PROMPT)
    assert one.returncode == 2 and "needs 2 to 4 targets" in one.stderr and "add 1" in one.stderr
    five = slice_chat("compare", *[a for _ in range(5) for a in ("--target", smollm_path)],
                      "--prompt", PROMPT)
    assert five.returncode == 2 and "at most 4 targets" in five.stderr
    unknown = slice_chat("compare", "--target", smollm_path, "--target", "no-such-model",
                         "--prompt", PROMPT)
    assert unknown.returncode == 2
    assert "--target 2: unknown model 'no-such-model'" in unknown.stderr
    assert "smollm2-135m-instruct.q4_1" in unknown.stderr  # what is known
    bad_setting = slice_chat("compare", "--target", smollm_path, "kv=q5", "--target",
                             smollm_path, "--prompt", PROMPT)
    assert bad_setting.returncode == 2
    assert "kv=q5: give one of f16, q8_0, q4_0" in bad_setting.stderr
    missing = slice_chat("compare", "--show", "99")
    assert missing.returncode == 1 and "there is no comparison 99" in missing.stderr
    assert slice_chat("compare", "--list").stdout == ""  # nothing was saved


def test_compare_two_real_models_save_rerun_and_export(
    smollm_path: str, gemma_path: str, tmp_path: Path
) -> None:
    chart, markdown = tmp_path / "chart.png", tmp_path / "comparison.md"
    ran = slice_chat("compare", "--target", smollm_path, "--target", gemma_path, "--prompt",
                     PROMPT, *FAST, "--json", "--chart", str(chart), "-o", str(markdown),
                     timeout=300)
    assert ran.returncode == 0, ran.stderr
    data = json.loads(ran.stdout)
    comparison_id = data["id"]
    results = data["runs"][0]["results"]
    assert [r["state"] for r in results] == ["done", "done"]
    for r in results:
        assert r["reply"].strip() and 0 < r["stats"]["generated_tokens"] <= 8
        assert r["stats"]["decode_tps"] > 0 and r["stats"]["prompt_tps"] > 0
        assert r["stats"]["cached_tokens"] == 0  # each target reads its prompt cold
        assert r["stats"]["context_size"] == 512 and r["ttft_s"] > 0
        assert r["load_s"] is not None and r["load_s"] > 0
    smol, gemma = (r["peak_memory"] for r in results)
    # Gemma's file is 2.6 times SmolLM2's: the peaks are each model's own, measured.
    assert smol > 98_000_000 and gemma > smol + 100_000_000, (smol, gemma)
    assert chart.stat().st_size > 10_000 and chart.read_bytes()[:4] == b"\x89PNG"
    text = markdown.read_text(encoding="utf-8")
    assert "| Target | TTFT |" in text and "![Chart of the comparison](chart.png)" in text
    assert "SmolLM2" in text and "gemma" in text.lower()

    rerun = slice_chat("compare", "--rerun", str(comparison_id), timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert "## 1. SmolLM2" in rerun.stdout and "Peak memory" in rerun.stdout
    listed = slice_chat("compare", "--list").stdout
    assert f"{comparison_id}\t" in listed and "2 targets\t2 runs" in listed
    shown = slice_chat("compare", "--show", str(comparison_id), "--format", "json")
    again = json.loads(shown.stdout)
    assert len(again["runs"]) == 2
    assert again["runs"][1]["results"][1]["state"] == "done"
    as_markdown = slice_chat("compare", "--show", str(comparison_id)).stdout
    assert as_markdown.startswith(f"# {PROMPT}")


def test_a_failing_target_shows_its_error_and_the_others_run(
    smollm_path: str, tmp_path: Path
) -> None:
    bogus = write_tiny_llama(tmp_path / "bogus.gguf", architecture="notarealarch")
    started = time.monotonic()
    ran = slice_chat("compare", "--target", str(bogus), "--target", "remote://nobody/model",
                     "--target", smollm_path, "--prompt", PROMPT, *FAST, "--json",
                     timeout=300)
    assert ran.returncode == 1
    assert "target 1, 2 failed" in ran.stderr
    results = json.loads(ran.stdout)["runs"][0]["results"]
    assert [r["state"] for r in results] == ["failed", "failed", "done"]
    assert "notarealarch" in results[0]["error"]
    assert "nobody" in results[1]["error"] and results[1]["peak_memory"] is None
    assert results[2]["reply"].strip()
    assert time.monotonic() - started < 240


def test_a_saved_target_whose_file_is_gone_fails_alone_on_rerun(
    smollm_path: str, tmp_path: Path
) -> None:
    from app.paths import app_paths

    gone = tmp_path / "deleted-since.gguf"
    db = ChatStore(app_paths().ensure().data / "chats.db")
    try:
        comparison_id = ComparisonStore(db).create(ComparisonSpec(prompt=PROMPT, targets=(
            Target(model=str(gone), name="Deleted since"),
            Target(model=smollm_path, name="SmolLM2",
                   load=LoadSettings(n_ctx=512, n_threads=1, n_threads_batch=1)),
        ), max_tokens=8))
    finally:
        db.close()
    ran = slice_chat("compare", "--rerun", str(comparison_id), "--json", timeout=300)
    assert ran.returncode == 1 and "target 1 failed" in ran.stderr
    first, second = json.loads(ran.stdout)["runs"][0]["results"]
    assert first["state"] == "failed" and "deleted-since.gguf" in first["error"]
    assert first["error_kind"] == "not_found"
    assert second["state"] == "done" and second["reply"].strip()


def test_a_starting_point_from_the_command_line(smollm_path: str) -> None:
    alone = slice_chat("compare", "--start", "kv-cache", "--prompt", PROMPT)
    assert alone.returncode == 2 and "--start kv-cache needs --model MODEL" in alone.stderr
    ran = slice_chat("compare", "--start", "speculative", "--model",
                     "smollm2-135m-instruct.q4_1", "--prompt", PROMPT, *FAST, "--json",
                     timeout=300)
    assert ran.returncode == 0, ran.stderr
    data = json.loads(ran.stdout)
    assert [t["speculative"] for t in data["comparison"]["targets"]] == [False, True]
    assert [label.split(" · ")[-1] for label in data["labels"]] == ["speculative off",
                                                                     "speculative on"]
    first, second = data["runs"][0]["results"]
    assert first["state"] == second["state"] == "done"
    assert first["stats"]["draft_tokens"] == 0

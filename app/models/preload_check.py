"""Check a model before it is loaded: from its header in milliseconds, then by a trial load.

The header check (no weights read) says whether the file is a well-formed GGUF, whether its
architecture is one the installed llama.cpp knows, whether metadata llama.cpp asserts on is
sane, and whether the model fits in memory at the chosen context size. Some files pass all
that and still make llama.cpp abort while it sets the model up or on the first token, so the
check ends with a trial: the model is loaded and decodes one token in a throwaway inference
host, whose death is reported with llama.cpp's reason.

The architecture list comes from the installed llama.cpp itself (its library exports
``llm_arch_name(llm_arch)``, which names every architecture it was built with), read by the
engine probe in a child process (:mod:`app.models.engine_probe`): the GUI thread's header
check (``wait=False``) uses what the probe already answered and never waits for it.
"""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path

from app.models.check_report import CheckReport, TrialResult
from app.models.engine_probe import engine_probe
from app.models.files import ModelImportError, read_model_files
from app.models.gpu_fit import ASK_VRAM, GPU_AUTO, capped_layers, fit_layers, model_gpu_plan
from app.models.memory_fit import (
    FIT_NO,
    available_ram,
    estimate_memory,
    free_vram,
    judge_fit,
)
from inference.events import (
    ChatMessage,
    ChatRequest,
    Done,
    Failed,
    Loaded,
    LoadSettings,
    Sampling,
    StopReason,
    Token,
)
from inference.gguf_info import GGUFInfo
from inference.host_client import HostClient

# llama.cpp's LLAMA_MAX_LAYERS: a block count outside 1..this aborts the load.
MAX_LAYERS = 512
# rope scaling types llama.cpp parses; any other value aborts the load.
ROPE_SCALING_TYPES = frozenset({"none", "linear", "yarn", "longrope"})
# Types a normalisation weight may have: llama.cpp multiplies by it element-wise.
_FLOAT_TYPES = frozenset({0, 1, 30})  # F32, F16, BF16
TRIAL_TIMEOUT_S = 120.0
TRIAL_PROMPT = "Hi"

# Plain-language readings of llama.cpp's assertions and aborts.
_ABORT_HINTS = (
    ("n_layer", "its block count is zero or larger than llama.cpp allows"),
    ("rope_scaling_type", "its rope scaling type is one llama.cpp does not know"),
    ("token_to_id", "its vocabulary has duplicate entries"),
    ("unsupported types", "a tensor is stored in a type the operation cannot use "
     "(for example a quantized normalisation weight)"),
)


def supported_architectures(wait: bool = True) -> frozenset[str] | None:
    """Architectures the installed llama.cpp can load; None when it cannot tell (or, with
    ``wait`` False, when the engine probe has not answered yet)."""
    probe = engine_probe()
    # The list never changes for a build: any answer for this build will do.
    facts = probe.facts(max_age_s=float("inf")) if wait else probe.cached(float("inf"))
    return None if facts is None else facts.architectures


def default_context(info: GGUFInfo, wanted: int = 0) -> int:
    """The context size a load would use: ``wanted``, else 4096 or the model's own if smaller."""
    if wanted:
        return wanted
    return min(4096, info.context_length or 4096)


def _metadata_problems(info: GGUFInfo, supported: frozenset[str] | None) -> list[str]:
    name = Path(info.path).name
    problems = []
    arch = info.architecture
    if not arch:
        problems.append(
            f"'{name}' does not say which architecture it is (no general.architecture)."
        )
    elif supported is not None and arch not in supported:
        problems.append(
            f"'{name}' is a '{arch}' model, an architecture this version of llama.cpp does "
            "not support. Update Slice or pick another model."
        )
    blocks = info.block_count
    if arch and not 1 <= blocks <= MAX_LAYERS:
        problems.append(
            f"'{name}' claims {blocks:,} layers (block_count); llama.cpp accepts 1 to "
            f"{MAX_LAYERS} and would abort. The file is damaged or was converted wrongly."
        )
    rope = info.arch_value("rope.scaling.type")
    if isinstance(rope, str) and rope not in ROPE_SCALING_TYPES:
        problems.append(
            f"'{name}' uses rope scaling type '{rope}', which llama.cpp does not know "
            "(it would abort)."
        )
    if "tokenizer.ggml.tokens" not in info.metadata:
        problems.append(f"'{name}' has no vocabulary (tokenizer.ggml.tokens): nothing can "
                        "tokenize text for it.")
    for tensor in info.tensors:
        if re.search(r"norm\.weight$", tensor.name) and tensor.ggml_type not in _FLOAT_TYPES:
            problems.append(
                f"'{name}': the normalisation weight '{tensor.name}' is stored quantized; "
                "llama.cpp would abort on the first token."
            )
            break
    return problems


def check_header(
    path: str,
    n_ctx: int = 0,
    cache_type: str = "f16",
    load: LoadSettings | None = None,
    ram: int | None = None,
    vram_free: int | None = ASK_VRAM,
    wait: bool = True,
) -> CheckReport:
    """The fast part of the check: header, architecture, metadata sanity, memory fit.

    With GPU layers on Auto (-1), ``report.gpu_layers`` is the count that fits in the free
    VRAM (asked for unless ``vram_free`` gives it; 0 on a build without a GPU backend).
    ``wait`` False (the GUI thread): the engine probe's architectures and free VRAM as far
    as they are known now, never waited for.
    """
    started = time.perf_counter()
    load = load or LoadSettings()
    report = CheckReport(path=os.path.abspath(path), n_ctx=n_ctx, cache_type=cache_type)
    try:
        model = read_model_files(path)
    except ModelImportError as exc:
        report.errors.append(str(exc))
        report.header_s = time.perf_counter() - started
        return report
    info = model.info
    report.n_ctx = default_context(info, n_ctx)
    report.name = info.name
    report.architecture = info.architecture
    report.quantization = info.quantization
    report.n_params = model.n_params
    report.file_size = model.size
    report.parts = len(model.files)
    report.context_length = info.context_length
    report.has_template = info.chat_template is not None
    supported = supported_architectures(wait)
    report.architecture_supported = None if supported is None else info.architecture in supported
    if supported is None:
        report.warnings.append(
            "Could not read the list of architectures from the installed llama.cpp; "
            "the trial load will tell." if wait else
            "Slice is still asking llama.cpp which architectures it supports; the trial "
            "load (Check) will tell."
        )
    report.errors.extend(_metadata_problems(info, supported))
    if info.context_length and report.n_ctx > info.context_length:
        report.warnings.append(
            f"The context size {report.n_ctx:,} is larger than the {info.context_length:,} "
            "tokens the model was trained with; replies past that may degrade."
        )
    if not report.has_template:
        report.warnings.append(
            "The file has no chat template; Slice uses a standard one for its architecture."
        )
    if not report.errors:
        report.memory = estimate_memory(
            info, report.n_ctx, cache_type, flash_attn=load.flash_attn,
            n_ubatch=min(load.n_ubatch, load.n_batch),
            weights=sum(f.stat().st_size for f in model.files),
        )
        vram = None
        if load.n_gpu_layers != 0:
            vram = free_vram(wait=wait) if vram_free == ASK_VRAM else vram_free
        report.fit = judge_fit(report.memory.total, available_ram() if ram is None else ram, vram)
        report.gpu_layers = max(load.n_gpu_layers, 0)
        if load.n_gpu_layers != 0 and vram is not None:
            load_at = load.model_copy(update={"n_ctx": report.n_ctx, "kv_cache_type": cache_type})
            report.gpu = fit_layers(model_gpu_plan(model, load_at), vram)
            if load.n_gpu_layers == GPU_AUTO:
                report.gpu_layers = capped_layers(path, load_at, report.gpu.layers)
    report.header_s = time.perf_counter() - started
    return report


def explain_failure(message: str) -> str:
    """Add a plain-language reading to a message that quotes a llama.cpp assertion."""
    for marker, hint in _ABORT_HINTS:
        if marker in message:
            return f"{message} (In plain words: {hint}.)"
    return message


def trial_load(
    path: str,
    n_ctx: int,
    load: LoadSettings | None = None,
    timeout_s: float = TRIAL_TIMEOUT_S,
    log_path: Path | None = None,
) -> TrialResult:
    """Load ``path`` and decode one token in a throwaway inference host."""
    settings = (load or LoadSettings()).model_copy(update={"n_ctx": n_ctx})
    request = ChatRequest(
        model_path=path,
        messages=(ChatMessage("user", TRIAL_PROMPT),),
        load=settings,
        sampling=Sampling(temperature=0.0, seed=0, max_tokens=1),
    )
    client = HostClient(log_path)
    timed_out = threading.Event()

    def on_timeout() -> None:
        timed_out.set()
        client.cancel()

    timer = threading.Timer(timeout_s, on_timeout)
    timer.daemon = True
    started = time.perf_counter()
    load_s = 0.0
    decoded = False
    timer.start()
    try:
        for event in client.chat(request):
            if isinstance(event, Loaded):
                load_s = event.model.load_s
            elif isinstance(event, Token):
                decoded = True
            elif isinstance(event, Failed):
                return TrialResult(
                    ok=False, message=explain_failure(event.message), error=event.error,
                    load_s=load_s, elapsed_s=time.perf_counter() - started,
                )
            elif isinstance(event, Done):
                elapsed = time.perf_counter() - started
                if timed_out.is_set() or event.stop_reason == StopReason.USER:
                    return TrialResult(
                        ok=False, error="timeout", elapsed_s=elapsed,
                        message=f"The trial load of '{path}' did not finish within "
                        f"{timeout_s:.0f} s.",
                    )
                note = "decoded one token" if decoded else "the model ended its turn at once"
                return TrialResult(ok=True, message=f"Loaded in {load_s:.1f} s and {note}.",
                                   load_s=load_s, elapsed_s=elapsed)
    finally:
        timer.cancel()
        client.close()
    return TrialResult(ok=False, message="The model process ended without an answer.",
                       elapsed_s=time.perf_counter() - started)


def check_model(
    path: str,
    n_ctx: int = 0,
    cache_type: str = "f16",
    load: LoadSettings | None = None,
    trial: bool = True,
    log_path: Path | None = None,
) -> CheckReport:
    """The whole check: header first; the trial load only for a file that passed it."""
    report = check_header(path, n_ctx, cache_type, load)
    if trial and not report.errors and (report.fit is None or report.fit.verdict != FIT_NO):
        resolved = (load or LoadSettings()).model_copy(update={"n_gpu_layers": report.gpu_layers})
        report.trial = trial_load(path, report.n_ctx, resolved, log_path=log_path)
    return report

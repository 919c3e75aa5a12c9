"""What the pre-load check of a model found, and how it reads for people.

:mod:`app.models.preload_check` fills a :class:`CheckReport`; the CLI prints
:func:`report_lines` and the model library's details pane shows them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from app.models.gpu_fit import GpuFit
from app.models.memory_fit import FIT_NO, Fit, MemoryEstimate, format_bytes


@dataclass(frozen=True)
class TrialResult:
    """How the trial load and one-token decode went."""

    ok: bool
    message: str = ""
    error: str = ""  # an inference.events ERROR_* when it failed
    load_s: float = 0.0
    elapsed_s: float = 0.0


@dataclass
class CheckReport:
    """Everything the check found. ``ok`` is False for a file that must not be loaded."""

    path: str
    n_ctx: int
    cache_type: str
    name: str = ""
    architecture: str = ""
    quantization: str = ""
    n_params: int = 0
    file_size: int = 0
    parts: int = 1
    context_length: int = 0
    has_template: bool = False
    architecture_supported: bool | None = None
    memory: MemoryEstimate | None = None
    fit: Fit | None = None
    gpu: GpuFit | None = None  # the automatic fit; None when GPU layers is 0 or no GPU build
    gpu_layers: int = 0  # the n_gpu_layers the load uses (Auto resolved)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    trial: TrialResult | None = None
    header_s: float = 0.0

    @property
    def ok(self) -> bool:
        trial_ok = self.trial is None or self.trial.ok
        return not self.errors and trial_ok and (self.fit is None or self.fit.verdict != FIT_NO)

    @property
    def reason(self) -> str:
        """Why the file must not be loaded ("" when it may be)."""
        if self.errors:
            return self.errors[0]
        if self.trial is not None and not self.trial.ok:
            return self.trial.message
        if self.fit is not None and self.fit.verdict == FIT_NO:
            return f"Not enough memory: {self.fit.describe()}."
        return ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ok"] = self.ok
        data["reason"] = self.reason
        if self.memory is not None:
            data["memory"]["total"] = self.memory.total
        if self.fit is not None:
            data["fit"]["text"] = self.fit.describe()
        if self.gpu is not None:
            data["gpu"]["text"] = self.gpu.describe()
        return data


def gpu_line(report: CheckReport) -> str:
    """What the load offloads to the GPU: the automatic fit, or the count set by hand."""
    gpu = report.gpu
    assert gpu is not None
    if report.gpu_layers == gpu.layers:
        return gpu.describe()
    count = min(report.gpu_layers, gpu.n_layer + 1)
    shown = "all" if count > gpu.n_layer else f"{count} of {gpu.n_layer}"
    return f"{shown} layers (set by hand; {gpu.describe()})"


def report_lines(report: CheckReport) -> list[str]:
    """The report as lines of text for a terminal or a details pane."""
    lines = [f"Model: {report.name or Path(report.path).name}"]
    if report.architecture:
        support = {True: "supported", False: "NOT supported", None: "support unknown"}[
            report.architecture_supported
        ]
        lines.append(f"Architecture: {report.architecture} ({support} by this llama.cpp)")
        params = f"{report.n_params / 1e9:.2f} B" if report.n_params >= 1e8 else (
            f"{report.n_params / 1e6:.1f} M")
        lines.append(f"Parameters: {params} · quantization {report.quantization}")
        parts = f" in {report.parts} parts" if report.parts > 1 else ""
        lines.append(f"File size: {report.file_size:,} bytes{parts}")
        lines.append(f"Trained context: {report.context_length:,} tokens · "
                     f"chat template: {'in the file' if report.has_template else 'fallback'}")
    if report.memory is not None and report.fit is not None:
        mem = report.memory
        lines.append(
            f"Memory at {report.n_ctx:,} tokens ({report.cache_type} cache): weights "
            f"{format_bytes(mem.weights)} + KV cache {format_bytes(mem.kv_cache)} + compute "
            f"{format_bytes(mem.compute)} + overhead {format_bytes(mem.overhead)} = "
            f"{format_bytes(mem.total)}"
        )
        lines.append(f"Fit: {report.fit.describe()}")
        if report.gpu is not None:
            lines.append(f"GPU: {gpu_line(report)}")
    lines.extend(f"Error: {e}" for e in report.errors)
    lines.extend(f"Note: {w}" for w in report.warnings)
    if report.trial is not None:
        outcome = "passed" if report.trial.ok else "FAILED"
        lines.append(f"Trial load: {outcome}: {report.trial.message}")
    lines.append("Verdict: " + ("OK to load" if report.ok else f"do not load: {report.reason}"))
    return lines

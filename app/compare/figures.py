"""A target's figures in words and numbers: one place for the window's columns, the
command's table, the Markdown export and the chart."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.compare.results import ResultState, TargetResult
from inference.events import STOP_REASON_LABELS

#: The table's columns after the target, in order (the window shows them translated, through
#: ui/app_texts.py; the command and the Markdown export write them as they are).
COLUMNS = ("TTFT", "Load", "Prompt", "Prompt tok/s", "Generated", "Gen tok/s", "Context",
           "Peak memory", "Stop")
#: How a target's turn ended when no stop reason says it (:func:`state_text`).
STATE_WORDS = {ResultState.FAILED: "failed", ResultState.NOT_RUN: "not run",
               ResultState.STOPPED: "stopped by user"}
DONE_WORD = "done"
#: The prompt's cell when part of it came from the cache.
PROMPT_CACHED = "{prompt} ({cached} cached)"

_MB = 1024 * 1024


def _ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:.0f} ms"


def _rate(value: float, tokens: int) -> str:
    return f"{value:.1f}" if value > 0 and tokens else "–"


def memory_text(peak: int | None) -> str:
    """A peak memory figure for people ("412 MB"; "–" when it was not measured)."""
    return "–" if peak is None else f"{peak / _MB:.0f} MB"


def state_text(result: TargetResult) -> str:
    """How the target's turn ended, in words: the stop reason, or failed/stopped/not run."""
    if result.state in STATE_WORDS:
        return STATE_WORDS[result.state]
    reason = result.stats.stop_reason
    return STOP_REASON_LABELS.get(reason, reason) or DONE_WORD


def figure_cells(result: TargetResult) -> list[str]:
    """The target's row of the table, in :data:`COLUMNS`' order."""
    s = result.stats
    if result.state in (ResultState.FAILED, ResultState.NOT_RUN) and not s.generated_tokens:
        return ["–"] * (len(COLUMNS) - 2) + [memory_text(result.peak_memory),
                                            state_text(result)]
    prompt = (PROMPT_CACHED.format(prompt=s.prompt_tokens, cached=s.cached_tokens)
              if s.cached_tokens else f"{s.prompt_tokens}")
    context = (f"{s.context_used}/{s.context_size}" if s.context_size
               else (f"{s.context_used}" if s.context_used else "–"))
    load = "–" if result.load_s is None else f"{result.load_s:.2f} s"
    return [
        _ms(result.ttft_s), load, prompt, _rate(s.prompt_tps, s.prompt_tokens),
        str(s.generated_tokens), _rate(s.decode_tps, s.generated_tokens), context,
        memory_text(result.peak_memory), state_text(result),
    ]


@dataclass(frozen=True, slots=True)
class ChartPanel:
    """One panel of the chart: a metric and each target's value (None: no figure)."""

    key: str  # "ttft_ms", "prompt_tps", "decode_tps", "peak_mb"
    title: str
    unit: str
    values: tuple[float | None, ...]
    better: str  # "lower" or "higher"


def chart_panels(results: list[TargetResult | None]) -> list[ChartPanel]:
    """The chart's four panels: TTFT, prompt and generation speed, peak memory."""

    def pick(get: Callable[[TargetResult], float | None]) -> tuple[float | None, ...]:
        values: list[float | None] = []
        for result in results:
            value = None
            if result is not None and result.stats.generated_tokens:
                value = get(result)
            values.append(value if value is None or value > 0 else None)
        return tuple(values)

    return [
        ChartPanel("ttft_ms", "Time to first token", "ms",
                   pick(lambda r: None if r.ttft_s is None else r.ttft_s * 1000), "lower"),
        ChartPanel("prompt_tps", "Prompt processing", "tok/s",
                   pick(lambda r: r.stats.prompt_tps), "higher"),
        ChartPanel("decode_tps", "Generation", "tok/s",
                   pick(lambda r: r.stats.decode_tps), "higher"),
        ChartPanel("peak_mb", "Peak memory", "MB",
                   tuple(None if r is None or r.peak_memory is None else r.peak_memory / _MB
                         for r in results), "lower"),
    ]

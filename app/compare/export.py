"""A comparison written out: Markdown to read (the table, then each reply), JSON to keep
(what it asked, every run, every figure)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from app.compare.figures import COLUMNS, figure_cells
from app.compare.results import ResultState, TargetResult
from app.compare.runner import target_sampling
from app.compare.saved import SavedComparison, SavedRun
from app.compare.targets import target_labels
from inference import __version__

EXPORT_FORMAT = "slice-comparison"
EXPORT_VERSION = 1


def _when(stamp: float | None) -> str:
    if stamp is None:
        return "unfinished"
    return dt.datetime.fromtimestamp(stamp).astimezone().strftime("%Y-%m-%d %H:%M %Z")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def comparison_table(labels: list[str], results: list[TargetResult | None]) -> list[str]:
    """The figures as a Markdown table, one row per target."""
    lines = ["| Target | " + " | ".join(COLUMNS) + " |",
             "|---|" + "---:|" * (len(COLUMNS) - 1) + "---|"]
    for label, result in zip(labels, results, strict=True):
        cells = figure_cells(result) if result is not None else ["–"] * len(COLUMNS)
        lines.append(f"| {_cell(label)} | " + " | ".join(_cell(c) for c in cells) + " |")
    return lines


def export_markdown(comparison: SavedComparison, run: SavedRun | None = None,
                    chart: str = "") -> str:
    """The comparison's ``run`` (default: its latest) as Markdown; ``chart``: a picture of
    the chart to embed (a path relative to the Markdown file)."""
    spec = comparison.spec
    run = run or comparison.latest
    labels = target_labels(spec.targets)
    lines = [f"# {spec.title or 'Comparison'}", ""]
    lines += ["**Prompt**", "", *(f"> {line}" for line in spec.prompt.splitlines()), ""]
    if spec.system_prompt:
        lines += ["**System prompt**", "",
                  *(f"> {line}" for line in spec.system_prompt.splitlines()), ""]
    shared = []
    if spec.seed is not None:
        shared.append(f"seed {spec.seed}")
    if spec.max_tokens is not None:
        shared.append(f"at most {spec.max_tokens} tokens")
    if shared:
        lines += ["Every target: " + ", ".join(shared) + ".", ""]
    if run is None:
        lines += ["Not run yet.", ""]
        return "\n".join(lines)
    results = list(run.results)
    lines += [f"Run of {_when(run.started_at)}, one target after another on one machine "
              f"(Slice {__version__}).", ""]
    lines += comparison_table(labels, results)
    lines += ["", "TTFT: the engine's time to the first token, without the model's load "
              "(Load, when the target had to load it). Peak memory: the model process's.", ""]
    if chart:
        lines += [f"![Chart of the comparison]({chart})", ""]
    for number, (label, target, result) in enumerate(
            zip(labels, spec.targets, results, strict=True), 1):
        lines += [f"## {number}. {label}", ""]
        settings = _settings_line(comparison, number - 1)
        lines += [f"`{target.model}` · {settings}", ""]
        if result is None:
            lines += ["*No result in this run.*", ""]
            continue
        if result.error:
            lines += [f"**{_outcome(result)}:** {result.error}", ""]
        if result.thinking:
            lines += ["<details><summary>Thinking</summary>", "",
                      *(f"> {line}" for line in result.thinking.splitlines()), "",
                      "</details>", ""]
        if result.reply:
            lines += [result.reply.rstrip(), ""]
        if result.state is ResultState.STOPPED:
            lines += ["*Stopped by the user.*", ""]
        notes = [n for n in (result.stats.speed_source, result.memory_note) if n]
        if notes:
            lines += ["*" + "; ".join(notes) + ".*", ""]
    return "\n".join(lines)


def _outcome(result: TargetResult) -> str:
    return "Not run" if result.state is ResultState.NOT_RUN else "Failed"


def _settings_line(comparison: SavedComparison, index: int) -> str:
    """The load and sampling settings a target ran with, in one line."""
    target = comparison.spec.targets[index]
    sampling = target_sampling(comparison.spec, index)
    load = target.load
    parts = [f"context {load.n_ctx}", f"KV cache {load.kv_cache_type}",
             "flash attention " + ("on" if load.flash_attn else "off"),
             "GPU layers " + ("auto" if load.n_gpu_layers < 0 else str(load.n_gpu_layers)),
             f"threads {load.n_threads or 'auto'}"]
    if not target.remote:
        parts.append("speculative " + ("on" if target.speculative else "off"))
    parts += [f"temperature {sampling.temperature}", f"top-p {sampling.top_p}",
              f"top-k {sampling.top_k}", f"min-p {sampling.min_p}",
              f"seed {sampling.seed if sampling.seed >= 0 else 'random'}",
              f"max tokens {sampling.max_tokens}"]
    return ", ".join(parts)


def comparison_dict(comparison: SavedComparison) -> dict[str, Any]:
    """Everything about the comparison as plain values (the JSON export, ``--json``)."""
    spec = comparison.spec
    labels = target_labels(spec.targets)
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "slice_version": __version__,
        "id": comparison.id,
        "uuid": comparison.uuid,
        "created_at": comparison.created_at,
        "updated_at": comparison.updated_at,
        "comparison": spec.to_dict(),
        "labels": labels,
        "sampling": [target_sampling(spec, i).model_dump() for i in range(len(spec.targets))],
        "runs": [
            {"id": run.id, "started_at": run.started_at, "finished_at": run.finished_at,
             "results": [None if r is None else r.to_dict() for r in run.results]}
            for run in comparison.runs
        ],
    }


def export_json(comparison: SavedComparison) -> str:
    """The comparison and all its runs as JSON."""
    return json.dumps(comparison_dict(comparison), ensure_ascii=False, indent=2)

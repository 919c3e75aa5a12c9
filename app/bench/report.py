"""The benchmark's figures as a text table, each with its target."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def format_table(result: dict[str, Any]) -> str:
    """The benchmark's figures as a text table with the targets."""
    d, r, t = result["decode_tps"], result["ratios"], result["ttft_s"]
    turns = result["turn_ttft_s"]
    sw, gui, spec = result["switch_ttft_s"], result["gui"], result["speculative"]

    def ms(value: float | None) -> str:
        return "n/a" if value is None or value != value else f"{value * 1000:.0f} ms"

    def check(ok: bool) -> str:
        return "met" if ok else "MISSED"

    rows = [
        f"Slice benchmark · {result['model_name']} · {result['threads']} threads"
        f"{' · quick' if result['quick'] else ''}",
        "",
        f"{'path':<26}{'decode tok/s':>14}{'TTFT':>12}",
    ]
    for key, label in (
        ("raw_stream", "(a) create_completion"), ("raw_generate", "(b) Llama.generate"),
        ("engine", "(c) Slice engine"), ("host", "(d) inference host"), ("gui", "(e) full GUI"),
        ("api", "(f) HTTP API, streaming"),
    ):
        rows.append(f"{label:<26}{d[key]:>14.1f}{ms(t[key]):>12}")
    reuse_ratio = turns["reuse"][-1] / turns["reuse"][0] if turns["reuse"][0] else float("nan")
    rows += [
        "",
        f"(c)/(b) {r['engine_vs_raw_generate']:.3f}   (d)/(b) {r['host_vs_raw_generate']:.3f}   "
        f"(e)/(b) {r['gui_vs_raw_generate']:.3f} [≥0.97 {check(r['gui_vs_raw_generate'] >= 0.97)}]"
        f"   (e)/(a) {r['gui_vs_raw_stream']:.3f} [≥1.0 {check(r['gui_vs_raw_stream'] >= 1.0)}]",
        *_api_rows(result, check),
        f"prompt processing 512 tok: (b) {result['prefill_tps']['raw_generate']:.0f} tok/s, "
        f"(d) {result['prefill_tps']['host']:.0f} tok/s, ratio "
        f"{r['prefill_host_vs_raw_generate']:.3f} "
        f"[≥0.95 {check(r['prefill_host_vs_raw_generate'] >= 0.95)}]",
        f"TTFT turn 1 → 20 with reuse: {ms(turns['reuse'][0])} → {ms(turns['reuse'][-1])} "
        f"(×{reuse_ratio:.2f}) [≤1.2 {check(reuse_ratio <= 1.2)}]; without reuse: "
        f"{ms(turns['no_reuse'][0])} → {ms(turns['no_reuse'][-1])}",
        f"returning to a conversation: warm {ms(sw['warm'])}, restore {ms(sw['restore'])}, "
        f"from disk {ms(sw['restore_disk'])}, re-process {ms(sw['reprocess'])} [restore ≤1.5× warm "
        f"{check(sw['restore'] <= 1.5 * sw['warm'])}]",
        f"return after restart (fresh host): from disk {ms(sw['restart'])} "
        f"(×{sw['restart'] / sw['warm']:.2f} of warm), re-process "
        f"{ms(sw['restart_reprocess'])} [≤1.5× warm {check(sw['restart'] <= 1.5 * sw['warm'])}]",
        f"GUI: longest stall {gui['max_stall_ms']:.0f} ms [≤50 {check(gui['max_stall_ms'] <= 50)}]"
        f", p99 gap {gui['p99_gap_ms']:.1f} ms, window shown {gui['window_shown_s']:.2f} s "
        f"[≤1.0 {check(gui['window_shown_s'] <= 1.0)}], RSS {gui['rss_mb']:.0f} MB "
        f"[≤200 {check(gui['rss_mb'] <= 200)}], open 10k-message chat "
        + (f"{gui['open_10k_ms']:.0f} ms" if gui.get("open_10k_ms") is not None else "n/a"),
        f"speculative: rewrite ×{spec['rewrite_speedup']:.2f} [≥1.5 "
        f"{check(spec['rewrite_speedup'] >= 1.5)}], prose ×{spec['prose_speedup']:.2f} [≥0.95 "
        f"{check(spec['prose_speedup'] >= 0.95)}], acceptance {spec['acceptance']:.0%}",
    ]
    rows += _long_chat_rows(result["long_chat_ttft_s"], result["long_chat"], ms, check)
    return "\n".join(rows)


def _api_rows(result: dict[str, Any], check: Callable[[bool], str]) -> list[str]:
    """(f) beside (d): decode ≥ 0.97, and the TTFT overhead ≤ 10 ms, with what it compares."""
    ratio, api = result["ratios"]["api_vs_host"], result["api"]
    overhead, outside, warm = api["ttft_overhead_ms"], api["outside_engine_ms"], \
        api["ttft_overhead_warm_ms"]
    return [
        f"(f)/(d) {ratio:.3f} [≥0.97 {check(ratio >= 0.97)}]   TTFT overhead of (f) over (d) "
        f"{overhead:+.1f} ms [≤10 ms {check(overhead <= 10)}]: time outside the engine, "
        f"(f) {outside['api']:.1f} ms vs (d) {outside['host']:.1f} ms",
        "  (TTFT by the bench's clock, (d) host-client call → first Token, (f) request written "
        "→ first content chunk, minus the engine's own share; plain TTFT differences: cold "
        f"{api['ttft_overhead_cold_ms']:+.1f} ms"
        + (f", warm {warm:+.1f} ms" if warm is not None else "")
        + f"); {api['chunks_per_reply']:.0f} chunks for {api['tokens_per_reply']:.0f} tokens",
    ]


def _long_chat_rows(
    ttft: dict[str, dict[str, float]], details: dict[str, Any],
    ms: Callable[[float | None], str], check: Callable[[bool], str],
) -> list[str]:
    """The long-chat phase: Slice beside raw at every mark but the last (Slice ≤ 1.1× raw),
    and the last mark, where trimming runs, beside the one before (≤ 1.5×)."""
    marks = [str(mark) for mark in details["marks"]]
    sl, raw = ttft["slice"], ttft["raw"]
    pairs = []
    for mark in marks[:-1]:
        if mark in raw and mark in sl:
            ratio = sl[mark] / raw[mark]
            pairs.append(f"{mark}: {ms(sl[mark])} vs {ms(raw[mark])} (×{ratio:.2f}) "
                         f"[≤1.1 {check(ratio <= 1.1)}]")
        else:
            pairs.append(f"{mark}: {ms(sl.get(mark))} vs n/a (raw ran {details['raw_turns']} "
                         "turns)")
    last, before = marks[-1], marks[-2]
    growth = sl[last] / sl[before] if last in sl and before in sl else float("nan")
    first = details["first_trimmed_turn"]
    trimming = (
        f"{details['trimmed_turns']} turns trimmed from turn {first}, "
        f"{details.get('shifted_turns', 0)} cuts shifted the cache" if first is not None
        else "no turn trimmed"
    )
    return [
        f"long chat, {details['turns']} turns, context {details['n_ctx']}, "
        f"{details['reply_tokens']}-token replies, TTFT Slice vs raw:",
        "  " + ", ".join(pairs),
        f"  last {last}: {ms(sl.get(last))}, ×{growth:.2f} of {before} "
        f"[≤1.5 {check(growth <= 1.5)}] ({trimming}; raw ran {details['raw_turns']} turns)",
    ]

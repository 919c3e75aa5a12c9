"""The bench's "return after restart" phase: a conversation's next turn in a fresh host.

One inference host builds conversation A (a few turns, its snapshots going to a temporary
folder) and exits, writing A's cache to that folder as it does when the app quits. A fresh
host then loads the model (not timed) and answers A's next turn: its TTFT is
``switch_ttft_s.restart``, and the turn must say it was restored from disk. For contrast,
another fresh host answers the same turn with no snapshot to read
(``switch_ttft_s.restart_reprocess``). The target compares ``restart`` with the warm
continue of the switching phase (``switch_ttft_s.warm``): at most 1.5 times.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from app.bench.runner import Bench, BenchError, median
from app.bench.workloads import TOPICS
from inference.events import ChatMessage, Done
from inference.host_client import HostClient
from inference.snapshot_files import folder_usage

_SYSTEM = "You are a concise assistant."
_NEXT = "And one more thing?"


def restart(bench: Bench) -> dict[str, float]:
    """TTFT of conversation A's next turn in a fresh host: restored from disk, and
    re-processed; medians over the bench's repeats."""
    # Imported here: the bench module is imported by the CLI's parser in the GUI process
    # too, which must never load llama.cpp (prompt_cache does).
    from inference.prompt_cache import FROM_DISK

    results: dict[str, list[float]] = {"restart": [], "restart_reprocess": []}
    turns = 2 if bench.quick else 4
    for _ in range(bench.repeats):
        with tempfile.TemporaryDirectory(prefix="slice-bench-restart-") as folder:
            disk = {"snapshot_dir": folder, "snapshot_disk_mb": 4096}
            first = HostClient()
            try:
                history = _conversation(bench, first, turns, disk)
            finally:
                first.close()  # the host exits: it writes A's cache to the folder
            if not folder_usage(Path(folder)).files:
                raise BenchError("the inference host wrote no snapshot when it exited")
            done = _next_turn_in_fresh_host(bench, history, disk)
            if done.stats.restored_from != FROM_DISK:
                raise BenchError("after the restart, conversation A's cache was not restored "
                                 "from disk (see the host's log)")
            results["restart"].append(done.stats.ttft_s)
        done = _next_turn_in_fresh_host(bench, history, {})
        results["restart_reprocess"].append(done.stats.ttft_s)
    return {name: median(values) for name, values in results.items()}


def _reply(client: HostClient, bench: Bench, history: list[ChatMessage], max_tokens: int,
           extra: dict[str, Any]) -> tuple[str, Done]:
    return bench.stream_text(client.chat(bench.request(history, max_tokens, "A", **extra)))


def _conversation(bench: Bench, client: HostClient, turns: int, extra: dict[str, Any]
                  ) -> list[ChatMessage]:
    history = [ChatMessage("system", _SYSTEM)]
    for turn in range(turns):
        history.append(ChatMessage("user", f"A: tell me about {TOPICS[turn]}."))
        reply, _ = _reply(client, bench, history, 48, extra)
        history.append(ChatMessage("assistant", reply))
    return history


def _next_turn_in_fresh_host(bench: Bench, history: list[ChatMessage], extra: dict[str, Any]
                             ) -> Done:
    client = HostClient()
    try:
        bench.stream_text(client.chat(bench.request([], 0)))  # the load is not timed
        _, done = _reply(client, bench, [*history, ChatMessage("user", _NEXT)], 4, extra)
        return done
    finally:
        client.close()

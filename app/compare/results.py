"""One target's outcome in a run: its reply, its figures, or what went wrong."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from inference.events import Stats


class ResultState(StrEnum):
    """How a target's turn in a run ended."""

    DONE = "done"  # the reply ended (end of turn, length, stop string...)
    FAILED = "failed"  # missing file, load failure, remote server down...: ``error`` says
    STOPPED = "stopped"  # Stop, while this target ran: its reply so far is kept
    NOT_RUN = "not_run"  # Stop came before this target's turn


_STATS_FIELDS = {f.name for f in dataclasses.fields(Stats)}


@dataclass(frozen=True)
class TargetResult:
    """A target's reply and figures in one run.

    ``ttft_s`` is the engine's time to first token without the model's load (a target
    that had to load its model says how long that took in ``load_s``; None: it was loaded
    already). ``peak_memory`` is in bytes (None: not measured; ``memory_note`` says how it
    was measured, or why not).
    """

    state: ResultState
    reply: str = ""
    thinking: str = ""
    error: str = ""
    error_kind: str = ""
    stats: Stats = field(default_factory=Stats)
    ttft_s: float | None = None
    load_s: float | None = None
    peak_memory: int | None = None
    memory_note: str = ""
    model_name: str = ""  # as the engine reported it when it loaded ("" if it did not)
    wall_s: float = 0.0  # from the request's submission to its end

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        data["state"] = str(self.state)
        data["stats"] = {k: v for k, v in dataclasses.asdict(self.stats).items()}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TargetResult:
        """The result :meth:`to_dict` wrote (unknown keys ignored, as a newer Slice's)."""
        stats = data.get("stats") if isinstance(data.get("stats"), dict) else {}
        assert isinstance(stats, dict)
        try:
            state = ResultState(str(data.get("state", "")))
        except ValueError:
            state = ResultState.FAILED
        values = {f.name: data[f.name] for f in dataclasses.fields(cls)
                  if f.name in data and f.name not in ("state", "stats")}
        return cls(state=state, stats=Stats(**{k: v for k, v in stats.items()
                                               if k in _STATS_FIELDS}), **values)

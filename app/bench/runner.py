"""The benchmark's measurements: Slice's latency beside llama.cpp's own, on one model.

Every path decodes the same prompt greedily with the same load settings:

- (a) ``raw_stream``: llama-cpp-python's ``create_completion(stream=True)``;
- (b) ``raw_generate``: llama-cpp-python's ``Llama.generate()``;
- (c) ``engine``: Slice's engine in this process;
- (d) ``host``: through the inference host process;
- (e) ``gui``: through the full GUI pipeline (the time each token reaches the chat view),
  measured by a probe the entry point passes in (the widget layer lives in ``ui/``).

Plus prompt processing speed, TTFT per turn with and without prefix reuse, TTFT when
returning to a conversation (snapshot restore vs re-processing), speculative decoding, and
the GUI's own figures. Prints a table; ``--json PATH`` writes every figure, ``--chart PATH``
a PNG chart (drawn by the GUI probe).
"""

from __future__ import annotations

import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.models.gpu_fit import resolve_load
from inference import __version__
from inference.events import (
    ChatMessage,
    ChatRequest,
    Done,
    Event,
    Failed,
    LoadSettings,
    Sampling,
    Token,
)

if TYPE_CHECKING:  # imported when needed: importing llama_cpp loads llama.cpp
    from inference.llama_api import LlamaModel

# Rounds of decode runs, one run of each path (a) to (e) per round (ui.bench_gui drives
# them): ratios of medians, with one noisy run on a shared machine deciding nothing.
DECODE_REPEATS = 5
DECODE_PROMPT = "Write a long, detailed story about a lighthouse keeper and a storm."
PROSE_PROMPT = "Explain in detail how bread is made, step by step."
REWRITE_CODE = """def parse(line):
    fields = line.strip().split(",")
    name = fields[0].strip()
    age = int(fields[1])
    city = fields[2].strip()
    return {"name": name, "age": age, "city": city}


def load(path):
    people = []
    with open(path) as handle:
        for line in handle:
            if line.strip():
                people.append(parse(line))
    return people
"""
REWRITE_PROMPT = (
    "Here is some Python code:\n```python\n" + REWRITE_CODE + "```\n"
    "Rewrite the whole code exactly as it is, but rename the function `load` to `read_people`. "
    "Answer with the code only."
)
TURN_MESSAGES = [
    "Tell me one fact about {}.",
    "Why is that interesting?",
    "Give me another fact about {}.",
    "Summarise what we said in one sentence.",
]
TOPICS = ["the ocean", "volcanoes", "owls", "glaciers", "bees"]


class BenchError(Exception):
    """A measurement could not be made; the message says which and why."""


@dataclass
class Timed:
    """Token arrival times of one streamed reply."""

    started: float
    times: list[float]

    @property
    def ttft_s(self) -> float:
        return self.times[0] - self.started if self.times else float("nan")

    @property
    def decode_tps(self) -> float:
        if len(self.times) < 2 or self.times[-1] <= self.times[0]:
            return float("nan")
        return (len(self.times) - 1) / (self.times[-1] - self.times[0])


def median(values: list[float]) -> float:
    values = [v for v in values if v == v]  # drop NaN
    return statistics.median(values) if values else float("nan")


def _events_ok(events: Iterator[Event]) -> Iterator[Event]:
    for event in events:
        if isinstance(event, Failed):
            raise BenchError(event.message)
        yield event


class Bench:
    """Runs the measurements; each method returns plain numbers."""

    def __init__(
        self, model: str, load: LoadSettings, tokens: int, repeats: int, quick: bool = False
    ) -> None:
        self.quick = quick
        self.model = model
        self.load = load
        self.tokens = tokens
        self.repeats = repeats
        self.decode_repeats = 1 if quick else DECODE_REPEATS
        from inference.loader import default_threads

        generation, batch = default_threads()
        self.threads = load.n_threads or generation
        self.threads_batch = load.n_threads_batch or batch

    # -- helpers --------------------------------------------------------------------------

    def request(
        self, messages: list[ChatMessage], max_tokens: int, conversation: str = "", **extra: Any
    ) -> ChatRequest:
        return ChatRequest(
            model_path=self.model,
            messages=tuple(messages),
            load=self.load,
            sampling=Sampling(temperature=0.0, seed=1, max_tokens=max_tokens),
            conversation_id=conversation,
            **extra,
        )

    def raw_llama(self) -> LlamaModel:
        """llama-cpp-python's own ``Llama``, constructed plainly (baselines (a) and (b))."""
        import llama_cpp

        from inference.llama_api import LlamaModel

        return LlamaModel(llama_cpp.Llama(
            model_path=self.model,
            n_ctx=self.load.n_ctx,
            n_batch=self.load.n_batch,
            n_ubatch=self.load.n_ubatch,
            n_threads=self.threads,
            n_threads_batch=self.threads_batch,
            n_gpu_layers=self.load.n_gpu_layers,
            flash_attn=self.load.flash_attn,
            use_mmap=self.load.use_mmap,
            swa_full=True,
            verbose=False,
        ))

    def prompt_tokens(self, engine: Any, prompt: str) -> list[int]:
        return list(engine.tokenize_chat(self.request([ChatMessage("user", prompt)], 1)))

    # -- (a) (b) raw llama-cpp-python -----------------------------------------------------

    def raw_once(self, llm: LlamaModel, prompt_tokens: list[int]) -> tuple[Timed, Timed]:
        """One run of (a) and one of (b) on ``llm``, the KV cache cleared before each."""
        llm.truncate(0)
        started = time.perf_counter()
        times = []
        for _chunk in llm.llm.create_completion(
            prompt_tokens, max_tokens=self.tokens, temperature=0.0, top_k=1,
            stream=True, seed=1,
        ):
            times.append(time.perf_counter())
        stream = Timed(started, times)

        llm.truncate(0)
        started = time.perf_counter()
        times = []
        for token in llm.llm.generate(prompt_tokens, temp=0.0, top_k=1, reset=True):
            if llm.is_end_of_generation(token):
                break
            times.append(time.perf_counter())
            if len(times) >= self.tokens:
                break
        return stream, Timed(started, times)

    def raw_prefill_tps(self, n_prompt: int) -> float:
        llm = self.raw_llama()
        try:
            speeds = []
            for i in range(self.repeats):
                tokens = _filler_tokens(llm, n_prompt, salt=i)
                llm.truncate(0)
                started = time.perf_counter()
                llm.eval(tokens)
                speeds.append(len(tokens) / (time.perf_counter() - started))
            return median(speeds)
        finally:
            llm.close()

    # -- (c) engine, (d) host -------------------------------------------------------------

    def stream(self, events: Iterator[Event]) -> tuple[Timed, Done]:
        started = time.perf_counter()
        times: list[float] = []
        done = None
        for event in _events_ok(events):
            if isinstance(event, Token) and event.n:
                now = time.perf_counter()
                times.extend([now] * event.n)
            elif isinstance(event, Done):
                done = event
        if done is None:
            raise BenchError("the reply ended without a Done event")
        return Timed(started, times), done

    def engine_once(self, engine: Any, prompt: str) -> Timed:
        """One run of (c)."""
        engine.forget_cache()
        timed, _done = self.stream(
            engine.stream_chat(self.request([ChatMessage("user", prompt)], self.tokens))
        )
        return timed

    def host_once(self, client: Any, prompt: str) -> Timed:
        """One run of (d). The first run is cold (a fresh host); later ones find the prompt
        cached, which changes TTFT, not decode speed."""
        timed, _ = self.stream(
            client.chat(self.request([ChatMessage("user", prompt)], self.tokens))
        )
        return timed

    def host_prefill_tps(self, client: Any, engine: Any, n_prompt: int) -> float:
        speeds = []
        for i in range(self.repeats):
            text = _filler_text(engine.llm, n_prompt, salt=100 + i)
            _, done = self.stream(client.chat(self.request([ChatMessage("user", text)], 1)))
            speeds.append(done.stats.prompt_tps)
        return median(speeds)

    # -- conversations --------------------------------------------------------------------

    def turns_with_text(self, engine: Any, n_turns: int, reuse: bool) -> list[float]:
        """Engine TTFT of each turn of one conversation, with or without prefix reuse."""
        engine.forget_cache()
        history: list[ChatMessage] = [ChatMessage("system", "You are a concise assistant.")]
        ttfts = []
        for turn in range(n_turns):
            topic = TOPICS[turn // len(TURN_MESSAGES) % len(TOPICS)]
            history.append(
                ChatMessage("user", TURN_MESSAGES[turn % len(TURN_MESSAGES)].format(topic))
            )
            if not reuse:
                engine.forget_cache()
            reply, done = self.stream_text(
                engine.stream_chat(
                    self.request(history, 4 if self.quick else 16, conversation="turns")
                )
            )
            ttfts.append(float(done.stats.ttft_s))
            history.append(ChatMessage("assistant", reply))
        return ttfts

    def stream_text(self, events: Iterator[Event]) -> tuple[str, Done]:
        text = []
        done = None
        for event in _events_ok(events):
            if isinstance(event, Token):
                text.append(event.text)
            elif isinstance(event, Done):
                done = event
        if done is None:
            raise BenchError("the reply ended without a Done event")
        return "".join(text), done

    def switch(self, engine: Any) -> dict[str, float]:
        """TTFT of the next turn of conversation A: warm, after visiting B with snapshots in
        RAM (restore) or on disk only (restore_disk), and without snapshots (re-process)."""

        def conversation(name: str, turns: int, **extra: Any) -> list[ChatMessage]:
            history = [ChatMessage("system", "You are a concise assistant.")]
            for turn in range(turns):
                history.append(ChatMessage("user", f"{name}: tell me about {TOPICS[turn]}."))
                request = self.request(history, 48, name, **extra)
                reply, _ = self.stream_text(engine.stream_chat(request))
                history.append(ChatMessage("assistant", reply))
            return history

        def next_turn_ttft(history: list[ChatMessage], name: str, **extra: Any) -> float:
            question = [*history, ChatMessage("user", "And one more thing?")]
            request = self.request(question, 4, name, **extra)
            _, done = self.stream_text(engine.stream_chat(request))
            return float(done.stats.ttft_s)

        results: dict[str, list[float]] = {
            "warm": [], "restore": [], "reprocess": [], "restore_disk": [],
        }
        turns = 2 if self.quick else 4
        with tempfile.TemporaryDirectory(prefix="slice-bench-") as folder:
            # Snapshots go nowhere (re-process), or to disk only (restore_disk).
            phases: dict[str, dict[str, Any]] = {
                "restore": {},
                "reprocess": {"snapshot_budget_mb": 0},
                "restore_disk": {
                    "snapshot_budget_mb": 0, "snapshot_disk_mb": 4096, "snapshot_dir": folder,
                },
            }
            try:
                for _ in range(self.repeats):
                    # The same next turn of A (greedy, so A's history is the same each time)
                    # after nothing else (warm), or after a visit to B.
                    engine.forget_cache()
                    a = conversation("A", turns)
                    results["warm"].append(next_turn_ttft(a, "A"))
                    for phase, extra in phases.items():
                        engine.forget_cache()
                        a = conversation("A", turns, **extra)
                        conversation("B", 1, **extra)
                        results[phase].append(next_turn_ttft(a, "A", **extra))
            finally:
                engine.forget_cache()  # deletes the spilled files
        return {name: median(values) for name, values in results.items()}

    def speculative(self, engine: Any) -> dict[str, float]:
        out: dict[str, float] = {}
        drafted = accepted = 0
        for name, prompt in (("rewrite", REWRITE_PROMPT), ("prose", PROSE_PROMPT)):
            runs: dict[bool, list[float]] = {False: [], True: []}
            for _ in range(self.decode_repeats):
                for spec in (False, True):  # off and on alternate: drift moves both alike
                    engine.forget_cache()
                    request = self.request(
                        [ChatMessage("user", prompt)], 64 if self.quick else 200,
                        speculative=spec,
                    )
                    _, done = self.stream(engine.stream_chat(request))
                    runs[spec].append(done.stats.decode_tps)
                    if spec:
                        drafted += done.stats.draft_tokens
                        accepted += done.stats.accepted_tokens
            speeds = {spec: median(values) for spec, values in runs.items()}
            out[f"{name}_speedup"] = speeds[True] / speeds[False]
            out[f"{name}_tps_off"] = speeds[False]
            out[f"{name}_tps_on"] = speeds[True]
        out["acceptance"] = accepted / drafted if drafted else 0.0
        return out


@dataclass
class Summary:
    """Repeated runs of one path: the median decode speed and the first (cold) TTFT."""

    decode_tps: float
    ttft_s: float


def _best(runs: list[Timed]) -> Summary:
    return Summary(median([t.decode_tps for t in runs]), runs[0].ttft_s)


def _filler_text(llm: LlamaModel, n_tokens: int, salt: int) -> str:
    words = ["river", "stone", "cloud", "maple", "copper", "lantern", "harbor", "meadow"]
    text = [f"Note {salt}:"]
    i = salt
    while len(llm.tokenize(" ".join(text), add_bos=False, special=False)) < n_tokens - 40:
        text.append(words[i % len(words)])
        i += 7
    return " ".join(text)


def _filler_tokens(llm: LlamaModel, n_tokens: int, salt: int) -> list[int]:
    tokens = llm.tokenize(_filler_text(llm, n_tokens + 60, salt), add_bos=False, special=False)
    return tokens[:n_tokens]


# -- the command --------------------------------------------------------------------------

# (request, rounds, between): the GUI's figures from ``rounds`` decode runs; ``between``
# runs before each of them.
GuiProbe = Callable[[ChatRequest, int, Callable[[], None]], dict[str, Any]]


def measure(
    model: str, load: LoadSettings, quick: bool, gui_probe: GuiProbe,
    step: Callable[[str], None],
) -> dict[str, Any]:
    """Run every phase on ``model`` and return all figures (the JSON of ``--json``).

    ``step`` is told each phase's name as it starts. Raises :class:`BenchError` when a
    phase fails.
    """
    from inference.engine import Engine
    from inference.host_client import HostClient

    tokens = 32 if quick else 160
    repeats = 1 if quick else 3
    bench = Bench(model, resolve_load(model, load), tokens, repeats, quick)
    engine = Engine()
    client = HostClient()
    try:
        step("loading the model in the engine")
        list(_events_ok(engine.load(model, bench.load)))
        prompt_tokens = bench.prompt_tokens(engine, DECODE_PROMPT)
        request = bench.request([ChatMessage("user", DECODE_PROMPT)], tokens)
        step("decode: (a) to (e), one run of each per round, rounds interleaved")
        list(_events_ok(client.chat(bench.request([], 0))))  # load it in the host first
        raw_llm = bench.raw_llama()
        runs: dict[str, list[Timed]] = {"raw_stream": [], "raw_generate": [], "engine": [],
                                        "host": []}

        def one_round() -> None:
            # Between two GUI runs, one run of every other path: a machine whose speed
            # drifts moves all five paths alike, not the one measured at that moment.
            stream, generate = bench.raw_once(raw_llm, prompt_tokens)
            runs["raw_stream"].append(stream)
            runs["raw_generate"].append(generate)
            runs["engine"].append(bench.engine_once(engine, DECODE_PROMPT))
            runs["host"].append(bench.host_once(client, DECODE_PROMPT))

        try:
            gui = gui_probe(request, bench.decode_repeats, one_round)
        finally:
            raw_llm.close()
        raw = {name: _best(runs[name]) for name in ("raw_stream", "raw_generate")}
        engine_run, host_run = _best(runs["engine"]), _best(runs["host"])
        step("prompt processing, 512 tokens")
        prefill = {
            "raw_generate": bench.raw_prefill_tps(512),
            "host": bench.host_prefill_tps(client, engine, 512),
        }
        step("TTFT per turn over 20 turns, reuse on and off")
        turn_ttft = {
            "reuse": bench.turns_with_text(engine, 20, reuse=True),
            "no_reuse": bench.turns_with_text(engine, 20, reuse=False),
        }
        step("switching conversations")
        switch = bench.switch(engine)
        step("speculative decoding")
        speculative = bench.speculative(engine)
    finally:
        client.close()
        engine.close()

    decode = {
        "raw_stream": raw["raw_stream"].decode_tps,
        "raw_generate": raw["raw_generate"].decode_tps,
        "engine": engine_run.decode_tps,
        "host": host_run.decode_tps,
        "gui": gui["decode_tps"],
    }
    import PySide6

    from inference import llama_api

    result: dict[str, Any] = {
        "model": os.path.abspath(model),
        "model_name": os.path.basename(model),
        "threads": bench.threads,
        "threads_batch": bench.threads_batch,
        "gpu_layers": bench.load.n_gpu_layers,  # Auto resolved: what was offloaded
        "quick": quick,
        "tokens_per_run": tokens,
        "repeats": repeats,
        "versions": {
            "slice": __version__,
            "llama_cpp_python": llama_api.VERSION,
            "pyside6": PySide6.__version__,
            "python": platform.python_version(),
            "system": llama_api.system_info(),
            "machine": f"{platform.machine()}, {os.cpu_count()} logical CPUs",
        },
        "decode_tps": decode,
        "ratios": {
            "engine_vs_raw_generate": decode["engine"] / decode["raw_generate"],
            "host_vs_raw_generate": decode["host"] / decode["raw_generate"],
            "gui_vs_raw_generate": decode["gui"] / decode["raw_generate"],
            "gui_vs_raw_stream": decode["gui"] / decode["raw_stream"],
            "prefill_host_vs_raw_generate": prefill["host"] / prefill["raw_generate"],
        },
        "prefill_tps": prefill,
        "ttft_s": {
            "raw_stream": raw["raw_stream"].ttft_s,
            "raw_generate": raw["raw_generate"].ttft_s,
            "engine": engine_run.ttft_s,
            "host": host_run.ttft_s,
            "gui": gui["ttft_s"],
        },
        "turn_ttft_s": turn_ttft,
        "switch_ttft_s": switch,
        "gui": {k: v for k, v in gui.items() if k not in ("decode_tps", "ttft_s")},
        "speculative": speculative,
    }
    return result

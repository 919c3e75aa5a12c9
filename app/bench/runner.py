"""The benchmark's measurements, one path at a time: Slice's latency beside llama.cpp's own.

Every path decodes the same prompt greedily with the same load settings:

- (a) ``raw_stream``: llama-cpp-python's ``create_completion(stream=True)``;
- (b) ``raw_generate``: llama-cpp-python's ``Llama.generate()``;
- (c) ``engine``: Slice's engine in this process;
- (d) ``host``: through the inference host process;
- (e) ``gui``: through the full GUI pipeline (the time each token reaches the chat view),
  measured by a probe the entry point passes in (the widget layer lives in ``ui/``);
- (f) ``api``: through the OpenAI-compatible HTTP API with a streaming client
  (:mod:`app.bench.api_path`).

Plus prompt processing speed, TTFT per turn with and without prefix reuse, TTFT when
returning to a conversation (snapshot restore vs re-processing), and speculative decoding;
the long-chat phase lives in :mod:`app.bench.long_chat`.
:mod:`app.bench.suite` runs them all in order; :mod:`app.cli.bench` prints the table.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.bench.workloads import (
    DECODE_REPEATS,
    PROSE_PROMPT,
    REWRITE_PROMPT,
    TOPICS,
    TURN_MESSAGES,
    filler_text,
    filler_tokens,
)
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


class BenchError(Exception):
    """A measurement could not be made; the message says which and why."""


@dataclass
class Timed:
    """Token arrival times of one streamed reply, by the bench's clock, and the engine's
    own TTFT of it (request received in the engine to first token; NaN where unknown)."""

    started: float
    times: list[float]
    engine_ttft_s: float = float("nan")

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


def events_ok(events: Iterator[Event]) -> Iterator[Event]:
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
        self, messages: list[ChatMessage], max_tokens: int, conversation: str = "",
        load: LoadSettings | None = None, **extra: Any,
    ) -> ChatRequest:
        """A greedy request for ``messages``, with the bench's load settings unless ``load``
        replaces them (a phase that needs another context size).

        The loop guard is off: every path decodes the same fixed number of tokens (the raw
        baselines have no guard), and a reply that repeats itself is exactly what
        speculation is measured on.
        """
        extra.setdefault("loop_guard", False)
        return ChatRequest(
            model_path=self.model,
            messages=tuple(messages),
            load=self.load if load is None else load,
            sampling=Sampling(temperature=0.0, seed=1, max_tokens=max_tokens),
            conversation_id=conversation,
            **extra,
        )

    def raw_llama(self, n_ctx: int | None = None) -> LlamaModel:
        """llama-cpp-python's own ``Llama``, constructed plainly (baselines (a) and (b));
        with the bench's context size unless ``n_ctx`` is given."""
        import llama_cpp

        from inference.llama_api import LlamaModel

        return LlamaModel(llama_cpp.Llama(
            model_path=self.model,
            n_ctx=self.load.n_ctx if n_ctx is None else n_ctx,
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
                tokens = filler_tokens(llm, n_prompt, salt=i)
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
        for event in events_ok(events):
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
        timed, done = self.stream(
            client.chat(self.request([ChatMessage("user", prompt)], self.tokens))
        )
        timed.engine_ttft_s = done.stats.ttft_s
        return timed

    def host_prefill_tps(self, client: Any, engine: Any, n_prompt: int) -> float:
        speeds = []
        for i in range(self.repeats):
            text = filler_text(engine.llm, n_prompt, salt=100 + i)
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
        for event in events_ok(events):
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


def best_of(runs: list[Timed]) -> Summary:
    return Summary(median([t.decode_tps for t in runs]), runs[0].ttft_s)

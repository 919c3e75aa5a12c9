"""The engine: one llama.cpp model, replies streamed as events.

:class:`Engine` is an ordinary Python object. The inference host process runs one; the
CLI's benchmark and the tests may drive one in-process. Every failure comes out as a
:class:`~inference.events.Failed` event, never as an exception.

Speed decisions (see DESIGN.md):

- the token loop samples with llama.cpp's native sampler chain and decodes each token's
  bytes through an incremental UTF-8 decoder (llama-cpp-python's streaming completions
  re-detokenize the whole reply per token);
- a conversation's turns extend its token history instead of re-tokenizing it (and, for a
  template that allows it, render only a window of the conversation), and only
  the tokens after the longest prefix already in the KV cache are evaluated; the KV state of
  a conversation the user leaves is snapshotted and restored on return (from RAM, or from
  a disk folder when the request names one and RAM is short); when the model is unloaded
  (or the host exits) what it holds goes to that folder, and a later process restores it;
- prompt processing runs in batches with an abort callback, so Stop interrupts it;
- optional prompt-lookup drafting verifies several guessed tokens per decode.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from inference.context_fit import Cut, Prompt, build_prompt, make_room, tokenize
from inference.device_memory import device_memory_failure, gpu_out_of_memory
from inference.events import (
    OVERFLOW_POLICIES,
    STATS_INTERVAL_S,
    ChatRequest,
    Done,
    ErrorKind,
    Event,
    Failed,
    Loaded,
    Loading,
    LoadSettings,
    ModelInfo,
    Progress,
    Stats,
    StopReason,
    Token,
)
from inference.llama_api import VERSION, AbortCallback, LlamaModel
from inference.llama_log import LOG
from inference.loader import LoadCancelledError, LoadedModel, load_model
from inference.loop_guard import LoopGuard
from inference.model_identity import KnownHashes, snapshot_key
from inference.prompt_cache import FROM_DISK, SnapshotCache, Turn, shift_reuse
from inference.reasoning import THINK, ThinkingSplitter, opens_thinking
from inference.reply import Reply
from inference.snapshot_disk import SnapshotKey
from inference.speculative import PromptLookup
from inference.stops import StopMatcher
from inference.template_window import TemplateWindow
from inference.templates import TemplateError
from inference.token_decoder import TokenDecoder

_log = logging.getLogger(__name__)

DEFAULT_SNAPSHOT_BUDGET_MB = 512
_MB = 1024 * 1024
_MAX_TURNS = 256  # conversations whose last turn is remembered


class _CancelledError(Exception):
    pass


class Engine:
    """Loads one model at a time and streams chat replies from it.

    Only :meth:`cancel` may be called from another thread. ``window_render``: a turn that
    extends the last one renders only a window of the conversation when the template
    allows it (:mod:`inference.template_window`); off, it renders the whole conversation.
    """

    def __init__(
        self, snapshot_budget_mb: int = DEFAULT_SNAPSHOT_BUDGET_MB, window_render: bool = True
    ) -> None:
        self._model: LoadedModel | None = None
        self._window_render = window_render
        self._window: TemplateWindow | None = None  # the loaded model's, when window_render
        self._cancel = threading.Event()
        self._abort_cb = AbortCallback(self._cancel.is_set)
        self._turns: OrderedDict[str, Turn] = OrderedDict()
        # Where each conversation was last cut to fit the context (see build_prompt).
        self._cuts: OrderedDict[str, Cut] = OrderedDict()
        self._snapshots = SnapshotCache(snapshot_budget_mb * _MB)
        self._active: str | None = None  # the conversation whose tokens are in the KV cache
        self._restored_from = ""  # where the active conversation's cache came back from
        self._hashes: dict[Path, KnownHashes] = {}  # model hashes known, by snapshot folder

    # -- control -------------------------------------------------------------------------

    def cancel(self) -> None:
        """Stop what runs (thread-safe): a load, a prompt evaluation, or between tokens."""
        self._cancel.set()

    @property
    def model_info(self) -> ModelInfo | None:
        return self._model.info if self._model is not None else None

    @property
    def llm(self) -> LlamaModel | None:
        """The loaded model (benchmarks and tests), or None."""
        return self._model.llm if self._model is not None else None

    def close(self) -> None:
        """Free the model. The conversations cached for it go to the snapshot folder when
        the last request named one (within its budget), for a later load or process."""
        if self._model is not None:
            llm = self._model.llm
            active = self._active if llm.n_tokens else None
            kept = self._snapshots.persist(active, llm, self._meta(active) if active else None)
            if kept:
                _log.info("snapshots: %d conversation cache(s) kept on disk for later", kept)
            llm.close()
        self._model = None
        self._window = None
        self._turns.clear()
        self._cuts.clear()
        self._snapshots.drop_memory()
        self._active = None

    def forget(self, conversation_ids: Sequence[str] | None) -> None:
        """Drop everything cached of ``conversation_ids`` (None: of every conversation), in
        RAM and in the snapshot folder: a chat was deleted, or the user cleared the cache."""
        if conversation_ids is None:
            self.forget_cache()
            return
        for conversation_id in conversation_ids:
            self._turns.pop(conversation_id, None)
            self._cuts.pop(conversation_id, None)
            self._snapshots.forget(conversation_id)
            if conversation_id == self._active:
                if self._model is not None:
                    self._model.llm.truncate(0)
                self._active = None

    def forget_cache(self) -> None:
        """Drop every cached prefix, turn and snapshot (benchmarks measure cold prompts)."""
        if self._model is not None:
            self._model.llm.truncate(0)
        self._forget_conversations()

    def _forget_conversations(self) -> None:
        self._turns.clear()
        self._cuts.clear()
        self._snapshots.clear()
        self._active = None

    # -- loading -------------------------------------------------------------------------

    def load(self, path: str, settings: LoadSettings) -> Iterator[Event]:
        """Load ``path`` unless it is already loaded with ``settings``.

        Yields Loading, LoadProgress events and Loaded; or Failed; or Done (stopped).
        """
        if self._model is not None and self._model.key == (os.path.abspath(path), settings):
            return
        self.close()
        yield Loading(path=path)
        try:
            for item in load_model(path, settings, self._cancel):
                if isinstance(item, LoadedModel):
                    self._model = item
                    if self._window_render:
                        self._window = TemplateWindow(item.template)
                    yield Loaded(model=item.info)
                else:
                    yield item
        except LoadCancelledError:
            yield Done(stop_reason=StopReason.USER, stats=Stats())

    # -- generation ----------------------------------------------------------------------

    def stream_chat(self, request: ChatRequest) -> Iterator[Event]:
        """Generate one reply to ``request``.

        Yields Loading/LoadProgress/Loaded when a load is needed, ContextTrimmed when older
        messages no longer fit, Progress during prompt processing, Token and periodic Stats
        while generating, then Done or Failed. A request without messages only loads the
        model: it ends with a Done whose stop reason is empty. Never raises.
        """
        received = time.perf_counter()
        logged = LOG.mark()
        self._cancel.clear()
        try:
            for event in self.load(request.model_path, request.load):
                yield event
                if isinstance(event, (Failed, Done)):
                    return
            assert self._model is not None
            if not request.messages and request.prompt is None:
                yield Done(stop_reason="", stats=Stats(load_s=self._model.info.load_s))
                return
            yield from self._reply(request, received)
        except Exception as exc:  # last line of defence: errors travel as values
            _log.exception("engine error on %s", request.model_path)
            # A decode the GPU could not hold (its compute buffers): the app retries it.
            device_line = device_memory_failure(LOG.text(logged), request.load.n_gpu_layers != 0)
            if device_line and request.load.n_gpu_layers != 0:
                yield gpu_out_of_memory(request.model_path, request.load.n_gpu_layers,
                                        device_line)
                return
            yield Failed(
                error=ErrorKind.INTERNAL, message=f"Internal engine error: {exc!r}",
                path=request.model_path,
            )

    def tokenize_chat(self, request: ChatRequest) -> list[int]:
        """The prompt tokens of ``request``'s messages, rendered from scratch."""
        assert self._model is not None
        if request.prompt is not None:
            return tokenize(self._model.llm, request.prompt, first=True)
        text = self._model.template.render(request.messages, continue_last=request.continue_last)
        return tokenize(self._model.llm, text, first=True)

    def _switch_to(self, conversation_id: str) -> None:
        """Make ``conversation_id`` the one in the KV cache, restoring its snapshot."""
        self._restored_from = ""
        if conversation_id == self._active:
            return
        assert self._model is not None
        llm = self._model.llm
        if self._active is not None:
            self._snapshots.save(self._active, llm, self._meta(self._active))
        restored = self._snapshots.restore(conversation_id, llm)
        self._active = conversation_id
        self._restored_from = restored.source
        if restored.source == FROM_DISK and restored.meta:
            self._adopt(conversation_id, restored.meta)

    def _meta(self, conversation_id: str) -> dict[str, Any]:
        """What a snapshot keeps beside the KV state: the conversation's last turn and
        cut, so that after a restart the next turn extends the same tokens."""
        turn, cut = self._turns.get(conversation_id), self._cuts.get(conversation_id)
        return {"turn": turn.to_dict() if turn else None, "cut": cut.to_dict() if cut else None}

    def _adopt(self, conversation_id: str, meta: dict[str, Any]) -> None:
        """Take the turn and cut saved with a snapshot from disk, unless this process
        still has its own (they are checked against the next request as any turn is)."""
        try:
            turn = Turn.from_dict(meta["turn"]) if meta.get("turn") else None
            cut = Cut.from_dict(meta["cut"]) if meta.get("cut") else None
        except ValueError as exc:
            _log.info("snapshots: the last turn saved with %s cannot be read (%s); the "
                      "history is tokenized again", conversation_id, exc)
            return
        if turn is not None and conversation_id not in self._turns:
            self._turns[conversation_id] = turn
        if cut is not None and conversation_id not in self._cuts:
            self._remember_cut(conversation_id, cut)

    def _snapshot_key_for(self, request: ChatRequest) -> SnapshotKey | None:
        """The key of this model's snapshots on disk (None: no disk)."""
        assert self._model is not None
        if not request.snapshot_dir or request.snapshot_disk_mb <= 0:
            return None
        folder = Path(request.snapshot_dir).expanduser().absolute()
        known = self._hashes.setdefault(folder, KnownHashes(folder))
        path, settings = self._model.key
        return snapshot_key(path, settings, request.model_sha256, known,
                            f"llama-cpp-python {VERSION}")

    def _reply(self, request: ChatRequest, received: float) -> Iterator[Event]:
        assert self._model is not None
        llm = self._model.llm
        if request.overflow not in OVERFLOW_POLICIES:
            yield Failed(error=ErrorKind.BAD_REQUEST, message=f"Unknown context overflow policy "
                         f"'{request.overflow}'.", path=request.model_path)
            return
        self._snapshots.configure(
            request.snapshot_budget_mb * _MB, request.snapshot_dir,
            request.snapshot_disk_mb * _MB, key=self._snapshot_key_for(request),
        )
        self._switch_to(request.conversation_id)
        prompt: Prompt | None = None
        try:
            turn = self._turns.get(request.conversation_id)
            cut = self._cuts.get(request.conversation_id)
            for item in build_prompt(self._model, request, turn, cut, self._window):
                if isinstance(item, Prompt):
                    prompt = item
                else:
                    yield item
        except TemplateError as exc:
            yield Failed(error=ErrorKind.TEMPLATE, message=f"Chat template: {exc}",
                         path=request.model_path)
            return
        if prompt is None:
            return
        self._remember_cut(request.conversation_id, prompt.cut)
        tokens = prompt.tokens
        # Reuse the longest prefix already in the KV cache (none for a fresh prompt: a
        # comparison reads every target's prompt cold); evaluate at least the last token so
        # that its logits are fresh.
        cached = 0
        for a, b in zip(llm.history(), () if request.fresh_prompt else tokens[:-1],
                        strict=False):
            if a != b:
                break
            cached += 1
        shifted_out = 0
        if prompt.recut and not request.fresh_prompt:
            # The cut moved: the kept messages are still in the cache, further along.
            cached, shifted_out = shift_reuse(llm, tokens, cached)
        llm.set_cached(cached)
        if not cached:
            self._restored_from = ""  # a snapshot came back, but none of it was of use
        todo = tokens[cached:]
        started = time.perf_counter()
        # The last prompt token is evaluated on its own: the logits of the first reply token
        # then come from the same computation whether the prefix was cached or not, so a
        # reply does not depend on what happened to be in the cache.
        head = todo[:-1]
        batches = [head[i : i + llm.n_batch] for i in range(0, len(head), llm.n_batch)]
        batches.append(todo[-1:])
        llm.set_abort_callback(self._abort_cb)
        try:
            done = 0
            for batch in batches:
                if self._cancel.is_set():
                    raise _CancelledError
                yield Progress(done=done, total=len(todo))
                done += len(batch)
                try:
                    if batch is batches[-1]:
                        llm.eval(batch)
                    else:  # the head's logits are never read: none are computed
                        llm.prefill(batch)
                except RuntimeError:
                    if self._cancel.is_set():
                        raise _CancelledError from None
                    raise
        except _CancelledError:
            # The interrupted batch left nothing usable in the cache past n_tokens.
            llm.truncate(llm.n_tokens)
            reply = Reply(received, prompt, cached, 0.0, self._model.info.load_s, llm.n_ctx(),
                          shifted_out=shifted_out, restored_from=self._restored_from)
            stopped = reply.stats(llm.n_tokens, StopReason.USER)
            yield Done(stop_reason=StopReason.USER, stats=stopped)
            return
        finally:
            llm.set_abort_callback(None)
        elapsed = time.perf_counter() - started
        yield Progress(done=len(todo), total=len(todo))
        reply = Reply(
            received=received,
            prompt=prompt,
            cached=cached,
            prompt_tps=len(todo) / elapsed if elapsed > 0 else 0.0,
            load_s=self._model.info.load_s,
            n_ctx=llm.n_ctx(),
            # A continued reply keeps its leading whitespace ("teeming" + " with").
            leading=not request.continue_last and request.prompt is None,
            shifted_out=shifted_out,
            prompt_s=elapsed,
            restored_from=self._restored_from,
        )
        yield from self._decode(request, reply)

    def _decode(self, request: ChatRequest, reply: Reply) -> Iterator[Event]:
        """The token loop. A sampled token is shown, then evaluated together with any
        drafted tokens; the model's samples for the draft positions decide how many of
        them are kept."""
        assert self._model is not None
        model = self._model
        llm = model.llm
        sampling = request.sampling
        seed = sampling.seed if sampling.seed >= 0 else int.from_bytes(os.urandom(4), "little")
        llm.set_seed(seed)
        sampler = llm.sampler(
            top_k=sampling.top_k,
            top_p=sampling.top_p,
            min_p=sampling.min_p,
            temp=sampling.temperature,
            repeat_penalty=sampling.repeat_penalty,
            frequency_penalty=sampling.frequency_penalty,
            presence_penalty=sampling.presence_penalty,
        )
        n_ctx = reply.n_ctx
        decoder = TokenDecoder(llm.token_pieces())
        is_end = llm.is_end_of_generation
        matcher = StopMatcher(request.stop)
        lookup = PromptLookup(reply.prompt.tokens, costs=model.step_costs) if (
            request.speculative) else None
        guard = LoopGuard() if request.loop_guard else None
        splitter: ThinkingSplitter | None = None
        if request.prompt is None:  # a chat reply (a plain completion has no thinking)
            tags = model.template.thinking or THINK
            splitter = ThinkingSplitter(tags, inside=opens_thinking(reply.prompt.text, tags))
        last_stats = time.perf_counter()
        stop = ""

        def show(text: str, thinking: bool = False) -> Iterator[Event]:
            """Pass text on: thinking as it is, answer text through the stop strings."""
            nonlocal stop
            if thinking:
                reply.thought_apart = True
                yield Token(text=text, n=reply.unsent, thinking=True)
                reply.unsent = 0
                return
            visible, hit = matcher.feed(text)
            if visible or hit:
                reply.text.append(visible)
                yield Token(text=visible, n=reply.unsent)
                reply.unsent = 0
            if hit:
                stop = StopReason.STOP_STRING

        def emit(token: int) -> Iterator[Event]:
            """Show one sampled token; sets ``stop`` when the reply must end with it."""
            nonlocal stop
            if is_end(token) or token in model.stop_tokens:
                stop = StopReason.END_OF_TURN
                return
            now = time.perf_counter()
            if not reply.generated:
                reply.first_at = now
            reply.last_at = now
            reply.generated.append(token)
            reply.unsent += 1
            text = decoder.feed(token)
            if reply.leading:
                text = text.lstrip()
                reply.leading = not text
            if splitter is None:
                reply.note_token(now, thinking=False, answered=bool(text))
                yield from show(text)
            else:
                was_thinking = splitter.thinking
                segments = splitter.feed(text)
                reply.note_token(now, thinking=was_thinking or splitter.thinking,
                                 answered=any(not s.thinking for s in segments))
                if request.thinking_apart:
                    for segment in segments:
                        yield from show(segment.text, segment.thinking)
                else:
                    yield from show(text)
            if stop:
                return
            if guard is not None and guard.feed(token):
                stop = StopReason.REPETITION
            elif sampling.max_tokens and len(reply.generated) >= sampling.max_tokens:
                stop = StopReason.LENGTH

        pending = sampler.sample(-1)
        while True:
            yield from emit(pending)
            if stop:
                break
            if self._cancel.is_set():
                stop = StopReason.USER
                break
            if llm.n_tokens + 1 >= n_ctx:
                if not make_room(llm, request, reply.prompt):
                    stop = StopReason.CONTEXT_FULL
                    break
                reply.shifted = True
            room = n_ctx - llm.n_tokens - 1
            if sampling.max_tokens:
                room = min(room, sampling.max_tokens - len(reply.generated))
            draft: list[int] = []
            if lookup is not None:
                lookup.extend([pending])
                draft = lookup.draft(room)
            batch = [pending, *draft]
            before = llm.n_tokens
            step_started = time.perf_counter()
            llm.decode_batch(batch, before, logits_all=bool(draft))
            accepted: list[int] = []
            for i in range(len(batch)):
                token = sampler.sample(i if draft else -1)
                if i < len(draft) and token == draft[i]:
                    accepted.append(token)
                    continue
                pending = token
                break
            if lookup is not None and not draft:
                lookup.record_plain(time.perf_counter() - step_started)
            if draft:
                assert lookup is not None
                reply.drafted += len(draft)
                reply.accepted += len(accepted)
                lookup.record(len(draft), len(accepted), time.perf_counter() - step_started)
                if len(accepted) < len(draft):
                    llm.truncate(before + 1 + len(accepted))
            for i, token in enumerate(accepted):
                yield from emit(token)
                if stop:
                    # Tokens after this one were evaluated but are not part of the reply.
                    keep = before + 1 + i + (0 if stop == StopReason.END_OF_TURN else 1)
                    llm.truncate(keep)
                    break
                if lookup is not None:
                    lookup.extend([token])
            if stop:
                break
            now = time.perf_counter()
            if now - last_stats >= STATS_INTERVAL_S:
                last_stats = now
                yield reply.stats(llm.n_tokens + 1)

        if stop != StopReason.STOP_STRING:
            rest = decoder.flush()
            if splitter is not None and request.thinking_apart:
                answer: list[str] = []
                for segment in [*splitter.feed(rest), *splitter.flush()]:
                    if segment.thinking:
                        yield from show(segment.text, thinking=True)
                    else:
                        answer.append(segment.text)
                rest = "".join(answer)
            tail = matcher.flush(rest)
            if tail or reply.unsent:
                reply.text.append(tail)
                yield Token(text=tail, n=reply.unsent)
        elif reply.unsent:
            yield Token(text="", n=reply.unsent)
        self._remember(request, reply, stop)
        used = len(reply.prompt.tokens) + len(reply.generated) if not reply.shifted else (
            llm.n_tokens
        )
        yield Done(stop_reason=stop, stats=reply.stats(used, stop))

    def _remember_cut(self, conversation_id: str, cut: Cut | None) -> None:
        """Keep where the conversation was cut, so the next turn cuts at the same place."""
        self._cuts.pop(conversation_id, None)
        if cut is None:
            return
        self._cuts[conversation_id] = cut
        while len(self._cuts) > _MAX_TURNS:
            self._cuts.popitem(last=False)

    def _remember(self, request: ChatRequest, reply: Reply, stop: str) -> None:
        """Keep the turn so the next one extends its tokens, when they match the text."""
        self._turns.pop(request.conversation_id, None)
        if request.prompt is not None:
            return  # a plain completion's tokens are reused from the KV cache alone
        turn = reply.as_turn(request, stop)
        if turn is None:
            return
        self._turns[request.conversation_id] = turn
        while len(self._turns) > _MAX_TURNS:
            self._turns.popitem(last=False)

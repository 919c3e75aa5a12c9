"""Problems that stop Slice before its window opens are reported clearly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.main import main
from app.paths import DataFolderError, app_paths


def test_a_data_folder_that_cannot_be_created_names_the_folder_and_the_way_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the home folder should be")
    monkeypatch.setenv("SLICE_HOME", str(blocker / "slice"))
    with pytest.raises(DataFolderError) as caught:
        app_paths().ensure()
    message = str(caught.value)
    assert str(blocker / "slice") in message and "SLICE_HOME" in message
    assert blocker.read_text().startswith("a file")  # nothing lost


def test_the_self_test_reports_an_unwritable_home_as_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    qapp: object,
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("SLICE_HOME", str(blocker / "slice"))
    assert main(["--self-test"]) == 1
    out, err = capsys.readouterr()
    report = json.loads(out.strip().splitlines()[-1])
    assert report["ok"] is False and "SLICE_HOME" in report["error"]
    assert "cannot create its folder" in err

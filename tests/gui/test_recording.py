"""Recording a call: the file's place and name, the Record button, the red sign, failures."""

from __future__ import annotations

import re
import stat
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from softphone.events import CallState
from softphone.ui.main_window import MainWindow
from softphone.ui.recording import new_recording_path, recording_name
from tests.gui.call_engine import CallEngine, engine  # noqa: F401 (fixture)
from tests.gui.events import REMOTE, call_state, flags


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The platform's user data dir, as platformdirs reads it, in the test's folder."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


def test_the_name_has_the_date_the_time_and_the_number() -> None:
    when = datetime(2025, 6, 1, 14, 3, 22)
    assert recording_name(REMOTE, when) == "2025-06-01 14.03.22 +12025550143.wav"
    assert recording_name("<sip:../../etc/x@host>", when) == "2025-06-01 14.03.22 ..-..-etc-x.wav"


def test_recordings_go_to_a_private_folder_and_never_overwrite(data_home: Path) -> None:
    when = datetime(2025, 6, 1, 14, 3, 22)
    first = new_recording_path(REMOTE, when)
    assert first.parent == data_home / "softphone" / "recordings"
    assert stat.S_IMODE(first.parent.stat().st_mode) == 0o700
    first.write_bytes(b"RIFF")
    second = new_recording_path(REMOTE, when)
    assert second.name == "2025-06-01 14.03.22 +12025550143 (2).wav"


def test_record_starts_into_the_recordings_folder_and_the_sign_follows_the_engine(
        window: MainWindow, engine: CallEngine, deliver: Any, data_home: Path) -> None:  # noqa: F811
    view = window.call_view
    deliver(call_state(CallState.CONNECTED))
    assert not view.recording_sign.isVisible()
    view.record_button.click()
    [(verb, call_id, path)] = engine.calls
    assert (verb, call_id) == ("start_recording", 1)
    assert Path(path).parent == data_home / "softphone" / "recordings"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d\.\d\d\.\d\d \+12025550143\.wav", Path(path).name)
    assert not view.record_button.isChecked(), "pressed, but not recording until the engine says"
    deliver(replace(flags(), recording=path))
    assert view.record_button.isChecked()
    assert view.recording_sign.isVisible() and view.recording_sign.text() == "● Recording"
    assert path in view.recording_sign.toolTip()
    view.record_button.click()
    assert engine.calls[-1] == ("stop_recording", 1)
    deliver(flags())
    assert not view.recording_sign.isVisible() and not view.record_button.isChecked()


def test_a_recording_the_engine_cannot_start_is_said_in_a_sentence(
        window: MainWindow, engine: CallEngine, deliver: Any, data_home: Path) -> None:  # noqa: F811
    engine.refusals["start_recording"] = "cannot open file for writing (PJ_EINVAL)"
    deliver(call_state(CallState.CONNECTED))
    window.call_view.record_button.click()
    assert window.message.text() == ("The recording could not start: Cannot open file for "
                                     "writing (PJ_EINVAL).")
    assert not window.call_view.record_button.isChecked()
    assert not window.call_view.recording_sign.isVisible()


def test_a_recordings_folder_that_cannot_be_made_is_said_and_nothing_starts(
        window: MainWindow, engine: CallEngine, deliver: Any, data_home: Path) -> None:  # noqa: F811
    data_home.mkdir()
    (data_home / "softphone").write_text("a file where the folder should be")
    deliver(call_state(CallState.CONNECTED))
    window.call_view.record_button.click()
    assert engine.calls == []
    assert window.message.text().startswith(
        f"Can't record: the folder {data_home / 'softphone' / 'recordings'} can't be made")
    assert not window.call_view.record_button.isChecked()

"""The app opens the address book and the history once, before its history writer starts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from softphone.config import Config
from softphone.events import Direction
from softphone.history import HistoryStore, default_history_path
from softphone.ui.app import Desktop
from tests.gui.conftest import ACCOUNT, Recorder


def test_the_window_has_contacts_and_history_tabs_over_the_users_files(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_history_path().is_relative_to(tmp_path)
    with HistoryStore.open() as crashed:  # a call the last run never finished
        crashed.start(direction=Direction.INCOMING, account="provider",
                      remote_uri="sip:+12025550143@sip.example.net", remote_name="Alice",
                      number="+12025550143", contact=None, started_at=datetime.now(UTC))
    desktop = Desktop(Config(accounts=(ACCOUNT,)))
    qtbot.addWidget(desktop.window)
    desktop.phone.engine = Recorder()  # type: ignore[assignment]
    try:
        tabs = desktop.window.tabs
        assert [tabs.tabText(i) for i in range(tabs.count())] == ["Phone", "Contacts", "History"]
        view = desktop.window.history_view
        assert view is not None
        assert view.list.topLevelItem(0).text(4) == "Cut off"
    finally:
        desktop.shutdown()

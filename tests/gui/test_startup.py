"""[startup] start_minimised and close_to_tray: the window at start, and what closing it does."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QSystemTrayIcon
from pytestqt.qtbot import QtBot

from softphone.config import Config, StartupConfig
from softphone.ui.app import Desktop
from tests.gui.conftest import ACCOUNT, Recorder

Make = Callable[..., Desktop]


@pytest.fixture
def make_desktop(qtbot: QtBot, tmp_path: Path,
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[Make]:
    """make_desktop(tray=True, **startup settings): the app as `softphone` builds it, its
    contacts and history in the test's folder, its engine a recorder. Offscreen Qt has no
    tray host; `tray` says whether the desktop it pretends to be has one."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    made: list[Desktop] = []

    def make(tray: bool = True, **startup: bool) -> Desktop:
        monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", lambda: tray)
        desktop = Desktop(Config(accounts=(ACCOUNT,), startup=StartupConfig(**startup)))
        desktop.phone.engine = Recorder()  # type: ignore[assignment]
        qtbot.addWidget(desktop.window)
        made.append(desktop)
        desktop._show()
        return desktop

    yield make
    for desktop in made:
        desktop.shutdown()


def test_the_window_shows_at_start_by_default(make_desktop: Make) -> None:
    desktop = make_desktop()
    assert desktop.window.isVisible()
    assert desktop.tray is not None and desktop.tray.isVisible()


def test_start_minimised_starts_with_only_the_tray_icon(make_desktop: Make) -> None:
    desktop = make_desktop(start_minimised=True)
    assert not desktop.window.isVisible()
    assert desktop.tray is not None and desktop.tray.isVisible()
    desktop.tray.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
    assert desktop.window.isVisible()


def test_start_minimised_without_a_tray_shows_the_window_anyway(make_desktop: Make) -> None:
    desktop = make_desktop(tray=False, start_minimised=True)
    assert desktop.tray is None
    assert desktop.window.isVisible()


def test_closing_the_window_hides_it_in_the_tray(make_desktop: Make,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    quits: list[bool] = []
    monkeypatch.setattr(QApplication, "exit", lambda code=0: quits.append(code == 0))
    desktop = make_desktop(close_to_tray=True)
    desktop.window.close()
    assert not desktop.window.isVisible()
    assert quits == []
    assert not QApplication.quitOnLastWindowClosed()


def test_without_close_to_tray_closing_the_window_quits(make_desktop: Make,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    quits: list[bool] = []
    monkeypatch.setattr(QApplication, "exit", lambda code=0: quits.append(code == 0))
    desktop = make_desktop(close_to_tray=False)
    desktop.window.close()
    assert quits == [True], "the app quits (and its shutdown hangs up any call)"

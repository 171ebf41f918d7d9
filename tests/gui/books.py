"""A main window with the Contacts and History tabs, over store files of the test's own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from softphone.config import AccountConfig, Config
from softphone.contacts import ContactStore
from softphone.history import HistoryStore
from softphone.phone import Phone
from softphone.ui.adapter import EngineBridge
from softphone.ui.main_window import MainWindow
from softphone.ui.session import Session
from tests.gui.conftest import ACCOUNT, Recorder


@pytest.fixture
def contacts(tmp_path: Path) -> Iterator[ContactStore]:
    with ContactStore.open(tmp_path / "contacts.sqlite3", "US") as store:
        yield store


@pytest.fixture
def history(tmp_path: Path) -> Iterator[HistoryStore]:
    with HistoryStore.open(tmp_path / "history.sqlite3") as store:
        yield store


def open_window(qtbot: QtBot, engine: Recorder, bridge: EngineBridge, session: Session,
                contacts: ContactStore, history: HistoryStore,
                accounts: tuple[AccountConfig, ...] = (ACCOUNT,)) -> MainWindow:
    config = Config(accounts=accounts)
    phone = Phone(config, bridge.deliver)
    phone.engine = engine  # type: ignore[assignment]
    window = MainWindow(phone, config, session, contacts=contacts, history=history)
    qtbot.addWidget(window)
    window.show()
    return window

"""GUI tests run on Qt's offscreen platform: no display needed, and none used if present.

View tests use a real Phone whose engine is a recorder: the real command layer reads what was
typed, and the test sees exactly which engine commands would have gone out. The real-engine
flow runs in a subprocess (gui_flow.py), since pjsua allows one endpoint per process.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from softphone.config import AccountConfig, Config
from softphone.events import Event
from softphone.phone import Phone
from softphone.ui.adapter import EngineBridge
from softphone.ui.main_window import MainWindow
from softphone.ui.session import Session
from tests.integration.conftest import (  # noqa: F401 (fixtures for the flow test)
    line,
    make_kamailio,
    peers,
    pytest_runtest_makereport,
    sipp_uas,
)

os.environ["QT_QPA_PLATFORM"] = "offscreen"

ACCOUNT = AccountConfig(name="provider", username="1001", domain="sip.example.net",
                        default_country="US")


class Recorder:
    """Stands in for the Engine (or the Phone): every method call is recorded as a tuple."""

    do_not_disturb = False  # an attribute of both, read rather than called

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def __getattr__(self, name: str) -> Any:
        return lambda *args: self.calls.append((name, *args))

    def set_do_not_disturb(self, on: bool) -> None:
        """Recorded, and kept as the attribute, as both the Engine and the Phone do."""
        self.calls.append(("set_do_not_disturb", on))
        self.do_not_disturb = on


@pytest.fixture
def engine() -> Recorder:
    return Recorder()


@pytest.fixture
def bridge(qtbot: QtBot) -> EngineBridge:
    return EngineBridge()


@pytest.fixture
def session(bridge: EngineBridge) -> Session:
    return Session(bridge)


@pytest.fixture
def window(qtbot: QtBot, engine: Recorder, bridge: EngineBridge,
           session: Session) -> MainWindow:
    config = Config(accounts=(ACCOUNT,))
    phone = Phone(config, bridge.deliver)
    phone.engine = engine  # type: ignore[assignment]
    shown = MainWindow(phone, config, session)
    qtbot.addWidget(shown)
    shown.show()
    return shown


@pytest.fixture
def deliver(qtbot: QtBot, bridge: EngineBridge) -> Any:
    """deliver(event): as the engine would, then wait until the GUI thread has seen it."""
    def send(event: Event) -> None:
        with qtbot.waitSignal(bridge.event, timeout=2000):
            bridge.deliver(event)

    return send

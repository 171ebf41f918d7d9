"""An engine stand-in for call-control views: the Recorder, plus the few engine queries the
command layer reads answers from (whose account a call is on, who is in the conference), and
a way to make one command fail as the real engine does, with an EngineError."""

from __future__ import annotations

from typing import Any

import pytest

from softphone.config import AccountConfig
from softphone.engine import EngineError
from tests.gui.conftest import ACCOUNT, Recorder


class CallEngine(Recorder):
    def __init__(self) -> None:
        super().__init__()
        self.members: list[int] = []
        self.refusals: dict[str, str] = {}

    def __getattr__(self, name: str) -> Any:
        record = super().__getattr__(name)

        def command(*args: Any) -> None:
            record(*args)
            if name in self.refusals:
                raise EngineError(self.refusals[name])

        return command

    def account_of(self, call_id: int) -> AccountConfig:
        return ACCOUNT

    def conference_members(self) -> list[int]:
        return list(self.members)


@pytest.fixture
def engine() -> CallEngine:
    return CallEngine()

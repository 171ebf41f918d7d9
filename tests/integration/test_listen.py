"""`softphone listen`: incoming calls through the provider reach us, ring, and are answered or
declined as asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.softphone_cli import Softphone, write_config
from tests.peers.kamailio import Kamailio
from tests.peers.ports import HOST
from tests.peers.sipp import SippUAC

pytestmark = pytest.mark.integration

USER, PASSWORD = "1001", "secret1001"


def listen(tmp_path: Path, provider: Kamailio, *extra: str) -> Softphone:
    config = write_config(tmp_path / "config.toml", [{
        "name": "provider", "username": USER, "domain": f"{HOST}:{provider.port}",
    }])
    run = Softphone(tmp_path, ["listen", "--config", str(config), "--wait", "20", *extra],
                    PASSWORD).start()
    run.wait_for("registration", registered=True)
    return run


def call_us(tmp_path: Path, provider: Kamailio) -> SippUAC:
    return SippUAC(tmp_path / "caller", "uac_call", provider.port, USER)


@pytest.fixture
def provider(tmp_path: Path):
    with Kamailio(tmp_path / "kamailio", {USER: PASSWORD}) as kamailio:
        yield kamailio


def test_incoming_call_rings_and_is_answered(tmp_path, provider):
    run = listen(tmp_path, provider)
    with call_us(tmp_path, provider) as caller:
        assert caller.wait(20) == 0, caller.log_tail()
    outcome = run.finish()

    assert outcome.returncode == 0, outcome
    incoming = outcome.of("incoming_call")[0]
    assert incoming["remote_number"] == "sipp"
    assert "ringing" in outcome.states() and "connected" in outcome.states(), outcome
    assert outcome.ended()["message"] == "The other side hung up."
    assert caller.received_codes()[-2:] == [180, 200] or 200 in caller.received_codes()


@pytest.mark.parametrize("code", [486, 603])
def test_incoming_call_is_declined_with_the_chosen_code(tmp_path, provider, code):
    run = listen(tmp_path, provider, "--reject", str(code))
    with call_us(tmp_path, provider) as caller:
        caller.wait(20)
    outcome = run.finish()

    assert outcome.returncode == 0, outcome
    assert code in caller.received_codes(), caller.messages()
    assert outcome.ended()["message"] == "You declined the call."
    assert "connected" not in outcome.states()

"""Do Not Disturb ([calls] do_not_disturb) with `softphone listen`: a caller through the real
provider hears busy before anything rings, and the run reports the call it turned away."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.softphone_cli import Softphone, write_config
from tests.peers.kamailio import Kamailio
from tests.peers.ports import HOST

pytestmark = pytest.mark.integration

USER, PASSWORD = "1001", "secret1001"


def listen(tmp_path: Path, provider: Kamailio, do_not_disturb: bool) -> Softphone:
    config = write_config(tmp_path / "config.toml", [{
        "name": "provider", "username": USER, "domain": f"{HOST}:{provider.port}",
    }], calls={"do_not_disturb": do_not_disturb})
    run = Softphone(tmp_path, ["listen", "--config", str(config), "--wait", "30"],
                    PASSWORD).start()
    run.wait_for("registration", registered=True)
    return run


def test_a_caller_hears_busy_without_ringing_and_the_call_counts_as_missed(
        tmp_path, kamailio, sipp_uac):
    run = listen(tmp_path, kamailio, do_not_disturb=True)
    caller = sipp_uac("uac_call", kamailio.port, USER)
    caller.wait(20)
    outcome = run.finish()

    assert outcome.returncode == 0, outcome
    codes = [code for code in caller.received_codes() if code >= 180]
    assert codes and set(codes) == {486}, caller.messages()
    assert outcome.of("incoming_call") == [], "nothing rang"
    ended = outcome.ended()
    assert ended["direction"] == "incoming" and ended["code"] == 486
    assert ended["message"] == "Missed while Do Not Disturb was on (the caller heard busy)."

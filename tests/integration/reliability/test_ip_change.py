"""The phone's address changes under it (a laptop joining another network; here the private
namespace behind the NAT gets a new address, tests/peers/netns.py) and nobody tells it: it
notices by itself (engine/netwatch.py), re-registers from the new address, and calls through
the provider find it there. The router's mapping for the old address points at a host that is
gone, so a call can only arrive if the provider learned the new Contact."""

from __future__ import annotations

import time

import pytest

from tests.integration.lines import PASSWORD, USER, account
from tests.integration.reliability.test_nat import (  # noqa: F401 (network is a fixture)
    PublicKamailio,
    network,
    start_in,
)
from tests.integration.softphone_cli import Softphone, write_config
from tests.peers.netns import NatNetwork
from tests.peers.ports import wait_until
from tests.peers.sipp import SippUAC

pytestmark = pytest.mark.integration

NEW_ADDRESS = "192.168.200.3"
# The watcher looks every 2 s; a REGISTER round trip through the NAT takes milliseconds.
REREGISTER_SECONDS = 15


def registrations(run: Softphone) -> int:
    return sum(1 for event in run.events
               if event["event"] == "registration" and event["registered"])


def test_new_address_reregisters_by_itself_and_calls_reach_it(network: NatNetwork, peers,
                                                              tmp_path):
    provider = start_in(network.public, peers, PublicKamailio(
        network.public, peers.workdir("kamailio"), {USER: PASSWORD}))
    config = write_config(tmp_path / "config.toml", [account(
        provider, domain=f"{provider.host}:{provider.port}")])
    with network.private.entered():
        run = Softphone(tmp_path, ["listen", "--config", str(config), "--wait", "90"],
                        PASSWORD).start()
    try:
        run.wait_for("registration", 20, registered=True)
        network.move_private(NEW_ADDRESS)
        moved = time.monotonic()
        wait_until(lambda: registrations(run) >= 2, REREGISTER_SECONDS,
                   "a registration from the new address")
        print(f"re-registered {time.monotonic() - moved:.2f} s after the address changed")

        caller = start_in(network.public, peers, SippUAC(
            peers.workdir("sipp-uac_call"), "uac_call", provider.port, USER,
            host=network.public.address, target_host=provider.host))
        assert caller.wait(20) == 0, caller.log_tail()
        outcome = run.finish(20)
    finally:
        run.stop()

    assert outcome.returncode == 0, outcome
    assert "connected" in outcome.states(), outcome
    assert 200 in caller.received_codes(), caller.messages()

"""The phone's address changes under it (a laptop joining another network; here the private
namespace behind the NAT gets a new address, tests/peers/netns.py) and nobody tells it: it
notices by itself (engine/netwatch.py), re-registers from the new address, and calls through
the provider find it there; a call in progress is re-INVITEd from the new address and goes
on. The router's mapping for the old address points at a host that is gone, so nothing
reaches us unless the provider and the far end learned the new Contact."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.integration.lines import NUMBER, PASSWORD, ROUTED_PREFIX, USER, account
from tests.integration.reliability import test_nat
from tests.integration.reliability.test_nat import PublicFarEnd, PublicKamailio, start_in
from tests.integration.softphone_cli import Softphone, write_config
from tests.peers.netns import PUBLIC_ROUTER, NatNetwork
from tests.peers.ports import wait_until
from tests.peers.sipp import SippUAC

pytestmark = pytest.mark.integration
network = test_nat.network  # the same namespaces and NAT, as a fixture here too

NEW_ADDRESS = "192.168.200.3"
# The watcher looks every 2 s; a REGISTER round trip through the NAT takes milliseconds.
REREGISTER_SECONDS = 15
# The Contact of each INVITE the far end received (the first, then re-INVITEs).
INVITE_CONTACT = re.compile(r"^INVITE sip:[^\n]*\n(?:[^\r\n]+\r?\n)*?Contact: <sip:[^@>]*@([^;>]+)",
                            re.MULTILINE)
CALL_SECONDS = 12
# 50 packets a second come back from the echoing far end: 3 s worth after the move is plenty.
MIN_PACKETS_AFTER_MOVE = 150


def registrations(run: Softphone) -> int:
    return sum(1 for event in run.events
               if event["event"] == "registration" and event["registered"])


def test_new_address_reregisters_by_itself_and_calls_reach_it(network: NatNetwork, peers,
                                                              tmp_path, figure):
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
        figure("reregistered_after_s", round(time.monotonic() - moved, 2))

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


def test_call_in_progress_follows_the_new_address(network: NatNetwork, peers, tmp_path: Path,
                                                  tone, figure):
    """Mid-call the address changes: pjsua re-INVITEs the far end with a Contact at the
    router's new port for us, and our tone keeps coming back from the echoing far end after
    the move; the call ends when we hang up, not by an RTP timeout."""
    far_end = start_in(network.public, peers,
                       PublicFarEnd(network.public, peers.workdir("sipp"), "answer_echo"))
    provider = start_in(network.public, peers, PublicKamailio(
        network.public, peers.workdir("kamailio"), {USER: PASSWORD},
        {ROUTED_PREFIX: (network.public.address, far_end.port)}))
    config = write_config(tmp_path / "config.toml", [account(
        provider, domain=f"{provider.host}:{provider.port}")])
    with network.private.entered():
        run = Softphone(tmp_path, ["call", NUMBER, "--config", str(config), "--play", str(tone),
                                   "--duration", str(CALL_SECONDS)], PASSWORD).start()
    try:
        received_before = run.wait_for("stats", 20)["rx_packets"]
        network.move_private(NEW_ADDRESS)
        outcome = run.finish(40)
    finally:
        run.stop()

    assert outcome.returncode == 0, outcome
    assert outcome.states()[-2:] == ["connected", "ended"], outcome
    contacts = INVITE_CONTACT.findall(far_end.messages())
    print(f"INVITE Contacts the far end saw: {contacts}")
    assert len(contacts) >= 2 and contacts[-1] != contacts[0], far_end.messages()
    assert contacts[-1].startswith(f"{PUBLIC_ROUTER}:"), contacts
    received_after = outcome.of("stats")[-1]["rx_packets"]
    figure("rtp_received_after_move", received_after - received_before)
    assert received_after - received_before > MIN_PACKETS_AFTER_MOVE, outcome.of("stats")
